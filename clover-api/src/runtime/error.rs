//! One error type that answers the caller's real question: was anything sent,
//! and may the payment have happened?

use std::fmt;

use serde_json::Value;

use super::validate::InvalidInput;
use crate::models::{ErrorDetail, ErrorType};

/// Everything a call can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Refused before anything was sent: nothing reached Clover.
    #[error("{operation}: refused before sending: {reason}")]
    Refused {
        operation: &'static str,
        reason: Refusal,
    },

    /// The request failed on the way. If `may_have_reached_server` is true,
    /// the operation may have taken effect: retry a payment only with the
    /// same `idempotency_key`.
    #[error("{operation}: {} ({source})", if *.may_have_reached_server { "no answer; the request may have reached Clover" } else { "could not connect; nothing was sent" })]
    Transport {
        operation: &'static str,
        may_have_reached_server: bool,
        /// The idempotency key the request carried, to retry with.
        idempotency_key: Option<String>,
        source: reqwest::Error,
    },

    /// Clover answered with an error status.
    #[error("{operation}: {error}")]
    Api {
        operation: &'static str,
        /// The idempotency key the request carried, to retry with.
        idempotency_key: Option<String>,
        error: Box<ApiError>,
    },

    /// Clover answered with success, but the body does not match the spec.
    /// The operation took effect: do not send it again with a new key.
    #[error("{operation}: HTTP {status} response does not decode at `{path}`: {problem}")]
    Decode {
        operation: &'static str,
        /// The idempotency key the request carried.
        idempotency_key: Option<String>,
        status: u16,
        /// Where in the body decoding failed, e.g. `source.exp_month`.
        path: String,
        /// What did not match, with the offending value left out (it may be a secret).
        problem: String,
        body: RawBody,
    },
}

impl Error {
    /// Clover's error, when the failure is an error response.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The idempotency key the request carried, once it was sent. To retry
    /// an operation that may have taken effect, pass it to
    /// [`Call::idempotency_key`](crate::Call::idempotency_key): Clover then
    /// does not perform it twice.
    pub fn idempotency_key(&self) -> Option<&str> {
        match self {
            Error::Transport {
                idempotency_key, ..
            }
            | Error::Api {
                idempotency_key, ..
            }
            | Error::Decode {
                idempotency_key, ..
            } => idempotency_key.as_deref(),
            Error::Refused { .. } => None,
        }
    }

    /// Whether the operation may have happened at Clover (a charge made, a
    /// refund issued): false only when it surely did not.
    pub fn may_have_taken_effect(&self) -> bool {
        match self {
            Error::Refused { .. } => false,
            Error::Transport {
                may_have_reached_server,
                ..
            } => *may_have_reached_server,
            Error::Api { error, .. } => error.status >= 500,
            Error::Decode { .. } => true,
        }
    }
}

/// serde's message without the values it quotes, which may be secrets:
/// ``invalid type: integer `4242`, expected a string`` becomes
/// `invalid type: integer …, expected a string`. Quoted field and variant
/// names (``missing field `id` ``) stay.
pub(crate) fn without_values(message: &str) -> String {
    const VALUE_KINDS: [&str; 6] = [
        "integer ",
        "point ",
        "string ",
        "boolean ",
        "character ",
        "bytes ",
    ];
    let mut out = String::with_capacity(message.len());
    let mut quote = None;
    for character in message.chars() {
        match quote {
            Some(close) if character == close => quote = None,
            Some(_) => {}
            None if matches!(character, '`' | '"')
                && VALUE_KINDS.iter().any(|kind| out.ends_with(kind)) =>
            {
                quote = Some(character);
                out.push('…');
            }
            None => out.push(character),
        }
    }
    out
}

/// Why a call was refused before sending.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    #[error("no {0} is configured")]
    MissingCredential(CredentialKind),
    #[error("the required header `{0}` has no value: set a client default or a per-call value")]
    MissingHeader(&'static str),
    #[error("{0}")]
    InvalidInput(InvalidInput),
    #[error("the operation does not take {0}")]
    NotAccepted(&'static str),
    #[error("{0}")]
    InvalidRequest(String),
}

/// The credentials a client can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialKind {
    /// An OAuth access token or Ecommerce private key (`Authorization: Bearer`).
    BearerToken,
    /// The PAKMS `apiAccessKey` or Ecommerce public key (`apikey` header).
    ApiKey,
}

