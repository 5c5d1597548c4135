//! Names that clash once made Rust names, or make no identifier at all,
//! compile under their resolved names and keep their exact wire names.

mod common;

use fixture_crate::Client;
use fixture_crate::models::{Clashes, ClashesMode, ClashesMode2};
use fixture_crate::schemes::Bearer;
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn clashing_body() -> serde_json::Value {
    json!({
        "StartTime": "a", "StartTime<": "b", "StartTime>": "c",
        "größe": 3, "": "e", "3ds": true, "mode": "+1"
    })
}

#[test]
fn clashing_fields_keep_their_wire_names() {
    let clashes: Clashes = serde_json::from_value(clashing_body()).unwrap();
    assert_eq!(clashes.start_time.as_deref(), Some("a"));
    assert_eq!(clashes.start_time_2.as_deref(), Some("b"));
    assert_eq!(clashes.start_time_3.as_deref(), Some("c"));
    assert_eq!(clashes.gr_u00f6_u00df_e, Some(3));
    assert_eq!(clashes.empty.as_deref(), Some("e"));
    assert_eq!(clashes.v3ds, Some(true));
    assert_eq!(clashes.mode, Some(ClashesMode::V1));
}

#[test]
fn clashing_enum_values_keep_their_wire_names() {
    let variants = [
        (ClashesMode::AB, "a-b"),
        (ClashesMode::AB2, "a_b"),
        (ClashesMode::V1, "+1"),
        (ClashesMode::V1_2, "1"),
        (ClashesMode::Empty, ""),
        (ClashesMode::Unnamed, "*"),
    ];
    for (variant, wire) in variants {
        assert_eq!(serde_json::to_value(&variant).unwrap(), json!(wire));
        assert_eq!(
            serde_json::from_value::<ClashesMode>(json!(wire)).unwrap(),
            variant
        );
    }
    // The component named like the enum came second, so it has the suffix.
    let second: ClashesMode2 = serde_json::from_value(json!({"mode": "x"})).unwrap();
    assert_eq!(second.mode.as_deref(), Some("x"));
}

#[tokio::test]
async fn a_clashing_method_and_parameter_send_their_wire_names() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/payments/pay-1"))
        .and(query_param("payment_id", "pay-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(clashing_body()))
        .expect(1)
        .mount(&server)
        .await;
    let environment = common::every_host_at(&server.uri());
    let client = Client::builder()
        .environment(environment)
        .credential(Bearer, "token")
        .build()
        .unwrap();
    let clashes = client.get_item_2("pay-1", "pay-2").await.unwrap();
    assert_eq!(clashes.start_time_3.as_deref(), Some("c"));
}
