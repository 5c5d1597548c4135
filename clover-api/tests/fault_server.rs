//! The fault-injecting stand-in for Clover checked on its own, over plain
//! `reqwest`, so that tests built on it can trust what it does.

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::fault_server::{ACCESS_TOKEN, Fault, FaultServer, PAKMS_KEY};
use reqwest::{Client, RequestBuilder};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const KEY: &str = "5b0f2c6e-8a53-4d35-9f0e-2a61f1f3c9d7";
const OTHER_KEY: &str = "0e7d9b1a-3c24-4f8e-a6b5-91c2d3e4f506";
const SHOPPER_IP: &str = "203.0.113.7";

/// A status and a parsed JSON body.
struct Answer {
    status: u16,
    body: Value,
}

async fn answer(request: RequestBuilder) -> Answer {
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    let bytes = response.bytes().await.expect("a complete body");
    let body = serde_json::from_slice(&bytes).expect("a JSON body");
    Answer { status, body }
}

fn post_json(http: &Client, url: String, body: &Value) -> RequestBuilder {
    http.post(url)
        .header("content-type", "application/json")
        .body(body.to_string())
}

async fn card_token(server: &FaultServer, http: &Client) -> String {
    let card = json!({ "card": { "number": "4242424242424242", "exp_month": "12",
        "exp_year": "2030", "cvv": "123", "brand": "VISA" } });
    let request = post_json(http, format!("{}/v1/tokens", server.url()), &card);
    let token = answer(request.header("apikey", PAKMS_KEY)).await;
    assert_eq!(token.status, 200, "{}", token.body);
    token.body["id"].as_str().expect("a token id").to_owned()
}

/// `POST /v1/charges` for 1800 cents, as the SDK sends it.
fn charge(server: &FaultServer, http: &Client, token: &str, key: &str) -> RequestBuilder {
    let body = json!({ "amount": 1800, "currency": "usd", "source": token });
    post_json(http, format!("{}/v1/charges", server.url()), &body)
        .bearer_auth(ACCESS_TOKEN)
        .header("idempotency-key", key)
        .header("x-forwarded-for", SHOPPER_IP)
}

fn get(http: &Client, url: String, access_token: &str) -> RequestBuilder {
    http.get(url).bearer_auth(access_token)
}

fn charge_ids(server: &FaultServer) -> Vec<Value> {
    server
        .charges()
        .iter()
        .map(|charge| charge["id"].clone())
        .collect()
}

fn unix_seconds() -> i64 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970");
    now.as_secs().try_into().expect("fits")
}

#[tokio::test]
async fn a_charge_is_created_stored_and_readable() {
    let server = FaultServer::start().await;
    let http = Client::new();
    let token = card_token(&server, &http).await;

    let created = answer(charge(&server, &http, &token, KEY)).await;

    assert_eq!(created.status, 200, "{}", created.body);
    let id = created.body["id"].as_str().expect("a charge id");
    assert!(id.starts_with("CH") && id.len() == 15, "{id}");
    assert_eq!(created.body["amount"], 1800);
    assert_eq!(created.body["status"], "succeeded");
    assert_eq!(created.body["source"]["last4"], "4242");
    assert_eq!(server.charges(), vec![created.body.clone()]);
    let url = format!("{}/v1/charges/{id}", server.url());
    let read = answer(get(&http, url, ACCESS_TOKEN)).await;
    assert_eq!((read.status, read.body), (200, created.body));
}

#[tokio::test]
async fn an_unknown_charge_is_a_clover_404() {
    let server = FaultServer::start().await;
    let url = format!("{}/v1/charges/CH0000000000999", server.url());

    let missing = answer(get(&Client::new(), url, ACCESS_TOKEN)).await;

    assert_eq!(missing.status, 404);
    assert_eq!(missing.body["message"], "404 Not Found");
    assert_eq!(missing.body["error"]["type"], "invalid_request_error");
    assert_eq!(missing.body["error"]["code"], "resource_missing");
    assert_eq!(missing.body["error"]["param"], "chargeId");
}

#[tokio::test]
async fn an_unknown_path_is_404() {
    let server = FaultServer::start().await;
    let url = format!("{}/v1/nowhere", server.url());

    let missing = answer(get(&Client::new(), url, ACCESS_TOKEN)).await;

    assert_eq!(missing.status, 404);
    assert_eq!(missing.body["error"]["code"], "resource_missing");
}

#[tokio::test]
async fn a_repeated_idempotency_key_replays_without_charging_again() {
    let server = FaultServer::start().await;
    let http = Client::new();
    let token = card_token(&server, &http).await;

    let first = answer(charge(&server, &http, &token, KEY)).await;
    let second = answer(charge(&server, &http, &token, KEY)).await;

    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!((second.status, second.body), (200, first.body));
    assert_eq!(server.charges().len(), 1);
}

