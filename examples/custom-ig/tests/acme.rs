//! The generated Acme IG types: validation, slices, the extension, enums and
//! the JSON round trip.

use custom_ig::acme_ig::{ACME_COVERAGE, AcmeCoverage, AcmeCoverageKindVS, PlanTier, PlanTierVS};
use fhir_payer::profiles::{ConstraintKind, ValueSetCode, Violation};
use fhir_payer::r4::Coverage;
use serde_json::{Value, json};

fn coverage_json() -> Value {
    json!({
        "resourceType": "Coverage",
        "id": "acme-1",
        "extension": [{
            "url": "http://example.org/fhir/acme/StructureDefinition/plan-tier",
            "valueCode": "silver"
        }],
        "identifier": [{"system": "http://example.org/fhir/acme/member-number", "value": "M-7"}],
        "status": "active",
        "type": {"coding": [{"system": "http://example.org/fhir/acme/CodeSystem/acme-codes", "code": "dental"}]},
        "subscriberId": "A-100",
        "beneficiary": {"reference": "Patient/1"},
        "payor": [{"reference": "Organization/acme"}],
        "class": [{
            "type": {"coding": [
                {"system": "http://terminology.hl7.org/CodeSystem/coverage-class", "code": "group"},
                {"system": "http://example.org/fhir/acme/CodeSystem/acme-codes", "code": "medical"}
            ]},
            "value": "G-42"
        }, {
            "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/coverage-class", "code": "plan"}]},
            "value": "BASIC"
        }, {
            "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/coverage-class", "code": "plan"}]},
            "value": "PREMIUM"
        }]
    })
}

fn coverage(json: &Value) -> Coverage {
    serde_json::from_value(json.clone()).expect("parse Coverage")
}

fn has_violation(violations: &[Violation], path: &str, constraint: ConstraintKind) -> bool {
    violations
        .iter()
        .any(|v| v.path == path && v.constraint == constraint)
}

