//! `cargo xtask avr`: the executor on an 8-bit AVR (atmega2560, 8 KiB of RAM, 16-bit
//! `usize`) in simavr: `firmware/avr` loads the pre-translated image of `fib` from
//! program memory and runs `fib(20)` in a 2 KiB heap.
//!
//! Nightly only (`avr-none` is a tier-3 target, built with `-Zbuild-std`); Debian's
//! `gcc-avr` links and `simavr` runs it. simavr always exits 0 and prints the UART on
//! stderr, so the verdict is read from there.

use crate::setup::{apt_install, run_checked};
use crate::size::elf_sections;
use std::path::Path;
use std::process::Command;

pub(crate) fn run(root: &Path) -> Result<(), String> {
    let dir = root.join("firmware/avr");
    let have = |c: &str| Command::new(c).arg("--version").output().is_ok();
    if !have("avr-gcc") || !have("simavr") {
        apt_install(
            &["gcc-avr", "avr-libc", "simavr"],
            "avr-gcc or simavr not found (the AVR smoke test needs them)",
            "Elsewhere, install avr-gcc with avr-libc, and simavr.",
        )?;
    }
    // The directory's rust-toolchain.toml asks for nightly with rust-src.
    run_checked(
        Command::new("rustup")
            .current_dir(&dir)
            .args(["toolchain", "install", "nightly", "--profile", "minimal"])
            .args(["--component", "rust-src"]),
    )?;
    // Not `CARGO`: that is the pinned stable toolchain; rustup's proxy reads the
    // directory's toolchain file.
    run_checked(
        Command::new("cargo")
            .current_dir(&dir)
            .env_remove("RUSTUP_TOOLCHAIN")
            .env_remove("CARGO")
            .env_remove("RUSTC")
            .args(["build", "--release"]),
    )?;
    let elf = dir.join("target/avr-none/release/wisp-avr.elf");
    let out = Command::new("timeout")
        .args(["120", "simavr", "-m", "atmega2560", "-f", "16000000"])
        .arg(&elf)
        .output()
        .map_err(|e| format!("cannot run simavr: {e}"))?;
    let text = String::from_utf8_lossy(&out.stderr);
    // simavr colours each UART line and ends it with a `.`.
    for line in text.lines().filter(|l| l.contains("avr:")) {
        let start = line.find("avr:").unwrap_or(0);
        println!("{}", line[start..].trim_end_matches('.'));
    }
    let sizes = elf_sections(&elf)?;
    let get = |n: &str| sizes.iter().find(|(s, _)| s == n).map_or(0, |(_, z)| *z);
    println!(
        "avr: flash .text={} (256 KiB on the part), RAM .data={} .bss={} (8 KiB)",
        get(".text"),
        get(".data"),
        get(".bss")
    );
    if text.contains("avr: fib(20) = 6765 ok") {
        Ok(())
    } else {
        Err(format!("the AVR smoke test failed:\n{text}"))
    }
}
