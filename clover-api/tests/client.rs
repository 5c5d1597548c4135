//! Client-level properties that need the Clover spec's hosts and models.

use std::future::IntoFuture;

use clover_api::models::{Charge, CreateChargeRequest};
use clover_api::{Call, Client, Environment, Host, Server};

#[test]
fn each_environment_uses_the_spec_urls_and_the_first_is_the_default() {
    let url = |environment: &Environment, host| environment.base_url(host).unwrap().to_string();
    assert_eq!(
        url(&Environment::default(), Host::Token),
        "https://token-sandbox.dev.clover.com/"
    );
    assert_eq!(Environment::default().server(), Server::Sandbox);
    assert_eq!(
        url(&Environment::new(Server::Production), Host::Ecommerce),
        "https://scl.clover.com/"
    );
}

#[test]
fn one_host_can_move_without_the_others() {
    let environment = Environment::default()
        .with_base_url(Host::Token, "http://127.0.0.1:9000/prefix")
        .unwrap();
    assert_eq!(
        environment.base_url(Host::Token).unwrap().as_str(),
        "http://127.0.0.1:9000/prefix"
    );
    assert_eq!(
        environment.base_url(Host::Ecommerce).unwrap().as_str(),
        "https://scl-sandbox.dev.clover.com/"
    );
}

#[test]
fn unusable_base_urls_are_refused() {
    assert!(
        Environment::default()
            .with_base_url(Host::Api, "not a url")
            .is_err()
    );
    let error = Environment::default()
        .with_base_url(Host::Api, "mailto:ops@example.com")
        .unwrap_err();
    assert!(
        error.to_string().contains("absolute http or https"),
        "{error}"
    );
}

#[test]
fn clover_servers_have_no_variables_to_set() {
    let error = Environment::default()
        .with_server_variable("region", "eu")
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid server variable `region` = \"eu\": no server of the `sandbox` environment declares it"
    );
}

/// A call's future can move to another task, e.g. through `tokio::spawn` of
/// an `async move` block that owns the client (checked at compile time).
#[test]
fn calls_are_send() {
    fn assert_send<T: Send>(_: &T) {}
    let client = Client::builder().build().unwrap();
    let call: Call<'_, Charge> =
        client.create_charge(&CreateChargeRequest::new(1800, "usd", "clv_x"));
    assert_send(&call);
    assert_send(&call.into_future());
}
