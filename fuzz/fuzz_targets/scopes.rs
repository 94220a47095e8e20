//! Parses arbitrary bytes as a scope string in both modes. A string that
//! parses must display as text that parses again, in the same mode, to the
//! same set; nothing may panic.

#![no_main]

use fhir_payer::smart::{ParseMode, ScopeSet};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for mode in [ParseMode::Strict, ParseMode::Lenient] {
        let Ok(first) = ScopeSet::parse(text, mode) else {
            continue;
        };
        let shown = first.scopes.to_string();
        let again = ScopeSet::parse(&shown, mode).expect("displayed scopes parse again");
        assert_eq!(
            first.scopes, again.scopes,
            "round trip of {text:?} through {shown:?}"
        );
        let _ = first.scopes.normalized();
        let _ = first.scopes.to_v1();
    }
});
