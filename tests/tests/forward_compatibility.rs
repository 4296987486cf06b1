//! Graph evolves: new enum members (sent with `Prefer:
//! include-unknown-enum-members`) and new properties must not fail a
//! response, and must not be dropped.

use graph_online_meetings::types::{LobbyBypassScope, OnlineMeeting, OnlineMeetingRole};
use graph_online_meetings_tests::{example, lost_values};
use serde_json::json;

fn future_response() -> serde_json::Value {
    let mut payload = example("response-1-with-attendee.json");
    payload["lobbyBypassSettings"]["scope"] = json!("organizationAndGuestsOfTheFuture");
    payload["participants"]["organizer"]["role"] = json!("coorganizer");
    payload["participants"]["attendees"][0]["role"] = json!("spectator");
    payload["allowMeetingChat"] = json!("moderated");
    payload["anonymizeIdentityForRoles"] = json!(["attendee", "ghost"]);
    payload["@odata.context"] = json!("https://graph.microsoft.com/beta/$metadata#onlineMeeting");
    payload["brandNewSetting"] = json!({"nested": [1, 2, {"deep": true}]});
    payload["participants"]["organizer"]["identity"]["user"]["tenantId"] = json!("tenant-guid");
    payload["participants"]["organizer"]["identity"]["user"]["identityProvider"] = json!("AAD");
    payload["participants"]["organizer"]["identity"]["user"]["@odata.type"] =
        json!("#microsoft.graph.identity");
    payload["audioConferencing"]["ConferenceId"] = json!("legacy-spelling");
    payload
}

#[test]
fn unknown_enum_values_and_properties_deserialize_and_are_kept() {
    let payload = future_response();
    let meeting: OnlineMeeting =
        serde_json::from_value(payload.clone()).expect("a future response still deserializes");

    // Known members are still recognised; unknown ones are kept verbatim.
    let organizer = meeting
        .participants
        .as_ref()
        .unwrap()
        .organizer
        .as_ref()
        .unwrap();
    assert_eq!(organizer.role, Some(OnlineMeetingRole::Coorganizer));
    let attendee_role = meeting
        .participants
        .as_ref()
        .unwrap()
        .attendees
        .as_ref()
        .unwrap()[0]
        .role
        .clone()
        .unwrap();
    assert_eq!(
        attendee_role,
        OnlineMeetingRole::Unrecognized("spectator".into())
    );
    assert!(!attendee_role.is_known());
    assert_eq!(attendee_role.to_string(), "spectator");
    assert_eq!(
        meeting.lobby_bypass_settings.as_ref().unwrap().scope,
        Some(LobbyBypassScope::Unrecognized(
            "organizationAndGuestsOfTheFuture".into()
        ))
    );

    // Properties no schema names are reachable, at every level.
    assert_eq!(
        meeting.extra["brandNewSetting"]["nested"][2]["deep"],
        json!(true)
    );
    let user = organizer.identity.as_ref().unwrap().user.as_ref().unwrap();
    assert_eq!(user.extra["tenantId"], json!("tenant-guid"));
    assert_eq!(
        user.extra["@odata.type"],
        json!("#microsoft.graph.identity")
    );
    assert_eq!(
        meeting.audio_conferencing.as_ref().unwrap().extra["ConferenceId"],
        json!("legacy-spelling")
    );

    // And nothing is lost when it is written back.
    let back = serde_json::to_value(&meeting).unwrap();
    assert_eq!(lost_values(&payload, &back), Vec::<String>::new());
}

#[test]
fn open_enums_serialize_to_their_wire_value() {
    assert_eq!(
        serde_json::to_value(OnlineMeetingRole::Presenter).unwrap(),
        json!("presenter")
    );
    assert_eq!(
        serde_json::to_value(OnlineMeetingRole::UnknownFutureValue).unwrap(),
        json!("unknownFutureValue")
    );
    assert_eq!(
        serde_json::to_value(OnlineMeetingRole::Unrecognized("x-y".into())).unwrap(),
        json!("x-y")
    );
    assert_eq!(
        "coorganizer".parse::<OnlineMeetingRole>(),
        Ok(OnlineMeetingRole::Coorganizer)
    );
}

#[test]
fn a_non_string_enum_value_is_a_clear_error() {
    let err = serde_json::from_value::<OnlineMeeting>(json!({"allowedPresenters": 3})).unwrap_err();
    assert!(
        err.to_string().contains("onlineMeetingPresenters string"),
        "unexpected message: {err}"
    );
}
