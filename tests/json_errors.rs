//! Malformed FHIR JSON and the exact error each input gives: the element
//! path, what was wrong, and the position.

use fhir_payer::json::{self, Category};

/// (input, expected `Display` of the error)
const CASES: &[(&str, &str)] = &[
    // Not JSON at all.
    (
        "",
        "expected a resource (a JSON object with a resourceType), found the end of the input at line 1 column 1",
    ),
    (
        "{\"resourceType\":\"Patient\",}",
        "Patient: expected a key in double quotes at line 1 column 27",
    ),
    (
        "{\"resourceType\":\"Patient\"} x",
        "trailing characters after the JSON value at line 1 column 28",
    ),
    // resourceType problems.
    ("{}", "missing resourceType at line 1 column 3"),
    ("{\"id\":\"a\"}", "missing resourceType at line 1 column 7"),
    (
        "{\"resourceType\":\"Patiant\"}",
        "resourceType: unknown resourceType `Patiant` at line 1 column 26",
    ),
    (
        "{\"resourceType\":7}",
        "resourceType: expected the resource type name (a JSON string), found a number at line 1 column 17",
    ),
    (
        "[]",
        "expected a resource (a JSON object with a resourceType), found an array at line 1 column 1",
    ),
    // Unknown and duplicate elements.
    (
        "{\"resourceType\":\"Patient\",\"nmae\":[]}",
        "Patient.nmae: unknown element `nmae` at line 1 column 34",
    ),
    (
        "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"A\",\"famliy\":\"B\"}]}",
        "Patient.name[0].famliy: unknown element `famliy` at line 1 column 58",
    ),
    (
        "{\"resourceType\":\"Patient\",\"id\":\"a\",\"id\":\"b\"}",
        "Patient.id: duplicate element `id` at line 1 column 41",
    ),
    // Wrong JSON types.
    (
        "{\"resourceType\":\"Patient\",\"name\":[{\"given\":[\"A\",5]}]}",
        "Patient.name[0].given[1]: expected a string, found a number at line 1 column 49",
    ),
    (
        "{\"resourceType\":\"Patient\",\"active\":\"yes\"}",
        "Patient.active: expected a boolean, found a string at line 1 column 36",
    ),
    (
        "{\"resourceType\":\"Patient\",\"contact\":{\"gender\":\"male\"}}",
        "Patient.contact: expected an array, found an object at line 1 column 37",
    ),
    // More repeats than the maximum: an array where one value is allowed.
    (
        "{\"resourceType\":\"Patient\",\"gender\":[\"male\",\"female\"]}",
        "Patient.gender: expected a code (a JSON string), found an array at line 1 column 36",
    ),
    (
        "{\"resourceType\":\"Patient\",\"maritalStatus\":[{\"text\":\"x\"}]}",
        "Patient.maritalStatus: expected an object (CodeableConcept), found an array at line 1 column 43",
    ),
    // Invalid primitive text.
    (
        "{\"resourceType\":\"Patient\",\"birthDate\":\"2024-02-30\"}",
        "Patient.birthDate: invalid date `2024-02-30`: day must be 01 to 29 in 2024-02 at line 1 column 39",
    ),
    (
        "{\"resourceType\":\"Patient\",\"gender\":\"M\"}",
        "Patient.gender: invalid code `M` for value set http://hl7.org/fhir/ValueSet/administrative-gender: expected one of male, female, other, unknown at line 1 column 36",
    ),
    (
        "{\"resourceType\":\"Patient\",\"multipleBirthInteger\":1.0}",
        "Patient.multipleBirthInteger: invalid integer `1.0`: expected a whole number without fraction or exponent at line 1 column 50",
    ),
    (
        "{\"resourceType\":\"Patient\",\"id\":\"a b\"}",
        "Patient.id: invalid id `a b`: contains ` `; only A-Z, a-z, 0-9, `-` and `.` are allowed at line 1 column 32",
    ),
    (
        "{\"resourceType\":\"Observation\",\"valueQuantity\":{\"value\":\"5\"}}",
        "Observation.valueQuantity.value: expected a decimal (a JSON number), found a string at line 1 column 56",
    ),
    // Choice elements.
    (
        "{\"resourceType\":\"Observation\",\"valueString\":\"a\",\"valueBoolean\":true}",
        "Observation.valueBoolean: `valueString` and `valueBoolean` are both present, but `value[x]` takes one type at line 1 column 64",
    ),
    // The same choice type twice is a duplicate key.
    (
        "{\"resourceType\":\"Observation\",\"valueString\":\"a\",\"valueString\":\"b\"}",
        "Observation.valueString: duplicate element `valueString` at line 1 column 63",
    ),
    (
        "{\"resourceType\":\"Observation\",\"_valueString\":{\"id\":\"a\"},\"_valueString\":{\"id\":\"b\"}}",
        "Observation._valueString: duplicate element `_valueString` at line 1 column 72",
    ),
    // Primitive extension arrays must pair up with the values.
    (
        "{\"resourceType\":\"Patient\",\"name\":[{\"given\":[\"A\",\"B\"],\"_given\":[null]}]}",
        "Patient.name[0].given: `given` has 2 items but `_given` has 1; they must pair up by position at line 1 column 69",
    ),
    // The same when `_given` comes first: the error points at the end of
    // the second array.
    (
        "{\"resourceType\":\"Patient\",\"name\":[{\"_given\":[null,{\"id\":\"b\"}],\"given\":[\"A\"]}]}",
        "Patient.name[0].given: `given` has 1 items but `_given` has 2; they must pair up by position at line 1 column 76",
    ),
    // A position that neither array fills.
    (
        "{\"resourceType\":\"Patient\",\"name\":[{\"given\":[\"A\",null],\"_given\":[null,null]}]}",
        "Patient.name[0].given[1]: item 1 has neither a value in `given` nor an id or extension in `_given`, but `null` may only fill a position that the other array fills at line 1 column 76",
    ),
    // A repeated key of a repeating element.
    (
        "{\"resourceType\":\"Patient\",\"identifier\":[{\"value\":\"1\"}],\"identifier\":[{\"value\":\"2\"}]}",
        "Patient.identifier: duplicate element `identifier` at line 1 column 69",
    ),
    (
        "{\"resourceType\":\"Patient\",\"name\":[{\"given\":[\"A\"],\"given\":[\"B\"]}]}",
        "Patient.name[0].given: duplicate element `given` at line 1 column 58",
    ),
    (
        "{\"resourceType\":\"Patient\",\"_birthDate\":{\"id\":\"a\"},\"_birthDate\":{\"id\":\"b\"}}",
        "Patient._birthDate: duplicate element `_birthDate` at line 1 column 64",
    ),
    // FHIR JSON leaves out elements without items, value or children, so
    // empty arrays and objects are errors.
    (
        "{\"resourceType\":\"Patient\",\"name\":[]}",
        "Patient.name: expected at least one item, found an empty array at line 1 column 36",
    ),
    (
        "{\"resourceType\":\"Patient\",\"name\":[{}]}",
        "Patient.name[0]: expected at least one element, found an empty object at line 1 column 36",
    ),
    (
        "{\"resourceType\":\"Patient\",\"maritalStatus\":{}}",
        "Patient.maritalStatus: expected at least one element, found an empty object at line 1 column 44",
    ),
    (
        "{\"resourceType\":\"Observation\",\"valueQuantity\":{}}",
        "Observation.valueQuantity: expected at least one element, found an empty object at line 1 column 48",
    ),
    (
        "{\"resourceType\":\"Patient\",\"name\":[{\"given\":[]}]}",
        "Patient.name[0].given: expected at least one item, found an empty array at line 1 column 46",
    ),
    (
        "{\"resourceType\":\"Patient\",\"name\":[{\"given\":[\"A\"],\"_given\":[]}]}",
        "Patient.name[0]._given: expected at least one item, found an empty array at line 1 column 61",
    ),
    (
        "{\"resourceType\":\"Patient\",\"_birthDate\":{\"extension\":[]}}",
        "Patient._birthDate.extension: expected at least one item, found an empty array at line 1 column 55",
    ),
    // Nested resources name their type.
    (
        "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\",\"birthDate\":\"1970-13\"}}]}",
        "Bundle.entry[0].resource.ofType(Patient).birthDate: invalid date `1970-13`: month must be 01 to 12 at line 1 column 105",
    ),
];

