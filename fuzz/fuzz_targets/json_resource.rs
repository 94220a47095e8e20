//! Parses arbitrary bytes as a resource; whatever parses must write back
//! and parse again to the same value, and nothing may panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(resource) = fhir_payer::json::from_slice(data) else {
        return;
    };
    let written = fhir_payer::json::to_vec(&resource).expect("a parsed resource writes");
    let again = fhir_payer::json::from_slice(&written).expect("written JSON parses again");
    assert_eq!(resource, again);
});
