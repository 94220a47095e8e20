//! Search index extraction: hand-written resources with exact expected
//! values, and a run over every official R4 example.
//!
//! The examples package (`hl7.fhir.r4.examples@4.0.1`) is not committed:
//! `fhir-definitions/fetch.sh examples` puts it in `target/fhir-packages/`.

use std::collections::BTreeMap;

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use fhir_payer::primitives::Decimal;
use fhir_payer::r4::{QuantityComparator, Resource, ResourceType};
use fhir_payer::search::extract::{
    DateBound, DateValue, IndexValue, QuantityAmount, QuantityValue, ReferenceValue, StringValue,
    TokenValue, UNSUPPORTED_EXPRESSIONS, extract, extract_by_code,
};
use fhir_payer::search::registry::{SearchParamType, search_parameter, search_parameters};

use common::{example_files, with_entries};

fn parse(json: &str) -> Resource {
    fhir_payer::json::from_str(json).expect("valid test resource")
}

fn decimal(text: &str) -> Decimal {
    text.parse().expect("valid decimal")
}

fn local(year: i32, month: u32, day: u32) -> DateBound {
    let date = NaiveDate::from_ymd_opt(year, month, day).expect("valid date");
    DateBound::Local(date.and_hms_opt(0, 0, 0).expect("valid time"))
}

fn token(system: Option<&str>, code: Option<&str>, text: Option<&str>) -> IndexValue {
    IndexValue::Token(TokenValue {
        system: system.map(str::to_owned),
        code: code.map(str::to_owned),
        text: text.map(str::to_owned),
        identifier_type: Vec::new(),
    })
}

fn reference(text: &str, resource_type: ResourceType, id: &str) -> IndexValue {
    IndexValue::Reference(ReferenceValue {
        reference: Some(text.to_owned()),
        resource_type: Some(resource_type),
        id: Some(id.to_owned()),
        ..ReferenceValue::default()
    })
}

const PATIENT: &str = r#"{
    "resourceType": "Patient",
    "id": "p1",
    "birthDate": "1970-03",
    "name": [{"family": "Müller", "given": ["Élodie", "Anne"], "prefix": ["Dr."]}],
    "extension": [
        {"url": "http://hl7.org/fhir/StructureDefinition/patient-extensions-Patient-mothersMaidenName", "valueString": "Ñúñez"},
        {"url": "http://example.org/other", "valueString": "ignored"}
    ]
}"#;

#[test]
fn patient_birthdate_is_month_range() {
    let values = extract_by_code(&parse(PATIENT), "birthdate");
    let expected = IndexValue::Date(DateValue {
        start: Some(local(1970, 3, 1)),
        end: Some(local(1970, 4, 1)),
    });
    assert_eq!(values, vec![expected]);
}

#[test]
fn patient_name_is_normalized_per_part() {
    let values = extract_by_code(&parse(PATIENT), "name");
    let strings: Vec<(&str, &str)> = values
        .iter()
        .map(|v| match v {
            IndexValue::String(s) => (s.original.as_str(), s.normalized.as_str()),
            other => panic!("expected strings, found {other:?}"),
        })
        .collect();
    assert_eq!(
        strings,
        [
            ("Müller", "muller"),
            ("Élodie", "elodie"),
            ("Anne", "anne"),
            ("Dr.", "dr.")
        ]
    );
}

#[test]
fn patient_given_is_given_names_only() {
    let values = extract_by_code(&parse(PATIENT), "given");
    assert_eq!(
        values,
        vec![
            IndexValue::String(StringValue::new("Élodie")),
            IndexValue::String(StringValue::new("Anne"))
        ]
    );
}

#[test]
fn patient_extension_parameter() {
    let values = extract_by_code(&parse(PATIENT), "mothersMaidenName");
    assert_eq!(values, vec![IndexValue::String(StringValue::new("Ñúñez"))]);
}

#[test]
fn resource_id_is_token() {
    let values = extract_by_code(&parse(PATIENT), "_id");
    assert_eq!(values, vec![token(None, Some("p1"), None)]);
}

