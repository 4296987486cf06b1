//! Building a new onlineMeeting the way Graph shapes it.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Duration, TimeZone, Timelike, Utc};
use serde::Serialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::request::{CreateRequest, Invalid};

/// Derives stable object ids for users named by UPN (uuid v5 under this namespace).
const USER_NAMESPACE: Uuid = Uuid::from_u128(0x6d6f636b_2d67_7261_7068_2d7573657273);

/// Who a meeting belongs to: its tenant and its organizer.
#[derive(Debug, Clone)]
pub(crate) struct Owner {
    /// Lower-cased tenant id, as it keys the store.
    pub tenant: String,
    /// The user as the caller named them (case kept for the upn).
    pub user: String,
}

impl Owner {
    /// Users compare case-insensitively, like UPNs and GUIDs in Entra ID.
    pub fn user_key(&self) -> String {
        self.user.to_lowercase()
    }

    /// The organizer's object id: the user itself when it is a GUID, else a stable
    /// GUID derived from tenant and user (the mock has no directory to look it up in).
    pub fn object_id(&self) -> String {
        match Uuid::parse_str(&self.user) {
            Ok(id) => id.hyphenated().to_string(),
            Err(_) => {
                let name = format!("{}\n{}", self.tenant, self.user_key());
                Uuid::new_v5(&USER_NAMESPACE, name.as_bytes())
                    .hyphenated()
                    .to_string()
            }
        }
    }

    /// A user named by something with an `@` is taken to be a UPN; an object id has none.
    pub fn upn(&self) -> Option<&str> {
        self.user.contains('@').then_some(self.user.as_str())
    }
}

/// The earliest instant Graph (a .NET DateTimeOffset) can hold.
fn min_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0)
        .single()
        .expect("0001-01-01 is a valid date")
}

/// The latest instant Graph can hold: 9999-12-31T23:59:59.9999999Z.
fn max_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59)
        .single()
        .and_then(|t| t.with_nanosecond(999_999_900))
        .expect("9999-12-31 is a valid date")
}

/// Graph's documented defaults and errors for the meeting's time range.
pub(crate) fn schedule(
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), Invalid> {
    let hour = Duration::hours(1);
    let (start, end) = match (start, end) {
        (None, None) => (now, now + hour),
        (Some(start), None) => (start, start + hour),
        (None, Some(_)) => {
            return Err(Invalid {
                target: "endDateTime".into(),
                message: "endDateTime cannot be given without startDateTime.".into(),
            });
        }
        (Some(start), Some(end)) if end < start => {
            return Err(Invalid {
                target: "endDateTime".into(),
                message: "endDateTime must not be earlier than startDateTime.".into(),
            });
        }
        (Some(start), Some(end)) => (start, end),
    };
    for (target, time) in [("startDateTime", start), ("endDateTime", end)] {
        if time < min_time() || time > max_time() {
            return Err(Invalid {
                target: target.into(),
                message: format!(
                    "{target} must fall between 0001-01-01 and 9999-12-31 in UTC (with the default one-hour length)."
                ),
            });
        }
    }
    Ok((start, end))
}

/// The current time at Graph's precision (100 ns ticks).
pub(crate) fn now() -> DateTime<Utc> {
    let now = Utc::now();
    let nanos = now.nanosecond() % 1_000_000_000;
    now.with_nanosecond(nanos - nanos % 100).unwrap_or(now)
}

/// UTC with `Z` and always 7 fraction digits, as Graph writes creationDateTime.
pub(crate) fn graph_time(time: DateTime<Utc>) -> String {
    format!(
        "{}.{:07}Z",
        time.format("%Y-%m-%dT%H:%M:%S"),
        (time.nanosecond() % 1_000_000_000) / 100
    )
}

/// Everything that goes into a new meeting.
pub(crate) struct NewMeeting<'a> {
    /// `beta` or `v1.0`, for @odata.context.
    pub api_version: &'a str,
    pub owner: &'a Owner,
    pub request: &'a CreateRequest,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub created: DateTime<Utc>,
}

