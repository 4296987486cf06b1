//! Refusals in Graph's error shape (the generated `OdataError`), and the correlation ids
//! every response carries.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use graph_online_meetings::types::{InnerError, MainError, OdataError};

/// The ids of one request: Graph's `request-id` (new per request) and the caller's
/// `client-request-id` (echoed, or chosen by the server when absent).
#[derive(Clone, Debug)]
pub(crate) struct RequestIds {
    pub request_id: String,
    pub client_request_id: String,
}

/// Why a request is refused: the status, the error's code, message and target, and any
/// headers that go with it. It becomes an [`OdataError`] body only when it is sent.
#[derive(Debug)]
pub(crate) struct Refusal {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub target: Option<String>,
    /// Extra headers, e.g. Retry-After or WWW-Authenticate.
    pub headers: Vec<(header::HeaderName, HeaderValue)>,
}

impl Refusal {
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

    /// The body Graph sends: `{"error": {"code", "message", "target"?, "innerError"}}`.
    fn body(&self, ids: &RequestIds) -> Result<OdataError, String> {
        let inner_error: InnerError = InnerError::builder()
            // Graph sends this without an offset; the spec keeps it as text for that reason.
            .date(Utc::now().format("%Y-%m-%dT%H:%M:%S").to_string())
            .request_id(ids.request_id.clone())
            .client_request_id(ids.client_request_id.clone())
            .try_into()
            .map_err(|e| format!("innerError: {e}"))?;
        let error: MainError = MainError::builder()
            .code(self.code)
            .message(self.message.clone())
            .target(self.target.clone())
            .inner_error(inner_error)
            .try_into()
            .map_err(|e| format!("error: {e}"))?;
        OdataError::builder()
            .error(error)
            .try_into()
            .map_err(|e| format!("body: {e}"))
    }

    pub fn into_response(self, ids: &RequestIds) -> Response {
        let body = self
            .body(ids)
            .and_then(|body| serde_json::to_vec(&body).map_err(|e| e.to_string()));
        let (status, bytes) = match body {
            Ok(bytes) => (self.status, bytes),
            // Every required property is set above, so this is a mock bug; say so plainly.
            Err(why) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!(
                    "{{\"error\":{{\"code\":\"MockBug\",\"message\":{}}}}}",
                    serde_json::Value::from(why)
                )
                .into_bytes(),
            ),
        };
        let mut response = (
            status,
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
