//! A large real program: the Rhai scripting language (`tests/fixtures/script.wasm`,
//! about 1.5 MB and 4,800 functions, built by `cargo xtask fixtures` from
//! `tests/fixtures/rust/src/bin/script.rs`) runs the scripts of
//! `tests/fixtures/scripts/`, and each prints exactly what the same interpreter
//! printed natively (the `.expected` files).

mod guest;

use guest::Pipe;
use std::path::{Path, PathBuf};
use std::time::Instant;
use wisp::{Config, Engine, Error, Linker, Module, Store};
use wisp_wasi::WasiCtx;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

fn scripts_dir() -> PathBuf {
    fixtures().join("scripts")
}

struct Outcome {
    status: i32,
    stdout: String,
    stderr: String,
}

/// Runs `script.wasm` with `args` after argv[0] and `stdin`, the scripts directory
/// preopened as `/scripts`.
fn run(args: &[&str], stdin: &[u8]) -> Outcome {
    run_on(&Engine::default(), args, stdin)
}

fn run_on(engine: &Engine, args: &[&str], stdin: &[u8]) -> Outcome {
    let (out, err) = (Pipe::default(), Pipe::default());
    let ctx = WasiCtx::builder()
        .preopen_host_dir(scripts_dir(), "/scripts")
        .unwrap()
        .stdin(Pipe::with_input(stdin))
        .stdout(out.clone())
        .stderr(err.clone())
        .arg("script")
        .args(args.iter().copied())
        .build();
    let wasm = std::fs::read(fixtures().join("script.wasm")).unwrap();
    let started = Instant::now();
    let module = Module::new(engine, &wasm).unwrap();
    let compiled = started.elapsed();
    let mut store = Store::new(engine, ctx);
    let mut linker = Linker::new(engine);
    wisp_wasi::add_to_linker(&mut linker, |c: &mut WasiCtx| c).unwrap();
    let instantiating = Instant::now();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let instantiated = instantiating.elapsed();
    let ready = started.elapsed();
    let start = instance.get_func(&store, "_start").unwrap();
    let status = match start.call(&mut store, &[], &mut []) {
        Ok(()) => 0,
        Err(Error::Exit(code)) => code,
        Err(e) => panic!("script {args:?} trapped: {e}\nstderr: {}", err.text()),
    };
    eprintln!(
        "script {args:?}: {} bytes; Module::new {:.1} ms, instantiate {:.1} ms, run {:.2} s",
        wasm.len(),
        compiled.as_secs_f64() * 1e3,
        instantiated.as_secs_f64() * 1e3,
        (started.elapsed() - ready).as_secs_f64(),
    );
    Outcome {
        status,
        stdout: out.text(),
        stderr: err.text(),
    }
}

/// Runs `scripts/NAME.rhai` and compares its output with `scripts/NAME.expected`.
fn script_prints_what_it_printed_natively(name: &str) {
    let expected = std::fs::read_to_string(scripts_dir().join(format!("{name}.expected")))
        .expect("the expected output is committed");
    let r = run(&[&format!("/scripts/{name}.rhai")], b"");
    assert_eq!(r.stderr, "", "{name}.rhai wrote to stderr");
    assert_eq!(r.status, 0);
    assert_eq!(r.stdout, expected, "{name}.rhai printed something else");
}

/// Strings, arrays and maps of thousands of elements, sorting, closures, exceptions,
/// floats and recursion 1000 calls deep: a few seconds.
#[test]
fn stress_script() {
    script_prints_what_it_printed_natively("stress");
}

/// Integer overflow checks, radix conversion, float arithmetic, formatting and parsing,
/// UTF-8 strings: what Rust's core library compiles to, from the wasm side.
#[test]
fn numbers_script() {
    script_prints_what_it_printed_natively("numbers");
}

/// About 600,000 recursive script calls: about 30 s, too long for every `cargo test`.
/// `cargo test --release -p wisp-wasi --test big_program -- --ignored` runs it.
#[test]
#[ignore = "about 30 s"]
fn fib_script() {
    script_prints_what_it_printed_natively("fib");
}

const FIB_15: &[u8] = b"fn fib(n) { if n < 2 { n } else { fib(n - 1) + fib(n - 2) } }\n\
    let xs = [];\n\
    for n in 0..=15 { xs.push(fib(n)); }\n\
    print(xs);\n\
    print(`sum: ${xs.reduce(|a, x| a + x, 0)}`);\n";

#[test]
fn script_from_stdin() {
    let r = run(&[], FIB_15);
    assert_eq!((r.status, r.stderr.as_str()), (0, ""));
    assert_eq!(
        r.stdout,
        "[0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610]\nsum: 1596\n"
    );
}

/// Eager translation translates all of the module's functions up front, most of which a
/// run never calls; the program must run the same.
#[test]
fn eagerly_translated() {
    let mut config = Config::new();
    config.eager_translation(true);
    let r = run_on(&Engine::new(&config), &[], FIB_15);
    assert_eq!((r.status, r.stderr.as_str()), (0, ""));
    assert_eq!(
        r.stdout,
        "[0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610]\nsum: 1596\n"
    );
}

#[test]
fn syntax_error_exits_1_with_a_message() {
    let r = run(&[], b"print(\"before\");\nlet x = (1 + ;\n");
    assert_eq!(r.status, 1);
    // A script that does not parse runs nothing, not even the line before the error.
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "script: Syntax error: Unexpected ';' (line 2, position 14)\n"
    );
}

#[test]
fn runtime_error_exits_1_after_the_output_before_it() {
    let r = run(
        &[],
        b"print(\"before\");\nlet a = [1, 2, 3];\nprint(a[7]);\n",
    );
    assert_eq!(r.status, 1);
    assert_eq!(r.stdout, "before\n");
    assert_eq!(
        r.stderr,
        "script: Array index 7 out of bounds: only 3 elements in array (line 3, position 9)\n"
    );
    let r = run(&[], b"throw \"stop here\";\n");
    assert_eq!(
        (r.status, r.stderr.as_str()),
        (1, "script: Runtime error: stop here (line 1, position 1)\n")
    );
}

#[test]
fn missing_script_exits_2() {
    let r = run(&["/scripts/nope.rhai"], b"");
    assert_eq!(r.status, 2);
    assert_eq!(
        r.stderr,
        "script: /scripts/nope.rhai: No such file or directory\n"
    );
}
