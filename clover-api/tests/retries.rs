//! Retries against a stand-in of Clover that injects faults: each payment
//! ends with exactly one charge at the server, every attempt carries the same
//! idempotency key, and an operation that is not safe to send twice is not
//! sent twice after a failure that may have reached the server.

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use clover_api::models::{
    CardDetails, CardTokenRequest, Charge, CreateChargeRequest, ExchangeOauthCodeParams,
    OauthTokenRequest,
};
use clover_api::schemes::{ApiKeyAuth, BearerAuth};
use clover_api::{AttemptFailure, Client, Environment, Error, Host, RetryPolicy};
use common::fault_server::{self as fault, Fault, FaultServer, Recorded};

const CHARGES: &str = "/v1/charges";

/// Retries as by default, with short waits so the suite stays quick.
fn quick_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(20))
        .attempt_timeout(Duration::from_secs(5))
}

fn client(server: &FaultServer, retry: RetryPolicy) -> Client {
    let mut environment = Environment::default();
    for host in Host::ALL {
        environment = environment.with_base_url(host, &server.url()).unwrap();
    }
    Client::builder()
        .environment(environment)
        .credential(BearerAuth, fault::ACCESS_TOKEN)
        .credential(ApiKeyAuth, fault::PAKMS_KEY)
        .forwarded_for(IpAddr::V4(Ipv4Addr::LOCALHOST))
        .retry(retry)
        .build()
        .unwrap()
}

async fn card_token(client: &Client) -> String {
    let mut card = CardDetails::new("12", "2030", "123");
    card.number = Some("4242424242424242".into());
    client
        .create_token(&CardTokenRequest::new(card).into())
        .await
        .expect("the token host answers")
        .id
}

/// Tokenizes a card and charges it once, through whatever fault is injected.
async fn pay(client: &Client) -> Result<Charge, Error> {
    let token = card_token(client).await;
    client
        .create_charge(&CreateChargeRequest::new(1800, "usd", token))
        .await
}

fn charge_attempts(server: &FaultServer) -> Vec<Recorded> {
    server
        .requests()
        .into_iter()
        .filter(|request| request.method == "POST" && request.path == CHARGES)
        .collect()
}

/// The payment succeeded once at the server, after `attempts` attempts that
/// all carried one key.
fn assert_charged_once(server: &FaultServer, charge: &Charge, attempts: usize) {
    let charges = server.charges();
    assert_eq!(charges.len(), 1, "exactly one charge: {charges:?}");
    assert_eq!(charges[0]["id"], charge.id.as_str());
    let sent = charge_attempts(server);
    assert_eq!(sent.len(), attempts, "attempts: {sent:?}");
    let key = sent[0].idempotency_key.as_deref().expect("a key is sent");
    assert!(
        sent.iter()
            .all(|request| request.idempotency_key.as_deref() == Some(key)),
        "every attempt carries the same key: {sent:?}"
    );
}

#[tokio::test]
async fn a_reset_after_the_charge_committed_is_retried_with_the_same_key() {
    let server = FaultServer::start().await;
    server.inject("POST", CHARGES, Fault::ResetAfterCommit, 1);
    let charge = pay(&client(&server, quick_retries()))
        .await
        .expect("the retry gets the committed charge");
    assert_charged_once(&server, &charge, 2);
}

#[tokio::test]
async fn server_errors_are_retried_until_one_succeeds() {
    let server = FaultServer::start().await;
    server.inject("POST", CHARGES, Fault::Status(500), 1);
    server.inject("POST", CHARGES, Fault::Status(503), 1);
    let charge = pay(&client(&server, quick_retries()))
        .await
        .expect("the third attempt succeeds");
    assert_charged_once(&server, &charge, 3);
}

#[tokio::test]
async fn a_429_waits_as_long_as_retry_after_says() {
    let server = FaultServer::start().await;
    server.inject(
        "POST",
        CHARGES,
        Fault::RateLimited {
            retry_after: Some("1".to_owned()),
        },
        1,
    );
    let client = client(&server, quick_retries());
    let token = card_token(&client).await;
    let started = Instant::now();
    let charge = client
        .create_charge(&CreateChargeRequest::new(1800, "usd", token))
        .await
        .expect("the second attempt succeeds");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited {:?}, less than Retry-After",
        started.elapsed()
    );
    assert_charged_once(&server, &charge, 2);
}

