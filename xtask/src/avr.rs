//! `cargo xtask avr`: the executor on an 8-bit AVR (atmega2560, 8 KiB of RAM, 16-bit
//! `usize`) in simavr: `firmware/avr` loads the pre-translated image of `fib` from
//! program memory and runs `fib(15)` in a 1.75 KiB heap.
//!
//! Nightly only (`avr-none` is a tier-3 target, built with `-Zbuild-std`); Debian's
//! `gcc-avr` links and `simavr` runs it. simavr always exits 0 and prints the UART on
//! stderr, so the verdict is read from there.
//!
//! Before running it, the firmware's disassembly is searched for functions that read
//! arguments from the stack, which LLVM miscompiles on this part (see
//! [`stack_argument_readers`]).

use crate::setup::{apt_install, run_checked};
use crate::size::elf_sections;
use std::path::Path;
use std::process::Command;

pub(crate) fn run(root: &Path) -> Result<(), String> {
    let dir = root.join("firmware/avr");
    let have = |c: &str| Command::new(c).arg("--version").output().is_ok();
    if !have("avr-gcc") || !have("avr-objdump") || !have("simavr") {
        apt_install(
            &["gcc-avr", "binutils-avr", "avr-libc", "simavr"],
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
    let disasm = Command::new("avr-objdump")
        .args(["-d", "--no-show-raw-insn"])
        .arg(&elf)
        .output()
        .map_err(|e| format!("cannot run avr-objdump: {e}"))?;
    if !disasm.status.success() {
        return Err(format!(
            "avr-objdump failed: {}",
            String::from_utf8_lossy(&disasm.stderr)
        ));
    }
    let (checked, readers) = stack_argument_readers(&String::from_utf8_lossy(&disasm.stdout));
    if !readers.is_empty() {
        return Err(format!(
            "these functions of the AVR firmware read arguments from the stack, which \
             LLVM miscompiles on the atmega2560 (it reads each one a byte off, as if the \
             return address took 2 bytes, not 3): give each at most 18 bytes of arguments \
             (see `CallValues` in crates/wisp/src/func.rs)\n  {}",
            readers.join("\n  ")
        ));
    }
    println!("avr: {checked} functions with a frame, none reads arguments from the stack");
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
    if text.contains("avr: fib(15) = 610 ok") {
        Ok(())
    } else {
        Err(format!("the AVR smoke test failed:\n{text}"))
    }
}

/// The functions of an `avr-objdump -d --no-show-raw-insn` listing that read an argument
/// passed on the stack (or take its address), by symbol; and how many functions with a
/// frame pointer were looked at.
///
/// LLVM's AVR backend lays out a function's incoming stack arguments as if the return
/// address took 2 bytes: `AVRFrameLowering` gives every device a local-area offset of
/// -2. On the parts with a 22-bit program counter (atmega2560/2561) `call` pushes 3, so
/// the callee reads each stack argument a byte below where the caller wrote it (gcc
/// gets it right). On an AVR the registers r25 down to r8 carry the first 18 bytes of
/// arguments; only functions taking more are affected, and our code avoids them.
///
/// A function with stack arguments always sets up Y as its frame pointer: after
/// `P` pushes it copies SP into Y and subtracts its frame size `F`. SP points below the
/// last byte pushed, so LLVM puts the first stack argument at `Y + P + F + 3` (after
/// the 2-byte return address it assumes). Offsets past 63 are reached by moving Y
/// (`adiw`/`subi` on r28) between saving and restoring SREG, which this follows.
pub(crate) fn stack_argument_readers(disasm: &str) -> (usize, Vec<String>) {
    let mut readers = Vec::new();
    let mut checked = 0;
    let mut lines = disasm.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(name) = line.strip_suffix(">:").and_then(|l| l.split_once(" <")) else {
            continue;
        };
        let mut body = Vec::new();
        while let Some(l) = lines.next_if(|l| !l.ends_with(">:")) {
            // `    24f0:\tldd\tr14, Y+27\t; 0x1b`
            let mut parts = l.trim_start().split('\t');
            if parts.next().is_some_and(|a| a.ends_with(':')) {
                if let Some(op) = parts.next() {
                    body.push((op, parts.next().unwrap_or("").trim()));
                }
            }
        }
        match reads_stack_arguments(&body) {
            Some(true) => {
                checked += 1;
                readers.push(name.1.to_string());
            }
            Some(false) => checked += 1,
            None => {}
        }
    }
    (checked, readers)
}

/// Whether a function reads an argument from the stack; `None` if it has no frame
/// pointer (and so no stack arguments).
fn reads_stack_arguments(body: &[(&str, &str)]) -> Option<bool> {
    let operands = |s: &str| -> (String, i32) {
        let (a, b) = s.split_once(", ").unwrap_or((s, ""));
        let n = match b.strip_prefix("0x") {
            Some(h) => i32::from_str_radix(h, 16).unwrap_or(0),
            None => b.parse().unwrap_or(0),
        };
        (a.to_string(), n)
    };
    // `subi rL, lo` then `sbci rH, hi`: the 16-bit amount subtracted.
    let sub16 = |i: usize, reg: &str| -> Option<i32> {
        let (a, lo) = operands(body.get(i).filter(|(op, _)| *op == "subi")?.1);
        let (_, hi) = operands(body.get(i + 1).filter(|(op, _)| *op == "sbci")?.1);
        (a == reg).then_some(((hi << 8) | lo) as u16 as i16 as i32)
    };
    let pushes = body.iter().take_while(|(op, _)| *op == "push").count();
    let rest = &body[pushes..];
    if rest.get(..2) != Some(&[("in", "r28, 0x3d"), ("in", "r29, 0x3e")]) {
        return None;
    }
    let (frame, start) = match rest.get(2) {
        Some(("sbiw", o)) if operands(o).0 == "r28" => (operands(o).1, 3),
        _ => match sub16(pushes + 2, "r28") {
            Some(f) => (f as u16 as i32, 4),
            None => (0, 2),
        },
    };
    let first_argument = pushes as i32 + frame + 3;
    // How far Y has been moved from the frame base.
    let mut moved = 0;
    for i in pushes + start..body.len() {
        let (op, o) = body[i];
        let (dst, n) = operands(o);
        match op {
            "in" if o == "r0, 0x3f" => moved = 0,
            "out" if o == "0x3f, r0" => moved = 0,
            "ret" | "reti" | "jmp" | "rjmp" | "ijmp" | "eijmp" => moved = 0,
            "adiw" if dst == "r28" => moved += n,
            "sbiw" if dst == "r28" => moved -= n,
            "subi" if dst == "r28" => moved -= sub16(i, "r28").unwrap_or(0),
            "ldd" | "std" | "ld" | "st" => {
                let y = o.split(", ").find(|a| a.starts_with('Y'));
                let offset = match y {
                    Some("Y") => Some(0),
                    Some(a) => a.strip_prefix("Y+").and_then(|d| d.parse::<i32>().ok()),
                    None => None,
                };
                if offset.is_some_and(|d| moved + d >= first_argument) {
                    return Some(true);
                }
            }
            // The address of a slot: `movw rX, r28` then `adiw rX, k` or `subi`/`sbci`.
            "movw" if o.ends_with(", r28") => {
                let offset = match body.get(i + 1) {
                    Some(("adiw", a)) if operands(a).0 == dst => Some(operands(a).1),
                    _ => sub16(i + 1, &dst).map(|v| -v),
                };
                if offset.is_some_and(|d| moved + d >= first_argument) {
                    return Some(true);
                }
            }
            _ => {}
        }
    }
    Some(false)
}

#[cfg(test)]
mod tests {
    use super::stack_argument_readers;

    /// `fn probe(a: u64, b: u64, c: u16, d: u16) -> u16` built for the atmega2560: `d`
    /// does not fit in r8..r25 and is read from `Y+27` (6 pushes, an 18-byte frame).
    const PROBE: &str = "\
0000256a <_RNvCs_probe>:
    256a:\tpush\tr14
    256c:\tpush\tr15
    256e:\tpush\tr16
    2570:\tpush\tr17
    2572:\tpush\tr28
    2574:\tpush\tr29
    2576:\tin\tr28, 0x3d\t; 61
    2578:\tin\tr29, 0x3e\t; 62
    257a:\tsbiw\tr28, 0x12\t; 18
    257c:\tin\tr0, 0x3f\t; 63
    257e:\tcli
    2580:\tout\t0x3e, r29\t; 62
    2582:\tout\t0x3f, r0\t; 63
    2584:\tout\t0x3d, r28\t; 61
    2586:\tstd\tY+18, r9\t; 0x12
    2588:\tstd\tY+17, r8\t; 0x11
    258a:\tldd\tr14, Y+27\t; 0x1b
    258c:\tldd\tr15, Y+28\t; 0x1c
    258e:\tadiw\tr28, 0x12\t; 18
    2590:\tret
";

    /// Its own frame only: the last byte of its 18-byte frame, then (past 63) a slot
    /// reached by moving Y.
    const CLEAN: &str = "\
00000100 <clean>:
     100:\tpush\tr28
     102:\tpush\tr29
     104:\tin\tr28, 0x3d\t; 61
     106:\tin\tr29, 0x3e\t; 62
     108:\tsubi\tr28, 0x86\t; 134
     10a:\tsbci\tr29, 0x00\t; 0
     10c:\tldd\tr24, Y+18\t; 0x12
     10e:\tin\tr0, 0x3f\t; 63
     110:\tsubi\tr28, 0xA3\t; 163
     112:\tsbci\tr29, 0xFF\t; 255
     114:\tldd\tr18, Y+45\t; 0x2d
     116:\tsubi\tr28, 0x5D\t; 93
     118:\tsbci\tr29, 0x00\t; 0
     11a:\tout\t0x3f, r0\t; 63
     11c:\tmovw\tr24, r28
     11e:\tadiw\tr24, 0x01\t; 1
     120:\tret
00000122 <leaf>:
     122:\tadd\tr24, r22
     124:\tret
";

    #[test]
    fn finds_a_function_reading_a_stack_argument() {
        assert_eq!(
            stack_argument_readers(PROBE),
            (1, vec!["_RNvCs_probe".to_string()])
        );
    }

    #[test]
    fn own_frame_and_moved_y_are_not_arguments() {
        assert_eq!(stack_argument_readers(CLEAN), (1, vec![]));
    }

    #[test]
    fn finds_a_stack_argument_reached_by_moving_y() {
        // 2 pushes and a 134-byte frame put the first argument at Y+139. With Y moved
        // up by 93 (subtracting 0xFFA3), Y+45 is 138, below it, and Y+46 is 139.
        let text = CLEAN.replace("Y+45", "Y+46");
        assert_eq!(
            stack_argument_readers(&text),
            (1, vec!["clean".to_string()])
        );
    }
}