impl NewMeeting<'_> {
    /// The JSON body of the meeting; it is stored and sent as these exact bytes.
    pub fn to_json(&self) -> Vec<u8> {
        let tenant = &self.owner.tenant;
        let organizer_id = self.owner.object_id();

        // A channel meeting lives in the given thread under a fresh message; any other
        // meeting gets a thread of its own and message "0", as in Graph's examples.
        let (thread_id, message_id) = match &self.request.chat_thread_id {
            Some(thread) => (thread.clone(), next_channel_message_id().to_string()),
            None => {
                let seed = Uuid::new_v4().hyphenated().to_string();
                let thread = format!(
                    "19:meeting_{}@thread.v2",
                    base64(seed.as_bytes()).trim_end_matches('=')
                );
                (thread, "0".to_owned())
            }
        };
        let id = base64(format!("1*{organizer_id}*{message_id}**{thread_id}").as_bytes());
        let context = format!(
            "{{\"Tid\":{},\"Oid\":{}}}",
            Value::from(tenant.as_str()),
            Value::from(organizer_id.as_str())
        );
        let join_web_url = format!(
            "https://teams.microsoft.com/l/meetup-join/{}/{}?context={}",
            percent_encode(&thread_id),
            message_id,
            percent_encode(&context)
        );
        let meeting_options_web_url = format!(
            "https://teams.microsoft.com/meetingOptions/?organizerId={}&tenantId={}&threadId={}&messageId={}&language=en-US",
            organizer_id,
            percent_encode(tenant),
            percent_encode(&thread_id),
            message_id
        );

        let conference_id = random_digits(9);
        let join_meeting_id = random_digits(12);
        let passcode = random_passcode(6);
        let dial_in_id = Uuid::new_v5(&USER_NAMESPACE, tenant.as_bytes());
        let join_html = format!(
            "<div>You have been invited to a Microsoft Teams meeting</div>\
             <div><a href=\"{}\">Join the meeting now</a></div>\
             <div>Meeting ID: {} Passcode: {}</div>\
             <div>Or call in (audio only): +1 425-555-0100,,{}# (Phone Conference ID: {}#)</div>",
            html_escape(&join_web_url),
            group_digits(&join_meeting_id),
            passcode,
            conference_id,
            conference_id
        );

        let organizer = json!({
            "upn": self.owner.upn(),
            "role": "presenter",
            "identity": {
                "user": {
                    "id": organizer_id,
                    "displayName": null,
                    "tenantId": tenant,
                    "identityProvider": "AAD"
                }
            }
        });
        let attendees: Vec<Value> = self.request.attendees.iter().map(attendee).collect();

        let meeting = OnlineMeeting {
            odata_context: format!(
                "https://graph.microsoft.com/{}/$metadata#microsoft.graph.onlineMeeting",
                self.api_version
            ),
            id,
            creation_date_time: graph_time(self.created),
            start_date_time: graph_time(self.start),
            end_date_time: graph_time(self.end),
            expiry_date_time: graph_time(
                self.end
                    .checked_add_signed(Duration::days(60))
                    .unwrap_or_else(max_time)
                    .min(max_time()),
            ),
            join_url: &join_web_url,
            join_web_url: &join_web_url,
            meeting_options_web_url,
            subject: self.request.subject.as_deref(),
            is_broadcast: false,
            auto_admitted_users: "everyoneInCompany",
            is_entry_exit_announced: true,
            allowed_presenters: "everyone",
            allowed_lobby_admitters: "organizerAndCoOrganizersAndPresenters",
            allow_meeting_chat: "enabled",
            share_meeting_chat_history_default: "none",
            allow_live_share: "enabled",
            allow_attendee_to_enable_camera: true,
            allow_attendee_to_enable_mic: true,
            allow_breakout_rooms: true,
            allow_copying_and_sharing_meeting_content: true,
            allow_participants_to_change_name: false,
            allow_power_point_sharing: true,
            allow_recording: true,
            allow_teamwork_reactions: true,
            allow_transcription: true,
            allow_whiteboard: true,
            is_end_to_end_encryption_enabled: false,
            record_automatically: false,
            anonymize_identity_for_roles: [],
            capabilities: [],
            video_teleconference_id: random_digits(10),
            external_id: &self.request.external_id,
            meeting_type: "meetnow",
            meeting_spoken_language_tag: None,
            meeting_template_id: None,
            broadcast_settings: None,
            chat_restrictions: None,
            cloud_video_interop_info: None,
            sensitivity_label_assignment: None,
            watermark_protection: None,
            audio_conferencing: json!({
                "conferenceId": conference_id,
                "tollNumber": "+1 425-555-0100",
                "tollFreeNumber": "+1 800-555-0100",
                "tollNumbers": ["+1 425-555-0100"],
                "tollFreeNumbers": ["+1 800-555-0100"],
                "dialinUrl": format!("https://dialin.teams.microsoft.com/{dial_in_id}?id={conference_id}"),
            }),
            participants: json!({
                "organizer": organizer,
                "attendees": attendees,
                "producers": [],
                "contributors": [],
            }),
            lobby_bypass_settings: json!({"scope": "organization", "isDialInBypassEnabled": false}),
            join_meeting_id_settings: json!({
                "isPasscodeRequired": true,
                "joinMeetingId": join_meeting_id,
                "passcode": passcode,
            }),
            join_information: json!({
                "content": format!("data:text/html,{}", percent_encode(&join_html)),
                "contentType": "html",
            }),
            chat_info: json!({
                "threadId": thread_id,
                "messageId": message_id,
                "replyChainMessageId": null,
            }),
        };
        // Only strings, numbers and serde_json values: serialising cannot fail.
        serde_json::to_vec(&meeting).unwrap_or_default()
    }
}

