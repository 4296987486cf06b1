//! The mock over HTTP: a server on an ephemeral loopback port per test, driven by reqwest.

use std::collections::HashSet;
use std::num::NonZeroU64;

use graph_online_meetings_mock::{
    DEFAULT_TENANT, FaultInjection, FaultStatus, MockConfig, MockServer,
};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};

/// A plain reqwest client. The workspace turns on reqwest's rustls without a
/// default crypto provider (the Graph client configures ring itself), so a
/// plain client needs one installed; once per process is enough.
fn http_client() -> Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::new()
}

const ALICE: &str = "alice@contoso.com";

async fn start() -> MockServer {
    start_with(MockConfig::default()).await
}

async fn start_with(config: MockConfig) -> MockServer {
    MockServer::start(config).await.expect("mock starts")
}

/// POSTs `body` as JSON with a bearer token (none when `token` is None).
async fn post(server: &MockServer, path: &str, token: Option<&str>, body: &Value) -> Response {
    let mut request = http_client()
        .post(format!("{}{path}", server.base_url()))
        .json(body);
    if let Some(token) = token {
        request = request.header(AUTHORIZATION, format!("Bearer {token}"));
    }
    request.send().await.expect("request is sent")
}

async fn post_raw(
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

fn header(response: &Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|value| value.to_str().expect("ascii header").to_owned())
}

/// True for RFC 3339 in UTC with `Z`, at Graph's precision of 100 ns ticks. (The
/// generated types write chrono's form, 0 to 9 fraction digits; Graph always sends 7.)
fn is_graph_time(value: &Value) -> bool {
    let Some(text) = value.as_str() else {
        return false;
    };
    text.ends_with('Z')
        && chrono::DateTime::parse_from_rfc3339(text)
            .is_ok_and(|time| chrono::Timelike::nanosecond(&time) % 100 == 0)
}

fn time(value: &Value) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(value.as_str().expect("a string"))
        .expect("RFC 3339")
        .to_utc()
}

