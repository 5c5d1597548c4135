//! How an `ir::Type` is spelled in Rust, as a field and as an argument.
//!
//! `models.rs` names standard items as the prelude does (`Option`), except
//! that an item a model's name would shadow is written by path
//! (`std::option::Option`), so a schema named `Option` cannot change what a
//! field means. `client.rs` names models as `models::…`, so it always writes paths.

use std::collections::HashSet;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{ToTokens, format_ident, quote};

use crate::ir::{IntegerWidth, Model, Type};

/// Where the emitted code names models and standard items from.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// `models.rs`, where every model is in scope.
    Models(&'a Prelude),
    /// `client.rs`, which imports `super::models` and names them as `models::…`.
    Client,
}

/// A standard item as generated code names it: by its prelude name, or by
/// its path where a model of that name would shadow it.
#[derive(Debug, Clone, Copy)]
pub struct StdItem {
    /// The path's segments, the prelude name last.
    path: &'static [&'static str],
    by_path: bool,
}

impl ToTokens for StdItem {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let (name, module) = self.path.split_last().expect("a path names an item");
        if self.by_path {
            for segment in module {
                let segment = Ident::new(segment, Span::call_site());
                tokens.extend(quote! { #segment:: });
            }
        }
        Ident::new(name, Span::call_site()).to_tokens(tokens);
    }
}

/// The standard items generated code uses. Built once per file and shared
/// by the threads that emit it: its items are plain data, not tokens.
#[derive(Debug, Clone, Copy)]
pub struct Prelude {
    pub option: StdItem,
    pub some: StdItem,
    pub none: StdItem,
    pub string: StdItem,
    pub vec: StdItem,
    pub boxed: StdItem,
    pub into: StdItem,
    pub from: StdItem,
    pub default: StdItem,
    pub result: StdItem,
    pub ok: StdItem,
    pub err: StdItem,
}

impl Prelude {
    /// The items as `models.rs` names them: by path only where a model's
    /// name is the item's.
    pub fn new(models: &[Model]) -> Self {
        let taken: HashSet<&str> = models.iter().map(Model::name).collect();
        Prelude::with(|name| taken.contains(name))
    }

    /// Every item by path, as `client.rs` names them beside `models::…`.
    pub fn by_path() -> Self {
        Prelude::with(|_| true)
    }

    fn with(by_path: impl Fn(&str) -> bool) -> Self {
        let item = |path: &'static [&'static str]| StdItem {
            path,
            by_path: by_path(path[path.len() - 1]),
        };
        Prelude {
            option: item(&["std", "option", "Option"]),
            some: item(&["std", "option", "Option", "Some"]),
            none: item(&["std", "option", "Option", "None"]),
            string: item(&["std", "string", "String"]),
            vec: item(&["std", "vec", "Vec"]),
            boxed: item(&["std", "boxed", "Box"]),
            into: item(&["std", "convert", "Into"]),
            from: item(&["std", "convert", "From"]),
            default: item(&["std", "default", "Default"]),
            result: item(&["std", "result", "Result"]),
            ok: item(&["std", "result", "Result", "Ok"]),
            err: item(&["std", "result", "Result", "Err"]),
        }
    }
}

/// The type of a struct field or a response.
pub fn rust_type(ty: &Type, scope: Scope) -> TokenStream {
    let Prelude {
        string,
        vec,
        option,
        ..
    } = match scope {
        Scope::Models(prelude) => *prelude,
        Scope::Client => Prelude::by_path(),
    };
    let runtime = match scope {
        Scope::Models(_) => quote! { runtime },
        Scope::Client => quote! { clover_api_runtime },
    };
    match ty {
        Type::String | Type::Digits { .. } => string.to_token_stream(),
        Type::Secret => quote! { #runtime::Secret },
        Type::Integer(IntegerWidth::I32) => quote! { i32 },
        Type::Integer(IntegerWidth::I64) => quote! { i64 },
        Type::Number => quote! { f64 },
        Type::Boolean => quote! { bool },
        Type::Json => quote! { serde_json::Value },
        Type::Binary => quote! { #runtime::Binary },
        Type::Named(name) => {
            let name = format_ident!("{name}");
            match scope {
                Scope::Models(_) => quote! { #name },
                Scope::Client => quote! { models::#name },
            }
        }
        Type::List(item) => {
            let item = rust_type(item, scope);
            quote! { #vec<#item> }
        }
        Type::Map(value) => {
            let value = rust_type(value, scope);
            quote! { std::collections::BTreeMap<#string, #value> }
        }
        Type::Nullable(inner) => {
            let inner = rust_type(inner, scope);
            quote! { #option<#inner> }
        }
        Type::Unit => quote! { () },
    }
}

/// The type of a constructor or setter argument in `models.rs`, and whether
/// it is taken as `impl Into<…>` of that type (and so needs `.into()`). A
/// boxed field takes `impl Into<Box<…>>`, which its unboxed value satisfies.
pub fn argument(ty: &Type, boxed: bool, prelude: &Prelude) -> (TokenStream, bool) {
    let rust = rust_type(ty, Scope::Models(prelude));
    match ty {
        Type::List(_) | Type::Map(_) | Type::Json => (rust, false),
        Type::Integer(_) | Type::Number | Type::Boolean => (rust, false),
        _ if boxed => {
            let boxed = &prelude.boxed;
            (quote! { #boxed<#rust> }, true)
        }
        _ => (rust, true),
    }
}

/// The type of a borrowed parameter of an operation method.
pub fn borrowed(ty: &Type) -> TokenStream {
    match ty {
        Type::String | Type::Digits { .. } => quote! { &str },
        Type::Integer(_) | Type::Number | Type::Boolean => rust_type(ty, Scope::Client),
        Type::List(item) => {
            let item = rust_type(item, Scope::Client);
            quote! { &[#item] }
        }
        other => {
            let ty = rust_type(other, Scope::Client);
            quote! { &#ty }
        }
    }
}
