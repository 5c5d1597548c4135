//! Drives the sandbox through the SDK, for the tests that run it directly
//! (`sandbox_operations.rs`) and behind Prism (`sandbox_contract.rs`).

#![allow(
    dead_code,
    reason = "each test file uses a different subset of the helpers"
)]

use clover_api::models::{
    ActivateGiftCardRequest, BrowserInfo, CaptureChargeRequest, CardDetails, CardTokenRequest,
    CheckoutCustomer, CheckoutLineItem, CollectionMethod, CreateChargeRequest,
    CreateCheckoutRequest, CreateCustomerRequest, CreateOrderRequest, CreatePlanRequest,
    CreateRefundRequest, CreateSubscriptionRequest, ErrorDetail, FinalizePaymentRequest,
    GiftCardDetails, GiftCardSourceRequest, GiftCardTokenRequest, NewOrderItem,
    OauthMigrateRequest, OauthRefreshRequest, OauthTokenRequest, PayOrderRequest, PlanInterval,
    ReloadGiftCardRequest, ShoppingCart, ThreeDsFinalize, ThreeDsRequest, ThreeDsSource,
    UpdateCustomerRequest,
};
use clover_api::sandbox::{Fault, LocalSandbox, Match};
use clover_api::schemes::BearerAuth;
use clover_api::{Client, ClientBuilder, Error};

pub const APP_ID: &str = "APP0000000001";

pub async fn token(client: &Client, number: &str) -> String {
    let mut card = CardDetails::new("12", "2030", "123");
    card.number = Some(number.into());
    client
        .create_token(&CardTokenRequest::new(card).into())
        .await
        .expect("the sandbox tokenizes the card")
        .id
}

pub async fn gift_card_token(client: &Client, number: &str) -> String {
    let card = GiftCardTokenRequest::new(GiftCardDetails::new(number));
    client.create_token(&card.into()).await.unwrap().id
}

pub fn detail(error: &Error) -> &ErrorDetail {
    error
        .api_error()
        .and_then(|api| api.detail.as_ref())
        .unwrap_or_else(|| panic!("not an API error with Clover's body: {error}"))
}

pub fn status(error: &Error) -> u16 {
    error.api_error().map(|api| api.status).unwrap_or_default()
}

