//! The JSON Schema of the generated types (`schemars` feature).
//!
//! Every JSON file of the official examples package
//! (`hl7.fhir.r4.examples@4.0.1`) must validate against the schema of
//! `Resource`, and examples changed in ways that FHIR JSON forbids must not.
//! `fhir-definitions/fetch.sh examples` puts the package in
//! `target/fhir-packages/`; `.ci/run` runs that first.

#![cfg(feature = "schemars")]

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;
use std::sync::LazyLock;

use fhir_payer::r4::Resource;
use serde_json::{Value, json};

/// Official example files that do not validate, with the reason. The test
/// fails when a listed file starts to validate.
const EXPECTED_INVALID: &[(&str, &str)] = &[
    (
        "ImplementationGuide-fhir.json",
        "it lacks the required elements `name` and `status`",
    ),
    (
        "ig-r4.json",
        "it lacks the required elements `name` and `status`",
    ),
    (
        "Questionnaire-qs1.json",
        "`item[0].item[0]` lacks the required element `linkId`",
    ),
    (
        "SearchParameter-codesystem-extensions-CodeSystem-author.json",
        "it lacks the required element `base`",
    ),
    (
        "SearchParameter-codesystem-extensions-CodeSystem-effective.json",
        "it lacks the required element `base`",
    ),
    (
        "SearchParameter-codesystem-extensions-CodeSystem-end.json",
        "it lacks the required element `base`",
    ),
    (
        "SearchParameter-codesystem-extensions-CodeSystem-keyword.json",
        "it lacks the required element `base`",
    ),
    (
        "SearchParameter-codesystem-extensions-CodeSystem-workflow.json",
        "it lacks the required element `base`",
    ),
    (
        "SearchParameter-valueset-extensions-ValueSet-author.json",
        "it lacks the required element `base`",
    ),
    (
        "SearchParameter-valueset-extensions-ValueSet-effective.json",
        "it lacks the required element `base`",
    ),
    (
        "SearchParameter-valueset-extensions-ValueSet-end.json",
        "it lacks the required element `base`",
    ),
    (
        "SearchParameter-valueset-extensions-ValueSet-keyword.json",
        "it lacks the required element `base`",
    ),
    (
        "SearchParameter-valueset-extensions-ValueSet-workflow.json",
        "it lacks the required element `base`",
    ),
    (
        "SearchParameter-questionnaireresponse-extensions-QuestionnaireResponse-item-subject.json",
        "its id is 68 characters long, and FHIR ids are at most 64",
    ),
];

static SCHEMA: LazyLock<Value> = LazyLock::new(|| schemars::schema_for!(Resource).to_value());

static VALIDATOR: LazyLock<jsonschema::Validator> = LazyLock::new(|| {
    jsonschema::validator_for(&SCHEMA).unwrap_or_else(|error| panic!("invalid schema: {error}"))
});

/// Reads every resource of the examples package, by file name.
fn examples() -> BTreeMap<String, Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/fhir-packages/hl7.fhir.r4.examples-4.0.1.tgz");
    let file = std::fs::File::open(&path).unwrap_or_else(|error| {
        panic!(
            "cannot open {}: {error}; run `fhir-definitions/fetch.sh examples` first",
            path.display()
        )
    });
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut out = BTreeMap::new();
    for entry in archive.entries().expect("read package") {
        let mut entry = entry.expect("read package entry");
        let entry_path = entry.path().expect("entry path").into_owned();
        let name = entry_path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !name.ends_with(".json") || name == "package.json" || name.starts_with('.') {
            continue;
        }
        let mut text = String::new();
        entry.read_to_string(&mut text).expect("read entry");
        let value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        out.insert(name, value);
    }
    out
}

fn example(name: &str) -> Value {
    examples()
        .remove(name)
        .unwrap_or_else(|| panic!("{name} is not in the examples package"))
}

/// Returns the first validation error of `instance`, or `None` when it is
/// valid.
fn first_error(instance: &Value) -> Option<String> {
    // `is_valid` first, because collecting errors (jsonschema 0.61) builds
    // them for every failed branch of the `oneOf` of 146 resources, and doing
    // that for every example used over 20 GB of memory.
    if VALIDATOR.is_valid(instance) {
        return None;
    }
    let error = VALIDATOR.validate(instance).err()?;
    Some(format!("{error} at {}", error.instance_path()))
}

