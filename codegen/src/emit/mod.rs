//! Intermediate model → token streams, one module per generated file.

mod api;
mod client;
mod hosts;
mod models;
mod responses;
mod schemes;
mod types;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::Options;
use crate::ir::Api;

/// One generated file's tokens, in pieces that are emitted and printed one
/// at a time, on any thread, so no whole file's tokens are ever in memory.
/// The head comes first in the file but is emitted last: whether it imports
/// something may depend on the pieces.
pub struct Emission<'a> {
    pub name: &'static str,
    pub pieces: usize,
    /// The top-level items of one piece; pieces do not depend on each other.
    pub piece: Box<dyn Fn(usize) -> TokenStream + Sync + 'a>,
    /// Whether a piece uses what the head may add; asked until one does.
    pub needs_head: fn(&TokenStream) -> bool,
    /// The items before the pieces, given whether any piece needs them.
    pub head: Box<dyn Fn(bool) -> TokenStream + Sync + 'a>,
}

impl<'a> Emission<'a> {
    /// A file emitted in one piece.
    fn whole(name: &'static str, emit: impl Fn() -> TokenStream + Sync + 'a) -> Self {
        Emission {
            name,
            pieces: 1,
            piece: Box::new(move |_| emit()),
            needs_head: |_| false,
            head: Box::new(|_| TokenStream::new()),
        }
    }
}

/// Every generated file, in order.
pub fn emit<'a>(api: &'a Api, options: &'a Options) -> Vec<Emission<'a>> {
    vec![
        Emission::whole("mod.rs", || module_root(api)),
        Emission::whole("api.rs", || api::emit(api)),
        Emission::whole("hosts.rs", || hosts::emit(&api.hosts, &api.environments)),
        Emission::whole("schemes.rs", || schemes::emit(&api.schemes)),
        models::emit(&api.models, options),
        Emission::whole("client.rs", || client::emit(api)),
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
        #[allow(
            clippy::large_enum_variant,
            reason = "unions and per-status responses hold the spec's schemas by value, however large"
        )]
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
    let mut attributes = TokenStream::new();
    for line in markdown_lines(text.trim()) {
        let line = match line.is_empty() {
            true => doc_literal(""),
            false => doc_literal(&format!(" {line}")),
        };
        attributes.extend(quote! { #[doc = #line] });
    }
    attributes
}

/// A doc line as a raw string literal (`r"…"`, with as many `#` as it
/// needs), which syn and prettyplease read back as a slice of its text,
/// where an escaped one is escaped and unescaped twice, a character at a
/// time; either prints as the same `///` comment.
fn doc_literal(line: &str) -> Literal {
    // A raw string holds anything but a carriage return.
    if line.contains('\r') {
        return Literal::string(line);
    }
    let hashes = line
        .match_indices('"')
        .map(|(at, _)| line[at + 1..].bytes().take_while(|&b| b == b'#').count() + 1)
        .max()
        .unwrap_or(0);
    let fence = "#".repeat(hashes);
    format!("r{fence}\"{line}\"{fence}")
        .parse()
        .expect("a raw string literal")
}

/// The lines of a description as rustdoc should read them: wrapped at
/// [`DOC_WIDTH`], with each line that continues a list item indented under
/// it and each that continues a quote marked `>` (specs leave both lazy,
/// which rustdoc reads the same but clippy flags); code blocks as written.
fn markdown_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_code = false;
    // The prefix that continues the list item or quote the last line was in.
    let mut continuing: Option<String> = None;
    for line in text.lines().map(str::trim_end) {
        let fence = line.trim_start().starts_with("```");
        if in_code || fence {
            in_code ^= fence;
            lines.push(line.to_owned());
            continue;
        }
        let line = match (&continuing, continuation(line)) {
            (_, Some(prefix)) => {
                continuing = Some(prefix);
                line.to_owned()
            }
            (_, None) if line.is_empty() || line.starts_with(['#', '|']) => {
                continuing = None;
                line.to_owned()
            }
            (Some(prefix), None) if line.len() - line.trim_start().len() < prefix.len() => {
                format!("{prefix}{}", line.trim_start())
            }
            _ => line.to_owned(),
        };
        let prefix = continuation(&line).or_else(|| continuing.clone());
        lines.extend(wrap(&line, prefix.as_deref().unwrap_or(""), DOC_WIDTH));
    }
    lines
}

