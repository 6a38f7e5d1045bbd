//! `cargo xtask fixtures`: builds the WASI test programs of `tests/fixtures/` into
//! `tests/fixtures/NAME.wasm`, and the benchmark workloads of `benches/workloads/` and
//! `benches/c/` into `benches/workloads.wasm` and `benches/kernels.wasm`; all are committed so that tests and benchmarks need no wasm
//! toolchain.
//!
//! The Rust programs are the binaries of the package in `tests/fixtures/rust/`; the C
//! programs are `tests/fixtures/c/*.c`, compiled by clang against wasi-libc. The workloads
//! are one cdylib for `wasm32-unknown-unknown` (no imports, so any engine runs it without
//! WASI). What is missing from the toolchain is installed when that is safe to do (a
//! rustup target, or Debian packages when running as root), and named otherwise.
//!
//! The programs that need WebAssembly 3.0 (tail calls, exception handling) need other
//! toolchains and flags; `fixtures/wasm3.rs` builds them.

mod wasm3;

use crate::setup::{apt_install, ensure_rust_target, run_checked};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

const RUST_TARGET: &str = "wasm32-wasip1";
/// The benchmark workloads import nothing, not even WASI.
const WORKLOADS_TARGET: &str = "wasm32-unknown-unknown";
/// clang 14 (Debian bookworm) knows only this name for preview1.
const C_TARGET: &str = "--target=wasm32-wasi";
const C_FLAGS: &[&str] = &["-O2", "-Wall", "-Wextra", "-Wl,--strip-all"];
/// Debian's packages for clang with wasi-libc; `libclang-rt-dev-wasm32` is the builtins
/// library (`libclang_rt.builtins-wasm32.a`) that every link needs.
const APT_PACKAGES: &[&str] = &["clang", "lld", "wasi-libc", "libclang-rt-dev-wasm32"];
/// Where wasi-sdk and other distributions put the sysroot when clang has none built in.
const SYSROOTS: &[&str] = &[
    "/usr/share/wasi-sysroot",
    "/opt/wasi-sdk/share/wasi-sysroot",
];

/// What `cargo xtask fixtures` builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    All,
    /// `benches/workloads.wasm` alone.
    Workloads,
    /// The fixtures of `wasm3.rs` alone.
    Wasm3,
}

pub fn run(root: &Path, selection: Selection) -> Result<(), String> {
    let fixtures = root.join("tests/fixtures");
    let all = selection == Selection::All;
    let mut built = Vec::new();
    if all {
        built.extend(rust(root, &fixtures)?);
    }
    if all || selection == Selection::Workloads {
        built.push(workloads(root)?);
        built.push(c_kernels(root)?);
    }
    if all {
        built.extend(c(&fixtures)?);
    }
    if all || selection == Selection::Wasm3 {
        built.extend(wasm3::build(root)?);
    }
    println!();
    for path in &built {
        let size = std::fs::metadata(path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .len();
        let shown = path.strip_prefix(root).unwrap_or(path);
        println!("{:>9} bytes  {}", size, shown.display());
    }
    Ok(())
}

/// Builds every binary of the Rust package and copies it next to the sources.
fn rust(root: &Path, fixtures: &Path) -> Result<Vec<PathBuf>, String> {
    ensure_rust_target(root, RUST_TARGET)?;
    let package = fixtures.join("rust");
    let target_dir = package.join("target");
    run_checked(&mut cargo_build(root, &package, RUST_TARGET, &target_dir))?;
    let out_dir = target_dir.join(RUST_TARGET).join("release");
    let mut built = Vec::new();
    for name in sources(&package.join("src/bin"), "rs")? {
        let from = out_dir.join(format!("{name}.wasm"));
        let to = fixtures.join(format!("{name}.wasm"));
        std::fs::copy(&from, &to)
            .map_err(|e| format!("copying {} to {}: {e}", from.display(), to.display()))?;
        built.push(to);
    }
    Ok(built)
}

/// Builds `benches/workloads/` and copies the module to `benches/workloads.wasm`.
fn workloads(root: &Path) -> Result<PathBuf, String> {
    ensure_rust_target(root, WORKLOADS_TARGET)?;
    let package = root.join("benches/workloads");
    // Inside the workspace's ignored `target/`, apart from the workspace's own builds.
    let target_dir = root.join("target/wasm-workloads");
    let mut build = cargo_build(root, &package, WORKLOADS_TARGET, &target_dir);
    // Panic locations name the dependencies' sources under CARGO_HOME; without this the
    // committed module would change with the home directory of whoever built it.
    if let Some(home) = cargo_home() {
        build.env(
            "CARGO_ENCODED_RUSTFLAGS",
            format!("--remap-path-prefix={}=/cargo", home.display()),
        );
    }
    run_checked(&mut build)?;
    let from = target_dir
        .join(WORKLOADS_TARGET)
        .join("release/wisp_workloads.wasm");
    let to = root.join("benches/workloads.wasm");
    std::fs::copy(&from, &to)
        .map_err(|e| format!("copying {} to {}: {e}", from.display(), to.display()))?;
    Ok(to)
}

/// Compiles `benches/c/kernels.c` to `benches/kernels.wasm`: freestanding (no libc, no
/// imports), so it needs clang and wasm-ld but not wasi-libc.
fn c_kernels(root: &Path) -> Result<PathBuf, String> {
    let from = root.join("benches/c/kernels.c");
    let to = root.join("benches/kernels.wasm");
    let mut cc = Command::new("clang");
    cc.args(["--target=wasm32", "-nostdlib", "-Wl,--no-entry"])
        .args(C_FLAGS)
        .arg("-o")
        .arg(&to)
        .arg(&from);
    run_checked(&mut cc).map_err(|e| format!("{e} (clang and lld are the Debian packages)"))?;
    Ok(to)
}

/// `cargo build --release` of the package in `package` for `target`.
fn cargo_build(root: &Path, package: &Path, target: &str, target_dir: &Path) -> Command {
    // `CARGO` is the cargo that runs xtask: the pinned toolchain, without a rustup detour.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut build = Command::new(cargo);
    build
        .current_dir(root)
        .args(["build", "--release", "--target", target, "--manifest-path"])
        .arg(package.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target_dir);
    build
}

fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
}

