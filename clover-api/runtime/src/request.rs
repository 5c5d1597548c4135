//! A request as plain data, and the `Call` handle that sends it.
//!
//! Generated methods describe an operation with a constant [`Operation`] and
//! fill a [`Request`]; nothing is sent until the returned [`Call`] is awaited.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::net::IpAddr;
use std::pin::Pin;

use bytes::Bytes;
use reqwest::Method;
use serde::Serialize;

use crate::api::Api;
use crate::client::Client;
use crate::credentials::Security;
use crate::decode::DecodeFailure;
use crate::error::{Error, Refusal};
use crate::form::{Delimiter, Fields, FormFields, ObjectStyle, Query};
use crate::retry::RetryPolicy;
use crate::secret::Secret;
use crate::validate::{self, InvalidInput, Validate};

/// What the spec says about one operation; generated code holds one constant
/// per operation.
#[derive(Debug)]
pub struct Operation<A: Api> {
    /// The spec's `operationId`, named in every error.
    pub id: &'static str,
    /// A reference, so that an operation has no destructor and
    /// `Operation { …, ..Operation::new(…) }` is a constant.
    pub method: &'static Method,
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

impl<A: Api> Operation<A> {
    /// An operation sent without credentials or extra headers, and never sent
    /// again after a failure that may have reached the server; generated code
    /// sets what differs (`Operation { replay: Replay::Safe, ..Operation::new(…) }`).
    pub const fn new(
        id: &'static str,
        method: &'static Method,
        path: &'static str,
        host: A::Host,
    ) -> Self {
        Operation {
            id,
            method,
            path,
            host,
            security: Security::NONE,
            forwarded_for: None,
            idempotency_key: None,
            replay: Replay::Never,
        }
    }
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

impl ForwardedFor {
    /// A header the call is refused without.
    pub const fn required(header: &'static str) -> Self {
        ForwardedFor {
            header,
            required: true,
        }
    }

