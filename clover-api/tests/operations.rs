//! Every generated operation, as seen by the server. One table lists all of
//! them with their method, path, host, credential, context headers, body and
//! replay rule; each row is checked against the spec and then on the wire.
//! The tests after it cover what a table row cannot: exact bodies, query
//! filters, encoding of path and query values, per-call settings, paging.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use clover_api::models::{
    ActivateGiftCardRequest, CancelRefundRequest, CaptureChargeRequest, CardBrand, CardDetails,
    CardTokenRequest, CheckoutCustomer, CheckoutLineItem, CollectionMethod, CreateChargeRequest,
    CreateCheckoutRequest, CreateCustomerRequest, CreateOrderRequest, CreatePlanRequest,
    CreateRefundRequest, CreateSubscriptionRequest, ExchangeOauthCodeParams,
    FinalizePaymentRequest, GiftCardSourceRequest, ListChargesParams, OauthMigrateRequest,
    OauthRefreshRequest, OauthTokenRequest, PayOrderRequest, PlanInterval, ReloadGiftCardRequest,
    ShoppingCart, ThreeDsFinalize, ThreeDsSource, UpdateCustomerRequest,
};
use clover_api::schemes::{ApiKeyAuth, BearerAuth};
use clover_api::{Client, Error, Host, RetryPolicy, Secret};
use common::{
    ACCESS_TOKEN, API_KEY, OVERRIDE_IP, SHOPPER_IP, Servers, assert_no_header, charge_json, header,
    ip, is_uuid_v4, json_body, ok_json, pairs, query, refund_json,
};
use futures_util::TryStreamExt;
use serde_json::{Value, json};
use wiremock::matchers::{any, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, Request, ResponseTemplate};

const CHARGE_ID: &str = "WBKGFT6X1VB1G";
const REFUND_ID: &str = "R7Q1XXXXXXXXX";
const CUSTOMER_ID: &str = "ADFRQ4R2YAYBY";
const SOURCE_ID: &str = "clv_1TSTmultipayxxxxxxxxxxRcr";
const ORDER_ID: &str = "ZZVRJB0J7ZGPC";
const PLAN_ID: &str = "P1ANxxxxxxx7Q";
const MERCHANT_ID: &str = "6Xxxxxxxxxx91";
const CARD_TOKEN: &str = "clv_1TSTxxxxxxxxxxxxxxxxxFQif";
const GIFT_CARD_TOKEN: &str = "clv_1TSTgiftxxxxxxxxxxxxxxGc1";
const CLIENT_ID: &str = "RKxxxxxxxxS9C";
const CLIENT_SECRET: &str = "d46dxxxx-SECRET-xxxx-xxxxxxxx1b77";
const AUTH_CODE: &str = "1ccdxxxx-xxxx-xxxx-xxxx-xxxxxxxea1b";
const REFRESH_TOKEN: &str = "clvroar-SECRET-refresh-xxxxxxxxxxxx";
const LEGACY_TOKEN: &str = "ce7exxxx-SECRET-legacy-xxxxxxxx4b24";

fn seed_card() -> CardDetails {
    let mut card = CardDetails::new("12", "2030", "123");
    card.number = Some(Secret::new("6011361000006668"));
    card.brand = Some(CardBrand::Discover);
    card
}

#[test]
fn the_uuid_check_itself_is_strict() {
    assert!(is_uuid_v4("5b0f2c6e-8a53-4d35-9f0e-2a61f1f3c9d7"));
    assert!(is_uuid_v4("5B0F2C6E-8A53-4D35-BF0E-2A61F1F3C9D7"));
    assert!(
        !is_uuid_v4("5b0f2c6e-8a53-1d35-9f0e-2a61f1f3c9d7"),
        "version 1"
    );
    assert!(
        !is_uuid_v4("5b0f2c6e-8a53-4d35-cf0e-2a61f1f3c9d7"),
        "variant c"
    );
    assert!(
        !is_uuid_v4("5b0f2c6e8a534d359f0e2a61f1f3c9d7"),
        "no hyphens"
    );
    assert!(
        !is_uuid_v4("5b0f2c6e-8a53-4d35-9f0e-2a61f1f3c9dz"),
        "not hex"
    );
    assert!(
        !is_uuid_v4("5b0f2c6e-8a53-4d35-9f0e-2a61f1f3c9d"),
        "too short"
    );
    assert!(
        !is_uuid_v4("5b0f2c6e-8a534-d35-9f0e-2a61f1f3c9d7"),
        "misplaced hyphen"
    );
}

// ---------------------------------------------------------------- the table

/// Which credential header a request must carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Auth {
    None,
    Bearer,
    /// The `apikey` header.
    ApiKey,
}

/// What a row's call resolves to: the JSON of the body it passed, if any.
type Sent = Result<Option<Value>, Error>;
/// Makes one call with minimal valid arguments.
type Invoke = for<'c> fn(&'c Client) -> Pin<Box<dyn Future<Output = Sent> + 'c>>;

/// `call!(|client| client.op(args))` for a call without a body;
/// `call!(body = expr; |client| client.op(&body))` for one with a body, whose
/// JSON is then compared with what the server received.
macro_rules! call {
    (|$client:ident| $call:expr) => {{
        fn invoke(client: &Client) -> Pin<Box<dyn Future<Output = Sent> + '_>> {
            let $client = client;
            Box::pin(async move { $call.await.map(|_| None) })
        }
        invoke as Invoke
    }};
    ($body:ident = $value:expr; |$client:ident| $call:expr) => {{
        fn invoke(client: &Client) -> Pin<Box<dyn Future<Output = Sent> + '_>> {
            let $client = client;
            Box::pin(async move {
                let $body = $value;
                let json = serde_json::to_value(&$body).expect("a model encodes");
                $call.await.map(|_| Some(json))
            })
        }
        invoke as Invoke
    }};
}

/// One operation and everything the server must see when it is called.
struct Row {
    /// The spec's `operationId`.
    operation: &'static str,
    invoke: Invoke,
    method: &'static str,
    /// The path with the row's arguments filled in.
    path: &'static str,
    /// Query pairs the minimal call sends, in order.
    query: &'static [(&'static str, &'static str)],
    host: Host,
    auth: Auth,
    /// `x-forwarded-for` is sent (the client has a default).
    forwarded_for: bool,
    /// A fresh UUID v4 `idempotency-key` is sent.
    idempotency_key: bool,
    /// A JSON body is sent.
    body: bool,
    /// Other headers the call sends, lowercase name and value.
    headers: &'static [(&'static str, &'static str)],
    /// Sent again after a 503 (the operation is safe to replay).
    replay: bool,
    /// A minimal valid success body of the operation's response type.
    response: &'static str,
}

/// A row with no query, no context headers, no body and no replay; the
/// builder methods below add each, so every row states what it expects.
fn row(
    operation: &'static str,
    invoke: Invoke,
    method: &'static str,
    path: &'static str,
    host: Host,
    auth: Auth,
    response: &'static str,
) -> Row {
    Row {
        operation,
        invoke,
        method,
        path,
        query: &[],
        host,
        auth,
        forwarded_for: false,
        idempotency_key: false,
        body: false,
        headers: &[],
        replay: false,
        response,
    }
}

impl Row {
    fn query(self, query: &'static [(&'static str, &'static str)]) -> Self {
        Row { query, ..self }
    }
    fn forwarded_for(self) -> Self {
        Row {
            forwarded_for: true,
            ..self
        }
    }
    fn idempotency_key(self) -> Self {
        Row {
            idempotency_key: true,
            ..self
        }
    }
    fn body(self) -> Self {
        Row { body: true, ..self }
    }
    fn headers(self, headers: &'static [(&'static str, &'static str)]) -> Self {
        Row { headers, ..self }
    }
    fn replay(self) -> Self {
        Row {
            replay: true,
            ..self
        }
    }
}

const MERCHANT_HEADER: &[(&str, &str)] = &[("x-clover-merchant-id", MERCHANT_ID)];

