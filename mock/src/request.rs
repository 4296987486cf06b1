//! Validation of the createOrGet request body against the spec's
//! `createOrGetOnlineMeetingRequest` schema, by hand so that every violation
//! becomes a Graph `BadRequest` naming the offending property.

use chrono::{DateTime, Duration, Timelike, Utc};
use serde_json::{Map, Value};

/// A request body that conforms to the schema. Only what the mock uses is kept.
#[derive(Debug)]
pub(crate) struct CreateRequest {
    pub external_id: String,
    pub subject: Option<String>,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    /// Attendees exactly as sent (already checked against meetingParticipantInfo).
    pub attendees: Vec<Value>,
    pub chat_thread_id: Option<String>,
}

/// Why a body does not conform: the property path and a message for people.
#[derive(Debug, PartialEq)]
pub(crate) struct Invalid {
    pub target: String,
    pub message: String,
}

fn invalid(target: &str, message: impl Into<String>) -> Invalid {
    Invalid {
        target: target.to_owned(),
        message: message.into(),
    }
}

const ROLES: &[&str] = &[
    "attendee",
    "presenter",
    "producer",
    "unknownFutureValue",
    "coorganizer",
];

pub(crate) fn parse(value: &Value) -> Result<CreateRequest, Invalid> {
    let body = value
        .as_object()
        .ok_or_else(|| invalid("", "The request body must be a JSON object."))?;

    let external_id = match body.get("externalId") {
        None => return Err(invalid("externalId", "externalId is required.")),
        Some(Value::String(s)) if s.is_empty() => {
            return Err(invalid("externalId", "externalId must not be empty."));
        }
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(invalid("externalId", "externalId must be a string.")),
    };
    let subject = optional_string(body, "subject", "subject", false)?;
    let start = optional_date_time(body, "startDateTime")?;
    let end = optional_date_time(body, "endDateTime")?;

    let mut attendees = Vec::new();
    if let Some(participants) = body.get("participants") {
        let participants = participants.as_object().ok_or_else(|| {
            invalid(
                "participants",
                "participants must be a meetingParticipants object.",
            )
        })?;
        if let Some(organizer) = participants.get("organizer")
            && !organizer.is_null()
        {
            participant_info(organizer, "participants.organizer")?;
        }
        for list in ["attendees", "producers", "contributors"] {
            let target = format!("participants.{list}");
            match participants.get(list) {
                None | Some(Value::Null) => {}
                Some(Value::Array(items)) => {
                    for (i, item) in items.iter().enumerate() {
                        participant_info(item, &format!("{target}[{i}]"))?;
                    }
                    if list == "attendees" {
                        attendees = items.clone();
                    }
                }
                Some(_) => return Err(invalid(&target, format!("{target} must be an array."))),
            }
        }
    }

    let mut chat_thread_id = None;
    if let Some(chat) = body.get("chatInfo") {
        let chat = chat
            .as_object()
            .ok_or_else(|| invalid("chatInfo", "chatInfo must be a chatInfo object."))?;
        for key in ["messageId", "replyChainMessageId"] {
            optional_string(chat, key, &format!("chatInfo.{key}"), true)?;
        }
        chat_thread_id = optional_string(chat, "threadId", "chatInfo.threadId", true)?;
    }

    Ok(CreateRequest {
        external_id,
        subject,
        start,
        end,
        attendees,
        chat_thread_id,
    })
}

/// A string property that may be absent, and also null when `nullable`.
fn optional_string(
    object: &Map<String, Value>,
    key: &str,
    target: &str,
    nullable: bool,
) -> Result<Option<String>, Invalid> {
    match object.get(key) {
        None => Ok(None),
        Some(Value::Null) if nullable => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(invalid(target, format!("{target} must be a string."))),
    }
}

fn optional_date_time(
    object: &Map<String, Value>,
    key: &str,
) -> Result<Option<DateTime<Utc>>, Invalid> {
    match object.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => parse_date_time(s).map(Some).ok_or_else(|| {
            invalid(
                key,
                format!("{key} must be an RFC 3339 date-time with an offset, such as 2020-02-06T01:49:21.3524945+00:00."),
            )
        }),
        Some(_) => Err(invalid(key, format!("{key} must be a date-time string."))),
    }
}

