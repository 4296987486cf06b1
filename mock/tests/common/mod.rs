//! Helpers shared by the mock's HTTP tests: a server on an ephemeral
//! loopback port per test, driven by reqwest. Each test binary uses a part.
#![allow(dead_code)]

use graph_online_meetings_mock::{MockConfig, MockServer};
use reqwest::header::AUTHORIZATION;
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};

/// A plain reqwest client. The workspace turns on reqwest's rustls without a
/// default crypto provider (the Graph client configures ring itself), so a
/// plain client needs one installed; once per process is enough.
pub fn http_client() -> Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::new()
}

pub const ALICE: &str = "alice@contoso.com";

pub async fn start() -> MockServer {
    start_with(MockConfig::default()).await
}

pub async fn start_with(config: MockConfig) -> MockServer {
    MockServer::start(config).await.expect("mock starts")
}

/// POSTs `body` as JSON with a bearer token (none when `token` is None).
pub async fn post(server: &MockServer, path: &str, token: Option<&str>, body: &Value) -> Response {
    let mut request = http_client()
        .post(format!("{}{path}", server.base_url()))
        .json(body);
    if let Some(token) = token {
        request = request.header(AUTHORIZATION, format!("Bearer {token}"));
    }
    request.send().await.expect("request is sent")
}

pub async fn post_raw(
    server: &MockServer,
    path: &str,
    headers: &[(&str, &str)],
    body: impl Into<reqwest::Body>,
) -> Response {
    let mut request = http_client()
        .post(format!("{}{path}", server.base_url()))
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("request is sent")
}

pub fn header(response: &Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|value| value.to_str().expect("ascii header").to_owned())
}

/// True for RFC 3339 in UTC with `Z`, at Graph's precision of 100 ns ticks. (The
/// generated types write chrono's form, 0 to 9 fraction digits; Graph always sends 7.)
pub fn is_graph_time(value: &Value) -> bool {
    let Some(text) = value.as_str() else {
        return false;
    };
    text.ends_with('Z')
        && chrono::DateTime::parse_from_rfc3339(text)
            .is_ok_and(|time| chrono::Timelike::nanosecond(&time) % 100 == 0)
}

pub fn time(value: &Value) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(value.as_str().expect("a string"))
        .expect("RFC 3339")
        .to_utc()
}

pub fn documented_request(external_id: &str) -> Value {
    json!({
        "startDateTime": "2020-02-06T01:49:21.3524945+00:00",
        "endDateTime": "2020-02-06T02:19:21.3524945+00:00",
        "subject": "Create a meeting with customId provided",
        "externalId": external_id,
        "participants": {
            "attendees": [{
                "identity": {"user": {"id": "1f35f2e6-9cab-44ad-8d5a-b74c14720000"}},
                "role": "presenter",
                "upn": "test1@contoso.com"
            }, {
                "identity": {"user": {"id": "2a35f2e6-9cab-44ad-8d5a-b74c14720000"}},
                "upn": "test2@contoso.com"
            }]
        }
    })
}

/// Checks Graph's error shape and that the ids in the body match the headers.
pub async fn assert_graph_error(response: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(response.status(), status);
    let request_id = header(&response, "request-id").expect("request-id header");
    let client_request_id =
        header(&response, "client-request-id").expect("client-request-id header");
    let body: Value = response.json().await.expect("a JSON error body");
    let error = &body["error"];
    assert_eq!(error["code"], code, "{body}");
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));
    let inner = &error["innerError"];
    assert_eq!(inner["request-id"], request_id.as_str());
    assert_eq!(inner["client-request-id"], client_request_id.as_str());
    assert!(
        inner["date"].as_str().is_some_and(|d| d.len() == 19),
        "{inner}"
    );
    body
}