fn operations() -> Vec<Row> {
    use Auth::{ApiKey, Bearer};
    use Host::{Api, Ecommerce, Token, Web};
    vec![
        // ------------------------------------------------------------ OAuth
        row(
            "exchangeLegacyOauthCode",
            call!(|c| c.exchange_legacy_oauth_code(
                CLIENT_ID,
                &Secret::new(CLIENT_SECRET),
                &Secret::new(AUTH_CODE)
            )),
            "GET",
            "/oauth/token",
            Web,
            Auth::None,
            r#"{"access_token":"t"}"#,
        )
        .query(&[
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
            ("code", AUTH_CODE),
        ]),
        row(
            "exchangeOauthCode",
            call!(body = OauthTokenRequest::new(CLIENT_ID, AUTH_CODE); |c| c
                .exchange_oauth_code(&body, &ExchangeOauthCodeParams::default())),
            "POST",
            "/oauth/v2/token",
            Api,
            Auth::None,
            r#"{"access_token":"t"}"#,
        )
        .body(),
        row(
            "refreshOauthToken",
            call!(body = OauthRefreshRequest::new(CLIENT_ID, REFRESH_TOKEN); |c| c
                .refresh_oauth_token(&body)),
            "POST",
            "/oauth/v2/refresh",
            Api,
            Auth::None,
            r#"{"access_token":"t"}"#,
        )
        .body(),
        row(
            "migrateLegacyOauthToken",
            call!(
                body = OauthMigrateRequest::new(MERCHANT_ID, CLIENT_ID, LEGACY_TOKEN); |c| c
                    .migrate_legacy_oauth_token(&body)
            ),
            "POST",
            "/oauth/token/migrate_v2",
            Api,
            Auth::None,
            r#"{"authorization_code":"c"}"#,
        )
        .body(),
        // ------------------------------------------------------------ PAKMS and tokens
        row(
            "getApiAccessKey",
            call!(|c| c.get_api_access_key()),
            "GET",
            "/pakms/apikey",
            Ecommerce,
            Bearer,
            r#"{}"#,
        )
        .replay(),
        row(
            "createToken",
            call!(body = CardTokenRequest::new(seed_card()).into(); |c| c.create_token(&body)),
            "POST",
            "/v1/tokens",
            Token,
            ApiKey,
            r#"{"id":"clv_x"}"#,
        )
        .body(),
        // ------------------------------------------------------------ charges
        row(
            "listCharges",
            call!(|c| c.list_charges(&ListChargesParams::default())),
            "GET",
            "/v1/charges",
            Ecommerce,
            Bearer,
            r#"{"data":[]}"#,
        )
        .replay(),
        row(
            "createCharge",
            call!(body = CreateChargeRequest::new(1800, "usd", CARD_TOKEN); |c| c
                .create_charge(&body)),
            "POST",
            "/v1/charges",
            Ecommerce,
            Bearer,
            r#"{"id":"C"}"#,
        )
        .forwarded_for()
        .idempotency_key()
        .body()
        .replay(),
        row(
            "finalizePayment",
            call!(
                body = FinalizePaymentRequest::new(
                     CHARGE_ID,
                     ThreeDsFinalize::new(ThreeDsSource::Clover, "METHOD_FLOW_COMPLETED")
                 ); |c| c.finalize_payment(&body)
            ),
            "POST",
            "/v1/charges/finalize_payment",
            Ecommerce,
            Bearer,
            r#"{"id":"C"}"#,
        )
        .body(),
        row(
            "getCharge",
            call!(|c| c.get_charge(CHARGE_ID, &Default::default())),
            "GET",
            "/v1/charges/WBKGFT6X1VB1G",
            Ecommerce,
            Bearer,
            r#"{"id":"C"}"#,
        )
        .replay(),
        row(
            "captureCharge",
            call!(body = CaptureChargeRequest::default(); |c| c.capture_charge(CHARGE_ID, &body)),
            "POST",
            "/v1/charges/WBKGFT6X1VB1G/capture",
            Ecommerce,
            Bearer,
            r#"{"id":"C"}"#,
        )
        .forwarded_for()
        .idempotency_key()
        .body()
        .replay(),
        // ------------------------------------------------------------ refunds
        row(
            "listRefunds",
            call!(|c| c.list_refunds(&Default::default())),
            "GET",
            "/v1/refunds",
            Ecommerce,
            Bearer,
            r#"{"data":[]}"#,
        )
        .replay(),
        row(
            "createRefund",
            call!(body = CreateRefundRequest::new(CHARGE_ID); |c| c.create_refund(&body)),
            "POST",
            "/v1/refunds",
            Ecommerce,
            Bearer,
            r#"{"id":"R"}"#,
        )
        .forwarded_for()
        .idempotency_key()
        .body()
        .replay(),
        row(
            "getRefund",
            call!(|c| c.get_refund(REFUND_ID)),
            "GET",
            "/v1/refunds/R7Q1XXXXXXXXX",
            Ecommerce,
            Bearer,
            r#"{"id":"R"}"#,
        )
        .replay(),
        row(
            "cancelRefund",
            call!(body = CancelRefundRequest::default(); |c| c.cancel_refund(REFUND_ID, &body)),
            "POST",
            "/v1/refunds/R7Q1XXXXXXXXX/cancel",
            Ecommerce,
            Bearer,
            r#"{"id":"R"}"#,
        )
        .body(),
        // ------------------------------------------------------------ customers
        row(
            "createCustomer",
            call!(
                body = CreateCustomerRequest::new("shopper@example.com", CARD_TOKEN); |c| c
                    .create_customer(&body)
            ),
            "POST",
            "/v1/customers",
            Ecommerce,
            Bearer,
            r#"{"id":"U"}"#,
        )
        .body(),
        row(
            "updateCustomer",
            call!(body = UpdateCustomerRequest::default(); |c| c
                .update_customer(CUSTOMER_ID, &body)),
            "PUT",
            "/v1/customers/ADFRQ4R2YAYBY",
            Ecommerce,
            Bearer,
            r#"{"id":"U"}"#,
        )
        .body(),
        row(
            "revokeCustomerSource",
            call!(|c| c.revoke_customer_source(CUSTOMER_ID, SOURCE_ID)),
            "DELETE",
            "/v1/customers/ADFRQ4R2YAYBY/sources/clv_1TSTmultipayxxxxxxxxxxRcr",
            Ecommerce,
            Bearer,
            r#"{"id":"S"}"#,
        ),
        // ------------------------------------------------------------ orders
        row(
            "createOrder",
            call!(body = CreateOrderRequest::new("usd"); |c| c.create_order(&body)),
            "POST",
            "/v1/orders",
            Ecommerce,
            Bearer,
            r#"{"id":"O"}"#,
        )
        .body(),
        row(
            "listOrders",
            call!(|c| c.list_orders(&Default::default())),
            "GET",
            "/v1/orders",
            Ecommerce,
            Bearer,
            r#"{"data":[]}"#,
        )
        .replay(),
        row(
            "getOrder",
            call!(|c| c.get_order(ORDER_ID)),
            "GET",
            "/v1/orders/ZZVRJB0J7ZGPC",
            Ecommerce,
            Bearer,
            r#"{"id":"O"}"#,
        )
        .replay(),
        row(
            "payOrder",
            call!(body = PayOrderRequest::default().source(CARD_TOKEN); |c| c
                .pay_order(ORDER_ID, &body)),
            "POST",
            "/v1/orders/ZZVRJB0J7ZGPC/pay",
            Ecommerce,
            Bearer,
            r#"{"id":"O"}"#,
        )
        .forwarded_for()
        .idempotency_key()
        .body()
        .replay(),
        row(
            // The body is optional: without one the whole order is returned.
            "returnOrder",
            call!(|c| c.return_order(ORDER_ID, None)),
            "POST",
            "/v1/orders/ZZVRJB0J7ZGPC/returns",
            Ecommerce,
            Bearer,
            r#"{"id":"O"}"#,
        ),
        // ------------------------------------------------------------ gift cards
        row(
            "activateGiftCard",
            call!(
                body = ActivateGiftCardRequest::default().source(GIFT_CARD_TOKEN); |c| c
                    .activate_gift_card(&body)
            ),
            "POST",
            "/v1/activate",
            Ecommerce,
            Bearer,
            r#"{"id":"G"}"#,
        )
        .body(),
        row(
            "reloadGiftCard",
            call!(
                body = ReloadGiftCardRequest::new(GIFT_CARD_TOKEN, 500, "usd"); |c| c
                    .reload_gift_card(&body)
            ),
            "POST",
            "/v1/reload",
            Ecommerce,
            Bearer,
            r#"{"id":"G"}"#,
        )
        .body(),
        row(
            "giftCardBalance",
            call!(body = GiftCardSourceRequest::new(GIFT_CARD_TOKEN); |c| c
                .gift_card_balance(&body)),
            "POST",
            "/v1/balance_inquiry",
            Ecommerce,
            Bearer,
            r#"{}"#,
        )
        .body(),
        row(
            "cashOutGiftCard",
            call!(body = GiftCardSourceRequest::new(GIFT_CARD_TOKEN); |c| c
                .cash_out_gift_card(&body)),
            "POST",
            "/v1/cashout",
            Ecommerce,
            Bearer,
            r#"{"id":"G"}"#,
        )
        .body(),
        // ------------------------------------------------------------ platform host
        row(
            "createCheckoutSession",
            call!(
                body = CreateCheckoutRequest::new(
                     CheckoutCustomer::default(),
                     ShoppingCart::new(vec![CheckoutLineItem::new("T-shirt", 1500, 1)])
                 ); |c| c.create_checkout_session(MERCHANT_ID, &body)
            ),
            "POST",
            "/invoicingcheckoutservice/v1/checkouts",
            Api,
            Bearer,
            r#"{}"#,
        )
        .body()
        .headers(MERCHANT_HEADER),
        row(
            "createPlan",
            call!(
                body = CreatePlanRequest::new("Monthly box", 999, PlanInterval::Month, 1); |c| c
                    .create_plan(MERCHANT_ID, &body)
            ),
            "POST",
            "/recurring/v1/plans",
            Api,
            Bearer,
            r#"{"id":"P"}"#,
        )
        .body()
        .headers(MERCHANT_HEADER),
        row(
            "createSubscription",
            call!(
                body = CreateSubscriptionRequest::new(
                     CUSTOMER_ID,
                     CollectionMethod::ChargeAutomatically
                 ); |c| c.create_subscription(PLAN_ID, MERCHANT_ID, &body)
            ),
            "POST",
            "/recurring/v1/plans/P1ANxxxxxxx7Q/subscriptions",
            Api,
            Bearer,
            r#"{"id":"B"}"#,
        )
        .body()
        .headers(MERCHANT_HEADER),
    ]
}