#[tokio::test]
async fn a_retry_after_date_is_honoured_and_a_wait_past_the_deadline_ends_the_call() {
    let server = FaultServer::start().await;
    let soon = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(1));
    server.inject(
        "POST",
        CHARGES,
        Fault::RateLimited {
            retry_after: Some(soon),
        },
        1,
    );
    let charge = pay(&client(&server, quick_retries()))
        .await
        .expect("a date in the near future is waited for");
    assert_charged_once(&server, &charge, 2);

    let server = FaultServer::start().await;
    server.inject(
        "POST",
        CHARGES,
        Fault::RateLimited {
            retry_after: Some("120".to_owned()),
        },
        1,
    );
    let started = Instant::now();
    let error = pay(&client(
        &server,
        quick_retries().deadline(Duration::from_secs(10)),
    ))
    .await
    .expect_err("a two-minute wait does not fit a ten-second deadline");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "it did not wait"
    );
    let api = error.api_error().expect("the 429 is reported");
    assert_eq!(api.status, 429);
    assert_eq!(api.retry_after(), Some(Duration::from_secs(120)));
    assert_eq!(
        api.rate_limits().collect::<Vec<_>>(),
        [("x-ratelimit-tokenlimit", "16")]
    );
    assert!(!error.may_have_taken_effect(), "a 429 is a refusal");
    assert!(server.charges().is_empty());
}

#[tokio::test]
async fn a_409_while_the_key_is_in_progress_is_retried() {
    let server = FaultServer::start().await;
    server.inject("POST", CHARGES, Fault::ConflictWhileProcessing, 1);
    let charge = pay(&client(&server, quick_retries()))
        .await
        .expect("the retry gets the charge the first attempt started");
    assert_charged_once(&server, &charge, 2);
}

#[tokio::test]
async fn a_response_slower_than_the_attempt_timeout_is_retried() {
    let server = FaultServer::start().await;
    server.inject("POST", CHARGES, Fault::Delay(Duration::from_secs(3)), 1);
    let policy = quick_retries().attempt_timeout(Duration::from_millis(400));
    let charge = pay(&client(&server, policy))
        .await
        .expect("the retry gets the charge the slow attempt made");
    assert_charged_once(&server, &charge, 2);
}

#[tokio::test]
async fn the_callers_key_is_sent_on_every_attempt() {
    let server = FaultServer::start().await;
    server.inject("POST", CHARGES, Fault::ResetAfterCommit, 1);
    let client = client(&server, quick_retries());
    let token = card_token(&client).await;
    let key = "6f1c0e52-7a3b-4d2e-9b8f-31c5a0d4e7aa";
    client
        .create_charge(&CreateChargeRequest::new(1800, "usd", token))
        .idempotency_key(key)
        .await
        .expect("succeeds on the retry");
    let keys: Vec<_> = charge_attempts(&server)
        .into_iter()
        .map(|request| request.idempotency_key)
        .collect();
    assert_eq!(keys, [Some(key.to_owned()), Some(key.to_owned())]);
}

