//! Access policy: which types are public, the demo token registry, and the
//! SMART decisions of `fhir_payer::smart` for member data.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use fhir_payer::r4::{Resource, ResourceType};
use fhir_payer::smart::{
    Authorizer, Decision, LaunchContext, ParseMode, Request, ResourceAccess, Scope, ScopeContext,
    ScopeSet,
};

use crate::app::outcome::ApiError;

/// The Plan Net provider directory types, served without a token as the
/// CMS Provider Directory API requires.
pub const DIRECTORY_TYPES: &[ResourceType] = &[
    ResourceType::Endpoint,
    ResourceType::HealthcareService,
    ResourceType::InsurancePlan,
    ResourceType::Location,
    ResourceType::Organization,
    ResourceType::OrganizationAffiliation,
    ResourceType::Practitioner,
    ResourceType::PractitionerRole,
];

/// The member data types of the Patient Access API: CARIN BB and the US
/// Core 6.1.0 clinical types that are members of the patient compartment.
/// Each needs a token whose SMART scopes grant it.
// NOTE: Medication and other US Core types outside the patient compartment
// are not served, because `patient/` scopes can never grant them.
pub const MEMBER_TYPES: &[ResourceType] = &[
    ResourceType::AllergyIntolerance,
    ResourceType::CarePlan,
    ResourceType::CareTeam,
    ResourceType::Condition,
    ResourceType::Coverage,
    ResourceType::Device,
    ResourceType::DiagnosticReport,
    ResourceType::DocumentReference,
    ResourceType::Encounter,
    ResourceType::ExplanationOfBenefit,
    ResourceType::Goal,
    ResourceType::Immunization,
    ResourceType::MedicationDispense,
    ResourceType::MedicationRequest,
    ResourceType::Observation,
    ResourceType::Patient,
    ResourceType::Procedure,
    ResourceType::Provenance,
    ResourceType::QuestionnaireResponse,
    ResourceType::RelatedPerson,
    ResourceType::ServiceRequest,
    ResourceType::Specimen,
];

/// The grant type of the demo token endpoint. RFC 6749 section 4.5 lets a
/// server define extension grants named by an absolute URI.
pub const DEMO_GRANT_TYPE: &str = "urn:fhir-payer:params:oauth:grant-type:demo-member";

/// Returns whether the server serves `resource_type` at all.
pub fn is_served(resource_type: ResourceType) -> bool {
    DIRECTORY_TYPES.contains(&resource_type) || MEMBER_TYPES.contains(&resource_type)
}

/// Returns whether `resource_type` is public provider directory data.
pub fn is_public(resource_type: ResourceType) -> bool {
    DIRECTORY_TYPES.contains(&resource_type)
}

/// The access that one demo token grants.
#[derive(Debug)]
pub struct Grant {
    /// The SMART decisions for the granted scopes and the member in context.
    pub authorizer: Authorizer,
}

/// The caller of one request.
#[derive(Debug, Clone)]
pub enum Caller {
    /// No `Authorization` header.
    Anonymous,
    /// A valid bearer token.
    Member(Arc<Grant>),
}

/// The opaque access tokens issued by the demo token endpoint. Tokens live
/// until the process ends.
#[derive(Debug, Default)]
pub struct TokenRegistry {
    tokens: RwLock<HashMap<String, Arc<Grant>>>,
}

impl TokenRegistry {
    /// Issues a token for `patient` with the requested scope string, and
    /// returns the token and the granted scope string.
    ///
    /// # Errors
    ///
    /// Returns an OAuth error code and description: `invalid_scope` for a
    /// malformed scope string or a `user/` or `system/` scope, which this
    /// demo never grants.
    pub fn issue(&self, patient: &str, requested: &str) -> Result<(String, String), OAuthError> {
        let parsed = ScopeSet::parse(requested, ParseMode::Strict).map_err(|error| OAuthError {
            error: "invalid_scope",
            description: format!("invalid scope `{requested}`: {error}"),
        })?;
        let scopes = parsed.scopes;
        let broad = scopes.iter().find(|scope| {
            matches!(scope, Scope::Resource(resource) if resource.context() != ScopeContext::Patient)
        });
        if let Some(broad) = broad {
            return Err(OAuthError {
                error: "invalid_scope",
                description: format!(
                    "scope `{broad}` is not granted: this server grants a member only patient/ scopes"
                ),
            });
        }

        let granted = scopes.to_response_string(&scopes);
        let token = random_token().map_err(|error| OAuthError {
            error: "server_error",
            description: format!("failed to generate a token: {error}"),
        })?;
        let context = LaunchContext::new().with_patient(patient);
        let grant = Arc::new(Grant {
            authorizer: Authorizer::new(scopes, context),
        });
        self.tokens
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(token.clone(), grant);
        Ok((token, granted))
    }

    /// Identifies the caller from the `Authorization` header value.
    ///
    /// # Errors
    ///
    /// Returns 401 for a header that is not `Bearer <token>` or a token
    /// this server did not issue.
    pub fn caller(&self, authorization: Option<&str>) -> Result<Caller, ApiError> {
        let Some(header) = authorization else {
            return Ok(Caller::Anonymous);
        };
        let token = header
            .split_once(' ')
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("Bearer"))
            .map(|(_, token)| token.trim())
            .ok_or_else(|| {
                ApiError::unauthorized("invalid Authorization header: expected `Bearer <token>`")
            })?;
        let tokens = self
            .tokens
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match tokens.get(token) {
            Some(grant) => Ok(Caller::Member(Arc::clone(grant))),
            None => Err(ApiError::unauthorized(
                "invalid access token: it was not issued by this server; request one at /token",
            )),
        }
    }
}

/// An OAuth error response (RFC 6749 section 5.2).
#[derive(Debug, Clone)]
pub struct OAuthError {
    /// The error code (`invalid_scope`).
    pub error: &'static str,
    /// A readable description.
    pub description: String,
}

/// Decides a request on `resource_type` before it runs. Directory types are
/// allowed for everyone. Member types need a token (401 without one) whose
/// scopes the library's [`Authorizer`] accepts (403 otherwise).
pub fn authorize_request(
    caller: &Caller,
    resource_type: ResourceType,
    request: &Request,
) -> Result<(), ApiError> {
    if is_public(resource_type) {
        return Ok(());
    }
    let Caller::Member(grant) = caller else {
        return Err(ApiError::unauthorized(&format!(
            "{resource_type} is member data: send an access token from /token in the \
             Authorization header"
        )));
    };
    match grant.authorizer.authorize(request) {
        Decision::Deny { reason } => Err(ApiError::forbidden(&reason.to_string())),
        _ => Ok(()),
    }
}

/// Returns whether `resource` may be returned to the caller as `access`.
/// Directory resources always may. Member resources need the library's
/// [`Authorizer::authorize_resource`] to allow them, which applies the
/// member's patient compartment, scope restrictions and security labels.
pub fn allows_resource(caller: &Caller, resource: &Resource, access: ResourceAccess) -> bool {
    if is_public(resource.resource_type()) {
        return true;
    }
    match caller {
        Caller::Anonymous => false,
        Caller::Member(grant) => grant
            .authorizer
            .authorize_resource(resource, access)
            .is_allowed(),
    }
}

/// Returns 32 random bytes as hex, from the operating system's generator.
fn random_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
}