// ---------------------------------------------------------------- the table against the spec

const SPEC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/clover-ecommerce.yaml");

fn spec_text() -> String {
    std::fs::read_to_string(SPEC).unwrap_or_else(|error| panic!("{SPEC}: {error}"))
}

fn spec() -> Value {
    serde_yaml_ng::from_str(&spec_text()).unwrap_or_else(|error| panic!("{SPEC}: {error}"))
}

const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// An operation as the spec describes it.
#[derive(Debug)]
struct SpecOperation {
    method: String,
    template: String,
    hosts: BTreeSet<String>,
    auth: Vec<Auth>,
    /// Header parameters: lowercase name → its `x-clover-sdk` role, if any.
    headers: BTreeMap<String, Option<String>>,
    required_headers: BTreeSet<String>,
    query: BTreeSet<String>,
    required_query: BTreeSet<String>,
    /// `Some(required)` when the operation has a request body.
    body: Option<bool>,
    replay: bool,
}

/// Follows a local `$ref`, if the node is one.
fn deref<'a>(spec: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => spec
            .pointer(reference.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("`{reference}` resolves to nothing")),
        None => node,
    }
}

fn spec_operations(spec: &Value) -> BTreeMap<String, SpecOperation> {
    let mut operations = BTreeMap::new();
    let no_list = Vec::new();
    for (template, item) in spec["paths"].as_object().expect("paths") {
        let hosts: BTreeSet<String> = item["servers"]
            .as_array()
            .expect("every path item declares its servers")
            .iter()
            .map(|server| server["x-host"].as_str().expect("x-host").to_owned())
            .collect();
        for verb in HTTP_METHODS {
            let Some(operation) = item.get(verb) else {
                continue;
            };
            let id = operation["operationId"].as_str().expect("operationId");
            let parameters = item
                .get("parameters")
                .and_then(Value::as_array)
                .unwrap_or(&no_list)
                .iter()
                .chain(
                    operation
                        .get("parameters")
                        .and_then(Value::as_array)
                        .unwrap_or(&no_list),
                )
                .map(|parameter| deref(spec, parameter));
            let mut found = SpecOperation {
                method: verb.to_uppercase(),
                template: template.clone(),
                hosts: hosts.clone(),
                auth: Vec::new(),
                headers: BTreeMap::new(),
                required_headers: BTreeSet::new(),
                query: BTreeSet::new(),
                required_query: BTreeSet::new(),
                body: operation
                    .get("requestBody")
                    .map(|body| deref(spec, body)["required"].as_bool().unwrap_or(false)),
                replay: false,
            };
            for parameter in parameters {
                let name = parameter["name"].as_str().expect("name").to_lowercase();
                let required = parameter["required"].as_bool().unwrap_or(false);
                match parameter["in"].as_str() {
                    Some("header") => {
                        let role = parameter["x-clover-sdk"].as_str().map(str::to_owned);
                        if required {
                            found.required_headers.insert(name.clone());
                        }
                        found.headers.insert(name, role);
                    }
                    Some("query") => {
                        if required {
                            found.required_query.insert(name.clone());
                        }
                        found.query.insert(name);
                    }
                    _ => {}
                }
            }
            let security = operation
                .get("security")
                .or_else(|| spec.get("security"))
                .and_then(Value::as_array)
                .unwrap_or(&no_list);
            for requirement in security {
                for scheme in requirement.as_object().expect("a requirement").keys() {
                    let scheme = &spec["components"]["securitySchemes"][scheme];
                    found
                        .auth
                        .push(match (scheme["type"].as_str(), scheme["scheme"].as_str()) {
                            (Some("http"), Some("bearer")) => Auth::Bearer,
                            (Some("apiKey"), _)
                                if scheme["in"] == "header" && scheme["name"] == "apikey" =>
                            {
                                Auth::ApiKey
                            }
                            other => {
                                panic!("{id}: a security scheme this test does not know: {other:?}")
                            }
                        });
                }
            }
            // The replay rule: the spec's explicit `x-clover-sdk-replay`, else a
            // read or a write that carries an idempotency key is safe to send twice.
            found.replay = match operation.get("x-clover-sdk-replay").and_then(Value::as_str) {
                Some("never") => false,
                Some("safe") => true,
                Some(other) => panic!("{id}: x-clover-sdk-replay `{other}`"),
                None => {
                    verb == "get"
                        || found
                            .headers
                            .values()
                            .any(|role| role.as_deref() == Some("idempotency-key"))
                }
            };
            assert!(
                operations.insert(id.to_owned(), found).is_none(),
                "operationId `{id}` appears twice"
            );
        }
    }
    operations
}

/// Whether `path` is `template` with every `{parameter}` filled by one segment.
fn fills(template: &str, path: &str) -> bool {
    let template: Vec<&str> = template.split('/').collect();
    let path: Vec<&str> = path.split('/').collect();
    template.len() == path.len()
        && template.iter().zip(&path).all(|(expected, actual)| {
            (expected.starts_with('{') && expected.ends_with('}') && !actual.is_empty())
                || expected == actual
        })
}

