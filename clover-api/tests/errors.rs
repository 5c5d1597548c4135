//! Error responses in both documented shapes, calls refused before sending,
//! transport failures, and secrets kept out of `Debug`.

mod common;

use std::time::{Duration, Instant};

use clover_api::models::{
    CaptureChargeRequest, CardDetails, CardTokenRequest, CreateChargeRequest, CreateRefundRequest,
    ErrorCode, ErrorDetail, ErrorType, ExchangeOauthCodeParams, Level3, Level3LineItem,
    ListChargesParams, OauthRefreshRequest, OauthTokenRequest, SoftDescriptor,
};
use clover_api::schemes::{ApiKeyAuth, BearerAuth};
use clover_api::{
    ApiError, AttemptFailure, Client, Error, Host, InvalidInput, Refusal, RetryPolicy, Secret,
};
use common::{
    ACCESS_TOKEN, API_KEY, OVERRIDE_IP, Servers, charge_json, header, ip, is_uuid_v4, ok_json,
};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

const CARD_NUMBER: &str = "6011361000006668";
const CVV: &str = "739";
const CLIENT_SECRET: &str = "client-SECRET-9a8b7c6d";

fn charge() -> CreateChargeRequest {
    CreateChargeRequest::new(1800, "usd", "clv_1TSTxxxxxxxxxxxxxxxxxFQif")
}

fn card() -> CardDetails {
    let mut card = CardDetails::new("12", "2030", CVV);
    card.number = Some(Secret::new(CARD_NUMBER));
    card
}

/// The Clover error of a failed call; panics on any other outcome.
/// The error's fields, or all-empty ones when the body had none.
fn detail(error: &ApiError) -> ErrorDetail {
    error.detail.clone().unwrap_or_default()
}

fn api_error<T: std::fmt::Debug>(result: Result<T, Error>, operation: &str) -> ApiError {
    match result {
        Err(Error::Api {
            operation: op,
            error,
            ..
        }) => {
            assert_eq!(op, operation);
            *error
        }
        other => panic!("expected an API error from {operation}, got {other:?}"),
    }
}

/// The reason a call was refused; panics on any other outcome.
fn refusal<T: std::fmt::Debug>(result: Result<T, Error>, operation: &str) -> Refusal {
    match result {
        Err(Error::Refused {
            operation: op,
            reason,
        }) => {
            assert_eq!(op, operation, "the refusal names the operation");
            reason
        }
        other => panic!("expected {operation} to be refused before sending, got {other:?}"),
    }
}

fn invalid_field(reason: Refusal) -> String {
    match reason {
        Refusal::InvalidInput(InvalidInput { field, problem }) => {
            assert!(!problem.is_empty());
            field
        }
        other => panic!("expected invalid input, got {other:?}"),
    }
}

/// A port on 127.0.0.1 that nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    listener.local_addr().expect("local address").port()
}

// ---------------------------------------------------------------- error bodies

struct Documented {
    kind: &'static str,
    expected_type: ErrorType,
    status: u16,
    code: &'static str,
    expected_code: ErrorCode,
    may_have_taken_effect: bool,
}

fn documented_types() -> Vec<Documented> {
    let case =
        |kind, expected_type, status, code, expected_code, may_have_taken_effect| Documented {
            kind,
            expected_type,
            status,
            code,
            expected_code,
            may_have_taken_effect,
        };
    vec![
        case(
            "api_connection_error",
            ErrorType::ApiConnectionError,
            503,
            "processing_error",
            ErrorCode::ProcessingError,
            true,
        ),
        case(
            "api_error",
            ErrorType::ApiError,
            500,
            "processing_error",
            ErrorCode::ProcessingError,
            true,
        ),
        case(
            "authentication_error",
            ErrorType::AuthenticationError,
            401,
            "invalid_request",
            ErrorCode::InvalidRequest,
            false,
        ),
        case(
            "card_error",
            ErrorType::CardError,
            402,
            "card_declined",
            ErrorCode::CardDeclined,
            false,
        ),
        case(
            "idempotency_error",
            ErrorType::IdempotencyError,
            409,
            "invalid_request",
            ErrorCode::InvalidRequest,
            false,
        ),
        case(
            "invalid_request_error",
            ErrorType::InvalidRequestError,
            400,
            "amount_too_large",
            ErrorCode::AmountTooLarge,
            false,
        ),
        case(
            "rate_limit_error",
            ErrorType::RateLimitError,
            429,
            "rate_limit",
            ErrorCode::RateLimit,
            false,
        ),
    ]
}

