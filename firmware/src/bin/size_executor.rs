//! Reference firmware for `cargo xtask size`: the executor alone. Loads the pre-translated
//! image of `fib` from flash (no decoder, validator or translator in the build) and calls
//! `fib(20)` with a 4 KiB heap.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use wisp::{Config, Engine, Linker, Module, Store};
use wisp_firmware::{init_heap, println, HEAP};

static FIB: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/fib.wsi"));

#[entry]
fn main() -> ! {
    wisp_firmware::paint_stack();
    init_heap!(4 * 1024);
    let mut config = Config::new();
    config.max_stack_values(256).max_call_depth(64);
    let engine = Engine::new(&config);
    // SAFETY: `build.rs` wrote the image with this build of Wisp.
    let ok = unsafe { Module::from_image(&engine, FIB) }
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
