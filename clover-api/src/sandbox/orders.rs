//! Orders: create with items and taxes, get, list, pay (in one payment or
//! several), and returns, which refund the order's charges.

use super::charges::Payment;
use super::errors::Failure;
use super::exchange::{Exchange, Reply, validated};
use super::listing::window_of;
use super::state::{OrderRecord, Store, with_id};
use crate::models::{
    Charge, ChargeStatus, CreateOrderRequest, ErrorCode, ListOrdersParams, NewOrderItem, Order,
    OrderItem, OrderItemType, OrderList, OrderStatus, OrderStatusTransitions, PayOrderRequest,
    ReturnOrderRequest,
};

/// An ad-hoc tax `rate` is in units of 1/100,000 of a percent.
const RATE_PER_WHOLE: i64 = 10_000_000;

impl Store {
    pub(super) fn create_order(&mut self, exchange: &Exchange) -> Result<Reply, Failure> {
        let request: CreateOrderRequest = exchange.body()?;
        if let Some(customer) = &request.customer
            && self.customer_mut(customer).is_none()
        {
            return Err(Failure::missing("customer", "customer"));
        }
        let currency = request.currency.to_lowercase();
        let new_items = request.items.unwrap_or_default();
        let mut items = Vec::new();
        let mut subtotal = 0;
        let mut tax = 0;
        for (index, item) in new_items.iter().enumerate() {
            let line = item.amount.unwrap_or_default() * i64::from(item.quantity.unwrap_or(1));
            subtotal += line;
            tax += line_tax(item, line, index)?;
            items.push(OrderItem {
                r#type: Some(item.r#type.clone().unwrap_or(OrderItemType::Sku)),
                parent: item.parent.clone(),
                amount: item.amount,
                currency: Some(currency.clone()),
                description: item.description.clone(),
                quantity: item.quantity,
            });
        }
        if tax > 0 {
            items.push(OrderItem {
                r#type: Some(OrderItemType::Tax),
                amount: Some(tax),
                currency: Some(currency.clone()),
                description: Some("Tax".to_owned()),
                ..OrderItem::default()
            });
        }
        let id = self.id("OR");
        let created = self.now_millis();
        let order = Order {
            object: Some("order".to_owned()),
            amount: Some(subtotal + tax),
            tax_amount: Some(tax),
            amount_returned: Some(0),
            currency: Some(currency),
            created: Some(created),
            customer: request.customer,
            email: request.email,
            status: Some(OrderStatus::Created),
            items: Some(items),
            shipping: request.shipping,
            ..with_id(&id)
        };
        self.orders.push(OrderRecord {
            order: order.clone(),
            charges: Vec::new(),
        });
        Ok(Reply::ok(&order))
    }

    pub(super) fn get_order(&mut self, exchange: &Exchange) -> Result<Reply, Failure> {
        let record = self
            .order_mut(exchange.param(0))
            .ok_or_else(|| Failure::missing("order", "orderId"))?;
        Ok(Reply::ok(&record.order))
    }

    pub(super) fn list_orders(&mut self, exchange: &Exchange) -> Result<Reply, Failure> {
        let params = validated(ListOrdersParams {
            limit: exchange.query_as("limit")?,
            starting_after: exchange.query("starting_after").map(str::to_owned),
            ending_before: exchange.query("ending_before").map(str::to_owned),
            created_gt: exchange.query_as("created.gt")?,
            created_gte: exchange.query_as("created.gte")?,
            created_lt: exchange.query_as("created.lt")?,
            created_lte: exchange.query_as("created.lte")?,
            customer: exchange.query("customer").map(str::to_owned),
            status: exchange.query("status").map(OrderStatus::from),
        })?;
        let orders: Vec<Order> = self
            .orders
            .iter()
            .map(|record| &record.order)
            .filter(|order| params.customer.is_none() || order.customer == params.customer)
            .filter(|order| params.status.is_none() || order.status == params.status)
            .cloned()
            .collect();
        let window = window_of!(params);
        let (data, has_more) = window.page(&orders, |order| &order.id, |order| order.created)?;
        Ok(Reply::ok(&OrderList {
            object: Some("list".to_owned()),
            url: Some("/v1/orders".to_owned()),
            has_more: Some(has_more),
            data: Some(data),
        }))
    }

