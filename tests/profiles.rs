//! Profile validation against the examples that the implementation guides
//! ship, and mutation tests on those examples.
//!
//! Every example of an enabled guide must parse with
//! `fhir_payer::json::from_slice` and validate without violations against
//! each compiled-in profile in its `meta.profile`, or, without
//! `meta.profile`, against the guide's only profile on its resource type.
//! Examples that are expected to fail are listed with their reasons in
//! `tests/profiles-expected-failures.txt`. The test fails when a listed
//! example starts passing.
//!
//! Plan Net is read from `fhir-definitions/`. The other guides are read from
//! the folders in `FHIR_PACKAGE_PATH`, which the build needs anyway when
//! their features are on:
//!
//! ```text
//! FHIR_PACKAGE_PATH=../shared/fhir-packages cargo test --features carin-bb,us-core --test profiles
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::PathBuf;

use fhir_payer::profiles::{self, ConstraintKind, Violation};
use serde_json::{Value, json};

/// Finds the archive of package `id` at `version` in `fhir-definitions/` or
/// in a folder of `FHIR_PACKAGE_PATH`.
fn package_archive(id: &str, version: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![root.join("fhir-definitions")];
    if let Some(list) = std::env::var_os("FHIR_PACKAGE_PATH") {
        dirs.extend(std::env::split_paths(&list).map(|dir| {
            if dir.is_relative() {
                root.join(dir)
            } else {
                dir
            }
        }));
    }
    let names = [format!("{id}-{version}.tgz"), format!("{id}#{version}.tgz")];
    for dir in &dirs {
        for name in &names {
            let path = dir.join(name);
            if path.is_file() {
                return path;
            }
        }
    }
    panic!(
        "package {id}#{version} not found in {dirs:?}; set FHIR_PACKAGE_PATH to the folder that contains it"
    );
}

/// Returns every example file of a package, as (file name, bytes), sorted by name.
fn examples(id: &str, version: &str) -> Vec<(String, Vec<u8>)> {
    let file = std::fs::File::open(package_archive(id, version)).expect("open package");
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut out = Vec::new();
    for entry in archive.entries().expect("read package") {
        let mut entry = entry.expect("read package entry");
        let path = entry
            .path()
            .expect("entry path")
            .to_string_lossy()
            .into_owned();
        let Some(name) = path.strip_prefix("package/example/") else {
            continue;
        };
        if !name.ends_with(".json") || name.starts_with('.') || name.contains('/') {
            continue;
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("read entry");
        out.push((name.to_owned(), bytes));
    }
    out.sort();
    out
}

/// Returns the module of the guide in package `id`.
fn guide(id: &str, version: &str) -> &'static profiles::Guide {
    profiles::guides()
        .iter()
        .find(|g| g.package_id == id && g.version == version)
        .expect("guide compiled in")
}

/// Returns the profiles an example is checked against: the compiled-in ones
/// in its `meta.profile`. An example without `meta.profile` is checked
/// against the guide's only resource profile on its type, if there is one.
/// An example that names only other profiles (such as the base `Bundle`) is
/// not checked.
fn profiles_for(json: &Value, guide: &profiles::Guide) -> Vec<&'static profiles::Profile> {
    let declared: Vec<&str> = json
        .pointer("/meta/profile")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if !declared.is_empty() {
        // The guide's own version of each declared profile, so that the
        // examples of two versions of a guide are each checked against
        // their own tables.
        return declared
            .into_iter()
            .filter_map(|url| {
                let url = url.split('|').next().unwrap_or(url);
                guide.profiles.iter().copied().find(|p| p.url == url)
            })
            .collect();
    }
    let resource_type = json
        .get("resourceType")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let candidates: Vec<&'static profiles::Profile> = guide
        .profiles
        .iter()
        .copied()
        .filter(|p| p.base_type == resource_type)
        .collect();
    match candidates.as_slice() {
        [only] => vec![*only],
        _ => Vec::new(),
    }
}

/// Returns `json` with `url` added to `meta.profile` unless it is there,
/// with or without a version.
fn with_profile(mut json: Value, url: &str) -> Value {
    let object = json.as_object_mut().expect("resource object");
    let meta = object.entry("meta").or_insert_with(|| json!({}));
    let list = meta
        .as_object_mut()
        .expect("meta object")
        .entry("profile")
        .or_insert_with(|| json!([]));
    let list = list.as_array_mut().expect("profile array");
    let present = list
        .iter()
        .filter_map(Value::as_str)
        .any(|p| p.split('|').next() == Some(url));
    if !present {
        list.push(json!(url));
    }
    json
}

fn describe(violations: &[Violation]) -> String {
    violations
        .iter()
        .map(|v| format!("\n    {:?} {v}", v.constraint))
        .collect()
}

