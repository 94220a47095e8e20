//! Hostile FHIR JSON, tried the way a new user would: every input either
//! writes back byte for byte or gives a typed error that names the element
//! path.

use fhir_payer::json::{self, Category};
use fhir_payer::primitives::Primitive;
use fhir_payer::r4::{HumanName, Patient, Resource};

/// Parses `input`, which must fail, and returns the error.
fn error_of(input: &str) -> json::Error {
    match json::from_str(input) {
        Ok(resource) => panic!("{input}\n  parsed as {resource:?}"),
        Err(error) => error,
    }
}

#[test]
fn empty_element_object_rejected() {
    let message =
        "expected an object with `id` or at least one `extension`, found an object with neither";
    let cases = [
        (
            r#"{"resourceType":"Patient","_birthDate":{}}"#,
            "Patient._birthDate",
        ),
        (
            r#"{"resourceType":"Patient","_deceasedBoolean":{}}"#,
            "Patient._deceasedBoolean",
        ),
        (
            r#"{"resourceType":"Patient","name":[{"given":["A"],"_given":[{}]}]}"#,
            "Patient.name[0]._given[0]",
        ),
    ];
    for (input, path) in cases {
        let error = error_of(input);
        assert_eq!(error.path(), path, "{input}");
        assert_eq!(error.message(), message, "{input}");
        assert_eq!(error.category(), Category::Data, "{input}");
    }
}

#[test]
fn null_in_both_arrays_rejected() {
    let cases = [
        (
            r#"{"resourceType":"Patient","name":[{"given":[null]}]}"#,
            "Patient.name[0].given[0]",
            0,
        ),
        (
            r#"{"resourceType":"Patient","name":[{"given":["A",null],"_given":[null,null]}]}"#,
            "Patient.name[0].given[1]",
            1,
        ),
        (
            r#"{"resourceType":"Patient","name":[{"_given":[{"id":"a"},null]}]}"#,
            "Patient.name[0].given[1]",
            1,
        ),
    ];
    for (input, path, index) in cases {
        let error = error_of(input);
        assert_eq!(error.path(), path, "{input}");
        assert_eq!(
            error.message(),
            format!(
                "item {index} has neither a value in `given` nor an id or extension in \
                 `_given`, but `null` may only fill a position that the other array fills"
            ),
            "{input}"
        );
    }
}

