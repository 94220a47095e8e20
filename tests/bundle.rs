//! Searchset pages, reference resolution, and transaction checks and
//! rewrites, on hand-written Bundles and on Bundles from the official R4
//! examples package (`target/fhir-packages/hl7.fhir.r4.examples-4.0.1.tgz`,
//! which `fhir-definitions/fetch.sh examples` downloads).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;

use fhir_payer::bundle::{
    BundleIndex, IdAssignments, ResolverError, RewriteError, SearchsetBuilder, SearchsetError,
    TransactionKind, TransactionProblem, UnresolvedReference, rewrite_references, validate,
};
use fhir_payer::primitives::{Decimal, Id};
use fhir_payer::r4::{
    Bundle, BundleType, ExplanationOfBenefit, HTTPVerb, OperationOutcome, Organization, Provenance,
    Resource, ResourceType,
};

const BASE: &str = "https://plan.example.net/r4";

// ---------------------------------------------------------------------------
// Helpers

fn id(text: &str) -> Id {
    text.parse().expect("valid id")
}

fn bundle_from_json(text: &str) -> Bundle {
    match fhir_payer::json::from_str(text).expect("valid Bundle JSON") {
        Resource::Bundle(bundle) => *bundle,
        other => panic!("expected a Bundle, got {}", other.resource_type()),
    }
}

fn eob(logical_id: &str) -> Resource {
    ExplanationOfBenefit {
        id: Some(id(logical_id)),
        ..Default::default()
    }
    .into()
}

fn provenance(logical_id: &str) -> Resource {
    Provenance {
        id: Some(id(logical_id)),
        ..Default::default()
    }
    .into()
}

fn organization(logical_id: &str) -> Resource {
    Organization {
        id: Some(id(logical_id)),
        ..Default::default()
    }
    .into()
}

fn modes(bundle: &Bundle) -> Vec<&'static str> {
    bundle
        .entry
        .iter()
        .map(|entry| {
            let mode = entry
                .search
                .as_ref()
                .and_then(|search| search.mode.as_ref())
                .and_then(|mode| mode.value);
            mode.map_or("none", |mode| mode.as_str())
        })
        .collect()
}

fn full_urls(bundle: &Bundle) -> Vec<String> {
    bundle
        .entry
        .iter()
        .map(|entry| {
            let url = entry.full_url.as_ref().and_then(|url| url.value.as_ref());
            url.map_or_else(String::new, |url| url.as_str().to_owned())
        })
        .collect()
}

fn total(bundle: &Bundle) -> Option<u32> {
    bundle
        .total
        .as_ref()
        .and_then(|total| total.value)
        .map(|total| total.get())
}

fn link(bundle: &Bundle, relation: &str) -> Option<url::Url> {
    let link = bundle
        .link
        .iter()
        .find(|link| link.relation.as_ref().and_then(|r| r.value.as_deref()) == Some(relation))?;
    let text = link.url.as_ref()?.value.as_ref()?.as_str();
    Some(url::Url::parse(text).expect("link is a valid URL"))
}

