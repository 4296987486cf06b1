//! What a call reports through `tracing`, seen by a capturing subscriber:
//! one span per call with OpenTelemetry's HTTP client field names, an event
//! per retry and per claims challenge, and never the token, the request
//! body or the filled-in path.

use std::collections::BTreeMap;
use std::fmt;
use std::num::NonZeroU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use graph_online_meetings::{
    AccessToken, BoxFuture, MeetingRequest, OnlineMeetingsClient, RetryPolicy, Sleeper,
};
use graph_online_meetings_mock::{FaultInjection, FaultStatus, MockConfig, MockServer};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt as _};
use tracing_subscriber::registry::LookupSpan;

/// A token that names its user; it must appear in no span or event.
const TOKEN: &str = "contoso:secret-token-7f3a@contoso.com";
const USER_ID: &str = "9d1c7e52-user-id-in-the-path";
const EXTERNAL_ID: &str = "ext-body-only-4411";
const SUBJECT: &str = "subject-body-only";

#[derive(Clone, Debug, Default)]
struct CapturedSpan {
    name: String,
    fields: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default)]
struct CapturedEvent {
    /// The span the event happened in.
    span: Option<String>,
    fields: BTreeMap<String, String>,
}

/// Every span (with its fields as last recorded) and every event.
#[derive(Clone, Default)]
struct Capture {
    spans: Arc<Mutex<BTreeMap<u64, CapturedSpan>>>,
    events: Arc<Mutex<Vec<CapturedEvent>>>,
}

impl Capture {
    fn spans_named(&self, name: &str) -> Vec<CapturedSpan> {
        let spans = self.spans.lock().unwrap();
        spans.values().filter(|s| s.name == name).cloned().collect()
    }

    fn events_with(&self, field: &str) -> Vec<CapturedEvent> {
        let events = self.events.lock().unwrap();
        events
            .iter()
            .filter(|e| e.fields.contains_key(field))
            .cloned()
            .collect()
    }

    /// Everything captured, as one text to search.
    fn text(&self) -> String {
        format!(
            "{:?} {:?}",
            self.spans.lock().unwrap(),
            self.events.lock().unwrap()
        )
    }
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0
            .insert(field.name().to_string(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        let mut span = CapturedSpan {
            name: attrs.metadata().name().to_string(),
            ..Default::default()
        };
        attrs.record(&mut Fields(&mut span.fields));
        self.spans.lock().unwrap().insert(id.into_u64(), span);
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        if let Some(span) = self.spans.lock().unwrap().get_mut(&id.into_u64()) {
            values.record(&mut Fields(&mut span.fields));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut captured = CapturedEvent {
            span: ctx.event_span(event).map(|s| s.name().to_string()),
            ..Default::default()
        };
        event.record(&mut Fields(&mut captured.fields));
        self.events.lock().unwrap().push(captured);
    }
}

/// Returns at once, so the retry's wait is not slept.
#[derive(Clone, Default)]
struct NoSleep;

impl Sleeper for NoSleep {
    fn sleep(&self, _: Duration) -> BoxFuture<'static, ()> {
        Box::pin(async {})
    }
}

fn field<'a>(span: &'a CapturedSpan, name: &str) -> &'a str {
    span.fields
        .get(name)
        .unwrap_or_else(|| panic!("no {name} on {span:?}"))
}

