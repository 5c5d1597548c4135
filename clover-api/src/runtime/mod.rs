//! The hand-written runtime under the generated code. A call goes
//! `request` (plain data from a generated method) → `prepare` (every
//! refusal, the idempotency key) → `retry` (the attempt loop, around `send`)
//! → `decode`; `trace` reports it, `error` says what went wrong.

mod client;
mod decode;
mod environment;
mod error;
pub(crate) mod lenient;
mod prepare;
mod request;
mod retry;
mod secret;
mod send;
mod trace;
pub(crate) mod validate;

pub use client::{BuildError, Client, ClientBuilder};
pub use environment::{Environment, InvalidBaseUrl};
pub use error::{ApiError, AttemptFailure, CredentialKind, Error, FailedAttempt, RawBody, Refusal};
pub use request::Call;
#[allow(
    unused_imports,
    reason = "generated code uses it for enum-typed parameters; the current spec has none"
)]
pub(crate) use request::ParamValue;
pub(crate) use request::{Credential, ForwardedFor, Operation, Replay, Request};
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use validate::InvalidInput;
