//! The SDK against a hand-written reqwest + serde_json call doing the same
//! HTTP exchange into the same model, on a loopback HTTP/1.1 server, with
//! criterion:
//!
//! - `create_charge/{sdk,raw}`: `POST /v1/charges`, a 1.7 KB charge back;
//! - `get_charge/{sdk,raw}`: `GET /v1/charges/{id}`, the same charge back;
//! - `decode/{from_slice,path_to_error}`: the success body into `Charge`, as
//!   the SDK decodes it now and as it did before (through
//!   `serde_path_to_error`).
//!
//! `cargo bench -p clover-api --bench calls`. Criterion runs one benchmark
//! after the other; `benches/ratios.rs` alternates the two sides in batches
//! and prints the SDK/raw throughput ratios, which are steadier on a noisy
//! machine.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

mod support;

fn calls(c: &mut Criterion) {
    let setup = support::Setup::new().expect("benchmark setup");
    eprintln!("loopback server at {}", setup.server.url);
    let request = support::create_request();

    let mut group = c.benchmark_group("create_charge");
    group.throughput(Throughput::Elements(1));
    group.bench_function("sdk", |b| {
        b.to_async(&setup.runtime)
            .iter(|| setup.sdk_create(&request));
    });
    group.bench_function("raw", |b| {
        b.to_async(&setup.runtime)
            .iter(|| setup.raw_create(&request));
    });
    group.finish();

    let mut group = c.benchmark_group("get_charge");
    group.throughput(Throughput::Elements(1));
    group.bench_function("sdk", |b| {
        b.to_async(&setup.runtime).iter(|| setup.sdk_get());
    });
    group.bench_function("raw", |b| {
        b.to_async(&setup.runtime).iter(|| setup.raw_get());
    });
    group.finish();
}

fn decode(c: &mut Criterion) {
    let body = support::CHARGE_JSON.as_bytes();
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("from_slice", |b| {
        b.iter(|| support::decode_from_slice(black_box(body)));
    });
    group.bench_function("path_to_error", |b| {
        b.iter(|| support::decode_path_to_error(black_box(body)));
    });
    group.finish();
}

criterion_group! {
    name = benches;
    // Shorter than criterion's defaults (3 s + 5 s per benchmark): six
    // benchmarks stay under a minute.
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .sample_size(60);
    targets = calls, decode
}
criterion_main!(benches);
