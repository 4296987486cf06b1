//! The client: what it holds, and the calls it offers.

use std::fmt;
use std::sync::Arc;

use progenitor_client::ClientInfo;

use crate::auth::Credentials;
use crate::builder::ClientBuilder;
use crate::call::{CreateOrGet, Target};
use crate::generated;
use crate::request::MeetingRequest;
use crate::retry::RetryPolicy;
use crate::trace::Labels;

/// Graph's beta endpoint, which the createOrGet documentation describes.
pub const GRAPH_BETA: &str = "https://graph.microsoft.com/beta";
/// Graph's v1.0 endpoint.
pub const GRAPH_V1: &str = "https://graph.microsoft.com/v1.0";
/// The `User-Agent` the client sends unless given its own `reqwest::Client`.
pub const USER_AGENT: &str = concat!("graph-online-meetings/", env!("CARGO_PKG_VERSION"));

/// What the generated client carries for the hooks: shared, cheap to clone.
#[derive(Clone)]
pub struct ClientState {
    pub(crate) credentials: Credentials,
    pub(crate) retry: RetryPolicy,
    pub(crate) include_unknown_enum_members: bool,
    /// The span fields of this client's calls.
    pub(crate) labels: Arc<Labels>,
}

impl fmt::Debug for ClientState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientState")
            .field("credentials", &"<redacted>")
            .field("retry", &self.retry)
            .field(
                "include_unknown_enum_members",
                &self.include_unknown_enum_members,
            )
            .finish()
    }
}

/// A client for Graph's onlineMeeting createOrGet.
///
/// Cheap to clone; clones share the connection pool.
#[derive(Clone, Debug)]
pub struct OnlineMeetingsClient {
    pub(crate) inner: generated::Client,
}

impl OnlineMeetingsClient {
    /// Starts configuring a client.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), graph_online_meetings::Error> {
    /// use graph_online_meetings::{MeetingRequest, OnlineMeetingsClient, GRAPH_V1};
    ///
    /// let client = OnlineMeetingsClient::builder()
    ///     .bearer_token(std::env::var("GRAPH_TOKEN").unwrap_or_default())
    ///     .base_url(GRAPH_V1)
    ///     .build()?;
    /// let response = client
    ///     .create_or_get_for_me(MeetingRequest::new("weekly-sync-2026-w49").subject("Weekly sync"))
    ///     .await?;
    /// println!("created: {}", response.was_created());
    /// # Ok(()) }
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// createOrGet for the signed-in user (`POST /me/onlineMeetings/createOrGet`),
    /// with a delegated token holding `OnlineMeetings.ReadWrite`.
    ///
    /// ```no_run
    /// # async fn run(client: graph_online_meetings::OnlineMeetingsClient) -> Result<(), graph_online_meetings::Error> {
    /// use graph_online_meetings::MeetingRequest;
    ///
    /// let response = client.create_or_get_for_me(MeetingRequest::new("standup-42")).await?;
    /// println!("{:?}", response.meeting().join_web_url);
    /// # Ok(()) }
    /// ```
    pub fn create_or_get_for_me(&self, request: MeetingRequest) -> CreateOrGet<'_> {
        CreateOrGet::new(self, Target::Me, request)
    }

    /// createOrGet for a given user (`POST /users/{userId}/onlineMeetings/createOrGet`),
    /// with an application token holding `OnlineMeetings.ReadWrite.All` and
    /// an application access policy that covers the user.
    ///
    /// ```no_run
    /// # async fn run(client: graph_online_meetings::OnlineMeetingsClient) -> Result<(), graph_online_meetings::Error> {
    /// use graph_online_meetings::MeetingRequest;
    ///
    /// let response = client
    ///     .create_or_get_for_user("1f35f2e6-9cab-44ad-8d5a-b74c14720000", MeetingRequest::new("intake-7"))
    ///     .client_request_id("9b2a1e0c-0000-4000-8000-000000000007")
    ///     .await?;
    /// println!("existing meeting: {}", !response.was_created());
    /// # Ok(()) }
    /// ```
    pub fn create_or_get_for_user(
        &self,
        user_id: impl Into<String>,
        request: MeetingRequest,
    ) -> CreateOrGet<'_> {
        CreateOrGet::new(self, Target::User(user_id.into()), request)
    }

    /// The generated client, for calls this layer does not wrap. Its calls
    /// still go through the same auth, correlation and retry hooks.
    ///
    /// ```no_run
    /// # async fn run(client: graph_online_meetings::OnlineMeetingsClient) {
    /// use graph_online_meetings::types::CreateOrGetOnlineMeetingRequest;
    ///
    /// let body = CreateOrGetOnlineMeetingRequest::builder().external_id("raw-1");
    /// let raw = client.generated().create_or_get_my_online_meeting().body(body).send().await;
    /// # }
    /// ```
    pub fn generated(&self) -> &generated::Client {
        &self.inner
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.inner.baseurl()
    }
}