/// Returns the expected failures of one package, by file name.
fn expected_failures(id: &str, version: &str) -> BTreeMap<String, String> {
    let text = include_str!("profiles-expected-failures.txt");
    let prefix = format!("{id}#{version}/");
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| line.strip_prefix(&prefix))
        .filter_map(|line| line.split_once(char::is_whitespace))
        .map(|(file, reason)| (file.to_owned(), reason.trim().to_owned()))
        .collect()
}

/// Parses and validates every example of a package; panics with the list of
/// unexpected failures and of listed failures that now pass.
fn check_examples(id: &str, version: &str) {
    let guide = guide(id, version);
    let expected = expected_failures(id, version);
    let files = examples(id, version);
    assert!(!files.is_empty(), "{id}#{version} has no examples");

    let mut failures = BTreeMap::new();
    let mut validated = 0;
    for (name, bytes) in &files {
        let resource = match fhir_payer::json::from_slice(bytes) {
            Ok(resource) => resource,
            Err(error) => {
                failures.insert(name.clone(), format!("does not parse: {error}"));
                continue;
            }
        };
        let json: Value = serde_json::from_slice(bytes).expect("example is JSON");
        for profile in profiles_for(&json, guide) {
            validated += 1;
            if let Err(violations) = profiles::validate_against(&resource, profile) {
                failures.insert(
                    name.clone(),
                    format!("fails {}:{}", profile.url, describe(&violations)),
                );
                continue;
            }
            // The generated struct of the profile must accept the example
            // and give back the same JSON, with the profile in meta.profile.
            match (guide.convert_through)(profile.url, resource.clone()) {
                None => {
                    failures.insert(name.clone(), format!("no typed struct for {}", profile.url));
                }
                Some(Err(error)) => {
                    failures.insert(
                        name.clone(),
                        format!("typed struct of {} rejects it: {error}", profile.url),
                    );
                }
                Some(Ok(back)) => {
                    let written: Value =
                        serde_json::from_slice(&fhir_payer::json::to_vec(&back).expect("write"))
                            .expect("JSON");
                    let expected_json = with_profile(json.clone(), profile.url);
                    if written != expected_json {
                        let changed: Vec<&String> = expected_json
                            .as_object()
                            .into_iter()
                            .flatten()
                            .filter(|(key, value)| written.get(key.as_str()) != Some(value))
                            .map(|(key, _)| key)
                            .collect();
                        failures.insert(
                            name.clone(),
                            format!(
                                "typed struct of {} changes the JSON of {changed:?}",
                                profile.url
                            ),
                        );
                    }
                }
            }
        }
    }

    let unexpected: Vec<String> = failures
        .iter()
        .filter(|(name, _)| !expected.contains_key(*name))
        .map(|(name, why)| format!("{name} {why}"))
        .collect();
    let now_passing: BTreeSet<&String> = expected
        .keys()
        .filter(|name| !failures.contains_key(*name))
        .collect();
    assert!(
        validated > 0,
        "no example of {id}#{version} has a compiled-in profile"
    );
    assert!(
        unexpected.is_empty(),
        "unexpected failures in {id}#{version}:\n{}",
        unexpected.join("\n")
    );
    assert!(
        now_passing.is_empty(),
        "listed in tests/profiles-expected-failures.txt but now passing: {now_passing:?}"
    );
}

/// Returns one example of a package, as JSON.
fn example_json(id: &str, version: &str, name: &str) -> Value {
    let (_, bytes) = examples(id, version)
        .into_iter()
        .find(|(file, _)| file == name)
        .expect("example exists");
    serde_json::from_slice(&bytes).expect("example is JSON")
}

/// Parses `json` as a resource (so that every mutation is valid base FHIR)
/// and validates it against `profile`, returning the violations.
fn violations_of(json: &Value, profile: &str) -> Vec<Violation> {
    let bytes = serde_json::to_vec(json).expect("write JSON");
    let resource = fhir_payer::json::from_slice(&bytes).expect("mutated example still parses");
    match profiles::validate(&resource, profile) {
        Ok(()) => Vec::new(),
        Err(violations) => violations,
    }
}

/// Asserts that `violations` has one with `path` and `constraint`.
fn assert_violation(violations: &[Violation], path: &str, constraint: ConstraintKind) {
    assert!(
        violations
            .iter()
            .any(|v| v.path == path && v.constraint == constraint),
        "expected a {constraint:?} violation at {path}, found:{}",
        describe(violations)
    );
}

#[test]
fn expected_failures_name_known_packages() {
    let text = include_str!("profiles-expected-failures.txt");
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let (file, reason) = line.split_once(char::is_whitespace).expect("FILE REASON");
        assert!(
            file.contains('#') && file.contains('/'),
            "{file} is not PACKAGE#VERSION/FILE"
        );
        assert!(!reason.trim().is_empty(), "{file} has no reason");
    }
}

#[test]
fn unknown_profile_is_reported() {
    let patient = fhir_payer::json::from_slice(br#"{"resourceType":"Patient"}"#).expect("parse");
    let violations =
        profiles::validate(&patient, "http://example.org/StructureDefinition/none").unwrap_err();
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].constraint, ConstraintKind::Profile);
}

