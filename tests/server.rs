//! End-to-end checks of the `patient_access_server` example over HTTP on a
//! loopback port: SMART scopes and compartments, `_include`, paging, the
//! public provider directory and error statuses.
//!
//! The server loads the example resources of the R4 specification
//! (`fhir-definitions/fetch.sh examples`), US Core 6.1.0 and CARIN BB 2.0.0
//! (from `FHIR_PACKAGE_PATH`) and Plan Net 1.2.0. One server is shared by
//! all tests in this file.

#[allow(dead_code, reason = "the tests use part of the example's API")]
#[path = "../examples/patient_access_server/app.rs"]
mod app;
#[allow(dead_code, reason = "the tests use part of the example's API")]
#[path = "../examples/patient_access_server/member_app.rs"]
mod member_app;

use std::collections::HashSet;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use fhir_payer::r4::{
    Bundle, ExplanationOfBenefit, IssueType, Resource, ResourceType, SearchEntryMode,
};
use member_app::cost_sharing::{self, CarinClaim};
use member_app::{FhirClient, HttpResponse};
use rust_decimal::Decimal;

use app::store::{PackageSource, Store};

/// The CARIN BB member the demo token endpoint grants access to.
const MEMBER: &str = "Patient1";

/// The CARIN BB claims of `Patient1`.
const MEMBER_CLAIMS: &[&str] = &[
    "EOBInpatient2",
    "EOBOutpatient2",
    "EOBProfessional2",
    "EOBProfessionalTransportation1",
];

/// A CARIN BB claim of the other example member, `Patient2`.
const OTHER_MEMBER_CLAIM: &str = "EOBPharmacy1";

/// Returns the folder of the CARIN BB and US Core packages:
/// `FHIR_PACKAGE_PATH`, or `../shared/fhir-packages` next to the repository.
fn package_dir() -> PathBuf {
    std::env::var_os("FHIR_PACKAGE_PATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fhir-packages"))
}

/// Starts the shared server once and returns its base URL.
fn base_url() -> &'static str {
    static BASE_URL: OnceLock<String> = OnceLock::new();
    BASE_URL.get_or_init(|| {
        let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (store, _) = Store::load(&PackageSource::payer_demo(repository, &package_dir()))
            .unwrap_or_else(|message| panic!("{message}"));
        let store = Arc::new(store);

        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("failed to start the async runtime");
            runtime.block_on(async move {
                let address = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
                let server = app::Server::bind(address, store, MEMBER)
                    .await
                    .expect("failed to bind a loopback port");
                sender
                    .send(server.base_url.clone())
                    .expect("the test thread stopped waiting");
                server.serve().await.expect("the server stopped");
            });
        });
        receiver.recv().expect("the server thread failed to start")
    })
}

fn member_client(scope: &str) -> FhirClient {
    let mut client = FhirClient::new(base_url());
    let token = client
        .authorize(scope)
        .unwrap_or_else(|message| panic!("token request for `{scope}` failed: {message}"));
    assert_eq!(token.patient.as_deref(), Some(MEMBER));
    client
}

fn anonymous_client() -> FhirClient {
    FhirClient::new(base_url())
}

fn search(client: &FhirClient, target: &str) -> Bundle {
    client
        .search(target)
        .unwrap_or_else(|message| panic!("{message}"))
}

/// Returns `Type/id` of the entries of `bundle` with search mode `mode`.
fn entries(bundle: &Bundle, mode: SearchEntryMode) -> Vec<String> {
    bundle
        .entry
        .iter()
        .filter(|entry| {
            entry
                .search
                .as_ref()
                .and_then(|search| search.mode.as_ref()?.value().copied())
                == Some(mode)
        })
        .filter_map(|entry| entry.resource.as_ref())
        .map(|resource| {
            format!(
                "{}/{}",
                resource.resource_type(),
                resource.id().map_or("", |id| id.as_str())
            )
        })
        .collect()
}

