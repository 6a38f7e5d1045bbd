//! Start-up: decode, validate, translate (eager mode only) and instantiate a large module,
//! on Wisp and wasmi, each in its lazy and its eager mode.
//!
//! Two modules: `workloads.wasm` (the Rust workloads: real code from real libraries) and
//! the synthetic module of `synthetic::big_module` (thousands of functions, megabytes of
//! code). Each iteration builds a fresh engine, module, store and instance; dropping them
//! happens outside the timing. Functions are named `ENGINE_MODE` (`wisp_lazy`, …), which
//! `cargo xtask bench` pairs by mode.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use wisp_benches::engines::{wasmi_start, wisp_start, Mode};
use wisp_benches::{synthetic, WORKLOADS_WASM};

fn startup(c: &mut Criterion) {
    let big = synthetic::big_module();
    for (name, wasm) in [
        ("startup_workloads", WORKLOADS_WASM),
        ("startup_big", &big[..]),
    ] {
        let mut group = c.benchmark_group(name);
        // Tens to hundreds of milliseconds per iteration: fewer samples keep a full run
        // within its time budget (criterion's minimum is 10).
        group.sample_size(20);
        for mode in Mode::ALL {
            wisp_start(wasm, mode).unwrap_or_else(|e| panic!("{name}: {e}"));
            group.bench_function(format!("wisp_{}", mode.name()), |b| {
                b.iter_batched(|| (), |()| wisp_start(wasm, mode), BatchSize::PerIteration)
            });
        }
        for mode in Mode::ALL {
            wasmi_start(wasm, mode).unwrap_or_else(|e| panic!("{name}: {e}"));
            group.bench_function(format!("wasmi_{}", mode.name()), |b| {
                b.iter_batched(|| (), |()| wasmi_start(wasm, mode), BatchSize::PerIteration)
            });
        }
        group.finish();
    }
}

criterion_group!(benches, startup);
criterion_main!(benches);