fn detail_json(case: &Documented) -> Value {
    json!({
        "type": case.kind,
        "code": case.code,
        "decline_code": format!("decline-{}", case.kind),
        "message": format!("Message for {}.", case.kind),
        "param": format!("param.{}", case.kind),
        "charge": "WBKGFT6X1VB1G",
        "doc_url": format!("https://docs.clover.com/docs/ecommerce-api-error-codes#{}", case.code),
    })
}

#[tokio::test]
async fn every_documented_error_type_decodes_in_both_shapes() {
    let servers = Servers::start().await;
    servers.forbid_all_but(Host::Ecommerce).await;
    let cases = documented_types();
    let status_line = |status: u16| {
        format!(
            "{status} {}",
            if status == 400 {
                "Bad Request"
            } else {
                "Error"
            }
        )
    };
    let mut bodies = Vec::new();
    for case in &cases {
        let nested = serde_json::to_vec(
            &json!({ "message": status_line(case.status), "error": detail_json(case) }),
        )
        .expect("serializes");
        let flat = serde_json::to_vec(&detail_json(case)).expect("serializes");
        for (shape, body) in [("nested", nested), ("flat", flat)] {
            Mock::given(method("GET"))
                .and(path(format!("/v1/charges/{}-{shape}", case.kind)))
                .respond_with(
                    ResponseTemplate::new(case.status)
                        .insert_header(
                            "x-request-id",
                            format!("req-{}-{shape}", case.kind).as_str(),
                        )
                        .set_body_raw(body.clone(), "application/json"),
                )
                .expect(1)
                .mount(servers.server(Host::Ecommerce))
                .await;
            bodies.push(body);
        }
    }
    let client = servers.client();

    let mut bodies = bodies.into_iter();
    for case in &cases {
        let expected = ErrorDetail {
            r#type: Some(case.expected_type.clone()),
            code: Some(case.expected_code.clone()),
            decline_code: Some(format!("decline-{}", case.kind)),
            message: Some(format!("Message for {}.", case.kind)),
            param: Some(format!("param.{}", case.kind)),
            charge: Some("WBKGFT6X1VB1G".to_owned()),
            doc_url: Some(format!(
                "https://docs.clover.com/docs/ecommerce-api-error-codes#{}",
                case.code
            )),
        };
        for shape in ["nested", "flat"] {
            let sent = bodies.next().expect("one body per case and shape");
            let result = client
                .get_charge(&format!("{}-{shape}", case.kind), &Default::default())
                .await;
            let took_effect = result.as_ref().err().map(Error::may_have_taken_effect);
            let error = api_error(result, "getCharge");
            let label = format!("{} ({shape})", case.kind);
            assert_eq!(error.status, case.status, "{label}: HTTP status");
            assert_eq!(
                error.detail,
                Some(expected.clone()),
                "{label}: every detail field"
            );
            assert_eq!(
                detail(&error).r#type.as_ref().map(ErrorType::as_str),
                Some(case.kind)
            );
            assert_eq!(
                detail(&error).code.as_ref().map(ErrorCode::as_str),
                Some(case.code)
            );
            assert_eq!(error.body.as_bytes(), sent.as_slice(), "{label}: raw body");
            assert_eq!(
                error.request_id.as_deref(),
                Some(format!("req-{}-{shape}", case.kind).as_str())
            );
            match shape {
                "nested" => assert_eq!(
                    error.summary,
                    Some(status_line(case.status)),
                    "{label}: summary"
                ),
                _ => assert_eq!(error.summary, None, "{label}: a flat body has no summary"),
            }
            assert_eq!(
                took_effect,
                Some(case.may_have_taken_effect),
                "{label}: may have taken effect"
            );
            let shown = error.to_string();
            for part in [
                case.status.to_string(),
                case.kind.to_owned(),
                case.code.to_owned(),
            ] {
                assert!(shown.contains(&part), "{label}: `{shown}` lacks {part}");
            }
        }
    }
    servers.only(Host::Ecommerce, cases.len() * 2).await;
    servers.verify().await;
}

#[tokio::test]
async fn the_spec_card_declined_example_decodes_through_create_charge() {
    let servers = Servers::start().await;
    let body = r#"{"message":"400 Bad Request","error":{"type":"card_error","code":"card_declined","message":"The card was declined.","charge":"WBKGFT6X1VB1G"}}"#;
    Mock::given(method("POST"))
        .and(path("/v1/charges"))
        .respond_with(ResponseTemplate::new(400).set_body_raw(body, "application/json"))
        .expect(1)
        .mount(servers.server(Host::Ecommerce))
        .await;

    let result = servers.client().create_charge(&charge()).await;
    let error = match &result {
        Err(error) => error.api_error().expect("an API error").clone(),
        Ok(charge) => panic!("expected a decline, got {charge:?}"),
    };
    assert_eq!(error.status, 400);
    assert_eq!(error.summary.as_deref(), Some("400 Bad Request"));
    assert_eq!(
        error.detail,
        Some(ErrorDetail {
            r#type: Some(ErrorType::CardError),
            code: Some(ErrorCode::CardDeclined),
            message: Some("The card was declined.".to_owned()),
            charge: Some("WBKGFT6X1VB1G".to_owned()),
            ..Default::default()
        })
    );
    assert_eq!(error.body.as_str(), Some(body));
    let shown = result.unwrap_err().to_string();
    assert!(
        shown.starts_with("createCharge: HTTP 400 (type card_error, code card_declined, charge WBKGFT6X1VB1G): The card was declined."),
        "{shown}"
    );
    assert!(shown.contains("The card was declined."), "{shown}");
}