const OBSERVATION: &str = r#"{
    "resourceType": "Observation",
    "id": "o1",
    "status": "final",
    "code": {
        "coding": [{"system": "http://loinc.org", "code": "29463-7", "display": "Body Weight"}],
        "text": "Weight"
    },
    "subject": {"reference": "Patient/123"},
    "effectivePeriod": {"start": "2024-01-05"},
    "valueQuantity": {"value": 67.50, "comparator": "<", "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"}
}"#;

fn weight_tokens() -> Vec<IndexValue> {
    vec![
        token(
            Some("http://loinc.org"),
            Some("29463-7"),
            Some("Body Weight"),
        ),
        token(None, None, Some("Weight")),
    ]
}

fn weight_quantity() -> IndexValue {
    IndexValue::Quantity(QuantityValue {
        amount: QuantityAmount::Value {
            value: decimal("67.50"),
            comparator: Some(QuantityComparator::LessThan),
        },
        unit: Some("kg".to_owned()),
        system: Some("http://unitsofmeasure.org".to_owned()),
        code: Some("kg".to_owned()),
    })
}

#[test]
fn observation_code_tokens() {
    assert_eq!(
        extract_by_code(&parse(OBSERVATION), "code"),
        weight_tokens()
    );
}

#[test]
fn observation_value_quantity() {
    assert_eq!(
        extract_by_code(&parse(OBSERVATION), "value-quantity"),
        vec![weight_quantity()]
    );
}

#[test]
fn observation_value_keeps_written_precision() {
    let values = extract_by_code(&parse(OBSERVATION), "value-quantity");
    let Some(IndexValue::Quantity(QuantityValue {
        amount: QuantityAmount::Value { value, .. },
        ..
    })) = values.first()
    else {
        panic!("expected a quantity, found {values:?}");
    };
    assert_eq!(value.as_str(), "67.50");
}

#[test]
fn observation_subject_reference_is_parsed() {
    let values = extract_by_code(&parse(OBSERVATION), "subject");
    assert_eq!(
        values,
        vec![reference("Patient/123", ResourceType::Patient, "123")]
    );
}

#[test]
fn observation_open_period_has_open_end() {
    let values = extract_by_code(&parse(OBSERVATION), "date");
    let expected = IndexValue::Date(DateValue {
        start: Some(local(2024, 1, 5)),
        end: None,
    });
    assert_eq!(values, vec![expected]);
}

#[test]
fn observation_code_value_quantity_composite() {
    let values = extract_by_code(&parse(OBSERVATION), "code-value-quantity");
    assert_eq!(values.len(), 1, "one composite per Observation: {values:?}");
    let IndexValue::Composite(components) = &values[0] else {
        panic!("expected a composite, found {values:?}")
    };
    assert_eq!(components.len(), 2);
    assert_eq!(components[0].param.code, "code");
    assert_eq!(components[0].values, weight_tokens());
    assert_eq!(components[1].param.code, "value-quantity");
    assert_eq!(components[1].values, vec![weight_quantity()]);
}

#[test]
fn combo_composite_covers_components() {
    let observation = parse(
        r#"{
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "85354-9"}]},
        "component": [
            {"code": {"coding": [{"system": "http://loinc.org", "code": "8480-6"}]}, "valueQuantity": {"value": 120}},
            {"code": {"coding": [{"system": "http://loinc.org", "code": "8462-4"}]}, "valueQuantity": {"value": 80}}
        ]
    }"#,
    );
    let values = extract_by_code(&observation, "combo-code-value-quantity");
    // The panel has no value, so only the two components form composites.
    assert_eq!(values.len(), 2, "{values:?}");
    let IndexValue::Composite(second) = &values[1] else {
        panic!("expected a composite")
    };
    assert_eq!(
        second[0].values,
        vec![token(Some("http://loinc.org"), Some("8462-4"), None)]
    );
}

#[test]
fn where_resolve_is_patient_keeps_patient() {
    let values = extract_by_code(&parse(OBSERVATION), "patient");
    assert_eq!(
        values,
        vec![reference("Patient/123", ResourceType::Patient, "123")]
    );
}

#[test]
fn where_resolve_is_patient_drops_group() {
    let observation = parse(
        r#"{"resourceType": "Observation", "status": "final", "subject": {"reference": "Group/g1"}}"#,
    );
    assert_eq!(extract_by_code(&observation, "patient"), Vec::new());
    assert_eq!(extract_by_code(&observation, "subject").len(), 1);
}

