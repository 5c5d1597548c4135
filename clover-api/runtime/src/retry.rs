//! The attempt loop: which failures are retried, how long to wait, and when
//! to give up. The one place a call is sent more than once.

use std::time::{Duration, Instant, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::api::Api;
use crate::error::{ApiError, AttemptFailure, Error, FailedAttempt, is_rate_limit_header};
use crate::prepare::Prepared;
use crate::request::Replay;
use crate::send::{self, Response, SendFailure};
use crate::trace;

/// How a call is retried when an attempt fails.
///
/// The defaults: 3 attempts, full-jitter exponential backoff from 500 ms
/// capped at 8 s, 30 s per attempt, 75 s for the whole call. A server's
/// `Retry-After` (seconds or an HTTP date) replaces the backoff, and a 429
/// that names one of Clover's `X-RateLimit-*` limits waits at least one
/// second, the window those limits count in; a wait that would end past the
/// deadline ends the call instead.
///
/// What is retried follows from what is safe: a failure before anything was
/// sent and a 429 always; a failure that may have reached Clover (a lost
/// connection, a timeout, a 5xx, a 409 while the same idempotency key is
/// still in progress) only for reads and for operations that send an
/// idempotency key, which every attempt repeats unchanged. Other 4xx and a
/// success whose body does not decode are never retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    attempt_timeout: Duration,
    deadline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            attempt_timeout: Duration::from_secs(30),
            deadline: Duration::from_secs(75),
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retry; the timeouts are the defaults.
    pub fn never() -> Self {
        RetryPolicy::default().max_attempts(1)
    }

    /// Attempts in all, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The longest wait before the second attempt; it doubles for each
    /// later one, and the actual wait is a random part of it (full jitter).
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The most the backoff grows to.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// Time allowed for one attempt, from sending to the end of the body
    /// (at least 1 ms).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// Time allowed for the whole call, attempts and waits together. A retry
    /// starts only if a full attempt (or a second, if that is less) still
    /// fits; the first attempt always gets that much.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// The least time an attempt is given.
    fn minimum_budget(&self) -> Duration {
        self.attempt_timeout.min(Duration::from_secs(1))
    }

    /// The full-jitter wait after `failed` attempts: a random time up to
    /// `initial_backoff × 2^(failed-1)`, capped.
    fn backoff(&self, failed: u32) -> Duration {
        let doubling = 2_u32.saturating_pow(failed.saturating_sub(1));
        let ceiling = self
            .initial_backoff
            .saturating_mul(doubling)
            .min(self.max_backoff);
        let millis = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(fastrand::u64(0..=millis))
    }
}

/// The attempts of one call so far, and when it began. Every round of
/// sending shares it: a call sent again after a 401 renewal keeps its
/// history and its deadline.
#[derive(Debug)]
pub(crate) struct Progress {
    start: Instant,
    pub attempts: Vec<FailedAttempt>,
}

impl Progress {
    pub fn new() -> Self {
        Progress {
            start: Instant::now(),
            attempts: Vec::new(),
        }
    }

    fn remaining(&self, policy: &RetryPolicy) -> Duration {
        policy.deadline.saturating_sub(self.start.elapsed())
    }
}

/// Sends the request until it succeeds, fails for good, or runs out of
/// attempts or time; the failed attempts are recorded in `progress`.
pub(crate) async fn send<A: Api>(
    http: &reqwest::Client,
    prepared: &Prepared<A>,
    policy: &RetryPolicy,
    limit: usize,
    progress: &mut Progress,
) -> Result<Response, Failure<A>> {
    let key_sent = prepared.idempotency_key.is_some();
    loop {
        let number = progress.attempts.len() as u32 + 1;
        // Never less than the minimum budget, so an attempt is never cut
        // off before it could be sent.
        let timeout = policy
            .attempt_timeout
            .min(progress.remaining(policy).max(policy.minimum_budget()));
        let began = Instant::now();
        let result = send::attempt(http, prepared, timeout, limit).await;
        let latency = began.elapsed();
        let failure = match result {
            Ok(response) if response.status.is_success() => {
                trace::succeeded(prepared, number, &response, latency);
                return Ok(response);
            }
            Ok(response) => Failure::Status(Box::new(ApiError::from_response(response))),
            Err(failure) => Failure::Send(failure),
        };
        let attempt = failure.record(number, key_sent);
        let delay = failure
            .retry(prepared.operation.replay, key_sent)
            // Counts every round: a send after a 401 renewal adds no retries.
            .filter(|_| number < policy.max_attempts)
            .map(|hint| hint.unwrap_or_else(|| policy.backoff(number)))
            .filter(|delay| fits(*delay, policy, progress));
        trace::failed(
            prepared,
            number,
            &attempt,
            failure.status(),
            failure.request_id(),
            latency,
            delay,
        );
        progress.attempts.push(attempt);
        match delay {
            Some(delay) => tokio::time::sleep(delay).await,
            None => return Err(failure),
        }
    }
}

