//! Graph's evolvable enums as each version sends them. Members listed after
//! `unknownFutureValue` reach only callers that send `Prefer:
//! include-unknown-enum-members`; the others get `unknownFutureValue` in their
//! place. The versions differ for roles (see the spec's onlineMeetingRole): beta
//! lists `coorganizer` after it, v1.0 `producer` and `coorganizer`.

use axum::body::Bytes;
use axum::http::{HeaderMap, header::HeaderName};
use graph_online_meetings::types::{OnlineMeeting, OnlineMeetingRole};

/// The Graph version a request's path names; the bare path is served as beta.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ApiVersion {
    Beta,
    V1,
}

impl ApiVersion {
    pub(crate) fn of_path(path: &str) -> Self {
        if path.starts_with("/v1.0/") {
            ApiVersion::V1
        } else {
            ApiVersion::Beta
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ApiVersion::Beta => "beta",
            ApiVersion::V1 => "v1.0",
        }
    }

    /// Whether this version lists `role` after `unknownFutureValue`.
    fn is_late(self, role: &OnlineMeetingRole) -> bool {
        match role {
            OnlineMeetingRole::Coorganizer => true,
            OnlineMeetingRole::Producer => self == ApiVersion::V1,
            _ => false,
        }
    }
}

/// Whether the caller asked for the members after `unknownFutureValue`
/// (`Prefer` may carry several comma-separated preferences, in any case).
pub(crate) fn wants_late_members(headers: &HeaderMap) -> bool {
    headers
        .get_all(HeaderName::from_static("prefer"))
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|preference| {
            preference
                .trim()
                .eq_ignore_ascii_case("include-unknown-enum-members")
        })
}

/// The stored meeting `body` as this caller is sent it. The bytes stay as
/// they are unless a role must be replaced.
pub(crate) fn for_caller(body: Bytes, version: ApiVersion, late_members: bool) -> Bytes {
    if late_members || !mentions_a_late_role(&body, version) {
        return body;
    }
    let Ok(mut meeting) = serde_json::from_slice::<OnlineMeeting>(&body) else {
        return body;
    };
    let hide = |role: &mut OnlineMeetingRole| {
        if version.is_late(role) {
            *role = OnlineMeetingRole::UnknownFutureValue;
        }
    };
    if let Some(participants) = meeting.participants.as_mut() {
        let lists = [
            participants.attendees.as_mut(),
            participants.producers.as_mut(),
            participants.contributors.as_mut(),
        ];
        let infos = participants
            .organizer
            .iter_mut()
            .chain(lists.into_iter().flatten().flatten());
        for role in infos.filter_map(|info| info.role.as_mut()) {
            hide(role);
        }
    }
    for role in meeting
        .anonymize_identity_for_roles
        .iter_mut()
        .flatten()
        .flatten()
    {
        hide(role);
    }
    serde_json::to_vec(&meeting).map_or(body, Bytes::from)
}

/// A cheap test that spares most responses a decode.
fn mentions_a_late_role(body: &[u8], version: ApiVersion) -> bool {
    let contains = |needle: &[u8]| body.windows(needle.len()).any(|w| w == needle);
    contains(b"\"coorganizer\"") || (version == ApiVersion::V1 && contains(b"\"producer\""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use serde_json::{Value, json};

    fn roles(body: &Bytes) -> Vec<Value> {
        let meeting: Value = serde_json::from_slice(body).unwrap();
        meeting["participants"]["attendees"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["role"].clone())
            .collect()
    }

    #[test]
    fn each_version_hides_its_late_roles_unless_asked() {
        let stored = Bytes::from(
            json!({"participants": {"attendees": [
                {"role": "presenter"}, {"role": "producer"}, {"role": "coorganizer"}, {"role": null}
            ]}})
            .to_string(),
        );
        let beta = for_caller(stored.clone(), ApiVersion::Beta, false);
        assert_eq!(
            roles(&beta),
            [
                json!("presenter"),
                json!("producer"),
                json!("unknownFutureValue"),
                Value::Null
            ]
        );
        let v1 = for_caller(stored.clone(), ApiVersion::V1, false);
        assert_eq!(
            roles(&v1),
            [
                json!("presenter"),
                json!("unknownFutureValue"),
                json!("unknownFutureValue"),
                Value::Null
            ]
        );
        assert_eq!(for_caller(stored.clone(), ApiVersion::V1, true), stored);
    }

    #[test]
    fn the_preference_is_found_among_others_in_any_case() {
        let mut headers = HeaderMap::new();
        assert!(!wants_late_members(&headers));
        headers.insert(
            "prefer",
            HeaderValue::from_static("odata.maxpagesize=5, Include-Unknown-Enum-Members"),
        );
        assert!(wants_late_members(&headers));
    }
}
