//! Every operation of the spec as the sandbox routes it: method, host, path
//! template, credential, and the headers Clover insists on.
//!
//! The generated client keeps the same facts in private constants; a test
//! below holds this table to the spec, operation by operation.

use hyper::Method;

use crate::Host;

/// The operations, one variant each; the dispatcher matches on it, so an
/// operation without behaviour does not compile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    ExchangeLegacyOauthCode,
    ExchangeOauthCode,
    RefreshOauthToken,
    MigrateLegacyOauthToken,
    GetApiAccessKey,
    CreateToken,
    ListCharges,
    CreateCharge,
    FinalizePayment,
    GetCharge,
    CaptureCharge,
    ListRefunds,
    CreateRefund,
    GetRefund,
    CancelRefund,
    CreateCustomer,
    UpdateCustomer,
    RevokeCustomerSource,
    ListOrders,
    CreateOrder,
    GetOrder,
    PayOrder,
    ReturnOrder,
    ActivateGiftCard,
    ReloadGiftCard,
    GiftCardBalance,
    CashOutGiftCard,
    CreateCheckoutSession,
    CreatePlan,
    CreateSubscription,
}

/// The credential an operation's host checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Credential {
    None,
    /// `Authorization: Bearer <access token>`.
    Bearer,
    /// `apikey: <PAKMS key>`.
    ApiKey,
}

/// What the spec says about one operation.
#[derive(Debug)]
pub(crate) struct Operation {
    pub op: Op,
    /// The spec's `operationId`.
    pub id: &'static str,
    pub method: Method,
    pub host: Host,
    /// The spec's path template, e.g. `/v1/charges/{chargeId}`.
    pub path: &'static str,
    pub credential: Credential,
    /// Clover refuses the call without `x-forwarded-for`.
    pub requires_forwarded_for: bool,
    /// The operation honours an `idempotency-key` header.
    pub idempotent: bool,
}

macro_rules! operations {
    ($($op:ident $id:literal $method:ident $host:ident $path:literal $credential:ident $($flag:ident)*;)*) => {
        /// Every operation of the spec.
        pub(crate) const OPERATIONS: &[Operation] = &[$(Operation {
            op: Op::$op,
            id: $id,
            method: Method::$method,
            host: Host::$host,
            path: $path,
            credential: Credential::$credential,
            requires_forwarded_for: operations!(@has forwarded_for $($flag)*),
            idempotent: operations!(@has idempotent $($flag)*),
        }),*];
    };
    (@has $wanted:ident $($flag:ident)*) => { false $(|| operations!(@is $wanted $flag))* };
    (@is forwarded_for forwarded_for) => { true };
    (@is idempotent idempotent) => { true };
    (@is $wanted:ident $other:ident) => { false };
}

