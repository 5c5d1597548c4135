//! Schemas → models and types. Component objects and string enums become
//! named models; inline ones are named from where they appear.

use std::borrow::{Borrow, Cow};
use std::collections::{HashMap, HashSet};

use openapiv3::{
    AdditionalProperties, AnySchema, IntegerFormat, ObjectType, ReferenceOr, Schema, SchemaKind,
    StringFormat, StringType, Type as SchemaType, VariantOrUnknownOrEmpty,
};

use super::Lowering;
use crate::error::{Pointer, SpecError};
use crate::ir::{
    Alias, Constraints, Enum, Field, IntegerWidth, Model, NumberBound, Operation, Response, Struct,
    StructRole, Success, Type, Union, UnionVariant, Variant,
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
                ReferenceOr::Item(schema) if names_model(schema) => {
                    self.type_of_schema(schema, &pointer, &name)
                }
                _ => self.alias_type(key, schema, &name),
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
            _ => self.alias_type(key, schema, &name),
        }
    }

    /// The type an alias component stands for, lowered once however often it
    /// is referred to, so an inline model it names is defined once.
    fn alias_type(
        &mut self,
        key: &str,
        schema: &ReferenceOr<Schema>,
        name: &str,
    ) -> Result<Type, SpecError> {
        if let Some(lowered) = self.alias_types.get(key) {
            return lowered.clone();
        }
        let at = Pointer::root().join("components").join("schemas").join(key);
        if self.following.iter().any(|seen| seen == key) {
            return Err(SpecError::new(
                &at,
                format!("`$ref` #/components/schemas/{key} refers back to itself"),
            ));
        }
        self.following.push(key.to_owned());
        let lowered = self.type_of(schema, &at, name);
        self.following.pop();
        self.alias_types.insert(key.to_owned(), lowered.clone());
        lowered
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

    /// The schemas a property goes through to the one it finally describes
    /// (last), following `$ref`s and an `allOf` of one member that says
    /// anything: the last gives its bounds, any of them may admit `null`.
    fn resolution<'s, S: Borrow<Schema>>(&self, schema: &'s ReferenceOr<S>) -> Vec<&'s Schema>
    where
        'a: 's,
    {
        let mut current: &Schema = match schema {
            ReferenceOr::Item(schema) => schema.borrow(),
            ReferenceOr::Reference { reference } => match self.schema_at(reference) {
                Some(schema) => schema,
                None => return Vec::new(),
            },
        };
        let mut chain = vec![current];
        for _ in 0..MAX_REFERENCE_CHAIN {
            current = match sole_member(current) {
                Some(ReferenceOr::Item(inner)) => inner,
                Some(ReferenceOr::Reference { reference }) => match self.schema_at(reference) {
                    Some(schema) => schema,
                    None => break,
                },
                None => return chain,
            };
            chain.push(current);
        }
        Vec::new()
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
                self.string_enum(context, schema, listed(string, pointer, None), pointer)
            }
            SchemaKind::Type(SchemaType::String(_)) if sensitive => Ok(Type::Secret),
            SchemaKind::Type(SchemaType::String(string))
                if string.format == VariantOrUnknownOrEmpty::Item(StringFormat::Binary) =>
            {
                Ok(Type::Binary)
            }
            SchemaKind::Type(SchemaType::String(_)) => Ok(Type::String),
            // An integer `enum` stays an integer; `constraints` checks its values.
            SchemaKind::Type(SchemaType::Integer(integer)) => match &integer.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => {
                    Ok(Type::Integer(IntegerWidth::I32))
                }
                _ => Ok(Type::Integer(IntegerWidth::I64)),
            },
            SchemaKind::Type(SchemaType::Number(_)) => Ok(Type::Number),
            SchemaKind::Type(SchemaType::Boolean(_)) => Ok(Type::Boolean),
            SchemaKind::Type(SchemaType::Array(array)) => {
                // 3.0 asks for `items`; without it, as in JSON Schema, any item goes.
                let Some(items) = array.items.as_ref() else {
                    return Ok(Type::List(Box::new(Type::Json)));
                };
                let at = pointer.join("items");
                let item = self.type_of(items, &at, &format!("{context}Item"))?;
                Ok(Type::List(Box::new(contained(item, items, &at)?)))
            }
            SchemaKind::Type(SchemaType::Object(object)) if object.properties.is_empty() => {
                match &object.additional_properties {
                    Some(AdditionalProperties::Schema(values)) => {
                        let at = pointer.join("additionalProperties");
                        let value = self.type_of(values, &at, &format!("{context}Value"))?;
                        Ok(Type::Map(Box::new(contained(value, values, &at)?)))
                    }
                    Some(AdditionalProperties::Any(true)) => Ok(Type::Map(Box::new(Type::Json))),
                    _ => Ok(Type::Json),
                }
            }
            SchemaKind::Type(SchemaType::Object(object)) => {
                let part = ObjectPart {
                    object: Cow::Borrowed(object),
                    pointer: pointer.clone(),
                    component: None,
                };
                self.object(vec![part], description(schema), pointer, context)
            }
            SchemaKind::AllOf { all_of } => self.all_of(schema, None, all_of, pointer, context),
            SchemaKind::OneOf { one_of } => match (digits(one_of), enum_members(one_of, pointer)) {
                (Some(ty), _) => Ok(ty),
                (None, Some(values)) => self.string_enum(context, schema, values, pointer),
                (None, None) => self.union(one_of, schema, pointer, "oneOf", context),
            },
            SchemaKind::AnyOf { any_of } => match open_enum(any_of) {
                Some(string) => {
                    let values = listed(string, &pointer.join("anyOf").join(0), None);
                    self.string_enum(context, schema, values, pointer)
                }
                None => self.union(any_of, schema, pointer, "anyOf", context),
            },
            SchemaKind::Any(any) if *any == Default::default() => Ok(Type::Json),
            // schemars' `()`: no type to hold, and any value decodes as `null`.
            SchemaKind::Any(any) if only_null(any) => Ok(Type::Json),
            SchemaKind::Any(any) => match (&any.typ, without_trivial_unions(any)) {
                (Some(typ), _) => self.typed_any(schema, any, typ, pointer, context),
                (None, Some(schema_kind)) => {
                    let schema = Schema {
                        schema_data: schema.schema_data.clone(),
                        schema_kind,
                    };
                    self.type_of_schema(&schema, pointer, context)
                }
                (None, None) => Err(SpecError::new(pointer, shapeless(any))),
            },
            // What a value must not be never changes its Rust type.
            SchemaKind::Not { .. } => Ok(Type::Json),
        }
    }

    /// A schema `openapiv3` could not classify because it mixes keywords of
    /// several types, or a type and a composition, under one `type`. A
    /// keyword of another type constrains only values of that type, so beside
    /// this `type` it says nothing and is dropped.
    fn typed_any(
        &mut self,
        schema: &Schema,
        any: &AnySchema,
        typ: &str,
        pointer: &Pointer,
        context: &str,
    ) -> Result<Type, SpecError> {
        let object = (typ == "object").then(|| own_object(any));
        let has_properties = object.as_ref().is_some_and(has_fields);
        let unions = || any.one_of.iter().chain(&any.any_of);
        let narrows = |member| {
            object
                .as_ref()
                .is_some_and(|object| narrows_only(member, object))
        };
        if has_properties && unions().next().is_some() && unions().all(narrows) {
            // Which properties go together is the server's to check.
            return self.retyped(schema, any, typ, pointer, context);
        }
        let kind = match (&any.all_of[..], &any.one_of[..], &any.any_of[..]) {
            ([], [], []) => return self.retyped(schema, any, typ, pointer, context),
            (all_of, [], []) => {
                let own = object.map(|object| ObjectPart {
                    object: Cow::Owned(object),
                    pointer: pointer.clone(),
                    component: None,
                });
                return self.all_of(schema, own, all_of, pointer, context);
            }
            ([], one_of, []) if !has_properties => SchemaKind::OneOf {
                one_of: one_of.to_vec(),
            },
            ([], [], any_of) if !has_properties => SchemaKind::AnyOf {
                any_of: any_of.to_vec(),
            },
            _ => {
                return Err(SpecError::unsupported(
                    pointer,
                    "`properties` beside a `oneOf`/`anyOf`, or several compositions in one schema",
                ));
            }
        };
        let schema = Schema {
            schema_data: schema.schema_data.clone(),
            schema_kind: kind,
        };
        self.type_of_schema(&schema, pointer, context)
    }

    /// The schema as its `type` alone: only the keywords of that type kept.
    /// An `enum` whose values are of another type than the one declared is
    /// read as the values' type, which is what the server sends.
    fn retyped(
        &mut self,
        schema: &Schema,
        any: &AnySchema,
        typ: &str,
        pointer: &Pointer,
        context: &str,
    ) -> Result<Type, SpecError> {
        let kind = match retype(any, typ) {
            Some(kind) => kind,
            // An `enum` that mixes strings and numbers: only JSON holds them all.
            None if !any.enumeration.is_empty() => return Ok(Type::Json),
            None => return Err(SpecError::new(pointer, shapeless(any))),
        };
        let schema = Schema {
            schema_data: schema.schema_data.clone(),
            schema_kind: kind,
        };
        self.type_of_schema(&schema, pointer, context)
    }

    /// An `allOf`, with the object keywords written beside it (`own`): the
    /// one member that says anything, or one struct merged from all of them.
    fn all_of(
        &mut self,
        schema: &Schema,
        own: Option<ObjectPart<'_>>,
        members: &[ReferenceOr<Schema>],
        pointer: &Pointer,
        context: &str,
    ) -> Result<Type, SpecError> {
        let at = pointer.join("allOf");
        let meaningful: Vec<(usize, &ReferenceOr<Schema>)> = members
            .iter()
            .enumerate()
            .filter(|(_, member)| !adds_nothing(member))
            .collect();
        let own = own.filter(|part| has_fields(&part.object));
        match (own, meaningful.as_slice()) {
            (None, []) => match members.first() {
                Some(first) => self.type_of(first, &at.join(0), context),
                None => Ok(Type::Json),
            },
            (None, [(index, only)]) => self.type_of(only, &at.join(index), context),
            (own, meaningful) => {
                let mut parts = Vec::new();
                for (index, member) in meaningful {
                    parts.extend(self.object_parts(member, &at.join(index), None, 0)?);
                }
                parts.extend(own);
                self.object(parts, description(schema), pointer, context)
            }
        }
    }

    /// The objects one `allOf` member contributes, each with where it is
    /// written and in which component (`component`, unless the member is a
    /// `$ref` to another); a member may be a `$ref` to an object component
    /// or another `allOf`.
    fn object_parts<'s>(
        &self,
        member: &'s ReferenceOr<Schema>,
        at: &Pointer,
        component: Option<&str>,
        depth: usize,
    ) -> Result<Vec<ObjectPart<'s>>, SpecError>
    where
        'a: 's,
    {
        if depth == MAX_NESTING {
            return Err(SpecError::new(
                at,
                format!("`allOf`s nest deeper than {MAX_NESTING} levels here (through `$ref`s)"),
            ));
        }
        let (schema, at, component) = match member {
            ReferenceOr::Item(schema) => (schema, at.clone(), component),
            ReferenceOr::Reference { reference } => {
                let (key, _) = self.component(reference, at)?;
                let schema = self.schema_at(reference).ok_or_else(|| {
                    SpecError::new(at, format!("`$ref` {reference} does not end in a schema"))
                })?;
                (
                    schema,
                    Pointer::root().join("components").join("schemas").join(key),
                    Some(self.component_names[key].as_str()),
                )
            }
        };
        let (own, all_of) = match &schema.schema_kind {
            SchemaKind::Type(SchemaType::Object(object)) => (Some(Cow::Borrowed(object)), &[][..]),
            SchemaKind::AllOf { all_of } => (None, &all_of[..]),
            SchemaKind::Any(any) if reads_as_object(any) => {
                (Some(Cow::Owned(own_object(any))), &any.all_of[..])
            }
            _ => {
                return Err(SpecError::unsupported(
                    &at,
                    "an `allOf` of several members that are not all objects",
                ));
            }
        };
        let mut parts = Vec::new();
        for (index, member) in all_of.iter().enumerate() {
            if !adds_nothing(member) {
                parts.extend(self.object_parts(
                    member,
                    &at.join("allOf").join(index),
                    component,
                    depth + 1,
                )?);
            }
        }
        parts.extend(own.map(|object| ObjectPart {
            object,
            pointer: at,
            component: component.map(str::to_owned),
        }));
        Ok(parts)
    }

    /// One struct from the properties of every part, in order; a part may
    /// mark as required a property another part declares. A required name
    /// that no part declares only asks for presence and says nothing of the
    /// value; it is usually a misspelling (Plaid requires `stream_ids` beside
    /// a property `transaction_ids`), so it adds no field that would have to
    /// be invented when sending and would fail decoding when absent.
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
        // A later part may restate a property to narrow it; the last
        // statement that says more than documentation is the one lowered.
        let mut declared: Vec<(&str, &ReferenceOr<Box<Schema>>, Pointer, &str)> = Vec::new();
        for part in &parts {
            let context = part.component.as_deref().unwrap_or(&name);
            for (wire_name, property) in &part.object.properties {
                let at = part.pointer.join("properties").join(wire_name);
                match declared.iter_mut().find(|(known, ..)| known == wire_name) {
                    Some(_) if adds_nothing(property) => {}
                    Some(earlier) => *earlier = (wire_name, property, at, context),
                    None => declared.push((wire_name, property, at, context)),
                }
            }
        }
        let mut fields: Vec<Field> = Vec::new();
        let mut field_names = names::Namespace::default();
        for (wire_name, property, at, context) in declared {
            let is_required = required.contains(wire_name);
            let rust_name = field_names.claim(&names::field_name(wire_name), at.as_str());
            let field = self.field((wire_name, rust_name), property, is_required, &at, context)?;
            fields.push(field);
        }
        if let Some(mut rest) = self.other_properties(&parts, &name)? {
            rest.rust_name = field_names.claim(&rest.rust_name, pointer.as_str());
            fields.push(rest);
        }
        let model = Struct {
            name: name.clone(),
            doc,
            fields,
            role: StructRole::Schema,
            sent: false,
            received: false,
            loose: false,
            validated: false,
        };
        self.add_model(Model::Struct(model), pointer)?;
        Ok(Type::Named(name))
    }

    /// The field that keeps the properties a struct does not name, when a
    /// part types them (`additionalProperties: {type: …}`). Unknown
    /// properties of any type (`true`, `{}`) need none: decoding ignores them.
    fn other_properties(
        &mut self,
        parts: &[ObjectPart<'_>],
        context: &str,
    ) -> Result<Option<Field>, SpecError> {
        let typed: Vec<(&ReferenceOr<Schema>, Pointer)> = parts
            .iter()
            .filter_map(|part| match &part.object.additional_properties {
                Some(AdditionalProperties::Schema(values)) if !is_any(values) => {
                    Some((values.as_ref(), part.pointer.join("additionalProperties")))
                }
                _ => None,
            })
            .collect();
        let (values, at) = match typed.as_slice() {
            [] => return Ok(None),
            [(values, at)] => (*values, at),
            [_, (_, second), ..] => {
                return Err(SpecError::unsupported(
                    second,
                    "a second typed `additionalProperties` in one `allOf`",
                ));
            }
        };
        let value = self.type_of(values, at, &format!("{context}Value"))?;
        let constraints = self
            .resolution(values)
            .last()
            .map(|schema| constraints(schema, at))
            .transpose()?
            .filter(|constraints| !constraints.is_empty());
        Ok(Some(Field {
            rust_name: "other_properties".to_owned(),
            wire_name: "additionalProperties".to_owned(),
            doc: Some("The properties not named above.".to_owned()),
            ty: Type::Map(Box::new(contained(value, values, at)?)),
            required: true,
            constraints: Constraints {
                items: constraints.map(Box::new),
                ..Constraints::default()
            },
            nullable: false,
            boxed: false,
            location: None,
            flatten: true,
        }))
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
        let chain = self.resolution(property);
        let resolved = chain.last().copied();
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
            // `null` is valid when the property, or any schema it goes through, says so.
            nullable: chain.into_iter().any(admits_null),
            boxed: false,
            location: None,
            flatten: false,
        })
    }

    /// `oneOf` (or `anyOf`): an enum with one variant per member, told apart
    /// by the discriminator when there is one. Inline members are named after
    /// the union and their `title` or type, or their position.
    fn union(
        &mut self,
        members: &[ReferenceOr<Schema>],
        schema: &Schema,
        pointer: &Pointer,
        keyword: &str,
        context: &str,
    ) -> Result<Type, SpecError> {
        // `{type: 'null'}` makes the union nullable (see `admits_null`), not a variant.
        let kept: Vec<(usize, &ReferenceOr<Schema>)> = members
            .iter()
            .enumerate()
            .filter(|(_, member)| !is_null(member))
            .collect();
        if let [(index, only)] = kept[..] {
            return self.type_of(only, &pointer.join(keyword).join(index), context);
        }
        let name = self.model_name(context, pointer);
        let discriminator = schema.schema_data.discriminator.as_ref();
        let mut variants: Vec<UnionVariant> = Vec::new();
        let mut variant_names = names::Namespace::default();
        for (index, member) in kept {
            let at = pointer.join(keyword).join(index);
            let (rust_name, tag) = match member {
                ReferenceOr::Reference { reference } => {
                    let (key, _) = self.component(reference, &at)?;
                    let tag = discriminator.map(|discriminator| {
                        discriminator
                            .mapping
                            .iter()
                            .find(|(_, target)| *target == reference)
                            .map_or(key, |(value, _)| value.as_str())
                            .to_owned()
                    });
                    let rust_name = match &tag {
                        Some(tag) => names::type_name(tag),
                        None => variant_name(&self.component_names[key], &name),
                    };
                    (rust_name, tag)
                }
                ReferenceOr::Item(member) => (inline_variant_name(member, index), None),
            };
            let rust_name = variant_names.claim(&rust_name, at.as_str());
            let ty = match member {
                ReferenceOr::Reference { reference } => self.component_ref(reference, &at)?,
                ReferenceOr::Item(member) => {
                    self.type_of_schema(member, &at, &format!("{name}{rust_name}"))?
                }
            };
            variants.push(UnionVariant { rust_name, ty, tag });
        }
        let model = Union {
            name: name.clone(),
            doc: description(schema),
            variants,
            discriminator: discriminator.map(|discriminator| discriminator.property_name.clone()),
            sent: false,
            received: false,
            loose: false,
            validated: false,
            in_params: false,
        };
        self.add_model(Model::Union(model), pointer)?;
        Ok(Type::Named(name))
    }

    /// An open enum of the `values`; a value listed twice is one variant.
    fn string_enum(
        &mut self,
        name: &str,
        schema: &Schema,
        values: Vec<Listed<'_>>,
        pointer: &Pointer,
    ) -> Result<Type, SpecError> {
        let name = self.model_name(name, pointer);
        let mut variants: Vec<Variant> = Vec::new();
        let mut variant_names = names::Namespace::default();
        variant_names.reserve(CATCH_ALL);
        for Listed { value, doc, at } in values {
            // `null` means the field may be `null` (see `admits_null`); its `Option` holds it.
            let Some(wire_name) = value.map(str::to_owned) else {
                continue;
            };
            if variants.iter().any(|known| known.wire_name == wire_name) {
                continue;
            }
            // The catch-all's name reads as a value's with `Value` after it.
            let proposed = match names::type_name(&wire_name) {
                catch_all if catch_all == CATCH_ALL => format!("{CATCH_ALL}Value"),
                proposed => proposed,
            };
            let rust_name = variant_names.claim(&proposed, at.as_str());
            variants.push(Variant {
                rust_name,
                wire_name,
                doc,
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

    /// Records that a named type is sent as text: an enum, or a union and
    /// the enums its variants hold.
    pub(super) fn mark_param_model(&mut self, ty: &Type) {
        let Type::Named(name) = ty else { return };
        let held: Vec<Type> = match self.model_mut(name) {
            Some(Model::Enum(model)) => {
                model.in_params = true;
                Vec::new()
            }
            Some(Model::Union(model)) => {
                model.in_params = true;
                model
                    .variants
                    .iter()
                    .map(|variant| variant.ty.clone())
                    .collect()
            }
            _ => Vec::new(),
        };
        for ty in held {
            self.mark_text_enums(&ty);
        }
    }
}

/// Marks which way each struct and union travels: `sent` when a request
/// body or parameters reach it, `received` when a response or an error body
/// (`error_bodies`, the component keys of error responses) does, `loose`
/// when a model that is neither does; then which sent ones are `validated`.
pub(super) fn mark_directions(
    models: &mut [Model],
    operations: &[Operation],
    error_bodies: &[&str],
) {
    let sent_roots = operations.iter().flat_map(|operation| {
        operation
            .body
            .iter()
            .filter_map(|body| body.kind.model())
            .chain(operation.params_struct.as_deref())
            .chain(
                operation
                    .required_params
                    .iter()
                    .filter_map(|param| param.ty.named()),
            )
    });
    let sent = reachable(models, sent_roots);
    let received_roots = operations
        .iter()
        .filter_map(|operation| match &operation.response {
            Response::One(Success::Json(ty)) => ty.named(),
            Response::One(_) => None,
            Response::ByStatus(name) => Some(name.as_str()),
        })
        .chain(error_bodies.iter().copied());
    let received = reachable(models, received_roots);
    let loose_roots = models
        .iter()
        .filter(|model| matches!(model, Model::Struct(_) | Model::Union(_)))
        .map(Model::name)
        .filter(|name| !sent.contains(name) && !received.contains(name));
    let loose = reachable(models, loose_roots);
    let directions: Vec<[bool; 3]> = models
        .iter()
        .map(|model| [&sent, &received, &loose].map(|set| set.contains(model.name())))
        .collect();
    for (model, directions) in models.iter_mut().zip(directions) {
        match model {
            Model::Struct(model) => [model.sent, model.received, model.loose] = directions,
            Model::Union(model) => [model.sent, model.received, model.loose] = directions,
            Model::Enum(_) | Model::Alias(_) | Model::Responses(_) => {}
        }
    }
    mark_validated(models);
}

/// The models reachable from `roots` through fields, union variants,
/// aliases and the successes of a response enum.
fn reachable<'m>(models: &'m [Model], roots: impl Iterator<Item = &'m str>) -> HashSet<&'m str> {
    let by_name: HashMap<&str, &Model> = models.iter().map(|model| (model.name(), model)).collect();
    let mut pending: Vec<&str> = roots.collect();
    let mut seen = HashSet::new();
    while let Some(name) = pending.pop() {
        let Some((name, model)) = by_name.get_key_value(name) else {
            continue;
        };
        if !seen.insert(*name) {
            continue;
        }
        match model {
            Model::Struct(model) => {
                pending.extend(model.fields.iter().filter_map(|field| field.ty.named()));
            }
            Model::Union(model) => {
                pending.extend(
                    model
                        .variants
                        .iter()
                        .filter_map(|variant| variant.ty.named()),
                );
            }
            Model::Alias(model) => pending.extend(model.ty.named()),
            Model::Responses(model) => {
                pending.extend(model.variants.iter().filter_map(
                    |variant| match &variant.success {
                        Success::Json(ty) => ty.named(),
                        _ => None,
                    },
                ));
            }
            Model::Enum(_) => {}
        }
    }
    seen
}

/// Marks the sent structs and unions with something to check: a bound on a
/// field, or a field or variant holding a model that is itself validated.
fn mark_validated(models: &mut [Model]) {
    loop {
        let validated: HashSet<String> = models
            .iter()
            .filter(|model| model.validated())
            .map(|model| model.name().to_owned())
            .collect();
        let holds = |ty: &Type| ty.named().is_some_and(|name| validated.contains(name));
        let mut changed = false;
        for model in models.iter_mut() {
            match model {
                Model::Struct(model) if model.sent && !model.validated => {
                    model.validated = model
                        .fields
                        .iter()
                        .any(|field| !field.constraints.is_empty() || holds(&field.ty));
                    changed |= model.validated;
                }
                Model::Union(model) if model.sent && !model.validated => {
                    model.validated = model.variants.iter().any(|variant| holds(&variant.ty));
                    changed |= model.validated;
                }
                _ => {}
            }
        }
        if !changed {
            return;
        }
    }
}

/// A schema's description, or that of an `allOf` member that only documents it.
pub(super) fn description(schema: &Schema) -> Option<String> {
    let own = |schema: &Schema| {
        schema
            .schema_data
            .description
            .as_ref()
            .map(|text| text.trim().to_owned())
            .filter(|text| !text.is_empty())
    };
    own(schema).or_else(|| match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => all_of.iter().find_map(|member| match member {
            ReferenceOr::Item(member) if adds_nothing(&ReferenceOr::Item(member)) => own(member),
            _ => None,
        }),
        _ => None,
    })
}

/// The bounds a value must keep; an exclusive integer bound becomes the
/// inclusive one next to it.
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
    let number =
        |value: Option<f64>, exclusive: bool| value.map(|value| NumberBound { value, exclusive });
    Ok(match &schema.schema_kind {
        SchemaKind::Type(SchemaType::String(string)) => Constraints {
            min_length: as_u64(string.min_length),
            max_length: as_u64(string.max_length),
            pattern: string.pattern.clone().filter(|pattern| checkable(pattern)),
            unchecked_pattern: string.pattern.clone().filter(|pattern| !checkable(pattern)),
            ..Constraints::default()
        },
        SchemaKind::Type(SchemaType::Integer(integer)) => Constraints {
            minimum: step(integer.minimum, integer.exclusive_minimum, |min| {
                min.checked_add(1)
            })?,
            maximum: step(integer.maximum, integer.exclusive_maximum, |max| {
                max.checked_sub(1)
            })?,
            values: integer.enumeration.iter().flatten().copied().collect(),
            ..Constraints::default()
        },
        SchemaKind::Type(SchemaType::Number(bounds)) => Constraints {
            number_minimum: number(bounds.minimum, bounds.exclusive_minimum),
            number_maximum: number(bounds.maximum, bounds.exclusive_maximum),
            ..Constraints::default()
        },
        SchemaKind::Type(SchemaType::Array(array)) => Constraints {
            min_items: as_u64(array.min_items),
            max_items: as_u64(array.max_items),
            items: contained_constraints(array.items.as_ref(), &pointer.join("items"))?,
            ..Constraints::default()
        },
        SchemaKind::Type(SchemaType::Object(object)) if object.properties.is_empty() => {
            let values = match &object.additional_properties {
                Some(AdditionalProperties::Schema(values)) => Some(values.as_ref()),
                _ => None,
            };
            Constraints {
                items: contained_constraints(values, &pointer.join("additionalProperties"))?,
                ..Constraints::default()
            }
        }
        SchemaKind::Any(any) => match any.typ.as_deref().and_then(|typ| retype(any, typ)) {
            Some(schema_kind) => constraints(
                &Schema {
                    schema_data: Default::default(),
                    schema_kind,
                },
                pointer,
            )?,
            None => Constraints::default(),
        },
        _ => Constraints::default(),
    })
}

/// The bounds of each item or value of a container, when written inline;
/// those of a component a `$ref` names are its own type's business.
fn contained_constraints<S: Borrow<Schema>>(
    schema: Option<&ReferenceOr<S>>,
    pointer: &Pointer,
) -> Result<Option<Box<Constraints>>, SpecError> {
    let Some(ReferenceOr::Item(schema)) = schema else {
        return Ok(None);
    };
    let bounds = constraints(schema.borrow(), pointer)?;
    Ok((!bounds.is_empty()).then(|| Box::new(bounds)))
}

/// A list item or map value: nullable when it may be `null`. Lenient
/// decoding of digit strings works on fields, so it stays refused inside a
/// container.
fn contained(
    ty: Type,
    schema: &ReferenceOr<impl Borrow<Schema>>,
    pointer: &Pointer,
) -> Result<Type, SpecError> {
    if matches!(ty, Type::Digits { .. }) {
        return Err(SpecError::unsupported(
            pointer,
            "a string-or-integer `oneOf` inside an array or map",
        ));
    }
    Ok(match schema {
        ReferenceOr::Item(schema) if admits_null(schema.borrow()) => Type::Nullable(Box::new(ty)),
        _ => ty,
    })
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

/// Whether the client can check a `pattern`: the regex crate's syntax has
/// no look-around or back-references. One it cannot is left to the server
/// rather than refusing the spec.
fn checkable(pattern: &str) -> bool {
    regex_lite::Regex::new(pattern).is_ok()
}

/// Whether a component schema becomes a named model rather than an alias:
/// what lowering it makes is then known without lowering it, so a model may
/// refer to itself.
fn names_model(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(SchemaType::String(string)) => !string.enumeration.is_empty(),
        SchemaKind::OneOf { one_of } => digits(one_of).is_none(),
        SchemaKind::AnyOf { .. } => true,
        SchemaKind::Any(any) if any.typ.is_some() => {
            !any.one_of.is_empty() || !any.any_of.is_empty() || is_object(schema)
        }
        _ => is_object(schema),
    }
}

/// Whether a schema becomes a struct.
fn is_object(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(SchemaType::Object(object)) => !object.properties.is_empty(),
        SchemaKind::AllOf { all_of } => merges(all_of, false),
        SchemaKind::Any(any) => match any.typ.as_deref() {
            Some("object") if any.all_of.is_empty() => !any.properties.is_empty(),
            Some("object") => merges(&any.all_of, declares_fields(any)),
            _ => false,
        },
        _ => false,
    }
}

