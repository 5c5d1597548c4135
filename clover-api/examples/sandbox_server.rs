//! Runs the local Clover sandbox as a standalone server, so curl, Prism, a
//! test suite in another language or this crate's other example can use it.
//! It prints each host's URL and the credentials, and stops on Ctrl-C.
//!
//! ```text
//! cargo run -p clover-api --example sandbox_server
//! ```
//!
//! Each host has its own port: a request sent to the wrong host is a 404,
//! as on Clover. State lives in memory until the server stops.

use std::error::Error;

use clover_api::Host;
use clover_api::sandbox::LocalSandbox;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let sandbox = LocalSandbox::start().await?;
    let url = |host| sandbox.url(host);
    let token = sandbox.access_token().expose();
    let api_key = sandbox.api_key().expose();
    println!("Clover sandbox running; Ctrl-C stops it.");
    for host in Host::ALL {
        println!("{:<14}{}", format!("{host}:"), url(host));
    }
    println!(
        "{:<14}{token}  (Authorization: Bearer, all but the token host)",
        "access token:"
    );
    println!("{:<14}{api_key}  (apikey header, token host)", "PAKMS key:");
    println!(
        "{:<14}{}  (x-clover-merchant-id, hosted checkout and recurring)",
        "merchant id:",
        sandbox.merchant_id()
    );
    println!();
    println!("Try it:");
    println!(
        "  curl -H 'authorization: Bearer {token}' {}/pakms/apikey",
        url(Host::Ecommerce)
    );
    println!(
        "  CLOVER_ACCESS_TOKEN={token} CLOVER_API_URL={} CLOVER_ECOMMERCE_URL={} CLOVER_TOKEN_URL={} \\\n    cargo run -p clover-api --example accept_payment",
        url(Host::Api),
        url(Host::Ecommerce),
        url(Host::Token)
    );
    tokio::signal::ctrl_c().await?;
    println!("Stopped.");
    Ok(())
}
