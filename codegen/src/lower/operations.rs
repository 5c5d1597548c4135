//! Paths and operations → `ir::Operation`: path template, host, security,
//! parameters (required ones become arguments, optional ones a params
//! struct) and their styles. Bodies and responses are lowered in `bodies`.

use openapiv3::{Parameter, ParameterSchemaOrContent, PathItem, PathStyle, ReferenceOr};

use super::schemas::constraints;
use super::sensitive;
use super::{Lowering, resolve};
use crate::error::{Pointer, SpecError};
use crate::ir::{
    ContextHeader, Field, HttpMethod, Model, Operation, Param, ParamLocation, PathPiece,
    PathTemplate, QueryStyle, Replay, Response, Struct, StructRole, Success, Type,
};
use crate::names;

/// Method names an operation does not take: the generated `Client`'s
/// constructor, the runtime client's methods reached through `Deref` (which
/// an operation would hide), and standard trait methods that clippy
/// expects implemented rather than shadowed (`should_implement_trait`).
const RESERVED_METHODS: &[&str] = &[
    "builder",
    "call",
    "call_as",
    "environment",
    "with_credential",
    "add",
    "as_mut",
    "as_ref",
    "bitand",
    "bitor",
    "bitxor",
    "borrow",
    "borrow_mut",
    "clone",
    "cmp",
    "default",
    "deref",
    "deref_mut",
    "div",
    "drop",
    "eq",
    "from_iter",
    "from_str",
    "hash",
    "index",
    "index_mut",
    "into_iter",
    "mul",
    "neg",
    "next",
    "not",
    "rem",
    "shl",
    "shr",
    "sub",
];

/// Who supplies a header marked with `x-clover-sdk`.
const CONTEXT_EXTENSION: &str = "x-clover-sdk";

/// `never` on an operation that must not be sent twice even when a failure
/// leaves its outcome unknown (it spends a single-use code or token).
const REPLAY_EXTENSION: &str = "x-clover-sdk-replay";

