//! `POST /v1/tokens`: card, ACH, gift-card, Apple Pay and TransArmor
//! tokens. Card, ACH and wallet tokens can be charged once.

use super::cards::{Card, brand_of, luhn_valid};
use super::errors::Failure;
use super::exchange::{Exchange, Reply};
use super::state::{Funding, GiftCard, PaymentToken, Reuse, Store, civil_date};
use crate::models::{
    AchTokenRequest, ApplePayTokenRequest, CardBrand, CardDetails, CardTokenRequest, ErrorCode,
    ExternalTokenRequest, GiftCardTokenRequest, Token, TokenAch, TokenCard,
};

/// The body's shapes, each named by its one top-level field.
const SHAPES: [&str; 5] = [
    "card",
    "ach",
    "gift_card",
    "encryptedWallet",
    "external_token",
];
/// The card an Apple Pay payment stands for in the sandbox.
const WALLET_CARD: &str = "4242424242424242";
/// How many years ahead cards whose expiry the sandbox cannot see expire.
const UNSEEN_EXPIRY_YEARS: i32 = 5;

impl Store {
    pub(super) fn create_token(&mut self, exchange: &Exchange) -> Result<Reply, Failure> {
        let fields = exchange.body_fields()?;
        let shapes: Vec<&str> = SHAPES
            .into_iter()
            .filter(|shape| fields.iter().any(|field| field == shape))
            .collect();
        let (funding, reuse) = match shapes.as_slice() {
            ["card"] => {
                let request: CardTokenRequest = exchange.body().map_err(with_card_code)?;
                (Funding::Card(card_of(&request.card)?), Reuse::Once(false))
            }
            ["ach"] => {
                let request: AchTokenRequest = exchange.body()?;
                let ach = request.ach;
                let funding = Funding::Ach {
                    account_last4: last4(ach.bank_account_number.expose()),
                    routing_last4: last4(&ach.bank_routing_number),
                };
                (funding, Reuse::Once(false))
            }
            ["gift_card"] => {
                let request: GiftCardTokenRequest = exchange.body()?;
                let number = request.gift_card.number.expose().to_owned();
                self.gift_cards.entry(number.clone()).or_insert(GiftCard {
                    balance: 0,
                    active: false,
                });
                (Funding::GiftCard(number), Reuse::Always)
            }
            ["encryptedWallet"] => {
                exchange.body::<ApplePayTokenRequest>()?;
                let card = self.unseen_card(WALLET_CARD, None, None);
                (Funding::Card(card), Reuse::Once(false))
            }
            ["external_token"] => {
                let request: ExternalTokenRequest = exchange.body()?;
                let external = request.external_token;
                let mut card = self.unseen_card(
                    "",
                    external.first6.clone(),
                    Some(
                        external
                            .last4
                            .clone()
                            .unwrap_or_else(|| last4(external.token_value.expose())),
                    ),
                );
                if let Some(brand) = external.brand {
                    card.brand = brand;
                }
                let expiry = external.transarmor_token_attribute.unwrap_or_default();
                if let (Some(month), Some(year)) = (expiry.exp_month, expiry.exp_year) {
                    (card.exp_month, card.exp_year) = expiry_of(&month, &year)?;
                }
                (Funding::Card(card), Reuse::Always)
            }
            _ => {
                return Err(Failure::malformed(
                    "Send exactly one of `card`, `ach`, `gift_card`, `encryptedWallet` or `external_token`.",
                ));
            }
        };
        let id = self.token_id();
        let token = token_of(&id, &funding);
        self.tokens.insert(id, PaymentToken { funding, reuse });
        Ok(Reply::ok(&token))
    }

    /// A card whose number the sandbox does not see (a wallet, an encrypted
    /// or TransArmor number): it approves, and expires in a few years.
    fn unseen_card(&mut self, number: &str, first6: Option<String>, last4: Option<String>) -> Card {
        let (year, _, _) = civil_date(self.now_millis());
        Card {
            number: number.to_owned(),
            exp_month: 12,
            exp_year: year + UNSEEN_EXPIRY_YEARS,
            brand: if number.is_empty() {
                CardBrand::Visa
            } else {
                brand_of(number)
            },
            first6: first6.unwrap_or_else(|| number.chars().take(6).collect()),
            last4: last4.unwrap_or_else(|| self::last4(number)),
        }
    }
}

