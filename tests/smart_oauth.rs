//! SMART discovery documents, the oauth-uris extension, token endpoint
//! types and the authorize URL builder, checked against JSON and the
//! examples of RFC 6749 and RFC 7636.

use fhir_payer::r4::{CapabilityStatement, Resource};
use fhir_payer::smart::authorize::{AuthorizeRequest, PkceError, PkceVerifier, generate_state};
use fhir_payer::smart::discovery::{DiscoveryError, OAUTH_URIS_URL, OAuthUris, SmartConfiguration};
use fhir_payer::smart::token::{
    ClientAuthentication, TokenRequest, TokenRequestError, TokenResponse,
};
use fhir_payer::smart::{ParseMode, Scope, ScopeSet};
use serde_json::json;
use url::Url;

fn url(text: &str) -> Url {
    Url::parse(text).unwrap_or_else(|error| panic!("`{text}` is a test URL: {error}"))
}

fn smart_configuration_json() -> serde_json::Value {
    json!({
        "issuer": "https://auth.payer.example.com",
        "jwks_uri": "https://auth.payer.example.com/jwks",
        "authorization_endpoint": "https://auth.payer.example.com/authorize",
        "token_endpoint": "https://auth.payer.example.com/token",
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "private_key_jwt"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "scopes_supported": ["openid", "fhirUser", "launch/patient", "patient/*.rs", "offline_access"],
        "response_types_supported": ["code"],
        "introspection_endpoint": "https://auth.payer.example.com/introspect",
        "capabilities": ["launch-standalone", "client-public", "client-confidential-symmetric",
                         "sso-openid-connect", "context-standalone-patient", "permission-v1",
                         "permission-v2", "permission-offline"],
        "code_challenge_methods_supported": ["S256"],
        "x_payer_plan_directory": "https://payer.example.com/plans"
    })
}

#[test]
fn smart_configuration_json_round_trip() {
    let value = smart_configuration_json();
    let configuration: SmartConfiguration =
        serde_json::from_value(value.clone()).expect("valid document");
    assert_eq!(
        configuration.token_endpoint,
        "https://auth.payer.example.com/token"
    );
    assert!(configuration.has_capability("permission-v2"));
    assert!(!configuration.has_capability("launch-ehr"));
    assert_eq!(
        configuration.extra.get("x_payer_plan_directory"),
        Some(&json!("https://payer.example.com/plans"))
    );
    assert_eq!(configuration.validate(), Ok(()));

    let written = serde_json::to_value(&configuration).expect("serializes");
    assert_eq!(written, value);
}

#[test]
fn smart_configuration_requirements() {
    let mut configuration: SmartConfiguration =
        serde_json::from_value(smart_configuration_json()).expect("valid");
    configuration.code_challenge_methods_supported = vec!["S256".to_owned(), "plain".to_owned()];
    assert!(matches!(
        configuration.validate(),
        Err(DiscoveryError::CodeChallengeMethods { .. })
    ));

    let mut configuration: SmartConfiguration =
        serde_json::from_value(smart_configuration_json()).expect("valid");
    configuration.authorization_endpoint = None;
    assert_eq!(
        configuration.validate(),
        Err(DiscoveryError::Missing {
            field: "authorization_endpoint"
        })
    );

    let mut configuration: SmartConfiguration =
        serde_json::from_value(smart_configuration_json()).expect("valid");
    configuration.jwks_uri = Some("/relative/jwks".to_owned());
    assert!(matches!(
        configuration.validate(),
        Err(DiscoveryError::InvalidUrl { field, .. }) if field == "jwks_uri"
    ));

    let sparse: SmartConfiguration =
        serde_json::from_value(json!({"capabilities": []})).expect("lenient read");
    assert_eq!(
        sparse.validate(),
        Err(DiscoveryError::Missing {
            field: "token_endpoint"
        })
    );
}

