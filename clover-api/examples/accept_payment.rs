//! Takes a payment end to end, as in Clover's "accept payments" flow:
//! fetch the merchant's PAKMS key, tokenize a sandbox test card, charge $18.00.
//!
//! ```text
//! CLOVER_ACCESS_TOKEN=… cargo run -p clover-api --example accept_payment
//! ```
//!
//! Environment:
//! - `CLOVER_ACCESS_TOKEN` (required): OAuth access token or Ecommerce private key.
//! - `CLOVER_ENVIRONMENT`: `sandbox` (default) or `production`.
//! - `CLOVER_API_URL`, `CLOVER_ECOMMERCE_URL`, `CLOVER_TOKEN_URL`: move a host
//!   elsewhere, e.g. to a local stand-in.

use std::error::Error as StdError;
use std::net::{IpAddr, Ipv4Addr};
use std::process::ExitCode;

use clover_api::models::{CardBrand, CardDetails, CardTokenRequest, CreateChargeRequest};
use clover_api::{Client, Environment, Error, Host};

/// Visa test card that the sandbox approves.
const TEST_CARD: &str = "4242424242424242";

#[tokio::main]
async fn main() -> ExitCode {
    match accept_payment().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            if let Some(error) = error.downcast_ref::<Error>() {
                explain(error);
            }
            ExitCode::FAILURE
        }
    }
}

async fn accept_payment() -> Result<(), Box<dyn StdError>> {
    let access_token = std::env::var("CLOVER_ACCESS_TOKEN")
        .map_err(|_| "set CLOVER_ACCESS_TOKEN to an OAuth access token")?;
    let client = Client::builder()
        .environment(environment_from_env()?)
        .access_token(access_token)
        // The shopper's IP address; in this example, this machine.
        .forwarded_for(IpAddr::V4(Ipv4Addr::LOCALHOST))
        .build()?;

    let key = client.get_api_access_key().await?;
    let api_key = key
        .api_access_key
        .ok_or("the PAKMS response has no apiAccessKey")?;
    let client = client.with_api_key(api_key);
    println!(
        "PAKMS key fetched for merchant {}",
        key.merchant_uuid.as_deref().unwrap_or("?")
    );

    let mut card = CardDetails::new("12", "2030", "123");
    card.number = Some(TEST_CARD.into());
    card.brand = Some(CardBrand::Visa);
    let token = client
        .create_token(&CardTokenRequest::new(card).into())
        .await?;
    println!("card token {}", token.id);

    let charge = client
        .create_charge(&CreateChargeRequest::new(1800, "usd", token.id))
        .await?;
    let status = charge
        .status
        .as_ref()
        .map_or("unknown", |status| status.as_str());
    println!("charge {} {status}", charge.id);
    Ok(())
}

/// What an operator needs to follow up a failed payment.
fn explain(error: &Error) {
    if let Some(key) = error.idempotency_key() {
        eprintln!("idempotency key: {key} (retry with this key to avoid a second charge)");
    }
    if error.may_have_taken_effect() {
        eprintln!("the operation may have taken effect at Clover: check before retrying");
    }
    if let Some(request_id) = error.api_error().and_then(|api| api.request_id.as_deref()) {
        eprintln!("request id: {request_id}");
    }
}

fn environment_from_env() -> Result<Environment, Box<dyn StdError>> {
    let mut environment = match std::env::var("CLOVER_ENVIRONMENT").as_deref() {
        Ok("sandbox") | Err(_) => Environment::sandbox(),
        Ok("production") => Environment::production(),
        Ok(other) => {
            return Err(
                format!("CLOVER_ENVIRONMENT must be sandbox or production, not {other:?}").into(),
            );
        }
    };
    for (variable, host) in [
        ("CLOVER_API_URL", Host::Api),
        ("CLOVER_ECOMMERCE_URL", Host::Ecommerce),
        ("CLOVER_TOKEN_URL", Host::Token),
    ] {
        if let Ok(url) = std::env::var(variable) {
            environment = environment.with_base_url(host, &url)?;
        }
    }
    Ok(environment)
}
