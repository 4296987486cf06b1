//! The documented request and response payloads survive a round trip through
//! the generated types: nothing Graph (or the caller) sent is lost.

use graph_online_meetings::types::{
    CreateOrGetOnlineMeetingRequest, OnlineMeeting, OnlineMeetingPresenters, OnlineMeetingRole,
};
use graph_online_meetings_tests::{example, lost_values, read_workspace_file};
use serde_json::{Value, json};

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(payload: &Value) -> (T, Value) {
    let typed: T = serde_json::from_value(payload.clone()).expect("payload deserializes");
    let back = serde_json::to_value(&typed).expect("typed value serializes");
    (typed, back)
}

#[test]
fn request_example_1_round_trips_without_loss() {
    let payload = example("request-1-with-attendee.json");
    let (request, back) = round_trip::<CreateOrGetOnlineMeetingRequest>(&payload);
    assert_eq!(lost_values(&payload, &back), Vec::<String>::new());
    let attendee = &request
        .participants
        .as_ref()
        .unwrap()
        .attendees
        .as_ref()
        .unwrap()[0];
    assert_eq!(attendee.role, Some(OnlineMeetingRole::Presenter));
    insta::assert_json_snapshot!(back);
}

#[test]
fn request_example_2_round_trips_without_loss() {
    let payload = example("request-2-in-teams-channel.json");
    let (request, back) = round_trip::<CreateOrGetOnlineMeetingRequest>(&payload);
    assert_eq!(lost_values(&payload, &back), Vec::<String>::new());
    assert_eq!(
        request.chat_info.unwrap().thread_id.as_deref(),
        Some("19:7ebda77322dd4505ac4dedb5b67df076@thread.tacv2")
    );
    insta::assert_json_snapshot!(back);
}

#[test]
fn response_example_1_round_trips_without_loss() {
    let payload = example("response-1-with-attendee.json");
    let (meeting, back) = round_trip::<OnlineMeeting>(&payload);
    assert_eq!(lost_values(&payload, &back), Vec::<String>::new());
    // The documented quirks: a null role, and a property no schema names.
    let participants = meeting.participants.as_ref().unwrap();
    assert_eq!(participants.attendees.as_ref().unwrap()[0].role, None);
    assert_eq!(
        participants.organizer.as_ref().unwrap().role,
        Some(OnlineMeetingRole::Presenter)
    );
    assert_eq!(
        meeting.extra.get("autoAdmittedUsers"),
        Some(&json!("EveryoneInCompany"))
    );
    assert_eq!(
        meeting.allowed_presenters,
        Some(OnlineMeetingPresenters::Everyone)
    );
    insta::assert_json_snapshot!(back);
}

#[test]
fn response_example_2_round_trips_without_loss() {
    let payload = example("response-2-in-teams-channel.json");
    let (meeting, back) = round_trip::<OnlineMeeting>(&payload);
    assert_eq!(lost_values(&payload, &back), Vec::<String>::new());
    assert_eq!(
        meeting.chat_info.unwrap().message_id.as_deref(),
        Some("1599805818399")
    );
    insta::assert_json_snapshot!(back);
}

#[test]
fn response_dates_with_any_precision_and_offset_are_the_same_instants() {
    let payload = json!({
        "id": "m",
        "creationDateTime": "2018-05-30T01:00:00Z",
        "startDateTime": "2019-07-11T02:47:17.651138Z",
        "endDateTime": "2020-09-11T06:30:18.1909168Z",
        "expiryDateTime": "2020-02-06T01:49:21.3524945-07:00",
    });
    let (meeting, back) = round_trip::<OnlineMeeting>(&payload);
    assert_eq!(lost_values(&payload, &back), Vec::<String>::new());
    let start = meeting.start_date_time.unwrap();
    assert_eq!(start.timestamp_subsec_nanos(), 651_138_000);
    let expiry = meeting.expiry_date_time.unwrap();
    assert_eq!(expiry.to_rfc3339(), "2020-02-06T08:49:21.352494500+00:00");
}

#[test]
fn the_loss_check_reports_what_a_round_trip_drops() {
    let original = json!({"a": {"b": [1, {"c": "x"}]}, "d": null, "t": "2020-01-01T00:00:00Z"});
    let damaged = json!({"a": {"b": [1, {}]}, "t": "2020-01-01T00:00:01Z"});
    assert_eq!(
        lost_values(&original, &damaged),
        vec![
            "/a/b/1/c: missing, was \"x\"".to_string(),
            "/t: \"2020-01-01T00:00:00Z\" became \"2020-01-01T00:00:01Z\"".to_string(),
        ]
    );
    let same_instant = json!({"a": {"b": [1, {"c": "x"}]}, "t": "2020-01-01T00:00:00.000+00:00"});
    assert!(lost_values(&original, &same_instant).is_empty());
}

/// The spec embeds each example inline and names its JSON file in
/// `x-example-file`; the two copies must not drift apart.
#[test]
fn inline_spec_examples_match_the_example_files() {
    let spec: Value = serde_saphyr_free_parse(&read_workspace_file(
        graph_online_meetings_codegen::SPEC_PATH,
    ));
    let mut checked = 0;
    let mut stack = vec![&spec];
    while let Some(node) = stack.pop() {
        match node {
            Value::Object(map) => {
                if let (Some(Value::String(file)), Some(value)) =
                    (map.get("x-example-file"), map.get("value"))
                {
                    let from_file = example(file.trim_start_matches("examples/"));
                    assert_eq!(value, &from_file, "inline example differs from spec/{file}");
                    checked += 1;
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    assert_eq!(checked, 4, "two request and two response examples");
}

fn serde_saphyr_free_parse(text: &str) -> Value {
    graph_online_meetings_codegen::load_spec(text, "spec")
        .expect("the spec loads")
        .json
}