/// The one member an `allOf` stands for, when it merges nothing.
fn sole_member(schema: &Schema) -> Option<&ReferenceOr<Schema>> {
    let all_of = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => all_of,
        SchemaKind::Any(any) if any.one_of.is_empty() && any.any_of.is_empty() => {
            if declares_fields(any) {
                return None;
            }
            &any.all_of
        }
        _ => return None,
    };
    let mut meaningful = all_of.iter().filter(|member| !adds_nothing(member));
    match (meaningful.next(), meaningful.next()) {
        (Some(only), None) => Some(only),
        (None, _) => all_of.first(),
        _ => None,
    }
}

/// Whether an `allOf` becomes a struct of its own rather than its one member.
fn merges(all_of: &[ReferenceOr<Schema>], own_fields: bool) -> bool {
    let meaningful = all_of.iter().filter(|member| !adds_nothing(member)).count();
    own_fields || meaningful > 1
}

/// An `allOf` member that only repeats a type or adds documentation, like
/// `{description: …}` or `{type: object, nullable: true}` beside a `$ref`.
fn adds_nothing<S: Borrow<Schema>>(member: &ReferenceOr<S>) -> bool {
    let ReferenceOr::Item(schema) = member else {
        return false;
    };
    match &schema.borrow().schema_kind {
        SchemaKind::Any(any) => *any == AnySchema::default(),
        SchemaKind::Type(SchemaType::Object(object)) => {
            !has_fields(object)
                && matches!(
                    object.additional_properties,
                    None | Some(AdditionalProperties::Any(_))
                )
        }
        SchemaKind::Type(SchemaType::String(string)) => *string == StringType::default(),
        SchemaKind::Type(SchemaType::Boolean(_)) => true,
        _ => false,
    }
}

