//! The kitchen-sink client sends what its spec says, awkward names included.

mod common;

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};

use fixture_crate::models::{
    GetItemParams, GetThingParams, Kind, Part, ThingRef, ThingSort, Widget,
};
use fixture_crate::{Client, Error, Refusal, Secret, schemes};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn client(server: &MockServer) -> Client {
    let environment = common::every_host_at(&server.uri());
    Client::builder()
        .environment(environment)
        .credential(schemes::Bearer, "token")
        .credential(schemes::Key, "key")
        .forwarded_for(IpAddr::V4(Ipv4Addr::LOCALHOST))
        .build()
        .unwrap()
}

#[tokio::test]
async fn every_parameter_kind_reaches_the_wire() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/items/secret-id/NON_CLOVER"))
        .and(query_param("request", "r"))
        .and(query_param("body", "7"))
        .and(query_param("type", "self"))
        .and(query_param("created.gt", "1585699200000"))
        .and(query_param("flag", "true"))
        .and(header("params", "p"))
        .and(header("x-trace", "t-1"))
        .and(header("authorization", "Bearer token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "I1", "self": "me", "kind": "brand_new", "last4": 42, "ref_num": 900, "links": {"a": "b"}, "extra": [1]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let params = GetItemParams {
        r#type: Some(Kind::SelfValue),
        expand: Some(vec!["a".into(), "b".into()]),
        created_gt: Some(1_585_699_200_000),
        x_trace: Some("t-1".into()),
        flag: Some(true),
        ..GetItemParams::default()
    };
    let item = client(&server)
        .await
        .get_item(
            &Secret::new("secret-id"),
            &Kind::NonClover,
            "r",
            7,
            "p",
            &params,
        )
        .await
        .unwrap();
    assert_eq!(item.self_.as_deref(), Some("me"));
    assert_eq!(item.kind, Some(Kind::Other("brand_new".into())));
    assert_eq!(item.last4.as_deref(), Some("0042"));
    assert_eq!(item.ref_num.as_deref(), Some("900"));
    assert_eq!(item.links.unwrap()["a"], "b");
    let requests = server.received_requests().await.unwrap();
    let expand: Vec<_> = requests[0]
        .url
        .query_pairs()
        .filter(|(name, _)| name == "expand")
        .map(|(_, value)| value.into_owned())
        .collect();
    assert_eq!(
        expand,
        ["a", "b"],
        "a list is sent as the parameter repeated"
    );
}

#[tokio::test]
async fn nested_bounds_are_checked_through_lists_and_maps() {
    let server = MockServer::start().await;
    let client = client(&server).await;
    let mut widget = Widget::new("bolt", "hex", Secret::new("s3cret"));
    widget.parts = Some(vec![Part::new("ok"), Part::new("too-long")]);
    let refused = client.create_widget(&widget).await.unwrap_err();
    let Error::Refused {
        reason: Refusal::InvalidInput(invalid),
        ..
    } = &refused
    else {
        panic!("{refused:?}")
    };
    assert_eq!(invalid.field, "parts[1].code");

    widget.parts = Some(vec![Part::new("ok")]);
    widget.named_parts = Some(BTreeMap::from([("left".to_owned(), Part::new("wider"))]));
    let refused = client.create_widget(&widget).await.unwrap_err();
    let Error::Refused {
        reason: Refusal::InvalidInput(invalid),
        ..
    } = &refused
    else {
        panic!("{refused:?}")
    };
    assert_eq!(invalid.field, "named_parts.left.code");

    widget.named_parts = None;
    widget.secret = Secret::new("far-too-long");
    let refused = client.create_widget(&widget).await.unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("`secret` is 12 characters long"),
        "{refused}"
    );
    assert!(!refused.to_string().contains("far-too-long"));
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "nothing was sent"
    );
}

#[tokio::test]
async fn the_body_and_context_headers_are_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/widgets"))
        .and(header("apikey", "key"))
        .and(header("x-forwarded-for", "127.0.0.1"))
        .and(body_json(
            json!({"name": "bolt", "type": "hex", "secret": "s3cret", "parts": [{"code": "ok"}]}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"last4": "0007"})))
        .expect(1)
        .mount(&server)
        .await;
    let mut widget = Widget::new("bolt", "hex", Secret::new("s3cret"));
    widget.parts = Some(vec![Part::new("ok")]);
    let receipt = client(&server).await.create_widget(&widget).await.unwrap();
    assert_eq!(receipt.last4, "0007");
    assert!(!format!("{widget:?}").contains("s3cret"));
}

