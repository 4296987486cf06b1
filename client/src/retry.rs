//! Retrying throttled and unavailable answers.
//!
//! createOrGet is idempotent by design: the meeting is identified by
//! (tenant, user, externalId), and a repeat returns the stored meeting. So a
//! retry after a 429, 503 or 504 can never create a second meeting, even if
//! the first attempt did reach Graph.

use std::fmt;
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

    /// How long to wait before another attempt at this answer, or `None`
    /// when it is final: not retryable, or the wait would overrun the
    /// time budget.
    pub(crate) fn retry_delay(
        &self,
        answer: &reqwest::Result<reqwest::Response>,
        attempt: u32,
        started: Instant,
    ) -> Option<Duration> {
        let answer = answer.as_ref().ok()?;
        if !Self::is_retryable(answer.status()) {
            return None;
        }
        let delay = self.delay(attempt, answer.headers());
        (started.elapsed().saturating_add(delay) <= self.max_elapsed).then_some(delay)
    }

    /// The wait before attempt `attempt + 1`, after attempt `attempt` (1-based)
    /// was answered with `headers`.
    pub(crate) fn delay(&self, attempt: u32, headers: &HeaderMap) -> Duration {
        if let Some(delay) = retry_after(headers, SystemTime::now()) {
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
        for _ in 0..50 {
            let first = policy.delay(1, &none);
            assert!((50..=100).contains(&first.as_millis()), "{first:?}");
            let second = policy.delay(2, &none);
            assert!((100..=200).contains(&second.as_millis()), "{second:?}");
            let capped = policy.delay(10, &none);
            assert!((175..=350).contains(&capped.as_millis()), "{capped:?}");
        }
    }

    #[test]
    fn retry_after_wins_over_backoff() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.delay(1, &headers("7")), Duration::from_secs(7));
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
}
