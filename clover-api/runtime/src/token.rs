//! Bearer tokens that expire: renewed shortly before they do and once after
//! a 401, by one refresh that every call in flight waits for.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use crate::api::Api;
use crate::client::Client;
use crate::error::{Error, Refusal};
use crate::prepare::{CredentialHeader, bearer_header};
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

/// A token pair and how to renew it, until the client is built.
pub(crate) struct Expiring<A: Api> {
    pub(crate) tokens: Tokens,
    pub(crate) refresh: Box<dyn Refresh<A>>,
}

impl<A: Api> fmt::Debug for Expiring<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Expiring")
            .field("tokens", &self.tokens)
            .finish_non_exhaustive()
    }
}

/// The current token of a client built with expiring tokens, shared by its clones.
pub(crate) struct RefreshingToken<A: Api> {
    current: RwLock<Current>,
    /// Held while refreshing, so concurrent calls share one refresh.
    refreshing: tokio::sync::Mutex<()>,
    refresher: Box<dyn Refresh<A>>,
    on_refresh: Option<OnRefresh>,
}

struct Current {
    header: CredentialHeader,
    expires_at: Option<SystemTime>,
    refresh_token: Option<Secret>,
    /// Counts refreshes, so a call can tell whether the token it sent is
    /// still the current one.
    generation: u64,
}

impl<A: Api> RefreshingToken<A> {
    pub(crate) fn new(expiring: Expiring<A>, on_refresh: Option<OnRefresh>) -> Self {
        RefreshingToken {
            current: RwLock::new(Current::from_tokens(expiring.tokens, 0)),
            refreshing: tokio::sync::Mutex::new(()),
            refresher: expiring.refresh,
            on_refresh,
        }
    }

    /// The `Authorization` value to send now.
    pub(crate) fn header(&self) -> CredentialHeader {
        self.read(|current| current.header.clone())
    }

    pub(crate) fn generation(&self) -> u64 {
        self.read(|current| current.generation)
    }

    /// Renews the token if it expires within [`RENEW_AHEAD`].
    pub(crate) async fn renew_if_due(&self, client: &Client<A>) -> Result<(), Refusal> {
        let due = self.read(|current| {
            current
                .expires_at
                .is_some_and(|expires_at| expires_at <= SystemTime::now() + RENEW_AHEAD)
        });
        match due {
            true => self.renew(client, self.generation()).await,
            false => Ok(()),
        }
    }

    /// Renews the token unless another call already did since `seen`.
    pub(crate) async fn renew(&self, client: &Client<A>, seen: u64) -> Result<(), Refusal> {
        let _only_one = self.refreshing.lock().await;
        if self.generation() != seen {
            return Ok(());
        }
        let refresh_token = self
            .read(|current| current.refresh_token.clone())
            .ok_or_else(|| Refusal::TokenRefresh("no refresh token was issued".to_owned()))?;
        let tokens = self
            .refresher
            .refresh(client, refresh_token)
            .await
            .map_err(|error| Refusal::TokenRefresh(error.to_string()))?;
        if let Some(OnRefresh(store)) = &self.on_refresh {
            store(&tokens);
        }
        let mut current = self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *current = Current::from_tokens(tokens, seen + 1);
        Ok(())
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
    fn from_tokens(tokens: Tokens, generation: u64) -> Self {
        Current {
            header: bearer_header(tokens.access_token.expose()),
            expires_at: tokens.expires_at,
            refresh_token: tokens.refresh_token,
            generation,
        }
    }
}

impl<A: Api> fmt::Debug for RefreshingToken<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshingToken")
            .field("generation", &self.generation())
            .finish_non_exhaustive()
    }
}
