//! One createOrGet call: validation, the generated call inside the hooks'
//! record, and the mapping of its result to the outcome or the error.

use std::future::IntoFuture;

use progenitor_client::ClientInfo as _;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName};

use crate::auth::BoxFuture;
use crate::client::OnlineMeetingsClient;
use crate::error::{Error, GraphError, ValidationError};
use crate::hooks::{CLIENT_REQUEST_ID, CallRecord, recorded};
use crate::outcome::{MeetingResponse, Outcome};
use crate::request::MeetingRequest;
use crate::{trace, types};

use tracing::Instrument as _;

const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");

/// Whose meeting: the signed-in user's, or a given user's.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    Me,
    User(String),
}

/// One createOrGet call; `.await` it (or call [`CreateOrGet::send`]).
#[derive(Debug)]
#[must_use = "a createOrGet call does nothing until it is awaited"]
pub struct CreateOrGet<'a> {
    client: &'a OnlineMeetingsClient,
    target: Target,
    request: MeetingRequest,
    client_request_id: Option<String>,
}

impl<'a> CreateOrGet<'a> {
    pub(crate) fn new(
        client: &'a OnlineMeetingsClient,
        target: Target,
        request: MeetingRequest,
    ) -> Self {
        Self {
            client,
            target,
            request,
            client_request_id: None,
        }
    }

    /// Correlates the call with your own id (a GUID); by default a new UUID
    /// is sent. Every retry of the call sends the same id.
    pub fn client_request_id(mut self, id: impl Into<String>) -> Self {
        self.client_request_id = Some(id.into());
        self
    }

    /// Validates the request, then sends it, retrying as the policy says.
    ///
    /// The same as awaiting the call directly.
    ///
    /// ```no_run
    /// # async fn run(client: graph_online_meetings::OnlineMeetingsClient) -> Result<(), graph_online_meetings::Error> {
    /// use graph_online_meetings::MeetingRequest;
    ///
    /// let call = client.create_or_get_for_me(MeetingRequest::new("retro-12")).send();
    /// let response = call.await?;
    /// println!("attempts: {}", response.attempts());
    /// # Ok(()) }
    /// ```
    pub fn send(self) -> BoxFuture<'a, Result<MeetingResponse, Error>> {
        let span = trace::call_span(&self.client.inner.inner().labels, &self.target);
        if let Err(invalid) = self.validate() {
            let result = Err(Error::Validation(invalid));
            trace::record_result(&span, &result, 0);
            return Box::pin(std::future::ready(result));
        }
        let generated = &self.client.inner;
        let body = self.request.into_body();
        let client_request_id = self.client_request_id;
        // One allocation per call: the generated call's future lives inside
        // this one, and only small values cross its await points.
        let recorder = span.clone();
        let call = async move {
            let call = async move {
                match self.target {
                    Target::Me => {
                        let call = generated.create_or_get_my_online_meeting().body(body);
                        match client_request_id {
                            Some(id) => call.client_request_id(id).send().await,
                            None => call.send().await,
                        }
                    }
                    Target::User(user_id) => {
                        let call = generated
                            .create_or_get_user_online_meeting()
                            .user_id(user_id)
                            .body(body);
                        match client_request_id {
                            Some(id) => call.client_request_id(id).send().await,
                            None => call.send().await,
                        }
                    }
                }
            };
            let (result, record) = recorded(call).await;
            let attempts = record.attempts;
            let result = match finish(result, record) {
                Finished::Done(result) => result,
                Finished::UnlistedStatus(response, headers) => {
                    Err(unexpected_status(response, headers).await)
                }
            };
            trace::record_result(&recorder, &result, attempts);
            result
        };
        // Without a subscriber that wants the span, the future is boxed as
        // it is: wrapping it would move its few kilobytes once more per call.
        if span.is_disabled() {
            Box::pin(call)
        } else {
            Box::pin(call.instrument(span))
        }
    }

    fn validate(&self) -> Result<(), ValidationError> {
        self.request.validate()?;
        match &self.target {
            Target::User(user_id) if user_id.trim().is_empty() => Err(ValidationError::EmptyUserId),
            _ => Ok(()),
        }
    }
}