#[test]
fn where_resolve_is_uses_contained_type() {
    let observation = parse(
        r##"{"resourceType": "Observation", "status": "final",
            "contained": [{"resourceType": "Patient", "id": "c1"}],
            "subject": {"reference": "#c1"}}"##,
    );
    let expected = IndexValue::Reference(ReferenceValue {
        reference: Some("#c1".to_owned()),
        resource_type: Some(ResourceType::Patient),
        id: Some("c1".to_owned()),
        ..ReferenceValue::default()
    });
    assert_eq!(extract_by_code(&observation, "patient"), vec![expected]);
}

#[test]
fn where_resolve_is_uses_reference_type() {
    let observation = parse(
        r#"{"resourceType": "Observation", "status": "final",
            "subject": {"type": "Patient", "identifier": {"system": "urn:oid:1.2.3", "value": "MRN7"}}}"#,
    );
    let values = extract_by_code(&observation, "patient");
    assert_eq!(values.len(), 1, "{values:?}");
    let IndexValue::Reference(value) = &values[0] else {
        panic!("expected a reference")
    };
    assert_eq!(value.resource_type, Some(ResourceType::Patient));
    assert_eq!(value.reference, None);
    let identifier = value.identifier.as_ref().expect("identifier kept");
    assert_eq!(identifier.system.as_deref(), Some("urn:oid:1.2.3"));
    assert_eq!(identifier.code.as_deref(), Some("MRN7"));
}

#[test]
fn where_resolve_is_drops_untyped_urn() {
    let observation = parse(
        r#"{"resourceType": "Observation", "status": "final",
            "subject": {"reference": "urn:uuid:04121321-4af5-424c-a0e1-ed3aab1c349d"}}"#,
    );
    assert_eq!(extract_by_code(&observation, "patient"), Vec::new());
}

const EOB: &str = r#"{
    "resourceType": "ExplanationOfBenefit",
    "id": "eob1",
    "status": "active",
    "use": "claim",
    "patient": {"reference": "Patient/pat1"},
    "created": "2024-02-10T10:00:00Z",
    "provider": {"reference": "https://fhir.example.org/r4/Practitioner/prac1/_history/3"},
    "outcome": "complete",
    "insurance": [{"focal": true, "coverage": {"reference": "Coverage/cov1"}}],
    "billablePeriod": {"start": "2024-01-01", "end": "2024-01-31"}
}"#;

#[test]
fn eob_patient_reference() {
    assert_eq!(
        extract_by_code(&parse(EOB), "patient"),
        vec![reference("Patient/pat1", ResourceType::Patient, "pat1")]
    );
}

#[test]
fn eob_provider_absolute_versioned_reference() {
    let text = "https://fhir.example.org/r4/Practitioner/prac1/_history/3";
    let expected = IndexValue::Reference(ReferenceValue {
        version: Some("3".to_owned()),
        ..match reference(text, ResourceType::Practitioner, "prac1") {
            IndexValue::Reference(value) => value,
            _ => unreachable!(),
        }
    });
    assert_eq!(extract_by_code(&parse(EOB), "provider"), vec![expected]);
}

#[test]
fn eob_created_is_one_second() {
    let start = Utc
        .with_ymd_and_hms(2024, 2, 10, 10, 0, 0)
        .single()
        .expect("valid instant");
    let end = Utc
        .with_ymd_and_hms(2024, 2, 10, 10, 0, 1)
        .single()
        .expect("valid instant");
    let expected = IndexValue::Date(DateValue {
        start: Some(DateBound::Utc(start)),
        end: Some(DateBound::Utc(end)),
    });
    assert_eq!(extract_by_code(&parse(EOB), "created"), vec![expected]);
}

#[test]
fn eob_coverage_reference() {
    let values = extract_by_code(&parse(EOB), "coverage");
    assert_eq!(
        values,
        vec![reference("Coverage/cov1", ResourceType::Coverage, "cov1")]
    );
}

#[test]
#[cfg(not(any(feature = "carin-bb", feature = "pdex")))]
fn eob_service_date_needs_guide() {
    // `service-date` (billablePeriod | item.serviced) is defined by CARIN
    // Blue Button and PDex, not by R4 core, so without those features the
    // registry lacks it.
    assert!(search_parameter("ExplanationOfBenefit", "service-date").is_none());
    assert_eq!(extract_by_code(&parse(EOB), "service-date"), Vec::new());
}

