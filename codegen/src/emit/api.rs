//! `api.rs`: the marker type that describes the API to the runtime, the
//! runtime's types named for it, and how its error fields are read and shown.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::ident;
use crate::ir::{Api, ErrorModel, Field, Model, Struct, Type};

pub fn emit(api: &Api) -> TokenStream {
    let error_fields = api
        .errors
        .as_ref()
        .and_then(|errors| Some((errors, find_struct(&api.models, &errors.fields)?)));
    let (fields_type, error_impls) = match error_fields {
        None => (quote! { serde_json::Value }, TokenStream::new()),
        Some((errors, fields)) => {
            let name = format_ident!("{}", fields.name);
            (
                quote! { super::models::#name },
                error_fields_impls(errors, fields, &api.models),
            )
        }
    };
    let pages = api
        .operations
        .iter()
        .any(|operation| operation.pagination.is_some())
        .then(|| {
            quote! {
                /// The pages of a listing, a stream; `.items()` gives the items.
                pub type Pages<'a, P> = runtime::Pages<'a, Spec, P>;
            }
        });
    quote! {
        //! This API as the runtime sees it: its hosts and environments, its error fields and its
        //! client, and the runtime's types named for it.
        use clover_api_runtime as runtime;

        /// Describes this API to the runtime; it has no values.
        #[derive(Debug, Clone, Copy)]
        pub enum Spec {}

        impl runtime::Api for Spec {
            type Host = super::Host;
            type Server = super::Server;
            type ErrorFields = #fields_type;
            type Client = super::Client;
        }

        /// A base URL for every [`Host`](super::Host): its server in one of the
        /// spec's environments ([`Server`](super::Server)), or a URL of your own.
        pub type Environment = runtime::Environment<Spec>;

        /// Settings for a [`Client`](super::Client); every one has a default.
        pub type ClientBuilder = runtime::ClientBuilder<Spec>;

        /// One call, ready to send: `.await` it, after any per-call settings.
        pub type Call<'a, T> = runtime::Call<'a, Spec, T>;

        /// Everything a call can fail with.
        pub type Error = runtime::Error<Spec>;

        /// An error response, with the spec's error fields.
        pub type ApiError = runtime::ApiError<Spec>;

        #pages

        #error_impls
    }
}

fn find_struct<'a>(models: &'a [Model], name: &str) -> Option<&'a Struct> {
    models.iter().find_map(|model| match model {
        Model::Struct(model) if model.name == name => Some(model),
        _ => None,
    })
}

/// `ErrorFields` and `Display` for the struct that holds the error's fields.
fn error_fields_impls(errors: &ErrorModel, fields: &Struct, models: &[Model]) -> TokenStream {
    let name = format_ident!("{}", fields.name);
    let envelope = match &errors.envelope {
        Some(property) => quote! { Some(#property) },
        None => quote! { None },
    };
    let transient: Vec<TokenStream> = fields
        .fields
        .iter()
        .filter_map(|field| {
            let Type::Named(enum_name) = &field.ty else {
                return None;
            };
            models.iter().find(|model| {
                matches!(model, Model::Enum(model) if model.name == *enum_name && !model.transient.is_empty())
            })?;
            let (field_name, enum_name) = (ident(&field.rust_name), format_ident!("{enum_name}"));
            Some(match field.optional() {
                false => quote! { self.#field_name.is_transient() },
                true => quote! {
                    self.#field_name
                        .as_ref()
                        .is_some_and(super::models::#enum_name::is_transient)
                },
            })
        })
        .collect();
    let is_transient = match transient.as_slice() {
        [] => quote! { false },
        _ => quote! { #(#transient)||* },
    };
    let is_message = |field: &&Field| field.wire_name == "message" && field.ty == Type::String;
    let message = fields.fields.iter().find(is_message);
    let shown: Vec<TokenStream> = fields
        .fields
        .iter()
        .filter(|field| !is_message(field) && shown_in_display(&field.ty, models))
        .map(|field| {
            let (field_name, wire) = (ident(&field.rust_name), &field.wire_name);
            match field.optional() {
                false => quote! { fields.field(#wire, &self.#field_name)?; },
                true => quote! {
                    if let Some(value) = &self.#field_name {
                        fields.field(#wire, value)?;
                    }
                },
            }
        })
        .collect();
    let fields_binding = match shown.is_empty() {
        true => quote! { let fields },
        false => quote! { let mut fields },
    };
    let message = match message {
        Some(field) if !field.optional() => {
            let field_name = ident(&field.rust_name);
            quote! { Some(self.#field_name.as_str()) }
        }
        Some(field) => {
            let field_name = ident(&field.rust_name);
            quote! { self.#field_name.as_deref() }
        }
        None => quote! { None },
    };
    quote! {
        impl runtime::ErrorFields for super::models::#name {
            const ENVELOPE: Option<&'static str> = #envelope;

            fn is_transient(&self) -> bool {
                #is_transient
            }
        }

        /// Every field but the message as `(name value, …)`, then the message.
        impl std::fmt::Display for super::models::#name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                #fields_binding = runtime::FieldsDisplay::new(f);
                #(#shown)*
                fields.finish(#message)
            }
        }
    }
}

/// Text, numbers, booleans and enums; never a secret, list, map or object.
fn shown_in_display(ty: &Type, models: &[Model]) -> bool {
    match ty {
        Type::String | Type::Digits { .. } | Type::Integer(_) | Type::Number | Type::Boolean => {
            true
        }
        Type::Named(name) => models
            .iter()
            .any(|model| matches!(model, Model::Enum(model) if model.name == *name)),
        _ => false,
    }
}