#[test]
fn oauth_uris_extension_round_trip() {
    let mut uris = OAuthUris::new(url("https://auth.payer.example.com/token"));
    uris.authorize = Some(url("https://auth.payer.example.com/authorize"));
    uris.revoke = Some(url("https://auth.payer.example.com/revoke"));

    let extension = uris.to_extension();
    let value = serde_json::to_value(&extension).expect("serializes");
    assert_eq!(
        value,
        json!({
            "url": OAUTH_URIS_URL,
            "extension": [
                {"url": "token", "valueUri": "https://auth.payer.example.com/token"},
                {"url": "authorize", "valueUri": "https://auth.payer.example.com/authorize"},
                {"url": "revoke", "valueUri": "https://auth.payer.example.com/revoke"}
            ]
        })
    );
    assert_eq!(OAuthUris::from_extension(&extension), Ok(uris));
}

#[test]
fn oauth_uris_read_from_capability_statement() {
    let statement = json!({
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-01-15",
        "kind": "instance",
        "fhirVersion": "4.0.1",
        "format": ["json"],
        "rest": [{
            "mode": "server",
            "security": {
                "service": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/restful-security-service", "code": "SMART-on-FHIR"}]}],
                "extension": [{
                    "url": OAUTH_URIS_URL,
                    "extension": [
                        {"url": "authorize", "valueUri": "https://auth.payer.example.com/authorize"},
                        {"url": "token", "valueUri": "https://auth.payer.example.com/token"},
                        {"url": "manage", "valueUri": "https://payer.example.com/apps"}
                    ]
                }]
            }
        }]
    });
    let resource: Resource =
        serde_json::from_str(&statement.to_string()).expect("valid CapabilityStatement");
    let Resource::CapabilityStatement(statement) = resource else {
        panic!("expected a CapabilityStatement");
    };
    let uris = OAuthUris::from_capability_statement(&statement)
        .expect("well formed")
        .expect("present");
    assert_eq!(uris.token, url("https://auth.payer.example.com/token"));
    assert_eq!(
        uris.authorize,
        Some(url("https://auth.payer.example.com/authorize"))
    );
    assert_eq!(uris.manage, Some(url("https://payer.example.com/apps")));
    assert_eq!(uris.register, None);

    assert_eq!(
        OAuthUris::from_capability_statement(&CapabilityStatement::default()),
        Ok(None)
    );
}

#[test]
fn oauth_uris_errors_name_the_field() {
    let mut extension = OAuthUris::new(url("https://auth.payer.example.com/token")).to_extension();
    extension.extension[0].value = None;
    assert_eq!(
        OAuthUris::from_extension(&extension),
        Err(DiscoveryError::NotAUri {
            field: "token".to_owned()
        })
    );

    extension.extension.clear();
    assert_eq!(
        OAuthUris::from_extension(&extension),
        Err(DiscoveryError::Missing { field: "token" })
    );
}

#[test]
fn token_response_json_round_trip() {
    let value = json!({
        "access_token": "at-5f1c",
        "token_type": "bearer",
        "expires_in": 3600,
        "scope": "launch/patient openid fhirUser patient/ExplanationOfBenefit.read patient/Coverage.rs",
        "patient": "mbr-1001",
        "encounter": "enc-77",
        "fhirContext": [{"reference": "Coverage/cov-3", "role": "https://example.org/roles/primary"}],
        "need_patient_banner": false,
        "smart_style_url": "https://payer.example.com/smart-style.json",
        "id_token": "eyJhbGciOiJSUzI1NiJ9.e30.c2ln",
        "refresh_token": "rt-91ab"
    });
    let response: TokenResponse = serde_json::from_value(value.clone()).expect("valid response");
    assert!(response.is_bearer());
    assert_eq!(response.expires_in, Some(3600));
    assert_eq!(
        response.fhir_context[0].reference.as_deref(),
        Some("Coverage/cov-3")
    );
    assert_eq!(response.need_patient_banner, Some(false));

    let scopes = response
        .scopes(ParseMode::Strict)
        .expect("granted scopes parse")
        .scopes;
    assert_eq!(scopes.len(), 5);
    assert!(scopes.contains(&Scope::FhirUser));
    let context = response.launch_context();
    assert_eq!(context.patient(), Some("mbr-1001"));
    assert_eq!(context.encounter(), Some("enc-77"));

    assert_eq!(serde_json::to_value(&response).expect("serializes"), value);
}

