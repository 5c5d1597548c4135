//! Success bodies into the call's output: JSON decoded plainly, and decoded
//! again with path tracking only when the first pass fails, to say where and
//! why; text and bytes as they are. Each function here is a
//! [`Decoder`](crate::Decoder); a generated type with one shape per status
//! decodes each through them.

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::error::Category;

/// Where a body failed to decode, and what was wrong, without its values.
#[derive(Debug, PartialEq, Eq)]
pub struct DecodeFailure {
    /// Where in the JSON body, e.g. `source.exp_month`; empty for the whole body.
    pub path: String,
    pub problem: String,
}

impl DecodeFailure {
    /// A 2xx status the spec does not declare, for a type that reads each
    /// declared status its own way.
    pub fn undeclared(status: u16) -> Self {
        DecodeFailure {
            path: String::new(),
            problem: format!("the spec declares no response for status {status}"),
        }
    }
}

/// The whole body as JSON; an empty one is `null`, which `()` expects.
/// Bytes after the JSON value are an error.
pub fn json<T: DeserializeOwned>(_status: u16, body: &Bytes) -> Result<T, DecodeFailure> {
    let json: &[u8] = if body.is_empty() { b"null" } else { body };
    serde_json::from_slice(json).map_err(|_| explain::<T>(json))
}

/// The whole body as UTF-8 text (`text/*` responses).
pub fn text(_status: u16, body: &Bytes) -> Result<String, DecodeFailure> {
    String::from_utf8(body.to_vec()).map_err(|error| DecodeFailure {
        path: String::new(),
        problem: format!(
            "not UTF-8 text (invalid byte at offset {})",
            error.utf8_error().valid_up_to()
        ),
    })
}

/// The whole body as it came (binary responses); never fails.
pub fn bytes(_status: u16, body: &Bytes) -> Result<Bytes, DecodeFailure> {
    Ok(body.clone())
}

/// The slow pass: the failing path, and the problem told by the kind of
/// value found there, never by the value (it may be a card number).
fn explain<T: DeserializeOwned>(json: &[u8]) -> DecodeFailure {
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    let (path, inner) = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(error) => (error.path().to_string(), error.into_inner()),
        // The value decoded, so what failed the fast pass came after it.
        Ok(_) => (
            String::new(),
            deserializer
                .end()
                .expect_err("the fast pass failed on the same input"),
        ),
    };
    let problem = match inner.classify() {
        Category::Syntax | Category::Io => format!(
            "not valid JSON at line {}, column {}",
            inner.line(),
            inner.column()
        ),
        Category::Eof => "the body ends before its JSON value does".to_owned(),
        Category::Data => {
            let position = format!(" at line {} column {}", inner.line(), inner.column());
            let message = inner.to_string();
            let message = message.strip_suffix(&position).unwrap_or(&message);
            data_problem(message, found_at(json, &path))
        }
    };
    DecodeFailure { path, problem }
}

/// serde's data errors read "invalid type: <the value>, expected <the
/// type's description>"; only the part after the last ", expected " comes
/// from the model, so only that part is kept.
fn data_problem(message: &str, found: &str) -> String {
    if let Some((_, expected)) = message.rsplit_once(", expected ") {
        return format!("found {found}, expected {expected}");
    }
    if message.starts_with("missing field `") || message.starts_with("duplicate field `") {
        // The field's name comes from the model.
        return message.to_owned();
    }
    format!("found {found} that the model does not accept")
}

/// The kind of JSON value at a serde path such as `source.exp_month` or `data[2].id`.
fn found_at(json: &[u8], path: &str) -> &'static str {
    let Ok(mut value) = serde_json::from_slice::<Value>(json) else {
        return "a value";
    };
    for segment in path.split('.').filter(|segment| !segment.is_empty()) {
        let (key, indexes) = segment.split_once('[').unwrap_or((segment, ""));
        if !key.is_empty() {
            value = value.get(key).cloned().unwrap_or(Value::Null);
        }
        for index in indexes.split('[').filter(|index| !index.is_empty()) {
            let index: usize = index.trim_end_matches(']').parse().unwrap_or(usize::MAX);
            value = value.get(index).cloned().unwrap_or(Value::Null);
        }
    }
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code, reason = "decoded only to be checked")]
    struct Card {
        number: String,
        exp_month: u8,
        tags: Option<Vec<u8>>,
    }

    fn failure(body: &str) -> DecodeFailure {
        decode::<Card>(body.as_bytes()).unwrap_err()
    }

    fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, DecodeFailure> {
        json(200, &Bytes::copy_from_slice(body))
    }

    #[test]
    fn a_wrong_value_is_described_by_its_kind_never_shown() {
        let body = r#"{"number": 4242424242424242, "exp_month": 1}"#;
        assert_eq!(
            failure(body),
            DecodeFailure {
                path: "number".into(),
                problem: "found a number, expected a string".into()
            }
        );
        // A string holding an escaped quote and serde's own separator.
        let body = r#"{"number": "4242\", expected 4242 4242", "exp_month": "x"}"#;
        let failure = failure(body);
        assert_eq!(failure.path, "exp_month");
        assert!(!failure.problem.contains("4242"), "{failure:?}");
        assert_eq!(failure.problem, "found a string, expected u8");
        let failure = self::failure(r#"{"number": "1", "exp_month": 1, "tags": [1, "4242"]}"#);
        assert_eq!(failure.path, "tags[1]");
        assert_eq!(failure.problem, "found a string, expected u8");
    }

    #[test]
    fn missing_fields_syntax_and_trailing_bytes_are_named() {
        assert_eq!(
            failure(r#"{"exp_month": 1}"#).problem,
            "missing field `number`"
        );
        let failure = self::failure(r#"{"number": "1", "exp_month": 1} trailing"#);
        assert!(failure.problem.starts_with("not valid JSON"), "{failure:?}");
        assert_eq!(
            self::failure(r#"{"number": "1""#).problem,
            "the body ends before its JSON value does"
        );
    }

    #[test]
    fn text_must_be_utf8_and_bytes_come_as_they_are() {
        assert_eq!(
            text(200, &Bytes::from_static("héllo".as_bytes())).unwrap(),
            "héllo"
        );
        let failure = text(200, &Bytes::from_static(b"ok\xff")).unwrap_err();
        assert_eq!(failure.problem, "not UTF-8 text (invalid byte at offset 2)");
        let raw = Bytes::from_static(b"\x00\xff");
        assert_eq!(bytes(200, &raw).unwrap(), raw);
    }

    #[test]
    fn an_empty_body_is_null() {
        decode::<()>(b"").unwrap();
        assert!(decode::<Card>(b"").is_err());
    }
}
