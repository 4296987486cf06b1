//! The mock's meetings over HTTP: create or get, per user and tenant, times and threads.

mod common;

use common::*;
use std::collections::HashSet;

use graph_online_meetings_mock::DEFAULT_TENANT;
use reqwest::StatusCode;
use serde_json::{Value, json};

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
