//! How long `generate_from_str` (YAML parse, checks, progenitor,
//! prettyplease) takes on our spec and on synthetic specs 10 and 100 times
//! its size, and how much of it is `load_spec` (YAML parse and checks).
//!
//! ```text
//! CARGO_TARGET_DIR=/work/target-bench cargo bench -p graph-online-meetings-benches --bench generate
//! ```
//!
//! `GENERATE_BENCH_COPIES=1,10` picks other sizes (default `1,10,100`).
//! After criterion's own report it prints a Markdown table: the median time
//! of each size, per operation and per component schema, and how the time
//! grows against copy 1 (`(t_N / t_1) / N`: 1.0 is linear, below 1.0 is
//! better than linear).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use graph_online_meetings_benches as benches;
use graph_online_meetings_codegen as codegen;

struct Input {
    copies: usize,
    text: String,
    size: benches::SpecSize,
}

impl Input {
    fn label(&self) -> String {
        format!("x{}", self.copies)
    }
}

fn inputs() -> Vec<Input> {
    let copies: Vec<usize> = std::env::var("GENERATE_BENCH_COPIES")
        .ok()
        .map(|list| {
            list.split(',')
                .map(|n| {
                    n.trim()
                        .parse()
                        .expect("GENERATE_BENCH_COPIES: numbers, comma-separated")
                })
                .collect()
        })
        .unwrap_or_else(|| vec![1, 10, 100]);
    let ours = benches::our_spec();
    copies
        .into_iter()
        .map(|copies| {
            if copies == 1 {
                // The committed file itself, as `cargo xtask generate` reads it.
                let size = benches::spec_size(&benches::parse(&ours).expect("our spec is YAML"));
                Input {
                    copies,
                    text: ours.clone(),
                    size,
                }
            } else {
                let (text, size) = benches::synthetic_spec_text(&ours, copies)
                    .unwrap_or_else(|err| panic!("cannot make the x{copies} spec: {err}"));
                Input { copies, text, size }
            }
        })
        .collect()
}

/// Criterion settings that keep each size to roughly the same wall time;
/// returns the sample size.
fn configure(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    stage: &str,
    copies: usize,
) -> usize {
    // load_spec is a small part of generate_from_str: a quarter of the time.
    let scale = if stage == "load_spec" { 4 } else { 1 };
    let (samples, warm_up, measurement, mode) = match copies {
        50.. => (10, 1, 60 / scale, SamplingMode::Flat),
        5.. => (20, 2, 16 / scale, SamplingMode::Flat),
        _ => (50, 2, 8 / scale, SamplingMode::Auto),
    };
    group
        .sample_size(samples)
        .sampling_mode(mode)
        .warm_up_time(Duration::from_secs(warm_up))
        .measurement_time(Duration::from_secs(measurement));
    samples
}

/// Per-iteration times of each benchmark, in the order criterion ran them;
/// the last `sample_size` are the measurement (the first ones are warm-up).
type Recorded = RefCell<BTreeMap<(String, usize), (usize, Vec<f64>)>>;

fn bench_stage(
    c: &mut Criterion,
    recorded: &Recorded,
    stage: &str,
    inputs: &[Input],
    run: impl Fn(&str, &str),
) {
    let mut group = c.benchmark_group(stage);
    for input in inputs {
        let sample_size = configure(&mut group, stage, input.copies);
        group.throughput(Throughput::Elements(input.size.schemas as u64));
        let display = format!("online-meetings-{}.yaml", input.label());
        group.bench_with_input(
            BenchmarkId::from_parameter(input.label()),
            input,
            |b, input| {
                b.iter_custom(|iters| {
                    let started = Instant::now();
                    for _ in 0..iters {
                        run(black_box(&input.text), &display);
                    }
                    let elapsed = started.elapsed();
                    recorded
                        .borrow_mut()
                        .entry((stage.to_string(), input.copies))
                        .or_insert_with(|| (sample_size, Vec::new()))
                        .1
                        .push(elapsed.as_secs_f64() / iters.max(1) as f64);
                    elapsed
                })
            },
        );
    }
    group.finish();
}

fn median_of_measurement(recorded: &Recorded, stage: &str, copies: usize) -> Option<f64> {
    let recorded = recorded.borrow();
    let (sample_size, times) = recorded.get(&(stage.to_string(), copies))?;
    let mut last: Vec<f64> = times[times.len().saturating_sub(*sample_size)..].to_vec();
    last.sort_by(f64::total_cmp);
    last.get(last.len() / 2).copied()
}

fn ms(seconds: f64) -> String {
    format!("{:.1} ms", seconds * 1e3)
}

fn us(seconds: f64) -> String {
    format!("{:.0} µs", seconds * 1e6)
}

fn print_summary(recorded: &Recorded, inputs: &[Input]) {
    let base = inputs
        .iter()
        .find(|i| i.copies == 1)
        .and_then(|i| median_of_measurement(recorded, "generate_from_str", i.copies));
    println!("\ngenerate_from_str, medians of this run:");
    println!(
        "| spec | operations | schemas | spec bytes | generate_from_str | per operation | per schema | of which load_spec | (t_N / t_1) / N |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for input in inputs {
        let Some(total) = median_of_measurement(recorded, "generate_from_str", input.copies) else {
            continue;
        };
        let load = median_of_measurement(recorded, "load_spec", input.copies)
            .map(|t| format!("{} ({:.0}%)", ms(t), t / total * 100.0))
            .unwrap_or_else(|| "-".to_string());
        let growth = base
            .map(|t1| format!("{:.2}", total / t1 / input.copies as f64))
            .unwrap_or_else(|| "-".to_string());
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {load} | {growth} |",
            input.label(),
            input.size.operations,
            input.size.schemas,
            input.text.len(),
            ms(total),
            ms(total / input.size.operations as f64),
            us(total / input.size.schemas as f64),
        );
    }
}

fn main() {
    let inputs = inputs();
    let recorded: Recorded = RefCell::default();
    let mut c = Criterion::default().configure_from_args();
    bench_stage(
        &mut c,
        &recorded,
        "generate_from_str",
        &inputs,
        |text, display| {
            let source =
                codegen::generate_from_str(text, display).unwrap_or_else(|err| panic!("{err}"));
            black_box(source);
        },
    );
    bench_stage(&mut c, &recorded, "load_spec", &inputs, |text, display| {
        let spec = codegen::load_spec(text, display).unwrap_or_else(|err| panic!("{err}"));
        black_box(spec);
    });
    c.final_summary();
    print_summary(&recorded, &inputs);
}
