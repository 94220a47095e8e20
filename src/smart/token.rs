//! The OAuth token endpoint: request form bodies for the
//! authorization-code and refresh grants, client authentication, and the
//! SMART token response.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use url::form_urlencoded;

use crate::smart::authorize::PkceVerifier;
use crate::smart::error::ScopeError;
use crate::smart::request::LaunchContext;
use crate::smart::scope::ParseMode;
use crate::smart::scope_set::{ParsedScopes, ScopeSet};

/// A successful token response (RFC 6749 section 5.1 with the SMART
/// launch context parameters).
///
/// Fields this type does not name are kept in `extra` and written back.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TokenResponse {
    /// The access token.
    pub access_token: String,
    /// The token type; SMART servers return `Bearer` (compare with
    /// [`is_bearer`](Self::is_bearer), which ignores case).
    pub token_type: String,
    /// The lifetime of the access token in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u64>,
    /// The granted scopes, space-separated; empty when nothing was granted.
    #[serde(default)]
    pub scope: String,
    /// The id of the patient in context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient: Option<String>,
    /// The id of the encounter in context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encounter: Option<String>,
    /// Other resources in context.
    #[serde(rename = "fhirContext", default, skip_serializing_if = "Vec::is_empty")]
    pub fhir_context: Vec<FhirContextItem>,
    /// Whether the app must show a patient banner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub need_patient_banner: Option<bool>,
    /// The URL of the EHR's style sheet for apps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smart_style_url: Option<String>,
    /// The launch intent agreed between the EHR and the app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<String>,
    /// An opaque identifier of the launching organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    /// The OpenID Connect ID token, when `openid` was granted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    /// The refresh token, when `offline_access` or `online_access` was
    /// granted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Fields not named above.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl TokenResponse {
    /// Creates a `Bearer` response for `access_token` with the granted `scope`
    /// (format it with [`ScopeSet::to_response_string`]).
    pub fn bearer(access_token: &str, scope: &str) -> Self {
        TokenResponse {
            access_token: access_token.to_owned(),
            token_type: "Bearer".to_owned(),
            scope: scope.to_owned(),
            ..TokenResponse::default()
        }
    }

    /// Returns whether `token_type` is `Bearer`, in any letter case (RFC 6749
    /// section 5.1).
    pub fn is_bearer(&self) -> bool {
        self.token_type.eq_ignore_ascii_case("Bearer")
    }

    /// Parses the granted scopes.
    ///
    /// # Errors
    ///
    /// Returns the [`ScopeError`] of [`ScopeSet::parse`].
    pub fn scopes(&self, mode: ParseMode) -> Result<ParsedScopes, ScopeError> {
        ScopeSet::parse(&self.scope, mode)
    }

    /// Returns the patient, encounter and user in context. The user comes from the
    /// ID token's `fhirUser` claim, which this type does not decode, so it
    /// is left empty.
    pub fn launch_context(&self) -> LaunchContext {
        let mut context = LaunchContext::new();
        if let Some(patient) = &self.patient {
            context = context.with_patient(patient);
        }
        if let Some(encounter) = &self.encounter {
            context = context.with_encounter(encounter);
        }
        context
    }
}

/// One resource in the `fhirContext` of a token response.
///
/// SMART 2.0 wrote each item as a reference string; SMART 2.1 and later
/// write an object. Both forms are read, and the object form is written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "FhirContextRepr")]
pub struct FhirContextItem {
    /// A relative reference (`Questionnaire/123`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// A canonical URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canonical: Option<String>,
    /// A FHIR Identifier, as JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<serde_json::Value>,
    /// The resource type, when `reference` does not show it.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// The role of the resource in the launch, as a URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum FhirContextRepr {
    Reference(String),
    Object {
        #[serde(default)]
        reference: Option<String>,
        #[serde(default)]
        canonical: Option<String>,
        #[serde(default)]
        identifier: Option<serde_json::Value>,
        #[serde(rename = "type", default)]
        resource_type: Option<String>,
        #[serde(default)]
        role: Option<String>,
    },
}

impl From<FhirContextRepr> for FhirContextItem {
    fn from(repr: FhirContextRepr) -> Self {
        match repr {
            FhirContextRepr::Reference(reference) => FhirContextItem {
                reference: Some(reference),
                ..FhirContextItem::default()
            },
            FhirContextRepr::Object {
                reference,
                canonical,
                identifier,
                resource_type,
                role,
            } => FhirContextItem {
                reference,
                canonical,
                identifier,
                resource_type,
                role,
            },
        }
    }
}

