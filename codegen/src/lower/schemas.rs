//! Schemas → models and types. Component objects and string enums become
//! named models; inline ones are named from where they appear.

use std::borrow::Borrow;
use std::collections::HashSet;

use openapiv3::{
    AdditionalProperties, IntegerFormat, ReferenceOr, Schema, SchemaKind, StringFormat, StringType,
    Type as SchemaType, VariantOrUnknownOrEmpty,
};

use super::Lowering;
use crate::error::{Pointer, SpecError};
use crate::ir::{
    Alias, Constraints, Enum, Field, IntegerWidth, Model, Operation, Struct, StructRole, Type,
    Union, UnionVariant, Variant,
};
use crate::names;

impl<'a> Lowering<'a> {
    /// Lowers every entry of `components/schemas`: objects, enums and unions
    /// into named models, anything else into an alias.
    pub(super) fn components(&mut self) {
        let Some(components) = &self.spec.components else {
            return;
        };
        let section = Pointer::root().join("components").join("schemas");
        for (key, schema) in &components.schemas {
            let pointer = section.join(key);
            let name = self.component_names[key].clone();
            let lowered = match schema {
                ReferenceOr::Reference { reference } => self.component_ref(reference, &pointer),
                ReferenceOr::Item(schema) => self.type_of_schema(schema, &pointer, &name),
            };
            let alias = lowered.and_then(|ty| match ty {
                Type::Named(named) if named == name => Ok(()),
                ty => {
                    let doc = match schema {
                        ReferenceOr::Item(schema) => description(schema),
                        ReferenceOr::Reference { .. } => None,
                    };
                    self.add_model(Model::Alias(Alias { name, doc, ty }), &pointer)
                }
            });
            self.attempt(alias);
        }
    }

    /// The Rust type of a schema or `$ref` (boxed or not, as `openapiv3`
    /// nests them); `context` names any inline model it needs.
    pub(super) fn type_of<S: Borrow<Schema>>(
        &mut self,
        schema: &ReferenceOr<S>,
        pointer: &Pointer,
        context: &str,
    ) -> Result<Type, SpecError> {
        if self.nesting == MAX_NESTING {
            return Err(SpecError::new(
                pointer,
                format!(
                    "schemas nest deeper than {MAX_NESTING} levels here (through inline schemas and `$ref`s)"
                ),
            ));
        }
        self.nesting += 1;
        let ty = match schema {
            ReferenceOr::Reference { reference } => self.component_ref(reference, pointer),
            ReferenceOr::Item(schema) => self.type_of_schema(schema.borrow(), pointer, context),
        };
        self.nesting -= 1;
        ty
    }

    /// A component that names a model is referred to by name; any other (a
    /// string, a list, a `$ref` to another component) stands for its type.
    fn component_ref(&mut self, reference: &str, pointer: &Pointer) -> Result<Type, SpecError> {
        let (key, schema) = self.component(reference, pointer)?;
        let name = self.component_names[key].clone();
        match schema {
            ReferenceOr::Item(schema) if names_model(schema) => Ok(Type::Named(name)),
            _ if self.alias_types.contains_key(key) => Ok(self.alias_types[key].clone()),
            _ => {
                if self.following.iter().any(|seen| seen == key) {
                    return Err(SpecError::new(
                        pointer,
                        format!("`$ref` {reference} refers back to itself"),
                    ));
                }
                self.following.push(key.to_owned());
                let at = Pointer::root().join("components").join("schemas").join(key);
                let ty = self.type_of(schema, &at, &name);
                self.following.pop();
                if let Ok(ty) = &ty {
                    self.alias_types.insert(key.to_owned(), ty.clone());
                }
                ty
            }
        }
    }

    /// The component a `$ref` names, with its key.
    pub(super) fn component(
        &self,
        reference: &str,
        pointer: &Pointer,
    ) -> Result<(&'a str, &'a ReferenceOr<Schema>), SpecError> {
        let spec: &'a openapiv3::OpenAPI = self.spec;
        reference
            .strip_prefix("#/components/schemas/")
            .and_then(|key| {
                let components = spec.components.as_ref()?;
                components.schemas.get_key_value(key)
            })
            .map(|(key, schema)| (key.as_str(), schema))
            .ok_or_else(|| {
                SpecError::new(
                    pointer,
                    format!(
                        "unresolved `$ref` {reference}: expected a name under #/components/schemas"
                    ),
                )
            })
    }