fn sorted(mut values: Vec<String>) -> Vec<String> {
    values.sort();
    values
}

/// Asserts the status and that the body is an OperationOutcome whose first
/// issue has `code`.
fn assert_outcome(response: &HttpResponse, status: u16, code: IssueType) {
    let body = String::from_utf8_lossy(&response.body);
    assert_eq!(response.status, status, "body: {body}");
    let resource = fhir_payer::json::from_slice(&response.body)
        .unwrap_or_else(|error| panic!("the body is not a resource ({error}): {body}"));
    let Resource::OperationOutcome(outcome) = resource else {
        panic!("the body is not an OperationOutcome: {body}");
    };
    let first = outcome
        .issue
        .first()
        .expect("the OperationOutcome has no issue");
    assert_eq!(
        first.code.as_ref().and_then(|code| code.value().copied()),
        Some(code),
        "body: {body}"
    );
}

#[test]
fn member_search_returns_only_own_claims() {
    let client = member_client("patient/*.rs");
    let bundle = search(&client, "/ExplanationOfBenefit?_count=50");

    let expected: Vec<String> = MEMBER_CLAIMS
        .iter()
        .map(|id| format!("ExplanationOfBenefit/{id}"))
        .collect();
    assert_eq!(sorted(entries(&bundle, SearchEntryMode::Match)), expected);
    assert_eq!(
        bundle
            .total
            .as_ref()
            .and_then(|total| total.value().copied())
            .map(u32::from),
        Some(4)
    );
}

#[test]
fn member_read_of_other_claim_is_not_found() {
    let client = member_client("patient/*.rs");

    let own = client
        .get(&format!("/ExplanationOfBenefit/{}", MEMBER_CLAIMS[0]))
        .expect("request failed");
    assert_eq!(own.status, 200);

    let other = client
        .get(&format!("/ExplanationOfBenefit/{OTHER_MEMBER_CLAIM}"))
        .expect("request failed");
    assert_outcome(&other, 404, IssueType::NotFound);
}

#[test]
fn member_search_for_other_patient_is_forbidden() {
    let client = member_client("patient/*.rs");
    let response = client
        .get("/ExplanationOfBenefit?patient=Patient/Patient2")
        .expect("request failed");
    assert_outcome(&response, 403, IssueType::Forbidden);
}

#[test]
fn include_of_public_provider_is_returned() {
    let client = member_client("patient/ExplanationOfBenefit.rs");
    let bundle = search(
        &client,
        "/ExplanationOfBenefit?_include=ExplanationOfBenefit:provider&_count=50",
    );
    let included = entries(&bundle, SearchEntryMode::Include);
    for provider in [
        "Organization/ProviderOrganization1",
        "Organization/ProviderOrganization3",
        "Organization/ProviderOrganization5",
        "Organization/ProviderTransportationOrganization1",
    ] {
        assert!(
            included.contains(&provider.to_owned()),
            "included: {included:?}"
        );
    }
}

#[test]
fn include_of_ungranted_type_is_withheld() {
    let narrow = member_client("patient/ExplanationOfBenefit.rs");
    let bundle = search(
        &narrow,
        "/ExplanationOfBenefit?_include=ExplanationOfBenefit:patient&_count=50",
    );
    assert_eq!(entries(&bundle, SearchEntryMode::Match).len(), 4);
    assert!(entries(&bundle, SearchEntryMode::Include).is_empty());

    let broad = member_client("patient/ExplanationOfBenefit.rs patient/Patient.rs");
    let bundle = search(
        &broad,
        "/ExplanationOfBenefit?_include=ExplanationOfBenefit:patient&_count=50",
    );
    assert_eq!(
        entries(&bundle, SearchEntryMode::Include),
        ["Patient/Patient1"]
    );
}

