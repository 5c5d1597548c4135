//! One request as the handlers see it, decoded with the SDK's own models and
//! checked with their generated `Validate`; and the answer they give.

use std::str::FromStr;

use clover_api_runtime::validate::{Checks, Validate};
use hyper::body::Bytes;
use hyper::{HeaderMap, Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::errors::Failure;
use super::routes::percent_decode;

/// A request routed to its operation.
#[derive(Debug)]
pub(crate) struct Exchange {
    pub method: Method,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// Path parameters, in the template's order.
    pub params: Vec<String>,
}

impl Exchange {
    /// The path parameter at `index` of the template.
    pub fn param(&self, index: usize) -> &str {
        &self.params[index]
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(known, _)| known == name)
            .map(|(_, value)| value.as_str())
    }

    /// Every value of a repeated parameter (`expand=a&expand=b`).
    pub fn query_all(&self, name: &str) -> Option<Vec<String>> {
        let values: Vec<String> = self
            .query
            .iter()
            .filter(|(known, _)| known == name)
            .map(|(_, value)| value.clone())
            .collect();
        (!values.is_empty()).then_some(values)
    }

    /// A query parameter parsed as `T`; 400 naming it if it does not parse.
    pub fn query_as<T: FromStr>(&self, name: &str) -> Result<Option<T>, Failure> {
        self.query(name)
            .map(|value| {
                value
                    .parse()
                    .map_err(|_| Failure::invalid(name, format!("`{name}` is not a valid value.")))
            })
            .transpose()
    }

    /// The body as the SDK's request model `T`, checked against the spec's
    /// bounds; 400 `invalid_request_error` naming the field otherwise.
    pub fn body<T: DeserializeOwned + Validate>(&self) -> Result<T, Failure> {
        validated(self.decoded_body()?)
    }

    /// The body as a request model with no bounds to check (it does not
    /// implement `Validate`); 400 `invalid_request_error` if it does not decode.
    pub fn decoded_body<T: DeserializeOwned>(&self) -> Result<T, Failure> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Err(Failure::malformed("A JSON request body is required."));
        }
        let mut json = serde_json::Deserializer::from_slice(&self.body);
        serde_path_to_error::deserialize(&mut json).map_err(undecodable)
    }

    /// Like [`Exchange::body`], for an operation whose body may be left out.
    pub fn optional_body<T: DeserializeOwned + Validate>(&self) -> Result<Option<T>, Failure> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        self.body().map(Some)
    }

    /// The names of the body's top-level fields, for bodies that are one of
    /// several shapes told apart by a field name.
    pub fn body_fields(&self) -> Result<Vec<String>, Failure> {
        let json: serde_json::Value = serde_json::from_slice(&self.body)
            .map_err(|_| Failure::malformed("The request body is not valid JSON."))?;
        Ok(json
            .as_object()
            .map(|object| object.keys().cloned().collect())
            .unwrap_or_default())
    }
}

/// `value` if it keeps the spec's bounds, else 400 naming the field.
pub(crate) fn validated<T: Validate>(value: T) -> Result<T, Failure> {
    value
        .validate(Checks::at(""))
        .map_err(|invalid| Failure::invalid(invalid.field.clone(), invalid.to_string()))?;
    Ok(value)
}

