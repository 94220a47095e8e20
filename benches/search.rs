//! Search benchmarks: query parsing (with percent-decoding alone as a
//! reference point), and index extraction, matching and `_summary`
//! projection over the official R4 examples (with writing every example as
//! JSON as the reference point).
//!
//! Run with `cargo bench --bench search`. The example benchmarks need
//! `target/fhir-packages/hl7.fhir.r4.examples-4.0.1.tgz`, which
//! `fhir-definitions/fetch.sh examples` downloads; without it they are
//! skipped with a message.

use std::hint::black_box;
use std::io::Read;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fhir_payer::r4::{Resource, ResourceType};
use fhir_payer::search::extract::extract;
use fhir_payer::search::matching::Matcher;
use fhir_payer::search::projection::{Projection, project};
use fhir_payer::search::query::{Search, SearchOptions};
use fhir_payer::search::registry::search_parameters;
use url::form_urlencoded;

/// A typical Patient Access query with four parameters.
const EOB_QUERY: &str =
    "patient=123&created=ge2024-01&_include=ExplanationOfBenefit:provider&_count=50";

fn parse_query(c: &mut Criterion) {
    let options = SearchOptions::new()
        .with_base_url("https://payer.example.org/fhir")
        .with_max_count(200);
    let mut group = c.benchmark_group("search_query");
    group.bench_function("parse_eob_4_params", |b| {
        b.iter(|| {
            Search::parse(
                Some(ResourceType::ExplanationOfBenefit),
                black_box(EOB_QUERY),
                &options,
            )
        })
    });
    group.bench_function("form_urlencoded_pairs_reference", |b| {
        b.iter(|| {
            form_urlencoded::parse(black_box(EOB_QUERY).as_bytes())
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect::<Vec<_>>()
        })
    });
    let search = Search::parse(
        Some(ResourceType::ExplanationOfBenefit),
        EOB_QUERY,
        &options,
    )
    .expect("the benchmark query parses");
    group.bench_function("self_link_eob_4_params", |b| {
        b.iter(|| black_box(&search).to_query_string())
    });
    group.finish();
}

/// Reads every example that parses as a resource.
fn load_examples() -> Option<Vec<Resource>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/fhir-packages/hl7.fhir.r4.examples-4.0.1.tgz");
    let file = std::fs::File::open(&path).ok()?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut resources = Vec::new();
    for entry in archive.entries().ok()? {
        let mut entry = entry.ok()?;
        let name = entry.path().ok()?.to_string_lossy().into_owned();
        if !name.ends_with(".json") || name.ends_with("package.json") {
            continue;
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).ok()?;
        if let Ok(resource) = fhir_payer::json::from_slice(&bytes) {
            resources.push(resource);
        }
    }
    Some(resources)
}

fn extract_and_match(c: &mut Criterion) {
    let Some(examples) = load_examples() else {
        eprintln!("skipping example benchmarks: run fhir-definitions/fetch.sh examples first");
        return;
    };
    let mut group = c.benchmark_group("search_examples");
    group.sample_size(10);
    group.throughput(Throughput::Elements(examples.len() as u64));

    // The reference: writing every example as compact JSON.
    group.bench_function("write_json_reference", |b| {
        b.iter(|| {
            examples
                .iter()
                .map(|resource| fhir_payer::json::to_vec(resource).map_or(0, |bytes| bytes.len()))
                .sum::<usize>()
        })
    });

    // `project` takes each resource by value: the copies are made outside
    // the timed part.
    group.bench_function("project_summary_true", |b| {
        b.iter_batched(
            || examples.clone(),
            |owned| {
                owned
                    .into_iter()
                    .filter_map(|resource| project(resource, &Projection::Summary).ok())
                    .count()
            },
            criterion::BatchSize::LargeInput,
        )
    });

    // Every parameter that applies to each resource's type.
    let params_by_resource: Vec<Vec<_>> = examples
        .iter()
        .map(|resource| {
            let type_name = resource.resource_type().as_str();
            search_parameters()
                .iter()
                .filter(|param| {
                    param.base.iter().any(|base| {
                        *base == type_name || *base == "Resource" || *base == "DomainResource"
                    })
                })
                .collect()
        })
        .collect();
    group.bench_function("extract_every_parameter", |b| {
        b.iter(|| {
            let mut values = 0;
            for (resource, params) in examples.iter().zip(&params_by_resource) {
                for param in params {
                    values += extract(resource, param).len();
                }
            }
            values
        })
    });

    let options = SearchOptions::new().with_base_url("http://hl7.org/fhir");
    let matcher = Matcher::new(&options);
    let system_search = Search::parse(None, "_id=example,f001&_lastUpdated=ge2010", &options)
        .expect("the benchmark query parses");
    group.bench_function("match_system_search", |b| {
        b.iter(|| {
            examples
                .iter()
                .filter(|resource| matcher.matches(&system_search, resource).unwrap_or(false))
                .count()
        })
    });

    let observations: Vec<&Resource> = examples
        .iter()
        .filter(|resource| resource.resource_type() == ResourceType::Observation)
        .collect();
    group.throughput(Throughput::Elements(observations.len() as u64));
    let observation_search = Search::parse(
        Some(ResourceType::Observation),
        "code=http://loinc.org|85354-9,http://loinc.org|29463-7&date=ge2010&status=final,amended\
         &value-quantity=lt200",
        &options,
    )
    .expect("the benchmark query parses");
    group.bench_function("match_observation_search", |b| {
        b.iter(|| {
            observations
                .iter()
                .filter(|resource| {
                    matcher
                        .matches(&observation_search, resource)
                        .unwrap_or(false)
                })
                .count()
        })
    });
    group.finish();
}

criterion_group!(benches, parse_query, extract_and_match);
criterion_main!(benches);
