//! Programs that real toolchains built with WebAssembly 3.0's exceptions, tail calls,
//! garbage collection and 64-bit memories (`tests/fixtures/README.md`), run as a user runs them, against
//! the output the reference runtime gave (wasmtime; Node for the legacy exception
//! instructions).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `tests/fixtures/NAME.wasm` and compares its output with `expected`.
fn runs_as_expected(name: &str, expected: &str) {
    runs_with(&[], name, expected)
}

/// [`runs_as_expected`] with `options` for `wisp run`.
fn runs_with(options: &[&str], name: &str, expected: &str) {
    let o = Command::new(env!("CARGO_BIN_EXE_wisp"))
        .arg("run")
        .args(options)
        .arg(format!("tests/fixtures/{name}.wasm"))
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

#[test]
fn kotlin_compiled_to_wasm_gc_runs_as_built_and_optimized() {
    runs_as_expected("kotlin-gc", "kotlin-gc/kotlin-gc.expected");
    runs_as_expected("kotlin-gc-opt", "kotlin-gc/kotlin-gc.expected");
}

/// With a collection before every 64th allocation, any object whose reference the
/// collector does not see (in a frame, a global, a table, a field) is soon freed while
/// it is still used, and the output differs or the program traps. (Before every one
/// it takes minutes: each collection marks the whole live heap.)
#[test]
fn kotlin_runs_alike_when_allocations_collect_often() {
    runs_with(
        &["-W", "gc-zeal=64"],
        "kotlin-gc",
        "kotlin-gc/kotlin-gc.expected",
    );
    runs_with(
        &["-W", "gc-zeal=64"],
        "kotlin-gc-opt",
        "kotlin-gc/kotlin-gc.expected",
    );
}

/// The same, for C++ and Rust exceptions: every throw allocates.
#[test]
fn exceptions_run_alike_when_every_allocation_collects() {
    runs_with(&["-W", "gc-zeal"], "cxxexc", "c-wasm3/cxxexc.expected");
    runs_with(&["-W", "gc-zeal"], "unwind", "rust-eh/unwind.expected");
}

#[test]
fn unknown_imports_trap_only_when_called() {
    let dir = std::env::temp_dir().join(format!("wisp-unknown-imports-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("m.wat");
    std::fs::write(
        &file,
        r#"(module
          (import "env" "never" (func $never (param i32)))
          (import "env" "called" (func $called))
          (func (export "quiet") (result i32) (i32.const 7))
          (func (export "loud") (call $called)))"#,
    )
    .unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_wisp"))
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let f = file.to_str().unwrap();
    let o = run(&["run", "--invoke", "quiet", f]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown import"));
    let o = run(&["run", "-W", "unknown-imports-trap", "--invoke", "quiet", f]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&o.stdout), "7\n");
    let o = run(&["run", "-W", "unknown-imports-trap", "--invoke", "loud", f]);
    assert_ne!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stderr).contains("`env::called` was called"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `bigmem64.wasm`: C built for wasm64, 4.6 GiB of memory, most of it above 4 GiB; the
/// checksum wasmtime gives. Then the same with the memory in a sparse file.
#[test]
fn c_for_wasm64_runs_past_4_gib() {
    let run = |extra: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_wisp"))
            .args(extra)
            .args(["tests/fixtures/bigmem64.wasm", "--invoke", "run"])
            .current_dir(root())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{stderr}");
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    assert_eq!(run(&[]), "2384664548235529811\n");
    let dir = std::env::temp_dir().join(format!("wisp-memory-dir-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    assert_eq!(
        run(&["--memory-dir", dir.to_str().unwrap()]),
        "2384664548235529811\n"
    );
    // The memory's file was removed as soon as it was open.
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    std::fs::remove_dir(&dir).unwrap();
    // Without room past 4 GiB the program cannot grow, and says so (its status 1).
    assert_eq!(run(&["--max-memory-size", "4294967296"]), "1\n");
}
