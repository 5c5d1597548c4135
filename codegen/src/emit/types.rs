//! How an `ir::Type` is spelled in Rust, as a field and as an argument.
//!
//! Standard types are written by path (`std::string::String`), so a schema
//! named `String` or `Option` cannot shadow them.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{IntegerWidth, Type};

/// Where the emitted code names models from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `models.rs`, where every model is in scope.
    Models,
    /// Another generated file, which names them as `super::models::…`.
    Sibling,
}

/// The type of a struct field or a response.
pub fn rust_type(ty: &Type, scope: Scope) -> TokenStream {
    match ty {
        Type::String | Type::Digits { .. } => quote! { std::string::String },
        Type::Secret => quote! { clover_api_runtime::Secret },
        Type::Integer(IntegerWidth::I32) => quote! { i32 },
        Type::Integer(IntegerWidth::I64) => quote! { i64 },
        Type::Number => quote! { f64 },
        Type::Boolean => quote! { bool },
        Type::Json => quote! { serde_json::Value },
        Type::Binary => quote! { clover_api_runtime::Binary },
        Type::Named(name) => {
            let name = format_ident!("{name}");
            match scope {
                Scope::Models => quote! { #name },
                Scope::Sibling => quote! { super::models::#name },
            }
        }
        Type::List(item) => {
            let item = rust_type(item, scope);
            quote! { std::vec::Vec<#item> }
        }
        Type::Map(value) => {
            let value = rust_type(value, scope);
            quote! { std::collections::BTreeMap<std::string::String, #value> }
        }
        Type::Nullable(inner) => {
            let inner = rust_type(inner, scope);
            quote! { std::option::Option<#inner> }
        }
        Type::Unit => quote! { () },
    }
}

/// The type of a constructor or setter argument, and whether it is taken as
/// `impl Into<…>` (and so needs `.into()`).
pub fn argument(ty: &Type) -> (TokenStream, bool) {
    match ty {
        Type::List(_) | Type::Map(_) | Type::Json => (rust_type(ty, Scope::Models), false),
        Type::Integer(_) | Type::Number | Type::Boolean => (rust_type(ty, Scope::Models), false),
        other => {
            let ty = rust_type(other, Scope::Models);
            (quote! { impl std::convert::Into<#ty> }, true)
        }
    }
}

/// The type of a borrowed parameter of an operation method.
pub fn borrowed(ty: &Type) -> TokenStream {
    match ty {
        Type::String | Type::Digits { .. } => quote! { &str },
        Type::Integer(_) | Type::Number | Type::Boolean => rust_type(ty, Scope::Sibling),
        Type::List(item) => {
            let item = rust_type(item, Scope::Sibling);
            quote! { &[#item] }
        }
        other => {
            let ty = rust_type(other, Scope::Sibling);
            quote! { &#ty }
        }
    }
}
