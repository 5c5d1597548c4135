//! SDK/raw throughput ratios from alternating batches, steadier than two
//! criterion runs one after the other on a small, shared machine.
//!
//! For each operation, batches of calls alternate between the SDK and the
//! hand-written reqwest call (ABBA order, so neither side always goes first);
//! each SDK batch is paired with the raw batch next to it, and the median of
//! the pairs' ratios is printed with the median time per call of each side:
//!
//! ```text
//! cargo bench -p clover-api --bench ratios
//! ```
//!
//! Environment:
//! - `CLOVER_BENCH_BATCHES` (100) batches per side, `CLOVER_BENCH_CALLS` (200)
//!   calls per batch (decode batches run 20 times as many decodes);
//! - a name on the command line (`-- get_charge`) runs only the operations
//!   whose name contains it;
//! - `CLOVER_BENCH_ONLY=sdk|raw` with `CLOVER_BENCH_OP=create_charge|get_charge|decode`
//!   and `CLOVER_BENCH_COUNT=N` runs only that side N times after a warm-up
//!   and prints nothing else, for instruction counts under callgrind (`decode`
//!   takes `sdk` for `from_slice` and `raw` for `path_to_error`).
//!
//! Without `--bench` (`cargo test --benches`) it runs a few calls as a smoke
//! test.

use std::hint::black_box;
use std::time::Instant;

mod support;

use support::Setup;

/// The operations, in the order they are reported.
const OPS: [&str; 3] = ["create_charge", "get_charge", "decode"];

/// The two sides of one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Sdk,
    Raw,
}

/// Runs `count` calls of one side of `op`.
fn run(setup: &Setup, op: &str, side: Side, count: u64) {
    let request = support::create_request();
    let body = support::CHARGE_JSON.as_bytes();
    match (op, side) {
        ("decode", Side::Sdk) => {
            for _ in 0..count {
                black_box(support::decode_from_slice(black_box(body)));
            }
        }
        ("decode", Side::Raw) => {
            for _ in 0..count {
                black_box(support::decode_path_to_error(black_box(body)));
            }
        }
        _ => setup.runtime.block_on(async {
            for _ in 0..count {
                let charge = match (op, side) {
                    ("create_charge", Side::Sdk) => setup.sdk_create(&request).await,
                    ("create_charge", Side::Raw) => setup.raw_create(&request).await,
                    ("get_charge", Side::Sdk) => setup.sdk_get().await,
                    ("get_charge", Side::Raw) => setup.raw_get().await,
                    _ => panic!("unknown operation {op}"),
                };
                black_box(charge);
            }
        }),
    }
}

/// Nanoseconds per call of one batch.
fn timed(setup: &Setup, op: &str, side: Side, count: u64) -> f64 {
    let start = Instant::now();
    run(setup, op, side, count);
    start.elapsed().as_nanos() as f64 / count as f64
}

fn median(values: &[f64]) -> f64 {
    quantile(values, 0.5)
}

fn quantile(values: &[f64], q: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let position = q * (sorted.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
}

/// The 1-minute load average, to judge how noisy a run was (Linux only).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned())
}

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(value) => value
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, not {value:?}")),
        Err(_) => default,
    }
}

/// The ratio an operation must reach, if it has a target.
fn target(op: &str) -> Option<f64> {
    (op != "decode").then_some(0.95)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bench_mode = args.iter().any(|arg| arg == "--bench");
    let filter = args.iter().find(|arg| !arg.starts_with('-')).cloned();
    let setup = Setup::new().expect("benchmark setup");

    if let Ok(only) = std::env::var("CLOVER_BENCH_ONLY") {
        let side = match only.as_str() {
            "sdk" => Side::Sdk,
            "raw" => Side::Raw,
            other => panic!("CLOVER_BENCH_ONLY must be sdk or raw, not {other:?}"),
        };
        let op = std::env::var("CLOVER_BENCH_OP").unwrap_or_else(|_| "create_charge".into());
        assert!(OPS.contains(&op.as_str()), "unknown CLOVER_BENCH_OP {op:?}");
        run(&setup, &op, side, 50);
        run(&setup, &op, side, env_number("CLOVER_BENCH_COUNT", 1000));
        return;
    }

    let (batches, calls) = if bench_mode {
        (
            env_number("CLOVER_BENCH_BATCHES", 100).max(1),
            env_number("CLOVER_BENCH_CALLS", 200).max(1),
        )
    } else {
        (2, 5)
    };
    println!(
        "ratios: {batches} alternating batches per side, {calls} calls per batch \
         ({} decodes per decode batch); loopback server at {}; load average {}",
        calls * 20,
        setup.server.url,
        load_average(),
    );
    for op in OPS {
        if filter.as_deref().is_some_and(|filter| !op.contains(filter)) {
            continue;
        }
        let count = if op == "decode" { calls * 20 } else { calls };
        let names = if op == "decode" {
            ("from_slice", "path_to_error")
        } else {
            ("sdk", "raw")
        };
        // Warm-up: connections open, caches and allocator warm, both sides.
        for side in [Side::Sdk, Side::Raw, Side::Sdk, Side::Raw] {
            run(&setup, op, side, count);
        }
        let mut sdk = Vec::new();
        let mut raw = Vec::new();
        for batch in 0..batches {
            // ABBA: the side that goes first alternates.
            if batch % 2 == 0 {
                sdk.push(timed(&setup, op, Side::Sdk, count));
                raw.push(timed(&setup, op, Side::Raw, count));
            } else {
                raw.push(timed(&setup, op, Side::Raw, count));
                sdk.push(timed(&setup, op, Side::Sdk, count));
            }
        }
        // Throughput ratio of a pair = raw time / SDK time.
        let ratios: Vec<f64> = sdk.iter().zip(&raw).map(|(s, r)| r / s).collect();
        let ratio = median(&ratios);
        // Noise only adds time: the fastest batches say what each side can do.
        let fastest = |times: &[f64]| times.iter().copied().fold(f64::INFINITY, f64::min);
        println!(
            "{op}: {} {:.2} µs/call, {} {:.2} µs/call (medians of {batches} batches; \
             fastest batches {:.2} and {:.2}, ratio {:.3})",
            names.0,
            median(&sdk) / 1000.0,
            names.1,
            median(&raw) / 1000.0,
            fastest(&sdk) / 1000.0,
            fastest(&raw) / 1000.0,
            fastest(&raw) / fastest(&sdk),
        );
        let verdict = match target(op) {
            // A few calls, perhaps unoptimized: no verdict.
            _ if !bench_mode => String::from(" (smoke test, not a measurement)"),
            Some(target) if ratio >= target => format!(", target >= {target:.2}: met"),
            Some(target) => format!(", target >= {target:.2}: NOT met"),
            None => String::new(),
        };
        println!(
            "{op}: {}/{} throughput ratio = {ratio:.3} (median of batches; \
             quartiles {:.3}..{:.3}; ratio of medians {:.3}){verdict}",
            names.0,
            names.1,
            quantile(&ratios, 0.25),
            quantile(&ratios, 0.75),
            median(&raw) / median(&sdk),
        );
    }
    println!("ratios: done; load average {}", load_average());
}
