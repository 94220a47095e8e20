//! SMART scopes: grammar, scope sets and authorization decisions, with
//! property tests over generated scope sets and resources.

use fhir_payer::r4::{Resource, ResourceType};
use fhir_payer::smart::compartment::in_patient_compartment;
use fhir_payer::smart::labels::{ReleaseAll, SensitiveLabel};
use fhir_payer::smart::{
    Authorizer, Decision, DenyReason, LaunchContext, OperationTarget, ParseMode, ParseOptions,
    Permission, Permissions, Request, ResourceAccess, RestrictionProblem, RestrictionValue, Scope,
    ScopeContext, ScopeError, ScopeLimits, ScopeRequestError, ScopeSet, ScopeSyntax, ScopeWarning,
    TokenProblem,
};
use proptest::prelude::*;
use serde_json::json;

const PATIENT: &str = "pat-7";
const OTHER_PATIENT: &str = "pat-9";
const LAB_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/observation-category";

fn strict(text: &str) -> ScopeSet {
    ScopeSet::parse(text, ParseMode::Strict)
        .unwrap_or_else(|error| panic!("`{text}` should parse: {error}"))
        .scopes
}

fn strict_error(text: &str) -> ScopeError {
    match ScopeSet::parse(text, ParseMode::Strict) {
        Ok(parsed) => panic!("`{text}` should be rejected, got `{}`", parsed.scopes),
        Err(error) => error,
    }
}

fn lenient_error(text: &str) -> ScopeError {
    match ScopeSet::parse(text, ParseMode::Lenient) {
        Ok(parsed) => panic!(
            "`{text}` should be rejected in lenient mode, got `{}`",
            parsed.scopes
        ),
        Err(error) => error,
    }
}

fn only_resource_scope(set: &ScopeSet) -> fhir_payer::smart::ResourceScope {
    let scopes: Vec<_> = set.resource_scopes().cloned().collect();
    assert_eq!(scopes.len(), 1, "expected one resource scope in `{set}`");
    scopes[0].clone()
}

fn resource(value: serde_json::Value) -> Resource {
    serde_json::from_str(&value.to_string())
        .unwrap_or_else(|error| panic!("test resource should parse: {error}"))
}

fn observation(id: &str, patient: &str, category: &str) -> Resource {
    resource(json!({
        "resourceType": "Observation",
        "id": id,
        "status": "final",
        "category": [{"coding": [{"system": LAB_SYSTEM, "code": category}]}],
        "code": {"text": "glucose"},
        "subject": {"reference": format!("Patient/{patient}")}
    }))
}

fn patient(id: &str) -> Resource {
    resource(json!({"resourceType": "Patient", "id": id}))
}

fn practitioner(id: &str) -> Resource {
    resource(json!({"resourceType": "Practitioner", "id": id}))
}

fn claim_summary(id: &str, patient: &str, security: Option<SensitiveLabel>) -> Resource {
    let mut value = json!({
        "resourceType": "ExplanationOfBenefit",
        "id": id,
        "status": "active",
        "patient": {"reference": format!("Patient/{patient}")}
    });
    if let Some(label) = security {
        value["meta"] = json!({"security": [{"system": label.system(), "code": label.code()}]});
    }
    resource(value)
}

fn coverage(id: &str, beneficiary: &str) -> Resource {
    resource(json!({
        "resourceType": "Coverage",
        "id": id,
        "status": "active",
        "beneficiary": {"reference": format!("Patient/{beneficiary}")},
        "payor": [{"reference": "Organization/payer-1"}]
    }))
}

fn for_patient(scopes: &str) -> Authorizer {
    Authorizer::new(strict(scopes), LaunchContext::new().with_patient(PATIENT))
}

fn read(resource_type: ResourceType, id: &str) -> Request {
    Request::Read {
        resource_type,
        id: id.to_owned(),
    }
}

fn search(resource_type: ResourceType, params: &[(&str, &str)]) -> Request {
    let params = params
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect();
    Request::TypeSearch {
        resource_type,
        params,
    }
}

fn assert_denied(decision: &Decision) -> &DenyReason {
    match decision {
        Decision::Deny { reason } => reason,
        other => panic!("expected a denial, got {other:?}"),
    }
}

fn assert_patient_compartment(decision: &Decision) {
    match decision {
        Decision::AllowNarrowed {
            compartment: Some(compartment),
            ..
        } => {
            assert_eq!(compartment.compartment, ResourceType::Patient);
            assert_eq!(&*compartment.id, PATIENT);
        }
        other => panic!("expected narrowing to the patient compartment, got {other:?}"),
    }
}

// ---- Grammar ----

#[test]
fn v1_wildcard_grants_every_permission_in_compartment() {
    let scopes = strict("patient/*.*");
    let scope = only_resource_scope(&scopes);
    assert_eq!(scope.syntax(), ScopeSyntax::V1);
    assert_eq!(scope.context(), ScopeContext::Patient);
    assert_eq!(scope.resource_type(), None);
    assert_eq!(scope.permissions(), Permissions::ALL);
    assert_eq!(scopes.to_string(), "patient/*.*");

    let authorizer = for_patient("patient/*.*");
    let requests = [
        Request::Create {
            resource_type: ResourceType::Condition,
        },
        read(ResourceType::Condition, "c1"),
        Request::Update {
            resource_type: ResourceType::Condition,
            id: "c1".to_owned(),
        },
        Request::Delete {
            resource_type: ResourceType::Condition,
            id: "c1".to_owned(),
        },
        search(ResourceType::Condition, &[]),
    ];
    for request in &requests {
        assert_patient_compartment(&authorizer.authorize(request));
    }
}

#[test]
fn v1_read_equals_v2_read_search() {
    let v1 = strict("patient/Condition.read");
    let v2 = strict("patient/Condition.rs");
    assert_eq!(v1, v2);
    assert_eq!(only_resource_scope(&v1).permissions(), Permissions::READ_V1);
    assert_eq!(v1.to_v2().to_string(), "patient/Condition.rs");
}

#[test]
fn v1_write_equals_cud_and_excludes_read() {
    let v1 = strict("user/MedicationRequest.write");
    assert_eq!(v1, strict("user/MedicationRequest.cud"));

    let authorizer = Authorizer::new(v1, LaunchContext::new());
    let decision = authorizer.authorize(&read(ResourceType::MedicationRequest, "m1"));
    assert!(matches!(
        assert_denied(&decision),
        DenyReason::NotGranted {
            permission: Permission::Read,
            ..
        }
    ));
    let create = authorizer.authorize(&Request::Create {
        resource_type: ResourceType::MedicationRequest,
    });
    assert_eq!(create, Decision::Allow);
}