#[test]
fn malformed_inputs_give_exact_messages() {
    let mut mismatches = Vec::new();
    for (input, expected) in CASES {
        match json::from_slice(input.as_bytes()) {
            Ok(resource) => mismatches.push(format!("{input}\n  parsed as {resource:?}")),
            Err(error) if error.to_string() != *expected => mismatches.push(format!(
                "{input}\n  expected: {expected}\n  actual:   {error}"
            )),
            Err(_) => {}
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn error_parts_are_exposed() {
    let error = json::from_str("{\"resourceType\":\"Patient\",\"name\":[{\"given\":[\"A\",5]}]}")
        .unwrap_err();
    assert_eq!(error.path(), "Patient.name[0].given[1]");
    assert_eq!(error.message(), "expected a string, found a number");
    assert_eq!(error.category(), Category::Data);
    assert_eq!(error.line(), 1);
    assert_eq!(error.column(), 49);
}

#[test]
fn syntax_errors_are_categorised() {
    let error = json::from_str("{\"resourceType\":\"Patient\";}").unwrap_err();
    assert_eq!(error.category(), Category::Syntax);
    let error = json::from_str("{\"resourceType\":\"Patient\"").unwrap_err();
    assert_eq!(error.category(), Category::Eof);
    let error = json::from_str("{\"resourceType\":\"Pat").unwrap_err();
    assert_eq!(error.category(), Category::Eof);
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let mut text = String::from("{\"resourceType\":\"Patient\",\"extension\":[");
    for _ in 0..200 {
        text.push_str("{\"url\":\"http://x\",\"extension\":[");
    }
    text.push_str(&"]}".repeat(200));
    text.push_str("]}");
    let error = json::from_str(&text).unwrap_err();
    assert_eq!(error.message(), "nesting deeper than 128 levels");
}

#[test]
fn serde_entry_points_report_the_path() {
    let error = serde_json::from_str::<fhir_payer::r4::Resource>(
        "{\"resourceType\":\"Patient\",\"active\":1}",
    )
    .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("Patient.active: expected a boolean, found a number"),
        "{error}"
    );
}

#[test]
fn invalid_utf8_names_its_element() {
    // The reader checks the whole document once; invalid bytes send it back
    // to checking string by string, so the error still names the element.
    let mut input = br#"{"resourceType":"Patient","name":[{"family":"Zo"#.to_vec();
    input.push(0xff);
    input.extend_from_slice(br#""}],"gender":"male"}"#);
    let error = json::from_slice(&input).unwrap_err();
    assert_eq!(error.path(), "Patient.name[0].family");
    assert_eq!(error.message(), "invalid UTF-8 in string");
    assert_eq!(error.category(), Category::Syntax);
}

#[test]
fn valid_utf8_text_reads_unchanged() {
    let input = r#"{"resourceType":"Patient","name":[{"family":"Zoë ✓","given":["a\"b"]}]}"#;
    let resource = json::from_str(input).expect("valid input parses");
    assert_eq!(json::to_string(&resource).expect("writes"), input);
}