    /// The schema a property finally describes, through `$ref`s and a
    /// single-member `allOf`, for its bounds and documentation.
    fn resolved<'s>(&self, schema: &'s ReferenceOr<Box<Schema>>) -> Option<&'s Schema>
    where
        'a: 's,
    {
        let mut current: &Schema = match schema {
            ReferenceOr::Item(schema) => schema,
            ReferenceOr::Reference { reference } => self.schema_at(reference)?,
        };
        for _ in 0..MAX_REFERENCE_CHAIN {
            match &current.schema_kind {
                SchemaKind::AllOf { all_of } if all_of.len() == 1 => match &all_of[0] {
                    ReferenceOr::Item(inner) => current = inner,
                    ReferenceOr::Reference { reference } => current = self.schema_at(reference)?,
                },
                _ => return Some(current),
            }
        }
        None
    }

    fn schema_at(&self, reference: &str) -> Option<&'a Schema> {
        let mut reference = reference;
        for _ in 0..MAX_REFERENCE_CHAIN {
            match self.component(reference, &Pointer::root()).ok()?.1 {
                ReferenceOr::Item(schema) => return Some(schema),
                ReferenceOr::Reference { reference: next } => reference = next,
            }
        }
        None
    }

    fn type_of_schema(
        &mut self,
        schema: &Schema,
        pointer: &Pointer,
        context: &str,
    ) -> Result<Type, SpecError> {
        reject_unsupported_keywords(schema, pointer)?;
        let sensitive =
            super::sensitive(schema.schema_data.extensions.get("x-sensitive"), pointer)?;
        let plain_string = matches!(&schema.schema_kind, SchemaKind::Type(SchemaType::String(string)) if string.enumeration.is_empty());
        if sensitive && !plain_string {
            return Err(SpecError::unsupported(
                pointer,
                "`x-sensitive` on a schema that is not a plain string",
            ));
        }
        match &schema.schema_kind {
            SchemaKind::Type(SchemaType::String(string)) if !string.enumeration.is_empty() => {
                self.string_enum(context, schema, string, pointer)
            }
            SchemaKind::Type(SchemaType::String(_)) if sensitive => Ok(Type::Secret),
            SchemaKind::Type(SchemaType::String(string))
                if string.format == VariantOrUnknownOrEmpty::Item(StringFormat::Binary) =>
            {
                Ok(Type::Binary)
            }
            SchemaKind::Type(SchemaType::String(_)) => Ok(Type::String),
            SchemaKind::Type(SchemaType::Integer(integer)) => {
                if !integer.enumeration.is_empty() {
                    return Err(SpecError::unsupported(pointer, "an integer `enum`"));
                }
                match &integer.format {
                    VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => {
                        Ok(Type::Integer(IntegerWidth::I32))
                    }
                    _ => Ok(Type::Integer(IntegerWidth::I64)),
                }
            }
            SchemaKind::Type(SchemaType::Number(_)) => Ok(Type::Number),
            SchemaKind::Type(SchemaType::Boolean(_)) => Ok(Type::Boolean),
            SchemaKind::Type(SchemaType::Array(array)) => {
                let items = array
                    .items
                    .as_ref()
                    .ok_or_else(|| SpecError::new(pointer, "an array needs `items`"))?;
                let at = pointer.join("items");
                let item = self.type_of(items, &at, &format!("{context}Item"))?;
                Ok(Type::List(Box::new(contained(item, items, &at)?)))
            }
            SchemaKind::Type(SchemaType::Object(object)) if object.properties.is_empty() => {
                match &object.additional_properties {
                    Some(AdditionalProperties::Schema(values)) => {
                        let at = pointer.join("additionalProperties");
                        let value = self.type_of(values, &at, &format!("{context}Value"))?;
                        Ok(Type::Map(Box::new(contained(value, values.as_ref(), &at)?)))
                    }
                    Some(AdditionalProperties::Any(true)) => Ok(Type::Map(Box::new(Type::Json))),
                    _ => Ok(Type::Json),
                }
            }
            SchemaKind::Type(SchemaType::Object(object)) => {
                let part = ObjectPart {
                    object,
                    pointer: pointer.clone(),
                };
                self.object(vec![part], description(schema), pointer, context)
            }
            SchemaKind::AllOf { all_of } => match all_of.as_slice() {
                // A `$ref` with a description or `nullable` beside it.
                [only] => self.type_of(only, &pointer.join("allOf").join(0), context),
                members => {
                    let parts = self.object_parts(members, &pointer.join("allOf"), 0)?;
                    self.object(parts, description(schema), pointer, context)
                }
            },
            SchemaKind::OneOf { one_of } => match digits(one_of) {
                Some(ty) => Ok(ty),
                None => self.union(one_of, schema, pointer, "oneOf", context),
            },
            SchemaKind::AnyOf { any_of } => match open_enum(any_of) {
                Some(string) => self.string_enum(context, schema, string, pointer),
                None => self.union(any_of, schema, pointer, "anyOf", context),
            },
            SchemaKind::Any(any) if *any == Default::default() => Ok(Type::Json),
            SchemaKind::Any(any) => Err(SpecError::new(pointer, shapeless(any))),
            SchemaKind::Not { .. } => Err(SpecError::unsupported(pointer, "`not`")),
        }
    }

    /// The objects an `allOf` merges, each with where it is written; a member
    /// may be a `$ref` to an object component or another `allOf`.
    fn object_parts<'s>(
        &self,
        members: &'s [ReferenceOr<Schema>],
        pointer: &Pointer,
        depth: usize,
    ) -> Result<Vec<ObjectPart<'s>>, SpecError>
    where
        'a: 's,
    {
        if depth == MAX_NESTING {
            return Err(SpecError::new(
                pointer,
                format!("`allOf`s nest deeper than {MAX_NESTING} levels here (through `$ref`s)"),
            ));
        }
        let mut parts = Vec::new();
        for (index, member) in members.iter().enumerate() {
            let (schema, at) = match member {
                ReferenceOr::Item(schema) => (schema, pointer.join(index)),
                ReferenceOr::Reference { reference } => {
                    let at = pointer.join(index);
                    let (key, _) = self.component(reference, &at)?;
                    let schema = self.schema_at(reference).ok_or_else(|| {
                        SpecError::new(&at, format!("`$ref` {reference} does not end in a schema"))
                    })?;
                    (
                        schema,
                        Pointer::root().join("components").join("schemas").join(key),
                    )
                }
            };
            match &schema.schema_kind {
                SchemaKind::Type(SchemaType::Object(object)) => parts.push(ObjectPart {
                    object,
                    pointer: at,
                }),
                SchemaKind::AllOf { all_of } => {
                    parts.extend(self.object_parts(all_of, &at.join("allOf"), depth + 1)?)
                }
                _ => {
                    return Err(SpecError::unsupported(
                        &at,
                        "an `allOf` member that is not an object",
                    ));
                }
            }
        }
        Ok(parts)
    }

    /// One struct from the properties of every part, in order; a part may
    /// mark as required a property another part declares.
    fn object(
        &mut self,
        parts: Vec<ObjectPart<'_>>,
        doc: Option<String>,
        pointer: &Pointer,
        context: &str,
    ) -> Result<Type, SpecError> {
        let name = self.model_name(context, pointer);
        let required: HashSet<&str> = parts
            .iter()
            .flat_map(|part| &part.object.required)
            .map(String::as_str)
            .collect();
        let mut fields: Vec<Field> = Vec::new();
        let mut field_names = names::Namespace::default();
        for part in &parts {
            if part
                .object
                .additional_properties
                .as_ref()
                .is_some_and(|extra| !matches!(extra, AdditionalProperties::Any(false)))
            {
                return Err(SpecError::unsupported(
                    &part.pointer,
                    "an object with both `properties` and `additionalProperties`",
                ));
            }
            for (wire_name, property) in &part.object.properties {
                let at = part.pointer.join("properties").join(wire_name);
                if fields.iter().any(|known| known.wire_name == *wire_name) {
                    return Err(SpecError::unsupported(
                        &at,
                        format!("`{wire_name}` declared again by another `allOf` member"),
                    ));
                }
                let rust_name = field_names.claim(&names::field_name(wire_name), at.as_str());
                let field = self.field(
                    (wire_name, rust_name),
                    property,
                    required.contains(wire_name.as_str()),
                    &at,
                    &name,
                )?;
                fields.push(field);
            }
        }
        for part in &parts {
            for name in &part.object.required {
                if !fields.iter().any(|field| field.wire_name == *name) {
                    return Err(SpecError::new(
                        &part.pointer.join("required"),
                        format!("`{name}` is required but not among the properties"),
                    ));
                }
            }
        }
        let model = Struct {
            name: name.clone(),
            doc,
            fields,
            role: StructRole::Schema,
            sent: false,
        };
        self.add_model(Model::Struct(model), pointer)?;
        Ok(Type::Named(name))
    }

    /// A struct field, named `(wire name, Rust name)`.
    fn field(
        &mut self,
        (wire_name, rust_name): (&str, String),
        property: &ReferenceOr<Box<Schema>>,
        required: bool,
        pointer: &Pointer,
        context: &str,
    ) -> Result<Field, SpecError> {
        let field_context = format!("{context}{}", names::type_name(wire_name));
        let ty = self.type_of(property, pointer, &field_context)?;
        let resolved = self.resolved(property);
        let own = match property {
            ReferenceOr::Item(schema) => Some(schema.as_ref()),
            ReferenceOr::Reference { .. } => None,
        };
        let constraints = match resolved {
            Some(schema) => constraints(schema, pointer)?,
            None => Constraints::default(),
        };
        Ok(Field {
            rust_name,
            wire_name: wire_name.to_owned(),
            doc: own
                .and_then(description)
                .or_else(|| resolved.and_then(description)),
            ty,
            required,
            constraints,
            nullable: own.is_some_and(|schema| schema.schema_data.nullable),
            boxed: false,
            location: None,
        })
    }

    /// `oneOf` (or `anyOf`) of object components: an enum with one variant
    /// per component, told apart by the discriminator when there is one.
    fn union(
        &mut self,
        members: &[ReferenceOr<Schema>],
        schema: &Schema,
        pointer: &Pointer,
        keyword: &str,
        context: &str,
    ) -> Result<Type, SpecError> {
        let name = self.model_name(context, pointer);
        let discriminator = schema.schema_data.discriminator.as_ref();
        let mut variants: Vec<UnionVariant> = Vec::new();
        let mut variant_names = names::Namespace::default();
        for (index, member) in members.iter().enumerate() {
            let at = pointer.join(keyword).join(index);
            let ReferenceOr::Reference { reference } = member else {
                return Err(SpecError::unsupported(
                    &at,
                    "an inline `oneOf`/`anyOf` member (use a `$ref` to an object component)",
                ));
            };
            let (key, target) = self.component(reference, &at)?;
            if !matches!(target, ReferenceOr::Item(target) if is_object(target)) {
                return Err(SpecError::unsupported(
                    &at,
                    format!("a `oneOf`/`anyOf` member ({reference}) that is not an object schema"),
                ));
            }
            let model = self.component_names[key].clone();
            let tag = discriminator.map(|discriminator| {
                discriminator
                    .mapping
                    .iter()
                    .find(|(_, target)| *target == reference)
                    .map_or(key, |(value, _)| value.as_str())
                    .to_owned()
            });
            let proposed = match &tag {
                Some(tag) => names::type_name(tag),
                None => variant_name(&model, &name),
            };
            let rust_name = variant_names.claim(&proposed, at.as_str());
            variants.push(UnionVariant {
                rust_name,
                model,
                tag,
            });
        }
        let model = Union {
            name: name.clone(),
            doc: description(schema),
            variants,
            discriminator: discriminator.map(|discriminator| discriminator.property_name.clone()),
            sent: false,
        };
        self.add_model(Model::Union(model), pointer)?;
        Ok(Type::Named(name))
    }

    fn string_enum(
        &mut self,
        name: &str,
        schema: &Schema,
        string: &StringType,
        pointer: &Pointer,
    ) -> Result<Type, SpecError> {
        let name = self.model_name(name, pointer);
        let mut variants: Vec<Variant> = Vec::new();
        let mut variant_names = names::Namespace::default();
        variant_names.reserve(CATCH_ALL);
        for (index, value) in string.enumeration.iter().enumerate() {
            let at = pointer.join("enum").join(index);
            let wire_name = match value {
                Some(value) => value.clone(),
                // `null` is listed beside `nullable: true`; the field's `Option` holds it.
                None if schema.schema_data.nullable => continue,
                None => {
                    return Err(SpecError::unsupported(
                        &at,
                        "a `null` enum value without `nullable: true`",
                    ));
                }
            };
            // The catch-all's name reads as a value's with `Value` after it.
            let proposed = match names::type_name(&wire_name) {
                catch_all if catch_all == CATCH_ALL => format!("{CATCH_ALL}Value"),
                proposed => proposed,
            };
            let rust_name = variant_names.claim(&proposed, at.as_str());
            variants.push(Variant {
                rust_name,
                wire_name,
            });
        }
        let transient = transient_variants(schema, &variants, pointer)?;
        let model = Enum {
            name: name.clone(),
            doc: description(schema),
            variants,
            in_params: false,
            transient,
        };
        self.add_model(Model::Enum(model), pointer)?;
        Ok(Type::Named(name))
    }

    /// Records that a named type is used as a parameter.
    pub(super) fn mark_param_enum(&mut self, ty: &Type) {
        let Type::Named(name) = ty else { return };
        if let Some(Model::Enum(model)) = self.model_mut(name) {
            model.in_params = true;
        }
    }
}

