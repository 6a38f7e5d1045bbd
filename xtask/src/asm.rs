//! `cargo xtask asm`: checks that the tail-call dispatcher really tail-calls, in the
//! release profile as it is and, on request, in other optimized profiles.
//!
//! Rust does not promise that `return next(...)` becomes a jump. If LLVM ever emits a
//! call instead, every executed instruction leaves a native stack frame behind and a
//! long-running program overflows the host's stack. Whether it does depends on the
//! profile: with `lto = "fat"` and `codegen-units = 1` LLVM once inlined a bulk-memory
//! helper with a stack buffer into two handlers, which then called the next handler
//! (see `crates/wisp-exec/src/exec/bulk.rs`). Packagers and `cargo install` users pick
//! their own profile, so this builds the `wisp` binary in each profile asked for
//! (through `CARGO_PROFILE_RELEASE_*`, each in its own target directory so that the
//! builds stay cached side by side), disassembles it with `objdump`, and checks every
//! instruction handler (generated into `wisp_exec::exec::dispatch::glue`, see
//! `crates/wisp-exec/src/exec/dispatch.rs`) and every out-of-line slow path that
//! dispatches onwards (`*_tail`):
//! - none makes an indirect call through a register or a table (the handler table), or
//!   a direct call to another handler;
//! - each one, except those that never continue, ends an instruction with an indirect
//!   jump.
//!
//! Handlers with identical code may be merged by the compiler into one symbol, so the
//! check covers the symbols that exist and asks for a plausible number of them.
//! `crates/wisp-exec/build.rs` gives builds below `opt-level = 3` the loop backend,
//! which has no handler functions and needs no tail calls: for those the check says so
//! and passes, and fails if such a build has the tail backend after all (or an
//! `opt-level = 3` build has not).
//!
//! Then it runs the benchmark workloads (millions of instructions of every common kind,
//! among them rustc-compiled sha256, deflate, json and markdown, where the crash was
//! seen) with the binary's stack limited to 256 KiB, where a handler that calls instead
//! of jumping would overflow within milliseconds, and checks their results.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Handlers that always leave the loop, or always go on out of line (a direct jump to a
/// `*_tail` path, which dispatches; calling one instead is still caught), so they need
/// no jump to a next instruction: a trap, a tail call through an import or a table
/// (their callee may be anywhere), a throw (the unwinder finds where to go on).
const NEVER_CONTINUE: &[&str] = &[
    "Unreachable",
    "ReturnCall",
    "ReturnCallIndirect",
    "ReturnCallRef",
    "Throw",
    "ThrowRef",
];
/// Fewer distinct handler symbols than this means the binary was not built with the
/// tail backend (or the symbol names changed and the check would be vacuous).
const MIN_HANDLERS: usize = 300;
/// Where the handlers are: generated from the operator table into `dispatch.rs`'s `glue`
/// module, and the slow paths' tail entries (`*_tail`) among the bodies.
const PREFIXES: &[&str] = &[
    "wisp_exec::exec::dispatch::glue::",
    "wisp_exec::exec::handlers::control::",
];

/// The handler name of a symbol, if it is one of the handlers.
fn handler_name(symbol: &str) -> Option<&str> {
    PREFIXES
        .iter()
        .find_map(|p| symbol.strip_prefix(p))
        .filter(|n| is_handler(n))
}
/// The workloads of `benches/workloads.wasm` run on a small stack, with their arguments
/// and results (`benches/README.md`; `wisp` prints them as `i32`).
const WORKLOADS: &[(&str, &str, u32)] = &[
    ("fib", "27", 196_418),
    ("sieve", "500000", 4_207_720_553),
    ("matmul", "80", 1_434_057_816),
    ("sha256", "128", 2_951_067_721),
    ("deflate", "16", 3_475_709_641),
    ("json", "150", 3_478_147_180),
    ("stackvm", "10000", 1_029_741_230),
    ("markdown", "40", 1_828_457_814),
    ("mixed", "60", 3_991_955),
];
/// The stack limit for those runs, in KiB.
const SMALL_STACK_KIB: u32 = 256;

