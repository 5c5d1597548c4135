//! `clover_api::sandbox::LocalSandbox` through the SDK, as a downstream
//! crate would use it: payments, Clover's rules on tokens, captures,
//! refunds and listings, idempotency, credentials and hosts, faults, and
//! the request log.

use std::time::Duration;

use clover_api::models::{
    CaptureChargeRequest, CardDetails, CardTokenRequest, ChargeStatus, CreateChargeRequest,
    CreateRefundRequest, ErrorCode, ErrorDetail, ErrorType, ListChargesParams, ListRefundsParams,
};
use clover_api::sandbox::{Fault, LocalSandbox, Match};
use clover_api::{Client, Error, Host, RetryPolicy};
use futures_util::TryStreamExt;
use serde_json::{Value, json};

/// Idempotency keys are UUIDs, as the spec asks.
const ORDER_KEY: &str = "5b0f2c6e-8a53-4d35-9f0e-2a61f1f3c9d7";
const SLOW_KEY: &str = "9d7c8a0e-2f37-4a55-9a2e-0b3b6e4a1c11";

/// The README's downstream test: start, client, token, charge, assert.
#[tokio::test]
async fn a_downstream_test_takes_a_payment() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = LocalSandbox::start().await?;
    let client = sandbox.client();

    let mut card = CardDetails::new("12", "2030", "123");
    card.number = Some("4242424242424242".into());
    let token = client
        .create_token(&CardTokenRequest::new(card).into())
        .await?;

    let charge = client
        .create_charge(&CreateChargeRequest::new(1800, "usd", token.id))
        .await?;
    assert_eq!(charge.status, Some(ChargeStatus::Succeeded));
    assert_eq!(charge.amount, Some(1800));
    Ok(())
}

/// A fresh single-use token for `number`.
async fn token(client: &Client, number: &str) -> String {
    let mut card = CardDetails::new("12", "2030", "123");
    card.number = Some(number.into());
    client
        .create_token(&CardTokenRequest::new(card).into())
        .await
        .expect("the sandbox tokenizes the card")
        .id
}

/// A captured $18.00 charge on the approving Visa card.
async fn charge(client: &Client) -> String {
    let source = token(client, "4242424242424242").await;
    client
        .create_charge(&CreateChargeRequest::new(1800, "usd", source))
        .await
        .expect("the sandbox approves 4242…")
        .id
}

/// Clover's error fields of an API error.
fn detail(error: &Error) -> &ErrorDetail {
    error
        .api_error()
        .and_then(|api| api.detail.as_ref())
        .unwrap_or_else(|| panic!("not an API error with Clover's body: {error}"))
}

fn status(error: &Error) -> u16 {
    error.api_error().map(|api| api.status).unwrap_or_default()
}

