//! `_summary` and `_elements` projection over the official R4 examples and
//! in searchset Bundles.

mod common;

use fhir_payer::bundle::SearchsetBuilder;
use fhir_payer::r4::{Resource, ResourceType, SearchEntryMode};
use fhir_payer::search::projection::{Projection, project};
use serde_json::Value;

use common::{example_files, with_entries};

/// Returns the JSON object of `resource`.
fn json_of(resource: &Resource) -> serde_json::Map<String, Value> {
    let text = fhir_payer::json::to_string(resource).expect("the resource cannot be written");
    match serde_json::from_str(&text).expect("invalid JSON") {
        Value::Object(members) => members,
        other => panic!("a resource is not an object: {other}"),
    }
}

fn is_subsetted(members: &serde_json::Map<String, Value>) -> bool {
    let tags = members.get("meta").and_then(|meta| meta["tag"].as_array());
    tags.is_some_and(|tags| {
        tags.iter()
            .filter(|tag| {
                tag["system"] == "http://terminology.hl7.org/CodeSystem/v3-ObservationValue"
                    && tag["code"] == "SUBSETTED"
            })
            .count()
            == 1
    })
}

fn parse(text: &str) -> Resource {
    fhir_payer::json::from_str(text).expect("test resource does not parse")
}

/// Reads every resource of the official examples, including Bundle entries.
fn examples() -> Vec<(String, Resource)> {
    let mut out = Vec::new();
    for (name, bytes) in example_files() {
        let Ok(root) = fhir_payer::json::from_slice(&bytes) else {
            continue;
        };
        let mut all = Vec::new();
        with_entries(&root, &mut all);
        out.extend(all.into_iter().map(|r| (name.clone(), r.clone())));
    }
    out
}

#[test]
fn summary_of_every_example() {
    let mut checked = 0;
    let mut shrunk = 0;
    for (name, resource) in examples() {
        let projected = project(resource.clone(), &Projection::Summary)
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        assert_eq!(
            projected.resource_type(),
            resource.resource_type(),
            "{name}"
        );
        assert_eq!(projected.id(), resource.id(), "{name}");

        // The projection is written and read back as its type.
        let text = fhir_payer::json::to_string(&projected).expect("write");
        let reread = fhir_payer::json::from_str(&text)
            .unwrap_or_else(|error| panic!("{name}: projection does not parse: {error}"));
        assert_eq!(reread.resource_type(), resource.resource_type(), "{name}");

        let members = json_of(&projected);
        assert!(is_subsetted(&members), "{name}: no single SUBSETTED tag");
        // The narrative is never a summary element of a resource.
        assert!(!members.contains_key("text"), "{name}: text kept");
        if members.len() < json_of(&resource).len() {
            shrunk += 1;
        }
        checked += 1;
    }
    assert!(checked > 5000, "only {checked} examples were read");
    assert!(
        shrunk > checked / 2,
        "only {shrunk} of {checked} lost an element"
    );
}

#[test]
fn elements_of_every_example() {
    let names = vec!["identifier".to_owned(), "status".to_owned()];
    let mut checked = 0;
    for (name, resource) in examples() {
        let projected = project(resource.clone(), &Projection::Elements(names.clone()))
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        let members = json_of(&projected);
        assert!(is_subsetted(&members), "{name}");
        let original = json_of(&resource);
        for key in members.keys() {
            let element = key.strip_prefix('_').unwrap_or(key);
            let expected = matches!(element, "resourceType" | "id" | "meta" | "identifier" | "status" | "modifierExtension")
                // Besides the listed elements, only mandatory ones are kept.
                || is_mandatory(resource.resource_type(), element);
            assert!(
                expected,
                "{name}: `{key}` kept by _elements=identifier,status"
            );
        }
        for kept in ["identifier", "status"] {
            assert_eq!(
                members.contains_key(kept),
                original.contains_key(kept),
                "{name}: {kept}"
            );
        }
        checked += 1;
    }
    assert!(checked > 5000);
}

