//! One error type that answers the caller's real question: was anything sent,
//! and may the payment have happened?

use std::fmt;
use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::api::{Api, ErrorFields};
use crate::credentials;
use crate::retry;
use crate::send::Response;
use crate::validate::InvalidInput;

/// Everything a call can fail with.
///
/// Every error after sending carries the idempotency key the call sent on
/// each attempt ([`Error::idempotency_key`]), the attempts made and why each
/// failed ([`Error::attempts`]), and whether the operation may have happened
/// at the server ([`Error::may_have_taken_effect`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<A: Api> {
    /// Refused before anything was sent: nothing reached the server.
    #[error("{operation}: refused before sending: {reason}")]
    Refused {
        operation: &'static str,
        reason: Refusal,
    },

    /// The last attempt failed on the way. `may_have_reached_server` is about
    /// that attempt; whether the operation may have happened on any attempt
    /// is [`Error::may_have_taken_effect`]: if so, retry it only with the same
    /// `idempotency_key`. `cause` is reqwest's error; its innermost cause is
    /// part of this error's message.
    #[error("{operation}: {}{}: {}", transport_summary(*.may_have_reached_server, host, attempts), retried(attempts), root_cause(cause))]
    Transport {
        operation: &'static str,
        may_have_reached_server: bool,
        /// The idempotency key every attempt carried, to retry with.
        idempotency_key: Option<String>,
        /// The host the request went to, e.g. `scl-sandbox.dev.clover.com`.
        host: String,
        attempts: Vec<FailedAttempt>,
        cause: reqwest::Error,
    },

    /// The server answered with an error status.
    #[error("{operation}: {error}{}", retried(attempts))]
    Api {
        operation: &'static str,
        /// The idempotency key every attempt carried, to retry with.
        idempotency_key: Option<String>,
        attempts: Vec<FailedAttempt>,
        error: Box<ApiError<A>>,
    },

    /// The server answered, but the body does not match the spec (or is larger
    /// than the client accepts). After a success status the operation took
    /// effect: do not send it again with a new key.
    #[error(
        "{operation}: HTTP {status} response does not decode{}: {problem}{}",
        at_path(path),
        retried(attempts)
    )]
    Decode {
        operation: &'static str,
        /// The idempotency key every attempt carried.
        idempotency_key: Option<String>,
        status: u16,
        /// Where in the body decoding failed, e.g. `source.exp_month`.
        path: String,
        /// What did not match, described by the kind of value found, never the value
        /// (it may be a secret).
        problem: String,
        body: RawBody,
        attempts: Vec<FailedAttempt>,
    },

    /// A listing returned a page whose cursor was one it had already
    /// followed, so the next page would repeat earlier ones. Listing is a
    /// read: nothing took effect.
    #[error(
        "{operation}: the listing did not move past `{cursor}`; stopped rather than repeat pages"
    )]
    CursorStuck {
        operation: &'static str,
        cursor: String,
    },
}

fn transport_summary(
    may_have_reached_server: bool,
    host: &str,
    attempts: &[FailedAttempt],
) -> String {
    let earlier = attempts
        .split_last()
        .map_or(&[][..], |(_, earlier)| earlier);
    match (
        may_have_reached_server,
        earlier.iter().any(|attempt| attempt.may_have_taken_effect),
    ) {
        (true, _) => format!("no answer from {host}; the request may have reached the server"),
        (false, false) => format!("could not connect to {host}; nothing was sent"),
        (false, true) => {
            format!("could not connect to {host}; an earlier attempt may have reached the server")
        }
    }
}

/// ` (attempt 3 of 3; earlier: HTTP 503, connection lost)` for a retried call.
fn retried(attempts: &[FailedAttempt]) -> String {
    match attempts {
        [] | [_] => String::new(),
        [earlier @ .., last] => {
            let earlier: Vec<String> = earlier.iter().map(|a| a.reason.to_string()).collect();
            format!(
                " (attempt {}; earlier: {})",
                last.number,
                earlier.join(", ")
            )
        }
    }
}

fn at_path(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" at `{path}`")
    }
}

/// The innermost error's message: the reason ("connection reset by peer"),
/// not the layers that wrapped it.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut innermost = error;
    while let Some(source) = innermost.source() {
        innermost = source;
    }
    innermost.to_string()
}

