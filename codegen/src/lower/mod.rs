//! Spec → intermediate model. Every check on the spec happens here, so the
//! emitters can trust what they read.

mod errors;
mod hosts;
mod operations;
mod pagination;
mod schemas;
mod security;

use std::collections::HashMap;

use openapiv3::{OpenAPI, ReferenceOr};

use crate::error::{Pointer, SpecError};
use crate::ir::{Api, Model, Type};

/// Lowers a parsed spec, collecting every problem rather than stopping at the first.
pub fn lower(spec: &OpenAPI) -> Result<Api, Vec<SpecError>> {
    let mut lowering = Lowering {
        spec,
        models: Vec::new(),
        model_origins: HashMap::new(),
        hosts: hosts::Hosts::default(),
        error_schemas: Vec::new(),
        following: Vec::new(),
        alias_types: HashMap::new(),
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
    let operations = lowering.operations();
    if !lowering.errors.is_empty() {
        return Err(first_of_each(lowering.errors));
    }
    let mut models = lowering.models;
    box_recursive_fields(&mut models);
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
    /// Alias components being resolved, to catch a `$ref` loop.
    following: Vec<String>,
    /// What each alias component lowered to, by key.
    alias_types: HashMap<String, Result<Type, SpecError>>,
    errors: Vec<SpecError>,
}

impl<'a> Lowering<'a> {
    /// Runs a step, keeping its error and going on.
    fn attempt<T>(&mut self, result: Result<T, SpecError>) -> Option<T> {
        result.map_err(|error| self.errors.push(error)).ok()
    }

    /// Registers a model, refusing a second model of the same Rust name.
    /// Models live in a module of their own, and generated code names
    /// standard types by path, so no other name is off limits.
    fn add_model(&mut self, model: Model, pointer: &Pointer) -> Result<(), SpecError> {
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

/// The errors without repeats: a component that fails is reported by each
/// schema that refers to it, but one report at the cause is enough.
fn first_of_each(errors: Vec<SpecError>) -> Vec<SpecError> {
    let mut seen = std::collections::HashSet::new();
    errors
        .into_iter()
        .filter(|error| seen.insert(error.to_string()))
        .collect()
}

/// A struct that contains itself without a list or map in between would
/// have infinite size, so each field on such a cycle holds its value in a `Box`.
fn box_recursive_fields(models: &mut [Model]) {
    let direct: HashMap<String, Vec<String>> = models
        .iter()
        .map(|model| {
            let inline = match model {
                Model::Struct(model) => model
                    .fields
                    .iter()
                    .filter_map(|field| inline_model(&field.ty))
                    .collect(),
                Model::Union(model) => model
                    .variants
                    .iter()
                    .filter_map(|variant| inline_model(&variant.ty))
                    .collect(),
                Model::Alias(model) => inline_model(&model.ty).into_iter().collect(),
                Model::Enum(_) => Vec::new(),
            };
            (model.name().to_owned(), inline)
        })
        .collect();
    for model in models {
        if let Model::Struct(model) = model {
            for field in &mut model.fields {
                field.boxed = inline_model(&field.ty)
                    .is_some_and(|target| reaches(&direct, &target, &model.name));
            }
        }
    }
}

/// The model a value of this type holds inline (not behind a list or map).
fn inline_model(ty: &Type) -> Option<String> {
    match ty {
        Type::Named(name) => Some(name.clone()),
        _ => None,
    }
}

/// Whether `target` is reachable from `from` (itself included) through inline values.
fn reaches(direct: &HashMap<String, Vec<String>>, from: &str, target: &str) -> bool {
    let mut pending = vec![from.to_owned()];
    let mut seen = std::collections::HashSet::new();
    while let Some(name) = pending.pop() {
        if name == target {
            return true;
        }
        if seen.insert(name.clone()) {
            pending.extend(direct.get(&name).into_iter().flatten().cloned());
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