/// Compiles each `c/NAME.c` to `NAME.wasm`.
fn c(fixtures: &Path) -> Result<Vec<PathBuf>, String> {
    let toolchain = match find_c_toolchain() {
        Ok(t) => t,
        // A sysroot chosen by hand is not something a package install would fix.
        Err(missing) if std::env::var_os("WASI_SYSROOT").is_some() => {
            return Err(format!(
                "cannot build the C fixtures with WASI_SYSROOT: {missing}"
            ));
        }
        Err(missing) => {
            install_c_toolchain(&missing)?;
            find_c_toolchain().map_err(|still| {
                format!("the C toolchain is still incomplete after installing: {still}")
            })?
        }
    };
    let mut built = Vec::new();
    for name in sources(&fixtures.join("c"), "c")? {
        let out = fixtures.join(format!("{name}.wasm"));
        let mut cc = toolchain.clang();
        cc.args(C_FLAGS)
            .arg("-o")
            .arg(&out)
            .arg(fixtures.join(format!("c/{name}.c")));
        run_checked(&mut cc)?;
        built.push(out);
    }
    Ok(built)
}

struct CToolchain {
    /// `None` when clang's built-in sysroot already holds wasi-libc (Debian's does).
    sysroot: Option<PathBuf>,
}

impl CToolchain {
    fn clang(&self) -> Command {
        let mut cmd = Command::new("clang");
        cmd.arg(C_TARGET);
        if let Some(s) = &self.sysroot {
            cmd.arg(format!("--sysroot={}", s.display()));
        }
        cmd
    }

    /// Asks clang where it would find `flag`'s file; it echoes the bare name when it finds
    /// nothing, so only an existing absolute path counts.
    fn finds(&self, flag: &str) -> bool {
        let Ok(out) = self.clang().arg(flag).output() else {
            return false;
        };
        let path = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        out.status.success() && path.is_absolute() && path.exists()
    }
}

/// Either a toolchain that can compile and link for WASI or a list of what is missing.
fn find_c_toolchain() -> Result<CToolchain, String> {
    if Command::new("clang").arg("--version").output().is_err() {
        return Err("clang is not installed".into());
    }
    let mut candidates = vec![CToolchain { sysroot: None }];
    if let Some(s) = std::env::var_os("WASI_SYSROOT") {
        // An explicit choice is the only one tried.
        candidates = vec![CToolchain {
            sysroot: Some(s.into()),
        }];
    } else {
        candidates.extend(SYSROOTS.iter().map(|s| CToolchain {
            sysroot: Some(s.into()),
        }));
    }
    let Some(t) = candidates
        .into_iter()
        .find(|t| t.finds("-print-file-name=libc.a"))
    else {
        return Err("wasi-libc (libc.a for wasm32-wasi) was not found".into());
    };
    let mut missing = Vec::new();
    if !t.finds("-print-libgcc-file-name") {
        missing.push("the wasm32 compiler-rt builtins (libclang_rt.builtins-wasm32.a)");
    }
    if !t.finds("-print-prog-name=wasm-ld") {
        missing.push("the wasm-ld linker");
    }
    if missing.is_empty() {
        Ok(t)
    } else {
        Err(format!("{} not found", missing.join(" and ")))
    }
}

/// Installs the C toolchain with apt where that works without asking.
fn install_c_toolchain(missing: &str) -> Result<(), String> {
    let hint = "Elsewhere, install clang with wasm-ld and a wasi-libc sysroot (wasi-sdk) and \
                set WASI_SYSROOT to the sysroot.";
    apt_install(
        APT_PACKAGES,
        &format!("cannot build the C fixtures: {missing}"),
        hint,
    )
}

/// The stems of the files in `dir` ending in `.ext`, sorted.
fn sources(dir: &Path, ext: &str) -> Result<Vec<String>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut names = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.extension() == Some(OsStr::new(ext)) {
            if let Some(stem) = path.file_stem() {
                names.push(stem.to_string_lossy().into_owned());
            }
        }
    }
    names.sort();
    if names.is_empty() {
        return Err(format!("no .{ext} files in {}", dir.display()));
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_sorted_stems() {
        let fixtures = crate::root().join("tests/fixtures");
        assert_eq!(
            sources(&fixtures.join("c"), "c").unwrap(),
            ["adventure", "posix"]
        );
        assert_eq!(
            sources(&fixtures.join("rust/src/bin"), "rs").unwrap(),
            ["cat", "fsops", "grep", "script"]
        );
        assert!(sources(&fixtures.join("data"), "rs").is_err());
    }
}
