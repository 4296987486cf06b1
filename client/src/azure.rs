//! Azure Identity credentials as the client's token source (feature
//! `azure-identity`): client secret, certificate, managed identity,
//! workload identity, developer tools.
//!
//! The client asks the credential for its scope before every call and
//! relies on the credential's own cache; the token is never logged or shown.
//! A claims challenge asks the credential again: azure_core 1.x's
//! `TokenRequestOptions` has no field for claims, so the credential cannot
//! be told them, and a challenge it does not satisfy ends the call with
//! [`crate::Error::ClaimsChallenge`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use azure_core::credentials::TokenCredential;
use azure_core::http::Transport;

use crate::auth::{AccessToken, BoxFuture, TokenError, TokenSource};
use crate::error::Error;

/// The scope of Microsoft Graph in the global cloud, asked by default.
pub const GRAPH_SCOPE: &str = "https://graph.microsoft.com/.default";
/// The scope of Microsoft Graph for US Government L4 (with
/// `https://graph.microsoft.us/v1.0` as the base URL).
pub const GRAPH_SCOPE_US_GOV: &str = "https://graph.microsoft.us/.default";
/// The scope of Microsoft Graph for US Government L5 (DOD), with
/// `https://dod-graph.microsoft.us/v1.0`.
pub const GRAPH_SCOPE_US_GOV_DOD: &str = "https://dod-graph.microsoft.us/.default";
/// The scope of Microsoft Graph operated by 21Vianet in China, with
/// `https://microsoftgraph.chinacloudapi.cn/v1.0`.
pub const GRAPH_SCOPE_CHINA: &str = "https://microsoftgraph.chinacloudapi.cn/.default";

/// A credential and the scope it is asked for.
pub(crate) struct CredentialSource {
    credential: Arc<dyn TokenCredential>,
    scope: String,
}

impl CredentialSource {
    pub(crate) fn new(credential: Arc<dyn TokenCredential>, scope: String) -> Self {
        Self { credential, scope }
    }
}

impl fmt::Debug for CredentialSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialSource")
            .field("credential", &self.credential)
            .field("scope", &self.scope)
            .finish()
    }
}

impl TokenSource for CredentialSource {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, TokenError>> {
        Box::pin(async move {
            match self
                .credential
                .get_token(&[self.scope.as_str()], None)
                .await
            {
                Ok(token) => Ok(AccessToken::new(token.token.secret())),
                Err(err) => Err(TokenError::with_source(
                    format!(
                        "the Azure credential failed for scope {}: {err}",
                        self.scope
                    ),
                    err,
                )),
            }
        })
    }
}

/// An HTTP transport for Azure Identity credentials that send requests
/// (client secret, certificate, managed identity): the same rustls with
/// ring and platform roots as the client's own connections. Without it,
/// azure_core builds a `reqwest::Client` that finds no rustls crypto
/// provider, since this crate enables none process-wide.
///
/// ```no_run
/// use azure_identity::{ClientSecretCredential, ClientSecretCredentialOptions};
/// use graph_online_meetings::azure_core::http::ClientOptions;
///
/// # fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let options = ClientSecretCredentialOptions {
///     client_options: ClientOptions {
///         transport: Some(graph_online_meetings::azure_transport()?),
///         ..Default::default()
///     },
/// };
/// let credential = ClientSecretCredential::new(
///     "tenant-id", "client-id".to_string(), "secret".to_string().into(), Some(options))?;
/// # let _ = credential; Ok(()) }
/// ```
pub fn azure_transport() -> Result<Transport, Error> {
    let http = crate::builder::default_http_client(Duration::from_secs(30))?;
    Ok(Transport::new(Arc::new(http)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_transport_builds_without_a_process_wide_provider() {
        // Nothing in this test binary installs one: a plain reqwest::Client
        // would panic here.
        assert!(rustls::crypto::CryptoProvider::get_default().is_none());
        assert!(azure_transport().is_ok());
    }
}
