//! One `Client` method per operation, and a constant describing each operation.

use heck::ToShoutySnakeCase;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::models::bound_checks;
use super::responses::output_type;
use super::types::{Scope, borrowed, rust_type};
use super::{doc, ident};
use crate::ir::{
    Api, BodyKind, Field, Model, Operation, Pagination, Param, ParamLocation, QueryStyle, Replay,
    Response, SecurityScheme, Success, Type,
};
use crate::names::unraw;

pub fn emit(api: &Api) -> TokenStream {
    let methods = api.operations.iter().map(|operation| {
        let pages = operation
            .pagination
            .as_ref()
            .map(|pagination| pages_method(operation, pagination));
        let method = method(operation, api);
        quote! { #method #pages }
    });
    let constants = api
        .operations
        .iter()
        .map(|operation| constant(operation, &api.schemes));
    let mut paged = std::collections::HashSet::new();
    let page_impls = api
        .operations
        .iter()
        .filter_map(|operation| operation.pagination.as_ref())
        .filter(|pagination| paged.insert(pagination.page.as_str()))
        .map(page_impl);
    let form_fields = form_fields_impls(api);
    let items = quote! {

        /// A client for the API: one method per operation. Cheap to clone;
        /// clones share connections.
        ///
        /// Build one with [`Client::builder`]. The runtime's own methods
        /// (`with_credential`, `environment`) are reached through `Deref`.
        #[derive(Debug, Clone)]
        pub struct Client(clover_api_runtime::Client<Spec>);

        impl From<clover_api_runtime::Client<Spec>> for Client {
            fn from(client: clover_api_runtime::Client<Spec>) -> Self {
                Client(client)
            }
        }

        impl std::ops::Deref for Client {
            type Target = clover_api_runtime::Client<Spec>;

            fn deref(&self) -> &Self::Target {
                &self.0
            }
        }

        impl Client {
            /// Settings for a client, every one with a default; the user agent
            /// names this crate and its version.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::default()
                    .user_agent(concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")))
            }

            #(#methods)*
        }

        #(#constants)*

        #(#form_fields)*

        #(#page_impls)*
    };
    let imports = imports(api, super::names(&items, "models"));
    quote! {
        //! The client: one method per operation of the spec; each builds a
        //! `Request` and hands it to the runtime, which authenticates, sends,
        //! retries and decodes it.
        #imports
        #items
    }
}

/// How the runtime reads one page of a listing.
fn page_impl(pagination: &Pagination) -> TokenStream {
    let page = format_ident!("{}", pagination.page);
    let item = format_ident!("{}", pagination.item);
    let (items, has_more, id) = (
        ident(&pagination.items),
        ident(&pagination.has_more),
        ident(&pagination.item_id),
    );
    let items = match pagination.items_optional {
        true => quote! { self.#items.get_or_insert_with(Vec::new) },
        false => quote! { &mut self.#items },
    };
    let has_more = match pagination.has_more_optional {
        true => quote! { self.#has_more.unwrap_or(false) },
        false => quote! { self.#has_more },
    };
    let id = match pagination.item_id_optional {
        true => quote! { item.#id.as_deref() },
        false => quote! { Some(item.#id.as_str()) },
    };
    quote! {
        impl clover_api_runtime::Page for models::#page {
            type Item = models::#item;

            fn has_more(&self) -> bool {
                #has_more
            }

            fn items_mut(&mut self) -> &mut Vec<Self::Item> {
                #items
            }

            fn cursor(item: &Self::Item) -> Option<&str> {
                #id
            }
        }
    }
}

/// The runtime's items the client uses, and `models` when it names one.
fn imports(api: &Api, names_models: bool) -> TokenStream {
    let operations = || api.operations.iter();
    let mut runtime = vec!["Operation", "Request"];
    if operations().any(|operation| !operation.security.alternatives.is_empty()) {
        runtime.push("Security");
    }
    if operations().any(|operation| operation.replay == Replay::Safe) {
        runtime.push("Replay");
    }
    if operations().any(|operation| operation.forwarded_for.is_some()) {
        runtime.push("ForwardedFor");
    }
    let locations = || {
        operations().flat_map(|operation| {
            let optional = operation
                .params_struct
                .iter()
                .flat_map(|name| struct_fields(api, name))
                .filter_map(|field| field.location);
            operation
                .required_params
                .iter()
                .map(|param| param.location)
                .chain(optional)
        })
    };
    if locations().any(|location| {
        matches!(
            location,
            ParamLocation::Query(QueryStyle::Comma | QueryStyle::Space | QueryStyle::Pipe)
        )
    }) {
        runtime.push("Delimiter");
    }
    if locations().any(|location| object_style(location).is_some()) {
        runtime.push("ObjectStyle");
    }
    if !form_fields_impls(api).is_empty() {
        runtime.extend(["FormFields", "Fields"]);
    }
    runtime.sort_unstable();
    let runtime = runtime.into_iter().map(|name| format_ident!("{name}"));
    let pages = operations()
        .any(|operation| operation.pagination.is_some())
        .then(|| quote! { Pages, });
    let models = names_models.then(|| quote! { models, });
    quote! {
        use clover_api_runtime::{#(#runtime),*};
        use clover_api_runtime::reqwest::Method;

        use super::{#models Call, ClientBuilder, Host, #pages Spec};
    }
}

fn constant_name(operation: &Operation) -> proc_macro2::Ident {
    format_ident!("{}", operation.method_name.to_shouty_snake_case())
}

/// `const NAME: Operation<Spec> = Operation { … };`: what differs from
/// `Operation::new` (no credential, no extra header, never replayed), then
/// the operation's id, method, path and host.
fn constant(operation: &Operation, schemes: &[SecurityScheme]) -> TokenStream {
    let name = constant_name(operation);
    let id = &operation.id;
    let template = &operation.path.template;
    let method = format_ident!("{}", operation.http_method.as_str());
    let host = format_ident!("{}", operation.host);
    let security = (!operation.security.alternatives.is_empty()).then(|| {
        let security = security(operation, schemes);
        quote! { security: #security, }
    });
    let forwarded_for = operation.forwarded_for.as_ref().map(|header| {
        let wire = &header.wire_name;
        let constructor = match header.required {
            true => quote! { required },
            false => quote! { optional },
        };
        quote! { forwarded_for: Some(ForwardedFor::#constructor(#wire)), }
    });
    let idempotency_key = operation.idempotency_key.as_ref().map(|header| {
        let wire = &header.wire_name;
        quote! { idempotency_key: Some(#wire), }
    });
    let replay = (operation.replay == Replay::Safe).then(|| quote! { replay: Replay::Safe, });
    let base = quote! { Operation::new(#id, &Method::#method, #template, Host::#host) };
    match (&security, &forwarded_for, &idempotency_key, &replay) {
        (None, None, None, None) => quote! { const #name: Operation<Spec> = #base; },
        _ => quote! {
            const #name: Operation<Spec> = Operation {
                #security
                #forwarded_for
                #idempotency_key
                #replay
                ..#base
            };
        },
    }
}

fn method(operation: &Operation, api: &Api) -> TokenStream {
    let taken: Vec<&str> = operation
        .required_params
        .iter()
        .map(|param| param.rust_name.as_str())
        .collect();
    let local = |base: &str| {
        let mut name = base.to_owned();
        while taken.contains(&name.as_str()) {
            name.push('_');
        }
        format_ident!("{name}")
    };
    let (request, body, params) = (local("request"), local("body"), local("params"));

    let mut arguments = Vec::new();
    let mut statements = Vec::new();
    for param in &operation.required_params {
        let name = ident(&param.rust_name);
        let ty = borrowed(&param.ty);
        arguments.push(quote! { #name: #ty });
        let wire = &param.wire_name;
        let value = if by_value(&param.ty) {
            quote! { &#name }
        } else {
            quote! { #name }
        };
        let checker = quote! { checks };
        for check in bound_checks(&param.constraints, &checker, &value, &quote! { #wire }) {
            statements.push(quote! { #request.check(|#checker| #check); });
        }
        if object_style(param.location).is_some() && holds_checks(api, &param.ty) {
            statements.push(quote! { #request.validate(#value); });
        }
        statements.extend(send_param(&request, param.location, wire, &value));
    }
    if let Some(request_body) = &operation.body {
        let (ty, mut send) = body_kind(
            &request_body.kind,
            &request_body.content_type,
            &request,
            &body,
        );
        let checked = match &request_body.kind {
            BodyKind::Json(ty) => holds_checks(api, ty),
            BodyKind::Form(name) | BodyKind::Multipart(name) => has_checks(api, name),
            BodyKind::Text | BodyKind::Bytes => false,
        };
        if checked {
            send = quote! { #request.validate(#body); #send };
        }
        if request_body.required {
            arguments.push(quote! { #body: #ty });
            statements.push(send);
        } else {
            arguments.push(quote! { #body: Option<#ty> });
            statements.push(quote! {
                if let Some(#body) = #body {
                    #send
                }
            });
        }
    }
    if let Some(accept) = &operation.accept {
        statements.push(quote! { #request.accept(#accept); });
    }
    if let Some(name) = &operation.params_struct {
        let ty = format_ident!("{name}");
        arguments.push(quote! { #params: &models::#ty });
        if has_checks(api, name) {
            statements.push(quote! { #request.validate(#params); });
        }
        for field in struct_fields(api, name) {
            let (field_name, wire) = (ident(&field.rust_name), &field.wire_name);
            let location = field
                .location
                .expect("lowering gives every parameter field a location");
            statements.extend(send_param(
                &request,
                location,
                wire,
                &quote! { &#params.#field_name },
            ));
        }
    }

    let path = operation.path.params().map(|wire| {
        let name = ident(&path_param(operation, wire).rust_name);
        quote! { &#name }
    });
    let constant = constant_name(operation);
    let method_name = ident(&operation.method_name);
    let (response, call) = match &operation.response {
        Response::One(success) => (output_type(success, Scope::Client), call(&request, success)),
        Response::ByStatus(name) => {
            let name = format_ident!("{name}");
            (
                quote! { models::#name },
                quote! { self.0.call_as(#request, models::#name::decode) },
            )
        }
    };
    let doc = doc(&method_doc(operation, &api.schemes));
    let mutable = (!statements.is_empty()).then(|| quote! { mut });
    quote! {
        #doc
        pub fn #method_name(&self, #(#arguments),*) -> Call<'_, #response> {
            let #mutable #request = Request::new(&#constant, &[#(#path),*]);
            #(#statements)*
            #call
        }
    }
}

/// The call that sends the request and reads its one kind of success.
fn call(request: &Ident, success: &Success) -> TokenStream {
    match success {
        Success::Empty | Success::Json(_) => quote! { self.0.call(#request) },
        Success::Text => quote! { self.0.call_as(#request, clover_api_runtime::decode::text) },
        Success::Bytes => quote! { self.0.call_as(#request, clover_api_runtime::decode::bytes) },
    }
}

/// The body argument's type, and the statement that sends it.
fn body_kind(
    kind: &BodyKind,
    content_type: &str,
    request: &Ident,
    body: &Ident,
) -> (TokenStream, TokenStream) {
    let model = |name: &str| {
        let name = format_ident!("{name}");
        quote! { &models::#name }
    };
    match kind {
        BodyKind::Json(ty) => (
            match ty {
                Type::Named(name) => model(name),
                Type::Integer(_) | Type::Number | Type::Boolean => {
                    let ty = rust_type(ty, Scope::Client);
                    quote! { &#ty }
                }
                other => borrowed(other),
            },
            quote! { #request.json(#content_type, #body); },
        ),
        BodyKind::Form(name) => (model(name), quote! { #request.form(#body); }),
        BodyKind::Multipart(name) => (model(name), quote! { #request.multipart(#body); }),
        BodyKind::Text => (
            quote! { &str },
            quote! { #request.bytes(#content_type, #body.to_owned()); },
        ),
        BodyKind::Bytes => (
            quote! { clover_api_runtime::Bytes },
            quote! { #request.bytes(#content_type, #body); },
        ),
    }
}

/// The statement that adds one parameter where the spec sends it; a path
/// parameter is given to `Request::new` instead.
fn send_param(
    request: &Ident,
    location: ParamLocation,
    wire: &str,
    value: &TokenStream,
) -> Option<TokenStream> {
    let delimiter = |name: &str| {
        let name = format_ident!("{name}");
        quote! { Delimiter::#name }
    };
    Some(match location {
        ParamLocation::Path => return None,
        ParamLocation::Header => quote! { #request.header(#wire, #value); },
        ParamLocation::Cookie => quote! { #request.cookie(#wire, #value); },
        ParamLocation::Query(QueryStyle::Form) => quote! { #request.query(#wire, #value); },
        ParamLocation::Query(QueryStyle::Comma) => {
            let delimiter = delimiter("Comma");
            quote! { #request.query_joined(#wire, #delimiter, #value); }
        }
        ParamLocation::Query(QueryStyle::Space) => {
            let delimiter = delimiter("Space");
            quote! { #request.query_joined(#wire, #delimiter, #value); }
        }
        ParamLocation::Query(QueryStyle::Pipe) => {
            let delimiter = delimiter("Pipe");
            quote! { #request.query_joined(#wire, #delimiter, #value); }
        }
        ParamLocation::Query(_) => {
            let style = object_style(location).expect("the other query styles are objects");
            let style = format_ident!("{style}");
            quote! { #request.query_object(#wire, ObjectStyle::#style, #value); }
        }
    })
}

/// The runtime's `ObjectStyle` variant for an object query parameter.
fn object_style(location: ParamLocation) -> Option<&'static str> {
    match location {
        ParamLocation::Query(QueryStyle::DeepObject) => Some("DeepObject"),
        ParamLocation::Query(QueryStyle::ObjectExploded) => Some("Exploded"),
        ParamLocation::Query(QueryStyle::ObjectJoined) => Some("Joined"),
        _ => None,
    }
}

fn struct_fields<'a>(api: &'a Api, name: &str) -> &'a [Field] {
    api.models
        .iter()
        .find_map(|model| match model {
            Model::Struct(model) if model.name == name => Some(model.fields.as_slice()),
            _ => None,
        })
        .unwrap_or_default()
}

/// `FormFields` for each struct sent as a form, in parts, or as an object
/// parameter: one line per property.
fn form_fields_impls(api: &Api) -> Vec<TokenStream> {
    let mut names: Vec<&str> = Vec::new();
    for operation in &api.operations {
        if let Some(BodyKind::Form(name) | BodyKind::Multipart(name)) =
            operation.body.as_ref().map(|body| &body.kind)
        {
            names.push(name);
        }
        let optional = operation
            .params_struct
            .iter()
            .flat_map(|name| struct_fields(api, name))
            .filter_map(|field| Some((field.location?, &field.ty)));
        let required = operation
            .required_params
            .iter()
            .map(|param| (param.location, &param.ty));
        for (location, ty) in required.chain(optional) {
            if let (Some(_), Some(name)) = (object_style(location), ty.named()) {
                names.push(name);
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    names.retain(|name| seen.insert(*name));
    names
        .into_iter()
        .map(|name| {
            let writes = struct_fields(api, name).iter().map(|field| {
                let (field_name, wire) = (ident(&field.rust_name), &field.wire_name);
                let part = if field.optional() {
                    quote! { self.#field_name.as_ref() }
                } else {
                    quote! { Some(&self.#field_name) }
                };
                match &field.ty {
                    Type::Binary => quote! { fields.file(#wire, #part); },
                    Type::Named(_) | Type::Map(_) | Type::Json if !is_enum(api, &field.ty) => {
                        quote! { fields.json(#wire, #part); }
                    }
                    _ => quote! { fields.text(#wire, &self.#field_name); },
                }
            });
            let name = format_ident!("{name}");
            quote! {
                impl FormFields for models::#name {
                    fn write_fields(&self, fields: &mut Fields) {
                        #(#writes)*
                    }
                }
            }
        })
        .collect()
}

fn is_enum(api: &Api, ty: &Type) -> bool {
    let Type::Named(name) = ty else { return false };
    api.models
        .iter()
        .any(|model| matches!(model, Model::Enum(model) if model.name == *name))
}

/// `<operation>_pages`: the listing as a stream of pages, each request
/// continuing from the last item of the page before.
fn pages_method(operation: &Operation, pagination: &Pagination) -> TokenStream {
    let method_name = ident(&operation.method_name);
    let pages_name = format_ident!("{}", pagination.method_name);
    let params = format_ident!(
        "{}",
        operation
            .params_struct
            .as_deref()
            .expect("lowering checks that a paged operation has a cursor parameter")
    );
    let page = format_ident!("{}", pagination.page);
    let cursor = ident(&pagination.cursor);
    let constant = constant_name(operation);
    let doc = doc(&format!(
        "Every page of [`Client::{method}`], from `params.{cursor}` (or the start) on; \
         `.items()` gives the items one by one. Each request continues from the last \
         item of the page before; the item the cursor names is not repeated, and a \
         listing that stops advancing ends with [`Error::CursorStuck`](crate::Error::CursorStuck).",
        method = operation.method_name,
        cursor = unraw(&pagination.cursor),
    ));
    quote! {
        #doc
        pub fn #pages_name(&self, mut params: models::#params) -> Pages<'_, models::#page> {
            let first = params.#cursor.take();
            Pages::new(#constant.id, first, move |cursor| {
                params.#cursor = cursor;
                self.#method_name(&params)
            })
        }
    }
}

/// Whether the named model has checks to run before sending.
fn has_checks(api: &Api, model: &str) -> bool {
    api.models
        .iter()
        .any(|known| known.name() == model && known.validated())
}

/// Whether a value of this type holds a model with checks (itself, or in a
/// list or map).
fn holds_checks(api: &Api, ty: &Type) -> bool {
    ty.named().is_some_and(|name| has_checks(api, name))
}

fn path_param<'a>(operation: &'a Operation, wire: &str) -> &'a Param {
    operation
        .required_params
        .iter()
        .find(|param| param.location == ParamLocation::Path && param.wire_name == wire)
        .expect("lowering checks that every path segment has a parameter")
}

/// Numbers and booleans are taken by value and lent to the request.
fn by_value(ty: &Type) -> bool {
    matches!(ty, Type::Integer(_) | Type::Number | Type::Boolean)
}

/// `Security::required(&[&["bearerAuth"]])`: each alternative as the keys
/// of its schemes.
fn security(operation: &Operation, schemes: &[SecurityScheme]) -> TokenStream {
    let security = &operation.security;
    let alternatives = security.alternatives.iter().map(|alternative| {
        let keys = alternative.iter().map(|id| &schemes[id.0].key);
        quote! { &[#(#keys),*] }
    });
    let constructor = match security.optional {
        true => quote! { optional },
        false => quote! { required },
    };
    quote! { Security::#constructor(&[#(#alternatives),*]) }
}

/// `authenticated by [`BearerAuth`](…)`, or the alternatives in order.
fn credential_doc(operation: &Operation, schemes: &[SecurityScheme]) -> String {
    let security = &operation.security;
    let alternatives: Vec<String> = security
        .alternatives
        .iter()
        .map(|alternative| {
            let named: Vec<String> = alternative
                .iter()
                .map(|id| {
                    let name = &schemes[id.0].rust_name;
                    format!("[`{name}`](crate::schemes::{name})")
                })
                .collect();
            named.join(" and ")
        })
        .collect();
    let otherwise = match security.optional {
        true => ", else with no credential",
        false => "",
    };
    match alternatives.as_slice() {
        [] => "with no credential".to_owned(),
        [only] if security.optional => {
            format!("authenticated by {only} when the client holds it{otherwise}")
        }
        [only] => format!("authenticated by {only}"),
        _ => format!(
            "authenticated by the first of {} that the client holds{otherwise}",
            alternatives.join(", or ")
        ),
    }
}

/// Summary, description, then what the call sends and how it authenticates.
fn method_doc(operation: &Operation, schemes: &[SecurityScheme]) -> String {
    let mut parts: Vec<String> = operation
        .summary
        .iter()
        .chain(&operation.description)
        .map(|text| text.trim().to_owned())
        .collect();
    let credential = credential_doc(operation, schemes);
    parts.push(format!(
        "Sends `{} {}` to [`Host::{}`](crate::Host::{}) {credential}.",
        operation.http_method.as_str(),
        operation.path.template,
        operation.host,
        operation.host
    ));
    if let Some(header) = &operation.forwarded_for {
        let need = if header.required {
            "required"
        } else {
            "sent when set"
        };
        parts.push(format!(
            "`{}` ({need}) comes from the client's default or `Call::forwarded_for`.",
            header.wire_name
        ));
    }
    if let Some(header) = &operation.idempotency_key {
        parts.push(format!(
            "`{}` is a fresh UUID v4 unless `Call::idempotency_key` sets one; every retry \
             sends the same key.",
            header.wire_name
        ));
    }
    if operation.replay == Replay::Never {
        parts.push(
            "Retried only when nothing reached the server (no connection) or it answered 429; \
             never after a failure that may have reached it."
                .to_owned(),
        );
    }
    let documented: Vec<String> = operation
        .required_params
        .iter()
        .filter_map(|param| {
            param
                .doc
                .as_ref()
                .map(|doc| format!("- `{}`: {}", unraw(&param.rust_name), doc.trim()))
        })
        .collect();
    if !documented.is_empty() {
        parts.push(format!("# Arguments\n{}", documented.join("\n")));
    }
    parts.join("\n\n")
}
