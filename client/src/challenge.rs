//! Claims challenges (Continuous Access Evaluation): a 401 whose
//! `WWW-Authenticate: Bearer ... error="insufficient_claims", claims="<base64>"`
//! says the token no longer satisfies the tenant's policy. The client asks
//! its token source again with the decoded claims and resends the call once.

use std::fmt;
use std::future::Future;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue, WWW_AUTHENTICATE};

use crate::auth::TokenError;
use crate::retry::{Answer, Resend};

/// A claims challenge as Graph sent it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClaimsChallenge {
    /// The claims a new token must satisfy, decoded (a JSON text); `None`
    /// when the `claims` parameter is not base64 of UTF-8 text.
    pub claims: Option<String>,
    /// The `claims` parameter as sent (base64).
    pub encoded_claims: String,
    /// The whole `WWW-Authenticate` value.
    pub header: String,
}

/// Why a claims challenge ended the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChallengeFailure {
    /// The token source was asked again with the claims, and the call
    /// resent once; Graph challenged the new token too.
    Repeated,
    /// The client was built with a fixed token, which cannot be renewed.
    FixedToken,
    /// The claims were not base64 of UTF-8 text, so there was nothing to ask for.
    UndecodableClaims,
}

impl fmt::Display for ChallengeFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ChallengeFailure::Repeated => {
                "the token source was asked again with the claims, and Graph challenged its new token too"
            }
            ChallengeFailure::FixedToken => {
                "the client has a fixed bearer token; use a token source that can renew it"
            }
            ChallengeFailure::UndecodableClaims => {
                "the challenge's claims are not base64 of UTF-8 text"
            }
        })
    }
}

/// The claims challenge of a 401 answer, if it carries one. A 401 without
/// `error="insufficient_claims"` or without `claims` is an ordinary 401.
pub(crate) fn claims_challenge(status: StatusCode, headers: &HeaderMap) -> Option<ClaimsChallenge> {
    if status != StatusCode::UNAUTHORIZED {
        return None;
    }
    headers.get_all(WWW_AUTHENTICATE).iter().find_map(|value| {
        let header = value.to_str().ok()?;
        let params = bearer_params(header)?;
        let param = |name: &str| {
            params
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .map(|(_, value)| value.as_str())
        };
        if param("error") != Some("insufficient_claims") {
            return None;
        }
        let encoded = param("claims").filter(|claims| !claims.is_empty())?;
        Some(ClaimsChallenge {
            claims: decode_claims(encoded),
            encoded_claims: encoded.to_string(),
            header: header.to_string(),
        })
    })
}

/// The auth-params of a `Bearer` challenge: `name=token` or
/// `name="quoted \" string"`, separated by commas; `None` for another scheme.
fn bearer_params(header: &str) -> Option<Vec<(String, String)>> {
    let header = header.trim_start();
    let scheme = header.get(..6)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let mut rest = header[6..].chars().peekable();
    let mut params = Vec::new();
    loop {
        while rest.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            rest.next();
        }
        let name: String =
            std::iter::from_fn(|| rest.next_if(|c| *c != '=' && *c != ',')).collect();
        if name.trim().is_empty() {
            return Some(params);
        }
        if rest.next() != Some('=') {
            // A bare token (token68) or a malformed parameter: skip it.
            continue;
        }
        let mut value = String::new();
        if rest.peek() == Some(&'"') {
            rest.next();
            while let Some(c) = rest.next() {
                match c {
                    '"' => break,
                    '\\' => value.extend(rest.next()),
                    other => value.push(other),
                }
            }
        } else {
            value.extend(std::iter::from_fn(|| rest.next_if(|c| *c != ',')));
        }
        params.push((name.trim().to_string(), value.trim().to_string()));
    }
}

/// Standard base64, padded or not, as Entra and Graph send claims.
fn decode_claims(encoded: &str) -> Option<String> {
    const ENGINE: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let bytes = ENGINE.decode(encoded.trim()).ok()?;
    String::from_utf8(bytes).ok()
}

/// A request whose `Authorization` header can be replaced for the resend.
pub(crate) trait Authorize {
    fn set_authorization(&mut self, value: HeaderValue);
}

impl Authorize for reqwest::Request {
    fn set_authorization(&mut self, value: HeaderValue) {
        self.headers_mut().insert(AUTHORIZATION, value);
    }
}

/// What became of a claims challenge.
#[derive(Debug)]
pub(crate) enum ChallengeOutcome {
    /// The answer carried none.
    None,
    /// The source gave a new token and the resend was not challenged.
    Answered,
    /// The challenge ends the call with this error.
    Failed(ClaimsChallenge, ChallengeFailure),
    /// Asking the source again failed.
    TokenFailed(TokenError),
}

/// After `first` (the answer and its attempt count): if it is a claims
/// challenge, asks `reask` for a header that satisfies the claims and sends
/// `spare` (an unsent copy of the request; `None` with a fixed token) once
/// more with it through `send`. Returns the final answer, all attempts, and
/// what happened.
pub(crate) async fn answer_claims<R, A, Ask, Resent, ResentFut>(
    first: (A, u32),
    spare: Option<R>,
    reask: impl FnOnce(String) -> Ask,
    send: Resent,
) -> (A, u32, ChallengeOutcome)
where
    R: Authorize,
    A: Answer,
    Ask: Future<Output = Result<HeaderValue, TokenError>>,
    Resent: FnOnce(R) -> ResentFut,
    ResentFut: Future<Output = (A, u32)>,
{
    let (answer, attempts) = first;
    let Some(challenge) = answer
        .status_and_headers()
        .and_then(|(status, headers)| claims_challenge(status, headers))
    else {
        return (answer, attempts, ChallengeOutcome::None);
    };
    let (Some(claims), Some(mut spare)) = (challenge.claims.clone(), spare) else {
        let failure = if challenge.claims.is_none() {
            ChallengeFailure::UndecodableClaims
        } else {
            ChallengeFailure::FixedToken
        };
        tracing::info!(
            graph.challenge.error = "insufficient_claims",
            graph.challenge.failure = ?failure,
            "claims challenge that cannot be answered"
        );
        return (
            answer,
            attempts,
            ChallengeOutcome::Failed(challenge, failure),
        );
    };
    tracing::info!(
        graph.challenge.error = "insufficient_claims",
        "claims challenge: asking the token source again and resending once"
    );
    let header = match reask(claims).await {
        Ok(header) => header,
        Err(err) => return (answer, attempts, ChallengeOutcome::TokenFailed(err)),
    };
    drop(answer);
    spare.set_authorization(header);
    let (again, more) = send(spare).await;
    let repeated = again
        .status_and_headers()
        .and_then(|(status, headers)| claims_challenge(status, headers))
        .is_some();
    let outcome = if repeated {
        tracing::info!(
            graph.challenge.error = "insufficient_claims",
            graph.challenge.failure = ?ChallengeFailure::Repeated,
            "claims challenge again after a new token"
        );
        ChallengeOutcome::Failed(challenge, ChallengeFailure::Repeated)
    } else {
        ChallengeOutcome::Answered
    };
    (again, attempts + more, outcome)
}

/// Whether a request can be copied for a possible claims resend.
pub(crate) fn spare_copy<R: Resend>(request: &R, renewable: bool) -> Option<R> {
    renewable.then(|| request.copy_for_retry()).flatten()
}

#[cfg(test)]
#[path = "challenge_tests.rs"]
mod tests;
