//! SMART scope benchmarks: scope string parsing in tokens per second, with
//! splitting the same string on spaces as a reference point, and one
//! authorization decision.
//!
//! Run with `cargo bench --bench smart`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fhir_payer::r4::ResourceType;
use fhir_payer::smart::{Authorizer, LaunchContext, ParseMode, Request, ScopeSet};

/// A Patient Access scope request: launch and identity scopes, v1 and v2
/// resource scopes, and one restricted scope.
const SCOPES: &str = "launch/patient openid fhirUser offline_access patient/Patient.read \
                      patient/Coverage.rs patient/ExplanationOfBenefit.rs patient/Observation.rs \
                      patient/Condition.rs patient/Encounter.read user/Practitioner.rs \
                      user/Organization.rs patient/Observation.rs?category=laboratory";

fn parse_scopes(c: &mut Criterion) {
    let tokens = SCOPES.split(' ').count() as u64;
    let mut group = c.benchmark_group("smart_scopes");
    group.throughput(Throughput::Elements(tokens));
    group.bench_function("parse_strict_13_tokens", |b| {
        b.iter(|| ScopeSet::parse(black_box(SCOPES), ParseMode::Strict))
    });
    group.bench_function("split_on_spaces_reference", |b| {
        b.iter(|| black_box(SCOPES).split(' ').collect::<Vec<_>>())
    });
    group.finish();
}

fn decide(c: &mut Criterion) {
    let scopes: ScopeSet = SCOPES.parse().expect("the benchmark scopes parse");
    let authorizer = Authorizer::new(scopes, LaunchContext::new().with_patient("123"));
    let request = Request::Read {
        resource_type: ResourceType::Observation,
        id: "obs-1".to_owned(),
    };
    c.bench_function("smart_decision_read_observation", |b| {
        b.iter(|| authorizer.authorize(black_box(&request)))
    });
}

criterion_group!(benches, parse_scopes, decide);
criterion_main!(benches);
