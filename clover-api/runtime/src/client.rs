//! The client and its builder, and `execute`: a call prepared once, sent
//! through the retry loop, its success decoded.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderValue};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::api::Api;
use crate::credentials::{BearerScheme, Credentials, Scheme, Slot, ready};
use crate::decode;
use crate::environment::Environment;
use crate::error::{AttemptFailure, Error, FailedAttempt, RawBody};
use crate::prepare::{Prepared, address_header};
use crate::request::{Call, CallOptions, Decoder, Request};
use crate::retry::{self, Failure, Progress, RetryPolicy};
use crate::send::Response;
use crate::token::{Expiring, OnRefresh, Refresh, RefreshingToken, Tokens};
use crate::trace;

const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_USER_AGENT: &str = concat!("clover-api-runtime/", env!("CARGO_PKG_VERSION"));
/// A page of a hundred payments is well under a megabyte.
const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// The configured client every generated client wraps. Cheap to clone;
/// clones share connections.
///
/// Build one with a [`ClientBuilder`]. Each call picks its host from the
/// [`Environment`] and sends the first alternative of its operation's
/// security that the client holds credentials for; a call that needs one it
/// does not hold fails before anything is sent. Calls are retried as
/// [`RetryPolicy`] describes.
#[derive(Debug, Clone)]
pub struct Client<A: Api> {
    http: reqwest::Client,
    pub(crate) environment: Environment<A>,
    pub(crate) credentials: Credentials<A>,
    /// The default end-user address, as its header value.
    pub(crate) forwarded_for: Option<HeaderValue>,
    pub(crate) user_agent: HeaderValue,
    retry: RetryPolicy,
    max_response_bytes: usize,
}

/// Settings for a [`Client`]; every one has a default.
#[derive(Debug)]
#[must_use]
pub struct ClientBuilder<A: Api> {
    environment: Environment<A>,
    credentials: Credentials<A>,
    expiring: Option<Expiring<A>>,
    on_refresh: Option<OnRefresh>,
    forwarded_for: Option<IpAddr>,
    retry: RetryPolicy,
    connect_timeout: Duration,
    user_agent: String,
    max_response_bytes: usize,
    http: Option<reqwest::ClientBuilder>,
}

impl<A: Api> Default for ClientBuilder<A> {
    fn default() -> Self {
        ClientBuilder {
            environment: Environment::default(),
            credentials: Credentials::default(),
            expiring: None,
            on_refresh: None,
            forwarded_for: None,
            retry: RetryPolicy::default(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            http: None,
        }
    }
}

impl<A: Api> Client<A> {
    /// A copy of this client that holds `credential` for `scheme`, in place
    /// of what it held for it (an expiring token included), e.g. once a key
    /// has been fetched or a token renewed elsewhere.
    pub fn with_credential<S: Scheme<Api = A>>(
        &self,
        scheme: S,
        credential: impl Into<S::Credential>,
    ) -> A::Client {
        let mut client = self.clone();
        client.credentials.set(S::KEY, fixed(scheme, credential));
        A::Client::from(client)
    }

    pub fn environment(&self) -> &Environment<A> {
        &self.environment
    }

    /// Hands a generated method's request to the runtime, its success read
    /// as JSON; nothing is sent until the [`Call`] is awaited.
    pub fn call<T: DeserializeOwned>(&self, request: Request<A>) -> Call<'_, A, T> {
        self.call_as(request, decode::json::<T>)
    }

    /// Like [`Client::call`], the success read by `decode` (text, bytes, or
    /// a type per status).
    pub fn call_as<T>(&self, request: Request<A>, decode: Decoder<T>) -> Call<'_, A, T> {
        Call::new(self, request, decode)
    }

    /// Prepares the call once, sends it through the retry loop, and decodes
    /// the success.
    pub(crate) async fn execute<T>(
        &self,
        request: Request<A>,
        options: CallOptions,
        decode: Decoder<T>,
    ) -> Result<T, Error<A>> {
        let operation = request.operation;
        let refused = |reason| Error::Refused {
            operation: operation.id,
            reason,
        };
        let policy = options.retry.unwrap_or(self.retry);
        let renewing = self.credentials.renewed(&operation.security);
        if let Some(token) = renewing {
            token.renew_if_due(self).await.map_err(refused)?;
        }
        let mut prepared = self.prepare(request, options).map_err(refused)?;
        let span = trace::call_span(&prepared);
        let mut progress = Progress::new();
        let outcome = self
            .send(&mut prepared, &policy, &mut progress, renewing)
            .instrument(span)
            .await;
        match outcome {
            Ok(response) => decode_success(prepared, response, decode, progress.attempts),
            Err(failure) => Err(failure.into_error(&prepared, progress.attempts)),
        }
    }

    /// Sends through the retry loop. A 401 to an expiring token means
    /// nothing happened: the token is renewed once and the same request
    /// (same key) sent again, within the same deadline.
    async fn send(
        &self,
        prepared: &mut Prepared<A>,
        policy: &RetryPolicy,
        progress: &mut Progress,
        renewing: Option<&Arc<RefreshingToken<A>>>,
    ) -> Result<Response, Failure<A>> {
        let outcome = retry::send(
            &self.http,
            prepared,
            policy,
            self.max_response_bytes,
            progress,
        )
        .await;
        let (Some(token), Some(seen), Err(failure)) =
            (renewing, prepared.token_generation, &outcome)
        else {
            return outcome;
        };
        if !failure.is_unauthorized() {
            return outcome;
        }
        match token
            .renew(self, seen)
            .await
            .and_then(|()| token.current().0)
        {
            Ok(header) => {
                prepared.headers.insert(AUTHORIZATION, header);
                retry::send(
                    &self.http,
                    prepared,
                    policy,
                    self.max_response_bytes,
                    progress,
                )
                .await
            }
            Err(reason) => {
                trace::renewal_failed(&reason);
                outcome
            }
        }
    }
}

