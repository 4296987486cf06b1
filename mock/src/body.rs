//! The request body: its media type, and reading it within the size limit.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use http_body_util::BodyExt;

use crate::error::Refusal;

pub(crate) fn check_content_type(headers: &HeaderMap) -> Result<(), Refusal> {
    let media_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(str::trim)
        .unwrap_or_default();
    if media_type.eq_ignore_ascii_case("application/json") {
        Ok(())
    } else {
        Err(Refusal::bad_request(format!(
            "Content-Type must be application/json, not '{media_type}'."
        )))
    }
}

/// A larger body than this is not even drained: it is refused at once and the connection
/// closed (the client may then see a reset rather than the 413).
const MIN_DRAIN_BYTES: usize = 64 << 20;

/// Reads at most `limit` bytes. A larger body is read to its end and dropped, up to
/// 16 times the limit or [`MIN_DRAIN_BYTES`] if that is more, and answered with 413:
/// answering before the client has sent it all would close the connection under the
/// client's feet (a reset), and it would never see the 413.
pub(crate) async fn read(
    headers: &HeaderMap,
    mut body: Body,
    limit: usize,
) -> Result<Vec<u8>, Refusal> {
    let too_large = || {
        Refusal::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "RequestEntityTooLarge",
            format!("The request body is larger than {limit} bytes."),
        )
    };
    let drain_limit = limit.saturating_mul(16).max(MIN_DRAIN_BYTES);
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > drain_limit as u64) {
        return Err(too_large().with_header(header::CONNECTION, HeaderValue::from_static("close")));
    }
    let mut bytes = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let frame =
            frame.map_err(|_| Refusal::bad_request("The request body could not be read."))?;
        if let Ok(data) = frame.into_data() {
            seen = seen.saturating_add(data.len());
            if seen > drain_limit {
                return Err(
                    too_large().with_header(header::CONNECTION, HeaderValue::from_static("close"))
                );
            }
            if seen <= limit {
                bytes.extend_from_slice(&data);
            }
        }
    }
    if seen > limit {
        Err(too_large())
    } else {
        Ok(bytes)
    }
}
