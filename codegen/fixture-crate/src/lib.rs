//! The generator's output for `codegen/tests/fixtures/kitchen_sink.yaml`
//! (every supported construct and awkward name), compiled over the real
//! runtime of `clover-api`. Clippy runs over it with the workspace, and
//! `tests/` sends its requests, so a generator change that emits broken or
//! wrong code fails here, not in a downstream crate.
#![allow(
    dead_code,
    reason = "the runtime is included whole; this spec does not use all of it"
)]

#[path = "../../../clover-api/src/runtime/mod.rs"]
mod runtime;

#[rustfmt::skip]
mod generated;

pub use generated::{Host, models};
pub use runtime::{
    ApiError, AttemptFailure, BuildError, Call, Client, ClientBuilder, CredentialKind, Environment,
    Error, FailedAttempt, InvalidBaseUrl, InvalidInput, RawBody, Refusal, RetryPolicy, Secret,
};