/// Whether an object declares or requires any property.
fn has_fields(object: &ObjectType) -> bool {
    !object.properties.is_empty() || !object.required.is_empty()
}

/// Whether a schema `openapiv3` could not classify is an object (as an
/// `allOf` member); an untyped one with object keywords got its `type` when
/// the document was read.
fn reads_as_object(any: &AnySchema) -> bool {
    any.typ.as_deref() == Some("object")
}

/// A `oneOf`/`anyOf` member beside `properties` that only narrows them:
/// which must be present, how many there may be, or a narrower statement of
/// one already declared (GitHub's `status` per variant).
fn narrows_only(member: &ReferenceOr<Schema>, declared: &ObjectType) -> bool {
    let ReferenceOr::Item(schema) = member else {
        return false;
    };
    let object = match &schema.schema_kind {
        SchemaKind::Any(any) if any.typ.is_none() || reads_as_object(any) => {
            let object = own_object(any);
            let only_object_keywords = *any
                == AnySchema {
                    typ: any.typ.clone(),
                    ..into_any(&object)
                };
            if !only_object_keywords {
                return false;
            }
            object
        }
        SchemaKind::Type(SchemaType::Object(object)) => object.clone(),
        _ => return false,
    };
    object
        .properties
        .keys()
        .all(|name| declared.properties.contains_key(name))
}

