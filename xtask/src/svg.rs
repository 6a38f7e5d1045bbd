//! `docs/spec-progress.svg`: pass percentage per group over the history, drawn by hand so
//! the xtask needs no plotting crate and the output is a small, diffable text file.

use crate::history::{entries, HistoryRow};
use std::fmt::Write;

// Layout in SVG user units. The legend sits right of the plot because there are ~22 groups.
const PLOT_X: f64 = 60.0;
const PLOT_Y: f64 = 50.0;
const PLOT_W: f64 = 620.0;
const PLOT_H: f64 = 400.0;
const LEGEND_X: f64 = PLOT_X + PLOT_W + 30.0;
const LEGEND_ROW: f64 = 17.0;
const WIDTH: f64 = LEGEND_X + 300.0;
/// At most this many x-axis labels, so dates do not overlap on long histories.
const MAX_X_LABELS: usize = 8;

/// `passed / total` in percent; `None` when nothing ran, which is no data rather than 0%.
pub fn percent(passed: u32, total: u32) -> Option<f64> {
    (total > 0).then(|| 100.0 * f64::from(passed) / f64::from(total))
}

/// A percentage with one decimal, rounded down: 7482 of 7485 is 99.9%, never 100.0%.
pub fn percent_label(p: f64) -> String {
    format!("{:.1}%", (p * 10.0).floor() / 10.0)
}

