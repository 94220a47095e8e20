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
fn guide(id: &str) -> &'static profiles::Guide {
    profiles::guides()
        .iter()
        .find(|g| g.package_id == id)
        .expect("guide compiled in")
}

/// Returns the profiles an example is checked against: the compiled-in ones
/// in its `meta.profile`. An example without `meta.profile` is checked
/// against the guide's only resource profile on its type, if there is one.
/// An example that names only other profiles (such as the base `Bundle`) is
/// not checked.
fn profiles_for(json: &Value, guide: &profiles::Guide) -> Vec<String> {
    let declared: Vec<&str> = json
        .pointer("/meta/profile")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if !declared.is_empty() {
        return declared
            .into_iter()
            .filter(|url| profiles::find(url).is_some())
            .map(str::to_owned)
            .collect();
    }
    let resource_type = json
        .get("resourceType")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let candidates: Vec<&profiles::Profile> = guide
        .profiles
        .iter()
        .copied()
        .filter(|p| p.base_type == resource_type)
        .collect();
    match candidates.as_slice() {
        [only] => vec![only.url.to_owned()],
        _ => Vec::new(),
    }
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
    let guide = guide(id);
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
        for url in profiles_for(&json, guide) {
            validated += 1;
            if let Err(violations) = profiles::validate(&resource, &url) {
                failures.insert(
                    name.clone(),
                    format!("fails {url}:{}", describe(&violations)),
                );
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
        assert_eq!(guide(ID).module, "plan_net_v1_2_0");
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
    fn module_follows_naming_scheme() {
        assert_eq!(guide(ID).module, "carin_bb_v2_0_0");
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

/// Converts a typed profile back to its base JSON by serializing it.
fn serialized<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("serialize")
}

#[cfg(feature = "plan-net")]
mod plan_net_typed {
    use super::*;
    use fhir_payer::profiles::typed::PlanNetPractitionerRole;
    use fhir_payer::r4::{PractitionerRole, Resource};

    fn practitioner_role(json: &Value) -> PractitionerRole {
        let bytes = serde_json::to_vec(json).expect("write JSON");
        match fhir_payer::json::from_slice(&bytes).expect("parse") {
            Resource::PractitionerRole(role) => *role,
            other => panic!(
                "expected a PractitionerRole, found {:?}",
                other.resource_type()
            ),
        }
    }

    #[test]
    fn practitioner_role_exposes_extensions() {
        let mut json = example_json(
            "hl7.fhir.us.davinci-pdex-plan-net",
            "1.2.0",
            "PractitionerRole-HansSoloRole1.json",
        );
        json["extension"].as_array_mut().expect("extensions").push(json!({
            "url": "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/newpatients",
            "extension": [
                {"url": "acceptingPatients", "valueCodeableConcept": {"coding": [{
                    "system": "http://hl7.org/fhir/us/davinci-pdex-plan-net/CodeSystem/AcceptingPatientsCS",
                    "code": "newpt"}]}},
                {"url": "fromNetwork", "valueReference": {"reference": "Organization/AcmeofCTStdNet"}}
            ]
        }));
        let role = PlanNetPractitionerRole::try_from(practitioner_role(&json)).expect("valid role");

        let networks = role.network_references();
        assert_eq!(networks.len(), 1);
        assert_eq!(
            serialized(networks[0]),
            json!({"reference": "Organization/AcmeofCTStdNet"})
        );

        let new_patients = role.new_patients();
        assert_eq!(new_patients.len(), 1);
        let accepting = new_patients[0]
            .accepting_patients
            .expect("acceptingPatients");
        assert_eq!(serialized(accepting)["coding"][0]["code"], "newpt");
        let from_network = new_patients[0].from_network.expect("fromNetwork");
        assert_eq!(
            serialized(from_network),
            json!({"reference": "Organization/AcmeofCTStdNet"})
        );

        assert_eq!(serialized(&role), serialized(role.resource()));
    }

    #[test]
    fn invalid_role_is_rejected() {
        let mut json = example_json(
            "hl7.fhir.us.davinci-pdex-plan-net",
            "1.2.0",
            "PractitionerRole-HansSoloRole1.json",
        );
        json["active"] = json!(false);
        json.as_object_mut().expect("object").remove("meta");
        let violations = PlanNetPractitionerRole::try_from(practitioner_role(&json)).unwrap_err();
        assert_violation(
            &violations,
            "PractitionerRole.active",
            ConstraintKind::Pattern,
        );
    }

    #[test]
    fn into_base_sets_meta_profile() {
        let mut json = example_json(
            "hl7.fhir.us.davinci-pdex-plan-net",
            "1.2.0",
            "PractitionerRole-HansSoloRole1.json",
        );
        json.as_object_mut().expect("object").remove("meta");
        let role = PlanNetPractitionerRole::try_from(practitioner_role(&json)).expect("valid role");
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
        assert_eq!(profiles, vec![PlanNetPractitionerRole::URL]);
    }
}

#[cfg(feature = "us-core")]
mod us_core_typed {
    use super::*;
    use fhir_payer::profiles::typed::UsCorePatient;
    use fhir_payer::r4::Resource;

    #[test]
    fn patient_exposes_race_ethnicity_birth_sex() {
        let json = example_json("hl7.fhir.us.core", "6.1.0", "Patient-example.json");
        let bytes = serde_json::to_vec(&json).expect("write JSON");
        let Resource::Patient(patient) = fhir_payer::json::from_slice(&bytes).expect("parse")
        else {
            panic!("expected a Patient");
        };
        let patient = UsCorePatient::try_from(*patient).expect("valid patient");

        let race = patient.race().expect("race");
        let omb: Vec<&str> = race
            .omb_category
            .iter()
            .filter_map(|c| c.code.as_ref()?.value())
            .map(|c| c.as_str())
            .collect();
        assert_eq!(omb, vec!["2106-3", "1002-5", "2028-9"]);
        assert_eq!(race.detailed.len(), 2);
        assert_eq!(race.text, Some("Mixed"));

        let ethnicity = patient.ethnicity().expect("ethnicity");
        assert_eq!(ethnicity.omb_category.len(), 1);
        assert_eq!(ethnicity.text, Some("Hispanic or Latino"));

        assert_eq!(patient.birth_sex(), Some("F"));
        assert_eq!(serialized(&patient), serialized(patient.resource()));
    }
}

#[cfg(feature = "carin-bb")]
mod carin_bb_typed {
    use super::*;
    use fhir_payer::profiles::typed::C4bbInpatientInstitutionalEob;
    use fhir_payer::r4::Resource;

    #[test]
    fn inpatient_eob_exposes_slices() {
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
        let bytes = serde_json::to_vec(&json).expect("write JSON");
        let Resource::ExplanationOfBenefit(eob) =
            fhir_payer::json::from_slice(&bytes).expect("parse")
        else {
            panic!("expected an ExplanationOfBenefit");
        };
        let eob = C4bbInpatientInstitutionalEob::try_from(*eob).expect("valid EOB");

        assert_eq!(
            eob.unique_claim_id(),
            Some("AW123412341234123412341234123412")
        );
        let period = eob.admission_period().expect("admission period");
        assert_eq!(
            serialized(period),
            json!({"start": "2011-05-23", "end": "2011-05-25"})
        );
        let drg = eob.drg().expect("drg");
        assert_eq!(serialized(drg)["coding"][0]["code"], "871");

        let submitted = eob
            .adjudication_amount("submitted")
            .expect("submitted amount");
        assert_eq!(
            serialized(submitted),
            json!({"value": 2650, "currency": "USD"})
        );
        let paid = eob
            .adjudication_amount("paidtoprovider")
            .expect("paid amount");
        assert_eq!(serialized(paid), json!({"value": 620, "currency": "USD"}));
        assert_eq!(eob.adjudication("billingnetworkstatus").len(), 1);

        let total = eob.total("paidbypatient").expect("total paid by patient");
        assert_eq!(serialized(total), json!({"value": 0, "currency": "USD"}));
        assert!(eob.total("deductible").is_none());

        assert_eq!(serialized(&eob), serialized(eob.resource()));
    }
}

#[cfg(feature = "pdex")]
#[test]
fn pdex_examples_validate() {
    check_examples("hl7.fhir.us.davinci-pdex", "2.0.0");
}
