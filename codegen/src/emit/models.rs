//! Structs, enums, unions and aliases for every model, with the builders and
//! validation of the ones a request sends.

use std::collections::HashSet;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::types::{Scope, argument, rust_type};
use super::{doc, doc_opt, ident};
use crate::ir::{
    Alias, Constraints, Enum, Field, IntegerWidth, Model, NumberBound, Struct, StructRole, Type,
    Union,
};
use crate::names::unraw;

pub fn emit(models: &[Model]) -> TokenStream {
    let validated: HashSet<&str> = models
        .iter()
        .filter_map(|model| match model {
            Model::Struct(model) if model.sent => Some(model.name.as_str()),
            Model::Union(model) if model.sent => Some(model.name.as_str()),
            _ => None,
        })
        .collect();
    let items = models.iter().map(|model| match model {
        Model::Struct(model) => emit_struct(model, &validated),
        Model::Enum(model) => emit_enum(model),
        Model::Union(model) => emit_union(model, &validated),
        Model::Alias(model) => emit_alias(model),
        Model::Responses(model) => super::responses::emit(model),
    });
    let items: TokenStream = items.collect();
    let imports = models
        .iter()
        .any(|model| matches!(model, Model::Enum(_)))
        .then(|| quote! { use std::fmt; });
    let runtime =
        names_runtime(items.clone()).then(|| quote! { use clover_api_runtime as runtime; });
    quote! {
        //! Request and response types, one per schema in the spec.
        #imports
        #runtime
        #items
    }
}

/// Whether emitted items name the `runtime` alias (checks, binary fields), so
/// the import is written only where it is used.
fn names_runtime(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|token| match token {
        proc_macro2::TokenTree::Ident(ident) => ident == "runtime",
        proc_macro2::TokenTree::Group(group) => names_runtime(group.stream()),
        _ => false,
    })
}

