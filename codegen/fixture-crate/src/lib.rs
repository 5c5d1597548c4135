//! The generator's output for `codegen/tests/fixtures/kitchen_sink.yaml`
//! (every supported construct and awkward name), compiled over the runtime
//! crate alone, without Clover's spec. Clippy runs over it with the
//! workspace, and `tests/` sends its requests, so a generator change that
//! emits broken or wrong code fails here, not in a downstream crate.
//!
//! `src/generated/` is rewritten by `cargo xtask generate --spec
//! codegen/tests/fixtures/kitchen_sink.yaml --out codegen/fixture-crate`;
//! this file and `Cargo.toml` are hand-written, so the generator leaves them.

#[rustfmt::skip]
mod generated;

pub use clover_api_runtime::{BasicCredentials, Refusal, RetryPolicy, Secret};
pub use generated::{
    ApiError, Call, Client, ClientBuilder, Environment, Error, Host, Pages, Server, Spec, models,
    schemes,
};
