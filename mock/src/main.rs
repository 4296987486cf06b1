//! `graph-online-meetings-mock`: runs the mock createOrGet server until Ctrl-C or SIGTERM.

use std::num::NonZeroU64;
use std::process::ExitCode;

use graph_online_meetings_mock::{
    DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT, DEFAULT_TENANT, FaultInjection, FaultStatus, MockConfig,
    MockServer,
};

const USAGE: &str = "\
Usage: graph-online-meetings-mock [OPTIONS]

A local Microsoft Graph onlineMeeting createOrGet server, on 127.0.0.1 only.

Options:
  --port <PORT>            Port to listen on; 0 picks a free one [default: 8080]
  --tenant <ID>            Tenant of tokens without a `tenant:` part
                           [default: 8c1b2f4e-3d5a-4e6f-9a7b-0c1d2e3f4a5b]
  --max-body-bytes <N>     Larger request bodies answer 413 [default: 65536]
  --fault-every <N>        Fail requests 1, N+1, 2N+1, ... (off unless given)
  --fault-status <CODE>    Status of injected failures: 429, 503 or 504 [default: 429]
  --retry-after <SECONDS>  Retry-After of injected failures, fractions allowed,
                           or `none` to omit it [default: 1]
  --log                    Print one line per request to stderr
  -h, --help               Print this help

Tokens: `Authorization: Bearer <user>` or `Bearer <tenant>:<user>`, where <user> is
a UPN or an object id; nothing is verified.";

fn parse_args(args: impl Iterator<Item = String>) -> Result<Option<MockConfig>, String> {
    let mut config = MockConfig {
        port: DEFAULT_PORT,
        default_tenant: DEFAULT_TENANT.to_owned(),
        max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        ..MockConfig::default()
    };
    let mut fault_every: Option<NonZeroU64> = None;
    let mut fault_status = FaultStatus::TooManyRequests;
    let mut retry_after = Some(1.0);

    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        // Both `--flag value` and `--flag=value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--log" => config.log_requests = true,
            "--port" => {
                let v = value("--port")?;
                config.port = v.parse().map_err(|_| format!("--port: not a port: {v}"))?;
            }
            "--tenant" => {
                let v = value("--tenant")?;
                if v.trim().is_empty() || v.contains(':') {
                    return Err("--tenant must be non-empty and without ':'".into());
                }
                config.default_tenant = v;
            }
            "--max-body-bytes" => {
                let v = value("--max-body-bytes")?;
                config.max_body_bytes = v
                    .parse()
                    .map_err(|_| format!("--max-body-bytes: not a byte count: {v}"))?;
            }
            "--fault-every" => {
                let v = value("--fault-every")?;
                fault_every = Some(
                    v.parse()
                        .map_err(|_| format!("--fault-every: not a whole number above 0: {v}"))?,
                );
            }
            "--fault-status" => {
                let v = value("--fault-status")?;
                fault_status = v
                    .parse()
                    .ok()
                    .and_then(FaultStatus::from_code)
                    .ok_or_else(|| format!("--fault-status must be 429, 503 or 504, not {v}"))?;
            }
            "--retry-after" => {
                let v = value("--retry-after")?;
                retry_after = if v == "none" {
                    None
                } else {
                    let seconds: f64 = v
                        .parse()
                        .ok()
                        .filter(|s: &f64| s.is_finite() && *s >= 0.0)
                        .ok_or_else(|| format!("--retry-after: not a number of seconds: {v}"))?;
                    Some(seconds)
                };
            }
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    config.fault = fault_every.map(|every| FaultInjection {
        every,
        status: fault_status,
        retry_after,
    });
    Ok(Some(config))
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
    let config = match parse_args(std::env::args().skip(1)) {
        Ok(Some(config)) => config,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
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
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<MockConfig>, String> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn defaults_and_flags() {
        let config = parse(&[]).unwrap().unwrap();
        assert_eq!(config.port, DEFAULT_PORT);
        assert!(config.fault.is_none());

        let config = parse(&[
            "--port=0",
            "--fault-every",
            "3",
            "--fault-status",
            "503",
            "--retry-after",
            "2.128",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(config.port, 0);
        let fault = config.fault.unwrap();
        assert_eq!(fault.every.get(), 3);
        assert_eq!(fault.status, FaultStatus::ServiceUnavailable);
        assert_eq!(fault.retry_after, Some(2.128));

        assert!(parse(&["--help"]).unwrap().is_none());
        assert!(parse(&["--port", "x"]).is_err());
        assert!(parse(&["--fault-every", "0"]).is_err());
        assert!(parse(&["--fault-status", "500"]).is_err());
        assert!(parse(&["--retry-after", "-1"]).is_err());
        assert!(parse(&["--bogus"]).is_err());
        assert!(parse(&["--port"]).is_err());
    }
}
