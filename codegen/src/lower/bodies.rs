//! Request bodies and success responses by media type → `ir::Body` and
//! `ir::Response`: which media type an operation sends and reads, and how.

use openapiv3::{MediaType, ReferenceOr, StatusCode};

use super::{Lowering, resolve};
use crate::error::{Pointer, SpecError};
use crate::ir::{Body, BodyKind, Model, Response, Responses, StatusVariant, Success, Type};

impl Lowering<'_> {
    pub(super) fn request_body(
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
        let Some((media_type, media, kind)) = preferred(&body.content, BODY_PREFERENCE) else {
            return Err(SpecError::new(
                &content,
                "the request body has no media type",
            ));
        };
        let media_pointer = content.join(media_type);
        let content_type = match media_type.as_str() {
            "*/*" => "application/octet-stream".to_owned(),
            "text/*" => "text/plain".to_owned(),
            other => other.to_owned(),
        };
        if kind == MediaKind::Form {
            form_encoding(media, &media_pointer)?;
        }
        let kind = match kind {
            MediaKind::Json | MediaKind::Form | MediaKind::Multipart => {
                let schema_pointer = media_pointer.join("schema");
                let schema = media.schema.as_ref().ok_or_else(|| {
                    SpecError::new(&schema_pointer, "the request body has no schema")
                })?;
                let ty = self.type_of(schema, &schema_pointer, &format!("{type_prefix}Request"))?;
                let kind = self.model_body(kind, ty, &schema_pointer)?;
                if let BodyKind::Form(model) | BodyKind::Multipart(model) = &kind {
                    for ty in self
                        .text_fields(&Type::Named(model.clone()))
                        .unwrap_or_default()
                    {
                        self.mark_text_enums(&ty);
                    }
                }
                kind
            }
            MediaKind::Text => BodyKind::Text,
            MediaKind::Bytes => BodyKind::Bytes,
        };
        Ok(Body {
            content_type,
            kind,
            required: body.required,
        })
    }

    /// A JSON body is any type; a form or multipart body a struct whose
    /// properties each make a field or part.
    fn model_body(
        &self,
        kind: MediaKind,
        ty: Type,
        pointer: &Pointer,
    ) -> Result<BodyKind, SpecError> {
        let model = match &ty {
            Type::Named(name) => self.model(name),
            _ => None,
        };
        let (model, fields) = match (kind, model) {
            (MediaKind::Json, _) => return Ok(BodyKind::Json(ty)),
            (_, Some(Model::Struct(model))) => (model.name.clone(), &model.fields),
            _ => {
                return Err(SpecError::unsupported(
                    pointer,
                    "a form or multipart body that is not an object with properties",
                ));
            }
        };
        let origin = self.model_origins.get(&model).unwrap_or(pointer);
        for field in fields {
            let text = self.is_text(&field.ty)
                || matches!(&field.ty, Type::List(item) if self.is_text(item));
            let part = field.ty == Type::Binary || field.ty.named().is_some();
            let at = || origin.join("properties").join(&field.wire_name);
            match kind {
                MediaKind::Form if !text => {
                    return Err(SpecError::unsupported(
                        &at(),
                        "a form property that is not a string, number, boolean, string enum, untyped value or a list of those",
                    ));
                }
                MediaKind::Multipart if !text && !part => {
                    return Err(SpecError::unsupported(
                        &at(),
                        "a multipart property that is not text, a list of text, binary or an object",
                    ));
                }
                _ => {}
            }
        }
        Ok(match kind {
            MediaKind::Form => BodyKind::Form(model),
            _ => BodyKind::Multipart(model),
        })
    }

    /// What the 2xx responses decode into. Responses that all read the same
    /// way make one type; otherwise a `{Operation}Response` enum reads each
    /// status its own way.
    pub(super) fn success_response(
        &mut self,
        operation: &openapiv3::Operation,
        method_name: &str,
        type_prefix: &str,
        pointer: &Pointer,
    ) -> Result<Successes, SpecError> {
        let components = self
            .spec
            .components
            .as_ref()
            .map(|components| &components.responses);
        let lookup = |name: &str| components.and_then(|responses| responses.get(name));
        let responses = pointer.join("responses");
        let mut successes = Vec::new();
        for (status, response) in &operation.responses.responses {
            let at = responses.join(status);
            let (resolved, at) = resolve(response, "responses", lookup, &at)?;
            match status {
                StatusCode::Code(code @ 200..=299) => {
                    successes.push((Some(*code), resolved, at));
                }
                StatusCode::Range(2) => successes.push((None, resolved, at)),
                _ => {
                    if let Some(ReferenceOr::Reference { reference }) = resolved
                        .content
                        .get("application/json")
                        .and_then(|media| media.schema.as_ref())
                    {
                        self.error_schemas.push(reference.clone());
                    }
                }
            }
        }
        // With no 2xx listed, `default` is what a success looks like.
        if let (true, Some(default)) = (successes.is_empty(), &operation.responses.default) {
            let at = responses.join("default");
            let (resolved, at) = resolve(default, "responses", lookup, &at)?;
            successes.push((None, resolved, at));
        }
        if successes.is_empty() {
            return Ok(Successes {
                response: Response::One(Success::Empty),
                accept: None,
                note: Some(no_success_note(operation)),
            });
        }
        let shapes = successes
            .iter()
            .map(|(_, response, at)| success_shape(response, at))
            .collect::<Result<Vec<_>, _>>()?;
        let media: Vec<&str> = shapes.iter().filter_map(|shape| shape.media).collect();
        let accept = media
            .iter()
            .any(|media| *media != "application/json")
            .then(|| dedup(&media).join(", "));
        if shapes.iter().all(|shape| shape.same(&shapes[0])) {
            let success = self.success(&shapes[0], &format!("{type_prefix}Response"))?;
            return Ok(Successes {
                response: Response::One(success),
                accept,
                note: None,
            });
        }
        let mut variants = Vec::new();
        for ((status, response, _), shape) in successes.iter().zip(&shapes) {
            let rust_name = status_name(*status);
            let success = self.success(shape, &format!("{type_prefix}{rust_name}Body"))?;
            let doc = response.description.trim();
            variants.push(StatusVariant {
                rust_name,
                status: *status,
                doc: (!doc.is_empty()).then(|| doc.to_owned()),
                success,
            });
        }
        // The range takes every status the codes before it do not.
        variants.sort_by_key(|variant| variant.status.is_none());
        let name = format!("{type_prefix}Response");
        let doc = Some(format!(
            "The success of [`Client::{method_name}`](crate::Client::{method_name}), by status."
        ));
        self.add_model(
            Model::Responses(Responses {
                name: name.clone(),
                doc,
                variants,
            }),
            &responses,
        )?;
        Ok(Successes {
            response: Response::ByStatus(name),
            accept,
            note: None,
        })
    }

    fn success(&mut self, shape: &Shape<'_>, context: &str) -> Result<Success, SpecError> {
        Ok(match (&shape.kind, &shape.schema) {
            (None, _) => Success::Empty,
            (Some(MediaKind::Json), Some((schema, at))) => {
                Success::Json(self.type_of(schema, at, context)?)
            }
            (Some(MediaKind::Text), _) => Success::Text,
            _ => Success::Bytes,
        })
    }
}

