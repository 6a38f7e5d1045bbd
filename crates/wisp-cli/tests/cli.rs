//! The `wisp` command end to end: exit statuses, output, preopened directories, traps.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn wisp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wisp"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn a_program_gets_its_directory_and_nothing_else() {
    let o = wisp(&[
        "run",
        "--dir",
        "tests/fixtures/data::/data",
        "tests/fixtures/grep.wasm",
        "-n",
        "fox",
        "/data/poem.txt",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stdout),
        "1:The quick brown fox\n4:foxes hide in the wood.\n"
    );
    let o = wisp(&[
        "run",
        "--dir",
        "tests/fixtures/data::/data",
        "tests/fixtures/grep.wasm",
        "fox",
        "/data/../README.md",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("Capabilities insufficient"));
    // Without --dir there is nothing to open at all.
    let o = wisp(&["run", "tests/fixtures/grep.wasm", "fox", "/data/poem.txt"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn exit_status_is_the_programs() {
    let o = wisp(&["run", "examples/hello.wasm", "--exit", "3"]);
    assert_eq!(o.status.code(), Some(3));
    let o = wisp(&["examples/hello.wasm", "--exit", "0"]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn a_missing_directory_is_a_clear_error() {
    let o = wisp(&["run", "--dir", "no/such/dir", "examples/hello.wasm"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("no/such/dir"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn a_trap_prints_a_named_backtrace_and_exits_134() {
    let dir = std::env::temp_dir().join(format!("wisp-cli-trap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let wat = dir.join("trap.wat");
    std::fs::write(
        &wat,
        r#"(module
             (func $inner (result i32) (i32.div_s (i32.const 1) (i32.const 0)))
             (func $outer (result i32) (call $inner))
             (func (export "_start") (drop (call $outer))))"#,
    )
    .unwrap();
    let o = wisp(&["run", wat.to_str().unwrap()]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(134), "{err}");
    assert!(err.contains("integer divide by zero"), "{err}");
    let (inner, outer) = (err.find("inner").unwrap(), err.find("outer").unwrap());
    assert!(inner < outer, "innermost frame first: {err}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn bad_modules_and_arguments_exit_1_or_2() {
    let o = wisp(&["run", "README.md"]);
    assert_eq!(o.status.code(), Some(1));
    let o = wisp(&["run", "--dir"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn ir_prints_what_a_function_became() {
    let o = wisp(&["ir", "examples/fib.wat", "fib"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.starts_with("function 0 fib: 7 instructions\n"), "{out}");
    // `if (n < 2)` is one compare-and-branch, its target an instruction index.
    assert!(
        out.contains("    0  BrI32GeUImm lhs=s0 imm=2 target=@3\n"),
        "{out}"
    );
    // `fib(n - 1)`: the call steps its argument itself.
    assert!(
        out.contains("CallInternalStep func=defined0 base=s1 arg=s0-1"),
        "{out}"
    );
    let plain = text(&wisp(&["ir", "--plain", "examples/fib.wat", "fib"]).stdout);
    assert!(
        plain.contains("CallInternal func=defined0 base=s1"),
        "{plain}"
    );
    // Every function with code, and `--plain` leaves out the accumulator and fused
    // forms, which the default has.
    let all = text(&wisp(&["ir", "benches/wat/sieve.wat"]).stdout);
    assert!(
        all.contains("I32Store8Imm") && all.contains("Acc "),
        "{all}"
    );
    let all = text(&wisp(&["ir", "--plain", "benches/wat/sieve.wat"]).stdout);
    assert!(
        all.contains("I32Store8 ") && !all.contains("Acc ") && !all.contains("Imm "),
        "{all}"
    );
    let o = wisp(&["ir", "examples/fib.wat", "nope"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("no function `nope`"));
    // A file that is not a module: one clear line naming it once.
    let o = wisp(&["ir", "README.md"]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert_eq!(err.matches("README.md").count(), 1, "{err}");
}
