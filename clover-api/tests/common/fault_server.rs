//! A small, stateful stand-in for Clover's hosts on loopback, with faults
//! that can be injected per request.
//!
//! Wiremock answers from canned templates, so it cannot show what a retry
//! meets after the first attempt *did* take effect. This server keeps the
//! state that makes retries interesting (charges, single-use card tokens,
//! idempotency keys, OAuth codes and tokens) and owns the raw socket, so a
//! fault can commit an operation and then drop the connection with a TCP RST,
//! answer late, or answer an error without doing anything.
//!
//! One server on one port serves the paths of every Clover host. It speaks
//! just enough HTTP/1.1 for the SDK: `content-length` request bodies (no
//! chunked bodies), keep-alive connections, JSON responses.

use std::collections::{HashMap, HashSet};
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// A Bearer credential the server accepts from the start and never expires.
pub const ACCESS_TOKEN: &str = "fault-SECRET-bearer-9c41d7e2";
/// The PAKMS key: returned by `GET /pakms/apikey`, required as the `apikey`
/// header of `POST /v1/tokens`.
pub const PAKMS_KEY: &str = "fault-SECRET-pakms-6b0e3a58";

const MERCHANT_ID: &str = "MERCHANT0001";
/// Lifetime of issued access tokens until a test sets another one.
const DEFAULT_ACCESS_TOKEN_LIFETIME: i64 = 3600;
/// Refresh tokens are only ever retired by use, but clients want a date.
const REFRESH_TOKEN_LIFETIME: i64 = 365 * 24 * 3600;
/// Enough for any request the SDK sends; more fails the connection.
const MAX_HEADERS: usize = 64;

/// What the server does to a request instead of (or on top of) answering it
/// normally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Performs the operation fully (the charge exists, the idempotency key
    /// holds its response), then aborts the connection with a TCP RST and no
    /// response: the client cannot tell whether the operation happened.
    ResetAfterCommit,
    /// Answers this status with a Clover error body without performing the
    /// operation.
    Status(u16),
    /// Answers 429 with `x-ratelimit-tokenlimit: 16` and, if given, this
    /// `retry-after` value verbatim (seconds or an HTTP date); the operation
    /// is not performed.
    RateLimited { retry_after: Option<String> },
    /// Answers 409 `idempotency_error` as if an earlier attempt with the same
    /// key were still being processed. The operation itself is committed
    /// *before* the 409 is written, so any retry with the same key, on any
    /// connection, deterministically gets the replayed success.
    ConflictWhileProcessing,
    /// Performs and commits the operation, then waits this long before
    /// writing the response, so a client with a shorter timeout gives up
    /// after the operation took effect.
    Delay(Duration),
}

/// One request as received, without credential values or bodies (which
/// carry card numbers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub method: String,
    /// The request target: path and query.
    pub path: String,
    pub idempotency_key: Option<String>,
    pub forwarded_for: Option<String>,
    /// Lowercase names of the headers present, in the order received.
    pub header_names: Vec<String>,
}

/// A running server; it stops accepting connections when dropped.
#[derive(Debug)]
pub struct FaultServer {
    address: SocketAddr,
    state: Arc<Mutex<State>>,
    accept_loop: JoinHandle<()>,
}