#[test]
fn empty_repeated_primitives_not_written() {
    let name = |given: Vec<Primitive<String>>| {
        Resource::Patient(Box::new(Patient {
            name: vec![HumanName {
                given,
                ..HumanName::default()
            }],
            ..Patient::default()
        }))
    };

    let mixed = name(vec![
        Primitive::default(),
        Primitive::new("A".to_owned()),
        Primitive::default(),
    ]);
    assert_eq!(
        json::to_string(&mixed).expect("write"),
        r#"{"resourceType":"Patient","name":[{"given":["A"]}]}"#
    );

    // The name has nothing left to write, so it is left out with its
    // array: FHIR JSON has no empty objects or arrays.
    let only_empty = name(vec![Primitive::default()]);
    let written = json::to_string(&only_empty).expect("write");
    assert_eq!(written, r#"{"resourceType":"Patient"}"#);
    assert!(json::from_str(&written).is_ok(), "{written}");
}

#[test]
fn unsigned_types_named_in_messages() {
    let error = error_of(r#"{"resourceType":"Bundle","type":"searchset","total":"1"}"#);
    assert_eq!(
        error.to_string(),
        "Bundle.total: expected an unsignedInt (a JSON number), found a string at line 1 column 53"
    );

    let error = error_of(r#"{"resourceType":"Coverage","order":"1"}"#);
    assert_eq!(
        error.to_string(),
        "Coverage.order: expected a positiveInt (a JSON number), found a string at line 1 column 36"
    );
}

/// Wraps `value` as the value of an Observation's Quantity.
fn quantity(value: &str) -> String {
    format!(
        r#"{{"resourceType":"Observation","status":"final","code":{{"text":"x"}},"valueQuantity":{{"value":{value}}}}}"#
    )
}

#[test]
fn odd_valid_inputs_round_trip_exactly() {
    let mut inputs: Vec<String> = [
        "1.50",
        "-0",
        "-0.0",
        "1e2",
        "1E2",
        "1.0e+10",
        "1e400",
        "-1e-400",
        "0.0000000000000000000000000000000000001",
        "123456789012345678901234567890.123456789",
    ]
    .iter()
    .map(|number| quantity(number))
    .collect();
    inputs.extend(
        [
            // Extensions without values, in arrays and on choice elements.
            r#"{"resourceType":"Patient","name":[{"_given":[{"id":"x"},{"id":"y"}]}]}"#,
            r#"{"resourceType":"Patient","name":[{"given":["a",null],"_given":[null,{"id":"x"}]}]}"#,
            r#"{"resourceType":"Patient","_deceasedBoolean":{"id":"x"}}"#,
            // Contained resources inside contained resources, and in Parameters.
            r#"{"resourceType":"Patient","contained":[{"resourceType":"Organization","id":"a","contained":[{"resourceType":"Patient","id":"b"}]}]}"#,
            r#"{"resourceType":"Parameters","parameter":[{"name":"a","resource":{"resourceType":"Patient","id":"1"}}]}"#,
            // A leap second and a fraction longer than nanoseconds.
            r#"{"resourceType":"Patient","deceasedDateTime":"2016-12-31T23:59:60Z"}"#,
            r#"{"resourceType":"Patient","deceasedDateTime":"2020-01-01T00:00:00.123456789012+14:00"}"#,
            r#"{"resourceType":"Patient","deceasedDateTime":"2020-01-01T00:00:00-00:00"}"#,
            // Whitespace that FHIR strings keep.
            r#"{"resourceType":"Patient","name":[{"family":" lead","given":["trail "]}]}"#,
        ]
        .iter()
        .map(|input| (*input).to_owned()),
    );
    for input in &inputs {
        let resource = json::from_str(input).unwrap_or_else(|error| panic!("{input}: {error}"));
        assert_eq!(&json::to_string(&resource).expect("write"), input);
    }
}

#[test]
fn hostile_inputs_name_the_path() {
    let deep_extension = {
        let mut extension = String::from(r#"{"url":"http://x","valueString":"v"}"#);
        for _ in 0..100 {
            extension = format!(r#"{{"url":"http://x","extension":[{extension}]}}"#);
        }
        format!(r#"{{"resourceType":"Patient","extension":[{extension}]}}"#)
    };
    let cases: Vec<(String, &str, &str)> = vec![
        (
            r#"{"resourceType":"Patient","name":[{"family":"\ud800"}]}"#.into(),
            "Patient.name[0].family",
            "unpaired surrogate in \\u escape",
        ),
        (
            r#"{"resourceType":"Patient","name":[{"family":"\udc00x"}]}"#.into(),
            "Patient.name[0].family",
            "unpaired surrogate in \\u escape",
        ),
        (
            r#"{"resourceType":"Patient","name":[{"family":"\ud83d\ud83d"}]}"#.into(),
            "Patient.name[0].family",
            "unpaired surrogate in \\u escape",
        ),
        (
            r#"{"resourceType":"Patient","name":[{"family":"a\u0000"}]}"#.into(),
            "Patient.name[0].family",
            "invalid string `a\\0`: contains control character U+0000; only tab, carriage return and line feed are allowed",
        ),
        (
            quantity("01"),
            "Observation.valueQuantity.value",
            "invalid number",
        ),
        (
            r#"{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueInteger":1e2}"#.into(),
            "Observation.valueInteger",
            "invalid integer `1e2`: expected a whole number without fraction or exponent",
        ),
        (
            r#"{"resourceType":"Patient","id":"a","\u0069d":"b"}"#.into(),
            "Patient.id",
            "duplicate element `id`",
        ),
        (
            r#"{"resourceType":"Patient","deceasedBoolean":true,"_deceasedDateTime":{"id":"x"}}"#.into(),
            "Patient._deceasedDateTime",
            "`deceasedBoolean` and `_deceasedDateTime` are both present, but `deceased[x]` takes one type",
        ),
        (
            r#"{"resourceType":"Patient","id":"a","_id":{"id":"b"}}"#.into(),
            "Patient._id",
            "unknown element `_id`",
        ),
        (
            r#"{"resourceType":"Patient","contained":[{"id":"a"}]}"#.into(),
            "Patient.contained[0]",
            "missing resourceType",
        ),
        (
            format!(r#"{{"resourceType":"Patient","name":[{{"family":"{}"}}]}}"#, "a".repeat(1_048_577)),
            "Patient.name[0].family",
            "invalid string `aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...`: must be at most 1048576 characters",
        ),
        (
            "\u{feff}{\"resourceType\":\"Patient\"}".into(),
            "",
            "expected a resource (a JSON object with a resourceType), found a UTF-8 byte order mark",
        ),
    ];
    for (input, path, message) in &cases {
        let error = error_of(input);
        let input_start: String = input.chars().take(80).collect();
        assert_eq!(error.path(), *path, "{input_start}");
        assert_eq!(error.message(), *message, "{input_start}");
    }

    // The path of a too-deep input stops where the reader gave up.
    let error = error_of(&deep_extension);
    assert_eq!(error.message(), "nesting deeper than 128 levels");
    assert!(
        error
            .path()
            .starts_with("Patient.extension[0].extension[0]"),
        "{}",
        error.path()
    );
    assert_eq!(error.path().matches("extension[0]").count(), 64);
}

#[test]
fn broken_literals_are_syntax_errors() {
    let cases = [
        (
            r#"{"resourceType":"Patient","active":fals}"#,
            "Patient.active: expected a boolean, found an invalid literal at line 1 column 36",
        ),
        (
            r#"{"resourceType":"Patient","active":tru}"#,
            "Patient.active: expected a boolean, found an invalid literal at line 1 column 36",
        ),
        (
            r#"{"resourceType":"Patient","birthDate":nul}"#,
            "Patient.birthDate: expected a date (a JSON string), found an invalid literal at line 1 column 39",
        ),
        (
            r#"{"resourceType":"Patient","name":[{"given":[nul]}]}"#,
            "Patient.name[0].given[0]: expected a string, found an invalid literal at line 1 column 45",
        ),
    ];
    for (input, expected) in cases {
        let error = error_of(input);
        assert_eq!(error.to_string(), expected, "{input}");
        assert_eq!(error.category(), Category::Syntax, "{input}");
    }

    // Whole literals of the wrong type stay data errors.
    let error = error_of(r#"{"resourceType":"Patient","birthDate":null}"#);
    assert_eq!(
        error.message(),
        "expected a date (a JSON string), found null"
    );
    assert_eq!(error.category(), Category::Data);
}
