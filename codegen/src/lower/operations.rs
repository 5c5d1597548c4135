//! Paths and operations → `ir::Operation`: host, credential, parameters
//! (required ones become arguments, optional ones a params struct), body and
//! success response.

use std::collections::HashSet;

use openapiv3::{Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, StatusCode};

use super::schemas::constraints;
use super::sensitive;
use super::{Lowering, resolve};
use crate::error::{Pointer, SpecError};
use crate::ir::{
    Body, ContextHeader, Field, HttpMethod, Model, Operation, Param, ParamLocation, PathSegment,
    PathTemplate, Replay, Struct, StructRole, Type,
};
use crate::names;

/// The one method the generated `Client` has besides the operations.
const CLIENT_CONSTRUCTOR: &str = "builder";

/// Who supplies a header marked with `x-clover-sdk`.
const CONTEXT_EXTENSION: &str = "x-clover-sdk";

/// `never` on an operation that must not be sent twice even when a failure
/// leaves its outcome unknown (it spends a single-use code or token).
const REPLAY_EXTENSION: &str = "x-clover-sdk-replay";

impl<'a> Lowering<'a> {
    pub(super) fn operations(&mut self) -> Vec<Operation> {
        let mut operations = Vec::new();
        let mut ids = HashSet::new();
        let paths = Pointer::root().join("paths");
        let spec = self.spec;
        for (path, item) in &spec.paths.paths {
            let pointer = paths.join(path);
            let ReferenceOr::Item(item) = item else {
                self.errors
                    .push(SpecError::unsupported(&pointer, "a path item `$ref`"));
                continue;
            };
            let Some(template) = self.attempt(parse_template(path, &pointer)) else {
                continue;
            };
            for (method, operation) in item.iter() {
                let at = pointer.join(method);
                let lowered = self.operation(&template, item, method, operation, &at);
                if let Some(operation) = self.attempt(lowered) {
                    let pages = operation
                        .pagination
                        .as_ref()
                        .map(|pagination| pagination.method_name.clone());
                    for method in std::iter::once(operation.method_name.clone()).chain(pages) {
                        if !ids.insert(method.clone()) {
                            self.errors.push(SpecError::new(
                                &at.join("operationId"),
                                format!("`Client::{method}` would be defined twice"),
                            ));
                        }
                    }
                    operations.push(operation);
                }
            }
        }
        operations
    }