/// What a row claims that the spec contradicts, one line each.
fn spec_disagreements(row: &Row, spec: &SpecOperation) -> Vec<String> {
    let mut problems = Vec::new();
    let mut expect = |agree: bool, what: String| {
        if !agree {
            problems.push(what);
        }
    };
    expect(
        row.method == spec.method,
        format!("method {} but the spec says {}", row.method, spec.method),
    );
    expect(
        fills(&spec.template, row.path),
        format!(
            "path {} does not fill the spec's {}",
            row.path, spec.template
        ),
    );
    expect(
        spec.hosts.len() == 1 && spec.hosts.contains(row.host.key()),
        format!(
            "host {} but the spec's servers are {:?}",
            row.host, spec.hosts
        ),
    );
    let auth = match spec.auth.as_slice() {
        [] => Some(Auth::None),
        [only] => Some(*only),
        _ => None,
    };
    expect(
        auth == Some(row.auth),
        format!(
            "credential {:?} but the spec's security is {:?}",
            row.auth, spec.auth
        ),
    );
    let role = |wanted: &str| {
        spec.headers
            .values()
            .any(|role| role.as_deref() == Some(wanted))
    };
    expect(
        row.forwarded_for == role("forwarded-for"),
        format!(
            "forwarded_for {} but the spec has {} x-forwarded-for parameter",
            row.forwarded_for,
            if role("forwarded-for") { "an" } else { "no" }
        ),
    );
    expect(
        row.idempotency_key == role("idempotency-key"),
        format!(
            "idempotency_key {} but the spec has {} idempotency-key parameter",
            row.idempotency_key,
            if role("idempotency-key") { "an" } else { "no" }
        ),
    );
    expect(
        (!row.body || spec.body.is_some()) && (row.body || spec.body != Some(true)),
        format!(
            "body {} but the spec's requestBody is {:?} (Some(required))",
            row.body, spec.body
        ),
    );
    let plain_headers: BTreeSet<String> = spec
        .headers
        .iter()
        .filter(|(_, role)| role.is_none())
        .map(|(name, _)| name.clone())
        .collect();
    let row_headers: BTreeSet<String> = row
        .headers
        .iter()
        .map(|(name, _)| (*name).to_owned())
        .collect();
    expect(
        row_headers.is_subset(&plain_headers)
            && spec
                .required_headers
                .iter()
                .all(|name| row_headers.contains(name) || spec.headers[name].is_some()),
        format!(
            "headers {row_headers:?} but the spec's header parameters are {:?}",
            spec.headers
        ),
    );
    let row_query: BTreeSet<String> = row
        .query
        .iter()
        .map(|(name, _)| (*name).to_owned())
        .collect();
    expect(
        row_query.is_subset(&spec.query) && spec.required_query.is_subset(&row_query),
        format!(
            "query {row_query:?} but the spec's query parameters are {:?} (required {:?})",
            spec.query, spec.required_query
        ),
    );
    expect(
        row.replay == spec.replay,
        format!(
            "replay {} but by the spec it is {}",
            row.replay, spec.replay
        ),
    );
    problems
}

