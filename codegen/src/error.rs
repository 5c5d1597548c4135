//! What can go wrong between reading a spec and holding formatted Rust.

use std::fmt;

/// A JSON pointer (RFC 6901) into the spec, written with the `#` prefix used by `$ref`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pointer(String);

impl Pointer {
    pub fn root() -> Self {
        Pointer("#".to_owned())
    }

    /// The pointer to the enclosing node (the root stays the root).
    pub fn parent(&self) -> Self {
        match self.0.rfind('/') {
            Some(end) => Pointer(self.0[..end].to_owned()),
            None => self.clone(),
        }
    }

    /// The pointer to a child node, escaping `~` and `/` in the key.
    pub fn join(&self, key: impl fmt::Display) -> Self {
        let escaped = key.to_string().replace('~', "~0").replace('/', "~1");
        Pointer(format!("{}/{escaped}", self.0))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A problem in the spec, located by a JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{pointer}: {message}")]
pub struct SpecError {
    pub pointer: Pointer,
    pub message: String,
}

impl SpecError {
    pub fn new(pointer: &Pointer, message: impl Into<String>) -> Self {
        SpecError {
            pointer: pointer.clone(),
            message: message.into(),
        }
    }

    /// A construct that is valid OpenAPI but that the generator does not handle yet.
    pub fn unsupported(pointer: &Pointer, what: impl fmt::Display) -> Self {
        SpecError::new(pointer, format!("{what} is not supported yet"))
    }
}

/// Why generation failed. Nothing is written when any of these occurs.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the spec does not read as an OpenAPI 3.0 document: {pointer}: {message}")]
    Structure { pointer: Pointer, message: String },
    #[error("the spec has {} problem(s):\n{}", .0.len(), render_list(.0))]
    Spec(Vec<SpecError>),
    #[error("generated `{file}` does not parse as Rust (a generator bug): {source}")]
    Emit { file: String, source: syn::Error },
}

fn render_list(errors: &[SpecError]) -> String {
    errors
        .iter()
        .map(|error| format!("  - {error}"))
        .collect::<Vec<_>>()
        .join("\n")
}

impl From<SpecError> for Error {
    fn from(error: SpecError) -> Self {
        Error::Spec(vec![error])
    }
}
