//! The client and its builder, and `execute`: a call prepared once, sent
//! through the retry loop, its success decoded.

use std::net::IpAddr;
use std::time::Duration;

use reqwest::header::HeaderValue;
use serde::de::DeserializeOwned;
use tracing::Instrument;

use super::decode;
use super::environment::Environment;
use super::error::{AttemptFailure, Error, FailedAttempt, RawBody};
use super::prepare::{CredentialHeader, api_key_header, bearer_header};
use super::request::{Call, CallOptions, Request};
use super::retry::{self, RetryPolicy};
use super::secret::Secret;
use super::trace;

const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_USER_AGENT: &str = concat!("clover-api-rust/", env!("CARGO_PKG_VERSION"));
/// Clover's largest documented responses (a page of 100 charges) are far smaller.
const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// A client for Clover's Ecommerce API. Cheap to clone; clones share connections.
///
/// Build one with [`Client::builder`]. Each call picks its host from the
/// [`Environment`] and the credential its operation needs; a call whose
/// credential is not configured fails before anything is sent. Calls are
/// retried as [`RetryPolicy`] describes.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    pub(super) environment: Environment,
    /// Each credential as its ready header value, or why it cannot be sent.
    pub(super) bearer: Option<CredentialHeader>,
    pub(super) api_key: Option<CredentialHeader>,
    pub(super) forwarded_for: Option<IpAddr>,
    pub(super) user_agent: HeaderValue,
    retry: RetryPolicy,
    max_response_bytes: usize,
}

/// Settings for a [`Client`]; every one has a default.
#[derive(Debug)]
#[must_use]
pub struct ClientBuilder {
    environment: Environment,
    access_token: Option<Secret>,
    api_key: Option<Secret>,
    forwarded_for: Option<IpAddr>,
    retry: RetryPolicy,
    connect_timeout: Duration,
    user_agent: String,
    max_response_bytes: usize,
    http: Option<reqwest::ClientBuilder>,
}

impl Client {
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            environment: Environment::sandbox(),
            access_token: None,
            api_key: None,
            forwarded_for: None,
            retry: RetryPolicy::default(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            http: None,
        }
    }

    /// A copy of this client that also holds the API key, e.g. once the
    /// PAKMS key has been fetched with [`Client::get_api_access_key`].
    pub fn with_api_key(&self, api_key: impl Into<Secret>) -> Client {
        Client {
            api_key: Some(api_key_header(api_key.into().expose())),
            ..self.clone()
        }
    }

    /// A copy of this client with another bearer token, e.g. after a refresh.
    pub fn with_access_token(&self, access_token: impl Into<Secret>) -> Client {
        Client {
            bearer: Some(bearer_header(access_token.into().expose())),
            ..self.clone()
        }
    }

    pub fn environment(&self) -> &Environment {
        &self.environment
    }

    pub(crate) fn call<T>(&self, request: Request) -> Call<'_, T> {
        Call::new(self, request)
    }

    /// Prepares the call once, sends it through the retry loop, and decodes
    /// the success.
    pub(crate) async fn execute<T: DeserializeOwned>(
        &self,
        request: Request,
        options: CallOptions,
    ) -> Result<T, Error> {
        let operation = request.operation;
        let policy = options.retry.unwrap_or(self.retry);
        let prepared = self
            .prepare(request, options)
            .map_err(|reason| Error::Refused {
                operation: operation.id,
                reason,
            })?;
        let span = trace::call_span(&prepared);
        let sent = retry::send(&self.http, &prepared, &policy, self.max_response_bytes)
            .instrument(span)
            .await?;
        decode::decode(&sent.response.body).map_err(|failure| {
            let status = sent.response.status.as_u16();
            let mut attempts = sent.attempts;
            attempts.push(FailedAttempt {
                number: attempts.len() as u32 + 1,
                reason: AttemptFailure::Undecodable(status),
                may_have_taken_effect: true,
            });
            Error::Decode {
                operation: operation.id,
                idempotency_key: prepared.idempotency_key,
                status,
                path: failure.path,
                problem: failure.problem,
                body: RawBody(sent.response.body.to_vec()),
                attempts,
            }
        })
    }
}

/// Why [`ClientBuilder::build`] failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    #[error("the user agent contains characters HTTP does not allow")]
    UserAgent,
    #[error("cannot build the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
}

impl ClientBuilder {
    /// Which hosts to talk to; [`Environment::sandbox`] unless set.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// The bearer credential: an OAuth access token, or the merchant's
    /// Ecommerce private key. Sent as `Authorization: Bearer` to the API and
    /// ecommerce hosts.
    pub fn access_token(mut self, token: impl Into<Secret>) -> Self {
        self.access_token = Some(token.into());
        self
    }

    /// The tokenization key: the PAKMS `apiAccessKey`, or the merchant's
    /// Ecommerce public key. Sent only to the token host, as `apikey`.
    pub fn api_key(mut self, key: impl Into<Secret>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The shopper's IP address, sent as `x-forwarded-for` on operations that
    /// declare it; a call can override it with [`Call::forwarded_for`].
    pub fn forwarded_for(mut self, address: IpAddr) -> Self {
        self.forwarded_for = Some(address);
        self
    }

    /// How calls are retried unless a call sets its own with [`Call::retry`]
    /// ([`RetryPolicy::default`] unless set).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Time allowed to open a connection (10 s by default).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The largest response body accepted (16 MiB by default); a larger one
    /// fails the call rather than filling memory.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// The `User-Agent` sent with every call.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Settings of your own for the HTTP client (proxies, extra roots, pool
    /// sizes), as a [`reqwest::ClientBuilder`] of the version this crate
    /// re-exports. The client still never follows a redirect: reqwest strips
    /// only `Authorization` when one leaves the host, so the `apikey` header
    /// and a card in the body would follow it.
    pub fn http_client(mut self, builder: reqwest::ClientBuilder) -> Self {
        self.http = Some(builder);
        self
    }

    pub fn build(self) -> Result<Client, BuildError> {
        let user_agent =
            HeaderValue::from_str(&self.user_agent).map_err(|_| BuildError::UserAgent)?;
        let http = self
            .http
            .unwrap_or_default()
            .connect_timeout(self.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(BuildError::Http)?;
        Ok(Client {
            http,
            environment: self.environment,
            bearer: self.access_token.map(|token| bearer_header(token.expose())),
            api_key: self.api_key.map(|key| api_key_header(key.expose())),
            forwarded_for: self.forwarded_for,
            user_agent,
            retry: self.retry,
            max_response_bytes: self.max_response_bytes,
        })
    }
}
