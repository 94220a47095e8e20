//! A user's guide with a mistake in a differential-only profile fails the
//! build with a message that names the definition and the element, instead
//! of leaving the profile out or keeping the mistake in the tables.

use std::path::{Path, PathBuf};

use fhir_payer_codegen::{Error, IgBuilder};
use serde_json::{Value, json};

const PROFILE_URL: &str = "http://example.org/fhir/StructureDefinition/test-eob";

/// Writes a package with one ExplanationOfBenefit profile whose
/// differential is `elements` and whose base is `base`, and returns its
/// folder.
fn write_guide(name: &str, base: &str, elements: Value) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("fhir-payer-codegen-{name}-{}", std::process::id()));
    let package = dir.join("package");
    std::fs::create_dir_all(&package).expect("create the package folder");
    let manifest = json!({
        "name": "example.fhir.mistakes",
        "version": "0.0.1",
        "fhirVersions": ["4.0.1"],
        "dependencies": {"hl7.fhir.r4.core": "4.0.1"}
    });
    let profile = json!({
        "resourceType": "StructureDefinition",
        "id": "test-eob",
        "url": PROFILE_URL,
        "name": "TestEob",
        "status": "draft",
        "fhirVersion": "4.0.1",
        "kind": "resource",
        "abstract": false,
        "type": "ExplanationOfBenefit",
        "baseDefinition": base,
        "derivation": "constraint",
        "differential": {"element": elements}
    });
    std::fs::write(package.join("package.json"), manifest.to_string()).expect("write package.json");
    std::fs::write(
        package.join("StructureDefinition-test-eob.json"),
        profile.to_string(),
    )
    .expect("write the profile");
    dir
}

/// Runs the builder on the guide, writing into the guide's folder, and
/// removes the folder afterwards.
fn generate(guide: &Path) -> Result<PathBuf, Error> {
    let core = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fhir-definitions");
    let result = IgBuilder::package_path(guide)
        .module("mistakes")
        .search_dir(core)
        .output(guide.join("out.rs"))
        .generate();
    let _ = std::fs::remove_dir_all(guide);
    result
}

/// Runs the builder on the guide and returns the message of its model error.
fn generate_error(guide: &Path) -> String {
    match generate(guide) {
        Err(Error::Model(message)) => message,
        other => panic!("expected a model error, got {other:?}"),
    }
}

const EOB: &str = "http://hl7.org/fhir/StructureDefinition/ExplanationOfBenefit";

#[test]
fn missing_base_definition_is_an_error() {
    let guide = write_guide(
        "missing-base",
        "http://example.org/fhir/StructureDefinition/no-such-base",
        json!([{"id": "ExplanationOfBenefit", "path": "ExplanationOfBenefit"}]),
    );
    let message = generate_error(&guide);
    assert!(message.contains(PROFILE_URL), "{message}");
    assert!(
        message.contains(
            "base definition http://example.org/fhir/StructureDefinition/no-such-base not found"
        ),
        "{message}"
    );
}

#[test]
fn unknown_type_is_an_error() {
    let guide = write_guide(
        "unknown-type",
        EOB,
        json!([
            {"id": "ExplanationOfBenefit.billablePeriod", "path": "ExplanationOfBenefit.billablePeriod", "type": [{"code": "Perod"}]}
        ]),
    );
    let message = generate_error(&guide);
    assert!(
        message
            .contains("element ExplanationOfBenefit.billablePeriod has the unknown type `Perod`"),
        "{message}"
    );
}

#[test]
fn element_outside_base_is_an_error() {
    let guide = write_guide(
        "unplaced",
        EOB,
        json!([
            {"id": "ExplanationOfBenefit.billablePeriod.begin", "path": "ExplanationOfBenefit.billablePeriod.begin", "min": 1}
        ]),
    );
    let message = generate_error(&guide);
    assert!(
        message.contains(
            "element ExplanationOfBenefit.billablePeriod.begin is not in its base definition"
        ),
        "{message}"
    );
}

#[test]
fn choice_type_path_is_not_an_error() {
    // A differential may name one type of `value[x]` as `valueQuantity`,
    // so this guide must build.
    let guide = write_guide(
        "choice-path",
        EOB,
        json!([
            {"id": "ExplanationOfBenefit.supportingInfo.valueQuantity", "path": "ExplanationOfBenefit.supportingInfo.valueQuantity", "min": 0}
        ]),
    );
    let result = generate(&guide);
    assert!(result.is_ok(), "{result:?}");
}
