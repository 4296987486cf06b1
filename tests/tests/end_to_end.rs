//! The client against the local mock server: outcome, defaults, errors and
//! retries, end to end over HTTP on loopback. With `PRISM` set (see `tests/build.rs`) every
//! call also goes through Prism's validating proxy (`.ci/openapi-tools.sh`).

#[cfg(prism)]
mod support {
    pub mod prism;
}

use std::num::NonZeroU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use graph_online_meetings::{
    Attendee, AttendeeRole, BoxFuture, Error, MeetingRequest, OnlineMeetingsClient, RetryPolicy,
    Sleeper, types,
};
use graph_online_meetings_mock::{FaultInjection, FaultStatus, MockConfig, MockServer};
use reqwest::StatusCode;

/// Records the waits and returns at once, so no test sleeps for real.
#[derive(Clone, Default)]
struct RecordingSleeper(Arc<Mutex<Vec<Duration>>>);

impl Sleeper for RecordingSleeper {
    fn sleep(&self, delay: Duration) -> BoxFuture<'static, ()> {
        self.0.lock().unwrap().push(delay);
        Box::pin(async {})
    }
}

/// The mock, and with `PRISM` set (see `tests/build.rs`) Prism's validating proxy in front
/// of it (see `support/prism.rs`), which must see no violation.
struct Served {
    server: MockServer,
    #[cfg(prism)]
    front: support::prism::Front,
}

impl std::ops::Deref for Served {
    type Target = MockServer;
    fn deref(&self) -> &MockServer {
        &self.server
    }
}

#[cfg(prism)]
impl Drop for Served {
    fn drop(&mut self) {
        let violations = self.front.violations();
        if !violations.is_empty() && !std::thread::panicking() {
            panic!(
                "Prism reported violations:\n{}\n\nits log:\n{}",
                violations.join("\n"),
                self.front.log()
            );
        }
    }
}

async fn mock(config: MockConfig) -> (Served, String) {
    let server = MockServer::start(config).await.expect("the mock starts");
    #[cfg(prism)]
    {
        let test = std::thread::current()
            .name()
            .unwrap_or("end_to_end")
            .to_string();
        let front = support::prism::Front::start(&server.base_url(), Some(&test)).await;
        let url = front.url().to_string();
        (Served { server, front }, url)
    }
    #[cfg(not(prism))]
    {
        let base_url = format!("{}/beta", server.base_url());
        (Served { server }, base_url)
    }
}

fn client(base_url: &str, token: &str) -> OnlineMeetingsClient {
    OnlineMeetingsClient::builder()
        .bearer_token(token)
        .base_url(base_url)
        .retry(RetryPolicy::default().sleeper(RecordingSleeper::default()))
        .build()
        .unwrap()
}

#[tokio::test]
async fn created_then_existing_with_the_same_meeting() {
    let (server, url) = mock(MockConfig::default()).await;
    let alice = client(&url, "alice@contoso.com");
    let start = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
    let request = MeetingRequest::new("e2e-1")
        .subject("Design review")
        .start(start)
        .end(start + chrono::Duration::minutes(30))
        .attendee(Attendee::upn("bob@contoso.com").role(AttendeeRole::Presenter));

    let first = alice.create_or_get_for_me(request).await.unwrap();
    assert!(first.was_created());
    assert_eq!(first.status(), StatusCode::CREATED);
    assert!(first.request_id().is_some());
    let meeting = first.meeting();
    assert_eq!(meeting.external_id.as_deref(), Some("e2e-1"));
    assert_eq!(meeting.subject.as_deref(), Some("Design review"));
    assert_eq!(meeting.start_date_time, Some(start));
    assert!(
        meeting
            .join_web_url
            .as_deref()
            .unwrap()
            .starts_with("https://")
    );
    let participants = meeting.participants.as_ref().unwrap();
    assert_eq!(
        participants.organizer.as_ref().unwrap().upn.as_deref(),
        Some("alice@contoso.com")
    );
    let attendee = &participants.attendees.as_ref().unwrap()[0];
    assert_eq!(attendee.role, Some(types::OnlineMeetingRole::Presenter));

    // A repeat ignores its other fields and returns the stored meeting.
    let repeat = alice
        .create_or_get_for_me(MeetingRequest::new("e2e-1").subject("Something else"))
        .await
        .unwrap();
    assert!(!repeat.was_created());
    assert_eq!(repeat.meeting(), first.meeting());

    // The same externalId for another user is another meeting.
    let bob = alice
        .create_or_get_for_user("bob@contoso.com", MeetingRequest::new("e2e-1"))
        .await
        .unwrap();
    assert!(bob.was_created());
    assert_ne!(bob.meeting().id, first.meeting().id);
    assert_eq!(server.meeting_count(), 2);
}

#[tokio::test]
async fn documented_defaults_apply() {
    let (_server, url) = mock(MockConfig::default()).await;
    let client = client(&url, "carol@contoso.com");
    let before = Utc::now();
    let now_meeting = client
        .create_or_get_for_me(MeetingRequest::new("defaults-none"))
        .await
        .unwrap()
        .into_meeting();
    let start = now_meeting.start_date_time.unwrap();
    assert!(start >= before - chrono::Duration::seconds(1) && start <= Utc::now());
    assert_eq!(
        now_meeting.end_date_time.unwrap() - start,
        chrono::Duration::hours(1)
    );

    let given = Utc.with_ymd_and_hms(2027, 1, 5, 14, 0, 0).unwrap();
    let start_only = client
        .create_or_get_for_me(MeetingRequest::new("defaults-start").start(given))
        .await
        .unwrap()
        .into_meeting();
    assert_eq!(start_only.start_date_time, Some(given));
    assert_eq!(
        start_only.end_date_time,
        Some(given + chrono::Duration::hours(1))
    );
}

