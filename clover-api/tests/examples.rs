//! The spec's examples are tests: every request-body, response and
//! component-schema example in `spec/clover-ecommerce.yaml` must decode into
//! its generated model and encode back to the same JSON.
//!
//! A failure names the example by its JSON pointer in the spec and, when
//! decoding fails, the field path inside the example. An example the walk
//! cannot check (an inline schema, a schema missing from the table below, an
//! example somewhere the walk does not look) fails too, so a growing spec
//! cannot skip examples silently.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use clover_api::models;
use clover_api_runtime::validate::{Checks, Validate};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// The number of examples the spec held when this test was written: 81 =
/// 37 request bodies + 32 operation responses + 11 in the shared error
/// responses of `components/responses` (checked once each, not once per
/// `$ref`) + 1 schema-level example (`ExternalReferenceId`). Fewer means the
/// walk lost some, or examples were deleted from the spec.
const MIN_EXAMPLES: usize = 81;

fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/clover-ecommerce.yaml");
    let text = std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{path}: {error}"));
    serde_yaml_ng::from_str(&text).unwrap_or_else(|error| panic!("{path}: {error}"))
}

// ------------------------------------------------------------------ models

/// Decodes, checks and re-encodes one example as one model.
type RoundTrip = fn(&Value) -> Result<Value, String>;

/// A component schema and the Rust model generated for it.
struct Model {
    name: &'static str,
    round_trip: RoundTrip,
    /// Whether the model is sent in requests. One with bounds to check (it
    /// implements `Validate`) must also pass the checks the client runs
    /// before sending, or the SDK could not send the spec's own example.
    sent: bool,
}

fn decode<T: DeserializeOwned>(example: &Value) -> Result<T, String> {
    serde_path_to_error::deserialize(example).map_err(|error| {
        let path = error.path().to_string();
        format!("does not decode: at `{path}`: {}", error.inner())
    })
}

fn encode<T: Serialize>(model: &T) -> Result<Value, String> {
    serde_json::to_value(model).map_err(|error| format!("does not encode: {error}"))
}

fn round_trip<T: DeserializeOwned + Serialize>(example: &Value) -> Result<Value, String> {
    encode(&decode::<T>(example)?)
}

fn round_trip_checked<T: DeserializeOwned + Serialize + Validate>(
    example: &Value,
) -> Result<Value, String> {
    let model = decode::<T>(example)?;
    model
        .validate(Checks::at(""))
        .map_err(|invalid| format!("decodes but the client would refuse to send it: {invalid}"))?;
    encode(&model)
}

/// The table of models: `checked` lists the request types that implement
/// `Validate`, `sent` the request types with no bounds to check, `received`
/// every other component schema. The names are the spec's component keys,
/// which are the Rust type names.
macro_rules! models {
    (
        checked: [$($checked:ident),* $(,)?],
        sent: [$($sent:ident),* $(,)?],
        received: [$($received:ident),* $(,)?] $(,)?
    ) => {
        const MODELS: &[Model] = &[
            $(Model {
                name: stringify!($checked),
                round_trip: round_trip_checked::<models::$checked>,
                sent: true,
            },)*
            $(Model {
                name: stringify!($sent),
                round_trip: round_trip::<models::$sent>,
                sent: true,
            },)*
            $(Model {
                name: stringify!($received),
                round_trip: round_trip::<models::$received>,
                sent: false,
            },)*
        ];
    };
}

