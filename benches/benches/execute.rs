//! Execution speed of Wisp against wasmi on the same workloads in one criterion run.
//!
//! Each workload gets one benchmark group with two functions, `wisp` and `wasmi`, so the
//! ratio between them is measured on the same machine at the same time. Modules are
//! compiled and instantiated once, outside the timed loop, and each engine's result is
//! checked before anything is timed: only the call itself is measured.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use wisp_benches::engines::{wasmi_runner, wisp_runner, Mode};
use wisp_benches::WORKLOADS;

fn execute(c: &mut Criterion) {
    for w in WORKLOADS {
        let wasm = w.wasm();
        let mut wisp = wisp_runner(&wasm, w.func, Mode::Lazy).unwrap_or_else(|e| panic!("{e}"));
        let mut wasmi = wasmi_runner(&wasm, w.func, Mode::Lazy).unwrap_or_else(|e| panic!("{e}"));
        // The first call also translates (both engines are lazy): check it, untimed.
        assert_eq!(wisp(w.arg), Ok(w.expected), "wisp: {} is wrong", w.name);
        assert_eq!(wasmi(w.arg), Ok(w.expected), "wasmi: {} is wrong", w.name);

        let mut group = c.benchmark_group(w.name);
        group.bench_function("wisp", |b| b.iter(|| wisp(black_box(w.arg))));
        group.bench_function("wasmi", |b| b.iter(|| wasmi(black_box(w.arg))));
        group.finish();
    }
}

criterion_group!(benches, execute);
criterion_main!(benches);
