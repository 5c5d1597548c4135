//! Schemas settled on the JSON value, before `openapiv3` reads it.
//!
//! `openapiv3` reads OpenAPI 3.0 and silently drops every key it does not
//! know, so a JSON Schema keyword that constrains a value (`const`,
//! `patternProperties`, `if`, `prefixItems`, ...) would vanish from the
//! generated client without a word; a schema whose keywords do not fit one
//! `type` becomes untyped. This pass, in every document whatever its version:
//! - rewrites the OpenAPI 3.1 constructs that have a 3.0 spelling:
//!   `type: [T, "null"]` and `anyOf`/`oneOf` with `{type: "null"}` become
//!   `nullable: true`, `examples` the first `example`, a numeric
//!   `exclusiveMinimum`/`exclusiveMaximum` a bound with its boolean, `const`
//!   a one-value `enum`;
//! - gives an untyped schema the type its keywords evidently mean
//!   (`properties` an object, `items` an array, an `enum` of strings a
//!   string) and drops `format` from an object, where it means nothing;
//! - reads a security requirement's `null` scopes as none;
//! - refuses, at its pointer, each keyword with no 3.0 meaning and each
//!   `$ref` outside `#/components/`.
//!
//! 3.1's `webhooks`, `jsonSchemaDialect`, `info.license.identifier`,
//! `$schema`, `$id` and `$comment` say nothing about the client and are left
//! for `openapiv3` to ignore.

use serde_json::{Map, Value};

use crate::error::{Pointer, SpecError};

/// JSON Schema keywords that constrain or shape a value and have no
/// OpenAPI 3.0 spelling; ignoring one would change what the client accepts.
const NO_3_0_MEANING: &[&str] = &[
    "prefixItems",
    "if",
    "then",
    "else",
    "$defs",
    "definitions",
    "patternProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
    "propertyNames",
    "contains",
    "minContains",
    "maxContains",
    "dependentRequired",
    "dependentSchemas",
    "dependencies",
    "contentMediaType",
    "$dynamicRef",
    "$dynamicAnchor",
    "$recursiveRef",
];

/// Keywords whose value is one schema, a list of schemas, or a map of them.
const ONE_SCHEMA: &[&str] = &["items", "additionalProperties", "not"];
const SCHEMA_LISTS: &[&str] = &["allOf", "oneOf", "anyOf"];

/// Settles every schema of the document in place, or lists what cannot be.
pub(super) fn normalize(document: &mut Value) -> Result<(), Vec<SpecError>> {
    let mut errors = Vec::new();
    walk_document(document, At::Root, &mut errors);
    match errors.is_empty() {
        true => Ok(()),
        false => Err(errors),
    }
}

/// A node that is not a schema: its `schema` entries are, and so are the
/// entries of `components/schemas`. Examples and extensions are data.
fn walk_document(value: &mut Value, at: At, errors: &mut Vec<SpecError>) {
    match value {
        Value::Object(map) => {
            let schema_map = matches!(at, At::Key(At::Root, "components"));
            for (key, child) in map.iter_mut() {
                let at = At::Key(&at, key);
                match key.as_str() {
                    "schemas" if schema_map => each_entry(child, at, errors),
                    "schema" => schema(child, at, errors),
                    "security" => no_scopes_as_empty(child),
                    "example" | "examples" => {}
                    _ if key.starts_with("x-") => {}
                    _ => walk_document(child, at, errors),
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                walk_document(item, At::Index(&at, index), errors);
            }
        }
        _ => {}
    }
}

/// Where a node is. The walk passes every key of the spec, so the node's
/// [`Pointer`] is written out only for an error.
#[derive(Clone, Copy)]
enum At<'a> {
    Root,
    Key(&'a At<'a>, &'a str),
    Index(&'a At<'a>, usize),
}

impl At<'_> {
    fn pointer(self) -> Pointer {
        match self {
            At::Root => Pointer::root(),
            At::Key(parent, key) => parent.pointer().join(key),
            At::Index(parent, index) => parent.pointer().join(index),
        }
    }

    /// The pointer of the node's entry `key`.
    fn join(self, key: &str) -> Pointer {
        self.pointer().join(key)
    }
}