impl FaultServer {
    /// Binds a free loopback port and starts accepting connections.
    pub async fn start() -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free loopback port");
        let address = listener
            .local_addr()
            .expect("a bound listener has an address");
        let state = Arc::new(Mutex::new(State::new()));
        let accept_loop = tokio::spawn(accept(listener, Arc::clone(&state)));
        FaultServer {
            address,
            state,
            accept_loop,
        }
    }

    /// The base URL for every Clover host, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Applies `fault` to the next `times` requests whose method is `method`
    /// and whose path (with query) starts with `path_prefix`. A request
    /// takes the oldest injection it matches; `times == 0` injects nothing.
    pub fn inject(
        &self,
        method: &'static str,
        path_prefix: &'static str,
        fault: Fault,
        times: usize,
    ) {
        if times > 0 {
            self.state().injections.push(Injection {
                method,
                path_prefix,
                fault,
                remaining: times,
            });
        }
    }

    /// Committed charges, oldest first.
    pub fn charges(&self) -> Vec<Value> {
        self.state().charges.clone()
    }

    /// Every request received so far, faulted or not, oldest first.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state().requests.clone()
    }

    /// Makes `code` exchangeable, once, at `POST /oauth/v2/token`.
    pub fn add_oauth_code(&self, code: &str) {
        self.state().oauth_codes.insert(code.to_owned());
    }

    /// Sets how long access tokens issued from now on stay valid; zero or
    /// less issues tokens that are already expired.
    pub fn set_access_token_lifetime(&self, seconds: i64) {
        self.state().access_token_lifetime = seconds;
    }

    /// Makes `token` answer 401 from now on.
    pub fn expire_access_token(&self, token: &str) {
        self.state().access_tokens.remove(token);
    }

    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.accept_loop.abort();
    }
}

/// A test that panics must not make every later call on the server panic
/// too, so a poisoned lock is used as is.
fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

async fn accept(listener: TcpListener, state: Arc<Mutex<State>>) {
    loop {
        // A failed accept concerns only the connection being accepted.
        if let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream, Arc::clone(&state)));
        }
    }
}

/// Answers requests on one connection until the client closes it, sends
/// something unparsable, or goes away while waiting for an answer.
async fn serve(stream: TcpStream, state: Arc<Mutex<State>>) {
    let mut connection = Connection {
        stream,
        buffer: Vec::new(),
    };
    while let Ok(Some(request)) = connection.next_request().await {
        // The guard is a temporary of this statement: never held across an await.
        let reply = lock(&state).handle(&request);
        let sent = match reply {
            Reply::Send(response) => connection.send(&response).await,
            Reply::SendAfter(delay, response) => {
                tokio::time::sleep(delay).await;
                connection.send(&response).await
            }
            Reply::Reset => return connection.reset(),
        };
        if sent.is_err() {
            return;
        }
    }
}

/// What the connection does once the state has handled a request.
enum Reply {
    Send(Response),
    SendAfter(Duration, Response),
    /// Abort the connection instead of answering.
    Reset,
}

struct Connection {
    stream: TcpStream,
    /// Bytes read but not yet consumed by a request.
    buffer: Vec<u8>,
}

impl Connection {
    /// The next complete request, or `None` once the client has closed.
    async fn next_request(&mut self) -> io::Result<Option<Request>> {
        loop {
            if let Some(request) = self.take_request()? {
                return Ok(Some(request));
            }
            if self.stream.read_buf(&mut self.buffer).await? == 0 {
                return Ok(None);
            }
        }
    }

    /// Removes one request from the buffer if it is there in full.
    fn take_request(&mut self) -> io::Result<Option<Request>> {
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut head = httparse::Request::new(&mut headers);
        let httparse::Status::Complete(head_length) =
            head.parse(&self.buffer).map_err(invalid_data)?
        else {
            return Ok(None);
        };
        let headers: Vec<(String, String)> = head
            .headers
            .iter()
            .map(|header| {
                let value = String::from_utf8_lossy(header.value).into_owned();
                (header.name.to_ascii_lowercase(), value)
            })
            .collect();
        let end = head_length + body_length(&headers)?;
        if self.buffer.len() < end {
            return Ok(None);
        }
        let request = Request {
            method: head.method.unwrap_or_default().to_owned(),
            path: head.path.unwrap_or_default().to_owned(),
            headers,
            body: self.buffer[head_length..end].to_vec(),
        };
        self.buffer.drain(..end);
        Ok(Some(request))
    }

    async fn send(&mut self, response: &Response) -> io::Result<()> {
        self.stream.write_all(&response.to_bytes()).await
    }