/// Returns whether `element` of `resource_type` has a minimum cardinality
/// of 1, from the generated element table.
fn is_mandatory(resource_type: ResourceType, element: &str) -> bool {
    fhir_payer::r4::ELEMENT_FLAGS
        .iter()
        .find(|entry| entry.type_name == resource_type.as_str())
        .is_some_and(|entry| {
            entry
                .elements
                .iter()
                .any(|flags| flags.json_name == element && flags.mandatory)
        })
}

#[test]
fn summary_keeps_summary_elements() {
    let patient = parse(
        r#"{"resourceType": "Patient", "id": "p1",
            "text": {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">Ann</div>"},
            "birthDate": "1970-01-01", "_birthDate": {"id": "b"},
            "maritalStatus": {"text": "married"},
            "contact": [{"name": {"family": "Lee"}, "gender": "male"}],
            "communication": [{"language": {"text": "en"}}]}"#,
    );
    let members = json_of(&project(patient.clone(), &Projection::Summary).unwrap());
    let mut keys: Vec<&str> = members.keys().map(String::as_str).collect();
    keys.sort_unstable();
    // `contact` and `communication` are not summary elements in R4.
    assert_eq!(
        keys,
        ["_birthDate", "birthDate", "id", "meta", "resourceType"]
    );
}

#[test]
fn summary_filters_backbone_members() {
    // `Claim.insurance` is a summary element, but its `preAuthRef` is not.
    let claim = parse(
        r#"{"resourceType": "Claim", "id": "c1", "status": "active",
            "type": {"text": "oral"}, "use": "claim", "patient": {"reference": "Patient/p1"},
            "created": "2024-01-01", "provider": {"reference": "Organization/o1"},
            "priority": {"text": "normal"},
            "insurance": [{"sequence": 1, "focal": true, "coverage": {"reference": "Coverage/v1"},
                           "preAuthRef": ["x"]}]}"#,
    );
    let members = json_of(&project(claim.clone(), &Projection::Summary).unwrap());
    let insurance = &members["insurance"][0];
    assert_eq!(insurance["sequence"], 1);
    assert_eq!(insurance["coverage"]["reference"], "Coverage/v1");
    assert!(insurance.get("preAuthRef").is_none(), "{insurance}");
}

#[test]
fn text_keeps_narrative_and_mandatory() {
    let observation = parse(
        r#"{"resourceType": "Observation", "id": "o1", "status": "final",
            "text": {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"},
            "code": {"text": "weight"}, "valueQuantity": {"value": 70.50, "unit": "kg"},
            "subject": {"reference": "Patient/p1"}}"#,
    );
    let members = json_of(&project(observation.clone(), &Projection::Text).unwrap());
    let mut keys: Vec<&str> = members.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["code", "id", "meta", "resourceType", "status", "text"]
    );
}

#[test]
fn data_drops_only_narrative() {
    let observation = parse(
        r#"{"resourceType": "Observation", "id": "o1", "status": "final",
            "text": {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"},
            "code": {"text": "weight"}, "valueQuantity": {"value": 70.50, "unit": "kg"}}"#,
    );
    let projected = project(observation.clone(), &Projection::Data).unwrap();
    let text = fhir_payer::json::to_string(&projected).unwrap();
    assert!(!text.contains("\"text\":{"), "{text}");
    // Decimals keep their digits through the projection.
    assert!(text.contains("70.50"), "{text}");
    assert!(text.contains("SUBSETTED"), "{text}");
}

#[test]
fn elements_accepts_type_prefix_and_choice() {
    let observation = parse(
        r#"{"resourceType": "Observation", "id": "o1", "status": "final",
            "code": {"text": "weight"}, "valueQuantity": {"value": 70, "unit": "kg"},
            "subject": {"reference": "Patient/p1"}}"#,
    );
    let names = vec!["Observation.value".to_owned(), "subject".to_owned()];
    let members = json_of(&project(observation.clone(), &Projection::Elements(names)).unwrap());
    let mut keys: Vec<&str> = members.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "code",
            "id",
            "meta",
            "resourceType",
            "status",
            "subject",
            "valueQuantity"
        ]
    );
}