impl<A: Api> Error<A> {
    /// The server's error, when the failure is an error response.
    pub fn api_error(&self) -> Option<&ApiError<A>> {
        match self {
            Error::Api { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The idempotency key the request carried, once it was sent. Every
    /// attempt of one call carries the same key. To retry an operation that
    /// may have taken effect, pass it to
    /// [`Call::idempotency_key`](crate::Call::idempotency_key): the server
    /// then does not perform it twice.
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
            Error::Refused { .. } | Error::CursorStuck { .. } => None,
        }
    }

    /// Every attempt the call made, the last one included, and why each
    /// failed; empty when the call was refused before sending.
    pub fn attempts(&self) -> &[FailedAttempt] {
        match self {
            Error::Transport { attempts, .. }
            | Error::Api { attempts, .. }
            | Error::Decode { attempts, .. } => attempts,
            Error::Refused { .. } | Error::CursorStuck { .. } => &[],
        }
    }

    /// Whether the operation may have happened at the server (a charge made,
    /// a refund issued) on any attempt: false only when it surely did not.
    pub fn may_have_taken_effect(&self) -> bool {
        self.attempts()
            .iter()
            .any(|attempt| attempt.may_have_taken_effect)
    }
}

/// One attempt of a call that did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FailedAttempt {
    /// 1 for the first attempt.
    pub number: u32,
    pub reason: AttemptFailure,
    /// Whether this attempt may have performed the operation.
    pub may_have_taken_effect: bool,
}

/// Why one attempt failed, in words that never include a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AttemptFailure {
    #[error("could not connect")]
    NoConnection,
    #[error("connection lost")]
    ConnectionLost,
    #[error("timed out")]
    TimedOut,
    #[error("HTTP {0}")]
    Status(u16),
    #[error("HTTP {0} with a body over the size limit")]
    BodyTooLarge(u16),
    #[error("HTTP {0} with a body that does not decode")]
    Undecodable(u16),
}

