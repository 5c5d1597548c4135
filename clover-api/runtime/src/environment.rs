//! Where each host lives: its server in one of the spec's environments, with
//! the server variables rendered, or a URL of your own.

use std::collections::BTreeMap;
use std::fmt;

use url::Url;

use crate::api::{Api, ApiHost};
use crate::error::Refusal;

/// A base URL for every host of the API.
///
/// Start from one of the spec's environments with [`Environment::new`] (or
/// [`Environment::default`], the first the spec lists), set its server
/// variables with [`Environment::with_server_variable`], and move any host
/// elsewhere (a proxy, a local stand-in) with [`Environment::with_base_url`].
/// A host whose server URL is relative (`/v1`) has no base URL until one is
/// set: calls to it are refused before sending.
#[derive(Clone, PartialEq, Eq)]
pub struct Environment<A: Api> {
    server: A::Server,
    /// The values given to server variables; the others keep their default.
    variables: BTreeMap<String, String>,
    /// In the order of [`ApiHost::ALL`].
    base_urls: Vec<BaseUrl>,
}

/// Where one host's calls go.
#[derive(Debug, Clone, PartialEq, Eq)]
enum BaseUrl {
    /// The spec's server URL, rendered.
    Spec(Url),
    /// Set with [`Environment::with_base_url`], whatever the spec says.
    Chosen(Url),
    /// Why there is none: the spec's server URL is relative.
    Missing(String),
}

/// A server URL as the spec writes it, `{name}` standing for a variable;
/// generated code gives one per host and environment.
#[derive(Debug, Clone, Copy)]
pub struct ServerUrl {
    template: &'static str,
    variables: &'static [ServerVariable],
}

impl ServerUrl {
    pub const fn new(template: &'static str, variables: &'static [ServerVariable]) -> Self {
        ServerUrl {
            template,
            variables,
        }
    }
}

/// A variable of a [`ServerUrl`], written as a literal by generated code.
#[derive(Debug)]
pub struct ServerVariable {
    pub name: &'static str,
    pub default: &'static str,
    /// The values the spec allows (its `enum`); empty when it allows any.
    pub allowed: &'static [&'static str],
}

impl<A: Api> Environment<A> {
    /// Every host's server in `server`, each variable at its default.
    pub fn new(server: A::Server) -> Self {
        let variables = BTreeMap::new();
        let base_urls = A::Host::ALL
            .iter()
            .map(|host| {
                spec_base_url(&host.url(server), &variables).unwrap_or_else(BaseUrl::Missing)
            })
            .collect();
        Environment {
            server,
            variables,
            base_urls,
        }
    }

    /// Which of the spec's environments this is.
    pub fn server(&self) -> A::Server {
        self.server
    }

    /// Gives the server variable `name` a value in every server URL of this
    /// environment that declares it, checked against each one's allowed values.
    pub fn with_server_variable(
        mut self,
        name: &str,
        value: &str,
    ) -> Result<Self, InvalidServerVariable> {
        let invalid = |reason: String| InvalidServerVariable {
            name: name.to_owned(),
            value: value.to_owned(),
            reason,
        };
        let mut declared = false;
        for host in A::Host::ALL {
            let url = host.url(self.server);
            let Some(variable) = url.variables.iter().find(|variable| variable.name == name) else {
                continue;
            };
            declared = true;
            if !variable.allowed.is_empty() && !variable.allowed.contains(&value) {
                return Err(invalid(format!(
                    "the `{host}` host allows only {}",
                    quoted_list(variable.allowed)
                )));
            }
        }
        if !declared {
            return Err(invalid(format!(
                "no server of the `{}` environment declares it",
                self.server
            )));
        }
        self.variables.insert(name.to_owned(), value.to_owned());
        for (host, base_url) in A::Host::ALL.iter().zip(&mut self.base_urls) {
            let url = host.url(self.server);
            if !matches!(base_url, BaseUrl::Chosen(_))
                && url.variables.iter().any(|variable| variable.name == name)
            {
                *base_url = spec_base_url(&url, &self.variables).map_err(invalid)?;
            }
        }
        Ok(self)
    }