operations! {
    ExchangeLegacyOauthCode "exchangeLegacyOauthCode" GET Web "/oauth/token" None;
    ExchangeOauthCode "exchangeOauthCode" POST Api "/oauth/v2/token" None;
    RefreshOauthToken "refreshOauthToken" POST Api "/oauth/v2/refresh" None;
    MigrateLegacyOauthToken "migrateLegacyOauthToken" POST Api "/oauth/token/migrate_v2" None;
    GetApiAccessKey "getApiAccessKey" GET Ecommerce "/pakms/apikey" Bearer;
    CreateToken "createToken" POST Token "/v1/tokens" ApiKey;
    ListCharges "listCharges" GET Ecommerce "/v1/charges" Bearer;
    CreateCharge "createCharge" POST Ecommerce "/v1/charges" Bearer forwarded_for idempotent;
    FinalizePayment "finalizePayment" POST Ecommerce "/v1/charges/finalize_payment" Bearer;
    GetCharge "getCharge" GET Ecommerce "/v1/charges/{chargeId}" Bearer;
    CaptureCharge "captureCharge" POST Ecommerce "/v1/charges/{chargeId}/capture" Bearer idempotent;
    ListRefunds "listRefunds" GET Ecommerce "/v1/refunds" Bearer;
    CreateRefund "createRefund" POST Ecommerce "/v1/refunds" Bearer idempotent;
    GetRefund "getRefund" GET Ecommerce "/v1/refunds/{refundId}" Bearer;
    CancelRefund "cancelRefund" POST Ecommerce "/v1/refunds/{refundId}/cancel" Bearer;
    CreateCustomer "createCustomer" POST Ecommerce "/v1/customers" Bearer;
    UpdateCustomer "updateCustomer" PUT Ecommerce "/v1/customers/{customerId}" Bearer;
    RevokeCustomerSource "revokeCustomerSource" DELETE Ecommerce "/v1/customers/{customerId}/sources/{sourceId}" Bearer;
    ListOrders "listOrders" GET Ecommerce "/v1/orders" Bearer;
    CreateOrder "createOrder" POST Ecommerce "/v1/orders" Bearer;
    GetOrder "getOrder" GET Ecommerce "/v1/orders/{orderId}" Bearer;
    PayOrder "payOrder" POST Ecommerce "/v1/orders/{orderId}/pay" Bearer forwarded_for idempotent;
    ReturnOrder "returnOrder" POST Ecommerce "/v1/orders/{orderId}/returns" Bearer;
    ActivateGiftCard "activateGiftCard" POST Ecommerce "/v1/activate" Bearer;
    ReloadGiftCard "reloadGiftCard" POST Ecommerce "/v1/reload" Bearer;
    GiftCardBalance "giftCardBalance" POST Ecommerce "/v1/balance_inquiry" Bearer;
    CashOutGiftCard "cashOutGiftCard" POST Ecommerce "/v1/cashout" Bearer;
    CreateCheckoutSession "createCheckoutSession" POST Api "/invoicingcheckoutservice/v1/checkouts" Bearer;
    CreatePlan "createPlan" POST Api "/recurring/v1/plans" Bearer;
    CreateSubscription "createSubscription" POST Api "/recurring/v1/plans/{planId}/subscriptions" Bearer;
}

/// A request matched to its operation, with the path parameters in the
/// template's order.
#[derive(Debug)]
pub(crate) struct Route {
    pub operation: &'static Operation,
    pub params: Vec<String>,
}

/// The operation `method path` names on `host`. A path that exists only on
/// another host matches nothing, as on Clover's own servers.
pub(crate) fn find(method: &Method, host: Host, path: &str) -> Option<Route> {
    OPERATIONS
        .iter()
        .filter(|operation| operation.host == host && operation.method == *method)
        .find_map(|operation| {
            let params = match_template(operation.path, path)?;
            Some(Route { operation, params })
        })
}

/// The operation with this `operationId`.
pub(crate) fn by_id(id: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|operation| operation.id == id)
}

/// The values of the template's `{parameters}` if `path` fits it; a
/// parameter takes one non-empty segment.
fn match_template(template: &str, path: &str) -> Option<Vec<String>> {
    let mut pieces = template.split('/');
    let mut segments = path.split('/');
    let mut params = Vec::new();
    loop {
        match (pieces.next(), segments.next()) {
            (None, None) => return Some(params),
            (Some(piece), Some(segment)) if piece.starts_with('{') => {
                if segment.is_empty() {
                    return None;
                }
                params.push(percent_decode(segment)?);
            }
            (Some(piece), Some(segment)) if piece == segment => {}
            _ => return None,
        }
    }
}

