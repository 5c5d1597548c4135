//! Decoding for fields Clover's docs show both as strings and as numbers
//! (`last4`, `exp_month`, `ref_num`, …).
//!
//! A string is kept exactly as sent, so `"0004"` keeps its zeros. A number is
//! written out in decimal and left-padded with zeros to `PAD` digits, which
//! restores the zeros a JSON number cannot carry (`4` as a `last4` is `"0004"`).

use std::fmt;

use serde::Deserializer;
use serde::de::{self, Visitor};

/// Used as `deserialize_with = "lenient::Digits::<4>::required"` by generated models.
#[derive(Debug)]
pub struct Digits<const PAD: usize>;

impl<const PAD: usize> Digits<PAD> {
    pub fn required<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(DigitsVisitor::<PAD>)
    }

    pub fn optional<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<String>, D::Error> {
        deserializer.deserialize_option(OptionalDigits::<PAD>)
    }
}

struct DigitsVisitor<const PAD: usize>;

impl<const PAD: usize> Visitor<'_> for DigitsVisitor<PAD> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a non-negative integer")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<String, E> {
        Ok(value.to_owned())
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<String, E> {
        Ok(value)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<String, E> {
        Ok(format!("{value:0PAD$}"))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<String, E> {
        u64::try_from(value)
            .map_err(|_| E::invalid_value(de::Unexpected::Signed(value), &self))
            .and_then(|value| self.visit_u64(value))
    }
}

struct OptionalDigits<const PAD: usize>;

impl<'de, const PAD: usize> Visitor<'de> for OptionalDigits<PAD> {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("null, a string or a non-negative integer")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        Digits::<PAD>::required(deserializer).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Card {
        #[serde(deserialize_with = "Digits::<4>::required")]
        last4: String,
        #[serde(default, deserialize_with = "Digits::<2>::optional")]
        exp_month: Option<String>,
        #[serde(default, deserialize_with = "Digits::<0>::optional")]
        ref_num: Option<String>,
    }

    fn card(json: &str) -> Card {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn strings_keep_their_leading_zeros() {
        let decoded = card(r#"{"last4": "0004", "exp_month": "02", "ref_num": "000116400500490"}"#);
        assert_eq!(decoded.last4, "0004");
        assert_eq!(decoded.exp_month.as_deref(), Some("02"));
        assert_eq!(decoded.ref_num.as_deref(), Some("000116400500490"));
    }

    #[test]
    fn numbers_are_padded_to_the_declared_width() {
        let decoded = card(r#"{"last4": 4, "exp_month": 2, "ref_num": 987654321}"#);
        assert_eq!(decoded.last4, "0004");
        assert_eq!(decoded.exp_month.as_deref(), Some("02"));
        assert_eq!(decoded.ref_num.as_deref(), Some("987654321"));
    }

    #[test]
    fn absent_and_null_optional_fields_are_none() {
        assert_eq!(card(r#"{"last4": "1111"}"#).exp_month, None);
        assert_eq!(
            card(r#"{"last4": "1111", "exp_month": null}"#).exp_month,
            None
        );
    }

    #[test]
    fn other_json_types_are_refused() {
        let error = serde_json::from_str::<Card>(r#"{"last4": true}"#).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("a string or a non-negative integer"),
            "{error}"
        );
        assert!(serde_json::from_str::<Card>(r#"{"last4": -4}"#).is_err());
    }
}
