//! Client-level properties that need the Clover spec's hosts and models.

use std::future::IntoFuture;

use clover_api::models::{Charge, CreateChargeRequest};
use clover_api::{Call, Client, Environment, Host};

#[test]
fn sandbox_and_production_use_the_spec_urls() {
    assert_eq!(
        Environment::sandbox().base_url(Host::Token).as_str(),
        "https://token-sandbox.dev.clover.com/"
    );
    assert_eq!(
        Environment::production().base_url(Host::Ecommerce).as_str(),
        "https://scl.clover.com/"
    );
}

#[test]
fn one_host_can_move_without_the_others() {
    let environment = Environment::sandbox()
        .with_base_url(Host::Token, "http://127.0.0.1:9000/prefix")
        .unwrap();
    assert_eq!(
        environment.base_url(Host::Token).as_str(),
        "http://127.0.0.1:9000/prefix"
    );
    assert_eq!(
        environment.base_url(Host::Ecommerce).as_str(),
        "https://scl-sandbox.dev.clover.com/"
    );
}

#[test]
fn unusable_base_urls_are_refused() {
    assert!(
        Environment::sandbox()
            .with_base_url(Host::Api, "not a url")
            .is_err()
    );
    let error = Environment::sandbox()
        .with_base_url(Host::Api, "mailto:ops@example.com")
        .unwrap_err();
    assert!(
        error.to_string().contains("absolute http or https"),
        "{error}"
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
