//! The hand-written runtime under the generated code: configuration,
//! environments, credentials, sending, errors.

mod client;
mod environment;
mod error;
pub(crate) mod lenient;
mod request;
mod secret;
pub(crate) mod validate;

pub use client::{BuildError, Client, ClientBuilder};
pub use environment::{Environment, InvalidBaseUrl};
pub use error::{ApiError, CredentialKind, Error, RawBody, Refusal};
pub use request::Call;
#[allow(
    unused_imports,
    reason = "generated code uses it for enum-typed parameters; the current spec has none"
)]
pub(crate) use request::ParamValue;
pub(crate) use request::{Credential, ForwardedFor, Operation, Request};
pub use secret::Secret;
pub use validate::InvalidInput;
