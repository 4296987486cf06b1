//! The one error type of the client.
//!
//! Each message is one line that ends in the root cause, so that printing
//! the error alone says what went wrong. `source()` continues the chain
//! below what the message already says: a cause whose text the message
//! quotes whole (a validation rule, a token source's message, a JSON parse
//! error) is in the variant, not repeated by `source()`; a transport
//! failure, which the message names in its own words, keeps reqwest's error
//! as its source.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;

use crate::auth::TokenError;
use crate::challenge::{ChallengeFailure, ClaimsChallenge};
use crate::transport::{RootCause, origin};
use crate::types;

/// Everything that can go wrong with a createOrGet call.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The request broke a documented rule; nothing was sent.
    Validation(ValidationError),
    /// Graph answered with an error body.
    Graph(Box<GraphError>),
    /// The token source failed; nothing was sent.
    Auth(TokenError),
    /// No complete answer arrived within the configured timeout.
    Timeout(reqwest::Error),
    /// The connection failed, or the response body broke off (a truncated
    /// body is reported here, never passed on as a shorter one).
    Transport(reqwest::Error),
    /// Graph answered with a status the spec does not declare.
    #[non_exhaustive]
    UnexpectedStatus {
        /// The HTTP status.
        status: StatusCode,
        /// Graph's `request-id` header, if any.
        request_id: Option<String>,
        /// The raw body as received.
        body: Bytes,
    },
    /// A declared status whose body is not what the spec says; the raw body
    /// is kept.
    #[non_exhaustive]
    InvalidBody {
        /// The HTTP status, when known.
        status: Option<StatusCode>,
        /// Graph's `request-id` header, if any.
        request_id: Option<String>,
        /// The raw body as received.
        body: Bytes,
        /// Why it did not parse.
        parse_error: serde_json::Error,
    },
    /// Graph answered 401 with a claims challenge that the client could not
    /// satisfy: it asked the token source again and the new token was
    /// challenged too, or its token cannot be renewed.
    #[non_exhaustive]
    ClaimsChallenge {
        /// The last challenge: its claims and the `WWW-Authenticate` header.
        challenge: ClaimsChallenge,
        /// Why it ended the call.
        failure: ChallengeFailure,
        /// The 401's Graph error, when its body was one.
        graph: Option<Box<GraphError>>,
    },
    /// The client was configured wrongly (for example a malformed base URL).
    Config(String),
}

impl Error {
    /// The HTTP status, if a response was received.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Graph(e) => Some(e.status),
            Error::ClaimsChallenge { .. } => Some(StatusCode::UNAUTHORIZED),
            Error::UnexpectedStatus { status, .. } => Some(*status),
            Error::InvalidBody { status, .. } => *status,
            Error::Timeout(e) | Error::Transport(e) => e.status(),
            _ => None,
        }
    }

    /// The Graph error, if Graph answered with one.
    pub fn graph(&self) -> Option<&GraphError> {
        match self {
            Error::Graph(e) => Some(e),
            Error::ClaimsChallenge { graph, .. } => graph.as_deref(),
            _ => None,
        }
    }

    /// Graph's `request-id` for this failure, to quote to Microsoft support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Graph(e) => e.request_id.as_deref(),
            Error::ClaimsChallenge { graph, .. } => graph.as_ref()?.request_id.as_deref(),
            Error::UnexpectedStatus { request_id, .. } | Error::InvalidBody { request_id, .. } => {
                request_id.as_deref()
            }
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation(e) => write!(f, "invalid request, not sent: {e}"),
            Error::Graph(e) => fmt::Display::fmt(e, f),
            Error::Auth(e) => write!(f, "could not get an access token: {e}"),
            Error::Timeout(e) => {
                if e.is_connect() {
                    write!(f, "timed out connecting to {}", origin(e))
                } else {
                    write!(
                        f,
                        "timed out: no complete answer from {} within the timeout",
                        origin(e)
                    )
                }
            }
            Error::Transport(e) => {
                let cause = RootCause::of(e);
                if e.is_body() || e.is_decode() {
                    write!(
                        f,
                        "the response body from {} could not be read completely: {cause}",
                        origin(e)
                    )
                } else {
                    write!(f, "could not reach {}: {cause}", origin(e))
                }
            }
            Error::UnexpectedStatus {
                status, request_id, ..
            } => {
                write!(f, "Graph answered with unexpected status {status}")?;
                write_request_id(f, request_id.as_deref())
            }
            Error::InvalidBody {
                status,
                request_id,
                body,
                parse_error,
            } => {
                write!(f, "Graph's response")?;
                if let Some(status) = status {
                    write!(f, " ({status})")?;
                }
                write!(
                    f,
                    " is not a valid body ({} bytes): {parse_error}",
                    body.len()
                )?;
                write_request_id(f, request_id.as_deref())
            }
            Error::ClaimsChallenge { failure, graph, .. } => {
                write!(
                    f,
                    "Graph asked for a token with more claims (401 insufficient_claims): {failure}"
                )?;
                write_request_id(f, graph.as_ref().and_then(|g| g.request_id.as_deref()))
            }
            Error::Config(message) => write!(f, "invalid client configuration: {message}"),
        }
    }
}

