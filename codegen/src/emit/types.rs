//! How an `ir::Type` is spelled in Rust, as a field and as an argument.
//!
//! `models.rs` names standard items as the prelude does (`Option`), except
//! that an item a model's name would shadow is written by path
//! (`std::option::Option`), so a schema named `Option` cannot change what a
//! field means. `client.rs` names models as `models::…`, so it always writes paths.

use std::collections::HashSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{IntegerWidth, Model, Type};

/// Where the emitted code names models and standard items from.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// `models.rs`, where every model is in scope.
    Models(&'a Prelude),
    /// `client.rs`, which imports `super::models` and names them as `models::…`.
    Client,
}

/// The standard items `models.rs` uses, each by its prelude name unless a
/// model of that name shadows it.
#[derive(Debug)]
pub struct Prelude {
    pub option: TokenStream,
    pub some: TokenStream,
    pub none: TokenStream,
    pub string: TokenStream,
    pub vec: TokenStream,
    pub boxed: TokenStream,
    pub into: TokenStream,
    pub from: TokenStream,
    pub default: TokenStream,
    pub result: TokenStream,
    pub ok: TokenStream,
    pub err: TokenStream,
}

impl Prelude {
    /// The prelude names that a model takes, which are then written as paths.
    pub fn shadowed(models: &[Model]) -> HashSet<&'static str> {
        let taken: HashSet<&str> = models.iter().map(Model::name).collect();
        let names = [
            "Option", "Some", "None", "String", "Vec", "Box", "Into", "From", "Default", "Result",
            "Ok", "Err",
        ];
        names
            .into_iter()
            .filter(|name| taken.contains(name))
            .collect()
    }

    /// The names in scope when the `shadowed` ones are taken. Tokens cannot
    /// cross threads, so each thread that emits models builds its own.
    pub fn new(shadowed: &HashSet<&str>) -> Self {
        let name = |short: &str, path: TokenStream| {
            if shadowed.contains(short) {
                path
            } else {
                let short = format_ident!("{short}");
                quote! { #short }
            }
        };
        Prelude {
            option: name("Option", quote! { std::option::Option }),
            some: name("Some", quote! { std::option::Option::Some }),
            none: name("None", quote! { std::option::Option::None }),
            string: name("String", quote! { std::string::String }),
            vec: name("Vec", quote! { std::vec::Vec }),
            boxed: name("Box", quote! { std::boxed::Box }),
            into: name("Into", quote! { std::convert::Into }),
            from: name("From", quote! { std::convert::From }),
            default: name("Default", quote! { std::default::Default }),
            result: name("Result", quote! { std::result::Result }),
            ok: name("Ok", quote! { std::result::Result::Ok }),
            err: name("Err", quote! { std::result::Result::Err }),
        }
    }
}

/// The type of a struct field or a response.
pub fn rust_type(ty: &Type, scope: Scope) -> TokenStream {
    let (string, vec, option) = match scope {
        Scope::Models(prelude) => (
            prelude.string.clone(),
            prelude.vec.clone(),
            prelude.option.clone(),
        ),
        Scope::Client => (
            quote! { std::string::String },
            quote! { std::vec::Vec },
            quote! { std::option::Option },
        ),
    };
    let runtime = match scope {
        Scope::Models(_) => quote! { runtime },
        Scope::Client => quote! { clover_api_runtime },
    };
    match ty {
        Type::String | Type::Digits { .. } => string,
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
