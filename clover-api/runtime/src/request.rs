//! A request as plain data, and the `Call` handle that sends it.
//!
//! Generated methods describe an operation with a constant [`Operation`] and
//! fill a [`Request`]; nothing is sent until the returned [`Call`] is awaited.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::net::IpAddr;
use std::pin::Pin;

use bytes::Bytes;
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api::Api;
use crate::client::Client;
use crate::credentials::Security;
use crate::error::{Error, Refusal};
use crate::retry::RetryPolicy;
use crate::secret::Secret;
use crate::validate::{InvalidInput, Validate};

/// What the spec says about one operation; generated code holds one constant
/// per operation.
#[derive(Debug)]
pub struct Operation<A: Api> {
    /// The spec's `operationId`, named in every error.
    pub id: &'static str,
    pub method: Method,
    /// The spec's path template, e.g. `/v1/charges/{chargeId}`.
    pub path: &'static str,
    pub host: A::Host,
    /// The credentials the call may send, and whether it may go without.
    pub security: Security,
    pub forwarded_for: Option<ForwardedFor>,
    /// The idempotency header, when the operation declares one.
    pub idempotency_key: Option<&'static str>,
    /// Whether the call may be sent again after a failure that may have reached the server.
    pub replay: Replay,
}

/// Whether sending an operation twice is harmless, as the spec decides it.
///
/// Every operation is retried after a failure that surely did not reach the
/// server (no connection) and after a 429; only a [`Replay::Safe`] one after
/// a failure that may have (a reset, a timeout, a 5xx).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replay {
    /// A read, or a write that carries an idempotency key: a second copy
    /// changes nothing.
    Safe,
    /// A write without a key, or one that spends a single-use input (an
    /// OAuth code, a refresh token): a second copy may act twice or fail.
    Never,
}

/// The shopper's IP header an operation declares.
#[derive(Debug, Clone, Copy)]
pub struct ForwardedFor {
    pub header: &'static str,
    pub required: bool,
}

/// Path, query, headers and body of one call, as a generated method fills
/// them in, before credentials and context.
pub struct Request<A: Api> {
    pub(crate) operation: &'static Operation<A>,
    pub(crate) path: Vec<String>,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Option<Bytes>,
    /// Set when the input is invalid; the call then fails without sending.
    pub(crate) refusal: Option<Refusal>,
}

impl<A: Api> Request<A> {
    /// `path` holds one value per segment of the operation's template. A
    /// parameter that is empty, `.` or `..` would address another endpoint,
    /// so the request is refused, naming the parameter.
    pub fn new(operation: &'static Operation<A>, path: &[&str]) -> Self {
        let template = operation.path.split('/').skip(1);
        let refusal = path
            .iter()
            .zip(template)
            .find(|(value, _)| matches!(**value, "" | "." | ".."))
            .map(|(_, piece)| {
                Refusal::InvalidInput(InvalidInput {
                    field: piece
                        .trim_start_matches('{')
                        .trim_end_matches('}')
                        .to_owned(),
                    problem: "is empty, `.` or `..`, which would address another endpoint"
                        .to_owned(),
                })
            });
        Request {
            operation,
            path: path.iter().map(|segment| (*segment).to_owned()).collect(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            refusal,
        }
    }

    pub fn query<V: ParamValue + ?Sized>(&mut self, name: &'static str, value: &V) {
        value.append_to(name, &mut self.query);
    }

    pub fn header<V: ParamValue + ?Sized>(&mut self, name: &'static str, value: &V) {
        value.append_to(name, &mut self.headers);
    }

    pub fn validate<V: Validate>(&mut self, value: &V) {
        self.check(value.validate(""));
    }

    /// Keeps the first failed check of a parameter, which refuses the call.
    pub fn check(&mut self, result: Result<(), InvalidInput>) {
        if self.refusal.is_none() {
            self.refusal = result.err().map(Refusal::InvalidInput);
        }
    }

    pub fn body<B: Serialize + Validate>(&mut self, body: &B) {
        self.validate(body);
        let json = serde_json::to_vec(body).expect("generated models serialize to JSON");
        self.body = Some(Bytes::from(json));
    }
}

/// Names only the operation: the body and parameters may hold card data.
impl<A: Api> fmt::Debug for Request<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("operation", &self.operation.id)
            .finish_non_exhaustive()
    }
}

