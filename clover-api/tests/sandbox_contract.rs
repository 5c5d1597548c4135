//! Contract checks with Prism (`@stoplight/prism-cli`), proving that the
//! spec, the SDK and the sandbox agree:
//!
//! - Prism in `proxy --errors` mode in front of each sandbox host, while the
//!   SDK drives every operation and each documented refusal: Prism reports
//!   no request violation and no response violation.
//! - `prism mock` with dynamic responses, from each of a fixed set of seeds:
//!   the SDK decodes every response Prism generates from the spec, for
//!   every operation.
//!
//! They need Prism, so a plain `cargo test` skips them; `.ci/run` installs a
//! pinned Prism and runs them, where a missing Prism fails:
//!
//! ```text
//! PRISM=path/to/prism cargo test -p clover-api --test sandbox_contract -- --ignored
//! ```

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clover_api::models::{
    ActivateGiftCardRequest, CaptureChargeRequest, CardDetails, CardTokenRequest, CheckoutCustomer,
    CheckoutLineItem, CollectionMethod, CreateChargeRequest, CreateCheckoutRequest,
    CreateCustomerRequest, CreateOrderRequest, CreatePlanRequest, CreateRefundRequest,
    CreateSubscriptionRequest, FinalizePaymentRequest, GiftCardSourceRequest, OauthMigrateRequest,
    OauthRefreshRequest, OauthTokenRequest, PayOrderRequest, PlanInterval, ReloadGiftCardRequest,
    ShoppingCart, ThreeDsFinalize, ThreeDsSource, UpdateCustomerRequest,
};
use clover_api::sandbox::LocalSandbox;
use clover_api::schemes::{ApiKeyAuth, BearerAuth};
use clover_api::{Client, Environment, Error, Host, RetryPolicy};

mod sandbox_flows;

