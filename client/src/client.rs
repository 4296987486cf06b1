//! The hand-written client around the generated one: configuration, the
//! hooks that add auth, correlation and retries to every generated call, and
//! the created-or-existing outcome.

use std::cell::RefCell;
use std::fmt;
use std::future::IntoFuture;
use std::sync::Arc;
use std::time::{Duration, Instant};

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};

use crate::auth::{AccessToken, BoxFuture, TokenError, TokenSource};
use crate::error::{Error, GraphError, ValidationError};
use crate::generated;
use crate::outcome::{MeetingResponse, Outcome};
use crate::request::MeetingRequest;
use crate::retry::RetryPolicy;
use crate::types;

/// Graph's beta endpoint, which the createOrGet documentation describes.
pub const GRAPH_BETA: &str = "https://graph.microsoft.com/beta";
/// Graph's v1.0 endpoint.
pub const GRAPH_V1: &str = "https://graph.microsoft.com/v1.0";
/// The `User-Agent` the client sends unless given its own `reqwest::Client`.
pub const USER_AGENT: &str = concat!("graph-online-meetings/", env!("CARGO_PKG_VERSION"));

const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("client-request-id");
const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");
const PREFER: HeaderName = HeaderName::from_static("prefer");
const INCLUDE_UNKNOWN_ENUM_MEMBERS: &str = "include-unknown-enum-members";

/// What the generated client carries for the hooks: shared, cheap to clone.
#[derive(Clone)]
pub struct ClientState {
    credentials: Credentials,
    retry: RetryPolicy,
    include_unknown_enum_members: bool,
}

/// Where the `Authorization` header comes from.
#[derive(Clone)]
enum Credentials {
    /// A fixed token's header, built once by [`ClientBuilder::build`].
    Fixed(HeaderValue),
    /// Asked before every call.
    Source(Arc<dyn TokenSource>),
}

fn bearer_header(secret: &str) -> Option<HeaderValue> {
    let mut value = HeaderValue::from_str(&format!("Bearer {secret}")).ok()?;
    value.set_sensitive(true);
    Some(value)
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

/// Per-call facts the hooks record for the outcome and the error.
#[derive(Default)]
struct CallRecord {
    auth_error: Option<TokenError>,
    attempts: u32,
    last_status: Option<StatusCode>,
    /// The final answer's headers, moved out of the response (see `exec`).
    headers: HeaderMap,
}

tokio::task_local! {
    /// Set only while [`CreateOrGet`] runs a call; calls made through
    /// [`OnlineMeetingsClient::generated`] have no record.
    static CALL: RefCell<CallRecord>;
}

fn with_call(f: impl FnOnce(&mut CallRecord)) {
    let _ = CALL.try_with(|record| f(&mut record.borrow_mut()));
}

impl ClientHooks<ClientState> for generated::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let state = self.inner();
        let authorization = match &state.credentials {
            Credentials::Fixed(value) => value.clone(),
            Credentials::Source(source) => match source.token().await {
                Ok(token) => bearer_header(token.secret()).ok_or_else(|| {
                    progenitor_client::Error::Custom(
                        "the access token holds characters an HTTP header cannot carry".into(),
                    )
                })?,
                Err(err) => {
                    let message = err.to_string();
                    with_call(|record| record.auth_error = Some(err));
                    return Err(progenitor_client::Error::Custom(message));
                }
            },
        };
        let headers = request.headers_mut();
        // Room for what this hook and reqwest add (authorization,
        // client-request-id, prefer, user-agent): one allocation, not two.
        headers.reserve(4);
        headers.insert(AUTHORIZATION, authorization);
        // One id per logical call (this hook runs once, before the retries),
        // so that every retry carries the same one.
        if !headers.contains_key(&CLIENT_REQUEST_ID) {
            let mut id = uuid::Uuid::encode_buffer();
            let id = uuid::Uuid::new_v4().hyphenated().encode_lower(&mut id);
            headers.insert(
                CLIENT_REQUEST_ID,
                HeaderValue::from_str(id).expect("a UUID is a valid header value"),
            );
        }
        if state.include_unknown_enum_members && !headers.contains_key(&PREFER) {
            headers.insert(
                PREFER,
                HeaderValue::from_static(INCLUDE_UNKNOWN_ENUM_MEMBERS),
            );
        }
        Ok(())
    }

    #[allow(
        clippy::manual_async_fn,
        reason = "an async fn would hold the request twice in its future"
    )]
    // A plain `fn` returning an `async move` block, not an `async fn`: the
    // request then lives in the future once, not twice. This future is part
    // of every call's, so only the request (which holds the next attempt's
    // copy) and small values cross its awaits.
    fn exec(
        &self,
        mut request: reqwest::Request,
        _info: &OperationInfo,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
        async move {
            let policy = &self.inner().retry;
            let started = Instant::now();
            let mut attempt = 1;
            loop {
                // JSON bodies are buffered, so a copy for the next attempt
                // is cheap. The copy stays in `request`; the original is sent.
                let copy = (attempt < policy.max_attempts)
                    .then(|| request.try_clone())
                    .flatten();
                let Some(copy) = copy else {
                    let mut response = self.client().execute(request).await;
                    record_final_answer(&mut response, attempt);
                    return response;
                };
                let sent = std::mem::replace(&mut request, copy);
                let delay = {
                    let mut response = self.client().execute(sent).await;
                    match policy.retry_delay(&response, attempt, started) {
                        Some(delay) => delay,
                        None => {
                            record_final_answer(&mut response, attempt);
                            return response;
                        }
                    }
                };
                policy.sleeper.sleep(delay).await;
                attempt += 1;
            }
        }
    }
}