fn query_value(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// Returns the resource of entry `index` as JSON, for reading any element.
fn entry_json(bundle: &Bundle, index: usize) -> serde_json::Value {
    let resource = bundle.entry[index]
        .resource
        .as_ref()
        .expect("entry has a resource");
    let text = fhir_payer::json::to_string(resource).expect("resource writes as JSON");
    serde_json::from_str(&text).expect("written JSON parses")
}

/// Returns the JSON text of the resource of entry `index`.
fn entry_text(bundle: &Bundle, index: usize) -> String {
    let resource = bundle.entry[index]
        .resource
        .as_ref()
        .expect("entry has a resource");
    fhir_payer::json::to_string(resource).expect("resource writes as JSON")
}

// ---------------------------------------------------------------------------
// Searchset pages

/// Returns the parameters of an EOB search as a query parser would pass
/// them on.
fn eob_search_params() -> Vec<(&'static str, &'static str)> {
    vec![
        ("patient", "Patient/m-100"),
        ("_include", "ExplanationOfBenefit:provider"),
        ("_revinclude:iterate", "Provenance:target"),
        ("_summary", "data"),
        ("_elements", "status,patient"),
        ("_sort", "-created"),
        ("_trace", "on"),
        ("_count", "3"),
        ("_offset", "0"),
    ]
}

#[test]
fn searchset_first_page_with_revinclude() {
    let mut page = SearchsetBuilder::new(
        BASE,
        ResourceType::ExplanationOfBenefit,
        eob_search_params(),
        3,
    )
    .unwrap();
    page.total(Some(5));
    for logical_id in ["eob-1", "eob-2", "eob-3"] {
        page.push_match(eob(logical_id), None);
    }
    page.push_include(provenance("prov-1"));
    page.push_include(provenance("prov-2"));
    let bundle = page.build().unwrap();

    assert_eq!(
        bundle.r#type.as_ref().and_then(|t| t.value),
        Some(BundleType::Searchset)
    );
    assert_eq!(
        modes(&bundle),
        ["match", "match", "match", "include", "include"]
    );
    assert_eq!(
        total(&bundle),
        Some(5),
        "total counts matches on all pages, not includes"
    );
    assert_eq!(
        full_urls(&bundle)[0],
        "https://plan.example.net/r4/ExplanationOfBenefit/eob-1"
    );
    assert_eq!(
        full_urls(&bundle)[3],
        "https://plan.example.net/r4/Provenance/prov-1"
    );

    let next = link(&bundle, "next").expect("page 1 of 2 has a next link");
    assert_eq!(next.path(), "/r4/ExplanationOfBenefit");
    assert_eq!(
        query_value(&next, "patient").as_deref(),
        Some("Patient/m-100")
    );
    assert_eq!(query_value(&next, "_count").as_deref(), Some("3"));
    assert_eq!(query_value(&next, "_offset").as_deref(), Some("3"));
    assert_eq!(
        query_value(&next, "_include").as_deref(),
        Some("ExplanationOfBenefit:provider")
    );
    assert_eq!(
        query_value(&next, "_revinclude:iterate").as_deref(),
        Some("Provenance:target")
    );
    assert_eq!(query_value(&next, "_summary").as_deref(), Some("data"));
    assert_eq!(
        query_value(&next, "_elements").as_deref(),
        Some("status,patient")
    );
    assert_eq!(query_value(&next, "_sort").as_deref(), Some("-created"));
    assert_eq!(
        query_value(&next, "_trace"),
        None,
        "unknown underscore parameters are dropped"
    );
    assert_eq!(
        next.query_pairs()
            .filter(|(key, _)| key == "_offset")
            .count(),
        1
    );

    let this_page = link(&bundle, "self").expect("self link");
    assert_eq!(query_value(&this_page, "_offset").as_deref(), Some("0"));
    let first = link(&bundle, "first").expect("first link");
    assert_eq!(query_value(&first, "_offset").as_deref(), Some("0"));
    assert!(
        link(&bundle, "previous").is_none(),
        "the first page has no previous link"
    );
    let last = link(&bundle, "last").expect("the total is known, so there is a last link");
    assert_eq!(query_value(&last, "_offset").as_deref(), Some("3"));
}

#[test]
fn searchset_last_page_has_no_next() {
    let mut page = SearchsetBuilder::new(
        BASE,
        ResourceType::ExplanationOfBenefit,
        eob_search_params(),
        3,
    )
    .unwrap();
    page.offset(3).total(Some(5));
    page.push_match(eob("eob-4"), None);
    page.push_match(eob("eob-5"), None);
    page.push_include(provenance("prov-3"));
    let bundle = page.build().unwrap();

    assert_eq!(modes(&bundle), ["match", "match", "include"]);
    assert_eq!(total(&bundle), Some(5));
    assert!(
        link(&bundle, "next").is_none(),
        "the last page has no next link"
    );
    let previous = link(&bundle, "previous").expect("page 2 has a previous link");
    assert_eq!(query_value(&previous, "_offset").as_deref(), Some("0"));
    assert_eq!(
        query_value(&previous, "_revinclude:iterate").as_deref(),
        Some("Provenance:target")
    );
    let this_page = link(&bundle, "self").expect("self link");
    assert_eq!(query_value(&this_page, "_offset").as_deref(), Some("3"));
}

#[test]
fn searchset_count_zero_is_total_only() {
    let params = [("beneficiary", "Patient/m-100"), ("_count", "0")];
    let mut page = SearchsetBuilder::new(BASE, ResourceType::Coverage, params, 0).unwrap();
    page.total(Some(42));
    page.push_outcome(OperationOutcome::default());
    let bundle = page.build().unwrap();

    assert_eq!(total(&bundle), Some(42));
    assert!(bundle.entry.is_empty(), "no entries of any mode");
    assert!(link(&bundle, "next").is_none());
    assert!(link(&bundle, "previous").is_none());
    assert!(link(&bundle, "last").is_none());
    let this_page = link(&bundle, "self").expect("self link");
    assert_eq!(query_value(&this_page, "_count").as_deref(), Some("0"));
}

#[test]
fn searchset_match_and_include_once() {
    let params = [("name", "Mercy"), ("_include", "Organization:partof")];
    let mut page = SearchsetBuilder::new(BASE, ResourceType::Organization, params, 10).unwrap();
    page.total(Some(2));
    // org-parent is both a match and the target of the other match's partOf.
    page.push_include(organization("org-parent"));
    page.push_match(organization("org-child"), None);
    page.push_match(organization("org-parent"), None);
    page.push_include(organization("org-parent"));
    page.push_include(organization("org-grandparent"));
    page.push_include(organization("org-grandparent"));
    let bundle = page.build().unwrap();

    let urls = full_urls(&bundle);
    let parent_url = "https://plan.example.net/r4/Organization/org-parent";
    assert_eq!(
        urls.iter().filter(|url| *url == parent_url).count(),
        1,
        "{urls:?}"
    );
    assert_eq!(modes(&bundle), ["match", "match", "include"]);
    assert_eq!(urls[1], parent_url);
    assert_eq!(
        urls[2],
        "https://plan.example.net/r4/Organization/org-grandparent"
    );
}

#[test]
fn searchset_without_total() {
    let params = [("name", "Mercy"), ("_total", "none")];

    let mut page = SearchsetBuilder::new(BASE, ResourceType::Organization, params, 1).unwrap();
    page.total(None).more_pages(true);
    page.push_match(organization("org-a"), None);
    let bundle = page.build().unwrap();
    assert_eq!(total(&bundle), None);
    assert!(link(&bundle, "next").is_some(), "more pages follow");
    assert!(
        link(&bundle, "last").is_none(),
        "the last page is unknown without a total"
    );
    let next = link(&bundle, "next").unwrap();
    assert_eq!(query_value(&next, "_total").as_deref(), Some("none"));

    let mut page = SearchsetBuilder::new(BASE, ResourceType::Organization, params, 1).unwrap();
    page.offset(1).more_pages(false);
    page.push_match(organization("org-b"), None);
    let bundle = page.build().unwrap();
    assert!(link(&bundle, "next").is_none());
}

#[test]
fn searchset_score_and_outcome() {
    let mut page =
        SearchsetBuilder::new(BASE, ResourceType::Organization, [("name", "Mercy")], 10).unwrap();
    page.total(Some(1));
    page.push_match(
        organization("org-a"),
        Some("0.85".parse::<Decimal>().unwrap()),
    );
    page.push_outcome(OperationOutcome {
        id: Some(id("warn-1")),
        ..Default::default()
    });
    let bundle = page.build().unwrap();

    assert_eq!(modes(&bundle), ["match", "outcome"]);
    let score = bundle.entry[0]
        .search
        .as_ref()
        .and_then(|search| search.score.as_ref())
        .and_then(|s| s.value.as_ref());
    assert_eq!(score.map(Decimal::as_str), Some("0.85"));
    assert!(
        bundle.entry[1].full_url.is_none(),
        "an outcome entry has no fullUrl"
    );
    let outcome_type = bundle.entry[1]
        .resource
        .as_ref()
        .map(Resource::resource_type);
    assert_eq!(outcome_type, Some(ResourceType::OperationOutcome));
}

#[test]
fn searchset_link_values_are_encoded() {
    let params = [
        ("date", "ge2024-01-01T00:00:00+05:00"),
        ("identifier", "urn:mbi|1EG4-TE5-MK73"),
    ];
    let page = SearchsetBuilder::new(BASE, ResourceType::Coverage, params, 5).unwrap();
    let bundle = page.build().unwrap();

    let this_page = link(&bundle, "self").unwrap();
    assert_eq!(
        query_value(&this_page, "date").as_deref(),
        Some("ge2024-01-01T00:00:00+05:00"),
        "+ survives decoding"
    );
    assert_eq!(
        query_value(&this_page, "identifier").as_deref(),
        Some("urn:mbi|1EG4-TE5-MK73")
    );
}

#[test]
fn searchset_errors() {
    let invalid_base = SearchsetBuilder::new(
        "plan.example.net/r4",
        ResourceType::Coverage,
        [("a", "b")],
        5,
    );
    assert!(matches!(
        invalid_base,
        Err(SearchsetError::InvalidBaseUrl { .. })
    ));

    let mut page =
        SearchsetBuilder::new(BASE, ResourceType::ExplanationOfBenefit, [("a", "b")], 5).unwrap();
    page.push_match(ExplanationOfBenefit::default().into(), None);
    let missing_id = page.build();
    assert!(
        matches!(
            missing_id,
            Err(SearchsetError::MissingId { position: 0, .. })
        ),
        "{missing_id:?}"
    );

    let mut page = SearchsetBuilder::new(BASE, ResourceType::Patient, [("a", "b")], 5).unwrap();
    page.push_match(eob("eob-1"), None);
    let wrong_type = page.build();
    assert!(
        matches!(
            wrong_type,
            Err(SearchsetError::WrongMatchType {
                position: 0,
                expected: ResourceType::Patient,
                found: ResourceType::ExplanationOfBenefit,
            })
        ),
        "{wrong_type:?}"
    );

    let mut page =
        SearchsetBuilder::new(BASE, ResourceType::ExplanationOfBenefit, [("a", "b")], 1).unwrap();
    page.push_match(eob("eob-1"), None)
        .push_match(eob("eob-2"), None);
    let too_many = page.build();
    assert_eq!(
        too_many.unwrap_err(),
        SearchsetError::TooManyMatches {
            count: 1,
            matches: 2
        }
    );

    let mut page =
        SearchsetBuilder::new(BASE, ResourceType::ExplanationOfBenefit, [("a", "b")], 5).unwrap();
    page.offset(5).total(Some(5)).push_match(eob("eob-6"), None);
    let total_too_small = page.build();
    assert_eq!(
        total_too_small.unwrap_err(),
        SearchsetError::TotalTooSmall {
            total: 5,
            offset: 5,
            seen: 6
        }
    );

    let mut page =
        SearchsetBuilder::new(BASE, ResourceType::ExplanationOfBenefit, [("a", "b")], 5).unwrap();
    page.push_match(eob("eob-1"), None)
        .push_match(eob("eob-1"), None);
    let duplicate = page.build();
    assert!(
        matches!(
            duplicate,
            Err(SearchsetError::DuplicateMatch {
                first: 0,
                second: 1,
                ..
            })
        ),
        "{duplicate:?}"
    );
}

// ---------------------------------------------------------------------------
// Reference resolution

/// A collection with entries on two servers, one `urn:uuid:` entry, two
/// versions of one patient and a contained resource.
const RESOLUTION_BUNDLE: &str = r##"{
  "resourceType": "Bundle",
  "type": "collection",
  "entry": [
    {"fullUrl": "https://plan.example.net/r4/Patient/mem-7",
     "resource": {"resourceType": "Patient", "id": "mem-7"}},
    {"fullUrl": "https://other.example.org/fhir/Patient/mem-7",
     "resource": {"resourceType": "Patient", "id": "mem-7"}},
    {"fullUrl": "https://plan.example.net/r4/Coverage/cov-1",
     "resource": {"resourceType": "Coverage", "id": "cov-1", "status": "active",
       "contained": [{"resourceType": "Organization", "id": "payer-1", "name": "Plan A"}],
       "beneficiary": {"reference": "Patient/mem-7"},
       "payor": [{"reference": "#payer-1"}]}},
    {"fullUrl": "urn:uuid:4f1d2c3b-8a9e-4b7c-a6d5-e4f3a2b1c0d9",
     "resource": {"resourceType": "Coverage", "status": "draft",
       "beneficiary": {"reference": "Patient/mem-7"},
       "payor": [{"reference": "urn:uuid:0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"}]}},
    {"fullUrl": "urn:uuid:0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
     "resource": {"resourceType": "Organization", "name": "Plan B"}},
    {"fullUrl": "https://plan.example.net/r4/Patient/mem-8",
     "resource": {"resourceType": "Patient", "id": "mem-8", "meta": {"versionId": "2"}}},
    {"fullUrl": "https://plan.example.net/r4/Patient/mem-8",
     "resource": {"resourceType": "Patient", "id": "mem-8", "meta": {"versionId": "3"}}},
    {"resource": {"resourceType": "Patient", "id": "no-full-url"}}
  ]
}"##;

