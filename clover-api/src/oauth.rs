//! Clover's expiring OAuth v2 tokens, renewed by the client itself.

use std::time::{Duration, SystemTime};

use clover_api_runtime::{Refresh, RefreshFuture, Secret, Tokens};

use crate::models::{OauthRefreshRequest, OauthTokens};
use crate::{Client, Spec};

/// Renews Clover OAuth v2 tokens with `POST /oauth/v2/refresh`; give it to
/// [`ClientBuilder::expiring_tokens`](crate::ClientBuilder::expiring_tokens)
/// with [`BearerAuth`](crate::schemes::BearerAuth) and the pair from
/// [`Client::exchange_oauth_code`].
#[derive(Debug, Clone)]
pub struct OauthRefresh {
    client_id: String,
}

impl OauthRefresh {
    /// `client_id` is the app ID the tokens were issued to.
    pub fn new(client_id: impl Into<String>) -> Self {
        OauthRefresh {
            client_id: client_id.into(),
        }
    }
}

impl Refresh<Spec> for OauthRefresh {
    fn refresh<'a>(
        &'a self,
        client: &'a clover_api_runtime::Client<Spec>,
        refresh_token: Secret,
    ) -> RefreshFuture<'a, Spec> {
        Box::pin(async move {
            let client = Client::from(client.clone());
            let request = OauthRefreshRequest::new(self.client_id.clone(), refresh_token);
            Ok(client.refresh_oauth_token(&request).await?.into())
        })
    }
}

/// Clover's expirations are Unix seconds.
impl From<OauthTokens> for Tokens {
    fn from(tokens: OauthTokens) -> Self {
        let at_second = |seconds: i64| {
            SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(seconds).unwrap_or(0))
        };
        Tokens {
            access_token: tokens.access_token,
            expires_at: tokens.access_token_expiration.map(at_second),
            refresh_token: tokens.refresh_token,
        }
    }
}
