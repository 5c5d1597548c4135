//! Structs, enums, constructors and validation for every model.

use std::collections::HashSet;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::types::{argument, rust_type, uses_secret};
use super::{doc, doc_opt, ident};
use crate::ir::{Constraints, Enum, Field, IntegerWidth, Model, Struct, StructRole, Type};
use crate::names::unraw;

pub fn emit(models: &[Model]) -> TokenStream {
    let validated: HashSet<&str> = models
        .iter()
        .filter_map(|model| match model {
            Model::Struct(model) if model.sent => Some(model.name.as_str()),
            _ => None,
        })
        .collect();
    let items = models.iter().map(|model| match model {
        Model::Struct(model) => emit_struct(model, &validated),
        Model::Enum(model) => emit_enum(model),
    });
    let imports = imports(models);
    quote! {
        //! Request and response types, one per schema in the spec.
        #imports
        #(#items)*
    }
}

/// Only what the models use, so the file compiles without unused imports.
fn imports(models: &[Model]) -> TokenStream {
    let structs = || {
        models.iter().filter_map(|model| match model {
            Model::Struct(model) => Some(model),
            Model::Enum(_) => None,
        })
    };
    let fields = || structs().flat_map(|model| &model.fields);
    let mut out = TokenStream::new();
    if !models.is_empty() {
        out.extend(quote! { use serde::{Deserialize, Serialize}; });
    }
    if models.iter().any(|model| matches!(model, Model::Enum(_))) {
        out.extend(quote! { use std::fmt; });
    }
    if models
        .iter()
        .any(|model| matches!(model, Model::Enum(model) if model.in_params))
    {
        out.extend(quote! { use clover_api_runtime::ParamValue; });
    }
    if fields().any(|field| uses_secret(&field.ty)) {
        out.extend(quote! { use clover_api_runtime::Secret; });
    }
    if fields().any(|field| matches!(field.ty, Type::Digits { .. })) {
        out.extend(quote! { use clover_api_runtime::lenient; });
    }
    if structs().any(|model| model.sent) {
        out.extend(quote! { use clover_api_runtime::validate::{self, InvalidInput, Validate}; });
    }
    out
}