#[test]
fn valid_coverage_converts() {
    let acme = AcmeCoverage::try_from(coverage(&coverage_json())).expect("valid coverage");
    // subscriberId is 1..1 in the profile, payor is 1..1.
    assert_eq!(
        acme.subscriber_id.value().map(String::as_str),
        Some("A-100")
    );
    assert_eq!(
        serde_json::to_value(&acme.payor).expect("JSON"),
        json!({"reference": "Organization/acme"})
    );

    let group = acme.class_group().expect("group slice");
    let group_number = group.value.as_ref().and_then(|v| v.value());
    assert_eq!(group_number.map(String::as_str), Some("G-42"));

    let tier = acme.plan_tier().expect("plan tier");
    assert_eq!(tier.value_code(), Some(PlanTierVS::Silver));
    assert_eq!(acme.r#type_code(), Some(AcmeCoverageKindVS::Dental));
    assert_eq!(
        AcmeCoverageKindVS::Dental.system(),
        "http://example.org/fhir/acme/CodeSystem/acme-codes"
    );
}

#[test]
fn nested_slice_and_reslice_accessors() {
    let acme = AcmeCoverage::try_from(coverage(&coverage_json())).expect("valid coverage");

    // `class:group.type.coding:acme`, a slice inside the `group` slice.
    let group = acme.class_group().expect("group slice");
    let group_type = group.r#type.as_ref().expect("group type");
    let acme_codes: Vec<&str> = AcmeCoverage::class_group_type_coding_acme(group_type)
        .filter_map(|coding| coding.code.as_ref()?.value())
        .map(|code| code.as_str())
        .collect();
    assert_eq!(acme_codes, ["medical"]);

    // `class:plan/basic` re-slices the `plan` slice by value.
    let plans: Vec<&str> = acme
        .class_plan()
        .filter_map(|plan| plan.value.as_ref()?.value())
        .map(String::as_str)
        .collect();
    assert_eq!(plans, ["BASIC", "PREMIUM"]);
    let basic = acme.class_plan_basic().expect("basic plan");
    assert_eq!(
        basic
            .value
            .as_ref()
            .and_then(|v| v.value())
            .map(String::as_str),
        Some("BASIC")
    );
}

/// Applies `change` to the valid coverage and asserts that conversion
/// reports a violation of `constraint` at `path` whose message contains
/// `message`.
fn assert_mutation(change: fn(&mut Value), path: &str, constraint: ConstraintKind, message: &str) {
    let mut json = coverage_json();
    change(&mut json);
    let violations = AcmeCoverage::try_from(coverage(&json)).unwrap_err();
    assert!(
        violations
            .iter()
            .any(|v| v.path == path && v.constraint == constraint && v.message.contains(message)),
        "expected a {constraint:?} violation at {path} containing {message:?}, found {violations:#?}"
    );
}

#[test]
fn datatype_child_constraints_are_checked() {
    // The expanded snapshot has the Identifier elements under
    // `Coverage.identifier`, with their base types and cardinality.
    let system = ACME_COVERAGE
        .element("Coverage.identifier.system")
        .expect("identifier system");
    assert_eq!((system.min, system.max), (1, Some(1)));
    assert_eq!(system.types.first().map(|t| t.code), Some("uri"));
    assert!(ACME_COVERAGE.element("Coverage.identifier.value").is_some());

    // `Coverage.identifier.system` is 1..1 and fixed, a constraint inside
    // the Identifier datatype.
    assert_mutation(
        |json| json["identifier"][0]["system"] = json!("http://example.org/other"),
        "Coverage.identifier[0].system",
        ConstraintKind::Fixed,
        "http://example.org/fhir/acme/member-number",
    );
    assert_mutation(
        |json| {
            let identifier = json["identifier"][0].as_object_mut().expect("identifier");
            identifier.remove("system");
        },
        "Coverage.identifier[0].system",
        ConstraintKind::Cardinality,
        "Coverage.identifier.system",
    );
}

#[test]
fn nested_slice_and_reslice_are_checked() {
    // The acme coding of the group's type needs a code.
    assert_mutation(
        |json| {
            let coding = json["class"][0]["type"]["coding"][1]
                .as_object_mut()
                .expect("coding");
            coding.remove("code");
        },
        "Coverage.class[0].type.coding[1].code",
        ConstraintKind::Cardinality,
        "Coverage.class:group.type.coding:acme.code",
    );
    // The basic plan may occur once.
    assert_mutation(
        |json| {
            let basic = json["class"][1].clone();
            json["class"].as_array_mut().expect("class").push(basic);
        },
        "Coverage.class",
        ConstraintKind::Slice,
        "slice plan/basic occurs 2 times",
    );
}

#[test]
fn coverage_json_round_trips() {
    let json = coverage_json();
    let acme = AcmeCoverage::try_from(coverage(&json)).expect("valid coverage");
    let mut expected = json.clone();
    expected["meta"] = json!({"profile": [AcmeCoverage::URL]});
    assert_eq!(serde_json::to_value(&acme).expect("serialize"), expected);
    let back: AcmeCoverage = serde_json::from_value(expected.clone()).expect("deserialize");
    assert_eq!(back.meta.as_ref().map(|m| m.profile.len()), Some(1));
    assert_eq!(serde_json::to_value(&back).expect("serialize"), expected);
}

#[test]
fn every_violation_is_returned() {
    let mut json = coverage_json();
    let object = json.as_object_mut().expect("object");
    object.remove("subscriberId");
    object.insert("status".to_owned(), json!("cancelled"));
    object.insert("class".to_owned(), json!([{
        "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/coverage-class", "code": "plan"}]},
        "value": "P-1"
    }]));
    object["type"]["coding"][0]["code"] = json!("vision");
    object["extension"][0]["valueCode"] = json!("platinum");
    let violations = AcmeCoverage::try_from(coverage(&json)).unwrap_err();
    let list = format!("{violations:#?}");
    assert!(
        has_violation(
            &violations,
            "Coverage.subscriberId",
            ConstraintKind::Cardinality
        ),
        "{list}"
    );
    assert!(
        has_violation(&violations, "Coverage.status", ConstraintKind::Fixed),
        "{list}"
    );
    assert!(
        has_violation(&violations, "Coverage.class", ConstraintKind::Slice),
        "{list}"
    );
    assert!(
        has_violation(&violations, "Coverage.type", ConstraintKind::Binding),
        "{list}"
    );
    assert!(
        violations
            .iter()
            .any(|v| v.path.starts_with("Coverage.extension[0]")
                && v.constraint == ConstraintKind::Binding),
        "{list}"
    );
}

#[test]
fn extension_converts_both_ways() {
    let tier = PlanTier {
        value: fhir_payer::primitives::Primitive::new("gold".parse().expect("code")),
    };
    let extension = fhir_payer::r4::Extension::from(tier.clone());
    assert_eq!(
        serde_json::to_value(&extension).expect("JSON"),
        json!({"url": PlanTier::URL, "valueCode": "gold"})
    );
    assert_eq!(PlanTier::try_from(&extension).expect("valid"), tier);
    assert_eq!(tier.value_code(), Some(PlanTierVS::Gold));
}
