//! The createOrGet request: a short builder for the common case, and the
//! validation of the documented rules before anything is sent.

use chrono::{DateTime, Utc};

use crate::error::ValidationError;
use crate::types;

/// What to create, or to look up by its external ID.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use graph_online_meetings::{Attendee, AttendeeRole, MeetingRequest};
///
/// let request = MeetingRequest::new("sprint-review-42")
///     .subject("Sprint review")
///     .start(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap())
///     .end(Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap())
///     .attendee(Attendee::upn("adele@contoso.com").role(AttendeeRole::Presenter))
///     .attendee(Attendee::user_id("1f35f2e6-9cab-44ad-8d5a-b74c14720000"));
/// assert!(request.validate().is_ok());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct MeetingRequest {
    body: types::CreateOrGetOnlineMeetingRequest,
}

impl MeetingRequest {
    /// A request for the meeting known by `external_id`. Without times, Graph
    /// starts the meeting now and ends it an hour later.
    pub fn new(external_id: impl Into<String>) -> Self {
        Self {
            body: types::CreateOrGetOnlineMeetingRequest {
                external_id: external_id.into(),
                subject: None,
                start_date_time: None,
                end_date_time: None,
                participants: None,
                chat_info: None,
            },
        }
    }

    /// Full control: any body the generated type can hold. It is validated
    /// like the others before it is sent.
    pub fn from_body(body: types::CreateOrGetOnlineMeetingRequest) -> Self {
        Self { body }
    }

    /// The subject.
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.body.subject = Some(subject.into());
        self
    }

    /// The start. With a start and no end, Graph ends the meeting an hour
    /// after the start.
    pub fn start(mut self, start: DateTime<Utc>) -> Self {
        self.body.start_date_time = Some(start);
        self
    }

    /// The end; needs a start, and must not be earlier than it.
    pub fn end(mut self, end: DateTime<Utc>) -> Self {
        self.body.end_date_time = Some(end);
        self
    }

    /// Adds an attendee.
    pub fn attendee(mut self, attendee: Attendee) -> Self {
        let participants = self
            .body
            .participants
            .get_or_insert_with(types::MeetingParticipants::default);
        participants
            .attendees
            .get_or_insert_with(Vec::new)
            .push(attendee.into_info());
        self
    }

    /// Attaches the meeting to an existing Teams chat or channel thread
    /// (beta only).
    pub fn chat_thread(mut self, thread_id: impl Into<String>) -> Self {
        self.body
            .chat_info
            .get_or_insert_with(types::ChatInfo::default)
            .thread_id = Some(thread_id.into());
        self
    }

    /// The body as it will be sent.
    pub fn body(&self) -> &types::CreateOrGetOnlineMeetingRequest {
        &self.body
    }

    /// Checks the documented rules: a non-blank externalId, no end without a
    /// start, no end before the start, and no `unknownFutureValue` role.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let body = &self.body;
        if body.external_id.trim().is_empty() {
            return Err(ValidationError::EmptyExternalId);
        }
        match (body.start_date_time, body.end_date_time) {
            (None, Some(_)) => return Err(ValidationError::EndWithoutStart),
            (Some(start), Some(end)) if end < start => {
                return Err(ValidationError::EndBeforeStart { start, end });
            }
            _ => {}
        }
        if let Some(participants) = &body.participants {
            check_role(participants.organizer.as_ref(), "participants.organizer")?;
            for (name, list) in [
                ("attendees", &participants.attendees),
                ("producers", &participants.producers),
                ("contributors", &participants.contributors),
            ] {
                for (index, info) in list.iter().flatten().enumerate() {
                    check_role(Some(info), &format!("participants.{name}[{index}]"))?;
                }
            }
        }
        Ok(())
    }

    pub(crate) fn into_body(self) -> types::CreateOrGetOnlineMeetingRequest {
        self.body
    }
}

fn check_role(
    info: Option<&types::MeetingParticipantInfo>,
    location: &str,
) -> Result<(), ValidationError> {
    match info.and_then(|i| i.role.as_ref()) {
        Some(types::OnlineMeetingRole::UnknownFutureValue) => {
            Err(ValidationError::UnknownFutureValueRole {
                location: format!("{location}.role"),
            })
        }
        _ => Ok(()),
    }
}

impl From<types::CreateOrGetOnlineMeetingRequest> for MeetingRequest {
    fn from(body: types::CreateOrGetOnlineMeetingRequest) -> Self {
        Self::from_body(body)
    }
}

/// A role a caller may give a participant. `unknownFutureValue` is not
/// among them: only Graph sends it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AttendeeRole {
    /// A participant who listens and watches.
    Attendee,
    /// A participant who may present.
    Presenter,
    /// A producer of a live event.
    Producer,
    /// A co-organizer.
    Coorganizer,
}

impl From<AttendeeRole> for types::OnlineMeetingRole {
    fn from(role: AttendeeRole) -> Self {
        match role {
            AttendeeRole::Attendee => Self::Attendee,
            AttendeeRole::Presenter => Self::Presenter,
            AttendeeRole::Producer => Self::Producer,
            AttendeeRole::Coorganizer => Self::Coorganizer,
        }
    }
}

/// A person invited to the meeting, by Entra object id, by user principal
/// name, or both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attendee {
    user_id: Option<String>,
    upn: Option<String>,
    role: Option<AttendeeRole>,
}

impl Attendee {
    /// An attendee by Entra (Azure AD) object id.
    pub fn user_id(id: impl Into<String>) -> Self {
        Self {
            user_id: Some(id.into()),
            upn: None,
            role: None,
        }
    }

    /// An attendee by user principal name, such as `adele@contoso.com`.
    pub fn upn(upn: impl Into<String>) -> Self {
        Self {
            user_id: None,
            upn: Some(upn.into()),
            role: None,
        }
    }

    /// Adds the user principal name to an attendee given by id.
    pub fn with_upn(mut self, upn: impl Into<String>) -> Self {
        self.upn = Some(upn.into());
        self
    }

    /// The attendee's role; Graph's default applies when none is given.
    pub fn role(mut self, role: AttendeeRole) -> Self {
        self.role = Some(role);
        self
    }

    fn into_info(self) -> types::MeetingParticipantInfo {
        types::MeetingParticipantInfo {
            identity: self.user_id.map(|id| types::IdentitySet {
                user: Some(types::Identity {
                    id: Some(id),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            upn: self.upn,
            role: self.role.map(Into::into),
            ..Default::default()
        }
    }
}