    /// A header sent when the client or the call has an address.
    pub const fn optional(header: &'static str) -> Self {
        ForwardedFor {
            header,
            required: false,
        }
    }
}

/// Path, query, headers and body of one call, as a generated method fills
/// them in, before credentials and context.
pub struct Request<A: Api> {
    pub(crate) operation: &'static Operation<A>,
    /// The path's segments, parameters in place, not yet percent-encoded.
    pub(crate) path: Vec<String>,
    /// Already encoded, as the query's styles require.
    pub(crate) query: Query,
    pub(crate) headers: Vec<(&'static str, String)>,
    /// `name=value` pairs, each value percent-encoded, for the `Cookie` header.
    pub(crate) cookies: Vec<String>,
    pub(crate) body: Option<Body>,
    /// The media types the success response may come in, when not JSON.
    pub(crate) accept: Option<&'static str>,
    /// Set when the input is invalid; the call then fails without sending.
    pub(crate) refusal: Option<Refusal>,
}

/// A request body and its `Content-Type`.
pub(crate) struct Body {
    pub content_type: String,
    pub bytes: Bytes,
}

impl<A: Api> Request<A> {
    /// `path` holds the value of each parameter of the operation's path
    /// template, in the order the template names them; each is one piece of
    /// its segment. A value that is empty, `.` or `..` could address another
    /// endpoint, so the request is refused, naming the parameter.
    pub fn new(operation: &'static Operation<A>, path: &[&dyn ParamValue]) -> Self {
        let mut values = path.iter();
        let mut refusal = None;
        let mut segments = Vec::new();
        for template in operation.path.split('/').skip(1) {
            let mut segment = String::new();
            for piece in pieces(template) {
                match piece {
                    Piece::Literal(text) => segment.push_str(text),
                    Piece::Param(name) => {
                        let value = values
                            .next()
                            .and_then(|value| joined(*value))
                            .unwrap_or_default();
                        if refusal.is_none() && matches!(value.as_str(), "" | "." | "..") {
                            refusal = Some(Refusal::InvalidInput(InvalidInput {
                                field: name.to_owned(),
                                problem:
                                    "is empty, `.` or `..`, which would address another endpoint"
                                        .to_owned(),
                            }));
                        }
                        segment.push_str(&value);
                    }
                }
            }
            segments.push(segment);
        }
        Request {
            operation,
            path: segments,
            query: Query::default(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: None,
            accept: None,
            refusal,
        }
    }

    /// A query parameter, a list repeated (`a=1&a=2`: `form`, exploded).
    pub fn query<V: ParamValue + ?Sized>(&mut self, name: &'static str, value: &V) {
        for text in texts(value) {
            self.query.pair(name, &text);
        }
    }

    /// A list query parameter as one value, its items joined by `delimiter`.
    pub fn query_joined<V: ParamValue + ?Sized>(
        &mut self,
        name: &'static str,
        delimiter: Delimiter,
        value: &V,
    ) {
        let texts = texts(value);
        self.query
            .joined(name, delimiter, texts.iter().map(String::as_str));
    }

    /// An object query parameter, written in `style`.
    pub fn query_object<V: FormFields + ?Sized>(
        &mut self,
        name: &'static str,
        style: ObjectStyle,
        value: &V,
    ) {
        self.query.object(name, style, &Fields::of(value));
    }

    /// A header; a list's items are joined by commas (`simple`).
    pub fn header<V: ParamValue + ?Sized>(&mut self, name: &'static str, value: &V) {
        if let Some(joined) = joined(value) {
            self.headers.push((name, joined));
        }
    }

    /// A cookie; a list's items are joined by commas (`form`, not exploded).
    pub fn cookie<V: ParamValue + ?Sized>(&mut self, name: &'static str, value: &V) {
        if let Some(joined) = joined(value) {
            let value = percent_encoding::utf8_percent_encode(&joined, COOKIE_VALUE);
            self.cookies.push(format!("{name}={value}"));
        }
    }

    /// The media types the success may come in, when they are not JSON.
    pub fn accept(&mut self, media_types: &'static str) {
        self.accept = Some(media_types);
    }

    /// Runs the checks of a body, or of a parameter struct, that has any.
    pub fn validate<V: Validate + ?Sized>(&mut self, value: &V) {
        self.check(|_| value.validate(validate::Checks::at("")));
    }

    /// Runs the checks of a parameter, given the fields at the top level:
    /// `request.check(|fields| fields.length("code", code, 1..))`. The first
    /// failure refuses the call, and later checks do not run.
    pub fn check(&mut self, check: impl FnOnce(validate::Checks<'_>) -> Result<(), InvalidInput>) {
        if self.refusal.is_none() {
            self.refusal = check(validate::Checks::at(""))
                .err()
                .map(Refusal::InvalidInput);
        }
    }

    /// A JSON body (`application/json` or another `+json` type).
    pub fn json<B: Serialize + ?Sized>(&mut self, content_type: &'static str, body: &B) {
        let json = serde_json::to_vec(body).expect("generated models serialize to JSON");
        self.set_body(content_type, json);
    }

    /// An `application/x-www-form-urlencoded` body, lists repeated.
    pub fn form<B: FormFields>(&mut self, body: &B) {
        let form = Fields::of(body).urlencoded();
        self.set_body("application/x-www-form-urlencoded", form);
    }

    /// A `multipart/form-data` body: a part per property.
    pub fn multipart<B: FormFields>(&mut self, body: &B) {
        let (content_type, bytes) = Fields::of(body).multipart();
        self.body = Some(Body {
            content_type,
            bytes,
        });
    }

    /// A body sent as it is: text, or bytes such as `application/octet-stream`.
    pub fn bytes(&mut self, content_type: &'static str, body: impl Into<Bytes>) {
        self.set_body(content_type, body);
    }

    fn set_body(&mut self, content_type: &str, bytes: impl Into<Bytes>) {
        self.body = Some(Body {
            content_type: content_type.to_owned(),
            bytes: bytes.into(),
        });
    }
}

/// What a cookie value may not hold as it is (RFC 6265 `cookie-octet`).
const COOKIE_VALUE: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b',')
    .add(b';')
    .add(b'\\')
    .add(b'%');

/// A parameter's texts: one for a value, one per item of a list, none for `None`.
fn texts<V: ParamValue + ?Sized>(value: &V) -> Vec<String> {
    let mut texts = Vec::new();
    value.append_to("", &mut texts);
    texts.into_iter().map(|(_, text)| text).collect()
}

/// The texts joined by commas (`simple`), or `None` when there are none.
fn joined<V: ParamValue + ?Sized>(value: &V) -> Option<String> {
    let texts = texts(value);
    (!texts.is_empty()).then(|| texts.join(","))
}

/// A piece of one path segment: `{Sid}.json` is a parameter, then a literal.
#[derive(Debug, PartialEq, Eq)]
enum Piece<'t> {
    Literal(&'t str),
    Param(&'t str),
}

/// The pieces of a segment of a template the generator has checked.
fn pieces(segment: &str) -> impl Iterator<Item = Piece<'_>> {
    let mut rest = segment;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let piece = match rest.strip_prefix('{') {
            Some(inner) => {
                let end = inner.find('}').unwrap_or(inner.len());
                rest = inner.get(end + 1..).unwrap_or_default();
                Piece::Param(&inner[..end])
            }
            None => {
                let end = rest.find('{').unwrap_or(rest.len());
                let literal = &rest[..end];
                rest = &rest[end..];
                Piece::Literal(literal)
            }
        };
        Some(piece)
    })
}

/// Names only the operation: the body and parameters may hold card data.
impl<A: Api> fmt::Debug for Request<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("operation", &self.operation.id)
            .finish_non_exhaustive()
    }
}