#[test]
fn violations_become_operation_outcome() {
    let violations = vec![Violation {
        path: "Patient.name".to_owned(),
        constraint: ConstraintKind::Cardinality,
        message: "element occurs 0 times; expected 1..*".to_owned(),
    }];
    let outcome = fhir_payer::r4::OperationOutcome::from(violations);
    let json: Value = serde_json::from_slice(
        &fhir_payer::json::to_vec(&fhir_payer::r4::Resource::OperationOutcome(Box::new(
            outcome,
        )))
        .expect("write"),
    )
    .expect("JSON");
    assert_eq!(json["issue"][0]["severity"], "error");
    assert_eq!(json["issue"][0]["code"], "structure");
    assert_eq!(json["issue"][0]["expression"][0], "Patient.name");
    assert_eq!(
        json["issue"][0]["diagnostics"],
        "element occurs 0 times; expected 1..*"
    );
}

#[cfg(feature = "plan-net")]
mod plan_net {
    use super::*;

    const ID: &str = "hl7.fhir.us.davinci-pdex-plan-net";
    const VERSION: &str = "1.2.0";
    const PRACTITIONER_ROLE: &str =
        "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/plannet-PractitionerRole";
    const NETWORK: &str =
        "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/plannet-Network";
    const LOCATION: &str =
        "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/plannet-Location";
    const NEW_PATIENTS: &str =
        "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/newpatients";

    #[test]
    fn module_follows_naming_scheme() {
        assert_eq!(guide(ID, VERSION).module, "plan_net_v1_2_0");
        assert_eq!(
            profiles::plan_net_v1_2_0::PLANNET_PRACTITIONER_ROLE.url,
            PRACTITIONER_ROLE
        );
        assert_eq!(
            profiles::plan_net_v1_2_0::PLANNET_PRACTITIONER_ROLE.base_type,
            "PractitionerRole"
        );
        assert_eq!(
            profiles::plan_net_v1_2_0::NEW_PATIENTS.base_type,
            "Extension"
        );
    }

    #[test]
    fn find_accepts_version_suffix() {
        assert!(profiles::find(&format!("{PRACTITIONER_ROLE}|{VERSION}")).is_some());
        assert!(profiles::find(&format!("{PRACTITIONER_ROLE}|0.9.9")).is_none());
    }

    #[test]
    fn tables_keep_snapshot_rules() {
        let role = &profiles::plan_net_v1_2_0::PLANNET_PRACTITIONER_ROLE;
        let extension = role
            .element("PractitionerRole.extension")
            .expect("extension element");
        assert!(extension.slicing.is_some());
        let new_patients = role
            .element("PractitionerRole.extension:newpatients")
            .expect("newpatients slice");
        assert_eq!(new_patients.slice_name, Some("newpatients"));
        assert_eq!(new_patients.types[0].profiles, &[NEW_PATIENTS]);
        let network_type = profiles::plan_net_v1_2_0::PLANNET_NETWORK
            .element("Organization.type")
            .expect("type");
        assert_eq!((network_type.min, network_type.max), (1, Some(1)));
        let codes = network_type
            .binding
            .as_ref()
            .and_then(|b| b.codes)
            .expect("listed network types");
        assert!(codes.iter().any(|c| c.code == "ntwk"));
        let active =
            profiles::plan_net_v1_2_0::PLANNET_PRACTITIONER_ROLE.element("PractitionerRole.active");
        assert_eq!(active.and_then(|a| a.pattern), Some(("Boolean", "true")));
    }

    #[test]
    fn plan_net_examples_validate() {
        check_examples(ID, VERSION);
    }

    #[test]
    fn missing_required_element_is_cardinality() {
        let mut role = example_json(ID, VERSION, "PractitionerRole-HansSoloRole1.json");
        role.as_object_mut().expect("object").remove("active");
        let violations = violations_of(&role, PRACTITIONER_ROLE);
        assert_violation(
            &violations,
            "PractitionerRole.active",
            ConstraintKind::Cardinality,
        );
    }

    #[test]
    fn changed_pattern_is_pattern() {
        let mut role = example_json(ID, VERSION, "PractitionerRole-HansSoloRole1.json");
        role["active"] = json!(false);
        let violations = violations_of(&role, PRACTITIONER_ROLE);
        assert_violation(
            &violations,
            "PractitionerRole.active",
            ConstraintKind::Pattern,
        );
    }

    #[test]
    fn code_outside_network_type_is_binding() {
        let mut network = example_json(ID, VERSION, "Organization-AcmeofCTStdNet.json");
        network["type"][0]["coding"][0]["code"] = json!("prvgrp");
        let violations = violations_of(&network, NETWORK);
        assert_violation(&violations, "Organization.type[0]", ConstraintKind::Binding);
    }

    #[test]
    fn changed_fixed_value_is_fixed() {
        let mut network = example_json(ID, VERSION, "Organization-AcmeofCTStdNet.json");
        network["active"] = json!(false);
        let violations = violations_of(&network, NETWORK);
        assert_violation(&violations, "Organization.active", ConstraintKind::Fixed);
    }

