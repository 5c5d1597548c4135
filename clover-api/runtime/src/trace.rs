//! What a call tells `tracing`: one span per call, one event per attempt.
//!
//! Only what an operator needs to follow a payment: the operation, host,
//! method, attempt, status, latency, request id, idempotency key and the
//! next wait. Never a header value, a body or a credential.

use std::time::Duration;

use tracing::Span;

use crate::api::Api;
use crate::error::{FailedAttempt, Refusal, request_id};
use crate::prepare::Prepared;
use crate::send::Response;

/// The span every attempt of one call is recorded in.
pub(crate) fn call_span<A: Api>(prepared: &Prepared<A>) -> Span {
    tracing::info_span!(
        "call",
        operation = prepared.operation.id,
        host = prepared.host(),
        method = %prepared.method,
    )
}

pub(crate) fn succeeded<A: Api>(
    prepared: &Prepared<A>,
    attempt: u32,
    response: &Response,
    latency: Duration,
) {
    tracing::info!(
        attempt,
        idempotency_key = prepared.idempotency_key.as_deref(),
        status = response.status.as_u16(),
        latency_ms = millis(latency),
        request_id = request_id(&response.headers),
        "attempt succeeded"
    );
}

pub(crate) fn failed<A: Api>(
    prepared: &Prepared<A>,
    attempt: u32,
    failure: &FailedAttempt,
    status: Option<u16>,
    request_id: Option<&str>,
    latency: Duration,
    next_delay: Option<Duration>,
) {
    tracing::warn!(
        attempt,
        idempotency_key = prepared.idempotency_key.as_deref(),
        status,
        failure = %failure.reason,
        may_have_taken_effect = failure.may_have_taken_effect,
        latency_ms = millis(latency),
        request_id,
        next_delay_ms = next_delay.map(millis),
        "{}",
        if next_delay.is_some() {
            "attempt failed; retrying"
        } else {
            "attempt failed; giving up"
        }
    );
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// A 401 could not be followed by a renewal; the call ends with the 401.
pub(crate) fn renewal_failed(reason: &Refusal) {
    tracing::warn!(reason = %reason, "the access token was refused and could not be renewed");
}
