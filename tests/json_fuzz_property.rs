//! The fuzz target's property, run over inputs made by mutating official
//! examples: anything that parses writes back and parses again to the same
//! value, and no input panics. A small deterministic generator replaces the
//! fuzzer here, so the property is checked on every test run.

use std::io::Read;
use std::path::PathBuf;

/// A xorshift generator: deterministic, so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn some_examples() -> Vec<Vec<u8>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/fhir-packages/hl7.fhir.r4.examples-4.0.1.tgz");
    let file = std::fs::File::open(&path).expect("run `fhir-definitions/fetch.sh examples` first");
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut out = Vec::new();
    for entry in archive.entries().expect("read package") {
        let mut entry = entry.expect("read entry");
        let name = entry.path().expect("path").to_string_lossy().into_owned();
        let interesting = [
            "Patient-",
            "Observation-",
            "ExplanationOfBenefit-",
            "Claim-",
            "Coverage-",
            "Bundle-b",
        ];
        if name.ends_with(".json") && interesting.iter().any(|p| name.contains(p)) {
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).expect("read entry");
            out.push(bytes);
        }
    }
    out
}

const TOKENS: &[&[u8]] = &[
    b"null",
    b"[]",
    b"{}",
    b"\"\"",
    b"1.50",
    b"-0",
    b"1e999",
    b"\"_x\":",
    b",",
    b"\\u0000",
    b"\"resourceType\"",
];

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(3) {
        if out.is_empty() {
            break;
        }
        let at = rng.below(out.len());
        match rng.below(4) {
            0 => {
                out.remove(at);
            }
            1 => {
                out[at] = b"{}[]\",:0-9aZ\\ "
                    .get(rng.below(15))
                    .copied()
                    .unwrap_or(b' ')
            }
            2 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                out.splice(at..at, token.iter().copied());
            }
            _ => {
                let end = (at + 1 + rng.below(40)).min(out.len());
                out.drain(at..end);
            }
        }
    }
    out
}

#[test]
fn mutated_examples_never_panic_and_round_trip() {
    let examples = some_examples();
    assert!(
        examples.len() > 50,
        "expected many examples, found {}",
        examples.len()
    );
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut parsed = 0;
    for round in 0..4000 {
        let base = &examples[round % examples.len()];
        let input = mutate(&mut rng, base);
        let Ok(resource) = fhir_payer::json::from_slice(&input) else {
            continue;
        };
        parsed += 1;
        let written = fhir_payer::json::to_vec(&resource).expect("a parsed resource writes");
        let again = fhir_payer::json::from_slice(&written).unwrap_or_else(|e| {
            panic!(
                "written JSON does not parse again: {e}\n{}",
                String::from_utf8_lossy(&written)
            )
        });
        assert_eq!(resource, again);
    }
    // Some mutations (inside strings, say) keep the input valid; the
    // property is only meaningful if those are exercised too.
    assert!(parsed > 100, "only {parsed} mutated inputs parsed");
}