#[test]
fn revinclude_of_member_data_follows_token() {
    let target =
        "/Organization?_id=ProviderOrganization1&_revinclude=ExplanationOfBenefit:provider";

    let anonymous = search(&anonymous_client(), target);
    assert_eq!(
        entries(&anonymous, SearchEntryMode::Match),
        ["Organization/ProviderOrganization1"]
    );
    assert!(entries(&anonymous, SearchEntryMode::Include).is_empty());

    let member = search(&member_client("patient/ExplanationOfBenefit.rs"), target);
    assert_eq!(
        entries(&member, SearchEntryMode::Include),
        ["ExplanationOfBenefit/EOBProfessional2"]
    );
}

#[test]
fn paging_links_visit_every_match_once() {
    let client = anonymous_client();
    let first = search(&client, "/Practitioner?_count=4");
    let total = first
        .total
        .as_ref()
        .and_then(|total| total.value().copied())
        .map(u32::from)
        .expect("the first page has no total") as usize;
    assert!(total > 8, "only {total} practitioners are loaded");
    assert!(member_app::link(&first, "previous").is_none());

    let pages = client
        .search_all_pages("/Practitioner?_count=4")
        .expect("paging failed");
    assert_eq!(pages.len(), total.div_ceil(4));
    assert!(member_app::link(&pages[1], "previous").is_some());
    assert!(member_app::link(pages.last().unwrap(), "next").is_none());

    let ids: Vec<String> = pages
        .iter()
        .flat_map(|page| entries(page, SearchEntryMode::Match))
        .collect();
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(ids.len(), total);
    assert_eq!(unique.len(), total);
}

#[test]
fn directory_answers_without_token() {
    let client = anonymous_client();
    let bundle = search(
        &client,
        "/PractitionerRole?location.address-postalcode=00014&_include=PractitionerRole:practitioner",
    );
    assert!(!entries(&bundle, SearchEntryMode::Match).is_empty());
    assert!(!entries(&bundle, SearchEntryMode::Include).is_empty());

    let network = client
        .get_resource("/Organization/AcmeofCTStdNet")
        .expect("network read failed");
    assert_eq!(network.resource_type(), ResourceType::Organization);

    let networks = search(
        &client,
        "/Organization?_profile=http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/plannet-Network",
    );
    assert!(
        entries(&networks, SearchEntryMode::Match)
            .contains(&"Organization/AcmeofCTStdNet".to_owned())
    );
}

#[test]
fn discovery_documents_list_token_endpoint() {
    let client = anonymous_client();
    let metadata = client.get_resource("/metadata").expect("metadata failed");
    let Resource::CapabilityStatement(statement) = metadata else {
        panic!("/metadata is not a CapabilityStatement");
    };
    let security = statement.rest[0]
        .security
        .as_ref()
        .expect("no rest.security");
    let uris = fhir_payer::smart::discovery::OAuthUris::from_extension(&security.extension[0])
        .expect("invalid oauth-uris extension");
    assert_eq!(uris.token.as_str(), format!("{}/token", base_url()));

    let configuration = client
        .get("/.well-known/smart-configuration")
        .expect("request failed");
    assert_eq!(configuration.status, 200);
    let text = String::from_utf8_lossy(&configuration.body);
    assert!(text.contains("\"token_endpoint\""), "{text}");
}

#[test]
fn unknown_parameter_under_strict_handling_is_400() {
    let client = anonymous_client();
    let strict = client
        .get_with_headers(
            "/Practitioner?shoe-size=12",
            &[("Prefer", "handling=strict")],
        )
        .expect("request failed");
    assert_outcome(&strict, 400, IssueType::NotSupported);

    let lenient = search(&client, "/Practitioner?shoe-size=12&_count=1");
    assert_eq!(entries(&lenient, SearchEntryMode::Match).len(), 1);
    assert_eq!(entries(&lenient, SearchEntryMode::Outcome).len(), 1);
}