/// The values `--profile-matrix` tries for each setting: LTO off, thin and fat; one
/// codegen unit and the default 16 (they change what LLVM sees at once, and so what
/// it inlines); the optimization levels packagers use.
const MATRIX_LTO: &[&str] = &["off", "thin", "fat"];
const MATRIX_CODEGEN_UNITS: &[&str] = &["1", "16"];
const MATRIX_OPT_LEVEL: &[&str] = &["2", "3", "s"];

/// One build of `wisp`: each setting given overrides `[profile.release]` through its
/// `CARGO_PROFILE_RELEASE_*` variable; `None` leaves it as the workspace sets it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    pub lto: Option<String>,
    pub codegen_units: Option<String>,
    pub opt_level: Option<String>,
}

impl Profile {
    fn settings(&self) -> [(&'static str, &'static str, Option<&str>); 3] {
        [
            ("lto", "LTO", self.lto.as_deref()),
            (
                "codegen-units",
                "CODEGEN_UNITS",
                self.codegen_units.as_deref(),
            ),
            ("opt-level", "OPT_LEVEL", self.opt_level.as_deref()),
        ]
    }

    fn is_default(&self) -> bool {
        *self == Profile::default()
    }

    /// `release`, or the overrides, as in `lto=fat codegen-units=1`.
    fn name(&self) -> String {
        if self.is_default() {
            return "release".into();
        }
        let parts: Vec<String> = self
            .settings()
            .iter()
            .filter_map(|(key, _, v)| v.map(|v| format!("{key}={v}")))
            .collect();
        parts.join(" ")
    }

    /// The target directory of this profile's build: the workspace's own for the
    /// release profile as it is (CI runs that binary afterwards), one per profile
    /// under `target/asm/` otherwise.
    fn target_dir(&self, root: &Path) -> PathBuf {
        let base = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target"));
        if self.is_default() {
            return base;
        }
        let parts: Vec<String> = self
            .settings()
            .iter()
            .filter_map(|(key, _, v)| v.map(|v| format!("{key}-{v}")))
            .collect();
        base.join("asm").join(parts.join("."))
    }

    /// Whether `build.rs` gives this profile the tail backend on x86_64: only at
    /// `opt-level = 3`, the release profile's default (and the workspace's).
    fn expects_tail(&self) -> bool {
        self.opt_level.as_deref().is_none_or(|o| o == "3")
    }
}

/// Which profiles `cargo xtask asm` checks.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Selection {
    pub lto: Vec<String>,
    pub codegen_units: Vec<String>,
    pub opt_level: Vec<String>,
    /// The release profile as it is, then every combination of the settings: the
    /// values given for a setting, or else all of `MATRIX_*`.
    pub matrix: bool,
}

impl Selection {
    /// Sets one of the settings from the command line, checking its value.
    pub fn add(&mut self, flag: &str, value: &str) -> Result<(), String> {
        let (list, ok) = match flag {
            "--lto" => (
                &mut self.lto,
                matches!(value, "off" | "false" | "thin" | "fat" | "true"),
            ),
            "--codegen-units" => (
                &mut self.codegen_units,
                value.parse::<u32>().is_ok_and(|n| n > 0),
            ),
            "--opt-level" => (
                &mut self.opt_level,
                matches!(value, "0" | "1" | "2" | "3" | "s" | "z"),
            ),
            _ => return Err(format!("unknown argument `{flag}`")),
        };
        if !ok {
            return Err(format!("`{value}` is not a value of {flag}"));
        }
        list.push(value.to_string());
        Ok(())
    }

