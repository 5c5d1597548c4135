//! A local, stateful stand-in for Clover's hosts, for examples and for
//! tests of code that takes payments (cargo feature `sandbox`).
//!
//! [`LocalSandbox::start`] serves each of Clover's hosts (token,
//! ecommerce, api, web) on its own loopback port and hands back an
//! [`Environment`] pointing at them, working credentials, and a ready
//! [`Client`]. Requests are checked as Clover checks them and decoded with
//! this crate's own request models; answers are built from its response
//! models, with Clover's error body on failure.
//!
//! ```no_run
//! use clover_api::models::{CardDetails, CardTokenRequest, CreateChargeRequest};
//! use clover_api::sandbox::LocalSandbox;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let sandbox = LocalSandbox::start().await?;
//! let client = sandbox.client();
//! let mut card = CardDetails::new("12", "2030", "123");
//! card.number = Some("4242424242424242".into());
//! let token = client.create_token(&CardTokenRequest::new(card).into()).await?;
//! let charge = client.create_charge(&CreateChargeRequest::new(1800, "usd", token.id)).await?;
//! assert_eq!(charge.amount, Some(1800));
//! # Ok(()) }
//! ```
//!
//! # What it models
//!
//! - Every operation of the spec, on the host the spec puts it on (a
//!   request sent to another host is a 404), with the credential of its
//!   host: the PAKMS key in `apikey` on the token host, an access token in
//!   `Authorization: Bearer` elsewhere, 401 otherwise; `x-forwarded-for`
//!   where Clover requires it; the spec's bounds through the generated
//!   `Validate`, refused with 400 `invalid_request_error` naming `param`.
//! - OAuth: codes added with [`LocalSandbox::add_oauth_code`] exchange
//!   once; a refresh token works once; the legacy exchange and migration.
//! - Card tokens (`clv_…`) are single-use: a second charge gets
//!   `token_already_used`. Clover's documented test cards: 4242… and the
//!   other approval cards approve; 4005 5717 0222 2222, 3759 876540 00004,
//!   5424 1802 7333 3333 and 4264 2815 1111 7771 decline with
//!   `card_declined` (a failed charge is recorded and named in the error),
//!   as does the partial-approval card 4005 5780 0333 3335; a past expiry
//!   declines with `expired_card`; a number failing the Luhn check is
//!   `invalid_number`.
//! - Charges: capture (full or partial; twice is `charge_already_captured`),
//!   get, list newest first with Clover's cursors (the cursor object is
//!   repeated as the first item of the next page), `created.gt/gte/lt/lte`
//!   and `limit` 1–100. Each charge gets a paid order, as on Clover.
//!   Clover-run 3-D Secure leaves the charge pending until
//!   `finalizePayment`.
//! - Refunds: partial or full up to what was captured and is not yet
//!   refunded (more is refused), a void of an uncaptured authorization,
//!   get, list, cancel.
//! - Customers: saving a token as the one card on file (a multi-pay token),
//!   charging the customer or the saved token (with `stored_credentials`),
//!   the same card again is a 409, revoking it.
//! - Orders: items with ad-hoc or flat taxes, pay in one or several
//!   payments, returns that refund the order's charges.
//! - Gift cards: activation (tokenized card or virtual from a promotion),
//!   reload, balance, cash out, redemption by charge with
//!   `partial_redemption`.
//! - Hosted checkout sessions, recurring plans and subscriptions, for the
//!   sandbox's merchant ([`LocalSandbox::merchant_id`]).
//! - Idempotency keys (UUIDs, as the spec says) on the operations that
//!   declare one: the same key and body replays the stored answer; another
//!   body is 400 `idempotency_error`; a key still in progress is 409.
//! - Faults ([`LocalSandbox::inject`]) and a log of requests without
//!   secrets ([`LocalSandbox::requests`]).
//!
//! # What it does not
//!
//! Real card networks, settlement, fraud rules, rate limits (unless
//! injected), token expiry (tokens announce an hour but never expire),
//! permissions (every credential may do everything), webhooks, Clover's
//! exact messages and decline codes (unpublished; the sandbox sends none),
//! merchant tax rates by id, and persistence: state lives as long as the
//! [`LocalSandbox`].

mod cards;
mod charges;
mod credentials;
mod customers;
mod errors;
mod exchange;
mod faults;
mod gift_cards;
mod idempotency;
mod listing;
mod log;
mod orders;
mod platform;
mod refunds;
mod routes;
mod server;
mod state;
mod tokens;

use std::io;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use clover_api_runtime::Secret;
use tokio::task::JoinHandle;

pub use faults::{Fault, Match};
pub use log::RecordedRequest;

