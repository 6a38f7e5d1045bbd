//! `cargo xtask size --breakdown`: what the executor's flash is made of, by the source
//! that wrote each instruction.
//!
//! Symbol sizes (`llvm-nm --size-sort`) say little about an LTO build at opt-level "z":
//! one symbol (`measure_fib`, the dispatch loop) holds code from dozens of functions
//! inlined into it. So every instruction of `.text` is attributed through the debug
//! line tables, inlined frames included (`llvm-addr2line -i`): to the innermost frame
//! written in this repository, by crate and module (`wisp-exec::image`), or, for code
//! only the toolchain wrote, to the crate of the outermost function (`core`,
//! `compiler_builtins`). Literal pools and jump tables count with the instruction
//! before them.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Prints the breakdown of `elf`'s `.text`, largest part first.
pub(crate) fn print(root: &Path, elf: &Path) -> Result<(), String> {
    let addrs = instruction_addresses(elf)?;
    let frames = inline_frames(elf, &addrs)?;
    let root = root.to_string_lossy().into_owned() + "/";
    let mut parts: HashMap<String, u64> = HashMap::new();
    for (i, frames) in frames.iter().enumerate() {
        // An instruction runs to the next; a gap (literal pool, padding) is at most a
        // few words, so a larger one (between sections) is not counted.
        let size = addrs.get(i + 1).map_or(2, |next| (next - addrs[i]).min(64));
        *parts.entry(part(&root, frames)).or_default() += size;
    }
    let total: u64 = parts.values().sum();
    let mut parts: Vec<_> = parts.into_iter().collect();
    parts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    println!(
        "\n{} .text by the source of each instruction:",
        elf.display()
    );
    for (name, bytes) in parts.iter().filter(|(_, b)| *b >= 64) {
        println!("{bytes:>8}  {name}");
    }
    let small: u64 = parts.iter().filter(|(_, b)| *b < 64).map(|(_, b)| b).sum();
    println!("{small:>8}  (parts under 64 bytes)");
    println!("{total:>8}  total");
    Ok(())
}

