//! Schema shapes taken from public specs: a typed `additionalProperties`
//! beside properties, unions of inline and primitive members, integer enums,
//! number bounds, bounds and `null` inside containers, and response schemas
//! that mix a `type` with keywords of another.

mod common;

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};

use fixture_crate::models::{
    Cell, FlavorsItem, Gauge, GaugeIds, GaugeValue, GaugeValuePair, Reading, ReadingStatus, Widget,
};
use fixture_crate::schemes::{Bearer, Key};
use fixture_crate::{Client, Error, Refusal, Secret};
use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn client(server: &MockServer) -> Client {
    let environment = common::every_host_at(&server.uri());
    Client::builder()
        .environment(environment)
        .credential(Bearer, "token")
        .credential(Key, "key")
        .forwarded_for(IpAddr::V4(Ipv4Addr::LOCALHOST))
        .build()
        .unwrap()
}

fn widget(gauge: Gauge) -> Widget {
    Widget::new("bolt", "hex", Secret::new("s3cret")).gauge(gauge)
}

/// The field the client names when it refuses to send `gauge`.
async fn refused_field(gauge: Gauge) -> String {
    let server = MockServer::start().await;
    let refused = client(&server)
        .await
        .create_widget(&widget(gauge))
        .await
        .unwrap_err();
    assert!(server.received_requests().await.unwrap().is_empty());
    match refused {
        Error::Refused {
            reason: Refusal::InvalidInput(invalid),
            ..
        } => invalid.field,
        other => panic!("{other:?}"),
    }
}

#[test]
fn other_properties_of_a_declared_type_are_a_flattened_map_both_ways() {
    let wire = json!({"level": 0.5, "colour": "red", "size": "L"});
    let gauge: Gauge = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(gauge.level, 0.5);
    assert_eq!(
        gauge.other_properties,
        BTreeMap::from([
            ("colour".to_owned(), "red".to_owned()),
            ("size".to_owned(), "L".to_owned())
        ])
    );
    assert_eq!(serde_json::to_value(&gauge).unwrap(), wire);
    assert!(
        serde_json::from_value::<Gauge>(json!({"level": 0.5, "count": 3})).is_err(),
        "another property must be a string"
    );
}

#[test]
fn a_union_of_primitives_and_an_inline_object_decodes_each_member() {
    let cases = [
        (json!("high"), GaugeValue::from("high".to_owned())),
        (json!(2.5), GaugeValue::from(2.5)),
        (
            json!({"a": "b"}),
            GaugeValue::from(GaugeValuePair::default().a("b")),
        ),
    ];
    for (wire, value) in cases {
        assert_eq!(
            serde_json::from_value::<GaugeValue>(wire.clone()).unwrap(),
            value
        );
        assert_eq!(serde_json::to_value(&value).unwrap(), wire);
    }
    assert_eq!(
        serde_json::from_value::<GaugeIds>(json!([1, 2])).unwrap(),
        GaugeIds::IntegerList(vec![1, 2])
    );
    assert_eq!(
        serde_json::from_value::<GaugeIds>(json!(["a"])).unwrap(),
        GaugeIds::StringList(vec!["a".to_owned()])
    );
}

#[tokio::test]
async fn number_bounds_integer_enums_and_item_bounds_are_checked_before_sending() {
    assert_eq!(refused_field(Gauge::new(0.0)).await, "gauge.level");
    assert_eq!(refused_field(Gauge::new(1.6)).await, "gauge.level");
    assert_eq!(
        refused_field(Gauge::new(1.5).ratio(-1.5)).await,
        "gauge.ratio"
    );
    assert_eq!(refused_field(Gauge::new(1.0).mode(4)).await, "gauge.mode");
    let labels = vec![Some("ok".to_owned()), None, Some("long".to_owned())];
    assert_eq!(
        refused_field(Gauge::new(1.0).labels(labels)).await,
        "gauge.labels[2]"
    );
    let grid = vec![vec![Cell::new("a")], vec![Cell::new("b"), Cell::new("cde")]];
    assert_eq!(
        refused_field(Gauge::new(1.0).grid(grid)).await,
        "gauge.grid[1][1].code"
    );
    let other = BTreeMap::from([("colour".to_owned(), "magenta".to_owned())]);
    assert_eq!(
        refused_field(Gauge::new(1.0).other_properties(other)).await,
        "gauge.colour"
    );
}

#[tokio::test]
async fn a_gauge_within_bounds_is_sent_and_a_loose_reading_decoded() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/widgets"))
        .and(body_json(json!({
            "name": "bolt", "type": "hex", "secret": "s3cret",
            "gauge": {"level": 1.5, "mode": 2, "labels": ["ok", null], "value": 3.0, "colour": "red"}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "last4": "0007",
            "reading": {
                "account": null,
                "links": {"self": "/r/1"},
                "note": {"text": "fine"},
                "version": 3,
                "status": null,
                "cell": {"code": "a1"},
                "detail": {"code": "b2", "note": "kept"},
                "shape": {"kind": "round"},
                "flavors": ["sweet", "bitter"],
                "level": 2,
                "scores": {"x": null, "y": 0.5},
                "unlisted": true
            }
        })))
        .expect(1)
        .mount(&server)
        .await;
    let gauge = Gauge::new(1.5)
        .mode(2)
        .labels(vec![Some("ok".to_owned()), None])
        .value(3.0)
        .other_properties(BTreeMap::from([("colour".to_owned(), "red".to_owned())]));
    let receipt = client(&server)
        .await
        .create_widget(&widget(gauge))
        .await
        .unwrap();
    let reading: Reading = receipt.reading.unwrap();
    assert_eq!(
        reading.account, None,
        "required, and `null` through its `$ref`"
    );
    assert_eq!(
        reading.version,
        Some(3),
        "an enum of numbers under `type: string`"
    );
    assert_eq!(
        reading.status, None::<ReadingStatus>,
        "`null` listed in the enum"
    );
    assert_eq!(reading.cell.unwrap().code, "a1");
    let detail = reading.detail.unwrap();
    assert_eq!((detail.code.as_str(), detail.note.as_str()), ("b2", "kept"));
    assert_eq!(
        reading.flavors.unwrap(),
        [FlavorsItem::Sweet, FlavorsItem::Other("bitter".to_owned())]
    );
    assert_eq!(reading.links.unwrap()["self"], "/r/1");
    assert_eq!(reading.note.unwrap().text.as_deref(), Some("fine"));
    assert_eq!(
        reading.scores.unwrap(),
        BTreeMap::from([("x".to_owned(), None), ("y".to_owned(), Some(0.5))])
    );
}
