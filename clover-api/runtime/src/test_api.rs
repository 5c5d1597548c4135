//! A small API of the runtime's own, so its unit tests need no generated code.

use std::fmt;

use crate::api::{Api, ApiHost};
use crate::client::Client;
use crate::credentials::{BasicCredentials, BearerScheme, Scheme, SentAs};
use crate::secret::Secret;

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

/// Declares a test scheme: its type, key, credential and how it is sent.
macro_rules! test_scheme {
    ($($name:ident $key:literal $credential:ty => $sent_as:expr;)*) => {$(
        #[derive(Debug, Clone, Copy)]
        pub(crate) struct $name;

        impl Scheme for $name {
            type Api = TestApi;
            type Credential = $credential;
            const KEY: &'static str = $key;
            const SENT_AS: SentAs = $sent_as;
        }
    )*};
}

test_scheme! {
    Bearer "bearer" Secret => SentAs::Bearer;
    Basic "basic" BasicCredentials => SentAs::Basic;
    HeaderKey "headerKey" Secret => SentAs::Header("x-api-key");
    QueryKey "queryKey" Secret => SentAs::Query("api_key");
    CookieKey "cookieKey" Secret => SentAs::Cookie("session");
    Mismatched "mismatched" Secret => SentAs::Basic;
}

impl BearerScheme for Bearer {}
