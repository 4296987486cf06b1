//! Prism's validating proxy is really validating: a request and an upstream
//! response that break the spec are caught. Without this, a spec Prism cannot
//! compile would let the end-to-end run through Prism pass while checking
//! nothing (as it did while the enum lists repeated `null`).
//!
//! Built only with `PRISM` set (see `tests/build.rs`; `.ci/openapi-tools.sh`
//! sets it); otherwise this test binary is empty.
#![cfg(prism)]

mod support {
    pub mod prism;
}

use graph_online_meetings_mock::{MockConfig, MockServer};
use serde_json::json;
use support::prism::Front;

const PATH: &str = "/me/onlineMeetings/createOrGet";

fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

async fn post(url: &str, body: serde_json::Value) -> (reqwest::StatusCode, serde_json::Value) {
    let response = http()
        .post(format!("{url}{PATH}"))
        .bearer_auth("alice@contoso.com")
        .json(&body)
        .send()
        .await
        .expect("prism answers");
    let status = response.status();
    (status, response.json().await.unwrap_or_default())
}

#[tokio::test]
async fn a_request_that_breaks_the_spec_is_refused_and_never_reaches_the_mock() {
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let front = Front::start(&server.base_url(), Some("prism_proxy-valid_call")).await;

    let (status, _) = post(
        front.url(),
        json!({"externalId": "ok-1", "subject": "fine"}),
    )
    .await;
    assert_eq!(status, 201, "{}", front.log());
    assert!(front.violations().is_empty(), "{}", front.log());

    for (body, property) in [
        (json!({"externalId": "p-1", "subject": 5}), "subject"),
        (json!({"externalId": ""}), "externalId"),
        (
            json!({"externalId": "p-2", "participants": {"attendees": [{"role": {}}]}}),
            "role",
        ),
    ] {
        let (status, problem) = post(front.url(), body.clone()).await;
        assert_eq!(status, 422, "{body}: {problem}");
        assert!(
            problem.to_string().contains(property),
            "{body}: Prism names {property}: {problem}"
        );
    }
    assert!(!front.violations().is_empty(), "{}", front.log());
    assert_eq!(
        server.meeting_count(),
        1,
        "only the valid call reached the mock"
    );
}

/// An upstream that answers 201 with a body that breaks the spec.
async fn wrong_upstream() -> (String, tokio::task::JoinHandle<()>) {
    let app = axum::Router::new().fallback(|| async {
        (
            axum::http::StatusCode::CREATED,
            [("content-type", "application/json")],
            r#"{"id": "m-1", "subject": 5, "allowedPresenters": 7}"#,
        )
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, task)
}

#[tokio::test]
async fn a_response_that_breaks_the_spec_is_reported() {
    let (upstream, task) = wrong_upstream().await;
    let front = Front::start(&upstream, None).await;
    let (status, problem) = post(front.url(), json!({"externalId": "r-1"})).await;
    assert_eq!(status, 500, "{problem}\n{}", front.log());
    let found: Vec<&str> = problem["validation"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v["location"].as_array()?.last()?.as_str())
        .collect();
    assert!(
        found.contains(&"subject") && found.contains(&"allowedPresenters"),
        "{problem}"
    );
    assert!(!front.violations().is_empty(), "{}", front.log());
    task.abort();
}
