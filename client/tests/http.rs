//! The client against a real HTTP server on loopback: outcomes, Graph's
//! errors, retries and the generated client's calls.

mod support;

use std::time::Duration;

use chrono::{TimeZone, Utc};
use graph_online_meetings::{
    Attendee, AttendeeRole, Error, MeetingRequest, OnlineMeetingsClient, RetryPolicy,
    ValidationError, types,
};
use reqwest::StatusCode;
use serde_json::json;
use support::*;

fn client_for(server: &ScriptedServer, sleeper: &RecordingSleeper) -> OnlineMeetingsClient {
    OnlineMeetingsClient::builder()
        .bearer_token(TOKEN)
        .base_url(&server.base_url)
        .retry(RetryPolicy::default().sleeper(sleeper.clone()))
        .build()
        .unwrap()
}

#[tokio::test]
async fn first_call_creates_and_repeat_finds_the_same_meeting() {
    let server = ScriptedServer::start(vec![
        Reply::json(201, &meeting_json("m-1")).header("client-request-id", "echo-1"),
        Reply::json(200, &meeting_json("m-1")),
    ])
    .await;
    let client = client_for(&server, &RecordingSleeper::default());
    let request = MeetingRequest::new("ext-1")
        .subject("Sync")
        .start(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap())
        .attendee(Attendee::upn("adele@contoso.com").role(AttendeeRole::Presenter));

    let first = client.create_or_get_for_me(request.clone()).await.unwrap();
    assert!(first.was_created());
    assert_eq!(first.status(), StatusCode::CREATED);
    assert_eq!(first.meeting().id.as_deref(), Some("m-1"));
    assert_eq!(first.request_id(), Some("req-201"));
    assert_eq!(first.client_request_id(), Some("echo-1"));
    assert_eq!(first.attempts(), 1);

    let second = client.create_or_get_for_me(request).await.unwrap();
    assert!(!second.was_created());
    assert_eq!(second.status(), StatusCode::OK);
    assert_eq!(second.meeting(), first.meeting());

    let sent = server.received();
    assert_eq!(sent.len(), 2);
    let call = &sent[0];
    assert_eq!(call.method, "POST");
    assert_eq!(call.path, "/beta/me/onlineMeetings/createOrGet");
    assert_eq!(
        call.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(call.header("content-type"), Some("application/json"));
    assert_eq!(
        call.header("user-agent"),
        Some(graph_online_meetings::USER_AGENT)
    );
    assert!(graph_online_meetings::USER_AGENT.starts_with("graph-online-meetings/"));
    assert_eq!(
        call.header("api-version"),
        None,
        "progenitor's api-version is removed"
    );
    assert_eq!(call.header("prefer"), None, "opt-in only");
    let id = call
        .header("client-request-id")
        .expect("a client-request-id is sent");
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
    assert_ne!(
        Some(id),
        sent[1].header("client-request-id"),
        "one id per logical call"
    );
    assert_eq!(
        call.json(),
        json!({
            "externalId": "ext-1",
            "subject": "Sync",
            "startDateTime": "2026-12-01T09:00:00Z",
            "participants": {"attendees": [{"upn": "adele@contoso.com", "role": "presenter"}]}
        })
    );
}

/// The spec declares a `2XX` fallback beside 200 and 201, as Microsoft's
/// description does: another success status still gives the meeting, as an
/// existing one, and 201 still tells a creation apart.
#[tokio::test]
async fn another_success_status_is_an_existing_meeting_and_201_still_a_created_one() {
    let server = ScriptedServer::start(vec![
        Reply::json(202, &meeting_json("m-202")),
        Reply::json(201, &meeting_json("m-201")),
        Reply::json(203, &meeting_json("m-203")),
    ])
    .await;
    let client = client_for(&server, &RecordingSleeper::default());
    let accepted = client
        .create_or_get_for_me(MeetingRequest::new("ext-2xx"))
        .await
        .unwrap();
    assert!(!accepted.was_created());
    assert_eq!(accepted.status(), StatusCode::ACCEPTED);
    assert_eq!(accepted.meeting().id.as_deref(), Some("m-202"));
    let created = client
        .create_or_get_for_me(MeetingRequest::new("ext-2xx"))
        .await
        .unwrap();
    assert!(created.was_created());
    assert_eq!(created.status(), StatusCode::CREATED);
    let other = client
        .create_or_get_for_user("u-1", MeetingRequest::new("ext-2xx"))
        .await
        .unwrap();
    assert!(!other.was_created());
    assert_eq!(other.meeting().id.as_deref(), Some("m-203"));
}

#[tokio::test]
async fn users_route_carries_the_user_id_in_the_path() {
    let server = ScriptedServer::start(vec![Reply::json(201, &meeting_json("m-2"))]).await;
    let client = client_for(&server, &RecordingSleeper::default());
    let response = client
        .create_or_get_for_user("adele@contoso.com", MeetingRequest::new("ext-2"))
        .client_request_id("my-correlation-id")
        .await
        .unwrap();
    assert!(response.was_created());
    let sent = server.received();
    assert_eq!(
        sent[0].path,
        "/beta/users/adele@contoso.com/onlineMeetings/createOrGet"
    );
    assert_eq!(
        sent[0].header("client-request-id"),
        Some("my-correlation-id")
    );
}

#[tokio::test]
async fn invalid_requests_are_refused_before_anything_is_sent() {
    let server = ScriptedServer::start(vec![]).await;
    let client = client_for(&server, &RecordingSleeper::default());
    let start = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
    let unknown_role = {
        let mut body = MeetingRequest::new("ext")
            .attendee(Attendee::user_id("u"))
            .body()
            .clone();
        body.participants
            .as_mut()
            .unwrap()
            .attendees
            .as_mut()
            .unwrap()[0]
            .role = Some(types::OnlineMeetingRole::UnknownFutureValue);
        MeetingRequest::from_body(body)
    };
    let end = start - chrono::Duration::minutes(1);
    type IsExpected = fn(&ValidationError) -> bool;
    let cases: [(MeetingRequest, IsExpected); 5] = [
        (MeetingRequest::new(""), |e| {
            matches!(e, ValidationError::EmptyExternalId)
        }),
        (MeetingRequest::new("   "), |e| {
            matches!(e, ValidationError::EmptyExternalId)
        }),
        (MeetingRequest::new("ext").end(start), |e| {
            matches!(e, ValidationError::EndWithoutStart)
        }),
        (MeetingRequest::new("ext").start(start).end(end), |e| {
            let start = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
            matches!(e, ValidationError::EndBeforeStart { start: s, end: e, .. }
                if *s == start && *e == start - chrono::Duration::minutes(1))
        }),
        (unknown_role, |e| {
            matches!(e, ValidationError::UnknownFutureValueRole { location, .. }
                if location == "participants.attendees[0].role")
        }),
    ];
    for (request, expected) in cases {
        match client.create_or_get_for_me(request).await {
            Err(Error::Validation(actual)) => assert!(expected(&actual), "{actual:?}"),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }
    match client
        .create_or_get_for_user(" ", MeetingRequest::new("ext"))
        .await
    {
        Err(Error::Validation(ValidationError::EmptyUserId)) => {}
        other => panic!("expected EmptyUserId, got {other:?}"),
    }
    // An end equal to the start is allowed by the documented rule.
    assert!(
        MeetingRequest::new("ext")
            .start(start)
            .end(start)
            .validate()
            .is_ok()
    );
    assert!(
        server.received().is_empty(),
        "no request reached the server"
    );
}

#[tokio::test]
async fn graph_error_bodies_are_decoded_for_each_client_error_status() {
    for (status, code) in [
        (400, "BadRequest"),
        (401, "InvalidAuthenticationToken"),
        (403, "Forbidden"),
        (404, "NotFound"),
    ] {
        let server = ScriptedServer::start(vec![
            Reply::json(status, &graph_error_json(code, "it went wrong"))
                .header("client-request-id", "header-client-id"),
        ])
        .await;
        let client = client_for(&server, &RecordingSleeper::default());
        let err = client
            .create_or_get_for_me(MeetingRequest::new("ext"))
            .await
            .unwrap_err();
        let graph = err.graph().unwrap_or_else(|| panic!("{status}: {err:?}"));
        assert_eq!(graph.status.as_u16(), status);
        assert_eq!(graph.code, code);
        assert_eq!(graph.message, "it went wrong");
        assert_eq!(graph.target.as_deref(), Some("externalId"));
        assert_eq!(graph.details.len(), 1);
        assert_eq!(graph.request_id.as_deref(), Some("inner-request-id"));
        assert_eq!(
            graph.client_request_id.as_deref(),
            Some("inner-client-request-id")
        );
        assert_eq!(graph.date.as_deref(), Some("2020-08-18T12:51:51"));
        assert_eq!(graph.attempts, 1);
        assert_eq!(
            graph.body.error.inner_error.as_ref().unwrap().extra["requestId"],
            json!("alt-spelling"),
            "unnamed innerError keys are kept"
        );
        assert_eq!(err.request_id(), Some("inner-request-id"));
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        let shown = err.to_string();
        assert!(
            shown.starts_with(&format!("Graph returned {status} ")) && shown.contains(code),
            "{shown}"
        );
        assert!(shown.contains("request-id inner-request-id"), "{shown}");
        assert_eq!(server.received().len(), 1, "{status} is not retried");
    }
}

#[tokio::test]
async fn request_id_falls_back_to_the_response_header() {
    let server = ScriptedServer::start(vec![Reply::json(
        400,
        &json!({"error": {"code": "BadRequest", "message": "no inner error"}}),
    )])
    .await;
    let client = client_for(&server, &RecordingSleeper::default());
    let err = client
        .create_or_get_for_me(MeetingRequest::new("e"))
        .await
        .unwrap_err();
    assert_eq!(err.request_id(), Some("req-400"));
}

#[tokio::test]
async fn throttled_call_waits_for_retry_after_then_succeeds_with_the_same_ids() {
    let server = ScriptedServer::start(vec![
        Reply::json(429, &graph_error_json("TooManyRequests", "slow down"))
            .header("Retry-After", "2.128"),
        Reply::json(201, &meeting_json("m-3")),
    ])
    .await;
    let sleeper = RecordingSleeper::default();
    let client = client_for(&server, &sleeper);
    let response = client
        .create_or_get_for_me(MeetingRequest::new("ext"))
        .await
        .unwrap();
    assert!(response.was_created());
    assert_eq!(response.attempts(), 2);
    assert_eq!(sleeper.delays(), vec![Duration::from_millis(2128)]);
    let sent = server.received();
    assert_eq!(sent.len(), 2);
    assert_eq!(
        sent[0].header("client-request-id"),
        sent[1].header("client-request-id")
    );
    assert_eq!(sent[0].body, sent[1].body, "the same request is repeated");
}

#[tokio::test]
async fn unavailable_until_retries_run_out() {
    let replies = (0..3)
        .map(|_| Reply::json(503, &graph_error_json("ServiceUnavailable", "busy")))
        .collect();
    let server = ScriptedServer::start(replies).await;
    let sleeper = RecordingSleeper::default();
    let client = OnlineMeetingsClient::builder()
        .bearer_token(TOKEN)
        .base_url(&server.base_url)
        .retry(
            RetryPolicy::default()
                .max_attempts(3)
                .initial_backoff(Duration::from_millis(400))
                .sleeper(sleeper.clone()),
        )
        .build()
        .unwrap();
    let err = client
        .create_or_get_for_me(MeetingRequest::new("ext"))
        .await
        .unwrap_err();
    let graph = err.graph().expect("the last 503 is reported");
    assert_eq!(graph.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(graph.attempts, 3);
    assert!(err.to_string().ends_with("after 3 attempts"), "{err}");
    assert_eq!(server.received().len(), 3);
    let delays = sleeper.delays();
    assert_eq!(
        delays.len(),
        2,
        "a wait between attempts, none after the last"
    );
    assert!(delays[0] >= Duration::from_millis(200) && delays[0] <= Duration::from_millis(400));
    assert!(delays[1] >= Duration::from_millis(400) && delays[1] <= Duration::from_millis(800));
}

#[tokio::test]
async fn gateway_timeout_is_retried_and_disabled_retries_are_respected() {
    let server = ScriptedServer::start(vec![
        Reply::json(504, &graph_error_json("GatewayTimeout", "late")),
        Reply::json(200, &meeting_json("m-4")),
    ])
    .await;
    let sleeper = RecordingSleeper::default();
    let client = client_for(&server, &sleeper);
    assert!(
        !client
            .create_or_get_for_me(MeetingRequest::new("e"))
            .await
            .unwrap()
            .was_created()
    );

    let server = ScriptedServer::start(vec![Reply::json(
        429,
        &graph_error_json("TooManyRequests", "x"),
    )])
    .await;
    let client = OnlineMeetingsClient::builder()
        .bearer_token(TOKEN)
        .base_url(&server.base_url)
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = client
        .create_or_get_for_me(MeetingRequest::new("e"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn a_retry_after_beyond_the_time_budget_is_not_waited_out() {
    let server = ScriptedServer::start(vec![
        Reply::json(429, &graph_error_json("TooManyRequests", "later"))
            .header("Retry-After", "600"),
    ])
    .await;
    let sleeper = RecordingSleeper::default();
    let client = OnlineMeetingsClient::builder()
        .bearer_token(TOKEN)
        .base_url(&server.base_url)
        .retry(
            RetryPolicy::default()
                .max_elapsed(Duration::from_secs(60))
                .sleeper(sleeper.clone()),
        )
        .build()
        .unwrap();
    let err = client
        .create_or_get_for_me(MeetingRequest::new("e"))
        .await
        .unwrap_err();
    assert_eq!(
        err.graph().unwrap().retry_after,
        Some(Duration::from_secs(600))
    );
    assert!(sleeper.delays().is_empty());
    assert_eq!(server.received().len(), 1);
}
#[tokio::test]
async fn an_undeclared_status_is_reported_with_its_body() {
    let server = ScriptedServer::start(vec![Reply::Full {
        status: 302,
        headers: vec![
            ("location".into(), "/elsewhere".into()),
            ("request-id".into(), "req-302".into()),
        ],
        body: "moved".into(),
    }])
    .await;
    let client = client_for(&server, &RecordingSleeper::default());
    match client.create_or_get_for_me(MeetingRequest::new("e")).await {
        Err(Error::UnexpectedStatus {
            status,
            body,
            request_id,
            ..
        }) => {
            assert_eq!(status, StatusCode::FOUND);
            assert_eq!(&body[..], b"moved");
            assert_eq!(request_id.as_deref(), Some("req-302"));
        }
        other => panic!("expected UnexpectedStatus, got {other:?}"),
    }
}

#[tokio::test]
async fn calls_through_the_generated_client_get_the_hooks_and_keep_their_headers() {
    let server = ScriptedServer::start(vec![
        Reply::json(201, &meeting_json("m-raw")).header("client-request-id", "echo-raw"),
    ])
    .await;
    let client = client_for(&server, &RecordingSleeper::default());
    let body = types::CreateOrGetOnlineMeetingRequest::builder().external_id("raw-1");
    let raw = client
        .generated()
        .create_or_get_my_online_meeting()
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::CREATED);
    assert_eq!(raw.id.as_deref(), Some("m-raw"));
    let header = |name: &str| raw.headers().get(name).and_then(|v| v.to_str().ok());
    assert_eq!(header("request-id"), Some("req-201"));
    assert_eq!(header("client-request-id"), Some("echo-raw"));

    let sent = server.received();
    let call = &sent[0];
    assert_eq!(
        call.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(call.header("api-version"), None);
    let id = call.header("client-request-id").expect("the hook adds one");
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
}

#[tokio::test]
async fn calls_through_the_generated_client_are_retried_with_the_same_id() {
    let server = ScriptedServer::start(vec![
        Reply::json(503, &graph_error_json("ServiceUnavailable", "busy"))
            .header("Retry-After", "1"),
        Reply::json(201, &meeting_json("m-raw")),
    ])
    .await;
    let sleeper = RecordingSleeper::default();
    let client = client_for(&server, &sleeper);
    let body = types::CreateOrGetOnlineMeetingRequest::builder().external_id("raw-2");
    let raw = client
        .generated()
        .create_or_get_my_online_meeting()
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::CREATED);
    assert_eq!(sleeper.delays(), vec![Duration::from_secs(1)]);
    let sent = server.received();
    assert_eq!(sent.len(), 2);
    assert!(sent[0].header("client-request-id").is_some());
    assert_eq!(
        sent[0].header("client-request-id"),
        sent[1].header("client-request-id")
    );
    assert_eq!(sent[0].body, sent[1].body);
}
#[tokio::test]
async fn prefer_header_is_sent_when_asked_for() {
    let mut future = meeting_json("m-7");
    future["lobbyBypassSettings"] = json!({"scope": "someScopeFrom2030"});
    let server = ScriptedServer::start(vec![Reply::json(201, &future)]).await;
    let client = OnlineMeetingsClient::builder()
        .bearer_token(TOKEN)
        .base_url(&server.base_url)
        .include_unknown_enum_members(true)
        .build()
        .unwrap();
    let response = client
        .create_or_get_for_me(MeetingRequest::new("e"))
        .await
        .unwrap();
    assert_eq!(
        server.received()[0].header("prefer"),
        Some("include-unknown-enum-members")
    );
    assert_eq!(
        response
            .meeting()
            .lobby_bypass_settings
            .as_ref()
            .unwrap()
            .scope,
        Some(types::LobbyBypassScope::Unrecognized(
            "someScopeFrom2030".into()
        ))
    );
}
