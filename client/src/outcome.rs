//! What createOrGet answered: a new meeting, or the one already stored.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::types::OnlineMeeting;

/// Created (201) or found (200, or any other 2XX). Both carry the whole
/// meeting, boxed: it is large (about 1.5 KB), and a box keeps every later
/// move of the outcome a pointer copy.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Graph created the meeting on this call.
    Created(Box<OnlineMeeting>),
    /// A meeting already existed under the externalId (200, or another
    /// 2XX); it is returned unchanged and the call's other fields were
    /// ignored.
    Existing(Box<OnlineMeeting>),
}

impl Outcome {
    /// The meeting, either way.
    pub fn meeting(&self) -> &OnlineMeeting {
        match self {
            Outcome::Created(m) | Outcome::Existing(m) => m,
        }
    }

    /// The meeting, owned.
    pub fn into_meeting(self) -> OnlineMeeting {
        match self {
            Outcome::Created(m) | Outcome::Existing(m) => *m,
        }
    }

    /// Whether this call created the meeting.
    pub fn was_created(&self) -> bool {
        matches!(self, Outcome::Created(_))
    }
}

/// A successful createOrGet: the outcome plus what the HTTP answer said.
#[derive(Clone, Debug)]
pub struct MeetingResponse {
    outcome: Outcome,
    status: StatusCode,
    headers: HeaderMap,
    attempts: u32,
}

impl MeetingResponse {
    pub(crate) fn new(
        outcome: Outcome,
        status: StatusCode,
        headers: HeaderMap,
        attempts: u32,
    ) -> Self {
        Self {
            outcome,
            status,
            headers,
            attempts,
        }
    }

    /// Created or existing.
    pub fn outcome(&self) -> &Outcome {
        &self.outcome
    }

    /// Created or existing, owned.
    pub fn into_outcome(self) -> Outcome {
        self.outcome
    }

    /// The meeting.
    pub fn meeting(&self) -> &OnlineMeeting {
        self.outcome.meeting()
    }

    /// The meeting, owned.
    pub fn into_meeting(self) -> OnlineMeeting {
        self.outcome.into_meeting()
    }

    /// Whether this call created the meeting (201) rather than finding it (200).
    pub fn was_created(&self) -> bool {
        self.outcome.was_created()
    }

    /// The HTTP status: 201 or 200.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Graph's `request-id` header, to quote to Microsoft support.
    pub fn request_id(&self) -> Option<&str> {
        self.header("request-id")
    }

    /// The `client-request-id` Graph echoed.
    pub fn client_request_id(&self) -> Option<&str> {
        self.header("client-request-id")
    }

    /// All response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// HTTP attempts the call took (more than 1 after retries).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}
