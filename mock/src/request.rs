//! Reading the createOrGet body as the generated request type the client sends. serde
//! finds the type errors; this module turns them into the property path Graph names as
//! `target`, and adds the rules the schema cannot say.

use chrono::{DateTime, Duration, Timelike, Utc};
use graph_online_meetings::types::{CreateOrGetOnlineMeetingRequest, MeetingParticipantInfo};
use serde_json::Value;

/// Why a body does not conform: the property path and a message for people.
#[derive(Debug, PartialEq)]
pub(crate) struct Invalid {
    pub target: String,
    pub message: String,
}

impl Invalid {
    pub fn new(target: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            target: target.into(),
            message: message.into(),
        }
    }
}

/// What is wrong with a body: not JSON at all, or JSON that breaks the schema.
#[derive(Debug, PartialEq)]
pub(crate) enum BodyError {
    NotJson(String),
    Invalid(Invalid),
}

/// Parses `body` as a `createOrGetOnlineMeetingRequest`. Times are cut to Graph's
/// precision of 100 ns ticks.
pub(crate) fn parse(body: &[u8]) -> Result<CreateOrGetOnlineMeetingRequest, BodyError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| BodyError::NotJson(format!("The request body is not valid JSON: {e}.")))?;
    // serde's derived struct would also read a JSON array, field by field.
    let Value::Object(properties) = &value else {
        return Err(BodyError::Invalid(Invalid::new(
            "",
            "The request body must be a JSON object (a createOrGetOnlineMeetingRequest).",
        )));
    };
    // The spec makes no property of the request nullable, but serde reads a null Option as
    // absent; so a null for a declared top-level property is refused here, before serde
    // forgets it. Unknown properties stay free, null or not.
    if let Some((name, _)) = properties
        .iter()
        .find(|(name, value)| value.is_null() && declares(name))
    {
        return Err(BodyError::Invalid(Invalid::new(
            name.as_str(),
            format!(
                "{name} must not be null: no property of createOrGetOnlineMeetingRequest is nullable."
            ),
        )));
    }
    let mut request: CreateOrGetOnlineMeetingRequest =
        serde_path_to_error::deserialize(&value).map_err(schema_error)?;

    if request.external_id.is_empty() {
        return Err(BodyError::Invalid(Invalid::new(
            "externalId",
            "externalId must not be empty.",
        )));
    }
    if let Some(participants) = &request.participants {
        let lists = [
            ("attendees", &participants.attendees),
            ("producers", &participants.producers),
            ("contributors", &participants.contributors),
        ];
        let organizer = participants
            .organizer
            .iter()
            .map(|info| ("participants.organizer".to_owned(), info));
        let others = lists.into_iter().flat_map(|(list, infos)| {
            infos
                .iter()
                .flatten()
                .enumerate()
                .map(move |(i, info)| (format!("participants.{list}[{i}]"), info))
        });
        for (target, info) in organizer.chain(others) {
            check_role(&target, info).map_err(BodyError::Invalid)?;
        }
    }
    request.start_date_time = request.start_date_time.map(to_ticks);
    request.end_date_time = request.end_date_time.map(to_ticks);
    Ok(request)
}

/// Whether the generated request type declares a property `name`, asked of the type
/// itself rather than a list: it ignores an unknown property whatever its value, and a
/// declared one refuses a value that none of the spec's property types takes (an array of
/// arrays of arrays). A free-form property would take it too, and may then be null.
fn declares(name: &str) -> bool {
    let mut probe = serde_json::Map::new();
    probe.insert("externalId".to_owned(), Value::from("probe"));
    probe.insert(name.to_owned(), serde_json::json!([[["probe"]]]));
    serde_json::from_value::<CreateOrGetOnlineMeetingRequest>(Value::Object(probe)).is_err()
}

/// The generated role enum is open (responses may bring new roles), but a request must
/// use one the spec lists, as Graph rejects others.
fn check_role(target: &str, info: &MeetingParticipantInfo) -> Result<(), Invalid> {
    match &info.role {
        Some(role) if !role.is_known() => Err(Invalid::new(
            format!("{target}.role"),
            format!("{target}.role '{role}' is not a role the spec lists for onlineMeetingRole."),
        )),
        _ => Ok(()),
    }
}