#[test]
#[cfg(feature = "carin-bb")]
fn eob_service_date_from_carin() {
    // CARIN BB: `ExplanationOfBenefit.billablePeriod | ExplanationOfBenefit.item.serviced`.
    let values = extract_by_code(&parse(EOB), "service-date");
    let [IndexValue::Date(period)] = values.as_slice() else {
        panic!("expected one date range, found {values:?}");
    };
    let utc = chrono::FixedOffset::east_opt(0).expect("zero offset");
    let start = period.start.expect("start").to_utc(utc);
    assert_eq!(start, Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap());
    let start_only = extract_by_code(&parse(EOB), "billable-period-start");
    assert_eq!(start_only.len(), 1);
}

#[test]
fn plan_net_network_from_extension() {
    let role = parse(
        r#"{"resourceType": "PractitionerRole", "id": "r1",
            "extension": [
              {"url": "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/network-reference",
               "valueReference": {"reference": "Organization/net1"}},
              {"url": "http://example.org/other", "valueReference": {"reference": "Organization/no"}}]}"#,
    );
    assert_eq!(
        extract_by_code(&role, "network"),
        vec![reference(
            "Organization/net1",
            ResourceType::Organization,
            "net1"
        )]
    );

    let plan = parse(
        r#"{"resourceType": "InsurancePlan", "id": "p1",
            "coverageArea": [{"reference": "Location/ct"}]}"#,
    );
    assert_eq!(
        extract_by_code(&plan, "coverage-area"),
        vec![reference("Location/ct", ResourceType::Location, "ct")]
    );
}

#[test]
fn coverage_beneficiary_reference() {
    let coverage = parse(
        r#"{"resourceType": "Coverage", "status": "active",
            "beneficiary": {"reference": "Patient/pat1"},
            "payor": [{"reference": "Organization/org1"}]}"#,
    );
    let expected = vec![reference("Patient/pat1", ResourceType::Patient, "pat1")];
    assert_eq!(extract_by_code(&coverage, "beneficiary"), expected);
    assert_eq!(extract_by_code(&coverage, "patient"), expected);
}

#[test]
fn identifier_token_keeps_type() {
    let coverage = parse(
        r#"{"resourceType": "Coverage", "status": "active",
            "identifier": [{"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MB"}],
                                     "text": "Member Number"},
                            "system": "https://payer.example.org/member", "value": "M-1"}]}"#,
    );
    let values = extract_by_code(&coverage, "identifier");
    let expected = IndexValue::Token(TokenValue {
        system: Some("https://payer.example.org/member".to_owned()),
        code: Some("M-1".to_owned()),
        text: Some("Member Number".to_owned()),
        identifier_type: vec![TokenValue {
            system: Some("http://terminology.hl7.org/CodeSystem/v2-0203".to_owned()),
            code: Some("MB".to_owned()),
            ..TokenValue::default()
        }],
    });
    assert_eq!(values, vec![expected]);
}

#[test]
fn required_code_has_its_system() {
    let values = extract_by_code(&parse(OBSERVATION), "status");
    assert_eq!(
        values,
        vec![token(
            Some("http://hl7.org/fhir/observation-status"),
            Some("final"),
            None
        )]
    );
}

#[test]
fn telecom_email_filter() {
    let patient = parse(
        r#"{"resourceType": "Patient", "telecom": [
            {"system": "phone", "value": "555-0100"},
            {"system": "email", "value": "a@example.org"}]}"#,
    );
    assert_eq!(
        extract_by_code(&patient, "email"),
        vec![token(None, Some("a@example.org"), None)]
    );
    assert_eq!(
        extract_by_code(&patient, "phone"),
        vec![token(None, Some("555-0100"), None)]
    );
    assert_eq!(extract_by_code(&patient, "telecom").len(), 2);
}

