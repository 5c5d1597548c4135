//! Credentials, one slot per security scheme of the spec: what generated code
//! declares about each scheme, what an operation accepts, and how each
//! credential goes on the wire.

use std::fmt;
use std::sync::Arc;

use base64::Engine;
use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};

use crate::api::Api;
use crate::error::Refusal;
use crate::secret::Secret;
use crate::token::RefreshingToken;

/// One security scheme of an API, as a type: generated code declares one per
/// scheme its operations use (`schemes::BearerAuth`), so that
/// [`ClientBuilder::credential`](crate::ClientBuilder::credential) takes the
/// kind of credential the scheme needs.
pub trait Scheme: Copy + fmt::Debug + Send + Sync + 'static {
    type Api: Api;
    /// [`Secret`] for a token or an API key, [`BasicCredentials`] for HTTP Basic.
    type Credential: Credential;
    /// The spec's key under `components/securitySchemes`, which operations name.
    const KEY: &'static str;
    const SENT_AS: SentAs;
}

/// A scheme whose credential is a bearer token (HTTP bearer, OAuth 2, OpenID
/// Connect): the kind an expiring token renews, see
/// [`ClientBuilder::expiring_tokens`](crate::ClientBuilder::expiring_tokens).
pub trait BearerScheme: Scheme<Credential = Secret> {}

