//! The success of an operation whose 2xx responses differ: an enum with a
//! variant per status, and the decoder the client's call reads it with.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::types::{Prelude, Scope, rust_type};
use super::{doc, doc_opt};
use crate::ir::{Responses, Success, Type};

pub fn emit(model: &Responses, prelude: &Prelude) -> TokenStream {
    let Prelude {
        result, ok, err, ..
    } = prelude;
    let name = format_ident!("{}", model.name);
    let enum_doc = doc_opt(model.doc.as_deref());
    let variants = model.variants.iter().map(|variant| {
        let rust_name = format_ident!("{}", variant.rust_name);
        let status = match variant.status {
            Some(status) => format!("HTTP {status}"),
            None => "Any other 2xx status".to_owned(),
        };
        let text = match &variant.doc {
            Some(text) => format!("{status}: {text}"),
            None => format!("{status}."),
        };
        let doc = doc(&text);
        match &variant.success {
            Success::Empty => quote! { #doc #rust_name },
            success => {
                let ty = output_type(success, Scope::Models(prelude));
                quote! { #doc #rust_name(#ty) }
            }
        }
    });
    let arms = model.variants.iter().map(|variant| {
        let rust_name = format_ident!("{}", variant.rust_name);
        let pattern = match variant.status {
            Some(status) => {
                let status = Literal::u16_unsuffixed(status);
                quote! { #status }
            }
            None => quote! { _ },
        };
        let read = match &variant.success {
            Success::Empty => quote! { #ok(Self::#rust_name) },
            Success::Json(_) => {
                quote! { runtime::decode::json(status, body).map(Self::#rust_name) }
            }
            Success::Text => quote! { runtime::decode::text(status, body).map(Self::#rust_name) },
            Success::Bytes => quote! { runtime::decode::bytes(status, body).map(Self::#rust_name) },
        };
        quote! { #pattern => #read, }
    });
    let undeclared = model
        .variants
        .iter()
        .all(|variant| variant.status.is_some())
        .then(|| quote! { _ => #err(runtime::DecodeFailure::undeclared(status)), });
    quote! {
        #enum_doc
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants,)*
        }

        impl #name {
            /// Reads the body the way the spec declares for its status.
            pub(crate) fn decode(
                status: u16,
                body: &runtime::Bytes,
            ) -> #result<Self, runtime::DecodeFailure> {
                match status {
                    #(#arms)*
                    #undeclared
                }
            }
        }
    }
}

/// The Rust type a success decodes into.
pub fn output_type(success: &Success, scope: Scope) -> TokenStream {
    match success {
        Success::Empty => quote! { () },
        Success::Json(ty) => rust_type(ty, scope),
        Success::Text => rust_type(&Type::String, scope),
        Success::Bytes => match scope {
            Scope::Models(_) => quote! { runtime::Bytes },
            Scope::Client => quote! { clover_api_runtime::Bytes },
        },
    }
}
