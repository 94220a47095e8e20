//! Every official R4 example must match a search built from one of its own
//! index values. For each resource and each search parameter that yields a
//! value, the test writes the value as query text, parses it as a search on
//! the resource's type, and matches the search against the resource.
//!
//! This ties extraction, query parsing and matching together: a value that
//! extraction produces but the query syntax cannot express, or that the
//! matcher reads differently, fails here.

use std::collections::BTreeMap;

mod common;

use fhir_payer::r4::Resource;
use fhir_payer::search::extract::{DateBound, IndexValue, QuantityAmount, extract};
use fhir_payer::search::matching::{Matcher, MemoryResolver};
use fhir_payer::search::query::{Search, SearchOptions};
use fhir_payer::search::registry::search_parameters_for;

use common::{example_files, with_entries};

/// Searches that fail because the official example itself breaks the
/// specification, as (file, parameter, reason). The test fails when one of
/// them starts to pass, so that the list stays true.
const EXAMPLE_ERRORS: &[(&str, &str, &str)] = &[
    (
        "DeviceMetric-example.json",
        "parent",
        "DeviceMetric.parent refers to a DeviceDefinition; the element allows only Device",
    ),
    (
        "MedicationRequest-medrx0301.json",
        "intended-dispenser",
        "dispenseRequest.performer refers to a Practitioner; the parameter targets only Organization",
    ),
    (
        "Observation-clinical-gender.json",
        "performer",
        "Observation.performer refers to an Encounter, which the element does not allow",
    ),
    (
        "Library-library-fhir-helpers.json",
        "predecessor",
        "relatedArtifact.resource is a bare id, not a canonical URL, so no search can name it",
    ),
];

