//! What each failure says: one line that ends in its root cause, and a
//! `source()` chain that continues below it without repeating it. Every
//! server is a local listener; the unknown host is under `.invalid`, which
//! never resolves (RFC 6761), so no test needs a network.

mod support;

use std::error::Error as StdError;
use std::time::Duration;

use graph_online_meetings::{
    AccessToken, Error, MeetingRequest, OnlineMeetingsClient, RetryPolicy, TokenError,
};
use reqwest::StatusCode;
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn client(base_url: &str) -> OnlineMeetingsClient {
    OnlineMeetingsClient::builder()
        .bearer_token(TOKEN)
        .base_url(base_url)
        .retry(RetryPolicy::disabled())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

async fn call(base_url: &str) -> Error {
    client(base_url)
        .create_or_get_for_me(MeetingRequest::new("e"))
        .await
        .unwrap_err()
}

/// The error's message, then each of its sources' messages.
fn messages(err: &Error) -> Vec<String> {
    let mut messages = vec![err.to_string()];
    let mut next = err.source();
    while let Some(cause) = next {
        messages.push(cause.to_string());
        next = cause.source();
    }
    messages
}

/// One line, and no message of the chain repeated by a level above it.
fn assert_one_line_without_repetition(err: &Error) {
    let messages = messages(err);
    assert!(!messages[0].contains('\n'), "one line: {messages:?}");
    for (i, outer) in messages.iter().enumerate() {
        for inner in &messages[i + 1..] {
            assert!(
                !outer.contains(inner.as_str()),
                "{inner:?} is repeated by {outer:?} in {messages:?}"
            );
        }
    }
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn connection_refused_is_named() {
    let port = closed_port();
    for scheme in ["http", "https"] {
        let err = call(&format!("{scheme}://127.0.0.1:{port}/beta")).await;
        assert!(matches!(err, Error::Transport(_)), "{err:?}");
        assert_eq!(
            err.to_string(),
            format!("could not reach {scheme}://127.0.0.1:{port}: connection refused")
        );
        assert_one_line_without_repetition(&err);
        // The typed cause stays reachable for code that inspects it.
        assert!(err.source().unwrap().is::<reqwest::Error>());
    }
}

#[tokio::test]
async fn an_unknown_host_is_named() {
    let host = "graph-online-meetings-test.invalid";
    let err = call(&format!("http://{host}/beta")).await;
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!("could not reach http://{host}: unknown host {host} (DNS lookup failed)")
    );
    assert_one_line_without_repetition(&err);
}

#[tokio::test]
async fn https_against_a_plain_http_server_is_named() {
    // Answers whatever it is sent with a plain HTTP 400, as HTTP servers do
    // to a TLS ClientHello.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut first_bytes = [0u8; 1024];
            let _ = stream.read(&mut first_bytes).await;
            let _ = stream
                .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
                .await;
        }
    });
    let err = call(&format!("https://{address}/beta")).await;
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "could not reach https://{address}: TLS handshake failed: the server answered \
             in plain HTTP (use an http:// URL for it)"
        )
    );
    assert_one_line_without_repetition(&err);
}

#[tokio::test]
async fn a_timeout_is_named() {
    let server = ScriptedServer::start(vec![Reply::Delayed(
        Duration::from_secs(5),
        Box::new(Reply::json(201, &meeting_json("late"))),
    )])
    .await;
    let err = OnlineMeetingsClient::builder()
        .bearer_token(TOKEN)
        .base_url(&server.base_url)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap()
        .create_or_get_for_me(MeetingRequest::new("e"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    let origin = server.base_url.trim_end_matches("/beta");
    assert_eq!(
        err.to_string(),
        format!("timed out: no complete answer from {origin} within the timeout")
    );
    assert_one_line_without_repetition(&err);
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
    let err = call(&server.base_url).await;
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let origin = server.base_url.trim_end_matches("/beta");
    assert_eq!(
        err.to_string(),
        format!(
            "the response body from {origin} could not be read completely: \
             the server closed the connection early"
        )
    );
    assert_one_line_without_repetition(&err);
}

#[tokio::test]
async fn malformed_json_is_an_error_that_keeps_the_raw_body() {
    let server = ScriptedServer::start(vec![Reply::Full {
        status: 201,
        headers: vec![("request-id".into(), "req-bad".into())],
        body: r#"{"id": "m", "subject": }"#.into(),
    }])
    .await;
    let err = call(&server.base_url).await;
    match &err {
        Error::InvalidBody {
            status,
            request_id,
            body,
            ..
        } => {
            assert_eq!(*status, Some(StatusCode::CREATED));
            assert_eq!(request_id.as_deref(), Some("req-bad"));
            assert_eq!(&body[..], br#"{"id": "m", "subject": }"#);
        }
        other => panic!("expected InvalidBody, got {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "Graph's response (201 Created) is not a valid body (24 bytes): \
         expected value at line 1 column 24 (request-id req-bad)"
    );
    assert_one_line_without_repetition(&err);
}

#[tokio::test]
async fn validation_errors_do_not_repeat_their_text_in_source() {
    let client = client(&format!("http://127.0.0.1:{}/beta", closed_port()));
    let err = client
        .create_or_get_for_me(MeetingRequest::new(" "))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "invalid request, not sent: externalId is required and must not be empty"
    );
    assert_one_line_without_repetition(&err);
}

#[tokio::test]
async fn a_token_sources_failure_travels_as_a_typed_cause() {
    let server = ScriptedServer::start(vec![]).await;
    let client = OnlineMeetingsClient::builder()
        .token_source(|| async {
            Err::<AccessToken, _>(TokenError::with_source(
                "the identity provider refused the refresh token",
                std::io::Error::new(std::io::ErrorKind::PermissionDenied, "AADSTS70008"),
            ))
        })
        .base_url(&server.base_url)
        .build()
        .unwrap();
    let err = client
        .create_or_get_for_me(MeetingRequest::new("e"))
        .await
        .unwrap_err();
    let Error::Auth(token_error) = &err else {
        panic!("expected an auth error, got {err:?}");
    };
    assert_eq!(
        token_error.to_string(),
        "the identity provider refused the refresh token"
    );
    assert_eq!(
        err.to_string(),
        "could not get an access token: the identity provider refused the refresh token"
    );
    // The identity library's own error, as a value, not as text.
    let cause = err.source().expect("the token source's cause");
    let io = cause
        .downcast_ref::<std::io::Error>()
        .expect("an io::Error");
    assert_eq!(io.kind(), std::io::ErrorKind::PermissionDenied);
    assert_one_line_without_repetition(&err);
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn a_graph_error_is_one_line() {
    let server = ScriptedServer::start(vec![Reply::json(
        403,
        &graph_error_json("Forbidden", "Application access policy not found"),
    )])
    .await;
    let err = call(&server.base_url).await;
    assert_eq!(
        err.to_string(),
        "Graph returned 403 Forbidden Forbidden: Application access policy not found \
         (target: externalId); Detail: more (request-id inner-request-id) at 2020-08-18T12:51:51"
    );
    assert_one_line_without_repetition(&err);
}
