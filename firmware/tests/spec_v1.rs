//! The wasm-v1 scripts of the spec suite on the emulated Cortex-M4 (see `spec/mod.rs`).
#![no_std]
#![no_main]
extern crate alloc;

#[path = "spec/mod.rs"]
mod spec;

include!(concat!(env!("OUT_DIR"), "/spec_v1.rs"));

#[wisp_firmware::entry]
fn main() -> ! {
    spec::run("wasm-v1", SCRIPTS)
}
