//! Response bodies from the seeds and the spec, decoded through the client:
//! string-or-number card fields, open enums, unknown fields, decode errors.

mod common;

use clover_api::models::{
    CardBrand, CardDetails, CardTokenRequest, ChargeStatus, CreateChargeRequest,
    CreateRefundRequest, Ecomind, ListChargesParams, PaymentMethodKind, RefundStatus,
    ThreeDsValidationResult,
};
use clover_api::{Error, Host, Secret};
use common::{Servers, ok_json};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

/// The "Response example" of `create-a-charge.txt`, with the two closing
/// braces it lacks (after `outcome` and after `source`) and the outer braces.
const CREATE_A_CHARGE_RESPONSE: &str = r#"{
  "id": "ABDFEFG1HIJK2",
  "amount": 122,
  "payment_method_details": "card",
  "amount_refunded": 0,
  "currency": "usd",
  "created": 123456789123,
  "captured": true,
  "ref_num": 987654321,
  "auth_code": 123456,
  "outcome": {
    "network_status": "approved_by_network",
    "type": "authorized"
  },
  "paid": true,
  "status": "succeeded",
  "source": {
    "id": "clv_1AAAAAAbCdefJK2l3MnoPQ4r",
    "brand": "DISCOVER",
    "exp_month": 12,
    "exp_year": 2025,
    "first6": 112233,
    "last4": 1111
  },
  "ecomind": "ecom"
}"#;

/// Serves `body` (raw bytes, as given) for `verb route` on `host`.
async fn serve(servers: &Servers, host: Host, verb: &str, route: &str, body: &str) {
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(body.as_bytes().to_vec(), "application/json"),
        )
        .expect(1..)
        .mount(servers.server(host))
        .await;
}

fn card() -> CardTokenRequest {
    let mut card = CardDetails::new("12", "2030", "123");
    card.number = Some(Secret::new("6011361000006668"));
    CardTokenRequest::new(card)
}

#[test]
fn the_fixed_seed_example_is_valid_json() {
    let value: serde_json::Value =
        serde_json::from_str(CREATE_A_CHARGE_RESPONSE).expect("valid JSON");
    assert_eq!(
        value["source"]["last4"],
        json!(1111),
        "the numbers are kept as numbers"
    );
    assert_eq!(
        value["ecomind"],
        json!("ecom"),
        "ecomind is top level, not inside source"
    );
}

#[tokio::test]
async fn the_pakms_response_decodes_every_field() {
    let servers = Servers::start().await;
    serve(
        &servers,
        Host::Ecommerce,
        "GET",
        "/pakms/apikey",
        r#"{
          "active": true,
          "apiAccessKey": "af4exxxxxxxxxxxxxxxxxxxxxxxxd145",
          "createdTime": 1722230745532,
          "developerAppUuid": "RKxxxxxxxxx9C",
          "merchantUuid": "6Xxxxxxxxxx91",
          "modifiedTime": 1722230745532
        }"#,
    )
    .await;

    let key = servers
        .client()
        .get_api_access_key()
        .await
        .expect("decodes");
    assert_eq!(key.active, Some(true));
    assert_eq!(
        key.api_access_key.as_ref().map(Secret::expose),
        Some("af4exxxxxxxxxxxxxxxxxxxxxxxxd145")
    );
    assert_eq!(key.created_time, Some(1722230745532));
    assert_eq!(key.developer_app_uuid.as_deref(), Some("RKxxxxxxxxx9C"));
    assert_eq!(key.merchant_uuid.as_deref(), Some("6Xxxxxxxxxx91"));
    assert_eq!(key.modified_time, Some(1722230745532));
    assert!(
        !format!("{key:?}").contains("af4exxxxxxxxxxxxxxxxxxxxxxxxd145"),
        "the key is redacted in Debug"
    );
}