impl fmt::Display for CredentialKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CredentialKind::BearerToken => "bearer token (OAuth access token or Ecommerce private key; set `ClientBuilder::access_token`)",
            CredentialKind::ApiKey => "API key (PAKMS apiAccessKey or Ecommerce public key; set `ClientBuilder::api_key` or `Client::with_api_key`)",
        })
    }
}

/// Decodes the detail fields; a number or boolean where the spec says string
/// (`"decline_code": 51`) is read as its text rather than losing every field.
fn lenient_detail(value: Value) -> ErrorDetail {
    serde_json::from_value(value.clone()).unwrap_or_else(|_| {
        let Value::Object(fields) = value else {
            return ErrorDetail::default();
        };
        let as_text = fields
            .into_iter()
            .map(|(key, value)| match value {
                Value::Number(_) | Value::Bool(_) => (key, Value::String(value.to_string())),
                other => (key, other),
            })
            .collect();
        serde_json::from_value(Value::Object(as_text)).unwrap_or_default()
    })
}

/// An error response from Clover, with every field it sent.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: u16,
    /// Clover's `type`, `code`, `decline_code`, `message`, `param`, `charge`, `doc_url`.
    /// Filled from the nested `{"error": {...}}` body, or from a flat one.
    pub detail: ErrorDetail,
    /// The top-level `message` of a nested body (usually the HTTP status line).
    pub summary: Option<String>,
    /// The request id header of the response, for Clover support.
    pub request_id: Option<String>,
    pub body: RawBody,
}

impl ApiError {
    /// Reads either body shape; a body that is not JSON leaves `detail` empty
    /// and is kept in `body`.
    pub(crate) fn from_response(status: u16, request_id: Option<String>, body: Vec<u8>) -> Self {
        let mut summary = None;
        let detail = match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Object(mut fields)) => match fields.remove("error") {
                Some(nested @ Value::Object(_)) => {
                    summary = fields
                        .get("message")
                        .and_then(Value::as_str)
                        .map(str::to_owned);
                    lenient_detail(nested)
                }
                other => {
                    if let Some(other) = other {
                        fields.insert("error".to_owned(), other);
                    }
                    lenient_detail(Value::Object(fields))
                }
            },
            _ => ErrorDetail::default(),
        };
        ApiError {
            status,
            detail,
            summary,
            request_id,
            body: RawBody(body),
        }
    }

    /// Worth retrying later: rate limits, Clover-side failures, and
    /// `processing_error`. Retry a payment only with the same idempotency key
    /// ([`Error::idempotency_key`]).
    pub fn is_retryable(&self) -> bool {
        let retryable_type = matches!(
            self.detail.r#type,
            Some(ErrorType::RateLimitError | ErrorType::ApiConnectionError | ErrorType::ApiError)
        );
        let retryable_code = self
            .detail
            .code
            .as_ref()
            .is_some_and(|code| matches!(code.as_str(), "processing_error" | "rate_limit"));
        self.status == 429 || self.status >= 500 || retryable_type || retryable_code
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        let detail = &self.detail;
        if let Some(kind) = &detail.r#type {
            write!(f, " {kind}")?;
        }
        if let Some(code) = &detail.code {
            write!(f, " ({code})")?;
        }
        if let Some(decline) = &detail.decline_code {
            write!(f, " decline_code {decline}")?;
        }
        match detail.message.as_ref().or(self.summary.as_ref()) {
            Some(message) => write!(f, ": {message}")?,
            None if detail == &ErrorDetail::default() => {
                write!(f, ": {} bytes of unrecognised body", self.body.0.len())?
            }
            None => {}
        }
        if let Some(param) = &detail.param {
            write!(f, " [param `{param}`]")?;
        }
        Ok(())
    }
}

/// A response body kept as received. `Debug` shows only its size, since a
/// body (an OAuth token response, say) may hold secrets.
#[derive(Clone, PartialEq, Eq)]
pub struct RawBody(pub(crate) Vec<u8>);

impl RawBody {
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The body as text, if it is UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.0).ok()
    }
}

impl fmt::Debug for RawBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RawBody(<{} bytes>)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::without_values;

    #[test]
    fn decode_problems_leave_out_the_values() {
        assert_eq!(
            without_values("invalid type: integer `6035551234567890123`, expected a string"),
            "invalid type: integer …, expected a string"
        );
        assert_eq!(
            without_values("invalid value: string \"4242\", expected a digit"),
            "invalid value: string …, expected a digit"
        );
        assert_eq!(without_values("missing field `id`"), "missing field `id`");
        assert_eq!(
            without_values("unknown variant `x`, expected `a`"),
            "unknown variant `x`, expected `a`"
        );
    }
}