#[tokio::test]
async fn unknown_error_types_and_codes_are_kept_as_other() {
    let servers = Servers::start().await;
    let nested = r#"{"message":"418 Teapot","error":{"type":"quantum_error","code":"superposition","message":"Both."}}"#;
    let flat =
        r#"{"type":"quantum_error","code":"superposition","message":"Both.","extra":{"x":1}}"#;
    for (id, body) in [("NESTED", nested), ("FLAT", flat)] {
        Mock::given(method("GET"))
            .and(path(format!("/v1/charges/{id}")))
            .respond_with(ResponseTemplate::new(418).set_body_raw(body, "application/json"))
            .mount(servers.server(Host::Ecommerce))
            .await;
    }
    let client = servers.client();

    for (id, body) in [("NESTED", nested), ("FLAT", flat)] {
        let error = api_error(
            client.get_charge(id, &Default::default()).await,
            "getCharge",
        );
        assert_eq!(error.status, 418);
        assert_eq!(
            detail(&error).r#type,
            Some(ErrorType::Other("quantum_error".to_owned())),
            "{id}"
        );
        assert_eq!(
            detail(&error).code,
            Some(ErrorCode::Other("superposition".to_owned())),
            "{id}"
        );
        assert_eq!(detail(&error).message.as_deref(), Some("Both."), "{id}");
        assert_eq!(error.body.as_str(), Some(body));
    }
}

#[tokio::test]
async fn a_non_json_error_body_keeps_status_and_raw_body() {
    let servers = Servers::start().await;
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    Mock::given(method("POST"))
        .and(path("/v1/charges"))
        .respond_with(
            ResponseTemplate::new(502)
                .insert_header("x-request-id", "req-gateway-1")
                .set_body_raw(html, "text/html"),
        )
        .expect(1)
        .mount(servers.server(Host::Ecommerce))
        .await;

    let result = servers.client().create_charge(&charge()).await;
    assert_eq!(
        result.as_ref().err().map(Error::may_have_taken_effect),
        Some(true),
        "a 502 may have charged: retry only with the same key"
    );
    let error = api_error(result, "createCharge");
    assert_eq!(error.status, 502);
    assert_eq!(error.body.as_str(), Some(html));
    assert_eq!(error.detail, None, "an HTML page is not an error body");
    assert_eq!(error.summary, None);
    assert_eq!(error.request_id.as_deref(), Some("req-gateway-1"));
    assert!(error.to_string().starts_with("HTTP 502"), "{error}");
}

#[tokio::test]
async fn an_oauth_style_message_only_body_is_read_as_flat() {
    let servers = Servers::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/v2/refresh"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_raw(r#"{"message":"Unauthorized"}"#, "application/json"),
        )
        .mount(servers.server(Host::Api))
        .await;

    let result = servers
        .client()
        .refresh_oauth_token(&OauthRefreshRequest::new("app", "refresh"))
        .await;
    let error = api_error(result, "refreshOauthToken");
    assert_eq!(error.status, 401);
    assert_eq!(detail(&error).message.as_deref(), Some("Unauthorized"));
    assert_eq!(detail(&error).r#type, None);
    assert_eq!(error.summary, None);
    assert_eq!(error.request_id, None);
}

#[tokio::test]
async fn the_clover_request_id_header_is_preferred_over_x_request_id() {
    let servers = Servers::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("x-request-id", "generic-id")
                .insert_header("x-clover-request-id", "clover-id")
                .set_body_raw(
                    r#"{"error":{"code":"resource_missing"}}"#,
                    "application/json",
                ),
        )
        .mount(servers.server(Host::Ecommerce))
        .await;

    let error = api_error(servers.client().get_refund("missing").await, "getRefund");
    assert_eq!(error.request_id.as_deref(), Some("clover-id"));
    assert_eq!(detail(&error).code, Some(ErrorCode::ResourceMissing));
    assert_eq!(
        error.summary, None,
        "a nested body without a top-level message has no summary"
    );
}

