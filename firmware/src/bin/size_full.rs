//! Reference firmware for `cargo xtask size`: the whole interpreter. Decodes, validates
//! and translates a 100-byte module (`fib`) on the device and calls `fib(20)`.
#![no_std]
#![no_main]

use wisp::Module;
use wisp_firmware::entry;
use wisp_firmware::init_heap;

static FIB: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/fib.wasm"));

#[entry]
fn main() -> ! {
    wisp_firmware::paint_stack();
    init_heap!(16 * 1024);
    wisp_firmware::measure_fib(|engine| Module::new(engine, FIB), &[])
}
