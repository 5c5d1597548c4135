//! Idempotency keys: the same key and body replays the stored answer, the
//! same key with another body is refused, and a key still being processed
//! answers 409.

use std::collections::HashMap;

use hyper::StatusCode;

use super::errors::Failure;
use super::exchange::Reply;
use crate::models::ErrorType;

#[derive(Debug, Default)]
pub(crate) struct Keys {
    entries: HashMap<String, Entry>,
}

#[derive(Debug)]
struct Entry {
    /// Method, path and body of the request that first used the key.
    fingerprint: Vec<u8>,
    /// `None` while that request is being processed.
    reply: Option<Reply>,
}

/// What a request carrying a key may do.
#[derive(Debug)]
pub(crate) enum Admission {
    /// First use of the key: perform the operation, then [`Keys::finish`].
    Perform,
    Replay(Reply),
    Refuse(Failure),
}

impl Keys {
    pub fn begin(&mut self, key: &str, fingerprint: Vec<u8>) -> Admission {
        let Some(entry) = self.entries.get(key) else {
            self.entries.insert(
                key.to_owned(),
                Entry {
                    fingerprint,
                    reply: None,
                },
            );
            return Admission::Perform;
        };
        if entry.fingerprint != fingerprint {
            return Admission::Refuse(Failure::new(
                StatusCode::BAD_REQUEST,
                ErrorType::IdempotencyError,
                "Keys for idempotent requests can only be used with the same parameters they were first used with.",
            ));
        }
        match &entry.reply {
            Some(reply) => Admission::Replay(reply.clone()),
            None => Admission::Refuse(Failure::new(
                StatusCode::CONFLICT,
                ErrorType::IdempotencyError,
                "A request with this idempotency key is in progress.",
            )),
        }
    }

    /// Stores the answer of the request that began with `key`.
    pub fn finish(&mut self, key: &str, reply: &Reply) {
        if let Some(entry) = self.entries.get_mut(key) {
            entry.reply = Some(reply.clone());
        }
    }

    /// Frees `key` after its request failed without an answer to store.
    pub fn abandon(&mut self, key: &str) {
        if self
            .entries
            .get(key)
            .is_some_and(|entry| entry.reply.is_none())
        {
            self.entries.remove(key);
        }
    }
}

/// What a key's later uses are compared with.
pub(crate) fn fingerprint(method: &str, path: &str, body: &[u8]) -> Vec<u8> {
    let mut fingerprint = format!("{method} {path}\n").into_bytes();
    fingerprint.extend_from_slice(body);
    fingerprint
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_replays_refuses_another_body_and_answers_409_while_in_progress() {
        let mut keys = Keys::default();
        let body = fingerprint("POST", "/v1/charges", b"{}");
        assert!(matches!(keys.begin("k", body.clone()), Admission::Perform));
        let Admission::Refuse(in_progress) = keys.begin("k", body.clone()) else {
            panic!("expected a refusal");
        };
        assert_eq!(in_progress.status, StatusCode::CONFLICT);
        keys.finish(
            "k",
            &Reply::json(StatusCode::OK, &serde_json::json!({"id": "CH1"})),
        );
        let Admission::Replay(reply) = keys.begin("k", body) else {
            panic!("expected a replay");
        };
        assert_eq!(reply.body, br#"{"id":"CH1"}"#);
        let Admission::Refuse(mismatch) =
            keys.begin("k", fingerprint("POST", "/v1/charges", b"{ }"))
        else {
            panic!("expected a refusal");
        };
        assert_eq!(mismatch.status, StatusCode::BAD_REQUEST);
        assert_eq!(mismatch.detail.r#type, Some(ErrorType::IdempotencyError));
    }
}
