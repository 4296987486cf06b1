//! Configuring a client: token, base URL, timeout, retries, HTTP client.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::auth::{AccessToken, Credentials, TokenSource, TokenSourceWithClaims, bearer_header};
use crate::client::{ClientState, GRAPH_BETA, OnlineMeetingsClient, USER_AGENT};
use crate::error::Error;
use crate::generated;
use crate::retry::RetryPolicy;
use crate::trace::Labels;

/// Configures an [`OnlineMeetingsClient`].
pub struct ClientBuilder {
    base_url: String,
    credentials: Option<TokenConfig>,
    retry: RetryPolicy,
    timeout: Duration,
    include_unknown_enum_members: bool,
    http: Option<reqwest::Client>,
    #[cfg(feature = "azure-identity")]
    scope: String,
}

/// A token as the builder was given it.
enum TokenConfig {
    Fixed(AccessToken),
    Source(Arc<dyn TokenSource>),
    #[cfg(feature = "azure-identity")]
    Credential(Arc<dyn azure_core::credentials::TokenCredential>),
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field(
                "credentials",
                &self.credentials.as_ref().map(|_| "<redacted>"),
            )
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field(
                "include_unknown_enum_members",
                &self.include_unknown_enum_members,
            )
            .finish()
    }
}

impl ClientBuilder {
    pub(crate) fn new() -> Self {
        Self {
            base_url: GRAPH_BETA.to_string(),
            credentials: None,
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(30),
            include_unknown_enum_members: false,
            http: None,
            #[cfg(feature = "azure-identity")]
            scope: crate::azure::GRAPH_SCOPE.to_string(),
        }
    }

    /// A fixed bearer token. Its header is built once;
    /// [`ClientBuilder::build`] refuses a token that an HTTP header cannot
    /// carry.
    ///
    /// Pass the bare token. One that already starts with `Bearer ` (in any
    /// case, as some tools print it) is accepted too: the prefix is dropped,
    /// so the header is never `Bearer Bearer ...`. The same holds for the
    /// tokens of a [`ClientBuilder::token_source`].
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.credentials = Some(TokenConfig::Fixed(AccessToken::new(token)));
        self
    }

    /// A source asked for a token before every call, so that tokens can
    /// refresh. Like [`ClientBuilder::bearer_token`], a token's own
    /// `Bearer ` prefix is dropped.
    pub fn token_source(mut self, source: impl TokenSource) -> Self {
        self.credentials = Some(TokenConfig::Source(Arc::new(source)));
        self
    }

    /// Like [`ClientBuilder::token_source`], with a closure that also
    /// receives the claims of a claims challenge: `None` before each call,
    /// `Some(claims)` (decoded JSON) when Graph answered 401
    /// `insufficient_claims`; the call is then resent once with its new token.
    pub fn token_source_with_claims<F, Fut>(self, source: F) -> Self
    where
        F: Fn(Option<String>) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<AccessToken, crate::TokenError>> + Send + 'static,
    {
        self.token_source(TokenSourceWithClaims::new(source))
    }

    /// An Azure Identity credential (`ClientSecretCredential`,
    /// `ManagedIdentityCredential`, `DeveloperToolsCredential`, ...), asked
    /// for [`crate::GRAPH_SCOPE`] (or [`ClientBuilder::scope`]) before every
    /// call; its own cache keeps the token between calls. A credential
    /// failure is [`Error::Auth`] with the credential's message.
    #[cfg(feature = "azure-identity")]
    pub fn credential(
        mut self,
        credential: Arc<dyn azure_core::credentials::TokenCredential>,
    ) -> Self {
        self.credentials = Some(TokenConfig::Credential(credential));
        self
    }

    /// The scope a [`ClientBuilder::credential`] is asked for; by default
    /// [`crate::GRAPH_SCOPE`]. For a national cloud, give its scope (such
    /// as [`crate::GRAPH_SCOPE_US_GOV`]) and its Graph root as
    /// [`ClientBuilder::base_url`].
    #[cfg(feature = "azure-identity")]
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = scope.into();
        self
    }

    /// The Graph root: [`GRAPH_BETA`] (the default), [`crate::GRAPH_V1`],
    /// or any server such as a local mock (`http://127.0.0.1:8080/beta`).
    /// It must be an absolute `https://` or `http://` URL;
    /// [`ClientBuilder::build`] refuses anything else with one message that
    /// shows the expected form.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// How long one HTTP attempt may take, from connecting to the last byte
    /// of the body (default 30 s). Ignored with [`ClientBuilder::http_client`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The retry policy (default: [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sends `Prefer: include-unknown-enum-members`, so that Graph returns
    /// enum members added after `unknownFutureValue` (they deserialize as
    /// known or `Unrecognized` variants, never as errors).
    pub fn include_unknown_enum_members(mut self, include: bool) -> Self {
        self.include_unknown_enum_members = include;
        self
    }

    /// Uses a `reqwest::Client` configured by the caller (proxy, TLS roots,
    /// connection pool); its own timeout then applies.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<OnlineMeetingsClient, Error> {
        let credentials = match self.credentials {
            None => {
                return Err(Error::Config(NO_TOKEN.to_string()));
            }
            Some(TokenConfig::Fixed(token)) => Credentials::Fixed(
                bearer_header(token.secret())
                    .map_err(|unusable| Error::Config(format!("the bearer token {unusable}")))?,
            ),
            Some(TokenConfig::Source(source)) => Credentials::Source(source),
            #[cfg(feature = "azure-identity")]
            Some(TokenConfig::Credential(credential)) => Credentials::Source(Arc::new(
                crate::azure::CredentialSource::new(credential, self.scope),
            )),
        };
        let parsed = check_base_url(&self.base_url)?;
        // progenitor appends paths that start with a slash.
        let base_url = self.base_url.trim_end_matches('/');
        let http = match self.http {
            Some(http) => http,
            None => default_http_client(self.timeout)?,
        };
        let state = ClientState {
            credentials,
            retry: self.retry,
            include_unknown_enum_members: self.include_unknown_enum_members,
            labels: Arc::new(Labels::new(&parsed)),
        };
        Ok(OnlineMeetingsClient {
            inner: generated::Client::new_with_client(base_url, http, state),
        })
    }
}

