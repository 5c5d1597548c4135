//! Schemas → models and types. Component objects and string enums become
//! named models; inline ones are named from where they appear.

use std::borrow::Borrow;
use std::collections::HashSet;

use openapiv3::{
    AdditionalProperties, IntegerFormat, ReferenceOr, Schema, SchemaKind, StringType,
    Type as SchemaType, VariantOrUnknownOrEmpty,
};

use super::Lowering;
use crate::error::{Pointer, SpecError};
use crate::ir::{
    Constraints, Enum, Field, IntegerWidth, Model, Operation, Struct, StructRole, Type, Variant,
};
use crate::names;

impl Lowering<'_> {
    /// Lowers every entry of `components/schemas` into a named model.
    pub(super) fn components(&mut self) {
        let Some(components) = &self.spec.components else {
            return;
        };
        let section = Pointer::root().join("components").join("schemas");
        for (key, schema) in &components.schemas {
            let pointer = section.join(key);
            let result = match (schema, names::type_name(key)) {
                (_, None) => Err(SpecError::new(
                    &pointer,
                    format!("`{key}` does not make a Rust type name"),
                )),
                (ReferenceOr::Reference { .. }, _) => Err(SpecError::unsupported(
                    &pointer,
                    "a component that is only a `$ref`",
                )),
                (ReferenceOr::Item(schema), Some(name)) => {
                    self.named_model(&name, schema, &pointer)
                }
            };
            self.attempt(result);
        }
    }

    /// A component must be an object or a string enum.
    fn named_model(
        &mut self,
        name: &str,
        schema: &Schema,
        pointer: &Pointer,
    ) -> Result<(), SpecError> {
        match self.type_of_schema(schema, pointer, name)? {
            Type::Named(_) => Ok(()),
            _ => Err(SpecError::unsupported(
                pointer,
                "a component that is neither an object with properties nor a string enum",
            )),
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
        match schema {
            ReferenceOr::Reference { reference } => self.component_ref(reference, pointer),
            ReferenceOr::Item(schema) => self.type_of_schema(schema.borrow(), pointer, context),
        }
    }

    fn component_ref(&self, reference: &str, pointer: &Pointer) -> Result<Type, SpecError> {
        let schemas = self
            .spec
            .components
            .as_ref()
            .map(|components| &components.schemas);
        reference
            .strip_prefix("#/components/schemas/")
            .filter(|name| schemas.is_some_and(|schemas| schemas.contains_key(*name)))
            .and_then(names::type_name)
            .map(Type::Named)
            .ok_or_else(|| {
                SpecError::new(
                    pointer,
                    format!(
                        "unresolved `$ref` {reference}: expected a name under #/components/schemas"
                    ),
                )
            })
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
                if object
                    .additional_properties
                    .as_ref()
                    .is_some_and(|extra| !matches!(extra, AdditionalProperties::Any(false)))
                {
                    return Err(SpecError::unsupported(
                        pointer,
                        "an object with both `properties` and `additionalProperties`",
                    ));
                }
                let mut fields = Vec::new();
                for required in &object.required {
                    if !object.properties.contains_key(required) {
                        return Err(SpecError::new(
                            &pointer.join("required"),
                            format!("`{required}` is required but not among the properties"),
                        ));
                    }
                }
                for (wire_name, property) in &object.properties {
                    let at = pointer.join("properties").join(wire_name);
                    let rust_name = names::field_name(wire_name).ok_or_else(|| {
                        SpecError::new(
                            &at,
                            format!("`{wire_name}` does not make a Rust field name"),
                        )
                    })?;
                    if let Some(clash) = fields
                        .iter()
                        .find(|field: &&Field| field.rust_name == rust_name)
                    {
                        return Err(SpecError::new(
                            &at,
                            format!(
                                "`{wire_name}` and `{}` both become the Rust field `{rust_name}`",
                                clash.wire_name
                            ),
                        ));
                    }
                    let field_context = format!(
                        "{context}{}",
                        names::type_name(wire_name).unwrap_or_else(|| rust_name.clone())
                    );
                    let ty = self.type_of(property, &at, &field_context)?;
                    let (doc, constraints) = match property {
                        ReferenceOr::Item(schema) => {
                            (description(schema), constraints(schema, &at)?)
                        }
                        ReferenceOr::Reference { .. } => (None, Constraints::default()),
                    };
                    let required = object.required.contains(wire_name);
                    fields.push(Field {
                        rust_name,
                        wire_name: wire_name.clone(),
                        doc,
                        ty,
                        required,
                        constraints,
                        location: None,
                    });
                }
                let model = Struct {
                    name: context.to_owned(),
                    doc: description(schema),
                    fields,
                    role: StructRole::Schema,
                    sent: false,
                };
                self.add_model(Model::Struct(model), pointer)?;
                Ok(Type::Named(context.to_owned()))
            }
            SchemaKind::OneOf { one_of } => digits(one_of).ok_or_else(|| {
                SpecError::unsupported(
                    pointer,
                    "`oneOf` other than `[{type: string}, {type: integer}]`",
                )
            }),
            SchemaKind::Any(any) if *any == Default::default() => Ok(Type::Json),
            SchemaKind::Any(any) => Err(SpecError::new(pointer, shapeless(any))),
            SchemaKind::AllOf { .. } => Err(SpecError::unsupported(pointer, "`allOf`")),
            SchemaKind::AnyOf { .. } => Err(SpecError::unsupported(pointer, "`anyOf`")),
            SchemaKind::Not { .. } => Err(SpecError::unsupported(pointer, "`not`")),
        }
    }

    fn string_enum(
        &mut self,
        name: &str,
        schema: &Schema,
        string: &StringType,
        pointer: &Pointer,
    ) -> Result<Type, SpecError> {
        let mut variants: Vec<Variant> = Vec::new();
        for (index, value) in string.enumeration.iter().enumerate() {
            let at = pointer.join("enum").join(index);
            let wire_name = value
                .clone()
                .ok_or_else(|| SpecError::unsupported(&at, "a `null` enum value"))?;
            // `Other` is the catch-all for values the spec does not list.
            let rust_name = names::type_name(&wire_name)
                .map(|rust_name| match rust_name.as_str() {
                    "Other" => "OtherValue".to_owned(),
                    _ => rust_name,
                })
                .ok_or_else(|| {
                    SpecError::new(
                        &at,
                        format!("enum value `{wire_name}` does not make a Rust variant name"),
                    )
                })?;
            if let Some(clash) = variants
                .iter()
                .find(|variant| variant.rust_name == rust_name)
            {
                return Err(SpecError::new(
                    &at,
                    format!(
                        "`{wire_name}` and `{}` both become the variant `{rust_name}`",
                        clash.wire_name
                    ),
                ));
            }
            variants.push(Variant {
                rust_name,
                wire_name,
            });
        }
        let transient = transient_variants(schema, &variants, pointer)?;
        let model = Enum {
            name: name.to_owned(),
            doc: description(schema),
            variants,
            in_params: false,
            transient,
        };
        self.add_model(Model::Enum(model), pointer)?;
        Ok(Type::Named(name.to_owned()))
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
        .flat_map(|op| op.body.iter().chain(&op.params_struct))
        .cloned()
        .collect();
    let mut seen = HashSet::new();
    while let Some(name) = pending.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(Model::Struct(model)) = models.iter_mut().find(|model| model.name() == name) {
            model.sent = true;
            pending.extend(
                model
                    .fields
                    .iter()
                    .filter_map(|field| field.ty.named())
                    .map(str::to_owned),
            );
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
    let bounded = match schema {
        ReferenceOr::Item(schema) => !constraints(schema.borrow(), pointer)?.is_empty(),
        ReferenceOr::Reference { .. } => false,
    };
    let problem = match &ty {
        _ if bounded => Some("bounds on array items or map values"),
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
    let data = &schema.schema_data;
    let keyword = if data.nullable {
        Some("`nullable`")
    } else if data.discriminator.is_some() {
        Some("`discriminator`")
    } else if matches!(&schema.schema_kind, SchemaKind::Type(SchemaType::String(string)) if string.pattern.is_some())
    {
        Some("`pattern`")
    } else if matches!(&schema.schema_kind, SchemaKind::Type(SchemaType::Number(number)) if number.minimum.is_some() || number.maximum.is_some())
    {
        Some("a `minimum` or `maximum` on a `number`")
    } else {
        None
    };
    match keyword {
        Some(keyword) => Err(SpecError::unsupported(pointer, keyword)),
        None => Ok(()),
    }
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