/// One successful call of each of the spec's 30 operations, with clients
/// from `settings` (the sandbox's, or the same through a proxy).
pub async fn every_operation(sandbox: &LocalSandbox, settings: impl Fn() -> ClientBuilder) {
    let anonymous = settings()
        .build()
        .unwrap()
        .with_credential(BearerAuth, "unused");

    sandbox.add_oauth_code("code-v2");
    let tokens = anonymous
        .exchange_oauth_code(
            &OauthTokenRequest::new(APP_ID, "code-v2").client_secret("app-secret"),
            &Default::default(),
        )
        .await
        .unwrap();
    let refreshed = anonymous
        .refresh_oauth_token(&OauthRefreshRequest::new(
            APP_ID,
            tokens.refresh_token.unwrap(),
        ))
        .await
        .unwrap();
    sandbox.add_oauth_code("code-legacy");
    let legacy = anonymous
        .exchange_legacy_oauth_code(APP_ID, &"app-secret".into(), &"code-legacy".into())
        .await
        .unwrap();
    anonymous
        .migrate_legacy_oauth_token(&OauthMigrateRequest::new(
            sandbox.merchant_id(),
            APP_ID,
            legacy.access_token,
        ))
        .await
        .unwrap();

    let client = settings()
        .credential(BearerAuth, refreshed.access_token)
        .build()
        .unwrap();
    let key = client.get_api_access_key().await.unwrap();
    assert_eq!(key.api_access_key.as_ref(), Some(sandbox.api_key()));

    let auth = client
        .create_charge(
            &CreateChargeRequest::new(1000, "usd", token(&client, "4242424242424242").await)
                .capture(false),
        )
        .await
        .unwrap();
    client
        .capture_charge(&auth.id, &CaptureChargeRequest::default())
        .await
        .unwrap();
    client
        .get_charge(&auth.id, &Default::default())
        .await
        .unwrap();
    client.list_charges(&Default::default()).await.unwrap();
    let refund = client
        .create_refund(&CreateRefundRequest::new(auth.id.clone()).amount(100))
        .await
        .unwrap();
    client.get_refund(&refund.id).await.unwrap();
    client.list_refunds(&Default::default()).await.unwrap();
    client
        .cancel_refund(&refund.id, &Default::default())
        .await
        .unwrap();

    let pending = client
        .create_charge(
            &CreateChargeRequest::new(700, "usd", token(&client, "4242424242424242").await)
                .threeds(
                    ThreeDsRequest::new(ThreeDsSource::Clover)
                        .browser_info(BrowserInfo::default().browser_ip("203.0.113.7")),
                ),
        )
        .await
        .unwrap();
    client
        .finalize_payment(&FinalizePaymentRequest::new(
            pending.id,
            ThreeDsFinalize::new(ThreeDsSource::Clover, "AUTHENTICATION_SUCCESSFUL"),
        ))
        .await
        .unwrap();

    let customer = client
        .create_customer(&CreateCustomerRequest::new(
            "shopper@example.com",
            token(&client, "4242424242424242").await,
        ))
        .await
        .unwrap();
    let updated = client
        .update_customer(
            &customer.id,
            &UpdateCustomerRequest::default().name("Ada Shopper"),
        )
        .await
        .unwrap();
    let saved = &updated.sources.unwrap().data.unwrap()[0];
    client
        .revoke_customer_source(&customer.id, saved)
        .await
        .unwrap();

    let order = client
        .create_order(
            &CreateOrderRequest::new("usd")
                .items(vec![NewOrderItem::default().parent("MUG").amount(1500)]),
        )
        .await
        .unwrap();
    client.get_order(&order.id).await.unwrap();
    client.list_orders(&Default::default()).await.unwrap();
    client
        .pay_order(
            &order.id,
            &PayOrderRequest::default().source(token(&client, "4242424242424242").await),
        )
        .await
        .unwrap();
    client.return_order(&order.id, None).await.unwrap();

    let gift = gift_card_token(&client, "6006491234567890").await;
    client
        .activate_gift_card(
            &ActivateGiftCardRequest::default()
                .source(gift.clone())
                .amount(2000)
                .currency("usd"),
        )
        .await
        .unwrap();
    client
        .reload_gift_card(&ReloadGiftCardRequest::new(gift.clone(), 500, "usd"))
        .await
        .unwrap();
    client
        .gift_card_balance(&GiftCardSourceRequest::new(gift.clone()))
        .await
        .unwrap();
    client
        .cash_out_gift_card(&GiftCardSourceRequest::new(gift))
        .await
        .unwrap();

    let merchant = sandbox.merchant_id();
    client
        .create_checkout_session(
            merchant,
            &CreateCheckoutRequest::new(
                CheckoutCustomer::default().email("shopper@example.com"),
                ShoppingCart::new(vec![CheckoutLineItem::new("Mug", 1500, 1)]),
            ),
        )
        .await
        .unwrap();
    let plan = client
        .create_plan(
            merchant,
            &CreatePlanRequest::new("Coffee club", 1200, PlanInterval::Month, 1),
        )
        .await
        .unwrap();
    let member = client
        .create_customer(&CreateCustomerRequest::new(
            "member@example.com",
            token(&client, "4242424242424242").await,
        ))
        .await
        .unwrap();
    let subscription = client
        .create_subscription(
            &plan.id,
            merchant,
            &CreateSubscriptionRequest::new(member.id, CollectionMethod::ChargeAutomatically),
        )
        .await
        .unwrap();
    assert_eq!(subscription.amount, Some(1200), "the plan's amount");
}

/// The status of a call that must fail; `what` names it in a failure.
fn refused<T: std::fmt::Debug>(result: Result<T, Error>, wanted: u16, what: &str) {
    let error = result.expect_err(what);
    assert_eq!(status(&error), wanted, "{what}: {error}");
}

