//! Reference firmware for `cargo xtask size`: the executor alone. Loads the pre-translated
//! image of `fib` from flash (no decoder, validator or translator in the build) and calls
//! `fib(20)` with a 4 KiB heap.
#![no_std]
#![no_main]

use wisp::Module;
use wisp_firmware::entry;
use wisp_firmware::init_heap;

static FIB: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/fib.wsi"));

#[entry]
fn main() -> ! {
    wisp_firmware::paint_stack();
    init_heap!(4 * 1024);
    // SAFETY: `build.rs` wrote the image with this build of Wisp.
    wisp_firmware::measure_fib(|engine| unsafe { Module::from_image(engine, FIB) })
}
