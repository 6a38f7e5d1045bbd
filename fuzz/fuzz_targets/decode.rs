//! Compile arbitrary bytes; never execute them. Any `Err` is fine; a panic, an abort
//! or a hang is a bug.
//!
//! Two configurations:
//! - the default features (what Wisp executes) with eager translation, so every
//!   function body that validates is also translated to Wisp's internal code;
//! - WebAssembly 2.0 plus SIMD, decode and validate only (those proposals validate
//!   but are not all translated yet, so translation is not asked for).
#![no_main]

use libfuzzer_sys::fuzz_target;
use wisp::{Config, Engine, Features, Module};

fuzz_target!(|data: &[u8]| {
    let mut config = Config::new();
    config.eager_translation(true);
    let _ = Module::new(&Engine::new(&config), data);

    let mut config = Config::new();
    config.features(Features {
        simd: true,
        ..Features::wasm2()
    });
    let _ = Module::new(&Engine::new(&config), data);
});
