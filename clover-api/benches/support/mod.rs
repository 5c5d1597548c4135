//! What both benchmarks share: a loopback HTTP/1.1 server answering every
//! charge call with the same precomputed charge, the SDK client, and the
//! hand-written reqwest + serde_json baseline doing the same exchange.

use std::collections::BTreeSet;
use std::error::Error;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{LazyLock, Mutex};

use clover_api::models::{Charge, ChargeStatus, CreateChargeRequest};
use clover_api::reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue, USER_AGENT,
};
use clover_api::reqwest::{self, StatusCode};
use clover_api::schemes::BearerAuth;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A captured Clover charge with every field Clover usually sends, including
/// some the model does not know (skipped while decoding, as in production).
pub const CHARGE_JSON: &str = concat!(
    r#"{"id":"WBKGFT6X1VB1G","object":"charge","amount":1800,"amount_refunded":0,"#,
    r#""amount_captured":1800,"tax_amount":0,"tip_amount":0,"currency":"usd","#,
    r#""created":1719882650000,"captured":true,"paid":true,"refunded":false,"#,
    r#""partial_auth":false,"livemode":false,"status":"succeeded","#,
    r#""payment_method_details":"card","ref_num":"116400500490","auth_code":"OK4447","#,
    r#""order":"WFCWS95Z8E4GR","customer":"ADFRQ4R2YAYBY","#,
    r#""description":"Order #10234: 2 x Cold brew concentrate, 1 x Ceramic pour-over set","#,
    r#""receipt_email":"shopper@example.com","receipt_number":"R-4Q7XW1ZK9M","#,
    r#""receipt_url":"https://sandbox.dev.clover.com/r/WFCWS95Z8E4GR","#,
    r#""external_reference_id":"INV-2024-10234","external_customer_reference":"CUST-88412","#,
    r#""ecomind":"ecom","site_url":"https://shop.example.com/checkout","#,
    r#""outcome":{"network_status":"approved_by_network","type":"authorized"},"#,
    r#""source":{"id":"clv_1TSTSAMPLEVxqWn3kLqC9ZrTFQif","object":"card","brand":"VISA","#,
    r#""exp_month":"12","exp_year":"2030","first6":"424242","last4":"4242","#,
    r#""name":"Jordan A. Shopper","address_line1":"1600 Amphitheatre Parkway","#,
    r#""address_line2":"Suite 400","address_city":"Sunnyvale","address_state":"CA","#,
    r#""address_zip":"94043","address_country":"US","address_line1_check":"pass","#,
    r#""address_zip_check":"pass","cvc_check":"pass","funding":"credit"},"#,
    r#""soft_descriptor":{"dba_name":"EXAMPLE COFFEE ROASTERS","city":"Sunnyvale","#,
    r#""region":"CA","postal_code":"94043","country_code":"US"},"#,
    r#""metadata":{"order_id":"10234","channel":"web","cart_items":3,"loyalty_member":true,"#,
    r#""campaign":"fall-2024-brew","shipping_method":"ground","gift":false,"#,
    r#""session_id":"5f0c8e2a-9d41-4b7e-a3c6-1e2f4b6d8a90","#,
    r#""fulfillment_center":"SJC-2","promo_code":"BREW10","store_id":"ONLINE-01"}}"#,
);

/// The whole HTTP response, status line to last body byte, written with one
/// `write_all` for every charge request.
static RESPONSE: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let mut response = format!(
        "HTTP/1.1 200 OK\r\n\
         content-type: application/json;charset=utf-8\r\n\
         content-length: {}\r\n\
         x-request-id: 9f1c2b7e-5d3a-4c8f-b6e1-2a4d7c9e0f13\r\n\
         \r\n",
        CHARGE_JSON.len()
    )
    .into_bytes();
    response.extend_from_slice(CHARGE_JSON.as_bytes());
    response
});

const NOT_FOUND: &[u8] = b"HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\n\
content-length: 67\r\n\r\n{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"No such route\"}}";