/// Why a call was refused before sending.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// The client holds no credential for any alternative the operation
    /// accepts; each alternative is the keys of the schemes sent together.
    #[error(
        "no credential is configured for {}: set one with `ClientBuilder::credential`",
        credentials::describe(alternatives)
    )]
    MissingCredential {
        alternatives: &'static [&'static [&'static str]],
    },
    /// The credential configured for the scheme of this key is empty.
    #[error("the credential configured for `{scheme}` is empty")]
    EmptyCredential { scheme: &'static str },
    /// The expiring access token could not be renewed; the message says why
    /// (the refresh call's own error).
    #[error("could not refresh the access token: {0}")]
    TokenRefresh(String),
    #[error("the required header `{0}` has no value: set a client default or a per-call value")]
    MissingHeader(&'static str),
    #[error("{0}")]
    InvalidInput(InvalidInput),
    #[error("the operation does not take {0}")]
    NotAccepted(&'static str),
    #[error("{0}")]
    InvalidRequest(String),
    /// The operation's host has no base URL in the environment.
    #[error("no base URL for the `{host}` host: {reason}")]
    NoBaseUrl { host: String, reason: String },
}

/// Reads an error body into `F`: from inside its envelope when the spec has
/// one and the body uses it, else flat. The top-level `message` beside an
/// envelope is the summary.
fn read_fields<F: ErrorFields>(body: &[u8]) -> (Option<F>, Option<String>) {
    let Ok(Value::Object(mut object)) = serde_json::from_slice::<Value>(body) else {
        return (None, None);
    };
    if let Some(envelope) = F::ENVELOPE
        && object.get(envelope).is_some_and(Value::is_object)
    {
        let summary = object
            .get("message")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let nested = object.remove(envelope).unwrap_or_default();
        return (lenient(nested), summary);
    }
    (lenient(Value::Object(object)), None)
}

/// A number or boolean where the spec says string (`"decline_code": 51`)
/// is read as its text rather than losing every field.
fn lenient<F: ErrorFields>(value: Value) -> Option<F> {
    if let Ok(fields) = serde_json::from_value(value.clone()) {
        return Some(fields);
    }
    let Value::Object(fields) = value else {
        return None;
    };
    let as_text = fields
        .into_iter()
        .map(|(key, value)| match value {
            Value::Number(_) | Value::Bool(_) => (key, Value::String(value.to_string())),
            other => (key, other),
        })
        .collect();
    serde_json::from_value(Value::Object(as_text)).ok()
}

/// An error response, with every field the spec defines and the whole body.
#[derive(Clone)]
pub struct ApiError<A: Api> {
    pub status: u16,
    /// The spec's error fields, read from the body leniently; `None` when the
    /// body is not the spec's error body (a proxy's HTML page, say).
    pub detail: Option<A::ErrorFields>,
    /// The top-level `message` beside an envelope (often the HTTP status line).
    pub summary: Option<String>,
    /// The request id header of the response, for the API's support.
    pub request_id: Option<String>,
    /// Every response header, e.g. `retry-after` and `x-ratelimit-*`.
    pub headers: HeaderMap,
    pub body: RawBody,
}

/// Response headers that may carry a request id, most specific first.
const REQUEST_ID_HEADERS: [&str; 2] = ["x-clover-request-id", "x-request-id"];

/// Clover's `X-RateLimit-*` headers, which name the limit a 429 reached.
pub(crate) fn is_rate_limit_header(name: &str) -> bool {
    name.starts_with("x-ratelimit-")
}

/// The request id a response carries, if any.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<&str> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|name| headers.get(*name))
        .and_then(|value| value.to_str().ok())
}

impl<A: Api> ApiError<A> {
    pub(crate) fn from_response(response: Response) -> Self {
        let (detail, summary) = read_fields(&response.body);
        ApiError {
            status: response.status.as_u16(),
            detail,
            summary,
            request_id: request_id(&response.headers).map(str::to_owned),
            headers: response.headers,
            body: RawBody(response.body.to_vec()),
        }
    }

    /// How long the response asks the caller to wait (`Retry-After`, in
    /// seconds or as an HTTP date).
    pub fn retry_after(&self) -> Option<Duration> {
        retry::retry_after(&self.headers, SystemTime::now())
    }

    /// The `X-RateLimit-*` headers, names in lower case: on a 429 they name
    /// the limit that was reached (`x-ratelimit-tokenlimit`, …).
    pub fn rate_limits(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers.iter().filter_map(|(name, value)| {
            let name = name.as_str();
            match (is_rate_limit_header(name), value.to_str()) {
                (true, Ok(value)) => Some((name, value)),
                _ => None,
            }
        })
    }

    /// The fields report a failure on the server's side while handling the
    /// request (which values do is the spec's to say): it may have gone
    /// through, and the same request may succeed later.
    pub fn is_transient(&self) -> bool {
        self.detail.as_ref().is_some_and(ErrorFields::is_transient)
    }
}

/// Response headers whose values `Debug` shows, besides the request id and
/// rate-limit headers; others (`set-cookie`, `location`, …) may carry
/// secrets and show by name only.
const SHOWN_HEADERS: [&str; 3] = ["content-type", "retry-after", "date"];

impl<A: Api> fmt::Debug for ApiError<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<String> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let name = name.as_str();
                let shown = SHOWN_HEADERS.contains(&name)
                    || REQUEST_ID_HEADERS.contains(&name)
                    || is_rate_limit_header(name);
                match (shown, value.to_str()) {
                    (true, Ok(value)) => format!("{name}: {value}"),
                    _ => name.to_owned(),
                }
            })
            .collect();
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("detail", &self.detail)
            .field("summary", &self.summary)
            .field("request_id", &self.request_id)
            .field("headers", &headers)
            .field("body", &self.body)
            .finish()
    }
}

impl<A: Api> fmt::Display for ApiError<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        // The summary is usually the status line, so it comes only when
        // the fields say nothing.
        match self.detail.as_ref().map(ToString::to_string) {
            Some(fields) if !fields.is_empty() => write!(f, " {fields}"),
            _ => match &self.summary {
                Some(summary) => write!(f, ": {summary}"),
                // A redirect's body may repeat the request's query, secrets included.
                None if (300..400).contains(&self.status) => {
                    f.write_str(": a redirect, not followed")
                }
                None => self.body.describe(f),
            },
        }
    }
}

/// A response body kept as received. `Debug` shows only its size, since a
/// body (an OAuth token response, say) may hold secrets.
#[derive(Clone, Default, PartialEq, Eq)]
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

impl RawBody {
    /// A short plain-text body as it is (a proxy's "Bad Gateway"), anything
    /// else by its size.
    fn describe(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 200;
        match self.as_str().map(str::trim) {
            Some("") => f.write_str(": empty body"),
            Some(text)
                if text.len() <= SHOWN
                    && !text.starts_with(['{', '['])
                    && !text.contains(char::is_control) =>
            {
                write!(f, ": {text:?}")
            }
            _ => write!(f, ": {} bytes of unrecognised body", self.0.len()),
        }
    }
}

impl fmt::Debug for RawBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RawBody(<{} bytes>)", self.0.len())
    }
}
