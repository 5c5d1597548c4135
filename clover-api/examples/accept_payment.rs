//! Takes a payment end to end, as in Clover's "accept payments" flow:
//! fetch the merchant's PAKMS key, tokenize a sandbox test card, charge $18.00.
//!
//! ```text
//! cargo run -p clover-api --example accept_payment                          # local sandbox
//! CLOVER_ACCESS_TOKEN=… cargo run -p clover-api --example accept_payment    # Clover
//! ```
//!
//! Without `CLOVER_ACCESS_TOKEN` the flow runs against a
//! [`LocalSandbox`](clover_api::sandbox::LocalSandbox) started in this
//! process, and the first line of output says so.
//!
//! Environment:
//! - `CLOVER_ACCESS_TOKEN`: OAuth access token or Ecommerce private key.
//! - `CLOVER_ENVIRONMENT`: `sandbox` (default) or `production`.
//! - `CLOVER_API_URL`, `CLOVER_ECOMMERCE_URL`, `CLOVER_TOKEN_URL`: move a host
//!   elsewhere, e.g. to a local stand-in.

use std::error::Error as StdError;
use std::net::{IpAddr, Ipv4Addr};
use std::process::ExitCode;

use clover_api::models::{CardBrand, CardDetails, CardTokenRequest, CreateChargeRequest};
use clover_api::sandbox::LocalSandbox;
use clover_api::schemes::{ApiKeyAuth, BearerAuth};
use clover_api::{Client, Environment, Error, Host, Secret, Server};

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
    // The sandbox, if any, lives to the end of the flow: dropping it stops it.
    let (environment, access_token, _sandbox) = target().await?;
    let client = Client::builder()
        .environment(environment)
        .credential(BearerAuth, access_token)
        // The shopper's IP address; in this example, this machine.
        .forwarded_for(IpAddr::V4(Ipv4Addr::LOCALHOST))
        .build()?;

    let key = client.get_api_access_key().await?;
    let api_key = key
        .api_access_key
        .ok_or("the PAKMS response has no apiAccessKey")?;
    let client = client.with_credential(ApiKeyAuth, api_key);
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
    println!(
        "charge {} {status}: {} {}",
        charge.id,
        charge.amount.unwrap_or_default(),
        charge.currency.as_deref().unwrap_or("?")
    );
    Ok(())
}

/// Where to take the payment: Clover, with the token from the environment,
/// or else a local sandbox, returned too.
async fn target() -> Result<(Environment, Secret, Option<LocalSandbox>), Box<dyn StdError>> {
    if let Ok(token) = std::env::var("CLOVER_ACCESS_TOKEN") {
        return Ok((environment_from_env()?, token.into(), None));
    }
    let sandbox = LocalSandbox::start().await?;
    println!(
        "No CLOVER_ACCESS_TOKEN: taking the payment from a local sandbox \
         (clover_api::sandbox::LocalSandbox on 127.0.0.1), not from Clover."
    );
    Ok((
        sandbox.environment(),
        sandbox.access_token().clone(),
        Some(sandbox),
    ))
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
    let server = match std::env::var("CLOVER_ENVIRONMENT") {
        Err(_) => Server::default(),
        Ok(name) => Server::ALL
            .into_iter()
            .find(|server| server.to_string() == name)
            .ok_or_else(|| {
                format!("CLOVER_ENVIRONMENT must be sandbox or production, not {name:?}")
            })?,
    };
    let mut environment = Environment::new(server);
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
