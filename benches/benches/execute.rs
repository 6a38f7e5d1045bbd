//! Execution speed of Wisp against wasmi on the same workloads in one criterion run.
//!
//! Each workload gets one benchmark group with two functions, `wisp` and `wasmi`, so the
//! ratio between them is measured on the same machine at the same time. Modules are
//! compiled and instantiated once, outside the timed loop, and each engine's result is
//! checked before anything is timed: only the call itself is measured.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use wisp_benches::{Workload, WORKLOADS};

fn wisp_runner(w: &Workload, wasm: &[u8]) -> impl FnMut(i32) -> i32 {
    let engine = wisp::Engine::default();
    let module = wisp::Module::new(&engine, wasm).expect("wisp: compile");
    let mut store = wisp::Store::new(&engine, ());
    let instance = wisp::Linker::new(&engine)
        .instantiate(&mut store, &module)
        .expect("wisp: instantiate");
    let func = instance
        .get_typed_func::<i32, i32>(&store, w.func)
        .expect("wisp: export");
    move |arg| func.call(&mut store, arg).expect("wisp: call")
}

fn wasmi_runner(w: &Workload, wasm: &[u8]) -> impl FnMut(i32) -> i32 {
    let engine = wasmi::Engine::default();
    let module = wasmi::Module::new(&engine, wasm).expect("wasmi: compile");
    let mut store = wasmi::Store::new(&engine, ());
    let instance = wasmi::Linker::<()>::new(&engine)
        .instantiate_and_start(&mut store, &module)
        .expect("wasmi: instantiate");
    let func = instance
        .get_typed_func::<i32, i32>(&store, w.func)
        .expect("wasmi: export");
    move |arg| func.call(&mut store, arg).expect("wasmi: call")
}

fn execute(c: &mut Criterion) {
    for w in WORKLOADS {
        let wasm = w.wasm();
        let mut wisp = wisp_runner(w, &wasm);
        let mut wasmi = wasmi_runner(w, &wasm);
        assert_eq!(wisp(w.arg), w.expected, "wisp: {} is wrong", w.name);
        assert_eq!(wasmi(w.arg), w.expected, "wasmi: {} is wrong", w.name);

        let mut group = c.benchmark_group(w.name);
        group.bench_function("wisp", |b| b.iter(|| wisp(black_box(w.arg))));
        group.bench_function("wasmi", |b| b.iter(|| wasmi(black_box(w.arg))));
        group.finish();
    }
}

criterion_group!(benches, execute);
criterion_main!(benches);