#[test]
fn out_of_order_permissions_strict_and_lenient() {
    let token = "patient/Condition.sr";
    let error = strict_error(token);
    assert!(
        error.to_string().contains(token),
        "message names the token: {error}"
    );
    assert!(matches!(
        error,
        ScopeError::InvalidToken {
            problem: TokenProblem::PermissionsOutOfOrder { .. },
            ..
        }
    ));

    let parsed = ScopeSet::parse(token, ParseMode::Lenient).expect("lenient mode reorders");
    assert_eq!(parsed.scopes, strict("patient/Condition.rs"));
    assert_eq!(
        only_resource_scope(&parsed.scopes).permissions(),
        Permissions::READ_V1
    );
    assert_eq!(parsed.warnings.len(), 1);
    assert!(
        matches!(&parsed.warnings[0], ScopeWarning::PermissionsReordered { canonical, .. }
        if canonical == "patient/Condition.rs")
    );
}

#[test]
fn repeated_permission_letter_rejected() {
    for error in [
        strict_error("patient/Condition.rrs"),
        lenient_error("patient/Condition.rrs"),
    ] {
        assert!(matches!(
            error,
            ScopeError::InvalidToken {
                problem: TokenProblem::RepeatedPermission { letter: 'r', .. },
                ..
            }
        ));
    }
}

#[test]
fn empty_permissions_rejected() {
    for error in [
        strict_error("patient/Condition."),
        lenient_error("patient/Condition."),
    ] {
        assert!(matches!(
            error,
            ScopeError::InvalidToken {
                problem: TokenProblem::EmptyPermissions,
                ..
            }
        ));
    }
    assert!(matches!(
        strict_error("patient/Condition"),
        ScopeError::InvalidToken {
            problem: TokenProblem::MissingPermissions,
            ..
        }
    ));
}

#[test]
fn context_prefix_is_case_sensitive() {
    let token = "Patient/Condition.read";
    assert!(matches!(
        strict_error(token),
        ScopeError::InvalidToken {
            problem: TokenProblem::ContextCase {
                expected: "patient",
                ..
            },
            ..
        }
    ));

    let parsed = ScopeSet::parse(token, ParseMode::Lenient).expect("lenient mode keeps it");
    assert_eq!(
        parsed.scopes.iter().collect::<Vec<_>>(),
        [&Scope::Other(token.to_owned())]
    );
    assert!(matches!(
        &parsed.warnings[..],
        [ScopeWarning::KeptAsOther { .. }]
    ));

    let authorizer = Authorizer::new(parsed.scopes, LaunchContext::new().with_patient(PATIENT));
    let decision = authorizer.authorize(&read(ResourceType::Condition, "c1"));
    assert!(matches!(
        assert_denied(&decision),
        DenyReason::NotGranted { .. }
    ));
}

#[test]
fn resource_type_is_case_sensitive() {
    for error in [
        strict_error("patient/condition.rs"),
        lenient_error("patient/condition.rs"),
    ] {
        match error {
            ScopeError::InvalidToken {
                problem: TokenProblem::UnknownResourceType { name, suggestion },
                ..
            } => {
                assert_eq!(name, "condition");
                assert_eq!(suggestion, Some("Condition"));
            }
            other => panic!("expected an unknown resource type, got {other:?}"),
        }
    }
}

#[test]
fn unknown_resource_type_rejected() {
    for error in [
        strict_error("patient/MadeUpThing.write"),
        lenient_error("patient/MadeUpThing.write"),
    ] {
        assert!(matches!(
            error,
            ScopeError::InvalidToken {
                problem: TokenProblem::UnknownResourceType {
                    suggestion: None,
                    ..
                },
                ..
            }
        ));
    }
}

#[test]
fn non_resource_scopes_recognised_by_kind() {
    let scopes = strict("launch launch/patient openid fhirUser offline_access");
    let kinds: Vec<&Scope> = scopes.iter().collect();
    assert_eq!(kinds.len(), 5);
    assert_eq!(kinds[0], &Scope::Launch);
    assert!(
        matches!(kinds[1], Scope::LaunchContext(context) if context.resource_type() == ResourceType::Patient)
    );
    assert_eq!(kinds[2], &Scope::OpenId);
    assert_eq!(kinds[3], &Scope::FhirUser);
    assert_eq!(kinds[4], &Scope::OfflineAccess);

    let others = strict("profile online_access launch/encounter urn:example:custom");
    let kinds: Vec<&Scope> = others.iter().collect();
    assert_eq!(kinds[0], &Scope::Profile);
    assert_eq!(kinds[1], &Scope::OnlineAccess);
    assert!(
        matches!(kinds[2], Scope::LaunchContext(context) if context.resource_type() == ResourceType::Encounter)
    );
    assert_eq!(kinds[3], &Scope::Other("urn:example:custom".to_owned()));
}

#[test]
fn identity_scope_names_case_sensitive() {
    assert!(matches!(
        strict_error("fhiruser"),
        ScopeError::InvalidToken {
            problem: TokenProblem::NameCase {
                expected: "fhirUser"
            },
            ..
        }
    ));
    let parsed = ScopeSet::parse("OpenID offline_access", ParseMode::Lenient)
        .expect("lenient mode keeps it");
    assert!(parsed.scopes.contains(&Scope::Other("OpenID".to_owned())));
    assert!(!parsed.scopes.contains(&Scope::OpenId));
    assert_eq!(parsed.warnings.len(), 1);

    let custom =
        ScopeSet::parse("urn:example:custom", ParseMode::Lenient).expect("unknown scopes are kept");
    assert!(
        custom.warnings.is_empty(),
        "an unknown scope is not a repair"
    );
}

#[test]
fn launch_context_with_role() {
    let scopes = strict("launch/questionnaire?role=https://example.org/roles/intake");
    let Some(Scope::LaunchContext(context)) = scopes.iter().next() else {
        panic!("expected a launch context scope in `{scopes}`");
    };
    assert_eq!(context.resource_type(), ResourceType::Questionnaire);
    assert_eq!(context.role(), Some("https://example.org/roles/intake"));
    assert_eq!(
        scopes.to_string(),
        "launch/questionnaire?role=https://example.org/roles/intake"
    );

    assert!(matches!(
        strict_error("launch/questionnaire?audience=x"),
        ScopeError::InvalidToken {
            problem: TokenProblem::LaunchQuery { .. },
            ..
        }
    ));
}

