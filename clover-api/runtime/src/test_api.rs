//! A small API of the runtime's own, so its unit tests need no generated code.

use std::fmt;

use crate::api::{Api, ApiHost};
use crate::client::Client;

#[derive(Debug, Clone, Copy)]
pub(crate) enum TestApi {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TestHost {
    Main,
}

impl fmt::Display for TestHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("main")
    }
}

impl ApiHost for TestHost {
    const ALL: &'static [Self] = &[TestHost::Main];

    fn sandbox_url(self) -> &'static str {
        "https://sandbox.example.com"
    }

    fn production_url(self) -> &'static str {
        "https://example.com"
    }
}

#[derive(Debug, Clone)]
pub(crate) struct TestClient(pub(crate) Client<TestApi>);

impl From<Client<TestApi>> for TestClient {
    fn from(client: Client<TestApi>) -> Self {
        TestClient(client)
    }
}

impl Api for TestApi {
    type Host = TestHost;
    type ErrorFields = serde_json::Value;
    type Client = TestClient;
}