/// One of each documented refusal the sandbox gives, through `client`
/// (the sandbox's own settings, or the same through a proxy).
pub async fn documented_errors(sandbox: &LocalSandbox, client: &Client) {
    let mut card = CardDetails::new("12", "2030", "123");
    card.number = Some("4242424242424241".into());
    let invalid = client
        .create_token(&CardTokenRequest::new(card).into())
        .await;
    refused(invalid, 400, "a number failing the Luhn check");

    let source = token(client, "4242424242424242").await;
    let charge = client
        .create_charge(&CreateChargeRequest::new(1800, "usd", source.clone()).capture(false))
        .await
        .unwrap();
    let reused = client
        .create_charge(&CreateChargeRequest::new(1800, "usd", source))
        .await;
    refused(reused, 400, "a spent token");
    let declined = client
        .create_charge(&CreateChargeRequest::new(
            1800,
            "usd",
            token(client, "4005571702222222").await,
        ))
        .await;
    refused(declined, 400, "a decline card");
    let without_browser = client
        .create_charge(
            &CreateChargeRequest::new(1800, "usd", token(client, "4242424242424242").await)
                .threeds(ThreeDsRequest::new(ThreeDsSource::Clover)),
        )
        .await;
    refused(without_browser, 400, "Clover 3DS without browser data");

    let too_much = CaptureChargeRequest::default().amount(1801);
    refused(
        client.capture_charge(&charge.id, &too_much).await,
        400,
        "capturing more",
    );
    client
        .capture_charge(&charge.id, &CaptureChargeRequest::default())
        .await
        .unwrap();
    let twice = client
        .capture_charge(&charge.id, &CaptureChargeRequest::default())
        .await;
    refused(twice, 400, "capturing twice");
    let over = CreateRefundRequest::new(charge.id.clone()).amount(1801);
    refused(client.create_refund(&over).await, 400, "refunding more");
    let all = CreateRefundRequest::new(charge.id.clone());
    client.create_refund(&all).await.unwrap();
    refused(client.create_refund(&all).await, 400, "refunding again");
    let finalize = FinalizePaymentRequest::new(
        charge.id.clone(),
        ThreeDsFinalize::new(ThreeDsSource::Clover, "AUTHENTICATION_SUCCESSFUL"),
    );
    refused(
        client.finalize_payment(&finalize).await,
        400,
        "finalizing without 3DS",
    );

    let missing = "NOSUCHOBJECT1";
    refused(
        client.get_charge(missing, &Default::default()).await,
        404,
        "no charge",
    );
    refused(client.get_refund(missing).await, 404, "no refund");
    refused(
        client.cancel_refund(missing, &Default::default()).await,
        404,
        "no refund to cancel",
    );
    refused(client.get_order(missing).await, 404, "no order");
    let stranger = client.with_credential(BearerAuth, "not-a-token");
    refused(
        stranger.get_api_access_key().await,
        401,
        "an unknown access token",
    );

    let request = CreateChargeRequest::new(500, "usd", token(client, "4242424242424242").await);
    client
        .create_charge(&request)
        .idempotency_key("0b6f3c2e-5d1a-4c8e-9f47-1a2b3c4d5e6f")
        .await
        .unwrap();
    let changed = CreateChargeRequest::new(600, "usd", request.source.clone());
    let mismatch = client
        .create_charge(&changed)
        .idempotency_key("0b6f3c2e-5d1a-4c8e-9f47-1a2b3c4d5e6f")
        .await;
    refused(mismatch, 400, "a key reused with another body");

    let customer = client
        .create_customer(&CreateCustomerRequest::new(
            "shopper@example.com",
            token(client, "4242424242424242").await,
        ))
        .await
        .unwrap();
    let same_card =
        UpdateCustomerRequest::default().source(token(client, "4242424242424242").await);
    refused(
        client.update_customer(&customer.id, &same_card).await,
        409,
        "the same card again",
    );

    let order = client
        .create_order(
            &CreateOrderRequest::new("usd")
                .items(vec![NewOrderItem::default().parent("MUG").amount(1500)]),
        )
        .await
        .unwrap();
    let pay =
        || async { PayOrderRequest::default().source(token(client, "4242424242424242").await) };
    client.pay_order(&order.id, &pay().await).await.unwrap();
    refused(
        client.pay_order(&order.id, &pay().await).await,
        400,
        "paying a paid order",
    );

    let plan = CreatePlanRequest::new("Coffee club", 1200, PlanInterval::Month, 1);
    refused(
        client.create_plan("OTHERMERCHANT", &plan).await,
        403,
        "another merchant",
    );
    let subscription =
        CreateSubscriptionRequest::new(customer.id, CollectionMethod::ChargeAutomatically);
    let no_plan = client
        .create_subscription(missing, sandbox.merchant_id(), &subscription)
        .await;
    refused(no_plan, 404, "no plan");

    sandbox.add_oauth_code("contract-code");
    let exchange = OauthTokenRequest::new(APP_ID, "contract-code").client_secret("app-secret");
    let tokens = client
        .exchange_oauth_code(&exchange, &Default::default())
        .await
        .unwrap();
    refused(
        client
            .exchange_oauth_code(&exchange, &Default::default())
            .await,
        400,
        "a spent code",
    );
    let refresh = OauthRefreshRequest::new(APP_ID, tokens.refresh_token.unwrap());
    client.refresh_oauth_token(&refresh).await.unwrap();
    refused(
        client.refresh_oauth_token(&refresh).await,
        400,
        "a spent refresh token",
    );

    let retry_later = Fault::RateLimited {
        retry_after: std::time::Duration::from_secs(1),
    };
    sandbox.inject(retry_later, Match::operation("getApiAccessKey"));
    refused(
        client.get_api_access_key().no_retry().await,
        429,
        "an injected rate limit",
    );
    sandbox.inject(Fault::Status(500), Match::operation("getApiAccessKey"));
    refused(
        client.get_api_access_key().no_retry().await,
        500,
        "an injected server error",
    );
}