#[tokio::test]
async fn a_used_token_is_refused_under_a_new_key() {
    let server = FaultServer::start().await;
    let http = Client::new();
    let token = card_token(&server, &http).await;
    assert_eq!(
        answer(charge(&server, &http, &token, KEY)).await.status,
        200
    );

    let reused = answer(charge(&server, &http, &token, OTHER_KEY)).await;

    assert_eq!(reused.status, 400);
    assert_eq!(reused.body["message"], "400 Bad Request");
    assert_eq!(reused.body["error"]["type"], "invalid_request_error");
    assert_eq!(reused.body["error"]["code"], "token_already_used");
    assert_eq!(reused.body["error"]["param"], "source");
    assert_eq!(server.charges().len(), 1);
}

#[tokio::test]
async fn credentials_are_checked() {
    let server = FaultServer::start().await;
    let http = Client::new();
    let key_url = format!("{}/pakms/apikey", server.url());

    let anonymous = answer(http.get(&key_url)).await;
    let wrong_key = post_json(&http, format!("{}/v1/tokens", server.url()), &json!({}));
    let wrong_key = answer(wrong_key.header("apikey", "not-the-key")).await;
    let key = answer(get(&http, key_url, ACCESS_TOKEN)).await;

    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.body["message"], "401 Unauthorized");
    assert_eq!(anonymous.body["error"]["type"], "authentication_error");
    assert_eq!(wrong_key.status, 401);
    assert_eq!(key.status, 200);
    assert_eq!(key.body["apiAccessKey"], PAKMS_KEY);
    assert_eq!(key.body["merchantUuid"], "MERCHANT0001");
}

#[tokio::test]
async fn reset_after_commit_fails_the_call_but_keeps_the_charge() {
    let server = FaultServer::start().await;
    let http = Client::new();
    let token = card_token(&server, &http).await;
    server.inject("POST", "/v1/charges", Fault::ResetAfterCommit, 1);

    let failed = charge(&server, &http, &token, KEY).send().await;

    assert!(
        failed.is_err(),
        "expected a transport error, got {failed:?}"
    );
    let committed = charge_ids(&server);
    assert_eq!(committed.len(), 1);
    let retried = answer(charge(&server, &http, &token, KEY)).await;
    assert_eq!(retried.status, 200, "{}", retried.body);
    assert_eq!(retried.body["id"], committed[0]);
    assert_eq!(server.charges().len(), 1);
}

#[tokio::test]
async fn an_injected_500_does_nothing() {
    let server = FaultServer::start().await;
    let http = Client::new();
    let token = card_token(&server, &http).await;
    server.inject("POST", "/v1/charges", Fault::Status(500), 1);

    let failed = answer(charge(&server, &http, &token, KEY)).await;

    assert_eq!(failed.status, 500);
    assert_eq!(failed.body["message"], "500 Internal Server Error");
    assert_eq!(failed.body["error"]["type"], "api_error");
    assert_eq!(failed.body["error"]["code"], "processing_error");
    assert!(server.charges().is_empty());
    // Neither the token nor the key was used up.
    let retried = answer(charge(&server, &http, &token, KEY)).await;
    assert_eq!(retried.status, 200, "{}", retried.body);
    assert_eq!(server.charges().len(), 1);
}

#[tokio::test]
async fn rate_limiting_carries_retry_after_verbatim() {
    let server = FaultServer::start().await;
    let http = Client::new();
    let token = card_token(&server, &http).await;
    let date = "Wed, 21 Oct 2037 07:28:00 GMT";
    let seconds = Fault::RateLimited {
        retry_after: Some("3".to_owned()),
    };
    let http_date = Fault::RateLimited {
        retry_after: Some(date.to_owned()),
    };
    let bare = Fault::RateLimited { retry_after: None };
    server.inject("POST", "/v1/charges", seconds, 1);
    server.inject("POST", "/v1/charges", http_date, 1);
    server.inject("POST", "/v1/charges", bare, 1);

    let mut retry_after = Vec::new();
    for _ in 0..3 {
        let response = charge(&server, &http, &token, KEY)
            .send()
            .await
            .expect("an answer");
        assert_eq!(response.status(), 429);
        assert_eq!(response.headers()["x-ratelimit-tokenlimit"], "16");
        retry_after.push(response.headers().get("retry-after").cloned());
    }

    assert_eq!(
        retry_after,
        [
            Some("3".parse().unwrap()),
            Some(date.parse().unwrap()),
            None
        ]
    );
    assert!(server.charges().is_empty());
    assert_eq!(
        answer(charge(&server, &http, &token, KEY)).await.status,
        200
    );
}

