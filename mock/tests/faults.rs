//! Request ids, injected throttling and outages, concurrency and shutdown.

mod common;

use common::*;
use std::collections::HashSet;
use std::num::NonZeroU64;

use graph_online_meetings_mock::{FaultInjection, FaultStatus, MockConfig, MockServer};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use serde_json::{Value, json};

#[tokio::test]
async fn request_ids_are_new_and_client_request_ids_are_echoed() {
    let server = start().await;
    let path = "/me/onlineMeetings/createOrGet";
    let client = http_client();
    let send = |client_request_id: Option<&'static str>, body: &'static str| {
        let mut request = client
            .post(format!("{}{path}", server.base_url()))
            .header(AUTHORIZATION, "Bearer alice@contoso.com")
            .header(CONTENT_TYPE, "application/json")
            .body(body);
        if let Some(id) = client_request_id {
            request = request.header("client-request-id", id);
        }
        request.send()
    };

    let ok = send(
        Some("6a5d2d1e-0f1c-4d0b-9a1e-1b2c3d4e5f60"),
        r#"{"externalId":"ids"}"#,
    )
    .await
    .unwrap();
    assert_eq!(ok.status(), StatusCode::CREATED);
    assert_eq!(
        header(&ok, "client-request-id").as_deref(),
        Some("6a5d2d1e-0f1c-4d0b-9a1e-1b2c3d4e5f60")
    );
    let first_request_id = header(&ok, "request-id").unwrap();

    let again = send(None, r#"{"externalId":"ids"}"#).await.unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    let second_request_id = header(&again, "request-id").unwrap();
    assert_ne!(
        first_request_id, second_request_id,
        "a new request-id per request"
    );
    let generated = header(&again, "client-request-id").expect("one is generated when absent");
    assert_eq!(generated.len(), 36, "a GUID: {generated}");

    let error = send(Some("my-correlation-id"), r#"{"externalId":""}"#)
        .await
        .unwrap();
    assert_eq!(
        header(&error, "client-request-id").as_deref(),
        Some("my-correlation-id")
    );
    let body = assert_graph_error(error, StatusCode::BAD_REQUEST, "BadRequest").await;
    assert_eq!(
        body["error"]["innerError"]["client-request-id"],
        "my-correlation-id"
    );
    assert_eq!(body["error"]["target"], "externalId");
}

#[tokio::test]
async fn injected_429s_carry_retry_after_and_a_retry_succeeds() {
    let every = NonZeroU64::new(2).unwrap();
    let server = start_with(MockConfig {
        fault: Some(FaultInjection {
            every,
            status: FaultStatus::TooManyRequests,
            retry_after: Some(0.5),
        }),
        ..MockConfig::default()
    })
    .await;
    let path = "/beta/me/onlineMeetings/createOrGet";
    let body = json!({"externalId": "retry"});

    let throttled = post(&server, path, Some(ALICE), &body).await;
    assert_eq!(header(&throttled, "retry-after").as_deref(), Some("0.5"));
    assert_graph_error(throttled, StatusCode::TOO_MANY_REQUESTS, "TooManyRequests").await;
    assert_eq!(
        server.meeting_count(),
        0,
        "a throttled call creates nothing"
    );

    let created = post(&server, path, Some(ALICE), &body).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.unwrap();

    let throttled = post(&server, path, Some(ALICE), &body).await;
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    let existing = post(&server, path, Some(ALICE), &body).await;
    assert_eq!(existing.status(), StatusCode::OK);
    let existing: Value = existing.json().await.unwrap();
    assert_eq!(existing["id"], created["id"]);
}

#[tokio::test]
async fn injected_503s_and_504s() {
    for (status, expected, code) in [
        (
            FaultStatus::ServiceUnavailable,
            StatusCode::SERVICE_UNAVAILABLE,
            "serviceNotAvailable",
        ),
        (
            FaultStatus::GatewayTimeout,
            StatusCode::GATEWAY_TIMEOUT,
            "GatewayTimeout",
        ),
    ] {
        let server = start_with(MockConfig {
            fault: Some(FaultInjection {
                every: NonZeroU64::new(1).unwrap(),
                status,
                retry_after: None,
            }),
            ..MockConfig::default()
        })
        .await;
        for _ in 0..2 {
            let response = post(
                &server,
                "/me/onlineMeetings/createOrGet",
                Some(ALICE),
                &json!({"externalId": "x"}),
            )
            .await;
            assert!(header(&response, "retry-after").is_none());
            assert_graph_error(response, expected, code).await;
        }
        server.shutdown().await.unwrap();
    }
}

#[tokio::test]
async fn a_bad_retry_after_is_refused_at_start() {
    let config = MockConfig {
        fault: Some(FaultInjection {
            every: NonZeroU64::new(1).unwrap(),
            status: FaultStatus::TooManyRequests,
            retry_after: Some(f64::NAN),
        }),
        ..MockConfig::default()
    };
    assert!(MockServer::start(config).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_with_one_key_create_exactly_one_meeting() {
    let server = start().await;
    let client = http_client();
    let url = format!("{}/beta/me/onlineMeetings/createOrGet", server.base_url());

    let calls: Vec<_> = (0..200)
        .map(|i| {
            let client = client.clone();
            let url = url.clone();
            tokio::spawn(async move {
                let response = client
                    .post(&url)
                    .header(AUTHORIZATION, "Bearer alice@contoso.com")
                    .json(&json!({"externalId": "contended", "subject": format!("call {i}")}))
                    .send()
                    .await
                    .expect("request is sent");
                let status = response.status();
                let body: Value = response.json().await.expect("a meeting");
                (status, body["id"].as_str().expect("an id").to_owned())
            })
        })
        .collect();

    let mut created = 0;
    let mut existing = 0;
    let mut ids = HashSet::new();
    for call in calls {
        let (status, id) = call.await.expect("task completes");
        match status {
            StatusCode::CREATED => created += 1,
            StatusCode::OK => existing += 1,
            other => panic!("unexpected status {other}"),
        }
        ids.insert(id);
    }
    assert_eq!((created, existing), (1, 199));
    assert_eq!(ids.len(), 1);
    assert_eq!(server.meeting_count(), 1);
}

#[tokio::test]
async fn shutdown_stops_the_server() {
    let server = start().await;
    let base = server.base_url();
    let response = post(
        &server,
        "/me/onlineMeetings/createOrGet",
        Some(ALICE),
        &json!({"externalId": "x"}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    server.shutdown().await.unwrap();
    let after = http_client()
        .post(format!("{base}/me/onlineMeetings/createOrGet"))
        .send()
        .await;
    assert!(after.is_err(), "nothing listens after shutdown");
}
