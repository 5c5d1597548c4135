//! `schemes.rs`: one type per security scheme, naming its credential slot
//! on the client's builder and saying how its credential is sent.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::doc;
use crate::ir::{KeyLocation, SchemeKind, SecurityScheme};

pub fn emit(schemes: &[SecurityScheme]) -> TokenStream {
    let schemes = schemes.iter().map(scheme);
    quote! {
        //! The spec's security schemes, one type each: give the client a
        //! credential for a scheme with `ClientBuilder::credential(scheme, value)`
        //! or `Client::with_credential`. Each call sends the first alternative of
        //! its operation's security that the client holds.

        #(#schemes)*
    }
}

fn scheme(scheme: &SecurityScheme) -> TokenStream {
    let name = format_ident!("{}", scheme.rust_name);
    let key = &scheme.key;
    let (credential, sent_as, how) = match &scheme.kind {
        SchemeKind::Bearer => (
            quote! { Secret },
            quote! { Bearer },
            "a token, sent as `Authorization: Bearer <token>`".to_owned(),
        ),
        SchemeKind::Basic => (
            quote! { BasicCredentials },
            quote! { Basic },
            "a user name and password, sent as `Authorization: Basic`".to_owned(),
        ),
        SchemeKind::ApiKey { location, name } => {
            let (variant, place) = match location {
                KeyLocation::Header => (quote! { Header }, "header"),
                KeyLocation::Query => (quote! { Query }, "query parameter"),
                KeyLocation::Cookie => (quote! { Cookie }, "cookie"),
            };
            (
                quote! { Secret },
                quote! { #variant(#name) },
                format!("an API key, sent in the {place} `{name}`"),
            )
        }
    };
    let summary = match &scheme.description {
        Some(description) => format!("`{key}`: {}", description.trim()),
        None => format!("`{key}`."),
    };
    let doc = doc(&format!("{summary}\n\nIts credential is {how}."));
    let bearer = (scheme.kind == SchemeKind::Bearer).then(|| {
        quote! { impl clover_api_runtime::BearerScheme for #name {} }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, Copy)]
        pub struct #name;

        impl clover_api_runtime::Scheme for #name {
            type Api = super::Spec;
            type Credential = clover_api_runtime::#credential;
            const KEY: &'static str = #key;
            const SENT_AS: clover_api_runtime::SentAs = clover_api_runtime::SentAs::#sent_as;
        }

        #bearer
    }
}
