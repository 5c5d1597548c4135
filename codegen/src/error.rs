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
        // One allocation: lowering joins a pointer for most nodes it reads.
        let mut pointer = String::with_capacity(self.0.len() + 24);
        pointer.push_str(&self.0);
        pointer.push('/');
        let mut escaped = Escaped(&mut pointer);
        fmt::write(&mut escaped, format_args!("{key}")).expect("a String takes any text");
        Pointer(pointer)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Writes a reference token into a pointer, `~` as `~0` and `/` as `~1`.
struct Escaped<'a>(&'a mut String);

impl fmt::Write for Escaped<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let mut rest = text;
        while let Some(at) = rest.find(['~', '/']) {
            self.0.push_str(&rest[..at]);
            self.0.push_str(if rest.as_bytes()[at] == b'~' {
                "~0"
            } else {
                "~1"
            });
            rest = &rest[at + 1..];
        }
        self.0.push_str(rest);
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::Pointer;

    #[test]
    fn keys_are_escaped_as_reference_tokens() {
        let pointer = Pointer::root().join("/v1/a~b").join(2).join("~/~");
        assert_eq!(pointer.as_str(), "#/~1v1~1a~0b/2/~0~1~0");
        assert_eq!(pointer.parent().parent().as_str(), "#/~1v1~1a~0b");
    }
}
