//! Building a new onlineMeeting the way Graph shapes it, as the generated
//! `types::OnlineMeeting`, from the generated request type the client sent.

use chrono::{DateTime, Duration, TimeZone, Timelike, Utc};
use graph_online_meetings::types::{
    self, AllowedLobbyAdmitterRoles, BodyType, CreateOrGetOnlineMeetingRequest,
    MeetingChatHistoryDefaultMode, MeetingChatMode, MeetingLiveShareOptions,
    OnlineMeetingPresenters, OnlineMeetingRole, OnlineMeetingType,
};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::encode::{
    base64, group_digits, html_escape, next_channel_message_id, percent_encode, random_digits,
    random_passcode,
};
use crate::request::Invalid;

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
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// The latest instant Graph can hold: 9999-12-31T23:59:59.9999999Z.
fn max_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59)
        .single()
        .and_then(|t| t.with_nanosecond(999_999_900))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Graph's documented defaults and errors for the meeting's time range.
pub(crate) fn schedule(
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), Invalid> {
    // An hour past the end of chrono's range cannot happen with 4-digit years; if it did,
    // MAX_UTC is out of Graph's range and is reported like any other.
    let an_hour_after = |time: DateTime<Utc>| {
        time.checked_add_signed(Duration::hours(1))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    };
    let (start, end) = match (start, end) {
        (None, None) => (now, an_hour_after(now)),
        (Some(start), None) => (start, an_hour_after(start)),
        (None, Some(_)) => {
            return Err(Invalid::new(
                "endDateTime",
                "endDateTime cannot be given without startDateTime.",
            ));
        }
        (Some(start), Some(end)) if end < start => {
            return Err(Invalid::new(
                "endDateTime",
                "endDateTime must not be earlier than startDateTime.",
            ));
        }
        (Some(start), Some(end)) => (start, end),
    };
    for (target, time) in [("startDateTime", start), ("endDateTime", end)] {
        if time < min_time() || time > max_time() {
            return Err(Invalid::new(
                target,
                format!(
                    "{target} must fall between 0001-01-01 and 9999-12-31 in UTC (with the default one-hour length)."
                ),
            ));
        }
    }
    Ok((start, end))
}

/// The current time at Graph's precision (100 ns ticks).
pub(crate) fn now() -> DateTime<Utc> {
    crate::request::to_ticks(Utc::now())
}

/// Everything that goes into a new meeting.
pub(crate) struct NewMeeting<'a> {
    /// `beta` or `v1.0`, for @odata.context.
    pub api_version: &'a str,
    pub owner: &'a Owner,
    pub request: &'a CreateOrGetOnlineMeetingRequest,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub created: DateTime<Utc>,
}

/// Every property of the request that onlineMeeting also declares, carried over by name
/// through serde, so a property the spec adds to both reaches the answer by itself.
pub(crate) fn from_request(
    request: &CreateOrGetOnlineMeetingRequest,
) -> Result<types::OnlineMeeting, serde_json::Error> {
    serde_json::to_value(request).and_then(serde_json::from_value)
}