    fn operation(
        &mut self,
        path: &PathTemplate,
        item: &'a PathItem,
        method: &str,
        operation: &'a openapiv3::Operation,
        pointer: &Pointer,
    ) -> Result<Operation, SpecError> {
        let id = operation
            .operation_id
            .clone()
            .ok_or_else(|| SpecError::new(pointer, "operation has no `operationId`"))?;
        let method_name = names::field_name(&id).ok_or_else(|| {
            SpecError::new(
                &pointer.join("operationId"),
                format!("`{id}` does not make a Rust method name"),
            )
        })?;
        if method_name == CLIENT_CONSTRUCTOR {
            return Err(SpecError::new(
                &pointer.join("operationId"),
                format!("`{id}` would become `Client::{method_name}`, the client's constructor"),
            ));
        }
        let type_prefix = names::type_name(&id).ok_or_else(|| {
            SpecError::new(
                &pointer.join("operationId"),
                format!("`{id}` does not make a Rust type name"),
            )
        })?;
        let http_method = match method {
            "get" => HttpMethod::Get,
            "post" => HttpMethod::Post,
            "put" => HttpMethod::Put,
            "patch" => HttpMethod::Patch,
            "delete" => HttpMethod::Delete,
            other => {
                return Err(SpecError::unsupported(
                    pointer,
                    format!("the HTTP method `{other}`"),
                ));
            }
        };
        let host = match (operation.servers.is_empty(), item.servers.is_empty()) {
            (false, _) => self
                .hosts
                .register(&operation.servers, &pointer.join("servers"))?,
            (true, false) => {
                let path_pointer = pointer.parent();
                self.hosts
                    .register(&item.servers, &path_pointer.join("servers"))?
            }
            (true, true) => {
                return Err(SpecError::new(
                    pointer,
                    "operation has no host: add `servers` to the operation or its path",
                ));
            }
        };
        let credential = self.credential(operation.security.as_ref(), pointer)?;

        let mut lowered = Operation {
            id,
            method_name,
            summary: operation.summary.clone(),
            description: operation.description.clone(),
            http_method,
            path: path.clone(),
            host,
            credential,
            required_params: Vec::new(),
            params_struct: None,
            forwarded_for: None,
            idempotency_key: None,
            replay: Replay::Never,
            body: None,
            response: Type::Unit,
            pagination: None,
        };
        let mut optional = Vec::new();
        for (parameter, at) in self.parameters(item, operation, pointer)? {
            self.parameter(&mut lowered, &mut optional, parameter, &type_prefix, &at)?;
        }
        for segment in &path.segments {
            if let PathSegment::Param(name) = segment
                && !lowered
                    .required_params
                    .iter()
                    .any(|param| param.location == ParamLocation::Path && param.wire_name == *name)
            {
                return Err(SpecError::new(
                    pointer,
                    format!("the path names `{{{name}}}` but no path parameter declares it"),
                ));
            }
        }
        let mut rust_names: Vec<&str> = lowered
            .required_params
            .iter()
            .map(|param| param.rust_name.as_str())
            .collect();
        rust_names.extend(optional.iter().map(|field| field.rust_name.as_str()));
        if let Some(clash) = rust_names
            .iter()
            .enumerate()
            .find_map(|(index, name)| rust_names[..index].contains(name).then_some(name))
        {
            return Err(SpecError::new(
                &pointer.join("parameters"),
                format!("two parameters become the Rust name `{clash}`"),
            ));
        }
        if !optional.is_empty() {
            let name = format!("{type_prefix}Params");
            let doc = Some(format!(
                "Optional parameters of [`Client::{}`](crate::Client::{}).",
                lowered.method_name, lowered.method_name
            ));
            self.add_model(
                Model::Struct(Struct {
                    name: name.clone(),
                    doc,
                    fields: optional,
                    role: StructRole::Params,
                    sent: true,
                }),
                &pointer.join("parameters"),
            )?;
            lowered.params_struct = Some(name);
        }
        if let Some(body) = &operation.request_body {
            lowered.body =
                Some(self.request_body(body, &type_prefix, &pointer.join("requestBody"))?);
        }
        lowered.response = self.success_response(operation, &type_prefix, pointer)?;
        lowered.replay = replay(&lowered, operation, pointer)?;
        lowered.pagination = self.pagination(&lowered, operation, pointer)?;
        Ok(lowered)
    }

    /// Path-level parameters overlaid by the operation's own, resolved.
    fn parameters(
        &self,
        item: &'a PathItem,
        operation: &'a openapiv3::Operation,
        pointer: &Pointer,
    ) -> Result<Vec<(&'a Parameter, Pointer)>, SpecError> {
        let spec: &'a openapiv3::OpenAPI = self.spec;
        let components = spec
            .components
            .as_ref()
            .map(|components| &components.parameters);
        let lookup = |name: &str| components.and_then(|parameters| parameters.get(name));
        let path_pointer = pointer.parent();
        let mut resolved: Vec<(&Parameter, Pointer)> = Vec::new();
        let inherited = item
            .parameters
            .iter()
            .enumerate()
            .map(|(index, p)| (p, path_pointer.join("parameters").join(index)));
        let own = operation
            .parameters
            .iter()
            .enumerate()
            .map(|(index, p)| (p, pointer.join("parameters").join(index)));
        for (parameter, at) in inherited.chain(own) {
            let (parameter, at) = resolve(parameter, "parameters", lookup, &at)?;
            let key = |p: &Parameter| {
                (
                    p.parameter_data_ref().name.clone(),
                    std::mem::discriminant(p),
                )
            };
            resolved.retain(|(existing, _)| key(existing) != key(parameter));
            resolved.push((parameter, at));
        }
        Ok(resolved)
    }

