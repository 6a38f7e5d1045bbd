//! Project automation, run as `cargo xtask <command>` (alias in `.cargo/config.toml`).
//!
//! `spec` runs the WebAssembly spec suite and records the result in three committed files:
//! `spec/results.csv` (per-file baseline that `--check` and `tests/spec.rs` compare against),
//! `spec/history.csv` (per-group totals, one row per run) and `docs/spec-progress.svg`.
//!
//! `fixtures` builds the WASI test programs of `tests/fixtures/` and the benchmark
//! workloads of `benches/workloads/` and `benches/c/` (see `fixtures.rs`).
//!
//! `asm` checks that the release build's instruction handlers tail-call each other,
//! in the release profile and in others on request (see `asm.rs`).
//!
//! `firmware` runs the on-target tests under QEMU, and `test` runs them after the
//! workspace's tests (see `firmware.rs`).
//!
//! `size` measures the reference firmware against its committed budget (see `size.rs`).
//!
//! `bench` runs the benchmarks of `benches/` and writes `benches/RESULTS.md` (see
//! `bench.rs`).

#![forbid(unsafe_code)]
mod asm;
mod avr;
mod bench;
mod breakdown;
mod capi;
mod firmware;
mod fixtures;
mod history;
mod results;
mod selfhost;
mod setup;
mod size;
mod svg;

use history::HistoryRow;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;
use wisp_wast::suite::{self, Group, Regression, ResultRow};
use wisp_wast::FileReport;

