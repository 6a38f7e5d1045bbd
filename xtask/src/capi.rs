//! The C API, as a C programmer uses it (`cargo xtask capi`, part of `cargo xtask test`):
//! `libwisp_c.a` for the host linked into the C examples of `crates/wisp-c-api/examples`
//! with clang, each run and its output checked; then the library for a Cortex-M4 linked
//! into C firmware with no C library, run under QEMU, and its size reported.

use crate::firmware::{cargo, ensure_qemu};
use crate::setup::{apt_install, ensure_rust_target, run_checked};
use std::path::Path;
use std::process::Command;

const EMBEDDED_TARGET: &str = "thumbv7em-none-eabihf";

/// Builds and runs everything; fails on any difference from the expected output.
pub(crate) fn run(root: &Path) -> Result<(), String> {
    ensure_tool("clang", &["clang"])?;
    ensure_tool("ld.lld", &["lld"])?;
    let out_dir = root.join("target/c-api");
    std::fs::create_dir_all(&out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    let api = root.join("crates/wisp-c-api");
    let include = api.join("include");

    run_checked(
        cargo()
            .current_dir(root)
            .args(["build", "--release", "-p", "wisp-c-api"]),
    )?;
    let lib = root.join("target/release/libwisp_c.a");
    for example in ["hello", "wasi"] {
        run_checked(
            Command::new("clang")
                .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-I"])
                .arg(&include)
                .arg(api.join(format!("examples/{example}.c")))
                .arg(&lib)
                .args(["-lm", "-lpthread", "-ldl", "-o"])
                .arg(out_dir.join(example)),
        )?;
    }

    let hello = output(&mut Command::new(out_dir.join("hello")), 0)?;
    for line in [
        "malformed module refused: unexpected end-of-file (at offset 0x9)",
        "guest says: Hello from Wasm, through wasm.h!",
        "calls global: 41",
        "fib(30) = 832040",
        "twice_fib(20) = 13530",
        "divide(7, 0) trapped: wasm trap: integer divide by zero",
        "  frame 0: func 5 (divide) at module offset 0xdb",
        "check(7) trapped: host refused code 7",
        "spin trapped: wasm trap: all fuel consumed",
        "done",
    ] {
        expect_line(&hello, line, "hello")?;
    }
    let wasi = out_dir.join("wasi");
    let greeting = output(
        Command::new(&wasi)
            .current_dir(root)
            .arg("examples/hello.wasm"),
        0,
    )?;
    expect_line(
        &greeting,
        "Hello from WebAssembly, running on Wisp!",
        "wasi hello",
    )?;
    // Arguments, a preopened directory, and the program's own exit status.
    let grep = output(
        Command::new(&wasi).current_dir(root).args([
            "tests/fixtures/grep.wasm",
            "-n",
            "fox",
            "tests/fixtures/data/poem.txt",
        ]),
        0,
    )?;
    expect_line(&grep, "1:The quick brown fox", "wasi grep")?;
    output(
        Command::new(&wasi).current_dir(root).args([
            "tests/fixtures/grep.wasm",
            "fox",
            "../outside.txt",
        ]),
        2,
    )?;
    // The API's unsafe code under valgrind: no invalid access, nothing leaked once the
    // program has freed what wasm.h says it owns. (Uninitialised-value reports are off:
    // valgrind flags wasmparser's optimised decoder in the Rust-only CLI too.)
    ensure_tool("valgrind", &["valgrind"])?;
    for args in [&["hello"][..], &["wasi", "examples/hello.wasm"]] {
        output(
            Command::new("valgrind")
                .current_dir(root)
                .args([
                    "-q",
                    "--error-exitcode=9",
                    "--undef-value-errors=no",
                    "--leak-check=full",
                    "--errors-for-leak-kinds=definite,indirect",
                ])
                .arg(out_dir.join(args[0]))
                .args(&args[1..]),
            0,
        )?;
    }
    println!("C examples: hello and wasi ran as expected, clean under valgrind");

    firmware(root, &api, &include, &out_dir)
}

/// The library for C firmware: built small, linked with `examples/firmware.c`, run on an
/// emulated Cortex-M4.
fn firmware(root: &Path, api: &Path, include: &Path, out_dir: &Path) -> Result<(), String> {
    ensure_rust_target(root, EMBEDDED_TARGET)?;
    ensure_qemu()?;
    run_checked(cargo().current_dir(root).args([
        "build",
        "--profile",
        "embedded",
        "-p",
        "wisp-c-api",
        "--target",
        EMBEDDED_TARGET,
        "--no-default-features",
        "--features",
        "embedded-runtime",
    ]))?;
    let lib = root.join(format!("target/{EMBEDDED_TARGET}/embedded/libwisp_c.a"));
    let object = out_dir.join("firmware.o");
    let elf = out_dir.join("firmware.elf");
    run_checked(
        Command::new("clang")
            .args([
                "--target=thumbv7em-none-eabihf",
                "-mcpu=cortex-m4",
                "-mfloat-abi=hard",
                "-mfpu=fpv4-sp-d16",
                "-ffreestanding",
                "-nostdlib",
                "-Os",
                "-ffunction-sections",
                "-fdata-sections",
                "-Wall",
                "-Wextra",
                "-Werror",
                "-I",
            ])
            .arg(include)
            .arg("-c")
            .arg(api.join("examples/firmware.c"))
            .arg("-o")
            .arg(&object),
    )?;
    run_checked(
        Command::new("ld.lld")
            .arg("--gc-sections")
            .arg("-T")
            .arg(api.join("examples/firmware.ld"))
            .arg(&object)
            .arg(&lib)
            .arg("-o")
            .arg(&elf),
    )?;
    let printed = output(
        Command::new("timeout")
            .args([
                "120",
                "qemu-system-arm",
                "-M",
                "mps2-an386",
                "-nographic",
                "-semihosting-config",
                "enable=on,target=native",
                "-kernel",
            ])
            .arg(&elf),
        0,
    )?;
    expect_line(&printed, "fib(20) = 6765", "C firmware")?;
    let (text, data, bss) = elf_size(&elf)?;
    let archive = std::fs::metadata(&lib).map_err(|e| e.to_string())?.len();
    println!(
        "C firmware on the Cortex-M4: fib(20) = 6765; flash {} B (text {text} + data {data}), RAM {} B static (bss, 72 KiB of it the heap); libwisp_c.a {archive} B",
        text + data,
        data + bss
    );
    Ok(())
}

/// Runs `cmd`, fails unless it exits with `status`, and gives its stdout (followed by
/// its stderr, where QEMU's semihosting output goes).
fn output(cmd: &mut Command, status: i32) -> Result<String, String> {
    let shown = format!("{cmd:?}");
    let out = cmd
        .output()
        .map_err(|e| format!("could not run {shown}: {e}"))?;
    let mut printed = String::from_utf8_lossy(&out.stdout).into_owned();
    printed.push_str(&String::from_utf8_lossy(&out.stderr));
    if out.status.code() != Some(status) {
        return Err(format!(
            "{shown} exited with {} (expected {status}):\n{printed}",
            out.status
        ));
    }
    Ok(printed)
}

fn expect_line(output: &str, line: &str, what: &str) -> Result<(), String> {
    if output.lines().any(|l| l == line) {
        Ok(())
    } else {
        Err(format!("{what}: expected the line {line:?} in:\n{output}"))
    }
}

/// `llvm-size`'s text, data and bss of an ELF file.
fn elf_size(elf: &Path) -> Result<(u64, u64, u64), String> {
    let out = Command::new("llvm-size")
        .arg(elf)
        .output()
        .map_err(|e| format!("llvm-size: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let fields: Vec<u64> = text
        .lines()
        .nth(1)
        .unwrap_or("")
        .split_whitespace()
        .take(3)
        .filter_map(|f| f.parse().ok())
        .collect();
    match fields[..] {
        [t, d, b] => Ok((t, d, b)),
        _ => Err(format!("could not read llvm-size's output:\n{text}")),
    }
}

/// Installs a Debian package for a missing command.
fn ensure_tool(command: &str, packages: &[&str]) -> Result<(), String> {
    if Command::new(command).arg("--version").output().is_ok() {
        return Ok(());
    }
    apt_install(
        packages,
        &format!("{command} not found (the C API examples are built with it)"),
        "Elsewhere, install clang and lld.",
    )
}