#[test]
fn mixed_v1_and_v2_tokens_union() {
    let scopes = strict("patient/Patient.read patient/Condition.rs");
    assert_eq!(scopes.len(), 2);
    let syntaxes: Vec<ScopeSyntax> = scopes
        .resource_scopes()
        .map(|scope| scope.syntax())
        .collect();
    assert_eq!(syntaxes, [ScopeSyntax::V1, ScopeSyntax::V2]);
    assert_eq!(
        scopes.to_v2(),
        strict("patient/Patient.rs patient/Condition.rs")
    );

    let authorizer = for_patient("patient/Patient.read patient/Condition.rs");
    assert_eq!(
        authorizer.authorize(&read(ResourceType::Patient, PATIENT)),
        Decision::Allow
    );
    assert_patient_compartment(&authorizer.authorize(&search(ResourceType::Condition, &[])));
}

#[test]
fn duplicate_tokens_deduplicated() {
    let scopes =
        strict("patient/Condition.rs patient/Condition.rs patient/Condition.read openid openid");
    assert_eq!(scopes.len(), 2);
    assert_eq!(scopes.to_string(), "patient/Condition.rs openid");
}

#[test]
fn split_permissions_normalise_to_one_scope() {
    let split = strict("patient/Condition.r patient/Condition.s");
    assert_eq!(split.len(), 2);
    assert!(split.is_equivalent(&strict("patient/Condition.rs")));
    assert_eq!(split.normalized().to_string(), "patient/Condition.rs");

    assert_eq!(strict("user/*.*").normalized().to_string(), "user/*.cruds");
    let covered = strict("patient/Condition.rs patient/*.rs launch");
    assert_eq!(covered.normalized().to_string(), "patient/*.rs launch");
}

#[test]
fn empty_scope_string_grants_nothing() {
    let parsed = ScopeSet::parse("", ParseMode::Strict).expect("the empty string is a valid scope");
    assert!(parsed.scopes.is_empty());
    assert_eq!(parsed.scopes.to_string(), "");

    let options = ParseOptions::new(ParseMode::Strict);
    for missing in [None, Some("")] {
        let error = ScopeSet::for_authorization_request(missing, None, &options)
            .expect_err("no scope, no default");
        assert_eq!(error, ScopeRequestError::Missing);
        assert_eq!(error.oauth_error(), "invalid_scope");
    }

    let default = strict("launch/patient patient/*.rs");
    let parsed = ScopeSet::for_authorization_request(None, Some(&default), &options)
        .expect("default applies");
    assert_eq!(parsed.scopes, default);
}

#[test]
fn token_restriction_splits_system_and_code() {
    let token = format!("patient/Observation.rs?category={LAB_SYSTEM}|laboratory");
    let scopes = strict(&token);
    let scope = only_resource_scope(&scopes);
    let restriction = scope
        .restriction()
        .expect("the scope carries a restriction");
    let [param] = restriction.params() else {
        panic!("expected one restriction item in `{restriction}`");
    };
    assert_eq!(param.name(), "category");
    assert_eq!(
        param.values(),
        [RestrictionValue::Token {
            system: Some(LAB_SYSTEM.to_owned()),
            code: Some("laboratory".to_owned())
        }]
    );
    assert_eq!(scopes.to_string(), token);
}

#[test]
fn restriction_after_v1_permission_rejected() {
    for error in [
        strict_error("patient/Observation.read?category=vital-signs"),
        lenient_error("patient/Observation.*?category=x"),
    ] {
        assert!(matches!(
            error,
            ScopeError::InvalidToken {
                problem: TokenProblem::RestrictionAfterV1 { .. },
                ..
            }
        ));
    }
}

#[test]
fn unsafe_restrictions_reject_whole_token() {
    let cases = [
        ("patient/Observation.rs?code:not=8480-6", "modifier"),
        ("patient/Observation.rs?subject.name=smith", "chain"),
        (
            "patient/Observation.rs?_include=Observation:subject",
            "result parameter",
        ),
        ("patient/Observation.rs?status", "missing value"),
        ("patient/Observation.rs?status=", "empty value"),
        ("patient/Observation.rs?status=final&", "empty item"),
        ("patient/Observation.rs?made-up=1", "unknown parameter"),
        ("patient/Observation.rs?date=ge2024", "unsupported type"),
    ];
    for (token, case) in cases {
        for error in [strict_error(token), lenient_error(token)] {
            let ScopeError::InvalidToken {
                problem: TokenProblem::Restriction(problem),
                ..
            } = &error
            else {
                panic!("{case}: expected a restriction problem, got {error:?}");
            };
            let expected = match case {
                "modifier" => matches!(problem, RestrictionProblem::Modifier { .. }),
                "chain" => matches!(problem, RestrictionProblem::Chain { .. }),
                "result parameter" => matches!(problem, RestrictionProblem::NotAFilter { .. }),
                "missing value" | "empty value" => {
                    matches!(problem, RestrictionProblem::MissingValue { .. })
                }
                "empty item" => matches!(problem, RestrictionProblem::EmptyItem),
                "unknown parameter" => {
                    matches!(problem, RestrictionProblem::UnknownParameter { .. })
                }
                _ => matches!(
                    problem,
                    RestrictionProblem::UnsupportedType { kind: "date", .. }
                ),
            };
            assert!(expected, "{case}: unexpected problem {problem:?}");
        }
    }
}

#[test]
fn launch_context_types_are_lowercase() {
    let lower = strict("launch/encounter");
    assert!(
        matches!(lower.iter().next(), Some(Scope::LaunchContext(context))
        if context.resource_type() == ResourceType::Encounter)
    );

    assert!(matches!(
        strict_error("launch/Encounter"),
        ScopeError::InvalidToken {
            problem: TokenProblem::LaunchCase { .. },
            ..
        }
    ));
    let parsed =
        ScopeSet::parse("launch/Encounter", ParseMode::Lenient).expect("lenient mode keeps it");
    assert_eq!(
        parsed.scopes.iter().next(),
        Some(&Scope::Other("launch/Encounter".to_owned()))
    );
    assert_eq!(parsed.warnings.len(), 1);
}

#[test]
fn separators_strict_and_lenient() {
    for (text, position, found) in [
        ("openid\tfhirUser", 6, '\t'),
        ("openid  fhirUser", 7, ' '),
        (" openid", 0, ' '),
        ("openid ", 6, ' '),
        ("openid\r\nfhirUser", 6, '\r'),
    ] {
        assert_eq!(
            strict_error(text),
            ScopeError::InvalidSeparator { found, position },
            "in {text:?}"
        );

        let parsed = ScopeSet::parse(text, ParseMode::Lenient)
            .expect("lenient mode splits on whitespace runs");
        assert!(parsed.scopes.contains(&Scope::OpenId), "in {text:?}");
        assert_eq!(parsed.warnings.len(), 1, "one warning for {text:?}");
        assert!(matches!(
            parsed.warnings[0],
            ScopeWarning::Whitespace { .. }
        ));
    }
    let parsed = ScopeSet::parse("openid \t  fhirUser\n", ParseMode::Lenient).expect("lenient");
    assert_eq!(parsed.scopes, strict("openid fhirUser"));
}

