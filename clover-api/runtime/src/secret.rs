//! A string that never shows itself in `Debug` output.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A credential or card field: tokens, keys, the client secret, card number, CVV.
///
/// `Debug` prints `Secret([redacted])`, and there is no `Display`, so a secret
/// cannot end up in a log line or an error message by accident. Read it with
/// [`Secret::expose`].
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret value, for sending it or storing it somewhere safe.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_value_but_serde_carries_it() {
        let secret = Secret::from("4242424242424242");
        assert_eq!(format!("{secret:?}"), "Secret([redacted])");
        assert_eq!(
            serde_json::to_string(&secret).unwrap(),
            "\"4242424242424242\""
        );
        let back: Secret = serde_json::from_str("\"abc\"").unwrap();
        assert_eq!(back.expose(), "abc");
    }
}
