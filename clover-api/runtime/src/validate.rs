//! Checks of the spec's declared bounds, run before a request is sent.
//!
//! A generated `Validate` impl is one line per check, each a method of
//! [`Checks`]; a failure names the field by its wire path
//! (`soft_descriptor.dba_name`), the way Clover's `param` does, and never
//! repeats the value, which may be a secret. An absent optional value passes
//! every check.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::{Bound, RangeBounds};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use regex_lite::Regex;

use crate::Secret;

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

/// Implemented by every generated type that a request sends and that has
/// something to check, itself or in a model it holds.
pub trait Validate {
    /// Checks the value with `checks` at its wire path ("" at the top).
    fn validate(&self, checks: Checks<'_>) -> Result<(), InvalidInput>;
}

/// An absent value has nothing to check.
impl<T: Validate> Validate for Option<T> {
    fn validate(&self, checks: Checks<'_>) -> Result<(), InvalidInput> {
        self.as_ref().map_or(Ok(()), |value| value.validate(checks))
    }
}

impl<T: Validate + ?Sized> Validate for Box<T> {
    fn validate(&self, checks: Checks<'_>) -> Result<(), InvalidInput> {
        (**self).validate(checks)
    }
}

/// Each item, at `path[index]`.
impl<T: Validate> Validate for [T] {
    fn validate(&self, checks: Checks<'_>) -> Result<(), InvalidInput> {
        self.try_each(checks.path, |at, item| item.validate(Checks::at(at)))
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, checks: Checks<'_>) -> Result<(), InvalidInput> {
        self.as_slice().validate(checks)
    }
}

/// Each value, at `path.key`.
impl<T: Validate> Validate for BTreeMap<String, T> {
    fn validate(&self, checks: Checks<'_>) -> Result<(), InvalidInput> {
        self.try_each(checks.path, |at, value| value.validate(Checks::at(at)))
    }
}

/// The fields of one value at `path`, which a generated `Validate` checks one
/// by one: `checks.length("currency", &self.currency, 3..=3)?`.
#[derive(Debug, Clone, Copy)]
pub struct Checks<'a> {
    path: &'a str,
}

impl<'a> Checks<'a> {
    /// The fields of the value at `path` ("" for a request body or a parameter).
    pub fn at(path: &'a str) -> Self {
        Checks { path }
    }

    /// Length in characters, as the spec's `minLength`/`maxLength` count it.
    pub fn length<T: Text + ?Sized>(
        self,
        field: &str,
        value: &T,
        bounds: impl RangeBounds<u64>,
    ) -> Result<(), InvalidInput> {
        let Some(text) = value.text() else {
            return Ok(());
        };
        let length = text.chars().count() as u64;
        self.bounded(field, length, bounds, |bound| {
            format!("is {length} characters long; {bound} allowed")
        })
    }

    /// Like JSON Schema, the value must contain a match of `pattern`; anchors
    /// in the pattern make it match the whole value. Each pattern is compiled
    /// the first time it is used, and must be one the generator has compiled
    /// once already.
    pub fn pattern<T: Text + ?Sized>(
        self,
        field: &str,
        value: &T,
        pattern: &'static str,
    ) -> Result<(), InvalidInput> {
        match value.text() {
            Some(text) if !matches(pattern, text) => {
                Err(self.invalid(field, format!("does not match the pattern `{pattern}`")))
            }
            _ => Ok(()),
        }
    }

    /// `minimum`/`maximum` of an integer or a number, each inclusive or
    /// exclusive (`exclusiveMinimum`/`exclusiveMaximum`).
    pub fn range<T: Number + ?Sized>(
        self,
        field: &str,
        value: &T,
        bounds: impl RangeBounds<T::Value>,
    ) -> Result<(), InvalidInput> {
        let Some(number) = value.number() else {
            return Ok(());
        };
        self.bounded(field, number, bounds, |bound| {
            format!("is {number}; {bound} allowed")
        })
    }

    /// An integer from the spec's `enum`.
    pub fn one_of<T: Number + ?Sized>(
        self,
        field: &str,
        value: &T,
        allowed: &[T::Value],
    ) -> Result<(), InvalidInput> {
        match value.number() {
            Some(number) if !allowed.contains(&number) => {
                let allowed: Vec<String> = allowed.iter().map(ToString::to_string).collect();
                let allowed = allowed.join(", ");
                Err(self.invalid(field, format!("is {number}; one of {allowed} allowed")))
            }
            _ => Ok(()),
        }
    }

