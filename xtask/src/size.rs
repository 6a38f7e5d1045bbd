//! `cargo xtask size`: builds the reference firmware of `firmware/src/bin/` for a
//! Cortex-M4 (opt-level "z", fat LTO, abort on panic; the firmware's `size` feature: no
//! formatting of panics or errors), measures it, and compares the
//! numbers with the committed budget `firmware/size-budget.txt`.
//!
//! For each build, one line: `NAME flash=BYTES ram=BYTES heap=BYTES stack=BYTES`, where
//! flash is `.text` + `.rodata`, ram is `.data` + `.bss` (which holds the heap's static
//! buffer), and heap and stack are the peaks the firmware itself measured while running
//! `fib(20)` under QEMU (the allocator counts; the stack is painted).
//!
//! - `full`: the whole interpreter; the device decodes, validates and translates.
//! - `executor`: the executor alone, running a pre-translated image where it lies in
//!   flash. Its line also gives the heap bytes the `fib` module keeps when its code runs
//!   in place (`module`) and when it is copied out of the image (`module_copied`, from
//!   `size_copied`, the same firmware loading the image with a copy); those are
//!   reported, not budgeted.

use crate::firmware::cargo;
use crate::setup::{ensure_rust_target, run_checked};
use std::path::Path;
use std::process::Command;

const TARGET: &str = "thumbv7em-none-eabihf";
const BUDGET: &str = "firmware/size-budget.txt";
/// A number may grow this much over its budget before the check fails.
const SLACK: f64 = 1.05;

struct Build {
    name: &'static str,
    bin: &'static str,
    features: &'static str,
}

const BUILDS: &[Build] = &[
    Build {
        name: "full",
        bin: "size_full",
        features: "full,size",
    },
    Build {
        name: "executor",
        bin: "size_executor",
        features: "size",
    },
];

const KEYS: [&str; 4] = ["flash", "ram", "heap", "stack"];

pub(crate) fn run(root: &Path, update: bool) -> Result<(), String> {
    ensure_rust_target(root, TARGET)?;
    // The peaks are measured on the emulated board; CI runs this before `xtask test`,
    // which would otherwise be the first to install QEMU on a fresh machine.
    crate::firmware::ensure_qemu()?;
    let dir = root.join("firmware");
    let mut lines = Vec::new();
    let build = |bin: &str, features: &str| -> Result<std::path::PathBuf, String> {
        run_checked(
            cargo()
                .current_dir(&dir)
                .args(["build", "--release", "--target", TARGET, "--bin", bin])
                .args(["--no-default-features", "--features", features]),
        )?;
        Ok(dir.join("target").join(TARGET).join("release").join(bin))
    };
    for b in BUILDS {
        let elf = build(b.bin, b.features)?;
        let sections = elf_sections(&elf)?;
        let size = |n: &str| sections.iter().find(|(s, _)| s == n).map_or(0, |(_, z)| *z);
        let flash = size(".text") + size(".rodata");
        let ram = size(".data") + size(".bss");
        let (heap, stack, mut extra) = run_on_qemu(&elf)?;
        if b.name == "executor" {
            let (_, _, copied) = run_on_qemu(&build("size_copied", b.features)?)?;
            extra += &copied.replace(" module=", " module_copied=");
        }
        lines.push(format!(
            "{} flash={flash} ram={ram} heap={heap} stack={stack}{extra}",
            b.name
        ));
    }
    println!();
    for l in &lines {
        println!("{l}");
    }
    let path = root.join(BUDGET);
    let text = lines.join("\n") + "\n";
    if update {
        std::fs::write(&path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("wrote {}", path.display());
        return Ok(());
    }
    let budget = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "{}: {e} (create it with `cargo xtask size --update`)",
            path.display()
        )
    })?;
    let over = compare(&budget, &lines)?;
    if over.is_empty() {
        println!("within {BUDGET} (+5% allowed)");
        Ok(())
    } else {
        Err(format!(
            "grew more than 5% over {BUDGET}:\n  {}\n(if that is intended, run \
             `cargo xtask size --update` and commit the file)",
            over.join("\n  ")
        ))
    }
}

/// Builds the executor's reference firmware and prints what its flash is made of.
pub(crate) fn breakdown(root: &Path) -> Result<(), String> {
    ensure_rust_target(root, TARGET)?;
    let dir = root.join("firmware");
    let b = BUILDS
        .iter()
        .find(|b| b.name == "executor")
        .ok_or("no executor build")?;
    run_checked(
        cargo()
            .current_dir(&dir)
            .args(["build", "--release", "--target", TARGET, "--bin", b.bin])
            .args(["--no-default-features", "--features", b.features]),
    )?;
    let elf = dir.join("target").join(TARGET).join("release").join(b.bin);
    crate::breakdown::print(root, &elf)?;
    let sections = elf_sections(&elf)?;
    let size = |n: &str| sections.iter().find(|(s, _)| s == n).map_or(0, |(_, z)| *z);
    println!("{:>8}  .rodata (tables, strings)", size(".rodata"));
    Ok(())
}

