//! The Entra-like token endpoint and the claims-challenge tokens, seen by a
//! plain HTTP client.

use graph_online_meetings_mock::{
    CHALLENGE_CLAIMS, CLAIMS_CHALLENGE_PREFIX, GRAPH_SCOPE, MockConfig, MockServer, REFUSED_SECRET,
};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use reqwest::{Client, StatusCode};
use serde_json::Value;

const TENANT: &str = "fabrikam";

fn http_client() -> Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::new()
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", v.replace(':', "%3A").replace('/', "%2F")))
        .collect::<Vec<_>>()
        .join("&")
}

async fn token(server: &MockServer, pairs: &[(&str, &str)]) -> (StatusCode, Value) {
    let response = http_client()
        .post(format!("{}/{TENANT}/oauth2/v2.0/token", server.base_url()))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form(pairs))
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

const GOOD: [(&str, &str); 4] = [
    ("grant_type", "client_credentials"),
    ("client_id", "app-1"),
    ("client_secret", "s3cret"),
    ("scope", GRAPH_SCOPE),
];

#[tokio::test]
async fn the_endpoint_issues_a_mock_token_for_the_app() {
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let (status, body) = token(&server, &GOOD).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3599);
    assert_eq!(body["access_token"], "fabrikam:app-1");
}

#[tokio::test]
async fn claims_drop_the_challenge_prefix() {
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let client_id = format!("{CLAIMS_CHALLENGE_PREFIX}app-2");
    let mut pairs = GOOD.to_vec();
    pairs[1] = ("client_id", &client_id);
    let (_, body) = token(&server, &pairs).await;
    assert_eq!(body["access_token"], "fabrikam:claims-challenge.app-2");
    pairs.push(("claims", CHALLENGE_CLAIMS));
    let (_, body) = token(&server, &pairs).await;
    assert_eq!(body["access_token"], "fabrikam:app-2");
}

#[tokio::test]
async fn bad_forms_get_entras_errors() {
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let with = |name: &'static str, value: &'static str| {
        let mut pairs = GOOD.to_vec();
        pairs.retain(|(k, _)| *k != name);
        if !value.is_empty() {
            pairs.push((name, value));
        }
        pairs
    };
    for (pairs, status, error, code, says) in [
        (
            with("client_id", ""),
            400,
            "invalid_request",
            900144,
            "'client_id'",
        ),
        (with("scope", ""), 400, "invalid_request", 900144, "'scope'"),
        (
            with("grant_type", "password"),
            400,
            "unsupported_grant_type",
            70003,
            "grant type",
        ),
        (
            with("scope", "https://management.azure.com/.default"),
            400,
            "invalid_scope",
            70011,
            "management.azure.com",
        ),
        (
            with("client_secret", REFUSED_SECRET),
            401,
            "invalid_client",
            7000215,
            "Invalid client secret",
        ),
    ] {
        let (got, body) = token(&server, &pairs).await;
        assert_eq!(got.as_u16(), status, "{body}");
        assert_eq!(body["error"], error, "{body}");
        assert_eq!(body["error_codes"][0], code, "{body}");
        let description = body["error_description"].as_str().unwrap();
        assert!(
            description.starts_with(&format!("AADSTS{code}: ")),
            "{description}"
        );
        assert!(description.contains(says), "{description}");
    }
}

#[tokio::test]
async fn a_challenge_token_gets_a_401_with_the_claims_challenge() {
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let response = http_client()
        .post(format!(
            "{}/beta/me/onlineMeetings/createOrGet",
            server.base_url()
        ))
        .header(AUTHORIZATION, "Bearer claims-challenge.alice@contoso.com")
        .header(CONTENT_TYPE, "application/json")
        .body(r#"{"externalId":"x"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let challenge = response.headers()[WWW_AUTHENTICATE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(challenge.starts_with("Bearer "), "{challenge}");
    assert!(
        challenge.contains(r#"error="insufficient_claims""#),
        "{challenge}"
    );
    assert!(challenge.contains(r#"claims="eyJ"#), "{challenge}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "InvalidAuthenticationToken");
}
