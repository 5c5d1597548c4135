//! Expiring OAuth v2 tokens against a stand-in that enforces them: renewed
//! ahead of expiry and once after a 401, one refresh for every call in
//! flight, each new pair handed to the caller before it is used.

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clover_api::models::{
    CardDetails, CardTokenRequest, CreateChargeRequest, ExchangeOauthCodeParams, OauthTokenRequest,
};
use clover_api::schemes::{ApiKeyAuth, BearerAuth};
use clover_api::{
    Client, ClientBuilder, Environment, Error, Host, OauthRefresh, Refusal, RetryPolicy, Tokens,
};
use common::fault_server::{self as fault, FaultServer};

const APP: &str = "APP-ID";

fn builder(server: &FaultServer) -> ClientBuilder {
    let mut environment = Environment::default();
    for host in Host::ALL {
        environment = environment.with_base_url(host, &server.url()).unwrap();
    }
    Client::builder()
        .environment(environment)
        .credential(ApiKeyAuth, fault::PAKMS_KEY)
        .forwarded_for(IpAddr::V4(Ipv4Addr::LOCALHOST))
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(10)))
}

/// A fresh pair from the code exchange, as an app gets it after install.
async fn exchange(server: &FaultServer, code: &str) -> Tokens {
    server.add_oauth_code(code);
    let mut request = OauthTokenRequest::new(APP, code);
    request.client_secret = Some("app-secret".into());
    builder(server)
        .build()
        .unwrap()
        .exchange_oauth_code(&request, &ExchangeOauthCodeParams::default())
        .await
        .expect("the code exchanges")
        .into()
}

/// A client over `tokens` that records every pair it is handed.
fn client(server: &FaultServer, tokens: Tokens) -> (Client, Arc<Mutex<Vec<Tokens>>>) {
    let stored = Arc::new(Mutex::new(Vec::new()));
    let store = Arc::clone(&stored);
    let client = builder(server)
        .expiring_tokens(BearerAuth, tokens, OauthRefresh::new(APP))
        .on_token_refresh(move |tokens| store.lock().unwrap().push(tokens.clone()))
        .build()
        .unwrap();
    (client, stored)
}

fn count(server: &FaultServer, method: &str, path: &str) -> usize {
    server
        .requests()
        .iter()
        .filter(|request| request.method == method && request.path.starts_with(path))
        .count()
}

#[tokio::test]
async fn a_token_about_to_expire_is_renewed_once_for_every_call_in_flight() {
    let server = FaultServer::start().await;
    server.set_access_token_lifetime(2);
    let first = exchange(&server, "CODE-AHEAD").await;
    server.set_access_token_lifetime(3600);
    let (client, stored) = client(&server, first.clone());
    // Renewed halfway through a life shorter than the usual margin.
    tokio::time::sleep(Duration::from_millis(1100)).await;

    for result in concurrently(&client, 8).await {
        result.expect("every call succeeds with the renewed token");
    }
    assert_eq!(
        count(&server, "POST", "/oauth/v2/refresh"),
        1,
        "one refresh"
    );
    assert_eq!(
        count(&server, "GET", "/pakms/apikey"),
        8,
        "no call sent twice"
    );
    let stored = stored.lock().unwrap();
    assert_eq!(stored.len(), 1, "the new pair is handed over once");
    assert_ne!(
        stored[0].refresh_token.as_ref().unwrap().expose(),
        first.refresh_token.as_ref().unwrap().expose()
    );
}

#[tokio::test]
async fn a_401_renews_the_token_and_sends_the_payment_again_with_the_same_key() {
    let server = FaultServer::start().await;
    let tokens = exchange(&server, "CODE-401").await;
    let (client, stored) = client(&server, tokens.clone());
    let mut card = CardDetails::new("12", "2030", "123");
    card.number = Some("4242424242424242".into());
    let token = client
        .create_token(&CardTokenRequest::new(card).into())
        .await
        .unwrap();

    server.expire_access_token(tokens.access_token.expose());
    let charge = client
        .create_charge(&CreateChargeRequest::new(1800, "usd", token.id))
        .await
        .expect("renewed, then charged");
    assert_eq!(server.charges().len(), 1);
    assert_eq!(server.charges()[0]["id"], charge.id.as_str());
    let keys: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|request| request.path == "/v1/charges")
        .map(|request| request.idempotency_key)
        .collect();
    assert_eq!(keys.len(), 2, "rejected once, then sent again");
    assert_eq!(keys[0], keys[1], "with the same key");
    assert_eq!(stored.lock().unwrap().len(), 1);

    // The renewed token is kept: the next call needs no refresh.
    client.get_api_access_key().await.unwrap();
    assert_eq!(count(&server, "POST", "/oauth/v2/refresh"), 1);
}

#[tokio::test]
async fn calls_rejected_together_share_one_refresh() {
    let server = FaultServer::start().await;
    let tokens = exchange(&server, "CODE-MANY").await;
    let (client, _) = client(&server, tokens.clone());
    server.expire_access_token(tokens.access_token.expose());
    for result in concurrently(&client, 6).await {
        result.expect("every call succeeds after the refresh");
    }
    assert_eq!(count(&server, "POST", "/oauth/v2/refresh"), 1);
}

/// A refresh token works once: a second client holding the same spent pair
/// cannot renew, and its call is refused without being sent.
#[tokio::test]
async fn a_spent_refresh_token_fails_the_call_before_sending_it() {
    let server = FaultServer::start().await;
    server.set_access_token_lifetime(2);
    let tokens = exchange(&server, "CODE-SPENT").await;
    let (first, _) = client(&server, tokens.clone());
    let (second, stored) = client(&server, tokens);
    // Both are renewed halfway through their short life; the first spends
    // the refresh token.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    first
        .get_api_access_key()
        .await
        .expect("renews and succeeds");
    let error = second
        .get_api_access_key()
        .await
        .expect_err("the refresh token is spent");
    match &error {
        Error::Refused {
            operation: "getApiAccessKey",
            reason: Refusal::TokenRefresh(why),
        } => assert!(why.contains("refreshOauthToken: HTTP 400"), "{why}"),
        other => panic!("expected a refused call, got {other:?}"),
    }
    assert!(!error.may_have_taken_effect());
    assert!(stored.lock().unwrap().is_empty());
    assert_eq!(
        count(&server, "GET", "/pakms/apikey"),
        1,
        "only the first client's call"
    );
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("SECRET"), "no token in the error: {shown}");
}

/// Sends `calls` copies of `get_api_access_key` at once, each on its own task.
async fn concurrently(client: &Client, calls: usize) -> Vec<Result<(), Error>> {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..calls {
        let client = client.clone();
        tasks.spawn(async move { client.get_api_access_key().await.map(drop) });
    }
    tasks.join_all().await
}