/// An attendee as Graph echoes it: upn, role (null when not sent) and identity as given.
fn attendee(sent: &Value) -> Value {
    let mut out = Map::new();
    for key in ["upn", "role", "identity"] {
        out.insert(
            key.to_owned(),
            sent.get(key).cloned().unwrap_or(Value::Null),
        );
    }
    Value::Object(out)
}

/// Field order follows Graph's payloads; unknown-to-the-spec `autoAdmittedUsers` and
/// `joinUrl` are sent on purpose, as Graph does, so clients meet open types.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OnlineMeeting<'a> {
    #[serde(rename = "@odata.context")]
    odata_context: String,
    id: String,
    creation_date_time: String,
    start_date_time: String,
    end_date_time: String,
    expiry_date_time: String,
    join_url: &'a str,
    join_web_url: &'a str,
    meeting_options_web_url: String,
    subject: Option<&'a str>,
    is_broadcast: bool,
    auto_admitted_users: &'static str,
    is_entry_exit_announced: bool,
    allowed_presenters: &'static str,
    allowed_lobby_admitters: &'static str,
    allow_meeting_chat: &'static str,
    share_meeting_chat_history_default: &'static str,
    allow_live_share: &'static str,
    allow_attendee_to_enable_camera: bool,
    allow_attendee_to_enable_mic: bool,
    allow_breakout_rooms: bool,
    allow_copying_and_sharing_meeting_content: bool,
    allow_participants_to_change_name: bool,
    allow_power_point_sharing: bool,
    allow_recording: bool,
    allow_teamwork_reactions: bool,
    allow_transcription: bool,
    allow_whiteboard: bool,
    is_end_to_end_encryption_enabled: bool,
    record_automatically: bool,
    anonymize_identity_for_roles: [&'static str; 0],
    capabilities: [&'static str; 0],
    video_teleconference_id: String,
    external_id: &'a str,
    meeting_type: &'static str,
    meeting_spoken_language_tag: Option<&'static str>,
    meeting_template_id: Option<&'static str>,
    broadcast_settings: Option<Value>,
    chat_restrictions: Option<Value>,
    cloud_video_interop_info: Option<Value>,
    sensitivity_label_assignment: Option<Value>,
    watermark_protection: Option<Value>,
    audio_conferencing: Value,
    participants: Value,
    lobby_bypass_settings: Value,
    join_meeting_id_settings: Value,
    join_information: Value,
    chat_info: Value,
}

/// Channel meetings get a message id like Graph's (epoch milliseconds), unique within the process.
fn next_channel_message_id() -> u64 {
    static LAST: AtomicU64 = AtomicU64::new(0);
    let now_ms = u64::try_from(Utc::now().timestamp_millis()).unwrap_or(0);
    let previous = LAST
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |last| {
            Some(now_ms.max(last + 1))
        })
        .unwrap_or(0);
    now_ms.max(previous + 1)
}