/// A security requirement that gives a scheme `null` for its scopes
/// (Square's `oauth2: null`) asks for no scopes, as `[]` says.
fn no_scopes_as_empty(security: &mut Value) {
    let Value::Array(requirements) = security else {
        return;
    };
    for requirement in requirements {
        if let Value::Object(schemes) = requirement {
            for scopes in schemes.values_mut().filter(|scopes| scopes.is_null()) {
                *scopes = Value::Array(Vec::new());
            }
        }
    }
}

fn each_entry(value: &mut Value, at: At, errors: &mut Vec<SpecError>) {
    if let Value::Object(map) = value {
        for (key, child) in map.iter_mut() {
            schema(child, At::Key(&at, key), errors);
        }
    }
}

fn schema(value: &mut Value, at: At, errors: &mut Vec<SpecError>) {
    let Value::Object(map) = value else { return };
    if let Some(reference) = map.get("$ref").and_then(Value::as_str)
        && !reference.starts_with("#/components/")
    {
        errors.push(SpecError::unsupported(
            &at.join("$ref"),
            format!("`$ref` {reference} (only `#/components/...` references are)"),
        ));
    }
    for keyword in NO_3_0_MEANING {
        if map.contains_key(*keyword) {
            errors.push(SpecError::new(
                &at.join(keyword),
                format!("`{keyword}` has no OpenAPI 3.0 meaning, and ignoring it would change what the client accepts"),
            ));
        }
    }
    if let Err(error) = rewrite(map, at) {
        errors.push(error);
    }
    infer_type(map);
    integer_bounds(map);
    for (key, child) in map.iter_mut() {
        let at = At::Key(&at, key);
        match key.as_str() {
            "properties" => each_entry(child, at, errors),
            "items" if child.is_array() => errors.push(SpecError::unsupported(
                &at.pointer(),
                "a list of `items` (a tuple; OpenAPI 3.0 has one `items` schema)",
            )),
            _ if ONE_SCHEMA.contains(&key.as_str()) => schema(child, at, errors),
            _ if SCHEMA_LISTS.contains(&key.as_str()) => {
                if let Value::Array(members) = child {
                    for (index, member) in members.iter_mut().enumerate() {
                        schema(member, At::Index(&at, index), errors);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The OpenAPI 3.1 spellings that have a 3.0 one.
fn rewrite(map: &mut Map<String, Value>, at: At) -> Result<(), SpecError> {
    type_list(map, at)?;
    null_member(map);
    if let Some(Value::Array(examples)) = map.remove("examples")
        && !map.contains_key("example")
        && let Some(first) = examples.into_iter().next()
    {
        map.insert("example".to_owned(), first);
    }
    exclusive_bound(map, "exclusiveMinimum", "minimum", |bound, exclusive| {
        bound > exclusive
    });
    exclusive_bound(map, "exclusiveMaximum", "maximum", |bound, exclusive| {
        bound < exclusive
    });
    if let Some(value) = map.remove("const") {
        if map.contains_key("enum") {
            return Err(SpecError::unsupported(
                &at.join("const"),
                "`const` beside `enum`",
            ));
        }
        map.insert("enum".to_owned(), Value::Array(vec![value]));
    }
    Ok(())
}

/// `type: [T, "null"]` → `type: T, nullable: true`; a list of two other
/// types has no 3.0 spelling.
fn type_list(map: &mut Map<String, Value>, at: At) -> Result<(), SpecError> {
    let types: Vec<Value> = match map.get("type") {
        Some(Value::Array(types)) => types.clone(),
        Some(Value::String(only)) if only == "null" => vec![Value::String(only.clone())],
        _ => return Ok(()),
    };
    let (nulls, others): (Vec<Value>, Vec<Value>) = types
        .into_iter()
        .partition(|ty| ty.as_str() == Some("null"));
    match <[Value; 1]>::try_from(others) {
        Ok([only]) => {
            map.insert("type".to_owned(), only);
            if !nulls.is_empty() {
                map.insert("nullable".to_owned(), Value::Bool(true));
            }
            Ok(())
        }
        Err(others) if others.is_empty() => Err(SpecError::unsupported(
            &at.join("type"),
            "a schema whose only type is `null`",
        )),
        Err(_) => Err(SpecError::unsupported(
            &at.join("type"),
            "a list of several types other than `null` (use `oneOf`)",
        )),
    }
}

/// `anyOf`/`oneOf` of a schema and `{type: "null"}` → that schema, nullable.
fn null_member(map: &mut Map<String, Value>) {
    let is_null = |member: &Value| {
        member.as_object().is_some_and(|member| {
            member.len() == 1 && member.get("type").and_then(Value::as_str) == Some("null")
        })
    };
    for keyword in ["anyOf", "oneOf"] {
        let Some(Value::Array(members)) = map.get_mut(keyword) else {
            continue;
        };
        let before = members.len();
        members.retain(|member| !is_null(member));
        if members.len() == before {
            continue;
        }
        map.insert("nullable".to_owned(), Value::Bool(true));
        if let Some(Value::Array(members)) = map.get(keyword)
            && members.len() == 1
        {
            let members = map.remove(keyword).unwrap_or_default();
            map.insert("allOf".to_owned(), members);
        }
    }
}

/// A numeric `exclusiveMinimum` (3.1) → `minimum` with `exclusiveMinimum:
/// true`, unless an inclusive `minimum` beside it is stricter.
fn exclusive_bound(
    map: &mut Map<String, Value>,
    exclusive_key: &str,
    bound_key: &str,
    stricter: fn(f64, f64) -> bool,
) {
    let Some(Value::Number(exclusive)) = map.get(exclusive_key).cloned() else {
        return;
    };
    let bound = map.get(bound_key).and_then(Value::as_f64);
    let keep_bound = matches!((bound, exclusive.as_f64()), (Some(bound), Some(exclusive)) if stricter(bound, exclusive));
    if keep_bound {
        map.remove(exclusive_key);
    } else {
        map.insert(bound_key.to_owned(), Value::Number(exclusive));
        map.insert(exclusive_key.to_owned(), Value::Bool(true));
    }
}

/// The type an untyped schema's keywords evidently mean: `properties`,
/// `required` or `additionalProperties` an object (also beside an `allOf`,
/// whose members it then joins: Plaid's responses), `items` an array, an
/// `enum` of strings a string and of integers an integer. A `format` on an
/// object means nothing and is dropped.
fn infer_type(map: &mut Map<String, Value>) {
    let composed = ["$ref", "oneOf", "anyOf", "not"];
    if !map.contains_key("type") && !composed.iter().any(|key| map.contains_key(*key)) {
        let has = |key: &str| map.contains_key(key);
        let object = has("properties")
            || has("additionalProperties")
            || has("minProperties")
            || has("maxProperties")
            || map.get("required").is_some_and(Value::is_array);
        let inferred = if object {
            Some("object")
        } else if has("allOf") {
            None
        } else if has("items") {
            Some("array")
        } else {
            map.get("enum").and_then(enum_type)
        };
        if let Some(ty) = inferred {
            map.insert("type".to_owned(), Value::String(ty.to_owned()));
        }
    }
    if map.get("type").and_then(Value::as_str) == Some("object") {
        map.remove("format");
    }
}

/// An integer's bound at or beyond what an `i64` holds bounds nothing
/// (OpenAI writes `minimum: -9223372036854776000`), so it is dropped; a bound
/// written as a whole float (`1.0`) is the integer it equals. Any other
/// bound is left for `openapiv3` to refuse at its pointer.
fn integer_bounds(map: &mut Map<String, Value>) {
    if map.get("type").and_then(Value::as_str) != Some("integer") {
        return;
    }
    for (key, beyond) in [("minimum", -1.0), ("maximum", 1.0)] {
        let Some(bound) = map.get(key).and_then(Value::as_number) else {
            continue;
        };
        let value = match bound.is_i64() {
            true => continue,
            false => bound.as_f64().unwrap_or(f64::NAN),
        };
        // `i64::MAX as f64` rounds up to 2^63, which no i64 reaches.
        if value * beyond >= 2f64.powi(63) {
            map.remove(key);
        } else if value.fract() == 0.0 && value.abs() < 2f64.powi(63) {
            map.insert(key.to_owned(), Value::from(value as i64));
        }
    }
}

/// The one type every value of an `enum` has (`null` aside).
fn enum_type(values: &Value) -> Option<&'static str> {
    let values: Vec<&Value> = values.as_array()?.iter().filter(|v| !v.is_null()).collect();
    let all = |test: fn(&Value) -> bool| !values.is_empty() && values.iter().all(|v| test(v));
    if all(Value::is_string) {
        Some("string")
    } else if all(Value::is_i64) {
        Some("integer")
    } else {
        None
    }
}