#[test]
fn the_table_has_one_row_per_operation_of_the_spec_and_agrees_with_it() {
    let spec = spec();
    let from_spec = spec_operations(&spec);
    let rows = operations();
    // Counted in the text, independently of the walk over `paths` below.
    let operation_ids = spec_text()
        .lines()
        .filter(|line| line.trim_start().starts_with("operationId:"))
        .count();
    assert_eq!(
        rows.len(),
        operation_ids,
        "the table must have one row per operationId of the spec"
    );
    let named: BTreeSet<&str> = rows.iter().map(|row| row.operation).collect();
    assert_eq!(named.len(), rows.len(), "an operation has two rows");
    let known: BTreeSet<&str> = from_spec.keys().map(String::as_str).collect();
    assert_eq!(named, known, "rows and the spec's operationIds differ");

    let mut problems = Vec::new();
    for row in &rows {
        for problem in spec_disagreements(row, &from_spec[row.operation]) {
            problems.push(format!("{}: {problem}", row.operation));
        }
    }
    assert!(
        problems.is_empty(),
        "the table contradicts the spec:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_spec_comparison_notices_a_wrong_row() {
    let spec = spec();
    let from_spec = spec_operations(&spec);
    let charge = operations()
        .into_iter()
        .find(|row| row.operation == "createCharge")
        .expect("a createCharge row");
    assert_eq!(
        spec_disagreements(&charge, &from_spec["createCharge"]),
        Vec::<String>::new()
    );
    let wrong = Row {
        method: "PUT",
        path: "/v1/charges/extra",
        host: Host::Api,
        auth: Auth::ApiKey,
        forwarded_for: false,
        idempotency_key: false,
        body: false,
        headers: MERCHANT_HEADER,
        query: &[("limit", "1")],
        replay: false,
        ..charge
    };
    assert_eq!(
        spec_disagreements(&wrong, &from_spec["createCharge"]).len(),
        10,
        "each wrong column is reported: {:#?}",
        spec_disagreements(&wrong, &from_spec["createCharge"])
    );
}

// ---------------------------------------------------------------- the table on the wire

/// What the server saw that the row does not expect, one line each.
fn wire_disagreements(row: &Row, request: &Request, sent_body: Option<&Value>) -> Vec<String> {
    let mut problems = Vec::new();
    let mut expect = |agree: bool, what: String| {
        if !agree {
            problems.push(what);
        }
    };
    let values = |name: &str| -> Vec<String> {
        request
            .headers
            .get_all(name)
            .iter()
            .map(|value| value.to_str().unwrap_or("<not ASCII>").to_owned())
            .collect()
    };
    expect(
        request.method.as_str() == row.method,
        format!("method {} instead of {}", request.method, row.method),
    );
    expect(
        request.url.path() == row.path,
        format!("path {} instead of {}", request.url.path(), row.path),
    );
    let query = query(request);
    expect(
        query == pairs(row.query),
        format!("query {query:?} instead of {:?}", row.query),
    );
    let (authorization, apikey) = (values("authorization"), values("apikey"));
    let bearer = vec![format!("Bearer {ACCESS_TOKEN}")];
    let key = vec![API_KEY.to_owned()];
    let credentials_ok = match row.auth {
        Auth::None => authorization.is_empty() && apikey.is_empty(),
        Auth::Bearer => authorization == bearer && apikey.is_empty(),
        Auth::ApiKey => apikey == key && authorization.is_empty(),
    };
    expect(
        credentials_ok,
        format!(
            "credential {:?} expected; authorization {authorization:?}, apikey {apikey:?}",
            row.auth
        ),
    );
    let forwarded = values("x-forwarded-for");
    let expected_forwarded = if row.forwarded_for {
        vec![SHOPPER_IP.to_owned()]
    } else {
        Vec::new()
    };
    expect(
        forwarded == expected_forwarded,
        format!("x-forwarded-for {forwarded:?} instead of {expected_forwarded:?}"),
    );
    let keys = values("idempotency-key");
    expect(
        if row.idempotency_key {
            keys.len() == 1 && is_uuid_v4(&keys[0])
        } else {
            keys.is_empty()
        },
        format!(
            "idempotency-key {keys:?}; expected {}",
            if row.idempotency_key {
                "one UUID v4"
            } else {
                "none"
            }
        ),
    );
    for (name, value) in row.headers {
        let sent = values(name);
        expect(
            sent == [*value],
            format!("header {name} {sent:?} instead of [{value:?}]"),
        );
    }
    let content_type = values("content-type");
    if row.body {
        let received: Option<Value> = serde_json::from_slice(&request.body).ok();
        expect(
            content_type == ["application/json"],
            format!("content-type {content_type:?} with a body"),
        );
        expect(
            received.is_some() && received.as_ref() == sent_body,
            format!(
                "body {:?} but the call passed {sent_body:?}",
                String::from_utf8_lossy(&request.body)
            ),
        );
    } else {
        expect(
            request.body.is_empty() && content_type.is_empty() && sent_body.is_none(),
            format!(
                "no body expected; got {:?}, content-type {content_type:?}, the call passed {sent_body:?}",
                String::from_utf8_lossy(&request.body)
            ),
        );
    }
    expect(
        values("accept") == ["application/json"],
        format!("accept {:?}", values("accept")),
    );
    let agent = values("user-agent");
    expect(
        agent.len() == 1 && agent[0].starts_with("clover-api/"),
        format!("user-agent {agent:?}"),
    );
    problems
}

/// Every host's requests since the last reset.
async fn requests_by_host(servers: &Servers) -> Vec<(Host, Request)> {
    let mut all = Vec::new();
    for host in Host::ALL {
        for request in servers.received(host).await {
            all.push((host, request));
        }
    }
    all
}

async fn reset(servers: &Servers) {
    for host in Host::ALL {
        servers.server(host).reset().await;
    }
}

/// Calls the row's operation once against servers that all answer with its
/// success body, and reports every difference from the row.
async fn check_on_the_wire(row: &Row, servers: &Servers, client: &Client) -> Vec<String> {
    reset(servers).await;
    let response: Value = serde_json::from_str(row.response).expect("a row's response is JSON");
    for host in Host::ALL {
        // Every host answers, so a call on the wrong host is reported as
        // that rather than as a failed call.
        Mock::given(any())
            .respond_with(ok_json(response.clone()))
            .mount(servers.server(host))
            .await;
    }
    let sent = match (row.invoke)(client).await {
        Ok(sent) => sent,
        Err(error) => return vec![format!("the call failed: {error}")],
    };
    let received = requests_by_host(servers).await;
    match received.as_slice() {
        [(host, request)] => {
            let mut problems = wire_disagreements(row, request, sent.as_ref());
            if *host != row.host {
                problems.insert(
                    0,
                    format!("sent to the {host} host instead of {}", row.host),
                );
            }
            problems
        }
        _ => vec![format!(
            "{} requests instead of one: {:?}",
            received.len(),
            received
                .iter()
                .map(|(host, request)| format!("{host}: {} {}", request.method, request.url))
                .collect::<Vec<_>>()
        )],
    }
}

/// Answers the first attempt with a 503, which may have reached Clover, and
/// reports whether the call was sent again as the row says.
async fn check_replay(row: &Row, servers: &Servers, client: &Client) -> Vec<String> {
    reset(servers).await;
    let server = servers.server(row.host);
    let response: Value = serde_json::from_str(row.response).expect("a row's response is JSON");
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(any())
        .respond_with(ok_json(response))
        .mount(server)
        .await;
    let result = (row.invoke)(client).await;
    let requests = servers.received(row.host).await;
    let mut problems = Vec::new();
    if row.replay {
        if let Err(error) = &result {
            problems.push(format!("a replayable call failed after a 503: {error}"));
        }
        if requests.len() != 2 {
            problems.push(format!(
                "{} attempts after a 503 instead of 2",
                requests.len()
            ));
        } else {
            let first = (
                &requests[0].body,
                requests[0].headers.get("idempotency-key"),
            );
            let second = (
                &requests[1].body,
                requests[1].headers.get("idempotency-key"),
            );
            if first != second {
                problems.push("the second attempt differs in body or idempotency key".to_owned());
            }
        }
    } else {
        let status = result
            .as_ref()
            .err()
            .and_then(|error| error.api_error())
            .map(|api| api.status);
        if status != Some(503) {
            problems.push(format!("expected the 503 as the result, got {result:?}"));
        }
        if requests.len() != 1 {
            problems.push(format!(
                "{} attempts after a 503, but a call that is not safe to replay is sent once",
                requests.len()
            ));
        }
    }
    problems
}

#[tokio::test]
async fn every_operation_reaches_its_host_with_its_credential_headers_and_body() {
    let servers = Servers::start().await;
    let client = servers.client();
    let retrying = servers
        .builder()
        .retry(
            RetryPolicy::default()
                .max_attempts(2)
                .initial_backoff(Duration::from_millis(1)),
        )
        .build()
        .expect("client builds");
    let rows = operations();
    let mut problems = Vec::new();
    for row in &rows {
        for problem in check_on_the_wire(row, &servers, &client).await {
            problems.push(format!("{}: {problem}", row.operation));
        }
        for problem in check_replay(row, &servers, &retrying).await {
            problems.push(format!("{} (replay): {problem}", row.operation));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s) across {} operations:\n{}",
        problems.len(),
        rows.len(),
        problems.join("\n")
    );
}

// ---------------------------------------------------------------- paging

/// A charge-list page with these ids.
fn page(ids: &[&str], has_more: bool) -> ResponseTemplate {
    let data: Vec<Value> = ids.iter().map(|id| charge_json(id)).collect();
    ok_json(json!({ "object": "list", "url": "/v1/charges", "has_more": has_more, "data": data }))
}

#[tokio::test]
async fn list_charges_pages_follows_the_last_id_and_drops_the_repeated_cursor_item() {
    let servers = Servers::start().await;
    servers.forbid_all_but(Host::Ecommerce).await;
    let server = servers.server(Host::Ecommerce);
    // Clover starts each later page with the item its cursor names.
    for (cursor, ids, more) in [
        (None, &["CH1", "CH2"][..], true),
        (Some("CH2"), &["CH2", "CH3", "CH4"][..], true),
        (Some("CH4"), &["CH4", "CH5"][..], false),
    ] {
        let mock = Mock::given(method("GET")).and(path("/v1/charges"));
        let mock = match cursor {
            None => mock.and(query_param_is_missing("starting_after")),
            Some(cursor) => mock.and(query_param("starting_after", cursor)),
        };
        mock.respond_with(page(ids, more))
            .expect(1)
            .mount(server)
            .await;
    }

    let params = ListChargesParams {
        limit: Some(3),
        ..ListChargesParams::default()
    };
    let charges: Vec<_> = servers
        .client()
        .list_charges_pages(params)
        .items()
        .try_collect()
        .await
        .expect("every page arrives");
    let ids: Vec<&str> = charges.iter().map(|charge| charge.id.as_str()).collect();
    assert_eq!(ids, ["CH1", "CH2", "CH3", "CH4", "CH5"]);

    let requests = servers.only(Host::Ecommerce, 3).await;
    let queries: Vec<_> = requests.iter().map(query).collect();
    assert_eq!(
        queries,
        [
            pairs(&[("limit", "3")]),
            pairs(&[("limit", "3"), ("starting_after", "CH2")]),
            pairs(&[("limit", "3"), ("starting_after", "CH4")]),
        ]
    );
    servers.verify().await;
}

#[tokio::test]
async fn list_charges_pages_from_a_cursor_skips_that_item_only_when_repeated() {
    let servers = Servers::start().await;
    let server = servers.server(Host::Ecommerce);
    Mock::given(method("GET"))
        .and(query_param("starting_after", "CH2"))
        .respond_with(page(&["CH2", "CH3"], true))
        .expect(1)
        .mount(server)
        .await;
    // This page does not repeat its cursor item; nothing is dropped.
    Mock::given(method("GET"))
        .and(query_param("starting_after", "CH3"))
        .respond_with(page(&["CH4"], false))
        .expect(1)
        .mount(server)
        .await;

    let charges: Vec<_> = servers
        .client()
        .list_charges_pages(ListChargesParams {
            starting_after: Some("CH2".to_owned()),
            ..ListChargesParams::default()
        })
        .items()
        .try_collect()
        .await
        .expect("every page arrives");
    let ids: Vec<&str> = charges.iter().map(|charge| charge.id.as_str()).collect();
    assert_eq!(ids, ["CH3", "CH4"]);
    servers.only(Host::Ecommerce, 2).await;
    servers.verify().await;
}

// ---------------------------------------------------------------- exact bodies and queries

/// Mounts a success response for `verb route` on `host`'s server, to be hit
/// `times` times, and a catch-all that must stay unused on every other host.
async fn mount(servers: &Servers, host: Host, verb: &str, route: &str, body: Value, times: u64) {
    servers.forbid_all_but(host).await;
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(ok_json(body))
        .expect(times)
        .mount(servers.server(host))
        .await;
}

/// The idempotency key of a request, checked to be a UUID v4.
fn generated_key(request: &Request) -> String {
    let key = header(request, "idempotency-key");
    assert!(is_uuid_v4(key), "`{key}` is not a hyphenated UUID v4");
    key.to_owned()
}

#[tokio::test]
async fn legacy_oauth_query_values_are_percent_encoded() {
    let servers = Servers::start().await;
    mount(
        &servers,
        Host::Web,
        "GET",
        "/oauth/token",
        json!({ "access_token": "t" }),
        1,
    )
    .await;

    let secret = "a&b=c d+e/f?g#h";
    servers
        .client()
        .exchange_legacy_oauth_code("id&x=1", &Secret::new(secret), &Secret::new("code#frag"))
        .await
        .expect("legacy exchange succeeds");

    let request = &servers.only(Host::Web, 1).await[0];
    assert_eq!(
        query(request),
        pairs(&[
            ("client_id", "id&x=1"),
            ("client_secret", secret),
            ("code", "code#frag")
        ])
    );
    assert_eq!(
        request.url.fragment(),
        None,
        "a `#` in a value must not start a fragment"
    );
}

#[tokio::test]
async fn exchange_oauth_code_sends_the_secret_in_the_body_and_decodes_the_token_pair() {
    let servers = Servers::start().await;
    mount(
        &servers,
        Host::Api,
        "POST",
        "/oauth/v2/token",
        json!({
            "access_token": "eyJhbGciOixxxxxxxxxxxxxxxxxxxxxxxxxx",
            "access_token_expiration": 1722232545,
            "refresh_token": "clvroar-xxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "refresh_token_expiration": 1753768545
        }),
        1,
    )
    .await;

    let mut body = OauthTokenRequest::new(CLIENT_ID, AUTH_CODE);
    body.client_secret = Some(Secret::new(CLIENT_SECRET));
    let tokens = servers
        .client()
        .exchange_oauth_code(&body, &ExchangeOauthCodeParams::default())
        .await
        .expect("exchange succeeds");
    assert_eq!(
        tokens.access_token.expose(),
        "eyJhbGciOixxxxxxxxxxxxxxxxxxxxxxxxxx"
    );
    assert_eq!(tokens.access_token_expiration, Some(1722232545));
    assert_eq!(
        tokens.refresh_token.as_ref().map(Secret::expose),
        Some("clvroar-xxxxxxxxxxxxxxxxxxxxxxxxxxxx")
    );
    assert_eq!(tokens.refresh_token_expiration, Some(1753768545));

    let request = &servers.only(Host::Api, 1).await[0];
    assert_eq!(
        request.url.query(),
        None,
        "an unset no_refresh_token is not sent"
    );
    assert_eq!(
        json_body(request),
        json!({ "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "code": AUTH_CODE })
    );
    servers.verify().await;
}

#[tokio::test]
async fn exchange_oauth_code_sends_no_refresh_token_and_a_pkce_body() {
    let servers = Servers::start().await;
    mount(
        &servers,
        Host::Api,
        "POST",
        "/oauth/v2/token",
        json!({ "access_token": "a" }),
        2,
    )
    .await;
    let client = servers.client();

    let mut pkce = OauthTokenRequest::new(CLIENT_ID, AUTH_CODE);
    pkce.code_verifier = Some("verifier-123".into());
    let tokens = client
        .exchange_oauth_code(
            &pkce,
            &ExchangeOauthCodeParams {
                no_refresh_token: Some(true),
            },
        )
        .await
        .expect("exchange succeeds");
    assert!(tokens.refresh_token.is_none());
    client
        .exchange_oauth_code(
            &pkce,
            &ExchangeOauthCodeParams {
                no_refresh_token: Some(false),
            },
        )
        .await
        .expect("exchange succeeds");

    let requests = servers.only(Host::Api, 2).await;
    assert_eq!(query(&requests[0]), pairs(&[("no_refresh_token", "true")]));
    assert_eq!(query(&requests[1]), pairs(&[("no_refresh_token", "false")]));
    for request in &requests {
        assert_eq!(
            json_body(request),
            json!({ "client_id": CLIENT_ID, "code": AUTH_CODE, "code_verifier": "verifier-123" }),
            "no client_secret key at all when it is None"
        );
    }
}

#[tokio::test]
async fn refresh_oauth_token_sends_exactly_the_refresh_body() {
    let servers = Servers::start().await;
    mount(
        &servers,
        Host::Api,
        "POST",
        "/oauth/v2/refresh",
        json!({
            "access_token": "eyJhbGciOiyyyyyyyyyyyyyyyyyyyyyyyyyy",
            "access_token_expiration": 1722236145,
            "refresh_token": "clvroar-yyyyyyyyyyyyyyyyyyyyyyyyyyyy",
            "refresh_token_expiration": 1753772145
        }),
        1,
    )
    .await;

    let tokens = servers
        .client()
        .refresh_oauth_token(&OauthRefreshRequest::new(CLIENT_ID, REFRESH_TOKEN))
        .await
        .expect("refresh succeeds");
    assert_eq!(
        tokens.access_token.expose(),
        "eyJhbGciOiyyyyyyyyyyyyyyyyyyyyyyyyyy"
    );
    assert_eq!(tokens.refresh_token_expiration, Some(1753772145));

    let request = &servers.only(Host::Api, 1).await[0];
    assert_eq!(
        json_body(request),
        json!({ "client_id": CLIENT_ID, "refresh_token": REFRESH_TOKEN })
    );
    servers.verify().await;
}

#[tokio::test]
async fn create_token_sends_exactly_the_seed_card() {
    let servers = Servers::start().await;
    mount(
        &servers,
        Host::Token,
        "POST",
        "/v1/tokens",
        json!({ "id": CARD_TOKEN, "object": "token" }),
        1,
    )
    .await;

    let token = servers
        .client()
        .create_token(&CardTokenRequest::new(seed_card()).into())
        .await
        .expect("tokenization succeeds");
    assert_eq!(token.id, CARD_TOKEN);

    let request = &servers.only(Host::Token, 1).await[0];
    assert_eq!(
        json_body(request),
        json!({"card":{"number":"6011361000006668","exp_month":"12","exp_year":"2030","cvv":"123","brand":"DISCOVER"}})
    );
    servers.verify().await;
}

#[tokio::test]
async fn with_credential_supplies_the_key_for_tokenization() {
    let servers = Servers::start().await;
    mount(
        &servers,
        Host::Token,
        "POST",
        "/v1/tokens",
        json!({ "id": CARD_TOKEN }),
        1,
    )
    .await;
    let client = Client::builder()
        .environment(servers.environment())
        .build()
        .expect("client builds")
        .with_credential(ApiKeyAuth, "fetched-pakms-key");

    client
        .create_token(&CardTokenRequest::new(seed_card()).into())
        .await
        .expect("tokenization succeeds");

    let request = &servers.only(Host::Token, 1).await[0];
    assert_eq!(header(request, "apikey"), "fetched-pakms-key");
    assert_no_header(request, "authorization");
}

// ---------------------------------------------------------------- charges

#[tokio::test]
async fn create_charge_sends_exactly_the_seed_body() {
    let servers = Servers::start().await;
    mount(
        &servers,
        Host::Ecommerce,
        "POST",
        "/v1/charges",
        charge_json(CHARGE_ID),
        1,
    )
    .await;

    let charge = servers
        .client()
        .create_charge(&CreateChargeRequest::new(1800, "usd", CARD_TOKEN))
        .await
        .expect("charge succeeds");
    assert_eq!(charge.id, CHARGE_ID);

    let request = &servers.only(Host::Ecommerce, 1).await[0];
    assert_eq!(
        json_body(request),
        json!({"amount":1800,"currency":"usd","source":CARD_TOKEN})
    );
    servers.verify().await;
}

#[tokio::test]
async fn create_charge_per_call_forwarded_for_replaces_the_default() {
    let servers = Servers::start().await;
    mount(
        &servers,
        Host::Ecommerce,
        "POST",
        "/v1/charges",
        charge_json(CHARGE_ID),
        2,
    )
    .await;
    let client = servers.client();
    let body = CreateChargeRequest::new(1800, "usd", CARD_TOKEN);

    client
        .create_charge(&body)
        .forwarded_for(ip(OVERRIDE_IP))
        .await
        .expect("charge succeeds");
    client
        .create_charge(&body)
        .forwarded_for(ip("2001:db8::1"))
        .await
        .expect("charge succeeds");

    let requests = servers.only(Host::Ecommerce, 2).await;
    // `header` also fails if the default was sent in addition to the override.
    assert_eq!(header(&requests[0], "x-forwarded-for"), OVERRIDE_IP);
    assert_eq!(header(&requests[1], "x-forwarded-for"), "2001:db8::1");
}

#[tokio::test]
async fn create_charge_without_a_default_uses_the_per_call_address() {
    let servers = Servers::start().await;
    mount(
        &servers,
        Host::Ecommerce,
        "POST",
        "/v1/charges",
        charge_json(CHARGE_ID),
        1,
    )
    .await;
    let client = Client::builder()
        .environment(servers.environment())
        .credential(BearerAuth, ACCESS_TOKEN)
        .build()
        .expect("client builds");

    client
        .create_charge(&CreateChargeRequest::new(1800, "usd", CARD_TOKEN))
        .forwarded_for(ip(OVERRIDE_IP))
        .await
        .expect("charge succeeds");

    let request = &servers.only(Host::Ecommerce, 1).await[0];
    assert_eq!(header(request, "x-forwarded-for"), OVERRIDE_IP);
}

#[tokio::test]
async fn create_charge_sends_a_caller_idempotency_key_verbatim() {
    let servers = Servers::start().await;
    mount(
        &servers,
        Host::Ecommerce,
        "POST",
        "/v1/charges",
        charge_json(CHARGE_ID),
        2,
    )
    .await;
    let client = servers.client();
    let body = CreateChargeRequest::new(1800, "usd", CARD_TOKEN);

    client
        .create_charge(&body)
        .idempotency_key("9d7c8a0e-2f37-4a55-9a2e-0b3b6e4a1c11")
        .await
        .expect("charge succeeds");
    client
        .create_charge(&body)
        .idempotency_key("order-42/attempt 1")
        .await
        .expect("charge succeeds");

    let requests = servers.only(Host::Ecommerce, 2).await;
    assert_eq!(
        header(&requests[0], "idempotency-key"),
        "9d7c8a0e-2f37-4a55-9a2e-0b3b6e4a1c11"
    );
    assert_eq!(
        header(&requests[1], "idempotency-key"),
        "order-42/attempt 1",
        "not reformatted"
    );
}

#[tokio::test]
async fn every_post_call_gets_its_own_idempotency_key() {
    let servers = Servers::start().await;
    mount(
        &servers,
        Host::Ecommerce,
        "POST",
        "/v1/charges",
        charge_json(CHARGE_ID),
        3,
    )
    .await;
    Mock::given(method("POST"))
        .and(path(format!("/v1/charges/{CHARGE_ID}/capture")))
        .respond_with(ok_json(charge_json(CHARGE_ID)))
        .expect(2)
        .mount(servers.server(Host::Ecommerce))
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/refunds"))
        .respond_with(ok_json(refund_json(REFUND_ID)))
        .expect(2)
        .mount(servers.server(Host::Ecommerce))
        .await;
    let client = servers.client();
    let body = CreateChargeRequest::new(1800, "usd", CARD_TOKEN);

    for _ in 0..3 {
        client.create_charge(&body).await.expect("charge succeeds");
    }
    for _ in 0..2 {
        client
            .capture_charge(CHARGE_ID, &CaptureChargeRequest::default())
            .await
            .expect("capture succeeds");
        client
            .create_refund(&CreateRefundRequest::new(CHARGE_ID))
            .await
            .expect("refund succeeds");
    }

    let requests = servers.only(Host::Ecommerce, 7).await;
    let keys: Vec<String> = requests.iter().map(generated_key).collect();
    let distinct: HashSet<&String> = keys.iter().collect();
    assert_eq!(distinct.len(), keys.len(), "keys repeat: {keys:?}");
    servers.verify().await;
}

#[tokio::test]
async fn list_charges_sends_every_filter_in_the_query() {
    let servers = Servers::start().await;
    mount(
        &servers,
        Host::Ecommerce,
        "GET",
        "/v1/charges",
        json!({ "object": "list", "url": "/v1/charges", "has_more": false, "data": [] }),
        1,
    )
    .await;

    let params = ListChargesParams {
        limit: Some(25),
        starting_after: Some(CHARGE_ID.to_owned()),
        ending_before: Some("3QYJA61J9YYRY".to_owned()),
        customer: Some("ADFRQ4R2YAYBY".to_owned()),
        created_gt: Some(1719619573000),
        created_gte: Some(1719619573001),
        created_lt: Some(1719882650000),
        created_lte: Some(1719882650001),
        ..ListChargesParams::default()
    };
    let page = servers
        .client()
        .list_charges(&params)
        .await
        .expect("list succeeds");
    assert_eq!(page.has_more, Some(false));
    assert_eq!(page.data.as_deref().map(<[_]>::len), Some(0));

    let request = &servers.only(Host::Ecommerce, 1).await[0];
    let mut sent = query(request);
    sent.sort();
    let mut expected = pairs(&[
        ("limit", "25"),
        ("starting_after", CHARGE_ID),
        ("ending_before", "3QYJA61J9YYRY"),
        ("customer", "ADFRQ4R2YAYBY"),
        ("created.gt", "1719619573000"),
        ("created.gte", "1719619573001"),
        ("created.lt", "1719882650000"),
        ("created.lte", "1719882650001"),
    ]);
    expected.sort();
    assert_eq!(sent, expected);
    servers.verify().await;
}

#[tokio::test]
async fn list_charges_sends_only_the_parameters_that_are_set() {
    let servers = Servers::start().await;
    mount(
        &servers,
        Host::Ecommerce,
        "GET",
        "/v1/charges",
        json!({ "data": [] }),
        4,
    )
    .await;
    let client = servers.client();

    client
        .list_charges(&ListChargesParams::default())
        .await
        .expect("list succeeds");
    let bounds = [1, 100];
    for limit in bounds {
        client
            .list_charges(&ListChargesParams {
                limit: Some(limit),
                ..Default::default()
            })
            .await
            .expect("a limit on the bound is allowed");
    }
    client
        .list_charges(&ListChargesParams {
            created_gt: Some(1585699200000),
            ..Default::default()
        })
        .await
        .expect("list succeeds");

    let requests = servers.only(Host::Ecommerce, 4).await;
    assert_eq!(requests[0].url.query(), None);
    assert_eq!(query(&requests[1]), pairs(&[("limit", "1")]));
    assert_eq!(query(&requests[2]), pairs(&[("limit", "100")]));
    assert_eq!(
        query(&requests[3]),
        pairs(&[("created.gt", "1585699200000")])
    );
    assert_eq!(requests[3].url.query(), Some("created.gt=1585699200000"));
}

#[tokio::test]
async fn path_parameters_are_percent_encoded_as_one_segment() {
    let servers = Servers::start().await;
    servers.forbid_all_but(Host::Ecommerce).await;
    Mock::given(method("GET"))
        .respond_with(ok_json(charge_json(CHARGE_ID)))
        .expect(1)
        .mount(servers.server(Host::Ecommerce))
        .await;

    servers
        .client()
        .get_charge("a b/c?d#e", &Default::default())
        .await
        .expect("get succeeds");

    let request = &servers.only(Host::Ecommerce, 1).await[0];
    assert_eq!(request.url.path(), "/v1/charges/a%20b%2Fc%3Fd%23e");
    assert_eq!(request.url.query(), None);
}

#[tokio::test]
async fn dot_path_parameters_never_change_the_endpoint() {
    let servers = Servers::start().await;
    servers.forbid_all_but(Host::Ecommerce).await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ok_json(charge_json(CHARGE_ID)))
        .mount(servers.server(Host::Ecommerce))
        .await;
    let client = servers.client();

    // (id, what was called, number of path segments the operation's template has)
    let results = [
        (
            client.get_charge("..", &Default::default()).await.map(drop),
            "get_charge(\"..\")",
            3,
        ),
        (
            client.get_charge(".", &Default::default()).await.map(drop),
            "get_charge(\".\")",
            3,
        ),
        (
            client.get_refund("..").await.map(drop),
            "get_refund(\"..\")",
            3,
        ),
        (
            client
                .capture_charge("..", &CaptureChargeRequest::default())
                .await
                .map(drop),
            "capture_charge(\"..\")",
            4,
        ),
    ];
    let requests = servers.received(Host::Ecommerce).await;
    let mut sent = requests.iter();
    for (result, call, segments) in results {
        match result {
            Err(Error::Refused { .. }) => {}
            _ => {
                let request = sent.next().expect("a call that was not refused was sent");
                let path = request.url.path();
                assert_eq!(
                    path.split('/').skip(1).count(),
                    segments,
                    "{call} was sent to {} {path}, a different endpoint",
                    request.method
                );
            }
        }
    }
}

#[tokio::test]
async fn empty_path_parameters_are_refused() {
    let servers = Servers::start().await;
    servers.forbid_all().await;
    let client = servers.client();

    let charge = client.get_charge("", &Default::default()).await;
    assert!(
        matches!(
            charge,
            Err(Error::Refused {
                operation: "getCharge",
                ..
            })
        ),
        "{charge:?}"
    );
    let refund = client.get_refund("").await;
    assert!(
        matches!(
            refund,
            Err(Error::Refused {
                operation: "getRefund",
                ..
            })
        ),
        "{refund:?}"
    );
    servers.none().await;
}

#[tokio::test]
async fn capture_charge_sends_exactly_the_partial_amount() {
    let servers = Servers::start().await;
    let route = format!("/v1/charges/{CHARGE_ID}/capture");
    mount(
        &servers,
        Host::Ecommerce,
        "POST",
        &route,
        charge_json(CHARGE_ID),
        1,
    )
    .await;

    let capture = CaptureChargeRequest {
        amount: Some(1500),
        ..Default::default()
    };
    let charge = servers
        .client()
        .capture_charge(CHARGE_ID, &capture)
        .await
        .expect("capture succeeds");
    assert_eq!(charge.id, CHARGE_ID);

    let request = &servers.only(Host::Ecommerce, 1).await[0];
    assert_eq!(json_body(request), json!({ "amount": 1500 }));
    servers.verify().await;
}

#[tokio::test]
async fn capture_charge_full_capture_sends_an_empty_object_and_the_optional_header_may_be_absent() {
    let servers = Servers::start().await;
    let route = format!("/v1/charges/{CHARGE_ID}/capture");
    mount(
        &servers,
        Host::Ecommerce,
        "POST",
        &route,
        charge_json(CHARGE_ID),
        3,
    )
    .await;
    let without_default = Client::builder()
        .environment(servers.environment())
        .credential(BearerAuth, ACCESS_TOKEN)
        .build()
        .expect("client builds");
    let full = CaptureChargeRequest::default();

    without_default
        .capture_charge(CHARGE_ID, &full)
        .await
        .expect("x-forwarded-for is optional here");
    servers
        .client()
        .capture_charge(CHARGE_ID, &full)
        .forwarded_for(ip(OVERRIDE_IP))
        .await
        .expect("capture succeeds");
    servers
        .client()
        .capture_charge(CHARGE_ID, &full)
        .idempotency_key("capture-WBKGFT6X1VB1G")
        .await
        .expect("capture succeeds");

    let requests = servers.only(Host::Ecommerce, 3).await;
    assert_eq!(json_body(&requests[0]), json!({}));
    assert_no_header(&requests[0], "x-forwarded-for");
    generated_key(&requests[0]);
    assert_eq!(header(&requests[1], "x-forwarded-for"), OVERRIDE_IP);
    assert_eq!(
        header(&requests[2], "idempotency-key"),
        "capture-WBKGFT6X1VB1G"
    );
    assert_eq!(header(&requests[2], "x-forwarded-for"), SHOPPER_IP);
}

// ---------------------------------------------------------------- refunds

#[tokio::test]
async fn create_refund_sends_exactly_the_body_and_the_per_call_settings() {
    let servers = Servers::start().await;
    mount(
        &servers,
        Host::Ecommerce,
        "POST",
        "/v1/refunds",
        refund_json(REFUND_ID),
        2,
    )
    .await;
    let client = servers.client();

    let mut partial = CreateRefundRequest::new(CHARGE_ID);
    partial.amount = Some(500);
    partial.reason = Some("requested_by_customer".to_owned());
    let refund = client
        .create_refund(&partial)
        .await
        .expect("refund succeeds");
    assert_eq!(refund.id, REFUND_ID);
    client
        .create_refund(&CreateRefundRequest::new(CHARGE_ID))
        .forwarded_for(ip(OVERRIDE_IP))
        .idempotency_key("refund-key-1")
        .await
        .expect("refund succeeds");

    let requests = servers.only(Host::Ecommerce, 2).await;
    assert_eq!(
        json_body(&requests[0]),
        json!({ "charge": CHARGE_ID, "amount": 500, "reason": "requested_by_customer" })
    );

    assert_eq!(json_body(&requests[1]), json!({ "charge": CHARGE_ID }));
    assert_eq!(header(&requests[1], "x-forwarded-for"), OVERRIDE_IP);
    assert_eq!(header(&requests[1], "idempotency-key"), "refund-key-1");
    servers.verify().await;
}

#[tokio::test]
async fn create_refund_without_a_forwarded_for_default_sends_none() {
    let servers = Servers::start().await;
    mount(
        &servers,
        Host::Ecommerce,
        "POST",
        "/v1/refunds",
        refund_json(REFUND_ID),
        1,
    )
    .await;
    let client = Client::builder()
        .environment(servers.environment())
        .credential(BearerAuth, ACCESS_TOKEN)
        .build()
        .expect("client builds");

    client
        .create_refund(&CreateRefundRequest::new(CHARGE_ID))
        .await
        .expect("refund succeeds");

    let request = &servers.only(Host::Ecommerce, 1).await[0];
    assert_no_header(request, "x-forwarded-for");
    generated_key(request);
}

// ---------------------------------------------------------------- environments

#[tokio::test]
async fn a_base_url_path_is_kept_as_a_prefix() {
    let servers = Servers::start().await;
    servers.forbid_all_but(Host::Ecommerce).await;
    Mock::given(method("GET"))
        .and(path(format!("/proxy/clover/v1/charges/{CHARGE_ID}")))
        .respond_with(ok_json(charge_json(CHARGE_ID)))
        .expect(2)
        .mount(servers.server(Host::Ecommerce))
        .await;
    let base = servers.server(Host::Ecommerce).uri();
    for prefix in ["/proxy/clover", "/proxy/clover/"] {
        let environment = servers
            .environment()
            .with_base_url(Host::Ecommerce, &format!("{base}{prefix}"))
            .expect("a valid base URL");
        let client = Client::builder()
            .environment(environment)
            .credential(BearerAuth, ACCESS_TOKEN)
            .build()
            .expect("client builds");
        client
            .get_charge(CHARGE_ID, &Default::default())
            .await
            .expect("get succeeds");
    }
    servers.only(Host::Ecommerce, 2).await;
    servers.verify().await;
}

#[tokio::test]
async fn a_redirect_never_carries_the_api_key_or_card_to_another_host() {
    let servers = Servers::start().await;
    let elsewhere = servers.server(Host::Web);
    Mock::given(wiremock::matchers::any())
        .respond_with(ok_json(json!({ "id": CARD_TOKEN })))
        .mount(elsewhere)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/tokens"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", format!("{}/collect", elsewhere.uri())),
        )
        .expect(2)
        .mount(servers.server(Host::Token))
        .await;

    // The default client, and one built from the caller's own settings
    // that ask to follow redirects: neither follows.
    let own_settings = clover_api::reqwest::Client::builder()
        .redirect(clover_api::reqwest::redirect::Policy::limited(5));
    for client in [
        servers.client(),
        servers.builder().http_client(own_settings).build().unwrap(),
    ] {
        let error = client
            .create_token(&CardTokenRequest::new(seed_card()).into())
            .await
            .expect_err("a redirect is not followed");
        assert_eq!(error.api_error().map(|api| api.status), Some(307));
        assert!(!error.may_have_taken_effect(), "a 307 was not handled here");
    }

    let leaked = servers.received(Host::Web).await;
    for request in &leaked {
        assert!(
            !String::from_utf8_lossy(&request.body).contains("6011361000006668"),
            "the card number reached another host ({} {})",
            request.method,
            request.url
        );
        assert_no_header(request, "apikey");
    }
    assert!(
        leaked.is_empty(),
        "{} request(s) followed the redirect to another host",
        leaked.len()
    );
}

#[tokio::test]
async fn a_custom_user_agent_is_sent_and_an_invalid_one_refused_at_build() {
    let servers = Servers::start().await;
    mount(
        &servers,
        Host::Ecommerce,
        "GET",
        &format!("/v1/refunds/{REFUND_ID}"),
        refund_json(REFUND_ID),
        1,
    )
    .await;
    let client = servers
        .builder()
        .user_agent("shop-backend/2.1")
        .build()
        .expect("client builds");

    client.get_refund(REFUND_ID).await.expect("get succeeds");
    let request = &servers.only(Host::Ecommerce, 1).await[0];
    assert_eq!(header(request, "user-agent"), "shop-backend/2.1");

    let invalid = servers.builder().user_agent("bad\nagent").build();
    assert!(
        matches!(invalid, Err(clover_api::BuildError::UserAgent)),
        "{invalid:?}"
    );
}