    /// Returns the index of the newpatients extension of the HansSoloClinic location.
    fn new_patients_index(location: &Value) -> usize {
        location["extension"]
            .as_array()
            .expect("extensions")
            .iter()
            .position(|e| e["url"] == NEW_PATIENTS)
            .expect("newpatients extension")
    }

    #[test]
    fn code_outside_required_binding_is_binding() {
        let mut location = example_json(ID, VERSION, "Location-HansSoloClinic.json");
        let index = new_patients_index(&location);
        let nested = location["extension"][index]["extension"]
            .as_array_mut()
            .expect("nested extensions");
        let position = nested
            .iter()
            .position(|e| e["url"] == "acceptingPatients")
            .expect("acceptingPatients");
        nested[position]["valueCodeableConcept"]["coding"][0]["code"] = json!("sometimes");
        let violations = violations_of(&location, LOCATION);
        let path =
            format!("Location.extension[{index}].extension[{position}].valueCodeableConcept");
        assert_violation(&violations, &path, ConstraintKind::Binding);
    }

    #[test]
    fn repeated_single_slice_is_slice() {
        let mut location = example_json(ID, VERSION, "Location-HansSoloClinic.json");
        let index = new_patients_index(&location);
        let nested = location["extension"][index]["extension"]
            .as_array_mut()
            .expect("nested extensions");
        let accepting = nested
            .iter()
            .find(|e| e["url"] == "acceptingPatients")
            .expect("acceptingPatients")
            .clone();
        // acceptingPatients is 1..1 in the newpatients extension.
        nested.push(accepting);
        let violations = violations_of(&location, LOCATION);
        let path = format!("Location.extension[{index}].extension");
        assert_violation(&violations, &path, ConstraintKind::Slice);
    }

    #[test]
    fn too_many_repeats_is_cardinality() {
        let mut network = example_json(ID, VERSION, "Organization-AcmeofCTStdNet.json");
        let first = network["type"][0].clone();
        network["type"].as_array_mut().expect("type").push(first);
        // `Organization.type` is 0..* in the base resource and 1..1 in Network.
        let violations = violations_of(&network, NETWORK);
        assert_violation(
            &violations,
            "Organization.type",
            ConstraintKind::Cardinality,
        );
    }
}

#[cfg(feature = "carin-bb")]
mod carin_bb {
    use super::*;

    const ID: &str = "hl7.fhir.us.carin-bb";
    const VERSION: &str = "2.0.0";
    const INPATIENT: &str = "http://hl7.org/fhir/us/carin-bb/StructureDefinition/C4BB-ExplanationOfBenefit-Inpatient-Institutional";
    const INPATIENT_EXAMPLE: &str = "ExplanationOfBenefit-EOBInpatient1.json";

    #[test]
    fn carin_bb_examples_validate() {
        check_examples(ID, VERSION);
    }

    #[test]
    fn carin_bb_1_1_0_examples_validate() {
        assert_eq!(guide(ID, "1.1.0").module, "carin_bb_v1_1_0");
        check_examples(ID, "1.1.0");
    }

    #[test]
    fn module_follows_naming_scheme() {
        assert_eq!(guide(ID, VERSION).module, "carin_bb_v2_0_0");
        assert_eq!(
            profiles::carin_bb_v2_0_0::C4BB_EXPLANATION_OF_BENEFIT_INPATIENT_INSTITUTIONAL.url,
            INPATIENT
        );
    }

    #[test]
    fn inpatient_example_is_valid() {
        let eob = example_json(ID, VERSION, INPATIENT_EXAMPLE);
        assert_eq!(violations_of(&eob, INPATIENT), Vec::new());
    }

    #[test]
    fn missing_slice_is_slice_violation() {
        let mut eob = example_json(ID, VERSION, INPATIENT_EXAMPLE);
        let infos = eob["supportingInfo"]
            .as_array_mut()
            .expect("supportingInfo");
        infos.retain(|info| info["category"]["coding"][0]["code"] != "admissionperiod");
        let violations = violations_of(&eob, INPATIENT);
        assert!(
            violations
                .iter()
                .any(|v| v.path == "ExplanationOfBenefit.supportingInfo"
                    && v.constraint == ConstraintKind::Slice
                    && v.message.contains("admissionperiod")),
            "expected the admissionperiod slice to be missing, found:{}",
            describe(&violations)
        );
    }

    #[test]
    fn missing_required_element_is_cardinality() {
        let mut eob = example_json(ID, VERSION, INPATIENT_EXAMPLE);
        eob.as_object_mut()
            .expect("object")
            .remove("billablePeriod");
        let violations = violations_of(&eob, INPATIENT);
        assert_violation(
            &violations,
            "ExplanationOfBenefit.billablePeriod",
            ConstraintKind::Cardinality,
        );
    }

