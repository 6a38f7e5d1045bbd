//! `cargo xtask asm`: checks that the tail-call dispatcher really tail-calls.
//!
//! Rust does not promise that `return next(...)` becomes a jump. If LLVM ever emits a
//! call instead, every executed instruction leaves a native stack frame behind and a
//! long-running program overflows the host's stack. This builds the release `wisp`
//! binary, disassembles it with `objdump`, and checks every instruction handler
//! (`wisp_exec::exec::handlers::*`, see `crates/wisp-exec/src/exec/dispatch.rs`) and
//! every out-of-line slow path that dispatches onwards (`*_tail`):
//! - none makes an indirect call through a register (the handler table);
//! - each one, except those that never continue, ends an instruction with an indirect
//!   jump.
//!
//! Handlers with identical code may be merged by the compiler into one symbol, so the
//! check covers the symbols that exist and asks for a plausible number of them.
//!
//! Then it runs the benchmark workloads (millions of instructions of every common kind)
//! with the binary's stack limited to 256 KiB, where a handler that calls instead of
//! jumping would overflow within milliseconds.

use std::path::Path;
use std::process::Command;

/// Handlers that always leave the loop, so they need no jump to a next instruction.
const NEVER_CONTINUE: &[&str] = &["Unreachable"];
/// Fewer distinct handler symbols than this means the binary was not built with the
/// tail backend (or the symbol names changed and the check would be vacuous).
const MIN_HANDLERS: usize = 300;
const PREFIX: &str = "wisp_exec::exec::handlers::";
/// The workloads of `benches/workloads.wasm` run on a small stack, with their arguments.
const WORKLOADS: &[(&str, &str)] = &[
    ("fib", "27"),
    ("sieve", "500000"),
    ("matmul", "80"),
    ("sha256", "128"),
    ("deflate", "16"),
    ("json", "150"),
    ("stackvm", "10000"),
    ("markdown", "40"),
    ("mixed", "60"),
];
/// The stack limit for those runs, in KiB.
const SMALL_STACK_KIB: u32 = 256;

pub fn run(root: &Path) -> Result<(), String> {
    if std::env::consts::ARCH != "x86_64" {
        println!(
            "asm: the check reads x86_64 code; skipped on {}",
            std::env::consts::ARCH
        );
        return Ok(());
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(root)
        .args(["build", "--release", "-p", "wisp-cli"])
        .status()
        .map_err(|e| format!("cargo build: {e}"))?;
    if !status.success() {
        return Err("cargo build --release -p wisp-cli failed".into());
    }
    let binary = root.join("target/release/wisp");
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
    let problems: Vec<String> = handlers.iter().filter_map(check).collect();
    println!(
        "asm: {} handler symbols in {}",
        handlers.len(),
        binary.display()
    );
    if handlers.len() < MIN_HANDLERS {
        return Err(format!(
            "only {} handler symbols (expected at least {MIN_HANDLERS}): is the tail \
             backend off (see crates/wisp-exec/build.rs)?",
            handlers.len()
        ));
    }
    if !problems.is_empty() {
        return Err(format!(
            "{} handler(s) do not tail-call:\n  {}",
            problems.len(),
            problems.join("\n  ")
        ));
    }
    println!("asm: every handler dispatches by an indirect jump and makes no indirect call");
    small_stack_runs(root, &binary)
}

/// Runs every workload with the stack limited to [`SMALL_STACK_KIB`].
fn small_stack_runs(root: &Path, binary: &Path) -> Result<(), String> {
    let module = root.join("benches/workloads.wasm");
    for (func, arg) in WORKLOADS {
        let script = format!(
            "ulimit -s {SMALL_STACK_KIB} && exec \"$0\" \"$1\" --invoke {func} {arg} >/dev/null"
        );
        let status = Command::new("sh")
            .args(["-c", &script])
            .arg(binary)
            .arg(&module)
            .status()
            .map_err(|e| format!("sh: {e}"))?;
        if !status.success() {
            return Err(format!(
                "`{func}({arg})` failed with a {SMALL_STACK_KIB} KiB stack ({status}): \
                 a handler may have stopped tail-calling"
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
            current = name.strip_prefix(PREFIX).and_then(|n| {
                // The generated handlers (a variant name, no path or generics) and the
                // out-of-line slow paths that dispatch onwards (`*_tail`).
                let plain = n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                let is_handler = plain
                    && (n.starts_with(|c: char| c.is_ascii_uppercase()) || n.ends_with("_tail"));
                is_handler.then_some(Handler {
                    name: n,
                    lines: Vec::new(),
                })
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
        // any other indirect call can only be a handler called without a tail call.
        let indirect = operand.starts_with('*') && !operand.contains("(%rip)");
        if op.starts_with("call") && indirect {
            return Some(format!("{}: indirect call `{}`", h.name, line.trim()));
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
0000000000001000 <wisp_exec::exec::handlers::I32Add>:
    1000:\tmov    0x4(%rdi),%eax
    1004:\tjmp    *(%r9,%rax,8)

0000000000001100 <wisp_exec::exec::handlers::I32Sub>:
    1100:\tcall   *(%r9,%rax,8)
    1104:\tret

0000000000001200 <wisp_exec::exec::handlers::I32Mul>:
    1200:\tcall   *0x1234(%rip)
    1204:\tret

0000000000001300 <wisp_exec::exec::handlers::stop>:
    1300:\tret

0000000000001400 <wisp_exec::exec::handlers::Unreachable>:
    1400:\tcall   1300 <wisp_exec::exec::handlers::stop>
";

    #[test]
    fn finds_handlers_and_flags_calls() {
        let hs = handlers(LISTING);
        let names: Vec<_> = hs.iter().map(|h| h.name).collect();
        assert_eq!(names, ["I32Add", "I32Sub", "I32Mul", "Unreachable"]);
        let problems: Vec<_> = hs.iter().filter_map(check).collect();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].starts_with("I32Sub: indirect call"));
        assert!(problems[1].starts_with("I32Mul: no indirect jump"));
    }
}
