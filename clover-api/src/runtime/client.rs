//! The client, its builder, and `execute`: the one place every call is sent.

use std::net::IpAddr;
use std::time::Duration;

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue, USER_AGENT};
use serde::de::DeserializeOwned;
use url::Url;

use super::environment::Environment;
use super::error::{ApiError, CredentialKind, Error, RawBody, Refusal, without_values};
use super::request::{Call, CallOptions, Credential, Request};
use super::secret::Secret;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_USER_AGENT: &str = concat!("clover-api-rust/", env!("CARGO_PKG_VERSION"));
/// Response headers that may carry a request id, most specific first.
const REQUEST_ID_HEADERS: [&str; 2] = ["x-clover-request-id", "x-request-id"];

/// A client for Clover's Ecommerce API. Cheap to clone; clones share connections.
///
/// Build one with [`Client::builder`]. Each call picks its host from the
/// [`Environment`] and the credential its operation needs; a call whose
/// credential is not configured fails before anything is sent.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    environment: Environment,
    access_token: Option<Secret>,
    api_key: Option<Secret>,
    forwarded_for: Option<IpAddr>,
    timeout: Duration,
    user_agent: HeaderValue,
}

/// Settings for a [`Client`]; every one has a default.
#[derive(Debug)]
#[must_use]
pub struct ClientBuilder {
    environment: Environment,
    access_token: Option<Secret>,
    api_key: Option<Secret>,
    forwarded_for: Option<IpAddr>,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: String,
    http: Option<reqwest::Client>,
}

impl Client {
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            environment: Environment::sandbox(),
            access_token: None,
            api_key: None,
            forwarded_for: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            http: None,
        }
    }

    /// A copy of this client that also holds the API key, e.g. once the
    /// PAKMS key has been fetched with [`Client::get_api_access_key`].
    pub fn with_api_key(&self, api_key: impl Into<Secret>) -> Client {
        Client {
            api_key: Some(api_key.into()),
            ..self.clone()
        }
    }

    /// A copy of this client with another bearer token, e.g. after a refresh.
    pub fn with_access_token(&self, access_token: impl Into<Secret>) -> Client {
        Client {
            access_token: Some(access_token.into()),
            ..self.clone()
        }
    }

    pub fn environment(&self) -> &Environment {
        &self.environment
    }

    pub(crate) fn call<T>(&self, request: Request) -> Call<'_, T> {
        Call::new(self, request)
    }

    /// Authenticates, adds context headers, sends, and decodes one request.
    pub(crate) async fn execute<T: DeserializeOwned>(
        &self,
        request: Request,
        options: CallOptions,
    ) -> Result<T, Error> {
        let operation = request.operation;
        let refused = |reason| Error::Refused {
            operation: operation.id,
            reason,
        };
        let prepared = self.prepare(request, options).map_err(refused)?;
        let idempotency_key = prepared.idempotency_key;
        let response = prepared
            .builder
            .send()
            .await
            .map_err(|error| match error.is_builder() {
                true => refused(Refusal::InvalidRequest(error.without_url().to_string())),
                false => Error::Transport {
                    operation: operation.id,
                    may_have_reached_server: !error.is_connect(),
                    idempotency_key: idempotency_key.clone(),
                    source: error.without_url(),
                },
            })?;
        let status = response.status();
        let request_id = REQUEST_ID_HEADERS
            .iter()
            .find_map(|name| response.headers().get(*name))
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let body = response.bytes().await.map_err(|error| Error::Transport {
            operation: operation.id,
            may_have_reached_server: true,
            idempotency_key: idempotency_key.clone(),
            source: error.without_url(),
        })?;
        if !status.is_success() {
            let error = ApiError::from_response(status.as_u16(), request_id, body.to_vec());
            return Err(Error::Api {
                operation: operation.id,
                idempotency_key,
                error: Box::new(error),
            });
        }
        // An empty body decodes as JSON `null`, which is what `()` expects.
        let json: &[u8] = if body.is_empty() { b"null" } else { &body };
        serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(json)).map_err(
            |error| Error::Decode {
                operation: operation.id,
                idempotency_key,
                status: status.as_u16(),
                path: error.path().to_string(),
                problem: without_values(&error.inner().to_string()),
                body: RawBody(body.to_vec()),
            },
        )
    }

    /// Everything that can be refused is decided here, before any I/O.
    fn prepare(&self, request: Request, options: CallOptions) -> Result<Prepared, Refusal> {
        if let Some(refusal) = request.refusal {
            return Err(refusal);
        }
        let operation = request.operation;
        let mut headers: Vec<(HeaderName, HeaderValue)> = vec![
            (ACCEPT, HeaderValue::from_static("application/json")),
            (USER_AGENT, self.user_agent.clone()),
        ];
        match operation.credential {
            None => {}
            Some(Credential::Bearer) => {
                let token = self
                    .access_token
                    .as_ref()
                    .ok_or(Refusal::MissingCredential(CredentialKind::BearerToken))?;
                headers.push((
                    AUTHORIZATION,
                    sensitive_header(&format!("Bearer {}", token.expose()))?,
                ));
            }
            Some(Credential::ApiKey { header }) => {
                let key = self
                    .api_key
                    .as_ref()
                    .ok_or(Refusal::MissingCredential(CredentialKind::ApiKey))?;
                headers.push((
                    HeaderName::from_static(header),
                    sensitive_header(key.expose())?,
                ));
            }
        }
        match (
            operation.forwarded_for,
            options.forwarded_for.or(self.forwarded_for),
        ) {
            (Some(declared), Some(address)) => {
                headers.push((
                    HeaderName::from_static(declared.header),
                    header_value(&address.to_string())?,
                ));
            }
            (Some(declared), None) if declared.required => {
                return Err(Refusal::MissingHeader(declared.header));
            }
            (None, _) if options.forwarded_for.is_some() => {
                return Err(Refusal::NotAccepted("a forwarded-for address"));
            }
            _ => {}
        }
        let idempotency_key = match (operation.idempotency_key, options.idempotency_key) {
            (Some(header), key) => {
                let key = key.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
                if key.is_empty() {
                    return Err(Refusal::InvalidRequest(
                        "the idempotency key is empty".to_owned(),
                    ));
                }
                headers.push((HeaderName::from_static(header), header_value(&key)?));
                Some(key)
            }
            (None, Some(_)) => return Err(Refusal::NotAccepted("an idempotency key")),
            (None, None) => None,
        };
        for (name, value) in &request.headers {
            headers.push((HeaderName::from_static(name), header_value(value)?));
        }

        let url = self.url(&request)?;
        let mut builder = self
            .http
            .request(operation.method.clone(), url)
            .timeout(options.timeout.unwrap_or(self.timeout));
        for (name, value) in headers {
            builder = builder.header(name, value);
        }
        if let Some(body) = request.body {
            builder = builder
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(body);
        }
        Ok(Prepared {
            builder,
            idempotency_key,
        })
    }

    /// Base URL of the operation's host + percent-encoded path segments + query.
    fn url(&self, request: &Request) -> Result<Url, Refusal> {
        let mut url = self.environment.base_url(request.operation.host).clone();
        url.path_segments_mut()
            .map_err(|()| {
                Refusal::InvalidRequest(format!(
                    "the base URL of the {} host cannot take a path",
                    request.operation.host
                ))
            })?
            .pop_if_empty()
            .extend(&request.path);
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&request.query);
        }
        Ok(url)
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

