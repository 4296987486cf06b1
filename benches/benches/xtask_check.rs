//! `xtask generate --check` end to end, as a contributor and CI run it on a
//! warm build: a new process that reads the spec, generates, reads
//! client/src/generated.rs and compares.
//!
//! It runs the prebuilt xtask binary (what `cargo xtask` executes once cargo
//! has found it fresh), so build it first, in the same target dir:
//!
//! ```text
//! export CARGO_TARGET_DIR=/work/target-bench
//! cargo build -p xtask              # the debug binary `cargo xtask` runs
//! cargo build -p xtask --release    # optional: measured too when present
//! cargo bench -p graph-online-meetings-benches --bench xtask_check
//! ```
//!
//! `XTASK_BIN=/path/to/xtask` measures that binary instead. cargo's own
//! start-up and freshness check come on top; BENCHMARKS.md measures the
//! whole `cargo xtask generate --check` with hyperfine.
//!
//! Exit code 1 (the committed file is stale, so a diff is printed) is
//! accepted: it is the same work plus the diff. Anything else fails.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use criterion::{Criterion, SamplingMode};
use graph_online_meetings_benches as benches;

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| benches::workspace_root().join("target"))
}

/// The binaries to measure, with a label.
fn binaries() -> Vec<(String, PathBuf)> {
    if let Some(path) = std::env::var_os("XTASK_BIN") {
        return vec![("XTASK_BIN".to_string(), PathBuf::from(path))];
    }
    ["debug", "release"]
        .into_iter()
        .map(|profile| {
            (
                profile.to_string(),
                target_dir().join(profile).join("xtask"),
            )
        })
        .filter(|(_, path)| path.is_file())
        .collect()
}

fn run_check(binary: &Path, root: &Path) {
    let output = Command::new(binary)
        .args(["generate", "--check"])
        .current_dir(root)
        .output()
        .unwrap_or_else(|err| panic!("cannot run {}: {err}", binary.display()));
    match output.status.code() {
        Some(0 | 1) => {}
        _ => panic!(
            "{} generate --check failed ({}):\n{}",
            binary.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ),
    }
}

fn main() {
    let root = benches::workspace_root();
    let binaries = binaries();
    if binaries.is_empty() {
        eprintln!(
            "xtask_check: no xtask binary under {}; run `cargo build -p xtask` with the same \
             CARGO_TARGET_DIR first, or set XTASK_BIN. Nothing measured.",
            target_dir().display()
        );
        return;
    }
    let mut c = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10))
        .configure_from_args();
    let mut group = c.benchmark_group("xtask generate --check");
    group.sampling_mode(SamplingMode::Flat);
    for (label, binary) in &binaries {
        let stale = Command::new(binary)
            .args(["generate", "--check"])
            .current_dir(&root)
            .output()
            .map(|o| o.status.code() == Some(1))
            .unwrap_or(false);
        eprintln!(
            "xtask_check: measuring {}{}",
            binary.display(),
            if stale {
                " (client/src/generated.rs is stale: each run also prints a diff)"
            } else {
                ""
            }
        );
        group.bench_function(label.as_str(), |b| b.iter(|| run_check(binary, &root)));
    }
    group.finish();
    c.final_summary();
}