    #[test]
    fn changed_pattern_is_pattern() {
        let mut eob = example_json(ID, VERSION, INPATIENT_EXAMPLE);
        eob["subType"]["coding"][0]["code"] = json!("outpatient");
        let violations = violations_of(&eob, INPATIENT);
        assert_violation(
            &violations,
            "ExplanationOfBenefit.subType",
            ConstraintKind::Pattern,
        );
    }

    #[test]
    fn code_outside_required_binding_is_binding() {
        let mut eob = example_json(ID, VERSION, INPATIENT_EXAMPLE);
        // C4BBClaimInpatientInstitutionalDiagnosisType lists its codes.
        eob["diagnosis"][0]["type"][0]["coding"][0]["code"] = json!("not-a-diagnosis-type");
        let violations = violations_of(&eob, INPATIENT);
        assert_violation(
            &violations,
            "ExplanationOfBenefit.diagnosis[0].type[0]",
            ConstraintKind::Binding,
        );
    }

    #[test]
    fn unknown_slice_in_closed_slicing_is_slice() {
        let mut eob = example_json(ID, VERSION, INPATIENT_EXAMPLE);
        let index = eob["supportingInfo"]
            .as_array()
            .expect("supportingInfo")
            .iter()
            .position(|info| info["category"]["coding"][0]["code"] == "admissionperiod")
            .expect("admissionperiod");
        // `timing[x]` of the admission period is closed to `timingPeriod`.
        let info = eob["supportingInfo"][index]
            .as_object_mut()
            .expect("object");
        info.remove("timingPeriod");
        info.insert("timingDate".to_owned(), json!("2020-01-01"));
        let violations = violations_of(&eob, INPATIENT);
        let path = format!("ExplanationOfBenefit.supportingInfo[{index}].timingDate");
        assert_violation(&violations, &path, ConstraintKind::Slice);
    }

    #[test]
    fn too_many_repeats_is_slice() {
        let mut eob = example_json(ID, VERSION, INPATIENT_EXAMPLE);
        let infos = eob["supportingInfo"]
            .as_array_mut()
            .expect("supportingInfo");
        let admission = infos
            .iter()
            .find(|info| info["category"]["coding"][0]["code"] == "admissionperiod")
            .expect("admissionperiod")
            .clone();
        infos.push(admission);
        let violations = violations_of(&eob, INPATIENT);
        assert!(
            violations
                .iter()
                .any(|v| v.path == "ExplanationOfBenefit.supportingInfo"
                    && v.constraint == ConstraintKind::Slice
                    && v.message.contains("slice admissionperiod occurs 2 times")),
            "expected the admissionperiod slice to repeat, found:{}",
            describe(&violations)
        );
    }

    #[test]
    fn every_violation_is_returned() {
        let mut eob = example_json(ID, VERSION, INPATIENT_EXAMPLE);
        let object = eob.as_object_mut().expect("object");
        object.remove("billablePeriod");
        object.remove("outcome");
        let violations = violations_of(&eob, INPATIENT);
        assert_violation(
            &violations,
            "ExplanationOfBenefit.billablePeriod",
            ConstraintKind::Cardinality,
        );
        assert_violation(
            &violations,
            "ExplanationOfBenefit.outcome",
            ConstraintKind::Cardinality,
        );
    }
}

#[cfg(feature = "us-core")]
mod us_core {
    use super::*;

    const ID: &str = "hl7.fhir.us.core";
    const VERSION: &str = "6.1.0";
    const PATIENT: &str = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient";

    #[test]
    fn us_core_examples_validate() {
        check_examples(ID, VERSION);
    }

    #[test]
    fn us_core_3_1_1_examples_validate() {
        assert_eq!(guide(ID, "3.1.1").module, "us_core_v3_1_1");
        check_examples(ID, "3.1.1");
    }

    #[test]
    fn race_extension_content_is_checked() {
        let mut patient = example_json(ID, VERSION, "Patient-example.json");
        let index = patient["extension"]
            .as_array()
            .expect("extensions")
            .iter()
            .position(|e| {
                e["url"] == "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race"
            })
            .expect("race");
        // The race extension requires its `text` sub-extension.
        patient["extension"][index]["extension"]
            .as_array_mut()
            .expect("nested")
            .retain(|e| e["url"] != "text");
        let violations = violations_of(&patient, PATIENT);
        let path = format!("Patient.extension[{index}].extension");
        assert_violation(&violations, &path, ConstraintKind::Slice);
    }
}

/// Converts a typed value to JSON by serializing it.
fn serialized<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("serialize")
}

/// Parses `json` as a resource of type `B`.
fn base_of<B: serde::de::DeserializeOwned>(json: &Value) -> B {
    serde_json::from_value(json.clone()).expect("parse base resource")
}

/// Returns the codes of the codings of a CodeableConcept.
fn codes_of(concept: Option<&fhir_payer::r4::CodeableConcept>) -> Vec<String> {
    concept
        .into_iter()
        .flat_map(|c| c.coding.iter())
        .filter_map(|coding| coding.code.as_ref()?.value())
        .map(|code| code.as_str().to_owned())
        .collect()
}