#[tokio::test]
async fn a_call_with_a_retry_has_one_span_and_one_retry_event() {
    let capture = Capture::default();
    let _guard =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(capture.clone()));
    let fault = FaultInjection {
        every: NonZeroU64::new(2).unwrap(),
        status: FaultStatus::TooManyRequests,
        retry_after: Some(0.5),
    };
    let server = MockServer::start(MockConfig {
        fault: Some(fault),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let client = OnlineMeetingsClient::builder()
        .bearer_token(TOKEN)
        .base_url(format!("{}/beta", server.base_url()))
        .retry(RetryPolicy::default().sleeper(NoSleep))
        .build()
        .unwrap();
    let request = MeetingRequest::new(EXTERNAL_ID).subject(SUBJECT);
    let created = client
        .create_or_get_for_user(USER_ID, request.clone())
        .client_request_id("11111111-2222-4333-8444-555555555555")
        .await
        .unwrap();
    // The mock fails requests 1, 3, ...: the repeat is retried too.
    let existing = client
        .create_or_get_for_user(USER_ID, request)
        .await
        .unwrap();

    let spans = capture.spans_named("createOrGetUserOnlineMeeting");
    assert_eq!(spans.len(), 2, "one span per call: {spans:?}");
    let first = &spans[0];
    assert_eq!(field(first, "otel.kind"), "client");
    assert_eq!(
        field(first, "otel.name"),
        "POST /beta/users/{userId}/onlineMeetings/createOrGet"
    );
    assert_eq!(field(first, "http.request.method"), "POST");
    assert_eq!(
        field(first, "url.template"),
        "/beta/users/{userId}/onlineMeetings/createOrGet"
    );
    assert_eq!(field(first, "server.address"), "127.0.0.1");
    assert_eq!(
        field(first, "server.port"),
        server.addr().port().to_string()
    );
    assert_eq!(field(first, "http.response.status_code"), "201");
    assert_eq!(field(first, "graph.attempts"), "2");
    assert_eq!(field(first, "http.request.resend_count"), "1");
    assert_eq!(field(first, "graph.outcome"), "created");
    assert_eq!(
        field(first, "graph.client_request_id"),
        "11111111-2222-4333-8444-555555555555"
    );
    assert_eq!(Some(field(first, "graph.request_id")), created.request_id());
    let second = &spans[1];
    assert_eq!(field(second, "graph.outcome"), "existing");
    assert_eq!(field(second, "http.response.status_code"), "200");
    assert_eq!(
        Some(field(second, "graph.request_id")),
        existing.request_id()
    );
    assert_eq!(
        Some(field(second, "graph.client_request_id")),
        existing.client_request_id(),
        "the generated id is recorded too"
    );

    let retries = capture.events_with("graph.retry.reason");
    assert_eq!(retries.len(), 2, "one per retry: {retries:?}");
    for retry in &retries {
        assert_eq!(retry.span.as_deref(), Some("createOrGetUserOnlineMeeting"));
        assert_eq!(retry.fields["graph.retry.reason"], "429 Too Many Requests");
        assert_eq!(retry.fields["graph.retry.delay_ms"], "500");
        assert_eq!(retry.fields["graph.retry.attempt"], "1");
    }

    let text = capture.text();
    for secret in [TOKEN, "secret-token", USER_ID, EXTERNAL_ID, SUBJECT] {
        assert!(!text.contains(secret), "{secret} was recorded: {text}");
    }
}

#[tokio::test]
async fn a_claims_challenge_has_its_event_and_an_error_is_recorded() {
    let capture = Capture::default();
    let _guard =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(capture.clone()));
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let client = OnlineMeetingsClient::builder()
        .token_source_with_claims(|claims: Option<String>| async move {
            // Both tokens are challenged: the second challenge ends the call.
            let _ = claims;
            Ok(AccessToken::new("claims-challenge.secret-token-7f3a"))
        })
        .base_url(format!("{}/v1.0", server.base_url()))
        .build()
        .unwrap();
    let err = client
        .create_or_get_for_me(MeetingRequest::new(EXTERNAL_ID).subject(SUBJECT))
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        graph_online_meetings::Error::ClaimsChallenge { .. }
    ));

    let spans = capture.spans_named("createOrGetMyOnlineMeeting");
    assert_eq!(spans.len(), 1);
    let span = &spans[0];
    assert_eq!(
        field(span, "url.template"),
        "/v1.0/me/onlineMeetings/createOrGet"
    );
    assert_eq!(field(span, "http.response.status_code"), "401");
    assert_eq!(field(span, "graph.outcome"), "error");
    assert_eq!(field(span, "error.type"), "claims_challenge");
    assert_eq!(
        field(span, "graph.error_code"),
        "InvalidAuthenticationToken"
    );
    assert_eq!(field(span, "graph.attempts"), "2");

    let challenges = capture.events_with("graph.challenge.error");
    assert_eq!(
        challenges.len(),
        2,
        "the challenge, then its repeat: {challenges:?}"
    );
    assert!(
        challenges
            .iter()
            .all(|e| e.span.as_deref() == Some("createOrGetMyOnlineMeeting"))
    );
    assert_eq!(challenges[1].fields["graph.challenge.failure"], "Repeated");

    let text = capture.text();
    let claims = graph_online_meetings_mock::CHALLENGE_CLAIMS;
    for secret in ["secret-token", EXTERNAL_ID, SUBJECT, claims, "eyJhY2Nl"] {
        assert!(!text.contains(secret), "{secret} was recorded: {text}");
    }
}

#[tokio::test]
async fn an_invalid_request_still_has_its_span() {
    let capture = Capture::default();
    let _guard =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(capture.clone()));
    let client = OnlineMeetingsClient::builder()
        .bearer_token(TOKEN)
        .build()
        .unwrap();
    let err = client
        .create_or_get_for_me(MeetingRequest::new(" "))
        .await
        .unwrap_err();
    assert!(matches!(err, graph_online_meetings::Error::Validation(_)));
    let spans = capture.spans_named("createOrGetMyOnlineMeeting");
    assert_eq!(spans.len(), 1);
    assert_eq!(field(&spans[0], "error.type"), "validation");
    assert_eq!(field(&spans[0], "server.address"), "graph.microsoft.com");
    assert_eq!(field(&spans[0], "server.port"), "443");
    assert!(
        !spans[0].fields.contains_key("graph.attempts"),
        "nothing was sent"
    );
}
