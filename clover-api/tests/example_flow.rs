//! Runs `examples/accept_payment.rs` against local stand-ins of the three
//! hosts and checks that each request carried the right credential, and
//! that it takes exactly one payment through each fault the SDK retries.

mod common;

use std::path::PathBuf;
use std::process::Command;

use serde_json::json;
use wiremock::matchers::{body_json, header, header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ACCESS_TOKEN: &str = "access-7e1c";
const PAKMS_KEY: &str = "af4e00000000000000000000000d145";

/// The example binary, built by `cargo test` with the other targets (built
/// here if a filtered run skipped it).
fn example_binary() -> PathBuf {
    let deps = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .to_owned();
    let binary = deps
        .parent()
        .unwrap()
        .join("examples")
        .join(format!("accept_payment{}", std::env::consts::EXE_SUFFIX));
    if !binary.exists() {
        let status = Command::new(env!("CARGO"))
            .args([
                "build",
                "--package",
                "clover-api",
                "--example",
                "accept_payment",
            ])
            .status()
            .unwrap();
        assert!(status.success(), "building the example failed");
    }
    binary
}

#[tokio::test]
async fn the_example_takes_a_payment_with_the_right_credential_on_each_host() {
    let (api, ecommerce, token) = (
        MockServer::start().await,
        MockServer::start().await,
        MockServer::start().await,
    );
    Mock::given(method("GET"))
        .and(path("/pakms/apikey"))
        .and(header("authorization", format!("Bearer {ACCESS_TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "active": true, "apiAccessKey": PAKMS_KEY, "createdTime": 1722230745532_i64,
            "developerAppUuid": "RKAPP0000009C", "merchantUuid": "6XMERCHANT091", "modifiedTime": 1722230745532_i64
        })))
        .expect(1)
        .mount(&ecommerce)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/tokens"))
        .and(header("apikey", PAKMS_KEY))
        .and(body_json(json!({"card": {"number": "4242424242424242", "exp_month": "12", "exp_year": "2030", "cvv": "123", "brand": "VISA"}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "clv_1TSTtesttoken", "object": "token",
            "card": {"exp_month": "12", "exp_year": "2030", "first6": "424242", "last4": "4242", "brand": "VISA"}
        })))
        .expect(1)
        .mount(&token)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/charges"))
        .and(header("authorization", format!("Bearer {ACCESS_TOKEN}").as_str()))
        .and(header("x-forwarded-for", "127.0.0.1"))
        .and(header_exists("idempotency-key"))
        .and(body_json(json!({"amount": 1800, "currency": "usd", "source": "clv_1TSTtesttoken"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "CHARGE0000001", "amount": 1800, "currency": "usd", "status": "succeeded", "paid": true, "captured": true
        })))
        .expect(1)
        .mount(&ecommerce)
        .await;

    let output = Command::new(example_binary())
        .env("CLOVER_ACCESS_TOKEN", ACCESS_TOKEN)
        .env("CLOVER_ENVIRONMENT", "sandbox")
        .env("CLOVER_API_URL", api.uri())
        .env("CLOVER_ECOMMERCE_URL", ecommerce.uri())
        .env("CLOVER_TOKEN_URL", token.uri())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "example failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("charge CHARGE0000001 succeeded"),
        "{stdout}"
    );

    let token_requests = token.received_requests().await.unwrap();
    assert!(
        token_requests
            .iter()
            .all(|request| !request.headers.contains_key("authorization")),
        "the token host must not see the bearer token"
    );
    let ecommerce_requests = ecommerce.received_requests().await.unwrap();
    assert!(
        ecommerce_requests
            .iter()
            .all(|request| !request.headers.contains_key("apikey")),
        "the ecommerce host must not see the API key"
    );
    assert!(
        api.received_requests().await.unwrap().is_empty(),
        "the flow does not use the API host"
    );
    for output in [&stdout, &stderr] {
        assert!(
            !output.contains(ACCESS_TOKEN)
                && !output.contains(PAKMS_KEY)
                && !output.contains("4242424242424242"),
            "a secret was printed"
        );
    }
}

#[tokio::test]
async fn the_example_explains_a_missing_token_and_an_api_error() {
    let output = Command::new(example_binary())
        .env_remove("CLOVER_ACCESS_TOKEN")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("set CLOVER_ACCESS_TOKEN"));

    let ecommerce = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pakms/apikey"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "message": "401 Unauthorized",
            "error": {"type": "authentication_error", "code": "invalid_request", "message": "The access token is not valid."}
        })))
        .mount(&ecommerce)
        .await;
    let output = Command::new(example_binary())
        .env("CLOVER_ACCESS_TOKEN", ACCESS_TOKEN)
        .env("CLOVER_ECOMMERCE_URL", ecommerce.uri())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("getApiAccessKey: HTTP 401 (type authentication_error, code invalid_request): The access token is not valid."), "{stderr}");
    assert!(!stderr.contains(ACCESS_TOKEN), "{stderr}");
}

/// Each fault the SDK retries, on the charge: the example still succeeds, and
/// the stand-in holds exactly one charge.
#[tokio::test(flavor = "multi_thread")]
async fn the_example_takes_one_payment_through_each_retried_fault() {
    use common::fault_server::{Fault, FaultServer};
    let faults = [
        Fault::ResetAfterCommit,
        Fault::Status(500),
        Fault::RateLimited {
            retry_after: Some("1".to_owned()),
        },
        Fault::ConflictWhileProcessing,
        Fault::Delay(std::time::Duration::from_millis(500)),
    ];
    for injected in faults {
        let server = FaultServer::start().await;
        server.inject("POST", "/v1/charges", injected.clone(), 1);
        let output = run_against(&server).await;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "{injected:?}: example failed:\n{stdout}\n{stderr}"
        );
        let charges = server.charges();
        assert_eq!(charges.len(), 1, "{injected:?}: {charges:?}");
        let id = charges[0]["id"].as_str().unwrap();
        assert!(
            stdout.contains(&format!("charge {id} succeeded")),
            "{stdout}"
        );
    }
}

/// A failure that may have charged says so, with the key to retry with.
#[tokio::test(flavor = "multi_thread")]
async fn a_failed_payment_prints_its_idempotency_key() {
    use common::fault_server::{Fault, FaultServer};
    let server = FaultServer::start().await;
    server.inject("POST", "/v1/charges", Fault::Status(503), 3);
    let output = run_against(&server).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    let key = server.requests()[2]
        .idempotency_key
        .clone()
        .expect("the charge carries a key");
    assert!(
        stderr.contains(&format!("idempotency key: {key}")),
        "{stderr}"
    );
    assert!(stderr.contains("may have taken effect"), "{stderr}");
    assert!(!stderr.contains("None"), "no empty Debug dump: {stderr}");
}

/// Runs the example with every host on the fault server, off the runtime
/// thread so the server keeps answering.
async fn run_against(server: &common::fault_server::FaultServer) -> std::process::Output {
    let url = server.url();
    tokio::task::spawn_blocking(move || {
        Command::new(example_binary())
            .env("CLOVER_ACCESS_TOKEN", common::fault_server::ACCESS_TOKEN)
            .env("CLOVER_API_URL", &url)
            .env("CLOVER_ECOMMERCE_URL", &url)
            .env("CLOVER_TOKEN_URL", &url)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}