#[tokio::test]
async fn when_attempts_run_out_the_error_tells_each_one_and_keeps_the_key() {
    let server = FaultServer::start().await;
    server.inject("POST", CHARGES, Fault::ResetAfterCommit, 1);
    server.inject("POST", CHARGES, Fault::Status(502), 5);
    let error = pay(&client(&server, quick_retries()))
        .await
        .expect_err("three attempts, all failed");
    let reasons: Vec<_> = error
        .attempts()
        .iter()
        .map(|attempt| attempt.reason)
        .collect();
    assert_eq!(
        reasons,
        [
            AttemptFailure::ConnectionLost,
            AttemptFailure::Status(502),
            AttemptFailure::Status(502)
        ]
    );
    assert!(
        error.may_have_taken_effect(),
        "the first attempt did charge"
    );
    assert_eq!(server.charges().len(), 1);
    let sent = charge_attempts(&server);
    assert_eq!(error.idempotency_key(), sent[0].idempotency_key.as_deref());
    let shown = error.to_string();
    assert!(
        shown.contains("attempt 3; earlier: connection lost, HTTP 502"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_refused_request_is_not_retried() {
    let server = FaultServer::start().await;
    server.inject("POST", CHARGES, Fault::Status(400), 1);
    let error = pay(&client(&server, quick_retries()))
        .await
        .expect_err("a 400 is final");
    assert_eq!(error.attempts().len(), 1);
    assert!(!error.may_have_taken_effect());
    assert_eq!(charge_attempts(&server).len(), 1);
}

#[tokio::test]
async fn no_retry_sends_once() {
    let server = FaultServer::start().await;
    server.inject("POST", CHARGES, Fault::Status(500), 1);
    let client = client(&server, quick_retries());
    let token = card_token(&client).await;
    let error = client
        .create_charge(&CreateChargeRequest::new(1800, "usd", token))
        .no_retry()
        .await
        .expect_err("one attempt, failed");
    assert_eq!(error.attempts().len(), 1);
    assert_eq!(charge_attempts(&server).len(), 1);
}

fn code_exchange(code: &str) -> OauthTokenRequest {
    let mut request = OauthTokenRequest::new("APP", code);
    request.client_secret = Some("app-secret".into());
    request
}

fn exchanges(server: &FaultServer) -> usize {
    server
        .requests()
        .iter()
        .filter(|request| request.path.starts_with("/oauth/v2/token"))
        .count()
}

/// An authorization code works once: after a failure that may have reached
/// Clover, a second copy would fail and could hide the tokens the first got.
#[tokio::test]
async fn the_code_exchange_is_not_replayed_after_an_unknown_outcome() {
    for fault in [Fault::ResetAfterCommit, Fault::Status(500)] {
        let server = FaultServer::start().await;
        server.add_oauth_code("CODE-1");
        server.inject("POST", "/oauth/v2/token", fault.clone(), 1);
        let error = client(&server, quick_retries())
            .exchange_oauth_code(
                &code_exchange("CODE-1"),
                &ExchangeOauthCodeParams::default(),
            )
            .await
            .expect_err("not retried");
        assert_eq!(exchanges(&server), 1, "{fault:?}: sent once");
        if fault == Fault::ResetAfterCommit {
            let shown = error.to_string();
            assert!(
                shown.starts_with("exchangeOauthCode: no answer from 127.0.0.1; the request may have reached the server: "),
                "names the host: {shown}"
            );
            assert!(
                shown.to_lowercase().contains("reset") || shown.contains("closed"),
                "names the root cause: {shown}"
            );
        }
        assert_eq!(error.attempts().len(), 1, "{fault:?}");
        assert!(error.may_have_taken_effect(), "{fault:?}");
    }
}

/// A 429 is Clover's refusal: the code was not spent, so it is retried.
#[tokio::test]
async fn the_code_exchange_is_retried_after_a_429() {
    let server = FaultServer::start().await;
    server.add_oauth_code("CODE-2");
    server.inject(
        "POST",
        "/oauth/v2/token",
        Fault::RateLimited {
            retry_after: Some("0".to_owned()),
        },
        1,
    );
    let tokens = client(&server, quick_retries())
        .exchange_oauth_code(
            &code_exchange("CODE-2"),
            &ExchangeOauthCodeParams::default(),
        )
        .await
        .expect("the second attempt exchanges the code");
    assert!(!tokens.access_token.expose().is_empty());
    assert_eq!(exchanges(&server), 2);
}

/// With nothing listening, no request can have been sent: every operation,
/// even one that must not be replayed, is tried again.
#[tokio::test]
async fn a_failed_connection_is_retried_for_every_operation() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let environment = Environment::default()
        .with_base_url(Host::Api, &format!("http://{closed}"))
        .unwrap();
    let error = Client::builder()
        .environment(environment)
        .retry(quick_retries())
        .build()
        .unwrap()
        .exchange_oauth_code(
            &code_exchange("CODE-3"),
            &ExchangeOauthCodeParams::default(),
        )
        .await
        .expect_err("nothing listens");
    let reasons: Vec<_> = error.attempts().iter().map(|a| a.reason).collect();
    assert_eq!(reasons, [AttemptFailure::NoConnection; 3]);
    assert!(!error.may_have_taken_effect());
    let shown = error.to_string();
    assert!(
        shown.contains(&format!("could not connect to {}", closed.ip())),
        "names the host: {shown}"
    );
}