#[test]
fn bytes_outside_token_characters_rejected() {
    for (text, character, position) in [
        ("patient/Observation.rs?code=caf\u{e9}", '\u{e9}', 31),
        ("openid \u{7f}", '\u{7f}', 7),
        ("open\u{1}id", '\u{1}', 4),
        ("launch \"quoted\"", '"', 7),
        ("patient/Observation.rs?code=a\\b", '\\', 29),
    ] {
        assert_eq!(
            strict_error(text),
            ScopeError::InvalidCharacter {
                character,
                position
            },
            "in {text:?}"
        );
        assert_eq!(
            lenient_error(text),
            ScopeError::InvalidCharacter {
                character,
                position
            },
            "in {text:?}"
        );
    }
    assert_eq!(
        Scope::parse("", ParseMode::Lenient),
        Err(ScopeError::EmptyToken)
    );
    assert!(matches!(
        Scope::parse("a b", ParseMode::Strict),
        Err(ScopeError::InvalidCharacter {
            character: ' ',
            position: 1
        })
    ));
}

#[test]
fn limits_reject_oversized_input() {
    let limits = ScopeLimits {
        max_tokens: 3,
        max_token_len: 16,
    };
    let options = ParseOptions {
        mode: ParseMode::Strict,
        limits,
    };
    assert!(ScopeSet::parse_with("openid fhirUser launch", &options).is_ok());
    assert_eq!(
        ScopeSet::parse_with("openid fhirUser launch profile", &options),
        Err(ScopeError::TooManyTokens { max: 3 })
    );
    assert!(matches!(
        ScopeSet::parse_with("openid patient/Observation.rs", &options),
        Err(ScopeError::TokenTooLong {
            position: 7,
            max: 16,
            ..
        })
    ));

    let huge = "x".repeat(1 << 20);
    let error = ScopeSet::parse(&huge, ParseMode::Strict)
        .expect_err("a 1 MiB token is over the default limit");
    assert!(
        matches!(&error, ScopeError::TokenTooLong { token, .. } if token.chars().count() <= 101)
    );
    let many = "openid ".repeat(10_000);
    assert!(matches!(
        ScopeSet::parse(many.trim_end(), ParseMode::Strict),
        Err(ScopeError::TooManyTokens { .. })
    ));
}

// ---- Scope sets ----

#[test]
fn refresh_may_only_narrow() {
    let granted = strict(
        "launch/patient patient/Condition.r patient/Condition.s patient/Observation.rs offline_access",
    );
    assert_eq!(
        strict("patient/Condition.rs").check_refresh(&granted),
        Ok(())
    );
    assert_eq!(
        strict("patient/Condition.read offline_access").check_refresh(&granted),
        Ok(())
    );
    assert_eq!(strict("").check_refresh(&granted), Ok(()));

    let restricted = format!("patient/Observation.rs?category={LAB_SYSTEM}|laboratory");
    assert!(strict(&restricted).is_subset_of(&granted));
    assert!(!granted.is_subset_of(&strict(&restricted)));

    let widened = strict("patient/Condition.rs patient/Condition.c");
    assert_eq!(
        widened.check_refresh(&granted),
        Err(ScopeRequestError::Widened {
            scope: "patient/Condition.c".to_owned()
        })
    );
    assert!(!strict("user/Condition.rs").is_subset_of(&granted));
    assert!(!strict("openid").is_subset_of(&granted));
}

#[test]
fn response_scope_uses_requested_syntax() {
    let requested_v1 = strict("patient/Condition.read patient/Observation.read openid");
    let granted = strict("patient/Condition.rs patient/Observation.crs openid");
    assert_eq!(
        granted.to_response_string(&requested_v1),
        "patient/Condition.read patient/Observation.read patient/Observation.c openid"
    );

    let requested_v2 = strict("patient/Condition.rs patient/Observation.rs");
    assert_eq!(
        granted.to_response_string(&requested_v2),
        "patient/Condition.rs patient/Observation.crs openid"
    );

    let requested_mixed = strict("patient/Condition.read patient/Observation.rs");
    assert_eq!(
        granted.to_response_string(&requested_mixed),
        "patient/Condition.read patient/Observation.crs openid"
    );
    assert_eq!(ScopeSet::new().to_response_string(&requested_v1), "");
    assert_eq!(strict("user/*.cruds").to_v1().to_string(), "user/*.*");
}

#[test]
fn display_then_parse_round_trips() {
    let text = "launch/patient patient/Observation.rs?status=final,amended&category=laboratory \
                user/Practitioner.read system/*.cruds launch/questionnaire?role=urn:x:intake urn:other";
    let first = strict(text);
    let again = strict(&first.to_string());
    assert_eq!(first, again);
    assert_eq!(
        first.to_string(),
        "launch/patient patient/Observation.rs?category=laboratory&status=final,amended user/Practitioner.read \
         system/*.cruds launch/questionnaire?role=urn:x:intake urn:other"
    );
}

// ---- Decisions ----

#[test]
fn read_of_own_observation_allowed() {
    let authorizer = for_patient("patient/Observation.r");
    assert_patient_compartment(&authorizer.authorize(&read(ResourceType::Observation, "obs-1")));
    let own = observation("obs-1", PATIENT, "laboratory");
    assert_eq!(
        authorizer.authorize_resource(&own, ResourceAccess::Read),
        Decision::Allow
    );

    let theirs = observation("obs-2", OTHER_PATIENT, "laboratory");
    let decision = authorizer.authorize_resource(&theirs, ResourceAccess::Read);
    assert!(matches!(
        assert_denied(&decision),
        DenyReason::NotInCompartment { .. }
    ));
}

#[test]
fn read_permission_does_not_grant_search() {
    let authorizer = for_patient("patient/Observation.r");
    let decision =
        authorizer.authorize(&search(ResourceType::Observation, &[("patient", PATIENT)]));
    assert!(matches!(
        assert_denied(&decision),
        DenyReason::NotGranted {
            permission: Permission::Search,
            ..
        }
    ));
    let history = authorizer.authorize(&Request::TypeHistory {
        resource_type: ResourceType::Observation,
    });
    assert!(!history.is_allowed());
    let instance_history = Request::InstanceHistory {
        resource_type: ResourceType::Observation,
        id: "obs-1".to_owned(),
    };
    assert!(authorizer.authorize(&instance_history).is_allowed());
}

