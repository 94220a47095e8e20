//! Discovery of a server's SMART endpoints: the
//! `.well-known/smart-configuration` document and the older `oauth-uris`
//! extension of the CapabilityStatement.

use serde::{Deserialize, Serialize};
use url::Url;

use crate::primitives::{Primitive, Uri};
use crate::r4::{CapabilityStatement, Extension, ExtensionValue};

/// The canonical URL of the CapabilityStatement extension that lists the
/// OAuth endpoints (SMART App Launch 1.0, still accepted by 2.x clients).
pub const OAUTH_URIS_URL: &str =
    "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";

/// The path, relative to the FHIR base URL, of the SMART configuration
/// document.
pub const SMART_CONFIGURATION_PATH: &str = ".well-known/smart-configuration";

/// Discovery data that is missing or malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DiscoveryError {
    /// A required field or sub-extension is absent.
    #[error("missing `{field}`; the SMART App Launch specification requires it")]
    Missing {
        /// The field or sub-extension name.
        field: &'static str,
    },
    /// A field that must be an absolute URL is not one.
    #[error("`{field}` is `{value}`, which is not an absolute URL: {reason}")]
    InvalidUrl {
        /// The field or sub-extension name.
        field: String,
        /// The value as given.
        value: String,
        /// The URL parser's error message.
        reason: String,
    },
    /// An `oauth-uris` sub-extension whose value is not a `valueUri`.
    #[error(
        "`{field}` in the oauth-uris extension has no valueUri; expected a valueUri with an absolute URL"
    )]
    NotAUri {
        /// The sub-extension url.
        field: String,
    },
    /// PKCE is advertised without the S256 method, or with `plain`.
    #[error(
        "code_challenge_methods_supported is {found:?}; SMART requires `S256` and forbids `plain`"
    )]
    CodeChallengeMethods {
        /// The advertised methods.
        found: Vec<String>,
    },
}

/// An endpoint that shares the server's authorization (`associated_endpoints`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssociatedEndpoint {
    /// The endpoint's base URL.
    pub url: String,
    /// The SMART capabilities it supports.
    pub capabilities: Vec<String>,
}

