//! Property tests of response decoding: arbitrary bytes and arbitrary JSON
//! never panic, and whatever decodes re-encodes without loss of its known
//! shape. `PROPTEST_CASES` raises the number of cases for a longer run.

use graph_online_meetings::types::{OdataError, OnlineMeeting};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Property names the generated types know, so that arbitrary JSON reaches
/// the typed fields and the open enums, not only the `extra` maps.
const KEYS: &[&str] = &[
    "id",
    "externalId",
    "subject",
    "startDateTime",
    "endDateTime",
    "creationDateTime",
    "participants",
    "organizer",
    "attendees",
    "role",
    "upn",
    "identity",
    "user",
    "application",
    "lobbyBypassSettings",
    "scope",
    "allowedPresenters",
    "audioConferencing",
    "tollNumbers",
    "chatInfo",
    "threadId",
    "joinInformation",
    "contentType",
    "meetingType",
    "anonymizeIdentityForRoles",
    "error",
    "code",
    "message",
    "details",
    "innerError",
    "request-id",
    "date",
    "@odata.type",
    "unknown",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop_oneof![
            Just("presenter".to_string()),
            Just("unknownFutureValue".to_string()),
            Just("2020-09-11T06:30:18.1909168Z".to_string()),
            Just("2020-02-06T01:49:21+00:00".to_string()),
            ".*",
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..8).prop_map(|pairs| {
                Value::Object(
                    pairs
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect::<Map<_, _>>(),
                )
            }),
        ]
    })
}

/// 2,000 cases per property by default; `PROPTEST_CASES` overrides (an
/// explicit `with_cases` would otherwise ignore the variable).
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = serde_json::from_slice::<OnlineMeeting>(&bytes);
        let _ = serde_json::from_slice::<OdataError>(&bytes);
    }

    #[test]
    fn arbitrary_json_never_panics_and_decoded_values_round_trip(value in json_value()) {
        let bytes = serde_json::to_vec(&value).unwrap();
        if let Ok(meeting) = serde_json::from_slice::<OnlineMeeting>(&bytes) {
            let again: OnlineMeeting = serde_json::from_value(serde_json::to_value(&meeting).unwrap())
                .expect("what decoded once decodes again");
            prop_assert_eq!(again, meeting);
        }
        if let Ok(error) = serde_json::from_slice::<OdataError>(&bytes) {
            let again: OdataError = serde_json::from_value(serde_json::to_value(&error).unwrap()).unwrap();
            prop_assert_eq!(again, error);
        }
    }

    #[test]
    fn arbitrary_retry_after_values_never_panic(value in "[ -~]{0,40}") {
        let mut headers = reqwest::header::HeaderMap::new();
        if let Ok(v) = reqwest::header::HeaderValue::from_str(&value) {
            headers.insert(reqwest::header::RETRY_AFTER, v);
        }
        if let Some(delay) = graph_online_meetings::retry_after(&headers, std::time::SystemTime::now()) {
            prop_assert!(delay <= std::time::Duration::from_secs(86_400 * 366 * 200));
        }
    }
}