/// Whether a wait of `delay` still leaves a useful attempt before the deadline.
fn fits(delay: Duration, policy: &RetryPolicy, progress: &Progress) -> bool {
    delay
        .checked_add(policy.minimum_budget())
        .is_some_and(|needed| needed <= progress.remaining(policy))
}

/// Why one attempt failed.
pub(crate) enum Failure<A: Api> {
    Send(SendFailure),
    Status(Box<ApiError<A>>),
}

impl<A: Api> Failure<A> {
    /// The server refused the credential: nothing happened.
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, Failure::Status(error) if error.status == 401)
    }

    /// Whether to try again, and after how long if the server said so.
    fn retry(&self, replay: Replay, key_sent: bool) -> Option<Option<Duration>> {
        let safe = replay == Replay::Safe;
        match self {
            Failure::Send(failure @ SendFailure::Transport { .. }) => {
                (safe || !failure.may_have_reached_server()).then_some(None)
            }
            Failure::Send(SendFailure::TooLarge { .. }) => None,
            Failure::Status(error) if error.status == StatusCode::TOO_MANY_REQUESTS.as_u16() => {
                Some(server_delay(&error.headers, SystemTime::now()))
            }
            Failure::Status(error) => {
                // A 409 means the key is still in progress only when a key was sent.
                let in_progress = error.status == 409 && key_sent;
                let transient = error.status >= 500 || in_progress || error.is_transient();
                (safe && transient).then(|| retry_after(&error.headers, SystemTime::now()))
            }
        }
    }

    fn record(&self, number: u32, key_sent: bool) -> FailedAttempt {
        let (reason, may_have_taken_effect) = match self {
            Failure::Send(SendFailure::Transport { sent: false, .. }) => {
                (AttemptFailure::NoConnection, false)
            }
            Failure::Send(SendFailure::Transport { cause, .. }) if cause.is_timeout() => {
                (AttemptFailure::TimedOut, true)
            }
            Failure::Send(SendFailure::Transport { .. }) => (AttemptFailure::ConnectionLost, true),
            Failure::Send(SendFailure::TooLarge { status, .. }) => (
                AttemptFailure::BodyTooLarge(status.as_u16()),
                status_may_have_taken_effect(status.as_u16(), key_sent),
            ),
            Failure::Status(error) => (
                AttemptFailure::Status(error.status),
                status_may_have_taken_effect(error.status, key_sent) || error.is_transient(),
            ),
        };
        FailedAttempt {
            number,
            reason,
            may_have_taken_effect,
        }
    }

    fn status(&self) -> Option<u16> {
        match self {
            Failure::Status(error) => Some(error.status),
            Failure::Send(SendFailure::TooLarge { status, .. }) => Some(status.as_u16()),
            Failure::Send(SendFailure::Transport { .. }) => None,
        }
    }

    fn request_id(&self) -> Option<&str> {
        match self {
            Failure::Status(error) => error.request_id.as_deref(),
            Failure::Send(_) => None,
        }
    }

    pub fn into_error(self, prepared: &Prepared<A>, attempts: Vec<FailedAttempt>) -> Error<A> {
        let operation = prepared.operation.id;
        let idempotency_key = prepared.idempotency_key.clone();
        match self {
            Failure::Status(error) => Error::Api {
                operation,
                idempotency_key,
                attempts,
                error,
            },
            Failure::Send(SendFailure::Transport { sent, cause }) => Error::Transport {
                operation,
                may_have_reached_server: sent,
                idempotency_key,
                host: prepared.host().to_owned(),
                attempts,
                cause,
            },
            Failure::Send(SendFailure::TooLarge { status, limit }) => Error::Decode {
                operation,
                idempotency_key,
                status: status.as_u16(),
                path: String::new(),
                problem: format!("the body is larger than the client's limit of {limit} bytes"),
                body: Default::default(),
                attempts,
            },
        }
    }
}