/// A body that does not decode as the model, as Clover would refuse it:
/// naming the field, never repeating its value (it may be a card number).
fn undecodable(error: serde_path_to_error::Error<serde_json::Error>) -> Failure {
    let path = error.path().to_string();
    let path = if path == "." { String::new() } else { path };
    let inner = error.into_inner();
    if inner.is_syntax() || inner.is_eof() {
        return Failure::malformed("The request body is not valid JSON.");
    }
    let text = inner.to_string();
    if let Some(field) = text
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
    {
        let param = join(&path, field);
        return Failure::invalid(param.clone(), format!("`{param}` is required."));
    }
    if path.is_empty() {
        return Failure::malformed("The request body is not a JSON object.");
    }
    let expected = text
        .split_once(", expected ")
        .map(|(_, expected)| expected.split(" at line ").next().unwrap_or(expected))
        .unwrap_or("another type");
    Failure::invalid(
        path.clone(),
        format!("`{path}` is invalid: expected {expected}."),
    )
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

/// `a=1&b=x%20y` as decoded pairs (`+` is a space).
pub(crate) fn parse_query(query: Option<&str>) -> Vec<(String, String)> {
    let decode = |text: &str| {
        let text = text.replace('+', " ");
        percent_decode(&text).unwrap_or(text)
    };
    query
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect()
}

/// An answer, as stored for idempotent replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reply {
    pub status: StatusCode,
    /// Headers beyond `content-type`.
    pub headers: Vec<(&'static str, String)>,
    /// JSON.
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(status: StatusCode, body: &impl Serialize) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: serde_json::to_vec(body).expect("models serialize to JSON"),
        }
    }

    pub fn ok(body: &impl Serialize) -> Reply {
        Reply::json(StatusCode::OK, body)
    }
}

impl From<Failure> for Reply {
    fn from(failure: Failure) -> Reply {
        Reply {
            headers: failure.headers.clone(),
            ..Reply::json(failure.status, &failure.body())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{CardTokenRequest, CreateChargeRequest};

    fn exchange(body: &str) -> Exchange {
        Exchange {
            method: Method::POST,
            path: "/v1/charges".to_owned(),
            query: parse_query(Some("limit=5&expand=a&expand=b&created.gt=1+2")),
            headers: HeaderMap::new(),
            body: Bytes::from(body.to_owned()),
            params: Vec::new(),
        }
    }

    fn param_of<T: DeserializeOwned + Validate + std::fmt::Debug>(body: &str) -> Option<String> {
        exchange(body).body::<T>().unwrap_err().detail.param
    }

    #[test]
    fn a_body_that_does_not_fit_the_model_names_the_field_and_not_the_value() {
        assert_eq!(
            param_of::<CreateChargeRequest>(r#"{"amount": 1800, "currency": "usd"}"#).as_deref(),
            Some("source")
        );
        let failure = exchange(r#"{"card": {"number": 4242424242424242, "exp_month": "12", "exp_year": "2030", "cvv": "123"}}"#)
            .body::<CardTokenRequest>()
            .unwrap_err();
        assert_eq!(failure.detail.param.as_deref(), Some("card.number"));
        assert!(!failure.detail.message.unwrap().contains("4242"));
        assert_eq!(
            param_of::<CardTokenRequest>(r#"{"card": {"exp_month": "12", "exp_year": "2030"}}"#)
                .as_deref(),
            Some("card.cvv")
        );
        assert_eq!(param_of::<CreateChargeRequest>("{"), None);
        assert_eq!(param_of::<CreateChargeRequest>(""), None);
        assert_eq!(param_of::<CreateChargeRequest>("[1]"), None);
    }

    #[test]
    fn a_body_outside_the_spec_bounds_is_refused_by_the_generated_check() {
        let failure = exchange(r#"{"amount": 1800, "currency": "usdx", "source": "clv_1"}"#)
            .body::<CreateChargeRequest>()
            .unwrap_err();
        assert_eq!(failure.status, StatusCode::BAD_REQUEST);
        assert_eq!(failure.detail.param.as_deref(), Some("currency"));
    }

    #[test]
    fn query_parameters_are_decoded_and_typed() {
        let exchange = exchange("");
        assert_eq!(exchange.query_as::<i32>("limit").unwrap(), Some(5));
        assert_eq!(exchange.query_all("expand").unwrap(), ["a", "b"]);
        assert_eq!(exchange.query("created.gt"), Some("1 2"));
        let failure = exchange.query_as::<i64>("created.gt").unwrap_err();
        assert_eq!(failure.detail.param.as_deref(), Some("created.gt"));
    }
}
