//! Arbitrary bytes -> decode + validate -> if valid, instantiate with dummy imports and
//! call every export (see `wisp_fuzz::run_module`). Any `Err` is fine; a panic, an
//! abort, a crash or a hang is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| wisp_fuzz::run_module(data));