#[test]
fn relative_reference_uses_referrer_base() {
    let bundle = bundle_from_json(RESOLUTION_BUNDLE);
    let index = BundleIndex::new(&bundle);

    let resolved = index
        .resolve(2, "Patient/mem-7")
        .expect("the patient on the same server is in the Bundle");
    assert_eq!(
        resolved.entry_index, 0,
        "the entry on the referrer's server, not the one on the other server"
    );
    assert!(!resolved.contained);
    assert_eq!(resolved.resource.id().map(Id::as_str), Some("mem-7"));
}

#[test]
fn relative_reference_without_restful_base() {
    let bundle = bundle_from_json(RESOLUTION_BUNDLE);
    let index = BundleIndex::new(&bundle);

    assert!(
        index.resolve(3, "Patient/mem-7").is_none(),
        "a urn:uuid fullUrl has no base for relative references"
    );
    let error = index.try_resolve(3, "Patient/mem-7").unwrap_err();
    let expected_url = Some("urn:uuid:4f1d2c3b-8a9e-4b7c-a6d5-e4f3a2b1c0d9".to_owned());
    assert_eq!(
        error,
        UnresolvedReference::NoServiceBase {
            reference: "Patient/mem-7".into(),
            entry_index: 3,
            full_url: expected_url
        }
    );

    let error = index.try_resolve(7, "Patient/mem-7").unwrap_err();
    assert!(
        matches!(
            error,
            UnresolvedReference::NoServiceBase { full_url: None, .. }
        ),
        "{error}"
    );
}

