//! The requests the sandbox received, for assertions, without secrets.

use hyper::HeaderMap;

use crate::Host;

/// Headers whose values are credentials; the log keeps only their scheme.
const SECRET_HEADERS: [&str; 4] = ["authorization", "apikey", "cookie", "proxy-authorization"];
/// Query parameters that carry secrets (the legacy OAuth exchange sends
/// them in the URL).
const SECRET_QUERY: [&str; 2] = ["client_secret", "code"];
/// What replaces a secret.
pub const REDACTED: &str = "[redacted]";

/// One request as the sandbox received it. Credential values are replaced
/// by `[redacted]` (`Bearer [redacted]` keeps the scheme); bodies, which
/// carry card numbers, are not kept.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The host whose listener received it.
    pub host: Host,
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// Query parameters in order, decoded.
    pub query: Vec<(String, String)>,
    /// The `operationId` it was routed to; `None` for a 404.
    pub operation: Option<&'static str>,
    /// Headers in order, names in lowercase.
    pub headers: Vec<(String, String)>,
    /// The status answered; `None` while in progress, or when the
    /// connection was reset instead.
    pub status: Option<u16>,
}

impl RecordedRequest {
    pub(crate) fn new(
        host: Host,
        method: &str,
        path: &str,
        query: &[(String, String)],
        operation: Option<&'static str>,
        headers: &HeaderMap,
    ) -> RecordedRequest {
        RecordedRequest {
            host,
            method: method.to_owned(),
            path: path.to_owned(),
            query: query
                .iter()
                .map(|(name, value)| {
                    let value = if SECRET_QUERY.contains(&name.as_str()) {
                        REDACTED.to_owned()
                    } else {
                        value.clone()
                    };
                    (name.clone(), value)
                })
                .collect(),
            operation,
            headers: headers
                .iter()
                .map(|(name, value)| {
                    let value = String::from_utf8_lossy(value.as_bytes());
                    (name.as_str().to_owned(), redact(name.as_str(), &value))
                })
                .collect(),
            status: None,
        }
    }

    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(known, _)| known.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The first value of query parameter `name`.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(known, _)| known == name)
            .map(|(_, value)| value.as_str())
    }
}

fn redact(name: &str, value: &str) -> String {
    if !SECRET_HEADERS.contains(&name) {
        return value.to_owned();
    }
    match value.split_once(' ') {
        Some((scheme, _)) => format!("{scheme} {REDACTED}"),
        None => REDACTED.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_keep_only_their_scheme() {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", "Bearer abc".parse().unwrap());
        headers.insert("apikey", "k3y".parse().unwrap());
        headers.insert("x-forwarded-for", "203.0.113.7".parse().unwrap());
        let query = [
            ("client_id".to_owned(), "APP".to_owned()),
            ("code".to_owned(), "c0de".to_owned()),
        ];
        let recorded =
            RecordedRequest::new(Host::Web, "GET", "/oauth/token", &query, None, &headers);
        assert_eq!(recorded.header("Authorization"), Some("Bearer [redacted]"));
        assert_eq!(recorded.header("apikey"), Some("[redacted]"));
        assert_eq!(recorded.header("x-forwarded-for"), Some("203.0.113.7"));
        assert_eq!(recorded.query_param("client_id"), Some("APP"));
        assert_eq!(recorded.query_param("code"), Some("[redacted]"));
    }
}
