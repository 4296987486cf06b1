//! Retrying throttled and unavailable answers.
//!
//! createOrGet is idempotent by design: the meeting is identified by
//! (tenant, user, externalId), and a repeat returns the stored meeting. So a
//! retry after a 429, 503 or 504 can never create a second meeting, even if
//! the first attempt did reach Graph.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::auth::BoxFuture;

/// Waits between attempts. The default uses tokio's timer; tests inject one
/// that records the delays and returns at once.
pub trait Sleeper: Send + Sync + 'static {
    /// Completes after `delay`.
    fn sleep(&self, delay: Duration) -> BoxFuture<'static, ()>;
}

/// Sleeps with `tokio::time::sleep`.
#[derive(Clone, Copy, Debug, Default)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    fn sleep(&self, delay: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(delay))
    }
}

/// When and how often to retry.
///
/// Retried: 429 Too Many Requests, 503 Service Unavailable and 504 Gateway
/// Timeout. The wait honours `Retry-After` (whole or fractional seconds, or
/// an HTTP date); without it the wait grows exponentially, with jitter so
/// that many clients do not retry in step. Attempts and total time are both
/// bounded.
#[derive(Clone)]
pub struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) initial_backoff: Duration,
    pub(crate) max_backoff: Duration,
    pub(crate) max_elapsed: Duration,
    pub(crate) sleeper: Arc<dyn Sleeper>,
}

impl Default for RetryPolicy {
    /// Four attempts (Graph's SDKs retry three times), backoff from 1 s up to
    /// 30 s, at most 2 minutes in all.
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
            max_elapsed: Duration::from_secs(120),
            sleeper: Arc::new(TokioSleeper),
        }
    }
}

impl fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("max_attempts", &self.max_attempts)
            .field("initial_backoff", &self.initial_backoff)
            .field("max_backoff", &self.max_backoff)
            .field("max_elapsed", &self.max_elapsed)
            .finish_non_exhaustive()
    }
}

impl RetryPolicy {
    /// No retries: every answer is returned as it comes.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Attempts in all, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The first backoff when Graph sends no `Retry-After`; it doubles per attempt.
    pub fn initial_backoff(mut self, delay: Duration) -> Self {
        self.initial_backoff = delay;
        self
    }

    /// The longest computed backoff (a `Retry-After` may ask for longer).
    pub fn max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// The most time a call may spend waiting to retry; a wait that would
    /// exceed it is not started and the last answer is returned.
    pub fn max_elapsed(mut self, limit: Duration) -> Self {
        self.max_elapsed = limit;
        self
    }

    /// Replaces the timer, for tests.
    pub fn sleeper(mut self, sleeper: impl Sleeper) -> Self {
        self.sleeper = Arc::new(sleeper);
        self
    }

    /// Whether a status is worth retrying.
    pub fn is_retryable(status: StatusCode) -> bool {
        matches!(
            status,
            StatusCode::TOO_MANY_REQUESTS
                | StatusCode::SERVICE_UNAVAILABLE
                | StatusCode::GATEWAY_TIMEOUT
        )
    }

    /// Sends `request`, and copies of it again while the answer is
    /// retryable and attempts and time remain. Returns the final answer and
    /// the number of attempts made.
    ///
    /// Only the request (which holds the next attempt's copy) and small
    /// values cross the awaits: this future is part of every call's.
    pub(crate) async fn run<R, A, F>(
        &self,
        mut request: R,
        mut send: impl FnMut(R) -> F,
        clock: &impl Clock,
    ) -> (A, u32)
    where
        R: Resend,
        A: Answer,
        F: Future<Output = A>,
    {
        let started = clock.monotonic();
        let mut attempt = 1;
        loop {
            // The copy for the next attempt stays in `request`; the original
            // is sent. A request that cannot be copied is sent only once.
            let copy = (attempt < self.max_attempts)
                .then(|| request.copy_for_retry())
                .flatten();
            let Some(copy) = copy else {
                return (send(request).await, attempt);
            };
            let sent = std::mem::replace(&mut request, copy);
            let delay = {
                let answer = send(sent).await;
                let elapsed = clock.monotonic().saturating_duration_since(started);
                match answer.status_and_headers().and_then(|(status, headers)| {
                    let delay = self.retry_delay(status, headers, attempt, elapsed, clock.wall());
                    delay.map(|delay| (status, delay))
                }) {
                    Some((status, delay)) => {
                        tracing::info!(
                            graph.retry.attempt = attempt,
                            graph.retry.reason = %status,
                            graph.retry.delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                            "retrying after {status}"
                        );
                        delay
                    }
                    None => return (answer, attempt),
                }
            };
            self.sleeper.sleep(delay).await;
            attempt += 1;
        }
    }