/// Marks every struct a request can reach, so it gets a `Validate` impl.
pub(super) fn mark_sent(models: &mut [Model], operations: &[Operation]) {
    let mut pending: Vec<String> = operations
        .iter()
        .flat_map(|op| {
            op.body
                .iter()
                .filter_map(|body| body.kind.model())
                .chain(op.params_struct.as_deref())
                .chain(
                    op.required_params
                        .iter()
                        .filter_map(|param| param.ty.named()),
                )
        })
        .map(str::to_owned)
        .collect();
    let mut seen = HashSet::new();
    while let Some(name) = pending.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        match models.iter_mut().find(|model| model.name() == name) {
            Some(Model::Struct(model)) => {
                model.sent = true;
                pending.extend(
                    model
                        .fields
                        .iter()
                        .filter_map(|field| field.ty.named())
                        .map(str::to_owned),
                );
            }
            Some(Model::Union(model)) => {
                model.sent = true;
                pending.extend(model.variants.iter().map(|variant| variant.model.clone()));
            }
            _ => {}
        }
    }
}

pub(super) fn description(schema: &Schema) -> Option<String> {
    schema
        .schema_data
        .description
        .as_ref()
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty())
}

/// The bounds a value must keep; an exclusive bound becomes the inclusive one
/// next to it.
pub(super) fn constraints(schema: &Schema, pointer: &Pointer) -> Result<Constraints, SpecError> {
    let as_u64 = |value: Option<usize>| value.map(|value| value as u64);
    let step = |bound: Option<i64>, exclusive: bool, next: fn(i64) -> Option<i64>| match bound {
        Some(bound) if exclusive => next(bound).map(Some).ok_or_else(|| {
            SpecError::new(
                pointer,
                "an exclusive bound at the end of the 64-bit range leaves no valid value",
            )
        }),
        other => Ok(other),
    };
    Ok(match &schema.schema_kind {
        SchemaKind::Type(SchemaType::String(string)) => Constraints {
            min_length: as_u64(string.min_length),
            max_length: as_u64(string.max_length),
            pattern: string
                .pattern
                .as_ref()
                .map(|pattern| checked_pattern(pattern, &pointer.join("pattern")))
                .transpose()?,
            ..Constraints::default()
        },
        SchemaKind::Type(SchemaType::Integer(integer)) => Constraints {
            minimum: step(integer.minimum, integer.exclusive_minimum, |min| {
                min.checked_add(1)
            })?,
            maximum: step(integer.maximum, integer.exclusive_maximum, |max| {
                max.checked_sub(1)
            })?,
            ..Constraints::default()
        },
        SchemaKind::Type(SchemaType::Array(array)) => Constraints {
            min_items: as_u64(array.min_items),
            max_items: as_u64(array.max_items),
            ..Constraints::default()
        },
        _ => Constraints::default(),
    })
}

