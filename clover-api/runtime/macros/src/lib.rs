//! `#[omit_none]`: a struct's `Option` fields are left out of its JSON when
//! they are `None`, as `#[serde(skip_serializing_if = "Option::is_none")]`
//! on each would say, written once.
//!
//! Generated models have dozens of optional fields; the attribute keeps
//! each to its doc and its declaration. It reads tokens directly, without
//! `syn`, so it costs the SDK's users next to nothing to compile.

use proc_macro::{Delimiter, Group, Ident, Punct, Spacing, Span, TokenStream, TokenTree};

/// Adds `#[serde(skip_serializing_if = "::std::option::Option::is_none")]`
/// to each field of the struct whose type is written `Option<…>` (or as
/// `std::option::Option<…>`), unless the field is marked `#[send_null]`: a
/// required field that may be null, which is sent as `null`. Put it above
/// the struct's `#[derive]`.
#[proc_macro_attribute]
pub fn omit_none(attribute: TokenStream, item: TokenStream) -> TokenStream {
    if let Some(unexpected) = attribute.into_iter().next() {
        return error(unexpected.span(), "`omit_none` takes no arguments");
    }
    let mut trees: Vec<TokenTree> = item.into_iter().collect();
    let fields = trees.iter().position(
        |tree| matches!(tree, TokenTree::Group(group) if group.delimiter() == Delimiter::Brace),
    );
    let Some(at) = fields else {
        return error(
            Span::call_site(),
            "`omit_none` goes on a struct with named fields",
        );
    };
    let TokenTree::Group(body) = &trees[at] else {
        unreachable!("found as a brace group")
    };
    let mut group = Group::new(Delimiter::Brace, with_skips(body.stream()));
    group.set_span(body.span());
    trees[at] = TokenTree::Group(group);
    trees.into_iter().collect()
}

/// The fields, each `Option` one given its `skip_serializing_if`.
fn with_skips(fields: TokenStream) -> TokenStream {
    let mut out = TokenStream::new();
    for field in split_fields(fields) {
        let send_null = send_null_marker(&field);
        let mut field = field;
        let skipped = match send_null {
            // The marker and its brackets go; the field stays as it is.
            Some(at) => {
                field.drain(at..at + 2);
                false
            }
            None => is_option(&field),
        };
        if skipped {
            out.extend(skip_attribute());
        }
        out.extend(field);
    }
    out
}

/// The fields of a struct body, each with its trailing comma.
fn split_fields(fields: TokenStream) -> Vec<Vec<TokenTree>> {
    let mut split = vec![Vec::new()];
    // `<` and `>` are not groups: a comma inside a type's angle brackets
    // does not end a field.
    let mut angles = 0usize;
    for tree in fields {
        let ends_field = match &tree {
            TokenTree::Punct(punct) => match punct.as_char() {
                '<' => {
                    angles += 1;
                    false
                }
                '>' => {
                    angles = angles.saturating_sub(1);
                    false
                }
                ',' => angles == 0,
                _ => false,
            },
            _ => false,
        };
        split.last_mut().expect("starts with one").push(tree);
        if ends_field {
            split.push(Vec::new());
        }
    }
    split.retain(|field| !field.is_empty());
    split
}

/// Where the field's `#[send_null]` starts, if it has one.
fn send_null_marker(field: &[TokenTree]) -> Option<usize> {
    field.windows(2).position(|pair| {
        matches!(&pair[0], TokenTree::Punct(punct) if punct.as_char() == '#')
            && matches!(&pair[1], TokenTree::Group(group)
                if group.delimiter() == Delimiter::Bracket
                    && group.stream().to_string() == "send_null")
    })
}

/// Whether the field's type, after its `:`, is written `Option<…>`.
fn is_option(field: &[TokenTree]) -> bool {
    let colon = field.iter().position(|tree| {
        matches!(tree, TokenTree::Punct(punct) if punct.as_char() == ':' && punct.spacing() == Spacing::Alone)
    });
    let Some(colon) = colon else {
        return false;
    };
    let ty = &field[colon + 1..];
    let Some(open) = ty
        .iter()
        .position(|tree| matches!(tree, TokenTree::Punct(punct) if punct.as_char() == '<'))
    else {
        // A type of its own named `Option` takes no `<…>`.
        return false;
    };
    let path: String = ty[..open].iter().map(ToString::to_string).collect();
    matches!(
        path.as_str(),
        "Option" | "std::option::Option" | "::std::option::Option" | "core::option::Option"
    )
}

/// `#[serde(skip_serializing_if = "::std::option::Option::is_none")]`.
fn skip_attribute() -> TokenStream {
    let inner: TokenStream = [
        TokenTree::Ident(Ident::new("skip_serializing_if", Span::call_site())),
        TokenTree::Punct(Punct::new('=', Spacing::Alone)),
        TokenTree::Literal(proc_macro::Literal::string(
            "::std::option::Option::is_none",
        )),
    ]
    .into_iter()
    .collect();
    let serde: TokenStream = [
        TokenTree::Ident(Ident::new("serde", Span::call_site())),
        TokenTree::Group(Group::new(Delimiter::Parenthesis, inner)),
    ]
    .into_iter()
    .collect();
    [
        TokenTree::Punct(Punct::new('#', Spacing::Alone)),
        TokenTree::Group(Group::new(Delimiter::Bracket, serde)),
    ]
    .into_iter()
    .collect()
}

/// `compile_error!("…")` at `span`.
fn error(span: Span, message: &str) -> TokenStream {
    let mut literal = proc_macro::Literal::string(message);
    literal.set_span(span);
    let mut group = Group::new(Delimiter::Parenthesis, TokenTree::Literal(literal).into());
    group.set_span(span);
    [
        TokenTree::Ident(Ident::new("compile_error", span)),
        TokenTree::Punct(Punct::new('!', Spacing::Alone)),
        TokenTree::Group(group),
        TokenTree::Punct(Punct::new(';', Spacing::Alone)),
    ]
    .into_iter()
    .collect()
}
