//! Generates the FHIR R4 types from `fhir-definitions/` into `OUT_DIR`.

use std::path::PathBuf;

fn main() {
    let root = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let definitions = root.join("fhir-definitions");
    println!("cargo:rerun-if-changed=fhir-definitions");
    println!("cargo:rerun-if-env-changed=FHIR_PACKAGE_PATH");

    // One implementation guide per enabled IG feature; the module names are
    // documented in `src/profiles/mod.rs`. The order is also the precedence
    // of the guides' search parameters, documented in `src/search/registry.rs`.
    let guides = [
        (
            "CARGO_FEATURE_PLAN_NET",
            "plan_net",
            "hl7.fhir.us.davinci-pdex-plan-net",
            "1.2.0",
        ),
        (
            "CARGO_FEATURE_CARIN_BB",
            "carin_bb",
            "hl7.fhir.us.carin-bb",
            "2.0.0",
        ),
        (
            "CARGO_FEATURE_US_CORE",
            "us_core",
            "hl7.fhir.us.core",
            "6.1.0",
        ),
        (
            "CARGO_FEATURE_PDEX",
            "pdex",
            "hl7.fhir.us.davinci-pdex",
            "2.0.0",
        ),
    ];
    let enabled: Vec<_> = guides
        .into_iter()
        .filter(|(feature, ..)| std::env::var_os(feature).is_some())
        .collect();

    let mut generator = fhir_payer_codegen::CoreGenerator::new(&definitions);
    for (_, _, package_id, version) in &enabled {
        generator.add_search_guide(package_id, version);
    }
    if let Err(error) = generator.generate(&out.join("r4.rs")) {
        // A build script reports failure by exiting non-zero; the message
        // goes to cargo's output.
        eprintln!("error: {error}");
        std::process::exit(1);
    }

    let mut profiles = fhir_payer_codegen::ProfileGenerator::new(&definitions);
    for (_, short_name, package_id, version) in enabled {
        profiles.add_guide(short_name, package_id, version);
    }
    if let Err(error) = profiles.generate(&out.join("profiles.rs")) {
        eprintln!(
            "error: cannot generate the profile tables of the enabled IG features: {error}\n\
             Set FHIR_PACKAGE_PATH to a folder that contains the package, or disable its feature."
        );
        std::process::exit(1);
    }
}