    /// How long to wait before another attempt after attempt `attempt`
    /// (1-based) was answered with `status` and `headers`, `elapsed` into
    /// the call; `None` when the answer is final: not retryable, or the
    /// wait would overrun the time budget.
    pub(crate) fn retry_delay(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        attempt: u32,
        elapsed: Duration,
        now: SystemTime,
    ) -> Option<Duration> {
        if !Self::is_retryable(status) {
            return None;
        }
        let delay = self.delay(attempt, headers, now);
        (elapsed.saturating_add(delay) <= self.max_elapsed).then_some(delay)
    }

    /// The wait before attempt `attempt + 1`, after attempt `attempt` (1-based)
    /// was answered with `headers` at wall-clock time `now`.
    pub(crate) fn delay(&self, attempt: u32, headers: &HeaderMap, now: SystemTime) -> Duration {
        if let Some(delay) = retry_after(headers, now) {
            return delay;
        }
        let exponent = attempt.saturating_sub(1).min(20);
        let ceiling = self
            .initial_backoff
            .saturating_mul(1u32 << exponent)
            .min(self.max_backoff);
        // "Equal jitter": at least half the ceiling, so waits still grow.
        let half = ceiling / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// What the retry loop reads the time from; tests give it a fake one.
pub(crate) trait Clock {
    /// For the time budget.
    fn monotonic(&self) -> Instant;
    /// For a `Retry-After` given as an HTTP date.
    fn wall(&self) -> SystemTime;
}

/// The system's clocks.
pub(crate) struct SystemClock;

impl Clock for SystemClock {
    fn monotonic(&self) -> Instant {
        Instant::now()
    }

    fn wall(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A request the loop can copy for the next attempt.
pub(crate) trait Resend: Sized {
    /// A copy to send next, or `None` if the request cannot be copied (a
    /// streamed body): it is then sent once.
    fn copy_for_retry(&self) -> Option<Self>;
}

impl Resend for reqwest::Request {
    fn copy_for_retry(&self) -> Option<Self> {
        self.try_clone()
    }
}

/// An answer the policy can judge.
pub(crate) trait Answer {
    /// The status and headers of a response; `None` when there is none (a
    /// transport failure, which is reported, not retried).
    fn status_and_headers(&self) -> Option<(StatusCode, &HeaderMap)>;
}

impl Answer for reqwest::Result<reqwest::Response> {
    fn status_and_headers(&self) -> Option<(StatusCode, &HeaderMap)> {
        self.as_ref()
            .ok()
            .map(|response| (response.status(), response.headers()))
    }
}

/// Reads `Retry-After`: delta-seconds, possibly fractional as Graph sends
/// them (`2.128`), or an HTTP date. Unreadable values are ignored.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        // A day is far beyond any real throttle; larger values are noise.
        return (seconds.is_finite() && (0.0..=86_400.0).contains(&seconds))
            .then(|| Duration::from_secs_f64(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        map
    }

    #[test]
    fn retry_after_accepts_whole_and_fractional_seconds() {
        let now = SystemTime::now();
        assert_eq!(
            retry_after(&headers("3"), now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            retry_after(&headers("2.128"), now),
            Some(Duration::from_millis(2128))
        );
        assert_eq!(retry_after(&headers(" 0 "), now), Some(Duration::ZERO));
    }

    #[test]
    fn retry_after_accepts_an_http_date() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(
            retry_after(&headers("Sun, 06 Nov 1994 08:49:47 GMT"), now),
            Some(Duration::from_secs(10))
        );
        // A date in the past means "now".
        assert_eq!(
            retry_after(&headers("Sun, 06 Nov 1994 08:49:27 GMT"), now),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn unreadable_retry_after_is_ignored() {
        let now = SystemTime::now();
        for value in ["soon", "-1", "NaN", "inf", "1e12", ""] {
            assert_eq!(retry_after(&headers(value), now), None, "{value:?}");
        }
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn backoff_grows_exponentially_within_jitter_and_cap() {
        let policy = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(350));
        let none = HeaderMap::new();
        let now = SystemTime::now();
        for _ in 0..50 {
            let first = policy.delay(1, &none, now);
            assert!((50..=100).contains(&first.as_millis()), "{first:?}");
            let second = policy.delay(2, &none, now);
            assert!((100..=200).contains(&second.as_millis()), "{second:?}");
            let capped = policy.delay(10, &none, now);
            assert!((175..=350).contains(&capped.as_millis()), "{capped:?}");
        }
    }

    #[test]
    fn retry_after_wins_over_backoff() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.delay(1, &headers("7"), SystemTime::now()),
            Duration::from_secs(7)
        );
    }

    #[test]
    fn only_throttling_and_unavailability_are_retried() {
        for code in [429, 503, 504] {
            assert!(RetryPolicy::is_retryable(
                StatusCode::from_u16(code).unwrap()
            ));
        }
        for code in [200, 201, 400, 401, 403, 404, 409, 500, 502] {
            assert!(!RetryPolicy::is_retryable(
                StatusCode::from_u16(code).unwrap()
            ));
        }
    }

    /// A clock whose time moves only when the test (or its sleeper) says.
    #[derive(Clone)]
    struct FakeClock {
        start: Instant,
        wall_start: SystemTime,
        offset: Arc<std::sync::Mutex<Duration>>,
    }

    impl FakeClock {
        fn new(wall_start: SystemTime) -> Self {
            Self {
                start: Instant::now(),
                wall_start,
                offset: Arc::default(),
            }
        }

        fn advance(&self, by: Duration) {
            *self.offset.lock().unwrap() += by;
        }
    }

    impl Clock for FakeClock {
        fn monotonic(&self) -> Instant {
            self.start + *self.offset.lock().unwrap()
        }

        fn wall(&self) -> SystemTime {
            self.wall_start + *self.offset.lock().unwrap()
        }
    }

    /// Records each delay and moves the fake clock by it, returning at once.
    #[derive(Clone)]
    struct FakeSleeper {
        clock: FakeClock,
        delays: Arc<std::sync::Mutex<Vec<Duration>>>,
    }

    impl Sleeper for FakeSleeper {
        fn sleep(&self, delay: Duration) -> BoxFuture<'static, ()> {
            self.delays.lock().unwrap().push(delay);
            self.clock.advance(delay);
            Box::pin(async {})
        }
    }

    /// A request numbered by its copy; `copyable: false` is a streamed body.
    struct Probe {
        copy: u32,
        copyable: bool,
    }

    impl Resend for Probe {
        fn copy_for_retry(&self) -> Option<Self> {
            self.copyable.then(|| Probe {
                copy: self.copy + 1,
                copyable: true,
            })
        }
    }

    /// A scripted answer: a status with headers, or a transport failure.
    #[derive(Clone, Debug, PartialEq)]
    struct Scripted(Option<(u16, HeaderMap)>);

    impl Answer for Scripted {
        fn status_and_headers(&self) -> Option<(StatusCode, &HeaderMap)> {
            self.0
                .as_ref()
                .map(|(status, headers)| (StatusCode::from_u16(*status).unwrap(), headers))
        }
    }

    fn status(code: u16) -> Scripted {
        Scripted(Some((code, HeaderMap::new())))
    }

    fn status_with_retry_after(code: u16, value: &str) -> Scripted {
        Scripted(Some((code, headers(value))))
    }

    struct Run {
        answer: Scripted,
        attempts: u32,
        sent: Vec<u32>,
        delays: Vec<Duration>,
    }

    /// Runs the loop against `script`; each send takes `send_time` on the
    /// fake clock.
    async fn run(
        policy: RetryPolicy,
        copyable: bool,
        script: Vec<Scripted>,
        send_time: Duration,
    ) -> Run {
        let clock =
            FakeClock::new(httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap());
        let sleeper = FakeSleeper {
            clock: clock.clone(),
            delays: Arc::default(),
        };
        let policy = policy.sleeper(sleeper.clone());
        let mut script = script.into_iter();
        let mut sent = Vec::new();
        let (answer, attempts) = policy
            .run(
                Probe { copy: 0, copyable },
                |probe: Probe| {
                    sent.push(probe.copy);
                    clock.advance(send_time);
                    let answer = script.next().expect("the script has an answer");
                    async move { answer }
                },
                &clock,
            )
            .await;
        let delays = sleeper.delays.lock().unwrap().clone();
        Run {
            answer,
            attempts,
            sent,
            delays,
        }
    }

    #[tokio::test]
    async fn the_loop_retries_until_an_answer_is_final() {
        let done = run(
            RetryPolicy::default(),
            true,
            vec![
                status_with_retry_after(429, "2"),
                status_with_retry_after(503, "Sun, 06 Nov 1994 08:49:47 GMT"),
                status(201),
            ],
            Duration::ZERO,
        )
        .await;
        assert_eq!(done.answer, status(201));
        assert_eq!(done.attempts, 3);
        assert_eq!(done.sent, vec![0, 1, 2], "a fresh copy per attempt");
        // The HTTP date is read against the injected wall clock, which the
        // first wait moved 2 s on.
        assert_eq!(
            done.delays,
            vec![Duration::from_secs(2), Duration::from_secs(8)]
        );
    }

    #[tokio::test]
    async fn the_loop_stops_at_max_attempts_with_the_last_answer() {
        let done = run(
            RetryPolicy::default().max_attempts(3),
            true,
            vec![
                status_with_retry_after(503, "0"),
                status_with_retry_after(503, "0"),
                status_with_retry_after(504, "0"),
            ],
            Duration::ZERO,
        )
        .await;
        assert_eq!(done.answer, status_with_retry_after(504, "0"));
        assert_eq!((done.attempts, done.sent.len()), (3, 3));
        assert_eq!(done.delays.len(), 2);
    }

    #[tokio::test]
    async fn final_answers_and_transport_failures_are_returned_at_once() {
        for answer in [status(201), status(400), status(500), Scripted(None)] {
            let done = run(
                RetryPolicy::default(),
                true,
                vec![answer.clone()],
                Duration::ZERO,
            )
            .await;
            assert_eq!(done.answer, answer);
            assert_eq!(done.attempts, 1);
            assert!(done.delays.is_empty(), "{answer:?}");
        }
    }

    #[tokio::test]
    async fn a_wait_beyond_the_time_budget_is_not_started() {
        // Each attempt takes 50 s: the first wait ends at 55 s, the second
        // would end at 110 s, past the 100 s budget.
        let done = run(
            RetryPolicy::default().max_elapsed(Duration::from_secs(100)),
            true,
            vec![
                status_with_retry_after(429, "5"),
                status_with_retry_after(429, "5"),
                status(201),
            ],
            Duration::from_secs(50),
        )
        .await;
        assert_eq!(done.answer, status_with_retry_after(429, "5"));
        assert_eq!(done.attempts, 2);
        assert_eq!(done.delays, vec![Duration::from_secs(5)]);
    }

    #[tokio::test]
    async fn a_request_that_cannot_be_copied_is_sent_once() {
        let done = run(
            RetryPolicy::default(),
            false,
            vec![status_with_retry_after(503, "0")],
            Duration::ZERO,
        )
        .await;
        assert_eq!(done.answer, status_with_retry_after(503, "0"));
        assert_eq!((done.attempts, done.sent), (1, vec![0]));
    }

    #[tokio::test]
    async fn disabled_retries_send_once() {
        let done = run(
            RetryPolicy::disabled(),
            true,
            vec![status_with_retry_after(429, "1")],
            Duration::ZERO,
        )
        .await;
        assert_eq!(done.attempts, 1);
        assert!(done.delays.is_empty());
    }
}
