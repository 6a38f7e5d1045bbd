//! The command under hostile scripts and broken outputs: memory stays bounded, loops end,
//! and writing to a closed pipe or a full device never panics.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn wisp() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wisp"));
    c.current_dir(root()).stdin(Stdio::null());
    c
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn temp_file(name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wisp-cli-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, contents).unwrap();
    p
}

/// Peak RSS of the largest child this test process has waited for, in bytes.
fn children_peak_rss() -> u64 {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `usage` is a valid, writable rusage for getrusage to fill.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(rc, 0);
    usage.ru_maxrss as u64 * 1024
}

#[test]
fn a_script_with_three_4_gib_memories_stays_small() {
    let mut script = String::new();
    for i in 0..3 {
        script.push_str(&format!(
            "(module (memory 65536)
               (func (export \"f\") (result i32)
                 (i32.store (i32.const 0xfffffff0) (i32.const {i}))
                 (i32.load (i32.const 0xfffffff0))))
             (assert_return (invoke \"f\") (i32.const {i}))\n"
        ));
    }
    let file = temp_file("three.wast", &script);
    let o = wisp().arg("wast").arg(&file).output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    assert!(
        text(&o.stdout).contains("6 passed, 0 failed"),
        "{}",
        text(&o.stdout)
    );
    let peak = children_peak_rss();
    assert!(peak < 1 << 30, "peak RSS {peak} bytes");
}

#[test]
fn a_looping_script_runs_out_of_fuel_or_time() {
    let file = temp_file(
        "spin.wast",
        r#"(module (func (export "spin") (loop (br 0))))
           (assert_return (invoke "spin"))
           (module (func (export "one") (result i32) (i32.const 1)))
           (assert_return (invoke "one") (i32.const 1))"#,
    );
    let o = wisp()
        .args(["wast", "--fuel", "1000000"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(out.contains("fuel consumed"), "{out}");
    assert!(out.contains("3 passed, 1 failed"), "{out}");

    let start = Instant::now();
    let o = wisp()
        .args(["wast", "--timeout=1"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(start.elapsed() < Duration::from_secs(30));
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(out.contains("time is up"), "{out}");
    assert!(out.contains("1 passed, 2 failed"), "{out}");
}

#[test]
fn bad_wast_options_are_refused_with_a_short_message() {
    let o = wisp()
        .args(["wast", "--fuel", "lots", "x.wast"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("'lots'") && err.contains("--fuel"), "{err}");
    let o = wisp().args(["wast", "--help"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o.stdout).contains("--timeout"));
}

fn invoke_to(stdout: Stdio, stderr: Stdio, func: &str) -> Output {
    wisp()
        .args(["examples/fib.wat", "--invoke", func, "10"])
        .stdout(stdout)
        .stderr(stderr)
        .output()
        .unwrap()
}

#[test]
fn results_sent_to_a_closed_pipe_end_quietly() {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let o = invoke_to(Stdio::from(writer), Stdio::piped(), "fib");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(o.stderr.is_empty(), "{}", text(&o.stderr));
}

#[test]
#[cfg(target_os = "linux")]
fn results_sent_to_a_full_device_are_an_error_not_a_panic() {
    let full = File::options().write(true).open("/dev/full").unwrap();
    let o = invoke_to(Stdio::from(full), Stdio::piped(), "fib");
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("cannot write"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    // The help text too.
    let full = File::options().write(true).open("/dev/full").unwrap();
    let o = wisp().arg("--help").stdout(full).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
}

#[test]
#[cfg(target_os = "linux")]
fn a_trap_reported_to_a_full_stderr_keeps_its_status() {
    let file = temp_file(
        "trap.wat",
        r#"(module (func (export "boom") (param i32) (result i32) unreachable))"#,
    );
    let full = File::options().write(true).open("/dev/full").unwrap();
    let o = wisp()
        .arg(&file)
        .args(["--invoke", "boom", "1"])
        .stderr(Stdio::from(full))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(134));
}

#[test]
fn run_takes_store_limits() {
    let file = temp_file(
        "grow.wat",
        r#"(module (memory 1)
             (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#,
    );
    let o = wisp()
        .args(["--max-memory-size", "131072"])
        .arg(&file)
        .args(["--invoke", "grow", "2"])
        .output()
        .unwrap();
    assert_eq!(text(&o.stdout), "-1\n", "{}", text(&o.stderr));
    let o = wisp()
        .args(["--max-memory-size", "196608"])
        .arg(&file)
        .args(["--invoke", "grow", "2"])
        .output()
        .unwrap();
    assert_eq!(text(&o.stdout), "1\n", "{}", text(&o.stderr));
}