    /// Closes with a TCP RST: with a zero linger time the kernel aborts the
    /// connection on close instead of shutting it down.
    fn reset(self) {
        // Should this fail, dropping still closes the connection (with a
        // FIN) before any response, which the client sees as an error too.
        let _ = self.stream.set_zero_linger();
    }
}

/// The declared body length; chunked bodies are refused because the SDK
/// never sends them and this server does not decode them.
fn body_length(headers: &[(String, String)]) -> io::Result<usize> {
    if headers.iter().any(|(name, _)| name == "transfer-encoding") {
        return Err(invalid_data("chunked request bodies are not supported"));
    }
    headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .map_or(Ok(0), |(_, value)| {
            value.trim().parse().map_err(invalid_data)
        })
}

fn invalid_data(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, error)
}

struct Request {
    method: String,
    path: String,
    /// Names in lowercase.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(known, _)| known == name)
            .map(|(_, value)| value.as_str())
    }

    fn json(&self) -> Result<Value, Response> {
        serde_json::from_slice(&self.body)
            .map_err(|_| clover_error(400, Some("invalid_request"), "The body is not JSON.", None))
    }

    fn record(&self) -> Recorded {
        Recorded {
            method: self.method.clone(),
            path: self.path.clone(),
            idempotency_key: self.header("idempotency-key").map(str::to_owned),
            forwarded_for: self.header("x-forwarded-for").map(str::to_owned),
            header_names: self.headers.iter().map(|(name, _)| name.clone()).collect(),
        }
    }
}

/// A JSON response; cloned when stored for idempotent replay.
#[derive(Debug, Clone)]
struct Response {
    status: u16,
    /// Headers beyond the ones every response carries.
    headers: Vec<(&'static str, String)>,
    body: Value,
}

impl Response {
    fn ok(body: Value) -> Response {
        Response {
            status: 200,
            headers: Vec::new(),
            body,
        }
    }

    fn to_bytes(&self) -> Vec<u8> {
        let body = self.body.to_string();
        let extra: String = self
            .headers
            .iter()
            .map(|(name, value)| format!("{name}: {value}\r\n"))
            .collect();
        format!(
            "HTTP/1.1 {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
             connection: keep-alive\r\n{extra}\r\n{body}",
            status_line(self.status),
            body.len(),
        )
        .into_bytes()
    }
}

/// `404 Not Found`: Clover's top-level `message`.
fn status_line(status: u16) -> String {
    let reason = StatusCode::from_u16(status)
        .ok()
        .and_then(|code| code.canonical_reason())
        .unwrap_or("Unknown");
    format!("{status} {reason}")
}

/// A Clover error body; `type` follows from the status.
fn clover_error(status: u16, code: Option<&str>, message: &str, param: Option<&str>) -> Response {
    let mut error = json!({ "type": error_type(status), "message": message });
    if let Some(code) = code {
        error["code"] = code.into();
    }
    if let Some(param) = param {
        error["param"] = param.into();
    }
    Response {
        status,
        headers: Vec::new(),
        body: json!({ "message": status_line(status), "error": error }),
    }
}

fn error_type(status: u16) -> &'static str {
    match status {
        401 | 403 => "authentication_error",
        402 => "card_error",
        409 => "idempotency_error",
        429 => "rate_limit_error",
        500.. => "api_error",
        _ => "invalid_request_error",
    }
}

/// The `code` of an injected [`Fault::Status`] error.
fn default_code(status: u16) -> Option<&'static str> {
    match status {
        401 | 403 => None,
        402 => Some("card_declined"),
        404 => Some("resource_missing"),
        409 | 500.. => Some("processing_error"),
        429 => Some("rate_limit"),
        _ => Some("invalid_request"),
    }
}

fn bad_request(code: &str, message: &str, param: &str) -> Response {
    clover_error(400, Some(code), message, Some(param))
}