impl<'a> IntoFuture for CreateOrGet<'a> {
    type Output = Result<MeetingResponse, Error>;
    type IntoFuture = BoxFuture<'a, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        self.send()
    }
}

/// The generated call's result, mapped without waiting on anything; only a
/// status the spec does not list still has a body to read.
enum Finished {
    Done(Result<MeetingResponse, Error>),
    UnlistedStatus(reqwest::Response, HeaderMap),
}

/// Maps the generated call's result; `record.headers` are the final
/// answer's headers (the `ResponseValue`'s own are empty, see `exec`).
fn finish(
    result: Result<
        progenitor_client::ResponseValue<types::OnlineMeeting>,
        progenitor_client::Error<types::OdataError>,
    >,
    mut record: CallRecord,
) -> Finished {
    use progenitor_client::Error as Raw;
    // A token source that failed after a claims challenge leaves the 401.
    if let Some(err) = record.auth_error.take() {
        return Finished::Done(Err(Error::Auth(err)));
    }
    if let Some((challenge, failure)) = record.challenge.take() {
        let graph = match result {
            Err(Raw::ErrorResponse(value)) => Some(Box::new(graph_error(
                value.status(),
                &record.headers,
                value.into_inner(),
                record.attempts,
            ))),
            _ => None,
        };
        return Finished::Done(Err(Error::ClaimsChallenge {
            challenge,
            failure,
            graph,
        }));
    }
    Finished::Done(match result {
        Ok(value) => {
            let status = value.status();
            let meeting = Box::new(value.into_inner());
            let outcome = if status == StatusCode::CREATED {
                Outcome::Created(meeting)
            } else {
                Outcome::Existing(meeting)
            };
            Ok(MeetingResponse::new(
                outcome,
                status,
                record.headers,
                record.attempts,
            ))
        }
        Err(Raw::ErrorResponse(value)) => Err(Error::Graph(Box::new(graph_error(
            value.status(),
            &record.headers,
            value.into_inner(),
            record.attempts,
        )))),
        Err(Raw::InvalidResponsePayload(body, parse_error)) => Err(Error::InvalidBody {
            status: record.last_status,
            request_id: header_text(&record.headers, &REQUEST_ID),
            body,
            parse_error,
        }),
        Err(Raw::UnexpectedResponse(response)) => {
            return Finished::UnlistedStatus(response, record.headers);
        }
        Err(Raw::CommunicationError(e) | Raw::ResponseBodyError(e) | Raw::InvalidUpgrade(e)) => {
            Err(transport(e))
        }
        // The pre-hook fails only for want of a token, and records why
        // (taken above).
        Err(Raw::Custom(message)) => Err(Error::Config(message)),
        Err(Raw::InvalidRequest(message)) => Err(Error::Config(message)),
    })
}

/// A status the spec does not list: the body is kept whole for the caller.
async fn unexpected_status(response: reqwest::Response, headers: HeaderMap) -> Error {
    let status = response.status();
    let request_id = header_text(&headers, &REQUEST_ID);
    match response.bytes().await {
        Ok(body) => Error::UnexpectedStatus {
            status,
            request_id,
            body,
        },
        Err(e) => transport(e),
    }
}

fn header_text(headers: &HeaderMap, name: &HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn transport(e: reqwest::Error) -> Error {
    if e.is_timeout() {
        Error::Timeout(e)
    } else {
        Error::Transport(e)
    }
}

fn graph_error(
    status: StatusCode,
    headers: &HeaderMap,
    body: types::OdataError,
    attempts: u32,
) -> GraphError {
    let main = &body.error;
    let inner = main.inner_error.as_ref();
    GraphError {
        status,
        code: main.code.clone(),
        message: main.message.clone(),
        target: main.target.clone(),
        details: main.details.clone().unwrap_or_default(),
        request_id: inner
            .and_then(|i| i.request_id.clone())
            .or_else(|| header_text(headers, &REQUEST_ID)),
        client_request_id: inner
            .and_then(|i| i.client_request_id.clone())
            .or_else(|| header_text(headers, &CLIENT_REQUEST_ID)),
        date: inner.and_then(|i| i.date.clone()),
        retry_after: crate::retry::retry_after(headers, std::time::SystemTime::now()),
        attempts,
        body,
    }
}