    fn parameter(
        &mut self,
        operation: &mut Operation,
        optional: &mut Vec<Field>,
        parameter: &Parameter,
        type_prefix: &str,
        pointer: &Pointer,
    ) -> Result<(), SpecError> {
        let data = parameter.parameter_data_ref();
        let location = match parameter {
            Parameter::Path { .. } => ParamLocation::Path,
            Parameter::Query { .. } => ParamLocation::Query,
            Parameter::Header { .. } => ParamLocation::Header,
            Parameter::Cookie { .. } => {
                return Err(SpecError::unsupported(pointer, "a cookie parameter"));
            }
        };
        let wire_name = if location == ParamLocation::Header {
            data.name.to_ascii_lowercase()
        } else {
            data.name.clone()
        };
        if location == ParamLocation::Header && !names::is_header_name(&wire_name) {
            return Err(SpecError::new(
                pointer,
                format!("`{}` is not a valid HTTP header name", data.name),
            ));
        }
        if let Some(role) = data.extensions.get(CONTEXT_EXTENSION) {
            let header = ContextHeader {
                wire_name,
                required: data.required,
            };
            let slot = match (location, role.as_str()) {
                (ParamLocation::Header, Some("forwarded-for")) => &mut operation.forwarded_for,
                (ParamLocation::Header, Some("idempotency-key")) => &mut operation.idempotency_key,
                _ => {
                    return Err(SpecError::new(
                        &pointer.join(CONTEXT_EXTENSION),
                        format!(
                            "`{CONTEXT_EXTENSION}` must be `forwarded-for` or `idempotency-key` on a header parameter, found {role}"
                        ),
                    ));
                }
            };
            *slot = Some(header);
            return Ok(());
        }
        let ParameterSchemaOrContent::Schema(schema) = &data.format else {
            return Err(SpecError::unsupported(
                pointer,
                "a parameter with `content` instead of `schema`",
            ));
        };
        let rust_name = names::field_name(&data.name).ok_or_else(|| {
            SpecError::new(
                pointer,
                format!("`{}` does not make a Rust name", data.name),
            )
        })?;
        let schema_pointer = pointer.join("schema");
        let context = format!(
            "{type_prefix}{}",
            names::type_name(&data.name).unwrap_or_else(|| rust_name.clone())
        );
        let mut ty = self.type_of(schema, &schema_pointer, &context)?;
        let sensitive = sensitive(data.extensions.get("x-sensitive"), pointer)?;
        match (sensitive, &ty) {
            (true, Type::String) => ty = Type::Secret,
            (true, Type::Secret) | (false, _) => {}
            (true, _) => {
                return Err(SpecError::unsupported(
                    pointer,
                    "`x-sensitive` on a parameter that is not a plain string",
                ));
            }
        }
        self.check_param_type(&ty, location, &schema_pointer)?;
        let doc = data.description.as_ref().map(|text| text.trim().to_owned());
        let param_constraints = match schema {
            ReferenceOr::Item(schema) => constraints(schema, &schema_pointer)?,
            ReferenceOr::Reference { .. } => Default::default(),
        };
        if location == ParamLocation::Path && !data.required {
            return Err(SpecError::new(
                pointer,
                "a path parameter must be `required: true`",
            ));
        }
        if data.required {
            operation.required_params.push(Param {
                rust_name,
                wire_name,
                location,
                ty,
                doc,
                constraints: param_constraints,
            });
        } else {
            optional.push(Field {
                rust_name,
                wire_name,
                doc,
                ty,
                required: false,
                constraints: param_constraints,
                nullable: false,
                boxed: false,
                location: Some(location),
                flatten: false,
            });
        }
        Ok(())
    }

