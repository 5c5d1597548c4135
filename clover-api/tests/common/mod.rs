//! Shared fixtures: one wiremock server per Clover host, so a test can prove
//! which host a call went to.

#![allow(
    dead_code,
    reason = "each test file uses a different subset of the helpers"
)]

pub mod fault_server;

use std::net::IpAddr;

use clover_api::schemes::{ApiKeyAuth, BearerAuth};
use clover_api::{Client, ClientBuilder, Environment, Host, RetryPolicy};
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The bearer credential every default test client holds.
pub const ACCESS_TOKEN: &str = "tok-SECRET-bearer-5f1c9e7a";
/// The tokenization key every default test client holds.
pub const API_KEY: &str = "pakms-SECRET-apikey-0d4b2a61";
/// The client's default shopper address.
pub const SHOPPER_IP: &str = "203.0.113.7";
/// An address given per call, to prove the override wins.
pub const OVERRIDE_IP: &str = "198.51.100.23";

/// Four mock servers, one per [`Host`].
pub struct Servers {
    servers: Vec<(Host, MockServer)>,
}

impl Servers {
    /// Starts one fresh server per entry of [`Host::ALL`].
    pub async fn start() -> Self {
        let mut servers = Vec::new();
        for host in Host::ALL {
            servers.push((host, MockServer::start().await));
        }
        Servers { servers }
    }

    pub fn server(&self, host: Host) -> &MockServer {
        &self
            .servers
            .iter()
            .find(|(known, _)| *known == host)
            .expect("every host has a server")
            .1
    }

    /// An environment that sends each host's calls to its own mock server.
    pub fn environment(&self) -> Environment {
        let mut environment = Environment::default();
        for (host, server) in &self.servers {
            environment = environment
                .with_base_url(*host, &server.uri())
                .expect("a mock server URI is a valid base URL");
            assert_eq!(
                environment
                    .base_url(*host)
                    .unwrap()
                    .as_str()
                    .trim_end_matches('/'),
                server.uri(),
            );
        }
        environment
    }

    /// A builder with the environment, both credentials and a default
    /// `x-forwarded-for`. It sends each call once, so a test of one
    /// response sees exactly that response; `tests/retries.rs` covers retries.
    pub fn builder(&self) -> ClientBuilder {
        Client::builder()
            .environment(self.environment())
            .credential(BearerAuth, ACCESS_TOKEN)
            .credential(ApiKeyAuth, API_KEY)
            .forwarded_for(ip(SHOPPER_IP))
            .retry(RetryPolicy::never())
    }

    pub fn client(&self) -> Client {
        self.builder().build().expect("client builds")
    }

    /// Mounts a catch-all that must never match on every server except `host`'s.
    pub async fn forbid_all_but(&self, host: Host) {
        for (other, server) in &self.servers {
            if *other != host {
                Mock::given(any())
                    .respond_with(ResponseTemplate::new(599))
                    .named(format!("nothing may reach the {other} host"))
                    .expect(0)
                    .mount(server)
                    .await;
            }
        }
    }

    /// Mounts a catch-all that must never match on every server.
    pub async fn forbid_all(&self) {
        for (host, server) in &self.servers {
            Mock::given(any())
                .respond_with(ResponseTemplate::new(599))
                .named(format!("nothing may reach the {host} host"))
                .expect(0)
                .mount(server)
                .await;
        }
    }

    /// Requests received by `host`'s server.
    pub async fn received(&self, host: Host) -> Vec<Request> {
        self.server(host)
            .received_requests()
            .await
            .expect("request recording is on")
    }

    /// Asserts that `host` got exactly `count` requests and every other host
    /// none, then returns `host`'s requests.
    pub async fn only(&self, host: Host, count: usize) -> Vec<Request> {
        for (other, _) in &self.servers {
            if *other != host {
                let stray = self.received(*other).await;
                assert!(
                    stray.is_empty(),
                    "the {other} host received {} request(s) meant for {host}: {:?}",
                    stray.len(),
                    stray.iter().map(|r| r.url.to_string()).collect::<Vec<_>>()
                );
            }
        }
        let requests = self.received(host).await;
        assert_eq!(
            requests.len(),
            count,
            "requests received by the {host} host"
        );
        requests
    }

    /// Asserts that no server received anything.
    pub async fn none(&self) {
        for (host, _) in &self.servers {
            let received = self.received(*host).await;
            assert!(
                received.is_empty(),
                "the {host} host received {} request(s) although the call should have been refused",
                received.len()
            );
        }
    }

    /// Verifies the expectations of every mounted mock.
    pub async fn verify(&self) {
        for (_, server) in &self.servers {
            server.verify().await;
        }
    }
}

pub fn ip(text: &str) -> IpAddr {
    text.parse().expect("a valid IP address")
}

/// The single value of a header; fails if it is missing or repeated.
pub fn header<'a>(request: &'a Request, name: &str) -> &'a str {
    let values: Vec<_> = request.headers.get_all(name).iter().collect();
    assert_eq!(
        values.len(),
        1,
        "header `{name}` should be sent exactly once, got {values:?}"
    );
    values[0].to_str().expect("an ASCII header value")
}

pub fn assert_no_header(request: &Request, name: &str) {
    assert!(
        request.headers.get(name).is_none(),
        "header `{name}` must not be sent, got {:?}",
        request.headers.get(name)
    );
}

/// The query string as ordered, decoded pairs.
pub fn query(request: &Request) -> Vec<(String, String)> {
    request
        .url
        .query_pairs()
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}

pub fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect()
}

/// The request body parsed as JSON.
pub fn json_body(request: &Request) -> Value {
    serde_json::from_slice(&request.body).unwrap_or_else(|error| {
        panic!(
            "request body is not JSON ({error}): {:?}",
            String::from_utf8_lossy(&request.body)
        )
    })
}

/// True for a lowercase or uppercase RFC 4122 version-4 UUID in the
/// hyphenated 8-4-4-4-12 form.
pub fn is_uuid_v4(value: &str) -> bool {
    let groups: Vec<&str> = value.split('-').collect();
    let lengths_ok = groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, length)| group.len() == length);
    if !lengths_ok || !value.chars().all(|c| c == '-' || c.is_ascii_hexdigit()) {
        return false;
    }
    let version = groups[2].as_bytes()[0];
    let variant = groups[3].as_bytes()[0].to_ascii_lowercase();
    version == b'4' && matches!(variant, b'8' | b'9' | b'a' | b'b')
}

/// A response with this JSON body and status 200.
pub fn ok_json(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// A minimal charge body.
pub fn charge_json(id: &str) -> Value {
    serde_json::json!({ "id": id, "object": "charge", "status": "succeeded" })
}

/// A minimal refund body.
pub fn refund_json(id: &str) -> Value {
    serde_json::json!({ "id": id, "object": "refund", "status": "succeeded" })
}
