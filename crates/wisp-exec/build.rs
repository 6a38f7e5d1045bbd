//! Chooses the dispatch backend (see `src/exec/dispatch.rs`): tail calls between
//! handlers where LLVM reliably turns them into jumps (fully optimized x86_64 and
//! aarch64 builds without sanitizers), the portable loop everywhere else or when the
//! `portable-dispatch` feature asks for it.

//!
//! It also generates, from the operator table in `build/` (every instruction of Wisp's
//! IR, one row each), the code that lists instructions: the `Op` enum and its codec, the
//! dispatch glue and the translator's mapping of Wasm operators (`build/gen_*.rs`).

#[path = "build/gen_exec.rs"]
mod gen_exec;
#[path = "build/gen_ir.rs"]
mod gen_ir;
#[path = "build/gen_translate.rs"]
mod gen_translate;
#[path = "build/rows.rs"]
mod rows;
#[path = "build/rows_aggregate.rs"]
mod rows_aggregate;
#[path = "build/rows_memories.rs"]
mod rows_memories;
#[path = "build/rows_memory.rs"]
mod rows_memory;
#[path = "build/rows_numeric.rs"]
mod rows_numeric;
#[path = "build/rows_pairs.rs"]
mod rows_pairs;
#[path = "build/rows_refs.rs"]
mod rows_refs;
#[path = "build/rows_simd.rs"]
mod rows_simd;
#[path = "build/rows_v3.rs"]
mod rows_v3;
#[path = "build/rows_wide.rs"]
mod rows_wide;
#[path = "build/table.rs"]
mod table;

fn main() {
    generate_from_table();
    println!("cargo::rustc-check-cfg=cfg(wisp_tail_dispatch)");
    for cfg in [
        "wisp_small",
        "wisp_soft_float",
        "wisp_soft_f32",
        "wisp_soft_div",
    ] {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
    }
    println!("cargo::rerun-if-env-changed=WISP_DISPATCH");
    println!("cargo::rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    // `OPT_LEVEL` is the profile's (with its `CARGO_PROFILE_*` overrides); an
    // `-C opt-level` in RUSTFLAGS comes after it on rustc's command line and wins.
    let opt = rustflags_opt_level()
        .or_else(|| std::env::var("OPT_LEVEL").ok())
        .unwrap_or_default();
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let portable = std::env::var_os("CARGO_FEATURE_PORTABLE_DISPATCH").is_some();
    let miri = std::env::var_os("CARGO_CFG_MIRI").is_some();
    // Sanitizers and fuzzing instrumentation keep LLVM from turning the handlers' calls
    // into jumps (the fuzzer overflowed the stack in one run), so they get the loop.
    let instrumented = std::env::var_os("CARGO_CFG_SANITIZE").is_some()
        || std::env::var_os("CARGO_CFG_FUZZING").is_some();
    // An override for experiments and for checking both backends on one machine.
    let tail = match std::env::var("WISP_DISPATCH").as_deref() {
        Ok("tail") => true,
        Ok("loop") => false,
        // Only `opt-level = 3` gets the tail backend: `cargo xtask asm` checks its
        // handlers with LTO off, thin and fat and one or 16 codegen units (LTO is not
        // visible here, so the tail calls must hold under each). At 2, `s` and `z`
        // LLVM inlines differently and nobody vouches for the handlers, so those
        // builds get the loop, which cannot overflow the stack.
        _ => {
            opt == "3"
                && matches!(arch.as_str(), "x86_64" | "aarch64")
                && !portable
                && !miri
                && !instrumented
        }
    };
    if tail {
        println!("cargo::rustc-cfg=wisp_tail_dispatch");
    }
    size_choices(&opt, &arch);
}

/// Builds optimised for size get the smaller of two ways where Wisp has both: such
/// builds are for devices, host builds never are. `wisp_small`: every size build.
/// `wisp_soft_float` and `wisp_soft_f32`: where the target has no FPU for `f64` (for
/// `f32`), Wisp's own soft float (`src/exec/soft_float.rs`) instead of the toolchain's
/// routines. `wisp_soft_div`: 64-bit division by a loop where registers are narrower.
fn size_choices(opt: &str, arch: &str) {
    if !matches!(opt, "s" | "z") {
        return;
    }
    println!("cargo::rustc-cfg=wisp_small");
    let features = std::env::var("CARGO_CFG_TARGET_FEATURE").unwrap_or_default();
    let has = |f: &str| features.split(',').any(|x| x == f);
    let abi = std::env::var("CARGO_CFG_TARGET_ABI").unwrap_or_default();
    // Arm does not tell a double-precision FPU apart in `cfg`; the Cortex-M parts
    // these builds are for mostly have none (an M7's is the exception).
    let (f32_hw, f64_hw) = match arch {
        "x86" | "x86_64" => (has("sse2"), has("sse2")),
        "aarch64" | "wasm32" | "wasm64" | "loongarch64" | "powerpc64" | "s390x" => (true, true),
        "arm" => (abi.ends_with("hf"), false),
        "riscv32" | "riscv64" => (has("f"), has("d")),
        _ => (false, false),
    };
    if !f64_hw {
        println!("cargo::rustc-cfg=wisp_soft_float");
    }
    if !f32_hw {
        println!("cargo::rustc-cfg=wisp_soft_f32");
    }
    if std::env::var("CARGO_CFG_TARGET_POINTER_WIDTH").as_deref() != Ok("64") {
        println!("cargo::rustc-cfg=wisp_soft_div");
    }
}

/// The last `-C opt-level=` of the flags Cargo passes to rustc from RUSTFLAGS and
/// `build.rustflags`, if any.
fn rustflags_opt_level() -> Option<String> {
    let flags = std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    let mut level = None;
    let mut codegen = false;
    for flag in flags.split('\x1f') {
        let option = if codegen {
            Some(flag)
        } else {
            flag.strip_prefix("-C")
                .or_else(|| flag.strip_prefix("--codegen="))
        };
        codegen = matches!(flag, "-C" | "--codegen");
        if let Some(v) = option.and_then(|o| o.strip_prefix("opt-level=")) {
            level = Some(v.to_string());
        }
    }
    level
}

/// Writes the generated sources into `OUT_DIR`, formatted when `rustfmt` is at hand so
/// that they can be read there.
fn generate_from_table() {
    println!("cargo::rerun-if-changed=build");
    let rows = rows::rows();
    table::check(&rows);
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    for (file, text) in [
        ("ops.rs", gen_ir::generate(&rows)),
        ("glue.rs", gen_exec::generate(&rows)),
        ("translate.rs", gen_translate::generate(&rows)),
    ] {
        let path = out.join(file);
        std::fs::write(&path, text).expect("write generated source");
        let _ = std::process::Command::new("rustfmt")
            .args(["--edition", "2021"])
            .arg(&path)
            .status();
    }
}