/// Checks a list item or map value: generated validation and lenient
/// decoding work on fields, so bounds and digit strings inside a container,
/// and containers of containers of objects, would silently go unchecked.
fn contained<S: Borrow<Schema>>(
    ty: Type,
    schema: &ReferenceOr<S>,
    pointer: &Pointer,
) -> Result<Type, SpecError> {
    let (bounded, nullable) = match schema {
        ReferenceOr::Item(schema) => (
            !constraints(schema.borrow(), pointer)?.is_empty(),
            schema.borrow().schema_data.nullable,
        ),
        ReferenceOr::Reference { .. } => (false, false),
    };
    let problem = match &ty {
        _ if bounded => Some("bounds on array items or map values"),
        _ if nullable => Some("`nullable` on array items or map values"),
        Type::Digits { .. } => Some("a string-or-integer `oneOf` inside an array or map"),
        Type::List(inner) | Type::Map(inner) if inner.named().is_some() => {
            Some("an array or map of arrays or maps of objects")
        }
        _ => None,
    };
    match problem {
        Some(problem) => Err(SpecError::unsupported(pointer, problem)),
        None => Ok(ty),
    }
}

/// The one supported `oneOf`: a string or an integer, read as a digit string.
fn digits(one_of: &[ReferenceOr<Schema>]) -> Option<Type> {
    let [ReferenceOr::Item(first), ReferenceOr::Item(second)] = one_of else {
        return None;
    };
    match (&first.schema_kind, &second.schema_kind) {
        (
            SchemaKind::Type(SchemaType::String(string)),
            SchemaKind::Type(SchemaType::Integer(_)),
        )
        | (
            SchemaKind::Type(SchemaType::Integer(_)),
            SchemaKind::Type(SchemaType::String(string)),
        ) if string.enumeration.is_empty() => Some(Type::Digits {
            pad: string.min_length.map(|width| width as u64),
        }),
        _ => None,
    }
}

