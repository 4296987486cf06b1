//! Requests the mock refuses, in Graph's error shape: bad times, malformed bodies and headers, unknown routes.

mod common;

use common::*;
use reqwest::StatusCode;
use reqwest::header::AUTHORIZATION;
use serde_json::json;

/// A request the mock must refuse, and how.
struct Rejected {
    name: &'static str,
    headers: Vec<(&'static str, &'static str)>,
    body: String,
    status: StatusCode,
    code: &'static str,
}

#[tokio::test]
async fn invalid_times_are_rejected() {
    let server = start().await;
    let path = "/me/onlineMeetings/createOrGet";
    for (body, target) in [
        (
            json!({"externalId": "e1", "endDateTime": "2020-02-06T02:19:21Z"}),
            "endDateTime",
        ),
        (
            json!({"externalId": "e2", "startDateTime": "2020-02-06T02:19:21Z", "endDateTime": "2020-02-06T02:19:20.9999999Z"}),
            "endDateTime",
        ),
        (
            json!({"externalId": "e3", "startDateTime": "2020-02-06 nope"}),
            "startDateTime",
        ),
        (
            json!({"externalId": "e4", "startDateTime": "2020-02-06T02:19:21"}),
            "startDateTime",
        ),
        (
            json!({"externalId": "e5", "startDateTime": "9999-12-31T23:30:00Z"}),
            "endDateTime",
        ),
    ] {
        let response = post(&server, path, Some(ALICE), &body).await;
        let error = assert_graph_error(response, StatusCode::BAD_REQUEST, "BadRequest").await;
        assert_eq!(error["error"]["target"], target, "{body}");
    }
    assert_eq!(server.meeting_count(), 0);
}

#[tokio::test]
async fn malformed_requests_are_rejected() {
    let server = start().await;
    let path = "/beta/me/onlineMeetings/createOrGet";
    let json_type = ("content-type", "application/json");
    let auth = ("authorization", "Bearer alice@contoso.com");
    let bad = |name, headers, body: &str| Rejected {
        name,
        headers,
        body: body.to_owned(),
        status: StatusCode::BAD_REQUEST,
        code: "BadRequest",
    };
    let unauthorized = |name, authorization| Rejected {
        name,
        headers: vec![("authorization", authorization), json_type],
        body: r#"{"externalId":"x"}"#.to_owned(),
        status: StatusCode::UNAUTHORIZED,
        code: "InvalidAuthenticationToken",
    };
    let cases = [
        bad(
            "missing externalId",
            vec![auth, json_type],
            r#"{"subject":"x"}"#,
        ),
        bad(
            "empty externalId",
            vec![auth, json_type],
            r#"{"externalId":""}"#,
        ),
        bad(
            "null externalId",
            vec![auth, json_type],
            r#"{"externalId":null}"#,
        ),
        bad(
            "subject of the wrong type",
            vec![auth, json_type],
            r#"{"externalId":"x","subject":5}"#,
        ),
        bad(
            "unknown role",
            vec![auth, json_type],
            r#"{"externalId":"x","participants":{"attendees":[{"role":"boss"}]}}"#,
        ),
        bad(
            "malformed JSON",
            vec![auth, json_type],
            r#"{"externalId":"x""#,
        ),
        bad("not an object", vec![auth, json_type], r#"["x"]"#),
        bad("empty body", vec![auth, json_type], ""),
        bad(
            "text/plain",
            vec![auth, ("content-type", "text/plain")],
            r#"{"externalId":"x"}"#,
        ),
        bad("no content type", vec![auth], r#"{"externalId":"x"}"#),
        Rejected {
            name: "oversized body",
            headers: vec![auth, json_type],
            body: format!(
                r#"{{"externalId":"x","subject":"{}"}}"#,
                "a".repeat(100 * 1024)
            ),
            status: StatusCode::PAYLOAD_TOO_LARGE,
            code: "RequestEntityTooLarge",
        },
        Rejected {
            name: "no token",
            headers: vec![json_type],
            body: r#"{"externalId":"x"}"#.to_owned(),
            status: StatusCode::UNAUTHORIZED,
            code: "InvalidAuthenticationToken",
        },
        unauthorized("empty token", "Bearer "),
        unauthorized("blank token", "Bearer    "),
        unauthorized("Basic scheme", "Basic YTpi"),
        unauthorized("tenant without user", "Bearer tenant:"),
        unauthorized("bare scheme", "Bearer"),
        unauthorized(
            "token repeating its scheme",
            "Bearer Bearer alice@contoso.com",
        ),
        unauthorized("two spaces", "Bearer  alice@contoso.com"),
        unauthorized("space in the token", "Bearer alice @contoso.com"),
    ];
    for case in cases {
        let response = post_raw(&server, path, &case.headers, case.body).await;
        assert_eq!(response.status(), case.status, "{}", case.name);
        assert_graph_error(response, case.status, case.code).await;
    }
    assert_eq!(server.meeting_count(), 0);

    // A body just at the limit is fine.
    let padding = "a".repeat(64 * 1024 - r#"{"externalId":"x","subject":""}"#.len());
    let at_limit = format!(r#"{{"externalId":"x","subject":"{padding}"}}"#);
    assert_eq!(at_limit.len(), 64 * 1024);
    let response = post_raw(&server, path, &[auth, json_type], at_limit).await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn unknown_routes_and_methods_get_graph_errors() {
    let server = start().await;
    let client = http_client();
    let base = server.base_url();

    for path in [
        "/",
        "/beta/me/events",
        "/beta/me/onlineMeetings/createorget",
        "/v2/me/onlineMeetings/createOrGet",
    ] {
        let response = client
            .post(format!("{base}{path}"))
            .header(AUTHORIZATION, "Bearer alice@contoso.com")
            .send()
            .await
            .unwrap();
        assert_graph_error(response, StatusCode::NOT_FOUND, "NotFound").await;
    }

    let response = client
        .get(format!("{base}/beta/me/onlineMeetings/createOrGet"))
        .send()
        .await
        .unwrap();
    assert_eq!(header(&response, "allow").as_deref(), Some("POST"));
    assert_graph_error(response, StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed").await;

    let response = client
        .put(format!("{base}/users/x/onlineMeetings/createOrGet"))
        .send()
        .await
        .unwrap();
    assert_graph_error(response, StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed").await;

    let response = post(
        &server,
        "/users/%20/onlineMeetings/createOrGet",
        Some(ALICE),
        &json!({"externalId": "x"}),
    )
    .await;
    assert_graph_error(response, StatusCode::NOT_FOUND, "Request_ResourceNotFound").await;
}
