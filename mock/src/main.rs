//! `graph-online-meetings-mock`: runs the mock createOrGet server until Ctrl-C or SIGTERM.

use std::num::NonZeroU64;
use std::process::ExitCode;

use clap::Parser;
use graph_online_meetings_mock::{
    DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT, DEFAULT_TENANT, FaultInjection, FaultStatus, MockConfig,
    MockServer,
};

/// A local Microsoft Graph onlineMeeting createOrGet server, on 127.0.0.1 only.
///
/// Tokens: `Authorization: Bearer <user>` or `Bearer <tenant>:<user>`, where <user> is a
/// UPN or an object id; nothing is verified. Prints `listening on http://127.0.0.1:PORT`
/// once it accepts connections.
#[derive(Debug, Parser)]
#[command(name = "graph-online-meetings-mock", version)]
struct Args {
    /// Port to listen on; 0 picks a free one (read it from the printed line)
    #[arg(long, value_name = "PORT", default_value_t = DEFAULT_PORT)]
    port: u16,
    /// Tenant of tokens without a `tenant:` part
    #[arg(long, value_name = "ID", default_value = DEFAULT_TENANT, value_parser = parse_tenant)]
    tenant: String,
    /// Larger request bodies answer 413
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_BODY_BYTES)]
    max_body_bytes: usize,
    /// Fail requests 1, N+1, 2N+1, ... (off unless given)
    #[arg(long, value_name = "N")]
    fault_every: Option<NonZeroU64>,
    /// Status of injected failures: 429, 503 or 504
    #[arg(long, value_name = "CODE", default_value = "429", value_parser = parse_fault_status)]
    fault_status: FaultStatus,
    /// Retry-After of injected failures in seconds, fractions allowed, or `none` to omit it
    #[arg(long, value_name = "SECONDS", default_value = "1", value_parser = parse_retry_after,
        allow_negative_numbers = true)]
    retry_after: RetryAfter,
    /// Print one line per request to stderr
    #[arg(long)]
    log: bool,
}

/// `--retry-after`: seconds, or `None` for `none`.
#[derive(Clone, Copy, Debug, PartialEq)]
struct RetryAfter(Option<f64>);

fn parse_tenant(value: &str) -> Result<String, String> {
    if value.trim().is_empty() || value.contains(':') {
        Err("a tenant must be non-empty and without ':'".to_owned())
    } else {
        Ok(value.to_owned())
    }
}

fn parse_fault_status(value: &str) -> Result<FaultStatus, String> {
    value
        .parse()
        .ok()
        .and_then(FaultStatus::from_code)
        .ok_or_else(|| "must be 429, 503 or 504".to_owned())
}

fn parse_retry_after(value: &str) -> Result<RetryAfter, String> {
    if value == "none" {
        return Ok(RetryAfter(None));
    }
    value
        .parse::<f64>()
        .ok()
        .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
        .map(|seconds| RetryAfter(Some(seconds)))
        .ok_or_else(|| "not a number of seconds (0 or more) nor `none`".to_owned())
}

impl Args {
    fn into_config(self) -> MockConfig {
        MockConfig {
            port: self.port,
            default_tenant: self.tenant,
            max_body_bytes: self.max_body_bytes,
            fault: self.fault_every.map(|every| FaultInjection {
                every,
                status: self.fault_status,
                retry_after: self.retry_after.0,
            }),
            log_requests: self.log,
        }
    }
}

async fn stop_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    // clap prints usage for --help/-h (exit 0) and names a bad or unknown flag (exit 2).
    let config = Args::parse().into_config();
    let fault = config.fault;
    let server = match MockServer::start(config).await {
        Ok(server) => server,
        Err(error) => {
            eprintln!("error: cannot start the server: {error}");
            return ExitCode::FAILURE;
        }
    };
    // Scripts wait for this line (and read the port from it when started with --port 0).
    println!("listening on {}", server.base_url());
    if let Some(fault) = fault {
        println!("fault injection: {fault:?}");
    }
    stop_signal().await;
    match server.shutdown().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;
    use clap::error::ErrorKind;

    use super::*;

    fn parse(args: &[&str]) -> Result<MockConfig, clap::Error> {
        let argv = std::iter::once("graph-online-meetings-mock").chain(args.iter().copied());
        Args::try_parse_from(argv).map(Args::into_config)
    }

    #[test]
    fn the_definition_is_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn defaults_and_flags() {
        let config = parse(&[]).unwrap();
        assert_eq!(config.port, DEFAULT_PORT);
        assert_eq!(config.default_tenant, DEFAULT_TENANT);
        assert_eq!(config.max_body_bytes, DEFAULT_MAX_BODY_BYTES);
        assert!(config.fault.is_none() && !config.log_requests);

        let config = parse(&[
            "--port=0",
            "--tenant",
            "fabrikam",
            "--max-body-bytes",
            "10",
            "--fault-every",
            "3",
            "--fault-status",
            "503",
            "--retry-after",
            "2.128",
            "--log",
        ])
        .unwrap();
        assert_eq!((config.port, config.max_body_bytes), (0, 10));
        assert_eq!(config.default_tenant, "fabrikam");
        assert!(config.log_requests);
        let fault = config.fault.unwrap();
        assert_eq!(fault.every.get(), 3);
        assert_eq!(fault.status, FaultStatus::ServiceUnavailable);
        assert_eq!(fault.retry_after, Some(2.128));

        let fault = parse(&["--fault-every", "1", "--retry-after", "none"])
            .unwrap()
            .fault
            .unwrap();
        assert_eq!(fault.status, FaultStatus::TooManyRequests);
        assert_eq!(fault.retry_after, None);
    }

    #[test]
    fn help_is_not_an_error() {
        for flag in ["--help", "-h"] {
            let error = parse(&[flag]).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::DisplayHelp, "{flag}");
            assert_eq!(error.exit_code(), 0, "{flag}");
        }
    }

    #[test]
    fn bad_values_and_unknown_flags_are_errors_that_name_them() {
        for (args, named) in [
            (&["--port", "x"][..], "--port"),
            (&["--port", "70000"], "--port"),
            (&["--port"], "--port"),
            (&["--fault-every", "0"], "--fault-every"),
            (&["--fault-status", "500"], "500"),
            (&["--retry-after", "-1"], "--retry-after"),
            (&["--retry-after", "inf"], "--retry-after"),
            (&["--tenant", "a:b"], "--tenant"),
            (&["--bogus"], "--bogus"),
            (&["extra"], "extra"),
        ] {
            let error = parse(args).unwrap_err();
            assert_ne!(error.exit_code(), 0, "{args:?}");
            let text = error.to_string();
            assert!(text.contains(named), "{args:?}: {text}");
        }
    }
}