#[tokio::test]
async fn server_side_errors_arrive_as_graph_errors() {
    let (server, url) = mock(MockConfig::default()).await;
    // The client validates dates itself, so send a raw body to reach the
    // server's own check.
    let client = client(&url, "dave@contoso.com");
    let start = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
    let body = types::CreateOrGetOnlineMeetingRequest::builder()
        .external_id("bad-times")
        .start_date_time(start)
        .end_date_time(start - chrono::Duration::hours(1));
    let raw = client
        .generated()
        .create_or_get_my_online_meeting()
        .body(body)
        .send()
        .await;
    match raw {
        Err(graph_online_meetings::generated::Error::ErrorResponse(response)) => {
            assert_eq!(response.status(), StatusCode::BAD_REQUEST);
            assert!(
                response
                    .error
                    .inner_error
                    .as_ref()
                    .unwrap()
                    .request_id
                    .is_some()
            );
        }
        other => panic!("expected a 400 Graph error, got {other:?}"),
    }

    // No token: 401, with Graph's error code and a request-id to quote.
    // Straight to the mock: Prism, like Graph's front door, answers a call
    // without credentials itself (and counts it as a violation).
    let anonymous = client_with_empty_token(&format!("{}/beta", server.base_url()));
    let err = anonymous
        .create_or_get_for_me(MeetingRequest::new("no-token"))
        .await
        .unwrap_err();
    let graph = err.graph().expect("a Graph error");
    assert_eq!(graph.status, StatusCode::UNAUTHORIZED);
    assert_eq!(graph.code, "InvalidAuthenticationToken");
    assert!(graph.request_id.is_some());
    assert!(
        err.to_string().contains("InvalidAuthenticationToken"),
        "{err}"
    );

    // Client-side validation: the server never sees these.
    let err = client
        .create_or_get_for_me(MeetingRequest::new("x").end(start))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err:?}");
}

fn client_with_empty_token(url: &str) -> OnlineMeetingsClient {
    OnlineMeetingsClient::builder()
        .bearer_token("")
        .base_url(url)
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap()
}

#[tokio::test]
async fn throttling_is_retried_with_the_servers_retry_after() {
    let mut fault = FaultInjection::new(NonZeroU64::new(2).unwrap(), FaultStatus::TooManyRequests);
    fault.retry_after = Some(1.5);
    let (_server, url) = mock(MockConfig {
        fault: Some(fault),
        ..MockConfig::default()
    })
    .await;
    let sleeper = RecordingSleeper::default();
    let client = OnlineMeetingsClient::builder()
        .bearer_token("erin@contoso.com")
        .base_url(&url)
        .retry(RetryPolicy::default().sleeper(sleeper.clone()))
        .build()
        .unwrap();
    // One request in two is throttled, starting with the first: each call
    // succeeds on its second attempt, after waiting the Retry-After.
    let first = client
        .create_or_get_for_me(MeetingRequest::new("throttled"))
        .await
        .unwrap();
    let second = client
        .create_or_get_for_me(MeetingRequest::new("throttled"))
        .await
        .unwrap();
    assert!(first.was_created() && !second.was_created());
    assert_eq!((first.attempts(), second.attempts()), (2, 2));
    assert_eq!(
        *sleeper.0.lock().unwrap(),
        vec![Duration::from_millis(1500), Duration::from_millis(1500)]
    );
    assert_eq!(first.meeting().id, second.meeting().id);
}

#[tokio::test]
async fn unavailable_until_retries_run_out() {
    let fault = FaultInjection::new(NonZeroU64::new(1).unwrap(), FaultStatus::ServiceUnavailable);
    let (server, url) = mock(MockConfig {
        fault: Some(fault),
        ..MockConfig::default()
    })
    .await;
    let sleeper = RecordingSleeper::default();
    let client = OnlineMeetingsClient::builder()
        .bearer_token("frank@contoso.com")
        .base_url(&url)
        .retry(
            RetryPolicy::default()
                .max_attempts(3)
                .sleeper(sleeper.clone()),
        )
        .build()
        .unwrap();
    let err = client
        .create_or_get_for_me(MeetingRequest::new("never"))
        .await
        .unwrap_err();
    let graph = err.graph().expect("the last 503");
    assert_eq!(graph.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(graph.attempts, 3);
    assert_eq!(sleeper.0.lock().unwrap().len(), 2);
    assert_eq!(server.meeting_count(), 0);
}

#[tokio::test]
async fn concurrent_calls_with_one_external_id_create_one_meeting() {
    let (server, url) = mock(MockConfig::default()).await;
    let client = client(&url, "grace@contoso.com");
    let calls = (0..50).map(|_| {
        let client = client.clone();
        tokio::spawn(async move {
            client
                .create_or_get_for_me(MeetingRequest::new("race"))
                .await
                .unwrap()
        })
    });
    let mut created = 0;
    let mut ids = std::collections::BTreeSet::new();
    for call in calls {
        let response = call.await.unwrap();
        created += usize::from(response.was_created());
        ids.insert(response.meeting().id.clone());
    }
    assert_eq!(created, 1);
    assert_eq!(ids.len(), 1);
    assert_eq!(server.meeting_count(), 1);
}
