//! Pre-translated images: any bytes given to `Module::from_image` are refused or loaded,
//! never a panic (the reader is safe code; only running a crafted image's code is not).
//! A `wasm-smith` module's image loads back and writes out the same bytes again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wisp::{Engine, Module};

fuzz_target!(|data: &[u8]| {
    let engine = Engine::default();
    // SAFETY: the loaded module is dropped without running any of its code.
    let _ = unsafe { Module::from_image(&engine, data) };

    let mut u = arbitrary::Unstructured::new(data);
    let Ok(smith) = wasm_smith::Module::new(wasm_smith::Config::default(), &mut u) else {
        return;
    };
    let Ok(module) = Module::new(&engine, &smith.to_bytes()) else {
        return;
    };
    let image = module.to_image().expect("a valid module translates");
    // SAFETY: written just above by this build.
    let back = unsafe { Module::from_image(&engine, &image) }.expect("its image loads");
    assert_eq!(
        back.to_image().expect("writes again"),
        image,
        "the round trip is stable"
    );
});
