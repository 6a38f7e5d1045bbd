//! Wisp runs itself: the `wisp` command built for `wasm32-wasip1` runs a program under
//! the `wisp` command built for the host (`cargo xtask test` runs this).
//!
//! It is the portability check that matters to embedders: the whole CLI (decoder,
//! validator, translator, executor, WASI with host directories, clap) builds for a
//! target that is neither a host OS nor a microcontroller, and what it builds runs.

use crate::firmware::cargo;
use crate::setup::{ensure_rust_target, run_checked};
use std::path::Path;
use std::process::Command;

const TARGET: &str = "wasm32-wasip1";
const GREETING: &str = "Hello from WebAssembly, running on Wisp!";

/// Builds both `wisp` commands and checks the guest one's output.
pub(crate) fn run(root: &Path) -> Result<(), String> {
    ensure_rust_target(root, TARGET)?;
    run_checked(cargo().current_dir(root).args([
        "build",
        "--release",
        "-p",
        "wisp-wasm-cli",
        "--target",
        TARGET,
    ]))?;
    run_checked(
        cargo()
            .current_dir(root)
            .args(["build", "--release", "-p", "wisp-wasm-cli"]),
    )?;
    let host = root.join("target/release/wisp");
    let guest = root.join(format!("target/{TARGET}/release/wisp.wasm"));
    // The guest opens `examples/hello.wasm` through the `.` its host gave it.
    let run = |args: &[&str]| -> Result<String, String> {
        let out = Command::new(&host)
            .current_dir(root)
            .args(["run", "--dir", "."])
            .arg(&guest)
            .args(args)
            .output()
            .map_err(|e| format!("could not run {}: {e}", host.display()))?;
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        if !out.status.success() {
            return Err(format!(
                "wisp.wasm {} failed ({}):\n{stdout}{}",
                args.join(" "),
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(stdout)
    };
    let hello = run(&["run", "examples/hello.wasm"])?;
    if hello.trim_end() != GREETING {
        return Err(format!(
            "wisp.wasm run examples/hello.wasm printed {hello:?}"
        ));
    }
    // The guest's translator and executor, not only its WASI: fib(20) from the text.
    let fib = run(&["run", "--invoke", "fib", "examples/fib.wat", "20"])?;
    if fib.trim_end() != "6765" {
        return Err(format!("wisp.wasm --invoke fib 20 printed {fib:?}"));
    }
    println!("wisp.wasm under wisp: {GREETING} / fib(20) = 6765");
    Ok(())
}