models! {
    checked: [
        AchAgreement, AchDetails, AchTokenRequest, ActivateGiftCardRequest, ApplePayHeader,
        ApplePayPaymentData, ApplePayTokenRequest, CaptureChargeRequest, CardDetails,
        CardTokenRequest, CheckoutLineItem, CheckoutTaxRate, CreateChargeRequest,
        CreateCheckoutRequest, CreateCustomerRequest, CreateOrderRequest, CreatePlanRequest,
        CreateRefundRequest, CreateSubscriptionRequest, EncryptedWallet, ExternalToken,
        ExternalTokenRequest, FinalizePaymentRequest, GiftCardDetails, GiftCardSourceRequest,
        GiftCardTokenRequest, Level2, Level3, Level3LineItem, NewOrderItem, OauthMigrateRequest,
        OauthRefreshRequest, OauthTokenRequest, OrderTaxRate, PayOrderRequest,
        ReloadGiftCardRequest, ReturnItem, ReturnOrderRequest, ShoppingCart, SoftDescriptor,
        SubscriptionSoftDescriptor, ThreeDsFinalize, TokenRequest, TransarmorTokenAttribute,
        UpdateCustomerRequest,
    ],
    sent: [
        Address, BrowserInfo, CancelRefundRequest, CheckoutCustomer, InstallmentInfo, Shipping,
        StoredCredentials, Tender, ThreeDsAuthenticationResult, ThreeDsRequest,
    ],
    received: [
        AchAccountType, AchCheckType, AchCustomerIdType, ApiAccessKey, BillPayIndicator,
        CardBrand, Charge, ChargeIntent, ChargeList, ChargeOutcome, ChargeSource, ChargeStatus,
        CheckoutSession, CollectionMethod, Customer, CustomerSources, DeletedSource, Ecomind,
        ErrorCode, ErrorDetail, ErrorResponse, ErrorType, ExternalReferenceId,
        GiftCardBalance, GiftCardBalanceResult, LegacyOauthToken, LiabilityProtectionStatus,
        Metadata, OauthMigrateResult, OauthTokens, Order, OrderItem, OrderItemType, OrderList,
        OrderStatus, OrderStatusTransitions, PaymentMethodKind, Plan, PlanInterval, Refund,
        RefundList, RefundStatus, SavedCredentialsOnFile, StoredCredentialInitiator,
        StoredCredentialSequence, Subscription, ThreeDsAuthenticationStatus, ThreeDsFlowData,
        ThreeDsResult, ThreeDsSource, ThreeDsValidationResult, Token, TokenAch, TokenCard,
    ],
}

fn model(name: &str) -> Option<&'static Model> {
    MODELS.iter().find(|model| model.name == name)
}

// ------------------------------------------------------------------ the walk

/// One example found in the spec.
#[derive(Debug)]
struct Example {
    /// JSON pointer of the example value in the spec.
    pointer: String,
    /// The component schema it claims to follow, or why there is none.
    schema: Result<String, String>,
    /// Whether it is a request body (sent by the client).
    request: bool,
    value: Value,
}

/// What checking a spec found.
#[derive(Debug, Default)]
struct Outcome {
    /// Pointers of the examples that round-tripped.
    passed: Vec<String>,
    /// Everything wrong, each naming a pointer.
    failures: Vec<String>,
    /// Examples deliberately not checked, each with the reason.
    skipped: Vec<String>,
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// RFC 6901 escaping of one reference token.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn child(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape(token))
}

/// The node a local `#/…` reference points at.
fn resolve<'a>(spec: &'a Value, reference: &str) -> Option<&'a Value> {
    spec.pointer(reference.strip_prefix('#')?)
}

/// Follows a `$ref` (once; the spec has no chains) and returns the node and
/// its own pointer, so an example reached through a reference is named where
/// it is written.
fn follow<'a>(
    spec: &'a Value,
    pointer: String,
    node: &'a Value,
    failures: &mut Vec<String>,
) -> Option<(String, &'a Value)> {
    match node.get("$ref").and_then(Value::as_str) {
        None => Some((pointer, node)),
        Some(reference) => match resolve(spec, reference) {
            Some(target) => Some((reference.to_owned(), target)),
            None => {
                failures.push(format!(
                    "{pointer}: `$ref: {reference}` resolves to nothing"
                ));
                None
            }
        },
    }
}