// ---------------------------------------------------------------- refused before sending

/// An empty credential (an unset environment variable read as "") is
/// refused, not sent as `Bearer ` or an empty `apikey`.
#[tokio::test]
async fn an_empty_credential_is_refused_without_sending() {
    let servers = Servers::start().await;
    servers.forbid_all().await;
    let client = servers
        .builder()
        .credential(BearerAuth, "")
        .build()
        .unwrap();
    assert_eq!(
        refusal(client.create_charge(&charge()).await, "createCharge"),
        Refusal::EmptyCredential {
            scheme: "bearerAuth"
        }
    );
    let client = servers.client().with_credential(ApiKeyAuth, "  ");
    let mut card = CardDetails::new("12", "2030", "123");
    card.number = Some("4242424242424242".into());
    assert_eq!(
        refusal(
            client
                .create_token(&CardTokenRequest::new(card).into())
                .await,
            "createToken"
        ),
        Refusal::EmptyCredential {
            scheme: "apiKeyAuth"
        }
    );
    servers.verify().await;
}

#[tokio::test]
async fn a_missing_bearer_token_is_refused_without_sending() {
    let servers = Servers::start().await;
    servers.forbid_all().await;
    let client = Client::builder()
        .environment(servers.environment())
        .credential(ApiKeyAuth, API_KEY)
        .forwarded_for(ip(OVERRIDE_IP))
        .build()
        .expect("client builds");

    let result = client.create_charge(&charge()).await;
    let shown = result.as_ref().map(drop).unwrap_err().to_string();
    assert_eq!(
        refusal(result, "createCharge"),
        Refusal::MissingCredential {
            alternatives: &[&["bearerAuth"]]
        }
    );
    assert!(
        shown.contains("createCharge") && shown.contains("`bearerAuth`"),
        "{shown}"
    );

    for (result, operation) in [
        (
            client.get_api_access_key().await.map(drop),
            "getApiAccessKey",
        ),
        (
            client
                .list_charges(&ListChargesParams::default())
                .await
                .map(drop),
            "listCharges",
        ),
        (
            client.get_charge("X", &Default::default()).await.map(drop),
            "getCharge",
        ),
        (
            client
                .capture_charge("X", &CaptureChargeRequest::default())
                .await
                .map(drop),
            "captureCharge",
        ),
        (
            client
                .create_refund(&CreateRefundRequest::new("X"))
                .await
                .map(drop),
            "createRefund",
        ),
        (client.get_refund("X").await.map(drop), "getRefund"),
    ] {
        assert_eq!(
            refusal(result, operation),
            Refusal::MissingCredential {
                alternatives: &[&["bearerAuth"]]
            }
        );
    }
    servers.none().await;
    servers.verify().await;
}

#[tokio::test]
async fn a_missing_api_key_is_refused_without_sending() {
    let servers = Servers::start().await;
    servers.forbid_all().await;
    let client = Client::builder()
        .environment(servers.environment())
        .credential(BearerAuth, ACCESS_TOKEN)
        .build()
        .expect("client builds");

    let result = client
        .create_token(&CardTokenRequest::new(card()).into())
        .await;
    let shown = result.as_ref().map(drop).unwrap_err().to_string();
    assert_eq!(
        refusal(result, "createToken"),
        Refusal::MissingCredential {
            alternatives: &[&["apiKeyAuth"]]
        }
    );
    assert!(
        shown.contains("createToken") && shown.contains("`apiKeyAuth`"),
        "{shown}"
    );
    servers.none().await;
    servers.verify().await;
}

#[tokio::test]
async fn create_charge_without_any_forwarded_for_is_refused_without_sending() {
    let servers = Servers::start().await;
    servers.forbid_all().await;
    let client = Client::builder()
        .environment(servers.environment())
        .credential(BearerAuth, ACCESS_TOKEN)
        .build()
        .expect("client builds");

    let result = client.create_charge(&charge()).await;
    assert_eq!(
        refusal(result, "createCharge"),
        Refusal::MissingHeader("x-forwarded-for")
    );
    servers.none().await;
    servers.verify().await;
}