/// The client authentication method at the token endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientAuthentication {
    /// A public client: `client_id` goes in the form body, and PKCE
    /// protects the authorization code.
    Public {
        /// The client id.
        client_id: String,
    },
    /// A confidential client with a shared secret, sent in an HTTP Basic
    /// `Authorization` header (RFC 6749 section 2.3.1).
    Basic {
        /// The client id.
        client_id: String,
        /// The client secret.
        client_secret: String,
    },
}

impl ClientAuthentication {
    /// Builds the value of the `Authorization` header, for [`Basic`](Self::Basic):
    /// `Basic ` and the base64 of the form-encoded id, `:` and the
    /// form-encoded secret.
    pub fn authorization_header(&self) -> Option<String> {
        match self {
            ClientAuthentication::Public { .. } => None,
            ClientAuthentication::Basic {
                client_id,
                client_secret,
            } => {
                let credentials =
                    format!("{}:{}", form_encode(client_id), form_encode(client_secret));
                Some(format!("Basic {}", STANDARD.encode(credentials)))
            }
        }
    }

    /// Reads the client id and secret from an `Authorization: Basic`
    /// header value.
    ///
    /// # Errors
    ///
    /// Returns [`TokenRequestError::InvalidClientAuthentication`] when the
    /// value is not `Basic` with base64 of `id:secret`.
    pub fn from_authorization_header(value: &str) -> Result<Self, TokenRequestError> {
        let invalid = || TokenRequestError::InvalidClientAuthentication;
        let (scheme, encoded) = value.trim().split_once(' ').ok_or_else(invalid)?;
        if !scheme.eq_ignore_ascii_case("Basic") {
            return Err(invalid());
        }
        let decoded = STANDARD.decode(encoded.trim()).map_err(|_| invalid())?;
        let decoded = String::from_utf8(decoded).map_err(|_| invalid())?;
        let (id, secret) = decoded.split_once(':').ok_or_else(invalid)?;
        Ok(ClientAuthentication::Basic {
            client_id: form_decode(id),
            client_secret: form_decode(secret),
        })
    }

    /// Returns the client id.
    pub fn client_id(&self) -> &str {
        match self {
            ClientAuthentication::Public { client_id }
            | ClientAuthentication::Basic { client_id, .. } => client_id,
        }
    }
}

/// A token request for one of the grants an app uses.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenRequest {
    /// `grant_type=authorization_code`: exchange the code from the redirect.
    AuthorizationCode {
        /// The authorization code.
        code: String,
        /// The `redirect_uri` sent in the authorization request.
        redirect_uri: String,
        /// The PKCE verifier whose challenge went in the authorization
        /// request.
        code_verifier: Option<String>,
    },
    /// `grant_type=refresh_token`: get a new access token.
    RefreshToken {
        /// The refresh token.
        refresh_token: String,
        /// A narrower scope, or `None` to keep the granted scope.
        scope: Option<String>,
    },
}

impl TokenRequest {
    /// Creates an authorization-code request with the PKCE `verifier`.
    pub fn authorization_code(code: &str, redirect_uri: &str, verifier: &PkceVerifier) -> Self {
        TokenRequest::AuthorizationCode {
            code: code.to_owned(),
            redirect_uri: redirect_uri.to_owned(),
            code_verifier: Some(verifier.as_str().to_owned()),
        }
    }

    /// Creates a refresh request, optionally narrowing the scope to `scope`.
    pub fn refresh(refresh_token: &str, scope: Option<&ScopeSet>) -> Self {
        TokenRequest::RefreshToken {
            refresh_token: refresh_token.to_owned(),
            scope: scope.map(ToString::to_string),
        }
    }

    /// Builds the `application/x-www-form-urlencoded` body. A public client's id
    /// goes in the body; a Basic client's goes in the header (see
    /// [`ClientAuthentication::authorization_header`]).
    pub fn form_body(&self, client: &ClientAuthentication) -> String {
        let mut form = form_urlencoded::Serializer::new(String::new());
        match self {
            TokenRequest::AuthorizationCode {
                code,
                redirect_uri,
                code_verifier,
            } => {
                form.append_pair("grant_type", "authorization_code");
                form.append_pair("code", code);
                form.append_pair("redirect_uri", redirect_uri);
                if let Some(verifier) = code_verifier {
                    form.append_pair("code_verifier", verifier);
                }
            }
            TokenRequest::RefreshToken {
                refresh_token,
                scope,
            } => {
                form.append_pair("grant_type", "refresh_token");
                form.append_pair("refresh_token", refresh_token);
                if let Some(scope) = scope {
                    form.append_pair("scope", scope);
                }
            }
        }
        if let ClientAuthentication::Public { client_id } = client {
            form.append_pair("client_id", client_id);
        }
        form.finish()
    }