struct Walk<'a> {
    spec: &'a Value,
    examples: Vec<Example>,
    failures: Vec<String>,
    /// Pointers of the `example`/`examples` keys the walk has read.
    read: BTreeSet<String>,
    /// Request bodies and responses already walked (shared components).
    visited: BTreeSet<String>,
}

impl<'a> Walk<'a> {
    /// The examples of a request body or a response object.
    fn body(&mut self, pointer: String, node: &'a Value, request: bool) {
        let Some((pointer, node)) = follow(self.spec, pointer, node, &mut self.failures) else {
            return;
        };
        if !self.visited.insert(pointer.clone()) {
            return;
        }
        let Some(content) = node.get("content").and_then(Value::as_object) else {
            return;
        };
        for (media_type, media) in content {
            let pointer = child(&child(&pointer, "content"), media_type);
            let schema = match media.get("schema") {
                None => Err("the media type has no schema".to_owned()),
                Some(schema) => match schema.get("$ref").and_then(Value::as_str) {
                    Some(reference) => match reference.strip_prefix(SCHEMA_PREFIX) {
                        Some(name) => Ok(name.to_owned()),
                        None => Err(format!(
                            "the schema `{reference}` is not a component schema"
                        )),
                    },
                    None => Err("the schema is inline, not a `$ref` to a component".to_owned()),
                },
            };
            self.examples_of(&pointer, media, &schema, request);
        }
    }

    /// The `example` and `examples` of a media type or a schema.
    fn examples_of(
        &mut self,
        pointer: &str,
        node: &'a Value,
        schema: &Result<String, String>,
        request: bool,
    ) {
        if let Some(value) = node.get("example") {
            let pointer = child(pointer, "example");
            self.read.insert(pointer.clone());
            self.push(pointer, value, schema, request);
        }
        let Some(examples) = node.get("examples") else {
            return;
        };
        let container = child(pointer, "examples");
        self.read.insert(container.clone());
        match examples {
            // OpenAPI 3.0 media types: a map of Example objects.
            Value::Object(map) => {
                for (name, example) in map {
                    let Some((at, example)) = follow(
                        self.spec,
                        child(&container, name),
                        example,
                        &mut self.failures,
                    ) else {
                        continue;
                    };
                    if at.starts_with("#/components/examples/") {
                        self.read.insert(at.clone());
                    }
                    match example.get("value") {
                        Some(value) => self.push(child(&at, "value"), value, schema, request),
                        None => self.failures.push(format!(
                            "{at}: no inline `value` (an `externalValue` cannot be checked offline)"
                        )),
                    }
                }
            }
            // OpenAPI 3.1 / JSON Schema: an array of values.
            Value::Array(values) => {
                for (index, value) in values.iter().enumerate() {
                    let at = child(&container, &index.to_string());
                    self.push(at, value, schema, request);
                }
            }
            _ => self
                .failures
                .push(format!("{container}: neither a map nor a list")),
        }
    }

    fn push(
        &mut self,
        pointer: String,
        value: &Value,
        schema: &Result<String, String>,
        request: bool,
    ) {
        self.examples.push(Example {
            pointer,
            schema: schema.clone(),
            request,
            value: value.clone(),
        });
    }
}

/// Every `example`/`examples` keyword anywhere in the document, found without
/// knowing OpenAPI's layout: map keys that are names (of properties, paths,
/// status codes, media types, components) are not keywords, and example
/// values, enums, defaults and extensions are data, not searched.
fn every_example_keyword(node: &Value, pointer: &str, out: &mut BTreeSet<String>) {
    const NAME_MAPS: [&str; 16] = [
        "properties",
        "patternProperties",
        "paths",
        "responses",
        "content",
        "schemas",
        "parameters",
        "requestBodies",
        "headers",
        "securitySchemes",
        "links",
        "callbacks",
        "encoding",
        "examples",
        "variables",
        "mapping",
    ];
    const DATA: [&str; 4] = ["enum", "default", "const", "example"];
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                let at = child(pointer, key);
                if key == "example" || key == "examples" {
                    out.insert(at.clone());
                }
                if DATA.contains(&key.as_str()) || key.starts_with("x-") {
                    continue;
                }
                match value {
                    // Examples under `examples` are Example objects or data: not searched.
                    _ if key == "examples" => {}
                    Value::Object(names) if NAME_MAPS.contains(&key.as_str()) => {
                        for (name, named) in names {
                            every_example_keyword(named, &child(&at, name), out);
                        }
                    }
                    _ => every_example_keyword(value, &at, out),
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                every_example_keyword(item, &child(pointer, &index.to_string()), out);
            }
        }
        _ => {}
    }
}

