//! Checks of the spec's declared bounds, run before a request is sent.
//!
//! Generated `Validate` impls call these helpers; a failure names the field by
//! its wire path (`soft_descriptor.dba_name`), the way Clover's `param` does,
//! and never repeats the value, which may be a secret.

use std::fmt;
use std::sync::OnceLock;

use regex_lite::Regex;

/// A request value outside the bounds the spec declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidInput {
    /// Wire path of the field, e.g. `level3.level3_line_items[0].product_code`.
    pub field: String,
    /// What is wrong, without the value itself.
    pub problem: String,
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` {}", self.field, self.problem)
    }
}

/// Implemented by every generated type that a request sends.
pub trait Validate {
    /// Checks the value; `path` is the wire path of the value itself ("" at the top).
    fn validate(&self, _path: &str) -> Result<(), InvalidInput> {
        Ok(())
    }
}

/// JSON bodies that are not a model (a list, a free-form object, text) are
/// checked item by item where their items have checks, and not otherwise.
impl Validate for str {}
impl Validate for String {}
impl Validate for serde_json::Value {}
impl Validate for i32 {}
impl Validate for i64 {}
impl Validate for f64 {}
impl Validate for bool {}

impl<T: Validate> Validate for [T] {
    fn validate(&self, path: &str) -> Result<(), InvalidInput> {
        self.iter()
            .enumerate()
            .try_for_each(|(index, item)| item.validate(&format!("{path}[{index}]")))
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, path: &str) -> Result<(), InvalidInput> {
        self.as_slice().validate(path)
    }
}

impl<T: Validate> Validate for std::collections::BTreeMap<String, T> {
    fn validate(&self, path: &str) -> Result<(), InvalidInput> {
        self.iter()
            .try_for_each(|(key, value)| value.validate(&join(path, key)))
    }
}

/// `parent.field`, or `field` at the top level.
pub fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

/// `parent.field[index]`.
pub fn join_index(path: &str, field: &str, index: usize) -> String {
    format!("{}[{index}]", join(path, field))
}

/// Length in characters, as the spec's `minLength`/`maxLength` count it.
pub fn length(
    value: &str,
    min: Option<u64>,
    max: Option<u64>,
    path: &str,
    field: &str,
) -> Result<(), InvalidInput> {
    let length = value.chars().count() as u64;
    check(length, min, max, path, field, |bound| {
        format!("is {length} characters long; {bound} allowed")
    })
}

/// An integer or number within inclusive bounds.
pub fn range<T: PartialOrd + fmt::Display + Copy>(
    value: T,
    min: Option<T>,
    max: Option<T>,
    path: &str,
    field: &str,
) -> Result<(), InvalidInput> {
    check(value, min, max, path, field, |bound| {
        format!("is {value}; {bound} allowed")
    })
}

/// A number strictly between its bounds (`exclusiveMinimum`/`exclusiveMaximum`).
pub fn exclusive_range(
    value: f64,
    min: Option<f64>,
    max: Option<f64>,
    path: &str,
    field: &str,
) -> Result<(), InvalidInput> {
    let bound = match (min, max) {
        (Some(min), _) if value <= min => format!("more than {min}"),
        (_, Some(max)) if value >= max => format!("less than {max}"),
        _ => return Ok(()),
    };
    Err(InvalidInput {
        field: join(path, field),
        problem: format!("is {value}; {bound} allowed"),
    })
}

/// An integer from the spec's `enum`.
pub fn one_of(value: i64, allowed: &[i64], path: &str, field: &str) -> Result<(), InvalidInput> {
    if allowed.contains(&value) {
        return Ok(());
    }
    let allowed: Vec<String> = allowed.iter().map(i64::to_string).collect();
    Err(InvalidInput {
        field: join(path, field),
        problem: format!("is {value}; one of {} allowed", allowed.join(", ")),
    })
}

pub fn items(
    count: usize,
    min: Option<u64>,
    max: Option<u64>,
    path: &str,
    field: &str,
) -> Result<(), InvalidInput> {
    let count = count as u64;
    check(count, min, max, path, field, |bound| {
        format!("has {count} items; {bound} allowed")
    })
}

/// A `pattern` from the spec, compiled the first time a value is checked.
/// Generated code keeps one in a `static` per field.
#[derive(Debug)]
pub struct Pattern {
    source: &'static str,
    compiled: OnceLock<Regex>,
}

impl Pattern {
    /// `source` is a pattern the generator has already compiled once.
    pub const fn new(source: &'static str) -> Self {
        Pattern {
            source,
            compiled: OnceLock::new(),
        }
    }

    /// Like JSON Schema, the value must contain a match; anchors in the
    /// pattern make it match the whole value.
    pub fn check(&self, value: &str, path: &str, field: &str) -> Result<(), InvalidInput> {
        let regex = self
            .compiled
            .get_or_init(|| Regex::new(self.source).expect("the generator compiles every pattern"));
        if regex.is_match(value) {
            return Ok(());
        }
        Err(InvalidInput {
            field: join(path, field),
            problem: format!("does not match the pattern `{}`", self.source),
        })
    }
}

fn check<T: PartialOrd + fmt::Display + Copy>(
    value: T,
    min: Option<T>,
    max: Option<T>,
    path: &str,
    field: &str,
    describe: impl Fn(String) -> String,
) -> Result<(), InvalidInput> {
    let bound = match (min, max) {
        (Some(min), _) if value < min => format!("at least {min}"),
        (_, Some(max)) if value > max => format!("at most {max}"),
        _ => return Ok(()),
    };
    Err(InvalidInput {
        field: join(path, field),
        problem: describe(bound),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_name_the_field_and_not_the_value() {
        let error = length("4242424242424242", None, Some(12), "card", "number").unwrap_err();
        assert_eq!(error.field, "card.number");
        assert_eq!(
            error.to_string(),
            "`card.number` is 16 characters long; at most 12 allowed"
        );
        assert!(!error.to_string().contains("4242"));
        assert_eq!(
            range(0, Some(1), Some(100), "", "limit")
                .unwrap_err()
                .to_string(),
            "`limit` is 0; at least 1 allowed"
        );
        assert_eq!(
            items(3, None, Some(2), "level3", "items")
                .unwrap_err()
                .field,
            "level3.items"
        );
    }

    #[test]
    fn values_on_the_bounds_pass() {
        assert!(length("usd", Some(3), Some(3), "", "currency").is_ok());
        assert!(
            length("ü", Some(1), Some(1), "", "x").is_ok(),
            "length counts characters, not bytes"
        );
        assert!(range(100, Some(1), Some(100), "", "limit").is_ok());
        assert!(items(0, None, Some(2), "", "items").is_ok());
    }

    #[test]
    fn patterns_name_the_field_and_the_pattern_but_not_the_value() {
        static CURRENCY: Pattern = Pattern::new("^[a-z]{3}$");
        assert!(CURRENCY.check("usd", "", "currency").is_ok());
        let error = CURRENCY.check("USD", "order", "currency").unwrap_err();
        assert_eq!(
            error.to_string(),
            "`order.currency` does not match the pattern `^[a-z]{3}$`"
        );
        static DIGITS: Pattern = Pattern::new("[0-9]");
        assert!(
            DIGITS.check("ab1", "", "x").is_ok(),
            "an unanchored pattern matches anywhere"
        );
    }

    #[test]
    fn number_bounds_inclusive_and_exclusive() {
        assert!(range(0.5, Some(0.5), Some(1.0), "", "ratio").is_ok());
        assert_eq!(
            range(1.5, Some(0.5), Some(1.0), "", "ratio")
                .unwrap_err()
                .to_string(),
            "`ratio` is 1.5; at most 1 allowed"
        );
        assert!(exclusive_range(0.1, Some(0.0), None, "", "ratio").is_ok());
        assert_eq!(
            exclusive_range(0.0, Some(0.0), Some(2.0), "a", "ratio")
                .unwrap_err()
                .to_string(),
            "`a.ratio` is 0; more than 0 allowed"
        );
        assert!(exclusive_range(2.0, None, Some(2.0), "", "ratio").is_err());
    }

    #[test]
    fn integer_enums_list_what_is_allowed() {
        assert!(one_of(512, &[256, 512], "", "dimensions").is_ok());
        assert_eq!(
            one_of(100, &[256, 512], "", "dimensions")
                .unwrap_err()
                .to_string(),
            "`dimensions` is 100; one of 256, 512 allowed"
        );
    }

    #[test]
    fn paths_nest_with_dots_and_indexes() {
        assert_eq!(join("", "amount"), "amount");
        assert_eq!(join("level3", "service_code"), "level3.service_code");
        assert_eq!(
            join_index("level3", "level3_line_items", 2),
            "level3.level3_line_items[2]"
        );
    }
}
