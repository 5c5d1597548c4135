//! String enums that keep the values the spec does not list.
//!
//! A generated enum is one [`open_enum!`](crate::open_enum!) invocation: the
//! enum with each variant's wire name (`Paid = "paid"`). The macro writes
//! the enum with its `Other(String)` variant, its [`OpenEnum`] list and the
//! rest: `as_str`, `From<&str>`, `Display` and serde in both directions.

/// A string enum whose listed values are known, and whose `Other` variant
/// keeps any other value as sent, so a new value from the server never breaks
/// decoding.
pub trait OpenEnum: Sized + Clone + PartialEq + 'static {
    /// Each listed variant with its wire name, in the order of the spec.
    const VALUES: &'static [(Self, &'static str)];
}

/// The wire name of a listed variant.
#[doc(hidden)]
pub fn wire_name<T: OpenEnum>(value: &T) -> &'static str {
    T::VALUES
        .iter()
        .find_map(|(listed, wire)| (listed == value).then_some(*wire))
        .expect("the generator lists every variant but `Other`")
}

/// The listed variant with this wire name, if any.
#[doc(hidden)]
pub fn listed<T: OpenEnum>(wire: &str) -> Option<T> {
    T::VALUES
        .iter()
        .find_map(|(listed, name)| (*name == wire).then(|| listed.clone()))
}

/// Defines an open enum from its variants and their wire names, then
/// implements [`OpenEnum`] and, from that list: `as_str`, `From<&str>`,
/// `Display`, `Serialize` and `Deserialize` (as the wire string), and the
/// length and pattern checks' [`Text`](crate::validate::Text). The enum
/// derives `Debug`, `Clone`, `PartialEq`, `Eq` and `Hash` and is
/// `#[non_exhaustive]`; each listed variant is documented with its wire name,
/// then its own docs; the macro adds the last variant, `Other(String)`, which
/// keeps any other value as sent.
///
/// ```
/// clover_api_runtime::open_enum! {
///     /// Where a payment stands.
///     pub enum Status {
///         Paid = "paid",
///         ///
///         /// Given back to the payer.
///         Refunded = "refunded",
///     }
/// }
///
/// assert_eq!(Status::from("paid"), Status::Paid);
/// assert_eq!(Status::Refunded.as_str(), "refunded");
/// assert_eq!(Status::from("held"), Status::Other("held".to_owned()));
/// ```
#[macro_export]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$variant_meta:meta])* $variant:ident = $wire:literal,)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $(#[doc = concat!("`", $wire, "`")] $(#[$variant_meta])* $variant,)*
            /// A value the spec does not list, kept as sent: a new value never breaks decoding.
            Other(::std::string::String),
        }

        impl $crate::OpenEnum for $name {
            const VALUES: &'static [(Self, &'static str)] = &[$((Self::$variant, $wire)),*];
        }

        impl $name {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    Self::Other(value) => value,
                    listed => $crate::open_enum::wire_name(listed),
                }
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                $crate::open_enum::listed(value).unwrap_or_else(|| Self::Other(value.to_owned()))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__serde::Serialize for $name {
            fn serialize<S: $crate::__serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let value: ::std::string::String =
                    $crate::__serde::Deserialize::deserialize(deserializer)?;
                ::std::result::Result::Ok(Self::from(value.as_str()))
            }
        }

        impl $crate::validate::Text for $name {
            fn text(&self) -> ::std::option::Option<&str> {
                ::std::option::Option::Some(self.as_str())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use crate::validate::{Checks, Text};

    use super::OpenEnum;

    crate::open_enum! {
        enum Status {
            Paid = "paid",
            Refunded = "refunded",
        }
    }

    #[test]
    fn the_list_holds_each_variant_with_its_wire_name_in_order() {
        assert_eq!(
            Status::VALUES,
            [(Status::Paid, "paid"), (Status::Refunded, "refunded")]
        );
    }

    #[test]
    fn listed_values_map_to_their_variants_and_back() {
        assert_eq!(Status::from("refunded"), Status::Refunded);
        assert_eq!(Status::Refunded.as_str(), "refunded");
        assert_eq!(Status::Paid.to_string(), "paid");
        assert_eq!(Status::Paid.text(), Some("paid"));
    }

    #[test]
    fn other_values_are_kept_as_sent() {
        let status: Status = serde_json::from_str("\"disputed\"").unwrap();
        assert_eq!(status, Status::Other("disputed".to_owned()));
        assert_eq!(serde_json::to_string(&status).unwrap(), "\"disputed\"");
        assert_eq!(
            serde_json::to_string(&Status::Paid).unwrap(),
            "\"paid\"",
            "a listed value is written as its wire name"
        );
    }

    #[test]
    fn checks_read_the_wire_name() {
        let error = Checks::at("")
            .length("status", &Status::Refunded, ..=4)
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "`status` is 8 characters long; at most 4 allowed"
        );
    }
}
