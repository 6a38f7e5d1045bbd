//! Relaxed SIMD gives the deterministic profile's results exactly
//! (`relaxed_simd.wast`), in narrow and wide functions, with the default code, with
//! fuel and eager translation, with the plain code of the smallest executor, and
//! through images. `cargo test` runs it on the loop backend; CI runs it again in
//! release, on the tail backend.

use wisp::Config;

const SCRIPT: &str = include_str!("relaxed_simd.wast");
const ASSERTIONS: u32 = 21;

#[test]
fn relaxed_simd_takes_the_deterministic_results() {
    let wide = SCRIPT.replace("(;EXTRA;)", "(local v128)");
    assert_ne!(wide, SCRIPT);
    let mut fuel = Config::new();
    fuel.consume_fuel(true).eager_translation(true);
    let mut plain = Config::new();
    plain.plain_code(true);
    let configs = [("default", Config::new()), ("fuel", fuel), ("plain", plain)];
    let mut failures = Vec::new();
    for (shape, script) in [("narrow", SCRIPT), ("wide", wide.as_str())] {
        for (name, config) in &configs {
            let direct = wisp_wast::run_wast_with(config, script);
            let images = wisp_wast::run_wast_via_images(config, script);
            for (how, report) in [("directly", direct), ("through images", images)] {
                // The module, then every assertion.
                if report.failed != 0 || report.passed != ASSERTIONS + 1 {
                    failures.push(format!(
                        "{shape} functions, {name}, {how}: {} passed, {} failed: {:#?}",
                        report.passed, report.failed, report.failures
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
