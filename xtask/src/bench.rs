//! `cargo xtask bench [--quick] [--rounds N]`: runs the criterion benchmarks of
//! `benches/` (Wisp and wasmi in the same run), measures each engine's peak memory per
//! workload, and writes `benches/RESULTS.md`.
//!
//! With `--rounds N` every benchmark runs N times and keeps its fastest median. Other
//! work on a shared machine only ever adds time, and a burst of it during one engine's
//! measurement skews that group's ratio; the fastest of a few rounds is the estimate
//! least touched by it.
//!
//! The bench targets and the `peak` binary are built with one `cargo bench --no-run`; the
//! benchmarks then run as plain processes (what `cargo bench` would exec), so cargo holds
//! no lock on the build directory while they are timed. Criterion writes each function's
//! estimates to `target/criterion/<group>/<function>/new/estimates.json`; only the files
//! written by this run are read (older groups may still lie there), in the order they were
//! written, which is the order the benchmarks ran in.

use crate::results::{pair, Estimate, Peak, Report};
use crate::setup::run_checked;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::SystemTime;

/// Criterion flags for a full run: its defaults, written out so RESULTS.md can say them.
const FULL: &[&str] = &["--warm-up-time", "3", "--measurement-time", "5"];
/// Criterion flags for `--quick`: enough to see ratios, in a few minutes.
const QUICK: &[&str] = &["--warm-up-time", "1", "--measurement-time", "2"];
/// The bench targets, in the order they run and their tables appear.
const TARGETS: &[&str] = &["execute", "startup", "calls"];
/// `peak`'s engines: `none` is the baseline (the process with only the module's bytes).
const PEAK_ENGINES: [&str; 3] = ["none", "wisp", "wasmi"];

pub fn run(root: &Path, quick: bool, rounds: u32) -> Result<(), String> {
    let load_before = load_average();
    let built = build(root)?;
    let criterion_home = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root.join("target"), PathBuf::from)
        .join("criterion");
    let flags = if quick { QUICK } else { FULL };
    let mut estimates: Vec<Estimate> = Vec::new();
    for round in 1..=rounds {
        let started = SystemTime::now();
        for (name, exe) in &built.benches {
            println!("\n== bench `{name}` (round {round} of {rounds})");
            let mut cmd = Command::new(exe);
            cmd.arg("--bench")
                .args(flags)
                .arg("--noplot")
                .env("CRITERION_HOME", &criterion_home)
                .current_dir(root.join("benches"));
            run_checked(&mut cmd)?;
        }
        let this_round = read_estimates(&criterion_home, started)?;
        if this_round.is_empty() {
            return Err(format!(
                "no estimates written under {}",
                criterion_home.display()
            ));
        }
        keep_fastest(&mut estimates, this_round);
    }
    println!("\n== peak memory");
    let (calls, peaks) = peak_memory(&built.peak)?;
    let report = Report {
        date: utc_now(),
        commit: crate::git_commit(root),
        dirty: is_dirty(root),
        cores: std::thread::available_parallelism().map_or(0, |n| n.get()),
        load_before,
        load_after: load_average(),
        flags: flags.join(" "),
        quick,
        rounds,
        calls,
        rows: pair(&estimates),
        peaks,
    };
    let text = report.render();
    println!("\n{text}");
    crate::write(&root.join("benches/RESULTS.md"), &text)?;
    let failed: Vec<_> = report
        .peaks
        .iter()
        .filter(|p| p.kib.iter().any(Option::is_none))
        .map(|p| p.workload.as_str())
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "peak memory runs failed for: {}",
            failed.join(", ")
        ))
    }
}

struct Built {
    /// (target name, executable), in [`TARGETS`] order.
    benches: Vec<(String, PathBuf)>,
    peak: PathBuf,
}

/// `cargo bench --no-run` with JSON messages: the bench executables and the `peak` binary
/// (built too, as the package's binaries are for its benches).
fn build(root: &Path) -> Result<Built, String> {
    // `CARGO` is the cargo that runs xtask: the pinned toolchain, without a rustup detour.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root).args([
        "bench",
        "-p",
        "wisp-benches",
        "--no-run",
        "--message-format=json-render-diagnostics",
    ]);
    println!("$ cargo bench -p wisp-benches --no-run");
    let out = cmd
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    if !out.status.success() {
        return Err(format!("cargo bench --no-run failed ({})", out.status));
    }
    let mut benches = Vec::new();
    let mut peak = None;
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Some(a) = Artifact::parse(line) else {
            continue;
        };
        match a.kind.as_str() {
            "bench" => benches.push((a.name, a.executable)),
            "bin" if a.name == "peak" => peak = Some(a.executable),
            _ => {}
        }
    }
    benches.sort_by_key(|(name, _)| TARGETS.iter().position(|t| t == name));
    let peak = peak.ok_or("cargo built no `peak` binary")?;
    if benches.is_empty() {
        return Err("cargo built no bench targets".into());
    }
    Ok(Built { benches, peak })
}

/// The parts of one `compiler-artifact` message that matter here.
#[derive(Debug, PartialEq)]
struct Artifact {
    name: String,
    kind: String,
    executable: PathBuf,
}

