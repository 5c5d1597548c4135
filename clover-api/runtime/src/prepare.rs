//! A [`Request`] and the client's settings become a [`Prepared`] value: every
//! refusal is decided here, before any I/O, and the idempotency key is chosen
//! once for all attempts.

use std::net::IpAddr;
use std::time::Duration;

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT,
};
use url::Url;

use crate::api::Api;
use crate::client::{Bearer, Client};
use crate::error::{CredentialKind, Refusal};
use crate::request::{CallOptions, Credential, Operation, Request};

/// A request that passed every check: what each attempt sends, unchanged.
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

/// A credential as its header value, checked once when the client gets it.
pub(crate) type CredentialHeader = Result<HeaderValue, Refusal>;

/// `Authorization: Bearer …` for `token`, marked sensitive.
pub(crate) fn bearer_header(token: &str) -> CredentialHeader {
    credential_header(
        &format!("Bearer {token}"),
        token,
        CredentialKind::BearerToken,
    )
}

/// An API key header value, marked sensitive.
pub(crate) fn api_key_header(key: &str) -> CredentialHeader {
    credential_header(key, key, CredentialKind::ApiKey)
}

fn credential_header(value: &str, secret: &str, kind: CredentialKind) -> CredentialHeader {
    if secret.trim().is_empty() {
        return Err(Refusal::EmptyCredential(kind));
    }
    let mut value = header_value(value)?;
    // HTTP/2 must not index it, and `Debug` must not show it.
    value.set_sensitive(true);
    Ok(value)
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
        let mut token_generation = None;
        if let Some((name, value, generation)) = self.credential(operation.credential)? {
            headers.insert(name, value);
            token_generation = generation;
        }
        self.forwarded_for(operation, &options, &mut headers)?;
        let idempotency_key = idempotency_key(operation, options.idempotency_key, &mut headers)?;
        for (name, value) in &request.headers {
            headers.append(HeaderName::from_static(name), header_value(value)?);
        }
        if request.body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        Ok(Prepared {
            operation,
            method: operation.method.clone(),
            url: self.url(&request)?,
            headers,
            body: request.body,
            idempotency_key,
            token_generation,
        })
    }

    /// The header of the credential the operation sends, if it sends one,
    /// and which renewal of an expiring token it is.
    fn credential(
        &self,
        credential: Option<Credential>,
    ) -> Result<Option<(HeaderName, HeaderValue, Option<u64>)>, Refusal> {
        let missing = |kind| Refusal::MissingCredential(kind);
        match (credential, &self.bearer) {
            (None, _) => Ok(None),
            (Some(Credential::Bearer), Bearer::None) => Err(missing(CredentialKind::BearerToken)),
            (Some(Credential::Bearer), Bearer::Static(header)) => {
                Ok(Some((AUTHORIZATION, header.clone()?, None)))
            }
            (Some(Credential::Bearer), Bearer::Refreshing(token)) => {
                let (header, generation) = token.current();
                Ok(Some((AUTHORIZATION, header?, Some(generation))))
            }
            (Some(Credential::ApiKey { header }), _) => {
                let value = self
                    .api_key
                    .clone()
                    .ok_or(missing(CredentialKind::ApiKey))??;
                Ok(Some((HeaderName::from_static(header), value, None)))
            }
        }
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
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&request.query);
        }
        Ok(url)
    }
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
    use crate::request::{ForwardedFor, Replay};
    use crate::test_api::{TestApi, TestHost};

    const CHARGE: Operation<TestApi> = Operation {
        id: "charge",
        method: Method::POST,
        path: "/v1/charges",
        host: TestHost::Main,
        credential: Some(Credential::Bearer),
        forwarded_for: Some(ForwardedFor {
            header: "x-forwarded-for",
            required: true,
        }),
        idempotency_key: Some("idempotency-key"),
        replay: Replay::Safe,
    };

    fn client() -> Client<TestApi> {
        ClientBuilder::<TestApi>::default()
            .access_token("token-SECRET")
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
            .access_token("token")
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

    #[test]
    fn a_host_without_a_base_url_is_refused_by_name() {
        const UPLOAD: Operation<TestApi> = Operation {
            host: TestHost::Files,
            ..CHARGE
        };
        let refused = client().prepare(Request::new(&UPLOAD, &["upload"]), CallOptions::default());
        assert!(matches!(refused.err(), Some(Refusal::NoBaseUrl { host, .. }) if host == "files"));
    }
}
