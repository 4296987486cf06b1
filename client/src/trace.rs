//! What each call reports through `tracing`: one span per call, named
//! after the spec's operationId, with OpenTelemetry's HTTP client field
//! names where they fit; the retry loop and the claims challenge add an
//! event each. Neither the token nor a request body is ever recorded: the
//! fields are the route template (never the filled-in path with a user id),
//! the server, the status, the counts, the correlation ids and the outcome.

use tracing::Span;
use tracing::field::Empty;

use crate::call::Target;
use crate::error::Error;
use crate::outcome::MeetingResponse;

/// The span fields that are the same for every call of one client,
/// computed once by the builder.
#[derive(Debug)]
pub(crate) struct Labels {
    host: String,
    port: u16,
    me_template: String,
    user_template: String,
}

impl Labels {
    /// From the checked base URL: its host, port, and path prefix (`/beta`).
    pub(crate) fn new(base_url: &reqwest::Url) -> Self {
        let prefix = base_url.path().trim_end_matches('/');
        Self {
            host: base_url.host_str().unwrap_or_default().to_string(),
            port: base_url.port_or_known_default().unwrap_or_default(),
            me_template: format!("{prefix}/me/onlineMeetings/createOrGet"),
            user_template: format!("{prefix}/users/{{userId}}/onlineMeetings/createOrGet"),
        }
    }
}

/// The fields every call span declares; the empty ones are recorded as the
/// call goes.
macro_rules! call_span {
    ($name:literal, $labels:expr, $template:expr) => {
        tracing::info_span!(
            $name,
            otel.kind = "client",
            otel.name = %format_args!("POST {}", $template),
            http.request.method = "POST",
            url.template = %$template,
            server.address = %$labels.host,
            server.port = $labels.port,
            http.response.status_code = Empty,
            http.request.resend_count = Empty,
            graph.attempts = Empty,
            graph.request_id = Empty,
            graph.client_request_id = Empty,
            graph.outcome = Empty,
            graph.error_code = Empty,
            error.type = Empty,
        )
    };
}

/// A new span for one call to `target`.
pub(crate) fn call_span(labels: &Labels, target: &Target) -> Span {
    match target {
        Target::Me => call_span!("createOrGetMyOnlineMeeting", labels, labels.me_template),
        Target::User(_) => {
            call_span!("createOrGetUserOnlineMeeting", labels, labels.user_template)
        }
    }
}

/// Notes the call's `client-request-id` on the current span; the pre-hook
/// knows it first.
pub(crate) fn record_client_request_id(id: &str) {
    // The static level check spares the lookup of the current span when
    // nothing listens.
    if tracing::level_enabled!(tracing::Level::INFO) {
        Span::current().record("graph.client_request_id", id);
    }
}

/// Notes how the call ended on its span.
pub(crate) fn record_result(span: &Span, result: &Result<MeetingResponse, Error>, attempts: u32) {
    if span.is_disabled() {
        return;
    }
    if attempts > 0 {
        span.record("graph.attempts", attempts);
        span.record("http.request.resend_count", attempts - 1);
    }
    match result {
        Ok(response) => {
            span.record("http.response.status_code", response.status().as_u16());
            if let Some(id) = response.request_id() {
                span.record("graph.request_id", id);
            }
            let outcome = if response.was_created() {
                "created"
            } else {
                "existing"
            };
            span.record("graph.outcome", outcome);
        }
        Err(error) => {
            if let Some(status) = error.status() {
                span.record("http.response.status_code", status.as_u16());
            }
            if let Some(id) = error.request_id() {
                span.record("graph.request_id", id);
            }
            if let Some(graph) = error.graph() {
                span.record("graph.error_code", graph.code.as_str());
            }
            span.record("graph.outcome", "error");
            record_error_type(span, error);
        }
    }
}

/// OpenTelemetry's `error.type`: the status code for an HTTP error
/// answer, else the kind of failure.
fn record_error_type(span: &Span, error: &Error) {
    let kind = match error {
        Error::Validation(_) => "validation",
        Error::Auth(_) => "auth",
        Error::Timeout(_) => "timeout",
        Error::Transport(_) => "transport",
        Error::ClaimsChallenge { .. } => "claims_challenge",
        Error::InvalidBody { .. } => "invalid_body",
        Error::Config(_) => "config",
        Error::Graph(_) | Error::UnexpectedStatus { .. } => match error.status() {
            Some(status) => {
                span.record("error.type", status.as_str());
                return;
            }
            None => "http_status",
        },
    };
    span.record("error.type", kind);
}