fn random_u128() -> u128 {
    // uuid's v4 generator is the one source of randomness, to keep dependencies few.
    Uuid::new_v4().as_u128()
}

fn random_digits(count: usize) -> String {
    let mut n = random_u128();
    let mut out = String::with_capacity(count);
    for i in 0..count {
        // No leading zero, so the number reads like Graph's.
        let digit = if i == 0 { 1 + n % 9 } else { n % 10 };
        n /= 10;
        out.push(char::from(b'0' + digit as u8));
    }
    out
}

fn random_passcode(count: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut n = random_u128();
    (0..count)
        .map(|_| {
            let c = ALPHABET[(n % ALPHABET.len() as u128) as usize];
            n /= ALPHABET.len() as u128;
            char::from(c)
        })
        .collect()
}

fn group_digits(digits: &str) -> String {
    digits
        .as_bytes()
        .chunks(3)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Percent-encodes all but RFC 3986 unreserved bytes, in Graph's lower-case hex.
pub(crate) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02x}"));
        }
    }
    out
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Standard base64 with padding, as Graph's meeting ids are.
pub(crate) fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(TABLE[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn times_have_seven_digits_and_z() {
        let t = crate::request::parse_date_time("2020-02-06T01:49:21+02:00").unwrap();
        assert_eq!(graph_time(t), "2020-02-05T23:49:21.0000000Z");
        assert_eq!(graph_time(max_time()), "9999-12-31T23:59:59.9999999Z");
        assert_eq!(graph_time(min_time()), "0001-01-01T00:00:00.0000000Z");
    }

    #[test]
    fn schedule_applies_the_documented_rules() {
        let t = |s: &str| crate::request::parse_date_time(s).unwrap();
        let now = t("2024-01-01T00:00:00Z");
        assert_eq!(
            schedule(None, None, now).unwrap(),
            (now, t("2024-01-01T01:00:00Z"))
        );
        assert_eq!(
            schedule(Some(now), None, t("2030-01-01T00:00:00Z")).unwrap(),
            (now, t("2024-01-01T01:00:00Z"))
        );
        assert!(schedule(None, Some(now), now).is_err());
        assert!(schedule(Some(now), Some(t("2023-12-31T23:59:59Z")), now).is_err());
        assert!(schedule(Some(now), Some(now), now).is_ok());
        assert!(schedule(Some(t("9999-12-31T23:30:00Z")), None, now).is_err());
        assert!(schedule(Some(t("0001-01-01T00:00:00+01:00")), None, now).is_err());
    }

    #[test]
    fn owners_get_stable_object_ids() {
        let alice = Owner {
            tenant: "t".into(),
            user: "Alice@Contoso.com".into(),
        };
        let alice_lower = Owner {
            tenant: "t".into(),
            user: "alice@contoso.com".into(),
        };
        assert_eq!(alice.object_id(), alice_lower.object_id());
        assert_eq!(alice.upn(), Some("Alice@Contoso.com"));
        let by_id = Owner {
            tenant: "t".into(),
            user: "1F35F2E6-9CAB-44AD-8D5A-B74C14720000".into(),
        };
        assert_eq!(by_id.object_id(), "1f35f2e6-9cab-44ad-8d5a-b74c14720000");
        assert_eq!(by_id.upn(), None);
    }
}