#[test]
fn subsetted_tag_added_once() {
    let tagged = parse(
        r#"{"resourceType": "Patient", "id": "p1", "meta": {"versionId": "3", "tag": [
            {"system": "http://example.org/tags", "code": "vip"},
            {"system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "code": "SUBSETTED"}]}}"#,
    );
    let members = json_of(&project(tagged.clone(), &Projection::Summary).unwrap());
    assert!(is_subsetted(&members));
    assert_eq!(members["meta"]["tag"].as_array().map(Vec::len), Some(2));
    assert_eq!(members["meta"]["versionId"], "3");
}

#[test]
fn full_projection_is_unchanged() {
    let patient = parse(r#"{"resourceType": "Patient", "id": "p1", "gender": "other"}"#);
    assert_eq!(
        project(patient.clone(), &Projection::Full).unwrap(),
        patient
    );
}

/// Builds a searchset page with one match and one include from `params`.
fn page(params: &[(&str, &str)]) -> fhir_payer::r4::Bundle {
    let claim = parse(
        r#"{"resourceType": "Coverage", "id": "c1", "status": "active",
            "beneficiary": {"reference": "Patient/p1"}, "payor": [{"reference": "Organization/o1"}],
            "text": {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"}}"#,
    );
    let patient = parse(
        r#"{"resourceType": "Patient", "id": "p1", "gender": "female",
            "maritalStatus": {"text": "married"}}"#,
    );
    let mut builder = SearchsetBuilder::new(
        "https://payer.test/fhir",
        ResourceType::Coverage,
        params.iter().copied(),
        10,
    )
    .unwrap();
    builder.total(Some(1));
    builder.push_match(claim, None);
    builder.push_include(patient);
    builder.build().unwrap()
}

fn entry_members(
    bundle: &fhir_payer::r4::Bundle,
    mode: SearchEntryMode,
) -> Vec<serde_json::Map<String, Value>> {
    bundle
        .entry
        .iter()
        .filter(|entry| {
            entry
                .search
                .as_ref()
                .and_then(|s| s.mode.as_ref()?.value().copied())
                == Some(mode)
        })
        .filter_map(|entry| entry.resource.as_ref())
        .map(json_of)
        .collect()
}

#[test]
fn searchset_summary_projects_matches_and_includes() {
    let bundle = page(&[("_summary", "true")]);
    let matches = entry_members(&bundle, SearchEntryMode::Match);
    let includes = entry_members(&bundle, SearchEntryMode::Include);
    assert_eq!(matches.len(), 1);
    assert_eq!(includes.len(), 1);
    assert!(is_subsetted(&matches[0]));
    assert!(!matches[0].contains_key("text"));
    assert!(is_subsetted(&includes[0]));
    assert!(!includes[0].contains_key("maritalStatus"));
}

#[test]
fn searchset_elements_projects_matches_only() {
    let bundle = page(&[("_elements", "status")]);
    let matches = entry_members(&bundle, SearchEntryMode::Match);
    let includes = entry_members(&bundle, SearchEntryMode::Include);
    let mut keys: Vec<&str> = matches[0].keys().map(String::as_str).collect();
    keys.sort_unstable();
    // `beneficiary` and `payor` are mandatory in R4 Coverage.
    assert_eq!(
        keys,
        [
            "beneficiary",
            "id",
            "meta",
            "payor",
            "resourceType",
            "status"
        ]
    );
    assert!(!is_subsetted(&includes[0]));
    assert!(includes[0].contains_key("maritalStatus"));
}

#[test]
fn searchset_summary_count_has_no_entries() {
    let bundle = page(&[("_summary", "count")]);
    assert!(bundle.entry.is_empty());
    assert_eq!(
        bundle
            .total
            .as_ref()
            .and_then(|t| t.value().copied())
            .map(u32::from),
        Some(1)
    );
}

#[test]
fn searchset_without_projection_is_whole() {
    let bundle = page(&[]);
    let matches = entry_members(&bundle, SearchEntryMode::Match);
    assert!(matches[0].contains_key("text"));
    assert!(!matches[0].contains_key("meta"));
}
