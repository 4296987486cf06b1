//! createOrGet on loopback against the local mock server: the client with
//! its hand-written layer (hooks, validation, outcome, error mapping) against
//! a bare reqwest + serde_json call that sends the same request and decodes
//! the same type. Both repeat one externalId, so every call is a 200.
//!
//! `cargo bench -p graph-online-meetings-tests --bench round_trip` prints,
//! after criterion's report, the client/bare ratios of this run.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use graph_online_meetings::{MeetingRequest, OnlineMeetingsClient, types::OnlineMeeting};
use graph_online_meetings_mock::{MockConfig, MockServer};
use serde_json::Value;

const TOKEN: &str = "bench@contoso.com";
const CONCURRENCY: usize = 64;
const CALLS_PER_TASK: usize = 16;

struct Bare {
    http: reqwest::Client,
    url: String,
}

impl Bare {
    async fn call(&self, external_id: &str) -> OnlineMeeting {
        let body = serde_json::to_vec(&serde_json::json!({ "externalId": external_id })).unwrap();
        let response = self
            .http
            .post(&self.url)
            .header("authorization", format!("Bearer {TOKEN}"))
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .header("client-request-id", uuid::Uuid::new_v4().to_string())
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
        let bytes = response.bytes().await.unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }
}

async fn client_call(client: &OnlineMeetingsClient, external_id: &str) -> OnlineMeeting {
    client
        .create_or_get_for_me(MeetingRequest::new(external_id))
        .await
        .unwrap()
        .into_meeting()
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = runtime
        .block_on(MockServer::start(MockConfig::default()))
        .unwrap();
    let base = format!("{}/beta", server.base_url());
    let client = OnlineMeetingsClient::builder()
        .bearer_token(TOKEN)
        .base_url(&base)
        .build()
        .unwrap();
    // The workspace enables reqwest's rustls without a default provider (the
    // client configures ring itself); a plain reqwest client needs one.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let bare = Bare {
        http: reqwest::Client::new(),
        url: format!("{base}/me/onlineMeetings/createOrGet"),
    };
    // Create the meeting once; every measured call finds it.
    runtime.block_on(client_call(&client, "bench-meeting"));
    assert_eq!(
        runtime.block_on(bare.call("bench-meeting")),
        runtime.block_on(client_call(&client, "bench-meeting")),
        "both paths decode the same meeting"
    );

    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .configure_from_args();

    let mut latency = c.benchmark_group("round-trip/latency");
    latency.bench_function("client", |b| {
        b.iter(|| black_box(runtime.block_on(client_call(&client, "bench-meeting"))))
    });
    latency.bench_function("bare-reqwest", |b| {
        b.iter(|| black_box(runtime.block_on(bare.call("bench-meeting"))))
    });
    latency.finish();

    let mut throughput = c.benchmark_group("round-trip/64-tasks");
    throughput.throughput(Throughput::Elements((CONCURRENCY * CALLS_PER_TASK) as u64));
    throughput.sample_size(20);
    throughput.bench_function("client", |b| {
        b.iter_custom(|rounds| {
            let started = Instant::now();
            for _ in 0..rounds {
                runtime.block_on(async {
                    let tasks: Vec<_> = (0..CONCURRENCY)
                        .map(|_| {
                            let client = client.clone();
                            tokio::spawn(async move {
                                for _ in 0..CALLS_PER_TASK {
                                    black_box(client_call(&client, "bench-meeting").await);
                                }
                            })
                        })
                        .collect();
                    for task in tasks {
                        task.await.unwrap();
                    }
                });
            }
            started.elapsed()
        })
    });
    let bare = std::sync::Arc::new(bare);
    throughput.bench_function("bare-reqwest", |b| {
        b.iter_custom(|rounds| {
            let started = Instant::now();
            for _ in 0..rounds {
                runtime.block_on(async {
                    let tasks: Vec<_> = (0..CONCURRENCY)
                        .map(|_| {
                            let bare = std::sync::Arc::clone(&bare);
                            tokio::spawn(async move {
                                for _ in 0..CALLS_PER_TASK {
                                    black_box(bare.call("bench-meeting").await);
                                }
                            })
                        })
                        .collect();
                    for task in tasks {
                        task.await.unwrap();
                    }
                });
            }
            started.elapsed()
        })
    });
    throughput.finish();
    c.final_summary();
    print_ratios();
    runtime.block_on(server.shutdown()).unwrap();
}

fn print_ratios() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/criterion");
    let median = |group: &str, function: &str| -> Option<f64> {
        let path = root
            .join(group.replace('/', "_"))
            .join(function)
            .join("new/estimates.json");
        let v: Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
        v["median"]["point_estimate"].as_f64()
    };
    println!("\nclient against bare reqwest + serde_json (medians of this run):");
    println!("| measure | client | bare | ratio |");
    println!("|---|---|---|---|");
    if let (Some(c), Some(b)) = (
        median("round-trip/latency", "client"),
        median("round-trip/latency", "bare-reqwest"),
    ) {
        println!(
            "| latency per call | {:.1} µs | {:.1} µs | {:.3}x |",
            c / 1e3,
            b / 1e3,
            c / b
        );
    }
    if let (Some(c), Some(b)) = (
        median("round-trip/64-tasks", "client"),
        median("round-trip/64-tasks", "bare-reqwest"),
    ) {
        let calls = (CONCURRENCY * CALLS_PER_TASK) as f64;
        println!(
            "| throughput, 64 tasks | {:.0} calls/s | {:.0} calls/s | {:.3}x |",
            calls / (c / 1e9),
            calls / (b / 1e9),
            b / c
        );
    }
}