/// An object's keywords as a schema `openapiv3` did not classify.
fn into_any(object: &ObjectType) -> AnySchema {
    AnySchema {
        properties: object.properties.clone(),
        required: object.required.clone(),
        additional_properties: object.additional_properties.clone(),
        min_properties: object.min_properties,
        max_properties: object.max_properties,
        ..AnySchema::default()
    }
}

/// Whether a schema `openapiv3` could not classify declares or requires any property.
fn declares_fields(any: &AnySchema) -> bool {
    !any.properties.is_empty() || !any.required.is_empty()
}

/// Whether an `additionalProperties` schema allows any value (`{}`).
fn is_any(schema: &ReferenceOr<Schema>) -> bool {
    matches!(schema, ReferenceOr::Item(schema) if matches!(&schema.schema_kind, SchemaKind::Any(any) if *any == AnySchema::default()))
}

/// Whether `null` is a valid value: `nullable: true`, or `null` listed in
/// the `enum` (taken to mean the same).
fn admits_null(schema: &Schema) -> bool {
    schema.schema_data.nullable
        || match &schema.schema_kind {
            SchemaKind::Type(SchemaType::String(string)) => string.enumeration.contains(&None),
            SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } => {
                members.iter().any(is_null)
            }
            _ => false,
        }
}

