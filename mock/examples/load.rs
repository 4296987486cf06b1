//! Load test of the mock, in-process on loopback, bounded in count and time:
//!
//! (a) 200 concurrent calls with one externalId: exactly 1 created, 199 existing, one id;
//! (b) 5,000 distinct externalIds, 64 in flight: 5,000 meetings, none lost, all ids distinct.
//!
//! Run with `cargo run --release -p graph-online-meetings-mock --example load`.
//! Exits non-zero when a check fails or the run exceeds its time budget.

use std::collections::HashSet;
use std::error::Error;
use std::time::{Duration, Instant};

use graph_online_meetings_mock::{MockConfig, MockServer};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::task::JoinSet;

const CONTENDED_CALLS: usize = 200;
const DISTINCT_MEETINGS: usize = 5_000;
const IN_FLIGHT: usize = 64;
/// Each phase must end within this, or the run fails rather than hangs.
const PHASE_BUDGET: Duration = Duration::from_secs(120);

type Result<T> = std::result::Result<T, Box<dyn Error + Send + Sync>>;

fn ensure(condition: bool, message: String) -> Result<()> {
    if condition {
        Ok(())
    } else {
        Err(message.into())
    }
}

/// One createOrGet call; answers (status, meeting id).
async fn call(
    client: &reqwest::Client,
    url: &str,
    external_id: String,
) -> Result<(StatusCode, String)> {
    let response = client
        .post(url)
        .header("authorization", "Bearer load@contoso.com")
        .json(&json!({"externalId": external_id, "subject": "load test"}))
        .send()
        .await?;
    let status = response.status();
    let meeting: Value = response.json().await?;
    let id = meeting["id"]
        .as_str()
        .ok_or_else(|| format!("no id in a {status} answer: {meeting}"))?
        .to_owned();
    Ok((status, id))
}

async fn contended(client: &reqwest::Client, url: &str) -> Result<(usize, usize, usize)> {
    let mut calls = JoinSet::new();
    for _ in 0..CONTENDED_CALLS {
        let (client, url) = (client.clone(), url.to_owned());
        calls.spawn(async move { call(&client, &url, "contended".to_owned()).await });
    }
    let (mut created, mut existing) = (0, 0);
    let mut ids = HashSet::new();
    while let Some(joined) = calls.join_next().await {
        let (status, id) = joined??;
        match status {
            StatusCode::CREATED => created += 1,
            StatusCode::OK => existing += 1,
            other => return Err(format!("unexpected status {other}").into()),
        }
        ids.insert(id);
    }
    Ok((created, existing, ids.len()))
}

async fn distinct(client: &reqwest::Client, url: &str) -> Result<(usize, HashSet<String>)> {
    let mut calls = JoinSet::new();
    let mut created = 0;
    let mut ids = HashSet::new();
    let mut next = 0;
    while next < DISTINCT_MEETINGS || !calls.is_empty() {
        // Keep IN_FLIGHT calls running until all are sent.
        while next < DISTINCT_MEETINGS && calls.len() < IN_FLIGHT {
            let (client, url) = (client.clone(), url.to_owned());
            let external_id = format!("load-{next}");
            calls.spawn(async move { call(&client, &url, external_id).await });
            next += 1;
        }
        if let Some(joined) = calls.join_next().await {
            let (status, id) = joined??;
            ensure(
                status == StatusCode::CREATED,
                format!("expected 201, got {status}"),
            )?;
            created += 1;
            ids.insert(id);
        }
    }
    Ok((created, ids))
}

#[tokio::main]
async fn main() -> Result<()> {
    let server = MockServer::start(MockConfig::default()).await?;
    let url = format!("{}/beta/me/onlineMeetings/createOrGet", server.base_url());
    // Within the workspace reqwest's rustls has no default provider.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(CONTENDED_CALLS)
        .build()?;
    println!(
        "mock at {}, {} worker threads",
        server.base_url(),
        tokio::runtime::Handle::current().metrics().num_workers()
    );

    let started = Instant::now();
    let (created, existing, ids) =
        tokio::time::timeout(PHASE_BUDGET, contended(&client, &url)).await??;
    let elapsed = started.elapsed();
    println!(
        "(a) {CONTENDED_CALLS} concurrent calls, one externalId: {created} created, {existing} existing, {ids} distinct id(s) in {:.3} s = {:.0} requests/s",
        elapsed.as_secs_f64(),
        CONTENDED_CALLS as f64 / elapsed.as_secs_f64()
    );
    ensure(
        (created, existing, ids) == (1, CONTENDED_CALLS - 1, 1),
        format!(
            "(a) expected 1 created, {} existing, 1 id",
            CONTENDED_CALLS - 1
        ),
    )?;
    ensure(
        server.meeting_count() == 1,
        format!("(a) store holds {}", server.meeting_count()),
    )?;

    let started = Instant::now();
    let (created, ids) = tokio::time::timeout(PHASE_BUDGET, distinct(&client, &url)).await??;
    let elapsed = started.elapsed();
    println!(
        "(b) {DISTINCT_MEETINGS} distinct externalIds, {IN_FLIGHT} in flight: {created} created, {} distinct ids, store holds {} in {:.3} s = {:.0} requests/s",
        ids.len(),
        server.meeting_count(),
        elapsed.as_secs_f64(),
        DISTINCT_MEETINGS as f64 / elapsed.as_secs_f64()
    );
    ensure(
        created == DISTINCT_MEETINGS,
        format!("(b) {created} created"),
    )?;
    ensure(
        ids.len() == DISTINCT_MEETINGS,
        format!("(b) {} distinct ids", ids.len()),
    )?;
    // The contended meeting from (a) plus every one from (b): none lost.
    ensure(
        server.meeting_count() == DISTINCT_MEETINGS + 1,
        format!("(b) store holds {}", server.meeting_count()),
    )?;

    server.shutdown().await?;
    println!("ok");
    Ok(())
}