#[test]
fn urn_uuid_reference_matches_full_url_exactly() {
    let bundle = bundle_from_json(RESOLUTION_BUNDLE);
    let index = BundleIndex::new(&bundle);

    let resolved = index
        .resolve(3, "urn:uuid:0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
        .expect("exact fullUrl");
    assert_eq!(resolved.entry_index, 4);
    assert!(
        index
            .resolve(3, "urn:uuid:0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D")
            .is_none(),
        "compared as text"
    );
    let from_restful_entry = index.resolve(2, "urn:uuid:0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
    assert_eq!(
        from_restful_entry.map(|r| r.entry_index),
        Some(4),
        "any entry can use an absolute reference"
    );
}

#[test]
fn absolute_reference_matches_full_url_exactly() {
    let bundle = bundle_from_json(RESOLUTION_BUNDLE);
    let index = BundleIndex::new(&bundle);

    let resolved = index.resolve(3, "https://other.example.org/fhir/Patient/mem-7");
    assert_eq!(resolved.map(|r| r.entry_index), Some(1));
    assert!(
        index
            .resolve(2, "https://plan.example.net/r4/Patient/mem-9")
            .is_none()
    );
    assert!(
        index
            .resolve(2, "https://plan.example.net/r4/Patient/mem-7/")
            .is_none()
    );
}

#[test]
fn versioned_reference_checks_version_id() {
    let bundle = bundle_from_json(RESOLUTION_BUNDLE);
    let index = BundleIndex::new(&bundle);

    let resolved = index
        .resolve(2, "Patient/mem-8/_history/3")
        .expect("version 3 is in the Bundle");
    assert_eq!(resolved.entry_index, 6);
    let resolved = index
        .resolve(2, "Patient/mem-8/_history/2")
        .expect("version 2 is in the Bundle");
    assert_eq!(resolved.entry_index, 5);
    let absolute = index.resolve(3, "https://plan.example.net/r4/Patient/mem-8/_history/3");
    assert_eq!(absolute.map(|r| r.entry_index), Some(6));

    let missing = index
        .try_resolve(2, "Patient/mem-8/_history/9")
        .unwrap_err();
    assert_eq!(
        missing,
        UnresolvedReference::VersionNotFound {
            reference: "Patient/mem-8/_history/9".into(),
            entry_index: 2,
            version: "9".into(),
            candidates: vec![5, 6],
        }
    );
    let unversioned = index.try_resolve(2, "Patient/mem-8").unwrap_err();
    assert!(
        matches!(unversioned, UnresolvedReference::Ambiguous { ref candidates, .. } if candidates == &[5, 6])
    );
    let no_version_id = index
        .try_resolve(2, "Patient/mem-7/_history/1")
        .unwrap_err();
    assert!(
        matches!(no_version_id, UnresolvedReference::VersionNotFound { .. }),
        "{no_version_id}"
    );
}

#[test]
fn contained_reference_resolves_in_referrer() {
    let bundle = bundle_from_json(RESOLUTION_BUNDLE);
    let index = BundleIndex::new(&bundle);

    let resolved = index
        .resolve(2, "#payer-1")
        .expect("the Coverage contains payer-1");
    assert_eq!(resolved.entry_index, 2);
    assert!(resolved.contained);
    assert_eq!(
        resolved.resource.resource_type(),
        ResourceType::Organization
    );
    assert_eq!(resolved.resource.id().map(Id::as_str), Some("payer-1"));

    let container = index
        .resolve(2, "#")
        .expect("`#` is the containing resource");
    assert!(!container.contained);
    assert_eq!(container.resource.resource_type(), ResourceType::Coverage);

    let other_entry = index.try_resolve(3, "#payer-1").unwrap_err();
    assert_eq!(
        other_entry,
        UnresolvedReference::ContainedNotFound {
            reference: "#payer-1".into(),
            entry_index: 3
        }
    );
    assert!(index.resolve(2, "#payer-2").is_none());
}

#[test]
fn unresolvable_forms() {
    let bundle = bundle_from_json(RESOLUTION_BUNDLE);
    let index = BundleIndex::new(&bundle);

    let conditional = index
        .try_resolve(2, "Patient?identifier=urn:mbi|1")
        .unwrap_err();
    assert!(
        matches!(conditional, UnresolvedReference::Conditional { .. }),
        "{conditional}"
    );
    let unsupported = index.try_resolve(2, "Patient").unwrap_err();
    assert!(
        matches!(unsupported, UnresolvedReference::Unsupported { .. }),
        "{unsupported}"
    );
    let out_of_range = index.try_resolve(99, "Patient/mem-7").unwrap_err();
    assert_eq!(
        out_of_range,
        UnresolvedReference::NoSuchEntry {
            entry_index: 99,
            entry_count: 8
        }
    );
    let no_literal = index
        .resolve_reference(2, &fhir_payer::r4::Reference::default())
        .unwrap_err();
    assert_eq!(
        no_literal,
        UnresolvedReference::NoLiteralReference { entry_index: 2 }
    );
}

// ---------------------------------------------------------------------------
// Transactions: validation and order

/// A transaction in which a Coverage refers to a new Patient by `urn:uuid:`
/// and to its payer Organization by a conditional reference, and a
/// DocumentReference points at a new Binary.
const TRANSACTION: &str = r##"{
  "resourceType": "Bundle",
  "type": "transaction",
  "entry": [
    {"fullUrl": "urn:uuid:5d0b6c1e-2f4a-4e8b-9c3d-7a1e2b3c4d5e",
     "resource": {"resourceType": "Patient", "name": [{"family": "Okafor"}]},
     "request": {"method": "POST", "url": "Patient"}},
    {"fullUrl": "urn:uuid:9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b",
     "resource": {"resourceType": "Coverage", "status": "active",
       "text": {"status": "generated",
         "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">Member <a href=\"urn:uuid:5d0b6c1e-2f4a-4e8b-9c3d-7a1e2b3c4d5e\">Okafor</a></div>"},
       "contained": [{"resourceType": "RelatedPerson", "id": "holder",
         "patient": {"reference": "urn:uuid:5d0b6c1e-2f4a-4e8b-9c3d-7a1e2b3c4d5e"}}],
       "policyHolder": {"reference": "#holder"},
       "beneficiary": {"reference": "urn:uuid:5d0b6c1e-2f4a-4e8b-9c3d-7a1e2b3c4d5e"},
       "payor": [{"reference": "Organization?identifier=http://hl7.org/fhir/sid/us-npi|1497758544"}],
       "costToBeneficiary": [{"valueMoney": {"value": 25.50, "currency": "USD"}}]},
     "request": {"method": "POST", "url": "Coverage"}},
    {"fullUrl": "urn:uuid:3c2b1a0f-9e8d-4c7b-a6f5-e4d3c2b1a0f9",
     "resource": {"resourceType": "Binary", "contentType": "application/pdf", "data": "JVBERi0xLjQ="},
     "request": {"method": "POST", "url": "Binary"}},
    {"fullUrl": "urn:uuid:7b6a5f4e-3d2c-4b1a-9f8e-7d6c5b4a3f2e",
     "resource": {"resourceType": "DocumentReference", "status": "current",
       "subject": {"reference": "urn:uuid:5d0b6c1e-2f4a-4e8b-9c3d-7a1e2b3c4d5e"},
       "custodian": {"reference": "Organization?identifier=http://hl7.org/fhir/sid/us-npi|1497758544"},
       "content": [{"attachment": {"contentType": "application/pdf",
         "url": "urn:uuid:3c2b1a0f-9e8d-4c7b-a6f5-e4d3c2b1a0f9"}}]},
     "request": {"method": "POST", "url": "DocumentReference"}}
  ]
}"##;

const PATIENT_URN: &str = "urn:uuid:5d0b6c1e-2f4a-4e8b-9c3d-7a1e2b3c4d5e";
const NPI_QUERY: &str = "identifier=http://hl7.org/fhir/sid/us-npi|1497758544";

fn transaction_ids() -> IdAssignments {
    let mut ids = IdAssignments::new();
    ids.insert(PATIENT_URN, ResourceType::Patient, id("pat-501"));
    ids.insert(
        "urn:uuid:9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b",
        ResourceType::Coverage,
        id("cov-502"),
    );
    ids.insert(
        "urn:uuid:3c2b1a0f-9e8d-4c7b-a6f5-e4d3c2b1a0f9",
        ResourceType::Binary,
        id("bin-503"),
    );
    ids.insert(
        "urn:uuid:7b6a5f4e-3d2c-4b1a-9f8e-7d6c5b4a3f2e",
        ResourceType::DocumentReference,
        id("doc-504"),
    );
    ids
}

#[test]
fn transaction_validates() {
    let bundle = bundle_from_json(TRANSACTION);
    let validated = validate(&bundle).expect("the transaction is well formed");
    assert_eq!(validated.kind(), TransactionKind::Transaction);
    assert_eq!(validated.method(1), Some(HTTPVerb::Post));
}

#[test]
fn transaction_references_rewritten() {
    let mut bundle = bundle_from_json(TRANSACTION);
    let mut queries: Vec<(ResourceType, String)> = Vec::new();
    let mut resolver =
        |resource_type: ResourceType, query: &str| -> Result<Vec<Id>, ResolverError> {
            queries.push((resource_type, query.to_owned()));
            Ok(vec![id("org-77")])
        };

    let changes = rewrite_references(&mut bundle, &transaction_ids(), &mut resolver).unwrap();

    let coverage = entry_json(&bundle, 1);
    assert_eq!(coverage["beneficiary"]["reference"], "Patient/pat-501");
    assert_eq!(coverage["payor"][0]["reference"], "Organization/org-77");
    assert_eq!(
        coverage["contained"][0]["patient"]["reference"], "Patient/pat-501",
        "contained resources too"
    );
    assert_eq!(
        coverage["policyHolder"]["reference"], "#holder",
        "local references stay"
    );
    assert_eq!(coverage["id"], "cov-502");
    let div = coverage["text"]["div"].as_str().unwrap();
    assert!(
        div.contains("<a href=\"Patient/pat-501\">Okafor</a>"),
        "{div}"
    );
    assert!(
        entry_text(&bundle, 1).contains("\"value\":25.50"),
        "decimals keep their digits"
    );

    let document = entry_json(&bundle, 3);
    assert_eq!(document["subject"]["reference"], "Patient/pat-501");
    assert_eq!(document["custodian"]["reference"], "Organization/org-77");
    assert_eq!(
        document["content"][0]["attachment"]["url"],
        "Binary/bin-503"
    );

    assert_eq!(entry_json(&bundle, 0)["id"], "pat-501");
    assert_eq!(entry_json(&bundle, 2)["id"], "bin-503");
    // 3 references to the patient, 2 conditional references, 1 attachment
    // URL, 1 narrative link and 4 ids.
    assert_eq!(changes, 11);
    assert_eq!(
        queries,
        [(ResourceType::Organization, NPI_QUERY.to_owned())],
        "each conditional reference is resolved once"
    );
}

#[test]
fn conditional_reference_without_match_fails() {
    let original = bundle_from_json(TRANSACTION);
    let mut bundle = original.clone();
    let mut resolver =
        |_: ResourceType, _: &str| -> Result<Vec<Id>, ResolverError> { Ok(Vec::new()) };

    let error = rewrite_references(&mut bundle, &transaction_ids(), &mut resolver).unwrap_err();

    let expected_reference = format!("Organization?{NPI_QUERY}");
    assert!(
        matches!(&error, RewriteError::NoMatch { entry_index: 1, reference } if *reference == expected_reference),
        "{error}"
    );
    assert_eq!(bundle, original, "the Bundle is unchanged after an error");
}

#[test]
fn conditional_reference_with_several_matches_fails() {
    let original = bundle_from_json(TRANSACTION);
    let mut bundle = original.clone();
    let mut resolver = |_: ResourceType, _: &str| -> Result<Vec<Id>, ResolverError> {
        Ok(vec![id("org-77"), id("org-78")])
    };

    let error = rewrite_references(&mut bundle, &transaction_ids(), &mut resolver).unwrap_err();

    assert!(
        matches!(
            error,
            RewriteError::MultipleMatches {
                entry_index: 1,
                count: 2,
                ..
            }
        ),
        "{error}"
    );
    assert_eq!(bundle, original, "the Bundle is unchanged after an error");
}

#[test]
fn conditional_resolver_error_is_reported() {
    let mut bundle = bundle_from_json(TRANSACTION);
    let mut resolver = |_: ResourceType, _: &str| -> Result<Vec<Id>, ResolverError> {
        Err("unknown search parameter".into())
    };

    let error = rewrite_references(&mut bundle, &transaction_ids(), &mut resolver).unwrap_err();

    assert!(
        matches!(error, RewriteError::ResolverFailed { entry_index: 1, .. }),
        "{error}"
    );
    assert!(
        error.to_string().contains("unknown search parameter"),
        "{error}"
    );
}

#[test]
fn unassigned_urn_reference_fails() {
    let mut bundle = bundle_from_json(TRANSACTION);
    let mut ids = IdAssignments::new();
    ids.insert(
        "urn:uuid:9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b",
        ResourceType::Coverage,
        id("cov-502"),
    );
    let mut resolver =
        |_: ResourceType, _: &str| -> Result<Vec<Id>, ResolverError> { Ok(vec![id("org-77")]) };

    let error = rewrite_references(&mut bundle, &ids, &mut resolver).unwrap_err();

    assert!(
        matches!(&error, RewriteError::UnassignedReference { entry_index: 1, reference } if reference == PATIENT_URN),
        "{error}"
    );
}

#[test]
fn assigned_type_must_match_resource() {
    let mut bundle = bundle_from_json(TRANSACTION);
    let mut ids = transaction_ids();
    ids.insert(PATIENT_URN, ResourceType::Practitioner, id("pat-501"));
    let mut resolver =
        |_: ResourceType, _: &str| -> Result<Vec<Id>, ResolverError> { Ok(vec![id("org-77")]) };

    let error = rewrite_references(&mut bundle, &ids, &mut resolver).unwrap_err();

    assert!(
        matches!(
            error,
            RewriteError::AssignedTypeMismatch {
                entry_index: 0,
                assigned_type: ResourceType::Practitioner,
                resource_type: ResourceType::Patient,
                ..
            }
        ),
        "{error}"
    );
}

/// A transaction with one problem per entry, or per pair of entries.
const INVALID_TRANSACTION: &str = r##"{
  "resourceType": "Bundle",
  "type": "transaction",
  "entry": [
    {"resource": {"resourceType": "Patient"}},
    {"resource": {"resourceType": "Patient"}, "request": {"ifMatch": "W/\"1\""}},
    {"request": {"method": "POST", "url": "Coverage"}},
    {"resource": {"resourceType": "Coverage"}, "request": {"method": "POST", "url": "Patient"}},
    {"resource": {"resourceType": "Patient", "id": "p-2"}, "request": {"method": "PUT", "url": "Patient/p-1"}},
    {"resource": {"resourceType": "Patient"}, "request": {"method": "PUT", "url": "Patient"}},
    {"resource": {"resourceType": "Patient"}, "request": {"method": "PATCH", "url": "Patient/p-3"}},
    {"request": {"method": "DELETE", "url": "Patient/p-4/_history/1"}},
    {"fullUrl": "https://plan.example.net/r4/Patient/p-5/_history/2",
     "request": {"method": "GET", "url": "Patient/p-5"}},
    {"fullUrl": "urn:uuid:1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b", "resource": {"resourceType": "Patient"},
     "request": {"method": "POST", "url": "Patient"}},
    {"fullUrl": "urn:uuid:1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b", "resource": {"resourceType": "Patient"},
     "request": {"method": "POST", "url": "Patient"}},
    {"request": {"method": "DELETE", "url": "Patient/p-6"}},
    {"request": {"method": "DELETE", "url": "Patient/p-6"}},
    {"resource": {"resourceType": "Patient"}, "request": {"method": "POST", "url": "Patient/p-7"}}
  ]
}"##;

