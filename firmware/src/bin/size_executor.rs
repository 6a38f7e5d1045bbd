//! Reference firmware for `cargo xtask size`: the executor alone. Runs the pre-translated
//! image of `fib` where it lies in flash (no decoder, validator or translator in the
//! build) and calls `fib(20)` with a 4 KiB heap.
#![no_std]
#![no_main]

use wisp::Module;
use wisp_firmware::entry;
use wisp_firmware::{include_image, init_heap};

#[entry]
fn main() -> ! {
    wisp_firmware::paint_stack();
    init_heap!(4 * 1024);
    let fib: &'static [u8] = include_image!("fib.wsi");
    // SAFETY: `build.rs` wrote the image with this build of Wisp.
    wisp_firmware::measure_fib(
        |engine| unsafe { Module::from_image_in_place(engine, fib) },
        &[],
    )
}
