//! Charges: create (from a token, a saved card, a gift card or an
//! alternate tender), 3-D Secure finalization, get, list, capture. Taking a
//! payment is shared with `payOrder`.

use super::cards::Verdict;
use super::errors::Failure;
use super::exchange::{Exchange, Reply, validated};
use super::listing::window_of;
use super::state::{ChargeRecord, Funding, OrderRecord, Reuse, Store, civil_date, with_id};
use crate::models::{
    CaptureChargeRequest, Charge, ChargeList, ChargeOutcome, ChargeSource, ChargeStatus,
    CreateChargeRequest, ErrorCode, FinalizePaymentRequest, GiftCardBalance,
    LiabilityProtectionStatus, ListChargesParams, Order, OrderStatus, OrderStatusTransitions,
    PaymentMethodKind, ThreeDsFlowData, ThreeDsRequest, ThreeDsResult, ThreeDsSource,
    ThreeDsValidationResult,
};

/// Clover's ceiling, $999,999.99.
const MAX_AMOUNT: i64 = 99_999_999;
/// The `source` that pays with a tender recorded elsewhere (cash, check).
const ALTERNATE_TENDER: &str = "alternate_tender";

/// A payment to take, from `createCharge` or `payOrder`.
#[derive(Debug)]
pub(super) struct Payment<'a> {
    pub amount: i64,
    /// A token, a customer ID, a saved card's token or `alternate_tender`.
    pub source: &'a str,
    /// The request field `source` came from.
    pub source_param: &'static str,
    pub capture: bool,
    pub partial_redemption: bool,
    pub stored_credentials: bool,
    pub tender: bool,
    pub threeds: Option<&'a ThreeDsRequest>,
}

impl Store {
    pub(super) fn create_charge(&mut self, exchange: &Exchange) -> Result<Reply, Failure> {
        let request: CreateChargeRequest = exchange.body()?;
        let payment = Payment {
            amount: request.amount,
            source: &request.source,
            source_param: "source",
            capture: request.capture.unwrap_or(true),
            partial_redemption: request.partial_redemption.unwrap_or(false),
            stored_credentials: request.stored_credentials.is_some(),
            tender: request.tender.is_some(),
            threeds: request.threeds.as_ref(),
        };
        let echo = Charge {
            currency: Some(request.currency.to_lowercase()),
            description: request.description.clone(),
            receipt_email: request.receipt_email.clone(),
            external_reference_id: request.external_reference_id.clone(),
            external_customer_reference: request.external_customer_reference.clone(),
            ecomind: request.ecomind.clone(),
            site_url: request.site_url.clone(),
            tax_amount: request.tax_amount,
            tip_amount: request.tip_amount,
            stored_credentials: request.stored_credentials.clone(),
            soft_descriptor: request.soft_descriptor.clone(),
            level2: request.level2.clone(),
            level3: request.level3.clone(),
            ..with_id("")
        };
        let id = self.take_payment(&payment, echo)?;
        let order = self.order_for(&id);
        let record = self.charge_mut(&id).expect("the charge was just taken");
        record.charge.order = Some(order);
        Ok(Reply::ok(&record.charge))
    }

    pub(super) fn get_charge(&mut self, exchange: &Exchange) -> Result<Reply, Failure> {
        let id = exchange.param(0);
        let record = self
            .charge_mut(id)
            .ok_or_else(|| Failure::missing("charge", "chargeId"))?;
        Ok(Reply::ok(&record.charge))
    }

    pub(super) fn list_charges(&mut self, exchange: &Exchange) -> Result<Reply, Failure> {
        let params = validated(ListChargesParams {
            limit: exchange.query_as("limit")?,
            starting_after: exchange.query("starting_after").map(str::to_owned),
            ending_before: exchange.query("ending_before").map(str::to_owned),
            customer: exchange.query("customer").map(str::to_owned),
            created_gt: exchange.query_as("created.gt")?,
            created_gte: exchange.query_as("created.gte")?,
            created_lt: exchange.query_as("created.lt")?,
            created_lte: exchange.query_as("created.lte")?,
            expand: exchange.query_all("expand"),
            threeds_validation_result: exchange
                .query("threeds_validation_result")
                .map(str::to_owned),
            is_threeds: exchange.query_as("is_threeds")?,
        })?;
        let charges: Vec<Charge> = self
            .charges
            .iter()
            .map(|record| &record.charge)
            .filter(|charge| params.customer.is_none() || charge.customer == params.customer)
            .filter(|charge| {
                params
                    .is_threeds
                    .is_none_or(|wanted| charge.threeds.is_some() == wanted)
            })
            .filter(|charge| {
                params
                    .threeds_validation_result
                    .as_deref()
                    .is_none_or(|wanted| {
                        charge
                            .threeds
                            .as_ref()
                            .and_then(|threeds| threeds.validation_result.as_ref())
                            .is_some_and(|result| result.as_str() == wanted)
                    })
            })
            .cloned()
            .collect();
        let window = window_of!(params);
        let (data, has_more) =
            window.page(&charges, |charge| &charge.id, |charge| charge.created)?;
        Ok(Reply::ok(&ChargeList {
            object: Some("list".to_owned()),
            url: Some("/v1/charges".to_owned()),
            has_more: Some(has_more),
            data: Some(data),
        }))
    }

