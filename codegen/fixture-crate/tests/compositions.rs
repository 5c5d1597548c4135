//! Unions, merged objects, nullable fields, aliases, recursion, patterns,
//! optional bodies, several 2xx responses and paged listings, as the
//! generated client sends and reads them.

mod common;

use futures_util::{StreamExt, TryStreamExt};
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use fixture_crate::models::{
    BankPaymentSource, CardDetails, CardPaymentSource, CashMethod, Method, Note, NoteText, Payment,
    PaymentList, PaymentSource, Status, WalletMethod,
};
use fixture_crate::{Client, Error, Refusal, Secret, schemes};

async fn client(server: &MockServer) -> Client {
    let environment = common::every_host_at(&server.uri());
    Client::builder()
        .environment(environment)
        .credential(schemes::Bearer, "token")
        .build()
        .unwrap()
}

#[test]
fn an_untagged_union_decodes_the_variant_that_fits_and_encodes_it_flat() {
    let card: PaymentSource =
        serde_json::from_value(json!({"card": {"number": "4242424242424242", "exp_month": 12}}))
            .unwrap();
    let PaymentSource::Card(CardPaymentSource { card }) = &card else {
        panic!("expected the card variant, got {card:?}");
    };
    assert_eq!(card.exp_month, 12);
    assert_eq!(card.number.expose(), "4242424242424242");
    let bank = PaymentSource::from(BankPaymentSource::new("12345678"));
    assert_eq!(
        serde_json::to_value(&bank).unwrap(),
        json!({"account": "12345678"})
    );
    assert!(serde_json::from_value::<PaymentSource>(json!({"neither": 1})).is_err());
}

#[test]
fn a_tagged_union_reads_its_discriminator_and_keeps_unknown_tags() {
    let wallet: Method =
        serde_json::from_value(json!({"kind": "wallet", "wallet": "apple"})).unwrap();
    assert_eq!(wallet, Method::Wallet(WalletMethod::new("wallet", "apple")));
    // Without a mapping entry, the tag is the component's name.
    let cash: Method =
        serde_json::from_value(json!({"kind": "CashMethod", "tendered": 5})).unwrap();
    assert_eq!(
        cash,
        Method::CashMethod(CashMethod::new("CashMethod").tendered(5))
    );
    let later = json!({"kind": "crypto", "coin": "x"});
    assert_eq!(
        serde_json::from_value::<Method>(later.clone()).unwrap(),
        Method::Other(later)
    );
    let missing = serde_json::from_value::<Method>(json!({"wallet": "apple"})).unwrap_err();
    assert!(
        missing.to_string().contains("missing field `kind`"),
        "{missing}"
    );
    // A known tag with a body that does not fit is an error, not `Other`.
    assert!(serde_json::from_value::<Method>(json!({"kind": "wallet"})).is_err());
}

#[test]
fn all_of_merges_every_part_and_their_required_lists() {
    let card = CardDetails::new(Secret::new("4242424242424242"), 1).nickname("main");
    assert_eq!(
        serde_json::to_value(&card).unwrap()["nickname"],
        json!("main")
    );
    let error =
        serde_json::from_value::<CardDetails>(json!({"number": "4242424242424242"})).unwrap_err();
    assert!(error.to_string().contains("exp_month"), "{error}");
}

#[test]
fn nullable_fields_decode_an_explicit_null() {
    let payment: Payment = serde_json::from_value(json!({
        "id": "P1", "note": null, "voided_at": null, "status": "refunded",
        "parent": {"id": "P0", "parent": {"id": "root"}},
        "refunds": [{"id": "R1"}],
        "tags": ["a"],
        "owner": {"value": "some"}
    }))
    .unwrap();
    assert_eq!(payment.note, None);
    assert_eq!(payment.voided_at, None);
    assert_eq!(payment.status, Some(Status::Other("refunded".into())));
    let grandparent = payment
        .parent
        .as_ref()
        .and_then(|parent| parent.parent.as_ref());
    assert_eq!(grandparent.map(|payment| payment.id.as_str()), Some("root"));
    assert_eq!(payment.tags, Some(vec!["a".to_owned()]));
    let note: Note = serde_json::from_value(json!({"text": null})).unwrap();
    assert_eq!(note.text, None);
    assert_eq!(
        serde_json::from_value::<Note>(json!({"text": "hello"}))
            .unwrap()
            .text,
        Some(NoteText::Hello)
    );
}