#[test]
fn token_response_reads_string_fhir_context() {
    let response: TokenResponse = serde_json::from_value(json!({
        "access_token": "at-1",
        "token_type": "Bearer",
        "scope": "",
        "fhirContext": ["Questionnaire/intake-2"]
    }))
    .expect("SMART 2.0 string items are accepted");
    assert_eq!(
        response.fhir_context[0].reference.as_deref(),
        Some("Questionnaire/intake-2")
    );
    assert!(
        response
            .scopes(ParseMode::Strict)
            .expect("empty scope")
            .scopes
            .is_empty()
    );

    let written = serde_json::to_value(&response).expect("serializes");
    assert_eq!(
        written["fhirContext"],
        json!([{"reference": "Questionnaire/intake-2"}])
    );
    assert_eq!(written["scope"], json!(""));
}

#[test]
fn token_response_for_granted_scopes() {
    let requested = "patient/Coverage.read openid"
        .parse::<ScopeSet>()
        .expect("valid");
    let granted = "patient/Coverage.rs openid"
        .parse::<ScopeSet>()
        .expect("valid");
    let response = TokenResponse::bearer("at-2", &granted.to_response_string(&requested));
    let value = serde_json::to_value(&response).expect("serializes");
    assert_eq!(
        value,
        json!({"access_token": "at-2", "token_type": "Bearer", "scope": "patient/Coverage.read openid"})
    );
}