/// Distinct colours for many lines: hues a golden angle apart never repeat, and alternating
/// lightness separates neighbours further. Every third line is dashed for greyscale prints.
fn style(i: usize) -> (String, &'static str) {
    let hue = (i as f64 * 137.508) % 360.0;
    let light = if i.is_multiple_of(2) { 38 } else { 52 };
    let dash = ["none", "6 3", "2 3"][i % 3];
    (format!("hsl({hue:.0},70%,{light}%)"), dash)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn x_of(index: usize, count: usize) -> f64 {
    if count <= 1 {
        PLOT_X + PLOT_W / 2.0
    } else {
        PLOT_X + PLOT_W * index as f64 / (count - 1) as f64
    }
}

fn y_of(percent: f64) -> f64 {
    PLOT_Y + PLOT_H * (1.0 - percent.clamp(0.0, 100.0) / 100.0)
}

/// Renders the chart: one polyline (plus point markers, so a single run is visible) and one
/// legend entry per group, in order of first appearance in the history.
pub fn render(rows: &[HistoryRow]) -> String {
    let runs = entries(rows);
    let mut groups: Vec<&str> = Vec::new();
    for r in rows {
        if !groups.contains(&r.group.as_str()) {
            groups.push(&r.group);
        }
    }
    let legend_h = LEGEND_ROW * groups.len() as f64;
    let height = (PLOT_Y + PLOT_H).max(PLOT_Y + legend_h) + 70.0;

    let mut s = String::new();
    // `write!` into a String cannot fail; the results are ignored for that reason.
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{PLOT_X}" y="28" font-size="16" font-weight="bold">Wisp spec suite: directives passed per group</text>"#
    );

    // Horizontal gridlines and y labels every 25%.
    for pct in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let y = y_of(pct);
        let (x2, stroke) = (PLOT_X + PLOT_W, if pct == 0.0 { "#000" } else { "#ddd" });
        let _ = writeln!(
            s,
            r#"<line x1="{PLOT_X}" y1="{y}" x2="{x2}" y2="{y}" stroke="{stroke}"/>"#
        );
        let lx = PLOT_X - 8.0;
        let _ = writeln!(
            s,
            r#"<text x="{lx}" y="{}" text-anchor="end">{pct:.0}%</text>"#,
            y + 4.0
        );
    }
    let bottom = PLOT_Y + PLOT_H;
    let _ = writeln!(
        s,
        r##"<line x1="{PLOT_X}" y1="{PLOT_Y}" x2="{PLOT_X}" y2="{bottom}" stroke="#000"/>"##
    );

    // X ticks with date and commit, thinned to MAX_X_LABELS. Counting back from the last run
    // keeps it labelled and the labels evenly spaced.
    let step = runs.len().div_ceil(MAX_X_LABELS).max(1);
    for (i, run) in runs.iter().enumerate() {
        let x = x_of(i, runs.len());
        let _ = writeln!(
            s,
            r##"<line x1="{x:.1}" y1="{bottom}" x2="{x:.1}" y2="{}" stroke="#000"/>"##,
            bottom + 5.0
        );
        if (runs.len() - 1 - i).is_multiple_of(step) {
            let (date, commit) = (escape(run.date), escape(run.commit));
            let (y1, y2) = (bottom + 20.0, bottom + 34.0);
            let _ = writeln!(
                s,
                r#"<text x="{x:.1}" y="{y1}" text-anchor="middle">{date}</text>"#
            );
            let _ = writeln!(
                s,
                r##"<text x="{x:.1}" y="{y2}" text-anchor="middle" fill="#666">{commit}</text>"##
            );
        }
    }
    let _ = writeln!(
        s,
        r#"<text x="{}" y="{}" text-anchor="middle">run (date, commit)</text>"#,
        PLOT_X + PLOT_W / 2.0,
        bottom + 56.0
    );

    for (gi, group) in groups.iter().enumerate() {
        let (color, dash) = style(gi);
        let points: Vec<(f64, f64)> = runs
            .iter()
            .enumerate()
            .filter_map(|(i, run)| {
                let row = run.rows.iter().find(|r| r.group == *group)?;
                Some((x_of(i, runs.len()), percent(row.passed, row.total)?))
            })
            .collect();
        let coords: Vec<String> = points
            .iter()
            .map(|(x, p)| format!("{x:.1},{:.1}", y_of(*p)))
            .collect();
        let name = escape(group);
        let _ = writeln!(
            s,
            r#"<polyline data-group="{name}" points="{}" fill="none" stroke="{color}" stroke-width="2" stroke-dasharray="{dash}"/>"#,
            coords.join(" ")
        );
        for (x, p) in &points {
            let _ = writeln!(
                s,
                r#"<circle cx="{x:.1}" cy="{:.1}" r="2.5" fill="{color}"/>"#,
                y_of(*p)
            );
        }
        // Legend: swatch, name and the latest percentage.
        let y = PLOT_Y + LEGEND_ROW * gi as f64;
        let latest = points
            .last()
            .map_or("n/a".to_string(), |(_, p)| percent_label(*p));
        let (x2, tx) = (LEGEND_X + 24.0, LEGEND_X + 30.0);
        let _ = writeln!(
            s,
            r#"<line x1="{LEGEND_X}" y1="{y}" x2="{x2}" y2="{y}" stroke="{color}" stroke-width="3" stroke-dasharray="{dash}"/>"#
        );
        let _ = writeln!(
            s,
            r#"<text x="{tx}" y="{}">{name} {latest}</text>"#,
            y + 4.0
        );
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(commit: &str, group: &str, passed: u32, total: u32) -> HistoryRow {
        crate::history::tests::row("2026-01-01", commit, group, passed, total)
    }

    #[test]
    fn labels_round_down() {
        assert_eq!(percent_label(percent(7482, 7485).unwrap()), "99.9%");
        assert_eq!(percent_label(100.0), "100.0%");
    }

    #[test]
    fn percentages() {
        assert_eq!(percent(1, 4), Some(25.0));
        assert_eq!(percent(7, 7), Some(100.0));
        assert_eq!(percent(0, 0), None);
    }

    #[test]
    fn one_polyline_per_group() {
        let rows = [
            row("c1", "wasm-v1", 1, 4),
            row("c1", "simd", 0, 0),
            row("c2", "wasm-v1", 3, 4),
            row("c2", "simd", 5, 10),
            row("c2", "a<b", 1, 1),
        ];
        let svg = render(&rows);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
        assert_eq!(svg.matches("<polyline").count(), 3);
        // Two runs: x at both ends of the plot; 25% and 75% map into the 400-unit plot.
        let x2 = PLOT_X + PLOT_W;
        let v1 = format!(r#"data-group="wasm-v1" points="60.0,350.0 {x2:.1},150.0""#);
        assert!(svg.contains(&v1), "{svg}");
        // simd had nothing to run in c1: no point there, 50% in c2.
        assert!(svg.contains(&format!(r#"data-group="simd" points="{x2:.1},250.0""#)));
        assert!(svg.contains(">wasm-v1 75.0%<") && svg.contains(">simd 50.0%<"));
        assert!(svg.contains(">a&lt;b 100.0%<"));
        for pct in ["0%", "25%", "50%", "75%", "100%"] {
            assert!(
                svg.contains(&format!(">{pct}</text>")),
                "missing {pct} label"
            );
        }
    }

    #[test]
    fn x_labels_are_thinned_and_keep_the_last_run() {
        let rows: Vec<_> = (0..16)
            .map(|i| row(&format!("c{i:02}"), "g", i, 20))
            .collect();
        let svg = render(&rows);
        let labels = svg.matches(r##"fill="#666">c"##).count();
        assert!((2..=MAX_X_LABELS).contains(&labels), "{labels} labels");
        assert!(svg.contains(">c15<") && !svg.contains(">c14<"));
    }

    #[test]
    fn empty_history_is_still_a_document() {
        let svg = render(&[]);
        assert!(svg.contains("</svg>") && !svg.contains("<polyline"));
    }
}
