//! Where a document that does not read as `openapiv3` fails.
//!
//! serde names the path of a failure only down to the first node that it
//! buffers before reading, and `openapiv3` buffers almost every node: a
//! `$ref`-or-item, a struct with extensions, a parameter tagged by `in`. So
//! a failure deep in an operation is reported at `#/paths`. This walks
//! down instead, knowing which `openapiv3` type each node is read as: into
//! the first child that does not read as its own type, then, in the node
//! that fails while its children read, to the first key without which it
//! reads.

use openapiv3::{
    Components, Header, MediaType, OpenAPI, Operation, Parameter, PathItem, Paths, RequestBody,
    Response, Responses, Schema, SecurityScheme,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::Pointer;

/// The `openapiv3` types a node is read as.
#[derive(Clone, Copy)]
enum Kind {
    Document,
    Paths,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Responses,
    Response,
    Header,
    MediaType,
    Schema,
    Components,
    SecurityScheme,
}

/// The pointer and message of the deepest node of `document` that does not
/// read, or `None` when the whole document reads.
pub fn failure(document: &Value) -> Option<(Pointer, String)> {
    let message = Kind::Document.read(document).err()?;
    Some(locate(Kind::Document, document, Pointer::root(), message))
}

/// The failure inside `value`, which does not read as `kind`, for `message`.
fn locate(kind: Kind, value: &Value, at: Pointer, message: String) -> (Pointer, String) {
    for (child_kind, key, child) in children(kind, value) {
        if let Err(message) = child_kind.read(child) {
            return locate(child_kind, child, key.within(&at), message);
        }
    }
    match culprit(kind, value) {
        Some(key) => (at.join(key), message),
        None => (at, message),
    }
}

/// The first key of an object that is the cause of its failure: without it
/// the object reads, or misses just that key.
fn culprit(kind: Kind, value: &Value) -> Option<&str> {
    let Value::Object(map) = value else {
        return None;
    };
    map.keys().map(String::as_str).find(|key| {
        let mut without = map.clone();
        without.shift_remove(*key);
        match kind.read(&Value::Object(without)) {
            Ok(()) => true,
            Err(message) => message.starts_with(&format!("missing field `{key}`")),
        }
    })
}

/// Where a child sits in its parent: under a key, or under a key and an index.
enum Key<'v> {
    Name(&'v str),
    Nested(&'v str, String),
}

impl Key<'_> {
    fn within(&self, parent: &Pointer) -> Pointer {
        match self {
            Key::Name(name) => parent.join(name),
            Key::Nested(name, inner) => parent.join(name).join(inner),
        }
    }
}

/// The children of a node that `openapiv3` reads as types of their own, in
/// document order. A `$ref` reads as a reference, so it has none.
fn children(kind: Kind, value: &Value) -> Vec<(Kind, Key<'_>, &Value)> {
    let Value::Object(map) = value else {
        return Vec::new();
    };
    if map.contains_key("$ref") {
        return Vec::new();
    }
    let mut found = Vec::new();
    for (key, child) in map {
        let key = key.as_str();
        if key.starts_with("x-") {
            continue;
        }
        let mut nested = |inner: Kind| match child {
            Value::Object(entries) => found.extend(
                entries
                    .iter()
                    .filter(|(name, _)| !name.starts_with("x-"))
                    .map(|(name, value)| (inner, Key::Nested(key, name.clone()), value)),
            ),
            Value::Array(items) => found.extend(
                items
                    .iter()
                    .enumerate()
                    .map(|(index, value)| (inner, Key::Nested(key, index.to_string()), value)),
            ),
            _ => {}
        };
        match (kind, key) {
            (Kind::Document, "paths") => found.push((Kind::Paths, Key::Name(key), child)),
            (Kind::Document, "components") => {
                found.push((Kind::Components, Key::Name(key), child));
            }
            (Kind::Paths, _) => found.push((Kind::PathItem, Key::Name(key), child)),
            (Kind::PathItem, "parameters") | (Kind::Operation, "parameters") => {
                nested(Kind::Parameter);
            }
            (
                Kind::PathItem,
                "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace",
            ) => {
                found.push((Kind::Operation, Key::Name(key), child));
            }
            (Kind::Operation, "requestBody") => {
                found.push((Kind::RequestBody, Key::Name(key), child));
            }
            (Kind::Operation, "responses") => {
                found.push((Kind::Responses, Key::Name(key), child));
            }
            (Kind::Responses, _) => found.push((Kind::Response, Key::Name(key), child)),
            (Kind::Response, "headers") => nested(Kind::Header),
            (Kind::Response | Kind::RequestBody | Kind::Parameter | Kind::Header, "content") => {
                nested(Kind::MediaType);
            }
            (Kind::Parameter | Kind::Header | Kind::MediaType, "schema")
            | (Kind::Schema, "items" | "not" | "additionalProperties") => {
                found.push((Kind::Schema, Key::Name(key), child));
            }
            (Kind::Schema, "properties" | "allOf" | "oneOf" | "anyOf")
            | (Kind::Components, "schemas") => nested(Kind::Schema),
            (Kind::Components, "responses") => nested(Kind::Response),
            (Kind::Components, "parameters") => nested(Kind::Parameter),
            (Kind::Components, "requestBodies") => nested(Kind::RequestBody),
            (Kind::Components, "headers") => nested(Kind::Header),
            (Kind::Components, "securitySchemes") => nested(Kind::SecurityScheme),
            _ => {}
        }
    }
    found
}

impl Kind {
    /// Whether `value` reads as this kind's type, or why not.
    fn read(self, value: &Value) -> Result<(), String> {
        let reference = value.get("$ref").is_some_and(Value::is_string);
        match self {
            // A `$ref` reads as a reference wherever the spec allows one.
            _ if reference && !matches!(self, Kind::Document | Kind::Paths) => Ok(()),
            Kind::Document => read::<OpenAPI>(value),
            Kind::Paths => read::<Paths>(value),
            Kind::PathItem => read::<PathItem>(value),
            Kind::Operation => read::<Operation>(value),
            Kind::Parameter => read::<Parameter>(value),
            Kind::RequestBody => read::<RequestBody>(value),
            Kind::Responses => read::<Responses>(value),
            Kind::Response => read::<Response>(value),
            Kind::Header => read::<Header>(value),
            Kind::MediaType => read::<MediaType>(value),
            // A boolean `additionalProperties` is no schema, and reads.
            Kind::Schema if value.is_boolean() => Ok(()),
            Kind::Schema => read::<Schema>(value),
            Kind::Components => read::<Components>(value),
            Kind::SecurityScheme => read::<SecurityScheme>(value),
        }
    }
}

fn read<T: DeserializeOwned>(value: &Value) -> Result<(), String> {
    T::deserialize(value)
        .map(drop)
        .map_err(|error| error.to_string())
}