    /// Reads a token request form body on the server. Returns the request
    /// and the `client_id` parameter, if the body has one.
    ///
    /// # Errors
    ///
    /// Returns [`TokenRequestError::DuplicateParameter`] for a parameter
    /// given twice (RFC 6749 section 3.2),
    /// [`TokenRequestError::MissingParameter`] for a missing required one,
    /// and [`TokenRequestError::UnsupportedGrantType`] for a grant other than
    /// `authorization_code` and `refresh_token`.
    pub fn from_form_body(body: &str) -> Result<(TokenRequest, Option<String>), TokenRequestError> {
        let mut params: Vec<(String, String)> = Vec::new();
        for (name, value) in form_urlencoded::parse(body.as_bytes()) {
            if params.iter().any(|(seen, _)| *seen == name) {
                return Err(TokenRequestError::DuplicateParameter {
                    name: name.into_owned(),
                });
            }
            params.push((name.into_owned(), value.into_owned()));
        }
        let take = |name: &str| {
            params
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        let require = |name: &'static str| {
            take(name)
                .filter(|v| !v.is_empty())
                .ok_or(TokenRequestError::MissingParameter { name })
        };

        let grant_type = require("grant_type")?;
        let request = match grant_type.as_str() {
            "authorization_code" => TokenRequest::AuthorizationCode {
                code: require("code")?,
                redirect_uri: require("redirect_uri")?,
                code_verifier: take("code_verifier"),
            },
            "refresh_token" => TokenRequest::RefreshToken {
                refresh_token: require("refresh_token")?,
                scope: take("scope"),
            },
            _ => return Err(TokenRequestError::UnsupportedGrantType { found: grant_type }),
        };
        Ok((request, take("client_id")))
    }
}

/// A token request that the server must reject.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenRequestError {
    /// A required parameter is missing or empty.
    #[error("missing form parameter `{name}`")]
    MissingParameter {
        /// The parameter.
        name: &'static str,
    },
    /// A parameter appears more than once.
    #[error("form parameter `{name}` appears more than once; send each parameter once")]
    DuplicateParameter {
        /// The parameter.
        name: String,
    },
    /// A grant type other than `authorization_code` and `refresh_token`.
    #[error("unsupported grant_type `{found}`; expected `authorization_code` or `refresh_token`")]
    UnsupportedGrantType {
        /// The grant type as sent.
        found: String,
    },
    /// The `Authorization` header is not valid HTTP Basic client
    /// credentials.
    #[error(
        "invalid Authorization header; expected `Basic` and base64 of `client_id:client_secret`"
    )]
    InvalidClientAuthentication,
}

impl TokenRequestError {
    /// Returns the OAuth error code for the response (RFC 6749 section 5.2).
    pub fn oauth_error(&self) -> &'static str {
        match self {
            TokenRequestError::UnsupportedGrantType { .. } => "unsupported_grant_type",
            TokenRequestError::InvalidClientAuthentication => "invalid_client",
            TokenRequestError::MissingParameter { .. }
            | TokenRequestError::DuplicateParameter { .. } => "invalid_request",
        }
    }
}

fn form_encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Reverses [`form_encode`]: `+` becomes a space and `%XX` the byte it
/// encodes. Malformed escapes are kept as written.
fn form_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escaped = match bytes[index] {
            b'%' => bytes
                .get(index + 1..index + 3)
                .filter(|hex| hex.iter().all(u8::is_ascii_hexdigit))
                .and_then(|hex| std::str::from_utf8(hex).ok())
                .and_then(|hex| u8::from_str_radix(hex, 16).ok()),
            _ => None,
        };
        match (bytes[index], escaped) {
            (_, Some(byte)) => {
                decoded.push(byte);
                index += 3;
            }
            (b'+', None) => {
                decoded.push(b' ');
                index += 1;
            }
            (byte, None) => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}