/// The `.well-known/smart-configuration` document (SMART App Launch 2.x).
///
/// Fields this type does not name are kept in `extra` and written back.
/// Deserialization accepts any field values; call
/// [`validate`](Self::validate) to check the requirements.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SmartConfiguration {
    /// The OpenID Connect issuer; required with `sso-openid-connect`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// The URL of the server's JSON Web Key Set; required with
    /// `sso-openid-connect`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwks_uri: Option<String>,
    /// The OAuth authorization endpoint; required with `launch-ehr` or
    /// `launch-standalone`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_endpoint: Option<String>,
    /// The grant types supported (`authorization_code`,
    /// `client_credentials`, ...).
    #[serde(default)]
    pub grant_types_supported: Vec<String>,
    /// The OAuth token endpoint.
    #[serde(default)]
    pub token_endpoint: String,
    /// The client authentication methods supported at the token endpoint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub token_endpoint_auth_methods_supported: Vec<String>,
    /// The dynamic client registration endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_endpoint: Option<String>,
    /// The SMART App State endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smart_app_state_endpoint: Option<String>,
    /// The URL of the user-access brand Bundle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_access_brand_bundle: Option<String>,
    /// The identifier of the server's primary brand in that Bundle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_access_brand_identifier: Option<String>,
    /// Scopes the server supports; need not list every scope.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes_supported: Vec<String>,
    /// OAuth response types supported (`code`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub response_types_supported: Vec<String>,
    /// The page where a user manages the apps they authorized.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub management_endpoint: Option<String>,
    /// The token introspection endpoint (RFC 7662).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introspection_endpoint: Option<String>,
    /// The token revocation endpoint (RFC 7009).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_endpoint: Option<String>,
    /// SMART capabilities (`launch-standalone`, `permission-v2`, ...).
    #[serde(default)]
    pub capabilities: Vec<String>,
    /// PKCE methods supported; SMART 2 requires `S256`.
    #[serde(default)]
    pub code_challenge_methods_supported: Vec<String>,
    /// Other endpoints that accept the server's tokens.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub associated_endpoints: Vec<AssociatedEndpoint>,
    /// Fields not named above.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl SmartConfiguration {
    /// Returns whether the server lists the capability `name`.
    pub fn has_capability(&self, name: &str) -> bool {
        self.capabilities
            .iter()
            .any(|capability| capability == name)
    }

    /// Checks the requirements of SMART App Launch 2.x: `token_endpoint`
    /// is present, `authorization_endpoint` is present when a launch
    /// capability is listed, `issuer` and `jwks_uri` are present with
    /// `sso-openid-connect`, every endpoint is an absolute URL, and
    /// `code_challenge_methods_supported` contains `S256` and not `plain`.
    ///
    /// # Errors
    ///
    /// Returns the first [`DiscoveryError`] found, in field order.
    pub fn validate(&self) -> Result<(), DiscoveryError> {
        if self.token_endpoint.is_empty() {
            return Err(DiscoveryError::Missing {
                field: "token_endpoint",
            });
        }
        let launches =
            self.has_capability("launch-ehr") || self.has_capability("launch-standalone");
        if launches && self.authorization_endpoint.is_none() {
            return Err(DiscoveryError::Missing {
                field: "authorization_endpoint",
            });
        }
        if self.has_capability("sso-openid-connect") {
            if self.issuer.is_none() {
                return Err(DiscoveryError::Missing { field: "issuer" });
            }
            if self.jwks_uri.is_none() {
                return Err(DiscoveryError::Missing { field: "jwks_uri" });
            }
        }
        if self.capabilities.is_empty() {
            return Err(DiscoveryError::Missing {
                field: "capabilities",
            });
        }
        let urls = [
            ("issuer", self.issuer.as_deref()),
            ("jwks_uri", self.jwks_uri.as_deref()),
            (
                "authorization_endpoint",
                self.authorization_endpoint.as_deref(),
            ),
            ("token_endpoint", Some(self.token_endpoint.as_str())),
            (
                "registration_endpoint",
                self.registration_endpoint.as_deref(),
            ),
            (
                "smart_app_state_endpoint",
                self.smart_app_state_endpoint.as_deref(),
            ),
            ("management_endpoint", self.management_endpoint.as_deref()),
            (
                "introspection_endpoint",
                self.introspection_endpoint.as_deref(),
            ),
            ("revocation_endpoint", self.revocation_endpoint.as_deref()),
        ];
        for (field, value) in urls {
            if let Some(value) = value {
                parse_url(field, value)?;
            }
        }
        let methods = &self.code_challenge_methods_supported;
        if !methods.iter().any(|m| m == "S256") || methods.iter().any(|m| m == "plain") {
            return Err(DiscoveryError::CodeChallengeMethods {
                found: methods.clone(),
            });
        }
        Ok(())
    }
}

/// The sub-extension urls of the `oauth-uris` extension.
const SUB_EXTENSIONS: [&str; 6] = [
    "token",
    "authorize",
    "register",
    "manage",
    "introspect",
    "revoke",
];

/// The endpoints listed by the `oauth-uris` CapabilityStatement extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthUris {
    /// The token endpoint (`token`), which the extension requires.
    pub token: Url,
    /// The authorization endpoint (`authorize`).
    pub authorize: Option<Url>,
    /// The dynamic registration endpoint (`register`).
    pub register: Option<Url>,
    /// The app management page (`manage`).
    pub manage: Option<Url>,
    /// The token introspection endpoint (`introspect`).
    pub introspect: Option<Url>,
    /// The token revocation endpoint (`revoke`).
    pub revoke: Option<Url>,
}

impl OAuthUris {
    /// Endpoints with only a token URL.
    pub fn new(token: Url) -> Self {
        OAuthUris {
            token,
            authorize: None,
            register: None,
            manage: None,
            introspect: None,
            revoke: None,
        }
    }

