//! Each environment sends to its own server URL, with its variables
//! rendered; a relative server has no base URL until the caller gives one.

use fixture_crate::models::Kind;
use fixture_crate::schemes::Bearer;
use fixture_crate::{Client, Environment, Error, Host, Refusal, Secret, Server};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(environment: Environment) -> Client {
    Client::builder()
        .environment(environment)
        .credential(Bearer, "token")
        .build()
        .unwrap()
}

/// The spec's servers for `server`, its `port` variable set to the mock's.
fn on_mock(server: Server, mock: &MockServer) -> Environment {
    Environment::new(server)
        .with_server_variable("port", &mock.address().port().to_string())
        .unwrap()
}

async fn expect_delete_at(mock: &MockServer, prefix: &str) {
    Mock::given(method("DELETE"))
        .and(path_regex(format!("^{prefix}/v1/items/id/[^/]+$")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(mock)
        .await;
}

#[tokio::test]
async fn each_environment_sends_to_its_own_server_url() {
    for (server, prefix) in [
        (Server::Sandbox, "/kitchen/us/sandbox"),
        (Server::Production, "/kitchen/us/live"),
    ] {
        let mock = MockServer::start().await;
        expect_delete_at(&mock, prefix).await;
        client(on_mock(server, &mock))
            .delete_item(&Secret::new("id"), &Kind::V2)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_variable_from_its_enum_moves_the_calls_and_others_are_refused() {
    let mock = MockServer::start().await;
    expect_delete_at(&mock, "/kitchen/eu/sandbox").await;
    let environment = on_mock(Server::Sandbox, &mock)
        .with_server_variable("region", "eu")
        .unwrap();
    client(environment)
        .delete_item(&Secret::new("id"), &Kind::V2)
        .await
        .unwrap();
    let error = Environment::default()
        .with_server_variable("region", "mars")
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid server variable `region` = \"mars\": the `kitchen` host allows only `us`, `eu`"
    );
}

#[test]
fn the_default_is_the_first_environment_and_each_host_has_its_url() {
    let url =
        |environment: &Environment, host| environment.base_url(host).map(|url| url.to_string());
    let sandbox = Environment::default();
    assert_eq!(sandbox.server(), Server::Sandbox);
    assert_eq!(
        url(&sandbox, Host::Kitchen).as_deref(),
        Some("http://127.0.0.1:8080/kitchen/us/sandbox")
    );
    assert_eq!(
        url(&sandbox, Host::Token).as_deref(),
        Some("https://token-sandbox.example.com/")
    );
    let production = Environment::new(Server::Production);
    assert_eq!(
        url(&production, Host::Token).as_deref(),
        Some("https://token.example.com/")
    );
    assert_eq!(url(&production, Host::Status), None);
    assert_eq!(Server::Production.to_string(), "production");
}

#[tokio::test]
async fn a_relative_host_without_a_base_url_is_refused_before_sending() {
    let mock = MockServer::start().await;
    let error = client(on_mock(Server::Sandbox, &mock))
        .check_health()
        .await
        .unwrap_err();
    let Error::Refused {
        reason: Refusal::NoBaseUrl { host, reason },
        ..
    } = &error
    else {
        panic!("expected a refusal, got {error}");
    };
    assert_eq!(host, "status");
    assert!(reason.contains("`/status` is relative"), "{reason}");
    assert!(mock.received_requests().await.unwrap().is_empty());

    Mock::given(method("GET"))
        .and(path("/status/health"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&mock)
        .await;
    let environment = on_mock(Server::Sandbox, &mock)
        .with_base_url(Host::Status, &format!("{}/status", mock.uri()))
        .unwrap();
    client(environment).check_health().await.unwrap();
}
