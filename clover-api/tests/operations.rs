//! Every generated operation, as seen by the server: host, method, path,
//! query, credential headers, context headers and the exact JSON body.

mod common;

use std::collections::HashSet;

use clover_api::models::{
    CaptureChargeRequest, CardBrand, CardDetails, CardTokenRequest, CreateChargeRequest,
    CreateRefundRequest, ExchangeOauthCodeParams, ListChargesParams, OauthRefreshRequest,
    OauthTokenRequest,
};
use clover_api::{Client, Error, Host, Secret};
use common::{
    ACCESS_TOKEN, API_KEY, OVERRIDE_IP, SHOPPER_IP, Servers, assert_no_header, charge_json, header,
    ip, is_uuid_v4, json_body, ok_json, pairs, query, refund_json,
};
use serde_json::json;
use wiremock::http::Method;
use wiremock::matchers::{method, path};
use wiremock::{Mock, Request, ResponseTemplate};

const CHARGE_ID: &str = "WBKGFT6X1VB1G";
const REFUND_ID: &str = "R7Q1XXXXXXXXX";
const CARD_TOKEN: &str = "clv_1TSTxxxxxxxxxxxxxxxxxFQif";
const CLIENT_ID: &str = "RKxxxxxxxxS9C";
const CLIENT_SECRET: &str = "d46dxxxx-SECRET-xxxx-xxxxxxxx1b77";
const AUTH_CODE: &str = "1ccdxxxx-xxxx-xxxx-xxxx-xxxxxxxea1b";
const REFRESH_TOKEN: &str = "clvroar-SECRET-refresh-xxxxxxxxxxxx";

/// Which credential header a request must carry.
#[derive(Clone, Copy)]
enum Auth {
    None,
    Bearer,
    ApiKey,
}

fn assert_auth(request: &Request, auth: Auth) {
    match auth {
        Auth::None => {
            assert_no_header(request, "authorization");
            assert_no_header(request, "apikey");
        }
        Auth::Bearer => {
            assert_eq!(
                header(request, "authorization"),
                format!("Bearer {ACCESS_TOKEN}")
            );
            assert_no_header(request, "apikey");
        }
        Auth::ApiKey => {
            assert_eq!(header(request, "apikey"), API_KEY);
            assert_no_header(request, "authorization");
        }
    }
}

/// Headers every request carries, and a JSON content type exactly when there is a body.
fn assert_common(request: &Request, has_body: bool) {
    assert_eq!(header(request, "accept"), "application/json");
    assert!(header(request, "user-agent").starts_with("clover-api/"));
    if has_body {
        assert_eq!(header(request, "content-type"), "application/json");
    } else {
        assert!(
            request.body.is_empty(),
            "a {} must not carry a body",
            request.method
        );
        assert_no_header(request, "content-type");
    }
}

/// The idempotency key of a request, checked to be a UUID v4.
fn generated_key(request: &Request) -> String {
    let key = header(request, "idempotency-key");
    assert!(is_uuid_v4(key), "`{key}` is not a hyphenated UUID v4");
    key.to_owned()
}

/// Mounts a success response for `verb path` on `host`'s server, to be hit `times` times,
/// and a catch-all that must stay unused on every other host.
async fn mount(
    servers: &Servers,
    host: Host,
    verb: &str,
    route: &str,
    body: serde_json::Value,
    times: u64,
) {
    servers.forbid_all_but(host).await;
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(ok_json(body))
        .expect(times)
        .mount(servers.server(host))
        .await;
}

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

// ---------------------------------------------------------------- OAuth

