//! Configuring the client: tokens (fixed or from a source, with or
//! without their `Bearer ` prefix, never shown) and the builder's refusals.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use graph_online_meetings::{AccessToken, Error, MeetingRequest, OnlineMeetingsClient, TokenError};
use support::*;

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

#[tokio::test]
async fn a_token_given_with_its_bearer_prefix_is_sent_once_prefixed() {
    let tokens = [
        "Bearer abc.def",
        "bearer abc.def",
        "BEARER abc.def",
        "abc.def",
    ];
    let server = ScriptedServer::start(
        (0..tokens.len() + 1)
            .map(|_| Reply::json(201, &meeting_json("m")))
            .collect(),
    )
    .await;
    for token in tokens {
        OnlineMeetingsClient::builder()
            .bearer_token(token)
            .base_url(&server.base_url)
            .build()
            .unwrap()
            .create_or_get_for_me(MeetingRequest::new("e"))
            .await
            .unwrap();
    }
    OnlineMeetingsClient::builder()
        .token_source(|| async { Ok(AccessToken::new("Bearer from-source")) })
        .base_url(&server.base_url)
        .build()
        .unwrap()
        .create_or_get_for_me(MeetingRequest::new("e"))
        .await
        .unwrap();
    let sent: Vec<_> = server
        .received()
        .iter()
        .map(|r| r.header("authorization").unwrap().to_string())
        .collect();
    assert_eq!(
        sent,
        [
            "Bearer abc.def",
            "Bearer abc.def",
            "Bearer abc.def",
            "Bearer abc.def",
            "Bearer from-source"
        ]
    );
}

#[tokio::test]
async fn a_token_source_giving_an_unusable_token_is_an_auth_error() {
    let server = ScriptedServer::start(vec![]).await;
    let err = OnlineMeetingsClient::builder()
        .token_source(|| async { Ok(AccessToken::new("line\nbreak")) })
        .base_url(&server.base_url)
        .build()
        .unwrap()
        .create_or_get_for_me(MeetingRequest::new("e"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "could not get an access token: the token source gave a token that holds \
         characters an HTTP header cannot carry"
    );
    assert!(server.received().is_empty());
}

#[test]
fn builder_refuses_bad_configuration_with_a_clear_message() {
    let err = OnlineMeetingsClient::builder().build().unwrap_err();
    let expected = if cfg!(feature = "azure-identity") {
        "invalid client configuration: no token: call bearer_token, token_source or credential"
    } else {
        "invalid client configuration: no token: call bearer_token or token_source"
    };
    assert_eq!(err.to_string(), expected);
    let err = OnlineMeetingsClient::builder()
        .bearer_token("line\nbreak")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    // Says what is wrong without echoing the token.
    assert_eq!(
        err.to_string(),
        "invalid client configuration: the bearer token holds characters an HTTP header \
         cannot carry"
    );
}

#[test]
fn every_malformed_base_url_is_refused_with_the_expected_form() {
    for url in [
        "127.0.0.1:8080/beta",
        "localhost:8080",
        "graph.microsoft.com/beta",
        "ftp://example.com",
        "not a url",
        "http://",
    ] {
        let err = OnlineMeetingsClient::builder()
            .bearer_token(TOKEN)
            .base_url(url)
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{url}: {err:?}");
        assert_eq!(
            err.to_string(),
            format!(
                "invalid client configuration: base URL {url:?} is not an absolute https:// \
                 or http:// URL; expected the form https://graph.microsoft.com/beta, or \
                 http://127.0.0.1:PORT/beta for a local server"
            ),
        );
    }
    // A trailing slash is fine: it is dropped.
    let client = OnlineMeetingsClient::builder()
        .bearer_token(TOKEN)
        .base_url("http://127.0.0.1:8080/beta/")
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:8080/beta");
}
