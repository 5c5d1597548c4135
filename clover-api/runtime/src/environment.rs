//! Where each host lives: the spec's sandbox or production servers, or URLs of your own.

use std::fmt;
use std::marker::PhantomData;

use url::Url;

use crate::api::{Api, ApiHost};

/// A base URL for every host of the API.
///
/// Start from [`Environment::sandbox`] or [`Environment::production`], and
/// move any host elsewhere (a proxy, a local stand-in) with
/// [`Environment::with_base_url`].
#[derive(Clone, PartialEq, Eq)]
pub struct Environment<A: Api> {
    /// In the order of [`ApiHost::ALL`].
    base_urls: Vec<Url>,
    api: PhantomData<A>,
}

impl<A: Api> Environment<A> {
    /// The sandbox servers the spec names: test accounts, no real money.
    pub fn sandbox() -> Self {
        Self::from_fn(A::Host::sandbox_url)
    }

    /// The production servers the spec names.
    pub fn production() -> Self {
        Self::from_fn(A::Host::production_url)
    }

    fn from_fn(url_of: fn(A::Host) -> &'static str) -> Self {
        let base_urls = A::Host::ALL
            .iter()
            .map(|host| Url::parse(url_of(*host)).expect("the spec's server URLs are absolute"))
            .collect();
        Environment {
            base_urls,
            api: PhantomData,
        }
    }

    /// Sends every call for `host` to `url` instead (an absolute http(s) URL; a
    /// path in it is kept as a prefix).
    pub fn with_base_url(mut self, host: A::Host, url: &str) -> Result<Self, InvalidBaseUrl> {
        let parsed = Url::parse(url).map_err(|error| InvalidBaseUrl {
            // It did not parse, so there is no telling which part is a password.
            url: None,
            reason: error.to_string(),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.cannot_be_a_base() {
            return Err(InvalidBaseUrl {
                url: Some(without_password(&parsed)),
                reason: "expected an absolute http or https URL".to_owned(),
            });
        }
        self.base_urls[index::<A>(host)] = parsed;
        Ok(self)
    }

    pub fn base_url(&self, host: A::Host) -> &Url {
        &self.base_urls[index::<A>(host)]
    }
}

/// Each host with its URL, any password in it hidden.
impl<A: Api> fmt::Debug for Environment<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hosts = A::Host::ALL.iter().zip(&self.base_urls);
        f.debug_map()
            .entries(hosts.map(|(host, url)| (host.to_string(), without_password(url))))
            .finish()
    }
}

fn index<A: Api>(host: A::Host) -> usize {
    A::Host::ALL
        .iter()
        .position(|known| *known == host)
        .expect("ApiHost::ALL lists every host")
}

/// A base URL that cannot carry API paths.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid base URL{}: {reason}", url.as_ref().map(|url| format!(" {url:?}")).unwrap_or_default())]
pub struct InvalidBaseUrl {
    /// The URL with any password replaced; `None` when it did not parse.
    pub url: Option<String>,
    pub reason: String,
}

/// The URL as text, its password (if any) replaced by `[redacted]`.
fn without_password(url: &Url) -> String {
    let mut shown = url.clone();
    if shown.password().is_some() {
        // Cannot fail: the URL has a host, since it has a password.
        let _ = shown.set_password(Some("[redacted]"));
    }
    shown.to_string()
}

#[cfg(test)]
mod tests {
    use crate::test_api::{TestApi, TestHost};

    type Environment = super::Environment<TestApi>;

    #[test]
    fn an_invalid_base_url_never_shows_its_password() {
        let error = Environment::sandbox()
            .with_base_url(TestHost::Main, "ftp://user:hunter2@example.com/")
            .unwrap_err();
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(
            shown.contains("ftp://user:%5Bredacted%5D@example.com/"),
            "{shown}"
        );
        let error = Environment::sandbox()
            .with_base_url(TestHost::Main, "http://user:hunter2@exa mple.com/")
            .unwrap_err();
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.starts_with("invalid base URL: "), "{shown}");
    }
}