/// Escapes the characters that FHIR search gives a meaning inside a value,
/// then percent-encodes the result for the query string.
fn escape(text: &str) -> String {
    let mut fhir = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | ',' | '|' | '$') {
            fhir.push('\\');
        }
        fhir.push(c);
    }
    percent_encoding::utf8_percent_encode(&fhir, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn date_text(bound: &DateBound) -> String {
    match bound {
        DateBound::Local(local) => local.format("%Y-%m-%dT%H:%M:%S").to_string(),
        DateBound::Utc(moment) => moment.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    }
}

/// Writes `value` as the text of a query value, with the modifier it needs
/// (such as `:identifier`), or returns `None` for a value that no query can
/// name (a reference to a contained resource, a token with only a text).
fn query_value(value: &IndexValue) -> Option<(&'static str, String)> {
    Some(match value {
        IndexValue::Token(token) => match (&token.system, &token.code) {
            (Some(system), Some(code)) => ("", format!("{}|{}", escape(system), escape(code))),
            (None, Some(code)) => ("", escape(code)),
            _ => (":text", escape(token.text.as_deref()?)),
        },
        IndexValue::String(string) => (":exact", escape(&string.original)),
        IndexValue::Date(date) => match (&date.start, &date.end) {
            (Some(start), _) => ("", format!("ge{}", escape(&date_text(start)))),
            (None, Some(end)) => ("", format!("le{}", escape(&date_text(end)))),
            (None, None) => return None,
        },
        IndexValue::Number(number) => ("", escape(number.value.as_str())),
        IndexValue::NumberRange(range) => match (&range.low, &range.high) {
            (Some(low), _) => ("", format!("ge{}", escape(low.as_str()))),
            (None, Some(high)) => ("", format!("le{}", escape(high.as_str()))),
            (None, None) => return None,
        },
        IndexValue::Quantity(quantity) => {
            let number = match &quantity.amount {
                QuantityAmount::Value {
                    value,
                    comparator: None,
                } => escape(value.as_str()),
                // A comparator makes the value a range with an open end.
                QuantityAmount::Value { .. } => return None,
                QuantityAmount::Range { low: Some(low), .. } => {
                    format!("ge{}", escape(low.as_str()))
                }
                QuantityAmount::Range {
                    high: Some(high), ..
                } => format!("le{}", escape(high.as_str())),
                QuantityAmount::Range { .. } => return None,
            };
            let text = match (&quantity.system, &quantity.code, &quantity.unit) {
                (Some(system), Some(code), _) => {
                    format!("{number}|{}|{}", escape(system), escape(code))
                }
                (None, Some(code), _) => format!("{number}||{}", escape(code)),
                (_, None, Some(unit)) => format!("{number}||{}", escape(unit)),
                _ => number,
            };
            ("", text)
        }
        IndexValue::Reference(reference) => {
            match (
                &reference.resource_type,
                &reference.id,
                &reference.reference,
            ) {
                // A contained resource is not a search target.
                (_, _, Some(text)) if text.starts_with('#') => return None,
                // An absolute reference names its server; keep it whole.
                (_, _, Some(text)) if text.contains("://") || text.starts_with("urn:") => {
                    ("", escape(text))
                }
                (Some(resource_type), Some(id), _) => {
                    ("", escape(&format!("{}/{id}", resource_type.as_str())))
                }
                (_, _, Some(text)) => ("", escape(text)),
                _ => {
                    let identifier = reference.identifier.as_ref()?;
                    let code = escape(identifier.code.as_deref()?);
                    let text = match &identifier.system {
                        Some(system) => format!("{}|{code}", escape(system)),
                        None => code,
                    };
                    (":identifier", text)
                }
            }
        }
        IndexValue::Uri(uri) => ("", escape(uri)),
        IndexValue::Composite(parts) => {
            let mut pieces = Vec::with_capacity(parts.len());
            for part in parts {
                let (modifier, text) = query_value(part.values.first()?)?;
                if !modifier.is_empty() {
                    return None;
                }
                // Each component keeps its own escapes, so a `$` inside a
                // component cannot split the composite.
                pieces.push(text);
            }
            ("", pieces.join("$"))
        }
    })
}

#[test]
fn official_examples_match_their_own_values() {
    let files = example_files();
    let options = SearchOptions::new().with_base_url("http://hl7.org/fhir");

    // Counts per parameter type: searches built, searches that matched.
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut listed_seen = std::collections::BTreeSet::new();
    for (name, bytes) in &files {
        let Ok(root) = fhir_payer::json::from_slice(bytes) else {
            continue;
        };
        let mut all = Vec::new();
        with_entries(&root, &mut all);
        for resource in all {
            let resource_type = resource.resource_type();
            // The searches have no chains, so the resolver needs only the
            // resource itself.
            let known_resources: Vec<Resource> = vec![resource.clone()];
            let resolver = MemoryResolver::new(&known_resources);
            let matcher = Matcher::new(&options).with_resolver(&resolver);
            for param in search_parameters_for(resource_type.as_str()) {
                let values = extract(resource, param);
                let Some((modifier, text)) = values.iter().find_map(query_value) else {
                    continue;
                };
                let query = format!("{}{modifier}={text}", param.code);
                let entry = counts
                    .entry(format!("{:?}", param.param_type).to_lowercase())
                    .or_default();
                entry.0 += 1;
                let outcome = Search::parse(Some(resource_type), &query, &options)
                    .map_err(|error| error.to_string())
                    .and_then(|search| {
                        matcher
                            .matches(&search, resource)
                            .map_err(|error| error.to_string())
                    });
                let known = EXAMPLE_ERRORS
                    .iter()
                    .any(|(file, code, _)| file == name && *code == param.code);
                match outcome {
                    Ok(true) if known => {
                        failures.push(format!(
                            "{name}: {query} matches but is listed as an example error"
                        ));
                    }
                    Ok(true) => entry.1 += 1,
                    _ if known => {
                        entry.1 += 1;
                        listed_seen.insert((name.as_str(), param.code));
                    }
                    Ok(false) => failures.push(format!("{name}: {query} does not match")),
                    Err(error) => failures.push(format!("{name}: {query}: {error}")),
                }
            }
        }
    }

    for (file, code, _) in EXAMPLE_ERRORS {
        if !listed_seen.contains(&(*file, *code)) {
            failures.push(format!(
                "{file}: `{code}` is listed as an example error but did not fail"
            ));
        }
    }
    for (param_type, (built, matched)) in &counts {
        eprintln!("{param_type:<10} {built:>7} searches, {matched:>7} matched");
    }
    assert!(
        failures.is_empty(),
        "{} searches built from a resource's own values failed:\n{}",
        failures.len(),
        failures
            .iter()
            .take(60)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    for param_type in [
        "token",
        "string",
        "date",
        "number",
        "quantity",
        "reference",
        "uri",
        "composite",
    ] {
        let matched = counts.get(param_type).map_or(0, |c| c.1);
        assert!(matched > 0, "no {param_type} search was built and matched");
    }
}