/// A form's properties are sent `form`-style, lists repeated; another style
/// in its `encoding` is refused rather than ignored.
/// What an operation's success responses make of its call.
pub(super) struct Successes {
    pub response: Response,
    /// The `Accept` header, when a success is not JSON.
    pub accept: Option<String>,
    /// For the method's doc, when the spec lists no success response.
    pub note: Option<String>,
}

/// The note for an operation whose spec lists no 2xx and no `default`
/// response (Twilio answers some reads only with a `307` and a JSON body):
/// the call is generated, and says where what the spec lists arrives.
fn no_success_note(operation: &openapiv3::Operation) -> String {
    let listed: Vec<String> = operation
        .responses
        .responses
        .keys()
        .map(ToString::to_string)
        .collect();
    match listed.as_slice() {
        [] => "The spec lists no response for this call; any 2xx is taken as success.".to_owned(),
        listed => format!(
            "The spec lists no success response for this call, only {}: such a response arrives as an `Error::Api` with its status and body.",
            listed.join(", ")
        ),
    }
}

fn form_encoding(media: &MediaType, pointer: &Pointer) -> Result<(), SpecError> {
    for (property, encoding) in &media.encoding {
        if let Some(style) = encoding
            .style
            .as_ref()
            .filter(|style| **style != openapiv3::QueryStyle::Form)
        {
            return Err(SpecError::unsupported(
                &pointer.join("encoding").join(property).join("style"),
                format!(
                    "the form property style `{style:?}` (lists are sent repeated, `form` style)"
                ),
            ));
        }
    }
    Ok(())
}

