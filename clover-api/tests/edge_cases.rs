//! Edge cases a review found in the retry loop, token renewal and error
//! output, each pinned to the behaviour a payment needs: no panic on what
//! a server sends, no attempt forgotten, one refresh, no secret shown.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use clover_api::models::CreateChargeRequest;
use clover_api::schemes::BearerAuth;
use clover_api::{
    AttemptFailure, Client, ClientBuilder, Environment, Error, Host, Refresh, RefreshFuture,
    Refusal, RetryPolicy, Secret, Spec, Tokens,
};

use wiremock::matchers::{any, header, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn env(server: &MockServer) -> Environment {
    let mut environment = Environment::default();
    for host in Host::ALL {
        environment = environment.with_base_url(host, &server.uri()).unwrap();
    }
    environment
}

fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .environment(env(server))
        .forwarded_for(IpAddr::V4(Ipv4Addr::LOCALHOST))
        .retry(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(5))
                .max_backoff(Duration::from_millis(10)),
        )
}

/// A refresh that counts calls, records the refresh token it was given,
/// optionally sleeps and optionally fails.
#[derive(Clone, Default)]
struct FakeRefresh {
    calls: Arc<AtomicUsize>,
    seen: Arc<Mutex<Vec<String>>>,
    fail: bool,
    sleep: Duration,
    new_expiry: Option<SystemTime>,
}

impl Refresh<Spec> for FakeRefresh {
    fn refresh<'a>(
        &'a self,
        _client: &'a clover_api_runtime::Client<Spec>,
        refresh_token: Secret,
    ) -> RefreshFuture<'a, Spec> {
        Box::pin(async move {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            self.seen
                .lock()
                .unwrap()
                .push(refresh_token.expose().to_owned());
            tokio::time::sleep(self.sleep).await;
            if self.fail {
                return Err(Error::Refused {
                    operation: "refreshOauthToken",
                    reason: Refusal::InvalidRequest("refresh failed".into()),
                });
            }
            Ok(Tokens {
                access_token: Secret::new(format!("tok{}", n + 1)),
                expires_at: self.new_expiry,
                refresh_token: Some(Secret::new(format!("rt{}", n + 1))),
            })
        })
    }
}

/// A client over a pair that is due for renewal: it expires 200 ms after
/// the client is built, so it is renewed after 100 ms, half its life.
async fn due_client(
    server: &MockServer,
    refresh: FakeRefresh,
    configure: impl FnOnce(ClientBuilder) -> ClientBuilder,
) -> Client {
    let expires_at = SystemTime::now() + Duration::from_millis(200);
    let builder = builder(server).expiring_tokens(BearerAuth, tokens(Some(expires_at)), refresh);
    let client = configure(builder).build().unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await;
    client
}

fn tokens(expires_at: Option<SystemTime>) -> Tokens {
    Tokens {
        access_token: Secret::new("tok1"),
        expires_at,
        refresh_token: Some(Secret::new("rt1")),
    }
}

fn charge() -> CreateChargeRequest {
    CreateChargeRequest::new(1800, "usd", "clv_x")
}

/// Every request succeeds with an empty object (all a `get_api_access_key` needs).
async fn answer_ok(server: &MockServer) {
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(server)
        .await;
}

async fn sent(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

fn reasons(error: &Error) -> Vec<AttemptFailure> {
    error
        .attempts()
        .iter()
        .map(|attempt| attempt.reason)
        .collect()
}

/// A server-chosen `Retry-After` beyond any deadline ends the call; it
/// cannot overflow the clock arithmetic.
#[tokio::test]
async fn a_huge_retry_after_ends_the_call_without_a_panic() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "18446744073709551615")
                .set_delay(Duration::from_millis(1100)),
        )
        .mount(&server)
        .await;
    let client = builder(&server)
        .credential(BearerAuth, "tok")
        .build()
        .unwrap();
    let error = client.get_api_access_key().await.unwrap_err();
    assert_eq!(reasons(&error), [AttemptFailure::Status(429)]);
    assert_eq!(sent(&server).await, 1);
}

/// A zero deadline still gives the first attempt time to be sent.
#[tokio::test]
async fn the_first_attempt_always_gets_its_minimum_budget() {
    let server = MockServer::start().await;
    answer_ok(&server).await;
    let client = builder(&server)
        .credential(BearerAuth, "tok")
        .retry(RetryPolicy::default().deadline(Duration::ZERO))
        .build()
        .unwrap();
    client
        .get_api_access_key()
        .await
        .expect("sent and answered");
    assert_eq!(sent(&server).await, 1);
}

/// A retry that would not get a useful attempt before the deadline is not
/// started: the outcome stays the known one.
#[tokio::test]
async fn a_retry_that_cannot_fit_before_the_deadline_is_not_started() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "1"))
        .mount(&server)
        .await;
    let client = builder(&server)
        .credential(BearerAuth, "tok")
        .retry(RetryPolicy::default().deadline(Duration::from_millis(1050)))
        .build()
        .unwrap();
    let error = client.create_charge(&charge()).await.unwrap_err();
    assert_eq!(reasons(&error), [AttemptFailure::Status(503)]);
    assert_eq!(sent(&server).await, 1);
}