    /// The profiles to build: the product of the settings' values.
    pub fn profiles(&self) -> Vec<Profile> {
        let values = |given: &[String], matrix: &[&str]| -> Vec<Option<String>> {
            if !given.is_empty() {
                given.iter().cloned().map(Some).collect()
            } else if self.matrix {
                matrix.iter().map(|v| Some(v.to_string())).collect()
            } else {
                vec![None]
            }
        };
        let mut out = Vec::new();
        if self.matrix {
            out.push(Profile::default());
        }
        for lto in values(&self.lto, MATRIX_LTO) {
            for codegen_units in values(&self.codegen_units, MATRIX_CODEGEN_UNITS) {
                for opt_level in values(&self.opt_level, MATRIX_OPT_LEVEL) {
                    let p = Profile {
                        lto: lto.clone(),
                        codegen_units: codegen_units.clone(),
                        opt_level,
                    };
                    if !out.contains(&p) {
                        out.push(p);
                    }
                }
            }
        }
        out
    }
}

pub fn run(root: &Path, selection: &Selection) -> Result<(), String> {
    if std::env::consts::ARCH != "x86_64" {
        println!(
            "asm: the check reads x86_64 code; skipped on {}",
            std::env::consts::ARCH
        );
        return Ok(());
    }
    let profiles = selection.profiles();
    let mut summary = Vec::new();
    let mut failed = 0;
    for profile in &profiles {
        println!("\nasm: profile {}", profile.name());
        let result = check_profile(root, profile);
        if result.is_err() {
            failed += 1;
        }
        let line = result.unwrap_or_else(|e| format!("FAILED: {e}"));
        println!("asm: {}: {line}", profile.name());
        summary.push(format!("{:<40} {line}", profile.name()));
    }
    if profiles.len() > 1 {
        println!("\nasm: summary\n  {}", summary.join("\n  "));
    }
    match failed {
        0 => Ok(()),
        n => Err(format!("{n} of {} profile(s) failed", profiles.len())),
    }
}

/// Builds `wisp` in `profile`, checks its handlers and runs the workloads; a one-line
/// account of what was found.
fn check_profile(root: &Path, profile: &Profile) -> Result<String, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target_dir = profile.target_dir(root);
    let mut build = Command::new(cargo);
    build
        .current_dir(root)
        .args(["build", "--release", "-p", "wisp-wasm-cli"])
        .env("CARGO_TARGET_DIR", &target_dir);
    for (_, var, value) in profile.settings() {
        if let Some(v) = value {
            build.env(format!("CARGO_PROFILE_RELEASE_{var}"), v);
        }
    }
    let started = Instant::now();
    let status = build.status().map_err(|e| format!("cargo build: {e}"))?;
    if !status.success() {
        return Err("cargo build --release -p wisp-wasm-cli failed".into());
    }
    let build_secs = started.elapsed().as_secs();
    let binary = target_dir.join("release/wisp");
    let out = Command::new("objdump")
        .args(["-d", "--no-show-raw-insn", "-C"])
        .arg(&binary)
        .output()
        .map_err(|e| format!("objdump (install binutils): {e}"))?;
    if !out.status.success() {
        return Err(format!("objdump failed on {}", binary.display()));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let handlers = handlers(&text);
    println!(
        "asm: {} handler symbols in {}",
        handlers.len(),
        binary.display()
    );
    let backend = match handlers.len() {
        0 => "loop",
        n if n >= MIN_HANDLERS => "tail",
        n => {
            return Err(format!(
                "only {n} handler symbols (expected none with the loop backend, at least \
                 {MIN_HANDLERS} with the tail backend): did their names change?"
            ))
        }
    };
    let expected = if profile.expects_tail() {
        "tail"
    } else {
        "loop"
    };
    if backend != expected {
        return Err(format!(
            "the {backend} backend where crates/wisp-exec/build.rs should have chosen \
             the {expected} backend"
        ));
    }
    let verdict = if backend == "tail" {
        let problems: Vec<String> = handlers.iter().filter_map(check).collect();
        if !problems.is_empty() {
            return Err(format!(
                "{} handler(s) do not tail-call:\n  {}",
                problems.len(),
                problems.join("\n  ")
            ));
        }
        println!("asm: every handler dispatches by an indirect jump and makes no call to one");
        format!("tail backend, {} handlers jump", handlers.len())
    } else {
        println!("asm: the loop backend (no handler functions, nothing to tail-call)");
        "loop backend".to_string()
    };
    small_stack_runs(root, &binary)?;
    Ok(format!(
        "{verdict}; {} workloads right on a {SMALL_STACK_KIB} KiB stack (built in {build_secs} s)",
        WORKLOADS.len()
    ))
}

