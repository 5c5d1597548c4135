//! A typed async client for Clover's Ecommerce payments API (US and Canada):
//! OAuth, the PAKMS key, tokenization, charges, captures, refunds, customers
//! with saved cards, orders and gift cards.
//!
//! The models and one method per operation are generated from a hand-curated
//! OpenAPI spec (`src/generated/`, never edited by hand); configuration,
//! environments, credentials, sending, retries, tracing and errors come from
//! the hand-written runtime crate, `clover-api-runtime`, which knows no spec.
//!
//! # Quick start
//!
//! ```no_run
//! use clover_api::models::{CardDetails, CardTokenRequest, CreateChargeRequest, SoftDescriptor};
//! use clover_api::schemes::{ApiKeyAuth, BearerAuth};
//! use clover_api::{Client, Environment, Server};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::builder()
//!     .environment(Environment::new(Server::Sandbox))
//!     .credential(BearerAuth, std::env::var("CLOVER_ACCESS_TOKEN")?)
//!     .forwarded_for("203.0.113.7".parse()?) // the shopper's IP address
//!     .build()?;
//!
//! // 1. The merchant's public key for tokenization (fetch once, then store it).
//! let key = client.get_api_access_key().await?;
//! let client = client.with_credential(ApiKeyAuth, key.api_access_key.ok_or("no apiAccessKey")?);
//!
//! // 2. Card → single-use `clv_…` token, on the token host. Required fields
//! //    go to `new`, optional ones to chained setters.
//! let card = CardDetails::new("12", "2030", "123").number("4242424242424242");
//! let token = client.create_token(&CardTokenRequest::new(card).into()).await?;
//!
//! // 3. Charge $18.00 on the ecommerce host; an idempotency key is generated.
//! let request = CreateChargeRequest::new(1800, "usd", token.id)
//!     .soft_descriptor(SoftDescriptor::default().dba_name("Corner Bakery"));
//! let charge = client.create_charge(&request).await?;
//! println!("{} {:?}", charge.id, charge.status);
//! # Ok(()) }
//! ```
//!
//! # Listings and orders
//!
//! A list operation has a `…_pages` twin: a [`Pages`] stream that follows
//! Clover's cursor, without the cursor item Clover repeats at the top of each
//! next page.
//!
//! ```no_run
//! use clover_api::models::{CreateOrderRequest, ListChargesParams, NewOrderItem, PayOrderRequest};
//! use futures_util::TryStreamExt;
//!
//! # async fn run(client: clover_api::Client, card_token: String) -> Result<(), clover_api::Error> {
//! let mut charges = client.list_charges_pages(ListChargesParams::default().limit(100)).items();
//! while let Some(charge) = charges.try_next().await? {
//!     println!("{} {:?}", charge.id, charge.amount);
//! }
//!
//! let order = CreateOrderRequest::new("usd")
//!     .items(vec![NewOrderItem::default().amount(1800).quantity(1).description("Sourdough")]);
//! let order = client.create_order(&order).await?;
//! let paid = client.pay_order(&order.id, &PayOrderRequest::default().source(card_token)).await?;
//! println!("{} {:?}", paid.id, paid.status);
//! # Ok(()) }
//! ```
//!
//! # Errors
//!
//! Every call returns [`Error`], which tells apart a call refused before
//! sending ([`Error::Refused`]: missing credential, invalid input), a
//! transport failure that may or may not have reached Clover
//! ([`Error::Transport`]), Clover's own error with its `type`, `code`,
//! `decline_code`, `message` and `param` ([`Error::Api`]), and a success body
//! that does not match the spec ([`Error::Decode`]).
//!
//! After sending, every error also says which attempts were made and why
//! each failed ([`Error::attempts`]), the idempotency key they all carried
//! ([`Error::idempotency_key`]), and whether the operation may have happened
//! ([`Error::may_have_taken_effect`]).
//!
//! # Retries, tokens, tracing
//!
//! Calls are retried as [`RetryPolicy`] describes (3 attempts by default),
//! and only when that is safe: a payment is sent again only with the same
//! idempotency key, and an OAuth code or refresh token is never spent twice.
//! A client built with [`ClientBuilder::expiring_tokens`] and an
//! [`OauthRefresh`] renews its access token itself. Each call is a `tracing`
//! span with an event per attempt, without secrets or bodies.
//!
//! Secrets (tokens, keys, card number, CVV) are [`Secret`]s: `Debug` shows
//! them as `[redacted]`.

#[rustfmt::skip]
mod generated;
mod oauth;
#[cfg(feature = "sandbox")]
pub mod sandbox;

pub use clover_api_runtime::{
    AttemptFailure, BuildError, FailedAttempt, InvalidBaseUrl, InvalidInput, InvalidServerVariable,
    RawBody, Refresh, RefreshFuture, Refusal, RetryPolicy, Secret, Tokens, reqwest,
};
pub use generated::{
    ApiError, Call, Client, ClientBuilder, Environment, Error, Host, Pages, Server, Spec, models,
    schemes,
};
pub use oauth::OauthRefresh;

/// Compiles the README's code blocks as doctests, so the quick start cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