#[test]
fn search_naming_other_patient_denied() {
    let authorizer = for_patient("patient/Observation.rs");
    for params in [
        [("subject", "Patient/pat-9")],
        [("patient", "pat-9")],
        [("subject:Patient", "pat-9")],
        [("subject", "https://fhir.example.org/r4/Patient/pat-9")],
        [("patient", "pat-7,pat-9")],
    ] {
        let decision = authorizer.authorize(&search(ResourceType::Observation, &params));
        assert_eq!(
            assert_denied(&decision),
            &DenyReason::OtherPatient {
                patient: OTHER_PATIENT.to_owned()
            },
            "for {params:?}"
        );
    }
    let own = authorizer.authorize(&search(
        ResourceType::Observation,
        &[("subject", "Patient/pat-7")],
    ));
    assert_patient_compartment(&own);
    let patient_search = authorizer.authorize(&search(
        ResourceType::Observation,
        &[("performer", "Practitioner/pat-9")],
    ));
    assert_patient_compartment(&patient_search);
}

#[test]
fn create_does_not_grant_read() {
    let authorizer = for_patient("patient/Observation.c");
    let decision = authorizer.authorize(&read(ResourceType::Observation, "obs-1"));
    assert!(matches!(
        assert_denied(&decision),
        DenyReason::NotGranted {
            permission: Permission::Read,
            ..
        }
    ));
    let stored = observation("obs-1", PATIENT, "laboratory");
    assert!(
        !authorizer
            .authorize_resource(&stored, ResourceAccess::Read)
            .is_allowed()
    );
    assert_eq!(
        authorizer.authorize_resource(&stored, ResourceAccess::Create),
        Decision::Allow
    );
}

#[test]
fn permissions_of_separate_tokens_add_up() {
    let authorizer = Authorizer::new(
        strict("user/Condition.rs user/Condition.c"),
        LaunchContext::new(),
    );
    assert_eq!(
        authorizer.authorize(&Request::Create {
            resource_type: ResourceType::Condition
        }),
        Decision::Allow
    );
    assert_eq!(
        authorizer.authorize(&read(ResourceType::Condition, "c1")),
        Decision::Allow
    );
    assert_eq!(
        authorizer.authorize(&search(ResourceType::Condition, &[])),
        Decision::Allow
    );
    let delete = Request::Delete {
        resource_type: ResourceType::Condition,
        id: "c1".to_owned(),
    };
    assert!(!authorizer.authorize(&delete).is_allowed());
}

#[test]
fn patient_scopes_without_patient_grant_nothing() {
    let authorizer = Authorizer::new(
        strict("patient/*.rs"),
        LaunchContext::new().with_fhir_user("Practitioner/doc-3"),
    );
    let requests = [
        read(ResourceType::Observation, "obs-1"),
        read(ResourceType::Patient, PATIENT),
        search(ResourceType::Condition, &[]),
        Request::Operation {
            name: "$everything".to_owned(),
            target: OperationTarget::Instance(ResourceType::Patient, PATIENT.to_owned()),
            params: Vec::new(),
        },
    ];
    for request in &requests {
        let decision = authorizer.authorize(request);
        assert!(
            matches!(
                assert_denied(&decision),
                DenyReason::NoPatientInContext { .. }
            ),
            "for {request:?}: {decision:?}"
        );
    }
    let own = observation("obs-1", PATIENT, "laboratory");
    assert!(
        !authorizer
            .authorize_resource(&own, ResourceAccess::Read)
            .is_allowed()
    );
    assert!(
        !authorizer
            .authorize_resource(&patient(PATIENT), ResourceAccess::Read)
            .is_allowed()
    );
}

#[test]
fn included_resources_need_their_own_grant() {
    let request = search(
        ResourceType::ExplanationOfBenefit,
        &[
            ("patient", PATIENT),
            ("_include", "ExplanationOfBenefit:provider"),
        ],
    );
    let claim = claim_summary("eob-1", PATIENT, None);
    let provider = practitioner("prov-4");

    let narrow = for_patient("patient/ExplanationOfBenefit.rs");
    assert_patient_compartment(&narrow.authorize(&request));
    assert_eq!(
        narrow.authorize_resource(&claim, ResourceAccess::Search),
        Decision::Allow
    );
    let decision = narrow.authorize_resource(&provider, ResourceAccess::Include);
    assert!(matches!(
        assert_denied(&decision),
        DenyReason::NotGranted { .. }
    ));

    let everything = for_patient("patient/*.rs");
    let decision = everything.authorize_resource(&provider, ResourceAccess::Include);
    assert!(
        !decision.is_allowed(),
        "Practitioner is outside the patient compartment"
    );

    let with_directory = for_patient("patient/ExplanationOfBenefit.rs user/Practitioner.rs");
    assert_eq!(
        with_directory.authorize_resource(&provider, ResourceAccess::Include),
        Decision::Allow
    );

    let typed = search(
        ResourceType::ExplanationOfBenefit,
        &[
            ("patient", PATIENT),
            ("_include", "ExplanationOfBenefit:provider:Practitioner"),
        ],
    );
    let decision = narrow.authorize(&typed);
    assert!(matches!(
        assert_denied(&decision),
        DenyReason::IncludeNotGranted { .. }
    ));
}

#[test]
fn revinclude_of_ungranted_type_denied() {
    let authorizer = for_patient("patient/Patient.rs");
    let decision = authorizer.authorize(&search(
        ResourceType::Patient,
        &[("_revinclude", "Observation:subject")],
    ));
    assert_eq!(
        assert_denied(&decision),
        &DenyReason::IncludeNotGranted {
            param: "_revinclude".to_owned(),
            resource_type: ResourceType::Observation
        }
    );

    let has = authorizer.authorize(&search(
        ResourceType::Patient,
        &[("_has:Observation:patient:code", "1234-5")],
    ));
    assert!(matches!(
        assert_denied(&has),
        DenyReason::IncludeNotGranted { .. }
    ));

    let granted = for_patient("patient/Patient.rs patient/Observation.rs");
    let decision = granted.authorize(&search(
        ResourceType::Patient,
        &[("_revinclude", "Observation:subject")],
    ));
    assert!(decision.is_allowed());
}

#[test]
fn restricted_search_carries_restriction() {
    let scope = format!("patient/Observation.rs?category={LAB_SYSTEM}|laboratory");
    let authorizer = for_patient(&scope);
    let decision =
        authorizer.authorize(&search(ResourceType::Observation, &[("patient", PATIENT)]));
    let Decision::AllowNarrowed {
        compartment: Some(compartment),
        restrictions,
        resource_types: None,
    } = &decision
    else {
        panic!("expected a narrowed decision, got {decision:?}");
    };
    assert_eq!(&*compartment.id, PATIENT);
    assert_eq!(compartment.params, ["subject", "performer"]);
    let [restriction] = restrictions.as_slice() else {
        panic!("expected one restriction, got {restrictions:?}");
    };
    assert_eq!(
        restriction.to_search_params(),
        [("category".to_owned(), format!("{LAB_SYSTEM}|laboratory"))]
    );

    let lab = observation("obs-3", PATIENT, "laboratory");
    assert_eq!(
        authorizer.authorize_resource(&lab, ResourceAccess::Search),
        Decision::Allow
    );
}