/// A value that can be sent as a query or header parameter.
pub trait ParamValue {
    fn append_to(&self, name: &'static str, out: &mut Vec<(&'static str, String)>);
}

impl ParamValue for str {
    fn append_to(&self, name: &'static str, out: &mut Vec<(&'static str, String)>) {
        out.push((name, self.to_owned()));
    }
}

impl ParamValue for String {
    fn append_to(&self, name: &'static str, out: &mut Vec<(&'static str, String)>) {
        self.as_str().append_to(name, out);
    }
}

impl ParamValue for Secret {
    fn append_to(&self, name: &'static str, out: &mut Vec<(&'static str, String)>) {
        self.expose().append_to(name, out);
    }
}

macro_rules! display_param {
    ($($ty:ty),*) => {$(
        impl ParamValue for $ty {
            fn append_to(&self, name: &'static str, out: &mut Vec<(&'static str, String)>) {
                out.push((name, self.to_string()));
            }
        }
    )*};
}

display_param!(i32, i64, f64, bool);

impl<T: ParamValue> ParamValue for Option<T> {
    fn append_to(&self, name: &'static str, out: &mut Vec<(&'static str, String)>) {
        if let Some(value) = self {
            value.append_to(name, out);
        }
    }
}

/// A list is sent as the parameter repeated (`expand=a&expand=b`).
impl<T: ParamValue> ParamValue for [T] {
    fn append_to(&self, name: &'static str, out: &mut Vec<(&'static str, String)>) {
        for value in self {
            value.append_to(name, out);
        }
    }
}

impl<T: ParamValue> ParamValue for Vec<T> {
    fn append_to(&self, name: &'static str, out: &mut Vec<(&'static str, String)>) {
        self.as_slice().append_to(name, out);
    }
}

/// Per-call settings that override the client's.
#[derive(Debug, Default)]
pub(crate) struct CallOptions {
    pub forwarded_for: Option<IpAddr>,
    pub idempotency_key: Option<String>,
    pub retry: Option<RetryPolicy>,
}

/// One API call, ready to send: `.await` it, after any per-call settings.
///
/// In a generated crate such as `clover-api`:
///
/// ```ignore
/// # async fn run(client: clover_api::Client, request: clover_api::models::CreateChargeRequest) -> Result<(), clover_api::Error> {
/// let charge = client
///     .create_charge(&request)
///     .forwarded_for("203.0.113.7".parse().unwrap())
///     .idempotency_key("9d7c8a0e-2f37-4a55-9a2e-0b3b6e4a1c11")
///     .await?;
/// # Ok(()) }
/// ```
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<'a, A: Api, T> {
    client: &'a Client<A>,
    request: Request<A>,
    options: CallOptions,
    output: PhantomData<fn() -> T>,
}

impl<'a, A: Api, T> Call<'a, A, T> {
    pub(crate) fn new(client: &'a Client<A>, request: Request<A>) -> Self {
        Call {
            client,
            request,
            options: CallOptions::default(),
            output: PhantomData,
        }
    }

    /// The end user's IP address for this call, instead of the client's default.
    /// Only for operations that declare the header.
    pub fn forwarded_for(mut self, address: IpAddr) -> Self {
        self.options.forwarded_for = Some(address);
        self
    }

    /// The idempotency key to send instead of a fresh UUID v4. Reuse the key
    /// of a call whose outcome is unknown to retry it without charging twice.
    /// Only for operations that declare the header.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.options.idempotency_key = Some(key.into());
        self
    }

    /// How this call is retried, instead of the client's policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.options.retry = Some(policy);
        self
    }

    /// Sends this call once: no retry, whatever the failure. (An expiring
    /// token refused with a 401 is still renewed and the call sent again:
    /// the server refused it, so nothing happened.)
    pub fn no_retry(self) -> Self {
        self.retry(RetryPolicy::never())
    }
}

impl<A: Api, T> fmt::Debug for Call<'_, A, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("operation", &self.request.operation.id)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<'a, A: Api, T: DeserializeOwned + 'a> IntoFuture for Call<'a, A, T> {
    type Output = Result<T, Error<A>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.client.execute(self.request, self.options))
    }
}
