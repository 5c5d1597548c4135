//! Intermediate model → token streams, one module per generated file.

mod api;
mod client;
mod hosts;
mod models;
mod responses;
mod schemes;
mod types;

use proc_macro2::TokenStream;
use quote::quote;

use crate::Options;
use crate::ir::Api;

/// One generated file before formatting.
pub struct EmittedFile {
    pub name: &'static str,
    pub tokens: TokenStream,
}

pub fn emit(api: &Api, options: &Options) -> Vec<EmittedFile> {
    vec![
        EmittedFile {
            name: "mod.rs",
            tokens: module_root(api),
        },
        EmittedFile {
            name: "api.rs",
            tokens: api::emit(api),
        },
        EmittedFile {
            name: "hosts.rs",
            tokens: hosts::emit(&api.hosts, &api.environments),
        },
        EmittedFile {
            name: "schemes.rs",
            tokens: schemes::emit(&api.schemes),
        },
        EmittedFile {
            name: "models.rs",
            tokens: models::emit(&api.models, options),
        },
        EmittedFile {
            name: "client.rs",
            tokens: client::emit(api),
        },
    ]
}

fn module_root(api: &Api) -> TokenStream {
    let pages = api
        .operations
        .iter()
        .any(|operation| operation.pagination.is_some())
        .then(|| quote! { Pages, });
    quote! {
        //! Code generated from the OpenAPI spec: models, hosts and environments,
        //! security schemes, one method per operation, and the runtime's types
        //! named for this API.
        mod api;
        mod client;
        mod hosts;
        pub mod models;
        pub mod schemes;

        pub use api::{ApiError, Call, ClientBuilder, Environment, Error, #pages Spec};
        pub use client::Client;
        pub use hosts::{Host, Server};
    }
}

/// Width at which doc text is wrapped, so generated docs read like written ones.
const DOC_WIDTH: usize = 90;

/// `#[doc]` attributes, one per line, so prettyplease prints `///` comments.
pub(crate) fn doc(text: &str) -> TokenStream {
    let lines = text
        .trim()
        .lines()
        .flat_map(|line| wrap(line.trim_end(), DOC_WIDTH))
        .map(|line| {
            let line = if line.is_empty() {
                line
            } else {
                format!(" {line}")
            };
            quote! { #[doc = #line] }
        });
    quote! { #(#lines)* }
}

/// Splits a line at spaces to fit `width`; list items keep a hanging indent.
fn wrap(line: &str, width: usize) -> Vec<String> {
    let indent = if line.starts_with("- ") { "  " } else { "" };
    let mut lines = vec![String::new()];
    for word in line.split(' ') {
        let current = lines.last_mut().expect("starts with one line");
        if !current.trim().is_empty() && current.len() + 1 + word.len() > width {
            lines.push(format!("{indent}{word}"));
        } else {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
    }
    lines
}

/// An identifier that may be a raw keyword such as `r#type`.
pub(crate) fn ident(name: &str) -> proc_macro2::Ident {
    match name.strip_prefix("r#") {
        Some(keyword) => proc_macro2::Ident::new_raw(keyword, proc_macro2::Span::call_site()),
        None => quote::format_ident!("{name}"),
    }
}

/// Whether the tokens name `ident` anywhere, so a file imports it only
/// where it is used.
pub(crate) fn names(tokens: TokenStream, ident: &str) -> bool {
    tokens.into_iter().any(|token| match token {
        proc_macro2::TokenTree::Ident(found) => found == ident,
        proc_macro2::TokenTree::Group(group) => names(group.stream(), ident),
        _ => false,
    })
}

/// Like [`doc`], for an optional description.
pub(crate) fn doc_opt(text: Option<&str>) -> TokenStream {
    text.map(doc).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn long_lines_wrap_at_spaces_and_list_items_hang() {
        assert_eq!(wrap("one two three four", 9), ["one two", "three", "four"]);
        assert_eq!(
            wrap("- item with words", 10),
            ["- item", "  with", "  words"]
        );
        assert_eq!(wrap("", 10), [""]);
        assert_eq!(wrap("unbreakable-long-word", 5), ["unbreakable-long-word"]);
    }
}