pub const ACCESS_TOKEN: &str = "bench-token";
pub const FORWARDED_FOR: &str = "203.0.113.7";
pub const USER_AGENT_VALUE: &str = concat!("clover-api-rust/", env!("CARGO_PKG_VERSION"));
pub const CHARGE_ID: &str = "CHARGE123";
pub const SOURCE_TOKEN: &str = "clv_1TSTSAMPLE";

/// The body of every `create_charge` call, on both sides.
pub fn create_request() -> CreateChargeRequest {
    CreateChargeRequest::new(1800, "usd", SOURCE_TOKEN)
}

/// Decodes [`CHARGE_JSON`] into the model and checks it carried what it
/// should, so a model change cannot turn the benchmark into an error path.
pub fn check_charge_body() {
    assert!(
        (1600..=1800).contains(&CHARGE_JSON.len()),
        "the charge body is {} bytes, expected about 1.7 KB",
        CHARGE_JSON.len()
    );
    let charge: Charge = serde_json::from_slice(CHARGE_JSON.as_bytes())
        .expect("the benchmark charge decodes into clover_api::models::Charge");
    check_charge(&charge);
}

/// What every decoded response must hold.
pub fn check_charge(charge: &Charge) {
    assert_eq!(charge.id, "WBKGFT6X1VB1G");
    assert_eq!(charge.status, Some(ChargeStatus::Succeeded));
    assert_eq!(charge.amount, Some(1800));
    let source = charge.source.as_ref().expect("source");
    assert_eq!(source.last4.as_deref(), Some("4242"));
    assert_eq!(source.exp_month.as_deref(), Some("12"));
    assert_eq!(charge.metadata.as_ref().map(|m| m.len()), Some(11));
    assert_eq!(charge.warning_message, None);
}

/// A running loopback server; it lives until the process exits.
#[derive(Debug)]
pub struct Server {
    pub url: String,
}

/// While set, the server records the next requests' method, target, header
/// names and body length (only for the startup check).
static RECORDING: AtomicBool = AtomicBool::new(false);
static RECORDED: Mutex<Vec<RequestShape>> = Mutex::new(Vec::new());

/// What the server saw of one request, values of varying headers left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestShape {
    pub method: String,
    pub target: String,
    pub header_names: BTreeSet<String>,
    pub body: Vec<u8>,
}

/// Starts the server on 127.0.0.1, port chosen by the OS, on its own
/// multi-thread tokio runtime (one worker) on its own thread.
pub fn start_server() -> Server {
    let (sender, receiver) = std::sync::mpsc::channel::<SocketAddr>();
    std::thread::Builder::new()
        .name("loopback-server".to_owned())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("loopback-server-worker")
                .enable_io()
                .build()
                .expect("server runtime");
            runtime.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
                sender
                    .send(listener.local_addr().expect("local address"))
                    .expect("report the address");
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        continue;
                    };
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(serve(stream));
                }
            });
        })
        .expect("spawn the server thread");
    let address = receiver.recv().expect("the server started");
    Server {
        url: format!("http://{address}"),
    }
}