/// RFC 3339 with any offset and any number of fraction digits, as an instant in UTC
/// cut to Graph's precision of 100 ns ticks.
pub(crate) fn parse_date_time(text: &str) -> Option<DateTime<Utc>> {
    // chrono also takes a space or a lower-case t/z; RFC 3339 allows those, so does the mock.
    let parsed = DateTime::parse_from_rfc3339(text).ok()?.with_timezone(&Utc);
    let nanos = parsed.nanosecond();
    // chrono keeps a leap second (:60) as nanos >= 1e9; Graph has no leap seconds.
    let (nanos, carry) = if nanos >= 1_000_000_000 {
        (nanos - 1_000_000_000, Duration::seconds(1))
    } else {
        (nanos, Duration::zero())
    };
    Some(parsed.with_nanosecond(nanos - nanos % 100)? + carry)
}

fn participant_info(value: &Value, target: &str) -> Result<(), Invalid> {
    let info = value.as_object().ok_or_else(|| {
        invalid(
            target,
            format!("{target} must be a meetingParticipantInfo object."),
        )
    })?;
    optional_string(info, "upn", &format!("{target}.upn"), true)?;
    match info.get("role") {
        None | Some(Value::Null) => {}
        Some(Value::String(role)) if ROLES.contains(&role.as_str()) => {}
        Some(_) => {
            return Err(invalid(
                &format!("{target}.role"),
                format!("{target}.role must be one of {}.", ROLES.join(", ")),
            ));
        }
    }
    match info.get("identity") {
        None | Some(Value::Null) => Ok(()),
        Some(Value::Object(set)) => {
            for kind in ["application", "device", "user"] {
                let target = format!("{target}.identity.{kind}");
                match set.get(kind) {
                    None | Some(Value::Null) => {}
                    Some(Value::Object(identity)) => {
                        optional_string(identity, "id", &format!("{target}.id"), true)?;
                        optional_string(
                            identity,
                            "displayName",
                            &format!("{target}.displayName"),
                            true,
                        )?;
                    }
                    Some(_) => {
                        return Err(invalid(
                            &target,
                            format!("{target} must be an identity object."),
                        ));
                    }
                }
            }
            Ok(())
        }
        Some(_) => Err(invalid(
            &format!("{target}.identity"),
            format!("{target}.identity must be an identitySet object."),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn date_times_become_utc_ticks() {
        let t = parse_date_time("2020-02-06T01:49:21.3524945-07:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2020-02-06T08:49:21.352494500+00:00");
        let t = parse_date_time("2020-02-06T01:49:21.123456789Z").unwrap();
        assert_eq!(t.nanosecond(), 123_456_700);
        let t = parse_date_time("2016-12-31T23:59:60Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2017-01-01T00:00:00+00:00");
        assert!(parse_date_time("2020-02-06T01:49:21").is_none());
        assert!(parse_date_time("yesterday").is_none());
    }

    #[test]
    fn schema_violations_name_their_property() {
        let err = parse(&json!({"externalId": "x", "subject": null})).unwrap_err();
        assert_eq!(err.target, "subject");
        let err =
            parse(&json!({"externalId": "x", "participants": {"attendees": [{"role": "boss"}]}}))
                .unwrap_err();
        assert_eq!(err.target, "participants.attendees[0].role");
        let err = parse(&json!({"externalId": "x", "chatInfo": {"threadId": 1}})).unwrap_err();
        assert_eq!(err.target, "chatInfo.threadId");
        let ok = parse(&json!({
            "externalId": "x",
            "participants": {"organizer": null, "attendees": [{"identity": {"user": {"id": "u", "x": 1}}, "role": null}]},
            "chatInfo": {"threadId": null}
        }))
        .unwrap();
        assert_eq!(ok.attendees.len(), 1);
    }
}
