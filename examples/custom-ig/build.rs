//! Generates the typed structs of the Acme IG in `ig/` into `OUT_DIR/acme_ig.rs`.

use std::path::PathBuf;

fn main() {
    let root = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    // The FHIR R4 core package ships in fhir-payer's fhir-definitions/.
    let result = fhir_payer_codegen::IgBuilder::package_path(root.join("ig"))
        .module("acme_ig")
        .search_dir(root.join("../../fhir-definitions"))
        .generate();
    if let Err(error) = result {
        eprintln!("error: cannot generate the Acme IG types: {error}");
        std::process::exit(1);
    }
}
