//! Each configuration of credentials sends exactly the alternative the spec
//! lists first among those the client holds, and nothing else.

mod common;

use fixture_crate::schemes::{Basic, Bearer, CookieKey, Oauth, OpenId, QueryKey};
use fixture_crate::{BasicCredentials, Client, ClientBuilder, Error, Refusal};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A builder aimed at `server`, holding no credential.
fn builder(server: &MockServer) -> ClientBuilder {
    let environment = common::every_host_at(&server.uri());
    Client::builder().environment(environment)
}

async fn server() -> MockServer {
    let server = MockServer::start().await;
    for route in ["/v1/reports", "/v1/status"] {
        Mock::given(method("GET"))
            .and(path(route))
            .respond_with(ResponseTemplate::new(204))
            .mount(&server)
            .await;
    }
    server
}

/// What one request carried: `Authorization`, `Cookie`, and its query.
fn credentials(request: &Request) -> (Option<String>, Option<String>, Option<String>) {
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .map(|value| value.to_str().unwrap().to_owned())
    };
    (
        header("authorization"),
        header("cookie"),
        request.url.query().map(str::to_owned),
    )
}

/// The credentials `getReport(limit = 5)` sends from a client built by `configure`.
async fn report_sends(
    configure: impl FnOnce(ClientBuilder) -> ClientBuilder,
) -> (Option<String>, Option<String>, Option<String>) {
    let server = server().await;
    let client = configure(builder(&server)).build().unwrap();
    let params = fixture_crate::models::GetReportParams { limit: Some(5) };
    client.get_report(&params).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    credentials(&requests[0])
}

fn basic(builder: ClientBuilder) -> ClientBuilder {
    builder.credential(Basic, BasicCredentials::new("Aladdin", "open sesame"))
}

fn keys(builder: ClientBuilder) -> ClientBuilder {
    builder
        .credential(QueryKey, "query-KEY")
        .credential(CookieKey, "cookie-KEY")
}

fn oauth(builder: ClientBuilder) -> ClientBuilder {
    builder.credential(Oauth, "oauth-TOKEN")
}

#[tokio::test]
async fn basic_alone_sends_only_the_basic_header() {
    assert_eq!(
        report_sends(basic).await,
        (
            Some("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==".into()),
            None,
            Some("limit=5".into())
        )
    );
}

#[tokio::test]
async fn a_query_key_and_a_cookie_go_together() {
    assert_eq!(
        report_sends(keys).await,
        (
            None,
            Some("session=cookie-KEY".into()),
            Some("limit=5&api_key=query-KEY".into())
        )
    );
}

#[tokio::test]
async fn an_incomplete_alternative_gives_way_to_the_next_whole_one() {
    let half_keys_and_oauth =
        |builder: ClientBuilder| oauth(builder.credential(QueryKey, "query-KEY"));
    assert_eq!(
        report_sends(half_keys_and_oauth).await,
        (
            Some("Bearer oauth-TOKEN".into()),
            None,
            Some("limit=5".into())
        )
    );
}

#[tokio::test]
async fn the_spec_s_order_decides_between_configured_alternatives() {
    let everything = |builder: ClientBuilder| oauth(keys(basic(builder)));
    let (authorization, cookie, query) = report_sends(everything).await;
    assert!(authorization.unwrap().starts_with("Basic "));
    assert_eq!((cookie, query), (None, Some("limit=5".into())));
    // A credential for a scheme the operation does not list changes nothing.
    let unrelated = |builder: ClientBuilder| oauth(builder.credential(Bearer, "bearer-TOKEN"));
    assert_eq!(
        report_sends(unrelated).await.0,
        Some("Bearer oauth-TOKEN".into())
    );
}

#[tokio::test]
async fn without_any_alternative_the_call_is_refused_naming_them_all() {
    let server = server().await;
    let client = builder(&server)
        .credential(CookieKey, "cookie-KEY")
        .build()
        .unwrap();
    let error = client.get_report(&Default::default()).await.unwrap_err();
    let Error::Refused { reason, .. } = &error else {
        panic!("expected a refusal, got {error}")
    };
    assert_eq!(
        *reason,
        Refusal::MissingCredential {
            alternatives: &[&["basic"], &["queryKey", "cookieKey"], &["oauth"]]
        }
    );
    assert!(
        error
            .to_string()
            .contains("`basic`, or `queryKey` with `cookieKey`, or `oauth`"),
        "{error}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn optional_security_sends_what_the_client_holds_and_nothing_otherwise() {
    let server = server().await;
    builder(&server)
        .build()
        .unwrap()
        .get_status()
        .await
        .unwrap();
    let with_key = builder(&server)
        .credential(QueryKey, "query-KEY")
        .build()
        .unwrap();
    with_key.get_status().await.unwrap();
    let with_open_id = builder(&server)
        .credential(OpenId, "id-TOKEN")
        .build()
        .unwrap();
    with_open_id.get_status().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(credentials(&requests[0]), (None, None, None));
    assert_eq!(
        credentials(&requests[1]),
        (None, None, Some("api_key=query-KEY".into()))
    );
    assert_eq!(
        credentials(&requests[2]),
        (Some("Bearer id-TOKEN".into()), None, None)
    );
}

/// A key in the query is part of the URL, which no error or `Debug` shows.
#[tokio::test]
async fn a_query_key_never_shows_in_an_error() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = closed.local_addr().unwrap();
    drop(closed);
    let environment = common::every_host_at(&format!("http://{address}"));
    let client = Client::builder()
        .environment(environment)
        .credential(QueryKey, "query-SECRET")
        .credential(CookieKey, "cookie-SECRET")
        .build()
        .unwrap();
    let error = client.get_report(&Default::default()).await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error}");
    let shown = format!("{error} {error:?} {client:?}");
    assert!(!shown.contains("SECRET"), "{shown}");
}