/// The schema without a `oneOf`/`anyOf` that every value passes (one
/// member `{}`, as schemars writes beside an `allOf`), read again as what
/// is left; `None` when it has no such keyword.
fn without_trivial_unions(any: &AnySchema) -> Option<SchemaKind> {
    let one_of = matches!(&any.one_of[..], [only] if is_any(only));
    let any_of = any.any_of.iter().any(is_any);
    if !one_of && !any_of {
        return None;
    }
    let mut rest = any.clone();
    if one_of {
        rest.one_of.clear();
    }
    if any_of {
        rest.any_of.clear();
    }
    serde_json::from_value(serde_json::to_value(rest).ok()?).ok()
}

/// An untyped schema whose only keyword is an `enum` of `null` alone.
fn only_null(any: &AnySchema) -> bool {
    let enumeration = any.enumeration.clone();
    !enumeration.is_empty()
        && enumeration.iter().all(serde_json::Value::is_null)
        && *any
            == AnySchema {
                enumeration,
                ..AnySchema::default()
            }
}

/// A member that only admits `null` (`type: 'null'`, from OpenAPI 3.1).
fn is_null(member: &ReferenceOr<Schema>) -> bool {
    matches!(member, ReferenceOr::Item(schema) if matches!(&schema.schema_kind, SchemaKind::Any(any) if any.typ.as_deref() == Some("null")))
}

