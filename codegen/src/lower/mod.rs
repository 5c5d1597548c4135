//! Spec → intermediate model. Every check on the spec happens here, so the
//! emitters can trust what they read.

mod bodies;
mod errors;
mod hosts;
mod operations;
mod pagination;
mod schemas;
mod security;

use std::collections::HashMap;

use openapiv3::{OpenAPI, ReferenceOr};

use crate::error::{Pointer, SpecError};
use crate::ir::{Api, Model, Security, Type};
use crate::names;

/// Lowers a parsed spec, collecting every problem rather than stopping at the first.
pub fn lower(spec: &OpenAPI) -> Result<Api, Vec<SpecError>> {
    let mut lowering = Lowering {
        spec,
        models: Vec::new(),
        model_origins: HashMap::new(),
        type_names: names::Namespace::default(),
        component_names: HashMap::new(),
        method_names: names::Namespace::default(),
        nesting: 0,
        hosts: hosts::Hosts::default(),
        schemes: security::Schemes::default(),
        inherited_security: None,
        error_schemas: Vec::new(),
        following: Vec::new(),
        alias_types: HashMap::new(),
        errors: Vec::new(),
    };
    // 3.1 documents reach here with their 3.1 spellings rewritten (`load`).
    if !spec.openapi.starts_with("3.0.") && !spec.openapi.starts_with("3.1.") {
        lowering.errors.push(SpecError::new(
            &Pointer::root().join("openapi"),
            format!(
                "expected an OpenAPI 3.0.x or 3.1.x document, found version {:?}",
                spec.openapi
            ),
        ));
    }
    lowering.hosts = hosts::hosts(spec, &mut lowering.errors);
    lowering.name_components();
    lowering.components();
    lowering.inherited_security = lowering.root_security();
    let operations = lowering.operations();
    if !lowering.errors.is_empty() {
        return Err(first_of_each(lowering.errors));
    }
    let mut models = lowering.models;
    box_recursive_fields(&mut models);
    let error_bodies: Vec<&str> = lowering
        .error_schemas
        .iter()
        .filter_map(|reference| reference.strip_prefix("#/components/schemas/"))
        .filter_map(|key| lowering.component_names.get(key))
        .map(String::as_str)
        .collect();
    schemas::mark_directions(&mut models, &operations, &error_bodies);
    let errors = errors::error_model(&lowering.error_schemas, &models, &lowering.component_names);
    Ok(Api {
        hosts: lowering.hosts.hosts,
        environments: lowering.hosts.environments,
        schemes: lowering.schemes.into_list(),
        models,
        operations,
        errors,
    })
}

struct Lowering<'a> {
    spec: &'a OpenAPI,
    models: Vec<Model>,
    /// Where each model was defined: lowering a schema again (an alias
    /// component each time it is used) adds nothing.
    model_origins: HashMap<String, Pointer>,
    /// Every model's Rust name; components claim theirs first.
    type_names: names::Namespace,
    /// The Rust name of each `components/schemas` key.
    component_names: HashMap<String, String>,
    /// The `Client` methods: one per operation and per paged listing.
    method_names: names::Namespace,
    /// How deeply schemas being lowered nest, through inline schemas and `$ref`s.
    nesting: usize,
    hosts: hosts::Hosts,
    schemes: security::Schemes,
    /// The root's `security`, for operations without their own.
    inherited_security: Option<Security>,
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

    /// Gives every schema component its Rust name before anything refers to
    /// one, so the first in spec order keeps its name and inline models
    /// named after a component give way to it.
    fn name_components(&mut self) {
        let Some(components) = &self.spec.components else {
            return;
        };
        let section = Pointer::root().join("components").join("schemas");
        for key in components.schemas.keys() {
            let name = self
                .type_names
                .claim(&names::type_name(key), section.join(key).as_str());
            self.component_names.insert(key.clone(), name);
        }
    }

    /// The Rust name of the model at `pointer`, from the one its place
    /// proposes; see [`names::Namespace::claim`]. Models live in a module of
    /// their own, and generated code names standard types by path, so no
    /// other name is off limits.
    fn model_name(&mut self, proposed: &str, pointer: &Pointer) -> String {
        self.type_names.claim(proposed, pointer.as_str())
    }

    /// Registers a model named by [`Self::model_name`]; the same schema
    /// lowered again is registered once.
    fn add_model(&mut self, model: Model, pointer: &Pointer) -> Result<(), SpecError> {
        match self.model_origins.get(model.name()) {
            None => {
                self.model_origins
                    .insert(model.name().to_owned(), pointer.clone());
                self.models.push(model);
                Ok(())
            }
            Some(first) if first == pointer => Ok(()),
            Some(first) => Err(SpecError::new(
                pointer,
                format!(
                    "the Rust type name `{}` is already used by {first} (a generator bug: names are claimed first)",
                    model.name()
                ),
            )),
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
                Model::Enum(_) | Model::Responses(_) => Vec::new(),
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