#[test]
fn resource_outside_restriction_denied() {
    let scope = format!("patient/Observation.rs?category={LAB_SYSTEM}|laboratory");
    let authorizer = for_patient(&scope);
    let vitals = observation("obs-4", PATIENT, "vital-signs");
    let decision = authorizer.authorize_resource(&vitals, ResourceAccess::Read);
    assert_eq!(
        assert_denied(&decision),
        &DenyReason::RestrictionNotMet {
            resource_type: ResourceType::Observation
        }
    );

    let other_system = resource(json!({
        "resourceType": "Observation",
        "id": "obs-5",
        "status": "final",
        "category": [{"coding": [{"system": "http://example.org/local-categories", "code": "laboratory"}]}],
        "code": {"text": "glucose"},
        "subject": {"reference": "Patient/pat-7"}
    }));
    assert!(
        !authorizer
            .authorize_resource(&other_system, ResourceAccess::Read)
            .is_allowed()
    );
}

#[test]
fn transaction_denied_when_any_entry_is() {
    let authorizer = for_patient("patient/Observation.rs");
    let entries = vec![
        search(ResourceType::Observation, &[]),
        Request::Create {
            resource_type: ResourceType::Observation,
        },
    ];

    let decision = authorizer.authorize(&Request::Transaction(entries.clone()));
    match assert_denied(&decision) {
        DenyReason::EntryDenied { index, reason } => {
            assert_eq!(*index, 1);
            assert!(matches!(
                **reason,
                DenyReason::NotGranted {
                    permission: Permission::Create,
                    ..
                }
            ));
        }
        other => panic!("expected an entry denial, got {other:?}"),
    }

    let Decision::PerEntry(decisions) = authorizer.authorize(&Request::Batch(entries)) else {
        panic!("a batch is decided per entry");
    };
    assert!(decisions[0].is_allowed());
    assert!(!decisions[1].is_allowed());

    let nested = authorizer.authorize(&Request::Transaction(vec![Request::Batch(Vec::new())]));
    assert!(!nested.is_allowed());
}

#[test]
fn coverage_joins_compartment_through_beneficiary() {
    let authorizer = for_patient("patient/*.rs");
    let decision =
        authorizer.authorize(&search(ResourceType::Coverage, &[("beneficiary", PATIENT)]));
    match &decision {
        Decision::AllowNarrowed {
            compartment: Some(compartment),
            ..
        } => {
            assert!(compartment.params.contains(&"beneficiary"));
        }
        other => panic!("expected narrowing to the compartment, got {other:?}"),
    }
    assert_eq!(
        authorizer.authorize_resource(&coverage("cov-1", PATIENT), ResourceAccess::Search),
        Decision::Allow
    );
    assert!(
        !authorizer
            .authorize_resource(&coverage("cov-2", OTHER_PATIENT), ResourceAccess::Search)
            .is_allowed()
    );
}

#[test]
fn export_needs_system_scopes() {
    let export = |types: Option<&str>| Request::Operation {
        name: "$export".to_owned(),
        target: OperationTarget::System,
        params: types
            .map(|types| vec![("_type".to_owned(), types.to_owned())])
            .unwrap_or_default(),
    };
    let system = Authorizer::new(strict("system/*.rs"), LaunchContext::new());
    assert_eq!(system.authorize(&export(None)), Decision::Allow);

    for scopes in ["patient/*.rs", "user/*.rs"] {
        let authorizer =
            Authorizer::new(strict(scopes), LaunchContext::new().with_patient(PATIENT));
        let decision = authorizer.authorize(&export(None));
        assert_eq!(
            assert_denied(&decision),
            &DenyReason::SystemScopeRequired,
            "under {scopes}"
        );
    }

    let some_types = Authorizer::new(
        strict("system/Coverage.rs system/Patient.read"),
        LaunchContext::new(),
    );
    let Decision::AllowNarrowed {
        resource_types: Some(types),
        ..
    } = some_types.authorize(&export(None))
    else {
        panic!("export is limited to the granted types");
    };
    assert_eq!(types, [ResourceType::Coverage, ResourceType::Patient]);
    let decision = some_types.authorize(&export(Some("Coverage,Claim")));
    assert!(matches!(
        assert_denied(&decision),
        DenyReason::NotGranted {
            resource_type: Some(ResourceType::Claim),
            ..
        }
    ));
}

#[test]
fn everything_limited_to_read_search_types() {
    let authorizer = for_patient("patient/Observation.rs patient/Patient.rs patient/Condition.r");
    let everything = |id: &str| Request::Operation {
        name: "$everything".to_owned(),
        target: OperationTarget::Instance(ResourceType::Patient, id.to_owned()),
        params: Vec::new(),
    };
    let decision = authorizer.authorize(&everything(PATIENT));
    let Decision::AllowNarrowed {
        compartment: Some(compartment),
        resource_types: Some(types),
        ..
    } = &decision
    else {
        panic!("expected $everything narrowed to granted types, got {decision:?}");
    };
    assert_eq!(&*compartment.id, PATIENT);
    assert_eq!(types, &[ResourceType::Observation, ResourceType::Patient]);

    let decision = authorizer.authorize(&everything(OTHER_PATIENT));
    assert_eq!(
        assert_denied(&decision),
        &DenyReason::OtherPatient {
            patient: OTHER_PATIENT.to_owned()
        }
    );

    let other_operation = Request::Operation {
        name: "$match".to_owned(),
        target: OperationTarget::Type(ResourceType::Patient),
        params: Vec::new(),
    };
    assert!(matches!(
        assert_denied(&authorizer.authorize(&other_operation)),
        DenyReason::UnsupportedOperation { .. }
    ));
}

