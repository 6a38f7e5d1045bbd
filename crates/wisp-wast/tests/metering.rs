//! The suites of WebAssembly 1.0 and 2.0 again, with fuel metering and eager translation
//! on: both change the code Wisp emits, neither may change what programs compute. Each
//! file must pass exactly as many directives as in the plain run.

use wisp_wast::suite;

fn same_results_with_metering(group_name: &str) {
    let group = suite::groups()
        .into_iter()
        .find(|g| g.name == group_name)
        .unwrap_or_else(|| panic!("no group `{group_name}`"));
    let mut differences = Vec::new();
    for (file, source) in &group.files {
        let name = format!("{group_name}/{file}");
        let plain = wisp_wast::run_wast(&name, source);
        let mut config = wisp_wast::config_for(&name);
        config.consume_fuel(true).eager_translation(true);
        let metered = wisp_wast::run_wast_with(&config, source);
        if (metered.passed, metered.failed) != (plain.passed, plain.failed) {
            differences.push(format!(
                "{name}: {} passed plain, {} with fuel and eager translation; first failure: {:?}",
                plain.passed,
                metered.passed,
                metered.failures.first()
            ));
        }
    }
    assert!(differences.is_empty(), "{differences:#?}");
}

#[test]
fn wasm_v1_with_fuel() {
    same_results_with_metering("wasm-v1");
}

#[test]
fn wasm_v2_with_fuel() {
    same_results_with_metering("wasm-v2");
}

#[test]
fn simd_with_fuel() {
    same_results_with_metering("simd");
}
