//! Graph's error body and the correlation ids every response carries.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Serialize;

/// The ids of one request: Graph's `request-id` (new per request) and the caller's
/// `client-request-id` (echoed, or chosen by the server when absent).
#[derive(Clone, Debug)]
pub(crate) struct RequestIds {
    pub request_id: String,
    pub client_request_id: String,
}

/// A Graph error about to be sent: `{"error": {"code", "message", "target"?, "innerError"}}`.
#[derive(Debug)]
pub(crate) struct GraphError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub target: Option<String>,
    /// Extra headers, e.g. Retry-After or WWW-Authenticate.
    pub headers: Vec<(header::HeaderName, HeaderValue)>,
}

impl GraphError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            target: None,
            headers: Vec::new(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BadRequest", message)
    }

    pub fn with_target(mut self, target: String) -> Self {
        // An empty target would say nothing; the body itself is meant then.
        if !target.is_empty() {
            self.target = Some(target);
        }
        self
    }

    pub fn with_header(mut self, name: header::HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    pub fn into_response(self, ids: &RequestIds) -> Response {
        let body = ErrorBody {
            error: MainError {
                code: self.code,
                message: &self.message,
                target: self.target.as_deref(),
                inner_error: InnerError {
                    // Graph sends this without an offset; the spec keeps it as text for that reason.
                    date: Utc::now().format("%Y-%m-%dT%H:%M:%S").to_string(),
                    request_id: &ids.request_id,
                    client_request_id: &ids.client_request_id,
                },
            },
        };
        // Serialising plain strings into a struct cannot fail.
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        let mut response = (
            self.status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            bytes,
        )
            .into_response();
        for (name, value) in self.headers {
            response.headers_mut().insert(name, value);
        }
        response
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: MainError<'a>,
}

#[derive(Serialize)]
struct MainError<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<&'a str>,
    #[serde(rename = "innerError")]
    inner_error: InnerError<'a>,
}

#[derive(Serialize)]
struct InnerError<'a> {
    date: String,
    #[serde(rename = "request-id")]
    request_id: &'a str,
    #[serde(rename = "client-request-id")]
    client_request_id: &'a str,
}