#[test]
fn sensitive_label_withheld_by_default() {
    let authorizer = for_patient("patient/*.rs");
    assert_patient_compartment(&authorizer.authorize(&search(
        ResourceType::ExplanationOfBenefit,
        &[("patient", PATIENT)],
    )));

    let plain = claim_summary("eob-2", PATIENT, None);
    let part2 = claim_summary("eob-3", PATIENT, Some(SensitiveLabel::Part2));
    assert_eq!(
        authorizer.authorize_resource(&plain, ResourceAccess::Search),
        Decision::Allow
    );
    let decision = authorizer.authorize_resource(&part2, ResourceAccess::Search);
    assert_eq!(
        assert_denied(&decision),
        &DenyReason::SecurityLabel {
            system: "http://terminology.hl7.org/CodeSystem/v3-ActCode".to_owned(),
            code: "42CFRPart2".to_owned()
        }
    );
    for label in [SensitiveLabel::Restricted, SensitiveLabel::VeryRestricted] {
        let labelled = claim_summary("eob-4", PATIENT, Some(label));
        assert!(
            !authorizer
                .authorize_resource(&labelled, ResourceAccess::Read)
                .is_allowed(),
            "{label:?}"
        );
    }

    let normal = resource(json!({
        "resourceType": "ExplanationOfBenefit",
        "id": "eob-5",
        "status": "active",
        "patient": {"reference": "Patient/pat-7"},
        "meta": {"security": [{"system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "code": "N"}]}
    }));
    assert_eq!(
        authorizer.authorize_resource(&normal, ResourceAccess::Read),
        Decision::Allow
    );

    let permissive = Authorizer::with_policy(
        strict("patient/*.rs"),
        LaunchContext::new().with_patient(PATIENT),
        ReleaseAll,
    );
    assert_eq!(
        permissive.authorize_resource(&part2, ResourceAccess::Search),
        Decision::Allow
    );
}

#[test]
fn patient_resource_in_own_compartment() {
    let authorizer = for_patient("patient/Patient.r");
    assert_eq!(
        authorizer.authorize(&read(ResourceType::Patient, PATIENT)),
        Decision::Allow
    );
    assert_eq!(
        authorizer.authorize_resource(&patient(PATIENT), ResourceAccess::Read),
        Decision::Allow
    );
    assert!(
        !authorizer
            .authorize_resource(&patient(OTHER_PATIENT), ResourceAccess::Read)
            .is_allowed()
    );

    let linked = resource(json!({
        "resourceType": "Patient",
        "id": "pat-8",
        "link": [{"other": {"reference": "Patient/pat-7"}, "type": "seealso"}]
    }));
    assert!(in_patient_compartment(&linked, PATIENT));
    let contained = resource(json!({
        "resourceType": "Observation",
        "id": "obs-6",
        "status": "final",
        "code": {"text": "x"},
        "contained": [{"resourceType": "Patient", "id": "pat-7"}],
        "subject": {"reference": "#pat-7"}
    }));
    assert!(
        !in_patient_compartment(&contained, PATIENT),
        "a contained Patient is not the patient in context"
    );
}

#[test]
fn mixed_patient_and_restricted_user_grants_union() {
    let scopes =
        format!("patient/Observation.rs user/Observation.rs?category={LAB_SYSTEM}|laboratory");
    let authorizer = for_patient(&scopes);
    let Decision::AllowAnyOf(narrowings) =
        authorizer.authorize(&search(ResourceType::Observation, &[]))
    else {
        panic!("expected a union of narrowings");
    };
    assert_eq!(narrowings.len(), 2);
    let someone_elses_lab = observation("obs-7", OTHER_PATIENT, "laboratory");
    let someone_elses_vitals = observation("obs-8", OTHER_PATIENT, "vital-signs");
    let own_vitals = observation("obs-9", PATIENT, "vital-signs");
    assert_eq!(
        authorizer.authorize_resource(&someone_elses_lab, ResourceAccess::Search),
        Decision::Allow
    );
    assert_eq!(
        authorizer.authorize_resource(&own_vitals, ResourceAccess::Search),
        Decision::Allow
    );
    assert!(
        !authorizer
            .authorize_resource(&someone_elses_vitals, ResourceAccess::Search)
            .is_allowed()
    );
}

#[test]
fn system_level_search_needs_whole_types() {
    let authorizer = for_patient("patient/*.rs");
    let decision = authorizer.authorize(&Request::SystemSearch { params: Vec::new() });
    assert!(matches!(
        assert_denied(&decision),
        DenyReason::SystemLevel {
            interaction: "search"
        }
    ));
    let broad = Authorizer::new(
        strict("user/Observation.rs user/Condition.s"),
        LaunchContext::new(),
    );
    let params = vec![("_type".to_owned(), "Observation,Condition".to_owned())];
    assert_eq!(
        broad.authorize(&Request::SystemSearch { params }),
        Decision::Allow
    );
    assert!(!broad.authorize(&Request::SystemHistory).is_allowed());
}

// ---- Properties ----

const PATIENT_TOKENS: &[&str] = &[
    "patient/Observation.rs",
    "patient/Observation.r",
    "patient/Observation.s",
    "patient/Observation.c",
    "patient/Observation.rs?category=laboratory",
    "patient/Condition.rs",
    "patient/Coverage.read",
    "patient/ExplanationOfBenefit.rs",
    "patient/Patient.r",
    "patient/Practitioner.rs",
    "patient/*.rs",
    "patient/*.cud",
    "patient/*.rs?_tag=urn:example|pilot",
];

const OTHER_TOKENS: &[&str] = &[
    "user/Observation.rs",
    "user/Observation.rs?category=vital-signs",
    "user/Practitioner.read",
    "system/*.rs",
    "system/Coverage.rs",
    "launch/patient",
    "openid",
    "fhirUser",
    "urn:example:custom",
];

fn resource_pool() -> Vec<Resource> {
    vec![
        observation("o-own-lab", PATIENT, "laboratory"),
        observation("o-own-vitals", PATIENT, "vital-signs"),
        observation("o-other-lab", OTHER_PATIENT, "laboratory"),
        resource(json!({
            "resourceType": "Observation",
            "id": "o-tagged",
            "meta": {"tag": [{"system": "urn:example", "code": "pilot"}]},
            "status": "final",
            "code": {"text": "x"},
            "performer": [{"reference": "Patient/pat-7"}]
        })),
        resource(
            json!({"resourceType": "Condition", "id": "c-own", "subject": {"reference": "Patient/pat-7"}}),
        ),
        resource(
            json!({"resourceType": "Condition", "id": "c-other", "subject": {"reference": "Patient/pat-9"}}),
        ),
        coverage("cov-own", PATIENT),
        coverage("cov-other", OTHER_PATIENT),
        claim_summary("eob-own", PATIENT, None),
        claim_summary("eob-labelled", PATIENT, Some(SensitiveLabel::Restricted)),
        patient(PATIENT),
        patient(OTHER_PATIENT),
        practitioner("prac-1"),
    ]
}

const ACCESSES: [ResourceAccess; 6] = [
    ResourceAccess::Read,
    ResourceAccess::Search,
    ResourceAccess::Include,
    ResourceAccess::Create,
    ResourceAccess::Update,
    ResourceAccess::Delete,
];

fn request_pool() -> Vec<Request> {
    let mut requests = vec![
        read(ResourceType::Observation, "o1"),
        read(ResourceType::Patient, PATIENT),
        read(ResourceType::Patient, OTHER_PATIENT),
        search(ResourceType::Observation, &[("patient", PATIENT)]),
        search(ResourceType::Observation, &[("patient", OTHER_PATIENT)]),
        search(
            ResourceType::Patient,
            &[("_revinclude", "Observation:subject")],
        ),
        search(ResourceType::Coverage, &[]),
        Request::Create {
            resource_type: ResourceType::Observation,
        },
        Request::Update {
            resource_type: ResourceType::Condition,
            id: "c1".to_owned(),
        },
        Request::TypeHistory {
            resource_type: ResourceType::Practitioner,
        },
        Request::SystemSearch {
            params: vec![("_type".to_owned(), "Coverage".to_owned())],
        },
    ];
    for name in ["$everything", "$export"] {
        requests.push(Request::Operation {
            name: name.to_owned(),
            target: OperationTarget::Instance(ResourceType::Patient, PATIENT.to_owned()),
            params: Vec::new(),
        });
    }
    requests.push(Request::Transaction(requests[..4].to_vec()));
    requests
}

fn token_strategy() -> impl Strategy<Value = &'static str> {
    let all: Vec<&'static str> = PATIENT_TOKENS.iter().chain(OTHER_TOKENS).copied().collect();
    prop::sample::select(all)
}

fn context_strategy() -> impl Strategy<Value = LaunchContext> {
    prop_oneof![
        Just(LaunchContext::new()),
        Just(LaunchContext::new().with_patient(PATIENT))
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn adding_token_never_removes_access(
        tokens in prop::collection::vec(token_strategy(), 0..6),
        extra in token_strategy(),
        context in context_strategy(),
    ) {
        let before = strict(&tokens.join(" "));
        let mut after = before.clone();
        after.extend(strict(extra));
        let narrow = Authorizer::new(before, context.clone());
        let wide = Authorizer::new(after, context);

        for resource in resource_pool() {
            for access in ACCESSES {
                if narrow.authorize_resource(&resource, access).is_allowed() {
                    prop_assert!(
                        wide.authorize_resource(&resource, access).is_allowed(),
                        "adding `{}` removed {:?} on {:?}", extra, access, resource.id()
                    );
                }
            }
        }
        for request in request_pool() {
            if narrow.authorize(&request).is_allowed() {
                prop_assert!(wide.authorize(&request).is_allowed(), "adding `{}` denied {:?}", extra, request);
            }
        }
    }

    #[test]
    fn restricted_scope_never_exceeds_unrestricted(
        base in prop::sample::select(vec![
            "patient/Observation.rs", "user/Observation.rs", "patient/*.rs", "user/*.cruds", "system/Observation.r",
        ]),
        restriction in prop::sample::select(vec![
            "category=laboratory",
            "category=http://terminology.hl7.org/CodeSystem/observation-category|vital-signs",
            "_tag=urn:example|pilot",
            "_id=o-own-lab",
            "status=final,amended",
        ]),
        context in context_strategy(),
    ) {
        let restricted_text = format!("{base}?{restriction}");
        let Ok(restricted) = ScopeSet::parse(&restricted_text, ParseMode::Strict) else {
            // A restriction the type does not define (status on `*`) is
            // rejected outright, which grants nothing.
            return Ok(());
        };
        let restricted = Authorizer::new(restricted.scopes, context.clone());
        let unrestricted = Authorizer::new(strict(base), context);
        for resource in resource_pool() {
            for access in ACCESSES {
                if restricted.authorize_resource(&resource, access).is_allowed() {
                    prop_assert!(unrestricted.authorize_resource(&resource, access).is_allowed());
                }
            }
        }
        for request in request_pool() {
            if restricted.authorize(&request).is_allowed() {
                prop_assert!(unrestricted.authorize(&request).is_allowed(), "{:?}", request);
            }
        }
    }

    #[test]
    fn patient_scopes_deny_outside_compartment(
        tokens in prop::collection::vec(prop::sample::select(PATIENT_TOKENS.to_vec()), 1..6),
    ) {
        let authorizer = Authorizer::with_policy(
            strict(&tokens.join(" ")),
            LaunchContext::new().with_patient(PATIENT),
            ReleaseAll,
        );
        for resource in resource_pool() {
            if in_patient_compartment(&resource, PATIENT) {
                continue;
            }
            for access in ACCESSES {
                prop_assert!(
                    !authorizer.authorize_resource(&resource, access).is_allowed(),
                    "{:?} allowed {:?} on {:?} outside the compartment", tokens, access, resource.id()
                );
            }
        }
    }
}

// ---- Generated scope strings (the fuzz target's property) ----

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Generator(u64);

impl Generator {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const FRAGMENTS: &[&str] = &[
    "patient",
    "user",
    "system",
    "Patient",
    "launch",
    "/",
    ".",
    "*",
    "?",
    "=",
    "&",
    "|",
    ",",
    ":",
    "Observation",
    "Condition",
    "observation",
    "read",
    "write",
    "cruds",
    "rs",
    "sr",
    "rrs",
    "c",
    "category",
    "_tag",
    "code",
    "status",
    "final",
    "laboratory",
    "http://x.org/cs",
    "openid",
    "fhirUser",
    "offline_access",
    "role",
    " ",
    "  ",
    "\t",
    "\u{e9}",
    "\"",
    "encounter",
    "patient/*.rs",
    "user/Observation.rs?status=final",
    "launch/patient",
];

fn generated_scope_string(generator: &mut Generator) -> String {
    let parts = generator.below(12);
    let mut text = String::new();
    for _ in 0..parts {
        match generator.below(10) {
            0 => text.push(char::from(generator.below(128) as u8)),
            _ => text.push_str(generator.pick(FRAGMENTS)),
        }
    }
    text
}

#[test]
fn generated_strings_round_trip_without_panic() {
    let mut generator = Generator(0x9E37_79B9_7F4A_7C15);
    let mut parsed_count = 0;
    for _ in 0..5000 {
        let text = generated_scope_string(&mut generator);
        for mode in [ParseMode::Strict, ParseMode::Lenient] {
            let Ok(first) = ScopeSet::parse(&text, mode) else {
                continue;
            };
            parsed_count += 1;
            let shown = first.scopes.to_string();
            let again = ScopeSet::parse(&shown, mode).unwrap_or_else(|error| {
                panic!("`{shown}` from {text:?} does not parse again: {error}")
            });
            assert_eq!(first.scopes, again.scopes, "round trip of {text:?}");
            if mode == ParseMode::Strict {
                assert!(first.warnings.is_empty());
            }
        }
    }
    assert!(
        parsed_count > 1000,
        "the generator should produce parseable strings, got {parsed_count}"
    );
}
