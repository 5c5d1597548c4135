//! What the SDK tells `tracing`, captured by a real subscriber: a span per
//! call and an event per attempt with what an operator needs, and never a
//! credential, a card number or a body, in its own events or in those of
//! the HTTP stack beneath it (captured at TRACE level).

mod common;

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clover_api::models::{CardDetails, CardTokenRequest, CreateChargeRequest};
use clover_api::schemes::{ApiKeyAuth, BearerAuth};
use clover_api::{Client, Environment, Host, RetryPolicy};
use common::fault_server::{self as fault, Fault, FaultServer};
use tracing_subscriber::fmt::MakeWriter;

/// Everything the subscriber writes, shared with the test.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

const CARD_NUMBER: &str = "4242424242424242";
const CVV: &str = "987";

#[tokio::test]
async fn each_call_is_a_span_each_attempt_an_event_and_no_secret_is_traced() {
    let server = FaultServer::start().await;
    server.inject("POST", "/v1/charges", Fault::Status(503), 1);
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .without_time()
        .with_writer(captured.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mut environment = Environment::default();
    for host in Host::ALL {
        environment = environment.with_base_url(host, &server.url()).unwrap();
    }
    let client = Client::builder()
        .environment(environment)
        .credential(BearerAuth, fault::ACCESS_TOKEN)
        .credential(ApiKeyAuth, fault::PAKMS_KEY)
        .forwarded_for(IpAddr::V4(Ipv4Addr::LOCALHOST))
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(10)))
        .build()
        .unwrap();
    let mut card = CardDetails::new("12", "2030", CVV);
    card.number = Some(CARD_NUMBER.into());
    let token = client
        .create_token(&CardTokenRequest::new(card).into())
        .await
        .unwrap();
    let charge = client
        .create_charge(&CreateChargeRequest::new(1800, "usd", token.id.clone()))
        .await
        .unwrap();

    let text = captured.text();
    let key = server.requests()[1].idempotency_key.clone().unwrap();
    let charge_lines: Vec<&str> = text
        .lines()
        .filter(|line| {
            line.contains("operation=\"createCharge\"")
                && line.contains("clover_api_runtime::trace")
        })
        .collect();
    assert_eq!(charge_lines.len(), 2, "one event per attempt:\n{text}");
    let (failed, succeeded) = (charge_lines[0], charge_lines[1]);
    for expected in [
        "call{operation=",
        "method=POST",
        "host=\"127.0.0.1\"",
        "attempt=1",
        "status=503",
        "failure=HTTP 503",
        "may_have_taken_effect=true",
        "latency_ms=",
        "next_delay_ms=",
        &format!("idempotency_key=\"{key}\""),
        "attempt failed; retrying",
    ] {
        assert!(
            failed.contains(expected),
            "`{expected}` missing from: {failed}"
        );
    }
    for expected in ["attempt=2", "status=200", "attempt succeeded"] {
        assert!(
            succeeded.contains(expected),
            "`{expected}` missing from: {succeeded}"
        );
    }
    assert!(
        text.contains("operation=\"createToken\""),
        "the token call is traced too:\n{text}"
    );
    for secret in [
        fault::ACCESS_TOKEN,
        fault::PAKMS_KEY,
        CARD_NUMBER,
        // A body's field names: a three-digit CVV could match a port number.
        "cvv",
        "\"amount\"",
        token.id.as_str(),
        charge.id.as_str(),
    ] {
        assert!(!text.contains(secret), "`{secret}` was traced:\n{text}");
    }
}
