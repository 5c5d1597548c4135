//! The credential an operation sends, from its `security` requirement.

use openapiv3::{APIKeyLocation, ReferenceOr, SecurityRequirement, SecurityScheme};

use super::Lowering;
use crate::error::{Pointer, SpecError};
use crate::ir::Credential;
use crate::names;

impl Lowering<'_> {
    /// `security: []` means no credential; one scheme is supported per operation.
    pub(super) fn credential(
        &self,
        security: Option<&Vec<SecurityRequirement>>,
        pointer: &Pointer,
    ) -> Result<Option<Credential>, SpecError> {
        let Some(requirements) = security.or(self.spec.security.as_ref()) else {
            return Err(SpecError::new(
                pointer,
                "declares no `security`; write `security: []` for an operation without a credential",
            ));
        };
        let pointer = pointer.join("security");
        let schemes: Vec<&String> = requirements
            .iter()
            .flat_map(|requirement| requirement.keys())
            .collect();
        let name = match schemes.as_slice() {
            [] => return Ok(None),
            [name] if requirements.len() == 1 => *name,
            _ => {
                return Err(SpecError::unsupported(
                    &pointer,
                    "more than one security scheme per operation",
                ));
            }
        };
        let schemes = self
            .spec
            .components
            .as_ref()
            .map(|components| &components.security_schemes);
        let scheme_pointer = Pointer::root()
            .join("components")
            .join("securitySchemes")
            .join(name);
        let scheme = match schemes.and_then(|schemes| schemes.get(name)) {
            Some(ReferenceOr::Item(scheme)) => scheme,
            Some(ReferenceOr::Reference { .. }) => {
                return Err(SpecError::unsupported(
                    &scheme_pointer,
                    "a security scheme `$ref`",
                ));
            }
            None => {
                return Err(SpecError::new(
                    &pointer.join(0).join(name),
                    format!("no security scheme `{name}` under #/components/securitySchemes"),
                ));
            }
        };
        match scheme {
            SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("bearer") => {
                Ok(Some(Credential::Bearer))
            }
            SecurityScheme::APIKey {
                location: APIKeyLocation::Header,
                name,
                ..
            } if names::is_header_name(&name.to_ascii_lowercase()) => {
                Ok(Some(Credential::ApiKeyHeader(name.to_ascii_lowercase())))
            }
            _ => Err(SpecError::unsupported(
                &scheme_pointer,
                "a security scheme other than HTTP bearer or an API key in a valid header",
            )),
        }
    }
}
