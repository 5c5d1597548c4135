//! The sandbox's merchant: credentials, tokens, charges, refunds,
//! customers, orders, gift cards, plans. The behaviour of each operation
//! lives in the module named for its resource; this file holds the data,
//! identifiers and time, and routes an operation to its behaviour.

use std::collections::{HashMap, HashSet};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::de::DeserializeOwned;

use super::cards::Card;
use super::errors::Failure;
use super::exchange::{Exchange, Reply};
use super::routes::Op;
use crate::models::{Charge, Customer, Order, Plan, Refund, Subscription};

/// The merchant every sandbox serves.
pub(crate) const MERCHANT_ID: &str = "SANDBOXMRCHNT";
/// The app the access token and the PAKMS key belong to.
pub(crate) const APP_ID: &str = "SANDBOXAPP001";

/// What a payment token stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Funding {
    Card(Card),
    Ach {
        account_last4: String,
        routing_last4: String,
    },
    /// The number of a gift card in [`Store::gift_cards`].
    GiftCard(String),
}

/// How often a token may be charged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reuse {
    /// Card, ACH and wallet tokens: once; `true` once spent.
    Once(bool),
    /// A card saved to this customer (a multi-pay token).
    SavedTo(String),
    /// Gift-card and TransArmor tokens name a card and may be used again.
    Always,
}

#[derive(Debug, Clone)]
pub(crate) struct PaymentToken {
    pub funding: Funding,
    pub reuse: Reuse,
}