/// Notes the attempt count and the final answer's status and headers for
/// the layer. The headers are moved, not copied: the layer answers with
/// them, and progenitor then copies an empty map.
fn record_final_answer(response: &mut reqwest::Result<reqwest::Response>, attempts: u32) {
    with_call(|record| {
        record.attempts = attempts;
        if let Ok(answer) = response {
            record.last_status = Some(answer.status());
            record.headers = std::mem::take(answer.headers_mut());
        }
    });
}

fn header_text(headers: &HeaderMap, name: &HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Configures an [`OnlineMeetingsClient`].
pub struct ClientBuilder {
    base_url: String,
    credentials: Option<TokenConfig>,
    retry: RetryPolicy,
    timeout: Duration,
    include_unknown_enum_members: bool,
    http: Option<reqwest::Client>,
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
    fn new() -> Self {
        Self {
            base_url: GRAPH_BETA.to_string(),
            credentials: None,
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(30),
            include_unknown_enum_members: false,
            http: None,
        }
    }

    /// A fixed bearer token (without the `Bearer ` prefix). Its header is
    /// built once; [`ClientBuilder::build`] refuses a token that an HTTP
    /// header cannot carry.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.credentials = Some(TokenConfig::Fixed(AccessToken::new(token)));
        self
    }

    /// A source asked for a token before every call, so that tokens can
    /// refresh.
    pub fn token_source(mut self, source: impl TokenSource) -> Self {
        self.credentials = Some(TokenConfig::Source(Arc::new(source)));
        self
    }

    /// The Graph root: [`GRAPH_BETA`] (the default), [`GRAPH_V1`], or any
    /// server such as a local mock (`http://127.0.0.1:8080/beta`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into().trim_end_matches('/').to_string();
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
                return Err(Error::Config(
                    "no token: call bearer_token or token_source".to_string(),
                ));
            }
            Some(TokenConfig::Fixed(token)) => {
                Credentials::Fixed(bearer_header(token.secret()).ok_or_else(|| {
                    Error::Config(
                        "the bearer token holds characters an HTTP header cannot carry".into(),
                    )
                })?)
            }
            Some(TokenConfig::Source(source)) => Credentials::Source(source),
        };
        let url = reqwest::Url::parse(&self.base_url)
            .map_err(|e| Error::Config(format!("base URL {:?}: {e}", self.base_url)))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Error::Config(format!(
                "base URL {:?} must start with https:// or http://",
                self.base_url
            )));
        }
        let http = match self.http {
            Some(http) => http,
            None => default_http_client(self.timeout)?,
        };
        let state = ClientState {
            credentials,
            retry: self.retry,
            include_unknown_enum_members: self.include_unknown_enum_members,
        };
        Ok(OnlineMeetingsClient {
            inner: generated::Client::new_with_client(&self.base_url, http, state),
        })
    }
}

