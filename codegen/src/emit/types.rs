//! How an `ir::Type` is spelled in Rust, as a field and as an argument.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{IntegerWidth, Type};

/// The type of a struct field or a response.
pub fn rust_type(ty: &Type) -> TokenStream {
    match ty {
        Type::String | Type::Digits { .. } => quote! { String },
        Type::Secret => quote! { Secret },
        Type::Integer(IntegerWidth::I32) => quote! { i32 },
        Type::Integer(IntegerWidth::I64) => quote! { i64 },
        Type::Number => quote! { f64 },
        Type::Boolean => quote! { bool },
        Type::Json => quote! { serde_json::Value },
        Type::Named(name) => {
            let name = format_ident!("{name}");
            quote! { #name }
        }
        Type::List(item) => {
            let item = rust_type(item);
            quote! { Vec<#item> }
        }
        Type::Map(value) => {
            let value = rust_type(value);
            quote! { std::collections::BTreeMap<String, #value> }
        }
        Type::Unit => quote! { () },
    }
}

/// The type of a constructor argument, and whether it is taken as
/// `impl Into<…>` (and so needs `.into()`).
pub fn argument(ty: &Type) -> (TokenStream, bool) {
    match ty {
        Type::String | Type::Digits { .. } => (quote! { impl Into<String> }, true),
        Type::Secret => (quote! { impl Into<Secret> }, true),
        other => (rust_type(other), false),
    }
}

/// The type of a borrowed parameter of an operation method.
pub fn borrowed(ty: &Type) -> TokenStream {
    match ty {
        Type::String | Type::Digits { .. } => quote! { &str },
        Type::Integer(_) | Type::Number | Type::Boolean => rust_type(ty),
        Type::List(item) => {
            let item = rust_type(item);
            quote! { &[#item] }
        }
        other => {
            let ty = rust_type(other);
            quote! { &#ty }
        }
    }
}

pub fn uses_secret(ty: &Type) -> bool {
    match ty {
        Type::Secret => true,
        Type::List(inner) | Type::Map(inner) => uses_secret(inner),
        _ => false,
    }
}
