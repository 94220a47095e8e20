//! Exact round trips of the JSON details that FHIR cares about: primitive
//! extensions with nulls in arrays, decimal text, partial dates, choice
//! elements and key order.

use fhir_payer::json;
use fhir_payer::primitives::{Date, DatePrecision, Primitive};
use fhir_payer::r4::{AdministrativeGender, Patient, Resource};

fn round_trip(text: &str) -> String {
    let resource = json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    json::to_string(&resource).unwrap()
}

#[test]
fn primitive_array_extensions_keep_their_positions() {
    let text = r#"{"resourceType":"Patient","name":[{"given":["Ann",null,"Lee"],"_given":[null,{"extension":[{"url":"http://example.org/absent","valueCode":"unknown"}]},{"id":"g3"}]}]}"#;
    assert_eq!(round_trip(text), text);

    let Resource::Patient(patient) = json::from_str(text).unwrap() else {
        panic!("not a Patient")
    };
    let given = &patient.name[0].given;
    assert_eq!(given.len(), 3);
    assert_eq!(given[0].value.as_deref(), Some("Ann"));
    assert_eq!(given[1].value, None);
    assert_eq!(given[1].extension.len(), 1);
    assert_eq!(given[2].id.as_deref(), Some("g3"));
}

#[test]
fn element_arrays_may_come_before_their_values() {
    let text = r#"{"resourceType":"Patient","_birthDate":{"id":"d"},"birthDate":"1970","name":[{"_given":[{"id":"a"},null],"given":[null,"Lee"]}]}"#;
    let written = r#"{"resourceType":"Patient","name":[{"given":[null,"Lee"],"_given":[{"id":"a"},null]}],"birthDate":"1970","_birthDate":{"id":"d"}}"#;
    assert_eq!(round_trip(text), written);
    let Resource::Patient(patient) = json::from_str(text).unwrap() else {
        panic!("not a Patient")
    };
    let given = &patient.name[0].given;
    assert_eq!(given[0].id.as_deref(), Some("a"));
    assert_eq!(given[0].value, None);
    assert_eq!(given[1].value.as_deref(), Some("Lee"));
    let birth_date = patient.birth_date.as_ref().unwrap();
    assert_eq!(birth_date.id.as_deref(), Some("d"));
    assert_eq!(birth_date.value.as_ref().unwrap().to_string(), "1970");
}

#[test]
fn extension_only_array_is_written_alone() {
    let text = r#"{"resourceType":"Patient","name":[{"_given":[{"id":"a"},{"id":"b"}]}]}"#;
    assert_eq!(round_trip(text), text);
}

#[test]
fn single_primitive_with_only_an_extension() {
    let text = r#"{"resourceType":"Patient","_birthDate":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/data-absent-reason","valueCode":"unknown"}]}}"#;
    assert_eq!(round_trip(text), text);
}

#[test]
fn decimals_keep_their_text() {
    for value in [
        "1.50",
        "0.0000",
        "-0.5",
        "1e3",
        "1E-3",
        "100",
        "12345678901234567890.123456789",
    ] {
        let text = format!(
            r#"{{"resourceType":"Observation","status":"final","code":{{"text":"x"}},"valueQuantity":{{"value":{value}}}}}"#
        );
        assert_eq!(round_trip(&text), text, "decimal {value}");
    }
}

#[test]
fn partial_dates_keep_their_precision() {
    let text = r#"{"resourceType":"Patient","birthDate":"1970-03"}"#;
    assert_eq!(round_trip(text), text);
    let Resource::Patient(patient) = json::from_str(text).unwrap() else {
        panic!("not a Patient")
    };
    let birth_date = patient
        .birth_date
        .as_ref()
        .and_then(Primitive::value)
        .unwrap();
    assert_eq!(birth_date.precision(), DatePrecision::Month);
}

#[test]
fn date_time_zones_and_fractions_are_kept() {
    for value in [
        "2024-01-02T03:04:05Z",
        "2024-01-02T03:04:05+00:00",
        "2024-01-02T03:04:05.000-05:00",
        "2024",
    ] {
        let text = format!(
            r#"{{"resourceType":"Observation","status":"final","code":{{"text":"x"}},"effectiveDateTime":"{value}"}}"#
        );
        assert_eq!(round_trip(&text), text, "dateTime {value}");
    }
}

#[test]
fn choice_primitive_extension_round_trips() {
    let text = r#"{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueString":"a","_valueString":{"id":"v"}}"#;
    assert_eq!(round_trip(text), text);
    let only_extension = r#"{"resourceType":"Observation","status":"final","code":{"text":"x"},"_valueString":{"id":"v"}}"#;
    assert_eq!(round_trip(only_extension), only_extension);
}

#[test]
fn output_follows_definition_order_with_resource_type_first() {
    let text = r#"{"gender":"female","id":"p","resourceType":"Patient","active":true}"#;
    assert_eq!(
        round_trip(text),
        r#"{"resourceType":"Patient","id":"p","active":true,"gender":"female"}"#
    );
}

#[test]
fn typed_values_are_reachable() {
    let text = r#"{"resourceType":"Patient","gender":"other","birthDate":"2001-02-03"}"#;
    let Resource::Patient(patient) = json::from_str(text).unwrap() else {
        panic!("not a Patient")
    };
    assert_eq!(
        patient.gender.as_ref().and_then(|g| g.value),
        Some(AdministrativeGender::Other)
    );
    let date: &Date = patient
        .birth_date
        .as_ref()
        .and_then(|d| d.value.as_ref())
        .unwrap();
    assert_eq!(
        date.to_naive_date(),
        chrono::NaiveDate::from_ymd_opt(2001, 2, 3)
    );
}