/// The object keywords of a schema `openapiv3` could not classify.
fn own_object(any: &AnySchema) -> ObjectType {
    ObjectType {
        properties: any.properties.clone(),
        required: any.required.clone(),
        additional_properties: any.additional_properties.clone(),
        min_properties: any.min_properties,
        max_properties: any.max_properties,
    }
}

/// The keywords that belong to `typ`, read as a schema of that type;
/// `None` when they do not read as one (an `enum` of another type's values).
fn keywords_of(any: &AnySchema, typ: &str) -> Option<SchemaKind> {
    let keywords: &[&str] = match typ {
        "string" => &["format", "pattern", "enum", "minLength", "maxLength"],
        "integer" | "number" => &[
            "format",
            "multipleOf",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "enum",
        ],
        "boolean" => &["enum"],
        "array" => &["items", "minItems", "maxItems", "uniqueItems"],
        "object" => &[
            "properties",
            "required",
            "additionalProperties",
            "minProperties",
            "maxProperties",
        ],
        _ => return None,
    };
    let serde_json::Value::Object(all) = serde_json::to_value(any).ok()? else {
        return None;
    };
    let mut kept: serde_json::Map<String, serde_json::Value> = all
        .into_iter()
        .filter(|(keyword, _)| keywords.contains(&keyword.as_str()))
        .collect();
    kept.insert("type".to_owned(), typ.into());
    match serde_json::from_value(serde_json::Value::Object(kept)).ok()? {
        kind @ SchemaKind::Type(_) => Some(kind),
        _ => None,
    }
}