#[test]
fn validation_names_each_problem() {
    let bundle = bundle_from_json(INVALID_TRANSACTION);
    let problems = validate(&bundle).unwrap_err().problems;

    let has = |problem: TransactionProblem| problems.contains(&problem);
    assert!(
        has(TransactionProblem::MissingRequest { entry_index: 0 }),
        "{problems:#?}"
    );
    assert!(
        has(TransactionProblem::MissingMethod { entry_index: 1 }),
        "{problems:#?}"
    );
    assert!(
        has(TransactionProblem::MissingUrl { entry_index: 1 }),
        "{problems:#?}"
    );
    assert!(
        has(TransactionProblem::MissingResource {
            entry_index: 2,
            method: HTTPVerb::Post
        }),
        "{problems:#?}"
    );
    assert!(
        has(TransactionProblem::ResourceTypeMismatch {
            entry_index: 3,
            url: "Patient".into(),
            url_type: ResourceType::Patient,
            resource_type: ResourceType::Coverage,
        }),
        "{problems:#?}"
    );
    assert!(
        has(TransactionProblem::IdMismatch {
            entry_index: 4,
            url: "Patient/p-1".into(),
            url_id: "p-1".into(),
            resource_id: "p-2".into(),
        }),
        "{problems:#?}"
    );
    let invalid_url = |entry: usize| {
        problems.iter().any(|problem| matches!(problem, TransactionProblem::InvalidUrl { entry_index, .. } if *entry_index == entry))
    };
    assert!(invalid_url(5), "PUT to a type: {problems:#?}");
    assert!(
        has(TransactionProblem::InvalidPatchResource {
            entry_index: 6,
            resource_type: ResourceType::Patient
        }),
        "{problems:#?}"
    );
    assert!(invalid_url(7), "DELETE of a version: {problems:#?}");
    assert!(
        has(TransactionProblem::VersionedFullUrl {
            entry_index: 8,
            full_url: "https://plan.example.net/r4/Patient/p-5/_history/2".into(),
        }),
        "{problems:#?}"
    );
    assert!(
        has(TransactionProblem::DuplicateFullUrl {
            entry_index: 10,
            first_entry_index: 9,
            full_url: "urn:uuid:1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b".into(),
        }),
        "{problems:#?}"
    );
    assert!(
        has(TransactionProblem::DuplicateTarget {
            entry_index: 12,
            first_entry_index: 11,
            url: "Patient/p-6".into()
        }),
        "{problems:#?}"
    );
    assert!(invalid_url(13), "POST to an instance: {problems:#?}");
    assert_eq!(problems.len(), 13, "{problems:#?}");
}