#[cfg(feature = "plan-net")]
mod plan_net_typed {
    use super::*;
    use fhir_payer::profiles::ValueSetCode;
    use fhir_payer::profiles::plan_net_v1_2_0::{
        AcceptingPatientsVS, NewPatients, PlannetPractitionerRole,
    };
    use fhir_payer::r4::PractitionerRole;

    fn hans_solo_role() -> Value {
        example_json(
            "hl7.fhir.us.davinci-pdex-plan-net",
            "1.2.0",
            "PractitionerRole-HansSoloRole1.json",
        )
    }

    #[test]
    fn practitioner_role_exposes_extensions() {
        let mut json = hans_solo_role();
        json["extension"].as_array_mut().expect("extensions").push(json!({
            "url": "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/newpatients",
            "extension": [
                {"url": "acceptingPatients", "valueCodeableConcept": {"coding": [{
                    "system": "http://hl7.org/fhir/us/davinci-pdex-plan-net/CodeSystem/AcceptingPatientsCS",
                    "code": "newpt"}]}},
                {"url": "fromNetwork", "valueReference": {"reference": "Organization/AcmeofCTStdNet"}}
            ]
        }));
        let role = PlannetPractitionerRole::try_from(base_of::<PractitionerRole>(&json))
            .expect("valid role");

        let network = role.network_reference().expect("network-reference");
        assert_eq!(
            serialized(&network.value),
            json!({"reference": "Organization/AcmeofCTStdNet"})
        );

        let new_patients = role.newpatients();
        assert_eq!(new_patients.len(), 1);
        assert_eq!(
            new_patients[0].accepting_patients_code(),
            Some(AcceptingPatientsVS::Newpt)
        );
        assert_eq!(AcceptingPatientsVS::Newpt.code(), "newpt");
        let from_network = new_patients[0].from_network.as_ref().expect("fromNetwork");
        assert_eq!(
            serialized(from_network),
            json!({"reference": "Organization/AcmeofCTStdNet"})
        );
    }

    #[test]
    fn extension_struct_round_trips() {
        let json = json!({
            "url": "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/newpatients",
            "extension": [
                {"url": "acceptingPatients", "valueCodeableConcept": {"coding": [{
                    "system": "http://hl7.org/fhir/us/davinci-pdex-plan-net/CodeSystem/AcceptingPatientsCS",
                    "code": "nopt"}]}}
            ]
        });
        let extension: fhir_payer::r4::Extension = base_of(&json);
        let typed = NewPatients::try_from(&extension).expect("valid extension");
        assert_eq!(
            typed.accepting_patients_code(),
            Some(AcceptingPatientsVS::Nopt)
        );
        assert!(typed.from_network.is_none());
        let back = fhir_payer::r4::Extension::from(typed);
        assert_eq!(serialized(&back), json);
    }

    #[test]
    fn extension_struct_reports_wrong_parts() {
        let json = json!({
            "url": "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/newpatients",
            "extension": [{"url": "fromNetwork", "valueString": "not a reference"}]
        });
        let extension: fhir_payer::r4::Extension = base_of(&json);
        let violations = NewPatients::try_from(&extension).unwrap_err();
        assert_violation(
            &violations,
            "Extension.extension:acceptingPatients",
            ConstraintKind::Cardinality,
        );
        assert_violation(
            &violations,
            "Extension.extension:fromNetwork",
            ConstraintKind::Type,
        );
    }

    #[test]
    fn extension_struct_checks_binding() {
        let json = json!({
            "url": "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/newpatients",
            "extension": [
                {"url": "acceptingPatients", "valueCodeableConcept": {"coding": [{
                    "system": "http://hl7.org/fhir/us/davinci-pdex-plan-net/CodeSystem/AcceptingPatientsCS",
                    "code": "no"}]}}
            ]
        });
        let extension: fhir_payer::r4::Extension = base_of(&json);
        let violations = NewPatients::try_from(&extension).unwrap_err();
        assert_violation(
            &violations,
            "Extension.extension:acceptingPatients",
            ConstraintKind::Binding,
        );
    }

    #[test]
    fn invalid_role_is_rejected() {
        let mut json = hans_solo_role();
        json["active"] = json!(false);
        json.as_object_mut().expect("object").remove("meta");
        let violations =
            PlannetPractitionerRole::try_from(base_of::<PractitionerRole>(&json)).unwrap_err();
        assert_violation(
            &violations,
            "PractitionerRole.active",
            ConstraintKind::Pattern,
        );
    }

    #[test]
    fn required_element_is_not_option() {
        let role =
            PlannetPractitionerRole::try_from(base_of::<PractitionerRole>(&hans_solo_role()))
                .expect("valid role");
        // `active` is 1..1 in the profile, so the field is the value itself.
        let active: &fhir_payer::primitives::Primitive<bool> = &role.active;
        assert_eq!(active.value(), Some(&true));
    }

