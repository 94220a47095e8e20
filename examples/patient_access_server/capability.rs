//! Discovery documents: the CapabilityStatement of `GET /metadata` and the
//! SMART configuration of `GET /.well-known/smart-configuration`.

use fhir_payer::r4::{CapabilityStatement, Resource, ResourceType};
use fhir_payer::search::registry::{self, SearchParamType};
use fhir_payer::smart::discovery::{OAuthUris, SmartConfiguration};
use serde_json::{Value, json};
use url::Url;

use crate::app::auth::{self, DEMO_GRANT_TYPE};

/// Builds the CapabilityStatement from the types the server serves and
/// the search parameters the library's registry defines for each, with the
/// SMART `oauth-uris` extension on `rest.security`.
///
/// # Errors
///
/// Returns a message when `base_url` is not an absolute URL or the
/// document fails to parse as an R4 CapabilityStatement.
pub fn capability_statement(base_url: &str) -> Result<Resource, String> {
    let mut types: Vec<ResourceType> = auth::DIRECTORY_TYPES
        .iter()
        .chain(auth::MEMBER_TYPES)
        .copied()
        .collect();
    types.sort_by_key(|resource_type| resource_type.as_str());

    let resources: Vec<Value> = types.iter().map(|t| resource_entry(*t)).collect();
    let document = json!({
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-01-01",
        "kind": "instance",
        "software": { "name": "fhir-payer patient_access_server example" },
        "implementation": {
            "description": "Demo Patient Access and Provider Directory API on IG example data",
            "url": base_url,
        },
        "fhirVersion": "4.0.1",
        "format": ["json"],
        "rest": [{
            "mode": "server",
            "documentation": "Provider directory types are public. Member data needs a \
                SMART access token with patient/ scopes; see /.well-known/smart-configuration.",
            "security": {
                "service": [{
                    "coding": [{
                        "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                        "code": "SMART-on-FHIR",
                    }],
                }],
            },
            "resource": resources,
        }],
    });
    let bytes = serde_json::to_vec(&document).map_err(|error| error.to_string())?;
    let resource = fhir_payer::json::from_slice(&bytes)
        .map_err(|error| format!("the CapabilityStatement is invalid: {error}"))?;
    let Resource::CapabilityStatement(mut statement) = resource else {
        return Err("the CapabilityStatement parsed as another resource type".to_owned());
    };
    add_oauth_uris(&mut statement, base_url)?;
    Ok(Resource::CapabilityStatement(statement))
}

fn add_oauth_uris(statement: &mut CapabilityStatement, base_url: &str) -> Result<(), String> {
    let token = Url::parse(&format!("{base_url}/token"))
        .map_err(|error| format!("invalid base URL `{base_url}`: {error}"))?;
    let extension = OAuthUris::new(token).to_extension();
    let rest = statement
        .rest
        .first_mut()
        .ok_or("the CapabilityStatement has no rest entry")?;
    rest.security
        .get_or_insert_with(Default::default)
        .extension
        .push(extension);
    Ok(())
}

/// Describes one served type: read and search, its search parameters, and
/// the `_include` and `_revinclude` values its reference parameters allow.
fn resource_entry(resource_type: ResourceType) -> Value {
    let name = resource_type.as_str();
    // One definition per code: the one a query on this type names, which
    // may come from an implementation guide.
    let params: Vec<_> = registry::search_parameters_for(name)
        .filter(|param| param.base.contains(&name))
        .collect();
    let search_params: Vec<Value> = params
        .iter()
        .map(|param| {
            json!({
                "name": param.code,
                "definition": param.url,
                "type": type_code(param.param_type),
            })
        })
        .collect();
    let includes: Vec<String> = params
        .iter()
        .filter(|param| param.param_type == SearchParamType::Reference)
        .map(|param| format!("{name}:{}", param.code))
        .collect();
    let documentation = if auth::is_public(resource_type) {
        "Provider directory data, readable without a token."
    } else {
        "Member data: needs a token whose patient/ scopes grant this type."
    };
    let mut entry = json!({
        "type": name,
        "documentation": documentation,
        "interaction": [{ "code": "read" }, { "code": "search-type" }],
    });
    // FHIR JSON leaves out an element without items: no empty arrays.
    if !includes.is_empty() {
        entry["searchInclude"] = json!(includes);
    }
    if !search_params.is_empty() {
        entry["searchParam"] = json!(search_params);
    }
    entry
}

fn type_code(param_type: SearchParamType) -> &'static str {
    match param_type {
        SearchParamType::Number => "number",
        SearchParamType::Date => "date",
        SearchParamType::String => "string",
        SearchParamType::Token => "token",
        SearchParamType::Reference => "reference",
        SearchParamType::Composite => "composite",
        SearchParamType::Quantity => "quantity",
        SearchParamType::Uri => "uri",
        _ => "special",
    }
}

/// Builds the `.well-known/smart-configuration` document. It lists only
/// the token endpoint, because the demo has no authorization endpoint.
pub fn smart_configuration(base_url: &str) -> SmartConfiguration {
    SmartConfiguration {
        token_endpoint: format!("{base_url}/token"),
        grant_types_supported: vec![DEMO_GRANT_TYPE.to_owned()],
        token_endpoint_auth_methods_supported: vec!["none".to_owned()],
        scopes_supported: vec![
            "patient/*.rs".to_owned(),
            "patient/ExplanationOfBenefit.rs".to_owned(),
            "patient/Coverage.rs".to_owned(),
            "patient/Patient.rs".to_owned(),
        ],
        capabilities: vec![
            "permission-patient".to_owned(),
            "permission-v1".to_owned(),
            "permission-v2".to_owned(),
        ],
        code_challenge_methods_supported: vec!["S256".to_owned()],
        ..SmartConfiguration::default()
    }
}