fn emit_struct(model: &Struct, validated: &HashSet<&str>) -> TokenStream {
    let name = format_ident!("{}", model.name);
    let doc = doc_opt(model.doc.as_deref());
    let derives = match model.role {
        StructRole::Schema if model.fields.iter().all(|field| !field.required) => {
            quote! { #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)] }
        }
        StructRole::Schema => quote! { #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)] },
        StructRole::Params => quote! { #[derive(Debug, Clone, Default, PartialEq)] },
    };
    let fields = model
        .fields
        .iter()
        .map(|field| emit_field(field, model.role));
    let constructor = constructor(model);
    let validation = model.sent.then(|| validation(model, validated));
    quote! {
        #doc
        #derives
        pub struct #name {
            #(#fields,)*
        }
        #constructor
        #validation
    }
}

fn emit_field(field: &Field, role: StructRole) -> TokenStream {
    let name = ident(&field.rust_name);
    let doc = doc_opt(field.doc.as_deref());
    let ty = rust_type(&field.ty);
    let ty = if field.required {
        ty
    } else {
        quote! { Option<#ty> }
    };
    let mut serde = Vec::new();
    if role == StructRole::Schema {
        if unraw(&field.rust_name) != field.wire_name {
            let wire = &field.wire_name;
            serde.push(quote! { rename = #wire });
        }
        if !field.required {
            serde.push(quote! { default, skip_serializing_if = "Option::is_none" });
        }
        if let Type::Digits { pad } = field.ty {
            let function = if field.required {
                "required"
            } else {
                "optional"
            };
            let path = format!("lenient::Digits::<{}>::{function}", pad.unwrap_or(0));
            serde.push(quote! { deserialize_with = #path });
        }
    }
    let serde = (!serde.is_empty()).then(|| quote! { #[serde(#(#serde),*)] });
    quote! { #doc #serde pub #name: #ty }
}

/// `new(required…)` for structs a caller builds that have required fields.
fn constructor(model: &Struct) -> Option<TokenStream> {
    if !model.sent || model.fields.iter().all(|field| !field.required) {
        return None;
    }
    let name = format_ident!("{}", model.name);
    let mut arguments = Vec::new();
    let mut values = Vec::new();
    for field in &model.fields {
        let field_name = ident(&field.rust_name);
        if field.required {
            let (ty, converts) = argument(&field.ty);
            arguments.push(quote! { #field_name: #ty });
            values.push(if converts {
                quote! { #field_name: #field_name.into() }
            } else {
                quote! { #field_name }
            });
        } else {
            values.push(quote! { #field_name: None });
        }
    }
    Some(quote! {
        impl #name {
            /// Starts from the required fields; every optional field is `None`.
            pub fn new(#(#arguments),*) -> Self {
                Self { #(#values),* }
            }
        }
    })
}

/// `Validate`: every declared bound, and every nested struct, checked before sending.
fn validation(model: &Struct, validated: &HashSet<&str>) -> TokenStream {
    let name = format_ident!("{}", model.name);
    let checks: Vec<TokenStream> = model
        .fields
        .iter()
        .filter_map(|field| field_checks(field, validated))
        .collect();
    if checks.is_empty() {
        return quote! { impl Validate for #name {} };
    }
    quote! {
        impl Validate for #name {
            fn validate(&self, path: &str) -> Result<(), InvalidInput> {
                #(#checks)*
                Ok(())
            }
        }
    }
}

fn field_checks(field: &Field, validated: &HashSet<&str>) -> Option<TokenStream> {
    let is_validated =
        |ty: &Type| matches!(ty, Type::Named(name) if validated.contains(name.as_str()));
    let wire = &field.wire_name;
    let value = quote! { value };
    let mut checks = bound_checks(&field.constraints, &field.ty, &value, wire);
    match &field.ty {
        ty if is_validated(ty) => {
            checks.push(quote! { value.validate(&validate::join(path, #wire))?; })
        }
        Type::List(item) if is_validated(item) => checks.push(quote! {
            for (index, item) in value.iter().enumerate() {
                item.validate(&validate::join_index(path, #wire, index))?;
            }
        }),
        Type::Map(item) if is_validated(item) => checks.push(quote! {
            for (key, item) in value {
                item.validate(&validate::join(path, &format!("{}.{key}", #wire)))?;
            }
        }),
        _ => {}
    }
    if checks.is_empty() {
        return None;
    }
    let name = ident(&field.rust_name);
    Some(if field.required {
        quote! { let value = &self.#name; #(#checks)* }
    } else {
        quote! { if let Some(value) = &self.#name { #(#checks)* } }
    })
}

/// Length, range and item-count checks; enum-typed and nested fields have none.
fn bound_checks(
    constraints: &Constraints,
    ty: &Type,
    value: &TokenStream,
    wire: &str,
) -> Vec<TokenStream> {
    let bound = |bound: Option<u64>| match bound.map(Literal::u64_unsuffixed) {
        Some(bound) => quote! { Some(#bound) },
        None => quote! { None },
    };
    let signed = |bound: Option<i64>| match bound.map(Literal::i64_unsuffixed) {
        Some(bound) => quote! { Some(#bound) },
        None => quote! { None },
    };
    let mut checks = Vec::new();
    if constraints.min_length.is_some() || constraints.max_length.is_some() {
        let (min, max) = (bound(constraints.min_length), bound(constraints.max_length));
        let text = match ty {
            Type::Secret => quote! { #value.expose() },
            // A string enum: the bound applies to the value on the wire.
            Type::Named(_) => quote! { #value.as_str() },
            _ => quote! { #value },
        };
        checks.push(quote! { validate::length(#text, #min, #max, path, #wire)?; });
    }
    if constraints.minimum.is_some() || constraints.maximum.is_some() {
        let (min, max) = (signed(constraints.minimum), signed(constraints.maximum));
        let widened = match ty {
            Type::Integer(IntegerWidth::I32) => quote! { i64::from(*#value) },
            _ => quote! { *#value },
        };
        checks.push(quote! { validate::range(#widened, #min, #max, path, #wire)?; });
    }
    if constraints.min_items.is_some() || constraints.max_items.is_some() {
        let (min, max) = (bound(constraints.min_items), bound(constraints.max_items));
        checks.push(quote! { validate::items(#value.len(), #min, #max, path, #wire)?; });
    }
    checks
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
            impl ParamValue for #name {
                fn append_to(&self, name: &'static str, out: &mut Vec<(&'static str, String)>) {
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
            Other(String),
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

        impl From<&str> for #name {
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

        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = String::deserialize(deserializer)?;
                Ok(Self::from(value.as_str()))
            }
        }

        #param_value
    }
}