    /// Returns the endpoints in the order of [`SUB_EXTENSIONS`].
    fn urls(&self) -> [Option<&Url>; 6] {
        [
            Some(&self.token),
            self.authorize.as_ref(),
            self.register.as_ref(),
            self.manage.as_ref(),
            self.introspect.as_ref(),
            self.revoke.as_ref(),
        ]
    }

    /// Builds the extension, with one `valueUri` sub-extension per
    /// endpoint, to put in `CapabilityStatement.rest.security.extension`.
    pub fn to_extension(&self) -> Extension {
        let extension = SUB_EXTENSIONS
            .into_iter()
            .zip(self.urls())
            .filter_map(|(name, url)| Some(uri_extension(name, url?.as_str())))
            .collect();
        Extension {
            url: uri(OAUTH_URIS_URL),
            extension,
            ..Extension::default()
        }
    }

    /// Reads the endpoints from an `oauth-uris` extension. Sub-extensions
    /// with other urls are ignored.
    ///
    /// # Errors
    ///
    /// Returns [`DiscoveryError::Missing`] when `extension` is not the
    /// oauth-uris extension or has no `token`, [`DiscoveryError::NotAUri`]
    /// for a sub-extension without a `valueUri`, and
    /// [`DiscoveryError::InvalidUrl`] for a value that is not an absolute
    /// URL.
    pub fn from_extension(extension: &Extension) -> Result<Self, DiscoveryError> {
        if extension.url.as_ref().map(Uri::as_str) != Some(OAUTH_URIS_URL) {
            return Err(DiscoveryError::Missing {
                field: "oauth-uris extension",
            });
        }
        let mut urls: [Option<Url>; 6] = Default::default();
        for sub in &extension.extension {
            let Some(name) = sub.url.as_ref().map(Uri::as_str) else {
                continue;
            };
            let Some(index) = SUB_EXTENSIONS.iter().position(|known| *known == name) else {
                continue;
            };
            let value = match &sub.value {
                Some(ExtensionValue::Uri(value)) => value.value().map(Uri::as_str),
                _ => None,
            };
            let value = value.ok_or_else(|| DiscoveryError::NotAUri {
                field: name.to_owned(),
            })?;
            urls[index] = Some(parse_url(name, value)?);
        }
        let [token, authorize, register, manage, introspect, revoke] = urls;
        let token = token.ok_or(DiscoveryError::Missing { field: "token" })?;
        Ok(OAuthUris {
            token,
            authorize,
            register,
            manage,
            introspect,
            revoke,
        })
    }

    /// Finds and reads the `oauth-uris` extension in the `security` of any
    /// `rest` entry of `statement`. Returns `Ok(None)` when there is none.
    ///
    /// # Errors
    ///
    /// Returns the error of [`from_extension`](Self::from_extension) for a
    /// malformed extension.
    pub fn from_capability_statement(
        statement: &CapabilityStatement,
    ) -> Result<Option<Self>, DiscoveryError> {
        let found = statement
            .rest
            .iter()
            .filter_map(|rest| rest.security.as_ref())
            .flat_map(|security| &security.extension)
            .find(|extension| extension.url.as_ref().map(Uri::as_str) == Some(OAUTH_URIS_URL));
        found.map(OAuthUris::from_extension).transpose()
    }
}

fn uri(text: &str) -> Option<Uri> {
    text.parse().ok()
}

fn uri_extension(name: &str, value: &str) -> Extension {
    Extension {
        url: uri(name),
        value: uri(value).map(|value| ExtensionValue::Uri(Primitive::new(value))),
        ..Extension::default()
    }
}

fn parse_url(field: &str, value: &str) -> Result<Url, DiscoveryError> {
    Url::parse(value).map_err(|error| invalid(field, value, &error))
}

fn invalid(field: &str, value: &str, error: &url::ParseError) -> DiscoveryError {
    DiscoveryError::InvalidUrl {
        field: field.to_owned(),
        value: value.to_owned(),
        reason: error.to_string(),
    }
}
