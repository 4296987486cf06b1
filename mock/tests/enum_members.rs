//! Roles after `unknownFutureValue` reach only callers that send `Prefer:
//! include-unknown-enum-members`, as Graph does, and each version has its own
//! list: beta hides `coorganizer`, v1.0 also `producer`.

use graph_online_meetings_mock::{MockConfig, MockServer};
use serde_json::{Value, json};

async fn roles(server: &MockServer, prefix: &str, external_id: &str, prefer: bool) -> Vec<Value> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let body = json!({"externalId": external_id, "participants": {"attendees": [
        {"upn": "a@contoso.com", "role": "presenter"},
        {"upn": "b@contoso.com", "role": "producer"},
        {"upn": "c@contoso.com", "role": "coorganizer"}
    ]}});
    let mut request = reqwest::Client::new()
        .post(format!(
            "{}{prefix}/me/onlineMeetings/createOrGet",
            server.base_url()
        ))
        .bearer_auth("alice@contoso.com")
        .json(&body);
    if prefer {
        request = request.header("Prefer", "include-unknown-enum-members");
    }
    let response = request.send().await.unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    let meeting: Value = response.json().await.unwrap();
    meeting["participants"]["attendees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["role"].clone())
        .collect()
}

#[tokio::test]
async fn each_version_sends_its_late_roles_only_when_asked() {
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let hidden = json!("unknownFutureValue");
    let (presenter, producer, coorganizer) =
        (json!("presenter"), json!("producer"), json!("coorganizer"));
    for (prefix, prefer, expected) in [
        ("/beta", false, [&presenter, &producer, &hidden]),
        ("/beta", true, [&presenter, &producer, &coorganizer]),
        ("", false, [&presenter, &producer, &hidden]),
        ("/v1.0", false, [&presenter, &hidden, &hidden]),
        ("/v1.0", true, [&presenter, &producer, &coorganizer]),
    ] {
        // A first call (201) and a repeat (200) are answered alike; the
        // meeting itself keeps the roles as sent.
        let id = format!("roles{prefix}-{prefer}");
        for _ in 0..2 {
            let got = roles(&server, prefix, &id, prefer).await;
            assert_eq!(got, expected.map(Clone::clone), "{prefix} prefer={prefer}");
        }
    }
    let asked = roles(&server, "/v1.0", "roles/v1.0-false", true).await;
    assert_eq!(asked, [presenter, producer, coorganizer]);
}
