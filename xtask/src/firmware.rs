//! `cargo xtask firmware`: Wisp's on-target tests (`firmware/tests/on_target.rs`) on
//! emulated boards, and `cargo xtask test`, which runs them after the workspace's tests.
//!
//! Each board is a rustup target and a QEMU machine (the runners are in
//! `firmware/.cargo/config.toml`); the firmware prints one line per case over semihosting
//! and QEMU exits with the firmware's status.

use crate::setup::{apt_install, ensure_rust_target, run_checked};
use std::path::Path;
use std::process::Command;

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
        what: "Cortex-M4F, QEMU mps2-an386, RAM capped at 96 KiB; the whole interpreter",
        args: &[],
    },
    Board {
        name: "m0",
        target: "thumbv6m-none-eabi",
        what: "Cortex-M0, QEMU microbit, 16 KiB RAM; pre-translated images only",
        args: &["--release", "--no-default-features"],
    },
];

/// Runs the on-target tests on `boards` (all of them when empty).
pub(crate) fn run(root: &Path, boards: &[String]) -> Result<(), String> {
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
                .args(["test", "--target", b.target])
                .args(b.args),
        )?;
    }
    Ok(())
}

/// `cargo test --workspace`, then the on-target tests.
pub(crate) fn test_all(root: &Path) -> Result<(), String> {
    run_checked(cargo().current_dir(root).args(["test", "--workspace"]))?;
    run(root, &[])
}

/// The cargo that runs xtask: the pinned toolchain, without a rustup detour.
pub(crate) fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn ensure_qemu() -> Result<(), String> {
    if Command::new("qemu-system-arm")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return Ok(());
    }
    apt_install(
        &["qemu-system-arm"],
        "qemu-system-arm not found (the on-target tests run under it)",
        "Elsewhere, install QEMU's Arm system emulator.",
    )
}