/// Why an example keyword the walk did not read is deliberately not checked,
/// or `None` if it should have been.
fn skip_reason(pointer: &str) -> Option<&'static str> {
    let tokens: Vec<&str> = pointer.trim_start_matches("#/").split('/').collect();
    // `#/components/parameters/<Name>/…` or `#/paths/<path>[/<method>]/parameters/<n>/…`.
    let parameter = matches!(
        tokens.as_slice(),
        ["components", "parameters", ..]
            | ["paths", _, "parameters", ..]
            | ["paths", _, _, "parameters", ..]
    );
    if parameter {
        return Some("a parameter's example: parameters are method arguments, not models");
    }
    // `#/components/schemas/<Name>/example` itself is read; anything deeper is
    // a property or another subschema.
    if let ["components", "schemas", _, _, _, ..] = tokens.as_slice() {
        return Some("an example on an inline subschema (a property): it has no model of its own");
    }
    None
}

/// The entries of a map node, or none.
fn entries(node: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    node.and_then(Value::as_object).into_iter().flatten()
}

/// Checks every example of an OpenAPI document.
fn check(spec: &Value) -> Outcome {
    let mut walk = Walk {
        spec,
        examples: Vec::new(),
        failures: Vec::new(),
        read: BTreeSet::new(),
        visited: BTreeSet::new(),
    };
    for (path, item) in entries(spec.get("paths")) {
        let item_pointer = child("#/paths", path);
        if item.get("$ref").is_some() {
            walk.failures.push(format!(
                "{item_pointer}: a `$ref` path item is not followed by this test"
            ));
        }
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let pointer = child(&item_pointer, method);
            if let Some(body) = operation.get("requestBody") {
                walk.body(child(&pointer, "requestBody"), body, true);
            }
            for (status, response) in entries(operation.get("responses")) {
                let at = child(&child(&pointer, "responses"), status);
                walk.body(at, response, false);
            }
        }
    }
    // Shared bodies and responses that no operation references are checked too;
    // those already reached through a `$ref` are not checked twice.
    let components = spec.get("components");
    for (name, body) in entries(components.and_then(|c| c.get("requestBodies"))) {
        walk.body(child("#/components/requestBodies", name), body, true);
    }
    for (name, response) in entries(components.and_then(|c| c.get("responses"))) {
        walk.body(child("#/components/responses", name), response, false);
    }
    // Schema-level examples: the component is its own model.
    for (name, schema) in entries(components.and_then(|c| c.get("schemas"))) {
        let at = child("#/components/schemas", name);
        walk.examples_of(&at, schema, &Ok(name.clone()), false);
    }

    let mut outcome = Outcome {
        failures: std::mem::take(&mut walk.failures),
        ..Outcome::default()
    };
    for example in &walk.examples {
        match check_example(example) {
            Ok(()) => outcome.passed.push(example.pointer.clone()),
            Err(problem) => outcome
                .failures
                .push(format!("{}: {problem}", example.pointer)),
        }
    }

    // Anything with an example that the walk did not read.
    let mut keywords = BTreeSet::new();
    every_example_keyword(spec, "#", &mut keywords);
    for (name, _) in entries(components.and_then(|c| c.get("examples"))) {
        keywords.insert(child("#/components/examples", name));
    }
    for pointer in keywords.difference(&walk.read) {
        match skip_reason(pointer) {
            Some(reason) => outcome.skipped.push(format!("{pointer}: {reason}")),
            None => outcome.failures.push(format!(
                "{pointer}: an example this test does not reach (no schema to check it against)"
            )),
        }
    }
    outcome
}

