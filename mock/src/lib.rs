//! A local Microsoft Graph `onlineMeeting: createOrGet` server for offline tests.
//!
//! It answers `POST /me/onlineMeetings/createOrGet` and
//! `POST /users/{userId}/onlineMeetings/createOrGet`, also under `/beta` and `/v1.0`, so a
//! client may use `http://127.0.0.1:PORT`, `http://127.0.0.1:PORT/beta` or
//! `http://127.0.0.1:PORT/v1.0` as its base URL. It listens on 127.0.0.1 only.
//!
//! # Tokens
//!
//! No token is verified. `Authorization: Bearer <token>` names the caller:
//!
//! - `Bearer alice@contoso.com`: user `alice@contoso.com` in [`DEFAULT_TENANT`];
//! - `Bearer <tenant>:<user>`: that user in that tenant (split at the first `:`).
//!
//! The user is an object id (GUID) or a UPN; users and tenants compare case-insensitively.
//! `/me` acts for that user; `/users/{userId}` acts for `userId` in the token's tenant.
//! A header that is not exactly `Bearer <token>` (one space, no space in the token, visible
//! ASCII only; so `Bearer Bearer x` too) answers 401 `InvalidAuthenticationToken`.
//!
//! A token whose user part starts with [`CLAIMS_CHALLENGE_PREFIX`]
//! (`claims-challenge.alice@contoso.com`) answers 401 with a claims challenge
//! (`WWW-Authenticate: Bearer ... error="insufficient_claims", claims="<base64>"`,
//! the claims being [`CHALLENGE_CLAIMS`]); one starting with
//! [`BARE_CHALLENGE_PREFIX`] answers 401 `insufficient_claims` without claims.
//!
//! `POST /{tenant}/oauth2/v2.0/token` is an Entra-like token endpoint for the
//! client-credentials grant (Azure Identity's `ClientSecretCredential`): it
//! issues `<tenant>:<client_id>` for the scope [`GRAPH_SCOPE`], refuses the
//! secret [`REFUSED_SECRET`] with Entra's `invalid_client`, and with a
//! `claims` parameter drops the challenge prefix from the client id.
//!
//! # Types
//!
//! Requests, meetings and errors are the generated `graph_online_meetings::types`
//! (`CreateOrGetOnlineMeetingRequest`, `OnlineMeeting`, `OdataError`); the mock declares no
//! wire type of its own, so a spec change reaches it through `cargo xtask generate`.
//!
//! # Behaviour
//!
//! Meetings are kept in memory under (tenant, user, externalId). The first call answers 201
//! with a new meeting; a repeat answers 200 with the stored bytes unchanged, whatever else
//! the repeat sends (a repeat must still be well formed: JSON, and of the request schema's
//! types). Errors use Graph's body, `{"error": {"code", "message", "target"?, "innerError":
//! {"date", "request-id", "client-request-id"}}}`; every response carries `request-id` and
//! `client-request-id` headers. See the crate's README for the full list of rules.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use graph_online_meetings_mock::{MockConfig, MockServer};
//! let server = MockServer::start(MockConfig::default()).await?;
//! let base_url = format!("{}/beta", server.base_url());
//! // ... point a client at base_url ...
//! server.shutdown().await
//! # }
//! ```

mod auth;
mod body;
mod encode;
mod entra;
mod error;
mod evolvable;
mod meeting;
mod request;

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::num::NonZeroU64;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::PathRejection;
use axum::extract::{Extension, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use uuid::Uuid;

pub use crate::auth::{BARE_CHALLENGE_PREFIX, CHALLENGE_CLAIMS, CLAIMS_CHALLENGE_PREFIX};
pub use crate::entra::{GRAPH_SCOPE, REFUSED_SECRET};

use crate::error::{Refusal, RequestIds};
use crate::meeting::{NewMeeting, Owner};
use crate::request::BodyError;

/// The tenant of a token without a `tenant:` part.
pub const DEFAULT_TENANT: &str = "8c1b2f4e-3d5a-4e6f-9a7b-0c1d2e3f4a5b";
/// The binary's port when `--port` is not given.
pub const DEFAULT_PORT: u16 = 8080;
/// Bodies larger than this answer 413.
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;

/// Graph's content type for entities; clients must accept its parameters.
const ODATA_JSON: &str = "application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8";
const CLIENT_REQUEST_ID: &str = "client-request-id";
const REQUEST_ID: &str = "request-id";

/// How a [`MockServer`] behaves.
#[derive(Clone, Debug)]
pub struct MockConfig {
    /// Port on 127.0.0.1; 0 (the default) takes a free one, see [`MockServer::addr`].
    pub port: u16,
    /// Tenant of tokens that name no tenant.
    pub default_tenant: String,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Failures to inject; none by default.
    pub fault: Option<FaultInjection>,
    /// Print one line per request to stderr.
    pub log_requests: bool,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            port: 0,
            default_tenant: DEFAULT_TENANT.to_owned(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            fault: None,
            log_requests: false,
        }
    }
}

