//! Refunds: full or partial up to what was captured and not yet refunded;
//! on an authorization not yet captured, a refund voids it whole. Get,
//! list, and cancel (which also takes back a gift-card reload).

use super::errors::Failure;
use super::exchange::{Exchange, Reply, validated};
use super::listing::window_of;
use super::state::{RefundRecord, Store, with_id};
use crate::models::{
    CancelRefundRequest, ChargeStatus, CreateRefundRequest, ErrorCode, GiftCardBalance,
    ListRefundsParams, Refund, RefundList, RefundStatus,
};

impl Store {
    pub(super) fn create_refund(&mut self, exchange: &Exchange) -> Result<Reply, Failure> {
        let request: CreateRefundRequest = exchange.body()?;
        let refund = self.refund_charge(&request.charge, request.amount, request.reason)?;
        Ok(Reply::ok(&refund))
    }

    pub(super) fn get_refund(&mut self, exchange: &Exchange) -> Result<Reply, Failure> {
        let id = exchange.param(0);
        let record = self
            .refunds
            .iter()
            .find(|record| record.refund.id == id)
            .ok_or_else(|| Failure::missing("refund", "refundId"))?;
        Ok(Reply::ok(&record.refund))
    }

    pub(super) fn list_refunds(&mut self, exchange: &Exchange) -> Result<Reply, Failure> {
        let params = validated(ListRefundsParams {
            charge: exchange.query("charge").map(str::to_owned),
            limit: exchange.query_as("limit")?,
            starting_after: exchange.query("starting_after").map(str::to_owned),
            ending_before: exchange.query("ending_before").map(str::to_owned),
            created_gt: exchange.query_as("created.gt")?,
            created_gte: exchange.query_as("created.gte")?,
            created_lt: exchange.query_as("created.lt")?,
            created_lte: exchange.query_as("created.lte")?,
        })?;
        let refunds: Vec<Refund> = self
            .refunds
            .iter()
            .map(|record| &record.refund)
            .filter(|refund| params.charge.is_none() || refund.charge == params.charge)
            .cloned()
            .collect();
        let window = window_of!(params);
        let (data, has_more) =
            window.page(&refunds, |refund| &refund.id, |refund| refund.created)?;
        Ok(Reply::ok(&RefundList {
            object: Some("list".to_owned()),
            url: Some("/v1/refunds".to_owned()),
            has_more: Some(has_more),
            data: Some(data),
        }))
    }

    /// Voids a refund (the charge is owed again) or a gift-card reload (the
    /// card loses it again); answers the void.
    pub(super) fn cancel_refund(&mut self, exchange: &Exchange) -> Result<Reply, Failure> {
        exchange.decoded_body::<CancelRefundRequest>()?;
        let id = exchange.param(0).to_owned();
        let already_voided = || Failure::invalid("refundId", "It has already been cancelled.");
        let void_id = self.id("VO");
        let created = self.now_millis();
        let mut void = Refund {
            object: Some("void_on_refund".to_owned()),
            created: Some(created),
            status: Some(RefundStatus::Succeeded),
            ..with_id(&void_id)
        };
        if let Some(reload) = self.reloads.get_mut(&id) {
            if reload.voided {
                return Err(already_voided());
            }
            let card = self
                .gift_cards
                .get_mut(&reload.card)
                .expect("reloaded gift cards exist");
            if card.balance < reload.amount {
                return Err(Failure::invalid(
                    "refundId",
                    "The gift card no longer holds the reloaded amount.",
                ));
            }
            reload.voided = true;
            let previous = card.balance;
            card.balance -= reload.amount;
            void.amount = Some(reload.amount);
            void.charge = Some(id);
            void.gift_card = Some(GiftCardBalance {
                previous_balance: Some(previous),
                new_balance: Some(card.balance),
                lock_amount: Some(0),
                ..GiftCardBalance::default()
            });
            return Ok(Reply::ok(&void));
        }
        let record = self
            .refunds
            .iter_mut()
            .find(|record| record.refund.id == id)
            .ok_or_else(|| Failure::missing("refund", "refundId"))?;
        if record.voided {
            return Err(already_voided());
        }
        record.voided = true;
        let amount = record.refund.amount.unwrap_or_default();
        let charge_id = record.refund.charge.clone().unwrap_or_default();
        void.amount = Some(amount);
        void.charge = Some(charge_id.clone());
        void.currency = record.refund.currency.clone();
        let charge = self.charge_mut(&charge_id).expect("refunded charges exist");
        let gift_card = charge.gift_card.clone();
        let charge = &mut charge.charge;
        charge.amount_refunded = Some(charge.amount_refunded.unwrap_or_default() - amount);
        charge.refunded = Some(false);
        if let Some(number) = gift_card {
            void.gift_card = Some(self.redeem(&number, amount));
        }
        Ok(Reply::ok(&void))
    }

    /// Refunds `amount` (all that is left when `None`) of a charge.
    pub(super) fn refund_charge(
        &mut self,
        charge_id: &str,
        amount: Option<i64>,
        reason: Option<String>,
    ) -> Result<Refund, Failure> {
        let record = self
            .charge_mut(charge_id)
            .ok_or_else(|| Failure::missing("charge", "charge"))?;
        let charge = &record.charge;
        if charge.status != Some(ChargeStatus::Succeeded) {
            return Err(Failure::invalid(
                "charge",
                "Only a successful charge can be refunded.",
            ));
        }
        let refunded = charge.amount_refunded.unwrap_or_default();
        let captured = charge.captured == Some(true);
        let refundable = if captured {
            charge.amount_captured.unwrap_or_default() - refunded
        } else if charge.refunded == Some(true) {
            0
        } else {
            charge.amount.unwrap_or_default()
        };
        if refundable == 0 {
            return Err(Failure::refused(
                ErrorCode::ChargeAlreadyRefunded,
                "The charge has already been refunded in full.",
            ));
        }
        let amount = amount.unwrap_or(refundable);
        if amount > refundable || (!captured && amount != refundable) {
            let message = if captured {
                format!("The refund amount exceeds the {refundable} cents not yet refunded.")
            } else {
                format!("An authorization not yet captured is voided whole ({refundable} cents).")
            };
            return Err(Failure::invalid("amount", message));
        }
        let currency = charge.currency.clone();
        let gift_card = record.gift_card.clone();
        let charge = &mut record.charge;
        charge.amount_refunded = Some(refunded + amount);
        charge.refunded = Some(amount == refundable);
        let id = self.id("RF");
        let created = self.now_millis();
        let mut refund = Refund {
            object: Some("refund".to_owned()),
            amount: Some(amount),
            charge: Some(charge_id.to_owned()),
            created: Some(created),
            currency,
            status: Some(RefundStatus::Succeeded),
            reason,
            ..with_id(&id)
        };
        if let (Some(number), true) = (gift_card, captured) {
            let card = self
                .gift_cards
                .get_mut(&number)
                .expect("charged gift cards exist");
            let previous = card.balance;
            card.balance += amount;
            refund.gift_card = Some(GiftCardBalance {
                previous_balance: Some(previous),
                new_balance: Some(card.balance),
                lock_amount: Some(0),
                ..GiftCardBalance::default()
            });
        }
        self.refunds.push(RefundRecord {
            refund: refund.clone(),
            voided: false,
        });
        Ok(refund)
    }
}
