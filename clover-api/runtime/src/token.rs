//! Bearer tokens that expire: renewed shortly before they do and once after
//! a 401, by one refresh that every call in flight waits for.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use reqwest::header::HeaderValue;

use crate::api::Api;
use crate::client::Client;
use crate::credentials::bearer_value;
use crate::error::{Error, Refusal};
use crate::secret::Secret;

/// How long before its expiry a token is renewed.
const RENEW_AHEAD: Duration = Duration::from_secs(60);

/// An access token, when it expires, and the single-use token that renews it.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub access_token: Secret,
    /// `None` when the server did not say; the token is then renewed only
    /// after a 401.
    pub expires_at: Option<SystemTime>,
    /// `None` when the server issued none: the token cannot be renewed.
    pub refresh_token: Option<Secret>,
}

/// A future that a [`Refresh`] returns.
pub type RefreshFuture<'a, A> = Pin<Box<dyn Future<Output = Result<Tokens, Error<A>>> + Send + 'a>>;

/// How to renew a token pair; a generated crate implements it with its
/// refresh operation.
pub trait Refresh<A: Api>: Send + Sync + 'static {
    /// Trades `refresh_token` for a new pair, sending through `client`.
    fn refresh<'a>(&'a self, client: &'a Client<A>, refresh_token: Secret) -> RefreshFuture<'a, A>;
}

/// Called with each new pair before it is used: the caller stores it, since
/// the refresh token it replaces no longer works.
#[derive(Clone)]
pub(crate) struct OnRefresh(pub(crate) Arc<dyn Fn(&Tokens) + Send + Sync>);

impl fmt::Debug for OnRefresh {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OnRefresh(..)")
    }
}

/// A token pair, the key of the bearer scheme it is for, and how to renew
/// it, until the client is built.
pub(crate) struct Expiring<A: Api> {
    pub(crate) scheme: &'static str,
    pub(crate) tokens: Tokens,
    pub(crate) refresh: Box<dyn Refresh<A>>,
}

impl<A: Api> fmt::Debug for Expiring<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Expiring")
            .field("scheme", &self.scheme)
            .field("tokens", &self.tokens)
            .finish_non_exhaustive()
    }
}

/// The current token of a client built with expiring tokens, shared by its clones.
pub(crate) struct RefreshingToken<A: Api> {
    /// The key of the bearer scheme the token is for.
    scheme: &'static str,
    current: RwLock<Current>,
    /// Held while refreshing, so concurrent calls share one refresh; holds
    /// the last failure, for the calls that waited on that refresh.
    refreshing: tokio::sync::Mutex<Option<Refusal>>,
    /// Counts failed refreshes, so a call that waited can tell one failed.
    failures: AtomicU64,
    refresher: Box<dyn Refresh<A>>,
    on_refresh: Option<OnRefresh>,
}

struct Current {
    /// The `Authorization: Bearer …` value, or why it cannot be sent.
    header: Result<HeaderValue, Refusal>,
    /// When to renew ahead of expiry, if the expiry is known.
    renew_at: Option<SystemTime>,
    refresh_token: Option<Secret>,
    /// Counts renewals, so a call can tell whether the token it sent is
    /// still the current one.
    generation: u64,
}

impl<A: Api> RefreshingToken<A> {
    pub(crate) fn new(expiring: Expiring<A>, on_refresh: Option<OnRefresh>) -> Self {
        RefreshingToken {
            scheme: expiring.scheme,
            current: RwLock::new(Current::from_tokens(expiring.scheme, expiring.tokens, 0)),
            refreshing: tokio::sync::Mutex::new(None),
            failures: AtomicU64::new(0),
            refresher: expiring.refresh,
            on_refresh,
        }
    }

    /// The `Authorization` value to send now, and which renewal it is.
    pub(crate) fn current(&self) -> (Result<HeaderValue, Refusal>, u64) {
        self.read(|current| (current.header.clone(), current.generation))
    }

    /// Renews the token if it is close to expiry and can be renewed.
    pub(crate) async fn renew_if_due(self: &Arc<Self>, client: &Client<A>) -> Result<(), Refusal> {
        let due = self.read(|current| {
            let due = current
                .renew_at
                .is_some_and(|renew_at| renew_at <= SystemTime::now());
            (due && current.refresh_token.is_some()).then_some(current.generation)
        });
        match due {
            Some(generation) => self.renew(client, generation).await,
            None => Ok(()),
        }
    }

    /// Renews the token unless another call already did since `seen`. The
    /// refresh runs on its own task, so a caller that stops waiting (a
    /// timeout, a dropped future) cannot lose the new pair.
    pub(crate) async fn renew(
        self: &Arc<Self>,
        client: &Client<A>,
        seen: u64,
    ) -> Result<(), Refusal> {
        let failures_seen = self.failures.load(Ordering::SeqCst);
        let (token, client) = (Arc::clone(self), client.clone());
        tokio::spawn(async move { token.renew_once(&client, seen, failures_seen).await })
            .await
            .unwrap_or_else(|_| Err(Refusal::TokenRefresh("the refresh task stopped".to_owned())))
    }

    async fn renew_once(
        &self,
        client: &Client<A>,
        seen: u64,
        failures_seen: u64,
    ) -> Result<(), Refusal> {
        let mut last_failure = self.refreshing.lock().await;
        if self.read(|current| current.generation) != seen {
            return Ok(());
        }
        if self.failures.load(Ordering::SeqCst) != failures_seen
            && let Some(failure) = last_failure.clone()
        {
            // A refresh failed while this call waited: the same token would
            // fail the same way.
            return Err(failure);
        }
        let tokens = match self.refresh(client).await {
            Ok(tokens) => tokens,
            Err(failure) => {
                *last_failure = Some(failure.clone());
                self.failures.fetch_add(1, Ordering::SeqCst);
                return Err(failure);
            }
        };
        if let Some(OnRefresh(store)) = &self.on_refresh {
            store(&tokens);
        }
        let mut current = self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *current = Current::from_tokens(self.scheme, tokens, seen + 1);
        Ok(())
    }

    async fn refresh(&self, client: &Client<A>) -> Result<Tokens, Refusal> {
        let refresh_token = self
            .read(|current| current.refresh_token.clone())
            .ok_or_else(|| Refusal::TokenRefresh("no refresh token was issued".to_owned()))?;
        self.refresher
            .refresh(client, refresh_token)
            .await
            .map_err(|error| Refusal::TokenRefresh(error.to_string()))
    }

    fn read<T>(&self, read: impl FnOnce(&Current) -> T) -> T {
        read(
            &self
                .current
                .read()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        )
    }
}

impl Current {
    /// Renews [`RENEW_AHEAD`] before expiry, or halfway through a shorter
    /// life; a pair that arrives already expired is renewed only after a 401,
    /// so a server sending odd expiries cannot cause a refresh per call.
    fn from_tokens(scheme: &'static str, tokens: Tokens, generation: u64) -> Self {
        let now = SystemTime::now();
        let renew_at = tokens.expires_at.and_then(|expires_at| {
            let life = expires_at.duration_since(now).ok()?;
            Some(expires_at - RENEW_AHEAD.min(life / 2))
        });
        Current {
            header: bearer_value(scheme, &tokens.access_token),
            renew_at,
            refresh_token: tokens.refresh_token,
            generation,
        }
    }
}

impl<A: Api> fmt::Debug for RefreshingToken<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshingToken")
            .field("scheme", &self.scheme)
            .field("generation", &self.current().1)
            .finish_non_exhaustive()
    }
}