    pub(super) fn capture_charge(&mut self, exchange: &Exchange) -> Result<Reply, Failure> {
        let request: CaptureChargeRequest = exchange.body()?;
        let id = exchange.param(0).to_owned();
        let record = self
            .charge_mut(&id)
            .ok_or_else(|| Failure::missing("charge", "chargeId"))?;
        let charge = &record.charge;
        if charge.status != Some(ChargeStatus::Succeeded) {
            return Err(Failure::invalid(
                "chargeId",
                "Only an authorized charge can be captured.",
            ));
        }
        if charge.captured == Some(true) {
            return Err(Failure::refused(
                ErrorCode::ChargeAlreadyCaptured,
                "The charge has already been captured.",
            ));
        }
        if charge.refunded == Some(true) {
            return Err(Failure::refused(
                ErrorCode::ChargeAlreadyRefunded,
                "The authorization was voided by a refund.",
            ));
        }
        let authorized = charge.amount.unwrap_or_default();
        let amount = request.amount.unwrap_or(authorized);
        let gift_card = record.gift_card.is_some();
        if amount > authorized || amount < 0 || (amount == 0 && !gift_card) {
            return Err(Failure::refused(
                ErrorCode::InvalidChargeAmount,
                format!("The capture amount must be from 1 to the authorized {authorized}."),
            )
            .param("amount"));
        }
        let card = record.gift_card.clone();
        if let Some(receipt_email) = request.receipt_email {
            record.charge.receipt_email = Some(receipt_email);
        }
        record.charge.captured = Some(true);
        record.charge.amount_captured = Some(amount);
        if let Some(number) = card {
            let balance = self.redeem(&number, amount);
            let record = self.charge_mut(&id).expect("the charge exists");
            record.charge.gift_card = Some(balance);
        }
        let record = self.charge_mut(&id).expect("the charge exists");
        Ok(Reply::ok(&record.charge))
    }

    pub(super) fn finalize_payment(&mut self, exchange: &Exchange) -> Result<Reply, Failure> {
        let request: FinalizePaymentRequest = exchange.body()?;
        let record = self
            .charge_mut(&request.charge_id)
            .ok_or_else(|| Failure::missing("charge", "charge_id"))?;
        if record.charge.status != Some(ChargeStatus::Pending) {
            return Err(Failure::invalid(
                "charge_id",
                "The charge is not waiting for 3-D Secure authentication.",
            ));
        }
        let charge = &mut record.charge;
        charge.status = Some(ChargeStatus::Succeeded);
        charge.paid = Some(true);
        charge.captured = Some(true);
        charge.amount_captured = charge.amount;
        charge.outcome = Some(approved());
        charge.threeds = Some(ThreeDsResult {
            source: Some(ThreeDsSource::Clover),
            validation_result: Some(ThreeDsValidationResult::AuthenticationSuccessful),
            liability_protection_status: Some(LiabilityProtectionStatus::Protected),
            data: None,
        });
        let charge = charge.clone();
        if let Some(order) = charge.order.as_deref().and_then(|id| self.order_mut(id)) {
            let order = &mut order.order;
            order.status = Some(OrderStatus::Paid);
            order.amount_paid = charge.amount;
            order.status_transitions = Some(OrderStatusTransitions {
                paid: charge.created,
            });
        }
        Ok(Reply::ok(&charge))
    }

