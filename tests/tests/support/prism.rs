//! Prism's validating proxy in front of the mock, for the end-to-end tests
//! run with `PRISM` set (see `tests/build.rs`) (`.ci/openapi-tools.sh` does).
//!
//! client -> Prism (`prism proxy --errors`: checks each request and response
//! against the spec) -> recorder (writes each of the mock's responses to
//! `$E2E_RECORD_DIR/<test>.jsonl`, for the strict 3.0.3 validator of
//! `.ci/strict_openapi.py`) -> the mock.
//!
//! `PRISM` names the prism binary, `E2E_RECORD_DIR` the record folder; both
//! must be set, so a run that was meant to go through Prism cannot quietly
//! skip it.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, Response, StatusCode};

/// A running Prism proxy and recorder; both stop when it is dropped.
pub struct Front {
    url: String,
    prism: Child,
    log: Arc<Mutex<Vec<String>>>,
    recorder: tokio::task::JoinHandle<()>,
}

fn required_env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: the prism feature runs the tests through Prism (.ci/openapi-tools.sh sets it)")
    })
}

impl Front {
    /// Prism and the recorder in front of `upstream` (`http://127.0.0.1:PORT`).
    /// The responses are recorded under `record_name`, if given, for the
    /// strict validator; a deliberately wrong upstream gives none.
    pub async fn start(upstream: &str, record_name: Option<&str>) -> Front {
        let spec = graph_online_meetings_tests::workspace_root()
            .join(graph_online_meetings_codegen::SPEC_PATH);
        let records = record_name.map(|name| {
            std::path::Path::new(&required_env("E2E_RECORD_DIR"))
                .join(format!("{}.jsonl", name.replace("::", "-")))
        });
        let (recorder_url, recorder) = start_recorder(upstream.to_string(), records).await;
        let port = free_port();
        let mut prism = Command::new(required_env("PRISM"))
            .args(["proxy", "--errors", "--host", "127.0.0.1", "--port"])
            .arg(port.to_string())
            .arg(&spec)
            .arg(&recorder_url)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("prism starts");
        let log: Arc<Mutex<Vec<String>>> = Arc::default();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        for stream in [
            Box::new(prism.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(prism.stderr.take().unwrap()),
        ] {
            let log = Arc::clone(&log);
            let ready = ready_tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if line.contains("Prism is listening") {
                        let _ = ready.send(());
                    }
                    log.lock().unwrap().push(line);
                }
            });
        }
        if ready_rx.recv_timeout(Duration::from_secs(60)).is_err() {
            let _ = prism.kill();
            panic!(
                "prism did not start within 60 s:\n{}",
                log.lock().unwrap().join("\n")
            );
        }
        Front {
            url: format!("http://127.0.0.1:{port}"),
            prism,
            log,
            recorder,
        }
    }

    /// Prism's address. It serves the spec's paths without Graph's `/beta`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Prism's log lines that report a request or response that breaks the
    /// spec (`✖ error ... Request terminated with error: ...VIOLATIONS`, or
    /// a security or routing failure).
    pub fn violations(&self) -> Vec<String> {
        // The log is read on other threads: let the last lines arrive.
        std::thread::sleep(Duration::from_millis(300));
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|line| line.contains('✖') || line.contains("Violation"))
            .cloned()
            .collect()
    }

    /// Everything Prism printed.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }
}

impl Drop for Front {
    fn drop(&mut self) {
        let _ = self.prism.kill();
        let _ = self.prism.wait();
        self.recorder.abort();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

struct Recorder {
    upstream: String,
    http: reqwest::Client,
    file: Option<Mutex<std::fs::File>>,
}

/// Hop-by-hop headers and the length, which the forwarding sets itself.
fn forwarded(name: &HeaderName) -> bool {
    !matches!(
        name.as_str(),
        "host" | "connection" | "keep-alive" | "transfer-encoding" | "content-length"
    )
}

async fn start_recorder(
    upstream: String,
    records: Option<std::path::PathBuf>,
) -> (String, tokio::task::JoinHandle<()>) {
    // The workspace enables reqwest's rustls without a default provider.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let file = records.map(|path| {
        let file = std::fs::File::create(&path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        Mutex::new(file)
    });
    let state = Arc::new(Recorder {
        upstream,
        http: reqwest::Client::new(),
        file,
    });
    let app = axum::Router::new().fallback(forward).with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, task)
}

async fn forward(State(state): State<Arc<Recorder>>, request: Request) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let target = format!(
        "{}{}",
        state.upstream,
        parts.uri.path_and_query().map_or("/", |p| p.as_str())
    );
    let mut outgoing = state.http.request(parts.method.clone(), target).body(body);
    for (name, value) in parts.headers.iter().filter(|(n, _)| forwarded(n)) {
        outgoing = outgoing.header(name, value);
    }
    let response = match outgoing.send().await {
        Ok(response) => response,
        Err(err) => {
            return Response::builder()
                .status(StatusCode::BAD_GATEWAY)
                .body(Body::from(format!(
                    "the recorder could not reach the mock: {err}"
                )))
                .unwrap();
        }
    };
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap_or_default();
    let record = serde_json::json!({
        "method": parts.method.as_str(),
        "path": parts.uri.path(),
        "status": status.as_u16(),
        "body": serde_json::from_slice::<serde_json::Value>(&bytes).ok(),
    });
    if let Some(file) = &state.file {
        let _ = writeln!(file.lock().unwrap(), "{record}");
    }
    let mut reply = Response::builder().status(status);
    for (name, value) in headers.iter().filter(|(n, _)| forwarded(n)) {
        reply = reply.header(name, value);
    }
    reply.body(Body::from(bytes)).unwrap()
}
