//! An Entra-like token endpoint, `POST /{tenant}/oauth2/v2.0/token`, for the
//! client-credentials grant that Azure Identity's `ClientSecretCredential`
//! sends. Nothing is verified: the access token it issues is
//! `<tenant>:<client_id>`, the mock's own token form, so the app's calls act
//! for a user named by its client id.
//!
//! A `claims` parameter (a claims challenge's answer) drops the
//! [`crate::CLAIMS_CHALLENGE_PREFIX`] from the client id, so a token issued
//! with the claims is no longer challenged.

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::auth::CLAIMS_CHALLENGE_PREFIX;

/// The only scope the mock issues tokens for: Graph's.
pub const GRAPH_SCOPE: &str = "https://graph.microsoft.com/.default";
/// A client secret the endpoint refuses, to test a failing credential.
pub const REFUSED_SECRET: &str = "refused-secret";
/// How long an issued token is valid, in seconds.
const EXPIRES_IN: u64 = 3599;

pub(crate) async fn token(Path(tenant): Path<String>, body: Bytes) -> Response {
    let form: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| {
        form.iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    for required in ["grant_type", "client_id", "client_secret", "scope"] {
        if field(required).is_none_or(str::is_empty) {
            return entra_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                900144,
                &format!("The request body must contain the following parameter: '{required}'."),
            );
        }
    }
    if field("grant_type") != Some("client_credentials") {
        return entra_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            70003,
            "The app requested an unsupported grant type; this mock takes client_credentials.",
        );
    }
    if field("client_secret") == Some(REFUSED_SECRET) {
        return entra_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            7000215,
            "Invalid client secret provided.",
        );
    }
    let scope = field("scope").unwrap_or_default();
    if scope != GRAPH_SCOPE {
        return entra_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            70011,
            &format!(
                "The provided value for scope {scope} is not valid; this mock issues {GRAPH_SCOPE}."
            ),
        );
    }
    let client_id = field("client_id").unwrap_or_default();
    let user = match field("claims") {
        Some(_) => client_id
            .strip_prefix(CLAIMS_CHALLENGE_PREFIX)
            .unwrap_or(client_id),
        None => client_id,
    };
    let body = json!({
        "token_type": "Bearer",
        "expires_in": EXPIRES_IN,
        "ext_expires_in": EXPIRES_IN,
        "access_token": format!("{tenant}:{user}"),
    });
    json_response(StatusCode::OK, &body)
}

/// Entra's error body: `error`, `error_description` starting with the
/// AADSTS code, and `error_codes`.
fn entra_error(status: StatusCode, error: &str, code: u32, description: &str) -> Response {
    let body = json!({
        "error": error,
        "error_description": format!("AADSTS{code}: {description}"),
        "error_codes": [code],
    });
    json_response(status, &body)
}

fn json_response(status: StatusCode, body: &serde_json::Value) -> Response {
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("no-store, no-cache"),
            ),
        ],
        body.to_string(),
    )
        .into_response()
}