    /// Takes `payment`, recording the charge (a failed one too: a decline
    /// names it); the new charge's id, or Clover's refusal.
    pub(super) fn take_payment(
        &mut self,
        payment: &Payment<'_>,
        mut charge: Charge,
    ) -> Result<String, Failure> {
        if payment.amount <= 0 {
            return Err(Failure::refused(
                ErrorCode::InvalidChargeAmount,
                "The amount must be a positive number of cents.",
            )
            .param("amount"));
        }
        if payment.amount > MAX_AMOUNT {
            return Err(Failure::refused(
                ErrorCode::AmountTooLarge,
                "The amount exceeds the maximum of $999,999.99.",
            )
            .param("amount"));
        }
        let clover_3ds = check_threeds(payment.threeds)?;
        let (funding, customer) = self.spend_source(payment)?;
        charge.id = self.id("CH");
        let now = self.now_millis();
        let (year, month, _) = civil_date(now);
        charge.object = Some("charge".to_owned());
        charge.amount = Some(payment.amount);
        charge.amount_refunded = Some(0);
        charge.created = Some(now);
        charge.customer = customer;
        charge.livemode = Some(false);
        let mut gift_card = None;
        let verdict = match &funding {
            Some(Funding::Card(card)) => {
                charge.payment_method_details = Some(PaymentMethodKind::Card);
                charge.source = Some(card.source(payment.source));
                card.verdict(year, month)
            }
            Some(Funding::Ach { account_last4, .. }) => {
                charge.payment_method_details = Some(PaymentMethodKind::Ach);
                charge.source = Some(ChargeSource {
                    id: Some(payment.source.to_owned()),
                    last4: Some(account_last4.clone()),
                    ..ChargeSource::default()
                });
                Verdict::Approved
            }
            Some(Funding::GiftCard(number)) => {
                charge.payment_method_details = Some(PaymentMethodKind::GiftCard);
                gift_card = Some(number.clone());
                self.authorize_gift_card(number, payment, &mut charge)
            }
            None => Verdict::Approved,
        };
        let id = charge.id.clone();
        let decline = match verdict {
            Verdict::Approved if clover_3ds => {
                charge.status = Some(ChargeStatus::Pending);
                charge.paid = Some(false);
                charge.captured = Some(false);
                charge.threeds = Some(ThreeDsResult {
                    source: Some(ThreeDsSource::Clover),
                    validation_result: Some(ThreeDsValidationResult::ThreedsMethodFlowRequired),
                    liability_protection_status: None,
                    data: Some(ThreeDsFlowData {
                        method_url: Some(format!("{}/3ds/method", self.web_url)),
                        threeds_server_transaction_id: Some(uuid::Uuid::new_v4().to_string()),
                        threeds_protocol_version: Some("2.2.0".to_owned()),
                        ..ThreeDsFlowData::default()
                    }),
                });
                None
            }
            Verdict::Approved => {
                let captured_amount = if payment.capture {
                    charge.amount
                } else {
                    Some(0)
                };
                if let (true, Some(number), Some(amount)) =
                    (payment.capture, &gift_card, charge.amount)
                {
                    charge.gift_card = Some(self.redeem(number, amount));
                }
                charge.status = Some(ChargeStatus::Succeeded);
                charge.paid = Some(true);
                charge.captured = Some(payment.capture);
                charge.amount_captured = captured_amount;
                charge.refunded = Some(false);
                charge.ref_num = Some(format!("{:012}", self.serial()));
                charge.auth_code = Some(format!("{:06}", self.serial() % 1_000_000));
                charge.outcome = Some(approved());
                if let Some(threeds) = payment.threeds {
                    charge.threeds = Some(ThreeDsResult {
                        source: Some(threeds.source.clone()),
                        validation_result: Some(ThreeDsValidationResult::AuthenticationSuccessful),
                        liability_protection_status: Some(LiabilityProtectionStatus::Protected),
                        data: None,
                    });
                }
                None
            }
            Verdict::Declined { code, message } => {
                charge.status = Some(ChargeStatus::Failed);
                charge.paid = Some(false);
                charge.captured = Some(false);
                charge.amount_captured = Some(0);
                charge.failure_code = Some(code.as_str().to_owned());
                charge.failure_message = Some(message.to_owned());
                charge.outcome = Some(ChargeOutcome {
                    network_status: Some("declined_by_network".to_owned()),
                    r#type: Some("issuer_declined".to_owned()),
                });
                Some(Failure::card(code, message, Some(&id)))
            }
        };
        self.charges.push(ChargeRecord { charge, gift_card });
        match decline {
            Some(failure) => Err(failure),
            None => Ok(id),
        }
    }

