//! `benches/RESULTS.md` from the numbers `cargo xtask bench` collected: the tables per
//! category (execution, start-up, calls), each engine's median and the Wisp/wasmi ratio,
//! the geometric mean of the execution ratios, and peak memory.

/// One criterion function's median.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    pub group: String,
    pub function: String,
    pub ns: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Category {
    Execution,
    Startup,
    Calls,
}

impl Category {
    fn of(group: &str) -> Category {
        if group.starts_with("startup_") {
            Category::Startup
        } else if group.starts_with("call_") {
            Category::Calls
        } else {
            Category::Execution
        }
    }
}

/// One table row: a group (and mode, for start-up) with each engine's median.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    group: String,
    /// `lazy`/`eager` from functions named `ENGINE_MODE`; empty for plain `wisp`/`wasmi`.
    mode: String,
    wisp: Option<f64>,
    wasmi: Option<f64>,
}

impl Row {
    fn ratio(&self) -> Option<f64> {
        Some(self.wisp? / self.wasmi?)
    }
}

/// Pairs `wisp[_MODE]` with `wasmi[_MODE]` within each group, keeping the run's order.
pub fn pair(estimates: &[Estimate]) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    for e in estimates {
        let (engine, mode) = e.function.split_once('_').unwrap_or((&e.function, ""));
        let i = match rows
            .iter()
            .position(|r| r.group == e.group && r.mode == mode)
        {
            Some(i) => i,
            None => {
                rows.push(Row {
                    group: e.group.clone(),
                    mode: mode.to_string(),
                    wisp: None,
                    wasmi: None,
                });
                rows.len() - 1
            }
        };
        match engine {
            "wisp" => rows[i].wisp = Some(e.ns),
            "wasmi" => rows[i].wasmi = Some(e.ns),
            _ => {}
        }
    }
    rows
}

/// Peak memory of one workload, in KiB, for the baseline, Wisp and wasmi (`None` when
/// that run failed).
#[derive(Debug, Clone, PartialEq)]
pub struct Peak {
    pub workload: String,
    /// The peak resident set (`VmHWM`).
    pub kib: [Option<u64>; 3],
    /// The peak of the process's own memory: `VmHWM` less the resident file pages.
    pub own: [Option<u64>; 3],
}

/// A time in ns with a unit chosen for it and about four significant digits.
fn format_ns(ns: f64) -> String {
    let (value, unit) = if ns < 1e3 {
        (ns, "ns")
    } else if ns < 1e6 {
        (ns / 1e3, "µs")
    } else if ns < 1e9 {
        (ns / 1e6, "ms")
    } else {
        (ns / 1e9, "s")
    };
    let decimals = if value < 10.0 {
        3
    } else if value < 100.0 {
        2
    } else {
        1
    };
    format!("{value:.decimals$} {unit}")
}

fn format_ratio(r: Option<f64>) -> String {
    r.map_or("–".to_string(), |r| format!("{r:.2}×"))
}

fn geometric_mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() || values.iter().any(|v| *v <= 0.0) {
        return None;
    }
    let log_sum: f64 = values.iter().map(|v| v.ln()).sum();
    Some((log_sum / values.len() as f64).exp())
}

/// A Markdown table: the first `left` columns left-aligned (text), the rest right-aligned
/// (numbers).
fn table(header: &[&str], left: usize, rows: &[Vec<String>]) -> String {
    let cell = |s: &str| s.chars().count();
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            rows.iter()
                .map(|r| cell(&r[c]))
                .chain([cell(header[c]), 3])
                .max()
                .unwrap_or(3)
        })
        .collect();
    let line = |cells: &[&str]| {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (s, w))| {
                let pad = " ".repeat(w - cell(s));
                if i < left {
                    format!("{s}{pad}")
                } else {
                    format!("{pad}{s}")
                }
            })
            .collect();
        format!("| {} |\n", parts.join(" | "))
    };
    let mut out = line(header);
    let rules: Vec<String> = widths
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let dashes = "-".repeat(w - 1);
            if i < left {
                format!("{dashes}-")
            } else {
                format!("{dashes}:")
            }
        })
        .collect();
    out.push_str(&line(&rules.iter().map(String::as_str).collect::<Vec<_>>()));
    for r in rows {
        out.push_str(&line(&r.iter().map(String::as_str).collect::<Vec<_>>()));
    }
    out
}

/// Everything RESULTS.md says.
pub struct Report {
    /// `YYYY-MM-DD HH:MM UTC`.
    pub date: String,
    pub commit: String,
    /// Tracked files had uncommitted changes.
    pub dirty: bool,
    pub cores: usize,
    /// 1-minute load averages.
    pub load_before: Option<f64>,
    pub load_after: Option<f64>,
    /// The criterion flags used.
    pub flags: String,
    pub quick: bool,
    /// Each benchmark ran this many times; its fastest median is shown.
    pub rounds: u32,
    /// (workload, call) from `peak --list`.
    pub calls: Vec<(String, String)>,
    pub rows: Vec<Row>,
    pub peaks: Vec<Peak>,
}

