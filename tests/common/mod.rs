//! Helpers shared by the integration tests that read the official R4
//! examples.

use std::io::Read;
use std::path::PathBuf;

use fhir_payer::r4::Resource;

const PACKAGE: &str = "hl7.fhir.r4.examples-4.0.1.tgz";

/// Reads every JSON file of the R4 examples package, by file name.
pub fn example_files() -> Vec<(String, Vec<u8>)> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("fhir-packages")
        .join(PACKAGE);
    assert!(
        path.is_file(),
        "{} is missing; run `fhir-definitions/fetch.sh examples` first",
        path.display()
    );
    let file = std::fs::File::open(&path).expect("open package");
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut out = Vec::new();
    for entry in archive.entries().expect("read package") {
        let mut entry = entry.expect("read package entry");
        let name = entry
            .path()
            .expect("entry path")
            .to_string_lossy()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        if !name.ends_with(".json") || name == "package.json" || name.starts_with('.') {
            continue;
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("read entry");
        out.push((name, bytes));
    }
    out
}

/// Collects the resource and, for a Bundle, its entries' resources,
/// recursively.
#[allow(dead_code, reason = "not every test that includes this module uses it")]
pub fn with_entries<'a>(resource: &'a Resource, out: &mut Vec<&'a Resource>) {
    out.push(resource);
    if let Resource::Bundle(bundle) = resource {
        for entry in &bundle.entry {
            if let Some(inner) = &entry.resource {
                with_entries(inner, out);
            }
        }
    }
}