/// Makes requests 1, N+1, 2N+1, ... to the createOrGet routes fail before anything else is
/// looked at. With `every = 2` a client that retries once sees every call succeed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FaultInjection {
    /// N: one request in every N fails, starting with the first.
    pub every: NonZeroU64,
    pub status: FaultStatus,
    /// `Retry-After` in seconds (fractions allowed, as Graph sends them); `None` omits it.
    pub retry_after: Option<f64>,
}

impl FaultInjection {
    /// One failure in every `every` requests, with `Retry-After: 1`.
    pub fn new(every: NonZeroU64, status: FaultStatus) -> Self {
        Self {
            every,
            status,
            retry_after: Some(1.0),
        }
    }
}

/// The status an injected failure answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultStatus {
    /// 429, code `TooManyRequests`.
    TooManyRequests,
    /// 503, code `serviceNotAvailable`.
    ServiceUnavailable,
    /// 504, code `GatewayTimeout`.
    GatewayTimeout,
}

impl FaultStatus {
    /// 429, 503 or 504; anything else is `None`.
    pub fn from_code(code: u16) -> Option<Self> {
        match code {
            429 => Some(Self::TooManyRequests),
            503 => Some(Self::ServiceUnavailable),
            504 => Some(Self::GatewayTimeout),
            _ => None,
        }
    }

    fn status(self) -> StatusCode {
        match self {
            Self::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Self::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::GatewayTimeout => StatusCode::GATEWAY_TIMEOUT,
        }
    }

    fn error(self) -> Refusal {
        let (code, message) = match self {
            Self::TooManyRequests => (
                "TooManyRequests",
                "Too many requests; retry after the time in Retry-After (injected fault).",
            ),
            Self::ServiceUnavailable => (
                "serviceNotAvailable",
                "The service is temporarily unavailable (injected fault).",
            ),
            Self::GatewayTimeout => ("GatewayTimeout", "The gateway timed out (injected fault)."),
        };
        Refusal::new(self.status(), code, message)
    }
}

/// (tenant, user, externalId), tenant and user lower-cased.
type MeetingKey = (String, String, String);

struct AppState {
    config: MockConfig,
    /// The stored bytes of each meeting; the lock is held only for one get or insert.
    meetings: Mutex<HashMap<MeetingKey, Bytes>>,
    /// createOrGet requests seen, for fault injection.
    requests: AtomicU64,
}

impl AppState {
    fn lookup(&self, key: &MeetingKey) -> Option<Bytes> {
        let meetings = self.meetings.lock().unwrap_or_else(PoisonError::into_inner);
        meetings.get(key).cloned()
    }

    /// Stores `body` unless a concurrent call stored a meeting under `key` first; either
    /// way answers with the meeting that is now stored.
    fn insert_or_get(&self, key: MeetingKey, body: Bytes) -> (StatusCode, Bytes) {
        let mut meetings = self.meetings.lock().unwrap_or_else(PoisonError::into_inner);
        match meetings.entry(key) {
            Entry::Occupied(stored) => (StatusCode::OK, stored.get().clone()),
            Entry::Vacant(slot) => {
                slot.insert(body.clone());
                (StatusCode::CREATED, body)
            }
        }
    }

