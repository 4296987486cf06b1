//! The root cause of a failed HTTP exchange, named in one line. reqwest's
//! own message is only "error sending request for url (...)"; what went
//! wrong (a refused connection, an unknown host, a TLS handshake with a
//! plain-http server) sits several `source()` levels below it.

use std::error::Error as StdError;
use std::fmt;
use std::io;

/// What a transport failure came down to.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum RootCause {
    /// Nothing listens on the port.
    Refused,
    /// The host name did not resolve.
    UnknownHost(String),
    /// An `https://` URL for a server that speaks plain HTTP.
    PlainHttpServer,
    /// Any other TLS failure, in rustls's words.
    Tls(String),
    /// The connection was reset or closed before the answer was complete.
    ClosedEarly,
    /// The OS or a library gave up waiting.
    TimedOut,
    /// Anything else: the innermost error's own message.
    Other(String),
}

impl RootCause {
    pub(crate) fn of(error: &reqwest::Error) -> Self {
        let mut innermost = error.to_string();
        let mut io_kind = None;
        for level in chain(error) {
            if let Some(tls) = level.downcast_ref::<rustls::Error>() {
                return Self::from_tls(tls);
            }
            if is_dns_failure(level) {
                let host = error
                    .url()
                    .and_then(|url| url.host_str())
                    .unwrap_or("?")
                    .to_string();
                return Self::UnknownHost(host);
            }
            if let Some(io) = level.downcast_ref::<io::Error>() {
                io_kind = io_kind.or(Some(io.kind()));
            }
            innermost = level.to_string();
        }
        match io_kind {
            Some(io::ErrorKind::ConnectionRefused) => Self::Refused,
            Some(
                io::ErrorKind::ConnectionReset
                | io::ErrorKind::ConnectionAborted
                | io::ErrorKind::BrokenPipe
                | io::ErrorKind::UnexpectedEof,
            ) => Self::ClosedEarly,
            Some(io::ErrorKind::TimedOut) => Self::TimedOut,
            _ if error.is_timeout() => Self::TimedOut,
            _ => Self::Other(innermost),
        }
    }

    fn from_tls(error: &rustls::Error) -> Self {
        match error {
            // The first bytes back were not a TLS record: an HTTP answer.
            rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType) => {
                Self::PlainHttpServer
            }
            other => Self::Tls(other.to_string()),
        }
    }
}

impl fmt::Display for RootCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RootCause::Refused => f.write_str("connection refused"),
            RootCause::UnknownHost(host) => write!(f, "unknown host {host} (DNS lookup failed)"),
            RootCause::PlainHttpServer => f.write_str(
                "TLS handshake failed: the server answered in plain HTTP (use an http:// URL for it)",
            ),
            RootCause::Tls(message) => write!(f, "TLS handshake failed: {message}"),
            RootCause::ClosedEarly => f.write_str("the server closed the connection early"),
            RootCause::TimedOut => f.write_str("timed out"),
            RootCause::Other(message) => f.write_str(message),
        }
    }
}

/// `scheme://host:port` of the failed request, or a placeholder.
pub(crate) fn origin(error: &reqwest::Error) -> String {
    error.url().map_or_else(
        || "Graph".to_string(),
        |url| url.origin().ascii_serialization(),
    )
}

/// The error's causes, below it, including what an `io::Error` wraps
/// (whose own `source()` skips the wrapped error).
fn chain<'a>(error: &'a reqwest::Error) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    let mut next = error.source();
    std::iter::from_fn(move || {
        let current = next?;
        next = match current.downcast_ref::<io::Error>() {
            Some(io) => io.get_ref().map(|inner| inner as &(dyn StdError + 'static)),
            None => current.source(),
        };
        Some(current)
    })
}

/// hyper-util's connect and DNS error types are private, so their messages
/// are the only mark of a failed lookup.
fn is_dns_failure(level: &(dyn StdError + 'static)) -> bool {
    let message = level.to_string();
    message == "dns error" || message == "error resolving DNS"
}
