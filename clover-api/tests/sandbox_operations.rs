//! Every operation of the spec against `LocalSandbox`, through the SDK, so
//! each answer is decoded by the SDK's own models; and the behaviour of
//! OAuth, saved cards, orders, gift cards, 3-D Secure and the platform host.

use clover_api::models::{
    ActivateGiftCardRequest, BrowserInfo, ChargeStatus, CollectionMethod, CreateChargeRequest,
    CreateCustomerRequest, CreateOrderRequest, CreatePlanRequest, CreateRefundRequest,
    CreateSubscriptionRequest, ErrorCode, ErrorType, FinalizePaymentRequest, GiftCardSourceRequest,
    ListOrdersParams, NewOrderItem, OauthRefreshRequest, OauthTokenRequest, OrderStatus,
    OrderTaxRate, PayOrderRequest, PlanInterval, ReloadGiftCardRequest, ReturnItem,
    ReturnOrderRequest, StoredCredentialSequence, StoredCredentials, ThreeDsFinalize,
    ThreeDsRequest, ThreeDsSource, ThreeDsValidationResult, UpdateCustomerRequest,
};
use clover_api::sandbox::LocalSandbox;
use clover_api::schemes::BearerAuth;
use clover_api::{Client, Secret};

mod sandbox_flows;

use sandbox_flows::{APP_ID, detail, gift_card_token, status, token};

/// One successful call of each of the spec's 30 operations; the log shows
/// each answered 200.
#[tokio::test]
async fn every_operation_answers_through_the_sdk() {
    let sandbox = LocalSandbox::start().await.unwrap();
    sandbox_flows::every_operation(&sandbox, || sandbox.client_builder()).await;
    let mut answered: Vec<&str> = sandbox
        .requests()
        .iter()
        .filter(|request| request.status == Some(200))
        .filter_map(|request| request.operation)
        .collect();
    answered.sort_unstable();
    answered.dedup();
    assert_eq!(answered.len(), 30, "{answered:?}");
}

/// Each kind of documented refusal, with its status.
#[tokio::test]
async fn documented_refusals_come_with_their_statuses() {
    let sandbox = LocalSandbox::start().await.unwrap();
    sandbox_flows::documented_errors(&sandbox, &sandbox.client()).await;
}