#[test]
fn validation_rejects_other_bundle_types() {
    let bundle = bundle_from_json(r#"{"resourceType": "Bundle", "type": "searchset"}"#);
    let error = validate(&bundle).unwrap_err();
    assert_eq!(
        error.problems,
        [TransactionProblem::NotTransactionOrBatch {
            found: Some(BundleType::Searchset)
        }]
    );
    assert!(error.to_string().contains("searchset"), "{error}");

    let untyped = bundle_from_json(r#"{"resourceType": "Bundle"}"#);
    let error = validate(&untyped).unwrap_err();
    assert_eq!(
        error.problems,
        [TransactionProblem::NotTransactionOrBatch { found: None }]
    );
}

#[test]
fn batch_entries_must_not_refer_to_each_other() {
    let text = TRANSACTION.replacen("\"type\": \"transaction\"", "\"type\": \"batch\"", 1);
    let bundle = bundle_from_json(&text);
    let problems = validate(&bundle).unwrap_err().problems;

    let expected = TransactionProblem::BatchInterdependency {
        entry_index: 1,
        reference: PATIENT_URN.into(),
        target_entry_index: 0,
    };
    assert!(problems.contains(&expected), "{problems:#?}");
    let from_document = problems.iter().filter(|problem| {
        matches!(
            problem,
            TransactionProblem::BatchInterdependency {
                entry_index: 3,
                target_entry_index: 0,
                ..
            }
        )
    });
    assert_eq!(from_document.count(), 1, "{problems:#?}");
}

#[test]
fn duplicate_full_url_allowed_with_distinct_versions() {
    let bundle = bundle_from_json(
        r#"{"resourceType": "Bundle", "type": "batch", "entry": [
          {"fullUrl": "https://plan.example.net/r4/Patient/p-9",
           "resource": {"resourceType": "Patient", "id": "p-9", "meta": {"versionId": "1"}},
           "request": {"method": "POST", "url": "Patient"}},
          {"fullUrl": "https://plan.example.net/r4/Patient/p-9",
           "resource": {"resourceType": "Patient", "id": "p-9", "meta": {"versionId": "2"}},
           "request": {"method": "POST", "url": "Patient"}}
        ]}"#,
    );
    let validated = validate(&bundle);
    assert!(validated.is_ok(), "{:?}", validated.err());
}