/// Media kinds in the order a request body prefers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MediaKind {
    Json,
    Form,
    Multipart,
    Text,
    Bytes,
}

const BODY_PREFERENCE: &[MediaKind] = &[
    MediaKind::Json,
    MediaKind::Form,
    MediaKind::Multipart,
    MediaKind::Text,
    MediaKind::Bytes,
];

/// A response is read as JSON first, then text, then bytes.
const RESPONSE_PREFERENCE: &[MediaKind] = &[MediaKind::Json, MediaKind::Text, MediaKind::Bytes];

fn media_kind(media_type: &str) -> MediaKind {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        essence if is_json(essence) => MediaKind::Json,
        "application/x-www-form-urlencoded" => MediaKind::Form,
        "multipart/form-data" => MediaKind::Multipart,
        essence if essence.starts_with("text/") => MediaKind::Text,
        _ => MediaKind::Bytes,
    }
}

/// `application/json`, or any `+json` type such as `application/problem+json`.
fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
        || essence.to_ascii_lowercase().ends_with("+json")
}

/// The media type of the kind first in `preference`, in spec order within a kind.
fn preferred<'c>(
    content: &'c openapiv3::Content,
    preference: &[MediaKind],
) -> Option<(&'c String, &'c MediaType, MediaKind)> {
    preference.iter().find_map(|wanted| {
        content
            .iter()
            .find(|(media_type, _)| media_kind(media_type) == *wanted)
            .map(|(media_type, media)| (media_type, media, *wanted))
    })
}

/// How one success response reads: its media kind and JSON schema.
struct Shape<'r> {
    /// `None` without content.
    kind: Option<MediaKind>,
    media: Option<&'r str>,
    schema: Option<(&'r ReferenceOr<openapiv3::Schema>, Pointer)>,
}

impl Shape<'_> {
    fn same(&self, other: &Shape<'_>) -> bool {
        self.kind == other.kind
            && self.schema.as_ref().map(|(schema, _)| schema)
                == other.schema.as_ref().map(|(schema, _)| schema)
    }
}

fn success_shape<'r>(
    response: &'r openapiv3::Response,
    pointer: &Pointer,
) -> Result<Shape<'r>, SpecError> {
    let Some((media_type, media, kind)) = preferred(&response.content, RESPONSE_PREFERENCE) else {
        return Ok(Shape {
            kind: None,
            media: None,
            schema: None,
        });
    };
    let schema = match kind {
        MediaKind::Json => {
            let at = pointer.join("content").join(media_type).join("schema");
            match &media.schema {
                Some(schema) => Some((schema, at)),
                None => return Err(SpecError::new(&at, "the response has no schema")),
            }
        }
        _ => None,
    };
    Ok(Shape {
        kind: Some(kind),
        media: Some(media_type),
        schema,
    })
}

fn dedup<'m>(media: &[&'m str]) -> Vec<&'m str> {
    let mut unique = Vec::new();
    for media in media {
        if !unique.contains(media) {
            unique.push(*media);
        }
    }
    unique
}

/// A variant name for a status: `Ok`, `Created`, … or `Status207`; `Success` for `2XX`.
fn status_name(status: Option<u16>) -> String {
    let name = match status {
        None => "Success",
        Some(200) => "Ok",
        Some(201) => "Created",
        Some(202) => "Accepted",
        Some(203) => "NonAuthoritative",
        Some(204) => "NoContent",
        Some(205) => "ResetContent",
        Some(206) => "PartialContent",
        Some(other) => return format!("Status{other}"),
    };
    name.to_owned()
}