    /// Parameters are strings, numbers, booleans, string enums, or lists of those in a query.
    fn check_param_type(
        &mut self,
        ty: &Type,
        location: ParamLocation,
        pointer: &Pointer,
    ) -> Result<(), SpecError> {
        match ty {
            Type::String | Type::Secret | Type::Integer(_) | Type::Number | Type::Boolean => Ok(()),
            Type::Named(name)
                if matches!(
                    self.models.iter().find(|m| m.name() == name),
                    Some(Model::Enum(_))
                ) =>
            {
                self.mark_param_enum(ty);
                Ok(())
            }
            Type::List(inner)
                if location == ParamLocation::Query && !matches!(**inner, Type::List(_)) =>
            {
                self.check_param_type(inner, location, pointer)
            }
            _ => Err(SpecError::unsupported(
                pointer,
                "a parameter of this type (use a string, number, boolean, string enum or, in a query, a list of those)",
            )),
        }
    }

    fn request_body(
        &mut self,
        body: &ReferenceOr<openapiv3::RequestBody>,
        type_prefix: &str,
        pointer: &Pointer,
    ) -> Result<Body, SpecError> {
        let components = self
            .spec
            .components
            .as_ref()
            .map(|components| &components.request_bodies);
        let (body, pointer) = resolve(
            body,
            "requestBodies",
            |name| components.and_then(|bodies| bodies.get(name)),
            pointer,
        )?;
        let content = pointer.join("content");
        let (Some(media), 1) = (body.content.get("application/json"), body.content.len()) else {
            return Err(SpecError::unsupported(
                &content,
                "a request body other than exactly `application/json`",
            ));
        };
        let schema_pointer = content.join("application/json").join("schema");
        let schema = media
            .schema
            .as_ref()
            .ok_or_else(|| SpecError::new(&schema_pointer, "the request body has no schema"))?;
        match self.type_of(schema, &schema_pointer, &format!("{type_prefix}Request"))? {
            Type::Named(model)
                if matches!(
                    self.models.iter().find(|m| m.name() == model),
                    Some(Model::Struct(_) | Model::Union(_))
                ) =>
            {
                Ok(Body {
                    model,
                    required: body.required,
                })
            }
            _ => Err(SpecError::unsupported(
                &schema_pointer,
                "a request body that is not a JSON object",
            )),
        }
    }

    /// The one 2xx response: its JSON schema, or `Unit` when it has no body.
    fn success_response(
        &mut self,
        operation: &openapiv3::Operation,
        type_prefix: &str,
        pointer: &Pointer,
    ) -> Result<Type, SpecError> {
        let components = self
            .spec
            .components
            .as_ref()
            .map(|components| &components.responses);
        let lookup = |name: &str| components.and_then(|responses| responses.get(name));
        let responses = pointer.join("responses");
        let mut success = Vec::new();
        for (status, response) in &operation.responses.responses {
            let at = responses.join(status);
            let resolved = resolve(response, "responses", lookup, &at)?;
            if matches!(status, StatusCode::Code(200..=299) | StatusCode::Range(2)) {
                success.push(resolved);
            } else if let Some(ReferenceOr::Reference { reference }) = resolved
                .0
                .content
                .get("application/json")
                .and_then(|media| media.schema.as_ref())
            {
                self.error_schemas.push(reference.clone());
            }
        }
        let Some(((first, first_at), others)) = success.split_first() else {
            return Err(SpecError::new(
                &responses,
                "the operation has no 2xx response",
            ));
        };
        let schema = success_schema(first, first_at)?;
        for (other, at) in others {
            let same = match (success_schema(other, at)?, &schema) {
                (None, None) => true,
                (Some((other, _)), Some((schema, _))) => other == *schema,
                _ => false,
            };
            if !same {
                return Err(SpecError::unsupported(
                    at,
                    format!("2xx responses of different types (this one and {first_at})"),
                ));
            }
        }
        match schema {
            None => Ok(Type::Unit),
            Some((schema, at)) => self.type_of(schema, &at, &format!("{type_prefix}Response")),
        }
    }
}