/// A token as the builder was given it.
enum TokenConfig {
    Fixed(AccessToken),
    Source(Arc<dyn TokenSource>),
}

/// rustls with the ring provider and the platform's certificate roots:
/// https works without a C toolchain for aws-lc and without touching the
/// process-wide default provider.
fn default_http_client(timeout: Duration) -> Result<reqwest::Client, Error> {
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

/// A client for Graph's onlineMeeting createOrGet.
///
/// Cheap to clone; clones share the connection pool.
#[derive(Clone, Debug)]
pub struct OnlineMeetingsClient {
    inner: generated::Client,
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
        CreateOrGet {
            client: self,
            target: Target::Me,
            request,
            client_request_id: None,
        }
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
        CreateOrGet {
            client: self,
            target: Target::User(user_id.into()),
            request,
            client_request_id: None,
        }
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

#[derive(Debug, Clone)]
enum Target {
    Me,
    User(String),
}

/// One createOrGet call; `.await` it (or call [`CreateOrGet::send`]).
#[derive(Debug)]
#[must_use = "a createOrGet call does nothing until it is awaited"]
pub struct CreateOrGet<'a> {
    client: &'a OnlineMeetingsClient,
    target: Target,
    request: MeetingRequest,
    client_request_id: Option<String>,
}

impl<'a> CreateOrGet<'a> {
    /// Correlates the call with your own id (a GUID); by default a new UUID
    /// is sent. Every retry of the call sends the same id.
    pub fn client_request_id(mut self, id: impl Into<String>) -> Self {
        self.client_request_id = Some(id.into());
        self
    }

    /// Validates the request, then sends it, retrying as the policy says.
    ///
    /// The same as awaiting the call directly.
    ///
    /// ```no_run
    /// # async fn run(client: graph_online_meetings::OnlineMeetingsClient) -> Result<(), graph_online_meetings::Error> {
    /// use graph_online_meetings::MeetingRequest;
    ///
    /// let call = client.create_or_get_for_me(MeetingRequest::new("retro-12")).send();
    /// let response = call.await?;
    /// println!("attempts: {}", response.attempts());
    /// # Ok(()) }
    /// ```
    pub fn send(self) -> BoxFuture<'a, Result<MeetingResponse, Error>> {
        if let Err(invalid) = self.validate() {
            return Box::pin(std::future::ready(Err(Error::Validation(invalid))));
        }
        let generated = &self.client.inner;
        let body = self.request.into_body();
        let client_request_id = self.client_request_id;
        // One allocation per call: the generated call's future lives inside
        // this one, and only small values cross its await points.
        Box::pin(CALL.scope(RefCell::default(), async move {
            let result = match self.target {
                Target::Me => {
                    let call = generated.create_or_get_my_online_meeting().body(body);
                    match client_request_id {
                        Some(id) => call.client_request_id(id).send().await,
                        None => call.send().await,
                    }
                }
                Target::User(user_id) => {
                    let call = generated
                        .create_or_get_user_online_meeting()
                        .user_id(user_id)
                        .body(body);
                    match client_request_id {
                        Some(id) => call.client_request_id(id).send().await,
                        None => call.send().await,
                    }
                }
            };
            let record = CALL.with(RefCell::take);
            match finish(result, record) {
                Finished::Done(result) => result,
                Finished::UnlistedStatus(response, headers) => {
                    Err(unexpected_status(response, headers).await)
                }
            }
        }))
    }

    fn validate(&self) -> Result<(), ValidationError> {
        self.request.validate()?;
        match &self.target {
            Target::User(user_id) if user_id.trim().is_empty() => Err(ValidationError::EmptyUserId),
            _ => Ok(()),
        }
    }
}

