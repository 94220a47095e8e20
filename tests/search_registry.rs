//! The search parameter registry: the core parameters, those of the
//! implementation guides enabled by features, the precedence between them,
//! and the core package's examples left out.

use fhir_payer::search::extract::UNSUPPORTED_EXPRESSIONS;
use fhir_payer::search::registry::{
    CORE_PRECEDENCE, search_parameter, search_parameters, search_parameters_for,
};

const CORE: &str = "hl7.fhir.r4.core#4.0.1";
const PLAN_NET: &str = "hl7.fhir.us.davinci-pdex-plan-net#1.2.0";

#[test]
fn core_examples_left_out() {
    for param in search_parameters() {
        assert!(
            !param
                .url
                .starts_with("http://hl7.org/fhir/SearchParameter/example"),
            "{} is an example",
            param.url
        );
    }
    // The example redefines `_id` on Resource; the real one must be found.
    let id = search_parameter("Patient", "_id").expect("_id");
    let expected_ids = [
        "http://hl7.org/fhir/SearchParameter/Resource-id",
        "http://hl7.org/fhir/us/core/SearchParameter/us-core-patient-id",
    ];
    assert!(expected_ids.contains(&id.url), "{}", id.url);
    let subject = search_parameter("Condition", "subject").expect("Condition subject");
    assert_eq!(
        subject.url,
        "http://hl7.org/fhir/SearchParameter/Condition-subject"
    );
    assert!(search_parameter("Patient", "part-agree").is_none());
}

#[test]
fn table_sorted_and_unique() {
    let params = search_parameters();
    for pair in params.windows(2) {
        assert!(
            (pair[0].code, pair[0].url) < (pair[1].code, pair[1].url),
            "{} / {} out of order",
            pair[0].url,
            pair[1].url
        );
    }
}

#[test]
fn plan_net_parameters_registered() {
    let network = search_parameter("PractitionerRole", "network").expect("network");
    assert_eq!(network.package, PLAN_NET);
    assert_eq!(network.precedence, 0);
    assert_eq!(
        search_parameter("InsurancePlan", "coverage-area").map(|p| p.package),
        Some(PLAN_NET)
    );
    assert_eq!(
        search_parameter("Organization", "coverage-area").map(|p| p.package),
        Some(PLAN_NET)
    );
}

#[test]
fn guide_replaces_core_for_its_base_only() {
    // Plan Net defines `location` on PractitionerRole again, with the same
    // expression as core: the guide's wins on PractitionerRole.
    let role_location = search_parameter("PractitionerRole", "location").expect("location");
    assert_eq!(role_location.package, PLAN_NET);
    // Core `Immunization?location` is redefined by no guide.
    let immunization_location = search_parameter("Immunization", "location").expect("location");
    assert_eq!(immunization_location.package, CORE);
    assert_eq!(immunization_location.precedence, CORE_PRECEDENCE);
    // Both definitions stay in the table.
    let locations = search_parameters()
        .iter()
        .filter(|p| p.code == "location" && p.base.contains(&"PractitionerRole"))
        .count();
    assert_eq!(locations, 2);
}

#[test]
fn parameters_for_type_once_per_code() {
    let codes: Vec<&str> = search_parameters_for("PractitionerRole")
        .map(|p| p.code)
        .collect();
    let mut unique = codes.clone();
    unique.dedup();
    assert_eq!(codes, unique);
    assert!(codes.contains(&"network"));
    assert!(codes.contains(&"_id"));
    let location = search_parameters_for("PractitionerRole")
        .find(|p| p.code == "location")
        .expect("location");
    assert_eq!(location.package, PLAN_NET);
}

#[test]
#[cfg(feature = "carin-bb")]
fn carin_parameters_registered() {
    const CARIN: &str = "hl7.fhir.us.carin-bb#2.0.0";
    for code in [
        "service-date",
        "service-start-date",
        "billable-period-start",
        "insurer",
        "type",
    ] {
        let param = search_parameter("ExplanationOfBenefit", code)
            .unwrap_or_else(|| panic!("{code} is missing"));
        assert_eq!(param.package, CARIN, "{code}");
    }
}

#[test]
#[cfg(all(feature = "us-core", feature = "carin-bb", feature = "pdex"))]
fn earlier_guide_wins() {
    // Both CARIN BB and PDex define ExplanationOfBenefit `service-date`;
    // CARIN BB comes first in the build script.
    let service_date = search_parameter("ExplanationOfBenefit", "service-date").unwrap();
    assert_eq!(service_date.package, "hl7.fhir.us.carin-bb#2.0.0");
    // US Core narrows the core `patient` for Condition.
    let patient = search_parameter("Condition", "patient").unwrap();
    assert_eq!(patient.package, "hl7.fhir.us.core#6.1.0");
    assert_eq!(
        patient.expression,
        "Condition.subject.where(resolve() is Patient)"
    );
}

#[test]
fn guide_expressions_compile() {
    // Every expression of the enabled guides compiles to extraction code,
    // except those listed here with the reason.
    let unsupported: Vec<(&str, &str)> = UNSUPPORTED_EXPRESSIONS
        .iter()
        .filter(|u| !u.url.starts_with("http://hl7.org/fhir/SearchParameter/"))
        .map(|u| (u.url, u.reason))
        .collect();
    assert_eq!(unsupported, Vec::<(&str, &str)>::new());
}