#[cfg(not(feature = "azure-identity"))]
const NO_TOKEN: &str = "no token: call bearer_token or token_source";
#[cfg(feature = "azure-identity")]
const NO_TOKEN: &str = "no token: call bearer_token, token_source or credential";

/// One message for every malformed base URL (no scheme, another scheme, no
/// host, unparsable), because the fix is the same: write the whole URL.
fn check_base_url(base_url: &str) -> Result<reqwest::Url, Error> {
    let usable = reqwest::Url::parse(base_url).ok().filter(|url| {
        matches!(url.scheme(), "https" | "http") && url.host_str().is_some_and(|h| !h.is_empty())
    });
    if let Some(url) = usable {
        Ok(url)
    } else {
        Err(Error::Config(format!(
            "base URL {base_url:?} is not an absolute https:// or http:// URL; \
             expected the form https://graph.microsoft.com/beta, or \
             http://127.0.0.1:PORT/beta for a local server"
        )))
    }
}

/// rustls with the ring provider and the platform's certificate roots:
/// https works without a C toolchain for aws-lc and without touching the
/// process-wide default provider.
pub(crate) fn default_http_client(timeout: Duration) -> Result<reqwest::Client, Error> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|builder| builder.with_platform_verifier())
        .map_err(|e| Error::Config(format!("TLS setup failed: {e}")))?
        .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        // A redirect would turn the POST into a GET; Graph does not redirect
        // createOrGet, so any 3xx is reported as an unexpected status.
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(timeout)
        .timeout(timeout)
        .user_agent(USER_AGENT)
        .build()
        .map_err(|e| Error::Config(format!("HTTP client setup failed: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_malformed_base_url_gets_the_same_message() {
        for url in [
            "127.0.0.1:8080/beta",
            "localhost:8080",
            "graph.microsoft.com/beta",
            "ftp://example.com/beta",
            "file:///tmp/beta",
            "not a url",
            "http://",
            "",
        ] {
            let err = check_base_url(url).unwrap_err().to_string();
            assert_eq!(
                err,
                format!(
                    "invalid client configuration: base URL {url:?} is not an absolute \
                     https:// or http:// URL; expected the form \
                     https://graph.microsoft.com/beta, or http://127.0.0.1:PORT/beta \
                     for a local server"
                )
            );
        }
    }

    #[test]
    fn absolute_http_and_https_urls_are_accepted() {
        for url in [
            GRAPH_BETA,
            crate::GRAPH_V1,
            "http://127.0.0.1:8080/beta",
            "http://localhost:8080/beta",
            "https://[::1]:8443/v1.0",
        ] {
            assert!(check_base_url(url).is_ok(), "{url}");
        }
    }
}