    #[test]
    fn into_base_sets_meta_profile() {
        let mut json = hans_solo_role();
        json.as_object_mut().expect("object").remove("meta");
        let role = PlannetPractitionerRole::try_from(base_of::<PractitionerRole>(&json))
            .expect("valid role");
        let base = PractitionerRole::from(role);
        let profiles: Vec<&str> = base
            .meta
            .as_ref()
            .expect("meta")
            .profile
            .iter()
            .filter_map(|p| p.value())
            .map(|c| c.url())
            .collect();
        assert_eq!(profiles, vec![PlannetPractitionerRole::URL]);
    }

    #[test]
    fn profile_json_is_base_json() {
        let json = hans_solo_role();
        let role = PlannetPractitionerRole::try_from(base_of::<PractitionerRole>(&json))
            .expect("valid role");
        assert_eq!(serialized(&role), json);
        let bytes = profiles::to_vec(&role).expect("write");
        let read: PlannetPractitionerRole = profiles::from_slice(&bytes).expect("read");
        assert_eq!(read, role);
        let deserialized: PlannetPractitionerRole =
            serde_json::from_value(json.clone()).expect("deserialize");
        assert_eq!(deserialized, role);
    }

    #[test]
    fn from_slice_reports_violations() {
        let mut json = hans_solo_role();
        json["active"] = json!(false);
        let bytes = serde_json::to_vec(&json).expect("write");
        let error = profiles::from_slice::<PlannetPractitionerRole>(&bytes).unwrap_err();
        let profiles::ProfileError::Invalid(violations) = error else {
            panic!("expected violations, found {error}");
        };
        assert_violation(
            &violations,
            "PractitionerRole.active",
            ConstraintKind::Pattern,
        );
        let not_a_role = br#"{"resourceType":"Patient"}"#;
        let error = profiles::from_slice::<PlannetPractitionerRole>(not_a_role).unwrap_err();
        let profiles::ProfileError::Invalid(violations) = error else {
            panic!("expected violations, found {error}");
        };
        assert_violation(&violations, "Patient", ConstraintKind::Type);
    }
}

#[cfg(feature = "us-core")]
mod us_core_typed {
    use super::*;
    use fhir_payer::r4::Patient;

    #[test]
    fn patient_exposes_race_ethnicity_birth_sex() {
        use fhir_payer::profiles::us_core_v6_1_0::USCorePatientProfile;
        let json = example_json("hl7.fhir.us.core", "6.1.0", "Patient-example.json");
        let patient =
            USCorePatientProfile::try_from(base_of::<Patient>(&json)).expect("valid patient");

        let race = patient.race().expect("race");
        let omb: Vec<&str> = race
            .omb_category
            .iter()
            .filter_map(|c| c.code.as_ref()?.value())
            .map(|c| c.as_str())
            .collect();
        assert_eq!(omb, vec!["2106-3", "1002-5", "2028-9"]);
        assert_eq!(race.detailed.len(), 2);
        assert_eq!(race.text.value().map(String::as_str), Some("Mixed"));

        let ethnicity = patient.ethnicity().expect("ethnicity");
        assert!(ethnicity.omb_category.is_some());
        assert_eq!(
            ethnicity.text.value().map(String::as_str),
            Some("Hispanic or Latino")
        );

        let birth_sex = patient.birthsex().expect("birthsex");
        assert_eq!(birth_sex.value.value().map(|c| c.as_str()), Some("F"));
        assert_eq!(serialized(&patient), json);
    }

    #[test]
    fn us_core_3_1_1_patient_exposes_race() {
        use fhir_payer::profiles::us_core_v3_1_1::USCorePatientProfile;
        let json = example_json("hl7.fhir.us.core", "3.1.1", "Patient-example.json");
        let patient =
            USCorePatientProfile::try_from(base_of::<Patient>(&json)).expect("valid patient");
        let race = patient.race().expect("race");
        assert!(!race.omb_category.is_empty());
        assert!(patient.birthsex().is_some());
    }

    #[test]
    fn try_from_returns_every_violation() {
        use fhir_payer::profiles::us_core_v6_1_0::USCorePatientProfile;
        let mut json = example_json("hl7.fhir.us.core", "6.1.0", "Patient-example.json");
        let object = json.as_object_mut().expect("object");
        object.remove("identifier");
        object.remove("name");
        // The race extension's `text` part is 1..1.
        let race = object["extension"]
            .as_array_mut()
            .expect("extensions")
            .iter_mut()
            .find(|e| e["url"] == "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race")
            .expect("race");
        race["extension"]
            .as_array_mut()
            .expect("race parts")
            .retain(|part| part["url"] != "text");
        let violations = USCorePatientProfile::try_from(base_of::<Patient>(&json)).unwrap_err();
        assert_violation(
            &violations,
            "Patient.identifier",
            ConstraintKind::Cardinality,
        );
        assert_violation(&violations, "Patient.name", ConstraintKind::Cardinality);
        assert!(
            violations
                .iter()
                .any(|v| v.path.starts_with("Patient.extension[") && v.path.contains("text")),
            "no violation for the race text: {}",
            describe(&violations)
        );
        let outcome = fhir_payer::r4::OperationOutcome::from(violations.clone());
        assert_eq!(outcome.issue.len(), violations.len());
    }
}

