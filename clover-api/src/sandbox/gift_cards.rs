//! Gift cards: activate (a tokenized physical card, or a new virtual card
//! from a promotion), reload, balance, cash out. Charging one is a charge
//! with a gift-card token (`charges.rs`).

use clover_api_runtime::Secret;

use super::errors::Failure;
use super::exchange::{Exchange, Reply};
use super::state::{Funding, GiftCard, Reload, Store, civil_date, with_id};
use crate::models::{
    ActivateGiftCardRequest, CardBrand, Charge, ChargeOutcome, ChargeSource, ChargeStatus,
    GiftCardBalance, GiftCardBalanceResult, GiftCardSourceRequest, PaymentMethodKind,
    ReloadGiftCardRequest,
};

/// The value of a virtual card from a fixed-value promotion.
const PROMOTION_VALUE: i64 = 2500;
/// How many years gift cards stay valid.
const VALID_YEARS: i32 = 5;

impl Store {
    pub(super) fn activate_gift_card(&mut self, exchange: &Exchange) -> Result<Reply, Failure> {
        let request: ActivateGiftCardRequest = exchange.body()?;
        let (number, amount, virtual_card) = match (&request.source, &request.promotion_code) {
            (Some(source), _) => {
                let number = self.gift_card_of(source)?;
                if self.gift_cards[&number].active {
                    return Err(Failure::invalid(
                        "source",
                        "The gift card is already active.",
                    ));
                }
                let amount = request.amount.ok_or_else(|| {
                    Failure::invalid("amount", "`amount` is required to activate a card.")
                })?;
                (number, amount, false)
            }
            (None, Some(_)) => {
                let number = format!("7777{:012}", self.serial());
                (number, request.amount.unwrap_or(PROMOTION_VALUE), true)
            }
            (None, None) => {
                return Err(Failure::invalid(
                    "source",
                    "`source` or `promotion_code` is required.",
                ));
            }
        };
        self.gift_cards.insert(
            number.clone(),
            GiftCard {
                balance: amount,
                active: true,
            },
        );
        let mut balance = self.balance_of(&number, 0);
        if virtual_card {
            balance.number = Some(Secret::new(number.clone()));
            balance.security_card_value = Some(Secret::new(format!(
                "{:08}",
                self.serial() * 7919 % 100_000_000
            )));
        }
        let currency = request.currency.unwrap_or_else(|| "usd".to_owned());
        Ok(Reply::ok(&self.gift_card_charge(
            "GA", &number, amount, currency, balance,
        )))
    }

    pub(super) fn reload_gift_card(&mut self, exchange: &Exchange) -> Result<Reply, Failure> {
        let request: ReloadGiftCardRequest = exchange.body()?;
        let number = self.active_gift_card(&request.source)?;
        let card = self.gift_cards.get_mut(&number).expect("the card exists");
        let previous = card.balance;
        card.balance += request.amount;
        let balance = self.balance_of(&number, previous);
        let charge =
            self.gift_card_charge("GR", &number, request.amount, request.currency, balance);
        self.reloads.insert(
            charge.id.clone(),
            Reload {
                card: number,
                amount: request.amount,
                voided: false,
            },
        );
        Ok(Reply::ok(&charge))
    }

    pub(super) fn gift_card_balance(&mut self, exchange: &Exchange) -> Result<Reply, Failure> {
        let request: GiftCardSourceRequest = exchange.body()?;
        let number = self.active_gift_card(&request.source)?;
        let balance = self.gift_cards[&number].balance;
        Ok(Reply::ok(&GiftCardBalanceResult {
            status: Some(ChargeStatus::Succeeded),
            gift_card: Some(self.balance_of(&number, balance)),
        }))
    }

    pub(super) fn cash_out_gift_card(&mut self, exchange: &Exchange) -> Result<Reply, Failure> {
        let request: GiftCardSourceRequest = exchange.body()?;
        let number = self.active_gift_card(&request.source)?;
        let card = self.gift_cards.get_mut(&number).expect("the card exists");
        let previous = std::mem::take(&mut card.balance);
        let balance = self.balance_of(&number, previous);
        Ok(Reply::ok(&self.gift_card_charge(
            "GC",
            &number,
            previous,
            "usd".to_owned(),
            balance,
        )))
    }

    /// The card number behind a gift-card token.
    fn gift_card_of(&self, source: &str) -> Result<String, Failure> {
        match self.tokens.get(source).map(|token| &token.funding) {
            Some(Funding::GiftCard(number)) => Ok(number.clone()),
            Some(_) => Err(Failure::invalid(
                "source",
                "The token is not a gift card's.",
            )),
            None => Err(Failure::invalid("source", "No such token.")),
        }
    }

    fn active_gift_card(&self, source: &str) -> Result<String, Failure> {
        let number = self.gift_card_of(source)?;
        if self.gift_cards[&number].active {
            Ok(number)
        } else {
            Err(Failure::invalid("source", "The gift card is not active."))
        }
    }

    /// The card's balance now, after `previous`.
    fn balance_of(&mut self, number: &str, previous: i64) -> GiftCardBalance {
        let (year, _, _) = civil_date(self.now_millis());
        GiftCardBalance {
            expiration_date: Some(format!("{}-12-31", year + VALID_YEARS)),
            previous_balance: Some(previous),
            new_balance: Some(self.gift_cards[number].balance),
            lock_amount: Some(0),
            ..GiftCardBalance::default()
        }
    }

    /// The charge-like answer of a gift-card operation.
    fn gift_card_charge(
        &mut self,
        prefix: &str,
        number: &str,
        amount: i64,
        currency: String,
        balance: GiftCardBalance,
    ) -> Charge {
        let id = self.id(prefix);
        let created = self.now_millis();
        let last4: String = number
            .chars()
            .skip(number.len().saturating_sub(4))
            .collect();
        Charge {
            object: Some("charge".to_owned()),
            amount: Some(amount),
            currency: Some(currency),
            created: Some(created),
            paid: Some(true),
            status: Some(ChargeStatus::Succeeded),
            payment_method_details: Some(PaymentMethodKind::GiftCard),
            ref_num: Some(format!("{:012}", self.serial())),
            outcome: Some(ChargeOutcome {
                network_status: Some("approved_by_network".to_owned()),
                r#type: Some("authorized".to_owned()),
            }),
            source: Some(ChargeSource {
                brand: Some(CardBrand::GiftCard),
                last4: Some(last4),
                ..ChargeSource::default()
            }),
            gift_card: Some(balance),
            ..with_id(&id)
        }
    }
}