/// A client over `tok1`/`rt1`, with no known expiry: renewed only after a 401.
fn renewing_client(server: &MockServer, refresh: FakeRefresh) -> Client {
    builder(server)
        .expiring_tokens(BearerAuth, tokens(None), refresh)
        .build()
        .unwrap()
}

/// Mounts: with `tok1`, a 500 (the charge may have happened) then 401s;
/// with `tok2`, `renewed`.
async fn rejected_after_a_500(server: &MockServer, renewed: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(header("authorization", "Bearer tok1"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(header("authorization", "Bearer tok1"))
        .respond_with(ResponseTemplate::new(401))
        .with_priority(2)
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(header("authorization", "Bearer tok2"))
        .respond_with(renewed)
        .mount(server)
        .await;
}

/// The send after a 401 renewal keeps the call's history: an earlier 500
/// may have charged, whatever the last answer says.
#[tokio::test]
async fn a_401_renewal_keeps_every_earlier_attempt() {
    let server = MockServer::start().await;
    rejected_after_a_500(
        &server,
        ResponseTemplate::new(400).set_body_string(
            r#"{"message":"400 Bad Request","error":{"type":"invalid_request_error","code":"invalid_request"}}"#,
        ),
    )
    .await;
    let client = renewing_client(&server, FakeRefresh::default());
    let error = client.create_charge(&charge()).await.unwrap_err();
    assert_eq!(
        reasons(&error),
        [
            AttemptFailure::Status(500),
            AttemptFailure::Status(401),
            AttemptFailure::Status(400)
        ]
    );
    assert!(error.may_have_taken_effect(), "the 500 may have charged");
}

/// The renewal adds one send, not a fresh budget of retries.
#[tokio::test]
async fn a_401_renewal_shares_the_calls_attempt_budget() {
    let server = MockServer::start().await;
    rejected_after_a_500(&server, ResponseTemplate::new(503)).await;
    let client = renewing_client(&server, FakeRefresh::default());
    let error = client.create_charge(&charge()).await.unwrap_err();
    assert_eq!(
        reasons(&error),
        [
            AttemptFailure::Status(500),
            AttemptFailure::Status(401),
            AttemptFailure::Status(503)
        ]
    );
    assert_eq!(sent(&server).await, 3);
}

/// When the renewal after a 401 fails, the call ends with the 401 it got,
/// keeping its key and the attempt that may have charged.
#[tokio::test]
async fn a_failed_renewal_after_a_401_keeps_the_calls_outcome() {
    let server = MockServer::start().await;
    rejected_after_a_500(&server, ResponseTemplate::new(200)).await;
    let refresh = FakeRefresh {
        fail: true,
        ..FakeRefresh::default()
    };
    let client = renewing_client(&server, refresh);
    let error = client.create_charge(&charge()).await.unwrap_err();
    assert_eq!(error.api_error().map(|api| api.status), Some(401));
    assert!(error.idempotency_key().is_some());
    assert!(error.may_have_taken_effect());
    assert_eq!(
        reasons(&error),
        [AttemptFailure::Status(500), AttemptFailure::Status(401)]
    );
}

/// Calls waiting on a refresh that fails share its failure instead of each
/// spending the same refresh token again.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failed_refresh_is_shared_by_the_calls_that_waited() {
    let server = MockServer::start().await;
    answer_ok(&server).await;
    let refresh = FakeRefresh {
        fail: true,
        sleep: Duration::from_millis(500),
        ..FakeRefresh::default()
    };
    let calls = Arc::clone(&refresh.calls);
    let client = due_client(&server, refresh, |builder| builder).await;
    let mut tasks = tokio::task::JoinSet::new();
    let start_together = Arc::new(tokio::sync::Barrier::new(8));
    for _ in 0..8 {
        let (client, start) = (client.clone(), Arc::clone(&start_together));
        tasks.spawn(async move {
            start.wait().await;
            client.get_api_access_key().await.map(drop)
        });
    }
    let results = tasks.join_all().await;
    assert!(results.iter().all(Result::is_err));
    assert_eq!(calls.load(Ordering::SeqCst), 1, "one refresh for all");
}

/// A caller that stops waiting (its own timeout) does not stop the refresh:
/// the new pair is stored and used, and the spent token is not sent again.
#[tokio::test]
async fn a_call_dropped_mid_refresh_keeps_the_new_pair() {
    let server = MockServer::start().await;
    answer_ok(&server).await;
    let refresh = FakeRefresh {
        sleep: Duration::from_millis(200),
        ..FakeRefresh::default()
    };
    let seen = Arc::clone(&refresh.seen);
    let stored = Arc::new(Mutex::new(0));
    let store = Arc::clone(&stored);
    let client = due_client(&server, refresh, |builder| {
        builder.on_token_refresh(move |_| *store.lock().unwrap() += 1)
    })
    .await;
    let _ = tokio::time::timeout(Duration::from_millis(50), client.get_api_access_key()).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    client.get_api_access_key().await.unwrap();
    assert_eq!(*seen.lock().unwrap(), ["rt1"]);
    assert_eq!(*stored.lock().unwrap(), 1);
}

/// Without a refresh token the token is used until the server says no.
#[tokio::test]
async fn a_token_without_a_refresh_token_is_used_to_its_end() {
    let server = MockServer::start().await;
    answer_ok(&server).await;
    let last_minute = Tokens {
        access_token: Secret::new("tok1"),
        expires_at: Some(SystemTime::now() + Duration::from_secs(50)),
        refresh_token: None,
    };
    let client = builder(&server)
        .expiring_tokens(BearerAuth, last_minute, FakeRefresh::default())
        .build()
        .unwrap();
    client.get_api_access_key().await.expect("sent");
    assert_eq!(sent(&server).await, 1);
}

/// A pair that lives less than the renewal margin is renewed halfway, not
/// on every call.
#[tokio::test]
async fn a_short_lived_pair_is_not_renewed_on_every_call() {
    let server = MockServer::start().await;
    answer_ok(&server).await;
    let refresh = FakeRefresh {
        new_expiry: Some(SystemTime::now() + Duration::from_secs(30)),
        ..FakeRefresh::default()
    };
    let calls = Arc::clone(&refresh.calls);
    let client = due_client(&server, refresh, |builder| builder).await;
    for _ in 0..5 {
        client.get_api_access_key().await.unwrap();
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn the_client_debug_hides_a_base_url_password() {
    let environment = Environment::default()
        .with_base_url(Host::Ecommerce, "https://user:hunter2@proxy.example.com/")
        .unwrap();
    let client = Client::builder().environment(environment).build().unwrap();
    let shown = format!("{client:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("proxy.example.com"), "{shown}");
}

/// A redirect from the legacy exchange, whose query holds the app secret
/// and the code, shows neither its headers' values nor its body.
#[tokio::test]
async fn an_error_response_shows_no_header_value_or_redirect_body_that_could_hold_a_secret() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header(
                    "location",
                    "/login?next=/oauth/token%3Fclient_secret%3DSECRET-cs%26code%3DSECRET-code",
                )
                .insert_header("set-cookie", "session=SECRET-cookie")
                .insert_header("retry-after", "5")
                .set_body_string("Found. Redirecting to /login?client_secret=SECRET-cs"),
        )
        .mount(&server)
        .await;
    let client = builder(&server).build().unwrap();
    let error = client
        .exchange_legacy_oauth_code(
            "APP",
            &Secret::new("SECRET-cs"),
            &Secret::new("SECRET-code"),
        )
        .await
        .unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("SECRET"), "{shown}");
    assert!(
        shown.contains("set-cookie") && shown.contains("retry-after: 5"),
        "{shown}"
    );
    assert!(
        error
            .to_string()
            .ends_with("HTTP 302: a redirect, not followed"),
        "{error}"
    );
}

/// A 409 means "still in progress" only for a call that sent a key; a read
/// that gets one is not sent again.
#[tokio::test]
async fn a_409_without_a_key_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(409))
        .mount(&server)
        .await;
    let client = builder(&server)
        .credential(BearerAuth, "tok")
        .build()
        .unwrap();
    let error = client
        .get_charge("CHARGE123456", &Default::default())
        .await
        .unwrap_err();
    assert_eq!(reasons(&error), [AttemptFailure::Status(409)]);
    assert!(!error.may_have_taken_effect());
}

/// After an attempt that timed out, a later "could not connect" does not
/// claim nothing was sent.
#[tokio::test]
async fn a_connect_failure_after_a_timeout_says_an_earlier_attempt_may_have_charged() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let held = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        drop(listener); // later connections are refused
        tokio::time::sleep(Duration::from_secs(3)).await;
        drop(socket);
    });
    let mut environment = Environment::default();
    for host in Host::ALL {
        environment = environment
            .with_base_url(host, &format!("http://{address}"))
            .unwrap();
    }
    let client = Client::builder()
        .environment(environment)
        .credential(BearerAuth, "tok")
        .forwarded_for(IpAddr::V4(Ipv4Addr::LOCALHOST))
        .retry(
            RetryPolicy::default()
                .attempt_timeout(Duration::from_millis(300))
                .initial_backoff(Duration::from_millis(5)),
        )
        .build()
        .unwrap();
    let error = client.create_charge(&charge()).await.unwrap_err();
    assert_eq!(reasons(&error)[0], AttemptFailure::TimedOut);
    assert!(error.may_have_taken_effect());
    let shown = error.to_string();
    assert!(
        shown.contains("an earlier attempt may have reached the server"),
        "{shown}"
    );
    held.abort();
}