#[test]
fn serde_json_entry_points_agree() {
    let text = r#"{"resourceType":"Patient","id":"p","birthDate":"1970","deceasedBoolean":false}"#;
    let via_serde: Resource = serde_json::from_str(text).unwrap();
    let via_library = json::from_str(text).unwrap();
    assert_eq!(via_serde, via_library);
    assert_eq!(serde_json::to_string(&via_serde).unwrap(), text);

    let patient: Patient = serde_json::from_str(text).unwrap();
    assert_eq!(patient.id.as_ref().map(|id| id.as_str()), Some("p"));
}

#[test]
fn building_a_resource_in_code() {
    let patient = Patient {
        id: Some("example".parse().unwrap()),
        gender: Some(Primitive::new(AdministrativeGender::Female)),
        birth_date: Some(Primitive::new("1990-06".parse().unwrap())),
        ..Patient::default()
    };
    let text = json::to_string(&Resource::from(patient)).unwrap();
    assert_eq!(
        text,
        r#"{"resourceType":"Patient","id":"example","gender":"female","birthDate":"1990-06"}"#
    );
}

#[test]
fn pretty_output_parses_back() {
    let text = r#"{"resourceType":"Patient","id":"p","name":[{"given":["A","B"]}]}"#;
    let resource = json::from_str(text).unwrap();
    let pretty = json::to_vec_pretty(&resource).unwrap();
    assert!(String::from_utf8_lossy(&pretty).contains("\n  \"id\": \"p\""));
    assert_eq!(json::from_slice(&pretty).unwrap(), resource);
}

/// Builds a Bundle whose first entries are much larger than the rest, so
/// that the writer's estimate for the remaining entries overshoots.
fn lopsided_bundle(large: usize, small: usize) -> String {
    let note = "x".repeat(20_000);
    let mut entries = Vec::new();
    for i in 0..large {
        entries.push(format!(
            r#"{{"resource":{{"resourceType":"Basic","id":"l{i}","code":{{"text":"{note}"}}}}}}"#
        ));
    }
    for i in 0..small {
        entries.push(format!(
            r#"{{"resource":{{"resourceType":"Basic","id":"s{i}","code":{{"text":"t"}}}}}}"#
        ));
    }
    format!(
        r#"{{"resourceType":"Bundle","type":"collection","entry":[{}]}}"#,
        entries.join(",")
    )
}

#[test]
fn long_arrays_round_trip_exactly() {
    for (large, small) in [(0, 40), (16, 0), (16, 1), (17, 500), (40, 3)] {
        let text = lopsided_bundle(large, small);
        assert_eq!(
            round_trip(&text),
            text,
            "{large} large and {small} small entries"
        );
    }
}

#[test]
fn overshot_estimate_is_given_back() {
    let text = lopsided_bundle(16, 2_000);
    let resource = json::from_str(&text).expect("the bundle parses");
    let bytes = json::to_vec(&resource).expect("the bundle writes");
    assert_eq!(bytes.len(), text.len());
    assert!(
        bytes.capacity() <= 2 * bytes.len() + 1024,
        "capacity {} for {} bytes",
        bytes.capacity(),
        bytes.len()
    );
}

#[test]
fn empty_elements_are_not_written() {
    use fhir_payer::r4::{
        CodeableConcept, HumanName, Observation, ObservationStatus, ObservationValue,
    };
    let patient = Resource::from(Patient {
        marital_status: Some(CodeableConcept::default()),
        name: vec![HumanName::default(), HumanName::default()],
        ..Patient::default()
    });
    let written = json::to_string(&patient).unwrap();
    assert_eq!(written, r#"{"resourceType":"Patient"}"#);

    let observation = Resource::from(Observation {
        status: Some(Primitive::new(ObservationStatus::Final)),
        code: Some(CodeableConcept {
            text: Some(Primitive::new("x".to_owned())),
            ..CodeableConcept::default()
        }),
        value: Some(ObservationValue::Quantity(Box::default())),
        ..Observation::default()
    });
    let written = json::to_string(&observation).unwrap();
    assert_eq!(
        written,
        r#"{"resourceType":"Observation","status":"final","code":{"text":"x"}}"#
    );
    assert!(json::from_str(&written).is_ok(), "{written}");
}

#[test]
fn extension_writing_nothing_is_left_out() {
    use fhir_payer::r4::{Extension, HumanName};
    let empty_extension = || vec![Extension::default()];
    let patient = Resource::from(Patient {
        birth_date: Some(Primitive {
            value: Some("1970".parse().unwrap()),
            id: None,
            extension: empty_extension(),
        }),
        name: vec![HumanName {
            given: vec![
                Primitive::new("Ann".to_owned()),
                Primitive {
                    value: None,
                    id: None,
                    extension: empty_extension(),
                },
            ],
            ..HumanName::default()
        }],
        ..Patient::default()
    });
    let written = json::to_string(&patient).unwrap();
    assert_eq!(
        written,
        r#"{"resourceType":"Patient","name":[{"given":["Ann"]}],"birthDate":"1970"}"#
    );
    assert!(json::from_str(&written).is_ok(), "{written}");
}

#[test]
fn empty_datatype_document_round_trips() {
    use fhir_payer::r4::Period;
    let text = serde_json::to_string(&Period::default()).unwrap();
    assert_eq!(text, "{}");
    let period: Period = serde_json::from_str(&text).unwrap();
    assert_eq!(period, Period::default());
}