fn check_example(example: &Example) -> Result<(), String> {
    let name = example.schema.as_deref().map_err(|why| why.to_owned())?;
    let model = model(name).ok_or_else(|| {
        format!("the schema `{name}` has no entry in the `models!` table of tests/examples.rs")
    })?;
    if example.request && !model.sent {
        return Err(format!(
            "request example of `{name}`, which is listed as received: list it under `checked` \
             or `sent` so it is validated as the client would before sending"
        ));
    }
    let encoded =
        (model.round_trip)(&example.value).map_err(|problem| format!("{name} {problem}"))?;
    let mut differences = Vec::new();
    compare(&example.value, &encoded, "", &mut differences);
    if differences.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{name} does not encode back to the example:\n    {}\n  re-encoded: {encoded}",
            differences.join("\n    ")
        ))
    }
}

// ------------------------------------------------------------------ comparison

/// The differences between an example and its re-encoding, each naming the
/// place inside the example as a JSON pointer.
fn compare(example: &Value, encoded: &Value, at: &str, out: &mut Vec<String>) {
    match (example, encoded) {
        (Value::Object(expected), Value::Object(actual)) => {
            for (key, value) in expected {
                let place = child(at, key);
                match actual.get(key) {
                    Some(other) => compare(value, other, &place, out),
                    None => out.push(format!(
                        "`{place}` ({value}) is in the example but the model dropped it \
                         (a field the schema lacks, or a null the model omits)"
                    )),
                }
            }
            for (key, value) in actual {
                if !expected.contains_key(key) {
                    out.push(format!(
                        "`{}` ({value}) was added by the model",
                        child(at, key)
                    ));
                }
            }
        }
        (Value::Array(expected), Value::Array(actual)) if expected.len() == actual.len() => {
            for (index, (value, other)) in expected.iter().zip(actual).enumerate() {
                compare(value, other, &child(at, &index.to_string()), out);
            }
        }
        // Digit strings: the spec documents `exp_month`, `exp_year`, `first6`,
        // `last4`, `ref_num`, `auth_code` … as "a string of digits or an
        // integer" (`oneOf: [string with pattern ^[0-9]+$, integer]`, with an
        // `x-clover-note` citing Clover examples of both). The SDK keeps them as
        // strings, zero-padding a number to the field's width (`last4: 4` is
        // "0004"), so an example number comes back as a digit string. Only that
        // direction is accepted, and only with an equal integer value. A field
        // of any other type cannot take this path: a plain string field refuses
        // a number when decoding, and an integer field re-encodes a number.
        (Value::Number(number), Value::String(digits))
            if is_digits(digits)
                && number
                    .as_u64()
                    .is_some_and(|number| digits.parse::<u64>() == Ok(number)) => {}
        _ if example == encoded => {}
        _ => out.push(format!(
            "`{}`: the example has {example}, the model re-encodes {encoded}",
            if at.is_empty() {
                "(the whole value)"
            } else {
                at
            }
        )),
    }
}

fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit())
}

fn report(outcome: &Outcome) -> String {
    let mut text = String::new();
    for failure in &outcome.failures {
        let _ = writeln!(text, "- {failure}");
    }
    text
}

// ------------------------------------------------------------------ tests

