//! Rust names from wire names: case conversion, keywords, and validity.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords that can be written as raw identifiers (`r#type`).
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing underscore.
const RESERVED: &[&str] = &["crate", "self", "super", "Self", "_"];

/// A field, parameter or method name: `apiAccessKey` → `api_access_key`,
/// `created.gt` → `created_gt`, `type` → `r#type`.
pub fn field_name(wire: &str) -> Option<String> {
    let snake = wire.to_snake_case();
    if RESERVED.contains(&snake.as_str()) {
        return Some(format!("{snake}_"));
    }
    if !is_identifier(&snake) {
        return None;
    }
    Some(if RAW_KEYWORDS.contains(&snake.as_str()) {
        format!("r#{snake}")
    } else {
        snake
    })
}

/// A type or variant name: `soft_descriptor` → `SoftDescriptor`.
/// Values starting with a digit get a `V` prefix (`2` → `V2`), and `self`
/// becomes `SelfValue`, so every name [`field_name`] accepts has one.
pub fn type_name(wire: &str) -> Option<String> {
    let camel = wire.to_upper_camel_case();
    let camel = match camel.chars().next() {
        Some(first) if first.is_ascii_digit() => format!("V{camel}"),
        _ if camel == "Self" => "SelfValue".to_owned(),
        _ => camel,
    };
    is_identifier(&camel).then_some(camel)
}

/// A Rust name without its raw-identifier prefix: `r#type` → `type`, which is
/// also the name serde derives for it.
pub fn unraw(rust_name: &str) -> &str {
    rust_name.strip_prefix("r#").unwrap_or(rust_name)
}

/// Whether `name` can be sent as an HTTP header name as written (lowercase token).
pub fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name.bytes().all(|byte| {
            byte.is_ascii_lowercase() || byte.is_ascii_digit() || b"!#$%&'*+-.^_`|~".contains(&byte)
        })
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(first) if first == '_' || first.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_follow_rust_conventions() {
        assert_eq!(
            field_name("apiAccessKey").as_deref(),
            Some("api_access_key")
        );
        assert_eq!(field_name("created.gt").as_deref(), Some("created_gt"));
        assert_eq!(
            field_name("x-forwarded-for").as_deref(),
            Some("x_forwarded_for")
        );
        assert_eq!(field_name("type").as_deref(), Some("r#type"));
        assert_eq!(field_name("self").as_deref(), Some("self_"));
        assert_eq!(
            field_name("magnetic_Stripe_Ind").as_deref(),
            Some("magnetic_stripe_ind")
        );
        assert_eq!(field_name("3ds"), None);
        assert_eq!(field_name(""), None);
    }

    #[test]
    fn type_names_are_upper_camel_case() {
        assert_eq!(
            type_name("save_credential_on_file").as_deref(),
            Some("SaveCredentialOnFile")
        );
        assert_eq!(type_name("NON_CLOVER").as_deref(), Some("NonClover"));
        assert_eq!(
            type_name("com.clover.tender.cash").as_deref(),
            Some("ComCloverTenderCash")
        );
        assert_eq!(type_name("2").as_deref(), Some("V2"));
        assert_eq!(type_name("").as_deref(), None);
    }

    #[test]
    fn unraw_drops_the_raw_prefix() {
        assert_eq!(unraw("r#type"), "type");
        assert_eq!(unraw("amount"), "amount");
    }

    #[test]
    fn self_has_a_type_name_too() {
        assert_eq!(field_name("self").as_deref(), Some("self_"));
        assert_eq!(type_name("self").as_deref(), Some("SelfValue"));
        assert_eq!(type_name("self_").as_deref(), Some("SelfValue"));
        assert_eq!(type_name("_"), None);
    }

    #[test]
    fn header_names_are_lowercase_tokens() {
        assert!(is_header_name("x-forwarded-for"));
        assert!(is_header_name("apikey"));
        assert!(!is_header_name("x trace"));
        assert!(!is_header_name("X-Trace"));
        assert!(!is_header_name(""));
    }
}
