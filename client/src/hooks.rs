//! The hooks progenitor runs around every generated call: auth,
//! correlation and the `Prefer` header before it, the retry loop as its
//! execution, and the record of what happened for the layer's answer.

use std::cell::RefCell;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};

use crate::auth::{TokenError, source_header};
use crate::challenge::{
    ChallengeFailure, ChallengeOutcome, ClaimsChallenge, answer_claims, spare_copy,
};
use crate::client::ClientState;
use crate::generated;
use crate::retry::SystemClock;

pub(crate) const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("client-request-id");
const PREFER: HeaderName = HeaderName::from_static("prefer");
const INCLUDE_UNKNOWN_ENUM_MEMBERS: &str = "include-unknown-enum-members";

/// Per-call facts the hooks record for the outcome and the error.
#[derive(Default)]
pub(crate) struct CallRecord {
    /// Why no token could be had (before the call, or after a claims
    /// challenge); the hooks can hand progenitor only a string.
    pub(crate) auth_error: Option<TokenError>,
    /// A claims challenge that ended the call.
    pub(crate) challenge: Option<(ClaimsChallenge, ChallengeFailure)>,
    pub(crate) attempts: u32,
    pub(crate) last_status: Option<StatusCode>,
    /// The final answer's headers, moved out of the response (see `exec`).
    pub(crate) headers: HeaderMap,
}

tokio::task_local! {
    /// Set only while a [`crate::CreateOrGet`] runs a call; calls made
    /// through [`crate::OnlineMeetingsClient::generated`] have no record.
    static CALL: RefCell<CallRecord>;
}

/// Runs `call` with a fresh record, and returns its output and the record.
pub(crate) async fn recorded<T>(call: impl Future<Output = T>) -> (T, CallRecord) {
    CALL.scope(RefCell::default(), async move {
        let output = call.await;
        (output, CALL.with(RefCell::take))
    })
    .await
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
        let authorization = match state.credentials.authorization().await {
            Ok(value) => value,
            Err(err) => {
                // progenitor carries only a string; the layer's caller gets
                // the typed error from the record.
                let message = format!("could not get an access token: {err}");
                with_call(|record| record.auth_error = Some(err));
                return Err(progenitor_client::Error::Custom(message));
            }
        };
        let headers = request.headers_mut();
        // Room for what this hook and reqwest add (authorization,
        // client-request-id, prefer, user-agent): one allocation, not two.
        headers.reserve(4);
        headers.insert(AUTHORIZATION, authorization);
        // One id per logical call (this hook runs once, before the retries),
        // so that every retry carries the same one.
        match headers.get(&CLIENT_REQUEST_ID) {
            Some(given) => crate::trace::record_client_request_id(given.to_str().unwrap_or("?")),
            None => {
                let mut id = uuid::Uuid::encode_buffer();
                let id = uuid::Uuid::new_v4().hyphenated().encode_lower(&mut id);
                crate::trace::record_client_request_id(id);
                headers.insert(
                    CLIENT_REQUEST_ID,
                    HeaderValue::from_str(id).expect("a UUID is a valid header value"),
                );
            }
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
    // request then lives in the future once, not twice.
    fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
        async move {
            let http = self.client();
            let state = self.inner();
            let source = state.credentials.renewable();
            // An unsent copy for a claims challenge's resend, only when the
            // token can be renewed.
            // Boxed: the copy and the challenge's future are for a rare
            // path, and this future is part of every call's.
            let spare = spare_copy(&request, source.is_some()).map(Box::new);
            let (mut response, mut attempts) = state
                .retry
                .run(request, |sent| http.execute(sent), &SystemClock)
                .await;
            let unauthorized = response
                .as_ref()
                .is_ok_and(|answer| answer.status() == StatusCode::UNAUTHORIZED);
            if unauthorized {
                let (answer, all, outcome) = Box::pin(answer_claims(
                    (response, attempts),
                    spare.map(|spare| *spare),
                    |claims| async move {
                        match source {
                            Some(source) => source_header(source.token_with_claims(&claims).await?),
                            None => Err(TokenError::new("no token source to ask for the claims")),
                        }
                    },
                    |again| {
                        state
                            .retry
                            .run(again, |sent| http.execute(sent), &SystemClock)
                    },
                ))
                .await;
                (response, attempts) = (answer, all);
                match outcome {
                    ChallengeOutcome::None | ChallengeOutcome::Answered => {}
                    ChallengeOutcome::Failed(challenge, failure) => {
                        with_call(|record| record.challenge = Some((challenge, failure)));
                    }
                    ChallengeOutcome::TokenFailed(err) => {
                        with_call(|record| record.auth_error = Some(err));
                    }
                }
            }
            record_final_answer(&mut response, attempts);
            response
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