#[test]
fn processing_order_groups_methods() {
    let bundle = bundle_from_json(
        r#"{"resourceType": "Bundle", "type": "transaction", "entry": [
          {"request": {"method": "GET", "url": "Coverage?beneficiary=Patient/m-1"}},
          {"resource": {"resourceType": "Patient", "id": "m-1"}, "request": {"method": "PUT", "url": "Patient/m-1"}},
          {"resource": {"resourceType": "Patient"}, "request": {"method": "POST", "url": "Patient"}},
          {"request": {"method": "DELETE", "url": "Coverage/c-1"}},
          {"resource": {"resourceType": "Binary", "contentType": "application/json-patch+json"},
           "request": {"method": "PATCH", "url": "Patient/m-2"}},
          {"resource": {"resourceType": "Coverage"}, "request": {"method": "POST", "url": "Coverage"}},
          {"request": {"method": "DELETE", "url": "Coverage?status=cancelled"}},
          {"request": {"method": "HEAD", "url": "Patient/m-1"}}
        ]}"#,
    );
    let validated = validate(&bundle).unwrap();
    assert_eq!(validated.processing_order(), [3, 6, 2, 5, 1, 4, 0, 7]);
}

// ---------------------------------------------------------------------------
// Official examples

fn package_path() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let path = root
        .join("target")
        .join("fhir-packages")
        .join("hl7.fhir.r4.examples-4.0.1.tgz");
    assert!(
        path.is_file(),
        "{} is missing; run `fhir-definitions/fetch.sh examples` first",
        path.display()
    );
    path
}

