//! The narrative XHTML check over every `text.div` of the official R4
//! examples, which all follow the narrative rules unless listed below.

mod common;

use fhir_payer::primitives::Xhtml;
use serde_json::Value;

/// Example files whose narrative breaks a rule, with the reason. The test
/// fails when a listed file starts passing.
const EXPECTED_FAILURES: &[(&str, &str)] = &[
    (
        "ActivityDefinition-blood-tubes-supply.json",
        "the div contains only whitespace, against txt-2",
    ),
    (
        "ActivityDefinition-heart-valve-replacement.json",
        "the div contains only whitespace, against txt-2",
    ),
    (
        "EventDefinition-example.json",
        "the div contains only whitespace, against txt-2",
    ),
    (
        "Questionnaire-zika-virus-exposure-assessment.json",
        "the div contains only an empty `pre`, against txt-2",
    ),
];

/// Collects the `div` of every `text` object in `value`, at any depth.
fn divs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(members) => {
            if let Some(div) = members
                .get("text")
                .and_then(|text| text.get("div"))
                .and_then(Value::as_str)
            {
                out.push(div);
            }
            for member in members.values() {
                divs(member, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| divs(item, out)),
        _ => {}
    }
}

#[test]
fn official_narratives_pass() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for (name, bytes) in common::example_files() {
        let Ok(value) = serde_json::from_slice::<Value>(&bytes) else {
            continue;
        };
        let mut found = Vec::new();
        divs(&value, &mut found);
        let mut first_error = None;
        for div in found {
            checked += 1;
            let result = div
                .parse::<Xhtml>()
                .map_err(|error| error.to_string())
                .and_then(|xhtml| xhtml.check_narrative().map_err(|error| error.to_string()));
            if let Err(error) = result {
                first_error.get_or_insert(error);
            }
        }
        let listed = EXPECTED_FAILURES.iter().any(|(file, _)| *file == name);
        match (first_error, listed) {
            (Some(error), false) => failures.push(format!("{name}: {error}")),
            (None, true) => failures.push(format!("{name}: listed but passes")),
            _ => {}
        }
    }
    assert!(checked > 4000, "only {checked} narratives found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