#[tokio::test]
async fn a_card_token_is_spent_by_its_first_charge() {
    let sandbox = LocalSandbox::start().await.unwrap();
    let client = sandbox.client();
    let source = token(&client, "4242424242424242").await;
    client
        .create_charge(&CreateChargeRequest::new(500, "usd", source.clone()))
        .await
        .unwrap();
    let error = client
        .create_charge(&CreateChargeRequest::new(500, "usd", source))
        .await
        .unwrap_err();
    assert_eq!(status(&error), 400);
    let detail = detail(&error);
    assert_eq!(detail.code, Some(ErrorCode::TokenAlreadyUsed));
    assert_eq!(detail.r#type, Some(ErrorType::InvalidRequestError));
    assert_eq!(detail.param.as_deref(), Some("source"));
}

#[tokio::test]
async fn documented_decline_cards_fail_with_a_recorded_charge() {
    let sandbox = LocalSandbox::start().await.unwrap();
    let client = sandbox.client();
    for number in [
        "4005571702222222",
        "375987654000004",
        "5424180273333333",
        "4264281511117771",
        "4005578003333335",
    ] {
        let source = token(&client, number).await;
        let error = client
            .create_charge(&CreateChargeRequest::new(1800, "usd", source))
            .await
            .unwrap_err();
        let detail = detail(&error);
        assert_eq!(detail.r#type, Some(ErrorType::CardError), "{number}");
        assert_eq!(detail.code, Some(ErrorCode::CardDeclined), "{number}");
        let failed = detail.charge.clone().expect("a decline names its charge");
        let charge = client
            .get_charge(&failed, &Default::default())
            .await
            .unwrap();
        assert_eq!(charge.status, Some(ChargeStatus::Failed));
        assert_eq!(charge.paid, Some(false));
    }
}

#[tokio::test]
async fn bad_card_data_is_refused_at_tokenization_and_expiry_at_charge() {
    let sandbox = LocalSandbox::start().await.unwrap();
    let client = sandbox.client();
    let mut card = CardDetails::new("12", "2030", "123");
    card.number = Some("4242424242424241".into());
    let error = client
        .create_token(&CardTokenRequest::new(card).into())
        .await
        .unwrap_err();
    assert_eq!(detail(&error).code, Some(ErrorCode::InvalidNumber));
    assert_eq!(detail(&error).param.as_deref(), Some("card.number"));

    let mut card = CardDetails::new("01", "2020", "123");
    card.number = Some("4242424242424242".into());
    let expired = client
        .create_token(&CardTokenRequest::new(card).into())
        .await
        .unwrap();
    let error = client
        .create_charge(&CreateChargeRequest::new(100, "usd", expired.id))
        .await
        .unwrap_err();
    assert_eq!(detail(&error).code, Some(ErrorCode::ExpiredCard));
}

#[tokio::test]
async fn an_authorization_is_captured_once_for_at_most_its_amount() {
    let sandbox = LocalSandbox::start().await.unwrap();
    let client = sandbox.client();
    let source = token(&client, "4242424242424242").await;
    let auth = client
        .create_charge(&CreateChargeRequest::new(2500, "usd", source).capture(false))
        .await
        .unwrap();
    assert_eq!(
        (auth.captured, auth.amount_captured),
        (Some(false), Some(0))
    );

    let error = client
        .capture_charge(&auth.id, &CaptureChargeRequest::default().amount(2600))
        .await
        .unwrap_err();
    assert_eq!(detail(&error).code, Some(ErrorCode::InvalidChargeAmount));

    let captured = client
        .capture_charge(&auth.id, &CaptureChargeRequest::default().amount(2000))
        .await
        .unwrap();
    assert_eq!(
        (captured.captured, captured.amount_captured),
        (Some(true), Some(2000))
    );

    let error = client
        .capture_charge(&auth.id, &CaptureChargeRequest::default())
        .await
        .unwrap_err();
    assert_eq!(status(&error), 400);
    assert_eq!(detail(&error).code, Some(ErrorCode::ChargeAlreadyCaptured));
}

#[tokio::test]
async fn refunds_never_exceed_what_is_left_and_a_cancel_gives_it_back() {
    let sandbox = LocalSandbox::start().await.unwrap();
    let client = sandbox.client();
    let charge = charge(&client).await;

    let first = client
        .create_refund(&CreateRefundRequest::new(charge.clone()).amount(500))
        .await
        .unwrap();
    assert_eq!(first.amount, Some(500));
    let error = client
        .create_refund(&CreateRefundRequest::new(charge.clone()).amount(1301))
        .await
        .unwrap_err();
    assert_eq!(detail(&error).param.as_deref(), Some("amount"));
    let rest = client
        .create_refund(&CreateRefundRequest::new(charge.clone()))
        .await
        .unwrap();
    assert_eq!(rest.amount, Some(1300));
    let refunded = client
        .get_charge(&charge, &Default::default())
        .await
        .unwrap();
    assert_eq!(
        (refunded.amount_refunded, refunded.refunded),
        (Some(1800), Some(true))
    );
    let error = client
        .create_refund(&CreateRefundRequest::new(charge.clone()))
        .await
        .unwrap_err();
    assert_eq!(detail(&error).code, Some(ErrorCode::ChargeAlreadyRefunded));

    let listed = client
        .list_refunds(&ListRefundsParams::default().charge(charge.clone()))
        .await
        .unwrap();
    let ids: Vec<_> = listed
        .data
        .unwrap()
        .into_iter()
        .map(|refund| refund.id)
        .collect();
    assert_eq!(ids, [rest.id.clone(), first.id.clone()], "newest first");
    assert_eq!(
        client.get_refund(&first.id).await.unwrap().amount,
        Some(500)
    );

    let void = client
        .cancel_refund(&first.id, &Default::default())
        .await
        .unwrap();
    assert_eq!(void.object.as_deref(), Some("void_on_refund"));
    let owed_again = client
        .create_refund(&CreateRefundRequest::new(charge).amount(500))
        .await
        .unwrap();
    assert_eq!(owed_again.amount, Some(500));
}

#[tokio::test]
async fn listings_repeat_the_cursor_item_and_the_sdk_streams_each_charge_once() {
    let sandbox = LocalSandbox::start().await.unwrap();
    let client = sandbox.client();
    let mut created = Vec::new();
    for _ in 0..5 {
        created.push(charge(&client).await);
    }
    let newest_first: Vec<String> = created.iter().rev().cloned().collect();

    let streamed: Vec<String> = client
        .list_charges_pages(ListChargesParams::default().limit(2))
        .items()
        .map_ok(|charge| charge.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(streamed, newest_first);
    let pages = sandbox
        .requests()
        .into_iter()
        .filter(|request| request.operation == Some("listCharges"))
        .count();
    assert_eq!(pages, 4, "2 charges, then 1 new after each repeated cursor");

    let page = client
        .list_charges(
            &ListChargesParams::default()
                .limit(2)
                .starting_after(newest_first[1].clone()),
        )
        .await
        .unwrap();
    let ids: Vec<_> = page
        .data
        .unwrap()
        .into_iter()
        .map(|charge| charge.id)
        .collect();
    assert_eq!(ids, newest_first[1..3], "the cursor charge comes first");
    assert_eq!(page.has_more, Some(true));

    let middle = client
        .get_charge(&created[2], &Default::default())
        .await
        .unwrap()
        .created
        .unwrap();
    let later = client
        .list_charges(&ListChargesParams::default().created_gt(middle))
        .await
        .unwrap();
    let ids: Vec<_> = later
        .data
        .unwrap()
        .into_iter()
        .map(|charge| charge.id)
        .collect();
    assert_eq!(ids, newest_first[..2]);
}

/// A request the SDK would refuse to send, straight to a host.
async fn raw(
    sandbox: &LocalSandbox,
    host: Host,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> (u16, Value) {
    let url = format!("{}{path}", sandbox.url(host));
    let mut request = clover_api::reqwest::Client::new()
        .request(method.parse().unwrap(), url)
        .header("content-type", "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let body = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    (status, body)
}

#[tokio::test]
async fn limits_outside_1_to_100_are_refused_naming_the_parameter() {
    let sandbox = LocalSandbox::start().await.unwrap();
    let bearer = format!("Bearer {}", sandbox.access_token().expose());
    for limit in ["0", "101"] {
        let (status, body) = raw(
            &sandbox,
            Host::Ecommerce,
            "GET",
            &format!("/v1/charges?limit={limit}"),
            &[("authorization", &bearer)],
            None,
        )
        .await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["error"]["type"], "invalid_request_error");
        assert_eq!(body["error"]["param"], "limit");
        assert_eq!(body["message"], "400 Bad Request");
    }
}

#[tokio::test]
async fn each_host_checks_its_own_credential_and_required_headers() {
    let sandbox = LocalSandbox::start().await.unwrap();
    let bearer = &*format!("Bearer {}", sandbox.access_token().expose());
    let api_key = sandbox.api_key().expose();
    let card = json!({"card": {"number": "4242424242424242", "exp_month": "12", "exp_year": "2030", "cvv": "123"}});

    let cases = [
        (
            Host::Token,
            "POST",
            "/v1/tokens",
            vec![],
            Some(card.clone()),
            401,
        ),
        (
            Host::Token,
            "POST",
            "/v1/tokens",
            vec![("authorization", bearer)],
            Some(card.clone()),
            401,
        ),
        (
            Host::Token,
            "POST",
            "/v1/tokens",
            vec![("apikey", api_key)],
            Some(card.clone()),
            200,
        ),
        (
            Host::Ecommerce,
            "GET",
            "/pakms/apikey",
            vec![("apikey", api_key)],
            None,
            401,
        ),
        (
            Host::Ecommerce,
            "GET",
            "/pakms/apikey",
            vec![("authorization", "Bearer nope")],
            None,
            401,
        ),
        (
            Host::Ecommerce,
            "GET",
            "/pakms/apikey",
            vec![("authorization", bearer)],
            None,
            200,
        ),
    ];
    for (host, method, path, headers, body, expected) in cases {
        let (status, answer) = raw(&sandbox, host, method, path, &headers, body).await;
        assert_eq!(status, expected, "{method} {path} {headers:?}: {answer}");
        if expected == 401 {
            assert_eq!(answer["error"]["type"], "authentication_error");
        }
    }

    let (status, answer) = raw(
        &sandbox,
        Host::Ecommerce,
        "POST",
        "/v1/charges",
        &[("authorization", bearer)],
        Some(json!({"amount": 100, "currency": "usd", "source": "clv_x"})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(answer["error"]["param"], "x-forwarded-for");

    let lowercase = bearer.replacen("Bearer", "bearer", 1);
    let (status, _) = raw(
        &sandbox,
        Host::Ecommerce,
        "GET",
        "/pakms/apikey",
        &[("authorization", &lowercase)],
        None,
    )
    .await;
    assert_eq!(status, 200, "the scheme is case-insensitive");

    let huge = json!({"card": {"number": "4".repeat(2 * 1024 * 1024)}});
    let (status, answer) = raw(
        &sandbox,
        Host::Token,
        "POST",
        "/v1/tokens",
        &[("apikey", api_key)],
        Some(huge),
    )
    .await;
    assert_eq!(status, 413, "{answer}");
}

#[tokio::test]
async fn a_request_sent_to_the_wrong_host_is_a_404() {
    let sandbox = LocalSandbox::start().await.unwrap();
    let misrouted = sandbox
        .environment()
        .with_base_url(Host::Ecommerce, &sandbox.url(Host::Token))
        .unwrap();
    let client = sandbox
        .client_builder()
        .environment(misrouted)
        .build()
        .unwrap();
    let error = client.get_api_access_key().await.unwrap_err();
    assert_eq!(status(&error), 404);
    let log = sandbox.requests();
    assert_eq!(log.len(), 1);
    assert_eq!((log[0].host, log[0].operation), (Host::Token, None));
}

#[tokio::test]
async fn the_same_key_replays_and_a_changed_body_is_an_idempotency_error() {
    let sandbox = LocalSandbox::start().await.unwrap();
    let client = sandbox.client();
    let source = token(&client, "4242424242424242").await;
    let request = CreateChargeRequest::new(1800, "usd", source);
    let first = client
        .create_charge(&request)
        .idempotency_key(ORDER_KEY)
        .await
        .unwrap();
    let again = client
        .create_charge(&request)
        .idempotency_key(ORDER_KEY)
        .await
        .unwrap();
    assert_eq!(again, first, "the stored answer, not token_already_used");

    let changed = CreateChargeRequest::new(1900, "usd", request.source.clone());
    let error = client
        .create_charge(&changed)
        .idempotency_key(ORDER_KEY)
        .await
        .unwrap_err();
    assert_eq!(status(&error), 400);
    assert_eq!(detail(&error).r#type, Some(ErrorType::IdempotencyError));

    let charges = client.list_charges(&Default::default()).await.unwrap();
    assert_eq!(charges.data.unwrap().len(), 1);

    let error = client
        .create_charge(&changed)
        .idempotency_key("not-a-uuid")
        .await
        .unwrap_err();
    assert_eq!(detail(&error).param.as_deref(), Some("idempotency-key"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_still_in_progress_gets_a_409() {
    let sandbox = LocalSandbox::start().await.unwrap();
    let client = sandbox.client();
    let source = token(&client, "4242424242424242").await;
    sandbox.inject(
        Fault::Latency(Duration::from_secs(600)),
        Match::operation("createCharge"),
    );
    let request = CreateChargeRequest::new(1800, "usd", source);
    let slow = tokio::spawn({
        let (client, request) = (client.clone(), request.clone());
        async move {
            client
                .create_charge(&request)
                .idempotency_key(SLOW_KEY)
                .no_retry()
                .await
        }
    });
    wait_for(&sandbox, "createCharge").await;

    let error = client
        .create_charge(&request)
        .idempotency_key(SLOW_KEY)
        .no_retry()
        .await
        .unwrap_err();
    assert_eq!(status(&error), 409);
    assert_eq!(detail(&error).r#type, Some(ErrorType::IdempotencyError));
    slow.abort();
}

/// Returns once the sandbox has logged a request for `operation` (a
/// condition, not a guess at timing), or fails after ten seconds.
async fn wait_for(sandbox: &LocalSandbox, operation: &str) {
    let arrived = async {
        while !sandbox
            .requests()
            .iter()
            .any(|request| request.operation == Some(operation))
        {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), arrived)
        .await
        .unwrap_or_else(|_| panic!("no {operation} request arrived"));
}

/// Retries after 10 ms at most, so fault tests run fast.
fn quick_retries(sandbox: &LocalSandbox) -> Client {
    sandbox
        .client_builder()
        .retry(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(10))
                .max_backoff(Duration::from_millis(10)),
        )
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_reset_after_commit_is_retried_with_the_same_key_into_one_charge() {
    let sandbox = LocalSandbox::start().await.unwrap();
    let client = quick_retries(&sandbox);
    let source = token(&client, "4242424242424242").await;
    sandbox.inject(Fault::ResetAfterCommit, Match::operation("createCharge"));

    let charge = client
        .create_charge(&CreateChargeRequest::new(1800, "usd", source))
        .await
        .unwrap();

    let listed = client.list_charges(&Default::default()).await.unwrap();
    let ids: Vec<_> = listed
        .data
        .unwrap()
        .into_iter()
        .map(|charge| charge.id)
        .collect();
    assert_eq!(ids, [charge.id]);
    let attempts: Vec<_> = sandbox
        .requests()
        .into_iter()
        .filter(|request| request.operation == Some("createCharge"))
        .collect();
    assert_eq!(attempts.len(), 2);
    assert_eq!(
        attempts[0].status, None,
        "the first was answered with a reset"
    );
    assert_eq!(attempts[1].status, Some(200));
    assert_eq!(
        attempts[0].header("idempotency-key"),
        attempts[1].header("idempotency-key")
    );
}

#[tokio::test]
async fn an_injected_status_does_nothing_and_says_so() {
    let sandbox = LocalSandbox::start().await.unwrap();
    let client = quick_retries(&sandbox);
    let source = token(&client, "4242424242424242").await;
    sandbox.inject(
        Fault::Status(503),
        Match::operation("createCharge").times(3),
    );

    let error = client
        .create_charge(&CreateChargeRequest::new(1800, "usd", source.clone()))
        .await
        .unwrap_err();
    assert_eq!(status(&error), 503);
    assert_eq!(error.attempts().len(), 3);
    assert_eq!(detail(&error).code, Some(ErrorCode::ProcessingError));
    let listed = client.list_charges(&Default::default()).await.unwrap();
    assert!(listed.data.unwrap().is_empty(), "no attempt charged");

    let charge = client
        .create_charge(&CreateChargeRequest::new(1800, "usd", source))
        .await
        .unwrap();
    assert_eq!(
        charge.status,
        Some(ChargeStatus::Succeeded),
        "the token is unspent"
    );
}

#[tokio::test]
async fn a_rate_limit_names_when_to_come_back() {
    let sandbox = LocalSandbox::start().await.unwrap();
    let client = sandbox
        .client_builder()
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    sandbox.inject(
        Fault::RateLimited {
            retry_after: Duration::from_millis(1500),
        },
        Match::next(1),
    );
    let error = client.get_api_access_key().await.unwrap_err();
    let api = error.api_error().unwrap();
    assert_eq!(api.status, 429);
    assert_eq!(api.headers["retry-after"], "2", "whole seconds, rounded up");
    assert_eq!(detail(&error).r#type, Some(ErrorType::RateLimitError));
    client.get_api_access_key().await.unwrap();
}

#[tokio::test]
async fn the_request_log_keeps_headers_but_no_secrets() {
    let sandbox = LocalSandbox::start().await.unwrap();
    let client = sandbox.client();
    charge(&client).await;
    let log = sandbox.requests();
    let operations: Vec<_> = log.iter().map(|request| request.operation).collect();
    assert_eq!(operations, [Some("createToken"), Some("createCharge")]);
    assert_eq!(log[0].host, Host::Token);
    assert_eq!(log[0].header("apikey"), Some("[redacted]"));
    assert_eq!(log[0].header("authorization"), None);
    assert_eq!(log[1].header("authorization"), Some("Bearer [redacted]"));
    assert_eq!(log[1].header("x-forwarded-for"), Some("203.0.113.7"));
    assert!(log[1].header("idempotency-key").is_some());
    let shown = format!("{log:?} {sandbox:?}");
    assert!(!shown.contains(sandbox.access_token().expose()), "{shown}");
    assert!(!shown.contains(sandbox.api_key().expose()), "{shown}");
    assert!(!shown.contains("4242424242424242"), "{shown}");
}

#[tokio::test]
#[should_panic(expected = "the spec has no operation `createCharges`")]
async fn a_fault_for_an_unknown_operation_is_a_mistake_in_the_test() {
    let sandbox = LocalSandbox::start().await.unwrap();
    sandbox.inject(Fault::Status(500), Match::operation("createCharges"));
}
