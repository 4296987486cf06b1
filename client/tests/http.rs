//! The client against a real HTTP server on loopback.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use graph_online_meetings::{
    AccessToken, Attendee, AttendeeRole, Error, MeetingRequest, OnlineMeetingsClient, RetryPolicy,
    TokenError, ValidationError, types,
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
    let cases = [
        (MeetingRequest::new(""), ValidationError::EmptyExternalId),
        (MeetingRequest::new("   "), ValidationError::EmptyExternalId),
        (
            MeetingRequest::new("ext").end(start),
            ValidationError::EndWithoutStart,
        ),
        (
            MeetingRequest::new("ext")
                .start(start)
                .end(start - chrono::Duration::minutes(1)),
            ValidationError::EndBeforeStart {
                start,
                end: start - chrono::Duration::minutes(1),
            },
        ),
        (
            unknown_role,
            ValidationError::UnknownFutureValueRole {
                location: "participants.attendees[0].role".into(),
            },
        ),
    ];
    for (request, expected) in cases {
        match client.create_or_get_for_me(request).await {
            Err(Error::Validation(actual)) => assert_eq!(actual, expected),
            other => panic!("expected {expected:?}, got {other:?}"),
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
async fn malformed_json_is_an_error_that_keeps_the_raw_body() {
    let server = ScriptedServer::start(vec![Reply::Full {
        status: 201,
        headers: vec![("request-id".into(), "req-bad".into())],
        body: r#"{"id": "m", "subject": }"#.into(),
    }])
    .await;
    let client = client_for(&server, &RecordingSleeper::default());
    match client.create_or_get_for_me(MeetingRequest::new("e")).await {
        Err(Error::InvalidBody {
            status,
            request_id,
            body,
            ..
        }) => {
            assert_eq!(status, Some(StatusCode::CREATED));
            assert_eq!(request_id.as_deref(), Some("req-bad"));
            assert_eq!(&body[..], br#"{"id": "m", "subject": }"#);
        }
        other => panic!("expected InvalidBody, got {other:?}"),
    }
}

#[tokio::test]
async fn a_truncated_body_is_an_error_never_a_shorter_meeting() {
    let body = meeting_json("m-5").to_string();
    let head = format!(
        "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&body.as_bytes()[..body.len() / 2]);
    let server = ScriptedServer::start(vec![Reply::Raw(bytes)]).await;
    let client = client_for(&server, &RecordingSleeper::default());
    match client.create_or_get_for_me(MeetingRequest::new("e")).await {
        Err(err @ Error::Transport(_)) => {
            assert!(
                err.to_string().contains("could not be read completely"),
                "{err}"
            );
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_slow_server_times_out() {
    let server = ScriptedServer::start(vec![Reply::Delayed(
        Duration::from_secs(5),
        Box::new(Reply::json(201, &meeting_json("late"))),
    )])
    .await;
    let client = OnlineMeetingsClient::builder()
        .bearer_token(TOKEN)
        .base_url(&server.base_url)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    match client.create_or_get_for_me(MeetingRequest::new("e")).await {
        Err(Error::Timeout(_)) => {}
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    for scheme in ["http", "https"] {
        let client = OnlineMeetingsClient::builder()
            .bearer_token(TOKEN)
            .base_url(format!("{scheme}://127.0.0.1:{port}/beta"))
            .build()
            .unwrap();
        match client.create_or_get_for_me(MeetingRequest::new("e")).await {
            Err(err @ Error::Transport(_)) => {
                let shown = format!("{err} {:?}", std::error::Error::source(&err));
                assert!(shown.contains("could not reach Graph"), "{shown}");
                // With no TLS backend reqwest would refuse the scheme itself.
                assert!(!shown.contains("scheme"), "{scheme}: {shown}");
            }
            other => panic!("{scheme}: expected a transport error, got {other:?}"),
        }
    }
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
async fn the_token_source_is_asked_per_call_and_can_refresh() {
    let server = ScriptedServer::start(vec![
        Reply::json(503, &graph_error_json("ServiceUnavailable", "busy"))
            .header("Retry-After", "0"),
        Reply::json(201, &meeting_json("m-6")),
        Reply::json(200, &meeting_json("m-6")),
    ])
    .await;
    let calls = Arc::new(AtomicU32::new(0));
    let counter = Arc::clone(&calls);
    let client = OnlineMeetingsClient::builder()
        .token_source(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            async move { Ok(AccessToken::new(format!("token-{n}"))) }
        })
        .base_url(&server.base_url)
        .build()
        .unwrap();
    client
        .create_or_get_for_me(MeetingRequest::new("e"))
        .await
        .unwrap();
    client
        .create_or_get_for_me(MeetingRequest::new("e"))
        .await
        .unwrap();
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "once per call, retries included"
    );
    let sent = server.received();
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[0].header("authorization"), Some("Bearer token-1"));
    assert_eq!(
        sent[1].header("authorization"),
        Some("Bearer token-1"),
        "the retry"
    );
    assert_eq!(
        sent[2].header("authorization"),
        Some("Bearer token-2"),
        "refreshed"
    );
}

#[tokio::test]
async fn a_failing_token_source_sends_nothing() {
    let server = ScriptedServer::start(vec![]).await;
    let client = OnlineMeetingsClient::builder()
        .token_source(|| async { Err(TokenError::new("refresh token expired")) })
        .base_url(&server.base_url)
        .build()
        .unwrap();
    match client.create_or_get_for_me(MeetingRequest::new("e")).await {
        Err(err @ Error::Auth(_)) => {
            assert_eq!(
                err.to_string(),
                "could not get an access token: refresh token expired"
            );
        }
        other => panic!("expected an auth error, got {other:?}"),
    }
    assert!(server.received().is_empty());
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

#[tokio::test]
async fn the_token_never_shows_in_debug_or_display_output() {
    let server = ScriptedServer::start(vec![
        Reply::json(
            401,
            &graph_error_json("InvalidAuthenticationToken", "expired"),
        ),
        Reply::Delayed(
            Duration::from_secs(5),
            Box::new(Reply::json(201, &meeting_json("x"))),
        ),
    ])
    .await;
    let builder = OnlineMeetingsClient::builder()
        .bearer_token(TOKEN)
        .base_url(&server.base_url)
        .timeout(Duration::from_millis(200));
    let builder_debug = format!("{builder:?}");
    let client = builder.build().unwrap();
    let graph_err = client
        .create_or_get_for_me(MeetingRequest::new("e"))
        .await
        .unwrap_err();
    let timeout_err = client
        .create_or_get_for_me(MeetingRequest::new("e"))
        .await
        .unwrap_err();
    let refused = OnlineMeetingsClient::builder()
        .bearer_token(TOKEN)
        .base_url("http://127.0.0.1:1/beta")
        .build()
        .unwrap()
        .create_or_get_for_me(MeetingRequest::new("e"))
        .await
        .unwrap_err();
    let outputs = [
        builder_debug,
        format!("{client:?}"),
        format!("{:?}", client.generated()),
        format!("{graph_err} {graph_err:?}"),
        format!("{timeout_err} {timeout_err:?}"),
        format!("{refused} {refused:?}"),
        format!("{:?}", AccessToken::new(TOKEN)),
        format!("{:?}", graph_online_meetings::StaticToken::new(TOKEN)),
    ];
    for output in outputs {
        assert!(!output.contains(TOKEN), "token leaked: {output}");
    }
    assert!(matches!(timeout_err, Error::Timeout(_)));
}

#[test]
fn builder_refuses_bad_configuration_with_a_clear_message() {
    let err = OnlineMeetingsClient::builder().build().unwrap_err();
    assert!(err.to_string().contains("no token"), "{err}");
    let err = OnlineMeetingsClient::builder()
        .bearer_token("t")
        .base_url("ftp://example.com")
        .build()
        .unwrap_err();
    assert!(
        err.to_string().contains("must start with https://"),
        "{err}"
    );
    let err = OnlineMeetingsClient::builder()
        .bearer_token("t")
        .base_url("not a url")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("base URL"), "{err}");
    let err = OnlineMeetingsClient::builder()
        .bearer_token("line\nbreak")
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("bearer token holds characters an HTTP header cannot carry"),
        "{err}"
    );
    assert!(
        !err.to_string().contains("line"),
        "never echo the token: {err}"
    );
}
