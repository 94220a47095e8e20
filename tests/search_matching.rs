//! In-memory matching of parsed searches against resources, and `_sort`.

use fhir_payer::r4::{Resource, ResourceType};
use fhir_payer::search::matching::{MatchError, Matcher, MemoryResolver, SortOrder};
use fhir_payer::search::query::{Search, SearchOptions};

const BASE: &str = "https://payer.example.org/fhir";

fn options() -> SearchOptions {
    SearchOptions::new().with_base_url(BASE)
}

fn resource(json: &str) -> Resource {
    fhir_payer::json::from_str(json)
        .unwrap_or_else(|error| panic!("invalid test resource {json}: {error}"))
}

fn search(resource_type: ResourceType, query: &str) -> Search {
    Search::parse(Some(resource_type), query, &options())
        .unwrap_or_else(|error| panic!("query `{query}` failed: {error}"))
}

/// Returns the ids of the resources that match `query`, in order.
fn matching_ids(resource_type: ResourceType, query: &str, resources: &[Resource]) -> Vec<String> {
    let options = options();
    let resolver = MemoryResolver::new(resources);
    let matcher = Matcher::new(&options).with_resolver(&resolver);
    let search = search(resource_type, query);
    matcher
        .filter(&search, resources)
        .unwrap_or_else(|error| panic!("matching `{query}` failed: {error}"))
        .into_iter()
        .map(|resource| {
            resource
                .id()
                .map(|id| id.as_str().to_owned())
                .unwrap_or_default()
        })
        .collect()
}

fn patient(id: &str, extra: &str) -> Resource {
    let separator = if extra.is_empty() { "" } else { "," };
    resource(&format!(
        r#"{{"resourceType":"Patient","id":"{id}"{separator}{extra}}}"#
    ))
}