/// Reads the named files of the examples package, by file name.
fn example_files(names: &[&str]) -> BTreeMap<String, Vec<u8>> {
    let file = std::fs::File::open(package_path()).expect("open package");
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut out = BTreeMap::new();
    for entry in archive.entries().expect("read package") {
        let mut entry = entry.expect("read package entry");
        let path = entry
            .path()
            .expect("entry path")
            .to_string_lossy()
            .into_owned();
        let name = path.rsplit('/').next().unwrap_or(&path).to_owned();
        if !names.contains(&name.as_str()) {
            continue;
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("read entry");
        out.insert(name, bytes);
    }
    for name in names {
        assert!(
            out.contains_key(*name),
            "{name} is not in the examples package"
        );
    }
    out
}

fn example_bundle(files: &BTreeMap<String, Vec<u8>>, name: &str) -> Bundle {
    match fhir_payer::json::from_slice(&files[name]).expect("official example parses") {
        Resource::Bundle(bundle) => *bundle,
        other => panic!("{name} is a {}, not a Bundle", other.resource_type()),
    }
}

/// Collects every `reference` string in the resource of each entry, contained
/// resources included, as (entry index, reference).
fn references_by_entry(bundle: &Bundle) -> Vec<(usize, String)> {
    fn collect(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(members) => {
                for (name, member) in members {
                    match (name.as_str(), member) {
                        ("reference", serde_json::Value::String(text)) => out.push(text.clone()),
                        _ => collect(member, out),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|item| collect(item, out)),
            _ => {}
        }
    }

    let mut found = Vec::new();
    for index in 0..bundle.entry.len() {
        if bundle.entry[index].resource.is_none() {
            continue;
        }
        let mut references = Vec::new();
        collect(&entry_json(bundle, index), &mut references);
        found.extend(references.into_iter().map(|reference| (index, reference)));
    }
    found
}

#[test]
fn official_examples_resolution_counts() {
    // (file, references in entry resources, references that resolve), each
    // counted by reading the file.
    let expected = [
        // A MedicationRequest refers to the Medication of the other entry and
        // to a Patient that is not in the Bundle.
        ("Bundle-bundle-example.json", 2, 1),
        // A document: 13 references resolve; the MedicationRequest in a
        // urn:uuid entry refers to `Practitioner/example` by a relative
        // reference, which cannot resolve.
        ("Bundle-father.json", 14, 13),
        // Only the DiagnosticReport's `ServiceRequest/req` is in the Bundle.
        ("Bundle-f001.json", 11, 1),
        // The report's four results resolve; patient and performer do not.
        ("Bundle-lipids.json", 14, 4),
        // The DocumentReference is a urn:uuid entry with relative references.
        ("Bundle-xds.json", 3, 0),
        // urn:uuid references between the DiagnosticReport and Observations
        // resolve (3 + 9 * 2); relative ones from urn:uuid entries do not.
        ("Bundle-hla-1.json", 67, 21),
        ("Bundle-bundle-references.json", 6, 4),
    ];
    let names: Vec<&str> = expected.iter().map(|(name, _, _)| *name).collect();
    let files = example_files(&names);

    for (name, reference_count, resolved_count) in expected {
        let bundle = example_bundle(&files, name);
        let index = BundleIndex::new(&bundle);
        let references = references_by_entry(&bundle);
        let resolved = references
            .iter()
            .filter(|(entry, reference)| index.resolve(*entry, reference).is_some());
        assert_eq!(references.len(), reference_count, "{name}: references");
        assert_eq!(
            resolved.count(),
            resolved_count,
            "{name}: resolved references"
        );
    }
}

#[test]
fn official_references_example() {
    let files = example_files(&["Bundle-bundle-references.json"]);
    let bundle = example_bundle(&files, "Bundle-bundle-references.json");
    let index = BundleIndex::new(&bundle);

    let relative = index.resolve(2, "Patient/23");
    assert_eq!(relative.map(|r| r.entry_index), Some(0));
    let absolute = index.resolve(3, "http://example.org/fhir/Patient/23");
    assert_eq!(absolute.map(|r| r.entry_index), Some(0));
    let urn = index.resolve(4, "urn:uuid:04121321-4af5-424c-a0e1-ed3aab1c349d");
    assert_eq!(urn.map(|r| r.entry_index), Some(1));
    let elsewhere = index
        .try_resolve(5, "http://example.org/fhir-2/Patient/1")
        .unwrap_err();
    assert!(
        matches!(elsewhere, UnresolvedReference::NotFound { .. }),
        "{elsewhere}"
    );
    let other_base = index.try_resolve(6, "Patient/23").unwrap_err();
    assert!(
        matches!(&other_base, UnresolvedReference::NotFound { full_url, .. } if full_url == "http://example.org/fhir-2/Patient/23"),
        "{other_base}"
    );
    let versioned = index.resolve(9, "Patient/45/_history/2");
    assert_eq!(versioned.map(|r| r.entry_index), Some(8));
    let unversioned = index.try_resolve(9, "Patient/45").unwrap_err();
    assert!(
        matches!(unversioned, UnresolvedReference::Ambiguous { .. }),
        "{unversioned}"
    );

    // The last Observation refers to its subject by identifier only.
    let Some(Resource::Observation(observation)) = &bundle.entry[10].resource else {
        panic!("entry 10 is an Observation");
    };
    let subject = observation.subject.as_ref().expect("subject");
    let by_identifier = index.resolve_reference(10, subject).unwrap_err();
    assert_eq!(
        by_identifier,
        UnresolvedReference::NoLiteralReference { entry_index: 10 }
    );
}

#[test]
fn official_father_document_references() {
    let files = example_files(&["Bundle-father.json"]);
    let bundle = example_bundle(&files, "Bundle-father.json");
    let index = BundleIndex::new(&bundle);

    let from_composition = index.resolve(0, "Practitioner/example");
    assert_eq!(from_composition.map(|r| r.entry_index), Some(1));
    let from_urn_entry = index.try_resolve(5, "Practitioner/example").unwrap_err();
    assert!(
        matches!(
            from_urn_entry,
            UnresolvedReference::NoServiceBase { entry_index: 5, .. }
        ),
        "{from_urn_entry}"
    );
    let section_entry = index.resolve(0, "urn:uuid:47600e0f-b6b5-4308-84b5-5dec157f7637");
    assert_eq!(
        section_entry.map(|r| r.resource.resource_type()),
        Some(ResourceType::AllergyIntolerance)
    );
}

#[test]
fn official_contained_value_set() {
    let files = example_files(&["Bundle-ussg-fht.json"]);
    let bundle = example_bundle(&files, "Bundle-ussg-fht.json");
    let index = BundleIndex::new(&bundle);

    let resolved = index
        .resolve(0, "#length")
        .expect("the Questionnaire contains ValueSet length");
    assert!(resolved.contained);
    assert_eq!(resolved.resource.resource_type(), ResourceType::ValueSet);
    assert_eq!(resolved.resource.id().map(Id::as_str), Some("length"));
    assert!(
        index.resolve(1, "#length").is_none(),
        "only the referring resource's contained resources count"
    );
}

#[test]
fn official_transactions_validate() {
    let names = [
        "Bundle-bundle-transaction.json",
        "Bundle-xds.json",
        "Bundle-hla-1.json",
        "Bundle-ussg-fht.json",
        "Bundle-bundle-request-medsallergies.json",
        "Bundle-bundle-request-simplesummary.json",
    ];
    let files = example_files(&names);

    for name in &names[..4] {
        let bundle = example_bundle(&files, name);
        let kind = validate(&bundle).map(|validated| validated.kind());
        assert_eq!(kind, Ok(TransactionKind::Transaction), "{name}");
    }
    for name in &names[4..] {
        let bundle = example_bundle(&files, name);
        let kind = validate(&bundle).map(|validated| validated.kind());
        assert_eq!(kind, Ok(TransactionKind::Batch), "{name}");
    }
}

#[test]
fn official_transaction_processing_order() {
    let files = example_files(&["Bundle-bundle-transaction.json"]);
    let bundle = example_bundle(&files, "Bundle-bundle-transaction.json");
    let validated = validate(&bundle).unwrap();

    // Two DELETEs, three POSTs (one an operation), three PUTs, two GETs.
    assert_eq!(validated.processing_order(), [5, 6, 0, 1, 7, 2, 3, 4, 8, 9]);
}

#[test]
fn official_transaction_rewrite() {
    let files = example_files(&["Bundle-hla-1.json"]);
    let mut bundle = example_bundle(&files, "Bundle-hla-1.json");
    let mut ids = IdAssignments::new();
    for (index, entry) in bundle.entry.iter().enumerate() {
        let full_url = entry
            .full_url
            .as_ref()
            .and_then(|url| url.value.as_ref())
            .expect("every entry has a fullUrl");
        let resource_type = entry
            .resource
            .as_ref()
            .expect("every entry has a resource")
            .resource_type();
        ids.insert(
            full_url.as_str(),
            resource_type,
            id(&format!("hla-{index}")),
        );
    }
    let mut resolver = |_: ResourceType, query: &str| -> Result<Vec<Id>, ResolverError> {
        Err(format!("unexpected conditional reference with query {query}").into())
    };

    let changes = rewrite_references(&mut bundle, &ids, &mut resolver).unwrap();

    let references = references_by_entry(&bundle);
    let urn_left = references
        .iter()
        .filter(|(_, reference)| reference.starts_with("urn:uuid:"))
        .count();
    assert_eq!(urn_left, 0, "{references:?}");
    let report_results: Vec<&str> = references
        .iter()
        .filter(|(entry, _)| *entry == 0)
        .map(|(_, reference)| reference.as_str())
        .collect();
    assert!(
        report_results.contains(&"Observation/hla-15"),
        "{report_results:?}"
    );
    assert!(
        report_results.contains(&"Observation/hla-18"),
        "{report_results:?}"
    );
    assert!(
        report_results.contains(&"Observation/hla-21"),
        "{report_results:?}"
    );
    assert!(
        report_results.contains(&"Patient/119"),
        "relative references stay: {report_results:?}"
    );
    assert_eq!(entry_json(&bundle, 13)["id"], "hla-13");
    // 21 urn:uuid references and 22 new ids.
    assert_eq!(changes, 43);
}
