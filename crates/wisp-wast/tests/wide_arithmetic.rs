//! The wide-arithmetic instructions at the edges (`wide_arithmetic.wast`), in narrow and
//! wide functions, with the default code, with fuel and eager translation, and with the
//! plain code of the smallest executor (no accumulator forms).

use wisp::Config;

const SCRIPT: &str = include_str!("wide_arithmetic.wast");

fn configs() -> Vec<(&'static str, Config)> {
    let mut fuel = Config::new();
    fuel.consume_fuel(true).eager_translation(true);
    let mut plain = Config::new();
    plain.plain_code(true);
    vec![("default", Config::new()), ("fuel", fuel), ("plain", plain)]
}

#[test]
fn wide_arithmetic_at_the_edges() {
    let wide = SCRIPT.replace("(;EXTRA;)", "(local v128)");
    assert_ne!(wide, SCRIPT);
    let mut failures = Vec::new();
    for (shape, script) in [("narrow", SCRIPT), ("wide", wide.as_str())] {
        for (name, config) in configs() {
            let report = wisp_wast::run_wast_with(&config, script);
            if report.failed != 0 || report.passed != 49 {
                failures.push(format!(
                    "{shape} functions, {name}: {} passed, {} failed: {:#?}",
                    report.passed, report.failed, report.failures
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