    /// The funding behind `payment.source`, spending a single-use token,
    /// and the customer whose saved card it is.
    fn spend_source(
        &mut self,
        payment: &Payment<'_>,
    ) -> Result<(Option<Funding>, Option<String>), Failure> {
        let param = payment.source_param;
        if payment.source == ALTERNATE_TENDER {
            if !payment.tender {
                return Err(Failure::invalid(
                    "tender",
                    "`tender` is required with `alternate_tender`.",
                ));
            }
            return Ok((None, None));
        }
        let (token_id, customer) = match self.customer_mut(payment.source) {
            Some(record) => {
                let saved = record.saved_source.clone().ok_or_else(|| {
                    Failure::refused(
                        ErrorCode::CardOnFileMissing,
                        "The customer has no card on file.",
                    )
                    .param(param)
                })?;
                (saved, Some(payment.source.to_owned()))
            }
            None => (payment.source.to_owned(), None),
        };
        let token = self
            .tokens
            .get_mut(&token_id)
            .ok_or_else(|| Failure::invalid(param, "No such token or customer."))?;
        let customer = match &mut token.reuse {
            Reuse::Once(true) => {
                return Err(Failure::refused(
                    ErrorCode::TokenAlreadyUsed,
                    "This token has already been used.",
                )
                .param(param));
            }
            Reuse::Once(spent) => {
                *spent = true;
                customer
            }
            Reuse::SavedTo(owner) => {
                if customer.is_none() && !payment.stored_credentials {
                    return Err(Failure::invalid(
                        "stored_credentials",
                        "`stored_credentials` is required to charge a saved card's token.",
                    ));
                }
                Some(owner.clone())
            }
            Reuse::Always => customer,
        };
        Ok((Some(token.funding.clone()), customer))
    }

    /// Holds or spends a gift card's balance for a charge: Clover approves
    /// less than asked only with `partial_redemption`.
    fn authorize_gift_card(
        &mut self,
        number: &str,
        payment: &Payment<'_>,
        charge: &mut Charge,
    ) -> Verdict {
        let declined = |message| Verdict::Declined {
            code: ErrorCode::CardDeclined,
            message,
        };
        let Some(card) = self.gift_cards.get(number).filter(|card| card.active) else {
            return declined("The gift card is not active.");
        };
        if card.balance >= payment.amount {
            return Verdict::Approved;
        }
        if !payment.partial_redemption || card.balance == 0 {
            return declined("The gift card balance is too low.");
        }
        charge.amount = Some(card.balance);
        charge.partial_auth = Some(true);
        charge.warning_message = Some(format!(
            "Partially redeemed: {} of {} cents; collect the rest with another payment.",
            card.balance, payment.amount
        ));
        Verdict::Approved
    }

    /// Takes `amount` off a gift card; its balance before and after.
    pub(super) fn redeem(&mut self, number: &str, amount: i64) -> GiftCardBalance {
        let card = self
            .gift_cards
            .get_mut(number)
            .expect("charged gift cards exist");
        let previous = card.balance;
        card.balance -= amount.min(card.balance);
        GiftCardBalance {
            previous_balance: Some(previous),
            new_balance: Some(card.balance),
            lock_amount: Some(0),
            ..GiftCardBalance::default()
        }
    }

    /// A paid order for a charge taken without one, as Clover creates.
    fn order_for(&mut self, charge_id: &str) -> String {
        let id = self.id("OR");
        let record = self.charge_mut(charge_id).expect("the charge exists");
        let charge = record.charge.clone();
        let order = Order {
            object: Some("order".to_owned()),
            amount: charge.amount,
            amount_paid: charge.amount,
            currency: charge.currency.clone(),
            created: charge.created,
            customer: charge.customer.clone(),
            status: Some(if charge.status == Some(ChargeStatus::Succeeded) {
                OrderStatus::Paid
            } else {
                OrderStatus::Created
            }),
            status_transitions: Some(OrderStatusTransitions {
                paid: charge.created,
            }),
            charge: Some(charge.id.clone()),
            ref_num: charge.ref_num.clone(),
            auth_code: charge.auth_code.clone(),
            source: charge.source.clone(),
            ..with_id(&id)
        };
        self.orders.push(OrderRecord {
            order,
            charges: vec![charge.id],
        });
        id
    }
}

/// Whether a 3-D Secure request asks Clover to run the authentication (the
/// charge then waits for `finalizePayment`); refuses one missing what its
/// kind needs.
fn check_threeds(threeds: Option<&ThreeDsRequest>) -> Result<bool, Failure> {
    let Some(threeds) = threeds else {
        return Ok(false);
    };
    match threeds.source {
        ThreeDsSource::Clover if threeds.browser_info.is_none() => Err(Failure::invalid(
            "threeds.browser_info",
            "browser_info is required for Clover 3DS.",
        )),
        ThreeDsSource::Clover => Ok(true),
        _ if threeds
            .authentication_result
            .as_ref()
            .and_then(|result| result.cryptogram.as_ref())
            .is_none() =>
        {
            Err(Failure::invalid(
                "threeds.authentication_result.cryptogram",
                "A cryptogram is required for 3DS run outside Clover.",
            ))
        }
        _ => Ok(false),
    }
}

fn approved() -> ChargeOutcome {
    ChargeOutcome {
        network_status: Some("approved_by_network".to_owned()),
        r#type: Some("authorized".to_owned()),
    }
}
