//! Prints the IR of one function, for looking at what the translator made of a hot loop:
//! `cargo run -p wisp-exec --example ir -- MODULE.wasm NAME` (binary or text; an export or a name-section
//! name, or a function index).

use wisp_exec::{compile, TranslateConfig};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [file, name] = args.as_slice() else {
        eprintln!("usage: ir MODULE.wasm FUNCTION");
        std::process::exit(2);
    };
    let mut bytes = std::fs::read(file).unwrap_or_else(|e| panic!("{file}: {e}"));
    // Text modules are accepted too.
    if !bytes.starts_with(b"\0asm") {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let buf = wast::parser::ParseBuffer::new(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        let mut wat =
            wast::parser::parse::<wast::Wat>(&buf).unwrap_or_else(|e| panic!("{file}: {e}"));
        bytes = wat.encode().unwrap_or_else(|e| panic!("{file}: {e}"));
    }
    // Every feature Wisp knows, GC included: this prints, it does not judge.
    let features = wisp_validate::Features::default().with_gc(true);
    let m = compile(&bytes, features, TranslateConfig::default())
        .unwrap_or_else(|e| panic!("{file}: {e:?}"));
    let module = &m.module;
    let index = name
        .parse::<u32>()
        .ok()
        .or_else(|| {
            module
                .exports
                .iter()
                .find(|e| &e.name == name)
                .map(|e| e.index)
        })
        .or_else(|| {
            module
                .func_names
                .iter()
                .find(|(_, n)| n.contains(name.as_str()))
                .map(|(i, _)| *i)
        })
        .unwrap_or_else(|| panic!("no function {name}"));
    let defined = index
        .checked_sub(module.num_imported_funcs)
        .expect("an imported function has no code");
    let code = m.code(defined as usize).expect("translation failed");
    println!(
        "function {index} {}: {} ops, frame {} cells",
        module.func_name(index).unwrap_or(""),
        code.ops.len(),
        code.frame_size
    );
    let mut text = String::new();
    wisp_exec::ir::disassemble(&code.ops, &mut text).expect("formatting to a string");
    print!("{text}");
}
