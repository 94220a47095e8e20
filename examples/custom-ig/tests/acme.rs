//! The generated Acme IG types: validation, slices, the extension, enums and
//! the JSON round trip.

use custom_ig::acme_ig::{AcmeCoverage, AcmeCoverageKindVS, PlanTier, PlanTierVS};
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
        "status": "active",
        "type": {"coding": [{"system": "http://example.org/fhir/acme/CodeSystem/acme-codes", "code": "dental"}]},
        "subscriberId": "A-100",
        "beneficiary": {"reference": "Patient/1"},
        "payor": [{"reference": "Organization/acme"}],
        "class": [{
            "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/coverage-class", "code": "group"}]},
            "value": "G-42"
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
