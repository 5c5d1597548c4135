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
        let accept = request.accept.unwrap_or("application/json");
        headers.insert(ACCEPT, HeaderValue::from_static(accept));
        headers.insert(USER_AGENT, self.user_agent.clone());
        let credentials = self.credentials(operation, &mut headers)?;
        self.forwarded_for(operation, &options, &mut headers)?;
        let idempotency_key = idempotency_key(operation, options.idempotency_key, &mut headers)?;
        for (name, value) in &request.headers {
            headers.append(HeaderName::from_static(name), header_value(value)?);
        }
        let cookies = credentials.cookies.iter().chain(&request.cookies);
        if let Some(value) = cookie_header(cookies, !credentials.cookies.is_empty())? {
            headers.insert(COOKIE, value);
        }
        let mut url = self.url(&request)?;
        if !credentials.query.is_empty() {
            let pairs = credentials
                .query
                .iter()
                .map(|(name, key)| (*name, key.expose()));
            url.query_pairs_mut().extend_pairs(pairs);
        }
        let body = request.body.map(|body| {
            headers.insert(CONTENT_TYPE, header_value(&body.content_type)?);
            Ok(body.bytes)
        });
        Ok(Prepared {
            operation,
            method: operation.method.clone(),
            url,
            headers,
            body: body.transpose()?,
            idempotency_key,
            token_generation: credentials.token_generation,
        })
    }

    /// Puts the header credentials of the first alternative the client holds
    /// into `headers`; returns its query keys and cookies, and which renewal
    /// of an expiring token is sent.
    fn credentials(
        &self,
        operation: &Operation<A>,
        headers: &mut HeaderMap,
    ) -> Result<SentCredentials, Refusal> {
        let mut sent = SentCredentials::default();
        for slot in self.credentials.choose(&operation.security)? {
            match slot {
                Slot::Fixed(wire) => match wire.clone()? {
                    Wire::Header(name, value) => {
                        headers.insert(name, value);
                    }
                    Wire::Query(name, key) => sent.query.push((name, key)),
                    Wire::Cookie(name, key) => {
                        sent.cookies.push(format!("{name}={}", key.expose()))
                    }
                },
                Slot::Renewed(token) => {
                    let (value, generation) = token.current();
                    headers.insert(AUTHORIZATION, value?);
                    sent.token_generation = Some(generation);
                }
            }
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

    /// Base URL of the operation's host + percent-encoded path segments + the
    /// query, already encoded in its parameters' styles.
    fn url(&self, request: &Request<A>) -> Result<Url, Refusal> {
        let mut url = self
            .environment
            .base_url_to_send(request.operation.host)?
            .clone();
        url.path_segments_mut()
            .map_err(|()| {
                Refusal::InvalidRequest(format!(
                    "the base URL of the {} host cannot take a path",
                    request.operation.host
                ))
            })?
            .pop_if_empty()
            .extend(&request.path);
        if !request.query.0.is_empty() {
            url.set_query(Some(&request.query.0));
        }
        Ok(url)
    }
}

/// What the chosen credentials add besides headers.
#[derive(Default)]
struct SentCredentials {
    /// API keys sent in the query, added to the URL after the operation's parameters.
    query: Vec<(&'static str, Secret)>,
    /// API keys sent as cookies, `name=value`, ahead of the operation's cookie parameters.
    cookies: Vec<String>,
    /// Which renewal of an expiring token the request carries, if it carries one.
    token_generation: Option<u64>,
}

/// One `Cookie` header for the credentials' and the parameters' cookies;
/// sensitive when it carries a credential.
fn cookie_header<'c>(
    cookies: impl Iterator<Item = &'c String>,
    carries_credential: bool,
) -> Result<Option<HeaderValue>, Refusal> {
    let joined = cookies.map(String::as_str).collect::<Vec<_>>().join("; ");
    if joined.is_empty() {
        return Ok(None);
    }
    let mut value = header_value(&joined)?;
    value.set_sensitive(carries_credential);
    Ok(Some(value))
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
    use crate::form::Delimiter;
    use crate::request::ParamValue;
    use crate::request::{ForwardedFor, Replay};
    use crate::test_api::{Bearer, TestApi, TestHost};

    const CHARGE: Operation<TestApi> = Operation {
        security: Security::required(&[&["bearer"]]),
        forwarded_for: Some(ForwardedFor::required("x-forwarded-for")),
        idempotency_key: Some("idempotency-key"),
        replay: Replay::Safe,
        ..Operation::new("charge", &Method::POST, "/v1/charges", TestHost::Main)
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
        let mut request = Request::new(&CHARGE, &[]);
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
            .prepare(Request::new(&CHARGE, &[]), CallOptions::default());
        assert_eq!(
            missing_header.err(),
            Some(Refusal::MissingHeader("x-forwarded-for"))
        );
        let empty_key = client().prepare(
            Request::new(&CHARGE, &[]),
            CallOptions {
                idempotency_key: Some(String::new()),
                ..CallOptions::default()
            },
        );
        assert!(matches!(empty_key, Err(Refusal::InvalidRequest(_))));
    }

    static FILE: Operation<TestApi> = Operation {
        id: "file",
        path: "/v1/{Sid}.json/files/{name}-{version}",
        security: Security::NONE,
        forwarded_for: None,
        idempotency_key: None,
        ..CHARGE
    };

    fn prepare(request: Request<TestApi>) -> Result<Prepared<TestApi>, Refusal> {
        client().prepare(request, CallOptions::default())
    }

    #[test]
    fn each_path_parameter_is_one_encoded_piece_of_its_segment() {
        let prepared = prepare(Request::new(&FILE, &[&"AC/1", &"a b", &2])).unwrap();
        assert_eq!(
            prepared.url.path(),
            "/v1/AC%2F1.json/files/a%20b-2",
            "a value cannot add a segment"
        );
        let list = prepare(Request::new(
            &FILE,
            &[&&["a", "b%"][..], &"n", &None::<i32>],
        ));
        assert!(
            matches!(&list, Err(Refusal::InvalidInput(invalid)) if invalid.field == "version"),
            "an absent value is empty"
        );
        let list = prepare(Request::new(&FILE, &[&&["a", "b%"][..], &"n", &1])).unwrap();
        assert_eq!(
            list.url.path(),
            "/v1/a,b%25.json/files/n-1",
            "a list is comma-joined"
        );
    }

    /// GitHub's `/` and Django's `/users/`: empty segments are sent as the spec writes them.
    #[test]
    fn empty_path_segments_are_sent_as_written() {
        for path in ["/", "/v1/files/", "/v1//files"] {
            let operation = Box::leak(Box::new(Operation { path, ..FILE }));
            let prepared = prepare(Request::new(operation, &[])).unwrap();
            assert_eq!(prepared.url.path(), path);
        }
    }

    #[test]
    fn a_path_value_that_would_address_another_endpoint_names_its_parameter() {
        for (values, field) in [
            (["..", "a", "1"], "Sid"),
            (["AC", "", "1"], "name"),
            (["AC", "a", "."], "version"),
        ] {
            let path: Vec<&dyn ParamValue> = values.iter().map(|value| value as _).collect();
            let Err(Refusal::InvalidInput(invalid)) = prepare(Request::new(&FILE, &path)) else {
                panic!("{values:?} must be refused");
            };
            assert_eq!(invalid.field, field);
        }
    }

    #[test]
    fn query_styles_headers_and_cookies_are_written_as_the_spec_says() {
        let mut request = Request::new(&FILE, &[&"AC", &"a", &1]);
        request.query("ids", &[1, 2][..]);
        request.query_joined("tags", Delimiter::Comma, &["x", "y,z"][..]);
        request.query_joined("words", Delimiter::Space, &["a", "b"][..]);
        request.query_joined("pipes", Delimiter::Pipe, &["a", "b"][..]);
        request.query_joined("none", Delimiter::Pipe, &None::<String>);
        request.query("q", "a b&c");
        request.header("x-list", &["a", "b"][..]);
        request.cookie("session", "s 1;");
        request.cookie("prefs", &["a", "b"][..]);
        let prepared = prepare(request).unwrap();
        assert_eq!(
            prepared.url.query(),
            Some("ids=1&ids=2&tags=x,y%2Cz&words=a%20b&pipes=a|b&q=a+b%26c")
        );
        assert_eq!(prepared.headers["x-list"], "a,b");
        assert_eq!(prepared.headers["cookie"], "session=s%201%3B; prefs=a%2Cb");
    }

    #[test]
    fn the_body_is_sent_with_its_content_type_and_the_accept_header_follows_the_response() {
        let mut request = Request::new(&FILE, &[&"AC", &"a", &1]);
        request.bytes("text/plain", "hello");
        request.accept("text/csv");
        let prepared = prepare(request).unwrap();
        assert_eq!(prepared.headers["content-type"], "text/plain");
        assert_eq!(prepared.headers["accept"], "text/csv");
        assert_eq!(prepared.body.as_deref(), Some(&b"hello"[..]));
        let prepared = prepare(Request::new(&FILE, &[&"AC", &"a", &1])).unwrap();
        assert_eq!(prepared.headers["accept"], "application/json");
        assert!(!prepared.headers.contains_key("content-type"));
    }

    #[test]
    fn a_host_without_a_base_url_is_refused_by_name() {
        static UPLOAD: Operation<TestApi> = Operation {
            host: TestHost::Files,
            ..CHARGE
        };
        let refused = client().prepare(Request::new(&UPLOAD, &[]), CallOptions::default());
        assert!(matches!(refused.err(), Some(Refusal::NoBaseUrl { host, .. }) if host == "files"));
    }
}