    fn meeting_count(&self) -> usize {
        self.meetings
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

/// A running mock server. Dropping it stops the server too, without waiting.
pub struct MockServer {
    addr: SocketAddr,
    state: Arc<AppState>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl MockServer {
    /// Binds 127.0.0.1:`config.port` and serves on the current tokio runtime.
    pub async fn start(config: MockConfig) -> io::Result<Self> {
        if let Some(fault) = &config.fault
            && let Some(seconds) = fault.retry_after
            && !(seconds.is_finite() && seconds >= 0.0)
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "retry_after must be a finite number of seconds, 0 or more",
            ));
        }
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, config.port))
            .await
            .map_err(|error| bind_error(config.port, error))?;
        let addr = listener.local_addr()?;
        let state = Arc::new(AppState {
            config,
            meetings: Mutex::new(HashMap::new()),
            requests: AtomicU64::new(0),
        });
        let app = router(Arc::clone(&state));
        let (shutdown, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    // A dropped sender stops the server as well.
                    let _ = stopped.await;
                })
                .await
        });
        Ok(Self {
            addr,
            state,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`; append `/beta` or `/v1.0` if the client wants Graph's form.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many meetings are stored.
    pub fn meeting_count(&self) -> usize {
        self.state.meeting_count()
    }

    /// Stops accepting connections and waits for open ones to finish.
    pub async fn shutdown(mut self) -> io::Result<()> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        match self.task.take() {
            Some(task) => task.await.map_err(io::Error::other)?,
            None => Ok(()),
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// The bind error with the port it is about, and what to do when it is taken.
fn bind_error(port: u16, error: io::Error) -> io::Error {
    let message = if error.kind() == io::ErrorKind::AddrInUse {
        format!(
            "port {port} on 127.0.0.1 is already in use; choose another port, or 0 for a free one ({error})"
        )
    } else {
        format!("cannot listen on 127.0.0.1:{port}: {error}")
    };
    io::Error::new(error.kind(), message)
}

fn router(state: Arc<AppState>) -> Router {
    let mut router = Router::new();
    // Registered once per prefix (rather than nested) so each is a top-level route and
    // axum adds the `Allow` header to 405 answers.
    for prefix in ["", "/beta", "/v1.0"] {
        router = router
            .route(
                &format!("{prefix}/me/onlineMeetings/createOrGet"),
                post(create_or_get_for_me),
            )
            .route(
                &format!("{prefix}/users/{{user_id}}/onlineMeetings/createOrGet"),
                post(create_or_get_for_user),
            );
    }
    router
        .route("/{tenant}/oauth2/v2.0/token", post(entra::token))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            correlate,
        ))
        .with_state(state)
}

/// Gives every request its ids and every response the `request-id` and
/// `client-request-id` headers.
async fn correlate(
    State(state): State<Arc<AppState>>,
    mut request: Request,
    next: Next,
) -> Response {
    let echoed = request
        .headers()
        .get(CLIENT_REQUEST_ID)
        .filter(|value| value.to_str().is_ok_and(|s| !s.trim().is_empty()))
        .cloned();
    let client_request_id = match &echoed {
        Some(value) => value.to_str().unwrap_or_default().to_owned(),
        None => Uuid::new_v4().to_string(),
    };
    let ids = RequestIds {
        request_id: Uuid::new_v4().to_string(),
        client_request_id,
    };
    let log_line = state
        .config
        .log_requests
        .then(|| format!("{} {}", request.method(), request.uri()));
    request.extensions_mut().insert(ids.clone());

    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&ids.request_id) {
        headers.insert(REQUEST_ID, value);
    }
    let client_value = echoed.or_else(|| HeaderValue::from_str(&ids.client_request_id).ok());
    if let Some(value) = client_value {
        headers.insert(CLIENT_REQUEST_ID, value);
    }
    if let Some(line) = log_line {
        eprintln!(
            "{line} -> {} (request-id {})",
            response.status().as_u16(),
            ids.request_id
        );
    }
    response
}

async fn not_found(Extension(ids): Extension<RequestIds>, method: Method, uri: Uri) -> Response {
    Refusal::new(
        StatusCode::NOT_FOUND,
        "NotFound",
        format!(
            "No route for {method} {}; this mock serves POST [/beta|/v1.0]/me/onlineMeetings/createOrGet and POST [/beta|/v1.0]/users/{{userId}}/onlineMeetings/createOrGet.",
            uri.path()
        ),
    )
    .into_response(&ids)
}

async fn method_not_allowed(Extension(ids): Extension<RequestIds>, method: Method) -> Response {
    Refusal::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        format!("The HTTP method '{method}' is not allowed; createOrGet takes POST."),
    )
    .into_response(&ids)
}

/// Whose meeting a call is about, before the caller is known.
enum Target {
    Me,
    User(Result<String, PathRejection>),
}

async fn create_or_get_for_me(
    State(state): State<Arc<AppState>>,
    Extension(ids): Extension<RequestIds>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    create_or_get(&state, Target::Me, &uri, &headers, body)
        .await
        .unwrap_or_else(|error| error.into_response(&ids))
}

async fn create_or_get_for_user(
    State(state): State<Arc<AppState>>,
    Extension(ids): Extension<RequestIds>,
    user: Result<Path<String>, PathRejection>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let target = Target::User(user.map(|Path(user)| user));
    create_or_get(&state, target, &uri, &headers, body)
        .await
        .unwrap_or_else(|error| error.into_response(&ids))
}

async fn create_or_get(
    state: &AppState,
    target: Target,
    uri: &Uri,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, Refusal> {
    // Read (or drain) the body first, so that an early error still leaves a clean connection.
    let body = body::read(headers, body, state.config.max_body_bytes).await;

    inject_fault(state)?;
    let caller = auth::authenticate(headers, &state.config.default_tenant)?;
    let owner = match target {
        Target::Me => caller,
        Target::User(Ok(user)) if !user.trim().is_empty() => Owner {
            tenant: caller.tenant,
            user,
        },
        // A blank id names no user, which Graph answers with 404.
        Target::User(Ok(_)) => {
            return Err(Refusal::new(
                StatusCode::NOT_FOUND,
                "Request_ResourceNotFound",
                "userId names no user: it is blank.",
            )
            .with_target("userId".to_owned()));
        }
        Target::User(Err(rejection)) => {
            return Err(
                Refusal::bad_request(format!("userId is not valid: {rejection}."))
                    .with_target("userId".to_owned()),
            );
        }
    };
    body::check_content_type(headers)?;
    let body = body?;
    let request = request::parse(&body).map_err(|error| match error {
        BodyError::NotJson(message) => Refusal::bad_request(message),
        BodyError::Invalid(invalid) => {
            Refusal::bad_request(invalid.message).with_target(invalid.target)
        }
    })?;

    let key = (
        owner.tenant.clone(),
        owner.user_key(),
        request.external_id.clone(),
    );
    let version = evolvable::ApiVersion::of_path(uri.path());
    let late_members = evolvable::wants_late_members(headers);
    // A repeat ignores everything but the key, so it is answered before the time rules.
    if let Some(stored) = state.lookup(&key) {
        let body = evolvable::for_caller(stored, version, late_members);
        return Ok(meeting_response(StatusCode::OK, body));
    }

    let created = meeting::now();
    let (start, end) =
        meeting::schedule(request.start_date_time, request.end_date_time, created)
            .map_err(|invalid| Refusal::bad_request(invalid.message).with_target(invalid.target))?;
    let json = NewMeeting {
        api_version: version.as_str(),
        owner: &owner,
        request: &request,
        start,
        end,
        created,
    }
    .to_json()
    .map_err(|why| {
        Refusal::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
            format!("The mock could not build the meeting: {why}."),
        )
    })?;
    let (status, stored) = state.insert_or_get(key, Bytes::from(json));
    let body = evolvable::for_caller(stored, version, late_members);
    Ok(meeting_response(status, body))
}

fn meeting_response(status: StatusCode, body: Bytes) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(ODATA_JSON))],
        body,
    )
        .into_response()
}

fn inject_fault(state: &AppState) -> Result<(), Refusal> {
    let Some(fault) = &state.config.fault else {
        return Ok(());
    };
    let seen = state.requests.fetch_add(1, Ordering::Relaxed);
    if !seen.is_multiple_of(fault.every.get()) {
        return Ok(());
    }
    let mut error = fault.status.error();
    if let Some(seconds) = fault.retry_after
        && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
    {
        error = error.with_header(header::RETRY_AFTER, value);
    }
    Err(error)
}
