//! NDJSON reading and writing: one resource per line, bounded lines.

use fhir_payer::json::Category;
use fhir_payer::json::ndjson::{Reader, Writer};

const TWO_PATIENTS: &str = "{\"resourceType\":\"Patient\",\"id\":\"a\"}\n\n{\"resourceType\":\"Patient\",\"id\":\"b\",\"birthDate\":\"1980\"}\n";

#[test]
fn reader_skips_blank_lines() {
    let ids: Vec<String> = Reader::new(TWO_PATIENTS.as_bytes())
        .map(|resource| resource.unwrap().id().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["a", "b"]);
}

#[test]
fn writer_round_trips_the_reader() {
    let mut writer = Writer::new(Vec::new());
    for resource in Reader::new(TWO_PATIENTS.as_bytes()) {
        writer.write(&resource.unwrap()).unwrap();
    }
    let written = String::from_utf8(writer.into_inner().unwrap()).unwrap();
    assert_eq!(written, TWO_PATIENTS.replace("\n\n", "\n"));
}

#[test]
fn invalid_line_keeps_reading() {
    let input = "{\"resourceType\":\"Patient\"}\n{\"resourceType\":\"Patient\",\"active\":1}\n{\"resourceType\":\"Patient\",\"id\":\"c\"}\n";
    let results: Vec<_> = Reader::new(input.as_bytes()).collect();
    assert_eq!(results.len(), 3);
    let error = results[1].as_ref().unwrap_err();
    assert_eq!(error.line(), 2);
    assert_eq!(error.path(), "Patient.active");
    assert!(results[2].is_ok());
}

#[test]
fn line_over_the_limit_stops_the_reader() {
    let long = format!(
        "{{\"resourceType\":\"Patient\",\"id\":\"{}\"}}\n",
        "x".repeat(64)
    );
    let input =
        format!("{{\"resourceType\":\"Patient\"}}\n{long}{{\"resourceType\":\"Patient\"}}\n");
    let mut reader = Reader::with_max_line(input.as_bytes(), 40);
    assert!(reader.next().unwrap().is_ok());
    let error = reader.next().unwrap().unwrap_err();
    assert_eq!(error.category(), Category::TooLong);
    assert_eq!(
        error.to_string(),
        "line is longer than the limit of 40 bytes at line 2"
    );
    assert!(reader.next().is_none());
}

#[test]
fn last_line_without_newline_is_read() {
    let mut reader = Reader::new("{\"resourceType\":\"Patient\",\"id\":\"z\"}".as_bytes());
    let resource = reader.next().unwrap().unwrap();
    assert_eq!(resource.id().unwrap().as_str(), "z");
    assert!(reader.next().is_none());
}