/// One keep-alive connection: requests parsed with httparse, bodies skipped
/// by `Content-Length`, the precomputed response written for each.
async fn serve(mut stream: TcpStream) {
    let mut buffer: Vec<u8> = Vec::with_capacity(8 * 1024);
    loop {
        // Answer every complete request already buffered.
        loop {
            let mut headers = [httparse::EMPTY_HEADER; 32];
            let mut request = httparse::Request::new(&mut headers);
            let head_len = match request.parse(&buffer) {
                Ok(httparse::Status::Complete(length)) => length,
                Ok(httparse::Status::Partial) => break,
                Err(_) => return,
            };
            let content_length = request
                .headers
                .iter()
                .find(|header| header.name.eq_ignore_ascii_case("content-length"))
                .and_then(|header| std::str::from_utf8(header.value).ok())
                .and_then(|value| value.trim().parse::<usize>().ok())
                .unwrap_or(0);
            let total = head_len + content_length;
            if buffer.len() < total {
                break;
            }
            let method = request.method.unwrap_or_default();
            let target = request.path.unwrap_or_default();
            let known = match method {
                "POST" => target == "/v1/charges",
                "GET" => target
                    .strip_prefix("/v1/charges/")
                    .is_some_and(|id| !id.is_empty() && !id.contains('/')),
                _ => false,
            };
            if RECORDING.load(Ordering::Relaxed) {
                let shape = RequestShape {
                    method: method.to_owned(),
                    target: target.to_owned(),
                    header_names: request
                        .headers
                        .iter()
                        .map(|header| header.name.to_ascii_lowercase())
                        .collect(),
                    body: buffer[head_len..total].to_vec(),
                };
                RECORDED.lock().expect("recorded").push(shape);
            }
            let response: &[u8] = if known { &RESPONSE } else { NOT_FOUND };
            if stream.write_all(response).await.is_err() {
                return;
            }
            buffer.drain(..total);
        }
        match stream.read_buf(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

/// The SDK client, pointed at the loopback server.
pub fn sdk_client(server: &Server) -> Result<clover_api::Client, Box<dyn Error>> {
    let environment = clover_api::Environment::default()
        .with_base_url(clover_api::Host::Ecommerce, &server.url)?;
    Ok(clover_api::Client::builder()
        .environment(environment)
        .credential(BearerAuth, ACCESS_TOKEN)
        .forwarded_for(FORWARDED_FOR.parse()?)
        .build()?)
}

/// What a careful user would hand-write with reqwest and serde_json: one
/// client, header values built once, the same method, URL, headers and body
/// as the SDK, the status checked, the body decoded into the same model.
#[derive(Debug, Clone)]
pub struct Raw {
    http: reqwest::Client,
    charges_url: String,
    authorization: HeaderValue,
    user_agent: HeaderValue,
    forwarded_for: HeaderValue,
}

const APPLICATION_JSON: HeaderValue = HeaderValue::from_static("application/json");
const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");
const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");

/// Why a hand-written call failed.
#[derive(Debug)]
pub enum RawError {
    Http(reqwest::Error),
    Status(StatusCode),
    Json(serde_json::Error),
}

impl std::fmt::Display for RawError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RawError::Http(error) => write!(f, "transport: {error}"),
            RawError::Status(status) => write!(f, "status {status}"),
            RawError::Json(error) => write!(f, "json: {error}"),
        }
    }
}

impl Error for RawError {}

impl From<reqwest::Error> for RawError {
    fn from(error: reqwest::Error) -> Self {
        RawError::Http(error)
    }
}

impl From<serde_json::Error> for RawError {
    fn from(error: serde_json::Error) -> Self {
        RawError::Json(error)
    }
}

impl Raw {
    pub fn new(server: &Server) -> Result<Raw, Box<dyn Error>> {
        let http = reqwest::Client::builder()
            // The SDK's connection settings: no redirects, the same connect timeout.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(std::time::Duration::from_secs(10))
            .build()?;
        let mut authorization = HeaderValue::from_str(&format!("Bearer {ACCESS_TOKEN}"))?;
        authorization.set_sensitive(true);
        Ok(Raw {
            http,
            charges_url: format!("{}/v1/charges", server.url),
            authorization,
            user_agent: HeaderValue::from_static(USER_AGENT_VALUE),
            forwarded_for: HeaderValue::from_static(FORWARDED_FOR),
        })
    }

    /// `POST /v1/charges` with a fresh idempotency key.
    pub async fn create_charge(&self, body: &CreateChargeRequest) -> Result<Charge, RawError> {
        let body = serde_json::to_vec(body)?;
        let idempotency_key = uuid::Uuid::new_v4().to_string();
        let response = self
            .http
            .post(&self.charges_url)
            .header(ACCEPT, APPLICATION_JSON)
            .header(USER_AGENT, self.user_agent.clone())
            .header(AUTHORIZATION, self.authorization.clone())
            .header(X_FORWARDED_FOR, self.forwarded_for.clone())
            .header(IDEMPOTENCY_KEY, idempotency_key)
            .header(CONTENT_TYPE, APPLICATION_JSON)
            .body(body)
            .send()
            .await?;
        decode(response).await
    }