#[test]
fn malformed_query_is_400() {
    let member = member_client("patient/*.rs");
    let date = member
        .get("/ExplanationOfBenefit?created=yesterday")
        .expect("request failed");
    assert_outcome(&date, 400, IssueType::Invalid);

    let offset = anonymous_client()
        .get("/Practitioner?_offset=-1")
        .expect("request failed");
    assert_outcome(&offset, 400, IssueType::Invalid);
}

#[test]
fn member_data_without_token_is_401() {
    let response = anonymous_client()
        .get("/ExplanationOfBenefit")
        .expect("request failed");
    assert_outcome(&response, 401, IssueType::Login);
    assert_eq!(response.header("www-authenticate"), Some("Bearer"));
}

#[test]
fn unknown_token_is_401() {
    let response = anonymous_client()
        .get_with_headers("/Coverage", &[("Authorization", "Bearer not-a-token")])
        .expect("request failed");
    assert_outcome(&response, 401, IssueType::Login);
}

#[test]
fn token_without_scope_for_type_is_403() {
    let client = member_client("patient/Coverage.rs");
    let claims = client.get("/ExplanationOfBenefit").expect("request failed");
    assert_outcome(&claims, 403, IssueType::Forbidden);

    let coverage = search(&client, "/Coverage?_count=50");
    assert_eq!(
        sorted(entries(&coverage, SearchEntryMode::Match)),
        ["Coverage/Coverage1", "Coverage/Coverage2"]
    );
}

#[test]
fn token_endpoint_rejects_user_scopes() {
    let mut client = anonymous_client();
    let error = client
        .authorize("user/ExplanationOfBenefit.rs")
        .expect_err("a user/ scope was granted");
    assert!(error.contains("invalid_scope"), "{error}");
}

#[test]
fn member_app_prints_claims_and_directory() {
    let mut output = Vec::new();
    member_app::run(base_url(), "00014", &mut output).expect("the member app failed");
    let report = String::from_utf8(output).expect("the report is not UTF-8");

    assert!(report.contains("Claims (4 on 2 pages"), "{report}");
    for claim in MEMBER_CLAIMS {
        assert!(report.contains(claim), "{report}");
    }
    assert!(!report.contains(OTHER_MEMBER_CLAIM), "{report}");
    assert!(report.contains("In-network practitioners"), "{report}");
    assert!(!report.contains("fits no CARIN BB"), "{report}");

    for claim in MEMBER_CLAIMS {
        let row = report
            .lines()
            .find(|line| line.split_whitespace().next() == Some(claim))
            .unwrap_or_else(|| panic!("no row for {claim} in:\n{report}"));
        let columns: Vec<&str> = row.split_whitespace().collect();
        let figures = &columns[columns.len() - 4..];
        let expected = expected_cost_sharing(&carin_example(claim));
        assert_eq!(figures, expected, "{claim}: {row}");
    }
}

/// Reads the CARIN BB 2.0.0 example ExplanationOfBenefit `id` from the
/// package file as plain JSON.
fn carin_example(id: &str) -> serde_json::Value {
    let path = package_dir().join("hl7.fhir.us.carin-bb-2.0.0.tgz");
    let file = std::fs::File::open(&path)
        .unwrap_or_else(|error| panic!("failed to open {}: {error}", path.display()));
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let expected_path = format!("package/example/ExplanationOfBenefit-{id}.json");
    for entry in archive.entries().expect("the package is not a tar file") {
        let entry = entry.expect("failed to read a package entry");
        let path = entry.path().expect("invalid entry path").into_owned();
        if path.to_str() == Some(expected_path.as_str()) {
            return serde_json::from_reader(entry).expect("the example is not JSON");
        }
    }
    panic!("{expected_path} is not in {}", path.display());
}

