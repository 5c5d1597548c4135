//! The credentials an operation accepts, from its `security` requirements
//! (or the root's), and the security schemes they name.

use std::collections::HashMap;

use openapiv3::{APIKeyLocation, ReferenceOr, SecurityRequirement, SecurityScheme};

use super::Lowering;
use crate::error::{Pointer, SpecError};
use crate::ir::{self, KeyLocation, SchemeId, SchemeKind, Security};
use crate::names;

/// The schemes lowered so far, each once, however many operations use it.
#[derive(Default)]
pub(super) struct Schemes {
    list: Vec<ir::SecurityScheme>,
    /// Every key looked up: its id, or `None` when it was refused (and reported).
    seen: HashMap<String, Option<SchemeId>>,
}

impl Schemes {
    pub(super) fn into_list(self) -> Vec<ir::SecurityScheme> {
        self.list
    }

    /// Adds a scheme, numbering its Rust name if another scheme has it
    /// (`api_key` and `apiKey` both make `ApiKey`).
    fn add(&mut self, mut scheme: ir::SecurityScheme) -> SchemeId {
        let base = scheme.rust_name.clone();
        let mut number = 1;
        while self
            .list
            .iter()
            .any(|other| other.rust_name == scheme.rust_name)
        {
            number += 1;
            scheme.rust_name = format!("{base}{number}");
        }
        self.list.push(scheme);
        SchemeId(self.list.len() - 1)
    }
}

impl<'a> Lowering<'a> {
    /// The root's `security`, which applies to every operation without its own.
    pub(super) fn root_security(&mut self) -> Option<Security> {
        let spec = self.spec;
        let requirements = spec.security.as_ref()?;
        Some(self.security(requirements, &Pointer::root().join("security")))
    }

    /// The operation's `security`, else the root's. Neither means no
    /// credential: OpenAPI then requires none.
    pub(super) fn operation_security(
        &mut self,
        security: Option<&'a Vec<SecurityRequirement>>,
        pointer: &Pointer,
    ) -> Security {
        match security {
            Some(requirements) => self.security(requirements, &pointer.join("security")),
            None => self.inherited_security.clone().unwrap_or(Security::NONE),
        }
    }

    /// Each requirement is an alternative; an empty one (or none at all)
    /// makes the credential optional. A scheme that cannot be used is
    /// reported once, and its alternative left out.
    fn security(&mut self, requirements: &[SecurityRequirement], pointer: &Pointer) -> Security {
        let mut security = Security {
            alternatives: Vec::new(),
            optional: requirements.is_empty(),
        };
        for (index, requirement) in requirements.iter().enumerate() {
            if requirement.is_empty() {
                security.optional = true;
                continue;
            }
            let alternative: Option<Vec<SchemeId>> = requirement
                .keys()
                .map(|key| self.scheme(key, &pointer.join(index).join(key)))
                .collect();
            if let Some(alternative) = alternative
                && !security.alternatives.contains(&alternative)
            {
                security.alternatives.push(alternative);
            }
        }
        security
    }

    /// The scheme of `key`, lowered on first use; `used_at` is where a
    /// requirement names it.
    fn scheme(&mut self, key: &str, used_at: &Pointer) -> Option<SchemeId> {
        if let Some(seen) = self.schemes.seen.get(key) {
            return *seen;
        }
        let lowered = self.lower_scheme(key, used_at);
        let id = self.attempt(lowered).map(|scheme| self.schemes.add(scheme));
        self.schemes.seen.insert(key.to_owned(), id);
        id
    }

    fn lower_scheme(&self, key: &str, used_at: &Pointer) -> Result<ir::SecurityScheme, SpecError> {
        let pointer = Pointer::root()
            .join("components")
            .join("securitySchemes")
            .join(key);
        let scheme = match self
            .spec
            .components
            .as_ref()
            .and_then(|components| components.security_schemes.get(key))
        {
            Some(ReferenceOr::Item(scheme)) => scheme,
            Some(ReferenceOr::Reference { .. }) => {
                return Err(SpecError::unsupported(&pointer, "a security scheme `$ref`"));
            }
            None => {
                return Err(SpecError::new(
                    used_at,
                    format!("no security scheme `{key}` under #/components/securitySchemes"),
                ));
            }
        };
        let rust_name = names::type_name(key);
        let (kind, description) = scheme_kind(scheme, &pointer)?;
        Ok(ir::SecurityScheme {
            key: key.to_owned(),
            rust_name,
            description: description.clone(),
            kind,
        })
    }
}

/// How the scheme's credential is sent, and its description.
fn scheme_kind<'s>(
    scheme: &'s SecurityScheme,
    pointer: &Pointer,
) -> Result<(SchemeKind, &'s Option<String>), SpecError> {
    match scheme {
        SecurityScheme::HTTP {
            scheme,
            description,
            ..
        } => match scheme.to_ascii_lowercase().as_str() {
            "bearer" => Ok((SchemeKind::Bearer, description)),
            "basic" => Ok((SchemeKind::Basic, description)),
            other => Err(SpecError::new(
                &pointer.join("scheme"),
                format!(
                    "the HTTP authentication scheme `{other}` is not supported yet; \
                     `bearer` and `basic` are"
                ),
            )),
        },
        SecurityScheme::APIKey {
            location,
            name,
            description,
            ..
        } => Ok((api_key(location, name, pointer)?, description)),
        SecurityScheme::OAuth2 { description, .. }
        | SecurityScheme::OpenIDConnect { description, .. } => {
            Ok((SchemeKind::Bearer, description))
        }
    }
}

/// An API key's place; a header's or cookie's name must be an HTTP token.
fn api_key(
    location: &APIKeyLocation,
    name: &str,
    pointer: &Pointer,
) -> Result<SchemeKind, SpecError> {
    let is_token = names::is_header_name(&name.to_ascii_lowercase());
    let (location, valid, place) = match location {
        APIKeyLocation::Header => (KeyLocation::Header, is_token, "HTTP header"),
        APIKeyLocation::Query => (KeyLocation::Query, !name.is_empty(), "query parameter"),
        APIKeyLocation::Cookie => (KeyLocation::Cookie, is_token, "cookie"),
    };
    if !valid {
        return Err(SpecError::new(
            &pointer.join("name"),
            format!("`{name}` is not a valid {place} name for an API key"),
        ));
    }
    let name = match location {
        KeyLocation::Header => name.to_ascii_lowercase(),
        KeyLocation::Query | KeyLocation::Cookie => name.to_owned(),
    };
    Ok(SchemeKind::ApiKey { location, name })
}
