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
use serde_json::{Map, Value, json};

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

/// A change to one example and the violation that it must cause.
struct Mutation {
    /// What the change does, named in the failure message.
    change: &'static str,
    /// The example's file name in the package.
    example: &'static str,
    profile: &'static str,
    /// Changes the example and returns the path of the expected violation.
    apply: fn(&mut Value) -> String,
    constraint: ConstraintKind,
    /// Text that the violation's message must contain, if any.
    message: &'static str,
}

/// Applies each mutation to a fresh copy of its example of package `id` at
/// `version` and checks that validation reports the expected violation.
/// Every failing case is listed before the test fails.
fn check_mutations(id: &str, version: &str, mutations: &[Mutation]) {
    let mut failures = Vec::new();
    for mutation in mutations {
        let mut json = example_json(id, version, mutation.example);
        let path = (mutation.apply)(&mut json);
        let violations = violations_of(&json, mutation.profile);
        let found = violations.iter().any(|v| {
            v.path == path
                && v.constraint == mutation.constraint
                && v.message.contains(mutation.message)
        });
        if !found {
            failures.push(format!(
                "{}: expected a {:?} violation at {path} containing {:?}, found:{}",
                mutation.change,
                mutation.constraint,
                mutation.message,
                describe(&violations)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Returns the index of the first item of the array at `pointer` for which
/// `is_wanted` holds.
fn index_where(json: &Value, pointer: &str, is_wanted: impl Fn(&Value) -> bool) -> usize {
    json.pointer(pointer)
        .and_then(Value::as_array)
        .expect("array")
        .iter()
        .position(is_wanted)
        .expect("matching item")
}

/// Returns the index of the `supportingInfo` whose first category code is `code`.
fn supporting_info_index(eob: &Value, code: &str) -> usize {
    index_where(eob, "/supportingInfo", |info| {
        info["category"]["coding"][0]["code"] == code
    })
}

/// Returns the index and the object of the `supportingInfo` whose first
/// category code is `code`.
fn supporting_info_mut<'j>(eob: &'j mut Value, code: &str) -> (usize, &'j mut Map<String, Value>) {
    let index = supporting_info_index(eob, code);
    let info = eob["supportingInfo"][index]
        .as_object_mut()
        .expect("supportingInfo object");
    (index, info)
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
    const QUALIFICATION: &str =
        "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/qualification";

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

    const HANS_SOLO_ROLE: &str = "PractitionerRole-HansSoloRole1.json";
    const ACME_NETWORK: &str = "Organization-AcmeofCTStdNet.json";
    const HANS_SOLO_CLINIC: &str = "Location-HansSoloClinic.json";

    /// Returns the index of the newpatients extension and of its
    /// acceptingPatients part in the HansSoloClinic location.
    fn accepting_patients(location: &Value) -> (usize, usize) {
        let index = index_where(location, "/extension", |e| e["url"] == NEW_PATIENTS);
        let part = index_where(location, &format!("/extension/{index}/extension"), |e| {
            e["url"] == "acceptingPatients"
        });
        (index, part)
    }

    #[test]
    fn plan_net_mutations_are_reported() {
        check_mutations(
            ID,
            VERSION,
            &[
                Mutation {
                    change: "required active removed",
                    example: HANS_SOLO_ROLE,
                    profile: PRACTITIONER_ROLE,
                    apply: |role| {
                        role.as_object_mut().expect("object").remove("active");
                        "PractitionerRole.active".to_owned()
                    },
                    constraint: ConstraintKind::Cardinality,
                    message: "",
                },
                Mutation {
                    change: "active set against its pattern",
                    example: HANS_SOLO_ROLE,
                    profile: PRACTITIONER_ROLE,
                    apply: |role| {
                        role["active"] = json!(false);
                        "PractitionerRole.active".to_owned()
                    },
                    constraint: ConstraintKind::Pattern,
                    message: "",
                },
                Mutation {
                    change: "network type outside its value set",
                    example: ACME_NETWORK,
                    profile: NETWORK,
                    apply: |network| {
                        network["type"][0]["coding"][0]["code"] = json!("prvgrp");
                        "Organization.type[0]".to_owned()
                    },
                    constraint: ConstraintKind::Binding,
                    message: "",
                },
                Mutation {
                    change: "fixed active changed",
                    example: ACME_NETWORK,
                    profile: NETWORK,
                    apply: |network| {
                        network["active"] = json!(false);
                        "Organization.active".to_owned()
                    },
                    constraint: ConstraintKind::Fixed,
                    message: "",
                },
                Mutation {
                    change: "acceptingPatients code outside its value set",
                    example: HANS_SOLO_CLINIC,
                    profile: LOCATION,
                    apply: |location| {
                        let (index, part) = accepting_patients(location);
                        location["extension"][index]["extension"][part]["valueCodeableConcept"]["coding"]
                            [0]["code"] = json!("sometimes");
                        format!(
                            "Location.extension[{index}].extension[{part}].valueCodeableConcept"
                        )
                    },
                    constraint: ConstraintKind::Binding,
                    message: "",
                },
                Mutation {
                    // acceptingPatients is 1..1 in the newpatients extension.
                    change: "acceptingPatients repeated",
                    example: HANS_SOLO_CLINIC,
                    profile: LOCATION,
                    apply: |location| {
                        let (index, part) = accepting_patients(location);
                        let parts = location["extension"][index]["extension"]
                            .as_array_mut()
                            .expect("nested extensions");
                        let accepting = parts[part].clone();
                        parts.push(accepting);
                        format!("Location.extension[{index}].extension")
                    },
                    constraint: ConstraintKind::Slice,
                    message: "slice acceptingPatients occurs 2 times",
                },
                Mutation {
                    // `extension:qualification.extension:code`, a slice in
                    // a slice, is 1..1.
                    change: "qualification code removed",
                    example: HANS_SOLO_ROLE,
                    profile: PRACTITIONER_ROLE,
                    apply: |role| {
                        let index = index_where(role, "/extension", |e| e["url"] == QUALIFICATION);
                        role["extension"][index]["extension"]
                            .as_array_mut()
                            .expect("qualification parts")
                            .retain(|part| part["url"] != "code");
                        format!("PractitionerRole.extension[{index}].extension")
                    },
                    constraint: ConstraintKind::Slice,
                    message: "slice code occurs 0 times",
                },
                Mutation {
                    // `Organization.type` is 0..* in the base resource and
                    // 1..1 in Network.
                    change: "network type repeated",
                    example: ACME_NETWORK,
                    profile: NETWORK,
                    apply: |network| {
                        let first = network["type"][0].clone();
                        network["type"].as_array_mut().expect("type").push(first);
                        "Organization.type".to_owned()
                    },
                    constraint: ConstraintKind::Cardinality,
                    message: "",
                },
            ],
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
    fn carin_bb_mutations_are_reported() {
        check_mutations(
            ID,
            VERSION,
            &[
                Mutation {
                    change: "admissionperiod supportingInfo removed",
                    example: INPATIENT_EXAMPLE,
                    profile: INPATIENT,
                    apply: |eob| {
                        let infos = eob["supportingInfo"]
                            .as_array_mut()
                            .expect("supportingInfo");
                        infos.retain(|info| {
                            info["category"]["coding"][0]["code"] != "admissionperiod"
                        });
                        "ExplanationOfBenefit.supportingInfo".to_owned()
                    },
                    constraint: ConstraintKind::Slice,
                    message: "slice admissionperiod occurs 0 times",
                },
                Mutation {
                    change: "required billablePeriod removed",
                    example: INPATIENT_EXAMPLE,
                    profile: INPATIENT,
                    apply: |eob| {
                        let object = eob.as_object_mut().expect("object");
                        object.remove("billablePeriod");
                        "ExplanationOfBenefit.billablePeriod".to_owned()
                    },
                    constraint: ConstraintKind::Cardinality,
                    message: "",
                },
                Mutation {
                    change: "subType set against its pattern",
                    example: INPATIENT_EXAMPLE,
                    profile: INPATIENT,
                    apply: |eob| {
                        eob["subType"]["coding"][0]["code"] = json!("outpatient");
                        "ExplanationOfBenefit.subType".to_owned()
                    },
                    constraint: ConstraintKind::Pattern,
                    message: "",
                },
                Mutation {
                    // C4BBClaimInpatientInstitutionalDiagnosisType lists its codes.
                    change: "diagnosis type outside its value set",
                    example: INPATIENT_EXAMPLE,
                    profile: INPATIENT,
                    apply: |eob| {
                        eob["diagnosis"][0]["type"][0]["coding"][0]["code"] =
                            json!("not-a-diagnosis-type");
                        "ExplanationOfBenefit.diagnosis[0].type[0]".to_owned()
                    },
                    constraint: ConstraintKind::Binding,
                    message: "",
                },
                Mutation {
                    // `timing[x]` of the admission period is closed to `timingPeriod`.
                    change: "admission period given as timingDate",
                    example: INPATIENT_EXAMPLE,
                    profile: INPATIENT,
                    apply: |eob| {
                        let (index, info) = supporting_info_mut(eob, "admissionperiod");
                        info.remove("timingPeriod");
                        info.insert("timingDate".to_owned(), json!("2020-01-01"));
                        format!("ExplanationOfBenefit.supportingInfo[{index}].timingDate")
                    },
                    constraint: ConstraintKind::Slice,
                    message: "closed slicing",
                },
                Mutation {
                    change: "admissionperiod supportingInfo repeated",
                    example: INPATIENT_EXAMPLE,
                    profile: INPATIENT,
                    apply: |eob| {
                        let index = supporting_info_index(eob, "admissionperiod");
                        let admission = eob["supportingInfo"][index].clone();
                        let infos = eob["supportingInfo"]
                            .as_array_mut()
                            .expect("supportingInfo");
                        infos.push(admission);
                        "ExplanationOfBenefit.supportingInfo".to_owned()
                    },
                    constraint: ConstraintKind::Slice,
                    message: "slice admissionperiod occurs 2 times",
                },
                Mutation {
                    change: "required outcome removed",
                    example: INPATIENT_EXAMPLE,
                    profile: INPATIENT,
                    apply: |eob| {
                        let object = eob.as_object_mut().expect("object");
                        object.remove("outcome");
                        "ExplanationOfBenefit.outcome".to_owned()
                    },
                    constraint: ConstraintKind::Cardinality,
                    message: "",
                },
                Mutation {
                    // The medicalrecordnumber slice narrows `value[x]` to string.
                    change: "medical record number given as valueBoolean",
                    example: INPATIENT_EXAMPLE,
                    profile: INPATIENT,
                    apply: |eob| {
                        let (index, info) = supporting_info_mut(eob, "medicalrecordnumber");
                        info.remove("valueString");
                        info.insert("valueBoolean".to_owned(), json!(true));
                        format!("ExplanationOfBenefit.supportingInfo[{index}].valueBoolean")
                    },
                    constraint: ConstraintKind::Type,
                    message: "expected one of [valueString]",
                },
                Mutation {
                    change: "medical record number valueString removed",
                    example: INPATIENT_EXAMPLE,
                    profile: INPATIENT,
                    apply: |eob| {
                        let (index, info) = supporting_info_mut(eob, "medicalrecordnumber");
                        info.remove("valueString");
                        format!("ExplanationOfBenefit.supportingInfo[{index}].value")
                    },
                    constraint: ConstraintKind::Slice,
                    message: "slice valueString occurs 0 times",
                },
            ],
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

    const BODY_WEIGHT: &str = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-body-weight";
    const WEIGHT_EXAMPLE: &str = "Observation-weight.json";

    #[test]
    fn us_core_mutations_are_reported() {
        check_mutations(
            ID,
            VERSION,
            &[
                Mutation {
                    // The race extension requires its `text` sub-extension.
                    change: "race text removed",
                    example: "Patient-example.json",
                    profile: PATIENT,
                    apply: |patient| {
                        let index = index_where(patient, "/extension", |e| {
                            e["url"]
                                == "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race"
                        });
                        patient["extension"][index]["extension"]
                            .as_array_mut()
                            .expect("nested")
                            .retain(|e| e["url"] != "text");
                        format!("Patient.extension[{index}].extension")
                    },
                    constraint: ConstraintKind::Slice,
                    message: "slice text occurs 0 times",
                },
                Mutation {
                    // `value[x]:valueQuantity.system` is fixed to UCUM.
                    change: "weight system changed",
                    example: WEIGHT_EXAMPLE,
                    profile: BODY_WEIGHT,
                    apply: |weight| {
                        weight["valueQuantity"]["system"] = json!("http://example.org/units");
                        "Observation.valueQuantity.system".to_owned()
                    },
                    constraint: ConstraintKind::Fixed,
                    message: "http://unitsofmeasure.org",
                },
                Mutation {
                    // `value[x]:valueQuantity.unit` is 1..1.
                    change: "weight unit removed",
                    example: WEIGHT_EXAMPLE,
                    profile: BODY_WEIGHT,
                    apply: |weight| {
                        let quantity = weight["valueQuantity"].as_object_mut().expect("object");
                        quantity.remove("unit");
                        "Observation.valueQuantity.unit".to_owned()
                    },
                    constraint: ConstraintKind::Cardinality,
                    message: "Observation.value[x]:valueQuantity.unit",
                },
                Mutation {
                    // `value[x]:valueQuantity.code` is bound to ucum-bodyweight.
                    change: "weight code outside its value set",
                    example: WEIGHT_EXAMPLE,
                    profile: BODY_WEIGHT,
                    apply: |weight| {
                        weight["valueQuantity"]["code"] = json!("cm");
                        "Observation.valueQuantity.code".to_owned()
                    },
                    constraint: ConstraintKind::Binding,
                    message: "ucum-bodyweight",
                },
            ],
        );
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
#[cfg(feature = "carin-bb")]
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
    fn nested_extension_slices_have_accessors() {
        let json = hans_solo_role();
        let role = PlannetPractitionerRole::try_from(base_of::<PractitionerRole>(&json))
            .expect("valid role");
        let index = index_where(&json, "/extension", |e| {
            e["url"]
                == "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/qualification"
        });
        let qualification = &role.extension[index];
        let parts = &json["extension"][index]["extension"];

        // `extension:qualification.extension:code`, a slice in a slice.
        let codes: Vec<Value> =
            PlannetPractitionerRole::extension_qualification_extension_code(qualification)
                .map(serialized)
                .collect();
        assert_eq!(codes, [parts[0].clone()]);
        let statuses: Vec<Value> =
            PlannetPractitionerRole::extension_qualification_extension_status(qualification)
                .map(serialized)
                .collect();
        assert_eq!(statuses, [parts[1].clone()]);
        let other = index_where(&json, "/extension", |e| {
            e["url"]
                == "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/network-reference"
        });
        let network_reference = &role.extension[other];
        assert_eq!(
            PlannetPractitionerRole::extension_qualification_extension_code(network_reference)
                .count(),
            0
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
    fn vital_sign_exposes_value_quantity() {
        use fhir_payer::profiles::us_core_v6_1_0::USCoreBodyWeightProfile;
        use fhir_payer::r4::Observation;
        let json = example_json("hl7.fhir.us.core", "6.1.0", "Observation-weight.json");
        let weight =
            USCoreBodyWeightProfile::try_from(base_of::<Observation>(&json)).expect("valid weight");
        let quantity = weight.value_quantity().expect("valueQuantity");
        assert_eq!(serialized(quantity), json["valueQuantity"]);
        assert_eq!(
            quantity
                .code
                .as_ref()
                .and_then(|c| c.value())
                .map(|c| c.as_str()),
            Some("kg")
        );
    }

    /// CARIN BB 2.0.0 depends on US Core 3.1.1, so its Patient's race is the
    /// 3.1.1 extension type even though US Core 6.1.0 is built too.
    #[cfg(feature = "carin-bb")]
    #[test]
    fn carin_race_uses_dependency_version() {
        use fhir_payer::profiles::carin_bb_v2_0_0::C4BBPatient;
        use fhir_payer::profiles::us_core_v3_1_1::USCoreRaceExtension;
        const RACE: &str = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race";
        // The CARIN examples have no race, so the US Core 3.1.1 example's
        // race is copied in.
        let us_core = example_json("hl7.fhir.us.core", "3.1.1", "Patient-example.json");
        let index = index_where(&us_core, "/extension", |e| e["url"] == RACE);
        let mut json = example_json("hl7.fhir.us.carin-bb", "2.0.0", "Patient-Patient1.json");
        let object = json.as_object_mut().expect("object");
        let extensions = object.entry("extension").or_insert_with(|| json!([]));
        extensions
            .as_array_mut()
            .expect("extensions")
            .push(us_core["extension"][index].clone());

        let patient = C4BBPatient::try_from(base_of::<Patient>(&json)).expect("valid patient");
        let race: Option<USCoreRaceExtension> = patient.race();
        let race = race.expect("race");
        assert_eq!(
            race.text.value().map(String::as_str),
            us_core["extension"][index]["extension"]
                .as_array()
                .expect("race parts")
                .iter()
                .find(|part| part["url"] == "text")
                .and_then(|part| part["valueString"].as_str())
        );
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
    fn type_slices_have_typed_accessors() {
        let json = inpatient_with_drg();
        let eob =
            InpatientEob::try_from(base_of::<ExplanationOfBenefit>(&json)).expect("valid EOB");

        // `supportingInfo:admissionperiod.timing[x]:timingPeriod`, a type
        // slice under a slice.
        let admission = eob
            .supporting_info_admissionperiod()
            .expect("admission period");
        let period = InpatientEob::supporting_info_admissionperiod_timing_period(admission)
            .expect("timingPeriod");
        assert_eq!(
            serialized(period),
            json!({"start": "2011-05-23", "end": "2011-05-25"})
        );
        let received = eob.supporting_info_clmrecvddate().expect("clmrecvddate");
        assert_eq!(
            InpatientEob::supporting_info_admissionperiod_timing_period(received),
            None
        );

        let index = supporting_info_index(&json, "medicalrecordnumber");
        let record = eob
            .supporting_info_medicalrecordnumber()
            .expect("medicalrecordnumber");
        let number = InpatientEob::supporting_info_medicalrecordnumber_value_string(record)
            .expect("valueString");
        assert_eq!(
            number.value().map(String::as_str),
            json["supportingInfo"][index]["valueString"].as_str()
        );
    }

    #[test]
    fn item_type_slices_have_typed_accessors() {
        use fhir_payer::profiles::carin_bb_v2_0_0::{
            C4BBExplanationOfBenefitOutpatientInstitutional as OutpatientEob,
            C4BBExplanationOfBenefitProfessionalNonClinician as ProfessionalEob,
        };
        let id = "hl7.fhir.us.carin-bb";
        let json = example_json(id, "2.0.0", "ExplanationOfBenefit-EOBOutpatient1.json");
        let eob =
            OutpatientEob::try_from(base_of::<ExplanationOfBenefit>(&json)).expect("valid EOB");
        let item = eob.item.first().expect("item");
        let date = OutpatientEob::item_serviced_date(item).expect("servicedDate");
        assert_eq!(
            date.value().map(ToString::to_string).as_deref(),
            json["item"][0]["servicedDate"].as_str()
        );

        let json = example_json(id, "2.0.0", "ExplanationOfBenefit-EOBProfessional1.json");
        let eob =
            ProfessionalEob::try_from(base_of::<ExplanationOfBenefit>(&json)).expect("valid EOB");
        let item = eob.item.first().expect("item");
        let location =
            ProfessionalEob::item_location_codeable_concept(item).expect("locationCodeableConcept");
        assert_eq!(
            serialized(location),
            json["item"][0]["locationCodeableConcept"]
        );
    }

    /// The generated accessors compare fields; the profile table's slice
    /// test goes through JSON. Both must pick the same members.
    #[test]
    fn typed_slice_tests_agree_with_json() {
        use fhir_payer::profiles::__private::in_slice;
        use fhir_payer::profiles::carin_bb_v2_0_0::C4BB_EXPLANATION_OF_BENEFIT_INPATIENT_INSTITUTIONAL as TABLE;
        use fhir_payer::r4::{
            ExplanationOfBenefitItemAdjudication, ExplanationOfBenefitSupportingInfo,
        };
        let eob = InpatientEob::try_from(base_of::<ExplanationOfBenefit>(&inpatient_with_drg()))
            .expect("valid EOB");
        let index = |id: &str| {
            TABLE
                .elements
                .iter()
                .position(|e| e.id == id)
                .unwrap_or_else(|| panic!("{id} is in the table"))
        };

        let infos: [(&str, Vec<&ExplanationOfBenefitSupportingInfo>); 9] = [
            (
                "admissionperiod",
                eob.supporting_info_admissionperiod().into_iter().collect(),
            ),
            (
                "clmrecvddate",
                eob.supporting_info_clmrecvddate().into_iter().collect(),
            ),
            (
                "typeofbill",
                eob.supporting_info_typeofbill().into_iter().collect(),
            ),
            (
                "pointoforigin",
                eob.supporting_info_pointoforigin().into_iter().collect(),
            ),
            (
                "admtype",
                eob.supporting_info_admtype().into_iter().collect(),
            ),
            (
                "discharge-status",
                eob.supporting_info_discharge_status().into_iter().collect(),
            ),
            ("drg", eob.supporting_info_drg().into_iter().collect()),
            (
                "medicalrecordnumber",
                eob.supporting_info_medicalrecordnumber()
                    .into_iter()
                    .collect(),
            ),
            (
                "patientaccountnumber",
                eob.supporting_info_patientaccountnumber()
                    .into_iter()
                    .collect(),
            ),
        ];
        let sliced = index("ExplanationOfBenefit.supportingInfo");
        for (name, typed) in infos {
            let slice = index(&format!("ExplanationOfBenefit.supportingInfo:{name}"));
            let by_json: Vec<&ExplanationOfBenefitSupportingInfo> = eob
                .supporting_info
                .iter()
                .filter(|info| in_slice(&TABLE, sliced, slice, *info))
                .collect();
            assert_eq!(typed.len(), 1, "{name}");
            assert_eq!(typed, by_json, "{name}");
        }

        // Slices chosen by the required binding of `category`.
        let sliced = index("ExplanationOfBenefit.adjudication");
        let slice = index("ExplanationOfBenefit.adjudication:adjudicationamounttype");
        let typed: Vec<&ExplanationOfBenefitItemAdjudication> =
            eob.adjudication_adjudicationamounttype().collect();
        let by_json: Vec<&ExplanationOfBenefitItemAdjudication> = eob
            .adjudication
            .iter()
            .filter(|adjudication| in_slice(&TABLE, sliced, slice, *adjudication))
            .collect();
        assert!(!typed.is_empty());
        assert_eq!(typed, by_json);
    }

    #[test]
    fn core_value_set_bindings_are_enums() {
        use fhir_payer::profiles::ValueSetCode;
        use fhir_payer::profiles::carin_bb_v2_0_0::{
            C4BBCoverage, ClaimTypeCodes, SubscriberRelationshipCodes,
        };
        let eob = InpatientEob::try_from(base_of::<ExplanationOfBenefit>(&inpatient_with_drg()))
            .expect("valid EOB");
        // `type` is bound (required) to the core claim-type value set.
        assert_eq!(eob.type_code(), Some(ClaimTypeCodes::Institutional));
        assert_eq!(
            ClaimTypeCodes::Institutional.system(),
            "http://terminology.hl7.org/CodeSystem/claim-type"
        );

        let json = example_json("hl7.fhir.us.carin-bb", "2.0.0", "Coverage-Coverage1.json");
        let coverage = C4BBCoverage::try_from(base_of::<fhir_payer::r4::Coverage>(&json))
            .expect("valid coverage");
        assert_eq!(
            coverage.relationship_code(),
            Some(SubscriberRelationshipCodes::Self_)
        );
        assert_eq!(SubscriberRelationshipCodes::Self_.code(), "self");
    }

    #[test]
    fn nested_bindings_have_enum_accessors() {
        use fhir_payer::profiles::carin_bb_v2_0_0::{
            C4BBAdjudication, C4BBClaimInpatientInstitutionalDiagnosisType as DiagnosisType,
        };
        let eob = InpatientEob::try_from(base_of::<ExplanationOfBenefit>(&inpatient_with_drg()))
            .expect("valid EOB");
        let diagnosis = eob.diagnosis.first().expect("diagnosis");
        assert_eq!(
            InpatientEob::diagnosis_type_codes(diagnosis),
            [DiagnosisType::Principal]
        );

        // Adjudication categories inside a slice.
        let categories: Vec<C4BBAdjudication> = eob
            .adjudication_adjudicationamounttype()
            .filter_map(InpatientEob::adjudication_adjudicationamounttype_category_code)
            .collect();
        assert!(
            categories.contains(&C4BBAdjudication::Submitted),
            "{categories:?}"
        );
        assert!(
            categories.contains(&C4BBAdjudication::Paidtoprovider),
            "{categories:?}"
        );
        let totals: Vec<C4BBAdjudication> = eob
            .total_adjudicationamounttype()
            .filter_map(InpatientEob::total_adjudicationamounttype_category_code)
            .collect();
        assert_eq!(totals.len(), eob.total_adjudicationamounttype().count());
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