/// Computes the billed, allowed, plan-paid and member-owed figures of an
/// EOB from its JSON alone, as the report formats them. A category with a
/// `total` uses it, otherwise the sum of the item adjudications with it.
fn expected_cost_sharing(claim: &serde_json::Value) -> Vec<String> {
    let sum_with_code = |entries: &serde_json::Value, code: &str| -> Option<Decimal> {
        let matching: Vec<Decimal> = entries
            .as_array()
            .into_iter()
            .flatten()
            .filter(|entry| {
                let codings = entry["category"]["coding"].as_array();
                codings
                    .into_iter()
                    .flatten()
                    .any(|coding| coding["code"] == code)
            })
            .filter_map(|entry| entry["amount"]["value"].as_number())
            .map(|number| Decimal::from_str(&number.to_string()).expect("invalid amount"))
            .collect();
        matching.into_iter().reduce(|a, b| a + b)
    };
    let items = serde_json::Value::Array(
        claim["item"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|item| item["adjudication"].as_array().cloned().unwrap_or_default())
            .collect(),
    );
    let amount =
        |code: &str| sum_with_code(&claim["total"], code).or_else(|| sum_with_code(&items, code));
    let paid_out = match (amount("paidtoprovider"), amount("paidtopatient")) {
        (None, None) => None,
        (provider, patient) => Some(provider.unwrap_or_default() + patient.unwrap_or_default()),
    };

    [
        amount("submitted"),
        amount("eligible"),
        paid_out.or_else(|| amount("benefit")),
        amount("memberliability"),
    ]
    .into_iter()
    .map(|figure| figure.map_or_else(|| "-".to_owned(), |figure| format!("{figure:.2}")))
    .collect()
}

/// Parses a CARIN BB example as an `r4::ExplanationOfBenefit`.
fn parse_claim(json: &serde_json::Value) -> ExplanationOfBenefit {
    let text = json.to_string();
    match fhir_payer::json::from_str(&text).expect("the example is not a valid resource") {
        Resource::ExplanationOfBenefit(claim) => *claim,
        other => panic!(
            "expected an ExplanationOfBenefit, found {}",
            other.resource_type()
        ),
    }
}

#[test]
fn misdeclared_claim_fits_by_content() {
    let mut json = carin_example("EOBPharmacy1");
    // CARIN BB requires a `meta.profile`, so it names the wrong profile
    // instead of none.
    json["meta"]["profile"] =
        serde_json::json!([format!("{}|2.0.0", cost_sharing::EOB_PROFILES[0])]);
    let claim = parse_claim(&json);

    let fitted = cost_sharing::fit_profile(&claim).expect("the pharmacy claim fits no profile");
    assert!(matches!(fitted, CarinClaim::Pharmacy(_)), "{fitted:?}");
    let figures = fitted.cost_sharing();
    assert_eq!(figures.billed, Some(Decimal::from(2650)));
    assert_eq!(figures.plan_paid, Some(Decimal::from(620)));
    // The claim has `memberliability` only on its item, so the member's
    // share comes from the item adjudication.
    assert_eq!(figures.member_owes, Some(Decimal::from(80)));
}

#[test]
fn claim_fitting_no_profile_is_reported() {
    let mut json = carin_example("EOBPharmacy1");
    let object = json.as_object_mut().expect("an EOB is a JSON object");
    // CARIN BB requires the unique claim identifier and the insurer.
    object.remove("identifier");
    object.remove("insurer");
    let claim = parse_claim(&json);

    let misfit = cost_sharing::fit_profile(&claim).expect_err("a claim without identifier fits");
    assert_eq!(misfit.profile, cost_sharing::EOB_PROFILES[3]);
    assert!(misfit.violations >= 2, "{misfit:?}");
    let figures = cost_sharing::base_cost_sharing(&claim);
    assert_eq!(figures.billed, Some(Decimal::from(2650)));
    assert_eq!(figures.plan_paid, Some(Decimal::from(620)));
}