fn reject_unsupported_keywords(schema: &Schema, pointer: &Pointer) -> Result<(), SpecError> {
    let discriminated = matches!(
        schema.schema_kind,
        SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. }
    );
    if schema.schema_data.discriminator.is_some() && !discriminated {
        return Err(SpecError::new(
            &pointer.join("discriminator"),
            "a `discriminator` belongs beside a `oneOf` or `anyOf`",
        ));
    }
    if matches!(&schema.schema_kind, SchemaKind::Type(SchemaType::Number(number)) if number.minimum.is_some() || number.maximum.is_some())
    {
        return Err(SpecError::unsupported(
            pointer,
            "a `minimum` or `maximum` on a `number`",
        ));
    }
    Ok(())
}

/// A `pattern` the client can check: the regex crate's syntax, which has no
/// look-around or back-references.
fn checked_pattern(pattern: &str, pointer: &Pointer) -> Result<String, SpecError> {
    regex_lite::Regex::new(pattern)
        .map(|_| pattern.to_owned())
        .map_err(|error| {
            SpecError::new(
                pointer,
                format!("the pattern `{pattern}` cannot be checked: {error}"),
            )
        })
}

/// Whether a component schema becomes a named model rather than an alias.
fn names_model(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(SchemaType::String(string)) => !string.enumeration.is_empty(),
        SchemaKind::Type(SchemaType::Object(object)) => !object.properties.is_empty(),
        SchemaKind::OneOf { one_of } => digits(one_of).is_none(),
        SchemaKind::AnyOf { .. } => true,
        SchemaKind::AllOf { all_of } => all_of.len() > 1,
        _ => false,
    }
}