#[tokio::test]
async fn a_conflict_while_processing_is_followed_by_the_replay() {
    let server = FaultServer::start().await;
    let http = Client::new();
    let token = card_token(&server, &http).await;
    server.inject("POST", "/v1/charges", Fault::ConflictWhileProcessing, 1);

    let conflict = answer(charge(&server, &http, &token, KEY)).await;

    assert_eq!(conflict.status, 409);
    assert_eq!(conflict.body["message"], "409 Conflict");
    assert_eq!(conflict.body["error"]["type"], "idempotency_error");
    assert_eq!(conflict.body["error"]["code"], "processing_error");
    let committed = charge_ids(&server);
    assert_eq!(committed.len(), 1, "committed by the time the 409 arrives");
    let retried = answer(charge(&server, &http, &token, KEY)).await;
    assert_eq!(retried.status, 200, "{}", retried.body);
    assert_eq!(retried.body["id"], committed[0]);
    assert_eq!(server.charges().len(), 1);
}

#[tokio::test]
async fn a_delay_past_the_client_timeout_still_commits() {
    let server = FaultServer::start().await;
    let http = Client::new();
    let token = card_token(&server, &http).await;
    let delay = Fault::Delay(Duration::from_secs(2));
    server.inject("POST", "/v1/charges", delay, 1);

    let request = charge(&server, &http, &token, KEY).timeout(Duration::from_millis(200));
    let timed_out = request.send().await.expect_err("the answer comes too late");

    assert!(timed_out.is_timeout(), "{timed_out:?}");
    let committed = charge_ids(&server);
    assert_eq!(committed.len(), 1);
    let retried = answer(charge(&server, &http, &token, KEY)).await;
    assert_eq!(retried.body["id"], committed[0]);
    assert_eq!(server.charges().len(), 1);
}

#[tokio::test]
async fn faults_apply_in_order_to_matching_requests_only() {
    let server = FaultServer::start().await;
    let http = Client::new();
    let token = card_token(&server, &http).await;
    server.inject("POST", "/v1/charges", Fault::Status(503), 2);
    server.inject("POST", "/v1/charges", Fault::Status(502), 1);
    server.inject("GET", "/pakms", Fault::Status(500), 0);

    let key = answer(get(
        &http,
        format!("{}/pakms/apikey", server.url()),
        ACCESS_TOKEN,
    ))
    .await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(answer(charge(&server, &http, &token, KEY)).await.status);
    }

    assert_eq!(key.status, 200, "no fault for GET or for zero times");
    assert_eq!(statuses, [503, 503, 502, 200]);
}

#[tokio::test]
async fn requests_are_recorded_without_secret_values() {
    let server = FaultServer::start().await;
    let http = Client::new();
    let token = card_token(&server, &http).await;
    server.inject("POST", "/v1/charges", Fault::Status(502), 1);

    answer(charge(&server, &http, &token, KEY)).await;

    let requests = server.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    let (tokenize, charge) = (&requests[0], &requests[1]);
    assert_eq!(
        (tokenize.method.as_str(), tokenize.path.as_str()),
        ("POST", "/v1/tokens")
    );
    assert!(tokenize.header_names.iter().any(|name| name == "apikey"));
    assert_eq!(tokenize.idempotency_key, None);
    assert_eq!(
        (charge.method.as_str(), charge.path.as_str()),
        ("POST", "/v1/charges")
    );
    assert_eq!(charge.idempotency_key.as_deref(), Some(KEY));
    assert_eq!(charge.forwarded_for.as_deref(), Some(SHOPPER_IP));
    assert!(
        charge
            .header_names
            .iter()
            .any(|name| name == "authorization")
    );
    let recorded = format!("{requests:?}");
    for secret in [ACCESS_TOKEN, PAKMS_KEY, "4242424242424242"] {
        assert!(
            !recorded.contains(secret),
            "{secret} leaked into {recorded}"
        );
    }
}

/// Exchanges `code` and returns the token pair.
async fn exchange(server: &FaultServer, http: &Client, code: &str) -> Answer {
    let body = json!({ "client_id": "APP1", "client_secret": "s3cret", "code": code });
    answer(post_json(
        http,
        format!("{}/oauth/v2/token", server.url()),
        &body,
    ))
    .await
}

async fn refresh(server: &FaultServer, http: &Client, refresh_token: &Value) -> Answer {
    let body = json!({ "client_id": "APP1", "refresh_token": refresh_token });
    answer(post_json(
        http,
        format!("{}/oauth/v2/refresh", server.url()),
        &body,
    ))
    .await
}

/// The status `GET /pakms/apikey` answers with this Bearer token.
async fn bearer_status(server: &FaultServer, http: &Client, token: &Value) -> u16 {
    let url = format!("{}/pakms/apikey", server.url());
    let token = token.as_str().expect("a string token");
    answer(get(http, url, token)).await.status
}

