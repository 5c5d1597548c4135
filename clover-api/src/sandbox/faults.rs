//! Faults a test injects to see how its own code copes: lost responses,
//! errors, rate limits and slow answers.

use std::time::Duration;

/// What the sandbox does to a matching request instead of, or besides,
/// answering it normally.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Performs the operation in full (the charge exists, the idempotency key
    /// holds its answer), then drops the connection with a TCP reset and no
    /// response: the caller cannot tell whether it happened.
    ResetAfterCommit,
    /// Answers this status with Clover's error body (`api_error` /
    /// `processing_error` for a 5xx) and does nothing.
    Status(u16),
    /// Answers 429 `rate_limit_error` with `Retry-After` (whole seconds,
    /// rounded up) and `X-RateLimit-tokenLimit`, and does nothing.
    RateLimited { retry_after: Duration },
    /// Holds the request this long before performing it. Its idempotency
    /// key is in progress meanwhile: the same key gets a 409.
    Latency(Duration),
}

/// Which requests a [`Fault`] applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// `None`: any request, on any host.
    operation: Option<String>,
    times: usize,
}

impl Match {
    /// The next `times` requests, whatever they are.
    pub fn next(times: usize) -> Match {
        Match {
            operation: None,
            times,
        }
    }

    /// The next request for the operation with this `operationId` (such as
    /// `createCharge`); [`Match::times`] for more.
    pub fn operation(operation_id: impl Into<String>) -> Match {
        Match {
            operation: Some(operation_id.into()),
            times: 1,
        }
    }

    /// Applies to this many matching requests instead.
    pub fn times(mut self, times: usize) -> Match {
        self.times = times;
        self
    }

    pub(crate) fn operation_id(&self) -> Option<&str> {
        self.operation.as_deref()
    }
}

/// Injected faults, oldest first; each request takes the oldest it matches.
#[derive(Debug, Default)]
pub(crate) struct Injections {
    queued: Vec<(Fault, Match)>,
}

impl Injections {
    pub fn push(&mut self, fault: Fault, when: Match) {
        if when.times > 0 {
            self.queued.push((fault, when));
        }
    }

    /// The fault for a request to `operation` (`None`: no operation has
    /// that method and path), used up by one.
    pub fn take(&mut self, operation: Option<&str>) -> Option<Fault> {
        let index = self.queued.iter().position(|(_, when)| {
            when.operation
                .as_deref()
                .is_none_or(|wanted| Some(wanted) == operation)
        })?;
        let (fault, when) = &mut self.queued[index];
        let fault = fault.clone();
        when.times -= 1;
        if when.times == 0 {
            self.queued.remove(index);
        }
        Some(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_request_takes_the_oldest_fault_it_matches() {
        let mut injections = Injections::default();
        injections.push(
            Fault::Status(500),
            Match::operation("createCharge").times(2),
        );
        injections.push(Fault::ResetAfterCommit, Match::next(1));
        injections.push(Fault::Status(503), Match::next(0));
        assert_eq!(
            injections.take(Some("getCharge")),
            Some(Fault::ResetAfterCommit)
        );
        assert_eq!(injections.take(None), None);
        assert_eq!(
            injections.take(Some("createCharge")),
            Some(Fault::Status(500))
        );
        assert_eq!(
            injections.take(Some("createCharge")),
            Some(Fault::Status(500))
        );
        assert_eq!(injections.take(Some("createCharge")), None);
    }
}
