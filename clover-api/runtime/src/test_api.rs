//! A small API of the runtime's own, so its unit tests need no generated code.

use std::fmt;

use crate::api::{Api, ApiHost, ApiServer};
use crate::client::Client;
use crate::credentials::{BasicCredentials, BearerScheme, Scheme, SentAs};
use crate::environment::{ServerUrl, ServerVariable};
use crate::secret::Secret;

#[derive(Debug, Clone, Copy)]
pub(crate) enum TestApi {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TestHost {
    Main,
    /// A relative server URL: no base URL until the caller sets one.
    Files,
}

impl fmt::Display for TestHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TestHost::Main => "main",
            TestHost::Files => "files",
        })
    }
}

impl ApiHost for TestHost {
    type Server = TestServer;

    const ALL: &'static [Self] = &[TestHost::Main, TestHost::Files];

    fn url(self, server: TestServer) -> ServerUrl {
        match (self, server) {
            (TestHost::Main, TestServer::Test) => {
                ServerUrl::new("https://sandbox.example.com", &[])
            }
            (TestHost::Main, TestServer::Live) => ServerUrl::new(
                "https://{tenant}.{region}.example.com/v1",
                &[
                    ServerVariable {
                        name: "tenant",
                        default: "shop",
                        allowed: &[],
                    },
                    ServerVariable {
                        name: "region",
                        default: "us",
                        allowed: &["us", "eu"],
                    },
                ],
            ),
            (TestHost::Files, _) => ServerUrl::new("/files", &[]),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum TestServer {
    #[default]
    Test,
    Live,
}

impl fmt::Display for TestServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TestServer::Test => "test",
            TestServer::Live => "live",
        })
    }
}

impl ApiServer for TestServer {}

#[derive(Debug, Clone)]
pub(crate) struct TestClient(pub(crate) Client<TestApi>);

impl From<Client<TestApi>> for TestClient {
    fn from(client: Client<TestApi>) -> Self {
        TestClient(client)
    }
}

impl Api for TestApi {
    type Host = TestHost;
    type Server = TestServer;
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
