//! The client with Azure Identity credentials (feature `azure-identity`).
//!
//! The real `ClientSecretCredential` runs against the mock's Entra-like
//! `/{tenant}/oauth2/v2.0/token`. azure_identity refuses an authority host
//! that is not `https://`, so the credential gets a custom cloud,
//! `https://login.mock.test`, and a transport that sends its requests to
//! the mock's plain-http port instead: everything else (the form it posts,
//! Entra's answer and errors, its cache) is the credential's own code.
#![cfg(feature = "azure-identity")]

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use graph_online_meetings::azure_core::cloud::{CloudConfiguration, CustomConfiguration};
use graph_online_meetings::azure_core::credentials::{
    AccessToken, TokenCredential, TokenRequestOptions,
};
use graph_online_meetings::azure_core::http::{
    AsyncRawResponse, ClientOptions, HttpClient, Request, Transport,
};
use graph_online_meetings::azure_core::time::{Duration, OffsetDateTime};
use graph_online_meetings::azure_identity::{
    ClientSecretCredential, ClientSecretCredentialOptions,
};
use graph_online_meetings::{
    ChallengeFailure, Error, GRAPH_SCOPE, GRAPH_SCOPE_US_GOV, MeetingRequest, OnlineMeetingsClient,
};
use graph_online_meetings_mock::{MockConfig, MockServer, REFUSED_SECRET};

const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const SECRET: &str = "app-secret-never-shown";

/// Sends the credential's `https://login.mock.test/...` requests to the
/// mock, and counts them.
#[derive(Debug)]
struct ToMock {
    port: u16,
    http: reqwest::Client,
    sent: AtomicUsize,
}

impl HttpClient for ToMock {
    fn execute_request<'a, 'b, 'f>(
        &'a self,
        request: &'b Request,
    ) -> Pin<
        Box<
            dyn Future<Output = graph_online_meetings::azure_core::Result<AsyncRawResponse>>
                + Send
                + 'f,
        >,
    >
    where
        'a: 'f,
        'b: 'f,
        Self: 'f,
    {
        Box::pin(async move {
            self.sent.fetch_add(1, Ordering::SeqCst);
            let mut local = request.clone();
            let url = local.url_mut();
            assert_eq!(url.host_str(), Some("login.mock.test"), "{url}");
            url.set_scheme("http").unwrap();
            url.set_host(Some("127.0.0.1")).unwrap();
            url.set_port(Some(self.port)).unwrap();
            self.http.execute_request(&local).await
        })
    }
}

async fn mock() -> (MockServer, Arc<ToMock>) {
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let transport = Arc::new(ToMock {
        port: server.addr().port(),
        http: reqwest::Client::builder().build().unwrap(),
        sent: AtomicUsize::new(0),
    });
    (server, transport)
}

fn credential(to_mock: &Arc<ToMock>, client_id: &str, secret: &str) -> Arc<ClientSecretCredential> {
    let mut cloud = CustomConfiguration::default();
    cloud.authority_host = "https://login.mock.test".to_string();
    let options = ClientSecretCredentialOptions {
        client_options: ClientOptions {
            transport: Some(Transport::new(Arc::clone(to_mock) as Arc<dyn HttpClient>)),
            cloud: Some(Arc::new(CloudConfiguration::from(cloud))),
            ..Default::default()
        },
    };
    ClientSecretCredential::new(
        TENANT,
        client_id.to_string(),
        secret.to_string().into(),
        Some(options),
    )
    .unwrap()
}

fn client(server: &MockServer, credential: Arc<dyn TokenCredential>) -> OnlineMeetingsClient {
    OnlineMeetingsClient::builder()
        .credential(credential)
        .base_url(format!("{}/beta", server.base_url()))
        .build()
        .unwrap()
}

