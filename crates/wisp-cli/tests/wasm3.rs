//! Programs that real toolchains built with WebAssembly 3.0's exceptions and tail
//! calls (`tests/fixtures/README.md`), run as a user runs them, against the output the
//! reference runtime gave (wasmtime; Node for the legacy exception instructions).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `tests/fixtures/NAME.wasm` and compares its output with `expected`.
fn runs_as_expected(name: &str, expected: &str) {
    let o = Command::new(env!("CARGO_BIN_EXE_wisp"))
        .args(["run", &format!("tests/fixtures/{name}.wasm")])
        .current_dir(root())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{name}: {stderr}");
    let want = std::fs::read_to_string(root().join("tests/fixtures").join(expected)).unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout), want, "{name}");
}

#[test]
fn c_with_musttail_runs_ten_million_deep() {
    runs_as_expected("tailcall", "c-wasm3/tailcall.expected");
}

#[test]
fn cxx_exceptions_run_in_both_forms() {
    runs_as_expected("cxxexc", "c-wasm3/cxxexc.expected");
    runs_as_expected("cxxexc-legacy", "c-wasm3/cxxexc.expected");
}

#[test]
fn rust_catch_unwind_runs_in_both_forms() {
    runs_as_expected("unwind", "rust-eh/unwind.expected");
    runs_as_expected("unwind-legacy", "rust-eh/unwind.expected");
}