#[tokio::test]
async fn the_card_token_response_keeps_its_string_fields() {
    let servers = Servers::start().await;
    serve(
        &servers,
        Host::Token,
        "POST",
        "/v1/tokens",
        r#"{
          "id": "clv_1TSTxxxxxxxxxxxxxxxxxFQif",
          "object": "token",
          "card": {
            "exp_month": "12",
            "exp_year": "2030",
            "first6": "601136",
            "last4": "6668",
            "brand": "DISCOVER"
          }
        }"#,
    )
    .await;

    let token = servers
        .client()
        .create_token(&card().into())
        .await
        .expect("decodes");
    assert_eq!(token.id, "clv_1TSTxxxxxxxxxxxxxxxxxFQif");
    assert_eq!(token.object.as_deref(), Some("token"));
    let card = token.card.expect("card summary");
    assert_eq!(card.exp_month.as_deref(), Some("12"));
    assert_eq!(card.exp_year.as_deref(), Some("2030"));
    assert_eq!(card.first6.as_deref(), Some("601136"));
    assert_eq!(card.last4.as_deref(), Some("6668"));
    assert_eq!(card.brand, Some(CardBrand::Discover));
}

#[tokio::test]
async fn the_create_a_charge_example_decodes_its_numeric_fields_as_strings() {
    let servers = Servers::start().await;
    serve(
        &servers,
        Host::Ecommerce,
        "POST",
        "/v1/charges",
        CREATE_A_CHARGE_RESPONSE,
    )
    .await;

    let charge = servers
        .client()
        .create_charge(&CreateChargeRequest::new(
            122,
            "usd",
            "clv_1AAAAAAbCdefJK2l3MnoPQ4r",
        ))
        .await
        .expect("the documented example decodes");

    assert_eq!(charge.id, "ABDFEFG1HIJK2");
    assert_eq!(charge.amount, Some(122));
    assert_eq!(charge.payment_method_details, Some(PaymentMethodKind::Card));
    assert_eq!(charge.amount_refunded, Some(0));
    assert_eq!(charge.currency.as_deref(), Some("usd"));
    assert_eq!(charge.created, Some(123456789123));
    assert_eq!(charge.captured, Some(true));
    assert_eq!(charge.ref_num.as_deref(), Some("987654321"));
    assert_eq!(charge.auth_code.as_deref(), Some("123456"));
    let outcome = charge.outcome.as_ref().expect("outcome");
    assert_eq!(
        outcome.network_status.as_deref(),
        Some("approved_by_network")
    );
    assert_eq!(outcome.r#type.as_deref(), Some("authorized"));
    assert_eq!(charge.paid, Some(true));
    assert_eq!(charge.status, Some(ChargeStatus::Succeeded));
    assert_eq!(charge.ecomind, Some(Ecomind::Ecom));
    let source = charge.source.as_ref().expect("source");
    assert_eq!(source.id.as_deref(), Some("clv_1AAAAAAbCdefJK2l3MnoPQ4r"));
    assert_eq!(source.brand, Some(CardBrand::Discover));
    assert_eq!(source.exp_month.as_deref(), Some("12"));
    assert_eq!(source.exp_year.as_deref(), Some("2025"));
    assert_eq!(source.first6.as_deref(), Some("112233"));
    assert_eq!(source.last4.as_deref(), Some("1111"));
}

#[tokio::test]
async fn numeric_card_fields_get_their_leading_zeros_back_and_strings_keep_theirs() {
    let servers = Servers::start().await;
    serve(
        &servers,
        Host::Ecommerce,
        "GET",
        "/v1/charges/NUMERIC",
        r#"{"id":"NUMERIC","source":{"last4":4,"first6":60113,"exp_month":1,"exp_year":2030},"ref_num":42,"auth_code":7}"#,
    )
    .await;
    serve(
        &servers,
        Host::Ecommerce,
        "GET",
        "/v1/charges/STRINGS",
        r#"{"id":"STRINGS","source":{"last4":"0004","first6":"060113","exp_month":"01","exp_year":"30"},"ref_num":"000116400500490","auth_code":"OK4447"}"#,
    )
    .await;
    serve(
        &servers,
        Host::Ecommerce,
        "GET",
        "/v1/charges/NULLS",
        r#"{"id":"NULLS","source":{"last4":null,"exp_month":null}}"#,
    )
    .await;
    let client = servers.client();

    let numeric = client
        .get_charge("NUMERIC", &Default::default())
        .await
        .expect("numbers decode");
    let source = numeric.source.expect("source");
    assert_eq!(source.last4.as_deref(), Some("0004"));
    assert_eq!(source.first6.as_deref(), Some("060113"));
    assert_eq!(source.exp_month.as_deref(), Some("01"));
    assert_eq!(source.exp_year.as_deref(), Some("2030"));
    assert_eq!(numeric.ref_num.as_deref(), Some("42"));
    assert_eq!(numeric.auth_code.as_deref(), Some("7"));

    let strings = client
        .get_charge("STRINGS", &Default::default())
        .await
        .expect("strings decode");
    let source = strings.source.expect("source");
    assert_eq!(source.last4.as_deref(), Some("0004"));
    assert_eq!(source.first6.as_deref(), Some("060113"));
    assert_eq!(source.exp_month.as_deref(), Some("01"));
    assert_eq!(
        source.exp_year.as_deref(),
        Some("30"),
        "a string is kept exactly as sent"
    );
    assert_eq!(strings.ref_num.as_deref(), Some("000116400500490"));
    assert_eq!(strings.auth_code.as_deref(), Some("OK4447"));

    let nulls = client
        .get_charge("NULLS", &Default::default())
        .await
        .expect("nulls decode");
    let source = nulls.source.expect("source");
    assert_eq!(source.last4, None);
    assert_eq!(source.exp_month, None);
    assert_eq!(source.first6, None);
}

#[tokio::test]
async fn a_numeric_token_card_is_padded_too() {
    let servers = Servers::start().await;
    serve(
        &servers,
        Host::Token,
        "POST",
        "/v1/tokens",
        r#"{"id":"clv_x","card":{"exp_month":2,"exp_year":2030,"first6":42424,"last4":4,"brand":"VISA"}}"#,
    )
    .await;

    let card = servers
        .client()
        .create_token(&card().into())
        .await
        .expect("decodes")
        .card
        .expect("card");
    assert_eq!(card.exp_month.as_deref(), Some("02"));
    assert_eq!(card.exp_year.as_deref(), Some("2030"));
    assert_eq!(card.first6.as_deref(), Some("042424"));
    assert_eq!(card.last4.as_deref(), Some("0004"));
    assert_eq!(card.brand, Some(CardBrand::Visa));
}

#[tokio::test]
async fn the_spec_list_example_decodes_with_string_card_fields() {
    let servers = Servers::start().await;
    let page = json!({
        "object": "list",
        "url": "/v1/charges",
        "has_more": false,
        "data": [
            {
                "id": "WBKGFT6X1VB1G", "amount": 214, "amount_captured": 214, "currency": "usd",
                "created": 1719882650000_i64, "captured": false, "customer": "ADFRQ4R2YAYBY",
                "ref_num": "1287124121", "auth_code": "446057", "order": "WFCWS95Z8E4GR",
                "outcome": { "network_status": "approved_by_network", "type": "authorized" },
                "paid": true, "status": "succeeded",
                "source": { "id": "clv_1T7xxxxxxxxxxxxxxxxxxxcae2", "brand": "DISCOVER", "first6": "601136", "last4": "6668" }
            },
            {
                "id": "3QYJA61J9YYRY", "amount": 212, "amount_captured": 212, "currency": "usd",
                "created": 1719619573000_i64, "captured": false, "customer": "AEJPTN7HH3RY2",
                "ref_num": "484331764", "auth_code": "482883", "order": "ZZVRJB0J7ZGPC",
                "paid": true, "status": "succeeded",
                "source": { "id": "clv_1T7xxxxxxxxxxxxxxxxxxxcae2", "brand": "DISCOVER", "first6": "651000", "last4": "0810" }
            }
        ]
    });
    Mock::given(method("GET"))
        .and(path("/v1/charges"))
        .respond_with(ok_json(page))
        .mount(servers.server(Host::Ecommerce))
        .await;

    let page = servers
        .client()
        .list_charges(&ListChargesParams::default())
        .await
        .expect("decodes");
    assert_eq!(page.object.as_deref(), Some("list"));
    assert_eq!(page.url.as_deref(), Some("/v1/charges"));
    assert_eq!(page.has_more, Some(false));
    let data = page.data.expect("data");
    assert_eq!(data.len(), 2);
    assert_eq!(data[0].id, "WBKGFT6X1VB1G");
    assert_eq!(data[0].amount_captured, Some(214));
    assert_eq!(data[0].captured, Some(false));
    assert_eq!(data[0].customer.as_deref(), Some("ADFRQ4R2YAYBY"));
    assert_eq!(data[0].order.as_deref(), Some("WFCWS95Z8E4GR"));
    assert_eq!(data[0].ref_num.as_deref(), Some("1287124121"));
    assert_eq!(data[1].id, "3QYJA61J9YYRY");
    assert_eq!(data[1].created, Some(1719619573000));
    let source = data[1].source.as_ref().expect("source");
    assert_eq!(source.first6.as_deref(), Some("651000"));
    assert_eq!(source.last4.as_deref(), Some("0810"));
    assert!(data[1].outcome.is_none());
}

#[tokio::test]
async fn refunds_decode_with_metadata() {
    let servers = Servers::start().await;
    serve(
        &servers,
        Host::Ecommerce,
        "GET",
        "/v1/refunds/R7Q1XXXXXXXXX",
        r#"{"id":"R7Q1XXXXXXXXX","object":"refund","amount":1800,"charge":"WBKGFT6X1VB1G","created":1719882950000,"status":"succeeded","metadata":{"refundType":"VOID","authCode":123}}"#,
    )
    .await;
    serve(
        &servers,
        Host::Ecommerce,
        "POST",
        "/v1/refunds",
        r#"{"id":"R2","status":"open","currency":"USD"}"#,
    )
    .await;
    let client = servers.client();

    let refund = client.get_refund("R7Q1XXXXXXXXX").await.expect("decodes");
    assert_eq!(refund.id, "R7Q1XXXXXXXXX");
    assert_eq!(refund.amount, Some(1800));
    assert_eq!(refund.charge.as_deref(), Some("WBKGFT6X1VB1G"));
    assert_eq!(refund.created, Some(1719882950000));
    assert_eq!(refund.status, Some(RefundStatus::Succeeded));
    let metadata = refund.metadata.expect("metadata");
    assert_eq!(metadata.get("refundType"), Some(&json!("VOID")));
    assert_eq!(metadata.get("authCode"), Some(&json!(123)));

    let open = client
        .create_refund(&CreateRefundRequest::new("WBKGFT6X1VB1G"))
        .await
        .expect("decodes");
    assert_eq!(open.status, Some(RefundStatus::Other("open".to_owned())));
    assert_eq!(open.currency.as_deref(), Some("USD"));
}

#[tokio::test]
async fn unknown_enum_values_are_kept_and_unknown_fields_ignored() {
    let servers = Servers::start().await;
    serve(
        &servers,
        Host::Ecommerce,
        "GET",
        "/v1/charges/NEWSTUFF",
        r#"{
          "id": "NEWSTUFF",
          "status": "something_new",
          "payment_method_details": "crypto",
          "ecomind": "kiosk",
          "brand_new_field": {"deeply": ["nested", 1, true, null]},
          "another_new_field": 3.5,
          "outcome": {"network_status": "approved_by_network", "risk_score": 12},
          "source": {"id": "clv_x", "brand": "JCB", "last4": "0505", "network_token": {"a": 1}},
          "threeds": {"validation_result": "SOMETHING_ELSE", "liability_protection_status": "PROTECTED"}
        }"#,
    )
    .await;

    let charge = servers
        .client()
        .get_charge("NEWSTUFF", &Default::default())
        .await
        .expect("unknown values never break decoding");
    assert_eq!(
        charge.status,
        Some(ChargeStatus::Other("something_new".to_owned()))
    );
    assert_eq!(
        charge.status.as_ref().map(ChargeStatus::as_str),
        Some("something_new")
    );
    assert_eq!(
        charge.payment_method_details,
        Some(PaymentMethodKind::Other("crypto".to_owned()))
    );
    assert_eq!(charge.ecomind, Some(Ecomind::Other("kiosk".to_owned())));
    let source = charge.source.expect("source");
    assert_eq!(source.brand, Some(CardBrand::Other("JCB".to_owned())));
    assert_eq!(source.last4.as_deref(), Some("0505"));
    assert_eq!(
        charge.outcome.expect("outcome").network_status.as_deref(),
        Some("approved_by_network")
    );
    let threeds = charge.threeds.expect("threeds");
    assert_eq!(
        threeds.validation_result,
        Some(ThreeDsValidationResult::Other("SOMETHING_ELSE".to_owned()))
    );
}