    /// `minItems`/`maxItems` of an array.
    pub fn items<T: Items + ?Sized>(
        self,
        field: &str,
        value: &T,
        bounds: impl RangeBounds<u64>,
    ) -> Result<(), InvalidInput> {
        let Some(count) = value.count() else {
            return Ok(());
        };
        let count = count as u64;
        self.bounded(field, count, bounds, |bound| {
            format!("has {count} items; {bound} allowed")
        })
    }

    /// The bounds of each item of a list or value of a map: `check` gets
    /// the item's field name (`field[index]`, `field.key`) and the item.
    pub fn each<T: Items + ?Sized>(
        self,
        field: &str,
        value: &T,
        check: impl FnMut(&str, &T::Item) -> Result<(), InvalidInput>,
    ) -> Result<(), InvalidInput> {
        value.try_each(field, check)
    }

    /// The checks of a nested model (or of each one in a list or map).
    pub fn nested<T: Validate + ?Sized>(self, field: &str, value: &T) -> Result<(), InvalidInput> {
        value.validate(Checks::at(&join(self.path, field)))
    }

    fn bounded<T: PartialOrd + fmt::Display>(
        self,
        field: &str,
        value: T,
        bounds: impl RangeBounds<T>,
        describe: impl Fn(String) -> String,
    ) -> Result<(), InvalidInput> {
        let bound = match (bounds.start_bound(), bounds.end_bound()) {
            (Bound::Included(min), _) if value < *min => format!("at least {min}"),
            (Bound::Excluded(min), _) if value <= *min => format!("more than {min}"),
            (_, Bound::Included(max)) if value > *max => format!("at most {max}"),
            (_, Bound::Excluded(max)) if value >= *max => format!("less than {max}"),
            _ => return Ok(()),
        };
        Err(self.invalid(field, describe(bound)))
    }

    fn invalid(self, field: &str, problem: String) -> InvalidInput {
        InvalidInput {
            field: join(self.path, field),
            problem,
        }
    }
}

/// A value whose text the length and pattern checks read.
pub trait Text {
    /// `None` when an optional value is absent.
    fn text(&self) -> Option<&str>;
}

impl Text for str {
    fn text(&self) -> Option<&str> {
        Some(self)
    }
}

impl Text for String {
    fn text(&self) -> Option<&str> {
        Some(self)
    }
}

impl Text for Secret {
    fn text(&self) -> Option<&str> {
        Some(self.expose())
    }
}

impl<T: Text> Text for Option<T> {
    fn text(&self) -> Option<&str> {
        self.as_ref().and_then(Text::text)
    }
}

/// An integer or number the range checks read.
pub trait Number {
    /// What it is compared as: `i64` for integers, `f64` for numbers.
    type Value: PartialOrd + fmt::Display + Copy;

    /// `None` when an optional value is absent.
    fn number(&self) -> Option<Self::Value>;
}

impl Number for i32 {
    type Value = i64;

    fn number(&self) -> Option<i64> {
        Some(i64::from(*self))
    }
}

impl Number for i64 {
    type Value = i64;

    fn number(&self) -> Option<i64> {
        Some(*self)
    }
}

impl Number for f64 {
    type Value = f64;

    fn number(&self) -> Option<f64> {
        Some(*self)
    }
}

impl<T: Number> Number for Option<T> {
    type Value = T::Value;

    fn number(&self) -> Option<T::Value> {
        self.as_ref().and_then(Number::number)
    }
}

/// A list or map whose items the item checks read.
pub trait Items {
    type Item;

    /// `None` when an optional list is absent.
    fn count(&self) -> Option<usize>;

    /// Runs `check` on each item with its field name, until one fails.
    fn try_each(
        &self,
        field: &str,
        check: impl FnMut(&str, &Self::Item) -> Result<(), InvalidInput>,
    ) -> Result<(), InvalidInput>;
}

/// Items are named `field[index]`.
impl<T> Items for [T] {
    type Item = T;

    fn count(&self) -> Option<usize> {
        Some(self.len())
    }

