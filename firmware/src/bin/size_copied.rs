//! For `cargo xtask size`: the executor firmware with the `fib` image's code copied into
//! RAM instead of run in place, to report what the module then takes (`module`). Not
//! budgeted; its flash carries the copying decoder that `size_executor` leaves out.
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
    wisp_firmware::measure_fib(|engine| unsafe { Module::from_image(engine, fib) }, &[])
}