#[tokio::test]
async fn a_mismatched_success_body_is_a_decode_error_naming_the_field() {
    let servers = Servers::start().await;
    let bodies = [
        ("AMOUNT", r#"{"id":"AMOUNT","amount":"abc"}"#, "amount"),
        (
            "LAST4",
            r#"{"id":"LAST4","source":{"last4":true}}"#,
            "source.last4",
        ),
        (
            "NEGATIVE",
            r#"{"id":"NEGATIVE","source":{"exp_month":-1}}"#,
            "source.exp_month",
        ),
        (
            "CAPTURED",
            r#"{"id":"CAPTURED","captured":"false"}"#,
            "captured",
        ),
        ("NOID", r#"{"amount":1}"#, "."),
    ];
    for (id, body, _) in bodies {
        serve(
            &servers,
            Host::Ecommerce,
            "GET",
            &format!("/v1/charges/{id}"),
            body,
        )
        .await;
    }
    let client = servers.client();

    for (id, body, expected_path) in bodies {
        match client.get_charge(id, &Default::default()).await {
            Err(Error::Decode {
                operation,
                idempotency_key,
                status,
                path,
                problem,
                body: raw,
                attempts,
            }) => {
                assert_eq!(
                    attempts.len(),
                    1,
                    "a success that does not decode is not retried"
                );
                assert_eq!(operation, "getCharge");
                assert_eq!(idempotency_key, None, "a GET carries no key");
                assert_eq!(status, 200);
                assert_eq!(path, expected_path, "for {body}: {problem}");
                assert_eq!(raw.as_bytes(), body.as_bytes(), "the raw body is kept");
            }
            other => panic!("{body} should not decode, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_decode_error_inside_a_list_names_the_index() {
    let servers = Servers::start().await;
    serve(
        &servers,
        Host::Ecommerce,
        "GET",
        "/v1/charges",
        r#"{"object":"list","data":[{"id":"A"},{"id":"B","created":"yesterday"}]}"#,
    )
    .await;

    let error = servers
        .client()
        .list_charges(&ListChargesParams::default())
        .await
        .unwrap_err();
    match &error {
        Error::Decode {
            operation, path, ..
        } => {
            assert_eq!(*operation, "listCharges");
            assert_eq!(path, "data[1].created");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    let message = error.to_string();
    assert!(
        message.contains("listCharges") && message.contains("data[1].created"),
        "{message}"
    );
}

#[tokio::test]
async fn an_empty_or_non_json_success_body_is_a_decode_error() {
    let servers = Servers::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/charges/EMPTY"))
        .respond_with(ResponseTemplate::new(200))
        .mount(servers.server(Host::Ecommerce))
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/charges/HTML"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("<html>ok</html>", "text/html"))
        .mount(servers.server(Host::Ecommerce))
        .await;
    let client = servers.client();

    let empty = client.get_charge("EMPTY", &Default::default()).await;
    assert!(
        matches!(&empty, Err(Error::Decode { status: 200, body, .. }) if body.as_bytes().is_empty()),
        "{empty:?}"
    );
    let html = client.get_charge("HTML", &Default::default()).await;
    assert!(
        matches!(&html, Err(Error::Decode { body, .. }) if body.as_str() == Some("<html>ok</html>")),
        "{html:?}"
    );
}
