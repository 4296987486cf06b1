//! Claims challenges end to end: the mock answers a token whose user starts
//! with `claims-challenge.` with 401 `insufficient_claims` and claims, and
//! one starting with `insufficient-claims.` without claims.

use std::sync::{Arc, Mutex};

use graph_online_meetings::{
    AccessToken, ChallengeFailure, Error, MeetingRequest, OnlineMeetingsClient, RetryPolicy,
    TokenError,
};
use graph_online_meetings_mock::{CHALLENGE_CLAIMS, MockConfig, MockServer};
use reqwest::StatusCode;

const CHALLENGED: &str = "claims-challenge.alice@contoso.com";
const RENEWED: &str = "alice@contoso.com";

async fn mock() -> (MockServer, String) {
    let server = MockServer::start(MockConfig::default())
        .await
        .expect("the mock starts");
    let base_url = format!("{}/beta", server.base_url());
    (server, base_url)
}

/// A claims-aware source: `first` before a call, `renewed` when given
/// claims. Records what it was asked.
fn claims_client(
    base_url: &str,
    first: &'static str,
    renewed: &'static str,
) -> (OnlineMeetingsClient, Arc<Mutex<Vec<Option<String>>>>) {
    let asked = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&asked);
    let client = OnlineMeetingsClient::builder()
        .token_source_with_claims(move |claims: Option<String>| {
            let token = if claims.is_some() { renewed } else { first };
            seen.lock().unwrap().push(claims);
            async move { Ok(AccessToken::new(token)) }
        })
        .base_url(base_url)
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    (client, asked)
}

#[tokio::test]
async fn one_challenge_then_success_with_the_renewed_token() {
    let (server, url) = mock().await;
    let (client, asked) = claims_client(&url, CHALLENGED, RENEWED);
    let response = client
        .create_or_get_for_me(MeetingRequest::new("cae-1"))
        .await
        .unwrap();
    assert!(response.was_created());
    assert_eq!(
        response.attempts(),
        2,
        "the challenged attempt and the resend"
    );
    assert_eq!(
        *asked.lock().unwrap(),
        [None, Some(CHALLENGE_CLAIMS.to_string())],
        "asked once before the call, once with the decoded claims"
    );
    assert_eq!(server.meeting_count(), 1);
}

#[tokio::test]
async fn two_challenges_are_a_typed_error_carrying_the_challenge() {
    let (server, url) = mock().await;
    let (client, asked) = claims_client(&url, CHALLENGED, CHALLENGED);
    let err = client
        .create_or_get_for_me(MeetingRequest::new("cae-2"))
        .await
        .unwrap_err();
    let Error::ClaimsChallenge {
        challenge,
        failure,
        graph,
        ..
    } = &err
    else {
        panic!("a claims challenge error, got {err:?}");
    };
    assert_eq!(*failure, ChallengeFailure::Repeated);
    assert_eq!(challenge.claims.as_deref(), Some(CHALLENGE_CLAIMS));
    assert!(challenge.header.contains("error=\"insufficient_claims\""));
    let graph = graph.as_ref().expect("the 401's Graph error");
    assert_eq!(graph.code, "InvalidAuthenticationToken");
    assert_eq!(graph.attempts, 2);
    assert_eq!(err.status(), Some(StatusCode::UNAUTHORIZED));
    assert!(err.request_id().is_some());
    assert_eq!(
        err.to_string(),
        format!(
            "Graph asked for a token with more claims (401 insufficient_claims): the token \
             source was asked again with the claims, and Graph challenged its new token too \
             (request-id {})",
            err.request_id().unwrap()
        )
    );
    assert_eq!(asked.lock().unwrap().len(), 2, "asked again once only");
    assert_eq!(server.meeting_count(), 0);
}

#[tokio::test]
async fn a_challenge_without_claims_is_an_ordinary_401() {
    let (_server, url) = mock().await;
    let (client, asked) = claims_client(&url, "insufficient-claims.alice", RENEWED);
    let err = client
        .create_or_get_for_me(MeetingRequest::new("cae-3"))
        .await
        .unwrap_err();
    let Error::Graph(graph) = &err else {
        panic!("an ordinary Graph 401, got {err:?}");
    };
    assert_eq!(graph.status, StatusCode::UNAUTHORIZED);
    assert_eq!(graph.code, "InvalidAuthenticationToken");
    assert_eq!(graph.attempts, 1);
    assert_eq!(*asked.lock().unwrap(), [None], "not asked again");
}

#[tokio::test]
async fn todays_closure_form_is_asked_again_without_claims() {
    let (_server, url) = mock().await;
    let calls = Arc::new(Mutex::new(0));
    let counted = Arc::clone(&calls);
    // The closure form of before: it cannot see the claims, but it is asked
    // again, so a source that refreshes gets its chance.
    let client = OnlineMeetingsClient::builder()
        .token_source(move || {
            let mut calls = counted.lock().unwrap();
            *calls += 1;
            let token = if *calls == 1 { CHALLENGED } else { RENEWED };
            async move { Ok::<_, TokenError>(AccessToken::new(token)) }
        })
        .base_url(&url)
        .build()
        .unwrap();
    let response = client
        .create_or_get_for_me(MeetingRequest::new("cae-4"))
        .await
        .unwrap();
    assert!(response.was_created());
    assert_eq!(*calls.lock().unwrap(), 2);
}

#[tokio::test]
async fn a_fixed_token_cannot_answer_a_challenge() {
    let (_server, url) = mock().await;
    let client = OnlineMeetingsClient::builder()
        .bearer_token(CHALLENGED)
        .base_url(&url)
        .build()
        .unwrap();
    let err = client
        .create_or_get_for_me(MeetingRequest::new("cae-5"))
        .await
        .unwrap_err();
    match &err {
        Error::ClaimsChallenge {
            failure: ChallengeFailure::FixedToken,
            graph: Some(graph),
            ..
        } => assert_eq!(graph.attempts, 1, "not resent"),
        other => panic!("a fixed-token challenge error, got {other:?}"),
    }
    assert!(err.to_string().contains("fixed bearer token"), "{err}");
}

#[tokio::test]
async fn a_source_that_fails_when_asked_again_is_an_auth_error() {
    let (_server, url) = mock().await;
    let client = OnlineMeetingsClient::builder()
        .token_source_with_claims(|claims: Option<String>| async move {
            match claims {
                None => Ok(AccessToken::new(CHALLENGED)),
                Some(_) => Err(TokenError::new("interaction required: sign in again")),
            }
        })
        .base_url(&url)
        .build()
        .unwrap();
    let err = client
        .create_or_get_for_me(MeetingRequest::new("cae-6"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "could not get an access token: interaction required: sign in again"
    );
}