#[test]
fn bundle_composition_is_first_entry() {
    let bundle = parse(
        r#"{"resourceType": "Bundle", "type": "document", "entry": [
            {"fullUrl": "urn:uuid:1", "resource": {"resourceType": "Composition", "id": "c1", "status": "final"}},
            {"fullUrl": "urn:uuid:2", "resource": {"resourceType": "Patient", "id": "p2"}}]}"#,
    );
    let expected = vec![reference("Composition/c1", ResourceType::Composition, "c1")];
    assert_eq!(extract_by_code(&bundle, "composition"), expected);
    // `message` targets MessageHeader, which the first entry is not.
    assert_eq!(extract_by_code(&bundle, "message"), Vec::new());
}

#[test]
fn profile_canonical_yields_url_and_versioned_form() {
    let patient = parse(
        r#"{"resourceType": "Patient", "meta": {"profile": ["http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient|3.1.1"]}}"#,
    );
    let values = extract_by_code(&patient, "_profile");
    let expected = vec![
        IndexValue::Uri(
            "http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient".to_owned(),
        ),
        IndexValue::Uri(
            "http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient|3.1.1".to_owned(),
        ),
    ];
    assert_eq!(values, expected);
}

#[test]
fn parameter_of_other_type_yields_nothing() {
    let param = search_parameter("Observation", "value-quantity").expect("core parameter");
    assert_eq!(extract(&parse(PATIENT), param), Vec::new());
}

#[test]
fn unsupported_list_omits_deceased() {
    let listed = |code: &str| UNSUPPORTED_EXPRESSIONS.iter().find(|u| u.code == code);
    assert_eq!(listed("near").map(|u| u.resource_type), Some("Location"));
    assert!(listed("deceased").is_none(), "{UNSUPPORTED_EXPRESSIONS:#?}");
}

/// `deceased` is `Patient.deceased.exists() and Patient.deceased != false`:
/// `false` when absent, the boolean when it is one, `true` for a date, and
/// nothing for an element with extensions but no value.
#[test]
fn deceased_is_a_boolean_token() {
    let cases = [
        (r#""gender":"other""#, Some("false")),
        (r#""deceasedBoolean":false"#, Some("false")),
        (r#""deceasedBoolean":true"#, Some("true")),
        (r#""deceasedDateTime":"2019-11""#, Some("true")),
        (
            r#""_deceasedDateTime":{"extension":[{"url":"http://example.org/why","valueString":"unknown"}]}"#,
            None,
        ),
    ];
    for (members, expected) in cases {
        let patient = parse(&format!(r#"{{"resourceType":"Patient",{members}}}"#));
        let values = extract_by_code(&patient, "deceased");
        let expected: Vec<IndexValue> = expected
            .map(|code| token(None, Some(code), None))
            .into_iter()
            .collect();
        assert_eq!(values, expected, "{members}");
    }
}

#[test]
fn has_extension_filter_and_of_type() {
    let response = parse(
        r#"{"resourceType": "QuestionnaireResponse", "status": "completed", "item": [
            {"linkId": "1", "answer": [{"valueReference": {"reference": "Patient/other"}}]},
            {"linkId": "2",
             "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/questionnaireresponse-isSubject", "valueBoolean": true}],
             "answer": [{"valueReference": {"reference": "Patient/subject"}}, {"valueString": "not a reference"}]}]}"#,
    );
    let values = extract_by_code(&response, "item-subject");
    assert_eq!(
        values,
        vec![reference(
            "Patient/subject",
            ResourceType::Patient,
            "subject"
        )]
    );
}

#[test]
fn timing_occurrence_is_outer_range() {
    let request = parse(
        r#"{"resourceType": "ServiceRequest", "status": "active", "intent": "order", "subject": {"reference": "Patient/1"},
            "occurrenceTiming": {"event": ["2024-03-05", "2024-03-01", "2024-03-03"]}}"#,
    );
    let values = extract_by_code(&request, "occurrence");
    let expected = IndexValue::Date(DateValue {
        start: Some(local(2024, 3, 1)),
        end: Some(local(2024, 3, 6)),
    });
    assert_eq!(values, vec![expected]);
}

#[test]
fn decimal_number_keeps_text() {
    let assessment = parse(
        r#"{"resourceType": "RiskAssessment", "status": "final", "subject": {"reference": "Patient/1"},
            "prediction": [{"probabilityDecimal": 0.020}, {"probabilityRange": {"low": {"value": 1}}}]}"#,
    );
    let values = extract_by_code(&assessment, "probability");
    let numbers: Vec<String> = values
        .iter()
        .map(|v| match v {
            IndexValue::Number(n) => n.value.as_str().to_owned(),
            IndexValue::NumberRange(r) => format!(
                "{}..{}",
                r.low.as_ref().map_or("", |d| d.as_str()),
                r.high.as_ref().map_or("", |d| d.as_str())
            ),
            other => panic!("expected numbers, found {other:?}"),
        })
        .collect();
    // The Range choice is indexed with its open high bound.
    assert_eq!(numbers, ["0.020", "1.."]);
}

