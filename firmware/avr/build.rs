//! Writes the pre-translated image of `fib` (plain code, no fuel) with the host's Wisp.
use std::{env, fs, path::PathBuf};

fn main() {
    let text = include_str!("../wat/fib.wat");
    let wasm = wast::parser::parse::<wast::Wat>(&wast::parser::ParseBuffer::new(text).unwrap())
        .unwrap()
        .encode()
        .unwrap();
    let mut config = wisp::Config::new();
    config.plain_code(true);
    let engine = wisp::Engine::new(&config);
    let image = wisp::Module::new(&engine, &wasm)
        .and_then(|m| m.to_image())
        .unwrap();
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap());
    fs::write(out.join("fib.wsi"), image).unwrap();
    println!("cargo:rerun-if-changed=../wat/fib.wat");
}