#[tokio::test]
async fn patterns_are_checked_before_sending_and_name_the_field() {
    let server = MockServer::start().await;
    let client = client(&server).await;
    let bad_card = PaymentSource::from(CardPaymentSource::new(CardDetails::new(
        Secret::new("4242-4242"),
        1,
    )));
    let error = client.create_payment("usd", &bad_card).await.unwrap_err();
    let Error::Refused {
        reason: Refusal::InvalidInput(input),
        ..
    } = &error
    else {
        panic!("expected a refusal, got {error}");
    };
    assert_eq!(input.field, "card.number");
    assert!(!error.to_string().contains("4242-4242"), "{error}");
    let good = PaymentSource::from(BankPaymentSource::new("12345678"));
    let error = client.create_payment("USD", &good).await.unwrap_err();
    assert!(
        error
            .to_string()
            .contains("`currency` does not match the pattern"),
        "{error}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_201_with_the_shared_schema_decodes_and_put_sends_the_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/payments"))
        .and(query_param("currency", "usd"))
        .and(body_json(json!({"account": "12345678"})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": "P1"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/v1/payments/P1"))
        .and(body_json(json!({"id": "P1", "status": "paid"})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "P1", "status": "paid"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server).await;
    let source = PaymentSource::from(BankPaymentSource::new("12345678"));
    let created = client.create_payment("usd", &source).await.unwrap();
    assert_eq!(created.id, "P1");
    let replaced = client
        .replace_payment("P1", &created.status(Status::Paid))
        .await
        .unwrap();
    assert_eq!(replaced.status, Some(Status::Paid));
}

#[tokio::test]
async fn an_optional_body_is_sent_only_when_given() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/v1/payments/P1"))
        .respond_with(|request: &Request| {
            let expected: &[u8] = if request.headers.contains_key("content-type") {
                br#"{"text":"hello"}"#
            } else {
                b""
            };
            ResponseTemplate::new(if request.body == expected { 204 } else { 400 })
        })
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server).await;
    client.annotate_payment("P1", None).await.unwrap();
    let note = Note::default().text(NoteText::Hello);
    client.annotate_payment("P1", Some(&note)).await.unwrap();
}

fn page(ids: &[&str], has_more: bool) -> serde_json::Value {
    let data: Vec<_> = ids.iter().map(|id| json!({"id": id})).collect();
    json!({"data": data, "has_more": has_more})
}

/// Clover repeats the cursor item at the top of the next page; the stream
/// drops it, follows the cursor, and stops when `has_more` is false.
#[tokio::test]
async fn pages_follow_the_cursor_without_repeating_its_item() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/payments"))
        .and(query_param_is_missing("starting_after"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&["a", "b"], true)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("starting_after", "b"))
        .and(query_param("limit", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&["b", "c", "d"], true)))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("starting_after", "d"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&["d"], false)))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server).await;
    let params = fixture_crate::models::ListPaymentsParams::default().limit(2);
    let ids: Vec<String> = client
        .list_payments_pages(params.clone())
        .items()
        .map_ok(|payment| payment.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["a", "b", "c", "d"]);
    let pages: Vec<PaymentList> = client
        .list_payments_pages(params.starting_after("b"))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2, "starts from the given cursor");
    assert_eq!(pages[0].data.len(), 2, "the cursor item is dropped");
}

/// A listing that promises more but hands back a cursor already followed
/// ends with an error instead of fetching the same pages forever.
#[tokio::test]
async fn a_cursor_that_does_not_advance_ends_the_stream_with_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param_is_missing("starting_after"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&["a"], true)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("starting_after", "a"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&["a"], true)))
        .mount(&server)
        .await;
    let client = client(&server).await;
    let results: Vec<_> = client
        .list_payments_pages(Default::default())
        .items()
        .collect()
        .await;
    assert_eq!(results.len(), 2, "{results:?}");
    assert_eq!(results[0].as_ref().unwrap().id, "a");
    let error = results[1].as_ref().unwrap_err();
    assert!(
        matches!(error, Error::CursorStuck { cursor, .. } if cursor == "a"),
        "{error}"
    );
    assert!(!error.may_have_taken_effect());
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}
