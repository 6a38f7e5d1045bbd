//! `spec/history.csv`: one row per group per `cargo xtask spec` run, so progress over time
//! can be charted without digging through git history of `spec/results.csv`.

use wisp_wast::suite::{csv_field, csv_records, csv_u32, CsvError};

pub const HISTORY_HEADER: &str = "date,commit,group,passed,failed,total";

/// One group's totals in one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    pub date: String,
    pub commit: String,
    pub group: String,
    pub passed: u32,
    pub failed: u32,
    pub total: u32,
}

pub fn parse_history(text: &str) -> Result<Vec<HistoryRow>, CsvError> {
    csv_records(text, HISTORY_HEADER)?
        .into_iter()
        .map(|(line, f)| {
            Ok(HistoryRow {
                date: f[0].to_string(),
                commit: f[1].to_string(),
                group: f[2].to_string(),
                passed: csv_u32(line, "passed", f[3])?,
                failed: csv_u32(line, "failed", f[4])?,
                total: csv_u32(line, "total", f[5])?,
            })
        })
        .collect()
}

/// The text to append for `rows`, header included when `existing` (the current file
/// contents, empty if the file is missing) has none yet. Rows are appended rather than
/// rewritten so a hand-edited history keeps its earlier lines byte for byte.
pub fn append_text(existing: &str, rows: &[HistoryRow]) -> Result<String, CsvError> {
    let mut out = String::new();
    if existing.trim().is_empty() {
        out.push_str(HISTORY_HEADER);
        out.push('\n');
    } else if !existing.ends_with('\n') {
        out.push('\n');
    }
    for r in rows {
        let (date, commit, group) = (
            csv_field(&r.date)?,
            csv_field(&r.commit)?,
            csv_field(&r.group)?,
        );
        let (p, f, t) = (r.passed, r.failed, r.total);
        out.push_str(&format!("{date},{commit},{group},{p},{f},{t}\n"));
    }
    Ok(out)
}

/// One run: consecutive rows sharing date and commit. A group seen twice starts a new
/// entry, so two runs on the same day and commit stay two points on the chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'a> {
    pub date: &'a str,
    pub commit: &'a str,
    pub rows: Vec<&'a HistoryRow>,
}

pub fn entries(rows: &[HistoryRow]) -> Vec<Entry<'_>> {
    let mut out: Vec<Entry<'_>> = Vec::new();
    for row in rows {
        let same_run = out.last().is_some_and(|e| {
            e.date == row.date
                && e.commit == row.commit
                && e.rows.iter().all(|r| r.group != row.group)
        });
        match out.last_mut() {
            Some(entry) if same_run => entry.rows.push(row),
            _ => out.push(Entry {
                date: &row.date,
                commit: &row.commit,
                rows: vec![row],
            }),
        }
    }
    out
}

/// Today's UTC date as `YYYY-MM-DD`, computed here rather than by running `date -u +%F`
/// so the xtask works the same on every OS.
pub fn utc_today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_date(i64::try_from(secs / 86_400).unwrap_or(0))
}

/// Proleptic Gregorian date of a day count since 1970-01-01. Works in 400-year eras
/// (146097 days) counted from 0000-03-01, so the leap day falls at the end of a year.
pub fn civil_date(days: i64) -> String {
    let z = days + 719_468; // days from 0000-03-01 to 1970-01-01
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // day of era, 0..=146096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // year of era
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of the March-based year
    let mp = (5 * doy + 2) / 153; // month, March = 0
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn row(date: &str, commit: &str, group: &str, passed: u32, total: u32) -> HistoryRow {
        HistoryRow {
            date: date.into(),
            commit: commit.into(),
            group: group.into(),
            passed,
            failed: total - passed,
            total,
        }
    }

    #[test]
    fn append_then_parse() {
        let rows = [
            row("2026-01-02", "abc1234", "wasm-v1", 3, 4),
            row("2026-01-02", "abc1234", "simd", 0, 9),
        ];
        let first = append_text("", &rows[..1]).unwrap();
        assert_eq!(
            first,
            "date,commit,group,passed,failed,total\n2026-01-02,abc1234,wasm-v1,3,1,4\n"
        );
        // A file without a final newline gets one before the new rows.
        let both = format!(
            "{}{}",
            first.trim_end(),
            append_text(first.trim_end(), &rows[1..]).unwrap()
        );
        assert_eq!(parse_history(&both).unwrap(), rows);
        assert!(parse_history("date,commit\n").is_err());
        assert!(append_text("", &[row("d", "a,b", "g", 0, 0)]).is_err());
    }

    #[test]
    fn entries_split_on_commit_and_repeated_group() {
        let rows = [
            row("d1", "c1", "a", 1, 2),
            row("d1", "c1", "b", 1, 2),
            row("d1", "c1", "a", 2, 2), // same commit, rerun
            row("d2", "c2", "b", 2, 2),
        ];
        let e = entries(&rows);
        let sizes: Vec<_> = e.iter().map(|e| e.rows.len()).collect();
        assert_eq!(sizes, [2, 1, 1]);
        assert_eq!((e[2].date, e[2].commit), ("d2", "c2"));
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(19_723), "2024-01-01");
        assert_eq!(civil_date(19_782), "2024-02-29");
        assert_eq!(civil_date(11_016), "2000-02-29");
        assert_eq!(civil_date(-1), "1969-12-31");
    }
}