#[tokio::test]
async fn exchange_legacy_oauth_code_gets_the_web_host_with_the_code_in_the_query() {
    let servers = Servers::start().await;
    mount(
        &servers,
        Host::Web,
        "GET",
        "/oauth/token",
        json!({ "access_token": "ce7exxxx-xxxx-xxxx-xxxx-xxxxxxxx4b24" }),
        1,
    )
    .await;

    let token = servers
        .client()
        .exchange_legacy_oauth_code(
            CLIENT_ID,
            &Secret::new(CLIENT_SECRET),
            &Secret::new(AUTH_CODE),
        )
        .await
        .expect("legacy exchange succeeds");
    assert_eq!(
        token.access_token.expose(),
        "ce7exxxx-xxxx-xxxx-xxxx-xxxxxxxx4b24"
    );

    let requests = servers.only(Host::Web, 1).await;
    let request = &requests[0];
    assert_eq!(request.method, Method::GET);
    assert_eq!(request.url.path(), "/oauth/token");
    assert_eq!(
        query(request),
        pairs(&[
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
            ("code", AUTH_CODE)
        ])
    );
    assert_auth(request, Auth::None);
    assert_common(request, false);
    assert_no_header(request, "x-forwarded-for");
    assert_no_header(request, "idempotency-key");
    servers.verify().await;
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
async fn exchange_oauth_code_posts_the_body_to_the_api_host_without_credentials() {
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
    assert_eq!(request.method, Method::POST);
    assert_eq!(request.url.path(), "/oauth/v2/token");
    assert_eq!(
        request.url.query(),
        None,
        "an unset no_refresh_token is not sent"
    );
    assert_eq!(
        json_body(request),
        json!({ "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "code": AUTH_CODE })
    );
    assert_auth(request, Auth::None);
    assert_common(request, true);
    assert_no_header(request, "x-forwarded-for");
    assert_no_header(request, "idempotency-key");
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
async fn refresh_oauth_token_posts_the_refresh_token_to_the_api_host() {
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
    assert_eq!(request.method, Method::POST);
    assert_eq!(request.url.path(), "/oauth/v2/refresh");
    assert_eq!(request.url.query(), None);
    assert_eq!(
        json_body(request),
        json!({ "client_id": CLIENT_ID, "refresh_token": REFRESH_TOKEN })
    );
    assert_auth(request, Auth::None);
    assert_common(request, true);
    assert_no_header(request, "x-forwarded-for");
    assert_no_header(request, "idempotency-key");
    servers.verify().await;
}

// ---------------------------------------------------------------- PAKMS and tokens

#[tokio::test]
async fn get_api_access_key_gets_the_ecommerce_host_with_the_bearer_token_only() {
    let servers = Servers::start().await;
    mount(
        &servers,
        Host::Ecommerce,
        "GET",
        "/pakms/apikey",
        json!({ "active": true, "apiAccessKey": "af4exxxxxxxxxxxxxxxxxxxxxxxxd145" }),
        1,
    )
    .await;

    let key = servers
        .client()
        .get_api_access_key()
        .await
        .expect("PAKMS succeeds");
    assert_eq!(
        key.api_access_key.as_ref().map(Secret::expose),
        Some("af4exxxxxxxxxxxxxxxxxxxxxxxxd145")
    );

    let request = &servers.only(Host::Ecommerce, 1).await[0];
    assert_eq!(request.method, Method::GET);
    assert_eq!(request.url.path(), "/pakms/apikey");
    assert_eq!(request.url.query(), None);
    assert_auth(request, Auth::Bearer);
    assert_common(request, false);
    assert_no_header(request, "x-forwarded-for");
    assert_no_header(request, "idempotency-key");
    servers.verify().await;
}

#[tokio::test]
async fn create_token_posts_the_seed_card_to_the_token_host_with_the_api_key_only() {
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
    assert_eq!(request.method, Method::POST);
    assert_eq!(request.url.path(), "/v1/tokens");
    assert_eq!(request.url.query(), None);
    assert_eq!(
        json_body(request),
        json!({"card":{"number":"6011361000006668","exp_month":"12","exp_year":"2030","cvv":"123","brand":"DISCOVER"}})
    );
    assert_auth(request, Auth::ApiKey);
    assert_common(request, true);
    assert_no_header(request, "x-forwarded-for");
    assert_no_header(request, "idempotency-key");
    servers.verify().await;
}

#[tokio::test]
async fn with_api_key_supplies_the_key_for_tokenization() {
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
        .with_api_key("fetched-pakms-key");

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
async fn create_charge_posts_the_seed_body_with_bearer_forwarded_for_and_a_uuid_key() {
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
    assert_eq!(request.method, Method::POST);
    assert_eq!(request.url.path(), "/v1/charges");
    assert_eq!(request.url.query(), None);
    assert_eq!(
        json_body(request),
        json!({"amount":1800,"currency":"usd","source":CARD_TOKEN})
    );
    assert_auth(request, Auth::Bearer);
    assert_common(request, true);
    assert_eq!(header(request, "x-forwarded-for"), SHOPPER_IP);
    generated_key(request);
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
        .access_token(ACCESS_TOKEN)
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
async fn list_charges_gets_the_ecommerce_host_with_every_filter_in_the_query() {
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
    assert_eq!(request.method, Method::GET);
    assert_eq!(request.url.path(), "/v1/charges");
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
    assert_auth(request, Auth::Bearer);
    assert_common(request, false);
    assert_no_header(request, "x-forwarded-for");
    assert_no_header(request, "idempotency-key");
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
async fn get_charge_gets_the_charge_path_with_the_bearer_token() {
    let servers = Servers::start().await;
    mount(
        &servers,
        Host::Ecommerce,
        "GET",
        &format!("/v1/charges/{CHARGE_ID}"),
        charge_json(CHARGE_ID),
        1,
    )
    .await;

    let charge = servers
        .client()
        .get_charge(CHARGE_ID, &Default::default())
        .await
        .expect("get succeeds");
    assert_eq!(charge.id, CHARGE_ID);

    let request = &servers.only(Host::Ecommerce, 1).await[0];
    assert_eq!(request.method, Method::GET);
    assert_eq!(request.url.path(), "/v1/charges/WBKGFT6X1VB1G");
    assert_eq!(request.url.query(), None);
    assert_auth(request, Auth::Bearer);
    assert_common(request, false);
    assert_no_header(request, "x-forwarded-for");
    assert_no_header(request, "idempotency-key");
    servers.verify().await;
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
async fn capture_charge_posts_the_amount_to_the_capture_path() {
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
    assert_eq!(request.method, Method::POST);
    assert_eq!(request.url.path(), "/v1/charges/WBKGFT6X1VB1G/capture");
    assert_eq!(request.url.query(), None);
    assert_eq!(json_body(request), json!({ "amount": 1500 }));
    assert_auth(request, Auth::Bearer);
    assert_common(request, true);
    assert_eq!(header(request, "x-forwarded-for"), SHOPPER_IP);
    generated_key(request);
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
        .access_token(ACCESS_TOKEN)
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
async fn create_refund_posts_the_body_to_the_refunds_path() {
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
    let request = &requests[0];
    assert_eq!(request.method, Method::POST);
    assert_eq!(request.url.path(), "/v1/refunds");
    assert_eq!(request.url.query(), None);
    assert_eq!(
        json_body(request),
        json!({ "charge": CHARGE_ID, "amount": 500, "reason": "requested_by_customer" })
    );
    assert_auth(request, Auth::Bearer);
    assert_common(request, true);
    assert_eq!(header(request, "x-forwarded-for"), SHOPPER_IP);
    generated_key(request);

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
        .access_token(ACCESS_TOKEN)
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

#[tokio::test]
async fn get_refund_gets_the_refund_path_with_the_bearer_token() {
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

    let refund = servers
        .client()
        .get_refund(REFUND_ID)
        .await
        .expect("get succeeds");
    assert_eq!(refund.id, REFUND_ID);

    let request = &servers.only(Host::Ecommerce, 1).await[0];
    assert_eq!(request.method, Method::GET);
    assert_eq!(request.url.path(), "/v1/refunds/R7Q1XXXXXXXXX");
    assert_eq!(request.url.query(), None);
    assert_auth(request, Auth::Bearer);
    assert_common(request, false);
    assert_no_header(request, "x-forwarded-for");
    assert_no_header(request, "idempotency-key");
    servers.verify().await;
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
            .access_token(ACCESS_TOKEN)
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