fn rustls_ring() {
    // The plain reqwest::Client of `ToMock` needs a process-wide provider.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

#[tokio::test]
async fn a_client_secret_credential_authenticates_and_its_cache_is_used() {
    rustls_ring();
    let (server, to_mock) = mock().await;
    let app = "5f8d2a61-0a6c-4d1b-9a43-3f1e2c7b8a90";
    let client = client(&server, credential(&to_mock, app, SECRET));
    let first = client
        .create_or_get_for_me(MeetingRequest::new("az-1"))
        .await
        .unwrap();
    assert!(first.was_created());
    // The mock's token is `<tenant>:<client_id>`: the meeting is the app's.
    let meeting = serde_json::to_value(first.meeting()).unwrap();
    assert_eq!(
        meeting["participants"]["organizer"]["identity"]["user"]["id"],
        app
    );
    assert_eq!(
        meeting["participants"]["organizer"]["identity"]["user"]["tenantId"],
        TENANT
    );
    let again = client
        .create_or_get_for_me(MeetingRequest::new("az-1"))
        .await
        .unwrap();
    assert!(!again.was_created());
    assert_eq!(
        to_mock.sent.load(Ordering::SeqCst),
        1,
        "the second call used the credential's cached token"
    );
    assert!(!format!("{client:?}").contains(SECRET));
}

#[tokio::test]
async fn a_credential_failure_is_an_auth_error_with_its_message() {
    rustls_ring();
    let (server, to_mock) = mock().await;
    let client = client(&server, credential(&to_mock, "app-2", REFUSED_SECRET));
    let err = client
        .create_or_get_for_me(MeetingRequest::new("az-2"))
        .await
        .unwrap_err();
    let Error::Auth(auth) = &err else {
        panic!("an auth error, got {err:?}");
    };
    let message = err.to_string();
    assert!(
        message.starts_with(&format!(
            "could not get an access token: the Azure credential failed for scope {GRAPH_SCOPE}: "
        )),
        "{message}"
    );
    assert!(
        message.contains("AADSTS7000215: Invalid client secret provided."),
        "{message}"
    );
    let cause = std::error::Error::source(auth).expect("the credential's error");
    assert!(
        cause
            .downcast_ref::<graph_online_meetings::azure_core::Error>()
            .is_some()
    );
    assert_eq!(server.meeting_count(), 0, "nothing was sent to Graph");
}

#[tokio::test]
async fn a_credential_cannot_take_the_claims_so_a_challenge_ends_the_call() {
    rustls_ring();
    let (server, to_mock) = mock().await;
    let client = client(
        &server,
        credential(&to_mock, "claims-challenge.app-3", SECRET),
    );
    let err = client
        .create_or_get_for_me(MeetingRequest::new("az-3"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::ClaimsChallenge {
                failure: ChallengeFailure::Repeated,
                ..
            }
        ),
        "{err:?}"
    );
}

/// A credential written for the test: records the scopes it is asked for.
#[derive(Debug, Default)]
struct Recording(Mutex<Vec<Vec<String>>>);

impl TokenCredential for Recording {
    fn get_token<'a, 'b, 'c, 'd, 'f>(
        &'a self,
        scopes: &'b [&'c str],
        _options: Option<TokenRequestOptions<'d>>,
    ) -> Pin<
        Box<
            dyn Future<Output = graph_online_meetings::azure_core::Result<AccessToken>> + Send + 'f,
        >,
    >
    where
        'a: 'f,
        'b: 'f,
        'c: 'f,
        'd: 'f,
        Self: 'f,
    {
        self.0
            .lock()
            .unwrap()
            .push(scopes.iter().map(|s| s.to_string()).collect());
        Box::pin(async move {
            Ok(AccessToken::new(
                "alice@contoso.com",
                OffsetDateTime::now_utc() + Duration::hours(1),
            ))
        })
    }
}

#[tokio::test]
async fn the_scope_is_graphs_unless_another_is_set() {
    let server = MockServer::start(MockConfig::default()).await.unwrap();
    let recording = Arc::new(Recording::default());
    let default = client(&server, Arc::clone(&recording) as Arc<dyn TokenCredential>);
    default
        .create_or_get_for_me(MeetingRequest::new("az-4"))
        .await
        .unwrap();
    let national = OnlineMeetingsClient::builder()
        .scope(GRAPH_SCOPE_US_GOV)
        .credential(Arc::clone(&recording) as Arc<dyn TokenCredential>)
        .base_url(format!("{}/v1.0", server.base_url()))
        .build()
        .unwrap();
    national
        .create_or_get_for_me(MeetingRequest::new("az-4"))
        .await
        .unwrap();
    assert_eq!(
        *recording.0.lock().unwrap(),
        [
            vec!["https://graph.microsoft.com/.default".to_string()],
            vec!["https://graph.microsoft.us/.default".to_string()],
        ]
    );
}
