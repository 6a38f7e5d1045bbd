//! Reference firmware for `cargo xtask size`: the whole interpreter. Decodes, validates
//! and translates a 100-byte module (`fib`) on the device and calls `fib(20)`.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use wisp::{Config, Engine, Linker, Module, Store};
use wisp_firmware::{init_heap, println, HEAP};

static FIB: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/fib.wasm"));

#[entry]
fn main() -> ! {
    wisp_firmware::paint_stack();
    init_heap!(16 * 1024);
    let mut config = Config::new();
    config.max_stack_values(256).max_call_depth(64);
    let engine = Engine::new(&config);
    let ok = Module::new(&engine, FIB)
        .and_then(|module| {
            let mut store = Store::new(&engine, ());
            let inst = Linker::new(&engine).instantiate(&mut store, &module)?;
            inst.get_typed_func::<i32, i32>(&store, "fib")?
                .call(&mut store, 20)
        })
        .is_ok_and(|r| r == 6765);
    println!(
        "size: fib={} heap={} stack={}",
        if ok { "ok" } else { "FAILED" },
        HEAP.peak(),
        wisp_firmware::stack_peak()
    );
    wisp_firmware::exit(ok)
}