/// Where and how a scheme's credential is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SentAs {
    /// `Authorization: Bearer <token>`: HTTP bearer, OAuth 2, OpenID Connect.
    Bearer,
    /// `Authorization: Basic <base64 of user:password>`.
    Basic,
    /// An API key in the header of this (lowercase) name.
    Header(&'static str),
    /// An API key in the query parameter of this name.
    Query(&'static str),
    /// An API key in the cookie of this name.
    Cookie(&'static str),
}

/// Which credentials an operation sends, as its spec's `security` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Security {
    /// The alternatives in the spec's order, each the keys of schemes sent
    /// together; a call sends the first one the client holds every credential of.
    pub alternatives: &'static [&'static [&'static str]],
    /// Whether the call goes without a credential when the client holds none
    /// of the alternatives (the spec lists `{}` or no requirement).
    pub optional: bool,
}

impl Security {
    /// No credential is sent.
    pub const NONE: Security = Security::optional(&[]);

    /// One of the alternatives must be configured.
    pub const fn required(alternatives: &'static [&'static [&'static str]]) -> Self {
        Security {
            alternatives,
            optional: false,
        }
    }

    /// The first alternative configured is sent; with none, nothing is.
    pub const fn optional(alternatives: &'static [&'static [&'static str]]) -> Self {
        Security {
            alternatives,
            optional: true,
        }
    }
}

/// A user name and password for HTTP Basic. `Debug` shows neither.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasicCredentials {
    pub username: Secret,
    pub password: Secret,
}

impl BasicCredentials {
    pub fn new(username: impl Into<Secret>, password: impl Into<Secret>) -> Self {
        BasicCredentials {
            username: username.into(),
            password: password.into(),
        }
    }
}

/// A value a credential slot takes: a [`Secret`] or [`BasicCredentials`].
pub trait Credential: sealed::Sealed {}

impl Credential for Secret {}
impl Credential for BasicCredentials {}

mod sealed {
    use super::{BasicCredentials, Held, Secret};

    /// Keeps the kinds of credential to the runtime's own.
    pub trait Sealed {
        fn held(self) -> Held;
    }

    impl Sealed for Secret {
        fn held(self) -> Held {
            Held::Token(self)
        }
    }

    impl Sealed for BasicCredentials {
        fn held(self) -> Held {
            Held::Basic(self)
        }
    }
}

/// A credential before it is put on the wire.
#[derive(Debug)]
pub enum Held {
    Token(Secret),
    Basic(BasicCredentials),
}

/// A credential as it goes on the wire. `Debug` shows no value: header
/// values are marked sensitive, the others are [`Secret`]s.
#[derive(Debug, Clone)]
pub(crate) enum Wire {
    Header(HeaderName, HeaderValue),
    Query(&'static str, Secret),
    Cookie(&'static str, Secret),
}

/// A credential on the wire, or why it cannot be sent; built once, when the
/// client is given it.
pub(crate) type Ready = Result<Wire, Refusal>;

/// `credential` for the scheme `S`, ready to send.
pub(crate) fn ready<S: Scheme>(credential: S::Credential) -> Ready {
    use sealed::Sealed;
    let (key, refused) = (S::KEY, |problem| invalid(S::KEY, problem));
    match (S::SENT_AS, credential.held()) {
        (SentAs::Bearer, Held::Token(token)) => {
            Ok(Wire::Header(AUTHORIZATION, bearer_value(key, &token)?))
        }
        (SentAs::Basic, Held::Basic(basic)) => basic_header(key, &basic),
        (SentAs::Header(name), Held::Token(token)) => {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| refused("names a header HTTP does not allow"))?;
            Ok(Wire::Header(
                name,
                header_value(key, not_empty(key, &token)?)?,
            ))
        }
        (SentAs::Query(name), Held::Token(token)) => {
            not_empty(key, &token)?;
            Ok(Wire::Query(name, token))
        }
        (SentAs::Cookie(name), Held::Token(token)) => {
            if !not_empty(key, &token)?.bytes().all(is_cookie_octet) {
                return Err(refused("holds characters a cookie value cannot carry"));
            }
            Ok(Wire::Cookie(name, token))
        }
        _ => Err(refused("takes another kind of credential")),
    }
}

/// The `Authorization: Bearer <token>` value, marked sensitive.
pub(crate) fn bearer_value(key: &'static str, token: &Secret) -> Result<HeaderValue, Refusal> {
    header_value(key, &format!("Bearer {}", not_empty(key, token)?))
}

/// `Authorization: Basic <base64 of user:password>` (RFC 7617), marked
/// sensitive. The password may be empty, as some APIs send a key as the user.
fn basic_header(key: &'static str, basic: &BasicCredentials) -> Ready {
    let username = not_empty(key, &basic.username)?;
    if username.contains(':') {
        return Err(invalid(
            key,
            "has a user name with `:`, which Basic cannot send",
        ));
    }
    let pair = format!("{username}:{}", basic.password.expose());
    let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
    let value = header_value(key, &format!("Basic {encoded}"))?;
    Ok(Wire::Header(AUTHORIZATION, value))
}

fn not_empty<'a>(key: &'static str, secret: &'a Secret) -> Result<&'a str, Refusal> {
    match secret.expose() {
        value if value.trim().is_empty() => Err(Refusal::EmptyCredential { scheme: key }),
        value => Ok(value),
    }
}

/// A header value that HTTP/2 must not index and `Debug` must not show.
fn header_value(key: &'static str, value: &str) -> Result<HeaderValue, Refusal> {
    let mut value = HeaderValue::from_str(value)
        .map_err(|_| invalid(key, "holds characters a header value cannot carry"))?;
    value.set_sensitive(true);
    Ok(value)
}

fn invalid(key: &'static str, problem: &str) -> Refusal {
    Refusal::InvalidRequest(format!("the credential for `{key}` {problem}"))
}

/// RFC 6265 `cookie-octet`: printable ASCII but space, `"`, `,`, `;` and `\`.
fn is_cookie_octet(byte: u8) -> bool {
    matches!(byte, 0x21 | 0x23..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E)
}

/// What one scheme's slot holds.
#[derive(Debug, Clone)]
pub(crate) enum Slot<A: Api> {
    Fixed(Ready),
    /// An expiring bearer token the client renews itself, shared by its clones.
    Renewed(Arc<RefreshingToken<A>>),
}

/// The client's credentials, one slot per scheme key.
#[derive(Debug, Clone)]
pub(crate) struct Credentials<A: Api> {
    slots: Vec<(&'static str, Slot<A>)>,
}

impl<A: Api> Default for Credentials<A> {
    fn default() -> Self {
        Credentials { slots: Vec::new() }
    }
}

impl<A: Api> Credentials<A> {
    /// Fills the scheme's slot, replacing what it held.
    pub(crate) fn set(&mut self, key: &'static str, slot: Slot<A>) {
        self.slots.retain(|(held, _)| *held != key);
        self.slots.push((key, slot));
    }

    fn get(&self, key: &str) -> Option<&Slot<A>> {
        self.slots
            .iter()
            .find_map(|(held, slot)| (*held == key).then_some(slot))
    }

    /// The slots of the first alternative whose every scheme is configured;
    /// none for an optional security without one; else the refusal naming
    /// the alternatives.
    pub(crate) fn choose(&self, security: &Security) -> Result<Vec<&Slot<A>>, Refusal> {
        let configured = security.alternatives.iter().find_map(|alternative| {
            alternative
                .iter()
                .map(|key| self.get(key))
                .collect::<Option<Vec<_>>>()
        });
        match configured {
            Some(slots) => Ok(slots),
            None if security.optional => Ok(Vec::new()),
            None => Err(Refusal::MissingCredential {
                alternatives: security.alternatives,
            }),
        }
    }

    /// The expiring token a call with this security sends, if it sends one.
    pub(crate) fn renewed(&self, security: &Security) -> Option<&Arc<RefreshingToken<A>>> {
        self.choose(security)
            .ok()?
            .into_iter()
            .find_map(|slot| match slot {
                Slot::Renewed(token) => Some(token),
                Slot::Fixed(_) => None,
            })
    }
}

/// `` `basicAuth`, or `apiKey` with `appId` `` for a refusal.
pub(crate) fn describe(alternatives: &[&[&str]]) -> String {
    let each: Vec<String> = alternatives
        .iter()
        .map(|schemes| {
            let named: Vec<String> = schemes.iter().map(|key| format!("`{key}`")).collect();
            named.join(" with ")
        })
        .collect();
    each.join(", or ")
}

#[cfg(test)]
mod tests {
    use reqwest::Method;

    use super::*;
    use crate::client::{Client, ClientBuilder};
    use crate::prepare::Prepared;
    use crate::request::{CallOptions, Operation, Replay, Request};
    use crate::test_api::{
        Basic, Bearer, CookieKey, HeaderKey, Mismatched, QueryKey, TestApi, TestHost,
    };

    const fn operation(security: Security) -> Operation<TestApi> {
        Operation {
            security,
            replay: Replay::Safe,
            ..Operation::new("op", &Method::GET, "/v1/things", TestHost::Main)
        }
    }

    /// Basic alone, else a header key and a query key together.
    static ALTERNATIVES: Operation<TestApi> = operation(Security::required(&[
        &["basic"],
        &["headerKey", "queryKey"],
    ]));
    static OPTIONAL: Operation<TestApi> = operation(Security::optional(&[&["bearer"]]));
    static COOKIE: Operation<TestApi> = operation(Security::required(&[&["cookieKey"]]));
    static MISMATCHED: Operation<TestApi> = operation(Security::required(&[&["mismatched"]]));

    fn prepare(
        builder: ClientBuilder<TestApi>,
        operation: &'static Operation<TestApi>,
    ) -> Result<Prepared<TestApi>, Refusal> {
        let client: Client<TestApi> = builder.build().unwrap().0;
        let mut request = Request::new(operation, &[]);
        request.query("limit", "2");
        client.prepare(request, CallOptions::default())
    }

    fn keys() -> ClientBuilder<TestApi> {
        ClientBuilder::default()
            .credential(HeaderKey, "header-SECRET")
            .credential(QueryKey, "query SECRET&")
    }

    #[test]
    fn basic_sends_user_and_password_in_base64() {
        let builder = ClientBuilder::default()
            .credential(Basic, BasicCredentials::new("Aladdin", "open sesame"));
        let prepared = prepare(builder, &ALTERNATIVES).unwrap();
        let authorization = &prepared.headers[AUTHORIZATION];
        // RFC 7617's example.
        assert_eq!(authorization, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert!(authorization.is_sensitive());
        let colon = ClientBuilder::default().credential(Basic, BasicCredentials::new("a:b", "c"));
        let refused = prepare(colon, &ALTERNATIVES).err().unwrap();
        assert!(refused.to_string().contains("`basic`"), "{refused}");
    }

    #[test]
    fn keys_go_in_their_header_query_parameter_and_cookie() {
        let prepared = prepare(keys(), &ALTERNATIVES).unwrap();
        assert_eq!(prepared.headers["x-api-key"], "header-SECRET");
        assert!(prepared.headers["x-api-key"].is_sensitive());
        assert!(!prepared.headers.contains_key(AUTHORIZATION));
        assert_eq!(
            prepared.url.query(),
            Some("limit=2&api_key=query+SECRET%26")
        );
        let cookies = ClientBuilder::default().credential(CookieKey, "c-SECRET");
        let prepared = prepare(cookies, &COOKIE).unwrap();
        assert_eq!(
            prepared.headers[reqwest::header::COOKIE],
            "session=c-SECRET"
        );
        assert!(prepared.headers[reqwest::header::COOKIE].is_sensitive());
        let client: Client<TestApi> = ClientBuilder::default()
            .credential(CookieKey, "c-SECRET")
            .build()
            .unwrap()
            .0;
        let mut request = Request::new(&COOKIE, &[]);
        request.cookie("theme", "dark");
        let both = client.prepare(request, CallOptions::default()).unwrap();
        assert_eq!(
            both.headers[reqwest::header::COOKIE],
            "session=c-SECRET; theme=dark",
            "a key and a cookie parameter share the one `Cookie` header"
        );
        assert!(both.headers[reqwest::header::COOKIE].is_sensitive());
        let bad = ClientBuilder::default().credential(CookieKey, "a;b");
        assert!(matches!(
            prepare(bad, &COOKIE),
            Err(Refusal::InvalidRequest(_))
        ));
    }

    #[test]
    fn the_first_alternative_the_client_holds_is_sent() {
        let both = keys().credential(Basic, BasicCredentials::new("user", "pw"));
        let prepared = prepare(both, &ALTERNATIVES).unwrap();
        assert!(
            prepared.headers[AUTHORIZATION]
                .to_str()
                .unwrap()
                .starts_with("Basic ")
        );
        assert!(!prepared.headers.contains_key("x-api-key"));
        assert_eq!(prepared.url.query(), Some("limit=2"));
    }

    #[test]
    fn an_incomplete_alternative_is_not_sent_and_the_refusal_names_every_alternative() {
        let half = ClientBuilder::default().credential(HeaderKey, "header-SECRET");
        let refused = prepare(half, &ALTERNATIVES).err().unwrap();
        assert_eq!(
            refused,
            Refusal::MissingCredential {
                alternatives: &[&["basic"], &["headerKey", "queryKey"]]
            }
        );
        assert_eq!(
            refused.to_string(),
            "no credential is configured for `basic`, or `headerKey` with `queryKey`: \
             set one with `ClientBuilder::credential`"
        );
    }

    #[test]
    fn optional_security_sends_what_is_configured_or_nothing() {
        let bare = prepare(ClientBuilder::default(), &OPTIONAL).unwrap();
        assert!(!bare.headers.contains_key(AUTHORIZATION));
        let with = prepare(ClientBuilder::default().credential(Bearer, "t"), &OPTIONAL).unwrap();
        assert_eq!(with.headers[AUTHORIZATION], "Bearer t");
    }

    #[test]
    fn a_credential_of_the_wrong_kind_or_empty_is_refused_naming_its_scheme() {
        let refused = prepare(
            ClientBuilder::default().credential(Mismatched, "x"),
            &MISMATCHED,
        );
        assert!(
            matches!(refused, Err(Refusal::InvalidRequest(message)) if message.contains("`mismatched`"))
        );
        let empty = prepare(ClientBuilder::default().credential(Bearer, " "), &OPTIONAL);
        assert_eq!(
            empty.err(),
            Some(Refusal::EmptyCredential { scheme: "bearer" })
        );
    }

    #[test]
    fn no_credential_shows_in_debug() {
        let builder = keys()
            .credential(Basic, BasicCredentials::new("user-SECRET", "pw-SECRET"))
            .credential(CookieKey, "cookie-SECRET");
        let shown = format!("{builder:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        let client = builder.build().unwrap().0;
        let shown = format!(
            "{client:?} {:?}",
            client.with_credential(Bearer, "bearer-SECRET")
        );
        assert!(!shown.contains("SECRET"), "{shown}");
        let shown = format!("{:?}", BasicCredentials::new("user-SECRET", "pw-SECRET"));
        assert!(!shown.contains("SECRET"), "{shown}");
    }
}