/// The address of every instruction in `.text`, in order.
fn instruction_addresses(elf: &Path) -> Result<Vec<u64>, String> {
    let out = Command::new("llvm-objdump")
        .args(["-d", "--no-show-raw-insn", "-j", ".text"])
        .arg(elf)
        .output()
        .map_err(|e| format!("llvm-objdump: {e} (Debian package llvm)"))?;
    if !out.status.success() {
        return Err(format!(
            "llvm-objdump failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let mut addrs: Vec<u64> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let (addr, rest) = l.trim_start().split_once(':')?;
            let addr = u64::from_str_radix(addr, 16).ok()?;
            rest.starts_with(char::is_whitespace).then_some(addr)
        })
        .collect();
    addrs.sort_unstable();
    addrs.dedup();
    Ok(addrs)
}

/// For each address, its inlined frames innermost first: (function, file).
fn inline_frames(elf: &Path, addrs: &[u64]) -> Result<Vec<Vec<(String, String)>>, String> {
    let mut child = Command::new("llvm-addr2line")
        .args(["-f", "-i", "-C", "--output-style=LLVM", "-e"])
        .arg(elf)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("llvm-addr2line: {e} (Debian package llvm)"))?;
    let input: String = addrs.iter().map(|a| format!("{a:#x}\n")).collect();
    let mut stdin = child.stdin.take().ok_or("llvm-addr2line: no stdin")?;
    // Written from a thread: the answers fill the pipe before all questions are asked.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child
        .wait_with_output()
        .map_err(|e| format!("llvm-addr2line: {e}"))?;
    writer
        .join()
        .map_err(|_| "llvm-addr2line: the writer panicked")?
        .map_err(|e| format!("llvm-addr2line: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let frames: Vec<Vec<(String, String)>> = text
        .split("\n\n")
        .filter(|b| !b.trim().is_empty())
        .map(|block| {
            let lines: Vec<&str> = block.lines().collect();
            lines
                .chunks(2)
                .map(|p| (p[0].to_string(), p.get(1).unwrap_or(&"").to_string()))
                .collect()
        })
        .collect();
    if frames.len() != addrs.len() {
        return Err(format!(
            "llvm-addr2line answered {} addresses of {}",
            frames.len(),
            addrs.len()
        ));
    }
    Ok(frames)
}

/// The part an instruction counts for (see the module's documentation).
fn part(root: &str, frames: &[(String, String)]) -> String {
    for (_, file) in frames {
        let Some(path) = file.strip_prefix(root) else {
            continue;
        };
        let path = path.split(':').next().unwrap_or(path);
        if path.ends_with("/out/glue.rs") || path.ends_with("/out/ops.rs") {
            return "wisp-exec::exec (generated dispatch)".into();
        }
        let mut it = path.split('/');
        return match (it.next(), it.next(), it.next(), it.next()) {
            (Some("crates"), Some(krate), Some("src"), Some(file)) => {
                let module = file.trim_end_matches(".rs");
                // A folder is a module; the crate root and its files on their own.
                let has_more = it.next().is_some();
                if has_more || !matches!(module, "lib" | "main") {
                    format!("{krate}::{module}")
                } else {
                    krate.to_string()
                }
            }
            (Some(top), ..) => top.to_string(),
            _ => path.to_string(),
        };
    }
    let outer = frames.last().map_or("", |(f, _)| f.as_str());
    // Some names come with Rust's legacy escapes left in (`_$LT$alloc..vec..Vec...`).
    let name = outer
        .replace("$LT$", "<")
        .replace("$GT$", ">")
        .replace("$u20$", " ")
        .replace("..", "::");
    let name = name.trim_start_matches(['_', '<', '&']);
    if let Some((krate, _)) = name.split_once("::") {
        return krate.to_string();
    }
    // The ARM EABI helpers and the `mem*` functions come from `compiler_builtins`.
    if outer.starts_with("__") || outer.starts_with("mem") {
        return "compiler_builtins".into();
    }
    format!("{name} (no source)")
}

#[cfg(test)]
mod tests {
    use super::part;

    fn f(func: &str, file: &str) -> (String, String) {
        (func.to_string(), file.to_string())
    }

    #[test]
    fn instructions_count_for_the_innermost_source_of_ours() {
        let root = "/repo/";
        let inlined = [
            f(
                "core::ptr::write",
                "/rustc/abc/library/core/src/ptr/mod.rs:10:5",
            ),
            f(
                "wisp_exec::image::read::Reader::u8",
                "/repo/crates/wisp-exec/src/image/read.rs:190:9",
            ),
            f(
                "wisp_firmware::measure_fib",
                "/repo/firmware/src/lib.rs:350:1",
            ),
        ];
        assert_eq!(part(root, &inlined), "wisp-exec::image");
        let root_file = [f("wisp::template", "/repo/crates/wisp/src/lib.rs:60:5")];
        assert_eq!(part(root, &root_file), "wisp");
        let toolchain = [f(
            "compiler_builtins::float::add::__adddf3",
            "/rustc/x/add.rs:1:1",
        )];
        assert_eq!(part(root, &toolchain), "compiler_builtins");
        let glue = [f(
            "run",
            "/repo/firmware/target/x/build/wisp-exec-1/out/glue.rs:5:1",
        )];
        assert_eq!(part(root, &glue), "wisp-exec::exec (generated dispatch)");
        assert_eq!(
            part(root, &[f("__aeabi_memcpy", "??:0:0")]),
            "compiler_builtins"
        );
        let escaped = "_$LT$alloc..vec..Vec$LT$T$GT$$u20$as$u20$core..ops..drop..Drop$GT$::drop";
        assert_eq!(part(root, &[f(escaped, "??:0:0")]), "alloc");
        assert_eq!(part(root, &[f("Reset", "??:0:0")]), "Reset (no source)");
    }
}