// The official examples.

fn applies_to(base: &[&str], resource_type: &str) -> bool {
    base.iter()
        .any(|b| *b == resource_type || *b == "Resource" || *b == "DomainResource")
}

/// Checks the invariants every extracted value keeps; returns a problem.
fn check_value(value: &IndexValue) -> Option<String> {
    match value {
        IndexValue::Token(t) if t.system.is_none() && t.code.is_none() && t.text.is_none() => {
            Some("empty token".to_owned())
        }
        IndexValue::String(s) if s.normalized.chars().any(char::is_uppercase) => {
            Some(format!("upper case left in {:?}", s.normalized))
        }
        IndexValue::Reference(r)
            if r.reference.is_none() && r.identifier.is_none() && r.id.is_none() =>
        {
            Some("reference without text, identifier or id".to_owned())
        }
        IndexValue::Date(d) if d.start.is_none() && d.end.is_none() => {
            Some("date without bounds".to_owned())
        }
        IndexValue::Composite(parts) if parts.iter().any(|p| p.values.is_empty()) => {
            Some("composite with an empty component".to_owned())
        }
        IndexValue::Composite(parts) => parts.iter().flat_map(|p| &p.values).find_map(check_value),
        _ => None,
    }
}

#[derive(Default)]
struct Counts {
    pairs: usize,
    with_values: usize,
    values: usize,
}

#[test]
fn official_examples_extract() {
    let files = example_files();
    assert!(
        files.len() > 5000,
        "expected about 5,300 files, found {}",
        files.len()
    );

    let mut unparsed = 0;
    let mut resources = 0;
    let mut by_type: BTreeMap<String, Counts> = BTreeMap::new();
    let mut problems = Vec::new();
    for (name, bytes) in &files {
        let Ok(root) = fhir_payer::json::from_slice(bytes) else {
            // Parse failures are the conformance test's concern.
            unparsed += 1;
            continue;
        };

        let mut all = Vec::new();
        with_entries(&root, &mut all);
        for resource in all {
            resources += 1;
            let resource_type = resource.resource_type().as_str();
            for param in search_parameters()
                .iter()
                .filter(|p| applies_to(p.base, resource_type))
            {
                let values = extract(resource, param);
                let counts = by_type
                    .entry(format!("{:?}", param.param_type).to_lowercase())
                    .or_default();
                counts.pairs += 1;
                counts.values += values.len();
                if !values.is_empty() {
                    counts.with_values += 1;
                }
                if let Some(problem) = values.iter().find_map(check_value) {
                    problems.push(format!("{name} {resource_type} {}: {problem}", param.code));
                }
            }
        }
    }

    eprintln!(
        "{} files ({unparsed} not parsed), {resources} resources including Bundle entries",
        files.len()
    );
    eprintln!(
        "{:<10} {:>8} {:>12} {:>8}",
        "type", "pairs", "with values", "values"
    );
    for (param_type, counts) in &by_type {
        eprintln!(
            "{param_type:<10} {:>8} {:>12} {:>8}",
            counts.pairs, counts.with_values, counts.values
        );
    }

    assert!(
        problems.is_empty(),
        "{} invalid values:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(resources > 5000, "only {resources} resources were indexed");

    for param_type in [
        SearchParamType::Token,
        SearchParamType::String,
        SearchParamType::Date,
        SearchParamType::Number,
        SearchParamType::Quantity,
        SearchParamType::Reference,
        SearchParamType::Uri,
        SearchParamType::Composite,
    ] {
        let key = format!("{param_type:?}").to_lowercase();
        let with_values = by_type.get(&key).map_or(0, |c| c.with_values);
        assert!(with_values > 0, "no example yields a {key} value");
    }
}