/// Whether a schema becomes a struct.
fn is_object(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(SchemaType::Object(object)) => !object.properties.is_empty(),
        SchemaKind::AllOf { all_of } => all_of.len() > 1,
        _ => false,
    }
}

/// An enum that admits other strings too, written as
/// `anyOf: [{type: string, enum: [...]}, {type: string}]`: the listed values,
/// which the generated enum keeps open anyway.
fn open_enum(any_of: &[ReferenceOr<Schema>]) -> Option<&StringType> {
    let [ReferenceOr::Item(first), ReferenceOr::Item(second)] = any_of else {
        return None;
    };
    match (&first.schema_kind, &second.schema_kind) {
        (
            SchemaKind::Type(SchemaType::String(listed)),
            SchemaKind::Type(SchemaType::String(any)),
        ) if !listed.enumeration.is_empty() && any.enumeration.is_empty() => Some(listed),
        _ => None,
    }
}

/// A union's variant is named by what its struct adds to the union's name:
/// `CardTokenRequest` in `TokenRequest` is `Card`.
fn variant_name(model: &str, union: &str) -> String {
    model
        .strip_suffix(union)
        .or_else(|| model.strip_prefix(union))
        .filter(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
        .unwrap_or(model)
        .to_owned()
}

/// How deeply schemas may nest while lowered, counting each inline schema
/// and each alias `$ref` followed. The document's own depth limit
/// ([`crate::MAX_DEPTH`]) bounds inline nesting; this bounds chains of
/// `$ref`s, and a loop of `allOf`s, that no text depth shows.
const MAX_NESTING: usize = 256;

/// The variant that holds values the spec does not list.
const CATCH_ALL: &str = "Other";

/// How many `$ref`s in a row are followed before giving up on a loop.
const MAX_REFERENCE_CHAIN: usize = 32;

/// Object properties and where they are written, one part of a struct.
struct ObjectPart<'a> {
    object: &'a openapiv3::ObjectType,
    pointer: Pointer,
}