fn documented_request(external_id: &str) -> Value {
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

#[tokio::test]
async fn first_call_creates_and_a_repeat_returns_the_same_bytes() {
    let server = start().await;
    let path = "/beta/users/alice@contoso.com/onlineMeetings/createOrGet";

    let created = post(&server, path, Some(ALICE), &documented_request("ext-1")).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let content_type = header(&created, "content-type").unwrap();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let first = created.bytes().await.unwrap();

    // Everything but the key differs, and is ignored.
    let repeat = json!({
        "externalId": "ext-1",
        "subject": "another subject",
        "startDateTime": "2030-01-01T00:00:00Z",
        "endDateTime": "2029-01-01T00:00:00Z"
    });
    let again = post(&server, path, Some(ALICE), &repeat).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(
        again.bytes().await.unwrap(),
        first,
        "a repeat returns the stored bytes"
    );
    assert_eq!(server.meeting_count(), 1);

    let m: Value = serde_json::from_slice(&first).unwrap();
    assert_eq!(
        m["@odata.context"],
        "https://graph.microsoft.com/beta/$metadata#microsoft.graph.onlineMeeting"
    );
    assert!(m["id"].as_str().is_some_and(|id| !id.is_empty()));
    assert_eq!(m["externalId"], "ext-1");
    assert_eq!(m["subject"], "Create a meeting with customId provided");
    assert_eq!(
        time(&m["startDateTime"]),
        time(&json!("2020-02-06T01:49:21.3524945Z"))
    );
    assert_eq!(
        time(&m["endDateTime"]),
        time(&json!("2020-02-06T02:19:21.3524945Z"))
    );
    assert!(is_graph_time(&m["startDateTime"]) && is_graph_time(&m["endDateTime"]));
    assert!(
        is_graph_time(&m["creationDateTime"]),
        "{}",
        m["creationDateTime"]
    );
    assert_eq!(
        time(&m["expiryDateTime"]),
        time(&json!("2020-04-06T02:19:21.3524945Z"))
    );
    assert!(
        m["joinWebUrl"]
            .as_str()
            .unwrap()
            .starts_with("https://teams.microsoft.com/l/meetup-join/19%3ameeting_")
    );
    assert!(m["videoTeleconferenceId"].as_str().is_some());
    assert_eq!(m["isBroadcast"], false);
    assert_eq!(m["isEntryExitAnnounced"], true);
    assert_eq!(m["allowedPresenters"], "everyone");
    assert_eq!(m["meetingType"], "meetnow");
    assert_eq!(m["lobbyBypassSettings"]["scope"], "organization");
    assert_eq!(m["joinInformation"]["contentType"], "html");
    assert!(
        m["joinMeetingIdSettings"]["joinMeetingId"]
            .as_str()
            .is_some()
    );

    let audio = &m["audioConferencing"];
    for key in ["conferenceId", "dialinUrl", "tollNumber"] {
        assert!(audio[key].as_str().is_some(), "audioConferencing.{key}");
    }
    assert!(audio["tollNumbers"].is_array() && audio["tollFreeNumbers"].is_array());

    let chat = &m["chatInfo"];
    let thread = chat["threadId"].as_str().unwrap();
    assert!(
        thread.starts_with("19:meeting_") && thread.ends_with("@thread.v2"),
        "{thread}"
    );
    assert_eq!(chat["messageId"], "0");
    assert!(chat.get("replyChainMessageId").is_none(), "not sent");

    let organizer = &m["participants"]["organizer"];
    assert_eq!(organizer["upn"], ALICE);
    assert_eq!(organizer["role"], "presenter");
    let user = &organizer["identity"]["user"];
    assert!(user["id"].as_str().is_some_and(|id| id.len() == 36));
    assert_eq!(user["tenantId"], DEFAULT_TENANT);
    assert_eq!(user["identityProvider"], "AAD");

    let attendees = m["participants"]["attendees"].as_array().unwrap();
    assert_eq!(attendees.len(), 2);
    assert_eq!(attendees[0]["upn"], "test1@contoso.com");
    assert_eq!(attendees[0]["role"], "presenter", "a sent role is kept");
    assert!(
        attendees[1].get("role").is_none(),
        "no role sent, none echoed"
    );
    assert_eq!(
        attendees[1]["identity"]["user"]["id"],
        "2a35f2e6-9cab-44ad-8d5a-b74c14720000"
    );
    assert_eq!(m["participants"]["producers"], json!([]));
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_same_external_id_under_another_user_or_tenant_is_another_meeting() {
    let server = start().await;
    let body = json!({"externalId": "shared"});
    let mut ids = HashSet::new();
    for (path, token) in [
        ("/users/alice@contoso.com/onlineMeetings/createOrGet", ALICE),
        ("/users/bob@contoso.com/onlineMeetings/createOrGet", ALICE),
        (
            "/me/onlineMeetings/createOrGet",
            "fabrikam-tenant:alice@contoso.com",
        ),
    ] {
        let response = post(&server, path, Some(token), &body).await;
        assert_eq!(response.status(), StatusCode::CREATED, "{path} as {token}");
        let m: Value = response.json().await.unwrap();
        ids.insert(m["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids.len(), 3);
    assert_eq!(server.meeting_count(), 3);
}

#[tokio::test]
async fn me_acts_for_the_user_the_token_names() {
    let server = start().await;
    let body = json!({"externalId": "mine"});

    let mine = post(
        &server,
        "/beta/me/onlineMeetings/createOrGet",
        Some("bob@contoso.com"),
        &body,
    )
    .await;
    assert_eq!(mine.status(), StatusCode::CREATED);
    let mine: Value = mine.json().await.unwrap();
    assert_eq!(mine["participants"]["organizer"]["upn"], "bob@contoso.com");

    // The same user through /users, spelled in another case: the same meeting.
    let via_users = post(
        &server,
        "/beta/users/Bob@Contoso.com/onlineMeetings/createOrGet",
        Some("some-app"),
        &body,
    )
    .await;
    assert_eq!(via_users.status(), StatusCode::OK);
    let via_users: Value = via_users.json().await.unwrap();
    assert_eq!(via_users["id"], mine["id"]);

    // tenant:user names the tenant too.
    let other = post(
        &server,
        "/beta/me/onlineMeetings/createOrGet",
        Some("11111111-2222-3333-4444-555555555555:bob@contoso.com"),
        &body,
    )
    .await;
    assert_eq!(other.status(), StatusCode::CREATED);
    let other: Value = other.json().await.unwrap();
    assert_eq!(
        other["participants"]["organizer"]["identity"]["user"]["tenantId"],
        "11111111-2222-3333-4444-555555555555"
    );
    assert_ne!(other["id"], mine["id"]);

    // An object id as the user: it is the organizer's id, and there is no upn.
    let by_id = post(
        &server,
        "/me/onlineMeetings/createOrGet",
        Some("1f35f2e6-9cab-44ad-8d5a-b74c14720000"),
        &body,
    )
    .await;
    let by_id: Value = by_id.json().await.unwrap();
    let organizer = &by_id["participants"]["organizer"];
    assert_eq!(
        organizer["identity"]["user"]["id"],
        "1f35f2e6-9cab-44ad-8d5a-b74c14720000"
    );
    assert!(organizer["upn"].is_null());
}

#[tokio::test]
async fn every_prefix_serves_the_routes() {
    let server = start().await;
    for (prefix, version) in [("", "beta"), ("/beta", "beta"), ("/v1.0", "v1.0")] {
        let external_id = format!("prefix{prefix}");
        let body = json!({"externalId": external_id});
        let response = post(
            &server,
            &format!("{prefix}/me/onlineMeetings/createOrGet"),
            Some(ALICE),
            &body,
        )
        .await;
        assert_eq!(response.status(), StatusCode::CREATED, "prefix {prefix:?}");
        let m: Value = response.json().await.unwrap();
        assert_eq!(
            m["@odata.context"],
            format!(
                "https://graph.microsoft.com/{version}/$metadata#microsoft.graph.onlineMeeting"
            )
        );
        let response = post(
            &server,
            &format!("{prefix}/users/alice@contoso.com/onlineMeetings/createOrGet"),
            Some(ALICE),
            &body,
        )
        .await;
        assert_eq!(response.status(), StatusCode::OK, "prefix {prefix:?}");
    }
}

#[tokio::test]
async fn times_default_as_documented() {
    let server = start().await;
    let path = "/me/onlineMeetings/createOrGet";

    let before = chrono::Utc::now();
    let none = post(
        &server,
        path,
        Some(ALICE),
        &json!({"externalId": "no-times"}),
    )
    .await;
    let after = chrono::Utc::now();
    assert_eq!(none.status(), StatusCode::CREATED);
    let m: Value = none.json().await.unwrap();
    assert!(is_graph_time(&m["startDateTime"]) && is_graph_time(&m["endDateTime"]));
    let start = time(&m["startDateTime"]);
    assert!(before - chrono::Duration::milliseconds(1) <= start && start <= after);
    assert_eq!(time(&m["endDateTime"]) - start, chrono::Duration::hours(1));
    assert_eq!(m["startDateTime"], m["creationDateTime"]);

    let start_only =
        json!({"externalId": "start-only", "startDateTime": "2020-02-06T01:49:21.3524945-07:00"});
    let m: Value = post(&server, path, Some(ALICE), &start_only)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(m["startDateTime"], "2020-02-06T08:49:21.352494500Z", "UTC");
    assert_eq!(m["endDateTime"], "2020-02-06T09:49:21.352494500Z");

    let few_digits = json!({
        "externalId": "few-digits",
        "startDateTime": "2020-02-06T01:49:21+05:30",
        "endDateTime": "2020-02-06T01:49:21.5+05:30"
    });
    let m: Value = post(&server, path, Some(ALICE), &few_digits)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(m["startDateTime"], "2020-02-05T20:19:21Z");
    assert_eq!(m["endDateTime"], "2020-02-05T20:19:21.500Z");
}

#[tokio::test]
async fn a_channel_meeting_keeps_its_thread() {
    let server = start().await;
    let body = json!({
        "externalId": "channel",
        "chatInfo": {"threadId": "19:7ebda77322dd4505ac4dedb5b67df076@thread.tacv2"}
    });
    let response = post(
        &server,
        "/beta/me/onlineMeetings/createOrGet",
        Some(ALICE),
        &body,
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let m: Value = response.json().await.unwrap();
    assert_eq!(
        m["chatInfo"]["threadId"],
        "19:7ebda77322dd4505ac4dedb5b67df076@thread.tacv2"
    );
    let message_id = m["chatInfo"]["messageId"].as_str().unwrap();
    assert!(message_id != "0" && message_id.bytes().all(|b| b.is_ascii_digit()));
    assert!(
        m["joinWebUrl"]
            .as_str()
            .unwrap()
            .contains("/19%3a7ebda77322dd4505ac4dedb5b67df076%40thread.tacv2/")
    );
}

/// A request the mock must refuse, and how.
struct Rejected {
    name: &'static str,
    headers: Vec<(&'static str, &'static str)>,
    body: String,
    status: StatusCode,
    code: &'static str,
}

/// Checks Graph's error shape and that the ids in the body match the headers.
async fn assert_graph_error(response: Response, status: StatusCode, code: &str) -> Value {
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