fn unauthorized(message: &str) -> Response {
    clover_error(401, None, message, None)
}

fn rate_limited(retry_after: Option<String>) -> Response {
    let mut response = clover_error(429, Some("rate_limit"), "Too many requests.", None);
    response
        .headers
        .push(("x-ratelimit-tokenlimit", "16".to_owned()));
    if let Some(value) = retry_after {
        response.headers.push(("retry-after", value));
    }
    response
}

fn conflict() -> Response {
    let message = "A request with this idempotency key is still being processed.";
    clover_error(409, Some("processing_error"), message, None)
}

/// The operations the server knows, by method and path (query ignored).
enum Route {
    ApiKey,
    Tokenize,
    CreateCharge,
    GetCharge(String),
    ExchangeCode,
    Refresh,
    Unknown,
}

impl Route {
    fn of(request: &Request) -> Route {
        let path = request.path.split('?').next().unwrap_or_default();
        match (request.method.as_str(), path) {
            ("GET", "/pakms/apikey") => Route::ApiKey,
            ("POST", "/v1/tokens") => Route::Tokenize,
            ("POST", "/v1/charges") => Route::CreateCharge,
            ("POST", "/oauth/v2/token") => Route::ExchangeCode,
            ("POST", "/oauth/v2/refresh") => Route::Refresh,
            ("GET", path) => match path.strip_prefix("/v1/charges/") {
                Some(id) if !id.is_empty() && !id.contains('/') => Route::GetCharge(id.to_owned()),
                _ => Route::Unknown,
            },
            _ => Route::Unknown,
        }
    }
}

/// One queued [`Fault`] and how many more requests it applies to.
#[derive(Debug)]
struct Injection {
    method: &'static str,
    path_prefix: &'static str,
    fault: Fault,
    remaining: usize,
}

#[derive(Debug)]
struct State {
    injections: Vec<Injection>,
    requests: Vec<Recorded>,
    /// The response of each completed keyed `POST`, replayed on a repeat.
    replays: HashMap<String, Response>,
    charges: Vec<Value>,
    unspent_tokens: HashSet<String>,
    spent_tokens: HashSet<String>,
    oauth_codes: HashSet<String>,
    refresh_tokens: HashSet<String>,
    /// Valid Bearer tokens and when each expires, in Unix seconds.
    access_tokens: HashMap<String, i64>,
    access_token_lifetime: i64,
    /// Makes every generated id unique within this server.
    serial: u64,
}

impl State {
    fn new() -> State {
        State {
            injections: Vec::new(),
            requests: Vec::new(),
            replays: HashMap::new(),
            charges: Vec::new(),
            unspent_tokens: HashSet::new(),
            spent_tokens: HashSet::new(),
            oauth_codes: HashSet::new(),
            refresh_tokens: HashSet::new(),
            access_tokens: HashMap::from([(ACCESS_TOKEN.to_owned(), i64::MAX)]),
            access_token_lifetime: DEFAULT_ACCESS_TOKEN_LIFETIME,
            serial: 0,
        }
    }

    /// Records the request, applies its fault if one is queued, and updates
    /// the state in one step, so concurrent requests see each other whole.
    fn handle(&mut self, request: &Request) -> Reply {
        self.requests.push(request.record());
        let Some(fault) = self.take_fault(request) else {
            return Reply::Send(self.respond(request));
        };
        match fault {
            Fault::ResetAfterCommit => {
                self.respond(request);
                Reply::Reset
            }
            Fault::Status(status) => {
                let message = "Injected failure; nothing was done.";
                Reply::Send(clover_error(status, default_code(status), message, None))
            }
            Fault::RateLimited { retry_after } => Reply::Send(rate_limited(retry_after)),
            Fault::ConflictWhileProcessing => {
                self.respond(request);
                Reply::Send(conflict())
            }
            Fault::Delay(delay) => Reply::SendAfter(delay, self.respond(request)),
        }
    }