/// `%XX` escapes decoded; `None` if they do not make UTF-8.
pub(crate) fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = text.get(index + 1..index + 3)?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            index += 3;
        } else {
            decoded.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(decoded).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_literal_segment_is_not_a_parameter() {
        let route = find(
            &Method::POST,
            Host::Ecommerce,
            "/v1/charges/finalize_payment",
        )
        .unwrap();
        assert_eq!(route.operation.op, Op::FinalizePayment);
        let route = find(&Method::GET, Host::Ecommerce, "/v1/charges/CH1").unwrap();
        assert_eq!(route.operation.op, Op::GetCharge);
        assert_eq!(route.params, ["CH1"]);
        let route = find(
            &Method::DELETE,
            Host::Ecommerce,
            "/v1/customers/CU%201/sources/clv_2",
        )
        .unwrap();
        assert_eq!(route.params, ["CU 1", "clv_2"]);
    }

    #[test]
    fn a_path_on_the_wrong_host_or_with_an_empty_parameter_matches_nothing() {
        assert!(find(&Method::POST, Host::Ecommerce, "/v1/tokens").is_none());
        assert!(find(&Method::GET, Host::Ecommerce, "/v1/charges/").is_none());
        assert!(find(&Method::GET, Host::Ecommerce, "/v1/charges/a/b").is_none());
        assert!(find(&Method::PUT, Host::Ecommerce, "/v1/charges").is_none());
    }

    /// One operation as the spec declares it.
    #[derive(Debug, PartialEq)]
    struct Declared {
        method: String,
        host: String,
        path: String,
        credential: Credential,
        requires_forwarded_for: bool,
        idempotent: bool,
    }

    /// Every operation of the spec, by `operationId`.
    fn declared() -> Vec<(String, Declared)> {
        let spec: serde_yaml_ng::Value =
            serde_yaml_ng::from_str(include_str!("../../../spec/clover-ecommerce.yaml")).unwrap();
        let mut operations = Vec::new();
        for (path, item) in spec["paths"].as_mapping().unwrap() {
            let host = item["servers"][0]["x-host"].as_str().unwrap();
            for (method, operation) in item.as_mapping().unwrap() {
                let Some(id) = operation.get("operationId").and_then(|id| id.as_str()) else {
                    continue;
                };
                let security = &operation["security"][0];
                let credential = if security.get("bearerAuth").is_some() {
                    Credential::Bearer
                } else if security.get("apiKeyAuth").is_some() {
                    Credential::ApiKey
                } else {
                    Credential::None
                };
                let refs: Vec<&str> = operation["parameters"]
                    .as_sequence()
                    .into_iter()
                    .flatten()
                    .filter_map(|parameter| parameter.get("$ref")?.as_str())
                    .collect();
                let declared = Declared {
                    method: method.as_str().unwrap().to_uppercase(),
                    host: host.to_owned(),
                    path: path.as_str().unwrap().to_owned(),
                    credential,
                    requires_forwarded_for: refs.contains(&"#/components/parameters/ForwardedFor"),
                    idempotent: refs.contains(&"#/components/parameters/IdempotencyKey"),
                };
                operations.push((id.to_owned(), declared));
            }
        }
        operations
    }

    #[test]
    fn the_table_is_the_spec() {
        let spec = declared();
        assert_eq!(
            spec.len(),
            OPERATIONS.len(),
            "one row per operation of the spec"
        );
        for (id, declared) in spec {
            let row = by_id(&id).unwrap_or_else(|| panic!("no row for {id}"));
            let table = Declared {
                method: row.method.to_string(),
                host: row.host.key().to_owned(),
                path: row.path.to_owned(),
                credential: row.credential,
                requires_forwarded_for: row.requires_forwarded_for,
                idempotent: row.idempotent,
            };
            assert_eq!(table, declared, "{id}");
        }
    }

    #[test]
    fn flags_follow_the_spec() {
        let charge = by_id("createCharge").unwrap();
        assert!(charge.requires_forwarded_for && charge.idempotent);
        let capture = by_id("captureCharge").unwrap();
        assert!(!capture.requires_forwarded_for && capture.idempotent);
        assert_eq!(by_id("createToken").unwrap().credential, Credential::ApiKey);
        assert_eq!(OPERATIONS.len(), 30);
    }
}