fn patients_by_birth_date() -> Vec<Resource> {
    vec![
        patient("mid-january", r#""birthDate":"2010-01-15""#),
        patient("year-only", r#""birthDate":"2010""#),
        patient("new-years-eve", r#""birthDate":"2009-12-31""#),
        patient("march", r#""birthDate":"2010-03-02""#),
        patient("no-date", ""),
    ]
}

#[test]
fn date_ge_month_overlap_rules() {
    let ids = matching_ids(
        ResourceType::Patient,
        "birthdate=ge2010-01",
        &patients_by_birth_date(),
    );
    assert_eq!(ids, ["mid-january", "year-only", "march"]);
}

#[test]
fn date_prefixes_against_ranges() {
    let patients = patients_by_birth_date();
    let cases = [
        ("birthdate=2010-01", vec!["mid-january"]),
        ("birthdate=2010", vec!["mid-january", "year-only", "march"]),
        (
            "birthdate=ne2010-01",
            vec!["year-only", "new-years-eve", "march"],
        ),
        // A year that starts on the first day of the search month is not
        // below it.
        ("birthdate=lt2010-01", vec!["new-years-eve"]),
        (
            "birthdate=le2010-01-15",
            vec!["mid-january", "year-only", "new-years-eve"],
        ),
        ("birthdate=gt2010-01", vec!["year-only", "march"]),
        ("birthdate=sa2010-01", vec!["march"]),
        ("birthdate=eb2010-01", vec!["new-years-eve"]),
        // `ap` widens by 10% of the time to now, so its cases fix the clock
        // in `date_approximately_scales_with_age`.
        (
            "birthdate=2009-12-31,2010-03-02",
            vec!["new-years-eve", "march"],
        ),
        (
            "birthdate=ge2010-01&birthdate=lt2010-02",
            vec!["mid-january", "year-only"],
        ),
    ];
    for (query, expected) in cases {
        assert_eq!(
            matching_ids(ResourceType::Patient, query, &patients),
            expected,
            "{query}"
        );
    }
}

#[test]
fn date_time_with_zone() {
    let observations = [
        resource(
            r#"{"resourceType":"Observation","id":"evening","status":"final","code":{"text":"x"},"effectiveDateTime":"2023-11-04T16:05:09+05:30"}"#,
        ),
        resource(
            r#"{"resourceType":"Observation","id":"period","status":"final","code":{"text":"x"},"effectivePeriod":{"start":"2023-11-04T09:00:00Z"}}"#,
        ),
    ];
    // 16:05:09+05:30 is 10:35:09Z.
    let ids = matching_ids(
        ResourceType::Observation,
        "date=2023-11-04T10:35:09Z",
        &observations,
    );
    assert_eq!(ids, ["evening"]);
    // The open-ended period goes on past any date.
    let ids = matching_ids(ResourceType::Observation, "date=gt2030", &observations);
    assert_eq!(ids, ["period"]);
}

fn risk_assessment(id: &str, probability: &str) -> Resource {
    resource(&format!(
        r#"{{"resourceType":"RiskAssessment","id":"{id}","status":"final","subject":{{"reference":"Patient/1"}},"prediction":[{{"probabilityDecimal":{probability}}}]}}"#
    ))
}

#[test]
fn number_implicit_precision_ranges() {
    let assessments = [
        risk_assessment("low-edge", "99.5"),
        risk_assessment("just-below", "99.4999"),
        risk_assessment("near-hundred", "99.996"),
        risk_assessment("hundred", "100"),
        risk_assessment("high-edge", "100.5"),
        risk_assessment("above-fine", "100.005"),
    ];
    let ids = matching_ids(
        ResourceType::RiskAssessment,
        "probability=100",
        &assessments,
    );
    assert_eq!(ids, ["low-edge", "near-hundred", "hundred", "above-fine"]);
    let ids = matching_ids(
        ResourceType::RiskAssessment,
        "probability=100.00",
        &assessments,
    );
    assert_eq!(ids, ["near-hundred", "hundred"]);
    let ids = matching_ids(
        ResourceType::RiskAssessment,
        "probability=gt100",
        &assessments,
    );
    assert_eq!(ids, ["high-edge", "above-fine"]);
    let ids = matching_ids(
        ResourceType::RiskAssessment,
        "probability=le99.5",
        &assessments,
    );
    assert_eq!(ids, ["low-edge", "just-below"]);
}

fn observation_quantity(id: &str, value: &str, unit: &str, code: &str) -> Resource {
    resource(&format!(
        r#"{{"resourceType":"Observation","id":"{id}","status":"final","code":{{"text":"dose"}},"valueQuantity":{{"value":{value},"unit":"{unit}","system":"http://unitsofmeasure.org","code":"{code}"}}}}"#
    ))
}

#[test]
fn quantity_unit_and_value() {
    let observations = [
        observation_quantity("by-code", "7.2", "milligram", "mg"),
        observation_quantity("by-unit", "7.2", "mg", "mg-custom"),
        observation_quantity("grams", "7.2", "g", "g"),
        observation_quantity("other-value", "8", "mg", "mg"),
    ];
    let ids = matching_ids(
        ResourceType::Observation,
        "value-quantity=7.2||mg",
        &observations,
    );
    assert_eq!(ids, ["by-code", "by-unit"]);
    let ids = matching_ids(
        ResourceType::Observation,
        "value-quantity=7.2",
        &observations,
    );
    assert_eq!(ids, ["by-code", "by-unit", "grams"]);
    let ids = matching_ids(
        ResourceType::Observation,
        "value-quantity=gt7.5|http://unitsofmeasure.org|mg",
        &observations,
    );
    assert_eq!(ids, ["other-value"]);
    let ids = matching_ids(
        ResourceType::Observation,
        "value-quantity=-7.2",
        &observations,
    );
    assert!(ids.is_empty());
}

#[test]
fn string_default_exact_contains() {
    let patients = [
        patient("accented", r#""name":[{"family":"Élan","given":["Zoë"]}]"#),
        patient("plain", r#""name":[{"family":"Elander","given":["Zoe"]}]"#),
        patient("inner", r#""name":[{"family":"Delaney"}]"#),
    ];
    assert_eq!(
        matching_ids(ResourceType::Patient, "family=elan", &patients),
        ["accented", "plain"]
    );
    assert_eq!(
        matching_ids(ResourceType::Patient, "family:exact=Élan", &patients),
        ["accented"]
    );
    assert!(matching_ids(ResourceType::Patient, "family:exact=elan", &patients).is_empty());
    assert_eq!(
        matching_ids(ResourceType::Patient, "family:contains=LAN", &patients),
        ["accented", "plain", "inner"]
    );
    assert_eq!(
        matching_ids(ResourceType::Patient, "name=zoe", &patients),
        ["accented", "plain"]
    );
}

#[test]
fn token_forms_and_not() {
    let patients = [
        patient(
            "female",
            r#""gender":"female","identifier":[{"system":"urn:ids","value":"x1"}]"#,
        ),
        patient("male", r#""gender":"male","identifier":[{"value":"x1"}]"#),
        patient(
            "unknown",
            r#""identifier":[{"system":"urn:other","value":"x2"}]"#,
        ),
    ];
    assert_eq!(
        matching_ids(ResourceType::Patient, "gender:not=male", &patients),
        ["female", "unknown"]
    );
    assert_eq!(
        matching_ids(ResourceType::Patient, "identifier=x1", &patients),
        ["female", "male"]
    );
    assert_eq!(
        matching_ids(ResourceType::Patient, "identifier=|x1", &patients),
        ["male"]
    );
    assert_eq!(
        matching_ids(ResourceType::Patient, "identifier=urn:ids|x1", &patients),
        ["female"]
    );
    assert_eq!(
        matching_ids(ResourceType::Patient, "identifier=urn:other|", &patients),
        ["unknown"]
    );
    assert_eq!(
        matching_ids(ResourceType::Patient, "gender:missing=true", &patients),
        ["unknown"]
    );
    assert_eq!(
        matching_ids(ResourceType::Patient, "gender:missing=false", &patients),
        ["female", "male"]
    );
    assert_eq!(
        matching_ids(ResourceType::Patient, "_id=male,unknown", &patients),
        ["male", "unknown"]
    );
}

#[test]
fn token_text_and_of_type() {
    let patients = [patient(
        "member",
        r#""identifier":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MB"}],"text":"Member Number"},"system":"urn:plan","value":"M-77"}]"#,
    )];
    let of_type = "identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|MB|M-77";
    assert_eq!(
        matching_ids(ResourceType::Patient, of_type, &patients),
        ["member"]
    );
    let wrong_type = "identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|MR|M-77";
    assert!(matching_ids(ResourceType::Patient, wrong_type, &patients).is_empty());
    assert_eq!(
        matching_ids(ResourceType::Patient, "identifier:text=number", &patients),
        ["member"]
    );
}

fn observations_with_subjects() -> Vec<Resource> {
    vec![
        patient("p-77", r#""name":[{"family":"Okafor"}],"gender":"female""#),
        patient("p-78", r#""name":[{"family":"Ibsen"}]"#),
        resource(r#"{"resourceType":"Location","id":"loc-1","name":"Okafor Clinic"}"#),
        resource(
            r#"{"resourceType":"Observation","id":"relative","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/p-77"}}"#,
        ),
        resource(&format!(
            r#"{{"resourceType":"Observation","id":"absolute","status":"final","code":{{"text":"x"}},"subject":{{"reference":"{BASE}/Patient/p-77"}}}}"#
        )),
        resource(
            r#"{"resourceType":"Observation","id":"elsewhere","status":"final","code":{"text":"x"},"subject":{"reference":"https://other.example/fhir/Patient/p-77"}}"#,
        ),
        resource(
            r#"{"resourceType":"Observation","id":"other-patient","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/p-78"}}"#,
        ),
        resource(
            r#"{"resourceType":"Observation","id":"at-location","status":"amended","code":{"text":"x"},"subject":{"reference":"Location/loc-1"}}"#,
        ),
        resource(
            r#"{"resourceType":"Observation","id":"no-subject","status":"final","code":{"text":"x"}}"#,
        ),
    ]
}

#[test]
fn reference_by_id_type_and_base_url() {
    let resources = observations_with_subjects();
    let local = ["relative", "absolute"];
    assert_eq!(
        matching_ids(
            ResourceType::Observation,
            "subject=Patient/p-77",
            &resources
        ),
        local
    );
    assert_eq!(
        matching_ids(
            ResourceType::Observation,
            &format!("subject={BASE}/Patient/p-77"),
            &resources
        ),
        local
    );
    assert_eq!(
        matching_ids(ResourceType::Observation, "subject=p-77", &resources),
        local
    );
    assert_eq!(
        matching_ids(
            ResourceType::Observation,
            "subject:Patient=p-77",
            &resources
        ),
        local
    );
    assert!(matching_ids(ResourceType::Observation, "subject:Group=p-77", &resources).is_empty());
    assert_eq!(
        matching_ids(
            ResourceType::Observation,
            "subject=https://other.example/fhir/Patient/p-77",
            &resources
        ),
        ["elsewhere"]
    );
    assert_eq!(
        matching_ids(
            ResourceType::Observation,
            "subject:missing=true",
            &resources
        ),
        ["no-subject"]
    );
}

#[test]
fn chain_and_reverse_chain() {
    let resources = observations_with_subjects();
    assert_eq!(
        matching_ids(
            ResourceType::Observation,
            "subject:Patient.family=okafor",
            &resources
        ),
        ["relative", "absolute"]
    );
    assert_eq!(
        matching_ids(
            ResourceType::Observation,
            "subject:Location.name=okafor",
            &resources
        ),
        ["at-location"]
    );
    assert_eq!(
        matching_ids(
            ResourceType::Patient,
            "_has:Observation:subject:status=final",
            &resources
        ),
        ["p-77", "p-78"]
    );
    assert!(
        matching_ids(
            ResourceType::Patient,
            "_has:Observation:subject:status=amended",
            &resources
        )
        .is_empty()
    );
}

#[test]
fn chain_without_resolver_is_error() {
    let options = options();
    let matcher = Matcher::new(&options);
    let search = search(ResourceType::Observation, "subject:Patient.family=okafor");
    let resources = observations_with_subjects();
    let error = matcher.matches(&search, &resources[3]).unwrap_err();
    assert!(
        matches!(error, MatchError::NeedsResolver { .. }),
        "{error:?}"
    );
}

#[test]
fn value_set_without_terminology_is_error() {
    let options = options();
    let matcher = Matcher::new(&options);
    let search = search(
        ResourceType::Patient,
        "gender:in=http://hl7.org/fhir/ValueSet/administrative-gender",
    );
    let error = matcher
        .matches(&search, &patient("p", r#""gender":"male""#))
        .unwrap_err();
    assert!(
        matches!(error, MatchError::TerminologyUnavailable { .. }),
        "{error:?}"
    );
}

#[test]
fn list_membership() {
    let mut resources = observations_with_subjects();
    resources.push(resource(
        r#"{"resourceType":"List","id":"watch","status":"current","mode":"working","entry":[{"item":{"reference":"Patient/p-78"}}]}"#,
    ));
    assert_eq!(
        matching_ids(ResourceType::Patient, "_list=watch", &resources),
        ["p-78"]
    );
}

#[test]
fn content_and_narrative_text() {
    let patients = [
        patient(
            "narrated",
            r#""text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">Enrolled in <b>Gold</b> plan</div>"}"#,
        ),
        patient("plain", r#""name":[{"family":"Gold"}]"#),
    ];
    assert_eq!(
        matching_ids(ResourceType::Patient, "_text=gold plan", &patients),
        ["narrated"]
    );
    assert_eq!(
        matching_ids(ResourceType::Patient, "_content=gold", &patients),
        ["narrated", "plain"]
    );
}

#[test]
fn sort_descending_then_ascending() {
    let observations = [
        resource(
            r#"{"resourceType":"Observation","id":"a","status":"final","code":{"text":"x"},"effectiveDateTime":"2024-02-01"}"#,
        ),
        resource(
            r#"{"resourceType":"Observation","id":"b","status":"amended","code":{"text":"x"},"effectiveDateTime":"2024-03-01"}"#,
        ),
        resource(r#"{"resourceType":"Observation","id":"c","status":"final","code":{"text":"x"}}"#),
        resource(
            r#"{"resourceType":"Observation","id":"d","status":"amended","code":{"text":"x"},"effectiveDateTime":"2024-02-01"}"#,
        ),
        resource(
            r#"{"resourceType":"Observation","id":"e","status":"cancelled","code":{"text":"x"},"effectiveDateTime":"2024-03-01"}"#,
        ),
    ];
    let search = search(ResourceType::Observation, "_sort=-date,status");
    let order = SortOrder::new(&search);
    let mut sorted: Vec<&Resource> = observations.iter().collect();
    order.sort(&mut sorted);
    let ids: Vec<&str> = sorted
        .iter()
        .filter_map(|r| r.id())
        .map(|id| id.as_str())
        .collect();
    assert_eq!(ids, ["b", "e", "d", "a", "c"]);
    assert_eq!(
        order.compare(&observations[0], &observations[1]),
        std::cmp::Ordering::Greater
    );
}

#[test]
fn types_outside_search_do_not_match() {
    let resources = observations_with_subjects();
    let options = options();
    let matcher = Matcher::new(&options);
    let search = Search::parse(None, "_type=Location&_id=loc-1,p-77", &options).expect("parses");
    let ids: Vec<&str> = matcher
        .filter(&search, &resources)
        .expect("matches")
        .iter()
        .filter_map(|r| r.id())
        .map(|id| id.as_str())
        .collect();
    assert_eq!(ids, ["loc-1"]);
}

#[test]
fn composite_code_and_quantity() {
    let blood_pressure = |id: &str, systolic: &str| {
        resource(&format!(
            r#"{{"resourceType":"Observation","id":"{id}","status":"final","code":{{"text":"bp"}},"component":[{{"code":{{"coding":[{{"system":"http://loinc.org","code":"8480-6"}}]}},"valueQuantity":{{"value":{systolic},"unit":"mmHg"}}}},{{"code":{{"coding":[{{"system":"http://loinc.org","code":"8462-4"}}]}},"valueQuantity":{{"value":70,"unit":"mmHg"}}}}]}}"#
        ))
    };
    let observations = [
        blood_pressure("high", "150"),
        blood_pressure("normal", "118"),
    ];
    let query = "component-code-value-quantity=http://loinc.org|8480-6$gt140";
    assert_eq!(
        matching_ids(ResourceType::Observation, query, &observations),
        ["high"]
    );
    // The diastolic component is 70 in both, but the pair must come from
    // one component.
    let query = "component-code-value-quantity=http://loinc.org|8480-6$70";
    assert!(matching_ids(ResourceType::Observation, query, &observations).is_empty());
}

#[test]
fn uri_exact_below_above() {
    let value_sets = [
        resource(
            r#"{"resourceType":"ValueSet","id":"nested","status":"active","url":"http://payer.example.org/vs/plans/gold"}"#,
        ),
        resource(
            r#"{"resourceType":"ValueSet","id":"parent","status":"active","url":"http://payer.example.org/vs/plans"}"#,
        ),
    ];
    let below = "url:below=http://payer.example.org/vs/plans";
    assert_eq!(
        matching_ids(ResourceType::ValueSet, below, &value_sets),
        ["nested", "parent"]
    );
    let above = "url:above=http://payer.example.org/vs/plans/gold/2024";
    assert_eq!(
        matching_ids(ResourceType::ValueSet, above, &value_sets),
        ["nested", "parent"]
    );
    let exact = "url=http://payer.example.org/vs/plans";
    assert_eq!(
        matching_ids(ResourceType::ValueSet, exact, &value_sets),
        ["parent"]
    );
}

#[test]
fn deceased_true_and_false() {
    let patients = [
        patient("alive-unknown", ""),
        patient("alive", r#""deceasedBoolean":false"#),
        patient("died", r#""deceasedBoolean":true"#),
        patient("died-in-2019", r#""deceasedDateTime":"2019-11-03""#),
    ];
    let died = matching_ids(ResourceType::Patient, "deceased=true", &patients);
    assert_eq!(died, ["died", "died-in-2019"]);
    let alive = matching_ids(ResourceType::Patient, "deceased=false", &patients);
    assert_eq!(alive, ["alive-unknown", "alive"]);
    let not_died = matching_ids(ResourceType::Patient, "deceased:not=true", &patients);
    assert_eq!(not_died, ["alive-unknown", "alive"]);
}

#[test]
fn location_near_distance() {
    let locations = [
        resource(
            r#"{"resourceType":"Location","id":"downtown","position":{"latitude":42.3601,"longitude":-71.0589}}"#,
        ),
        resource(
            r#"{"resourceType":"Location","id":"suburb","position":{"latitude":42.4440,"longitude":-71.2290}}"#,
        ),
        resource(
            r#"{"resourceType":"Location","id":"far","position":{"latitude":40.7128,"longitude":-74.0060}}"#,
        ),
        resource(r#"{"resourceType":"Location","id":"nowhere"}"#),
    ];
    // The suburb is about 16.6 km from downtown.
    let ids = matching_ids(
        ResourceType::Location,
        "near=42.3601|-71.0589|10|km",
        &locations,
    );
    assert_eq!(ids, ["downtown"]);
    let ids = matching_ids(
        ResourceType::Location,
        "near=42.3601|-71.0589|20|km",
        &locations,
    );
    assert_eq!(ids, ["downtown", "suburb"]);
}

#[test]
fn approximate_number() {
    let assessments = [
        risk_assessment("inside", "95"),
        risk_assessment("outside", "89"),
    ];
    let ids = matching_ids(
        ResourceType::RiskAssessment,
        "probability=ap100",
        &assessments,
    );
    assert_eq!(ids, ["inside"]);
    let ids = matching_ids(
        ResourceType::RiskAssessment,
        "probability=sa90",
        &assessments,
    );
    assert_eq!(ids, ["inside"]);
}

#[test]
fn quantity_range_as_interval() {
    let condition = |id: &str, abatement: &str| {
        resource(&format!(
            r#"{{"resourceType":"Condition","id":"{id}","subject":{{"reference":"Patient/1"}},{abatement}}}"#
        ))
    };
    let conditions = [
        condition(
            "range",
            r#""abatementRange":{"low":{"value":20,"unit":"a"},"high":{"value":40,"unit":"a"}}"#,
        ),
        condition(
            "open-range",
            r#""abatementRange":{"low":{"value":60,"unit":"a"}}"#,
        ),
        condition("age", r#""abatementAge":{"value":35,"unit":"a"}"#),
    ];
    let ids = matching_ids(ResourceType::Condition, "abatement-age=ap38", &conditions);
    assert_eq!(ids, ["range", "age"]);
    let ids = matching_ids(ResourceType::Condition, "abatement-age=gt50", &conditions);
    assert_eq!(ids, ["open-range"]);
    let ids = matching_ids(ResourceType::Condition, "abatement-age=lt30", &conditions);
    assert_eq!(ids, ["range"]);
    let ids = matching_ids(ResourceType::Condition, "abatement-age=35", &conditions);
    assert_eq!(ids, ["age"]);
}

fn risk_assessment_range(id: &str, range: &str) -> Resource {
    resource(&format!(
        r#"{{"resourceType":"RiskAssessment","id":"{id}","status":"final","subject":{{"reference":"Patient/1"}},"prediction":[{{"probabilityRange":{range}}}]}}"#
    ))
}

#[test]
fn number_against_range() {
    let assessments = [
        risk_assessment_range(
            "ten-to-twenty",
            r#"{"low":{"value":10},"high":{"value":20}}"#,
        ),
        risk_assessment_range("from-thirty", r#"{"low":{"value":30}}"#),
        risk_assessment_range("up-to-five", r#"{"high":{"value":5}}"#),
    ];
    let ids = |query: &str| matching_ids(ResourceType::RiskAssessment, query, &assessments);
    // `eq`: the Range lies within the implicit range of the search value.
    assert!(ids("probability=15").is_empty());
    assert_eq!(ids("probability=gt25"), ["from-thirty"]);
    assert_eq!(ids("probability=lt8"), ["up-to-five"]);
    assert_eq!(ids("probability=ge20"), ["ten-to-twenty", "from-thirty"]);
    assert_eq!(ids("probability=sa25"), ["from-thirty"]);
    assert_eq!(ids("probability=eb9"), ["up-to-five"]);
    // `ap`: 10% of 22 is 2.2, so [19.8, 24.2] overlaps only [10, 20].
    assert_eq!(ids("probability=ap22"), ["ten-to-twenty"]);
}

#[test]
fn number_approximately_ten_percent() {
    let assessments = [
        risk_assessment("ninety", "90"),
        risk_assessment("eighty-nine", "89.9"),
        risk_assessment("hundred-ten", "110"),
        risk_assessment("hundred-eleven", "110.1"),
    ];
    let ids = matching_ids(
        ResourceType::RiskAssessment,
        "probability=ap100",
        &assessments,
    );
    assert_eq!(ids, ["ninety", "hundred-ten"]);
}

#[test]
fn quantity_approximately_and_range() {
    let observations = [
        observation_quantity("nine", "9", "mg", "mg"),
        observation_quantity("eight", "8.9", "mg", "mg"),
        observation_quantity("eleven", "11", "mg", "mg"),
    ];
    let ids = matching_ids(
        ResourceType::Observation,
        "value-quantity=ap10|http://unitsofmeasure.org|mg",
        &observations,
    );
    assert_eq!(ids, ["nine", "eleven"]);

    // `context-quantity` points at `useContext.value` as Quantity or Range.
    let value_set = |id: &str, range: &str| {
        resource(&format!(
            r#"{{"resourceType":"ValueSet","id":"{id}","status":"active","useContext":[{{"code":{{"system":"http://terminology.hl7.org/CodeSystem/usage-context-type","code":"age"}},"valueRange":{range}}}]}}"#
        ))
    };
    let value_sets = [
        value_set(
            "adults",
            r#"{"low":{"value":18,"unit":"a","system":"http://unitsofmeasure.org","code":"a"},"high":{"value":64,"unit":"a","system":"http://unitsofmeasure.org","code":"a"}}"#,
        ),
        value_set(
            "seniors",
            r#"{"low":{"value":65,"unit":"a","system":"http://unitsofmeasure.org","code":"a"}}"#,
        ),
    ];
    let ids = |query: &str| matching_ids(ResourceType::ValueSet, query, &value_sets);
    assert_eq!(ids("context-quantity=gt70||a"), ["seniors"]);
    assert_eq!(ids("context-quantity=le18||a"), ["adults"]);
    assert_eq!(ids("context-quantity=ap75||a"), ["seniors"]);
    assert_eq!(ids("context-quantity=ap60||a"), ["adults", "seniors"]);
}

#[test]
fn date_approximately_scales_with_age() {
    use chrono::TimeZone;
    let patients = [
        patient("a", r#""birthDate": "2014-01-01""#),
        patient("b", r#""birthDate": "2015-06-01""#),
        patient("c", r#""birthDate": "2019-01-01""#),
        patient("d", r#""birthDate": "2023-10-01""#),
    ];
    let options = options();
    let now = chrono::Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
    let matcher = Matcher::new(&options).with_now(now);
    let ids = |query: &str| -> Vec<String> {
        let search = search(ResourceType::Patient, query);
        matcher
            .filter(&search, &patients)
            .unwrap()
            .into_iter()
            .map(|r| r.id().unwrap().as_str().to_owned())
            .collect()
    };
    // Ten years before `now`: a tolerance of one year on each side.
    assert_eq!(ids("birthdate=ap2014-01-01"), ["a"]);
    assert_eq!(ids("birthdate=ap2014-09-01"), ["a", "b"]);
    assert_eq!(ids("birthdate=ap2015-01-01"), ["b"]);
    // A quarter before `now`: about nine days of tolerance.
    assert_eq!(ids("birthdate=ap2023-10-05"), ["d"]);
    assert!(ids("birthdate=ap2023-11-01").is_empty());
    // The tolerance is measured from `now`, so a later clock widens it.
    let later = Matcher::new(&options).with_now(now + chrono::Duration::days(3650));
    let search = search(ResourceType::Patient, "birthdate=ap2015-01-01");
    let found: Vec<&str> = later
        .filter(&search, &patients)
        .unwrap()
        .into_iter()
        .map(|r| r.id().unwrap().as_str())
        .collect();
    assert_eq!(found, ["a", "b"]);
}