/// The success body as `T`; one that does not decode is an error whose
/// operation took effect.
#[allow(
    clippy::result_large_err,
    reason = "every call returns this `Error` as it is; boxing it only here would change nothing"
)]
fn decode_success<A: Api, T>(
    prepared: Prepared<A>,
    response: Response,
    decode: Decoder<T>,
    mut attempts: Vec<FailedAttempt>,
) -> Result<T, Error<A>> {
    decode(response.status.as_u16(), &response.body).map_err(|failure| {
        let status = response.status.as_u16();
        attempts.push(FailedAttempt {
            number: attempts.len() as u32 + 1,
            reason: AttemptFailure::Undecodable(status),
            may_have_taken_effect: true,
        });
        Error::Decode {
            operation: prepared.operation.id,
            idempotency_key: prepared.idempotency_key,
            status,
            path: failure.path,
            problem: failure.problem,
            body: RawBody(response.body.to_vec()),
            attempts,
        }
    })
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

impl<A: Api> ClientBuilder<A> {
    /// Which hosts to talk to; [`Environment::default`] (the first environment
    /// the spec lists) unless set.
    pub fn environment(mut self, environment: Environment<A>) -> Self {
        self.environment = environment;
        self
    }

    /// The credential for one security scheme of the spec, e.g.
    /// `.credential(schemes::BearerAuth, token)`: a [`Secret`](crate::Secret) token or key,
    /// or [`BasicCredentials`](crate::BasicCredentials) for HTTP Basic. Each
    /// call sends the first alternative of its operation's security that the
    /// client holds every credential of.
    pub fn credential<S: Scheme<Api = A>>(
        mut self,
        scheme: S,
        credential: impl Into<S::Credential>,
    ) -> Self {
        self.credentials.set(S::KEY, fixed(scheme, credential));
        self
    }

    /// An expiring access token for a bearer `scheme` (HTTP bearer, OAuth 2,
    /// OpenID Connect) that the client renews itself: shortly before
    /// `tokens.expires_at`, and once after a 401 (then the call is sent
    /// again). Calls in flight share one renewal. Replaces the scheme's
    /// [`ClientBuilder::credential`]; a client renews one token.
    pub fn expiring_tokens<S: BearerScheme<Api = A>>(
        mut self,
        _scheme: S,
        tokens: Tokens,
        refresh: impl Refresh<A>,
    ) -> Self {
        self.expiring = Some(Expiring {
            scheme: S::KEY,
            tokens,
            refresh: Box::new(refresh),
        });
        self
    }

    /// Called with each renewed pair before it is used. Store the pair
    /// there: a refresh token works once, so the old one is now spent.
    pub fn on_token_refresh(mut self, store: impl Fn(&Tokens) + Send + Sync + 'static) -> Self {
        self.on_refresh = Some(OnRefresh(Arc::new(store)));
        self
    }

    /// The end user's IP address, sent as the forwarded-for header on
    /// operations that declare it; a call can override it with
    /// [`Call::forwarded_for`].
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
    /// only `Authorization` when one leaves the host, so an API key (in a
    /// header, the query or a cookie) and a card in the body would follow it.
    pub fn http_client(mut self, builder: reqwest::ClientBuilder) -> Self {
        self.http = Some(builder);
        self
    }

    /// The generated client over these settings.
    pub fn build(self) -> Result<A::Client, BuildError> {
        let user_agent =
            HeaderValue::from_str(&self.user_agent).map_err(|_| BuildError::UserAgent)?;
        #[cfg(feature = "rustls-ring")]
        {
            // Fails only when the process already has a default provider, which is then used.
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
        let http = self
            .http
            .unwrap_or_default()
            .connect_timeout(self.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(BuildError::Http)?;
        let mut credentials = self.credentials;
        if let Some(expiring) = self.expiring {
            let scheme = expiring.scheme;
            let token = RefreshingToken::new(expiring, self.on_refresh);
            credentials.set(scheme, Slot::Renewed(Arc::new(token)));
        }
        Ok(A::Client::from(Client {
            http,
            environment: self.environment,
            credentials,
            forwarded_for: self.forwarded_for.map(address_header),
            user_agent,
            retry: self.retry,
            max_response_bytes: self.max_response_bytes,
        }))
    }
}

/// A fixed credential for `S`, ready to send or holding why it cannot be.
fn fixed<S: Scheme>(_scheme: S, credential: impl Into<S::Credential>) -> Slot<S::Api> {
    Slot::Fixed(ready::<S>(credential.into()))
}