/// Runs every workload with the stack limited to [`SMALL_STACK_KIB`] and checks its
/// result.
fn small_stack_runs(root: &Path, binary: &Path) -> Result<(), String> {
    let module = root.join("benches/workloads.wasm");
    for &(func, arg, expected) in WORKLOADS {
        let script =
            format!("ulimit -s {SMALL_STACK_KIB} && exec \"$0\" \"$1\" --invoke {func} {arg}");
        let out = Command::new("sh")
            .args(["-c", &script])
            .arg(binary)
            .arg(&module)
            .output()
            .map_err(|e| format!("sh: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "`{func}({arg})` failed with a {SMALL_STACK_KIB} KiB stack ({}): a handler \
                 may have stopped tail-calling\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        let printed = String::from_utf8_lossy(&out.stdout);
        let got = printed.trim().parse::<i64>().ok().map(|v| v as u32);
        if got != Some(expected) {
            return Err(format!(
                "`{func}({arg})` printed `{}`, expected {} (as i32)",
                printed.trim(),
                expected as i32
            ));
        }
    }
    println!(
        "asm: {} workloads ran with a {SMALL_STACK_KIB} KiB stack",
        WORKLOADS.len()
    );
    Ok(())
}

struct Handler<'a> {
    name: &'a str,
    lines: Vec<&'a str>,
}

/// Whether `name` (demangled, without the module path) is a generated handler (a
/// variant name, no path or generics) or an out-of-line slow path that dispatches
/// onwards (`*_tail`).
fn is_handler(name: &str) -> bool {
    let plain = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    plain && (name.starts_with(|c: char| c.is_ascii_uppercase()) || name.ends_with("_tail"))
}

/// The handler functions of an `objdump -d -C` listing, with their instruction lines.
fn handlers(text: &str) -> Vec<Handler<'_>> {
    let mut out = Vec::new();
    let mut current: Option<Handler> = None;
    for line in text.lines() {
        // A function starts with `ADDRESS <NAME>:`.
        if let Some(name) = line
            .strip_suffix(">:")
            .and_then(|l| l.split_once(" <"))
            .map(|(_, n)| n)
        {
            out.extend(current.take());
            current = handler_name(name).map(|n| Handler {
                name: n,
                lines: Vec::new(),
            });
        } else if let Some(h) = current.as_mut() {
            h.lines.push(line);
        }
    }
    out.extend(current);
    out
}