#[test]
fn pkce_challenge_matches_rfc7636_example() {
    let entropy = [
        116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37,
        77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
    ];
    let verifier = PkceVerifier::from_entropy(&entropy);
    assert_eq!(
        verifier.as_str(),
        "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    );
    assert_eq!(
        verifier.challenge(),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
    assert!(verifier.matches("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
    assert_eq!(PkceVerifier::new(verifier.as_str()), Ok(verifier.clone()));
    assert_eq!(format!("{verifier:?}"), "PkceVerifier(..)");
}

#[test]
fn pkce_verifier_from_os_and_checks() {
    let first = PkceVerifier::generate().expect("the OS has a random source");
    let second = PkceVerifier::generate().expect("the OS has a random source");
    assert_eq!(first.as_str().len(), 43);
    assert_ne!(first, second);
    assert_eq!(generate_state().expect("random state").len(), 22);

    assert_eq!(
        PkceVerifier::new("short"),
        Err(PkceError::Length { length: 5 })
    );
    assert_eq!(
        PkceVerifier::new(&"a".repeat(129)),
        Err(PkceError::Length { length: 129 })
    );
    assert_eq!(
        PkceVerifier::new(&format!("{}+", "a".repeat(50))),
        Err(PkceError::Character { character: '+' })
    );
}

#[test]
fn authorize_url_carries_every_parameter() {
    let verifier = PkceVerifier::from_entropy(&[7; 32]);
    let scopes: ScopeSet = "launch/patient openid fhirUser patient/*.rs"
        .parse()
        .expect("valid");
    let request = AuthorizeRequest::new(
        "member-app",
        url("https://app.example.net/callback?from=smart"),
        url("https://payer.example.com/fhir/r4"),
        &scopes,
        "st-81f2",
        &verifier,
    );
    let endpoint = url("https://auth.payer.example.com/authorize?tenant=east");
    let built = request.to_url(&endpoint);
    let pairs: Vec<(String, String)> = built.query_pairs().into_owned().collect();
    let challenge = verifier.challenge();
    let expected = [
        ("tenant", "east"),
        ("response_type", "code"),
        ("client_id", "member-app"),
        (
            "redirect_uri",
            "https://app.example.net/callback?from=smart",
        ),
        ("scope", "launch/patient openid fhirUser patient/*.rs"),
        ("state", "st-81f2"),
        ("aud", "https://payer.example.com/fhir/r4"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    assert_eq!(pairs, expected);
    assert_eq!(built.host_str(), Some("auth.payer.example.com"));

    let ehr = request.with_launch("lx-42").to_form_body();
    assert!(ehr.ends_with("&launch=lx-42"), "{ehr}");
    assert!(
        ehr.contains("scope=launch%2Fpatient+openid+fhirUser+patient%2F*.rs"),
        "{ehr}"
    );
}

#[test]
fn token_request_bodies() {
    let verifier = PkceVerifier::from_entropy(&[1; 32]);
    let public = ClientAuthentication::Public {
        client_id: "member-app".to_owned(),
    };
    let exchange =
        TokenRequest::authorization_code("code/1+2", "https://app.example.net/callback", &verifier);
    assert_eq!(
        exchange.form_body(&public),
        format!(
            "grant_type=authorization_code&code=code%2F1%2B2&redirect_uri=https%3A%2F%2Fapp.example.net%2Fcallback\
             &code_verifier={}&client_id=member-app",
            verifier.as_str()
        )
    );
    assert_eq!(public.authorization_header(), None);

    let confidential = ClientAuthentication::Basic {
        client_id: "s6BhdRkqt3".to_owned(),
        client_secret: "gX1fBat3bV".to_owned(),
    };
    assert_eq!(
        confidential.authorization_header().as_deref(),
        Some("Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW")
    );
    let narrower: ScopeSet = "patient/Coverage.rs".parse().expect("valid");
    let refresh = TokenRequest::refresh("rt-91ab", Some(&narrower));
    assert_eq!(
        refresh.form_body(&confidential),
        "grant_type=refresh_token&refresh_token=rt-91ab&scope=patient%2FCoverage.rs"
    );
}

#[test]
fn token_request_bodies_parse_on_server() {
    let verifier = PkceVerifier::from_entropy(&[3; 32]);
    let public = ClientAuthentication::Public {
        client_id: "member-app".to_owned(),
    };
    let exchange = TokenRequest::authorization_code("c-1", "https://app.example.net/cb", &verifier);
    let (parsed, client_id) =
        TokenRequest::from_form_body(&exchange.form_body(&public)).expect("valid body");
    assert_eq!(parsed, exchange);
    assert_eq!(client_id.as_deref(), Some("member-app"));

    let duplicate =
        TokenRequest::from_form_body("grant_type=refresh_token&refresh_token=a&refresh_token=b");
    assert_eq!(
        duplicate,
        Err(TokenRequestError::DuplicateParameter {
            name: "refresh_token".to_owned()
        })
    );
    let missing = TokenRequest::from_form_body("grant_type=authorization_code&code=c-1");
    assert_eq!(
        missing,
        Err(TokenRequestError::MissingParameter {
            name: "redirect_uri"
        })
    );
    let unsupported =
        TokenRequest::from_form_body("grant_type=password&username=x").expect_err("not supported");
    assert_eq!(unsupported.oauth_error(), "unsupported_grant_type");
}

#[test]
fn basic_credentials_are_form_encoded() {
    let client = ClientAuthentication::Basic {
        client_id: "app:1".to_owned(),
        client_secret: "p&ss w%rd".to_owned(),
    };
    let header = client.authorization_header().expect("Basic has a header");
    assert_eq!(
        ClientAuthentication::from_authorization_header(&header),
        Ok(client)
    );
    assert_eq!(
        ClientAuthentication::from_authorization_header("Bearer abc"),
        Err(TokenRequestError::InvalidClientAuthentication)
    );
    assert_eq!(
        ClientAuthentication::from_authorization_header("Basic !!!"),
        Err(TokenRequestError::InvalidClientAuthentication)
    );
}
