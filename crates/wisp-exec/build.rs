//! Chooses the dispatch backend (see `src/exec/dispatch.rs`): tail calls between
//! handlers where LLVM reliably turns them into jumps (fully optimized x86_64 and
//! aarch64 builds without sanitizers), the portable loop everywhere else or when the
//! `portable-dispatch` feature asks for it.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(wisp_tail_dispatch)");
    println!("cargo::rerun-if-env-changed=WISP_DISPATCH");
    let opt = std::env::var("OPT_LEVEL").unwrap_or_default();
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
}
