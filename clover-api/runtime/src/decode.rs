//! Success bodies into models: decoded plainly, and decoded again with
//! path tracking only when the first pass fails, to say where and why.

use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::error::Category;

/// Where a body failed to decode, and what was wrong, without its values.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct DecodeFailure {
    pub path: String,
    pub problem: String,
}

/// Decodes a whole body; an empty one is JSON `null`, which `()` expects.
/// Bytes after the JSON value are an error.
pub(crate) fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, DecodeFailure> {
    let json: &[u8] = if body.is_empty() { b"null" } else { body };
    serde_json::from_slice(json).map_err(|_| explain::<T>(json))
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
    fn an_empty_body_is_null() {
        decode::<()>(b"").unwrap();
        assert!(decode::<Card>(b"").is_err());
    }
}