/// The spec Prism reads.
const SPEC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/clover-ecommerce.yaml");
/// How long Prism may take to start.
const STARTUP: Duration = Duration::from_secs(90);
/// Seeds of `prism mock --dynamic`, so that a failure can be replayed.
/// Prism answers a request the same way for one seed, so each seed is one
/// set of responses: 8 × 30 in all.
const SEEDS: [&str; 8] = [
    "clover-1", "clover-2", "clover-3", "clover-4", "clover-5", "clover-6", "clover-7", "clover-8",
];

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Prism: set PRISM (.ci/run does) and pass --ignored"]
async fn prism_sees_no_violation_between_the_sdk_and_the_sandbox() {
    let sandbox = LocalSandbox::start().await.unwrap();
    let proxies: Vec<(Host, Prism)> = Host::ALL
        .into_iter()
        .map(|host| {
            let upstream = sandbox.url(host);
            (host, Prism::spawn(&["proxy", "--errors", SPEC, &upstream]))
        })
        .collect();
    for (_, proxy) in &proxies {
        proxy.wait_until_listening();
    }
    let mut environment = Environment::default();
    for (host, proxy) in &proxies {
        environment = environment.with_base_url(*host, &proxy.url).unwrap();
    }
    let settings = || {
        sandbox
            .client_builder()
            .environment(environment.clone())
            .retry(RetryPolicy::never())
    };

    sandbox_flows::every_operation(&sandbox, settings).await;
    sandbox_flows::documented_errors(&sandbox, &settings().build().unwrap()).await;

    let forwarded = sandbox.requests().len();
    assert!(
        forwarded > 60,
        "only {forwarded} requests reached the sandbox"
    );
    for (host, proxy) in &proxies {
        let violations = proxy.violations();
        assert!(
            violations.is_empty(),
            "Prism in front of the {host} host reported:\n{}",
            violations.join("\n")
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Prism: set PRISM (.ci/run does) and pass --ignored"]
async fn the_sdk_decodes_every_response_prism_generates_from_the_spec() {
    let mocks: Vec<(&str, Prism)> = SEEDS
        .into_iter()
        .map(|seed| {
            let args = ["mock", "--dynamic", "--seed", seed, "--errors", SPEC];
            (seed, Prism::spawn(&args))
        })
        .collect();
    let mut failures = Vec::new();
    for (seed, mock) in &mocks {
        mock.wait_until_listening();
        let mut environment = Environment::default();
        for host in Host::ALL {
            environment = environment.with_base_url(host, &mock.url).unwrap();
        }
        let client = Client::builder()
            .environment(environment)
            .credential(BearerAuth, "mock-access-token")
            .credential(ApiKeyAuth, "mock-api-key")
            .forwarded_for("203.0.113.7".parse().unwrap())
            .retry(RetryPolicy::never())
            .build()
            .unwrap();
        for (operation, failure) in call_every_operation(&client).await {
            if let Some(error) = failure {
                failures.push(format!("seed {seed}, {operation}: {error}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} responses did not decode:\n{}",
        failures.len(),
        30 * SEEDS.len(),
        failures.join("\n")
    );
}

/// Each operation once, with a valid request: by `operationId`, how each
/// failed, if it did.
async fn call_every_operation(client: &Client) -> Vec<(&'static str, Option<String>)> {
    fn done<T>(result: Result<T, Error>) -> Option<String> {
        result.err().map(|error| error.to_string())
    }
    let id = "MOCKOBJECT001";
    let merchant = "MOCKMERCHANT1";
    let mut card = CardDetails::new("12", "2030", "123");
    card.number = Some("4242424242424242".into());
    let finalize = FinalizePaymentRequest::new(
        id,
        ThreeDsFinalize::new(ThreeDsSource::Clover, "AUTHENTICATION_SUCCESSFUL"),
    );
    let checkout = CreateCheckoutRequest::new(
        CheckoutCustomer::default().email("shopper@example.com"),
        ShoppingCart::new(vec![CheckoutLineItem::new("Mug", 1500, 1)]),
    );
    let plan = CreatePlanRequest::new("Coffee club", 1200, PlanInterval::Month, 1);
    let subscription = CreateSubscriptionRequest::new(id, CollectionMethod::ChargeAutomatically);
    let gift = GiftCardSourceRequest::new("clv_1TSTgift");
    vec![
        (
            "exchangeLegacyOauthCode",
            done(
                client
                    .exchange_legacy_oauth_code("APP", &"secret".into(), &"code".into())
                    .await,
            ),
        ),
        (
            "exchangeOauthCode",
            done(
                client
                    .exchange_oauth_code(
                        &OauthTokenRequest::new("APP", "code").client_secret("secret"),
                        &Default::default(),
                    )
                    .await,
            ),
        ),
        (
            "refreshOauthToken",
            done(
                client
                    .refresh_oauth_token(&OauthRefreshRequest::new("APP", "refresh"))
                    .await,
            ),
        ),
        (
            "migrateLegacyOauthToken",
            done(
                client
                    .migrate_legacy_oauth_token(&OauthMigrateRequest::new(
                        merchant, "APP", "legacy",
                    ))
                    .await,
            ),
        ),
        ("getApiAccessKey", done(client.get_api_access_key().await)),
        (
            "createToken",
            done(
                client
                    .create_token(&CardTokenRequest::new(card).into())
                    .await,
            ),
        ),
        (
            "listCharges",
            done(client.list_charges(&Default::default()).await),
        ),
        (
            "createCharge",
            done(
                client
                    .create_charge(&CreateChargeRequest::new(1800, "usd", "clv_1TST"))
                    .await,
            ),
        ),
        (
            "finalizePayment",
            done(client.finalize_payment(&finalize).await),
        ),
        (
            "getCharge",
            done(client.get_charge(id, &Default::default()).await),
        ),
        (
            "captureCharge",
            done(
                client
                    .capture_charge(id, &CaptureChargeRequest::default())
                    .await,
            ),
        ),
        (
            "listRefunds",
            done(client.list_refunds(&Default::default()).await),
        ),
        (
            "createRefund",
            done(client.create_refund(&CreateRefundRequest::new(id)).await),
        ),
        ("getRefund", done(client.get_refund(id).await)),
        (
            "cancelRefund",
            done(client.cancel_refund(id, &Default::default()).await),
        ),
        (
            "createCustomer",
            done(
                client
                    .create_customer(&CreateCustomerRequest::new(
                        "shopper@example.com",
                        "clv_1TST",
                    ))
                    .await,
            ),
        ),
        (
            "updateCustomer",
            done(
                client
                    .update_customer(id, &UpdateCustomerRequest::default().name("Ada"))
                    .await,
            ),
        ),
        (
            "revokeCustomerSource",
            done(client.revoke_customer_source(id, "clv_1TST").await),
        ),
        (
            "listOrders",
            done(client.list_orders(&Default::default()).await),
        ),
        (
            "createOrder",
            done(client.create_order(&CreateOrderRequest::new("usd")).await),
        ),
        ("getOrder", done(client.get_order(id).await)),
        (
            "payOrder",
            done(
                client
                    .pay_order(id, &PayOrderRequest::default().source("clv_1TST"))
                    .await,
            ),
        ),
        ("returnOrder", done(client.return_order(id, None).await)),
        (
            "activateGiftCard",
            done(
                client
                    .activate_gift_card(&ActivateGiftCardRequest::default().promotion_code("60001"))
                    .await,
            ),
        ),
        (
            "reloadGiftCard",
            done(
                client
                    .reload_gift_card(&ReloadGiftCardRequest::new("clv_1TSTgift", 500, "usd"))
                    .await,
            ),
        ),
        (
            "giftCardBalance",
            done(client.gift_card_balance(&gift).await),
        ),
        (
            "cashOutGiftCard",
            done(client.cash_out_gift_card(&gift).await),
        ),
        (
            "createCheckoutSession",
            done(client.create_checkout_session(merchant, &checkout).await),
        ),
        (
            "createPlan",
            done(client.create_plan(merchant, &plan).await),
        ),
        (
            "createSubscription",
            done(
                client
                    .create_subscription(id, merchant, &subscription)
                    .await,
            ),
        ),
    ]
}

/// A Prism process on a free loopback port, its output kept; killed when
/// dropped.
struct Prism {
    child: Child,
    url: String,
    output: Arc<Mutex<Vec<String>>>,
}

impl Prism {
    /// Starts `prism <args> --port <free port>`; see
    /// [`Prism::wait_until_listening`].
    fn spawn(args: &[&str]) -> Prism {
        let port = free_port();
        let mut child = Command::new(prism_binary())
            .args(args)
            .args(["--port", &port.to_string(), "--host", "127.0.0.1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Prism starts");
        let output = Arc::new(Mutex::new(Vec::new()));
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let kept = Arc::clone(&output);
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                kept.lock().unwrap().push(line);
            }
        });
        Prism {
            child,
            url: format!("http://127.0.0.1:{port}"),
            output,
        }
    }

    /// Returns once Prism says it listens; fails after [`STARTUP`].
    fn wait_until_listening(&self) {
        let started = Instant::now();
        while !self.printed("Prism is listening") {
            assert!(
                started.elapsed() < STARTUP,
                "Prism did not start:\n{}",
                self.output.lock().unwrap().join("\n")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn printed(&self, text: &str) -> bool {
        self.output
            .lock()
            .unwrap()
            .iter()
            .any(|line| line.contains(text))
    }

    /// Every line where Prism reports a request or response that breaks the
    /// spec.
    fn violations(&self) -> Vec<String> {
        self.output
            .lock()
            .unwrap()
            .iter()
            .filter(|line| line.contains("Violation") || line.contains("✖"))
            .cloned()
            .collect()
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        // Fails harmlessly if Prism has already exited.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Prism executable `PRISM` names; a contract run without it fails.
fn prism_binary() -> PathBuf {
    let path = std::env::var_os("PRISM").expect(
        "set PRISM to the prism executable (.ci/run installs @stoplight/prism-cli and sets it)",
    );
    PathBuf::from(path)
}

/// A loopback port nothing listens on now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
        .port()
}
