//! A bounded load check of `patient_access_server` from a second process:
//! it sends a fixed number of searches over loopback from a fixed number of
//! threads and reports requests per second, latency percentiles and errors.
//!
//! ```sh
//! export FHIR_PACKAGE_PATH=../shared/fhir-packages
//! cargo run --release --features carin-bb --example patient_access_server -- --keep-running --port 18080 &
//! cargo run --release --features carin-bb --example load_check -- http://127.0.0.1:18080 20000 32
//! ```
//!
//! Half of the requests are member searches
//! (`ExplanationOfBenefit?patient=...&_include=ExplanationOfBenefit:provider`,
//! with a token from the demo token endpoint) and half are directory
//! searches without a token. The run stops after the request count or after
//! 300 seconds, whichever comes first, and exits with status 1 when any
//! request failed or returned a status other than 200.

#[allow(
    dead_code,
    reason = "the load check uses only the HTTP client of the member app"
)]
#[path = "patient_access_server/member_app.rs"]
mod member_app;

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The maximum duration of the whole run.
const DEADLINE: Duration = Duration::from_secs(300);

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<bool, String> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: load_check BASE_URL [REQUESTS] [CONCURRENCY]";
    let base_url = args.next().ok_or(usage)?;
    let requests: usize = parse_arg(args.next(), 20_000, "REQUESTS")?;
    let concurrency: usize = parse_arg(args.next(), 32, "CONCURRENCY")?;
    if concurrency == 0 || requests == 0 {
        return Err("REQUESTS and CONCURRENCY must be at least 1".to_owned());
    }
    check_loopback(&base_url)?;

    let mut client = member_app::FhirClient::new(&base_url);
    let token = client.authorize("patient/ExplanationOfBenefit.rs")?;
    let member = token.patient.ok_or("the token response has no patient")?;
    let member_search = format!(
        "/ExplanationOfBenefit?patient=Patient/{member}&_include=ExplanationOfBenefit:provider"
    );
    let directory_search =
        "/PractitionerRole?location.address-postalcode=00014&_include=PractitionerRole:practitioner"
            .to_owned();
    let member_client = Arc::new(client);
    let public_client = Arc::new(member_app::FhirClient::new(&base_url));

    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let next = Arc::clone(&next);
            let member_client = Arc::clone(&member_client);
            let public_client = Arc::clone(&public_client);
            let member_search = member_search.clone();
            let directory_search = directory_search.clone();
            std::thread::spawn(move || {
                let mut latencies = Vec::new();
                let mut failures = Vec::new();
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= requests || started.elapsed() > DEADLINE {
                        break;
                    }
                    let (client, target) = match index % 2 {
                        0 => (&member_client, &member_search),
                        _ => (&public_client, &directory_search),
                    };
                    let sent = Instant::now();
                    let result = client.get(target);
                    latencies.push(sent.elapsed());
                    match result {
                        Ok(response) if response.status == 200 => {}
                        Ok(response) => {
                            failures.push(format!("{target}: status {}", response.status))
                        }
                        Err(error) => failures.push(error),
                    }
                }
                (latencies, failures)
            })
        })
        .collect();

    let mut latencies = Vec::new();
    let mut failures = Vec::new();
    for worker in workers {
        let (worker_latencies, worker_failures) = worker
            .join()
            .map_err(|_| "a load thread panicked".to_owned())?;
        latencies.extend(worker_latencies);
        failures.extend(worker_failures);
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();

    let percentile = |fraction: f64| {
        let position = ((latencies.len() as f64 * fraction).ceil() as usize).saturating_sub(1);
        latencies.get(position).copied().unwrap_or_default()
    };
    println!(
        "{} requests at concurrency {concurrency} in {:.2} s: {:.0} requests/s",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64()
    );
    println!(
        "latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        percentile(0.50).as_secs_f64() * 1000.0,
        percentile(0.99).as_secs_f64() * 1000.0,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1000.0
    );
    println!("errors: {}", failures.len());
    for failure in failures.iter().take(5) {
        println!("  {failure}");
    }
    if latencies.len() < requests {
        println!(
            "stopped at the {} s deadline before sending every request",
            DEADLINE.as_secs()
        );
    }
    Ok(failures.is_empty() && latencies.len() == requests)
}

fn parse_arg(value: Option<String>, default: usize, name: &str) -> Result<usize, String> {
    match value {
        None => Ok(default),
        Some(text) => text
            .parse()
            .map_err(|_| format!("invalid {name} `{text}`: expected a whole number")),
    }
}

/// Rejects a base URL whose host is not on the loopback interface, because
/// this tool is only for servers on the same machine.
fn check_loopback(base_url: &str) -> Result<(), String> {
    let url = url::Url::parse(base_url)
        .map_err(|error| format!("invalid BASE_URL `{base_url}`: {error}"))?;
    let loopback = match url.host() {
        Some(url::Host::Ipv4(address)) => address.is_loopback(),
        Some(url::Host::Ipv6(address)) => address.is_loopback(),
        Some(url::Host::Domain(name)) => name == "localhost",
        None => false,
    };
    if loopback {
        Ok(())
    } else {
        Err(format!(
            "BASE_URL `{base_url}` is not a loopback address; load_check only targets 127.0.0.0/8, ::1 or localhost"
        ))
    }
}