#[derive(Debug, Clone)]
pub(crate) struct ChargeRecord {
    pub charge: Charge,
    /// The gift card a redemption draws on.
    pub gift_card: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct RefundRecord {
    pub refund: Refund,
    /// Undone by `cancelRefund`.
    pub voided: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct CustomerRecord {
    pub customer: Customer,
    /// The id of the saved card's multi-pay token, if one is on file.
    pub saved_source: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct OrderRecord {
    pub order: Order,
    /// Charges that paid it, oldest first.
    pub charges: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GiftCard {
    pub balance: i64,
    pub active: bool,
}

/// A gift-card reload, which `cancelRefund` can take back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reload {
    pub card: String,
    pub amount: i64,
    pub voided: bool,
}

/// Everything the sandbox remembers, behind one lock.
#[derive(Debug)]
pub(crate) struct Store {
    /// The PAKMS key, for the token host.
    pub api_key: String,
    /// The web host's base URL, for hosted-checkout links.
    pub web_url: String,
    /// Bearer tokens the API hosts accept.
    pub access_tokens: HashSet<String>,
    pub refresh_tokens: HashSet<String>,
    /// Authorization codes not yet exchanged.
    pub oauth_codes: HashSet<String>,
    pub tokens: HashMap<String, PaymentToken>,
    /// Oldest first, as every list below.
    pub charges: Vec<ChargeRecord>,
    pub refunds: Vec<RefundRecord>,
    pub customers: Vec<CustomerRecord>,
    pub orders: Vec<OrderRecord>,
    /// By card number.
    pub gift_cards: HashMap<String, GiftCard>,
    pub reloads: HashMap<String, Reload>,
    pub plans: Vec<Plan>,
    pub subscriptions: Vec<Subscription>,
    serial: u64,
    last_millis: i64,
}

impl Store {
    pub fn new(access_token: String, api_key: String, web_url: String) -> Store {
        Store {
            api_key,
            web_url,
            access_tokens: HashSet::from([access_token]),
            refresh_tokens: HashSet::new(),
            oauth_codes: HashSet::new(),
            tokens: HashMap::new(),
            charges: Vec::new(),
            refunds: Vec::new(),
            customers: Vec::new(),
            orders: Vec::new(),
            gift_cards: HashMap::new(),
            reloads: HashMap::new(),
            plans: Vec::new(),
            subscriptions: Vec::new(),
            serial: 0,
            last_millis: 0,
        }
    }

    /// Performs `op`; its answer, success or Clover's error.
    pub fn perform(&mut self, op: Op, exchange: &Exchange) -> Result<Reply, Failure> {
        match op {
            Op::ExchangeLegacyOauthCode => self.exchange_legacy_oauth_code(exchange),
            Op::ExchangeOauthCode => self.exchange_oauth_code(exchange),
            Op::RefreshOauthToken => self.refresh_oauth_token(exchange),
            Op::MigrateLegacyOauthToken => self.migrate_legacy_oauth_token(exchange),
            Op::GetApiAccessKey => self.get_api_access_key(),
            Op::CreateToken => self.create_token(exchange),
            Op::ListCharges => self.list_charges(exchange),
            Op::CreateCharge => self.create_charge(exchange),
            Op::FinalizePayment => self.finalize_payment(exchange),
            Op::GetCharge => self.get_charge(exchange),
            Op::CaptureCharge => self.capture_charge(exchange),
            Op::ListRefunds => self.list_refunds(exchange),
            Op::CreateRefund => self.create_refund(exchange),
            Op::GetRefund => self.get_refund(exchange),
            Op::CancelRefund => self.cancel_refund(exchange),
            Op::CreateCustomer => self.create_customer(exchange),
            Op::UpdateCustomer => self.update_customer(exchange),
            Op::RevokeCustomerSource => self.revoke_customer_source(exchange),
            Op::ListOrders => self.list_orders(exchange),
            Op::CreateOrder => self.create_order(exchange),
            Op::GetOrder => self.get_order(exchange),
            Op::PayOrder => self.pay_order(exchange),
            Op::ReturnOrder => self.return_order(exchange),
            Op::ActivateGiftCard => self.activate_gift_card(exchange),
            Op::ReloadGiftCard => self.reload_gift_card(exchange),
            Op::GiftCardBalance => self.gift_card_balance(exchange),
            Op::CashOutGiftCard => self.cash_out_gift_card(exchange),
            Op::CreateCheckoutSession => self.create_checkout_session(exchange),
            Op::CreatePlan => self.create_plan(exchange),
            Op::CreateSubscription => self.create_subscription(exchange),
        }
    }

    /// A number not handed out before.
    pub fn serial(&mut self) -> u64 {
        self.serial += 1;
        self.serial
    }

    /// A fresh 13-character Clover-style id: `prefix`, then digits.
    pub fn id(&mut self, prefix: &str) -> String {
        let width = 13usize.saturating_sub(prefix.len());
        format!("{prefix}{:0width$}", self.serial())
    }

    /// A fresh `clv_` token id.
    pub fn token_id(&mut self) -> String {
        format!("clv_1TST{:021}", self.serial())
    }

    /// Now, in Unix milliseconds; strictly later at each call, so objects
    /// created one after the other sort and filter by `created`.
    pub fn now_millis(&mut self) -> i64 {
        let now = unix_millis();
        self.last_millis = now.max(self.last_millis + 1);
        self.last_millis
    }

    pub fn charge_mut(&mut self, id: &str) -> Option<&mut ChargeRecord> {
        self.charges
            .iter_mut()
            .find(|record| record.charge.id == id)
    }

    pub fn customer_mut(&mut self, id: &str) -> Option<&mut CustomerRecord> {
        self.customers
            .iter_mut()
            .find(|record| record.customer.id == id)
    }

    pub fn order_mut(&mut self, id: &str) -> Option<&mut OrderRecord> {
        self.orders.iter_mut().find(|record| record.order.id == id)
    }
}

/// A fresh credential that cannot be guessed from another.
pub(crate) fn secret(kind: &str) -> String {
    format!("sandbox-{kind}-{}", uuid::Uuid::new_v4().simple())
}

/// A model whose only required field is `id`, every other field unset;
/// the sandbox fills in what it knows.
pub(crate) fn with_id<T: DeserializeOwned>(id: &str) -> T {
    serde_json::from_value(serde_json::json!({ "id": id }))
        .expect("the model requires no field but `id`")
}

pub(crate) fn unix_millis() -> i64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

/// The UTC calendar date `(year, month, day)` of a Unix time in
/// milliseconds (Howard Hinnant's `civil_from_days`).
pub(crate) fn civil_date(millis: i64) -> (i32, u32, u32) {
    let days = millis.div_euclid(86_400_000) + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (
        i32::try_from(year).unwrap_or(i32::MAX),
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), (1970, 1, 1));
        assert_eq!(civil_date(951_782_400_000), (2000, 2, 29));
        assert_eq!(civil_date(1_722_230_745_532), (2024, 7, 29));
    }

    #[test]
    fn ids_are_13_characters_and_time_moves_forward() {
        let mut store = Store::new(String::new(), String::new(), String::new());
        assert_eq!(store.id("CH"), "CH00000000001");
        assert_eq!(store.id("CH").len(), 13);
        assert!(store.token_id().starts_with("clv_1TST"));
        let first = store.now_millis();
        assert!(store.now_millis() > first);
    }
}