/// serde's error, with the path of the property it is about as `target`.
fn schema_error(error: serde_path_to_error::Error<serde_json::Error>) -> BodyError {
    let path = error.path().to_string();
    let inner = error.into_inner();
    let path = if path == "." { String::new() } else { path };
    // serde reports a missing property at its parent; Graph's target is the property.
    let text = inner.to_string();
    let target = match text
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split_once('`'))
    {
        Some((field, _)) if path.is_empty() => field.to_owned(),
        Some((field, _)) => format!("{path}.{field}"),
        None => path,
    };
    let message = if target.is_empty() {
        format!("The request body is not a createOrGetOnlineMeetingRequest: {text}.")
    } else {
        format!("{target}: {text}.")
    };
    BodyError::Invalid(Invalid { target, message })
}

/// An instant cut to Graph's precision of 100 ns ticks. chrono keeps a leap second (:60)
/// as nanoseconds past 1e9; Graph has no leap seconds, so it rolls over.
pub(crate) fn to_ticks(time: DateTime<Utc>) -> DateTime<Utc> {
    let nanos = time.nanosecond();
    let (nanos, carry) = if nanos >= 1_000_000_000 {
        (nanos - 1_000_000_000, Duration::seconds(1))
    } else {
        (nanos, Duration::zero())
    };
    time.with_nanosecond(nanos - nanos % 100).unwrap_or(time) + carry
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalid(body: &str) -> Invalid {
        match parse(body.as_bytes()) {
            Err(BodyError::Invalid(invalid)) => invalid,
            other => panic!("expected a schema error for {body}, got {other:?}"),
        }
    }

    #[test]
    fn date_times_become_utc_ticks() {
        let request =
            parse(br#"{"externalId":"x","startDateTime":"2020-02-06T01:49:21.123456789-07:00","endDateTime":"2016-12-31T23:59:60Z"}"#)
                .unwrap();
        let start = request.start_date_time.unwrap();
        assert_eq!(start.to_rfc3339(), "2020-02-06T08:49:21.123456700+00:00");
        let end = request.end_date_time.unwrap();
        assert_eq!(end.to_rfc3339(), "2017-01-01T00:00:00+00:00");
        assert_eq!(
            invalid(r#"{"externalId":"x","startDateTime":"2020-02-06T01:49:21"}"#).target,
            "startDateTime"
        );
    }

    #[test]
    fn schema_violations_name_their_property() {
        assert_eq!(
            invalid(r#"{"externalId":"x","subject":5}"#).target,
            "subject"
        );
        assert_eq!(invalid(r#"{"subject":"s"}"#).target, "externalId");
        assert_eq!(invalid(r#"{"externalId":""}"#).target, "externalId");
        let role = invalid(
            r#"{"externalId":"x","participants":{"attendees":[{"upn":"a"},{"role":"boss"}]}}"#,
        );
        assert_eq!(role.target, "participants.attendees[1].role");
        assert!(role.message.contains("'boss'"), "{}", role.message);
        assert_eq!(
            invalid(r#"{"externalId":"x","participants":{"organizer":{"role":"chief"}}}"#).target,
            "participants.organizer.role"
        );
        assert_eq!(
            invalid(r#"{"externalId":"x","chatInfo":{"threadId":1}}"#).target,
            "chatInfo.threadId"
        );
        assert_eq!(
            invalid(r#"{"externalId":"x","participants":{"attendees":[{"identity":{"user":{"id":7}}}]}}"#).target,
            "participants.attendees[0].identity.user.id"
        );
        for not_object in [r#"[null, null, "x"]"#, "5", " \"x\""] {
            let not_object = invalid(not_object);
            assert_eq!(not_object.target, "");
            assert!(not_object.message.contains("must be a JSON object"));
        }
    }

    #[test]
    fn broken_json_is_not_a_schema_error() {
        for body in ["{", r#"{"externalId":"x"} trailing"#, ""] {
            assert!(
                matches!(parse(body.as_bytes()), Err(BodyError::NotJson(_))),
                "{body}"
            );
        }
    }

    #[test]
    fn top_level_nulls_are_refused() {
        for name in [
            "subject",
            "chatInfo",
            "participants",
            "startDateTime",
            "externalId",
        ] {
            let body = format!(r#"{{"externalId":"x","{name}":null}}"#);
            let refused = invalid(&body);
            assert_eq!(refused.target, name);
            assert!(
                refused.message.contains("must not be null"),
                "{}",
                refused.message
            );
        }
    }

    #[test]
    fn nested_nulls_and_unknown_properties_are_accepted() {
        let request = parse(
            br#"{"externalId":"x","participants":{"organizer":null,"attendees":[{"identity":{"user":{"id":"u","x":1}},"role":null}]},"chatInfo":{"threadId":null},"futureProperty":true,"":null,"other":null}"#,
        )
        .unwrap();
        let attendees = request.participants.unwrap().attendees.unwrap();
        assert_eq!(attendees.len(), 1);
        assert!(attendees[0].role.is_none());
    }
}