    /// The oldest injected fault matching the request, used up by one.
    fn take_fault(&mut self, request: &Request) -> Option<Fault> {
        let index = self.injections.iter().position(|injection| {
            injection.method.eq_ignore_ascii_case(&request.method)
                && request.path.starts_with(injection.path_prefix)
        })?;
        let injection = &mut self.injections[index];
        injection.remaining -= 1;
        let fault = injection.fault.clone();
        if injection.remaining == 0 {
            self.injections.remove(index);
        }
        Some(fault)
    }

    /// The normal answer: credentials first, then an idempotent replay if
    /// the key was seen, else the operation, whose response (success or
    /// error) is stored under the key.
    fn respond(&mut self, request: &Request) -> Response {
        let route = Route::of(request);
        if let Err(refused) = self.authorize(&route, request) {
            return refused;
        }
        let key = request
            .header("idempotency-key")
            .filter(|_| request.method == "POST");
        if let Some(stored) = key.and_then(|key| self.replays.get(key)) {
            return stored.clone();
        }
        let response = self.perform(route, request).unwrap_or_else(|error| error);
        if let Some(key) = key {
            self.replays.insert(key.to_owned(), response.clone());
        }
        response
    }

    fn authorize(&self, route: &Route, request: &Request) -> Result<(), Response> {
        match route {
            Route::ApiKey | Route::CreateCharge | Route::GetCharge(_) => self.check_bearer(request),
            Route::Tokenize if request.header("apikey") != Some(PAKMS_KEY) => {
                Err(unauthorized("The API key is invalid."))
            }
            _ => Ok(()),
        }
    }

    fn check_bearer(&self, request: &Request) -> Result<(), Response> {
        let token = request
            .header("authorization")
            .and_then(|value| value.strip_prefix("Bearer "));
        let expires = token.and_then(|token| self.access_tokens.get(token));
        if expires.is_some_and(|expires| unix_seconds() < *expires) {
            Ok(())
        } else {
            Err(unauthorized("The access token is invalid or expired."))
        }
    }

    fn perform(&mut self, route: Route, request: &Request) -> Result<Response, Response> {
        let body = match route {
            Route::ApiKey => api_key_record(),
            Route::Tokenize => self.tokenize(request)?,
            Route::CreateCharge => self.create_charge(request)?,
            Route::GetCharge(id) => self.charge(&id)?,
            Route::ExchangeCode => self.exchange_code(request)?,
            Route::Refresh => self.refresh(request)?,
            Route::Unknown => {
                let message = "Unrecognized request URL.";
                return Err(clover_error(404, Some("resource_missing"), message, None));
            }
        };
        Ok(Response::ok(body))
    }

    fn tokenize(&mut self, request: &Request) -> Result<Value, Response> {
        if !request.json()?.get("card").is_some_and(Value::is_object) {
            return Err(bad_request("invalid_request", "card is required.", "card"));
        }
        let id = format!("clv_1TST{:020}", self.next_serial());
        self.unspent_tokens.insert(id.clone());
        Ok(json!({ "id": id, "object": "token", "card": test_card() }))
    }

    fn create_charge(&mut self, request: &Request) -> Result<Value, Response> {
        let body = request.json()?;
        let amount = body
            .get("amount")
            .and_then(Value::as_i64)
            .filter(|amount| *amount > 0)
            .ok_or_else(|| {
                let message = "amount must be a positive integer.";
                bad_request("invalid_charge_amount", message, "amount")
            })?;
        let currency = string_field(&body, "currency")?;
        let token = string_field(&body, "source")?;
        self.spend_token(token)?;
        let serial = self.next_serial();
        let mut source = test_card();
        source["id"] = token.into();
        let charge = json!({
            "id": format!("CH{serial:013}"),
            "object": "charge",
            "amount": amount,
            "amount_refunded": 0,
            "currency": currency,
            "created": unix_millis(),
            "captured": true,
            "paid": true,
            "status": "succeeded",
            "source": source,
            "ref_num": format!("{serial:09}"),
            "auth_code": format!("{serial:06}"),
        });
        self.charges.push(charge.clone());
        Ok(charge)
    }

