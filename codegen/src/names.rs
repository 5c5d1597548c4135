//! Rust names from wire names: case conversion, keywords, and validity.

use std::cell::RefCell;
use std::collections::HashMap;
use std::thread::LocalKey;

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
/// `created.gt` → `created_gt`, `type` → `r#type`, `self` → `self_`,
/// `3ds` → `v3ds`. Every wire name has one; see [`words`].
pub fn field_name(wire: &str) -> String {
    memoized(&FIELD_NAMES, wire, convert_field_name)
}

fn convert_field_name(wire: &str) -> String {
    let snake = match words(wire).to_snake_case() {
        empty if empty.is_empty() => placeholder(wire).to_owned(),
        digit if digit.starts_with(|c: char| c.is_ascii_digit()) => format!("v{digit}"),
        snake => snake,
    };
    if RESERVED.contains(&snake.as_str()) {
        format!("{snake}_")
    } else if RAW_KEYWORDS.contains(&snake.as_str()) {
        format!("r#{snake}")
    } else {
        snake
    }
}

/// A type or variant name: `soft_descriptor` → `SoftDescriptor`.
/// Values starting with a digit get a `V` prefix (`2` → `V2`), and `self`
/// becomes `SelfValue`. Every wire name has one; see [`words`].
pub fn type_name(wire: &str) -> String {
    memoized(&TYPE_NAMES, wire, convert_type_name)
}

fn convert_type_name(wire: &str) -> String {
    let camel = words(wire).to_upper_camel_case();
    match camel.chars().next() {
        None => placeholder(wire).to_upper_camel_case(),
        Some(first) if first.is_ascii_digit() => format!("V{camel}"),
        _ if camel == "Self" => "SelfValue".to_owned(),
        _ => camel,
    }
}

type Memo = RefCell<HashMap<String, String>>;

thread_local! {
    // Specs repeat their property names by the hundred, and heck converts a
    // character at a time: each wire name is converted once per thread.
    static FIELD_NAMES: Memo = RefCell::default();
    static TYPE_NAMES: Memo = RefCell::default();
}

/// Names a memo holds at most; past it, the memo starts again, so a
/// long-lived thread that lowers many specs does not keep every name.
const MEMO_CAPACITY: usize = 16_384;

fn memoized(memo: &'static LocalKey<Memo>, wire: &str, convert: fn(&str) -> String) -> String {
    memo.with_borrow_mut(|names| {
        if let Some(name) = names.get(wire) {
            return name.clone();
        }
        if names.len() >= MEMO_CAPACITY {
            names.clear();
        }
        let name = convert(wire);
        names.insert(wire.to_owned(), name.clone());
        name
    })
}

/// The words of a wire name, ASCII only: a letter or digit outside ASCII
/// becomes a word of its own, `u` and its code point in hex (`größe` →
/// `gr u00f6 u00df e`), so distinct names stay distinct and every name is a plain
/// Rust identifier (no confusable or mixed-script lints); any other
/// character separates words.
fn words(wire: &str) -> String {
    let mut spelled = String::with_capacity(wire.len());
    for c in wire.chars() {
        match c {
            c if c.is_ascii_alphanumeric() => spelled.push(c),
            c if c.is_alphanumeric() => spelled.push_str(&format!(" u{:04x} ", u32::from(c))),
            _ => spelled.push(' '),
        }
    }
    spelled
}

/// The name of a wire name with no letters or digits at all.
fn placeholder(wire: &str) -> &'static str {
    match wire.is_empty() {
        true => "empty",
        false => "unnamed",
    }
}

/// Rust names handed out in one scope (the models of a crate, the fields of
/// a struct, the variants of an enum, the arguments of a method): the first
/// in spec order keeps its name, later ones that would share it get the
/// lowest free numeric suffix (`start_time_2`, `StartTime2`, `V1_2`).
#[derive(Debug, Default)]
pub struct Namespace {
    /// Each name handed out, with where in the spec its owner is.
    owners: HashMap<String, String>,
}

impl Namespace {
    /// Keeps `name` from being handed out (the catch-all variant, the
    /// client's constructor).
    pub fn reserve(&mut self, name: &str) {
        self.owners.insert(name.to_owned(), String::new());
    }

    /// The name for what sits at `owner` (a JSON pointer), from `proposed`.
    /// A name stays with its owner and with what lies inside it, so the same
    /// schema lowered twice, or an `allOf` of one member, keeps one name.
    pub fn claim(&mut self, proposed: &str, owner: &str) -> String {
        let candidates = std::iter::once(proposed.to_owned())
            .chain((2..).map(|suffix| with_suffix(proposed, suffix)));
        for name in candidates {
            match self.owners.get(&name) {
                Some(holder) if !holder.is_empty() && is_within(owner, holder) => return name,
                Some(_) => {}
                None => {
                    self.owners.insert(name.clone(), owner.to_owned());
                    return name;
                }
            }
        }
        unreachable!("the numeric suffixes are endless")
    }
}

