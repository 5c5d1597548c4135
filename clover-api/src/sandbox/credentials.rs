//! OAuth (legacy and v2 code exchange, refresh, migration) and the PAKMS
//! key. Codes and refresh tokens work once; issued access tokens are
//! accepted from then on.

use clover_api_runtime::Secret;

use super::errors::Failure;
use super::exchange::{Exchange, Reply};
use super::state::{APP_ID, MERCHANT_ID, Store, secret};
use crate::models::{
    ApiAccessKey, LegacyOauthToken, OauthMigrateRequest, OauthMigrateResult, OauthRefreshRequest,
    OauthTokenRequest, OauthTokens,
};

/// What the token response announces; the sandbox does not expire tokens.
const ACCESS_TOKEN_LIFETIME_SECONDS: i64 = 3600;
const REFRESH_TOKEN_LIFETIME_SECONDS: i64 = 365 * 24 * 3600;
/// Lifetime of a migration's authorization code.
const MIGRATION_CODE_LIFETIME_SECONDS: i64 = 600;

impl Store {
    pub(super) fn exchange_legacy_oauth_code(
        &mut self,
        exchange: &Exchange,
    ) -> Result<Reply, Failure> {
        for name in ["client_id", "client_secret", "code"] {
            if exchange.query(name).is_none_or(str::is_empty) {
                return Err(Failure::invalid(name, format!("`{name}` is required.")));
            }
        }
        self.spend_code(exchange.query("code").unwrap_or_default())?;
        let access_token = self.issue_access_token();
        Ok(Reply::ok(&LegacyOauthToken {
            access_token: access_token.into(),
        }))
    }

    pub(super) fn exchange_oauth_code(&mut self, exchange: &Exchange) -> Result<Reply, Failure> {
        let request: OauthTokenRequest = exchange.body()?;
        if request.client_secret.is_none() && request.code_verifier.is_none() {
            return Err(Failure::invalid(
                "client_secret",
                "Send `client_secret` (server-side apps) or `code_verifier` (PKCE apps).",
            ));
        }
        self.spend_code(request.code.expose())?;
        let with_refresh = exchange.query_as::<bool>("no_refresh_token")? != Some(true);
        Ok(Reply::ok(&self.issue_tokens(with_refresh)))
    }

    pub(super) fn refresh_oauth_token(&mut self, exchange: &Exchange) -> Result<Reply, Failure> {
        let request: OauthRefreshRequest = exchange.body()?;
        if !self.refresh_tokens.remove(request.refresh_token.expose()) {
            return Err(Failure::invalid(
                "refresh_token",
                "The refresh token is invalid or was already used.",
            ));
        }
        Ok(Reply::ok(&self.issue_tokens(true)))
    }

    pub(super) fn migrate_legacy_oauth_token(
        &mut self,
        exchange: &Exchange,
    ) -> Result<Reply, Failure> {
        let request: OauthMigrateRequest = exchange.body()?;
        if !self.access_tokens.contains(request.auth_token.expose()) {
            return Err(Failure::invalid(
                "auth_token",
                "The legacy token is not valid.",
            ));
        }
        let code = secret("code");
        self.oauth_codes.insert(code.clone());
        Ok(Reply::ok(&OauthMigrateResult {
            authorization_code: code.into(),
            expiration: Some(self.now_millis() / 1000 + MIGRATION_CODE_LIFETIME_SECONDS),
        }))
    }

    pub(super) fn get_api_access_key(&mut self) -> Result<Reply, Failure> {
        let now = self.now_millis();
        Ok(Reply::ok(&ApiAccessKey {
            active: Some(true),
            api_access_key: Some(Secret::new(self.api_key.clone())),
            created_time: Some(now),
            developer_app_uuid: Some(APP_ID.to_owned()),
            merchant_uuid: Some(MERCHANT_ID.to_owned()),
            modified_time: Some(now),
        }))
    }

    fn spend_code(&mut self, code: &str) -> Result<(), Failure> {
        if self.oauth_codes.remove(code) {
            Ok(())
        } else {
            Err(Failure::invalid(
                "code",
                "The authorization code is invalid or was already used.",
            ))
        }
    }

    fn issue_access_token(&mut self) -> String {
        let token = secret("access");
        self.access_tokens.insert(token.clone());
        token
    }

    fn issue_tokens(&mut self, with_refresh: bool) -> OauthTokens {
        let now = self.now_millis() / 1000;
        let refresh_token = with_refresh.then(|| {
            let token = secret("refresh");
            self.refresh_tokens.insert(token.clone());
            Secret::new(token)
        });
        OauthTokens {
            access_token: self.issue_access_token().into(),
            access_token_expiration: Some(now + ACCESS_TOKEN_LIFETIME_SECONDS),
            refresh_token_expiration: refresh_token
                .as_ref()
                .map(|_| now + REFRESH_TOKEN_LIFETIME_SECONDS),
            refresh_token,
        }
    }
}