    fn spend_token(&mut self, token: &str) -> Result<(), Response> {
        if self.unspent_tokens.remove(token) {
            self.spent_tokens.insert(token.to_owned());
            Ok(())
        } else if self.spent_tokens.contains(token) {
            let message = "The token has already been used; create a new one.";
            Err(bad_request("token_already_used", message, "source"))
        } else {
            Err(bad_request("invalid_request", "No such token.", "source"))
        }
    }

    fn charge(&self, id: &str) -> Result<Value, Response> {
        self.charges
            .iter()
            .find(|charge| charge["id"] == id)
            .cloned()
            .ok_or_else(|| {
                let message = "No such charge.";
                clover_error(404, Some("resource_missing"), message, Some("chargeId"))
            })
    }

    fn exchange_code(&mut self, request: &Request) -> Result<Value, Response> {
        let body = request.json()?;
        string_field(&body, "client_id")?;
        let proof = ["client_secret", "code_verifier"];
        if !proof
            .iter()
            .any(|name| body.get(name).is_some_and(Value::is_string))
        {
            let message = "Send client_secret or code_verifier.";
            return Err(bad_request("invalid_request", message, "client_secret"));
        }
        if !self.oauth_codes.remove(string_field(&body, "code")?) {
            let message = "The authorization code is invalid or was already used.";
            return Err(bad_request("invalid_request", message, "code"));
        }
        Ok(self.issue_tokens())
    }

    fn refresh(&mut self, request: &Request) -> Result<Value, Response> {
        let body = request.json()?;
        string_field(&body, "client_id")?;
        let refresh_token = string_field(&body, "refresh_token")?;
        if !self.refresh_tokens.remove(refresh_token) {
            let message = "The refresh token is invalid or was already used.";
            return Err(bad_request("invalid_request", message, "refresh_token"));
        }
        Ok(self.issue_tokens())
    }

    /// A new access and refresh token pair, both usable from now on.
    fn issue_tokens(&mut self) -> Value {
        let serial = self.next_serial();
        let access_token = format!("access-SECRET-{serial:06}");
        let refresh_token = format!("refresh-SECRET-{serial:06}");
        let now = unix_seconds();
        let access_expiration = now + self.access_token_lifetime;
        self.access_tokens
            .insert(access_token.clone(), access_expiration);
        self.refresh_tokens.insert(refresh_token.clone());
        json!({
            "access_token": access_token,
            "access_token_expiration": access_expiration,
            "refresh_token": refresh_token,
            "refresh_token_expiration": now + REFRESH_TOKEN_LIFETIME,
        })
    }

    fn next_serial(&mut self) -> u64 {
        self.serial += 1;
        self.serial
    }
}

fn api_key_record() -> Value {
    json!({ "active": true, "apiAccessKey": PAKMS_KEY, "merchantUuid": MERCHANT_ID })
}

/// The card behind every token, whatever card was sent.
fn test_card() -> Value {
    json!({
        "last4": "4242",
        "first6": "424242",
        "exp_month": "12",
        "exp_year": "2030",
        "brand": "VISA",
    })
}

fn string_field<'a>(body: &'a Value, name: &str) -> Result<&'a str, Response> {
    body.get(name).and_then(Value::as_str).ok_or_else(|| {
        let message = format!("{name} is required and must be a string.");
        bad_request("invalid_request", &message, name)
    })
}

fn unix_seconds() -> i64 {
    since_epoch()
        .as_secs()
        .try_into()
        .expect("seconds fit in i64")
}

fn unix_millis() -> i64 {
    since_epoch()
        .as_millis()
        .try_into()
        .expect("milliseconds fit in i64")
}

fn since_epoch() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
}