impl NewMeeting<'_> {
    /// The JSON body of the meeting; it is stored and sent as these exact bytes.
    pub fn to_json(&self) -> Result<Vec<u8>, String> {
        let meeting = self.build()?;
        serde_json::to_vec(&meeting).map_err(|e| format!("serialising the meeting: {e}"))
    }

    /// The meeting: the request's properties, then what Graph fills in itself.
    pub fn build(&self) -> Result<types::OnlineMeeting, String> {
        let tenant = &self.owner.tenant;
        let organizer_id = self.owner.object_id();
        let mut sent =
            from_request(self.request).map_err(|e| format!("request to meeting: {e}"))?;

        // A channel meeting lives in the given thread under a fresh message; any other
        // meeting gets a thread of its own and message "0", as in Graph's examples.
        let requested_thread = sent.chat_info.take().and_then(|chat| chat.thread_id);
        let (thread_id, message_id) = match requested_thread {
            Some(thread) => (thread, next_channel_message_id().to_string()),
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

        // Attendees (and any producers or contributors) as sent; the organizer is the caller.
        let mut participants = sent.participants.take().unwrap_or_default();
        participants.organizer = Some(self.organizer(&organizer_id)?);
        for list in [
            &mut participants.attendees,
            &mut participants.producers,
            &mut participants.contributors,
        ] {
            list.get_or_insert_with(Vec::new);
        }

        // Graph's onlineMeeting is open: it sends @odata.context and the deprecated
        // autoAdmittedUsers, which no schema names, so clients meet additional properties.
        let mut extra = Map::new();
        extra.insert(
            "@odata.context".to_owned(),
            Value::from(format!(
                "https://graph.microsoft.com/{}/$metadata#microsoft.graph.onlineMeeting",
                self.api_version
            )),
        );
        extra.insert(
            "autoAdmittedUsers".to_owned(),
            Value::from("everyoneInCompany"),
        );

        let audio_conferencing: types::AudioConferencing = types::AudioConferencing::builder()
            .conference_id(conference_id.clone())
            .toll_number("+1 425-555-0100".to_owned())
            .toll_free_number("+1 800-555-0100".to_owned())
            .toll_numbers(vec![Some("+1 425-555-0100".to_owned())])
            .toll_free_numbers(vec![Some("+1 800-555-0100".to_owned())])
            .dialin_url(format!(
                "https://dialin.teams.microsoft.com/{dial_in_id}?id={conference_id}"
            ))
            .try_into()
            .map_err(|e| format!("audioConferencing: {e}"))?;
        let chat_info: types::ChatInfo = types::ChatInfo::builder()
            .thread_id(thread_id)
            .message_id(message_id)
            .try_into()
            .map_err(|e| format!("chatInfo: {e}"))?;
        let lobby_bypass_settings: types::LobbyBypassSettings =
            types::LobbyBypassSettings::builder()
                .scope(types::LobbyBypassScope::Organization)
                .is_dial_in_bypass_enabled(false)
                .try_into()
                .map_err(|e| format!("lobbyBypassSettings: {e}"))?;
        let join_meeting_id_settings: types::JoinMeetingIdSettings =
            types::JoinMeetingIdSettings::builder()
                .is_passcode_required(true)
                .join_meeting_id(join_meeting_id)
                .passcode(passcode)
                .try_into()
                .map_err(|e| format!("joinMeetingIdSettings: {e}"))?;
        let join_information: types::ItemBody = types::ItemBody::builder()
            .content(format!("data:text/html,{}", percent_encode(&join_html)))
            .content_type(BodyType::Html)
            .try_into()
            .map_err(|e| format!("joinInformation: {e}"))?;
        let expiry = self
            .end
            .checked_add_signed(Duration::days(60))
            .unwrap_or_else(max_time)
            .min(max_time());

        types::builder::OnlineMeeting::from(sent)
            .id(id)
            .external_id(self.request.external_id.clone())
            .creation_date_time(self.created)
            .start_date_time(self.start)
            .end_date_time(self.end)
            .expiry_date_time(expiry)
            .join_url(join_web_url.clone())
            .join_web_url(join_web_url)
            .meeting_options_web_url(meeting_options_web_url)
            .video_teleconference_id(random_digits(10))
            .is_broadcast(false)
            .is_entry_exit_announced(true)
            .allowed_presenters(OnlineMeetingPresenters::Everyone)
            .allowed_lobby_admitters(
                AllowedLobbyAdmitterRoles::OrganizerAndCoOrganizersAndPresenters,
            )
            .allow_meeting_chat(MeetingChatMode::Enabled)
            .share_meeting_chat_history_default(MeetingChatHistoryDefaultMode::None)
            .allow_live_share(MeetingLiveShareOptions::Enabled)
            .allow_attendee_to_enable_camera(true)
            .allow_attendee_to_enable_mic(true)
            .allow_breakout_rooms(true)
            .allow_copying_and_sharing_meeting_content(true)
            .allow_participants_to_change_name(false)
            .allow_power_point_sharing(true)
            .allow_recording(true)
            .allow_teamwork_reactions(true)
            .allow_transcription(true)
            .allow_whiteboard(true)
            .is_end_to_end_encryption_enabled(false)
            .record_automatically(false)
            .anonymize_identity_for_roles(Vec::new())
            .capabilities(Vec::new())
            .meeting_type(OnlineMeetingType::Meetnow)
            .audio_conferencing(audio_conferencing)
            .participants(participants)
            .lobby_bypass_settings(lobby_bypass_settings)
            .join_meeting_id_settings(join_meeting_id_settings)
            .join_information(join_information)
            .chat_info(chat_info)
            .extra(extra)
            .try_into()
            .map_err(|e: types::error::ConversionError| format!("onlineMeeting: {e}"))
    }

    /// The caller as organizer: presenter, with the directory properties Graph adds to
    /// an identity (tenantId, identityProvider), which no schema names.
    fn organizer(&self, organizer_id: &str) -> Result<types::MeetingParticipantInfo, String> {
        let mut directory = Map::new();
        directory.insert(
            "tenantId".to_owned(),
            Value::from(self.owner.tenant.as_str()),
        );
        directory.insert("identityProvider".to_owned(), Value::from("AAD"));
        let user: types::Identity = types::Identity::builder()
            .id(organizer_id.to_owned())
            .extra(directory)
            .try_into()
            .map_err(|e| format!("organizer identity: {e}"))?;
        let identity: types::IdentitySet = types::IdentitySet::builder()
            .user(user)
            .try_into()
            .map_err(|e| format!("organizer identity set: {e}"))?;
        types::MeetingParticipantInfo::builder()
            .upn(self.owner.upn().map(str::to_owned))
            .role(OnlineMeetingRole::Presenter)
            .identity(identity)
            .try_into()
            .map_err(|e| format!("organizer: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    #[test]
    fn schedule_applies_the_documented_rules() {
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

    /// Every property the generated request type serialises, and onlineMeeting declares,
    /// lands in the meeting, without a list of them here: a property the spec adds to
    /// both is covered by this test as soon as it is generated.
    #[test]
    fn every_request_property_the_meeting_declares_is_carried_over() {
        let request: CreateOrGetOnlineMeetingRequest = serde_json::from_str(
            r#"{"externalId":"x","subject":"s","startDateTime":"2020-02-06T01:49:21Z",
                "endDateTime":"2020-02-06T02:49:21Z",
                "participants":{"attendees":[{"upn":"a@contoso.com","role":"attendee"}]},
                "chatInfo":{"threadId":"19:t@thread.tacv2","messageId":"1"}}"#,
        )
        .unwrap();
        let sent = serde_json::to_value(&request).unwrap();
        let meeting = serde_json::to_value(from_request(&request).unwrap()).unwrap();
        let sent = sent.as_object().unwrap();
        assert!(
            sent.len() >= 6,
            "the fixture sends every property: {sent:?}"
        );
        for (name, value) in sent {
            assert_eq!(meeting.get(name), Some(value), "{name} is carried over");
        }
        let extra = from_request(&request).unwrap().extra;
        assert!(
            extra.is_empty(),
            "onlineMeeting declares them all: {extra:?}"
        );
    }
}
