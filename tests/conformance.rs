//! Round-trips every JSON file of the official FHIR R4 examples package
//! (`hl7.fhir.r4.examples@4.0.1`, about 5,300 files, conformance resources
//! included) through the generated types.
//!
//! Each file is parsed, written back, and compared with the input as JSON:
//! objects by key regardless of order, and numbers by their exact text, so
//! `1.50` written as `1.5` is a failure. Files that are expected to fail are
//! listed with their reasons in `tests/conformance-expected-failures.txt`;
//! the test fails when a listed file starts passing, so the list can only
//! shrink.
//!
//! The package is not committed: `fhir-definitions/fetch.sh examples` puts
//! it in `target/fhir-packages/`, and `.ci/run` runs that first.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::PathBuf;

const PACKAGE: &str = "hl7.fhir.r4.examples-4.0.1.tgz";

fn package_path() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("target").join("fhir-packages").join(PACKAGE);
    assert!(
        path.is_file(),
        "{} is missing; run `fhir-definitions/fetch.sh examples` first",
        path.display()
    );
    path
}

/// Reads every `.json` file of the package, with its file name.
fn example_files() -> Vec<(String, Vec<u8>)> {
    let file = std::fs::File::open(package_path()).expect("open package");
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut out = Vec::new();
    for entry in archive.entries().expect("read package") {
        let mut entry = entry.expect("read package entry");
        let path = entry
            .path()
            .expect("entry path")
            .to_string_lossy()
            .into_owned();
        let name = path.rsplit('/').next().unwrap_or(&path).to_owned();
        if !name.ends_with(".json") || name == "package.json" || name.starts_with('.') {
            continue;
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("read entry");
        out.push((name, bytes));
    }
    out.sort();
    out
}

/// Collects the number literals of a JSON text, in order, as written.
fn number_literals(text: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'"' => {
                i += 1;
                while i < text.len() && text[i] != b'"' {
                    if text[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < text.len()
                    && matches!(text[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                out.push(&text[start..i]);
            }
            _ => i += 1,
        }
    }
    out
}

/// Compares two JSON documents: same structure (object keys in any order)
/// and the same number literals, each with its exact text.
fn same_json(input: &[u8], output: &[u8]) -> Result<(), String> {
    let a: serde_json::Value = serde_json::from_slice(input).map_err(|e| format!("input: {e}"))?;
    let b: serde_json::Value =
        serde_json::from_slice(output).map_err(|e| format!("output: {e}"))?;
    if a != b {
        return Err(first_difference(&a, &b, String::new()));
    }
    let mut numbers_in: Vec<&[u8]> = number_literals(input);
    let mut numbers_out: Vec<&[u8]> = number_literals(output);
    numbers_in.sort();
    numbers_out.sort();
    if numbers_in != numbers_out {
        let missing: Vec<String> = numbers_in
            .iter()
            .filter(|n| !numbers_out.contains(n))
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .collect();
        return Err(format!("number text changed: {missing:?} not written back"));
    }
    Ok(())
}

fn first_difference(a: &serde_json::Value, b: &serde_json::Value, path: String) -> String {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for key in keys {
                match (x.get(key), y.get(key)) {
                    (Some(p), Some(q)) if p != q => {
                        return first_difference(p, q, format!("{path}.{key}"));
                    }
                    (Some(_), None) => return format!("{path}.{key}: dropped"),
                    (None, Some(_)) => return format!("{path}.{key}: added"),
                    _ => {}
                }
            }
            format!("{path}: differs")
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                if p != q {
                    return first_difference(p, q, format!("{path}[{i}]"));
                }
            }
            format!("{path}: differs")
        }
        _ => format!("{path}: {a} became {b}"),
    }
}

fn expected_failures() -> BTreeMap<String, String> {
    let text = include_str!("conformance-expected-failures.txt");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (name, reason) = l.split_once(char::is_whitespace).unwrap_or((l, ""));
            (name.to_owned(), reason.trim().to_owned())
        })
        .collect()
}

#[test]
fn official_examples_round_trip() {
    let files = example_files();
    assert!(
        files.len() > 5000,
        "expected about 5,300 files, found {}",
        files.len()
    );
    let expected = expected_failures();
    let mut unexpected = Vec::new();
    let mut now_passing = Vec::new();
    let mut failed = 0;
    for (name, bytes) in &files {
        let outcome = fhir_payer::json::from_slice(bytes)
            .map_err(|e| format!("parse: {e}"))
            .and_then(|resource| {
                fhir_payer::json::to_vec(&resource).map_err(|e| format!("write: {e}"))
            })
            .and_then(|output| same_json(bytes, &output));
        match (outcome, expected.contains_key(name)) {
            (Ok(()), true) => now_passing.push(name.clone()),
            (Ok(()), false) => {}
            (Err(_), true) => failed += 1,
            (Err(reason), false) => {
                failed += 1;
                unexpected.push(format!("{name}: {reason}"));
            }
        }
    }
    eprintln!(
        "{} files, {} passed, {} failed",
        files.len(),
        files.len() - failed,
        failed
    );
    assert!(
        unexpected.is_empty(),
        "{} unexpected failures:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
    assert!(
        now_passing.is_empty(),
        "these files now pass; remove them from tests/conformance-expected-failures.txt:\n{}",
        now_passing.join("\n")
    );
}
