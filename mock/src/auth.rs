//! Who is calling: the `Authorization` header, read strictly. Nothing is verified, but a
//! header that is not exactly `Bearer <token>` is refused, so that a client bug (an empty
//! token, a token that repeats its `Bearer ` prefix) shows up as Graph's 401 rather than
//! as a call by some other user.
//!
//! Well formed is: the scheme `Bearer` (any case), one space, and a token of one or more
//! visible ASCII characters without spaces. A mock token is `<user>` or `<tenant>:<user>`
//! (split at the first `:`), both parts non-empty.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};

use crate::error::Refusal;
use crate::meeting::Owner;

/// A user part that starts with this is challenged: 401 with a claims
/// challenge (`error="insufficient_claims", claims="<base64>"`), as Graph
/// answers a token that Continuous Access Evaluation revoked.
pub const CLAIMS_CHALLENGE_PREFIX: &str = "claims-challenge.";
/// A user part that starts with this gets a 401 with
/// `error="insufficient_claims"` but no claims: an ordinary 401.
pub const BARE_CHALLENGE_PREFIX: &str = "insufficient-claims.";
/// The claims of the mock's challenge, decoded.
pub const CHALLENGE_CLAIMS: &str =
    r#"{"access_token":{"nbf":{"essential":true,"value":"1702682181"}}}"#;
/// [`CHALLENGE_CLAIMS`] in base64, as the header carries them.
const CHALLENGE_CLAIMS_BASE64: &str =
    "eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZSwidmFsdWUiOiIxNzAyNjgyMTgxIn19fQ==";

pub(crate) fn authenticate(headers: &HeaderMap, default_tenant: &str) -> Result<Owner, Refusal> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(unauthorized("Access token is empty."));
    };
    let token = bearer_token(value)?;
    let (tenant, user) = match token.split_once(':') {
        Some((tenant, user)) => (tenant, user),
        None => (default_tenant, token),
    };
    if tenant.is_empty() || user.is_empty() {
        return Err(unauthorized(
            "A mock token is <user> or <tenant>:<user>, both parts non-empty.",
        ));
    }
    if user.starts_with(CLAIMS_CHALLENGE_PREFIX) {
        return Err(challenged(Some(CHALLENGE_CLAIMS_BASE64)));
    }
    if user.starts_with(BARE_CHALLENGE_PREFIX) {
        return Err(challenged(None));
    }
    Ok(Owner {
        tenant: tenant.to_lowercase(),
        user: user.to_owned(),
    })
}

/// The token of `Bearer <token>`, or why the header is not of that form.
fn bearer_token(value: &HeaderValue) -> Result<&str, Refusal> {
    // to_str refuses bytes outside visible ASCII (and lets tabs through, refused below).
    let value = value.to_str().map_err(|_| {
        unauthorized("The Authorization header has bytes that are not visible ASCII.")
    })?;
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(unauthorized(
            "Authorization must be 'Bearer <token>', with the Bearer scheme.",
        ));
    }
    if token.is_empty() {
        return Err(unauthorized("Access token is empty."));
    }
    if let Some((first, _)) = token.split_once(|c: char| c.is_ascii_whitespace()) {
        let message = if first.eq_ignore_ascii_case("bearer") {
            "The access token itself starts with 'Bearer '; send the bare token after one 'Bearer '."
        } else if first.is_empty() {
            "Authorization must be 'Bearer <token>' with exactly one space before the token."
        } else {
            "An access token cannot contain spaces or tabs."
        };
        return Err(unauthorized(message));
    }
    Ok(token)
}

fn unauthorized(message: &str) -> Refusal {
    Refusal::new(
        StatusCode::UNAUTHORIZED,
        "InvalidAuthenticationToken",
        message,
    )
    .with_header(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"mock\", error=\"invalid_token\""),
    )
}