/// Whether the server may have performed an operation that answered `status`:
/// false only when the status says it surely did not.
pub(crate) fn status_may_have_taken_effect(status: u16, key_sent: bool) -> bool {
    match status {
        // Moved elsewhere: the request was not handled here.
        301 | 307 | 308 => false,
        // The same idempotency key is still being processed.
        409 => key_sent,
        400..=499 => false,
        _ => true,
    }
}

/// `Retry-After`, or one rate-limit window for a 429 naming a Clover limit.
fn server_delay(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    /// Clover's limits count requests per second.
    const RATE_LIMIT_WINDOW: Duration = Duration::from_secs(1);
    let names_a_limit = headers
        .keys()
        .any(|name| is_rate_limit_header(name.as_str()));
    retry_after(headers, now).or(names_a_limit.then_some(RATE_LIMIT_WINDOW))
}

/// `Retry-After` as seconds or an HTTP date; a date in the past is no wait.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    match value.parse::<u64>() {
        Ok(seconds) => Some(Duration::from_secs(seconds)),
        Err(_) => {
            let date = httpdate::parse_http_date(value).ok()?;
            Some(date.duration_since(now).unwrap_or(Duration::ZERO))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| {
                (
                    reqwest::header::HeaderName::from_static(name),
                    value.parse().unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = httpdate::parse_http_date("Sun, 22 Nov 2026 10:00:00 GMT").unwrap();
        let at = |value| retry_after(&headers(&[("retry-after", value)]), now);
        assert_eq!(at("7"), Some(Duration::from_secs(7)));
        assert_eq!(
            at("Sun, 22 Nov 2026 10:00:30 GMT"),
            Some(Duration::from_secs(30))
        );
        assert_eq!(at("Sun, 22 Nov 2026 09:00:00 GMT"), Some(Duration::ZERO));
        assert_eq!(at("soon"), None);
    }

    #[test]
    fn a_429_naming_a_rate_limit_waits_one_window() {
        let now = SystemTime::now();
        let limited = headers(&[("x-ratelimit-tokenlimit", "16")]);
        assert_eq!(server_delay(&limited, now), Some(Duration::from_secs(1)));
        let both = headers(&[("x-ratelimit-tokenlimit", "16"), ("retry-after", "3")]);
        assert_eq!(server_delay(&both, now), Some(Duration::from_secs(3)));
        assert_eq!(server_delay(&HeaderMap::new(), now), None);
    }

    #[test]
    fn backoff_is_jittered_below_a_doubling_capped_ceiling() {
        let policy = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(300));
        for (failed, ceiling) in [(1, 100), (2, 200), (3, 300), (30, 300)] {
            let waits: Vec<u128> = (0..200)
                .map(|_| policy.backoff(failed).as_millis())
                .collect();
            assert!(
                waits.iter().all(|wait| *wait <= ceiling),
                "{failed}: {waits:?}"
            );
            assert!(
                waits.iter().any(|wait| *wait > ceiling / 2),
                "{failed}: never above half the ceiling"
            );
            assert!(
                waits.iter().any(|wait| *wait < ceiling / 2),
                "{failed}: never below half the ceiling"
            );
        }
    }

    #[test]
    fn only_a_status_that_proves_nothing_happened_says_so() {
        for status in [200, 201, 302, 303, 500, 502, 503] {
            assert!(status_may_have_taken_effect(status, false), "{status}");
        }
        for status in [301, 307, 308, 400, 401, 402, 404, 409, 422, 429] {
            assert!(!status_may_have_taken_effect(status, false), "{status}");
        }
        assert!(status_may_have_taken_effect(409, true));
        assert!(!status_may_have_taken_effect(429, true));
    }

    #[test]
    fn never_is_one_attempt_and_attempts_are_at_least_one() {
        assert_eq!(RetryPolicy::never().max_attempts, 1);
        assert_eq!(RetryPolicy::default().max_attempts(0).max_attempts, 1);
        assert_eq!(RetryPolicy::default().max_attempts, 3);
    }
}