#[test]
fn every_example_in_the_spec_round_trips_through_its_model() {
    let outcome = check(&spec());
    println!(
        "{} examples checked; {} example keywords deliberately skipped:",
        outcome.passed.len(),
        outcome.skipped.len()
    );
    for skipped in &outcome.skipped {
        println!("  skipped {skipped}");
    }
    assert!(
        outcome.failures.is_empty(),
        "{} of {} examples or places fail:\n{}",
        outcome.failures.len(),
        outcome.passed.len() + outcome.failures.len(),
        report(&outcome)
    );
    assert!(
        outcome.passed.len() >= MIN_EXAMPLES,
        "only {} examples were checked, fewer than the {MIN_EXAMPLES} the spec had: {:#?}",
        outcome.passed.len(),
        outcome.passed
    );
}

#[test]
fn the_model_table_names_only_component_schemas_once_each() {
    let spec = spec();
    let schemas = spec["components"]["schemas"]
        .as_object()
        .expect("components/schemas");
    let mut seen = BTreeSet::new();
    for model in MODELS {
        assert!(seen.insert(model.name), "`{}` is listed twice", model.name);
        assert!(
            schemas.contains_key(model.name),
            "`{}` is in the table but not a component schema of the spec",
            model.name
        );
    }
}

#[test]
fn every_object_example_fails_once_it_has_a_field_its_schema_lacks() {
    // Proves that no round trip is vacuous: a model that kept unknown fields
    // (a catch-all map) or an example decoded as untyped JSON would pass the
    // test above whatever the example held.
    let spec = spec();
    let mut mutated = 0;
    for pointer in check(&spec).passed {
        let mut copy = spec.clone();
        let Some(Value::Object(example)) = copy.pointer_mut(&pointer[1..]) else {
            continue;
        };
        example.insert("x_not_in_the_schema".to_owned(), json!(true));
        let failures = check(&copy).failures;
        assert!(
            failures.len() == 1
                && failures[0].starts_with(&format!("{pointer}: "))
                && failures[0].contains("`/x_not_in_the_schema`"),
            "an unknown field in {pointer} should fail there alone: {failures:#?}"
        );
        mutated += 1;
    }
    println!("{mutated} object examples fail with an unknown field");
    assert!(
        mutated >= MIN_EXAMPLES - 1,
        "only {mutated} object examples"
    );
}

// The checker checked: each of these specs is wrong in one way, and the
// failure must name the example's pointer.

fn failures_of(spec: Value) -> Vec<String> {
    check(&spec).failures
}

fn assert_one_failure(spec: Value, pointer: &str, words: &str) {
    let failures = failures_of(spec);
    assert_eq!(failures.len(), 1, "{failures:#?}");
    assert!(
        failures[0].starts_with(pointer) && failures[0].contains(words),
        "expected a failure at {pointer} mentioning {words:?}, got {failures:#?}"
    );
}

/// A spec with one operation whose 200 response carries `media`.
fn with_response(media: Value) -> Value {
    json!({ "paths": { "/v1/x": { "get": { "responses": { "200": {
        "description": "ok", "content": { "application/json": media }
    } } } } } })
}

const RESPONSE: &str = "#/paths/~1v1~1x/get/responses/200/content/application~1json";

#[test]
fn a_matching_example_passes_and_digit_numbers_may_come_back_as_strings() {
    let outcome = check(&with_response(json!({
        "schema": { "$ref": "#/components/schemas/Charge" },
        "examples": { "one": { "value": {
            "id": "ABDFEFG1HIJK2", "ref_num": 987654321,
            "source": { "last4": 4, "exp_month": 2, "first6": "601136" }
        } } }
    })));
    assert!(outcome.failures.is_empty(), "{:#?}", outcome.failures);
    assert_eq!(outcome.passed, [format!("{RESPONSE}/examples/one/value")]);
}

