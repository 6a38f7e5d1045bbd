//! `cargo xtask firmware`: Wisp's on-target tests (`firmware/tests/on_target.rs`) on
//! emulated boards, and `cargo xtask test`, which runs them after the workspace's tests.
//!
//! Each board is a rustup target and a QEMU machine (the runners are in
//! `firmware/.cargo/config.toml`); the firmware prints one line per case over semihosting
//! and QEMU exits with the firmware's status.

use crate::setup::{apt_install, ensure_rust_target, run_checked};
use std::path::Path;
use std::process::Command;
use wisp_wast::suite::{self, ResultRow, RESULTS_HEADER};

/// Pass counts of the spec scripts run on the emulated Cortex-M4 (`firmware/tests/spec.rs`).
const CORTEX_M4_RESULTS: &str = "spec/results-cortex-m4.csv";

/// An emulated board the tests run on.
pub(crate) struct Board {
    pub name: &'static str,
    pub target: &'static str,
    pub what: &'static str,
    /// Extra `cargo test` arguments: the Cortex-M0 runs the executor alone, built small.
    pub args: &'static [&'static str],
}

pub(crate) const BOARDS: &[Board] = &[
    Board {
        name: "m4",
        target: "thumbv7em-none-eabihf",
        what: "Cortex-M4F, QEMU mps2-an386, RAM capped at 96 KiB; the whole interpreter, SIMD too",
        args: &["--features", "simd"],
    },
    Board {
        name: "m0",
        target: "thumbv6m-none-eabi",
        what: "Cortex-M0, QEMU microbit, 16 KiB RAM; pre-translated images only",
        args: &["--release", "--no-default-features"],
    },
    Board {
        name: "rv32",
        target: "riscv32imc-unknown-none-elf",
        what: "RISC-V RV32IMC (no atomic read-modify-write), QEMU virt, 96 KiB RAM; pre-translated images only",
        args: &["--release", "--no-default-features"],
    },
    Board {
        name: "rv32a",
        target: "riscv32imac-unknown-none-elf",
        what: "RISC-V RV32IMAC, QEMU virt, 96 KiB RAM; the whole interpreter, WASI, paged memory and GC",
        args: &[],
    },
];

/// Runs the on-target tests on `boards` (all of them when empty). On the Cortex-M4 that
/// includes part of the spec suite, whose counts must not fall below
/// `spec/results-cortex-m4.csv` (`record` rewrites the file instead).
pub(crate) fn run(root: &Path, boards: &[String], record: bool) -> Result<(), String> {
    for name in boards {
        if !BOARDS.iter().any(|b| b.name == name) {
            return Err(format!("unknown board `{name}`"));
        }
    }
    ensure_qemu()?;
    for b in BOARDS {
        if !boards.is_empty() && !boards.iter().any(|n| n == b.name) {
            continue;
        }
        println!("\n== on-target tests: {} ({})", b.name, b.what);
        ensure_rust_target(root, b.target)?;
        run_checked(
            cargo()
                .current_dir(root.join("firmware"))
                .args(["test", "--target", b.target, "--test", "on_target"])
                .args(b.args),
        )?;
        if b.name == "m4" {
            spec_on_m4(root, b, record)?;
        }
    }
    Ok(())
}

/// Runs the spec suite on the board (`firmware/tests/spec_v1.rs` and `spec_v2.rs`, a
/// firmware image each) and checks or records its counts.
fn spec_on_m4(root: &Path, b: &Board, record: bool) -> Result<(), String> {
    let mut rows: Vec<ResultRow> = Vec::new();
    for test in ["spec_v1", "spec_v2"] {
        println!("\n== the spec suite on {}: {test}", b.name);
        let out = cargo()
            .current_dir(root.join("firmware"))
            .args(["test", "--target", b.target, "--test", test])
            .args(b.args)
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        let text = String::from_utf8_lossy(&out.stdout);
        print!("{text}");
        if !out.status.success() {
            eprint!("{}", String::from_utf8_lossy(&out.stderr));
            return Err(format!("the on-target spec run {test} failed"));
        }
        rows.extend(text.lines().filter_map(|l| {
            let mut w = l.strip_prefix("spec ")?.split_whitespace();
            let group = w.next()?.to_string();
            let file = w.next()?.to_string();
            let mut n = || w.next()?.parse::<u32>().ok();
            let (passed, failed, total) = (n()?, n()?, n()?);
            Some(ResultRow {
                group,
                file,
                passed,
                failed,
                total,
            })
        }));
    }
    if rows.is_empty() {
        return Err("the on-target spec run printed no results".into());
    }
    let (p, t) = rows
        .iter()
        .fold((0, 0), |(p, t), r| (p + r.passed, t + r.total));
    println!(
        "cortex-m4: {p} of {t} directives passed in {} scripts",
        rows.len()
    );
    let path = root.join(CORTEX_M4_RESULTS);
    let committed = std::fs::read_to_string(&path).ok();
    if record || committed.is_none() {
        let text = suite::write_results(&rows).map_err(|e| e.to_string())?;
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("wrote {CORTEX_M4_RESULTS}");
        return Ok(());
    }
    let baseline = suite::parse_results(&committed.unwrap_or_default())
        .map_err(|e| format!("{CORTEX_M4_RESULTS}: {e}"))?;
    let dropped: Vec<String> = rows
        .iter()
        .filter_map(|r| {
            let base = baseline
                .iter()
                .find(|b| b.group == r.group && b.file == r.file)?;
            (r.passed < base.passed).then(|| {
                format!(
                    "{}/{}: {} passed, baseline {}",
                    r.group, r.file, r.passed, base.passed
                )
            })
        })
        .collect();
    let missing = baseline
        .iter()
        .filter(|b| !rows.iter().any(|r| r.group == b.group && r.file == b.file))
        .map(|b| format!("{}/{}: not run", b.group, b.file));
    let dropped: Vec<String> = dropped.into_iter().chain(missing).collect();
    if dropped.is_empty() {
        println!("no regressions against {CORTEX_M4_RESULTS} ({RESULTS_HEADER})");
        Ok(())
    } else {
        Err(format!(
            "spec counts on the Cortex-M4 dropped:\n  {}",
            dropped.join("\n  ")
        ))
    }
}

/// `cargo test --workspace`, then the on-target tests.
pub(crate) fn test_all(root: &Path) -> Result<(), String> {
    // The coredump test checks Wisp's dumps with wasm-tools, the reference reader.
    crate::setup::ensure_wasm_tools()?;
    run_checked(cargo().current_dir(root).args(["test", "--workspace"]))?;
    crate::selfhost::run(root)?;
    crate::capi::run(root)?;
    run(root, &[], false)
}

/// The cargo that runs xtask: the pinned toolchain, without a rustup detour.
pub(crate) fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

pub(crate) fn ensure_qemu() -> Result<(), String> {
    // The Arm boards' emulator, then the RISC-V one (Debian puts it in qemu-system-misc).
    for (emulator, package) in [
        ("qemu-system-arm", "qemu-system-arm"),
        ("qemu-system-riscv32", "qemu-system-misc"),
    ] {
        let present = Command::new(emulator)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !present {
            apt_install(
                &[package],
                &format!("{emulator} not found (the on-target tests run under it)"),
                "Elsewhere, install QEMU's Arm and RISC-V system emulators.",
            )?;
        }
    }
    Ok(())
}