/// Returns the JSON members of `resource`, for checking which elements a
/// projection kept.
fn member_names(resource: &Resource) -> Vec<String> {
    let text = fhir_payer::json::to_string(resource).expect("the resource cannot be written");
    let value: serde_json::Value = serde_json::from_str(&text).expect("invalid JSON");
    let mut names: Vec<String> = value
        .as_object()
        .expect("a resource is a JSON object")
        .keys()
        .cloned()
        .collect();
    names.sort();
    names
}

/// Returns whether `resource` has the `SUBSETTED` tag in `meta.tag`.
fn is_subsetted(resource: &Resource) -> bool {
    let text = fhir_payer::json::to_string(resource).expect("the resource cannot be written");
    let value: serde_json::Value = serde_json::from_str(&text).expect("invalid JSON");
    value["meta"]["tag"].as_array().is_some_and(|tags| {
        tags.iter().any(|tag| {
            tag["system"] == "http://terminology.hl7.org/CodeSystem/v3-ObservationValue"
                && tag["code"] == "SUBSETTED"
        })
    })
}

fn total_of(bundle: &Bundle) -> Option<u32> {
    bundle
        .total
        .as_ref()
        .and_then(|total| total.value().copied())
        .map(u32::from)
}

#[test]
fn plan_net_network_search() {
    let client = anonymous_client();
    let standard = search(
        &client,
        "/PractitionerRole?network=Organization/AcmeofCTStdNet&_count=50",
    );
    let roles = entries(&standard, SearchEntryMode::Match);
    assert!(roles.contains(&"PractitionerRole/HansSoloRole1".to_owned()));
    assert!(roles.contains(&"PractitionerRole/JoeSmithRole1".to_owned()));

    let premium = search(&client, "/PractitionerRole?network=AcmeofCTPremNet");
    assert_eq!(
        entries(&premium, SearchEntryMode::Match),
        Vec::<String>::new()
    );

    let plans = search(&client, "/InsurancePlan?network=AcmeofCTPremNet");
    assert_eq!(
        entries(&plans, SearchEntryMode::Match),
        ["InsurancePlan/AcmeQHPGold"]
    );

    let covered = search(
        &client,
        "/InsurancePlan?coverage-area=Location/StateOfCTLocation",
    );
    assert_eq!(
        sorted(entries(&covered, SearchEntryMode::Match)),
        ["InsurancePlan/AcmeQHPBronze", "InsurancePlan/AcmeQHPGold"]
    );
}

#[test]
fn carin_service_date_search() {
    let client = member_client("patient/*.rs");
    let recent = search(
        &client,
        "/ExplanationOfBenefit?service-date=ge2020-01-01&_count=50",
    );
    // EOBInpatient2 was billed in 2017, but its items' `servicedPeriod` has
    // a start and no end, which is an open period that reaches 2020.
    assert_eq!(
        sorted(entries(&recent, SearchEntryMode::Match)),
        [
            "ExplanationOfBenefit/EOBInpatient2",
            "ExplanationOfBenefit/EOBOutpatient2",
            "ExplanationOfBenefit/EOBProfessional2",
            "ExplanationOfBenefit/EOBProfessionalTransportation1",
        ]
    );

    let older = search(&client, "/ExplanationOfBenefit?service-date=lt2020-01-01");
    assert_eq!(
        entries(&older, SearchEntryMode::Match),
        ["ExplanationOfBenefit/EOBInpatient2"]
    );

    let started = search(
        &client,
        "/ExplanationOfBenefit?billable-period-start=2020-08-04",
    );
    assert_eq!(
        entries(&started, SearchEntryMode::Match),
        ["ExplanationOfBenefit/EOBProfessional2"]
    );
}