/// `NAME key=value...` into the name and its numbers.
fn parse_line(line: &str) -> Option<(&str, Vec<(&str, u64)>)> {
    let mut words = line.split_whitespace();
    let name = words.next()?;
    let values = words
        .map(|w| {
            let (k, v) = w.split_once('=')?;
            Some((k, v.parse().ok()?))
        })
        .collect::<Option<Vec<_>>>()?;
    Some((name, values))
}

/// The numbers of `now` that are more than [`SLACK`] times their budget.
fn compare(budget: &str, now: &[String]) -> Result<Vec<String>, String> {
    let mut over = Vec::new();
    for line in now {
        let (name, values) = parse_line(line).ok_or("bad measurement line")?;
        let Some((_, limits)) = budget
            .lines()
            .filter_map(parse_line)
            .find(|(n, _)| *n == name)
        else {
            return Err(format!("{BUDGET} has no line for `{name}`"));
        };
        for key in KEYS {
            let get = |v: &[(&str, u64)]| v.iter().find(|(k, _)| *k == key).map(|(_, x)| *x);
            let (Some(have), Some(limit)) = (get(&values), get(&limits)) else {
                return Err(format!("`{name}` lacks `{key}`"));
            };
            if have as f64 > limit as f64 * SLACK {
                over.push(format!("{name} {key}: {have} bytes, budget {limit}"));
            }
        }
    }
    Ok(over)
}

/// Runs the firmware and reads the `size: fib=ok heap=N stack=N ...` line it prints:
/// the two peaks, and the numbers after them as ` key=value` words.
fn run_on_qemu(elf: &Path) -> Result<(u64, u64, String), String> {
    let out = Command::new("timeout")
        .args(["60", "qemu-system-arm", "-M", "mps2-an386", "-nographic"])
        .args(["-semihosting-config", "enable=on,target=native", "-kernel"])
        .arg(elf)
        .output()
        .map_err(|e| format!("cannot run qemu-system-arm: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("size: "))
        .ok_or_else(|| format!("{} printed no size line:\n{text}", elf.display()))?;
    if !line.contains("fib=ok") || !out.status.success() {
        return Err(format!("{}: fib(20) failed: {line}", elf.display()));
    }
    let get = |k: &str| {
        line.split_whitespace()
            .filter_map(|w| w.split_once('='))
            .find(|(n, _)| *n == k)
            .and_then(|(_, v)| v.parse::<u64>().ok())
            .ok_or_else(|| format!("no {k}= in `{line}`"))
    };
    let extra: String = line
        .split_whitespace()
        .filter(|w| {
            w.split_once('=')
                .is_some_and(|(k, _)| k.starts_with("module"))
        })
        .map(|w| format!(" {w}"))
        .collect();
    Ok((get("heap")?, get("stack")?, extra))
}

/// Section names and sizes of a 32-bit little-endian ELF file.
pub(crate) fn elf_sections(path: &Path) -> Result<Vec<(String, u64)>, String> {
    let b = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let bad = || format!("{}: not a 32-bit little-endian ELF file", path.display());
    if b.len() < 52 || &b[..4] != b"\x7fELF" || b[4] != 1 || b[5] != 1 {
        return Err(bad());
    }
    let u16_at = |o: usize| {
        b.get(o..o + 2)
            .map(|s| u16::from_le_bytes([s[0], s[1]]) as usize)
    };
    let u32_at = |o: usize| {
        b.get(o..o + 4)
            .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize)
    };
    let shoff = u32_at(0x20).ok_or_else(bad)?;
    let (size, count, names) = (
        u16_at(0x2e).ok_or_else(bad)?,
        u16_at(0x30).ok_or_else(bad)?,
        u16_at(0x32).ok_or_else(bad)?,
    );
    let header = |i: usize| shoff + i * size;
    let strtab = u32_at(header(names) + 16).ok_or_else(bad)?;
    let mut out = Vec::new();
    for i in 0..count {
        let h = header(i);
        let name_at = strtab + u32_at(h).ok_or_else(bad)?;
        let end = b[name_at..].iter().position(|&c| c == 0).ok_or_else(bad)?;
        let name = String::from_utf8_lossy(&b[name_at..name_at + end]).into_owned();
        out.push((name, u32_at(h + 20).ok_or_else(bad)? as u64));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_past_five_percent_fails() {
        let budget = "executor flash=1000 ram=100 heap=100 stack=100\n";
        let ok = ["executor flash=1050 ram=90 heap=105 stack=100".to_string()];
        assert!(compare(budget, &ok).unwrap().is_empty());
        let grown = ["executor flash=1051 ram=100 heap=100 stack=120".to_string()];
        let over = compare(budget, &grown).unwrap();
        assert_eq!(over.len(), 2, "{over:?}");
        assert!(over[0].contains("flash") && over[1].contains("stack"));
        assert!(compare("", &ok).is_err(), "a missing line is an error");
    }
}