impl<'a> Lowering<'a> {
    pub(super) fn operations(&mut self) -> Vec<Operation> {
        let mut operations = Vec::new();
        for name in RESERVED_METHODS {
            self.method_names.reserve(name);
        }
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
                if let Some(mut operation) = self.attempt(lowered) {
                    if let Some(pagination) = &mut operation.pagination {
                        let owner = at.join("x-clover-sdk-paginate");
                        pagination.method_name = self
                            .method_names
                            .claim(&pagination.method_name, owner.as_str());
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
        let method_name = self
            .method_names
            .claim(&names::field_name(&id), pointer.as_str());
        let type_prefix = names::type_name(&id);
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
        // When its servers were refused (reported at them), the rest is still checked.
        let host = self.hosts.of(pointer).unwrap_or_default().to_owned();
        let security = self.operation_security(operation.security.as_ref(), pointer);

        let mut lowered = Operation {
            id,
            method_name,
            summary: operation.summary.clone(),
            description: operation.description.clone(),
            http_method,
            path: path.clone(),
            host,
            security,
            required_params: Vec::new(),
            params_struct: None,
            forwarded_for: None,
            idempotency_key: None,
            replay: Replay::Never,
            body: None,
            response: Response::One(Success::Empty),
            accept: None,
            pagination: None,
        };
        let mut optional = Vec::new();
        let mut param_names = names::Namespace::default();
        for (parameter, at) in self.parameters(item, operation, pointer)? {
            let rust_name = param_names.claim(
                &names::field_name(&parameter.parameter_data_ref().name),
                at.as_str(),
            );
            let param = (parameter, rust_name);
            self.parameter(&mut lowered, &mut optional, param, &type_prefix, &at)?;
        }
        // A name in the path that no parameter declares (Square's
        // `PUT /v2/vendors/{vendor_id}`) is still needed to build the URL.
        for name in path.params() {
            if !lowered
                .required_params
                .iter()
                .any(|param| param.location == ParamLocation::Path && param.wire_name == name)
            {
                let owner = pointer.join("parameters").join(name);
                lowered.required_params.push(Param {
                    rust_name: param_names.claim(&names::field_name(name), owner.as_str()),
                    wire_name: name.to_owned(),
                    location: ParamLocation::Path,
                    ty: Type::String,
                    doc: Some(
                        "Named in the path; the spec declares no parameter for it.".to_owned(),
                    ),
                    constraints: Default::default(),
                });
            }
        }
        if !optional.is_empty() {
            let name =
                self.model_name(&format!("{type_prefix}Params"), &pointer.join("parameters"));
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
                    received: false,
                    loose: false,
                    validated: false,
                }),
                &pointer.join("parameters"),
            )?;
            lowered.params_struct = Some(name);
        }
        if let Some(body) = &operation.request_body {
            lowered.body =
                Some(self.request_body(body, &type_prefix, &pointer.join("requestBody"))?);
        }
        let successes =
            self.success_response(operation, &lowered.method_name, &type_prefix, pointer)?;
        (lowered.response, lowered.accept) = (successes.response, successes.accept);
        if let Some(note) = successes.note {
            lowered.description = Some(match lowered.description.take() {
                Some(description) => format!("{description}\n\n{note}"),
                None => note,
            });
        }
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
        (parameter, rust_name): (&Parameter, String),
        type_prefix: &str,
        pointer: &Pointer,
    ) -> Result<(), SpecError> {
        let data = parameter.parameter_data_ref();
        let location = match parameter {
            Parameter::Path { style, .. } if *style != PathStyle::Simple => {
                return Err(SpecError::unsupported(
                    &pointer.join("style"),
                    format!("the path parameter style `{style:?}` (only `simple`)"),
                ));
            }
            Parameter::Path { .. } => ParamLocation::Path,
            // Refined by the parameter's type below.
            Parameter::Query { .. } => ParamLocation::Query(QueryStyle::Form),
            Parameter::Header { .. } => ParamLocation::Header,
            Parameter::Cookie { .. } => ParamLocation::Cookie,
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
        let schema_pointer = pointer.join("schema");
        let context = format!("{type_prefix}{}", names::type_name(&data.name));
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
        let location = match parameter {
            Parameter::Query { style, .. } => {
                let explode = data
                    .explode
                    .unwrap_or(*style == openapiv3::QueryStyle::Form);
                ParamLocation::Query(self.query_style(&ty, style, explode, pointer)?)
            }
            _ => location,
        };
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

    /// Parameters are strings, numbers, booleans, string enums, unions of those, lists of
    /// those, and in a query objects of those.
    fn check_param_type(
        &mut self,
        ty: &Type,
        location: ParamLocation,
        pointer: &Pointer,
    ) -> Result<(), SpecError> {
        let object = matches!(
            location,
            ParamLocation::Query(
                QueryStyle::DeepObject | QueryStyle::ObjectExploded | QueryStyle::ObjectJoined
            )
        );
        let scalar = |ty: &Type| match ty {
            Type::List(item) => !matches!(**item, Type::List(_)) && self.is_text(item),
            other => self.is_text(other),
        };
        let accepted = match ty {
            _ if object => self
                .text_fields(ty)
                .is_some_and(|fields| fields.iter().all(scalar)),
            ty => scalar(ty),
        };
        if !accepted {
            return Err(SpecError::unsupported(
                pointer,
                "a parameter of this type (use a string, number, boolean, string enum, a `oneOf` of those, a list of those or, in a query, an object of those)",
            ));
        }
        self.mark_text_enums(ty);
        for field in self.text_fields(ty).unwrap_or_default() {
            self.mark_text_enums(&field);
        }
        Ok(())
    }

    /// An enum or union sent as text, or a list of them, gets its `ParamValue`.
    pub(super) fn mark_text_enums(&mut self, ty: &Type) {
        match ty {
            Type::List(item) => self.mark_param_model(item),
            other => self.mark_param_model(other),
        }
    }

    /// Sent as text: a string, number, boolean, string enum, a value of any
    /// type (an object as its JSON text), or a union of those and lists of
    /// those (NameOrId: a UUID or a name), sent as the variant it holds.
    pub(super) fn is_text(&self, ty: &Type) -> bool {
        let Type::Named(name) = ty else {
            return self.is_scalar_text(ty);
        };
        match self.model(name) {
            Some(Model::Enum(_)) => true,
            Some(Model::Union(model)) => {
                model.discriminator.is_none()
                    && model.variants.iter().all(|variant| match &variant.ty {
                        Type::List(item) => self.is_scalar_text(item),
                        held => self.is_scalar_text(held),
                    })
            }
            _ => false,
        }
    }

    /// One text that is not a union: a string, number, boolean, string
    /// enum, or a value of any type.
    fn is_scalar_text(&self, ty: &Type) -> bool {
        match ty {
            Type::String
            | Type::Secret
            | Type::Digits { .. }
            | Type::Integer(_)
            | Type::Number
            | Type::Boolean
            | Type::Json => true,
            Type::Named(name) => matches!(self.model(name), Some(Model::Enum(_))),
            _ => false,
        }
    }

    /// The property types of an object sent as named texts: a struct or a map.
    pub(super) fn text_fields(&self, ty: &Type) -> Option<Vec<Type>> {
        match ty {
            Type::Map(value) => Some(vec![(**value).clone()]),
            Type::Named(name) => match self.model(name) {
                Some(Model::Struct(model)) => {
                    Some(model.fields.iter().map(|field| field.ty.clone()).collect())
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether a value of the type can be a list: a union with a list
    /// variant is written as a list when it holds one.
    fn may_be_list(&self, ty: &Type) -> bool {
        match ty {
            Type::List(_) => true,
            Type::Named(name) => match self.model(name) {
                Some(Model::Union(union)) => union
                    .variants
                    .iter()
                    .any(|variant| matches!(variant.ty, Type::List(_))),
                _ => false,
            },
            _ => false,
        }
    }

    pub(super) fn model(&self, name: &str) -> Option<&Model> {
        self.models.iter().find(|model| model.name() == name)
    }

    /// A query parameter's style and `explode`, for its type.
    fn query_style(
        &self,
        ty: &Type,
        style: &openapiv3::QueryStyle,
        explode: bool,
        pointer: &Pointer,
    ) -> Result<QueryStyle, SpecError> {
        use openapiv3::QueryStyle as Spec;
        let object = self.text_fields(ty).is_some();
        let list = self.may_be_list(ty);
        match (style, object, list, explode) {
            (Spec::Form, true, _, true) => Ok(QueryStyle::ObjectExploded),
            (Spec::Form, true, _, false) => Ok(QueryStyle::ObjectJoined),
            (Spec::DeepObject, true, _, _) => Ok(QueryStyle::DeepObject),
            (Spec::Form, false, true, false) => Ok(QueryStyle::Comma),
            (Spec::SpaceDelimited, false, true, false) => Ok(QueryStyle::Space),
            (Spec::PipeDelimited, false, true, false) => Ok(QueryStyle::Pipe),
            (Spec::Form, false, _, _) => Ok(QueryStyle::Form),
            // Exploded, space- and pipe-delimited lists are repeated parameters.
            (Spec::SpaceDelimited | Spec::PipeDelimited, false, true, true) => Ok(QueryStyle::Form),
            _ => Err(SpecError::unsupported(
                &pointer.join("style"),
                format!(
                    "the query style `{style:?}` on {}",
                    if object {
                        "an object"
                    } else if list {
                        "a list"
                    } else {
                        "a single value"
                    }
                ),
            )),
        }
    }
}

/// Splits `/v1/Accounts/{Sid}.json` into segments of literal and parameter pieces.
fn parse_template(path: &str, pointer: &Pointer) -> Result<PathTemplate, SpecError> {
    let Some(rest) = path.strip_prefix('/') else {
        return Err(SpecError::new(pointer, "a path must start with `/`"));
    };
    let mut segments = Vec::new();
    // An empty segment (`/`, `/users/`) is sent as written, like any literal.
    for segment in rest.split('/') {
        segments.push(parse_segment(segment).ok_or_else(|| {
            SpecError::new(
                pointer,
                format!("the path segment `{segment}` has a `{{` or `}}` that does not enclose a parameter name"),
            )
        })?);
    }
    Ok(PathTemplate {
        template: path.to_owned(),
        segments,
    })
}

/// `{name}-{version}` → parameter, literal, parameter; `None` when braces do not pair.
fn parse_segment(segment: &str) -> Option<Vec<PathPiece>> {
    let mut pieces = Vec::new();
    let mut rest = segment;
    while !rest.is_empty() {
        match rest.strip_prefix('{') {
            Some(inner) => {
                let (name, after) = inner.split_once('}')?;
                if name.is_empty() || name.contains('{') {
                    return None;
                }
                pieces.push(PathPiece::Param(name.to_owned()));
                rest = after;
            }
            None => {
                let end = rest.find('{').unwrap_or(rest.len());
                let literal = &rest[..end];
                if literal.contains('}') {
                    return None;
                }
                pieces.push(PathPiece::Literal(literal.to_owned()));
                rest = &rest[end..];
            }
        }
    }
    Some(pieces)
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
    fn path_templates_split_into_segments_of_pieces() {
        let template =
            parse_template("/v1/Accounts/{Sid}.json/{name}-{version}", &Pointer::root()).unwrap();
        let literal = |text: &str| PathPiece::Literal(text.into());
        let param = |name: &str| PathPiece::Param(name.into());
        assert_eq!(
            template.segments,
            vec![
                vec![literal("v1")],
                vec![literal("Accounts")],
                vec![param("Sid"), literal(".json")],
                vec![param("name"), literal("-"), param("version")],
            ]
        );
        assert_eq!(
            template.params().collect::<Vec<_>>(),
            ["Sid", "name", "version"]
        );
    }

    #[test]
    fn empty_segments_are_kept_as_written() {
        let segments = |path: &str| parse_template(path, &Pointer::root()).unwrap().segments;
        assert_eq!(segments("/"), [vec![]]);
        assert_eq!(
            segments("/v1//charges/"),
            [
                vec![PathPiece::Literal("v1".to_owned())],
                vec![],
                vec![PathPiece::Literal("charges".to_owned())],
                vec![]
            ]
        );
    }

    #[test]
    fn braces_that_do_not_enclose_a_name_are_refused() {
        for path in ["/v1/file.{ext", "/v1/{}", "/v1/a}b", "/v1/{a{b}}"] {
            let error =
                parse_template(path, &Pointer::root().join("paths").join(path)).unwrap_err();
            assert!(
                error.message.contains("does not enclose"),
                "{path}: {}",
                error.message
            );
        }
    }
}