#[tokio::test]
async fn out_of_bounds_input_is_refused_naming_the_field() {
    let servers = Servers::start().await;
    servers.forbid_all().await;
    let client = servers.client();

    let mut currency_long = charge();
    currency_long.currency = "usdd".to_owned();
    let mut currency_short = charge();
    currency_short.currency = "us".to_owned();
    let mut description = charge();
    description.description = Some("d".repeat(256));
    let mut negative = charge();
    negative.amount = -1;
    let mut dba = charge();
    dba.soft_descriptor = Some(SoftDescriptor {
        dba_name: Some("D".repeat(39)),
        ..Default::default()
    });
    let mut line_item = charge();
    line_item.level3 = Some(Level3 {
        level3_line_items: Some(vec![
            Level3LineItem::default(),
            Level3LineItem {
                discount_amount: Some(-1),
                ..Default::default()
            },
        ]),
        ..Default::default()
    });

    let charges = [
        (currency_long, "currency"),
        (currency_short, "currency"),
        (description, "description"),
        (negative, "amount"),
        (dba, "soft_descriptor.dba_name"),
        (line_item, "level3.level3_line_items[1].discount_amount"),
    ];
    for (body, field) in charges {
        assert_eq!(
            invalid_field(refusal(client.create_charge(&body).await, "createCharge")),
            field
        );
    }
    for limit in [0, 101, -5] {
        let params = ListChargesParams {
            limit: Some(limit),
            ..Default::default()
        };
        let reason = refusal(client.list_charges(&params).await, "listCharges");
        assert_eq!(invalid_field(reason), "limit", "limit {limit}");
    }
    let mut long_cvv = card();
    long_cvv.cvv = Secret::new("12345");
    let reason = refusal(
        client
            .create_token(&CardTokenRequest::new(long_cvv).into())
            .await,
        "createToken",
    );
    assert_eq!(invalid_field(reason), "card.cvv");
    let mut refund = CreateRefundRequest::new("X");
    refund.amount = Some(0);
    assert_eq!(
        invalid_field(refusal(client.create_refund(&refund).await, "createRefund")),
        "amount"
    );
    let capture = CaptureChargeRequest {
        amount: Some(-5),
        ..Default::default()
    };
    assert_eq!(
        invalid_field(refusal(
            client.capture_charge("X", &capture).await,
            "captureCharge"
        )),
        "amount"
    );

    servers.none().await;
    servers.verify().await;
}

#[tokio::test]
async fn input_on_the_bounds_is_sent() {
    let servers = Servers::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/charges"))
        .respond_with(ok_json(charge_json("OK")))
        .expect(1)
        .mount(servers.server(Host::Ecommerce))
        .await;

    let mut body = charge();
    body.description = Some("é".repeat(255));
    body.soft_descriptor = Some(SoftDescriptor {
        dba_name: Some("D".repeat(38)),
        ..Default::default()
    });
    servers
        .client()
        .create_charge(&body)
        .await
        .expect("values on the bounds are valid");
    servers.verify().await;
}

#[tokio::test]
async fn an_idempotency_key_is_refused_where_the_operation_takes_none() {
    let servers = Servers::start().await;
    servers.forbid_all().await;
    let client = servers.client();
    let not_accepted = Refusal::NotAccepted("an idempotency key");

    let get_charge = client
        .get_charge("X", &Default::default())
        .idempotency_key("k")
        .await;
    assert_eq!(refusal(get_charge, "getCharge"), not_accepted);
    let list = client
        .list_charges(&ListChargesParams::default())
        .idempotency_key("k")
        .await;
    assert_eq!(refusal(list, "listCharges"), not_accepted);
    let get_refund = client.get_refund("X").idempotency_key("k").await;
    assert_eq!(refusal(get_refund, "getRefund"), not_accepted);
    let pakms = client.get_api_access_key().idempotency_key("k").await;
    assert_eq!(refusal(pakms, "getApiAccessKey"), not_accepted);
    let legacy = client
        .exchange_legacy_oauth_code("a", &Secret::new("b"), &Secret::new("c"))
        .idempotency_key("k")
        .await;
    assert_eq!(refusal(legacy, "exchangeLegacyOauthCode"), not_accepted);
    let token = client
        .create_token(&CardTokenRequest::new(card()).into())
        .idempotency_key("k")
        .await;
    assert_eq!(refusal(token, "createToken"), not_accepted);
    let oauth = client
        .exchange_oauth_code(
            &OauthTokenRequest::new("a", "b"),
            &ExchangeOauthCodeParams::default(),
        )
        .idempotency_key("k")
        .await;
    assert_eq!(refusal(oauth, "exchangeOauthCode"), not_accepted);

    servers.none().await;
    servers.verify().await;
}

#[tokio::test]
async fn a_per_call_forwarded_for_is_refused_where_the_operation_takes_none() {
    let servers = Servers::start().await;
    servers.forbid_all().await;
    let client = servers.client();
    let not_accepted = Refusal::NotAccepted("a forwarded-for address");

    let get_charge = client
        .get_charge("X", &Default::default())
        .forwarded_for(ip(OVERRIDE_IP))
        .await;
    assert_eq!(refusal(get_charge, "getCharge"), not_accepted);
    let token = client
        .create_token(&CardTokenRequest::new(card()).into())
        .forwarded_for(ip(OVERRIDE_IP))
        .await;
    assert_eq!(refusal(token, "createToken"), not_accepted);
    servers.none().await;
    servers.verify().await;
}