#[test]
fn summary_search_projects_entries() {
    let client = anonymous_client();
    let bundle = search(&client, "/Practitioner?_summary=true&_count=3");
    let matches: Vec<&Resource> = bundle
        .entry
        .iter()
        .filter_map(|entry| entry.resource.as_ref())
        .collect();
    assert_eq!(matches.len(), 3);
    for resource in matches {
        assert!(is_subsetted(resource), "{resource:?}");
        // `Practitioner.photo` and `qualification` are not summary elements.
        let names = member_names(resource);
        assert!(!names.contains(&"photo".to_owned()), "{names:?}");
        assert!(!names.contains(&"qualification".to_owned()), "{names:?}");
    }
    let next = member_app::link(&bundle, "next").expect("no next link");
    assert!(next.contains("_summary=true"), "{next}");
}

#[test]
fn elements_search_keeps_listed() {
    let client = anonymous_client();
    let bundle = search(&client, "/PractitionerRole?_elements=active&_count=2");
    let matches = entries(&bundle, SearchEntryMode::Match);
    assert_eq!(matches.len(), 2);
    for entry in &bundle.entry {
        let resource = entry.resource.as_ref().expect("entry without resource");
        assert_eq!(
            member_names(resource),
            ["active", "id", "meta", "resourceType"]
        );
        assert!(is_subsetted(resource));
    }
}

#[test]
fn summary_count_returns_total_only() {
    let client = anonymous_client();
    let bundle = search(&client, "/PractitionerRole?_summary=count");
    assert!(bundle.entry.is_empty());
    assert!(total_of(&bundle).is_some_and(|total| total >= 6));
}

#[test]
fn total_none_leaves_total_out() {
    let client = anonymous_client();
    let counted = search(&client, "/Practitioner?_total=accurate&_count=2");
    assert!(total_of(&counted).is_some_and(|total| total > 2));
    let estimated = search(&client, "/Practitioner?_total=estimate&_count=2");
    assert_eq!(total_of(&estimated), total_of(&counted));

    let uncounted = search(&client, "/Practitioner?_total=none&_count=2");
    assert_eq!(total_of(&uncounted), None);
    assert_eq!(entries(&uncounted, SearchEntryMode::Match).len(), 2);
    let next = member_app::link(&uncounted, "next").expect("no next link without a total");
    assert!(next.contains("_total=none"), "{next}");
    assert!(member_app::link(&uncounted, "last").is_none());
}

#[test]
fn read_applies_summary_and_elements() {
    let client = anonymous_client();
    let whole = client
        .get_resource("/Practitioner/HansSolo")
        .expect("read failed");
    assert!(!is_subsetted(&whole));
    assert!(member_names(&whole).contains(&"qualification".to_owned()));

    let summary = client
        .get_resource("/Practitioner/HansSolo?_summary=true")
        .expect("summary read failed");
    assert!(is_subsetted(&summary));
    assert!(!member_names(&summary).contains(&"qualification".to_owned()));

    let elements = client
        .get_resource("/Practitioner/HansSolo?_elements=name")
        .expect("elements read failed");
    assert_eq!(
        member_names(&elements),
        ["id", "meta", "name", "resourceType"]
    );

    let count = client
        .get("/Practitioner/HansSolo?_summary=count")
        .expect("request failed");
    assert_outcome(&count, 400, IssueType::Invalid);
}

#[test]
fn strict_query_reports_every_error() {
    let client = anonymous_client();
    let response = client
        .get_with_headers(
            "/Practitioner?shoe-size=12&_lastUpdated=soon&_count=many",
            &[("Prefer", "handling=strict")],
        )
        .expect("request failed");
    assert_eq!(response.status, 400);
    let Ok(Resource::OperationOutcome(outcome)) = fhir_payer::json::from_slice(&response.body)
    else {
        panic!("the body is not an OperationOutcome");
    };
    let locations: Vec<String> = outcome
        .issue
        .iter()
        .flat_map(|issue| issue.location.iter())
        .filter_map(|location| location.value().cloned())
        .collect();
    assert_eq!(
        locations,
        ["http.shoe-size", "http._lastUpdated", "http._count"]
    );
}
