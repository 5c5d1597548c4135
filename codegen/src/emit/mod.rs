//! Intermediate model → token streams, one module per generated file.

mod client;
mod hosts;
mod models;
mod types;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::Api;

/// One generated file before formatting.
pub struct EmittedFile {
    pub name: &'static str,
    pub tokens: TokenStream,
}

pub fn emit(api: &Api) -> Vec<EmittedFile> {
    vec![
        EmittedFile { name: "mod.rs", tokens: module_root() },
        EmittedFile { name: "hosts.rs", tokens: hosts::emit(&api.hosts) },
        EmittedFile { name: "models.rs", tokens: models::emit(&api.models) },
        EmittedFile { name: "client.rs", tokens: client::emit(api) },
    ]
}

fn module_root() -> TokenStream {
    quote! {
        //! Code generated from the OpenAPI spec: models, hosts and one method per operation.
        mod client;
        mod hosts;
        pub mod models;

        pub use hosts::Host;
    }
}

/// `#[doc]` attributes, one per line, so prettyplease prints `///` comments.
pub(crate) fn doc(text: &str) -> TokenStream {
    let lines = text.trim().lines().map(|line| {
        let line = line.trim_end();
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote! { #[doc = #line] }
    });
    quote! { #(#lines)* }
}

/// Like [`doc`], for an optional description.
pub(crate) fn doc_opt(text: Option<&str>) -> TokenStream {
    text.map(doc).unwrap_or_default()
}