impl Report {
    fn call_of(&self, group: &str) -> String {
        self.calls
            .iter()
            .find(|(n, _)| n == group)
            .map_or_else(String::new, |(_, c)| format!("`{c}`"))
    }

    pub fn render(&self) -> String {
        let load = |l: Option<f64>| l.map_or("unknown".to_string(), |l| format!("{l:.2}"));
        let mut out = String::from("# Benchmark results\n\n");
        out.push_str(&format!(
            "Written by `cargo xtask bench{}` on {}, at commit `{}`{}.\n\
             Machine: {} cores; 1-minute load average {} at the start and {} at the end \
             (other work on the machine inflates the times; the ratios, measured side by \
             side, matter more). Criterion flags: `{}`.\n\n\
             Times are criterion's medians{}; a ratio above 1 means Wisp takes longer than \
             wasmi. What each benchmark runs: [README.md](README.md).\n",
            match (self.quick, self.rounds) {
                (true, 1) => " --quick".to_string(),
                (false, 1) => String::new(),
                (true, n) => format!(" --quick --rounds {n}"),
                (false, n) => format!(" --rounds {n}"),
            },
            self.date,
            self.commit,
            if self.dirty {
                " with uncommitted changes"
            } else {
                ""
            },
            self.cores,
            load(self.load_before),
            load(self.load_after),
            self.flags,
            if self.rounds > 1 {
                format!(
                    ", the fastest of {} rounds (each round runs every benchmark once)",
                    self.rounds
                )
            } else {
                String::new()
            },
        ));

        let of = |c: Category| -> Vec<&Row> {
            self.rows
                .iter()
                .filter(|r| Category::of(&r.group) == c)
                .collect()
        };
        let cells = |r: &Row| {
            vec![
                format!("`{}`", r.group),
                r.wisp.map_or("–".into(), format_ns),
                r.wasmi.map_or("–".into(), format_ns),
                format_ratio(r.ratio()),
            ]
        };

        let execution = of(Category::Execution);
        out.push_str("\n## Execution\n\nOne call each, after a first untimed call.\n\n");
        let rows: Vec<Vec<String>> = execution
            .iter()
            .map(|r| {
                let mut c = cells(r);
                c.insert(1, self.call_of(&r.group));
                c
            })
            .collect();
        let header = ["workload", "call", "Wisp", "wasmi", "Wisp/wasmi"];
        out.push_str(&table(&header, 2, &rows));
        let ratios: Vec<f64> = execution.iter().filter_map(|r| r.ratio()).collect();
        out.push_str(&format!(
            "\nGeometric mean of the {} execution ratios: **{}**.\n",
            ratios.len(),
            format_ratio(geometric_mean(&ratios))
        ));

        out.push_str(
            "\n## Start-up\n\nDecode, validate, translate (eager mode only) and instantiate; \
             `startup_workloads` is `workloads.wasm`, `startup_big` the synthetic module.\n\n",
        );
        let rows: Vec<Vec<String>> = of(Category::Startup)
            .iter()
            .map(|r| {
                let mut c = cells(r);
                c.insert(1, r.mode.clone());
                c
            })
            .collect();
        let header = ["module", "mode", "Wisp", "wasmi", "Wisp/wasmi"];
        out.push_str(&table(&header, 2, &rows));

        out.push_str(
            "\n## Calls\n\n`call_host_to_wasm`: one call of `add3(1, 2, 3)` from Rust. \
             `call_wasm_to_host`: one `call_host(10000)`, a Wasm loop making 10 000 host \
             calls.\n\n",
        );
        let rows: Vec<Vec<String>> = of(Category::Calls).iter().map(|r| cells(r)).collect();
        out.push_str(&table(
            &["benchmark", "Wisp", "wasmi", "Wisp/wasmi"],
            1,
            &rows,
        ));

        out.push_str(
            "\n## Peak memory\n\nOne process per figure, the median of five, that \
             instantiates the module and makes the call once (`benches/src/bin/peak.rs`); \
             the baseline is the same process building only the module's bytes. *Own* is \
             the peak of the process's own memory, `VmHWM` less the resident pages that map \
             files (`RssFile`): the heap, the stacks and the linear memories, what an \
             embedder pays for each engine. *Resident* is the whole `VmHWM`, which adds the \
             pages of the executable (both engines are in it) and of libc that the run \
             touched; the kernel maps those ahead in blocks, so that it moves by about \
             100 KiB between runs of one binary. *Above baseline* compares what each \
             engine adds to the baseline's own memory.\n\n",
        );
        let rows: Vec<Vec<String>> = self.peaks.iter().map(peak_row).collect();
        let header = [
            "workload",
            "own: baseline",
            "Wisp",
            "wasmi",
            "Wisp/wasmi",
            "above baseline",
            "resident: Wisp",
            "wasmi",
            "Wisp/wasmi",
        ];
        out.push_str(&table(&header, 1, &rows));
        out
    }
}

