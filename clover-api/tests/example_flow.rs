//! Runs `examples/accept_payment.rs` against local stand-ins of the three
//! hosts and checks that each request carried the right credential, that
//! with no token it takes the payment from its own local sandbox, and that
//! it takes exactly one payment through each fault the SDK retries; and
//! runs `examples/sandbox_server.rs` for another process to pay against.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use clover_api::Host;
use clover_api::sandbox::{Fault, LocalSandbox, Match};
use serde_json::json;
use wiremock::matchers::{body_json, header, header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ACCESS_TOKEN: &str = "access-7e1c";
const PAKMS_KEY: &str = "af4e00000000000000000000000d145";

/// An example binary, built by `cargo test` with the other targets (built
/// here if a filtered run skipped it).
fn example_binary(name: &str) -> PathBuf {
    let deps = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .to_owned();
    let binary = deps
        .parent()
        .unwrap()
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if !binary.exists() {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--package", "clover-api", "--example", name])
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

    let output = Command::new(example_binary("accept_payment"))
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

/// The README's first command: no account, no environment, a payment.
#[tokio::test]
async fn without_a_token_the_example_pays_a_local_sandbox_and_says_so_first() {
    let output = tokio::task::spawn_blocking(|| {
        let mut command = Command::new(example_binary("accept_payment"));
        for variable in [
            "CLOVER_ACCESS_TOKEN",
            "CLOVER_ENVIRONMENT",
            "CLOVER_API_URL",
            "CLOVER_ECOMMERCE_URL",
            "CLOVER_TOKEN_URL",
        ] {
            command.env_remove(variable);
        }
        command.output().unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "example failed:\n{stdout}\n{stderr}"
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("No CLOVER_ACCESS_TOKEN: taking the payment from a local sandbox"),
        "{stdout}"
    );
    assert!(lines[1].starts_with("PAKMS key fetched"), "{stdout}");
    assert!(lines[2].starts_with("card token clv_"), "{stdout}");
    assert!(
        lines[3].starts_with("charge ") && lines[3].ends_with(" succeeded: 1800 usd"),
        "{stdout}"
    );
}

#[tokio::test]
async fn the_example_explains_an_api_error() {
    let ecommerce = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pakms/apikey"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "message": "401 Unauthorized",
            "error": {"type": "authentication_error", "code": "invalid_request", "message": "The access token is not valid."}
        })))
        .mount(&ecommerce)
        .await;
    let output = Command::new(example_binary("accept_payment"))
        .env("CLOVER_ACCESS_TOKEN", ACCESS_TOKEN)
        .env("CLOVER_ECOMMERCE_URL", ecommerce.uri())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("getApiAccessKey: HTTP 401 (type authentication_error, code invalid_request): The access token is not valid."), "{stderr}");
    assert!(!stderr.contains(ACCESS_TOKEN), "{stderr}");
}

/// Each fault the SDK retries, on the charge: the example still succeeds,
/// and the sandbox holds exactly one charge.
#[tokio::test]
async fn the_example_takes_one_payment_through_each_retried_fault() {
    let faults = [
        Fault::ResetAfterCommit,
        Fault::Status(500),
        Fault::Status(409),
        Fault::RateLimited {
            retry_after: Duration::from_secs(1),
        },
        Fault::Latency(Duration::from_millis(500)),
    ];
    for injected in faults {
        let sandbox = LocalSandbox::start().await.unwrap();
        sandbox.inject(injected.clone(), Match::operation("createCharge"));
        let output = run_against(&sandbox).await;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "{injected:?}: example failed:\n{stdout}\n{stderr}"
        );
        let charges = sandbox
            .client()
            .list_charges(&Default::default())
            .await
            .unwrap()
            .data
            .unwrap();
        assert_eq!(charges.len(), 1, "{injected:?}: {charges:?}");
        assert!(
            stdout.contains(&format!("charge {} succeeded", charges[0].id)),
            "{stdout}"
        );
    }
}

/// A failure that may have charged says so, with the key to retry with.
#[tokio::test]
async fn a_failed_payment_prints_its_idempotency_key() {
    let sandbox = LocalSandbox::start().await.unwrap();
    sandbox.inject(
        Fault::Status(503),
        Match::operation("createCharge").times(3),
    );
    let output = run_against(&sandbox).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    let attempts: Vec<_> = sandbox
        .requests()
        .into_iter()
        .filter(|request| request.operation == Some("createCharge"))
        .collect();
    assert_eq!(attempts.len(), 3);
    let key = attempts[2]
        .header("idempotency-key")
        .expect("the charge carries a key");
    assert!(
        stderr.contains(&format!("idempotency key: {key}")),
        "{stderr}"
    );
    assert!(stderr.contains("may have taken effect"), "{stderr}");
    assert!(!stderr.contains("None"), "no empty Debug dump: {stderr}");
}

/// Runs the example with each host on its own port of the sandbox, off
/// the runtime thread so the sandbox keeps answering.
async fn run_against(sandbox: &LocalSandbox) -> Output {
    let variables = [
        (
            "CLOVER_ACCESS_TOKEN",
            sandbox.access_token().expose().to_owned(),
        ),
        ("CLOVER_API_URL", sandbox.url(Host::Api)),
        ("CLOVER_ECOMMERCE_URL", sandbox.url(Host::Ecommerce)),
        ("CLOVER_TOKEN_URL", sandbox.url(Host::Token)),
    ];
    tokio::task::spawn_blocking(move || {
        Command::new(example_binary("accept_payment"))
            .envs(variables)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

/// The standalone server prints what another process needs, serves it, and
/// stops on Ctrl-C (SIGINT).
#[cfg(unix)]
#[test]
fn the_sandbox_server_serves_another_process_until_interrupted() {
    let mut server = Stopped(
        Command::new(example_binary("sandbox_server"))
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut lines = BufReader::new(server.0.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    let command = loop {
        let line = lines
            .next()
            .expect("the server prints the example's command")
            .unwrap();
        printed.push(line.clone());
        if let Some(command) = line.trim().strip_prefix("CLOVER_ACCESS_TOKEN=") {
            break format!("CLOVER_ACCESS_TOKEN={command}");
        }
    };
    for host in Host::ALL {
        let prefix = format!("{host}:");
        assert!(
            printed
                .iter()
                .any(|line| line.starts_with(&prefix) && line.contains("http://127.0.0.1:")),
            "{printed:?}"
        );
    }
    let variables: Vec<(String, String)> = command
        .trim_end_matches('\\')
        .split_whitespace()
        .filter_map(|pair| pair.split_once('='))
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
    assert_eq!(variables.len(), 4, "{command}");
    let payment = Command::new(example_binary("accept_payment"))
        .envs(variables)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&payment.stdout);
    assert!(payment.status.success(), "{stdout}");
    assert!(
        stdout.starts_with("PAKMS key fetched for merchant SANDBOXMRCHNT"),
        "{stdout}"
    );
    assert!(stdout.contains(" succeeded: 1800 usd"), "{stdout}");

    let interrupted = Command::new("kill")
        .args(["-INT", &server.0.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    assert!(server.0.wait().unwrap().success());
    let rest: Vec<String> = lines.map(Result::unwrap).collect();
    assert_eq!(rest.last().map(String::as_str), Some("Stopped."));
}

/// The server process, killed if a failed assertion leaves it running.
struct Stopped(std::process::Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        // Fails harmlessly once the process has exited.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