#[test]
fn a_digit_number_must_keep_its_value() {
    // "0004" is 4; a number whose digits differ from the string's is not let through.
    let mut differences = Vec::new();
    compare(
        &json!({ "last4": 4 }),
        &json!({ "last4": "0004" }),
        "",
        &mut differences,
    );
    assert!(differences.is_empty(), "{differences:?}");
    compare(
        &json!({ "last4": 4 }),
        &json!({ "last4": "0005" }),
        "",
        &mut differences,
    );
    compare(
        &json!({ "last4": "4" }),
        &json!({ "last4": 4 }),
        "",
        &mut differences,
    );
    compare(
        &json!({ "amount": 4 }),
        &json!({ "amount": "4x" }),
        "",
        &mut differences,
    );
    assert_eq!(differences.len(), 3, "{differences:#?}");
    assert!(differences[0].contains("`/last4`"), "{differences:#?}");
}

#[test]
fn a_field_the_schema_lacks_fails_naming_the_field() {
    assert_one_failure(
        with_response(json!({
            "schema": { "$ref": "#/components/schemas/Refund" },
            "example": { "id": "R1", "not_in_the_schema": 1 }
        })),
        &format!("{RESPONSE}/example"),
        "`/not_in_the_schema`",
    );
}

#[test]
fn a_wrongly_typed_field_fails_naming_its_path() {
    assert_one_failure(
        with_response(json!({
            "schema": { "$ref": "#/components/schemas/ChargeList" },
            "example": { "data": [ { "id": "A" }, { "id": "B", "amount": "122" } ] }
        })),
        &format!("{RESPONSE}/example"),
        "at `data[1].amount`",
    );
}

#[test]
fn an_inline_schema_fails() {
    assert_one_failure(
        with_response(json!({
            "schema": { "type": "object" },
            "examples": { "inline": { "value": {} } }
        })),
        &format!("{RESPONSE}/examples/inline/value"),
        "inline",
    );
}

#[test]
fn a_schema_missing_from_the_table_fails() {
    assert_one_failure(
        with_response(json!({
            "schema": { "$ref": "#/components/schemas/BrandNewModel" },
            "example": {}
        })),
        &format!("{RESPONSE}/example"),
        "no entry in the `models!` table",
    );
}

#[test]
fn a_request_example_the_client_would_refuse_fails() {
    let spec = json!({ "paths": { "/v1/refunds": { "post": {
        "requestBody": { "$ref": "#/components/requestBodies/Refund" },
        "responses": {}
    } } },
    "components": { "requestBodies": { "Refund": { "content": { "application/json": {
        "schema": { "$ref": "#/components/schemas/CreateRefundRequest" },
        "examples": { "empty": { "value": { "charge": "" } } }
    } } } } } });
    // Named once, where it is written, though reached from the operation too.
    assert_one_failure(
        spec,
        "#/components/requestBodies/Refund/content/application~1json/examples/empty/value",
        "refuse to send it: `charge`",
    );
}

#[test]
fn schema_level_examples_are_checked() {
    assert_one_failure(
        json!({ "components": { "schemas": {
            "CardBrand": { "type": "string", "example": 7 }
        } } }),
        "#/components/schemas/CardBrand/example",
        "does not decode",
    );
}

#[test]
fn an_example_outside_the_walk_fails_and_parameter_examples_are_skipped() {
    let spec = json!({
        "paths": { "/v1/x": { "get": {
            "parameters": [ { "name": "limit", "in": "query", "example": 10 } ],
            "responses": { "200": {
                "description": "ok",
                "headers": { "example": { "schema": { "type": "string" }, "example": "h" } }
            } }
        } } },
        "components": { "schemas": { "Refund": {
            "type": "object",
            "properties": { "example": { "type": "string", "example": "p" } }
        } } }
    });
    let outcome = check(&spec);
    assert_eq!(
        outcome.failures.len(),
        1,
        "only the header example is unreachable: {:#?}",
        outcome.failures
    );
    assert!(
        outcome.failures[0]
            .starts_with("#/paths/~1v1~1x/get/responses/200/headers/example/example:"),
        "{:#?}",
        outcome.failures
    );
    assert_eq!(outcome.skipped.len(), 2, "{:#?}", outcome.skipped);
    assert!(outcome.passed.is_empty());
}