/// A success response's JSON schema and where it is, or `None` without a body.
fn success_schema<'r>(
    response: &'r openapiv3::Response,
    pointer: &Pointer,
) -> Result<Option<(&'r ReferenceOr<openapiv3::Schema>, Pointer)>, SpecError> {
    if response.content.is_empty() {
        return Ok(None);
    }
    let content = pointer.join("content");
    let Some(media) = response.content.get("application/json") else {
        return Err(SpecError::unsupported(
            &content,
            "a success response other than `application/json`",
        ));
    };
    let at = content.join("application/json").join("schema");
    match &media.schema {
        Some(schema) => Ok(Some((schema, at))),
        None => Err(SpecError::new(&at, "the response has no schema")),
    }
}

/// Splits `/v1/charges/{chargeId}` into literal and parameter segments.
fn parse_template(path: &str, pointer: &Pointer) -> Result<PathTemplate, SpecError> {
    let Some(rest) = path.strip_prefix('/') else {
        return Err(SpecError::new(pointer, "a path must start with `/`"));
    };
    let mut segments = Vec::new();
    for piece in rest.split('/') {
        let segment = match piece
            .strip_prefix('{')
            .and_then(|inner| inner.strip_suffix('}'))
        {
            Some(name) if !name.is_empty() && !name.contains(['{', '}']) => {
                PathSegment::Param(name.to_owned())
            }
            _ if piece.is_empty() => {
                return Err(SpecError::unsupported(pointer, "an empty path segment"));
            }
            _ if piece.contains(['{', '}']) => {
                return Err(SpecError::unsupported(
                    pointer,
                    format!("the path segment `{piece}` (a parameter must be a whole segment)"),
                ));
            }
            _ => PathSegment::Literal(piece.to_owned()),
        };
        segments.push(segment);
    }
    Ok(PathTemplate {
        template: path.to_owned(),
        segments,
    })
}

/// A read, or a write with an idempotency key, may be sent again after a
/// failure that may have reached the server, unless the spec says `never`.
fn replay(
    lowered: &Operation,
    operation: &openapiv3::Operation,
    pointer: &Pointer,
) -> Result<Replay, SpecError> {
    match operation.extensions.get(REPLAY_EXTENSION) {
        None if lowered.http_method == HttpMethod::Get || lowered.idempotency_key.is_some() => {
            Ok(Replay::Safe)
        }
        None => Ok(Replay::Never),
        Some(serde_json::Value::String(value)) if value == "never" => Ok(Replay::Never),
        Some(other) => Err(SpecError::new(
            &pointer.join(REPLAY_EXTENSION),
            format!("`{REPLAY_EXTENSION}` must be `never`, found {other}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_templates_split_into_literals_and_parameters() {
        let template = parse_template("/v1/charges/{chargeId}/capture", &Pointer::root()).unwrap();
        assert_eq!(
            template.segments,
            vec![
                PathSegment::Literal("v1".into()),
                PathSegment::Literal("charges".into()),
                PathSegment::Param("chargeId".into()),
                PathSegment::Literal("capture".into()),
            ]
        );
    }

    #[test]
    fn empty_segments_are_refused() {
        for path in ["/", "/v1//charges", "/v1/charges/"] {
            let error = parse_template(path, &Pointer::root()).unwrap_err();
            assert!(
                error.message.contains("empty path segment"),
                "{path}: {}",
                error.message
            );
        }
    }

    #[test]
    fn a_parameter_inside_a_segment_is_refused() {
        let error = parse_template(
            "/v1/file.{ext}",
            &Pointer::root().join("paths").join("/v1/file.{ext}"),
        )
        .unwrap_err();
        assert_eq!(error.pointer.as_str(), "#/paths/~1v1~1file.{ext}");
        assert!(error.message.contains("whole segment"), "{}", error.message);
    }
}