/// The card behind a card token, checked as Clover checks it.
fn card_of(details: &CardDetails) -> Result<Card, Failure> {
    let (exp_month, exp_year) = expiry_of(&details.exp_month, &details.exp_year)?;
    let (number, first6, last4) = match (&details.number, &details.encrypted_pan) {
        (Some(number), _) => {
            let digits: String = number
                .expose()
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            if !luhn_valid(&digits) {
                return Err(Failure::card(
                    ErrorCode::InvalidNumber,
                    "The card number is not a valid card number.",
                    None,
                )
                .param("card.number"));
            }
            let first6 = digits.chars().take(6).collect();
            let last4 = self::last4(&digits);
            (digits, first6, last4)
        }
        (None, Some(_)) => {
            let required = |value: &Option<String>, field: &str| {
                value.clone().ok_or_else(|| {
                    Failure::invalid(
                        format!("card.{field}"),
                        format!("`card.{field}` is required with `card.encrypted_pan`."),
                    )
                })
            };
            (
                String::new(),
                required(&details.first6, "first6")?,
                required(&details.last4, "last4")?,
            )
        }
        (None, None) => {
            return Err(Failure::invalid(
                "card.number",
                "`card.number` or `card.encrypted_pan` is required.",
            ));
        }
    };
    let brand = if number.is_empty() {
        details.brand.clone().unwrap_or_else(|| brand_of(&first6))
    } else {
        brand_of(&number)
    };
    Ok(Card {
        number,
        exp_month,
        exp_year,
        brand,
        first6,
        last4,
    })
}

/// Month and four-digit year from the strings the spec allows ("01"–"12";
/// "30" or "2030").
fn expiry_of(month: &str, year: &str) -> Result<(u32, i32), Failure> {
    let month = month
        .parse::<u32>()
        .ok()
        .filter(|month| (1..=12).contains(month))
        .ok_or_else(|| {
            Failure::refused(
                ErrorCode::InvalidExpiryMonth,
                "The expiry month is invalid.",
            )
            .param("card.exp_month")
        })?;
    let year = match (year.len(), year.parse::<i32>()) {
        (2, Ok(year)) => 2000 + year,
        (4, Ok(year)) => year,
        _ => {
            return Err(Failure::refused(
                ErrorCode::InvalidExpiryYear,
                "The expiry year is invalid.",
            )
            .param("card.exp_year"));
        }
    };
    Ok((month, year))
}

/// A refused card body carries Clover's card codes rather than the generic one.
fn with_card_code(failure: Failure) -> Failure {
    let code = match failure.detail.param.as_deref() {
        Some("card.number") => ErrorCode::InvalidNumber,
        Some("card.exp_month") => ErrorCode::InvalidExpiryMonth,
        Some("card.exp_year") => ErrorCode::InvalidExpiryYear,
        Some("card.cvv") => ErrorCode::InvalidCvc,
        _ => return failure,
    };
    failure.code(code)
}

fn last4(digits: &str) -> String {
    let skip = digits.chars().count().saturating_sub(4);
    digits.chars().skip(skip).collect()
}

/// The token as `POST /v1/tokens` answers it.
fn token_of(id: &str, funding: &Funding) -> Token {
    let (card, ach) = match funding {
        Funding::Card(card) => (
            Some(TokenCard {
                exp_month: Some(format!("{:02}", card.exp_month)),
                exp_year: Some(card.exp_year.to_string()),
                first6: Some(card.first6.clone()).filter(|first6| !first6.is_empty()),
                last4: Some(card.last4.clone()),
                brand: Some(card.brand.clone()),
            }),
            None,
        ),
        Funding::Ach {
            account_last4,
            routing_last4,
        } => (
            None,
            Some(TokenAch {
                account_last4: Some(account_last4.clone()),
                routing_last4: Some(routing_last4.clone()),
            }),
        ),
        Funding::GiftCard(number) => (
            Some(TokenCard {
                last4: Some(last4(number)),
                brand: Some(CardBrand::GiftCard),
                ..TokenCard::default()
            }),
            None,
        ),
    };
    Token {
        id: id.to_owned(),
        object: Some("token".to_owned()),
        card,
        ach,
    }
}
