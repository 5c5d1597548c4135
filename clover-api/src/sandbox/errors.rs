//! Clover's error answers: a status and the body
//! `{"message": "400 Bad Request", "error": {"type", "code", "message", "param", …}}`,
//! built from the SDK's own `ErrorResponse` model.

use hyper::StatusCode;

use crate::models::{ErrorCode, ErrorDetail, ErrorResponse, ErrorType};

/// An error answer, before it is written.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub status: StatusCode,
    /// Boxed: failures travel in every handler's `Result`.
    pub detail: Box<ErrorDetail>,
    /// Headers beyond `content-type`, such as `retry-after`.
    pub headers: Vec<(&'static str, String)>,
}

impl Failure {
    pub fn new(status: StatusCode, kind: ErrorType, message: impl Into<String>) -> Failure {
        Failure {
            status,
            detail: Box::new(ErrorDetail {
                r#type: Some(kind),
                message: Some(message.into()),
                ..ErrorDetail::default()
            }),
            headers: Vec::new(),
        }
    }

    pub fn code(mut self, code: ErrorCode) -> Failure {
        self.detail.code = Some(code);
        self
    }

    pub fn param(mut self, param: impl Into<String>) -> Failure {
        self.detail.param = Some(param.into());
        self
    }

    /// 400 `invalid_request_error` naming the field at fault.
    pub fn invalid(param: impl Into<String>, message: impl Into<String>) -> Failure {
        Failure::new(
            StatusCode::BAD_REQUEST,
            ErrorType::InvalidRequestError,
            message,
        )
        .code(ErrorCode::InvalidRequest)
        .param(param)
    }

    /// 400 `invalid_request_error` about the body as a whole.
    pub fn malformed(message: impl Into<String>) -> Failure {
        Failure::new(
            StatusCode::BAD_REQUEST,
            ErrorType::InvalidRequestError,
            message,
        )
        .code(ErrorCode::InvalidRequest)
    }

    /// 400 `invalid_request_error` with a specific code.
    pub fn refused(code: ErrorCode, message: impl Into<String>) -> Failure {
        Failure::new(
            StatusCode::BAD_REQUEST,
            ErrorType::InvalidRequestError,
            message,
        )
        .code(code)
    }

    /// 404 `resource_missing`: no `what` with the ID given in `param`.
    pub fn missing(what: &str, param: &str) -> Failure {
        Failure::new(
            StatusCode::NOT_FOUND,
            ErrorType::InvalidRequestError,
            format!("No such {what}."),
        )
        .code(ErrorCode::ResourceMissing)
        .param(param)
    }

    /// 400 `card_error`: the card was refused; `charge` is the failed charge.
    pub fn card(code: ErrorCode, message: impl Into<String>, charge: Option<&str>) -> Failure {
        let mut failure =
            Failure::new(StatusCode::BAD_REQUEST, ErrorType::CardError, message).code(code);
        failure.detail.charge = charge.map(str::to_owned);
        failure
    }

    /// 401 `authentication_error`.
    pub fn unauthorized(message: &str) -> Failure {
        Failure::new(
            StatusCode::UNAUTHORIZED,
            ErrorType::AuthenticationError,
            message,
        )
    }

    /// The body as Clover writes it.
    pub fn body(&self) -> ErrorResponse {
        ErrorResponse {
            message: Some(status_line(self.status)),
            error: Some(ErrorDetail::clone(&self.detail)),
        }
    }
}

/// `400 Bad Request`, Clover's top-level `message`.
pub(crate) fn status_line(status: StatusCode) -> String {
    format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Unknown")
    )
}

/// The error Clover's documentation pairs with a status, for injected faults.
pub(crate) fn for_status(status: StatusCode) -> Failure {
    let message = "Injected by the sandbox; nothing was done.";
    let (kind, code) = match status.as_u16() {
        401 => (ErrorType::AuthenticationError, None),
        402 => (ErrorType::CardError, Some(ErrorCode::CardDeclined)),
        403 => (ErrorType::AuthenticationError, None),
        404 => (
            ErrorType::InvalidRequestError,
            Some(ErrorCode::ResourceMissing),
        ),
        409 => (ErrorType::IdempotencyError, None),
        429 => (ErrorType::RateLimitError, Some(ErrorCode::RateLimit)),
        500.. => (ErrorType::ApiError, Some(ErrorCode::ProcessingError)),
        _ => (
            ErrorType::InvalidRequestError,
            Some(ErrorCode::InvalidRequest),
        ),
    };
    let failure = Failure::new(status, kind, message);
    match code {
        Some(code) => failure.code(code),
        None => failure,
    }
}
