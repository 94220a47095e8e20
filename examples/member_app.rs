//! The member app of `patient_access_server`, run against a server that is
//! already up, for example one started with
//! `cargo run --features carin-bb --example patient_access_server -- --keep-running --port 8080`
//! (with `FHIR_PACKAGE_PATH` set to the folder of the CARIN BB package):
//!
//! ```sh
//! cargo run --features carin-bb --example member_app -- http://127.0.0.1:8080 00014
//! ```
//!
//! The base URL must be a loopback address of a server with the demo token
//! endpoint; the ZIP code defaults to 00014.

#[path = "patient_access_server/member_app.rs"]
mod member_app;

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(base_url) = args.next() else {
        eprintln!("usage: member_app BASE_URL [ZIP]");
        return ExitCode::from(2);
    };
    let zip = args.next().unwrap_or_else(|| "00014".to_owned());
    let mut stdout = std::io::stdout();
    match member_app::run(&base_url, &zip, &mut stdout) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
