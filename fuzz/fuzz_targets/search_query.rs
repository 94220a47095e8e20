//! Fuzzes search query parsing, asserting that parsing the self link
//! of a parsed search gives the same search (a panic fails the run).

#![no_main]

use fhir_payer::r4::ResourceType;
use fhir_payer::search::query::{Handling, Search, SearchOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the searched type and the handling mode, so that
    // type searches, system searches and both modes are covered.
    let Some((&selector, query)) = data.split_first() else {
        return;
    };
    let resource_type = match selector % 4 {
        0 => None,
        1 => Some(ResourceType::Patient),
        2 => Some(ResourceType::Observation),
        _ => Some(ResourceType::ExplanationOfBenefit),
    };
    let handling = if selector & 0x80 == 0 {
        Handling::Lenient
    } else {
        Handling::Strict
    };
    let options = SearchOptions::new()
        .with_base_url("https://payer.example.org/fhir")
        .with_max_count(100)
        .with_handling(handling);
    let query = String::from_utf8_lossy(query);

    let Ok(mut search) = Search::parse(resource_type, &query, &options) else {
        return;
    };
    let link = search.to_query_string();
    let mut again = Search::parse(resource_type, &link, &options)
        .unwrap_or_else(|error| panic!("self link `{link}` does not parse: {error}"));
    search.warnings.clear();
    again.warnings.clear();
    assert_eq!(again, search, "self link `{link}` parses differently");
});
