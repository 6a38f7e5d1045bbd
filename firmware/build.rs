//! Writes the board's memory map, and turns each test module (`wat/*.wat`) into a binary
//! module and two pre-translated images (with and without fuel metering) that the
//! firmware carries in flash.
use std::{env, fs, path::PathBuf};

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap());
    let target = env::var("TARGET").unwrap();
    let memory = match target.as_str() {
        // mps2-an386 has 4 MiB of RAM; cap it at a Cortex-M4 part's 96 KiB.
        "thumbv7em-none-eabihf" => Some(("1024K", "96K")),
        // microbit: nRF51822, 256 KiB flash and 16 KiB RAM.
        "thumbv6m-none-eabi" => Some(("256K", "16K")),
        _ => None,
    };
    if let Some((flash, ram)) = memory {
        let x = format!(
            "MEMORY {{\n  FLASH : ORIGIN = 0x00000000, LENGTH = {flash}\n  \
             RAM : ORIGIN = 0x20000000, LENGTH = {ram}\n}}\n"
        );
        fs::write(out.join("memory.x"), x).unwrap();
        println!("cargo:rustc-link-search={}", out.display());
    }
    for entry in fs::read_dir("wat").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "wat") {
            let text = fs::read_to_string(&path).unwrap();
            let buf = wast::parser::ParseBuffer::new(&text).unwrap();
            let mut wat = wast::parser::parse::<wast::Wat>(&buf)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let bytes = wat.encode().unwrap();
            let name = path.file_stem().unwrap().to_str().unwrap();
            for (fuel, suffix) in [(false, ""), (true, "_fuel")] {
                let mut config = wisp::Config::new();
                // Plain code runs on the smallest executor, built without the
                // accumulator forms.
                config
                    .consume_fuel(fuel)
                    .plain_code(true)
                    .features(wisp::Features {
                        custom_page_sizes: true,
                        ..wisp::Features::default()
                    });
                let engine = wisp::Engine::new(&config);
                let image = wisp::Module::new(&engine, &bytes)
                    .and_then(|m| m.to_image())
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                fs::write(out.join(format!("{name}{suffix}.wsi")), image).unwrap();
            }
            fs::write(out.join(format!("{name}.wasm")), bytes).unwrap();
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
    println!("cargo:rerun-if-changed=wat");
    println!("cargo:rerun-if-changed=build.rs");
}
