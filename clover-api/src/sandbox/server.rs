//! The HTTP side: one loopback listener per Clover host, HTTP/1.1 through
//! hyper, and the path every request takes: log, fault, credential,
//! required headers, idempotency key, operation.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

use super::errors::{Failure, for_status};
use super::exchange::{Exchange, Reply, parse_query};
use super::faults::{Fault, Injections};
use super::idempotency::{Admission, Keys, fingerprint};
use super::log::RecordedRequest;
use super::routes::{self, Credential, Operation};
use super::state::Store;
use crate::Host;
use crate::models::ErrorType;

/// Larger request bodies are refused; the SDK's largest is a few kilobytes.
const MAX_BODY_BYTES: usize = 1024 * 1024;
/// The limit Clover names on a 429 for one access token.
const TOKEN_RATE_LIMIT: &str = "16";

/// What every listener shares, behind one lock that is never held across
/// an await.
#[derive(Debug)]
pub(crate) struct Shared {
    inner: Mutex<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub store: Store,
    pub keys: Keys,
    pub injections: Injections,
    pub log: Vec<RecordedRequest>,
}

impl Shared {
    pub fn new(store: Store) -> Shared {
        Shared {
            inner: Mutex::new(Inner {
                store,
                keys: Keys::default(),
                injections: Injections::default(),
                log: Vec::new(),
            }),
        }
    }

    /// The state; a panic elsewhere (a failed assertion in a test) does
    /// not make every later request fail too.
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Binds a loopback port for `host` and serves it until the task is aborted.
pub(crate) async fn listen(
    host: Host,
    shared: Arc<Shared>,
) -> io::Result<(SocketAddr, JoinHandle<()>)> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let address = listener.local_addr()?;
    Ok((address, tokio::spawn(accept(listener, host, shared))))
}

/// Accepts connections; aborting this task drops the set, which aborts
/// every connection with it.
async fn accept(listener: TcpListener, host: Host, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        // A failed accept concerns only the connection being accepted.
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        while connections.try_join_next().is_some() {}
        connections.spawn(serve(stream, host, Arc::clone(&shared)));
    }
}

async fn serve(stream: TcpStream, host: Host, shared: Arc<Shared>) {
    let reset = Arc::new(AtomicBool::new(false));
    let connection = Connection {
        stream,
        reset: Arc::clone(&reset),
    };
    let service = service_fn(move |request| {
        let (shared, reset) = (Arc::clone(&shared), Arc::clone(&reset));
        async move {
            match respond(request, host, shared).await {
                Outcome::Reply(reply) => Ok(to_response(reply)),
                Outcome::Reset => {
                    reset.store(true, Ordering::SeqCst);
                    Err(ResetConnection)
                }
            }
        }
    });
    // The connection ends with an error when the client goes away or a
    // fault resets it; either way there is no one left to tell.
    let _ = http1::Builder::new()
        .timer(TokioTimer::new())
        .serve_connection(TokioIo::new(connection), service)
        .await;
}

/// What the connection does with a request.
#[derive(Debug)]
enum Outcome {
    Reply(Reply),
    /// Abort the connection instead of answering.
    Reset,
}

/// Reads the body and answers on a task of its own, so an operation under
/// way completes even if the client hangs up.
async fn respond(request: Request<Incoming>, host: Host, shared: Arc<Shared>) -> Outcome {
    let (parts, body) = request.into_parts();
    let body = match read_body(body).await {
        Ok(Some(body)) => body,
        Ok(None) => {
            return Outcome::Reply(
                Failure::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    ErrorType::InvalidRequestError,
                    "The request body is larger than 1 MiB.",
                )
                .into(),
            );
        }
        // The client went away mid-body: there is no one to answer.
        Err(_) => return Outcome::Reset,
    };
    let exchange = Exchange {
        method: parts.method,
        path: parts.uri.path().to_owned(),
        query: parse_query(parts.uri.query()),
        headers: parts.headers,
        body,
        params: Vec::new(),
    };
    tokio::spawn(answer(exchange, host, shared))
        .await
        .unwrap_or_else(|_| {
            Outcome::Reply(Reply::from(Failure::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorType::ApiError,
                "The sandbox failed while handling this request.",
            )))
        })
}