    /// `GET /v1/charges/{id}`.
    pub async fn get_charge(&self, charge_id: &str) -> Result<Charge, RawError> {
        let response = self
            .http
            .get(format!("{}/{charge_id}", self.charges_url))
            .header(ACCEPT, APPLICATION_JSON)
            .header(USER_AGENT, self.user_agent.clone())
            .header(AUTHORIZATION, self.authorization.clone())
            .send()
            .await?;
        decode(response).await
    }
}

async fn decode(response: reqwest::Response) -> Result<Charge, RawError> {
    let status = response.status();
    let body = response.bytes().await?;
    if !status.is_success() {
        return Err(RawError::Status(status));
    }
    Ok(serde_json::from_slice(&body)?)
}

/// Everything a benchmark needs, checked: the server, both clients, one
/// runtime for both, and the same request shapes on the wire from each.
#[derive(Debug)]
pub struct Setup {
    pub server: Server,
    pub sdk: clover_api::Client,
    pub raw: Raw,
    pub runtime: tokio::runtime::Runtime,
}

impl Setup {
    pub fn new() -> Result<Setup, Box<dyn Error>> {
        check_charge_body();
        let server = start_server();
        let sdk = sdk_client(&server)?;
        let raw = Raw::new(&server)?;
        // Both clients on one current-thread runtime: the benchmark's thread
        // drives the client, the server has its own thread.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let setup = Setup {
            server,
            sdk,
            raw,
            runtime,
        };
        setup.check_same_exchange()?;
        Ok(setup)
    }

    /// One call of each kind from each side, recorded by the server: the
    /// method, target, header names and body must match.
    fn check_same_exchange(&self) -> Result<(), Box<dyn Error>> {
        RECORDING.store(true, Ordering::SeqCst);
        let request = create_request();
        let shapes = self.runtime.block_on(async {
            let mut shapes = Vec::new();
            for call in 0..4 {
                let charge = match call {
                    0 => self.sdk.create_charge(&request).await?,
                    1 => self.raw.create_charge(&request).await?,
                    2 => self.sdk.get_charge(CHARGE_ID, &Default::default()).await?,
                    _ => self.raw.get_charge(CHARGE_ID).await?,
                };
                check_charge(&charge);
                let mut recorded = RECORDED.lock().expect("recorded");
                assert_eq!(recorded.len(), 1, "one request per call");
                shapes.push(recorded.remove(0));
            }
            Ok::<_, Box<dyn Error>>(shapes)
        })?;
        RECORDING.store(false, Ordering::SeqCst);
        for (sdk, raw) in [(&shapes[0], &shapes[1]), (&shapes[2], &shapes[3])] {
            assert_eq!(
                sdk, raw,
                "the SDK and the hand-written call must send the same request"
            );
        }
        Ok(())
    }

    pub async fn sdk_create(&self, request: &CreateChargeRequest) -> Charge {
        let charge = self.sdk.create_charge(request).await;
        charge.expect("sdk create_charge")
    }

    pub async fn raw_create(&self, request: &CreateChargeRequest) -> Charge {
        let charge = self.raw.create_charge(request).await;
        charge.expect("raw create_charge")
    }

    pub async fn sdk_get(&self) -> Charge {
        self.sdk
            .get_charge(CHARGE_ID, &Default::default())
            .await
            .expect("sdk get_charge")
    }

    pub async fn raw_get(&self) -> Charge {
        self.raw
            .get_charge(CHARGE_ID)
            .await
            .expect("raw get_charge")
    }
}

/// What the SDK does with a success body now.
pub fn decode_from_slice(body: &[u8]) -> Charge {
    serde_json::from_slice(body).expect("decodes")
}

/// What the SDK did before: every success body through serde_path_to_error.
pub fn decode_path_to_error(body: &[u8]) -> Charge {
    serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(body))
        .expect("decodes")
}
