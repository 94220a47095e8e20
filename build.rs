//! Generates the FHIR R4 types from `fhir-definitions/` into `OUT_DIR`.

use std::path::PathBuf;

/// A guide compiled in when its Cargo feature is on: (feature variable,
/// module short name, package id, version, whether its SearchParameters join
/// the registry). Only the newest version of a guide contributes search
/// parameters. The order is also the precedence of the guides' search
/// parameters, documented in `src/search/registry.rs`; the module names are
/// documented in `src/profiles/mod.rs`.
const GUIDES: [(&str, &str, &str, &str, bool); 6] = [
    (
        "CARGO_FEATURE_PLAN_NET",
        "plan_net",
        "hl7.fhir.us.davinci-pdex-plan-net",
        "1.2.0",
        true,
    ),
    (
        "CARGO_FEATURE_CARIN_BB",
        "carin_bb",
        "hl7.fhir.us.carin-bb",
        "2.0.0",
        true,
    ),
    (
        "CARGO_FEATURE_CARIN_BB",
        "carin_bb",
        "hl7.fhir.us.carin-bb",
        "1.1.0",
        false,
    ),
    (
        "CARGO_FEATURE_US_CORE",
        "us_core",
        "hl7.fhir.us.core",
        "6.1.0",
        true,
    ),
    (
        "CARGO_FEATURE_US_CORE",
        "us_core",
        "hl7.fhir.us.core",
        "3.1.1",
        false,
    ),
    (
        "CARGO_FEATURE_PDEX",
        "pdex",
        "hl7.fhir.us.davinci-pdex",
        "2.0.0",
        true,
    ),
];

fn main() {
    let root = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let definitions = root.join("fhir-definitions");
    println!("cargo:rerun-if-changed=fhir-definitions");
    println!("cargo:rerun-if-env-changed=FHIR_PACKAGE_PATH");

    let enabled: Vec<_> = GUIDES
        .into_iter()
        .filter(|(feature, ..)| std::env::var_os(feature).is_some())
        .collect();

    let mut generator = fhir_payer_codegen::CoreGenerator::new(&definitions);
    for (_, _, package_id, version, search) in &enabled {
        if *search {
            generator.add_search_guide(package_id, version);
        }
    }
    // Builds without the `schemars` feature do not generate the schema impls.
    if std::env::var_os("CARGO_FEATURE_SCHEMARS").is_some() {
        generator = generator.json_schema(out.join("r4_schema.rs"));
    }
    if let Err(error) = generator.generate(&out.join("r4.rs")) {
        // A build script reports failure by exiting non-zero; the message
        // goes to cargo's output.
        eprintln!("error: {error}");
        std::process::exit(1);
    }

    let mut profiles = fhir_payer_codegen::ProfileGenerator::new(&definitions);
    for (_, short_name, package_id, version, _) in enabled {
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