#[tokio::test]
async fn a_bodyless_success_decodes_as_unit() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .await
        .delete_item(&Secret::new("id"), &Kind::V2)
        .await
        .unwrap();
}

/// A union of texts is sent as the variant it holds: a number in the path,
/// a list as the parameter repeated or, with `explode: false`, as one value
/// joined by commas; a `oneOf` of one-value enums is one enum.
#[tokio::test]
async fn a_union_parameter_sends_the_variant_it_holds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/things/42"))
        .and(query_param("sort_by", "oldest"))
        .and(query_param("labels", "x,y"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let params = GetThingParams::default()
        .tags(vec!["a".to_owned(), "b".to_owned()])
        .labels(vec!["x".to_owned(), "y".to_owned()])
        .sort_by(ThingSort::Oldest);
    client(&server)
        .await
        .get_thing(&ThingRef::from(42_i64), &params)
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    let tags: Vec<_> = requests[0]
        .url
        .query_pairs()
        .filter(|(name, _)| name == "tags")
        .map(|(_, value)| value.into_owned())
        .collect();
    assert_eq!(tags, ["a", "b"]);
}

/// This spec's error body is flat and has none of Clover's fields: the
/// runtime reads it as the spec defines it, a value the spec marks transient
/// makes a 409 worth another attempt for a read, and a DELETE (no key) is
/// not sent twice after an answer that says it may have happened.
#[tokio::test]
async fn the_specs_own_error_body_is_read_and_its_transient_value_retried() {
    let server = MockServer::start().await;
    let busy = json!({"title": "Busy", "reason": "busy", "message": "Try again.", "retry_in": 1});
    let no_wait = fixture_crate::RetryPolicy::default().initial_backoff(std::time::Duration::ZERO);
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(409).set_body_json(&busy))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "I1"})))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server).await;
    let item = get_item(&client)
        .retry(no_wait)
        .await
        .expect("the read is tried again");
    assert_eq!(item.id, "I1");

    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(409).set_body_json(&busy))
        .expect(1)
        .mount(&server)
        .await;
    let error = client
        .delete_item(&Secret::new("gone"), &Kind::NonClover)
        .retry(no_wait)
        .await
        .expect_err("not sent twice");
    assert_eq!(error.attempts().len(), 1);
    assert!(
        error.may_have_taken_effect(),
        "`busy` is transient: it may have happened"
    );

    let denied = json!({"title": "No", "reason": "denied", "message": "Not yours.", "retry_in": 0});
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(403).set_body_json(&denied))
        .expect(1)
        .mount(&server)
        .await;
    let error = get_item(&client).await.expect_err("a 403 is final");
    let api = error.api_error().expect("an error response");
    let fields = api
        .detail
        .as_ref()
        .expect("the flat body is the spec's error");
    assert_eq!(fields.title, "No");
    assert!(!api.is_transient());
    assert!(!error.may_have_taken_effect());
    assert_eq!(
        error.to_string(),
        "getItem: HTTP 403 (title No, reason denied, retry_in 0): Not yours."
    );
}

/// Any item: the path and required parameters do not matter here.
fn get_item(client: &Client) -> fixture_crate::Call<'_, fixture_crate::models::Item> {
    client.get_item(
        &Secret::new("x"),
        &Kind::NonClover,
        "r",
        7,
        "p",
        &GetItemParams::default(),
    )
}

/// An enum value spelled `other` gets its own variant beside the catch-all,
/// and a length bound on an inline enum applies to the value sent.
#[tokio::test]
async fn an_enum_value_named_other_and_a_bounded_enum_both_work() {
    use fixture_crate::models::WidgetSpeed;
    assert_eq!(Kind::OtherValue.as_str(), "other");
    assert_eq!(Kind::from("other"), Kind::OtherValue);
    assert_eq!(Kind::from("brand_new"), Kind::Other("brand_new".to_owned()));

    let server = MockServer::start().await;
    let client = client(&server).await;
    let mut widget = Widget::new("bolt", "hex", Secret::new("s3cret"));
    widget.speed = Some(WidgetSpeed::Other("warp-9".to_owned()));
    let refused = client.create_widget(&widget).await.unwrap_err();
    let Error::Refused {
        reason: Refusal::InvalidInput(invalid),
        ..
    } = &refused
    else {
        panic!("{refused:?}")
    };
    assert_eq!(invalid.field, "speed");
    assert!(server.received_requests().await.unwrap().is_empty());
}