/// The schema as its `type`, or as the type of its `enum`'s values when
/// they are of another: what the server sends.
fn retype(any: &AnySchema, typ: &str) -> Option<SchemaKind> {
    keywords_of(any, typ).or_else(|| keywords_of(any, enum_type(&any.enumeration)?))
}

/// The JSON type all of an `enum`'s non-null values share.
fn enum_type(values: &[serde_json::Value]) -> Option<&'static str> {
    let mut types = values
        .iter()
        .filter(|value| !value.is_null())
        .map(|value| match value {
            serde_json::Value::String(_) => "string",
            serde_json::Value::Number(number) if number.is_i64() => "integer",
            serde_json::Value::Number(_) => "number",
            serde_json::Value::Bool(_) => "boolean",
            _ => "object",
        });
    let first = types.next()?;
    types.try_fold(first, |kind, typ| match (kind, typ) {
        _ if kind == typ => Some(kind),
        ("integer" | "number", "integer" | "number") => Some("number"),
        _ => None,
    })
}

/// One value of a string enum, with what it means and where it is listed.
struct Listed<'s> {
    value: Option<&'s str>,
    doc: Option<String>,
    at: Pointer,
}

/// The values of one string `enum` at `pointer`, each documented with `doc`.
fn listed<'s>(string: &'s StringType, pointer: &Pointer, doc: Option<String>) -> Vec<Listed<'s>> {
    string
        .enumeration
        .iter()
        .enumerate()
        .map(|(index, value)| Listed {
            value: value.as_deref(),
            doc: doc.clone(),
            at: pointer.join("enum").join(index),
        })
        .collect()
}

