//! Payloads that Microsoft's published model allows and the documented
//! examples do not show: null elements in the collections, null for every
//! object-valued property. Each decodes, and re-encodes to the same JSON.

use graph_online_meetings::types::{MeetingCapabilities, OnlineMeeting, OnlineMeetingRole};
use graph_online_meetings_tests::{example, lost_values};
use serde_json::{Value, json};

/// JSON pointers of the five collections whose items Microsoft's model
/// makes nullable.
const NULLABLE_ITEM_COLLECTIONS: [&str; 5] = [
    "/audioConferencing/tollNumbers",
    "/audioConferencing/tollFreeNumbers",
    "/broadcastSettings/captions/translationLanguages",
    "/anonymizeIdentityForRoles",
    "/capabilities",
];

fn with_collections(make: impl Fn(&str) -> Value) -> Value {
    let mut payload = example("response-1-with-attendee.json");
    payload["broadcastSettings"] = json!({"captions": {}});
    for pointer in NULLABLE_ITEM_COLLECTIONS {
        let (parent, name) = pointer.rsplit_once('/').unwrap();
        let parent = payload
            .pointer_mut(parent)
            .expect("the parent object exists");
        parent[name] = make(pointer);
    }
    payload
}

fn round_trip(payload: &Value) -> (OnlineMeeting, Value) {
    let meeting: OnlineMeeting = serde_json::from_value(payload.clone())
        .unwrap_or_else(|e| panic!("the payload decodes: {e}"));
    let back = serde_json::to_value(&meeting).unwrap();
    (meeting, back)
}

#[test]
fn a_lone_null_in_each_collection_decodes_and_re_encodes_losslessly() {
    let payload = with_collections(|_| json!([null]));
    let (meeting, back) = round_trip(&payload);
    for pointer in NULLABLE_ITEM_COLLECTIONS {
        assert_eq!(back.pointer(pointer), Some(&json!([null])), "{pointer}");
    }
    assert_eq!(meeting.anonymize_identity_for_roles, Some(vec![None]));
    assert_eq!(meeting.capabilities, Some(vec![None]));
    let audio = meeting.audio_conferencing.as_ref().unwrap();
    assert_eq!(audio.toll_numbers, Some(vec![None]));
    assert_eq!(audio.toll_free_numbers, Some(vec![None]));
    assert_eq!(lost_values(&payload, &back), Vec::<String>::new());
}

#[test]
fn nulls_beside_values_keep_their_places() {
    let payload = with_collections(|pointer| match pointer {
        "/anonymizeIdentityForRoles" => json!(["presenter", null, "ghost"]),
        "/capabilities" => json!([null, "questionAndAnswer"]),
        _ => json!(["+1 206-555-0100", null]),
    });
    let (meeting, back) = round_trip(&payload);
    for pointer in NULLABLE_ITEM_COLLECTIONS {
        assert_eq!(back.pointer(pointer), payload.pointer(pointer), "{pointer}");
    }
    // The open enum decoder takes the null, a known member and an unknown one.
    assert_eq!(
        meeting.anonymize_identity_for_roles,
        Some(vec![
            Some(OnlineMeetingRole::Presenter),
            None,
            Some(OnlineMeetingRole::Unrecognized("ghost".into())),
        ])
    );
    assert_eq!(
        meeting.capabilities,
        Some(vec![None, Some(MeetingCapabilities::QuestionAndAnswer)])
    );
}

/// Graph sends `null` for an object-valued property it has nothing for; the
/// spec says so in Microsoft's form (`anyOf` with a nullable object), and the
/// field is a plain `Option`.
#[test]
fn null_for_every_object_valued_property_decodes_as_none() {
    let properties = [
        "participants",
        "audioConferencing",
        "chatInfo",
        "chatRestrictions",
        "cloudVideoInteropInfo",
        "joinInformation",
        "joinMeetingIdSettings",
        "lobbyBypassSettings",
        "sensitivityLabelAssignment",
        "watermarkProtection",
        "broadcastSettings",
        "meetingType",
        "allowedPresenters",
        "allowMeetingChat",
    ];
    let mut payload = example("response-1-with-attendee.json");
    for name in properties {
        payload[name] = Value::Null;
    }
    let (meeting, back) = round_trip(&payload);
    assert!(meeting.participants.is_none() && meeting.broadcast_settings.is_none());
    assert!(meeting.watermark_protection.is_none() && meeting.allowed_presenters.is_none());
    for name in properties {
        assert!(back.get(name).is_none(), "{name} is absent, as None is");
    }
}

/// The evolvable enums say which members each version sends: v1.0 lists
/// `producer` after `unknownFutureValue`, so the role's description gives
/// both orders; every other evolvable enum says the versions agree.
#[test]
fn enum_descriptions_say_what_each_version_sends() {
    use graph_online_meetings_codegen as codegen;
    let spec = codegen::load_spec(
        &graph_online_meetings_tests::read_workspace_file(codegen::SPEC_PATH),
        codegen::SPEC_PATH,
    )
    .unwrap();
    for open_enum in &spec.open_enums {
        if !open_enum.members.iter().any(|m| m == "unknownFutureValue") {
            continue;
        }
        let description = open_enum.description.as_deref().unwrap_or_default();
        assert!(
            description.contains("beta") && description.contains("v1.0"),
            "{}: {description}",
            open_enum.schema_name
        );
    }
    let role = spec
        .open_enums
        .iter()
        .find(|e| e.schema_name == "onlineMeetingRole")
        .unwrap();
    let description = role.description.as_deref().unwrap();
    assert!(
        description.contains("attendee, presenter, unknownFutureValue, producer, coorganizer"),
        "{description}"
    );
    assert_eq!(
        role.members,
        [
            "attendee",
            "presenter",
            "producer",
            "unknownFutureValue",
            "coorganizer"
        ],
        "the list itself is beta's"
    );
}
