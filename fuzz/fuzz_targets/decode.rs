//! Compile arbitrary bytes; never execute them. Any `Err` is fine; a panic, an abort
//! or a hang is a bug.
//!
//! Two configurations, both with eager translation so that every function body that
//! validates is also translated to Wisp's IR (narrow, and wide where it touches `v128`):
//! - the default features (WebAssembly 2.0, SIMD included);
//! - WebAssembly 1.0 only, which must reject later features without trouble.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wisp::{Config, Engine, Features, Module};

fuzz_target!(|data: &[u8]| {
    for features in [Features::default(), Features::mvp()] {
        let mut config = Config::new();
        config.features(features).eager_translation(true);
        let _ = Module::new(&Engine::new(&config), data);
    }
});
