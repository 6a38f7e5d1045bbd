//! Call overhead between host and Wasm on Wisp and wasmi (`wat/calls.wat`).
//!
//! `call_host_to_wasm`: one iteration is one call from Rust of the export `add3(a, b, c)`,
//! which returns at once. `call_wasm_to_host`: one iteration is one call of `call_host`,
//! a Wasm loop that calls the imported host function `HOST_CALLS` times; divide by
//! `HOST_CALLS` for the cost of one call.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use wisp_benches::calls::{expected, HOST_CALLS};
use wisp_benches::engines::{WasmiCalls, WispCalls};

fn calls(c: &mut Criterion) {
    let mut wisp = WispCalls::new().unwrap_or_else(|e| panic!("{e}"));
    let mut wasmi = WasmiCalls::new().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(wisp.add3(1, 2, 3), Ok(6), "wisp: add3 is wrong");
    assert_eq!(wasmi.add3(1, 2, 3), Ok(6), "wasmi: add3 is wrong");
    let want = expected(HOST_CALLS);
    assert_eq!(
        wisp.call_host(HOST_CALLS),
        Ok(want),
        "wisp: call_host is wrong"
    );
    assert_eq!(
        wasmi.call_host(HOST_CALLS),
        Ok(want),
        "wasmi: call_host is wrong"
    );

    let mut group = c.benchmark_group("call_host_to_wasm");
    group.bench_function("wisp", |b| {
        b.iter(|| wisp.add3(black_box(1), black_box(2), black_box(3)))
    });
    group.bench_function("wasmi", |b| {
        b.iter(|| wasmi.add3(black_box(1), black_box(2), black_box(3)))
    });
    group.finish();

    let mut group = c.benchmark_group("call_wasm_to_host");
    group.bench_function("wisp", |b| b.iter(|| wisp.call_host(black_box(HOST_CALLS))));
    group.bench_function("wasmi", |b| {
        b.iter(|| wasmi.call_host(black_box(HOST_CALLS)))
    });
    group.finish();
}

criterion_group!(benches, calls);
criterion_main!(benches);