#[tokio::test]
async fn codes_and_refresh_tokens_work_once_and_issued_tokens_are_accepted() {
    let sandbox = LocalSandbox::start().await.unwrap();
    let client = sandbox.client();
    sandbox.add_oauth_code("code-1");
    let exchange = OauthTokenRequest::new(APP_ID, "code-1").code_verifier("verifier");
    let tokens = client
        .exchange_oauth_code(&exchange, &Default::default())
        .await
        .unwrap();
    let error = client
        .exchange_oauth_code(&exchange, &Default::default())
        .await
        .unwrap_err();
    assert_eq!(detail(&error).param.as_deref(), Some("code"));

    let refresh = OauthRefreshRequest::new(APP_ID, tokens.refresh_token.unwrap());
    let renewed = client.refresh_oauth_token(&refresh).await.unwrap();
    let error = client.refresh_oauth_token(&refresh).await.unwrap_err();
    assert_eq!(status(&error), 400);
    assert_eq!(detail(&error).param.as_deref(), Some("refresh_token"));

    for token in [tokens.access_token, renewed.access_token] {
        let key = client
            .with_credential(BearerAuth, token)
            .get_api_access_key()
            .await
            .unwrap();
        assert_eq!(key.merchant_uuid.as_deref(), Some(sandbox.merchant_id()));
    }
    let error = client
        .with_credential(BearerAuth, "made-up")
        .get_api_access_key()
        .await
        .unwrap_err();
    assert_eq!(status(&error), 401);
    assert_eq!(detail(&error).r#type, Some(ErrorType::AuthenticationError));
}

#[tokio::test]
async fn a_saved_card_pays_by_customer_until_it_is_revoked() {
    let sandbox = LocalSandbox::start().await.unwrap();
    let client = sandbox.client();
    let customer = client
        .create_customer(&CreateCustomerRequest::new(
            "shopper@example.com",
            token(&client, "4242424242424242").await,
        ))
        .await
        .unwrap();
    let saved = customer.sources.unwrap().data.unwrap().remove(0);

    let by_customer = client
        .create_charge(&CreateChargeRequest::new(900, "usd", customer.id.clone()))
        .await
        .unwrap();
    assert_eq!(by_customer.customer.as_ref(), Some(&customer.id));
    let error = client
        .create_charge(&CreateChargeRequest::new(900, "usd", saved.clone()))
        .await
        .unwrap_err();
    assert_eq!(detail(&error).param.as_deref(), Some("stored_credentials"));
    let subsequent = StoredCredentials::default().sequence(StoredCredentialSequence::Subsequent);
    client
        .create_charge(
            &CreateChargeRequest::new(900, "usd", saved.clone()).stored_credentials(subsequent),
        )
        .await
        .expect("a saved card's token is reusable");

    let same_card = token(&client, "4242424242424242").await;
    let error = client
        .update_customer(
            &customer.id,
            &UpdateCustomerRequest::default().source(same_card),
        )
        .await
        .unwrap_err();
    assert_eq!(status(&error), 409);

    client
        .revoke_customer_source(&customer.id, &saved)
        .await
        .unwrap();
    let error = client
        .create_charge(&CreateChargeRequest::new(900, "usd", customer.id))
        .await
        .unwrap_err();
    assert_eq!(detail(&error).code, Some(ErrorCode::CardOnFileMissing));
}

#[tokio::test]
async fn an_order_is_paid_in_parts_then_returned_through_refunds() {
    let sandbox = LocalSandbox::start().await.unwrap();
    let client = sandbox.client();
    let ten_percent = OrderTaxRate::default().name("Sales tax").rate(1_000_000);
    let order = client
        .create_order(&CreateOrderRequest::new("usd").items(vec![
            NewOrderItem::default()
                .parent("MUG")
                .amount(1000)
                .quantity(2)
                .tax_rates(vec![ten_percent]),
            NewOrderItem::default().parent("CARD").amount(500),
        ]))
        .await
        .unwrap();
    assert_eq!((order.amount, order.tax_amount), (Some(2700), Some(200)));

    let part = client
        .pay_order(
            &order.id,
            &PayOrderRequest::default()
                .source(token(&client, "4242424242424242").await)
                .amount(1000),
        )
        .await
        .unwrap();
    assert_eq!(
        (part.status, part.amount_paid),
        (Some(OrderStatus::Created), Some(1000))
    );
    let paid = client
        .pay_order(
            &order.id,
            &PayOrderRequest::default().source(token(&client, "378282246310005").await),
        )
        .await
        .unwrap();
    assert_eq!(
        (paid.status, paid.amount_paid),
        (Some(OrderStatus::Paid), Some(2700))
    );
    assert_eq!(paid.past_charges.map(|charges| charges.len()), Some(2));
    let error = client
        .pay_order(
            &order.id,
            &PayOrderRequest::default().source(token(&client, "4242424242424242").await),
        )
        .await
        .unwrap_err();
    assert_eq!(detail(&error).code, Some(ErrorCode::OrderAlreadyPaid));

    let one_mug = ReturnOrderRequest::default().items(vec![ReturnItem::new(
        "MUG",
        1100,
        clover_api::models::OrderItemType::Sku,
    )]);
    let partly = client
        .return_order(&order.id, Some(&one_mug))
        .await
        .unwrap();
    assert_eq!(
        (partly.status, partly.amount_returned),
        (Some(OrderStatus::Paid), Some(1100))
    );
    let returned = client.return_order(&order.id, None).await.unwrap();
    assert_eq!(
        (returned.status, returned.amount_returned),
        (Some(OrderStatus::Returned), Some(2700))
    );
    let refunds = client
        .list_refunds(&Default::default())
        .await
        .unwrap()
        .data
        .unwrap();
    assert_eq!(
        refunds
            .iter()
            .filter_map(|refund| refund.amount)
            .sum::<i64>(),
        2700
    );

    let returned_orders = client
        .list_orders(&ListOrdersParams::default().status(OrderStatus::Returned))
        .await
        .unwrap()
        .data
        .unwrap();
    assert_eq!(returned_orders.len(), 1);
}

#[tokio::test]
async fn a_gift_card_holds_a_balance_that_charges_reloads_and_cash_outs_move() {
    let sandbox = LocalSandbox::start().await.unwrap();
    let client = sandbox.client();
    let gift = gift_card_token(&client, "6006491234567890").await;
    let balance = |client: &Client, gift: &str| {
        let request = GiftCardSourceRequest::new(gift);
        let client = client.clone();
        async move {
            client
                .gift_card_balance(&request)
                .await
                .map(|result| result.gift_card.unwrap().new_balance.unwrap())
        }
    };
    assert_eq!(
        status(&balance(&client, &gift).await.unwrap_err()),
        400,
        "not active yet"
    );

    client
        .activate_gift_card(
            &ActivateGiftCardRequest::default()
                .source(gift.clone())
                .amount(2000)
                .currency("usd"),
        )
        .await
        .unwrap();
    let error = client
        .create_charge(&CreateChargeRequest::new(3000, "usd", gift.clone()))
        .await
        .unwrap_err();
    assert_eq!(detail(&error).code, Some(ErrorCode::CardDeclined));
    let partial = client
        .create_charge(
            &CreateChargeRequest::new(3000, "usd", gift.clone()).partial_redemption(true),
        )
        .await
        .unwrap();
    assert_eq!(
        (partial.amount, partial.partial_auth),
        (Some(2000), Some(true))
    );
    assert_eq!(balance(&client, &gift).await.unwrap(), 0);

    let reload = client
        .reload_gift_card(&ReloadGiftCardRequest::new(gift.clone(), 500, "usd"))
        .await
        .unwrap();
    assert_eq!(balance(&client, &gift).await.unwrap(), 500);
    client
        .cancel_refund(&reload.id, &Default::default())
        .await
        .unwrap();
    assert_eq!(balance(&client, &gift).await.unwrap(), 0);

    client
        .create_refund(&CreateRefundRequest::new(partial.id).amount(800))
        .await
        .unwrap();
    let cashed = client
        .cash_out_gift_card(&GiftCardSourceRequest::new(gift.clone()))
        .await
        .unwrap();
    assert_eq!(cashed.amount, Some(800));
    assert_eq!(balance(&client, &gift).await.unwrap(), 0);

    let virtual_card = client
        .activate_gift_card(&ActivateGiftCardRequest::default().promotion_code("60001"))
        .await
        .unwrap();
    let number: Secret = virtual_card
        .gift_card
        .unwrap()
        .number
        .expect("a virtual card's number");
    let virtual_gift = gift_card_token(&client, number.expose()).await;
    assert_eq!(balance(&client, &virtual_gift).await.unwrap(), 2500);
}

#[tokio::test]
async fn clover_3ds_needs_browser_data_and_waits_for_finalize() {
    let sandbox = LocalSandbox::start().await.unwrap();
    let client = sandbox.client();
    let error = client
        .create_charge(
            &CreateChargeRequest::new(25001, "usd", token(&client, "4012000033330026").await)
                .threeds(ThreeDsRequest::new(ThreeDsSource::Clover)),
        )
        .await
        .unwrap_err();
    assert_eq!(
        detail(&error).param.as_deref(),
        Some("threeds.browser_info")
    );

    let pending = client
        .create_charge(
            &CreateChargeRequest::new(25001, "usd", token(&client, "4012000033330026").await)
                .threeds(
                    ThreeDsRequest::new(ThreeDsSource::Clover)
                        .browser_info(BrowserInfo::default().browser_ip("203.0.113.7")),
                ),
        )
        .await
        .unwrap();
    assert_eq!(pending.status, Some(ChargeStatus::Pending));
    assert_eq!(
        pending.threeds.unwrap().validation_result,
        Some(ThreeDsValidationResult::ThreedsMethodFlowRequired)
    );
    let finalize = FinalizePaymentRequest::new(
        pending.id,
        ThreeDsFinalize::new(ThreeDsSource::Clover, "AUTHENTICATION_SUCCESSFUL"),
    );
    let done = client.finalize_payment(&finalize).await.unwrap();
    assert_eq!(
        (done.status, done.paid),
        (Some(ChargeStatus::Succeeded), Some(true))
    );
    let order = client
        .get_order(done.order.as_deref().unwrap())
        .await
        .unwrap();
    assert_eq!(order.status, Some(OrderStatus::Paid));
    let error = client.finalize_payment(&finalize).await.unwrap_err();
    assert_eq!(detail(&error).param.as_deref(), Some("charge_id"));
}

#[tokio::test]
async fn the_platform_host_acts_only_for_the_sandbox_merchant() {
    let sandbox = LocalSandbox::start().await.unwrap();
    let client = sandbox.client();
    let plan = CreatePlanRequest::new("Coffee club", 1200, PlanInterval::Month, 1);
    let error = client
        .create_plan("OTHERMERCHANT", &plan)
        .await
        .unwrap_err();
    assert_eq!(status(&error), 403);
    let created = client
        .create_plan(sandbox.merchant_id(), &plan)
        .await
        .unwrap();
    assert_eq!(created.active, Some(true));
    let error = client
        .create_subscription(
            "NOPLAN",
            sandbox.merchant_id(),
            &CreateSubscriptionRequest::new("NOCUSTOMER", CollectionMethod::ChargeAutomatically),
        )
        .await
        .unwrap_err();
    assert_eq!(
        (status(&error), detail(&error).param.as_deref()),
        (404, Some("planId"))
    );
}