/// One row of the peak memory table.
fn peak_row(p: &Peak) -> Vec<String> {
    let kib = |k: Option<u64>| k.map_or("failed".to_string(), |k| format!("{k} KiB"));
    let ratio = |a: Option<u64>, b: Option<u64>| match (a, b) {
        (Some(a), Some(b)) if b > 0 => Some(a as f64 / b as f64),
        _ => None,
    };
    let [base, wisp, wasmi] = p.own;
    // What the engine itself adds, which the process's baseline hides.
    let above = match (base, wisp, wasmi) {
        (Some(z), Some(a), Some(b)) if b > z && a >= z => Some((a - z) as f64 / (b - z) as f64),
        _ => None,
    };
    let [_, hwm_wisp, hwm_wasmi] = p.kib;
    vec![
        format!("`{}`", p.workload),
        kib(base),
        kib(wisp),
        kib(wasmi),
        format_ratio(ratio(wisp, wasmi)),
        format_ratio(above),
        kib(hwm_wisp),
        kib(hwm_wasmi),
        format_ratio(ratio(hwm_wisp, hwm_wasmi)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_and_categories() {
        let e = |g: &str, f: &str, ns: f64| Estimate {
            group: g.into(),
            function: f.into(),
            ns,
        };
        let rows = pair(&[
            e("fib", "wisp", 4.0),
            e("fib", "wasmi", 2.0),
            e("startup_big", "wisp_lazy", 3.0),
            e("startup_big", "wisp_eager", 9.0),
            e("startup_big", "wasmi_lazy", 6.0),
        ]);
        assert_eq!(rows.len(), 3);
        assert_eq!(
            (rows[0].group.as_str(), rows[0].ratio()),
            ("fib", Some(2.0))
        );
        assert_eq!(
            (rows[1].mode.as_str(), rows[1].ratio()),
            ("lazy", Some(0.5))
        );
        assert_eq!((rows[2].mode.as_str(), rows[2].ratio()), ("eager", None));
        assert_eq!(Category::of("startup_big"), Category::Startup);
        assert_eq!(Category::of("call_wasm_to_host"), Category::Calls);
        assert_eq!(Category::of("json"), Category::Execution);
    }

    #[test]
    fn formatting() {
        assert_eq!(format_ns(262.58), "262.6 ns");
        assert_eq!(format_ns(2_621_900.0), "2.622 ms");
        assert_eq!(format_ns(45_686.0), "45.69 µs");
        assert_eq!(format_ns(1.5e9), "1.500 s");
        assert_eq!(format_ratio(Some(2.156)), "2.16×");
        assert_eq!(format_ratio(None), "–");
        let g = geometric_mean(&[2.0, 8.0]).unwrap();
        assert!((g - 4.0).abs() < 1e-12);
        assert_eq!(geometric_mean(&[]), None);
        assert_eq!(
            table(&["a", "bb"], 1, &[vec!["x".into(), "1".into()]]),
            "| a   |  bb |\n| --- | --: |\n| x   |   1 |\n"
        );
    }

    #[test]
    fn report_renders_every_section() {
        let report = Report {
            date: "2026-01-02 03:04 UTC".into(),
            commit: "abc1234".into(),
            dirty: true,
            cores: 2,
            load_before: Some(1.5),
            load_after: None,
            flags: "--warm-up-time 1 --measurement-time 2".into(),
            quick: true,
            rounds: 1,
            calls: vec![("fib".into(), "fib(25)".into())],
            rows: vec![
                Row {
                    group: "fib".into(),
                    mode: String::new(),
                    wisp: Some(2e6),
                    wasmi: Some(1e6),
                },
                Row {
                    group: "startup_big".into(),
                    mode: "lazy".into(),
                    wisp: Some(3e6),
                    wasmi: Some(6e6),
                },
            ],
            peaks: vec![Peak {
                workload: "fib".into(),
                kib: [Some(3000), Some(4000), None],
                own: [Some(200), Some(300), Some(600)],
            }],
        };
        let text = report.render();
        for needle in [
            "`cargo xtask bench --quick` on 2026-01-02 03:04 UTC, at commit `abc1234` with uncommitted",
            "load average 1.50 at the start and unknown at the end",
            "| `fib`    | `fib(25)` | 2.000 ms | 1.000 ms |      2.00× |",
            "Geometric mean of the 1 execution ratios: **2.00×**",
            "| `startup_big` | lazy | 3.000 ms | 6.000 ms |      0.50× |",
            "| `fib`    |       200 KiB | 300 KiB | 600 KiB |      0.50× |          0.25× |       4000 KiB | failed |          – |",
        ] {
            assert!(text.contains(needle), "missing {needle:?} in\n{text}");
        }
    }
}
