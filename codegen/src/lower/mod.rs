//! Spec → intermediate model. Every check on the spec happens here, so the
//! emitters can trust what they read.

mod errors;
mod hosts;
mod operations;
mod schemas;
mod security;

use std::collections::HashMap;

use openapiv3::{OpenAPI, ReferenceOr};

use crate::error::{Pointer, SpecError};
use crate::ir::{Api, Model, Type};

/// Type names the generated files import or rely on from the prelude; a
/// model with one of them would shadow it.
const RESERVED_TYPES: &[&str] = &[
    "ApiError",
    "Box",
    "Call",
    "Client",
    "ClientBuilder",
    "Credential",
    "Default",
    "Deserialize",
    "Environment",
    "Err",
    "Error",
    "ForwardedFor",
    "Host",
    "InvalidInput",
    "Method",
    "None",
    "Ok",
    "Operation",
    "Option",
    "ParamValue",
    "Request",
    "Result",
    "Secret",
    "Serialize",
    "Some",
    "Spec",
    "String",
    "Validate",
    "Vec",
];

/// Lowers a parsed spec, collecting every problem rather than stopping at the first.
pub fn lower(spec: &OpenAPI) -> Result<Api, Vec<SpecError>> {
    let mut lowering = Lowering {
        spec,
        models: Vec::new(),
        model_origins: HashMap::new(),
        hosts: hosts::Hosts::default(),
        error_schemas: Vec::new(),
        errors: Vec::new(),
    };
    if !spec.openapi.starts_with("3.0.") {
        lowering.errors.push(SpecError::new(
            &Pointer::root().join("openapi"),
            format!(
                "expected an OpenAPI 3.0.x document, found version {:?}",
                spec.openapi
            ),
        ));
    }
    lowering.components();
    lowering.reject_recursion();
    let operations = lowering.operations();
    if !lowering.errors.is_empty() {
        return Err(lowering.errors);
    }
    let mut models = lowering.models;
    schemas::mark_sent(&mut models, &operations);
    let errors = errors::error_model(&lowering.error_schemas, &models);
    Ok(Api {
        hosts: lowering.hosts.into_list(),
        models,
        operations,
        errors,
    })
}

struct Lowering<'a> {
    spec: &'a OpenAPI,
    models: Vec<Model>,
    /// Where each model name was first defined, to report clashes.
    model_origins: HashMap<String, Pointer>,
    hosts: hosts::Hosts,
    /// The `$ref` of each error response's JSON schema, in spec order.
    error_schemas: Vec<String>,
    errors: Vec<SpecError>,
}

impl<'a> Lowering<'a> {
    /// Runs a step, keeping its error and going on.
    fn attempt<T>(&mut self, result: Result<T, SpecError>) -> Option<T> {
        result.map_err(|error| self.errors.push(error)).ok()
    }

    /// Registers a model, refusing a second model of the same Rust name and
    /// names the generated files already use.
    fn add_model(&mut self, model: Model, pointer: &Pointer) -> Result<(), SpecError> {
        if RESERVED_TYPES.contains(&model.name()) {
            return Err(SpecError::new(
                pointer,
                format!(
                    "the Rust type name `{}` is taken by the standard library or the runtime",
                    model.name()
                ),
            ));
        }
        if let Some(first) = self.model_origins.get(model.name()) {
            return Err(SpecError::new(
                pointer,
                format!(
                    "the Rust type name `{}` is already used by {first}",
                    model.name()
                ),
            ));
        }
        self.model_origins
            .insert(model.name().to_owned(), pointer.clone());
        self.models.push(model);
        Ok(())
    }

    /// A struct that contains itself without a list or map in between would
    /// have infinite size; boxing is not implemented yet, so it is refused.
    fn reject_recursion(&mut self) {
        let direct: HashMap<&str, Vec<&str>> = self
            .models
            .iter()
            .filter_map(|model| match model {
                Model::Struct(model) => {
                    let named = model.fields.iter().filter_map(|field| match &field.ty {
                        Type::Named(name) => Some(name.as_str()),
                        _ => None,
                    });
                    Some((model.name.as_str(), named.collect()))
                }
                Model::Enum(_) => None,
            })
            .collect();
        let mut recursive: Vec<&str> = direct
            .keys()
            .copied()
            .filter(|start| reaches(&direct, start, start))
            .collect();
        recursive.sort_by_key(|name| self.model_origins[*name].as_str().to_owned());
        for name in recursive {
            let error = SpecError::unsupported(
                &self.model_origins[name],
                format!("`{name}`, which contains itself without an array or map in between,"),
            );
            self.errors.push(error);
        }
    }

    fn model_mut(&mut self, name: &str) -> Option<&mut Model> {
        self.models.iter_mut().find(|model| model.name() == name)
    }
}

/// Resolves a local `$ref` into `components/<section>`, or returns the inline item.
fn resolve<'s, T>(
    item: &'s ReferenceOr<T>,
    section: &str,
    components: impl Fn(&str) -> Option<&'s ReferenceOr<T>>,
    pointer: &Pointer,
) -> Result<(&'s T, Pointer), SpecError> {
    match item {
        ReferenceOr::Item(value) => Ok((value, pointer.clone())),
        ReferenceOr::Reference { reference } => {
            let prefix = format!("#/components/{section}/");
            let target = reference
                .strip_prefix(&prefix)
                .and_then(|name| components(name).map(|found| (name, found)));
            match target {
                Some((name, ReferenceOr::Item(value))) => Ok((
                    value,
                    Pointer::root().join("components").join(section).join(name),
                )),
                Some((_, ReferenceOr::Reference { .. })) => Err(SpecError::unsupported(
                    pointer,
                    format!("`$ref` {reference} to another `$ref`"),
                )),
                None => Err(SpecError::new(
                    pointer,
                    format!(
                        "unresolved `$ref` {reference}: expected a name under #/components/{section}"
                    ),
                )),
            }
        }
    }
}

/// Whether `target` is reachable from `from` through direct struct fields.
fn reaches(direct: &HashMap<&str, Vec<&str>>, from: &str, target: &str) -> bool {
    let mut pending: Vec<&str> = direct.get(from).cloned().unwrap_or_default();
    let mut seen = std::collections::HashSet::new();
    while let Some(name) = pending.pop() {
        if name == target {
            return true;
        }
        if seen.insert(name) {
            pending.extend(direct.get(name).into_iter().flatten());
        }
    }
    false
}

/// `x-sensitive: true` marks a secret; any value but a boolean is an error,
/// not a silent plain string.
fn sensitive(marking: Option<&serde_json::Value>, pointer: &Pointer) -> Result<bool, SpecError> {
    match marking {
        None => Ok(false),
        Some(serde_json::Value::Bool(marked)) => Ok(*marked),
        Some(other) => Err(SpecError::new(
            &pointer.join("x-sensitive"),
            format!("`x-sensitive` must be `true` or `false`, found {other}"),
        )),
    }
}
