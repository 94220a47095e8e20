//! Parsing and writing FHIR JSON with the generated types, beside
//! `serde_json::Value` on the same bytes in the same run.
//!
//! Needs the official examples: run `fhir-definitions/fetch.sh examples`
//! first. Two inputs:
//! - the ordinary official examples (every file that is not a conformance
//!   resource or a Bundle of them), parsed and written one by one;
//! - one searchset Bundle of 2,000 entries drawn from those examples.

use std::io::Read;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fhir_payer::json;
use fhir_payer::r4::{Bundle, Resource};

const CONFORMANCE: &[&str] = &[
    "StructureDefinition",
    "SearchParameter",
    "ValueSet",
    "CodeSystem",
    "ConceptMap",
    "OperationDefinition",
    "CompartmentDefinition",
    "CapabilityStatement",
    "NamingSystem",
    "ImplementationGuide",
    "StructureMap",
    "TerminologyCapabilities",
    "GraphDefinition",
    "MessageDefinition",
    "ExampleScenario",
];

fn ordinary_examples() -> Vec<Vec<u8>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/fhir-packages/hl7.fhir.r4.examples-4.0.1.tgz");
    let file = std::fs::File::open(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run `fhir-definitions/fetch.sh examples` first",
            path.display()
        )
    });
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut out = Vec::new();
    for entry in archive.entries().expect("read package") {
        let mut entry = entry.expect("read entry");
        let name = entry.path().expect("path").to_string_lossy().into_owned();
        let name = name.rsplit('/').next().unwrap_or(&name).to_owned();
        let resource_type = name.split('-').next().unwrap_or("");
        if !name.ends_with(".json")
            || name == "package.json"
            || CONFORMANCE.contains(&resource_type)
        {
            continue;
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("read entry");
        // Bundles of definitions (`Bundle-resources.json` and the like,
        // 100 MB together) are conformance content too.
        match json::from_slice(&bytes) {
            Ok(Resource::Bundle(bundle)) if holds_definitions(&bundle) => {}
            Ok(_) => out.push(bytes),
            Err(_) => {}
        }
    }
    out
}

fn holds_definitions(bundle: &Bundle) -> bool {
    bundle
        .entry
        .iter()
        .filter_map(|entry| entry.resource.as_ref())
        .any(|resource| CONFORMANCE.contains(&resource.resource_type().as_str()))
}

/// Builds a searchset Bundle of `count` entries, cycling through the examples.
fn searchset(examples: &[Vec<u8>], count: usize) -> Vec<u8> {
    let mut text =
        String::from(r#"{"resourceType":"Bundle","type":"searchset","total":2000,"entry":["#);
    for i in 0..count {
        if i > 0 {
            text.push(',');
        }
        let resource = std::str::from_utf8(&examples[i % examples.len()]).expect("UTF-8");
        text.push_str(r#"{"fullUrl":"https://example.org/fhir/x","resource":"#);
        text.push_str(resource.trim());
        text.push_str(r#","search":{"mode":"match"}}"#);
    }
    text.push_str("]}");
    // Normalise through the types once, so both sides see compact input.
    let bundle = json::from_str(&text).expect("the bundle parses");
    json::to_vec(&bundle).expect("the bundle writes")
}

fn bench(c: &mut Criterion) {
    let examples = ordinary_examples();
    let total: usize = examples.iter().map(Vec::len).sum();
    let parsed: Vec<_> = examples
        .iter()
        .map(|b| json::from_slice(b).expect("parses"))
        .collect();
    let values: Vec<serde_json::Value> = examples
        .iter()
        .map(|b| serde_json::from_slice(b).expect("parses"))
        .collect();

    let mut group = c.benchmark_group("examples");
    group.throughput(Throughput::Bytes(total as u64));
    group.bench_function("parse/typed", |b| {
        b.iter(|| {
            for bytes in &examples {
                std::hint::black_box(json::from_slice(bytes).expect("parses"));
            }
        })
    });
    group.bench_function("parse/serde_json::Value", |b| {
        b.iter(|| {
            for bytes in &examples {
                std::hint::black_box(
                    serde_json::from_slice::<serde_json::Value>(bytes).expect("parses"),
                );
            }
        })
    });
    group.bench_function("write/typed", |b| {
        b.iter(|| {
            parsed
                .iter()
                .map(|r| json::to_vec(r).expect("writes").len())
                .sum::<usize>()
        })
    });
    group.bench_function("write/serde_json::Value", |b| {
        b.iter(|| {
            values
                .iter()
                .map(|v| serde_json::to_vec(v).expect("writes").len())
                .sum::<usize>()
        })
    });
    group.finish();

    let bundle = searchset(&examples, 2000);
    let bundle_typed = json::from_slice(&bundle).expect("parses");
    let bundle_value: serde_json::Value = serde_json::from_slice(&bundle).expect("parses");
    let mut group = c.benchmark_group("searchset-2000");
    group.throughput(Throughput::Bytes(bundle.len() as u64));
    group.sample_size(20);
    group.bench_function("parse/typed", |b| {
        b.iter(|| json::from_slice(&bundle).expect("parses"))
    });
    group.bench_function("parse/serde_json::Value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(&bundle).expect("parses"))
    });
    group.bench_function("write/typed", |b| {
        b.iter(|| json::to_vec(&bundle_typed).expect("writes"))
    });
    group.bench_function("write/serde_json::Value", |b| {
        b.iter(|| serde_json::to_vec(&bundle_value).expect("writes"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