    pub(super) fn pay_order(&mut self, exchange: &Exchange) -> Result<Reply, Failure> {
        let request: PayOrderRequest = exchange.body()?;
        let id = exchange.param(0).to_owned();
        let order = self
            .order_mut(&id)
            .ok_or_else(|| Failure::missing("order", "orderId"))?
            .order
            .clone();
        if order.status != Some(OrderStatus::Created) {
            return Err(Failure::refused(
                ErrorCode::OrderAlreadyPaid,
                "The order has already been paid.",
            ));
        }
        let remaining = order.amount.unwrap_or_default() - order.amount_paid.unwrap_or_default();
        let amount = request.amount.unwrap_or(remaining);
        if amount > remaining {
            return Err(Failure::invalid(
                "amount",
                format!("The order has {remaining} cents left to pay."),
            ));
        }
        let (source, source_param) = match (&request.source, &request.customer, &order.customer) {
            (Some(source), _, _) => (source.as_str(), "source"),
            (None, Some(customer), _) | (None, None, Some(customer)) => {
                (customer.as_str(), "customer")
            }
            (None, None, None) => {
                return Err(Failure::invalid(
                    "source",
                    "`source` or `customer` is required.",
                ));
            }
        };
        let payment = Payment {
            amount,
            source,
            source_param,
            capture: true,
            partial_redemption: request.partial_redemption.unwrap_or(false),
            stored_credentials: request.stored_credentials.is_some(),
            tender: request.tender.is_some(),
            threeds: request.threeds.as_ref(),
        };
        let echo = Charge {
            currency: order.currency.clone(),
            order: Some(id.clone()),
            receipt_email: request.email.clone().or(order.email.clone()),
            tip_amount: request.tip_amount,
            external_reference_id: request.external_reference_id.clone(),
            external_customer_reference: request.external_customer_reference.clone(),
            ecomind: request.ecomind.clone(),
            stored_credentials: request.stored_credentials.clone(),
            level2: request.level2.clone(),
            level3: request.level3.clone(),
            ..with_id("")
        };
        let charge_id = self.take_payment(&payment, echo)?;
        let charge = self
            .charge_mut(&charge_id)
            .expect("the charge was just taken")
            .charge
            .clone();
        let now = self.now_millis();
        let record = self.order_mut(&id).expect("the order exists");
        record.charges.push(charge_id);
        let order = &mut record.order;
        if charge.status == Some(ChargeStatus::Succeeded) {
            let paid = order.amount_paid.unwrap_or_default() + charge.amount.unwrap_or_default();
            order.amount_paid = Some(paid);
            if paid >= order.amount.unwrap_or_default() {
                order.status = Some(OrderStatus::Paid);
                order.status_transitions = Some(OrderStatusTransitions { paid: Some(now) });
                order.tax_amount_paid = order.tax_amount;
            }
        }
        order.charge = Some(charge.id.clone());
        order.ref_num = charge.ref_num.clone();
        order.auth_code = charge.auth_code.clone();
        order.source = charge.source.clone();
        order.ecomind = charge.ecomind.clone();
        order.warning_message = charge.warning_message.clone();
        if request.email.is_some() {
            order.email = request.email;
        }
        if order.customer.is_none() {
            order.customer = charge.customer.clone();
        }
        let charge_ids = record.charges.clone();
        if charge_ids.len() > 1 {
            let past = charge_ids
                .iter()
                .filter_map(|id| self.charge_mut(id).map(|record| record.charge.clone()))
                .collect();
            self.order_mut(&id)
                .expect("the order exists")
                .order
                .past_charges = Some(past);
        }
        Ok(Reply::ok(
            &self.order_mut(&id).expect("the order exists").order,
        ))
    }

    /// Returns the whole order, or the items named, refunding its charges
    /// newest first.
    pub(super) fn return_order(&mut self, exchange: &Exchange) -> Result<Reply, Failure> {
        let request: Option<ReturnOrderRequest> = exchange.optional_body()?;
        let id = exchange.param(0).to_owned();
        let record = self
            .order_mut(&id)
            .ok_or_else(|| Failure::missing("order", "orderId"))?;
        let order = &record.order;
        if !matches!(
            order.status,
            Some(OrderStatus::Paid | OrderStatus::Fulfilled)
        ) {
            return Err(Failure::invalid(
                "orderId",
                "Only a paid or fulfilled order can be returned.",
            ));
        }
        let returnable =
            order.amount_paid.unwrap_or_default() - order.amount_returned.unwrap_or_default();
        let items = request
            .and_then(|request| request.items)
            .unwrap_or_default();
        let amount = if items.is_empty() {
            returnable
        } else {
            let lines = order.items.clone().unwrap_or_default();
            let mut amount = 0;
            for (index, item) in items.iter().enumerate() {
                if !lines
                    .iter()
                    .any(|line| line.parent.as_deref() == Some(item.parent.as_str()))
                {
                    return Err(Failure::invalid(
                        format!("items[{index}].parent"),
                        "The order has no item with this parent.",
                    ));
                }
                amount += item.amount * i64::from(item.quantity.unwrap_or(1));
            }
            amount
        };
        if amount > returnable {
            return Err(Failure::invalid(
                "items",
                format!("Only {returnable} cents of the order are left to return."),
            ));
        }
        let charges = record.charges.clone();
        let mut left = amount;
        for charge_id in charges.iter().rev() {
            let charge = &self
                .charge_mut(charge_id)
                .expect("the order's charges exist")
                .charge;
            let refundable = charge.amount_captured.unwrap_or_default()
                - charge.amount_refunded.unwrap_or_default();
            let take = left.min(refundable);
            if take > 0 {
                self.refund_charge(charge_id, Some(take), Some("returned".to_owned()))?;
                left -= take;
            }
        }
        let order = &mut self.order_mut(&id).expect("the order exists").order;
        let returned = order.amount_returned.unwrap_or_default() + amount;
        order.amount_returned = Some(returned);
        if returned >= order.amount_paid.unwrap_or_default() {
            order.status = Some(OrderStatus::Returned);
        }
        Ok(Reply::ok(order))
    }
}

/// The tax on one line: ad-hoc rates and flat amounts; the sandbox's
/// merchant has no tax rates of its own to name by id.
fn line_tax(item: &NewOrderItem, line: i64, index: usize) -> Result<i64, Failure> {
    let mut tax = 0;
    for (rate_index, rate) in item.tax_rates.iter().flatten().enumerate() {
        if rate.tax_rate_uuid.is_some() {
            return Err(Failure::invalid(
                format!("items[{index}].tax_rates[{rate_index}].tax_rate_uuid"),
                "No such tax rate for this merchant.",
            ));
        }
        let by_rate = rate.rate.map_or(0, |rate| {
            (line * rate + RATE_PER_WHOLE / 2) / RATE_PER_WHOLE
        });
        tax += by_rate + rate.tax_amount.unwrap_or_default();
    }
    Ok(tax)
}
