//! A [`Request`] and the client's settings become a [`Prepared`] value: every
//! refusal is decided here, before any I/O, the credentials are chosen, and
//! the idempotency key is chosen once for all attempts.

use std::net::IpAddr;
use std::time::Duration;

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, COOKIE, HeaderMap, HeaderName, HeaderValue, USER_AGENT,
};
use url::Url;

use crate::api::Api;
use crate::client::Client;
use crate::credentials::{Slot, Wire};
use crate::error::Refusal;
use crate::request::{CallOptions, Operation, Request};
use crate::secret::Secret;

/// A request that passed every check: what each attempt sends, unchanged.
/// No `Debug`: the URL may hold an API key.
pub(crate) struct Prepared<A: Api> {
    pub operation: &'static Operation<A>,
    pub method: Method,
    pub url: Url,
    pub headers: HeaderMap,
    pub body: Option<Bytes>,
    /// Caller's key or a fresh UUID v4, sent on every attempt.
    pub idempotency_key: Option<String>,
    /// Which renewal of an expiring token the request carries, if it carries one.
    pub token_generation: Option<u64>,
}

impl<A: Api> Prepared<A> {
    /// The request for one attempt; the body is shared, not copied.
    pub fn to_request(&self, timeout: Duration) -> reqwest::Request {
        let mut request = reqwest::Request::new(self.method.clone(), self.url.clone());
        *request.headers_mut() = self.headers.clone();
        *request.body_mut() = self.body.clone().map(reqwest::Body::from);
        *request.timeout_mut() = Some(timeout);
        request
    }

    /// The host the request goes to, for messages and traces.
    pub fn host(&self) -> &str {
        self.url.host_str().unwrap_or_default()
    }
}

/// An IP address as a header value; its text is always valid in one.
pub(crate) fn address_header(address: IpAddr) -> HeaderValue {
    HeaderValue::from_str(&address.to_string()).expect("an IP address is a valid header value")
}

fn header_value(value: &str) -> Result<HeaderValue, Refusal> {
    HeaderValue::from_str(value).map_err(|_| {
        Refusal::InvalidRequest("a header value contains characters HTTP does not allow".to_owned())
    })
}

impl<A: Api> Client<A> {
    /// Checks a request against the client's settings and the call's options.
    pub(crate) fn prepare(
        &self,
        request: Request<A>,
        options: CallOptions,
    ) -> Result<Prepared<A>, Refusal> {
        if let Some(refusal) = request.refusal {
            return Err(refusal);
        }
        let operation = request.operation;
        let mut headers = HeaderMap::with_capacity(8);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, self.user_agent.clone());
        let credentials = self.credentials(operation, &mut headers)?;
        self.forwarded_for(operation, &options, &mut headers)?;
        let idempotency_key = idempotency_key(operation, options.idempotency_key, &mut headers)?;
        for (name, value) in &request.headers {
            headers.append(HeaderName::from_static(name), header_value(value)?);
        }
        if request.body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        let mut url = self.url(&request)?;
        if !credentials.query.is_empty() {
            let pairs = credentials
                .query
                .iter()
                .map(|(name, key)| (*name, key.expose()));
            url.query_pairs_mut().extend_pairs(pairs);
        }
        Ok(Prepared {
            operation,
            method: operation.method.clone(),
            url,
            headers,
            body: request.body,
            idempotency_key,
            token_generation: credentials.token_generation,
        })
    }

    /// Puts the credentials of the first alternative the client holds into
    /// `headers` (cookies in one `Cookie` header, marked sensitive); returns
    /// the query keys, and which renewal of an expiring token is sent.
    fn credentials(
        &self,
        operation: &Operation<A>,
        headers: &mut HeaderMap,
    ) -> Result<SentCredentials, Refusal> {
        let mut sent = SentCredentials::default();
        let mut cookies = Vec::new();
        for slot in self.credentials.choose(&operation.security)? {
            match slot {
                Slot::Fixed(wire) => match wire.clone()? {
                    Wire::Header(name, value) => {
                        headers.insert(name, value);
                    }
                    Wire::Query(name, key) => sent.query.push((name, key)),
                    Wire::Cookie(name, key) => cookies.push(format!("{name}={}", key.expose())),
                },
                Slot::Renewed(token) => {
                    let (value, generation) = token.current();
                    headers.insert(AUTHORIZATION, value?);
                    sent.token_generation = Some(generation);
                }
            }
        }
        if !cookies.is_empty() {
            let mut value = header_value(&cookies.join("; "))?;
            value.set_sensitive(true);
            headers.insert(COOKIE, value);
        }
        Ok(sent)
    }

    /// The call's address, else the client's, whose header value is built once.
    fn forwarded_for(
        &self,
        operation: &Operation<A>,
        options: &CallOptions,
        headers: &mut HeaderMap,
    ) -> Result<(), Refusal> {
        let value = match options.forwarded_for {
            Some(address) => Some(address_header(address)),
            None => self.forwarded_for.clone(),
        };
        match (operation.forwarded_for, value) {
            (Some(declared), Some(value)) => {
                headers.insert(HeaderName::from_static(declared.header), value);
            }
            (Some(declared), None) if declared.required => {
                return Err(Refusal::MissingHeader(declared.header));
            }
            (None, _) if options.forwarded_for.is_some() => {
                return Err(Refusal::NotAccepted("a forwarded-for address"));
            }
            _ => {}
        }
        Ok(())
    }

    /// Base URL of the operation's host + percent-encoded path segments + query.
    fn url(&self, request: &Request<A>) -> Result<Url, Refusal> {
        let mut url = self.environment.base_url(request.operation.host).clone();
        url.path_segments_mut()
            .map_err(|()| {
                Refusal::InvalidRequest(format!(
                    "the base URL of the {} host cannot take a path",
                    request.operation.host
                ))
            })?
            .pop_if_empty()
            .extend(&request.path);
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&request.query);
        }
        Ok(url)
    }
}