/// A value that can be sent as a parameter or form field: its texts, one
/// per item of a list, none for `None`.
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

/// A value of any type (an untyped schema): text as itself, numbers and
/// booleans as written, a list item by item, an object as its JSON text
/// (Twilio's form fields of "a single-level JSON object"); `null` as nothing.
impl ParamValue for serde_json::Value {
    fn append_to(&self, name: &'static str, out: &mut Vec<(&'static str, String)>) {
        match self {
            serde_json::Value::Null => {}
            serde_json::Value::String(text) => text.append_to(name, out),
            serde_json::Value::Array(items) => items.append_to(name, out),
            other => out.push((name, other.to_string())),
        }
    }
}

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn append_to(&self, name: &'static str, out: &mut Vec<(&'static str, String)>) {
        (**self).append_to(name, out);
    }
}

impl<T: ParamValue> ParamValue for Option<T> {
    fn append_to(&self, name: &'static str, out: &mut Vec<(&'static str, String)>) {
        if let Some(value) = self {
            value.append_to(name, out);
        }
    }
}

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
    decode: Decoder<T>,
}

/// How a success response becomes the call's output: from its status and
/// whole body. See [`decode`](crate::decode) for the usual ones.
pub type Decoder<T> = fn(u16, &Bytes) -> Result<T, DecodeFailure>;

impl<'a, A: Api, T> Call<'a, A, T> {
    pub(crate) fn new(client: &'a Client<A>, request: Request<A>, decode: Decoder<T>) -> Self {
        Call {
            client,
            request,
            options: CallOptions::default(),
            decode,
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

impl<'a, A: Api, T: 'a> IntoFuture for Call<'a, A, T> {
    type Output = Result<T, Error<A>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.client.execute(self.request, self.options, self.decode))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_api::{TestApi, TestHost};

    #[test]
    fn a_new_operation_sends_nothing_extra_and_is_never_replayed() {
        let operation = Operation::<TestApi>::new("op", &Method::POST, "/v1/a", TestHost::Main);
        assert_eq!(operation.security, Security::NONE);
        assert!(operation.forwarded_for.is_none());
        assert!(operation.idempotency_key.is_none());
        assert_eq!(operation.replay, Replay::Never);
    }
}
