//! Where each host lives: Clover's sandbox, production, or URLs of your own.

use std::fmt;

use url::Url;

use crate::Host;

/// A base URL for every [`Host`].
///
/// Start from [`Environment::sandbox`] or [`Environment::production`], and
/// move any host elsewhere (a proxy, a local stand-in) with
/// [`Environment::with_base_url`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    /// In the order of [`Host::ALL`].
    base_urls: Vec<Url>,
}

impl Environment {
    /// Clover's sandbox: test merchants, test cards, no real money.
    pub fn sandbox() -> Self {
        Self::from_fn(Host::sandbox_url)
    }

    /// Clover's North American production hosts.
    pub fn production() -> Self {
        Self::from_fn(Host::production_url)
    }

    fn from_fn(url_of: fn(Host) -> &'static str) -> Self {
        let base_urls = Host::ALL
            .iter()
            .map(|host| Url::parse(url_of(*host)).expect("the spec's server URLs are absolute"))
            .collect();
        Environment { base_urls }
    }

    /// Sends every call for `host` to `url` instead (an absolute http(s) URL; a
    /// path in it is kept as a prefix).
    pub fn with_base_url(mut self, host: Host, url: &str) -> Result<Self, InvalidBaseUrl> {
        let invalid = |reason: &str| InvalidBaseUrl {
            url: url.to_owned(),
            reason: reason.to_owned(),
        };
        let parsed = Url::parse(url).map_err(|error| invalid(&error.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.cannot_be_a_base() {
            return Err(invalid("expected an absolute http or https URL"));
        }
        self.base_urls[index(host)] = parsed;
        Ok(self)
    }

    pub fn base_url(&self, host: Host) -> &Url {
        &self.base_urls[index(host)]
    }
}

fn index(host: Host) -> usize {
    Host::ALL
        .iter()
        .position(|known| *known == host)
        .expect("Host::ALL lists every host")
}

/// A base URL that cannot carry API paths.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid base URL {url:?}: {reason}")]
pub struct InvalidBaseUrl {
    pub url: String,
    pub reason: String,
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}
