//! createOrGet on loopback against the local mock server: the client with
//! its hand-written layer (hooks, validation, outcome, error mapping) against
//! a bare reqwest + serde_json call that sends the same request (the same
//! headers, user-agent included, and body) and decodes the same type. Both
//! repeat one externalId, so every call is a 200.
//!
//! `cargo bench -p graph-online-meetings-tests --bench round_trip` prints,
//! after criterion's report, the client/bare ratios of this run.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use graph_online_meetings::{
    MeetingRequest, OnlineMeetingsClient, USER_AGENT, types::OnlineMeeting,
};
use graph_online_meetings_mock::{MockConfig, MockServer};

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
            // The client's user-agent, so that the server parses the same
            // request from both sides.
            .header("user-agent", USER_AGENT)
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
    let url = format!("{base}/me/onlineMeetings/createOrGet");
    let bare = Bare {
        http: reqwest::Client::new(),
        url: url.clone(),
    };
    // The client's own reqwest settings (its default timeout, no redirects),
    // to tell the layer's cost from the settings' cost.
    let bare_with_client_settings = Bare {
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        url,
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
    let bare = std::sync::Arc::new(bare);
    for (name, side) in [("client", Side::Client), ("bare-reqwest", Side::Bare)] {
        throughput.bench_function(name, |b| {
            b.iter_custom(|rounds| {
                let started = Instant::now();
                for _ in 0..rounds {
                    runtime.block_on(concurrent_calls(side, &client, &bare));
                }
                started.elapsed()
            })
        });
    }
    throughput.finish();
    c.final_summary();
    let latency = interleaved_latency(&runtime, &client, &bare);
    let layer_only = interleaved_latency(&runtime, &client, &bare_with_client_settings);
    let throughput = interleaved_throughput(&runtime, &client, &bare);
    print_ratios(latency, layer_only, throughput);
    runtime.block_on(server.shutdown()).unwrap();
}

/// The interleaved latency measurement: blocks of alternating calls.
const LATENCY_BLOCKS: usize = 21;
const PAIRS_PER_BLOCK: usize = 400;

/// Per-call latency of both sides. Within a block the calls alternate one
/// by one (client, bare, bare, client, ...), so that both sides see the same
/// machine: on a shared machine the load changes within seconds, and runs
/// of calls would charge one side with a burst the other missed. Each block
/// gives a ratio of medians; their spread shows how far one ratio can be
/// trusted.
struct Latency {
    client_median: f64,
    bare_median: f64,
    /// client/bare of each block, sorted.
    block_ratios: Vec<f64>,
}

fn interleaved_latency(
    runtime: &tokio::runtime::Runtime,
    client: &OnlineMeetingsClient,
    bare: &Bare,
) -> Latency {
    let (mut all_ours, mut all_theirs) = (Vec::new(), Vec::new());
    let mut block_ratios = Vec::new();
    for _ in 0..LATENCY_BLOCKS {
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for pair in 0..PAIRS_PER_BLOCK {
            for side in Side::order(pair) {
                let started = Instant::now();
                match side {
                    Side::Client => {
                        black_box(runtime.block_on(client_call(client, "bench-meeting")));
                        ours.push(started.elapsed().as_secs_f64());
                    }
                    Side::Bare => {
                        black_box(runtime.block_on(bare.call("bench-meeting")));
                        theirs.push(started.elapsed().as_secs_f64());
                    }
                }
            }
        }
        block_ratios.push(median(&mut ours) / median(&mut theirs));
        all_ours.extend(ours);
        all_theirs.extend(theirs);
    }
    block_ratios.sort_by(f64::total_cmp);
    Latency {
        client_median: median(&mut all_ours),
        bare_median: median(&mut all_theirs),
        block_ratios,
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Side {
    Client,
    Bare,
}

impl Side {
    /// Who goes first in the n-th pair: it alternates, so that neither side
    /// always runs right after the other.
    fn order(n: usize) -> [Side; 2] {
        if n.is_multiple_of(2) {
            [Side::Client, Side::Bare]
        } else {
            [Side::Bare, Side::Client]
        }
    }
}

/// 64 tasks, each making `CALLS_PER_TASK` calls one after the other.
async fn concurrent_calls(side: Side, client: &OnlineMeetingsClient, bare: &std::sync::Arc<Bare>) {
    let tasks: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let client = client.clone();
            let bare = std::sync::Arc::clone(bare);
            tokio::spawn(async move {
                for _ in 0..CALLS_PER_TASK {
                    match side {
                        Side::Client => {
                            drop(black_box(client_call(&client, "bench-meeting").await))
                        }
                        Side::Bare => drop(black_box(bare.call("bench-meeting").await)),
                    }
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
}

/// Calls per second with 64 concurrent tasks, in alternating rounds; returns
/// the median rate of each side.
fn interleaved_throughput(
    runtime: &tokio::runtime::Runtime,
    client: &OnlineMeetingsClient,
    bare: &std::sync::Arc<Bare>,
) -> (f64, f64) {
    let calls = (CONCURRENCY * CALLS_PER_TASK) as f64;
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for round in 0..21 {
        for side in Side::order(round) {
            let started = Instant::now();
            runtime.block_on(concurrent_calls(side, client, bare));
            let rate = calls / started.elapsed().as_secs_f64();
            match side {
                Side::Client => ours.push(rate),
                Side::Bare => theirs.push(rate),
            }
        }
    }
    (median(&mut ours), median(&mut theirs))
}

fn median(samples: &mut [f64]) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn print_ratios(latency: Latency, layer_only: Latency, throughput: (f64, f64)) {
    println!("\nclient against bare reqwest + serde_json (interleaved, this run):");
    println!("| measure | client | bare | client/bare |");
    println!("|---|---|---|---|");
    for (name, latency) in [
        ("median latency", latency),
        ("median latency, bare with the client's timeout", layer_only),
    ] {
        let ratios = &latency.block_ratios;
        println!(
            "| {name} ({LATENCY_BLOCKS} blocks of {PAIRS_PER_BLOCK} alternating calls each) | {:.1} µs | {:.1} µs | {:.3}x (blocks: median {:.3}x, {:.3}x–{:.3}x) |",
            latency.client_median * 1e6,
            latency.bare_median * 1e6,
            latency.client_median / latency.bare_median,
            ratios[ratios.len() / 2],
            ratios[0],
            ratios[ratios.len() - 1],
        );
    }
    let (ours, theirs) = throughput;
    println!(
        "| throughput, 64 tasks (median of 21 rounds) | {ours:.0} calls/s | {theirs:.0} calls/s | {:.3}x |",
        ours / theirs
    );
}