/// Graph's answer to a token that CAE revoked: 401 with a Bearer challenge
/// naming the claims a new token must carry (none for `claims: None`).
fn challenged(claims: Option<&str>) -> Refusal {
    let mut challenge = String::from(
        "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", \
         client_id=\"00000003-0000-0000-c000-000000000000\", error=\"insufficient_claims\"",
    );
    if let Some(claims) = claims {
        challenge.push_str(&format!(", claims=\"{claims}\""));
    }
    let refusal = Refusal::new(
        StatusCode::UNAUTHORIZED,
        "InvalidAuthenticationToken",
        "Continuous access evaluation resulted in challenge with result: InteractionRequired \
         and code: TokenIssuedBeforeRevocationTimestamp",
    );
    match HeaderValue::from_str(&challenge) {
        Ok(value) => refusal.with_header(header::WWW_AUTHENTICATE, value),
        Err(_) => refusal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(value: &[u8]) -> Result<(String, String), String> {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_bytes(value).expect("a header value"),
        );
        authenticate(&headers, "default")
            .map(|owner| (owner.tenant, owner.user))
            .map_err(|refusal| {
                assert_eq!(refusal.status, StatusCode::UNAUTHORIZED);
                refusal.message
            })
    }

    #[test]
    fn well_formed_tokens_name_the_caller() {
        let who = |t: &str, u: &str| Ok((t.to_owned(), u.to_owned()));
        assert_eq!(
            caller(b"Bearer alice@contoso.com"),
            who("default", "alice@contoso.com")
        );
        assert_eq!(caller(b"bearer Fabrikam:bob"), who("fabrikam", "bob"));
        assert_eq!(caller(b"BEARER t:u:v"), who("t", "u:v"));
    }

    #[test]
    fn challenge_tokens_are_refused_with_a_claims_challenge() {
        for (token, claims) in [
            ("claims-challenge.alice", true),
            ("t:claims-challenge.alice", true),
            ("insufficient-claims.alice", false),
        ] {
            let mut headers = HeaderMap::new();
            let value = HeaderValue::from_str(&format!("Bearer {token}")).unwrap();
            headers.insert(header::AUTHORIZATION, value);
            let refusal = authenticate(&headers, "default").expect_err(token);
            assert_eq!(refusal.status, StatusCode::UNAUTHORIZED);
            let (_, challenge) = &refusal.headers[0];
            let challenge = challenge.to_str().unwrap();
            assert!(
                challenge.contains("error=\"insufficient_claims\""),
                "{challenge}"
            );
            assert_eq!(
                challenge.contains(&format!("claims=\"{CHALLENGE_CLAIMS_BASE64}\"")),
                claims,
                "{challenge}"
            );
        }
    }

    #[test]
    fn the_challenge_claims_are_their_base64() {
        use base64::Engine as _;
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(CHALLENGE_CLAIMS_BASE64)
            .unwrap();
        assert_eq!(String::from_utf8(decoded).unwrap(), CHALLENGE_CLAIMS);
    }

    #[test]
    fn malformed_headers_are_refused_with_a_reason() {
        for (value, reason) in [
            (&b"Bearer"[..], "empty"),
            (b"Bearer ", "empty"),
            (b"Bearer Bearer abc", "starts with 'Bearer '"),
            (b"Bearer bearer abc", "starts with 'Bearer '"),
            (b"Bearer  abc", "exactly one space"),
            (b"Bearer\tabc", "Bearer scheme"),
            (b"Bearer a b", "cannot contain spaces"),
            (b"Bearer a\tb", "cannot contain spaces"),
            (b"Bearer al\xc3\xafce", "visible ASCII"),
            (b"Basic YWxpY2U6eA==", "Bearer scheme"),
            (b"abc", "Bearer scheme"),
            (b"Bearer :alice", "both parts"),
            (b"Bearer fabrikam:", "both parts"),
        ] {
            let message = caller(value).expect_err(&String::from_utf8_lossy(value));
            assert!(message.contains(reason), "{value:?}: {message}");
        }
    }
}
