//! Bearer tokens: a fixed string, or a source asked before every request so
//! that tokens can refresh, and the `Authorization` header made from them.
//! A token never appears in `Debug` output, error messages or logs.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use reqwest::header::HeaderValue;

/// A future boxed so that token sources can be stored as trait objects.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An OAuth 2.0 access token for Microsoft Graph. Its `Debug` output is
/// redacted and it has no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(String);

impl AccessToken {
    /// Wraps a token string. A `Bearer ` prefix (any case) is allowed and
    /// dropped when the header is built.
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    /// The secret itself; handle with care.
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

impl From<String> for AccessToken {
    fn from(token: String) -> Self {
        Self(token)
    }
}

impl From<&str> for AccessToken {
    fn from(token: &str) -> Self {
        Self(token.to_string())
    }
}

/// Why a token source could not give a token.
#[derive(Debug)]
pub struct TokenError {
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl TokenError {
    /// A token error described by a message.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            source: None,
        }
    }

    /// A token error caused by another error, such as an identity library's.
    pub fn with_source(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self {
            message: message.into(),
            source: Some(Box::new(source)),
        }
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TokenError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Gives the access token for the next call. The client asks before every
/// call (its retries reuse that token), so a source that caches and refreshes
/// its token keeps long-running programs authenticated.
///
/// Closures returning a future implement it:
///
/// ```
/// use graph_online_meetings::{AccessToken, TokenError, TokenSource};
///
/// let source = || async { Ok::<_, TokenError>(AccessToken::new("token from your identity library")) };
/// fn takes_source(_: impl TokenSource) {}
/// takes_source(source);
/// ```
pub trait TokenSource: Send + Sync + 'static {
    /// Returns a currently valid token.
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, TokenError>>;

    /// Returns a new token that satisfies `claims`, the decoded JSON of a
    /// claims challenge (Continuous Access Evaluation). The client asks this
    /// once after a challenged 401 and resends the call with the new token.
    ///
    /// By default it asks [`TokenSource::token`] again, which helps a source
    /// that refreshes; a source that can pass claims to its identity library
    /// overrides it, or is built with [`TokenSourceWithClaims`].
    fn token_with_claims<'a>(
        &'a self,
        claims: &'a str,
    ) -> BoxFuture<'a, Result<AccessToken, TokenError>> {
        let _ = claims;
        self.token()
    }
}

impl<F, Fut> TokenSource for F
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<AccessToken, TokenError>> + Send + 'static,
{
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, TokenError>> {
        Box::pin(self())
    }
}

/// A token source from a closure that also receives the claims of a
/// claims challenge: `None` for an ordinary call, `Some(claims)` (decoded
/// JSON) after Graph challenged the token. For
/// [`crate::ClientBuilder::token_source_with_claims`].
///
/// ```
/// use graph_online_meetings::{AccessToken, TokenError, TokenSourceWithClaims};
///
/// let source = TokenSourceWithClaims::new(|claims: Option<String>| async move {
///     // Pass `claims` to your identity library's token request.
///     let _ = claims;
///     Ok::<_, TokenError>(AccessToken::new("token"))
/// });
/// # let _ = source;
/// ```
pub struct TokenSourceWithClaims<F>(F);

impl<F> TokenSourceWithClaims<F> {
    /// Wraps `f`, which is called with `None` before every call and with
    /// the claims after a challenge.
    pub fn new(f: F) -> Self {
        Self(f)
    }
}

impl<F> fmt::Debug for TokenSourceWithClaims<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenSourceWithClaims")
    }
}

impl<F, Fut> TokenSource for TokenSourceWithClaims<F>
where
    F: Fn(Option<String>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<AccessToken, TokenError>> + Send + 'static,
{
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, TokenError>> {
        Box::pin((self.0)(None))
    }

    fn token_with_claims<'a>(
        &'a self,
        claims: &'a str,
    ) -> BoxFuture<'a, Result<AccessToken, TokenError>> {
        Box::pin((self.0)(Some(claims.to_string())))
    }
}

/// A token that never changes: fine for scripts and tests, not for
/// programs that outlive the token's lifetime (about an hour).
#[derive(Clone, Debug)]
pub struct StaticToken(AccessToken);

impl StaticToken {
    /// Wraps a fixed token.
    pub fn new(token: impl Into<AccessToken>) -> Self {
        Self(token.into())
    }
}

impl TokenSource for StaticToken {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, TokenError>> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }
}

/// Where the `Authorization` header of each call comes from.
#[derive(Clone)]
pub(crate) enum Credentials {
    /// A fixed token's header, built and checked once, by the builder.
    Fixed(HeaderValue),
    /// Asked before every call.
    Source(Arc<dyn TokenSource>),
}

impl Credentials {
    /// The header for the next call. A failing source's error is passed on
    /// as it is, so that its own cause stays reachable.
    pub(crate) async fn authorization(&self) -> Result<HeaderValue, TokenError> {
        match self {
            Credentials::Fixed(value) => Ok(value.clone()),
            Credentials::Source(source) => source_header(source.token().await?),
        }
    }

    /// The token source, which can be asked again after a claims
    /// challenge; a fixed token cannot.
    pub(crate) fn renewable(&self) -> Option<&Arc<dyn TokenSource>> {
        match self {
            Credentials::Fixed(_) => None,
            Credentials::Source(source) => Some(source),
        }
    }
}

/// The header for a source's token. Its error never quotes the token.
pub(crate) fn source_header(token: AccessToken) -> Result<HeaderValue, TokenError> {
    bearer_header(token.secret()).map_err(|unusable| {
        TokenError::new(format!("the token source gave a token that {unusable}"))
    })
}

/// A token an `Authorization` header cannot carry. Its text never quotes
/// the token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct UnusableToken;

impl fmt::Display for UnusableToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("holds characters an HTTP header cannot carry")
    }
}

/// `Bearer <token>`, marked sensitive. A token that already starts with
/// `Bearer ` (any case, as copied from a tool's output) is used without
/// that prefix rather than sent as `Bearer Bearer ...`.
pub(crate) fn bearer_header(token: &str) -> Result<HeaderValue, UnusableToken> {
    let token = match token.get(..BEARER.len()) {
        Some(prefix) if prefix.eq_ignore_ascii_case(BEARER) => token[BEARER.len()..].trim_start(),
        _ => token,
    };
    let mut value =
        HeaderValue::from_str(&format!("{BEARER}{token}")).map_err(|_| UnusableToken)?;
    value.set_sensitive(true);
    Ok(value)
}

const BEARER: &str = "Bearer ";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bearer_prefix_in_any_case_is_dropped() {
        for token in [
            "abc.def",
            "Bearer abc.def",
            "bearer abc.def",
            "BEARER  abc.def",
        ] {
            assert_eq!(bearer_header(token).unwrap(), "Bearer abc.def", "{token:?}");
        }
        // Only a whole prefix: a token that merely starts with the letters stays.
        assert_eq!(bearer_header("Bearerabc").unwrap(), "Bearer Bearerabc");
    }

    #[test]
    fn tokens_a_header_cannot_carry_are_refused() {
        for token in ["line\nbreak", "Bearer tab\tbed\u{7f}", "nul\0"] {
            assert_eq!(bearer_header(token), Err(UnusableToken), "{token:?}");
        }
        assert!(bearer_header("t").unwrap().is_sensitive());
    }
}