use crate::schemes::{ApiKeyAuth, BearerAuth};
use crate::{Client, ClientBuilder, Environment, Host};
use server::Shared;
use state::{MERCHANT_ID, Store};

/// The shopper address [`LocalSandbox::client`] sends (TEST-NET-3).
const SHOPPER_IP: IpAddr = IpAddr::V4(Ipv4Addr::new(203, 0, 113, 7));

/// A running sandbox; it stops serving when dropped.
pub struct LocalSandbox {
    environment: Environment,
    access_token: Secret,
    api_key: Secret,
    shared: Arc<Shared>,
    listeners: Vec<JoinHandle<()>>,
}

impl LocalSandbox {
    /// Binds one loopback port per host and starts serving, on the current
    /// tokio runtime.
    pub async fn start() -> io::Result<LocalSandbox> {
        let access_token = state::secret("access");
        let api_key = uuid::Uuid::new_v4().simple().to_string();
        let shared = Arc::new(Shared::new(Store::new(
            access_token.clone(),
            api_key.clone(),
            String::new(),
        )));
        let mut environment = Environment::default();
        let mut listeners = Vec::new();
        for host in Host::ALL {
            let (address, listener) = server::listen(host, Arc::clone(&shared)).await?;
            listeners.push(listener);
            environment = environment
                .with_base_url(host, &format!("http://{address}"))
                .expect("a loopback address makes a base URL");
        }
        shared.lock().store.web_url = base(&environment, Host::Web);
        Ok(LocalSandbox {
            environment,
            access_token: access_token.into(),
            api_key: api_key.into(),
            shared,
            listeners,
        })
    }

    /// Every host pointing at this sandbox.
    pub fn environment(&self) -> Environment {
        self.environment.clone()
    }

    /// The base URL of one host, without a trailing slash
    /// (`http://127.0.0.1:PORT`).
    pub fn url(&self, host: Host) -> String {
        base(&self.environment, host)
    }

    /// An access token the API hosts accept, for `Authorization: Bearer`.
    pub fn access_token(&self) -> &Secret {
        &self.access_token
    }

    /// The merchant's PAKMS key, for the token host's `apikey` header (also
    /// what `getApiAccessKey` answers).
    pub fn api_key(&self) -> &Secret {
        &self.api_key
    }

    /// The merchant every request acts for, as `x-clover-merchant-id`
    /// expects it.
    pub fn merchant_id(&self) -> &'static str {
        MERCHANT_ID
    }

    /// Client settings for this sandbox: its environment, both credentials
    /// and a shopper address for `x-forwarded-for`. Change what a test
    /// needs (a retry policy, no API key) and build.
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder()
            .environment(self.environment())
            .credential(BearerAuth, self.access_token.clone())
            .credential(ApiKeyAuth, self.api_key.clone())
            .forwarded_for(SHOPPER_IP)
    }

    /// A client ready for every operation.
    ///
    /// # Panics
    ///
    /// If the HTTP client cannot be built (no TLS backend could start).
    pub fn client(&self) -> Client {
        self.client_builder()
            .build()
            .expect("a client with the sandbox's settings builds")
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().log.clone()
    }

    /// Applies `fault` to the requests `when` matches, after any fault
    /// injected earlier that they match.
    ///
    /// # Panics
    ///
    /// If `when` names an operation the spec does not have, or a
    /// [`Fault::Status`] is not an error status (400–599): either is a
    /// mistake in the test, which would otherwise pass without its fault.
    pub fn inject(&self, fault: Fault, when: Match) {
        if let Some(id) = when.operation_id() {
            assert!(
                routes::by_id(id).is_some(),
                "the spec has no operation `{id}`"
            );
        }
        if let Fault::Status(status) = fault {
            assert!(
                (400..600).contains(&status),
                "{status} is not an error status"
            );
        }
        self.shared.lock().injections.push(fault, when);
    }

    /// Makes `code` exchangeable, once, by `exchangeOauthCode` or
    /// `exchangeLegacyOauthCode`, as if a merchant had just approved the app.
    pub fn add_oauth_code(&self, code: &str) {
        self.shared.lock().store.oauth_codes.insert(code.to_owned());
    }
}

/// Where it listens; never its credentials or state.
impl std::fmt::Debug for LocalSandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalSandbox")
            .field("environment", &self.environment)
            .finish_non_exhaustive()
    }
}

impl Drop for LocalSandbox {
    fn drop(&mut self) {
        for listener in &self.listeners {
            listener.abort();
        }
    }
}

fn base(environment: &Environment, host: Host) -> String {
    environment
        .base_url(host)
        .expect("every host has a loopback base URL")
        .as_str()
        .trim_end_matches('/')
        .to_owned()
}