/// Marks enum values that mean the server failed while handling a request:
/// it may have gone through, and the same request may succeed later.
const TRANSIENT_EXTENSION: &str = "x-clover-sdk-transient";

/// The variants an enum's `x-clover-sdk-transient` list names, each checked
/// against the enum's values.
fn transient_variants(
    schema: &Schema,
    variants: &[Variant],
    pointer: &Pointer,
) -> Result<Vec<String>, SpecError> {
    let Some(marked) = schema.schema_data.extensions.get(TRANSIENT_EXTENSION) else {
        return Ok(Vec::new());
    };
    let at = pointer.join(TRANSIENT_EXTENSION);
    let values = marked
        .as_array()
        .ok_or_else(|| SpecError::new(&at, "expected a list of the enum's values"))?;
    values
        .iter()
        .enumerate()
        .map(|(index, value)| {
            variants
                .iter()
                .find(|variant| value.as_str() == Some(variant.wire_name.as_str()))
                .map(|variant| variant.rust_name.clone())
                .ok_or_else(|| {
                    SpecError::new(
                        &at.join(index),
                        format!("{value} is not one of the enum's values"),
                    )
                })
        })
        .collect()
}

/// What a schema holds that keeps it from being one kind, for a schema
/// `openapiv3` could not classify: usually keywords of an object, array or
/// string without the `type` that says which.
fn shapeless(any: &openapiv3::AnySchema) -> String {
    let mut found = Vec::new();
    if let Some(typ) = &any.typ {
        found.push(format!("`type: {typ}`"));
    }
    let keywords = [
        ("properties", !any.properties.is_empty()),
        ("required", !any.required.is_empty()),
        ("additionalProperties", any.additional_properties.is_some()),
        ("items", any.items.is_some()),
        ("enum", !any.enumeration.is_empty()),
        ("format", any.format.is_some()),
        ("pattern", any.pattern.is_some()),
        (
            "minLength/maxLength",
            any.min_length.is_some() || any.max_length.is_some(),
        ),
        (
            "minimum/maximum",
            any.minimum.is_some() || any.maximum.is_some(),
        ),
        ("oneOf", !any.one_of.is_empty()),
        ("allOf", !any.all_of.is_empty()),
        ("anyOf", !any.any_of.is_empty()),
        ("not", any.not.is_some()),
    ];
    found.extend(
        keywords
            .iter()
            .filter(|(_, present)| *present)
            .map(|(keyword, _)| format!("`{keyword}`")),
    );
    let hint = match (&any.typ, any.properties.is_empty()) {
        (None, false) => "; add `type: object`",
        (None, true) => "; add the `type` these keywords belong to",
        (Some(_), _) => "; these keywords do not belong to that `type`",
    };
    format!(
        "a schema that is not one kind: it has {}{hint}",
        found.join(", ")
    )
}
