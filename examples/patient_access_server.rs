//! A demo Patient Access and Provider Directory API on the example data of
//! the CARIN BB 2.0.0, US Core 6.1.0 and Plan Net 1.2.0 guides and the R4
//! specification, with SMART App Launch scopes.
//!
//! By default it starts the server on an OS-chosen loopback port, runs the
//! member app of `member_app.rs` against it, prints the app's report and
//! exits. With `--keep-running` (or `PATIENT_ACCESS_KEEP_RUNNING=1`) it
//! keeps serving for curl until interrupted; `--port N` picks the port.
//!
//! ```sh
//! fhir-definitions/fetch.sh examples
//! FHIR_PACKAGE_PATH=../shared/fhir-packages cargo run --features carin-bb --example patient_access_server
//! ```
//!
//! The `/token` endpoint is a demo, not an authorization server: it
//! authenticates no client or user, and grants the requested `patient/` scopes for one
//! configured member (`--member ID`, CARIN BB's `Patient1` by default).

#[path = "patient_access_server/app.rs"]
mod app;
#[path = "patient_access_server/member_app.rs"]
mod member_app;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use app::store::{PackageSource, Store};

/// The ZIP code the member app searches the directory for. The Plan Net
/// examples place their locations in ZIP 00014.
const DEMO_ZIP: &str = "00014";

struct Options {
    keep_running: bool,
    port: u16,
    member: String,
}

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("error: {message}");
            eprintln!(
                "usage: patient_access_server [--keep-running] [--port N] [--member PATIENT_ID]"
            );
            return ExitCode::from(2);
        }
    };
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn parse_args(args: impl Iterator<Item = String>) -> Result<Options, String> {
    let keep_running_env = std::env::var("PATIENT_ACCESS_KEEP_RUNNING")
        .is_ok_and(|value| !value.is_empty() && value != "0");
    let mut options = Options {
        keep_running: keep_running_env,
        port: 0,
        member: app::DEFAULT_MEMBER.to_owned(),
    };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--keep-running" => options.keep_running = true,
            "--port" => {
                let value = args.next().ok_or("--port needs a port number")?;
                options.port = value
                    .parse()
                    .map_err(|_| format!("invalid --port `{value}`: expected 0 to 65535"))?;
            }
            "--member" => {
                options.member = args.next().ok_or("--member needs a Patient id")?;
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(options)
}

fn run(options: &Options) -> Result<(), String> {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
    let package_dir = std::env::var_os("FHIR_PACKAGE_PATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| repository.join("../shared/fhir-packages"));
    let started = std::time::Instant::now();
    let (store, reports) = Store::load(&PackageSource::payer_demo(repository, &package_dir))?;
    for report in &reports {
        eprintln!(
            "info: loaded {} resources from {} ({} replaced earlier ones, {} conformance files skipped, {} failed to parse)",
            report.loaded, report.package, report.replaced, report.conformance, report.failed
        );
        if let Some(error) = &report.first_error {
            eprintln!("warning: first parse failure: {error}");
        }
    }
    eprintln!(
        "info: store holds {} resources, loaded in {:.1} s",
        store.len(),
        started.elapsed().as_secs_f64()
    );

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("failed to start the async runtime: {error}"))?;
    runtime.block_on(async {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, options.port));
        let server = app::Server::bind(address, Arc::new(store), &options.member).await?;
        let base_url = server.base_url.clone();
        if options.keep_running {
            eprintln!("info: try `curl {base_url}/metadata` or `curl '{base_url}/Location?address-postalcode={DEMO_ZIP}'`");
            return server
                .serve()
                .await
                .map_err(|error| format!("the server stopped: {error}"));
        }

        let serving = tokio::spawn(server.serve());
        let report = tokio::task::spawn_blocking(move || {
            let mut output = Vec::new();
            member_app::run(&base_url, DEMO_ZIP, &mut output).map(|()| output)
        })
        .await
        .map_err(|error| format!("the member app panicked: {error}"))??;
        serving.abort();
        print!("{}", String::from_utf8_lossy(&report));
        Ok(())
    })
}
