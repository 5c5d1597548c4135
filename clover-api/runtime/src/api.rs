//! What generated code tells the runtime about its API: the hosts and
//! environments, the shape of an error body, and the client type its
//! methods live on. The runtime names no model of any particular API.

use std::fmt;

use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::environment::ServerUrl;

/// One API as the generator describes it, implemented by a marker type in
/// the generated code.
pub trait Api: fmt::Debug + Clone + Copy + Send + Sync + 'static {
    /// The servers the API is spread over.
    type Host: ApiHost<Server = Self::Server>;
    /// The environments the spec's servers describe (e.g. sandbox and production).
    type Server: ApiServer;
    /// The fields of an error response.
    type ErrorFields: ErrorFields;
    /// The generated client, whose methods are the API's operations; it
    /// wraps the runtime's [`Client`].
    type Client: From<Client<Self>>;
}

/// The generated `Host` enum.
pub trait ApiHost: Copy + Eq + fmt::Debug + fmt::Display + Send + Sync + 'static {
    /// The environments this host has a server in.
    type Server: ApiServer;

    /// Every host, in the order the spec first names them.
    const ALL: &'static [Self];

    /// The host's server URL in an environment, as the spec writes it.
    fn url(self, server: Self::Server) -> ServerUrl;
}

/// The generated `Server` enum: one variant per environment, the first the
/// spec lists being the default.
pub trait ApiServer:
    Copy + Eq + Default + fmt::Debug + fmt::Display + Send + Sync + 'static
{
}

/// The fields of an API's error response, as its spec defines them.
///
/// A body is read leniently: a number or boolean where the spec says string
/// is kept as text; a body that still does not match has no fields (the raw
/// body is always kept).
pub trait ErrorFields:
    DeserializeOwned + Clone + fmt::Debug + fmt::Display + Send + Sync + 'static
{
    /// The body property that holds the fields, when the spec wraps them
    /// (`{"message": "…", "error": {…}}`); a body without it is read flat.
    const ENVELOPE: Option<&'static str>;

    /// The server reports a failure on its side while handling the request:
    /// it may have gone through, and the same request may succeed later.
    fn is_transient(&self) -> bool;
}

/// For an API whose spec defines no error body: any JSON, never transient.
impl ErrorFields for serde_json::Value {
    const ENVELOPE: Option<&'static str> = None;

    fn is_transient(&self) -> bool {
        false
    }
}

/// Writes an error's fields as `(name value, name value): message`; the
/// generated `Display` of an [`ErrorFields`] type is made of these calls.
pub struct FieldsDisplay<'a, 'b> {
    f: &'a mut fmt::Formatter<'b>,
    written: bool,
}

impl fmt::Debug for FieldsDisplay<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FieldsDisplay")
            .field("written", &self.written)
            .finish_non_exhaustive()
    }
}

impl<'a, 'b> FieldsDisplay<'a, 'b> {
    pub fn new(f: &'a mut fmt::Formatter<'b>) -> Self {
        FieldsDisplay { f, written: false }
    }

    pub fn field(&mut self, name: &str, value: &dyn fmt::Display) -> fmt::Result {
        let separator = if self.written { ", " } else { "(" };
        self.written = true;
        write!(self.f, "{separator}{name} {value}")
    }

    /// Closes the list and adds the human-readable message, if there is one.
    pub fn finish(self, message: Option<&str>) -> fmt::Result {
        if self.written {
            self.f.write_str(")")?;
        }
        match message {
            Some(message) if self.written => write!(self.f, ": {message}"),
            Some(message) => self.f.write_str(message),
            None => Ok(()),
        }
    }
}