/// The body, or `None` if it is larger than the limit. A body too large
/// is still read to its end, so that the client gets the answer rather
/// than a reset for unread data.
async fn read_body(mut body: Incoming) -> Result<Option<Bytes>, hyper::Error> {
    let mut bytes = Vec::new();
    let mut too_large = false;
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame?.into_data() else {
            continue;
        };
        too_large |= bytes.len() + data.len() > MAX_BODY_BYTES;
        if !too_large {
            bytes.extend_from_slice(&data);
        }
    }
    Ok((!too_large).then(|| Bytes::from(bytes)))
}

async fn answer(mut exchange: Exchange, host: Host, shared: Arc<Shared>) -> Outcome {
    let route = routes::find(&exchange.method, host, &exchange.path);
    let operation = route.as_ref().map(|route| route.operation);
    let (entry, fault) = {
        let mut inner = shared.lock();
        let id = operation.map(|operation| operation.id);
        inner.log.push(RecordedRequest::new(
            host,
            exchange.method.as_str(),
            &exchange.path,
            &exchange.query,
            id,
            &exchange.headers,
        ));
        (inner.log.len() - 1, inner.injections.take(id))
    };
    let outcome = match (fault.as_ref().and_then(injected_reply), route) {
        (Some(reply), _) => Outcome::Reply(reply),
        (None, None) => Outcome::Reply(
            Failure::new(
                StatusCode::NOT_FOUND,
                ErrorType::InvalidRequestError,
                format!(
                    "Unrecognized request URL ({} {}) on the {host} host.",
                    exchange.method, exchange.path
                ),
            )
            .into(),
        ),
        (None, Some(route)) => {
            exchange.params = route.params;
            run(route.operation, &exchange, fault, &shared).await
        }
    };
    if let Outcome::Reply(reply) = &outcome {
        shared.lock().log[entry].status = Some(reply.status.as_u16());
    }
    outcome
}

/// The answer of a fault that answers in place of the operation.
fn injected_reply(fault: &Fault) -> Option<Reply> {
    match fault {
        Fault::Status(status) => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            Some(for_status(status).into())
        }
        Fault::RateLimited { retry_after } => {
            let mut failure = for_status(StatusCode::TOO_MANY_REQUESTS);
            let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
            failure.headers.push(("retry-after", seconds.to_string()));
            failure
                .headers
                .push(("x-ratelimit-tokenlimit", TOKEN_RATE_LIMIT.to_owned()));
            Some(failure.into())
        }
        Fault::ResetAfterCommit | Fault::Latency(_) => None,
    }
}

/// Admits the request, waits out any latency, performs the operation, and
/// resets the connection instead of answering if the fault says so.
async fn run(
    operation: &Operation,
    exchange: &Exchange,
    fault: Option<Fault>,
    shared: &Shared,
) -> Outcome {
    let key = match shared.lock().admit(operation, exchange) {
        Ok(key) => key,
        Err(reply) => return Outcome::Reply(reply),
    };
    if let Some(Fault::Latency(delay)) = fault {
        tokio::time::sleep(delay).await;
    }
    let reply = shared.lock().perform(operation, exchange, key.as_deref());
    if fault == Some(Fault::ResetAfterCommit) {
        Outcome::Reset
    } else {
        Outcome::Reply(reply)
    }
}