/// What the chosen credentials add besides headers.
#[derive(Default)]
struct SentCredentials {
    /// API keys sent in the query, added to the URL after the operation's parameters.
    query: Vec<(&'static str, Secret)>,
    /// Which renewal of an expiring token the request carries, if it carries one.
    token_generation: Option<u64>,
}

/// The caller's key, or a fresh UUID v4, for an operation that declares the header.
fn idempotency_key<A: Api>(
    operation: &Operation<A>,
    chosen: Option<String>,
    headers: &mut HeaderMap,
) -> Result<Option<String>, Refusal> {
    let Some(header) = operation.idempotency_key else {
        return match chosen {
            Some(_) => Err(Refusal::NotAccepted("an idempotency key")),
            None => Ok(None),
        };
    };
    let key = chosen.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    if key.is_empty() {
        return Err(Refusal::InvalidRequest(
            "the idempotency key is empty".to_owned(),
        ));
    }
    headers.insert(HeaderName::from_static(header), header_value(&key)?);
    Ok(Some(key))
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr};

    use reqwest::Method;

    use super::*;
    use crate::client::ClientBuilder;
    use crate::credentials::Security;
    use crate::request::{ForwardedFor, Replay};
    use crate::test_api::{Bearer, TestApi, TestHost};

    const CHARGE: Operation<TestApi> = Operation {
        id: "charge",
        method: Method::POST,
        path: "/v1/charges",
        host: TestHost::Main,
        security: Security::required(&[&["bearer"]]),
        forwarded_for: Some(ForwardedFor {
            header: "x-forwarded-for",
            required: true,
        }),
        idempotency_key: Some("idempotency-key"),
        replay: Replay::Safe,
    };

    fn client() -> Client<TestApi> {
        ClientBuilder::<TestApi>::default()
            .credential(Bearer, "token-SECRET")
            .forwarded_for(IpAddr::V4(Ipv4Addr::LOCALHOST))
            .build()
            .unwrap()
            .0
    }

    #[test]
    fn a_prepared_request_holds_everything_every_attempt_sends() {
        let mut request = Request::new(&CHARGE, &["v1", "charges"]);
        request.query("expand", "source");
        let prepared = client()
            .prepare(request, CallOptions::default())
            .expect("nothing to refuse");
        assert_eq!(
            prepared.url.as_str(),
            "https://sandbox.example.com/v1/charges?expand=source"
        );
        let key = prepared.idempotency_key.clone().expect("a fresh key");
        assert_eq!(uuid::Uuid::parse_str(&key).unwrap().get_version_num(), 4);
        let first = prepared.to_request(Duration::from_secs(1));
        let second = prepared.to_request(Duration::from_secs(1));
        for attempt in [&first, &second] {
            assert_eq!(attempt.headers()["idempotency-key"], key.as_str());
            assert_eq!(attempt.headers()["x-forwarded-for"], "127.0.0.1");
            let bearer = &attempt.headers()["authorization"];
            assert!(bearer.is_sensitive());
            assert_eq!(bearer, "Bearer token-SECRET");
            assert!(!format!("{bearer:?}").contains("SECRET"));
        }
    }

    #[test]
    fn what_can_be_refused_is_refused_before_any_io() {
        let missing_header = ClientBuilder::<TestApi>::default()
            .credential(Bearer, "token")
            .build()
            .unwrap()
            .0
            .prepare(
                Request::new(&CHARGE, &["v1", "charges"]),
                CallOptions::default(),
            );
        assert_eq!(
            missing_header.err(),
            Some(Refusal::MissingHeader("x-forwarded-for"))
        );
        let empty_key = client().prepare(
            Request::new(&CHARGE, &["v1", "charges"]),
            CallOptions {
                idempotency_key: Some(String::new()),
                ..CallOptions::default()
            },
        );
        assert!(matches!(empty_key, Err(Refusal::InvalidRequest(_))));
        let dot_dot =
            client().prepare(Request::new(&CHARGE, &["v1", ".."]), CallOptions::default());
        assert!(matches!(dot_dot, Err(Refusal::InvalidInput(_))));
    }
}