/// What is wrong with a handler's code, if anything.
fn check(h: &Handler) -> Option<String> {
    let mnemonic = |line: &str| {
        let insn = line.split_once(":\t").map_or("", |(_, i)| i.trim());
        let (op, operand) = insn.split_once(char::is_whitespace).unwrap_or((insn, ""));
        (op.to_string(), operand.trim().to_string())
    };
    let mut tail_jumps = 0;
    for line in &h.lines {
        let (op, operand) = mnemonic(line);
        // `call *0x..(%rip)` goes through the GOT to a library function and returns;
        // any other indirect call may be a handler called without a tail call. (A
        // method of a `dyn` value would be one too: handlers leave those to functions
        // out of line, so that this rule needs no exceptions.)
        let indirect = operand.starts_with('*') && !operand.contains("(%rip)");
        if op.starts_with("call") && indirect {
            return Some(format!("{}: indirect call `{}`", h.name, line.trim()));
        }
        // `call ADDR <NAME>` to another handler or `*_tail` path keeps this frame too.
        let callee = operand
            .split_once(" <")
            .and_then(|(_, n)| n.strip_suffix('>'))
            .and_then(handler_name);
        if op.starts_with("call") && callee.is_some() {
            return Some(format!("{}: calls a handler `{}`", h.name, line.trim()));
        }
        if op.starts_with("jmp") && indirect {
            tail_jumps += 1;
        }
    }
    if tail_jumps == 0 && !NEVER_CONTINUE.contains(&h.name) {
        return Some(format!("{}: no indirect jump to the next handler", h.name));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const LISTING: &str = "\
0000000000001000 <wisp_exec::exec::dispatch::glue::I32Add>:
    1000:\tmov    0x4(%rdi),%eax
    1004:\tjmp    *(%r9,%rax,8)

0000000000001100 <wisp_exec::exec::dispatch::glue::I32Sub>:
    1100:\tcall   *(%r9,%rax,8)
    1104:\tret

0000000000001200 <wisp_exec::exec::dispatch::glue::I32Mul>:
    1200:\tcall   *0x1234(%rip)
    1204:\tret

0000000000001300 <wisp_exec::exec::dispatch::glue::stop>:
    1300:\tret

0000000000001400 <wisp_exec::exec::dispatch::glue::Unreachable>:
    1400:\tcall   1300 <wisp_exec::exec::dispatch::glue::stop>

0000000000001500 <wisp_exec::exec::dispatch::glue::Call>:
    1500:\tcall   1600 <wisp_exec::exec::dispatch::glue::call_slow_tail>
    1504:\tjmp    *(%r9,%rax,8)

0000000000001600 <wisp_exec::exec::dispatch::glue::call_slow_tail>:
    1600:\tcall   1700 <wisp_exec::exec::dispatch::glue::call_slow>
    1604:\tjmp    *(%r9,%rax,8)
";

    #[test]
    fn finds_handlers_and_flags_calls() {
        let hs = handlers(LISTING);
        let names: Vec<_> = hs.iter().map(|h| h.name).collect();
        assert_eq!(
            names,
            [
                "I32Add",
                "I32Sub",
                "I32Mul",
                "Unreachable",
                "Call",
                "call_slow_tail"
            ]
        );
        let problems: Vec<_> = hs.iter().filter_map(check).collect();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("I32Sub: indirect call"));
        assert!(problems[1].starts_with("I32Mul: no indirect jump"));
        assert!(problems[2].starts_with("Call: calls a handler"));
    }

    #[test]
    fn profiles() {
        let default = Selection::default();
        assert_eq!(default.profiles(), [Profile::default()]);
        assert_eq!(default.profiles()[0].name(), "release");
        assert!(default.profiles()[0].expects_tail());

        let mut fat = Selection::default();
        fat.add("--lto", "fat").unwrap();
        fat.add("--codegen-units", "1").unwrap();
        let p = fat.profiles();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].name(), "lto=fat codegen-units=1");
        assert!(p[0].expects_tail());
        assert!(p[0]
            .target_dir(Path::new("/w"))
            .ends_with("asm/lto-fat.codegen-units-1"));

        let matrix = Selection {
            matrix: true,
            ..Selection::default()
        };
        let p = matrix.profiles();
        assert_eq!(p.len(), 1 + 3 * 2 * 3);
        assert_eq!(p.iter().filter(|p| p.expects_tail()).count(), 1 + 3 * 2);

        let mut only_o3 = Selection {
            matrix: true,
            ..Selection::default()
        };
        only_o3.add("--opt-level", "3").unwrap();
        assert_eq!(only_o3.profiles().len(), 1 + 3 * 2);

        assert!(Selection::default().add("--lto", "yes").is_err());
        assert!(Selection::default().add("--codegen-units", "0").is_err());
        assert!(Selection::default().add("--opt-level", "4").is_err());
    }
}
