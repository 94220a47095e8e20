//! The self-link property over generated queries: parsing never panics, and
//! parsing the self link of a parsed search gives the same search.

use fhir_payer::r4::ResourceType;
use fhir_payer::search::query::{Handling, Search, SearchOptions};

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Generator(u64);

impl Generator {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const NAMES: &[&str] = &[
    "name",
    "family",
    "given",
    "birthdate",
    "gender",
    "identifier",
    "general-practitioner",
    "organization",
    "_id",
    "_lastUpdated",
    "_tag",
    "_profile",
    "_source",
    "_text",
    "_content",
    "_list",
    "address-postalcode",
    "telecom",
    "link",
    "active",
    "death-date",
    "nmae",
    "_has:Observation:patient:code",
    "_has:Observation:subject:value-quantity",
    "_has:Observation:status:code",
    "general-practitioner:Practitioner.name",
    "general-practitioner.name",
    "organization.name",
    "link:Patient.birthdate",
    "_sort",
    "_count",
    "_summary",
    "_elements",
    "_total",
    "_contained",
    "_containedType",
    "_include",
    "_revinclude",
    "_include:iterate",
    "_revinclude:recurse",
    "_type",
    "_format",
    "_filter",
];

const MODIFIERS: &[&str] = &[
    "",
    "",
    "",
    ":exact",
    ":contains",
    ":missing",
    ":not",
    ":text",
    ":in",
    ":below",
    ":above",
    ":of-type",
    ":identifier",
    ":Practitioner",
    ":Organization",
    ":bogus",
];

const VALUE_PIECES: &[&str] = &[
    "a",
    "Smith",
    "ltSmith",
    "ge",
    "le",
    "eq",
    "ap",
    "sa",
    "-",
    "5",
    "5.40",
    "1e2",
    "100",
    "0",
    "2010",
    "2010-01",
    "2010-01-15",
    "T10:30",
    ":00",
    ".250",
    "Z",
    "+05:30",
    "%2B05:30",
    "-04:00",
    " ",
    "|",
    "||",
    "\\",
    "\\,",
    "\\|",
    "\\$",
    ",",
    "%2C",
    "%7C",
    "$",
    "http://loinc.org",
    "urn:oid:1.2.3",
    "Patient/",
    "Practitioner/p1",
    "/_history/2",
    "https://payer.example.org/fhir/Patient/7",
    "https://other.example/Patient/7",
    "true",
    "false",
    "maybe",
    "*",
    "Patient:",
    "general-practitioner",
    "Patient:*",
    ":*",
    "Patient:organization:Organization",
    "-birthdate",
    "family",
    "%",
    "%zz",
    "%FF",
    "é",
    "=",
    "&",
    "male",
    "count",
    "data",
    "accurate",
    "both",
    "Patient",
    "Observation,Patient",
];

fn generate_query(generator: &mut Generator) -> String {
    let mut query = String::new();
    for index in 0..=generator.below(4) {
        if index > 0 {
            query.push('&');
        }
        query.push_str(generator.pick(NAMES));
        query.push_str(generator.pick(MODIFIERS));
        query.push('=');
        for _ in 0..generator.below(5) {
            query.push_str(generator.pick(VALUE_PIECES));
        }
    }
    query
}

fn generate_bytes(generator: &mut Generator) -> String {
    let length = generator.below(40);
    let bytes: Vec<u8> = (0..length).map(|_| generator.next() as u8).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Checks the property for one query, with a message that names it.
fn check(resource_type: Option<ResourceType>, query: &str, options: &SearchOptions) {
    let Ok(mut search) = Search::parse(resource_type, query, options) else {
        return;
    };
    let link = search.to_query_string();
    let mut again = match Search::parse(resource_type, &link, options) {
        Ok(again) => again,
        Err(error) => panic!("self link `{link}` of `{query}` does not parse: {error}"),
    };
    search.warnings.clear();
    again.warnings.clear();
    assert_eq!(
        again, search,
        "self link `{link}` of `{query}` parses differently"
    );
    assert_eq!(
        again.to_query_string(),
        link,
        "self link of `{query}` is not stable"
    );
}

#[test]
fn self_link_reparses_equal() {
    let lenient = SearchOptions::new()
        .with_base_url("https://payer.example.org/fhir")
        .with_max_count(100);
    let strict = lenient.clone().with_handling(Handling::Strict);
    let types = [
        Some(ResourceType::Patient),
        Some(ResourceType::Observation),
        None,
    ];
    let mut generator = Generator(0x9E37_79B9_7F4A_7C15);
    let mut parsed = 0;
    for round in 0..6000 {
        let query = if round % 4 == 3 {
            generate_bytes(&mut generator)
        } else {
            generate_query(&mut generator)
        };
        let resource_type = types[round % types.len()];
        let options = if round % 2 == 0 { &lenient } else { &strict };
        if Search::parse(resource_type, &query, options).is_ok() {
            parsed += 1;
        }
        check(resource_type, &query, options);
    }
    // Guard against a generator that only produces errors.
    assert!(
        parsed > 1000,
        "only {parsed} of 6000 generated queries parsed"
    );
}