#[tokio::test]
async fn unusable_idempotency_keys_are_refused() {
    let servers = Servers::start().await;
    servers.forbid_all().await;
    let client = servers.client();

    for key in ["", "line\r\nInjected: yes", "del\u{7f}"] {
        let result = client.create_charge(&charge()).idempotency_key(key).await;
        assert!(
            matches!(refusal(result, "createCharge"), Refusal::InvalidRequest(_)),
            "key {key:?} should be refused"
        );
    }
    servers.none().await;
    servers.verify().await;
}

// ---------------------------------------------------------------- transport

#[tokio::test]
async fn a_closed_port_is_a_transport_error_that_never_reached_the_server() {
    let port = closed_port();
    let environment = Servers::start()
        .await
        .environment()
        .with_base_url(Host::Ecommerce, &format!("http://127.0.0.1:{port}"))
        .expect("valid base URL");
    let client = Client::builder()
        .environment(environment)
        .credential(BearerAuth, ACCESS_TOKEN)
        .forwarded_for(ip(OVERRIDE_IP))
        .build()
        .expect("client builds");

    match client.create_charge(&charge()).await {
        Err(error @ Error::Transport { .. }) => {
            let shown = error.to_string();
            let Error::Transport {
                operation,
                may_have_reached_server,
                idempotency_key,
                ..
            } = error
            else {
                unreachable!()
            };
            assert_eq!(operation, "createCharge");
            assert!(!may_have_reached_server, "nothing could connect");
            let key = idempotency_key.expect("the generated key is reported for a retry");
            assert!(is_uuid_v4(&key), "{key}");
            assert!(shown.contains("could not connect"), "{shown}");
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    match client
        .create_charge(&charge())
        .idempotency_key("retry-me-1")
        .await
    {
        Err(Error::Transport {
            may_have_reached_server: false,
            idempotency_key,
            ..
        }) => {
            assert_eq!(idempotency_key.as_deref(), Some("retry-me-1"));
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    match client.get_charge("X", &Default::default()).await {
        Err(Error::Transport {
            operation: "getCharge",
            may_have_reached_server: false,
            idempotency_key,
            ..
        }) => {
            assert_eq!(idempotency_key, None);
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_timeout_after_sending_may_have_reached_the_server() {
    let servers = Servers::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/charges"))
        .respond_with(ok_json(charge_json("SLOW")).set_delay(Duration::from_secs(5)))
        .mount(servers.server(Host::Ecommerce))
        .await;
    let client = servers.client();

    let started = Instant::now();
    let result = client
        .create_charge(&charge())
        .retry(RetryPolicy::never().attempt_timeout(Duration::from_millis(300)))
        .await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the per-call timeout applies"
    );
    let sent = servers.only(Host::Ecommerce, 1).await;
    match result {
        Err(Error::Transport {
            operation: "createCharge",
            may_have_reached_server,
            idempotency_key,
            cause,
            attempts,
            ..
        }) => {
            assert!(may_have_reached_server, "the request was sent: {cause}");
            assert!(cause.is_timeout(), "{cause}");
            assert_eq!(attempts[0].reason, AttemptFailure::TimedOut);
            assert_eq!(
                idempotency_key.as_deref(),
                Some(header(&sent[0], "idempotency-key"))
            );
        }
        other => panic!("expected a timeout, got {other:?}"),
    }

    let quick = servers
        .builder()
        .retry(RetryPolicy::never().attempt_timeout(Duration::from_millis(300)))
        .build()
        .expect("client builds");
    let started = Instant::now();
    let result = quick.create_charge(&charge()).await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the client timeout applies"
    );
    assert!(
        matches!(
            result,
            Err(Error::Transport {
                may_have_reached_server: true,
                ..
            })
        ),
        "{result:?}"
    );
}

// ---------------------------------------------------------------- secrets stay out of Debug

fn assert_hides(shown: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!shown.contains(secret), "`{secret}` leaked into: {shown}");
    }
}

#[tokio::test]
async fn debug_of_the_client_and_models_hides_secrets() {
    let servers = Servers::start().await;
    let client = servers.client();
    assert_hides(&format!("{client:?}"), &[ACCESS_TOKEN, API_KEY]);
    assert_hides(
        &format!(
            "{:?}",
            client.with_credential(BearerAuth, "rotated-SECRET-token")
        ),
        &["rotated-SECRET-token"],
    );
    assert_hides(
        &format!("{:?}", servers.builder()),
        &[ACCESS_TOKEN, API_KEY],
    );

    let card = card();
    let shown = format!("{card:?} {:?}", CardTokenRequest::new(card.clone()));
    assert_hides(&shown, &[CARD_NUMBER, CVV]);
    assert!(
        shown.contains("2030"),
        "non-secret fields are still shown: {shown}"
    );

    let mut oauth = OauthTokenRequest::new("app", "code");
    oauth.client_secret = Some(Secret::new(CLIENT_SECRET));
    assert_hides(&format!("{oauth:?}"), &[CLIENT_SECRET]);
    assert_hides(
        &format!("{:?}", OauthRefreshRequest::new("app", "refresh-SECRET-1")),
        &["refresh-SECRET-1"],
    );
}

#[tokio::test]
async fn decoded_oauth_tokens_hide_their_secrets() {
    let servers = Servers::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/v2/token"))
        .respond_with(ok_json(json!({
            "access_token": "access-SECRET-abc",
            "access_token_expiration": 1722232545,
            "refresh_token": "refresh-SECRET-def",
            "refresh_token_expiration": 1753768545
        })))
        .mount(servers.server(Host::Api))
        .await;

    let tokens = servers
        .client()
        .exchange_oauth_code(
            &OauthTokenRequest::new("app", "code"),
            &ExchangeOauthCodeParams::default(),
        )
        .await
        .expect("decodes");
    assert_eq!(tokens.access_token.expose(), "access-SECRET-abc");
    let shown = format!("{tokens:?}");
    assert_hides(&shown, &["access-SECRET-abc", "refresh-SECRET-def"]);
    assert!(shown.contains("1722232545"), "{shown}");
}

#[tokio::test]
async fn errors_hide_secrets() {
    let servers = Servers::start().await;
    let client = servers.client();

    // Refused: invalid CVV on a card with a number.
    let mut bad = card();
    bad.cvv = Secret::new("98765");
    let refused = client
        .create_token(&CardTokenRequest::new(bad).into())
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Refused { .. }), "{refused:?}");
    assert_hides(
        &format!("{refused:?} {refused}"),
        &[CARD_NUMBER, "98765", API_KEY, ACCESS_TOKEN],
    );

    // Refused: missing credential.
    let bare = Client::builder()
        .environment(servers.environment())
        .build()
        .expect("client builds");
    let refused = bare
        .create_token(&CardTokenRequest::new(card()).into())
        .await
        .unwrap_err();
    assert_hides(&format!("{refused:?} {refused}"), &[CARD_NUMBER, CVV]);

    // Transport: the client secret travels in the legacy query string.
    let environment = servers
        .environment()
        .with_base_url(Host::Web, &format!("http://127.0.0.1:{}", closed_port()))
        .expect("valid base URL");
    let offline = servers
        .builder()
        .environment(environment)
        .build()
        .expect("client builds");
    let transport = offline
        .exchange_legacy_oauth_code("app", &Secret::new(CLIENT_SECRET), &Secret::new("code-1"))
        .await
        .unwrap_err();
    assert!(
        matches!(transport, Error::Transport { .. }),
        "{transport:?}"
    );
    assert_hides(
        &format!("{transport:?} {transport}"),
        &[CLIENT_SECRET, ACCESS_TOKEN],
    );

    // Api: an error body that echoes the request is kept, but not shown by Debug.
    Mock::given(method("POST"))
        .and(path("/oauth/v2/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "message": "400 Bad Request",
            "error": { "type": "invalid_request_error" },
            "echo": { "client_secret": CLIENT_SECRET }
        })))
        .mount(servers.server(Host::Api))
        .await;
    let mut oauth = OauthTokenRequest::new("app", "code");
    oauth.client_secret = Some(Secret::new(CLIENT_SECRET));
    let api = client
        .exchange_oauth_code(&oauth, &ExchangeOauthCodeParams::default())
        .await
        .unwrap_err();
    assert!(
        api.api_error()
            .expect("an API error")
            .body
            .as_str()
            .unwrap_or("")
            .contains(CLIENT_SECRET)
    );
    assert_hides(&format!("{api:?} {api}"), &[CLIENT_SECRET]);

    // Decode: a token response that does not match keeps its body out of Debug.
    Mock::given(method("POST"))
        .and(path("/oauth/v2/refresh"))
        .respond_with(ok_json(
            json!({ "access_token": "access-SECRET-xyz", "access_token_expiration": "soon" }),
        ))
        .mount(servers.server(Host::Api))
        .await;
    let decode = client
        .refresh_oauth_token(&OauthRefreshRequest::new("app", "refresh"))
        .await
        .unwrap_err();
    assert!(
        matches!(&decode, Error::Decode { path, .. } if path == "access_token_expiration"),
        "{decode:?}"
    );
    assert_hides(&format!("{decode:?} {decode}"), &["access-SECRET-xyz"]);
}