fn emit_struct(model: &Struct, validated: &HashSet<&str>) -> TokenStream {
    let name = format_ident!("{}", model.name);
    let doc = doc_opt(model.doc.as_deref());
    let derives = match model.role {
        StructRole::Schema
            if model
                .fields
                .iter()
                .all(|field| field.optional() || field.flatten) =>
        {
            quote! {
                #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
            }
        }
        StructRole::Schema => quote! {
            #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        },
        StructRole::Params => quote! { #[derive(Debug, Clone, Default, PartialEq)] },
    };
    let fields = model
        .fields
        .iter()
        .map(|field| emit_field(field, model.role));
    let builder = model.sent.then(|| builder(model));
    let validation = model.sent.then(|| validation(model, validated));
    quote! {
        #doc
        #derives
        pub struct #name {
            #(#fields,)*
        }
        #builder
        #validation
    }
}

/// The Rust type of a field: boxed when it contains its own struct, optional
/// when it may be absent or `null`.
fn field_type(field: &Field) -> TokenStream {
    let mut ty = rust_type(&field.ty, Scope::Models);
    if field.boxed {
        ty = quote! { std::boxed::Box<#ty> };
    }
    if field.optional() {
        ty = quote! { std::option::Option<#ty> };
    }
    ty
}

fn emit_field(field: &Field, role: StructRole) -> TokenStream {
    let name = ident(&field.rust_name);
    let doc = doc_opt(field_doc(field).as_deref());
    let ty = field_type(field);
    let mut serde = Vec::new();
    if field.flatten {
        serde.push(quote! { flatten });
    } else if role == StructRole::Schema {
        if unraw(&field.rust_name) != field.wire_name {
            let wire = &field.wire_name;
            serde.push(quote! { rename = #wire });
        }
        if !field.required {
            serde.push(quote! { default, skip_serializing_if = "std::option::Option::is_none" });
        }
        if let Type::Digits { pad } = field.ty {
            let function = if field.optional() {
                "optional"
            } else {
                "required"
            };
            let path = format!(
                "runtime::lenient::Digits::<{}>::{function}",
                pad.unwrap_or(0)
            );
            serde.push(quote! { deserialize_with = #path });
        }
    }
    let serde = (!serde.is_empty()).then(|| quote! { #[serde(#(#serde),*)] });
    quote! { #doc #serde pub #name: #ty }
}

/// The field's description, then what the client checks before sending.
fn field_doc(field: &Field) -> Option<String> {
    let rules = constraint_text(&field.constraints);
    let parts: Vec<&str> = field
        .doc
        .iter()
        .map(String::as_str)
        .chain(rules.as_deref())
        .collect();
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

/// "At most 38 characters. Matches `^[a-z]{3}$`." for a field's bounds.
fn constraint_text(constraints: &Constraints) -> Option<String> {
    // `unit` is singular and plural: "1 character", "2 characters".
    let between = |min: Option<String>, max: Option<String>, unit: [&str; 2]| {
        let unit = |count: &str| match count {
            "1" => unit[0],
            _ => unit[1],
        };
        match (min, max) {
            (Some(min), Some(max)) if min == max => Some(format!("Exactly {min}{}.", unit(&min))),
            (Some(min), Some(max)) => Some(format!("From {min} to {max}{}.", unit(&max))),
            (Some(min), None) => Some(format!("At least {min}{}.", unit(&min))),
            (None, Some(max)) => Some(format!("At most {max}{}.", unit(&max))),
            (None, None) => None,
        }
    };
    let text = |value: Option<u64>| value.map(|value| value.to_string());
    let signed = |value: Option<i64>| value.map(|value| value.to_string());
    let sentences: Vec<String> = [
        between(
            text(constraints.min_length),
            text(constraints.max_length),
            [" character", " characters"],
        ),
        between(
            signed(constraints.minimum),
            signed(constraints.maximum),
            ["", ""],
        ),
        number_text(constraints.number_minimum, constraints.number_maximum),
        (!constraints.values.is_empty()).then(|| {
            let values: Vec<String> = constraints.values.iter().map(i64::to_string).collect();
            format!("One of {}.", values.join(", "))
        }),
        between(
            text(constraints.min_items),
            text(constraints.max_items),
            [" item", " items"],
        ),
        constraints
            .pattern
            .as_ref()
            .map(|pattern| format!("Matches the pattern `{pattern}`.")),
    ]
    .into_iter()
    .flatten()
    .chain(constraints.items.as_deref().and_then(|items| {
        let rules = constraint_text(items)?;
        let rules = rules.strip_prefix("Checked before sending: ")?;
        Some(format!("Each item: {rules}"))
    }))
    .collect();
    let text = sentences.join(" ");
    let mut chars = text.chars();
    let first = chars.next()?;
    Some(format!(
        "Checked before sending: {}{}",
        first.to_lowercase(),
        chars.as_str()
    ))
}

/// "More than 0 and at most 1.5." for a `number`'s bounds.
fn number_text(min: Option<NumberBound>, max: Option<NumberBound>) -> Option<String> {
    let min = min.map(|bound| match bound.exclusive {
        true => format!("more than {}", bound.value),
        false => format!("at least {}", bound.value),
    });
    let max = max.map(|bound| match bound.exclusive {
        true => format!("less than {}", bound.value),
        false => format!("at most {}", bound.value),
    });
    let text = match (min, max) {
        (Some(min), Some(max)) => format!("{min} and {max}"),
        (bound, None) | (None, bound) => bound?,
    };
    let mut chars = text.chars();
    let first = chars.next()?;
    Some(format!("{}{}.", first.to_uppercase(), chars.as_str()))
}

/// `new(required…)` (or `Default`) and one chained setter per optional field,
/// for structs a caller builds.
fn builder(model: &Struct) -> TokenStream {
    let name = format_ident!("{}", model.name);
    let mut arguments = Vec::new();
    let mut values = Vec::new();
    let mut setters = Vec::new();
    for field in &model.fields {
        let field_name = ident(&field.rust_name);
        let (ty, converts) = argument(&field.ty);
        let mut value = if converts {
            quote! { #field_name.into() }
        } else {
            quote! { #field_name }
        };
        if field.boxed {
            value = quote! { std::boxed::Box::new(#value) };
        }
        if field.flatten {
            values.push(quote! { #field_name: std::default::Default::default() });
            setters.push(quote! {
                /// Sets the properties not named above.
                pub fn #field_name(mut self, #field_name: #ty) -> Self {
                    self.#field_name = #field_name;
                    self
                }
            });
        } else if field.optional() {
            values.push(quote! { #field_name: std::option::Option::None });
            let setter = setter_name(field);
            let doc = doc(&format!(
                "Sets [`{0}`](#structfield.{0}).",
                unraw(&field.rust_name)
            ));
            setters.push(quote! {
                #doc
                pub fn #setter(mut self, #field_name: #ty) -> Self {
                    self.#field_name = std::option::Option::Some(#value);
                    self
                }
            });
        } else {
            arguments.push(quote! { #field_name: #ty });
            values.push(if converts || field.boxed {
                quote! { #field_name: #value }
            } else {
                quote! { #field_name }
            });
        }
    }
    // Some objects do require that many fields (an ACH account has 14).
    let many = (arguments.len() > 7).then(|| quote! { #[allow(clippy::too_many_arguments)] });
    let constructor = (!arguments.is_empty()).then(|| {
        quote! {
            /// Starts from the required fields, in the order of the spec; every
            /// optional one is unset.
            #many
            pub fn new(#(#arguments),*) -> Self {
                Self { #(#values),* }
            }
        }
    });
    quote! {
        impl #name {
            #constructor
            #(#setters)*
        }
    }
}

/// A setter is named after its field, except that `new` stays the constructor.
fn setter_name(field: &Field) -> proc_macro2::Ident {
    match field.rust_name.as_str() {
        "new" => format_ident!("with_new"),
        name => ident(name),
    }
}

/// `Validate`: every declared bound, and every nested model, checked before sending.
fn validation(model: &Struct, validated: &HashSet<&str>) -> TokenStream {
    let name = format_ident!("{}", model.name);
    let checks: Vec<TokenStream> = model
        .fields
        .iter()
        .filter_map(|field| field_checks(field, validated))
        .collect();
    if checks.is_empty() {
        return quote! { impl runtime::validate::Validate for #name {} };
    }
    quote! {
        impl runtime::validate::Validate for #name {
            fn validate(&self, path: &str) -> std::result::Result<(), runtime::validate::InvalidInput> {
                #(#checks)*
                std::result::Result::Ok(())
            }
        }
    }
}

fn field_checks(field: &Field, validated: &HashSet<&str>) -> Option<TokenStream> {
    let is_validated =
        |ty: &Type| matches!(ty, Type::Named(name) if validated.contains(name.as_str()));
    // A flattened map's keys are properties of the object itself.
    let wire = if field.flatten { "" } else { &field.wire_name };
    let value = quote! { value };
    let path = quote! { path };
    let mut checks: Vec<TokenStream> =
        bound_checks(&field.constraints, &field.ty, &value, &path, wire)
            .into_iter()
            .map(|check| quote! { #check?; })
            .collect();
    let validate = quote! { runtime::validate::Validate::validate };
    match &field.ty {
        ty if is_validated(ty) => {
            let value = if field.boxed {
                quote! { &**value }
            } else {
                quote! { value }
            };
            checks.push(quote! { #validate(#value, &runtime::validate::join(path, #wire))?; })
        }
        Type::List(item) if is_validated(item) => checks.push(quote! {
            for (index, item) in value.iter().enumerate() {
                #validate(item, &runtime::validate::join_index(path, #wire, index))?;
            }
        }),
        Type::Map(item) if is_validated(item) => checks.push(quote! {
            for (key, item) in value {
                #validate(item, &runtime::validate::join(path, &runtime::validate::join(#wire, key)))?;
            }
        }),
        ty => checks.extend(
            nested_validation(ty, &value, &quote! { #wire }, validated)
                .map(|check| quote! { #check?; }),
        ),
    }
    if checks.is_empty() {
        return None;
    }
    let name = ident(&field.rust_name);
    Some(if field.optional() {
        quote! { if let std::option::Option::Some(value) = &self.#name { #(#checks)* } }
    } else {
        quote! { let value = &self.#name; #(#checks)* }
    })
}

/// Length, range, item-count and pattern checks of one value, each an
/// expression of type `Result<(), InvalidInput>`.
pub(super) fn bound_checks(
    constraints: &Constraints,
    ty: &Type,
    value: &TokenStream,
    path: &TokenStream,
    wire: &str,
) -> Vec<TokenStream> {
    checks_of(constraints, ty, value, path, &quote! { #wire })
}

/// The checks of `bound_checks`, for a value named `field` under `path`.
fn checks_of(
    constraints: &Constraints,
    ty: &Type,
    value: &TokenStream,
    path: &TokenStream,
    wire: &TokenStream,
) -> Vec<TokenStream> {
    let bound = |bound: Option<u64>| match bound.map(Literal::u64_unsuffixed) {
        Some(bound) => quote! { std::option::Option::Some(#bound) },
        None => quote! { std::option::Option::None },
    };
    let signed = |bound: Option<i64>| match bound.map(Literal::i64_unsuffixed) {
        Some(bound) => quote! { std::option::Option::Some(#bound) },
        None => quote! { std::option::Option::None },
    };
    let text = match ty {
        Type::Secret => quote! { #value.expose() },
        // A string enum: the bound applies to the value on the wire.
        Type::Named(_) => quote! { #value.as_str() },
        _ => quote! { #value },
    };
    let mut checks = Vec::new();
    if constraints.min_length.is_some() || constraints.max_length.is_some() {
        let (min, max) = (bound(constraints.min_length), bound(constraints.max_length));
        checks.push(quote! { runtime::validate::length(#text, #min, #max, #path, #wire) });
    }
    if let Some(pattern) = &constraints.pattern {
        checks.push(quote! {
            {
                static PATTERN: runtime::validate::Pattern = runtime::validate::Pattern::new(#pattern);
                PATTERN.check(#text, #path, #wire)
            }
        });
    }
    if constraints.minimum.is_some() || constraints.maximum.is_some() {
        let (min, max) = (signed(constraints.minimum), signed(constraints.maximum));
        let widened = match ty {
            Type::Integer(IntegerWidth::I32) => quote! { i64::from(*#value) },
            _ => quote! { *#value },
        };
        checks.push(quote! { runtime::validate::range(#widened, #min, #max, #path, #wire) });
    }
    checks.extend(number_checks(constraints, value, path, wire));
    if !constraints.values.is_empty() {
        let values = constraints
            .values
            .iter()
            .map(|value| Literal::i64_unsuffixed(*value));
        let widened = match ty {
            Type::Integer(IntegerWidth::I32) => quote! { i64::from(*#value) },
            _ => quote! { *#value },
        };
        checks.push(quote! { runtime::validate::one_of(#widened, &[#(#values),*], #path, #wire) });
    }
    if constraints.min_items.is_some() || constraints.max_items.is_some() {
        let (min, max) = (bound(constraints.min_items), bound(constraints.max_items));
        checks.push(quote! { runtime::validate::items(#value.len(), #min, #max, #path, #wire) });
    }
    if let Some(items) = &constraints.items {
        checks.extend(item_checks(items, ty, value, path, wire));
    }
    checks
}

/// A `number`'s bounds: inclusive ones in one `range`, exclusive ones in
/// one `exclusive_range`.
fn number_checks(
    constraints: &Constraints,
    value: &TokenStream,
    path: &TokenStream,
    wire: &TokenStream,
) -> Vec<TokenStream> {
    let bound = |bound: Option<NumberBound>, exclusive: bool| match bound {
        Some(bound) if bound.exclusive == exclusive => {
            let value = Literal::f64_unsuffixed(bound.value);
            quote! { std::option::Option::Some(#value) }
        }
        _ => quote! { std::option::Option::None },
    };
    let (min, max) = (constraints.number_minimum, constraints.number_maximum);
    [(false, "range"), (true, "exclusive_range")]
        .into_iter()
        .filter(|(exclusive, _)| {
            [min, max]
                .iter()
                .flatten()
                .any(|bound| bound.exclusive == *exclusive)
        })
        .map(|(exclusive, function)| {
            let function = format_ident!("{function}");
            let (min, max) = (bound(min, exclusive), bound(max, exclusive));
            quote! { runtime::validate::#function(*#value, #min, #max, #path, #wire) }
        })
        .collect()
}

/// The bounds of every item of a list or value of a map (`None` skipped),
/// as one expression that stops at the first failure.
fn item_checks(
    items: &Constraints,
    ty: &Type,
    value: &TokenStream,
    path: &TokenStream,
    wire: &TokenStream,
) -> Option<TokenStream> {
    for_each_item(ty, value, wire, |inner| {
        let checks = checks_of(items, inner, &quote! { item }, path, &quote! { field });
        (!checks.is_empty()).then(|| quote! { #(#checks?;)* std::result::Result::Ok(()) })
    })
}

/// `Validate` of the models inside lists and maps nested in lists and maps,
/// or held as `null`-able items, as one expression.
fn nested_validation(
    ty: &Type,
    value: &TokenStream,
    wire: &TokenStream,
    validated: &HashSet<&str>,
) -> Option<TokenStream> {
    for_each_item(ty, value, wire, |inner| match inner {
        Type::Named(name) if validated.contains(name.as_str()) => Some(quote! {
            runtime::validate::Validate::validate(item, &runtime::validate::join(path, field))
        }),
        inner => nested_validation(inner, &quote! { item }, &quote! { field }, validated),
    })
}

/// Runs `body` (an expression of type `Result<(), InvalidInput>` over
/// `item`, named `field`) for each item of a list or value of a map,
/// skipping `null` ones; `None` when `body` has nothing to check.
fn for_each_item(
    ty: &Type,
    value: &TokenStream,
    wire: &TokenStream,
    body: impl FnOnce(&Type) -> Option<TokenStream>,
) -> Option<TokenStream> {
    let (inner, each, at, field) = match ty {
        Type::List(inner) => (
            inner,
            quote! { #value.iter().enumerate() },
            quote! { index },
            quote! { format!("{}[{index}]", #wire) },
        ),
        Type::Map(inner) => (
            inner,
            quote! { #value.iter() },
            quote! { key },
            quote! { runtime::validate::join(#wire, key) },
        ),
        _ => return None,
    };
    let (inner, unwrap) = match inner.as_ref() {
        Type::Nullable(inner) => (
            inner.as_ref(),
            Some(quote! {
                let std::option::Option::Some(item) = item else {
                    return std::result::Result::Ok(());
                };
            }),
        ),
        inner => (inner, None),
    };
    let body = body(inner)?;
    Some(quote! {
        #each.try_for_each(|(#at, item)| {
            #unwrap
            let field = &#field;
            #body
        })
    })
}

fn emit_alias(model: &Alias) -> TokenStream {
    let name = format_ident!("{}", model.name);
    let doc = doc_opt(model.doc.as_deref());
    let ty = rust_type(&model.ty, Scope::Models);
    quote! {
        #doc
        pub type #name = #ty;
    }
}

fn emit_union(model: &Union, validated: &HashSet<&str>) -> TokenStream {
    let name = format_ident!("{}", model.name);
    let union_doc = doc_opt(model.doc.as_deref());
    let variants: Vec<_> = model
        .variants
        .iter()
        .map(|variant| format_ident!("{}", variant.rust_name))
        .collect();
    let types: Vec<_> = model
        .variants
        .iter()
        .map(|variant| rust_type(&variant.ty, Scope::Models))
        .collect();
    let variant_docs = model.variants.iter().map(|variant| {
        let held = held(&variant.ty);
        match &variant.tag {
            Some(tag) => doc(&format!("`{tag}`: holds {held}.")),
            None => doc(&format!("Holds {held}.")),
        }
    });
    // `From` for each type only one variant holds.
    let conversions = model
        .variants
        .iter()
        .zip(&types)
        .filter(|(variant, _)| {
            model
                .variants
                .iter()
                .filter(|other| other.ty == variant.ty)
                .count()
                == 1
        })
        .map(|(variant, ty)| {
            let variant = format_ident!("{}", variant.rust_name);
            quote! {
                impl std::convert::From<#ty> for #name {
                    fn from(value: #ty) -> Self {
                        Self::#variant(value)
                    }
                }
            }
        });
    let is_validated =
        |ty: &Type| matches!(ty, Type::Named(held) if validated.contains(held.as_str()));
    let any_validated = model
        .variants
        .iter()
        .any(|variant| is_validated(&variant.ty));
    let checks = model.variants.iter().map(|variant| {
        let rust_name = format_ident!("{}", variant.rust_name);
        match &variant.ty {
            Type::Named(held) if validated.contains(held.as_str()) => {
                quote! { Self::#rust_name(value) => runtime::validate::Validate::validate(value, path), }
            }
            _ => quote! { Self::#rust_name(_) => std::result::Result::Ok(()), },
        }
    });
    let (other, deserialize, how) = match &model.discriminator {
        None => (
            None,
            Some(quote! { serde::Deserialize }),
            "The first variant the JSON decodes as is taken.".to_owned(),
        ),
        Some(property) => {
            let other = doc(&format!(
                "A `{property}` this version does not know, kept as sent."
            ));
            (
                Some(quote! { #other Other(serde_json::Value), }),
                None,
                format!(
                    "Told apart by `{property}`; a value this version does not know is kept in `Other`."
                ),
            )
        }
    };
    let deserialize = deserialize.into_iter();
    let tagged = model
        .discriminator
        .as_ref()
        .map(|property| tagged_deserialize(model, property));
    let how = doc(&how);
    let validate = model.sent.then(|| {
        if !any_validated {
            return quote! { impl runtime::validate::Validate for #name {} };
        }
        let fallback = model
            .discriminator
            .is_some()
            .then(|| quote! { Self::Other(_) => std::result::Result::Ok(()), });
        quote! {
            impl runtime::validate::Validate for #name {
                fn validate(&self, path: &str) -> std::result::Result<(), runtime::validate::InvalidInput> {
                    match self {
                        #(#checks)*
                        #fallback
                    }
                }
            }
        }
    });
    quote! {
        #union_doc
        ///
        #how
        #[derive(Debug, Clone, PartialEq, serde::Serialize #(, #deserialize)*)]
        #[serde(untagged)]
        pub enum #name {
            #(#variant_docs #variants(#types),)*
            #other
        }

        #(#conversions)*

        #tagged
        #validate
    }
}

/// What a union variant holds, for its doc: "a [`Card`]", "a string".
fn held(ty: &Type) -> String {
    match ty {
        Type::Named(name) => format!("a [`{name}`]"),
        Type::String | Type::Secret | Type::Digits { .. } => "a string".to_owned(),
        Type::Integer(_) => "an integer".to_owned(),
        Type::Number => "a number".to_owned(),
        Type::Boolean => "a boolean".to_owned(),
        Type::List(_) => "a list".to_owned(),
        Type::Map(_) => "a map".to_owned(),
        Type::Binary => "bytes".to_owned(),
        Type::Json | Type::Nullable(_) | Type::Unit => "any JSON value".to_owned(),
    }
}

/// Reads the discriminator first, then decodes the variant it names.
fn tagged_deserialize(model: &Union, property: &str) -> TokenStream {
    let name = format_ident!("{}", model.name);
    let tags: Vec<&str> = model
        .variants
        .iter()
        .filter_map(|variant| variant.tag.as_deref())
        .collect();
    let variants = model
        .variants
        .iter()
        .map(|variant| format_ident!("{}", variant.rust_name));
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(deserializer)?;
                let tag = value.get(#property).and_then(serde_json::Value::as_str);
                match tag {
                    #(std::option::Option::Some(#tags) => serde_json::from_value(value).map(Self::#variants),)*
                    std::option::Option::Some(_) => std::result::Result::Ok(Self::Other(value)),
                    std::option::Option::None => {
                        return std::result::Result::Err(serde::de::Error::missing_field(#property));
                    }
                }
                .map_err(serde::de::Error::custom)
            }
        }
    }
}

fn emit_enum(model: &Enum) -> TokenStream {
    let name = format_ident!("{}", model.name);
    let enum_doc = doc_opt(model.doc.as_deref());
    let variants: Vec<_> = model
        .variants
        .iter()
        .map(|variant| format_ident!("{}", variant.rust_name))
        .collect();
    let wires: Vec<_> = model
        .variants
        .iter()
        .map(|variant| &variant.wire_name)
        .collect();
    let variant_docs = wires.iter().map(|wire| doc(&format!("`{wire}`")));
    let param_value = model.in_params.then(|| {
        quote! {
            impl runtime::ParamValue for #name {
                fn append_to(&self, name: &'static str, out: &mut std::vec::Vec<(&'static str, std::string::String)>) {
                    out.push((name, self.as_str().to_owned()));
                }
            }
        }
    });
    let is_transient = (!model.transient.is_empty()).then(|| {
        let transient = model
            .transient
            .iter()
            .map(|variant| format_ident!("{variant}"));
        quote! {
            /// Whether the value means the server failed while handling the
            /// request: it may have gone through, and may succeed if sent again.
            pub fn is_transient(&self) -> bool {
                matches!(self, #(Self::#transient)|*)
            }
        }
    });
    quote! {
        #enum_doc
        ///
        /// Values this version does not know are kept in `Other`, so a new value
        /// from the server never breaks decoding.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variant_docs #variants,)*
            /// A value not listed in the spec, kept as sent.
            Other(std::string::String),
        }

        impl #name {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #wires,)*
                    Self::Other(value) => value,
                }
            }

            #is_transient
        }

        impl std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#wires => Self::#variants,)*
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl fmt::Display for #name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
                let value = <std::string::String as serde::Deserialize>::deserialize(deserializer)?;
                std::result::Result::Ok(Self::from(value.as_str()))
            }
        }

        #param_value
    }
}
