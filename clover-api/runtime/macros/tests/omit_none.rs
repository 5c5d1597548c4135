//! The attribute on real structs, through serde.

use std::collections::BTreeMap;

use clover_api_macros::omit_none;
use serde::Serialize;

/// A type whose name starts like `Option` but is not one.
#[derive(Serialize)]
struct Optional(u8);

mod shadowed {
    /// A model named `Option`, as a spec may have.
    #[derive(serde::Serialize, Default)]
    pub struct Option;
}

#[omit_none]
#[derive(Serialize, Default)]
struct Charge {
    /// Always sent.
    amount: u64,
    currency: Option<String>,
    /// The comma inside the angle brackets does not end the field.
    metadata: Option<BTreeMap<String, (u8, u8)>>,
    #[serde(rename = "type")]
    kind: std::option::Option<String>,
    /// A required field that may be null.
    #[send_null]
    customer: Option<String>,
    tip: ::std::option::Option<u8>,
    other: Option<Optional>,
    optional: Vec<Optional>,
}

#[test]
fn none_is_left_out_and_some_is_sent() {
    let json = |charge: &Charge| serde_json::to_value(charge).unwrap();
    assert_eq!(
        json(&Charge::default()),
        serde_json::json!({ "amount": 0, "customer": null, "optional": [] })
    );
    let full = Charge {
        amount: 5,
        currency: Some("usd".to_owned()),
        metadata: Some(BTreeMap::from([("a".to_owned(), (1, 2))])),
        kind: Some("sale".to_owned()),
        customer: Some("c".to_owned()),
        tip: Some(1),
        other: Some(Optional(3)),
        optional: vec![Optional(4)],
    };
    assert_eq!(
        json(&full),
        serde_json::json!({
            "amount": 5, "currency": "usd", "metadata": { "a": [1, 2] }, "type": "sale",
            "customer": "c", "tip": 1, "other": 3, "optional": [4]
        })
    );
}

/// A spec's model named `Option` is no `std` option: its field is sent.
#[test]
fn a_model_named_option_is_always_sent() {
    use shadowed::Option;

    #[omit_none]
    #[derive(Serialize)]
    struct Holder {
        model: Option,
        std: std::option::Option<u8>,
    }
    let holder = Holder {
        model: Option,
        std: None,
    };
    assert_eq!(
        serde_json::to_value(&holder).unwrap(),
        serde_json::json!({ "model": null })
    );
}
