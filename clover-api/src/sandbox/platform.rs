//! The platform host's payment pieces: hosted checkout sessions, recurring
//! plans and subscriptions. Each names the merchant in
//! `x-clover-merchant-id`, which must be the sandbox's own.

use hyper::StatusCode;

use super::errors::Failure;
use super::exchange::{Exchange, Reply};
use super::state::{MERCHANT_ID, Store, with_id};
use crate::models::{
    CheckoutSession, CreateCheckoutRequest, CreatePlanRequest, CreateSubscriptionRequest,
    ErrorType, Plan, Subscription,
};

/// How long a hosted checkout link stays open.
const CHECKOUT_LIFETIME_MILLIS: i64 = 15 * 60 * 1000;

impl Store {
    pub(super) fn create_checkout_session(
        &mut self,
        exchange: &Exchange,
    ) -> Result<Reply, Failure> {
        check_merchant(exchange)?;
        exchange.body::<CreateCheckoutRequest>()?;
        let id = uuid::Uuid::new_v4().to_string();
        let created = self.now_millis();
        Ok(Reply::ok(&CheckoutSession {
            href: Some(format!("{}/checkout/{id}", self.web_url)),
            checkout_session_id: Some(id),
            created_time: Some(created),
            expiration_time: Some(created + CHECKOUT_LIFETIME_MILLIS),
        }))
    }

    pub(super) fn create_plan(&mut self, exchange: &Exchange) -> Result<Reply, Failure> {
        check_merchant(exchange)?;
        let request: CreatePlanRequest = exchange.body()?;
        let id = self.id("PL");
        let plan = Plan {
            name: Some(request.name),
            amount: Some(request.amount),
            interval: Some(request.interval),
            interval_count: Some(request.interval_count),
            note: request.note,
            tax_rate_uuids: request.tax_rate_uuids,
            tip_amount: request.tip_amount,
            active: Some(true),
            ..with_id(&id)
        };
        self.plans.push(plan.clone());
        Ok(Reply::ok(&plan))
    }

    pub(super) fn create_subscription(&mut self, exchange: &Exchange) -> Result<Reply, Failure> {
        check_merchant(exchange)?;
        let request: CreateSubscriptionRequest = exchange.body()?;
        let plan_amount = self
            .plans
            .iter()
            .find(|plan| plan.id == exchange.param(0))
            .ok_or_else(|| Failure::missing("plan", "planId"))?
            .amount;
        if self.customer_mut(&request.customer_id).is_none() {
            return Err(Failure::missing("customer", "customerId"));
        }
        let id = self.id("SU");
        let subscription = Subscription {
            active: Some(true),
            amount: request.amount.or(plan_amount),
            tip_amount: request.tip_amount,
            note: request.note,
            collection_method: Some(request.collection_method),
            customer_uuid: Some(request.customer_id),
            start_date: request.start_date,
            end_date: request.end_date,
            tax_rate_uuids: request.tax_rate_uuids,
            ..with_id(&id)
        };
        self.subscriptions.push(subscription.clone());
        Ok(Reply::ok(&subscription))
    }
}

/// 403 unless the request names the sandbox's merchant.
fn check_merchant(exchange: &Exchange) -> Result<(), Failure> {
    match exchange.header("x-clover-merchant-id") {
        Some(MERCHANT_ID) => Ok(()),
        None => Err(Failure::invalid(
            "x-clover-merchant-id",
            "The x-clover-merchant-id header is required.",
        )),
        Some(_) => Err(Failure::new(
            StatusCode::FORBIDDEN,
            ErrorType::AuthenticationError,
            "The access token does not belong to this merchant.",
        )),
    }
}