#[tokio::test]
async fn an_oauth_code_works_once() {
    let server = FaultServer::start().await;
    let http = Client::new();
    server.add_oauth_code("code-1");

    let tokens = exchange(&server, &http, "code-1").await;
    let reused = exchange(&server, &http, "code-1").await;
    let unknown = exchange(&server, &http, "code-2").await;

    assert_eq!(tokens.status, 200, "{}", tokens.body);
    let expiration = tokens.body["access_token_expiration"]
        .as_i64()
        .expect("seconds");
    assert!(
        (expiration - unix_seconds() - 3600).abs() <= 2,
        "{expiration}"
    );
    assert!(tokens.body["refresh_token_expiration"].as_i64() > Some(expiration));
    assert_eq!(
        bearer_status(&server, &http, &tokens.body["access_token"]).await,
        200
    );
    for refused in [reused, unknown] {
        assert_eq!(refused.status, 400);
        assert_eq!(refused.body["error"]["param"], "code");
    }
}

#[tokio::test]
async fn a_refresh_token_works_once_and_old_access_tokens_live_on() {
    let server = FaultServer::start().await;
    let http = Client::new();
    server.add_oauth_code("code-1");
    let first = exchange(&server, &http, "code-1").await.body;

    let second = refresh(&server, &http, &first["refresh_token"]).await;
    let reused = refresh(&server, &http, &first["refresh_token"]).await;

    assert_eq!(second.status, 200, "{}", second.body);
    assert_ne!(second.body["access_token"], first["access_token"]);
    assert_ne!(second.body["refresh_token"], first["refresh_token"]);
    assert_eq!(reused.status, 400);
    assert_eq!(reused.body["error"]["param"], "refresh_token");
    assert_eq!(
        refresh(&server, &http, &second.body["refresh_token"])
            .await
            .status,
        200
    );
    assert_eq!(
        bearer_status(&server, &http, &first["access_token"]).await,
        200
    );
    assert_eq!(
        bearer_status(&server, &http, &second.body["access_token"]).await,
        200
    );
}

#[tokio::test]
async fn access_tokens_can_be_expired() {
    let server = FaultServer::start().await;
    let http = Client::new();
    server.add_oauth_code("code-1");
    server.add_oauth_code("code-2");
    let lasting = exchange(&server, &http, "code-1").await.body;
    server.set_access_token_lifetime(0);
    let stillborn = exchange(&server, &http, "code-2").await.body;

    server.expire_access_token(ACCESS_TOKEN);

    assert!(stillborn["access_token_expiration"].as_i64() <= Some(unix_seconds()));
    assert_eq!(
        bearer_status(&server, &http, &stillborn["access_token"]).await,
        401
    );
    assert_eq!(
        bearer_status(&server, &http, &json!(ACCESS_TOKEN)).await,
        401
    );
    assert_eq!(
        bearer_status(&server, &http, &lasting["access_token"]).await,
        200
    );
    server.expire_access_token(lasting["access_token"].as_str().expect("a token"));
    assert_eq!(
        bearer_status(&server, &http, &lasting["access_token"]).await,
        401
    );
}

#[tokio::test]
async fn one_connection_serves_pipelined_requests() {
    let server = FaultServer::start().await;
    let mut stream = TcpStream::connect(server.url().trim_start_matches("http://"))
        .await
        .expect("connects");
    let body = "{}";
    let request = format!(
        "POST /v1/nowhere HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );

    stream
        .write_all(request.repeat(2).as_bytes())
        .await
        .expect("writable");
    // Half-closing lets the server answer both, then close its side.
    stream.shutdown().await.expect("half-closes");
    let mut responses = String::new();
    stream
        .read_to_string(&mut responses)
        .await
        .expect("both answers");

    assert_eq!(
        responses.matches("HTTP/1.1 404 Not Found\r\n").count(),
        2,
        "{responses}"
    );
    assert_eq!(
        responses
            .matches("content-type: application/json\r\n")
            .count(),
        2
    );
    assert_eq!(responses.matches("connection: keep-alive\r\n").count(), 2);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_client_leaving_mid_delay_does_not_stop_the_server() {
    let server = FaultServer::start().await;
    let http = Client::new();
    let delay = Fault::Delay(Duration::from_millis(100));
    server.inject("GET", "/pakms/apikey", delay, 1);
    let address = server.url().trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(address).await.expect("connects");
    let request =
        format!("GET /pakms/apikey HTTP/1.1\r\nauthorization: Bearer {ACCESS_TOKEN}\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .await
        .expect("writable");
    drop(stream);

    tokio::time::sleep(Duration::from_millis(300)).await;

    assert_eq!(server.requests().len(), 1);
    let url = format!("{}/pakms/apikey", server.url());
    assert_eq!(answer(get(&http, url, ACCESS_TOKEN)).await.status, 200);
}