impl Inner {
    /// Checks what Clover checks before an operation runs: the host's
    /// credential, required headers, the idempotency key. `Ok` with the key
    /// the answer is to be stored under, or the answer already.
    fn admit(
        &mut self,
        operation: &Operation,
        exchange: &Exchange,
    ) -> Result<Option<String>, Reply> {
        self.check_credential(operation.credential, exchange)
            .map_err(Reply::from)?;
        if operation.requires_forwarded_for
            && exchange.header("x-forwarded-for").is_none_or(str::is_empty)
        {
            return Err(Failure::invalid(
                "x-forwarded-for",
                "The x-forwarded-for header (the shopper's IP address) is required.",
            )
            .into());
        }
        let key = exchange
            .header("idempotency-key")
            .filter(|_| operation.idempotent);
        let Some(key) = key else {
            return Ok(None);
        };
        if uuid::Uuid::try_parse(key).is_err() {
            return Err(Failure::invalid(
                "idempotency-key",
                "The idempotency-key header must be a UUID.",
            )
            .into());
        }
        let request = fingerprint(exchange.method.as_str(), &exchange.path, &exchange.body);
        match self.keys.begin(key, request) {
            Admission::Perform => Ok(Some(key.to_owned())),
            Admission::Replay(reply) => Err(reply),
            Admission::Refuse(failure) => Err(failure.into()),
        }
    }

    fn check_credential(&self, credential: Credential, exchange: &Exchange) -> Result<(), Failure> {
        match credential {
            Credential::None => Ok(()),
            Credential::Bearer => {
                let token = exchange
                    .header("authorization")
                    .and_then(|value| value.split_once(' '))
                    .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                    .map(|(_, token)| token.trim());
                match token {
                    Some(token) if self.store.access_tokens.contains(token) => Ok(()),
                    Some(_) => Err(Failure::unauthorized(
                        "The access token is invalid or expired.",
                    )),
                    None => Err(Failure::unauthorized(
                        "This host needs an access token in `Authorization: Bearer`.",
                    )),
                }
            }
            Credential::ApiKey => match exchange.header("apikey") {
                Some(key) if key == self.store.api_key => Ok(()),
                Some(_) => Err(Failure::unauthorized("The API key is invalid.")),
                None => Err(Failure::unauthorized(
                    "The token host needs the PAKMS key in the `apikey` header.",
                )),
            },
        }
    }

    /// Runs the operation and stores its answer under the key. A bug that
    /// panics answers 500 and frees the key.
    fn perform(&mut self, operation: &Operation, exchange: &Exchange, key: Option<&str>) -> Reply {
        let store = &mut self.store;
        let result = catch_unwind(AssertUnwindSafe(|| store.perform(operation.op, exchange)));
        let reply = match result {
            Ok(answer) => answer.unwrap_or_else(Reply::from),
            Err(_) => {
                if let Some(key) = key {
                    self.keys.abandon(key);
                }
                return Reply::from(Failure::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorType::ApiError,
                    format!("The sandbox failed while performing {}.", operation.id),
                ));
            }
        };
        if let Some(key) = key {
            self.keys.finish(key, &reply);
        }
        reply
    }
}

fn to_response(reply: Reply) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(reply.body)));
    *response.status_mut() = reply.status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    for (name, value) in reply.headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    response
}

/// Returned by the service to make hyper drop the connection unanswered.
#[derive(Debug)]
struct ResetConnection;

impl std::fmt::Display for ResetConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset by an injected fault")
    }
}

impl std::error::Error for ResetConnection {}

/// A TCP stream that, once a fault asks for it, refuses to write and
/// closes with a reset (RST) instead of an orderly shutdown.
struct Connection {
    stream: TcpStream,
    reset: Arc<AtomicBool>,
}

impl Connection {
    fn check(&self) -> io::Result<()> {
        if self.reset.load(Ordering::SeqCst) {
            Err(io::ErrorKind::ConnectionReset.into())
        } else {
            Ok(())
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        if self.reset.load(Ordering::SeqCst) {
            // Should this fail, the close is an orderly one; the client
            // still gets no response.
            let _ = self.stream.set_zero_linger();
        }
    }
}

impl AsyncRead for Connection {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.check()?;
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.check()?;
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.check()?;
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
