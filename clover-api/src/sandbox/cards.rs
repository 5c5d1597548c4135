//! Card data behind tokens, and how Clover's documented sandbox test cards
//! answer: most approve; a few decline with the documented codes.

use crate::models::{CardBrand, ChargeSource, ErrorCode};

/// Test cards that Clover's sandbox declines (its "simulate declines"
/// list), and the partial-approval card, which the Ecommerce API declines
/// because it does not take partial authorizations.
const DECLINED: [(&str, &str); 5] = [
    ("4005571702222222", "The card was declined."),
    ("375987654000004", "The card was declined."),
    ("5424180273333333", "The card was declined."),
    ("4264281511117771", "The card was declined."),
    (
        "4005578003333335",
        "The card was declined: the issuer approved only part of the amount, and partial approvals are not accepted.",
    ),
];

/// A card as tokenized: what a charge needs to decide, and to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Card {
    /// Digits only; empty for an encrypted number the sandbox cannot read.
    pub number: String,
    /// 1 to 12.
    pub exp_month: u32,
    /// Four digits.
    pub exp_year: i32,
    pub brand: CardBrand,
    pub first6: String,
    pub last4: String,
}

/// What the issuer says to a charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    Approved,
    Declined {
        code: ErrorCode,
        message: &'static str,
    },
}

impl Card {
    /// The issuer's answer in `year`-`month` (today).
    pub fn verdict(&self, year: i32, month: u32) -> Verdict {
        if (self.exp_year, self.exp_month) < (year, month) {
            return Verdict::Declined {
                code: ErrorCode::ExpiredCard,
                message: "The card has expired.",
            };
        }
        match DECLINED.iter().find(|(number, _)| *number == self.number) {
            Some((_, message)) => Verdict::Declined {
                code: ErrorCode::CardDeclined,
                message,
            },
            None => Verdict::Approved,
        }
    }

    /// The card as a charge shows it, under the id of the token charged.
    pub fn source(&self, id: &str) -> ChargeSource {
        ChargeSource {
            id: Some(id.to_owned()),
            brand: Some(self.brand.clone()),
            exp_month: Some(format!("{:02}", self.exp_month)),
            exp_year: Some(self.exp_year.to_string()),
            first6: Some(self.first6.clone()),
            last4: Some(self.last4.clone()),
            ..ChargeSource::default()
        }
    }
}

/// The network a card number belongs to, by its leading digits.
pub(crate) fn brand_of(number: &str) -> CardBrand {
    let prefix = |length: usize| {
        number
            .get(..length)
            .and_then(|digits| digits.parse::<u32>().ok())
    };
    match (prefix(1), prefix(2), prefix(4)) {
        (Some(4), _, _) => CardBrand::Visa,
        (_, Some(34 | 37), _) => CardBrand::Amex,
        (_, Some(51..=55), _) | (_, _, Some(2221..=2720)) => CardBrand::Mc,
        (_, Some(65), _) | (_, _, Some(6011)) => CardBrand::Discover,
        (_, Some(30 | 36 | 38), _) => CardBrand::Other("DINERS_CLUB".to_owned()),
        (_, Some(35), _) => CardBrand::Other("JCB".to_owned()),
        _ => CardBrand::Other("UNKNOWN".to_owned()),
    }
}

/// Whether `digits` passes the Luhn check every card number passes.
pub(crate) fn luhn_valid(digits: &str) -> bool {
    let mut sum = 0;
    for (index, digit) in digits.bytes().rev().enumerate() {
        let mut value = u32::from(digit - b'0');
        if index % 2 == 1 {
            value *= 2;
            if value > 9 {
                value -= 9;
            }
        }
        sum += value;
    }
    !digits.is_empty() && sum % 10 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(number: &str) -> Card {
        Card {
            number: number.to_owned(),
            exp_month: 12,
            exp_year: 2030,
            brand: brand_of(number),
            first6: number[..6].to_owned(),
            last4: number[number.len() - 4..].to_owned(),
        }
    }

    #[test]
    fn documented_test_cards_approve_or_decline() {
        for number in [
            "4242424242424242",
            "378282246310005",
            "3566002020360505",
            "6011361000006668",
        ] {
            assert!(luhn_valid(number), "{number}");
            assert_eq!(card(number).verdict(2026, 1), Verdict::Approved, "{number}");
        }
        for (number, _) in DECLINED {
            assert!(luhn_valid(number), "{number}");
            assert!(matches!(
                card(number).verdict(2026, 1),
                Verdict::Declined {
                    code: ErrorCode::CardDeclined,
                    ..
                }
            ));
        }
        assert!(!luhn_valid("4242424242424241"));
    }

    #[test]
    fn a_card_past_its_expiry_month_is_declined_as_expired() {
        let card = card("4242424242424242");
        assert_eq!(card.verdict(2030, 12), Verdict::Approved);
        assert!(matches!(
            card.verdict(2031, 1),
            Verdict::Declined {
                code: ErrorCode::ExpiredCard,
                ..
            }
        ));
    }

    #[test]
    fn brands_follow_the_leading_digits() {
        assert_eq!(brand_of("4242424242424242"), CardBrand::Visa);
        assert_eq!(brand_of("5424180273333333"), CardBrand::Mc);
        assert_eq!(brand_of("378282246310005"), CardBrand::Amex);
        assert_eq!(brand_of("6011361000006668"), CardBrand::Discover);
    }
}