#[cfg(feature = "carin-bb")]
mod carin_bb_typed {
    use super::*;
    use fhir_payer::profiles::carin_bb_v2_0_0::{
        C4BBExplanationOfBenefitInpatientInstitutional as InpatientEob,
        C4BBInstitutionalClaimSubType,
    };
    use fhir_payer::r4::{ExplanationOfBenefit, ExplanationOfBenefitSupportingInfoTiming};

    fn inpatient_with_drg() -> Value {
        let mut json = example_json(
            "hl7.fhir.us.carin-bb",
            "2.0.0",
            "ExplanationOfBenefit-EOBInpatient1.json",
        );
        // The example has no DRG; the drg slice is 0..1.
        json["supportingInfo"].as_array_mut().expect("supportingInfo").push(json!({
            "sequence": 9,
            "category": {"coding": [{
                "system": "http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBSupportingInfoType",
                "code": "drg"}]},
            "code": {"coding": [{"system": "https://www.cms.gov/Medicare/Medicare-Fee-for-Service-Payment/AcuteInpatientPPS/MS-DRG-Classifications-and-Software", "code": "871"}]}
        }));
        json
    }

    #[test]
    fn inpatient_eob_exposes_slices() {
        let json = inpatient_with_drg();
        let eob =
            InpatientEob::try_from(base_of::<ExplanationOfBenefit>(&json)).expect("valid EOB");

        let unique = eob.identifier_uniqueclaimid().expect("uniqueclaimid");
        assert_eq!(
            unique
                .value
                .as_ref()
                .and_then(|v| v.value())
                .map(String::as_str),
            Some("AW123412341234123412341234123412")
        );
        let admission = eob
            .supporting_info_admissionperiod()
            .expect("admission period");
        let Some(ExplanationOfBenefitSupportingInfoTiming::Period(period)) = &admission.timing
        else {
            panic!("admission period has no Period timing");
        };
        assert_eq!(
            serialized(period),
            json!({"start": "2011-05-23", "end": "2011-05-25"})
        );
        let drg = eob.supporting_info_drg().expect("drg");
        assert_eq!(codes_of(drg.code.as_ref()), vec!["871"]);

        // Header adjudication amounts, by category.
        let amounts: BTreeMap<String, Value> = eob
            .adjudication_adjudicationamounttype()
            .map(|a| {
                (
                    codes_of(a.category.as_ref()).join(","),
                    serialized(a.amount.as_ref().expect("amount")),
                )
            })
            .collect();
        assert_eq!(
            amounts["submitted"],
            json!({"value": 2650, "currency": "USD"})
        );
        assert_eq!(
            amounts["paidtoprovider"],
            json!({"value": 620, "currency": "USD"})
        );
        let network = eob
            .adjudication_billingnetworkstatus()
            .expect("billingnetworkstatus");
        assert_eq!(
            codes_of(network.category.as_ref()),
            vec!["billingnetworkstatus"]
        );

        // Totals, by category.
        let totals: BTreeMap<String, Value> = eob
            .total_adjudicationamounttype()
            .map(|t| {
                (
                    codes_of(t.category.as_ref()).join(","),
                    serialized(&t.amount),
                )
            })
            .collect();
        assert_eq!(
            totals["paidbypatient"],
            json!({"value": 0, "currency": "USD"})
        );
        assert!(!totals.contains_key("deductible"));

        // Line-level adjudications go through the nested slice accessor.
        for item in &eob.item {
            let line: Vec<_> =
                InpatientEob::item_adjudication_adjudicationamounttype(item).collect();
            assert_eq!(
                line.len(),
                item.adjudication.len()
                    - InpatientEob::item_adjudication_adjustmentreason(item).count()
                    - InpatientEob::item_adjudication_allowedunits(item).count()
            );
        }

        assert_eq!(
            eob.sub_type_code(),
            Some(C4BBInstitutionalClaimSubType::Inpatient)
        );
        assert_eq!(serialized(&eob), json);
    }

    #[test]
    fn required_elements_are_not_option() {
        let eob = InpatientEob::try_from(base_of::<ExplanationOfBenefit>(&inpatient_with_drg()))
            .expect("valid EOB");
        // 1..1 in the profile: plain values, not Option.
        let _: &fhir_payer::r4::CodeableConcept = &eob.sub_type;
        let _: &fhir_payer::r4::Reference = &eob.patient;
        let _: &fhir_payer::r4::Period = &eob.billable_period;
        assert!(!eob.total.is_empty());
    }
}

#[cfg(feature = "pdex")]
#[test]
fn pdex_examples_validate() {
    check_examples("hl7.fhir.us.davinci-pdex", "2.0.0");
}