    fn try_each(
        &self,
        field: &str,
        mut check: impl FnMut(&str, &T) -> Result<(), InvalidInput>,
    ) -> Result<(), InvalidInput> {
        self.iter()
            .enumerate()
            .try_for_each(|(index, item)| check(&format!("{field}[{index}]"), item))
    }
}

impl<T> Items for Vec<T> {
    type Item = T;

    fn count(&self) -> Option<usize> {
        self.as_slice().count()
    }

    fn try_each(
        &self,
        field: &str,
        check: impl FnMut(&str, &T) -> Result<(), InvalidInput>,
    ) -> Result<(), InvalidInput> {
        self.as_slice().try_each(field, check)
    }
}

/// Values are named `field.key`, or `key` for a map flattened into its object.
impl<T> Items for BTreeMap<String, T> {
    type Item = T;

    fn count(&self) -> Option<usize> {
        Some(self.len())
    }

    fn try_each(
        &self,
        field: &str,
        mut check: impl FnMut(&str, &T) -> Result<(), InvalidInput>,
    ) -> Result<(), InvalidInput> {
        self.iter()
            .try_for_each(|(key, value)| check(&join(field, key), value))
    }
}

impl<C: Items> Items for Option<C> {
    type Item = C::Item;

    fn count(&self) -> Option<usize> {
        self.as_ref().and_then(Items::count)
    }

    fn try_each(
        &self,
        field: &str,
        check: impl FnMut(&str, &C::Item) -> Result<(), InvalidInput>,
    ) -> Result<(), InvalidInput> {
        self.as_ref()
            .map_or(Ok(()), |items| items.try_each(field, check))
    }
}

/// `parent.field`; `field` at the top level, `parent` for a field that is
/// the parent itself (a map flattened into its object).
fn join(path: &str, field: &str) -> String {
    match (path, field) {
        ("", field) => field.to_owned(),
        (path, "") => path.to_owned(),
        (path, field) => format!("{path}.{field}"),
    }
}

