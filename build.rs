//! Generates the FHIR R4 types from `fhir-definitions/` into `OUT_DIR`.

use std::path::PathBuf;

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let definitions = root.join("fhir-definitions");
    println!("cargo:rerun-if-changed=fhir-definitions");
    println!("cargo:rerun-if-env-changed=FHIR_PACKAGE_PATH");

    let generator = fhir_payer_codegen::CoreGenerator::new(&definitions);
    if let Err(error) = generator.generate(&out.join("r4.rs")) {
        // A build script reports failure by exiting non-zero; the message
        // goes to cargo's output.
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}