/// A request that passed every check, with the idempotency key it carries.
struct Prepared {
    builder: reqwest::RequestBuilder,
    idempotency_key: Option<String>,
}

fn header_value(value: &str) -> Result<HeaderValue, Refusal> {
    HeaderValue::from_str(value).map_err(|_| {
        Refusal::InvalidRequest("a header value contains characters HTTP does not allow".to_owned())
    })
}

/// A header value that HTTP/2 must not index and `Debug` must not show.
fn sensitive_header(value: &str) -> Result<HeaderValue, Refusal> {
    let mut value = header_value(value)?;
    value.set_sensitive(true);
    Ok(value)
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

    /// Time allowed for each call, from sending to the end of the body (30 s by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time allowed to open a connection (10 s by default). Not applied to a
    /// caller-supplied [`reqwest::Client`], which keeps its own.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The `User-Agent` sent with every call.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// An HTTP client of your own (proxies, extra roots, shared pools). Build
    /// it with `redirect(Policy::none())`, as the default client is: reqwest
    /// strips only `Authorization` when a redirect leaves the host, so the
    /// `apikey` header and a card in the body would follow a redirect.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    pub fn build(self) -> Result<Client, BuildError> {
        let user_agent =
            HeaderValue::from_str(&self.user_agent).map_err(|_| BuildError::UserAgent)?;
        let http = match self.http {
            Some(client) => client,
            // No redirects: reqwest strips only `Authorization` when a redirect
            // leaves the host, so `apikey` and a card body would follow it.
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(BuildError::Http)?,
        };
        Ok(Client {
            http,
            environment: self.environment,
            access_token: self.access_token,
            api_key: self.api_key,
            forwarded_for: self.forwarded_for,
            timeout: self.timeout,
            user_agent,
        })
    }
}