impl Artifact {
    /// Pulls the target's name and first kind and the executable out of one JSON line;
    /// `None` for other messages and for artifacts without an executable (libraries).
    fn parse(line: &str) -> Option<Artifact> {
        if !line.contains(r#""reason":"compiler-artifact""#) {
            return None;
        }
        let target = &line[line.find(r#""target":{"#)?..];
        Some(Artifact {
            name: json_string_after(target, r#""name":"#)?,
            kind: json_string_after(target, r#""kind":["#)?,
            executable: json_string_after(line, r#""executable":"#)?.into(),
        })
    }
}

/// The JSON string right after `key` in `text` (escapes `\"` and `\\` undone).
fn json_string_after(text: &str, key: &str) -> Option<String> {
    let rest = &text[text.find(key)? + key.len()..];
    let rest = rest.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => out.push(chars.next()?),
            c => out.push(c),
        }
    }
    None
}

/// The middle value (the lower of the two middle ones for an even count).
fn median(values: &mut [u64]) -> Option<u64> {
    values.sort_unstable();
    values.get(values.len().saturating_sub(1) / 2).copied()
}

/// Adds a round's estimates to `best`, keeping the lower median of each benchmark; the
/// first round's order stays.
fn keep_fastest(best: &mut Vec<Estimate>, round: Vec<Estimate>) {
    for e in round {
        match best
            .iter_mut()
            .find(|b| b.group == e.group && b.function == e.function)
        {
            Some(b) => b.ns = b.ns.min(e.ns),
            None => best.push(e),
        }
    }
}

/// `"median":{..."point_estimate":X` from criterion's `estimates.json`, in ns.
fn median_ns(json: &str) -> Option<f64> {
    let median = &json[json.find(r#""median":"#)?..];
    let value = &median[median.find(r#""point_estimate":"#)? + r#""point_estimate":"#.len()..];
    let end = value
        .find(|c: char| !(c.is_ascii_digit() || "+-.eE".contains(c)))
        .unwrap_or(value.len());
    value[..end].parse().ok()
}

/// Every `<group>/<function>/new/estimates.json` under `dir` written since `since`, in
/// the order they were written.
fn read_estimates(dir: &Path, since: SystemTime) -> Result<Vec<Estimate>, String> {
    let list = |d: &Path| -> Result<Vec<PathBuf>, String> {
        let entries = std::fs::read_dir(d).map_err(|e| format!("{}: {e}", d.display()))?;
        Ok(entries.filter_map(|e| Some(e.ok()?.path())).collect())
    };
    let mut found = Vec::new();
    for group in list(dir)? {
        if !group.is_dir() {
            continue;
        }
        for function in list(&group)? {
            let path = function.join("new/estimates.json");
            let Ok(modified) = std::fs::metadata(&path).and_then(|m| m.modified()) else {
                continue;
            };
            if modified < since {
                continue;
            }
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let ns = median_ns(&text).ok_or_else(|| format!("{}: no median", path.display()))?;
            let name = |p: &Path| {
                p.file_name()
                    .map_or(String::new(), |n| n.to_string_lossy().into())
            };
            found.push((
                modified,
                Estimate {
                    group: name(&group),
                    function: name(&function),
                    ns,
                },
            ));
        }
    }
    found.sort_by_key(|(modified, _)| *modified);
    Ok(found.into_iter().map(|(_, e)| e).collect())
}

/// How many processes measure each engine and workload's peak; the median is kept.
/// The peak resident set of the same run moves by about 2% from process to process
/// (the shared pages of the executable and libc that the kernel maps ahead in blocks),
/// as much as the engines differ on the small workloads; the process's own memory
/// (`VmHWM - RssFile`) moves by a few pages.
const PEAK_RUNS: usize = 5;

/// One `peak` run's figures: (`VmHWM`, `VmHWM - RssFile`) in KiB.
fn parse_peak(stdout: &str) -> Option<(u64, u64)> {
    let field = |name: &str| -> Option<u64> {
        stdout
            .split_whitespace()
            .find_map(|f| f.strip_prefix(name)?.strip_prefix('='))
            .and_then(|v| v.parse().ok())
    };
    let hwm = field("vmhwm_kib")?;
    Some((hwm, hwm.checked_sub(field("rssfile_kib")?)?))
}

/// `peak --list`, then `peak ENGINE WORKLOAD` [`PEAK_RUNS`] times per pair, each its own
/// process. Returns the workloads' calls (`name` → `fib(25)`) too, for the tables.
#[allow(clippy::type_complexity)]
fn peak_memory(peak: &Path) -> Result<(Vec<(String, String)>, Vec<Peak>), String> {
    let list = Command::new(peak)
        .arg("--list")
        .output()
        .map_err(|e| format!("{}: {e}", peak.display()))?;
    let calls: Vec<(String, String)> = String::from_utf8_lossy(&list.stdout)
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(n, c)| (n.to_string(), c.to_string()))
        .collect();
    let mut peaks = Vec::new();
    for (workload, _) in &calls {
        let mut kib = [None; 3];
        let mut own = [None; 3];
        for ((slot, own_slot), engine) in kib.iter_mut().zip(own.iter_mut()).zip(PEAK_ENGINES) {
            let mut runs = Vec::with_capacity(PEAK_RUNS);
            let mut own_runs = Vec::with_capacity(PEAK_RUNS);
            for _ in 0..PEAK_RUNS {
                let out = Command::new(peak)
                    .args([engine, workload])
                    .output()
                    .map_err(|e| format!("{}: {e}", peak.display()))?;
                let run = parse_peak(&String::from_utf8_lossy(&out.stdout))
                    .filter(|_| out.status.success());
                match run {
                    Some((k, o)) => {
                        runs.push(k);
                        own_runs.push(o);
                    }
                    None => {
                        eprintln!(
                            "{workload:<18} {engine:<6} FAILED: {}",
                            String::from_utf8_lossy(&out.stderr).trim()
                        );
                        break;
                    }
                }
            }
            let complete = runs.len() == PEAK_RUNS;
            *slot = median(&mut runs).filter(|_| complete);
            *own_slot = median(&mut own_runs).filter(|_| complete);
            if let (Some(k), Some(o)) = (slot, own_slot) {
                println!(
                    "{workload:<18} {engine:<6} {k:>8} KiB, own {o:>7} KiB (medians of {runs:?}, {own_runs:?})"
                );
            }
        }
        peaks.push(Peak {
            workload: workload.clone(),
            kib,
            own,
        });
    }
    Ok((calls, peaks))
}

/// The 1-minute load average, from `/proc/loadavg` (Linux).
fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Uncommitted changes to tracked files.
fn is_dirty(root: &Path) -> bool {
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["status", "--porcelain", "--untracked-files=no"])
        .output()
        .is_ok_and(|o| o.status.success() && !o.stdout.is_empty())
}

/// `YYYY-MM-DD HH:MM UTC`.
fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let date = crate::history::civil_date(i64::try_from(secs / 86_400).unwrap_or(0));
    format!(
        "{date} {:02}:{:02} UTC",
        secs % 86_400 / 3600,
        secs % 3600 / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifacts_from_cargo_json() {
        let line = r#"{"reason":"compiler-artifact","package_id":"x","target":{"kind":["bench"],"crate_types":["bin"],"name":"calls","src_path":"/w/benches/benches/calls.rs"},"profile":{},"features":[],"filenames":["/t/calls-1"],"executable":"/t/release/deps/calls-1","fresh":true}"#;
        assert_eq!(
            Artifact::parse(line),
            Some(Artifact {
                name: "calls".into(),
                kind: "bench".into(),
                executable: "/t/release/deps/calls-1".into(),
            })
        );
        let lib = r#"{"reason":"compiler-artifact","target":{"kind":["lib"],"name":"wast"},"executable":null}"#;
        assert_eq!(Artifact::parse(lib), None);
        assert_eq!(Artifact::parse(r#"{"reason":"build-finished"}"#), None);
        assert_eq!(
            json_string_after(r#"{"a":"x\"y\\z"}"#, r#""a":"#).as_deref(),
            Some(r#"x"y\z"#)
        );
    }

    #[test]
    fn rounds_keep_each_benchmark_s_fastest_median() {
        let e = |g: &str, f: &str, ns: f64| Estimate {
            group: g.into(),
            function: f.into(),
            ns,
        };
        let mut best = Vec::new();
        keep_fastest(
            &mut best,
            vec![e("fib", "wisp", 5.0), e("fib", "wasmi", 4.0)],
        );
        keep_fastest(
            &mut best,
            vec![e("fib", "wisp", 3.0), e("fib", "wasmi", 6.0)],
        );
        let got: Vec<_> = best.iter().map(|b| (b.function.as_str(), b.ns)).collect();
        assert_eq!(got, [("wisp", 3.0), ("wasmi", 4.0)]);
    }

    #[test]
    fn peak_output_parsed() {
        let line = "vmhwm_kib=4900 rssfile_kib=4650 elapsed_ms=2.50 result=75025\n";
        assert_eq!(parse_peak(line), Some((4900, 250)));
        assert_eq!(parse_peak("vmhwm_kib=4900 elapsed_ms=1"), None);
        assert_eq!(parse_peak("vmhwm_kib=10 rssfile_kib=20"), None);
    }

    #[test]
    fn median_of_peak_runs() {
        assert_eq!(median(&mut [5, 1, 4]), Some(4));
        assert_eq!(median(&mut [3, 1, 4, 2]), Some(2));
        assert_eq!(median(&mut []), None);
    }

    #[test]
    fn median_from_criterion_estimates() {
        let json = r#"{"mean":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":2.0},"point_estimate":1.5,"standard_error":0.1},"median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":10.0,"upper_bound":12.0},"point_estimate":11213456.789,"standard_error":0.2},"std_dev":null}"#;
        assert_eq!(median_ns(json), Some(11_213_456.789));
        assert_eq!(
            median_ns(r#"{"median":{"point_estimate":2.5e3}}"#),
            Some(2500.0)
        );
        assert_eq!(median_ns(r#"{"mean":{"point_estimate":1}}"#), None);
    }
}