fn write_request_id(f: &mut fmt::Formatter<'_>, request_id: Option<&str>) -> fmt::Result {
    match request_id {
        Some(id) => write!(f, " (request-id {id})"),
        None => Ok(()),
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            // The message quoted the token source's; its cause comes next.
            Error::Auth(e) => std::error::Error::source(e),
            Error::Timeout(e) | Error::Transport(e) => Some(e),
            // Validation and InvalidBody quote their cause whole.
            _ => None,
        }
    }
}

impl From<ValidationError> for Error {
    fn from(e: ValidationError) -> Self {
        Error::Validation(e)
    }
}

/// An error answer from Graph, with what support and retry logic need.
///
/// Its fields are read directly; it is `#[non_exhaustive]` so that a field
/// added later is not a breaking change.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct GraphError {
    /// The HTTP status.
    pub status: StatusCode,
    /// `error.code`: code against this, never against the message.
    pub code: String,
    /// `error.message`, for people.
    pub message: String,
    /// `error.target`.
    pub target: Option<String>,
    /// `error.details`.
    pub details: Vec<types::ErrorDetails>,
    /// `request-id`, from `innerError` or else the response header.
    pub request_id: Option<String>,
    /// `client-request-id`, from `innerError` or else the response header.
    pub client_request_id: Option<String>,
    /// `innerError.date`, as sent: often not RFC 3339.
    pub date: Option<String>,
    /// The `Retry-After` the response carried, if any.
    pub retry_after: Option<Duration>,
    /// How many HTTP attempts the call made before giving up.
    pub attempts: u32,
    /// The whole error body, including properties not named above.
    pub body: types::OdataError,
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Graph returned {} {}: {}",
            self.status, self.code, self.message
        )?;
        if let Some(target) = &self.target {
            write!(f, " (target: {target})")?;
        }
        for detail in &self.details {
            write!(f, "; {}: {}", detail.code, detail.message)?;
        }
        write_request_id(f, self.request_id.as_deref())?;
        if let Some(date) = &self.date {
            write!(f, " at {date}")?;
        }
        if self.attempts > 1 {
            write!(f, " after {} attempts", self.attempts)?;
        }
        Ok(())
    }
}

impl std::error::Error for GraphError {}

/// A request that breaks one of createOrGet's documented rules.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValidationError {
    /// `externalId` is missing or blank.
    EmptyExternalId,
    /// `endDateTime` is given without `startDateTime`.
    EndWithoutStart,
    /// `endDateTime` is earlier than `startDateTime`.
    #[non_exhaustive]
    EndBeforeStart {
        /// The start, as it would be sent.
        start: chrono::DateTime<chrono::Utc>,
        /// The end, as it would be sent.
        end: chrono::DateTime<chrono::Utc>,
    },
    /// A participant's role is `unknownFutureValue`, which only Graph may send.
    #[non_exhaustive]
    UnknownFutureValueRole {
        /// Where, such as `participants.attendees[2].role`.
        location: String,
    },
    /// The user id of `/users/{userId}` is blank.
    EmptyUserId,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValidationError::EmptyExternalId => {
                f.write_str("externalId is required and must not be empty")
            }
            ValidationError::EndWithoutStart => f.write_str(
                "endDateTime is set but startDateTime is not; give both, or only a start",
            ),
            ValidationError::EndBeforeStart { start, end } => write!(
                f,
                "endDateTime {} is earlier than startDateTime {}",
                end.to_rfc3339(),
                start.to_rfc3339()
            ),
            ValidationError::UnknownFutureValueRole { location } => write!(
                f,
                "{location} is unknownFutureValue, a placeholder only Graph may send; choose a real role"
            ),
            ValidationError::EmptyUserId => f.write_str("the user id must not be empty"),
        }
    }
}

impl std::error::Error for ValidationError {}