/// Whether `text` contains a match of `pattern`, compiling each pattern
/// once. The lock is held only to find the compiled pattern, so requests
/// checked on several threads match at the same time.
fn matches(pattern: &'static str, text: &str) -> bool {
    static COMPILED: OnceLock<Mutex<HashMap<&'static str, Arc<Regex>>>> = OnceLock::new();
    let regex = COMPILED
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .entry(pattern)
        .or_insert_with(|| {
            Arc::new(Regex::new(pattern).expect("the generator compiles every pattern"))
        })
        .clone();
    regex.is_match(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_name_the_field_and_not_the_value() {
        let error = Checks::at("card")
            .length("number", "4242424242424242", ..=12)
            .unwrap_err();
        assert_eq!(error.field, "card.number");
        assert_eq!(
            error.to_string(),
            "`card.number` is 16 characters long; at most 12 allowed"
        );
        assert!(!error.to_string().contains("4242"));
        assert_eq!(
            Checks::at("")
                .range("limit", &0_i64, 1..=100)
                .unwrap_err()
                .to_string(),
            "`limit` is 0; at least 1 allowed"
        );
        let items = Checks::at("level3")
            .items("items", &vec![1, 2, 3], ..=2)
            .unwrap_err();
        assert_eq!(
            items.to_string(),
            "`level3.items` has 3 items; at most 2 allowed"
        );
    }

    #[test]
    fn values_on_the_bounds_pass() {
        let top = Checks::at("");
        assert!(top.length("currency", "usd", 3..=3).is_ok());
        assert!(
            top.length("x", "ü", 1..=1).is_ok(),
            "length counts characters, not bytes"
        );
        assert!(top.range("limit", &100_i32, 1..=100).is_ok());
        assert!(top.items("items", &Vec::<u8>::new(), ..=2).is_ok());
    }

    #[test]
    fn absent_optional_values_pass_every_check() {
        let top = Checks::at("");
        assert!(top.length("name", &None::<String>, 1..).is_ok());
        assert!(top.range("limit", &None::<i64>, 1..).is_ok());
        assert!(top.one_of("size", &None::<i64>, &[1]).is_ok());
        assert!(top.items("items", &None::<Vec<u8>>, 1..).is_ok());
        assert!(top.pattern("code", &None::<String>, "^a$").is_ok());
        assert!(top.length("name", &Some(String::new()), 1..).is_err());
    }

    #[test]
    fn secrets_are_checked_but_never_shown() {
        let error = Checks::at("card")
            .length("cvv", &Secret::new("12345"), 3..=4)
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "`card.cvv` is 5 characters long; at most 4 allowed"
        );
    }

    #[test]
    fn patterns_name_the_field_and_the_pattern_but_not_the_value() {
        let order = Checks::at("order");
        assert!(order.pattern("currency", "usd", "^[a-z]{3}$").is_ok());
        let error = order.pattern("currency", "USD", "^[a-z]{3}$").unwrap_err();
        assert_eq!(
            error.to_string(),
            "`order.currency` does not match the pattern `^[a-z]{3}$`"
        );
        assert!(
            order.pattern("x", "ab1", "[0-9]").is_ok(),
            "an unanchored pattern matches anywhere"
        );
    }

    #[test]
    fn number_bounds_inclusive_and_exclusive() {
        let top = Checks::at("");
        assert!(top.range("ratio", &0.5, 0.5..=1.0).is_ok());
        assert_eq!(
            top.range("ratio", &1.5, 0.5..=1.0).unwrap_err().to_string(),
            "`ratio` is 1.5; at most 1 allowed"
        );
        let above_zero = (Bound::Excluded(0.0), Bound::Unbounded);
        assert!(top.range("ratio", &0.1, above_zero).is_ok());
        assert_eq!(
            Checks::at("a")
                .range("ratio", &0.0, (Bound::Excluded(0.0), Bound::Excluded(2.0)))
                .unwrap_err()
                .to_string(),
            "`a.ratio` is 0; more than 0 allowed"
        );
        assert!(top.range("ratio", &2.0, ..2.0).is_err());
    }

    #[test]
    fn integer_enums_list_what_is_allowed() {
        let top = Checks::at("");
        assert!(top.one_of("dimensions", &512_i32, &[256, 512]).is_ok());
        assert_eq!(
            top.one_of("dimensions", &100_i64, &[256, 512])
                .unwrap_err()
                .to_string(),
            "`dimensions` is 100; one of 256, 512 allowed"
        );
    }

    #[test]
    fn item_checks_name_each_item() {
        let tags = Some(vec!["ok".to_owned(), "far too long".to_owned()]);
        let order = Checks::at("order");
        let error = order
            .each("tags", &tags, |field, tag| order.length(field, tag, ..=4))
            .unwrap_err();
        assert_eq!(error.field, "order.tags[1]");
        let limits = BTreeMap::from([
            ("daily".to_owned(), Some(-1_i64)),
            ("weekly".to_owned(), None),
        ]);
        let error = order
            .each("limits", &limits, |field, limit| {
                order.range(field, limit, 0..)
            })
            .unwrap_err();
        assert_eq!(error.field, "order.limits.daily", "a `null` value passes");
        let flattened = BTreeMap::from([("extra".to_owned(), "x".to_owned())]);
        let error = order
            .each("", &flattened, |field, value| {
                order.length(field, value, 2..)
            })
            .unwrap_err();
        assert_eq!(
            error.field, "order.extra",
            "a flattened map's keys are fields"
        );
    }

    struct Positive(i64);

    impl Validate for Positive {
        fn validate(&self, checks: Checks<'_>) -> Result<(), InvalidInput> {
            checks.range("value", &self.0, 1..)
        }
    }

    #[test]
    fn nested_models_nest_their_paths_with_dots_and_indexes() {
        let top = Checks::at("");
        let list = vec![Positive(1), Positive(0)];
        assert_eq!(
            top.nested("items", &list).unwrap_err().field,
            "items[1].value"
        );
        let map = BTreeMap::from([("b".to_owned(), Positive(-1))]);
        assert_eq!(
            Checks::at("level3")
                .nested("extra", &map)
                .unwrap_err()
                .field,
            "level3.extra.b.value"
        );
        let boxed = Some(Box::new(Positive(0)));
        assert_eq!(
            top.nested("parent", &boxed).unwrap_err().field,
            "parent.value"
        );
        assert!(top.nested("parent", &None::<Positive>).is_ok());
        let rows = vec![vec![Some(Positive(2)), None, Some(Positive(0))]];
        assert_eq!(
            top.nested("grid", &rows).unwrap_err().field,
            "grid[0][2].value"
        );
    }
}