impl<'a> IntoFuture for CreateOrGet<'a> {
    type Output = Result<MeetingResponse, Error>;
    type IntoFuture = BoxFuture<'a, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        self.send()
    }
}

/// The generated call's result, mapped without waiting on anything; only a
/// status the spec does not list still has a body to read.
enum Finished {
    Done(Result<MeetingResponse, Error>),
    UnlistedStatus(reqwest::Response, HeaderMap),
}

/// Maps the generated call's result; `record.headers` are the final
/// answer's headers (the `ResponseValue`'s own are empty, see `exec`).
fn finish(
    result: Result<
        progenitor_client::ResponseValue<types::OnlineMeeting>,
        progenitor_client::Error<types::OdataError>,
    >,
    record: CallRecord,
) -> Finished {
    use progenitor_client::Error as Raw;
    Finished::Done(match result {
        Ok(value) => {
            let status = value.status();
            let meeting = Box::new(value.into_inner());
            let outcome = if status == StatusCode::CREATED {
                Outcome::Created(meeting)
            } else {
                Outcome::Existing(meeting)
            };
            Ok(MeetingResponse::new(
                outcome,
                status,
                record.headers,
                record.attempts,
            ))
        }
        Err(Raw::ErrorResponse(value)) => Err(Error::Graph(Box::new(graph_error(
            value.status(),
            &record.headers,
            value.into_inner(),
            record.attempts,
        )))),
        Err(Raw::InvalidResponsePayload(body, source)) => Err(Error::InvalidBody {
            status: record.last_status,
            request_id: header_text(&record.headers, &REQUEST_ID),
            body,
            source,
        }),
        Err(Raw::UnexpectedResponse(response)) => {
            return Finished::UnlistedStatus(response, record.headers);
        }
        Err(Raw::CommunicationError(e) | Raw::ResponseBodyError(e) | Raw::InvalidUpgrade(e)) => {
            Err(transport(e))
        }
        Err(Raw::Custom(message)) => Err(match record.auth_error {
            Some(err) => Error::Auth(err),
            None => Error::Config(message),
        }),
        Err(Raw::InvalidRequest(message)) => Err(Error::Config(message)),
    })
}

/// A status the spec does not list: the body is kept whole for the caller.
async fn unexpected_status(response: reqwest::Response, headers: HeaderMap) -> Error {
    let status = response.status();
    let request_id = header_text(&headers, &REQUEST_ID);
    match response.bytes().await {
        Ok(body) => Error::UnexpectedStatus {
            status,
            request_id,
            body,
        },
        Err(e) => transport(e),
    }
}

fn transport(e: reqwest::Error) -> Error {
    if e.is_timeout() {
        Error::Timeout(e)
    } else {
        Error::Transport(e)
    }
}

fn graph_error(
    status: StatusCode,
    headers: &HeaderMap,
    body: types::OdataError,
    attempts: u32,
) -> GraphError {
    let main = &body.error;
    let inner = main.inner_error.as_ref();
    GraphError {
        status,
        code: main.code.clone(),
        message: main.message.clone(),
        target: main.target.clone(),
        details: main.details.clone().unwrap_or_default(),
        request_id: inner
            .and_then(|i| i.request_id.clone())
            .or_else(|| header_text(headers, &REQUEST_ID)),
        client_request_id: inner
            .and_then(|i| i.client_request_id.clone())
            .or_else(|| header_text(headers, &CLIENT_REQUEST_ID)),
        date: inner.and_then(|i| i.date.clone()),
        retry_after: crate::retry::retry_after(headers, std::time::SystemTime::now()),
        attempts,
        body,
    }
}