    /// Sends every call for `host` to `url` instead (an absolute http(s) URL; a
    /// path in it is kept as a prefix). This is how a host whose server URL
    /// is relative gets a base URL: give the whole of it, e.g.
    /// `https://api.example.com/v1` for `/v1`.
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
        self.base_urls[index::<A>(host)] = BaseUrl::Chosen(parsed);
        Ok(self)
    }

    /// Where calls for `host` go; `None` when its server URL is relative and
    /// no base URL was set.
    pub fn base_url(&self, host: A::Host) -> Option<&Url> {
        match &self.base_urls[index::<A>(host)] {
            BaseUrl::Spec(url) | BaseUrl::Chosen(url) => Some(url),
            BaseUrl::Missing(_) => None,
        }
    }

    /// The base URL of `host`, or the refusal that names why it has none.
    pub(crate) fn base_url_to_send(&self, host: A::Host) -> Result<&Url, Refusal> {
        match &self.base_urls[index::<A>(host)] {
            BaseUrl::Spec(url) | BaseUrl::Chosen(url) => Ok(url),
            BaseUrl::Missing(reason) => Err(Refusal::NoBaseUrl {
                host: host.to_string(),
                reason: reason.clone(),
            }),
        }
    }
}

/// The first environment the spec lists.
impl<A: Api> Default for Environment<A> {
    fn default() -> Self {
        Environment::new(A::Server::default())
    }
}

/// The environment and each host with its URL, any password in it hidden.
impl<A: Api> fmt::Debug for Environment<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hosts = A::Host::ALL.iter().zip(&self.base_urls);
        let shown = hosts.map(|(host, base_url)| {
            let url = match base_url {
                BaseUrl::Spec(url) | BaseUrl::Chosen(url) => without_password(url),
                BaseUrl::Missing(reason) => format!("none: {reason}"),
            };
            (host.to_string(), url)
        });
        f.debug_struct("Environment")
            .field("server", &self.server)
            .field("base_urls", &BTreeMap::from_iter(shown))
            .finish()
    }
}

fn index<A: Api>(host: A::Host) -> usize {
    A::Host::ALL
        .iter()
        .position(|known| *known == host)
        .expect("ApiHost::ALL lists every host")
}

/// The rendered server URL as a base URL (missing when it is relative), or
/// why it is not a URL.
fn spec_base_url(url: &ServerUrl, variables: &BTreeMap<String, String>) -> Result<BaseUrl, String> {
    let rendered = render(url, variables);
    match Url::parse(&rendered) {
        Ok(parsed) => Ok(BaseUrl::Spec(parsed)),
        Err(url::ParseError::RelativeUrlWithoutBase) => Ok(BaseUrl::Missing(format!(
            "its server URL `{rendered}` is relative: set one with `Environment::with_base_url`"
        ))),
        Err(error) => Err(format!("its server URL `{rendered}` is not valid: {error}")),
    }
}

/// The template with each declared `{name}` replaced by its chosen value,
/// else its default; anything else is kept as written.
fn render(url: &ServerUrl, chosen: &BTreeMap<String, String>) -> String {
    let mut rendered = String::with_capacity(url.template.len());
    let mut rest = url.template;
    while let Some(start) = rest.find('{') {
        rendered.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let value = after.find('}').and_then(|end| {
            let name = &after[..end];
            let variable = url
                .variables
                .iter()
                .find(|variable| variable.name == name)?;
            Some((
                end,
                chosen.get(name).map_or(variable.default, String::as_str),
            ))
        });
        match value {
            Some((end, value)) => {
                rendered.push_str(value);
                rest = &after[end + 1..];
            }
            None => {
                rendered.push('{');
                rest = after;
            }
        }
    }
    rendered.push_str(rest);
    rendered
}

fn quoted_list(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|value| format!("`{value}`")).collect();
    quoted.join(", ")
}