const USAGE: &str = "usage: cargo xtask spec [--check] [--group NAME]... [-v]
       cargo xtask fixtures [--workloads | --wasm3]
       cargo xtask bench [--quick] [--rounds N]
       cargo xtask asm [--profile-matrix] [--lto L]... [--codegen-units N]...
                       [--opt-level O]...
       cargo xtask firmware [--board NAME]... [--record]
       cargo xtask test
       cargo xtask size [--update | --breakdown]
       cargo xtask avr

  spec            run the spec suite; rewrite spec/results.csv, append to
                  spec/history.csv and redraw docs/spec-progress.svg
  --check         write nothing; exit 1 if any file passes fewer directives
                  than in the committed spec/results.csv
  --group NAME    only this group (repeatable); other rows of results.csv are kept
  -v, --verbose   print the first failures of every failing file

  fixtures        build the WASI test programs of tests/fixtures/ (Rust, C and
                  C++) into tests/fixtures/NAME.wasm, and the benchmark workloads of
                  benches/workloads/ and benches/c/ into benches/workloads.wasm and
                  benches/kernels.wasm, installing missing toolchain parts where it can
  --workloads     only the benchmark workloads (clang and lld, no wasi-libc)
  --wasm3         only the programs that use tail calls and exception handling
                  (clang 22, a pinned nightly, LLVM's C++ runtime sources from PyPI)

  bench           run the benchmarks of benches/ (Wisp and wasmi side by side),
                  measure peak memory, and write benches/RESULTS.md
  --quick         short warm-up and measurement times (a few minutes in all)
  --rounds N      run the benchmarks N times and keep each one's fastest median
                  (noise from other work only ever adds time); default 1

  asm             build the release `wisp` and check with objdump that every
                  instruction handler dispatches by a tail jump (x86_64), then run
                  the benchmark workloads on a 256 KiB stack
  --lto L, --codegen-units N, --opt-level O
                  instead, build with these settings overriding [profile.release]
                  (CARGO_PROFILE_RELEASE_*; each repeatable: every combination is
                  built, each in its own directory under target/asm/); builds
                  below opt-level 3 have the loop backend, which is reported
  --profile-matrix
                  the release profile as it is, then every combination of lto
                  off/thin/fat, codegen-units 1/16 and opt-level 2/3/s (or of
                  the values given for a setting)

  firmware        run the on-target tests of firmware/ under QEMU, and part of the
                  spec suite on the Cortex-M4 (installs the rustup targets, and
                  qemu-system-arm and qemu-system-misc with apt when root)
  --board NAME    only this board (repeatable): m4 (Cortex-M4F, mps2-an386, the
                  whole interpreter), m0 (Cortex-M0, microbit, images only), rv32
                  (RISC-V RV32IMC, virt, images only) or rv32a (RV32IMAC, virt, the
                  whole interpreter)
  --record        rewrite spec/results-cortex-m4.csv from the Cortex-M4's run of
                  the wasm-v1 scripts (without it, a drop in any file fails)

  test            cargo test --workspace, then Wisp running itself (selfhost), the
                  C API (capi), then the on-target tests

  capi            build libwisp_c.a, build the C examples of crates/wisp-c-api with
                  clang and run them; then the library for a Cortex-M4 linked into
                  C firmware, run under QEMU, with its size (installs clang and lld
                  with apt when root)

  selfhost        build the `wisp` command for wasm32-wasip1 and run
                  examples/hello.wasm and fib with it under the host's `wisp`

  size            build the reference firmware of firmware/src/bin for a Cortex-M4,
                  print NAME flash= ram= heap= stack= for the whole interpreter
                  and the executor alone, and fail if a number grew more than 5%
                  over firmware/size-budget.txt
  --update        write the numbers to firmware/size-budget.txt instead
  --breakdown     print what the executor's flash is made of, by the crate and
                  module whose source wrote each instruction (inlined code
                  included; docs/FOOTPRINT.md)

  avr             build firmware/avr on nightly for an atmega2560 and run it in
                  simavr: fib(20) from a pre-translated image in program memory
                  (installs nightly with rust-src, and gcc-avr and simavr with apt)";

/// Failure lines shown per file with `-v`: enough to see the pattern, short enough to scan.
const VERBOSE_FAILURES: usize = 5;

#[derive(Debug, PartialEq, Eq)]
enum Cmd {
    Spec(SpecArgs),
    Fixtures(fixtures::Selection),
    Bench { quick: bool, rounds: u32 },
    Asm(asm::Selection),
    Firmware { boards: Vec<String>, record: bool },
    Test,
    Size { update: bool },
    SizeBreakdown,
    Avr,
    Selfhost,
    Capi,
}

#[derive(Debug, Default, PartialEq, Eq)]
struct SpecArgs {
    check: bool,
    groups: Vec<String>,
    verbose: bool,
}

/// `Ok(None)` means help was asked for.
fn parse_args(args: &[String]) -> Result<Option<Cmd>, String> {
    let mut it = args.iter().map(String::as_str);
    match it.next() {
        Some("spec") => {}
        Some("fixtures") => {
            let mut selection = fixtures::Selection::All;
            for arg in it {
                let only = match arg {
                    "--workloads" => fixtures::Selection::Workloads,
                    "--wasm3" => fixtures::Selection::Wasm3,
                    "-h" | "--help" => return Ok(None),
                    _ => return Err(format!("unknown argument `{arg}`")),
                };
                if selection != fixtures::Selection::All && selection != only {
                    return Err("--workloads and --wasm3 exclude each other".into());
                }
                selection = only;
            }
            return Ok(Some(Cmd::Fixtures(selection)));
        }
        Some("bench") => {
            let (mut quick, mut rounds) = (false, 1);
            while let Some(arg) = it.next() {
                match arg {
                    "--quick" => quick = true,
                    "--rounds" => {
                        rounds = it
                            .next()
                            .and_then(|n| n.parse::<u32>().ok())
                            .filter(|&n| n > 0)
                            .ok_or("--rounds needs a count of at least 1")?;
                    }
                    "-h" | "--help" => return Ok(None),
                    _ => return Err(format!("unknown argument `{arg}`")),
                }
            }
            return Ok(Some(Cmd::Bench { quick, rounds }));
        }
        Some("asm") => {
            let mut selection = asm::Selection::default();
            while let Some(arg) = it.next() {
                match arg {
                    "--profile-matrix" => selection.matrix = true,
                    "--lto" | "--codegen-units" | "--opt-level" => {
                        let value = it.next().ok_or(format!("{arg} needs a value"))?;
                        selection.add(arg, value)?;
                    }
                    "-h" | "--help" => return Ok(None),
                    _ => return Err(format!("unknown argument `{arg}`")),
                }
            }
            return Ok(Some(Cmd::Asm(selection)));
        }
        Some("firmware") => {
            let mut boards = Vec::new();
            let mut record = false;
            while let Some(arg) = it.next() {
                match arg {
                    "--record" => record = true,
                    "--board" => boards.push(it.next().ok_or("--board needs a name")?.to_string()),
                    "-h" | "--help" => return Ok(None),
                    _ => return Err(format!("unknown argument `{arg}`")),
                }
            }
            return Ok(Some(Cmd::Firmware { boards, record }));
        }
        Some("capi") => {
            return match it.next() {
                None => Ok(Some(Cmd::Capi)),
                Some("-h" | "--help") => Ok(None),
                Some(arg) => Err(format!("unknown argument `{arg}`")),
            };
        }
        Some("selfhost") => {
            return match it.next() {
                None => Ok(Some(Cmd::Selfhost)),
                Some("-h" | "--help") => Ok(None),
                Some(arg) => Err(format!("unknown argument `{arg}`")),
            };
        }
        Some("avr") => {
            return match it.next() {
                None => Ok(Some(Cmd::Avr)),
                Some("-h" | "--help") => Ok(None),
                Some(arg) => Err(format!("unknown argument `{arg}`")),
            };
        }
        Some("size") => {
            return match it.next() {
                None => Ok(Some(Cmd::Size { update: false })),
                Some("--update") => Ok(Some(Cmd::Size { update: true })),
                Some("--breakdown") => Ok(Some(Cmd::SizeBreakdown)),
                Some("-h" | "--help") => Ok(None),
                Some(arg) => Err(format!("unknown argument `{arg}`")),
            };
        }
        Some("test") => {
            return match it.next() {
                None => Ok(Some(Cmd::Test)),
                Some("-h" | "--help") => Ok(None),
                Some(arg) => Err(format!("unknown argument `{arg}`")),
            };
        }
        Some("help" | "-h" | "--help") => return Ok(None),
        Some(other) => return Err(format!("unknown command `{other}`")),
        None => return Err("missing command".to_string()),
    }
    let mut out = SpecArgs::default();
    while let Some(arg) = it.next() {
        match arg {
            "--check" => out.check = true,
            "-v" | "--verbose" => out.verbose = true,
            "--group" => match it.next() {
                Some(name) => out.groups.push(name.to_string()),
                None => return Err("--group needs a name".to_string()),
            },
            "-h" | "--help" => return Ok(None),
            _ => match arg.strip_prefix("--group=") {
                Some(name) => out.groups.push(name.to_string()),
                None => return Err(format!("unknown argument `{arg}`")),
            },
        }
    }
    Ok(Some(Cmd::Spec(out)))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match parse_args(&args) {
        Ok(Some(Cmd::Spec(a))) => spec_main(&a),
        Ok(Some(Cmd::Fixtures(selection))) => report(fixtures::run(&root(), selection)),
        Ok(Some(Cmd::Bench { quick, rounds })) => report(bench::run(&root(), quick, rounds)),
        Ok(Some(Cmd::Asm(selection))) => report(asm::run(&root(), &selection)),
        Ok(Some(Cmd::Firmware { boards, record })) => {
            report(firmware::run(&root(), &boards, record))
        }
        Ok(Some(Cmd::Test)) => report(firmware::test_all(&root())),
        Ok(Some(Cmd::Size { update })) => report(size::run(&root(), update)),
        Ok(Some(Cmd::SizeBreakdown)) => report(size::breakdown(&root())),
        Ok(Some(Cmd::Avr)) => report(avr::run(&root())),
        Ok(Some(Cmd::Selfhost)) => report(selfhost::run(&root())),
        Ok(Some(Cmd::Capi)) => report(capi::run(&root())),
        Ok(None) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Err(msg) => usage_error(&msg),
    }
}

fn report(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("error: {msg}\n\n{USAGE}");
    ExitCode::from(2)
}

fn spec_main(spec_args: &SpecArgs) -> ExitCode {
    let mut groups = suite::groups();
    if let Some(unknown) = spec_args
        .groups
        .iter()
        .find(|n| !groups.iter().any(|g| &g.name == *n))
    {
        let names: Vec<_> = groups.iter().map(|g| g.name.as_str()).collect();
        return usage_error(&format!(
            "no group `{unknown}`; groups: {}",
            names.join(", ")
        ));
    }
    if !spec_args.groups.is_empty() {
        groups.retain(|g| spec_args.groups.contains(&g.name));
    }
    match spec(spec_args, &groups) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: xtask always sits one level below it, wherever cargo is run from.
fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Reads a file that may not exist yet; `Ok(None)` when missing.
fn read_optional(path: &Path) -> Result<Option<String>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(())
}

/// Runs the groups and either checks against or rewrites the records; `Ok(false)` on
/// regressions. The baseline is read and validated before the long run, so a broken CSV
/// fails fast instead of after minutes of testing.
fn spec(args: &SpecArgs, groups: &[Group]) -> Result<bool, String> {
    let root = root();
    let results_path = root.join("spec/results.csv");
    let baseline = match read_optional(&results_path)? {
        Some(text) => {
            suite::parse_results(&text).map_err(|e| format!("{}: {e}", results_path.display()))?
        }
        None if args.check => {
            return Err(format!(
                "{} is missing: nothing to check against",
                results_path.display()
            ))
        }
        None => Vec::new(),
    };

    let mut rows: Vec<ResultRow> = Vec::new();
    let mut totals: Vec<(String, u32, u32, usize)> = Vec::new();
    let mut regressions: Vec<Regression> = Vec::new();
    let started = Instant::now();
    for group in groups {
        let t = Instant::now();
        let reports = suite::run_group(group);
        print_group(&group.name, &reports, args.verbose);
        println!("  ({:.1} s)\n", t.elapsed().as_secs_f64());
        let (mut passed, mut failed) = (0u32, 0u32);
        for (file, report) in &reports {
            passed = passed.saturating_add(report.passed);
            failed = failed.saturating_add(report.failed);
            rows.push(ResultRow::from_report(&group.name, file, report));
        }
        totals.push((group.name.clone(), passed, failed, reports.len()));
        regressions.extend(suite::regressions(&baseline, &group.name, &reports));
    }
    print_summary(&totals);
    println!(
        "{} group(s) in {:.1} s",
        totals.len(),
        started.elapsed().as_secs_f64()
    );

    if args.check {
        if regressions.is_empty() {
            println!("no regressions against {}", results_path.display());
            return Ok(true);
        }
        eprintln!(
            "{} file(s) regressed against {}:",
            regressions.len(),
            results_path.display()
        );
        for r in &regressions {
            eprintln!("  {r}");
        }
        return Ok(false);
    }

    // Keep the rows of groups that did not run (`--group`), replace the rest.
    let mut merged: Vec<ResultRow> = baseline
        .into_iter()
        .filter(|r| !groups.iter().any(|g| g.name == r.group))
        .collect();
    merged.extend(rows);
    let results = suite::write_results(&merged).map_err(|e| e.to_string())?;

    let history_path = root.join("spec/history.csv");
    let old_history = read_optional(&history_path)?.unwrap_or_default();
    let mut history = if old_history.trim().is_empty() {
        Vec::new()
    } else {
        history::parse_history(&old_history)
            .map_err(|e| format!("{}: {e}", history_path.display()))?
    };
    let (date, commit) = (history::utc_today(), git_commit(&root));
    let new_rows: Vec<HistoryRow> = totals
        .iter()
        .map(|(group, passed, failed, _)| HistoryRow {
            date: date.clone(),
            commit: commit.clone(),
            group: group.clone(),
            passed: *passed,
            failed: *failed,
            total: passed.saturating_add(*failed),
        })
        .collect();
    let appended = history::append_text(&old_history, &new_rows).map_err(|e| e.to_string())?;
    history.extend(new_rows);

    write(&results_path, &results)?;
    write(&history_path, &(old_history + &appended))?;
    write(&root.join("docs/spec-progress.svg"), &svg::render(&history))?;
    Ok(true)
}

/// `git rev-parse --short HEAD`, or `unknown` outside a repository or before the first
/// commit: a missing commit id should not stop the results from being recorded.
fn git_commit(root: &Path) -> String {
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".to_string())
}

fn print_group(name: &str, reports: &[(String, FileReport)], verbose: bool) {
    let width = reports
        .iter()
        .map(|(f, _)| f.len())
        .max()
        .unwrap_or(0)
        .max(name.len());
    println!(
        "{name:<width$} {:>7} {:>7} {:>7}",
        "passed", "failed", "total"
    );
    let (mut passed, mut failed) = (0u64, 0u64);
    for (file, r) in reports {
        let total = u64::from(r.passed) + u64::from(r.failed);
        println!("{file:<width$} {:>7} {:>7} {total:>7}", r.passed, r.failed);
        if verbose {
            for line in r.failures.iter().take(VERBOSE_FAILURES) {
                println!("    {line}");
            }
            if r.failures.len() > VERBOSE_FAILURES {
                println!("    ... {} more", r.failures.len() - VERBOSE_FAILURES);
            }
        }
        passed += u64::from(r.passed);
        failed += u64::from(r.failed);
    }
    let total = passed + failed;
    println!("{:<width$} {passed:>7} {failed:>7} {total:>7}", "= total");
    let mismatches: usize = reports
        .iter()
        .map(|(_, r)| r.message_mismatches.len())
        .sum();
    if mismatches > 0 {
        println!("  ({mismatches} modules rejected as expected but with another message)");
    }
}

fn print_summary(totals: &[(String, u32, u32, usize)]) {
    let width = totals.iter().map(|t| t.0.len()).max().unwrap_or(0).max(5);
    println!(
        "{:<width$} {:>5} {:>7} {:>7} {:>7} {:>6}",
        "group", "files", "passed", "failed", "total", "%"
    );
    let (mut passed, mut failed) = (0u64, 0u64);
    for (group, p, f, files) in totals {
        let total = p.saturating_add(*f);
        let pct = svg::percent(*p, total).map_or("-".to_string(), |x| {
            svg::percent_label(x).trim_end_matches('%').to_string()
        });
        println!("{group:<width$} {files:>5} {p:>7} {f:>7} {total:>7} {pct:>6}");
        passed += u64::from(*p);
        failed += u64::from(*f);
    }
    println!(
        "{:<width$} {:>5} {passed:>7} {failed:>7} {:>7}",
        "all",
        "",
        passed + failed
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Option<Cmd>, String> {
        parse_args(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn argument_parsing() {
        let parsed = args(&["spec", "--check", "--group", "simd", "--group=gc", "-v"]).unwrap();
        let expected = SpecArgs {
            check: true,
            groups: vec!["simd".into(), "gc".into()],
            verbose: true,
        };
        assert_eq!(parsed, Some(Cmd::Spec(expected)));
        assert_eq!(
            args(&["spec"]).unwrap(),
            Some(Cmd::Spec(SpecArgs::default()))
        );
        assert_eq!(
            args(&["fixtures"]).unwrap(),
            Some(Cmd::Fixtures(fixtures::Selection::All))
        );
        assert_eq!(
            args(&["fixtures", "--workloads"]).unwrap(),
            Some(Cmd::Fixtures(fixtures::Selection::Workloads))
        );
        assert_eq!(
            args(&["fixtures", "--wasm3"]).unwrap(),
            Some(Cmd::Fixtures(fixtures::Selection::Wasm3))
        );
        assert!(args(&["fixtures", "--wasm3", "--workloads"]).is_err());
        assert_eq!(args(&["fixtures", "--help"]).unwrap(), None);
        assert!(args(&["fixtures", "--check"]).is_err());
        assert_eq!(args(&["help"]).unwrap(), None);
        assert!(args(&[]).is_err());
        assert_eq!(
            args(&["bench"]).unwrap(),
            Some(Cmd::Bench {
                quick: false,
                rounds: 1
            })
        );
        assert_eq!(
            args(&["bench", "--quick", "--rounds", "3"]).unwrap(),
            Some(Cmd::Bench {
                quick: true,
                rounds: 3
            })
        );
        assert!(args(&["bench", "--rounds", "0"]).is_err());
        assert!(args(&["bench", "--rounds"]).is_err());
        assert!(args(&["bench", "--slow"]).is_err());
        assert!(args(&["benchmark"]).is_err());
        assert!(args(&["spec", "--group"]).is_err());
        assert!(args(&["spec", "--fast"]).is_err());
        assert_eq!(
            args(&["asm"]).unwrap(),
            Some(Cmd::Asm(asm::Selection::default()))
        );
        let Some(Cmd::Asm(fat)) = args(&["asm", "--lto", "fat", "--codegen-units", "1"]).unwrap()
        else {
            panic!("not asm");
        };
        assert_eq!(
            (fat.lto, fat.codegen_units),
            (vec!["fat".into()], vec!["1".into()])
        );
        assert!(matches!(
            args(&["asm", "--profile-matrix"]).unwrap(),
            Some(Cmd::Asm(s)) if s.matrix
        ));
        assert!(args(&["asm", "--lto"]).is_err());
        assert!(args(&["asm", "--lto", "full"]).is_err());
    }
}