/// What starts each line that continues `line` when it is a list item
/// (`- `, `* `, `+ `, `1. `, `1) `: spaces to its text) or a quote (its
/// `>` markers).
fn continuation(line: &str) -> Option<String> {
    let text = line.trim_start();
    let indent = line.len() - text.len();
    if text.starts_with('>') {
        let markers = text.len() - text.trim_start_matches(['>', ' ']).len();
        return Some(text[..markers].to_owned());
    }
    let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let marker = match digits {
        0 if text.starts_with(['-', '*', '+']) => 1,
        1..=9 if text[digits..].starts_with(['.', ')']) => digits + 1,
        _ => return None,
    };
    // The item's text starts after the spaces that follow the marker (`*   text`).
    let spaces = text[marker..].len() - text[marker..].trim_start_matches(' ').len();
    if spaces == 0 {
        return None;
    }
    Some(" ".repeat(indent + marker + spaces))
}

/// Splits a line at spaces to fit `width`; the lines after the first start
/// with `prefix`, to continue a list item or quote.
fn wrap(line: &str, prefix: &str, width: usize) -> Vec<String> {
    let text = line.trim_start();
    let (first, rest) = text.split_once(' ').unwrap_or((text, ""));
    let mut lines = vec![format!("{}{first}", &line[..line.len() - text.len()])];
    for word in rest
        .split(' ')
        .filter(|word| !rest.is_empty() || !word.is_empty())
    {
        let current = lines.last_mut().expect("starts with one line");
        if current.trim().len() > prefix.trim().len() && current.len() + 1 + word.len() > width {
            lines.push(format!("{prefix}{word}"));
        } else {
            current.push(' ');
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
pub(crate) fn names(tokens: &TokenStream, ident: &str) -> bool {
    tokens.clone().into_iter().any(|token| match token {
        proc_macro2::TokenTree::Ident(found) => found == ident,
        proc_macro2::TokenTree::Group(group) => names(&group.stream(), ident),
        _ => false,
    })
}

/// Like [`doc`], for an optional description.
pub(crate) fn doc_opt(text: Option<&str>) -> TokenStream {
    text.map(doc).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    use super::{doc_literal, markdown_lines, wrap};

    #[test]
    fn doc_lines_are_raw_strings_fenced_as_they_need() {
        let cases = [
            (r#" a \d "b""#, r###"r#" a \d "b""#"###),
            (r###" "#x"##"###, r#####"r###" "#x"##"###"#####),
            (" plain", r#"r" plain""#),
            ("", r#"r"""#),
            (" a\rb", r#"" a\rb""#),
        ];
        for (line, literal) in cases {
            let printed = doc_literal(line);
            assert_eq!(printed.to_string(), literal);
            let parsed: syn::LitStr = syn::parse2(printed.into_token_stream()).unwrap();
            assert_eq!(parsed.value(), line);
        }
    }

    #[test]
    fn long_lines_wrap_at_spaces_and_list_items_hang() {
        assert_eq!(
            wrap("one two three four", "", 9),
            ["one two", "three", "four"]
        );
        assert_eq!(
            wrap("- item with words", "  ", 10),
            ["- item", "  with", "  words"]
        );
        assert_eq!(wrap("", "", 10), [""]);
        assert_eq!(
            wrap("unbreakable-long-word", "", 5),
            ["unbreakable-long-word"]
        );
    }

    /// Adyen's descriptions continue list items and quotes lazily.
    #[test]
    fn lazy_continuations_are_indented_or_marked() {
        let text = "Intro:\n* one\ncontinued\n1. two\n  more\n*   wide\nitem\n\nAfter\n> quote\nrest\n```\n- code\nas is\n```";
        assert_eq!(
            markdown_lines(text),
            [
                "Intro:",
                "* one",
                "  continued",
                "1. two",
                "   more",
                "*   wide",
                "    item",
                "",
                "After",
                "> quote",
                "> rest",
                "```",
                "- code",
                "as is",
                "```",
            ]
        );
    }
}