/// The values of a `oneOf` whose members are all inline string enums, as
/// schemars writes a Rust enum with documented variants: in effect one
/// string enum, each value documented by its member's `description`.
fn enum_members<'s>(
    one_of: &'s [ReferenceOr<Schema>],
    pointer: &Pointer,
) -> Option<Vec<Listed<'s>>> {
    if one_of.is_empty() {
        return None;
    }
    let mut values = Vec::new();
    for (index, member) in one_of.iter().enumerate() {
        let ReferenceOr::Item(member) = member else {
            return None;
        };
        let SchemaKind::Type(SchemaType::String(string)) = &member.schema_kind else {
            return None;
        };
        if string.enumeration.is_empty() {
            return None;
        }
        let at = pointer.join("oneOf").join(index);
        values.extend(listed(string, &at, description(member)));
    }
    Some(values)
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

/// An inline member's variant: its `title`, else its type for a primitive
/// or a list of them (`String`, `IntegerList`), else its position (`Variant2`).
fn inline_variant_name(member: &Schema, index: usize) -> String {
    member
        .schema_data
        .title
        .as_deref()
        .map(names::type_name)
        .or_else(|| kind_name(member))
        .unwrap_or_else(|| format!("Variant{}", index + 1))
}

/// The name of a primitive type, or of a list of one.
fn kind_name(schema: &Schema) -> Option<String> {
    let name = match &schema.schema_kind {
        SchemaKind::Type(SchemaType::String(string)) if string.enumeration.is_empty() => "String",
        SchemaKind::Type(SchemaType::Integer(_)) => "Integer",
        SchemaKind::Type(SchemaType::Number(_)) => "Number",
        SchemaKind::Type(SchemaType::Boolean(_)) => "Boolean",
        SchemaKind::Type(SchemaType::Array(array)) => {
            let item = match &array.items {
                Some(ReferenceOr::Item(item)) => kind_name(item),
                _ => None,
            };
            return Some(format!("{}List", item.unwrap_or_default()));
        }
        _ => return None,
    };
    Some(name.to_owned())
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
    object: Cow<'a, ObjectType>,
    pointer: Pointer,
    /// The Rust name of the component the part is written in, when it comes
    /// through a `$ref`: inline models among its properties are named after
    /// that component wherever it is merged, so each is one model.
    component: Option<String>,
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