/// A number where the spec says string must not cost the other fields.
#[tokio::test]
async fn a_mistyped_detail_field_keeps_the_others() {
    let servers = Servers::start().await;
    let body = json!({
        "message": "402 Payment Required",
        "error": {"type": "card_error", "code": "card_declined", "decline_code": 51, "message": "Declined."}
    });
    Mock::given(method("GET"))
        .and(path("/v1/charges/CHARGE"))
        .respond_with(ResponseTemplate::new(402).set_body_json(body))
        .mount(servers.server(Host::Ecommerce))
        .await;
    let error = api_error(
        servers
            .client()
            .get_charge("CHARGE", &Default::default())
            .await,
        "getCharge",
    );
    assert_eq!(detail(&error).r#type, Some(ErrorType::CardError));
    assert_eq!(detail(&error).code, Some(ErrorCode::CardDeclined));
    assert_eq!(detail(&error).decline_code.as_deref(), Some("51"));
    assert_eq!(detail(&error).message.as_deref(), Some("Declined."));
}

/// After a 5xx or an undecodable success, the caller learns the key the charge
/// was sent with, so a retry with it cannot charge twice.
#[tokio::test]
async fn post_send_errors_carry_the_idempotency_key_that_was_sent() {
    let servers = Servers::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/charges"))
        .respond_with(
            ResponseTemplate::new(503).set_body_json(json!({"error": {"type": "api_error"}})),
        )
        .up_to_n_times(1)
        .mount(servers.server(Host::Ecommerce))
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/charges"))
        .respond_with(ok_json(json!({"id": "CH1", "amount": "1800"})))
        .mount(servers.server(Host::Ecommerce))
        .await;
    let client = servers.client();

    let unavailable = client.create_charge(&charge()).await.unwrap_err();
    let undecodable = client.create_charge(&charge()).await.unwrap_err();
    let sent = servers.received(Host::Ecommerce).await;
    for (error, request) in [(&unavailable, &sent[0]), (&undecodable, &sent[1])] {
        let key = error
            .idempotency_key()
            .expect("a sent POST reports its key");
        assert_eq!(key, header(request, "idempotency-key"));
        assert!(is_uuid_v4(key));
        assert!(error.may_have_taken_effect(), "{error}");
    }
    assert!(matches!(&undecodable, Error::Decode { path, .. } if path == "amount"));

    let refused = Client::builder()
        .build()
        .unwrap()
        .create_charge(&charge())
        .await
        .unwrap_err();
    assert_eq!(refused.idempotency_key(), None);
    assert!(!refused.may_have_taken_effect());
}

/// serde quotes the offending value; a numeric token must not reach the message.
#[tokio::test]
async fn a_decode_problem_leaves_out_the_value() {
    let servers = Servers::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/v2/refresh"))
        .respond_with(ok_json(json!({ "access_token": 6035551234567890123_u64 })))
        .mount(servers.server(Host::Api))
        .await;
    let error = servers
        .client()
        .refresh_oauth_token(&OauthRefreshRequest::new("app", "refresh"))
        .await
        .unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(
        shown.contains("access_token") && shown.contains("found a number, expected a string"),
        "{shown}"
    );
    assert!(!shown.contains("6035551234567890123"), "{shown}");
}

/// A body past the client's limit fails the call instead of filling memory;
/// the charge it answered took effect.
#[tokio::test]
async fn a_response_over_the_size_limit_is_refused_and_may_have_taken_effect() {
    let servers = Servers::start().await;
    let mut large = charge_json("LARGE");
    large["description"] = json!("x".repeat(4096));
    Mock::given(method("POST"))
        .and(path("/v1/charges"))
        .respond_with(ok_json(large))
        .expect(1)
        .mount(servers.server(Host::Ecommerce))
        .await;
    let client = servers.builder().max_response_bytes(1024).build().unwrap();
    let error = client.create_charge(&charge()).await.unwrap_err();
    assert!(
        matches!(&error, Error::Decode { status: 200, problem, .. } if problem.contains("1024 bytes")),
        "{error:?}"
    );
    assert_eq!(
        error.attempts()[0].reason,
        AttemptFailure::BodyTooLarge(200)
    );
    assert!(error.may_have_taken_effect());
    assert!(error.idempotency_key().is_some());
}

/// A proxy's short plain-text answer is shown as it is.
#[tokio::test]
async fn a_short_text_error_body_is_shown() {
    let servers = Servers::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502).set_body_raw("Bad Gateway\n", "text/plain"))
        .mount(servers.server(Host::Ecommerce))
        .await;
    let error = servers
        .client()
        .get_charge("X", &Default::default())
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "getCharge: HTTP 502: \"Bad Gateway\"");
}