/// Whether the node at `pointer` is `ancestor` or lies inside it.
fn is_within(pointer: &str, ancestor: &str) -> bool {
    pointer
        .strip_prefix(ancestor)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// `start_time` → `start_time_2`, `StartTime` → `StartTime2`, `V1` →
/// `V1_2`, `r#type` → `type_2`, `self_` → `self_2`.
fn with_suffix(name: &str, suffix: u32) -> String {
    let bare = unraw(name).trim_end_matches('_');
    let snake = bare.starts_with(|c: char| c.is_ascii_lowercase());
    match snake || bare.ends_with(|c: char| c.is_ascii_digit()) {
        true => format!("{bare}_{suffix}"),
        false => format!("{bare}{suffix}"),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_follow_rust_conventions() {
        let cases = [
            ("apiAccessKey", "api_access_key"),
            ("created.gt", "created_gt"),
            ("x-forwarded-for", "x_forwarded_for"),
            ("type", "r#type"),
            ("self", "self_"),
            ("crate", "crate_"),
            ("magnetic_Stripe_Ind", "magnetic_stripe_ind"),
            ("3ds", "v3ds"),
            ("", "empty"),
            ("<>", "unnamed"),
            ("größe", "gr_u00f6_u00df_e"),
            ("名前", "u540d_u524d"),
            ("StartTime<", "start_time"),
        ];
        for (wire, rust) in cases {
            assert_eq!(field_name(wire), rust, "{wire}");
        }
    }

    #[test]
    fn type_names_are_upper_camel_case() {
        let cases = [
            ("save_credential_on_file", "SaveCredentialOnFile"),
            ("NON_CLOVER", "NonClover"),
            ("com.clover.tender.cash", "ComCloverTenderCash"),
            ("2", "V2"),
            ("+1", "V1"),
            ("", "Empty"),
            ("*", "Unnamed"),
            ("self", "SelfValue"),
            ("self_", "SelfValue"),
            ("_", "Unnamed"),
            ("größe", "GrU00f6U00dfE"),
        ];
        for (wire, rust) in cases {
            assert_eq!(type_name(wire), rust, "{wire}");
        }
    }

    #[test]
    fn names_stay_right_when_the_memo_starts_again() {
        for index in 0..MEMO_CAPACITY + 10 {
            assert_eq!(
                field_name(&format!("field{index}Name")),
                format!("field{index}_name")
            );
        }
        assert_eq!(field_name("apiAccessKey"), "api_access_key");
        assert_eq!(field_name("apiAccessKey"), "api_access_key");
        assert_eq!(type_name("NON_CLOVER"), "NonClover");
    }

    #[test]
    fn unraw_drops_the_raw_prefix() {
        assert_eq!(unraw("r#type"), "type");
        assert_eq!(unraw("amount"), "amount");
    }

    #[test]
    fn later_claims_of_a_name_get_the_lowest_free_suffix() {
        let mut fields = Namespace::default();
        assert_eq!(fields.claim("start_time", "#/a"), "start_time");
        assert_eq!(fields.claim("start_time", "#/b"), "start_time_2");
        assert_eq!(fields.claim("start_time", "#/c"), "start_time_3");
        assert_eq!(fields.claim("r#type", "#/d"), "r#type");
        assert_eq!(fields.claim("r#type", "#/e"), "type_2");
        assert_eq!(fields.claim("self_", "#/f"), "self_");
        assert_eq!(fields.claim("self_", "#/g"), "self_2");
        let mut types = Namespace::default();
        types.reserve("Other");
        assert_eq!(types.claim("Other", "#/x"), "Other2");
        assert_eq!(types.claim("V1", "#/y"), "V1");
        assert_eq!(types.claim("V1", "#/z"), "V1_2");
    }

    #[test]
    fn a_name_stays_with_its_owner_and_what_lies_inside_it() {
        let mut types = Namespace::default();
        assert_eq!(types.claim("Card", "#/components/schemas/Card"), "Card");
        assert_eq!(
            types.claim("Card", "#/components/schemas/Card/allOf/0"),
            "Card"
        );
        assert_eq!(types.claim("Card", "#/components/schemas/Card"), "Card");
        assert_eq!(types.claim("Card", "#/components/schemas/CardX"), "Card2");
        assert_eq!(types.claim("Card", "#/components/schemas/CardX"), "Card2");
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