/// A base URL that cannot carry API paths.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid base URL{}: {reason}", url.as_ref().map(|url| format!(" {url:?}")).unwrap_or_default())]
pub struct InvalidBaseUrl {
    /// The URL with any password replaced; `None` when it did not parse.
    pub url: Option<String>,
    pub reason: String,
}

/// A server variable the environment's servers do not declare, or a value
/// they do not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid server variable `{name}` = {value:?}: {reason}")]
pub struct InvalidServerVariable {
    pub name: String,
    pub value: String,
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
    use crate::error::Refusal;
    use crate::test_api::{TestApi, TestHost, TestServer};

    type Environment = super::Environment<TestApi>;

    #[test]
    fn an_invalid_base_url_never_shows_its_password() {
        let error = Environment::default()
            .with_base_url(TestHost::Main, "ftp://user:hunter2@example.com/")
            .unwrap_err();
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(
            shown.contains("ftp://user:%5Bredacted%5D@example.com/"),
            "{shown}"
        );
        let error = Environment::default()
            .with_base_url(TestHost::Main, "http://user:hunter2@exa mple.com/")
            .unwrap_err();
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.starts_with("invalid base URL: "), "{shown}");
    }

    fn url(environment: &Environment, host: TestHost) -> Option<String> {
        environment.base_url(host).map(|url| url.to_string())
    }

    #[test]
    fn variables_take_their_default_until_set() {
        let environment = Environment::new(TestServer::Live);
        assert_eq!(
            url(&environment, TestHost::Main).as_deref(),
            Some("https://shop.us.example.com/v1")
        );
        let environment = environment.with_server_variable("region", "eu").unwrap();
        assert_eq!(
            url(&environment, TestHost::Main).as_deref(),
            Some("https://shop.eu.example.com/v1")
        );
    }

    #[test]
    fn a_value_outside_the_enum_is_refused_with_the_allowed_ones() {
        let error = Environment::new(TestServer::Live)
            .with_server_variable("region", "mars")
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid server variable `region` = \"mars\": the `main` host allows only `us`, `eu`"
        );
    }

    #[test]
    fn a_variable_no_server_declares_is_refused() {
        let error = Environment::new(TestServer::Test)
            .with_server_variable("region", "eu")
            .unwrap_err();
        assert_eq!(
            error.reason,
            "no server of the `test` environment declares it"
        );
    }

    #[test]
    fn a_free_value_that_breaks_the_url_is_refused() {
        let error = Environment::new(TestServer::Live)
            .with_server_variable("tenant", "a b")
            .unwrap_err();
        assert!(
            error
                .reason
                .starts_with("its server URL `https://a b.us.example.com/v1` is not valid"),
            "{error}"
        );
        let environment = Environment::new(TestServer::Live)
            .with_server_variable("tenant", "corner-bakery")
            .unwrap();
        assert_eq!(
            url(&environment, TestHost::Main).as_deref(),
            Some("https://corner-bakery.us.example.com/v1")
        );
    }

    #[test]
    fn a_chosen_base_url_outlives_later_variables() {
        let environment = Environment::new(TestServer::Live)
            .with_base_url(TestHost::Main, "http://127.0.0.1:9000")
            .unwrap()
            .with_server_variable("region", "eu")
            .unwrap();
        assert_eq!(
            url(&environment, TestHost::Main).as_deref(),
            Some("http://127.0.0.1:9000/")
        );
    }

    #[test]
    fn a_relative_server_url_has_no_base_url_until_one_is_set() {
        let environment = Environment::default();
        assert_eq!(url(&environment, TestHost::Files), None);
        assert_eq!(
            environment.base_url_to_send(TestHost::Files),
            Err(Refusal::NoBaseUrl {
                host: "files".to_owned(),
                reason:
                    "its server URL `/files` is relative: set one with `Environment::with_base_url`"
                        .to_owned(),
            })
        );
        assert!(format!("{environment:?}").contains("\"files\": \"none: its server URL `/files`"));
        let environment = environment
            .with_base_url(TestHost::Files, "https://files.example.com/files")
            .unwrap();
        assert_eq!(
            url(&environment, TestHost::Files).as_deref(),
            Some("https://files.example.com/files")
        );
    }
}