/// Returns the first error of `resource` against the definition of its own
/// `resourceType`. Unlike the error of the `oneOf` in the `Resource` schema,
/// which lists every resource type's errors, it points into the document.
fn typed_error(resource: &Value) -> String {
    let Some(resource_type) = resource["resourceType"].as_str() else {
        return "no resourceType".to_owned();
    };
    let mut schema = SCHEMA.clone();
    let root = schema.as_object_mut().expect("schema object");
    root.remove("oneOf");
    root.insert("$ref".to_owned(), json!(format!("#/$defs/{resource_type}")));
    let validator = jsonschema::validator_for(&schema).expect("valid schema");
    match validator.validate(resource) {
        Ok(()) => "valid against its own type, but not the Resource schema".to_owned(),
        Err(error) => {
            let text: String = error.to_string().chars().take(300).collect();
            format!("{text} at {}", error.instance_path())
        }
    }
}

fn definition(name: &str) -> &'static Value {
    SCHEMA
        .pointer(&format!("/$defs/{name}"))
        .unwrap_or_else(|| panic!("no definition `{name}` in the schema"))
}

#[test]
fn official_examples_validate() {
    let files = examples();
    assert!(
        files.len() > 5000,
        "expected about 5,300 files, found {}",
        files.len()
    );
    let expected: BTreeMap<&str, &str> = EXPECTED_INVALID.iter().copied().collect();
    let mut unexpected = Vec::new();
    let mut now_valid = Vec::new();
    for (name, value) in &files {
        match (
            VALIDATOR.is_valid(value),
            expected.contains_key(name.as_str()),
        ) {
            (true, true) => now_valid.push(name.clone()),
            (false, false) => unexpected.push(format!("{name}: {}", typed_error(value))),
            (true, false) | (false, true) => {}
        }
    }
    assert!(
        unexpected.is_empty(),
        "{} examples do not validate:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
    assert!(
        now_valid.is_empty(),
        "these examples now validate; remove them from EXPECTED_INVALID:\n{}",
        now_valid.join("\n")
    );
}

/// Applies `change` to a copy of `example` and checks that the schema
/// rejects the result, and that the library's reader rejects it too.
fn assert_rejected(example: &Value, what: &str, change: impl FnOnce(&mut Value)) {
    let changed = assert_schema_rejects(example, what, change);
    let bytes = serde_json::to_vec(&changed).expect("serialize");
    assert!(
        fhir_payer::json::from_slice(&bytes).is_err(),
        "the reader accepts {what}, but the schema rejects it"
    );
}

/// Applies `change` to a copy of `example`, checks that the schema rejects
/// the result, and returns it.
fn assert_schema_rejects(example: &Value, what: &str, change: impl FnOnce(&mut Value)) -> Value {
    let mut changed = example.clone();
    change(&mut changed);
    assert!(
        first_error(&changed).is_some(),
        "the schema accepts {what}: {changed}"
    );
    changed
}

#[test]
fn changed_examples_fail() {
    let patient = example("Patient-example.json");
    let observation = example("Observation-f001.json");
    assert_eq!(first_error(&patient), None);
    assert_eq!(first_error(&observation), None);

    assert_rejected(&patient, "an unknown element", |p| {
        p["favouriteColour"] = json!("green");
    });
    assert_rejected(&patient, "an unknown element in a datatype", |p| {
        p["name"][0]["nickname"] = json!("Jim");
    });
    assert_rejected(&patient, "an unknown element in a backbone element", |p| {
        p["contact"][0]["age"] = json!(40);
    });
    assert_rejected(&patient, "a missing resourceType", |p| {
        p.as_object_mut().expect("object").remove("resourceType");
    });
    assert_rejected(&patient, "an unknown resourceType", |p| {
        p["resourceType"] = json!("Patients");
    });
    assert_rejected(&patient, "a code outside the required value set", |p| {
        p["gender"] = json!("feminine");
    });
    assert_rejected(&patient, "a number where a boolean belongs", |p| {
        p["active"] = json!(1);
    });
    assert_rejected(&patient, "a date with an invalid month", |p| {
        p["birthDate"] = json!("1974-13-25");
    });
    assert_rejected(&patient, "an object where an array belongs", |p| {
        p["name"] = p["name"][0].clone();
    });
    assert_rejected(&patient, "two types of one choice element", |p| {
        p["deceasedDateTime"] = json!("2015-02-14T13:42:00+10:00");
    });
    assert_rejected(&observation, "a string where a decimal belongs", |o| {
        o["valueQuantity"]["value"] = json!("6.3");
    });
    assert_rejected(
        &observation,
        "a choice type the element does not allow",
        |o| {
            o["valueAddress"] = json!({ "city": "Amsterdam" });
            o.as_object_mut().expect("object").remove("valueQuantity");
        },
    );
    // The reader does not check minimum cardinalities, so only the schema
    // rejects this one.
    assert_schema_rejects(&observation, "a missing required element", |o| {
        o.as_object_mut().expect("object").remove("code");
    });
    assert_rejected(&patient, "an empty array", |p| {
        p["identifier"] = json!([]);
    });
    assert_rejected(&patient, "an empty object in an array", |p| {
        p["name"] = json!([{}]);
    });
    assert_rejected(&patient, "an empty primitive element object", |p| {
        p["_birthDate"] = json!({});
    });
    assert_rejected(&observation, "a wrong resource in contained", |o| {
        o["contained"] = json!([{ "resourceType": "Patient", "gender": "feminine" }]);
    });
}

#[test]
fn primitive_element_forms_validate() {
    let accepted = [
        // Only the extension part of a primitive.
        json!({
            "resourceType": "Patient",
            "_birthDate": { "extension": [{
                "url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
                "valueCode": "unknown"
            }] }
        }),
        // Arrays of values and of id/extension parts, filled with null.
        json!({
            "resourceType": "Patient",
            "name": [{ "given": ["Ann", null], "_given": [null, { "id": "g2" }] }]
        }),
        // A required primitive (Observation.status) given only as `_status`.
        json!({
            "resourceType": "Observation",
            "_status": { "extension": [{
                "url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
                "valueCode": "unknown"
            }] },
            "code": { "text": "glucose" }
        }),
        // A contained resource and a choice element with an extension part.
        json!({
            "resourceType": "Observation",
            "status": "final",
            "code": { "text": "smoker" },
            "contained": [{ "resourceType": "Patient", "id": "p1" }],
            "valueBoolean": true,
            "_valueBoolean": { "id": "v" }
        }),
    ];
    for instance in &accepted {
        assert_eq!(first_error(instance), None, "{instance}");
        let bytes = serde_json::to_vec(instance).expect("serialize");
        assert!(
            fhir_payer::json::from_slice(&bytes).is_ok(),
            "the reader rejects {instance}"
        );
    }
    let missing_status = json!({ "resourceType": "Observation", "code": { "text": "glucose" } });
    assert!(first_error(&missing_status).is_some());
}

#[test]
fn patient_schema_shape() {
    let patient = definition("Patient");
    let properties = patient["properties"].as_object().expect("properties");
    let keys: Vec<&str> = properties.keys().map(String::as_str).collect();
    assert_eq!(
        keys[..7],
        [
            "resourceType",
            "id",
            "meta",
            "implicitRules",
            "_implicitRules",
            "language",
            "_language"
        ]
    );

    assert_eq!(properties["resourceType"]["const"], json!("Patient"));
    assert_eq!(patient["required"], json!(["resourceType"]));
    assert_eq!(patient["additionalProperties"], json!(false));
    assert_eq!(
        properties["birthDate"]["description"],
        json!("The date of birth for the individual")
    );

    for key in ["deceasedBoolean", "_deceasedBoolean", "deceasedDateTime"] {
        assert!(properties.contains_key(key), "no property {key}");
    }
    assert!(!properties.contains_key("deceased"));
    assert!(!properties.contains_key("_id"), "Resource.id has no `_id`");

    assert_eq!(properties["name"]["type"], json!("array"));
    assert_eq!(
        properties["name"]["items"]["$ref"],
        json!("#/$defs/HumanName")
    );
    // `Resource` is the root of this schema, so schemars refers to it as `#`.
    assert_eq!(properties["contained"]["items"]["$ref"], json!("#"));
}

#[test]
fn code_enum_and_resource_schemas() {
    assert_eq!(
        definition("AdministrativeGender")["enum"],
        json!(["male", "female", "other", "unknown"])
    );
    let gender = &definition("Patient")["properties"]["gender"];
    assert_eq!(gender["$ref"], json!("#/$defs/AdministrativeGender"));

    let one_of = SCHEMA["oneOf"].as_array().expect("oneOf");
    assert_eq!(one_of.len(), fhir_payer::r4::ResourceType::ALL.len());
    assert!(one_of.contains(&json!({ "$ref": "#/$defs/ExplanationOfBenefit" })));
}

#[test]
fn primitives_carry_spec_regex() {
    let patient = &definition("Patient")["properties"];
    assert_eq!(
        patient["birthDate"]["pattern"],
        json!(
            r"^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?$"
        )
    );
    assert_eq!(patient["id"]["pattern"], json!(r"^[A-Za-z0-9\-\.]{1,64}$"));
    let meta = &definition("Meta")["properties"];
    assert_eq!(
        meta["lastUpdated"]["pattern"],
        json!(
            r"^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))$"
        )
    );
    let timing = &definition("TimingRepeat")["properties"];
    assert_eq!(
        timing["timeOfDay"]["items"]["anyOf"][0]["pattern"],
        json!(r"^([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?$")
    );
}
