//! The authorization request an app sends the user to, with PKCE
//! (RFC 7636, `S256` method, which SMART 2 requires of every app).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use url::{Url, form_urlencoded};

use crate::smart::scope_set::ScopeSet;

/// The number of random bytes in a generated verifier; 32 bytes encode to
/// 43 base64url characters, the minimum length RFC 7636 allows, with 256
/// bits of entropy.
const VERIFIER_ENTROPY_BYTES: usize = 32;

/// The number of random bytes in a generated `state` (128 bits).
const STATE_ENTROPY_BYTES: usize = 16;

/// A failure to read random bytes from the operating system.
#[derive(Debug, Clone, thiserror::Error)]
#[error("failed to read random bytes from the operating system: {0}")]
pub struct RandomError(getrandom::Error);

/// A `code_verifier` that RFC 7636 section 4.1 does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PkceError {
    /// Fewer than 43 or more than 128 characters.
    #[error("code_verifier is {length} characters long; expected 43 to 128")]
    Length {
        /// The length found.
        length: usize,
    },
    /// A character outside `A-Z a-z 0-9 - . _ ~`.
    #[error(
        "code_verifier contains {character:?}; expected only A-Z, a-z, 0-9, `-`, `.`, `_` and `~`"
    )]
    Character {
        /// The first offending character.
        character: char,
    },
}

/// A PKCE `code_verifier`, which the app keeps until the token request.
#[derive(Clone, PartialEq, Eq)]
pub struct PkceVerifier(String);

impl std::fmt::Debug for PkceVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The verifier is a secret until the token request.
        f.write_str("PkceVerifier(..)")
    }
}

impl PkceVerifier {
    /// Generates a verifier from 32 random bytes of the operating system.
    ///
    /// # Errors
    ///
    /// Returns [`RandomError`] when the operating system has no random
    /// source available.
    pub fn generate() -> Result<Self, RandomError> {
        let mut entropy = [0; VERIFIER_ENTROPY_BYTES];
        getrandom::fill(&mut entropy).map_err(RandomError)?;
        Ok(PkceVerifier::from_entropy(&entropy))
    }

    /// Builds a verifier from 32 bytes of the caller's own random source,
    /// which must be cryptographically secure.
    pub fn from_entropy(entropy: &[u8; VERIFIER_ENTROPY_BYTES]) -> Self {
        PkceVerifier(URL_SAFE_NO_PAD.encode(entropy))
    }

    /// Checks a verifier received or stored as text.
    ///
    /// # Errors
    ///
    /// Returns a [`PkceError`] when `text` is not 43 to 128 unreserved
    /// characters.
    pub fn new(text: &str) -> Result<Self, PkceError> {
        if let Some(character) = text.chars().find(|c| !is_unreserved(*c)) {
            return Err(PkceError::Character { character });
        }
        if !(43..=128).contains(&text.len()) {
            return Err(PkceError::Length { length: text.len() });
        }
        Ok(PkceVerifier(text.to_owned()))
    }

    /// Returns the verifier text, sent as `code_verifier` in the token request.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Returns the `S256` challenge: base64url without padding of the SHA-256 of
    /// the verifier.
    pub fn challenge(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.0.as_bytes()))
    }

    /// Returns whether `challenge` is the `S256` challenge of this verifier, as the
    /// server checks at the token endpoint.
    pub fn matches(&self, challenge: &str) -> bool {
        self.challenge() == challenge
    }
}

fn is_unreserved(character: char) -> bool {
    character.is_ascii_alphanumeric() || matches!(character, '-' | '.' | '_' | '~')
}

/// Generates a `state` value from 16 random bytes of the operating system,
/// as 22 base64url characters.
///
/// # Errors
///
/// Returns [`RandomError`] when the operating system has no random source
/// available.
pub fn generate_state() -> Result<String, RandomError> {
    let mut entropy = [0; STATE_ENTROPY_BYTES];
    getrandom::fill(&mut entropy).map_err(RandomError)?;
    Ok(URL_SAFE_NO_PAD.encode(entropy))
}

/// An authorization request (`response_type=code`) for the SMART
/// standalone or EHR launch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizeRequest {
    client_id: String,
    redirect_uri: Url,
    scope: String,
    state: String,
    aud: Url,
    code_challenge: String,
    launch: Option<String>,
}

impl AuthorizeRequest {
    /// Creates a request for `scopes` on the FHIR server `aud`, with the app's
    /// `state` (to check on the redirect) and the challenge of `verifier`.
    pub fn new(
        client_id: &str,
        redirect_uri: Url,
        aud: Url,
        scopes: &ScopeSet,
        state: &str,
        verifier: &PkceVerifier,
    ) -> Self {
        AuthorizeRequest {
            client_id: client_id.to_owned(),
            redirect_uri,
            scope: scopes.to_string(),
            state: state.to_owned(),
            aud,
            code_challenge: verifier.challenge(),
            launch: None,
        }
    }

    /// Returns the request with the `launch` value the EHR passed to the
    /// app (EHR launch).
    #[must_use]
    pub fn with_launch(mut self, launch: &str) -> Self {
        self.launch = Some(launch.to_owned());
        self
    }

    fn params(&self) -> Vec<(&'static str, &str)> {
        let mut params = vec![
            ("response_type", "code"),
            ("client_id", self.client_id.as_str()),
            ("redirect_uri", self.redirect_uri.as_str()),
            ("scope", self.scope.as_str()),
            ("state", self.state.as_str()),
            ("aud", self.aud.as_str()),
            ("code_challenge", self.code_challenge.as_str()),
            ("code_challenge_method", "S256"),
        ];
        if let Some(launch) = &self.launch {
            params.push(("launch", launch.as_str()));
        }
        params
    }

    /// Returns the URL to send the browser to: `authorization_endpoint` with the
    /// request parameters appended to any query it already has.
    pub fn to_url(&self, authorization_endpoint: &Url) -> Url {
        let mut url = authorization_endpoint.clone();
        url.query_pairs_mut().extend_pairs(self.params());
        url
    }

    /// Returns the form body for a POST to the authorization endpoint, which SMART
    /// prefers when long scope strings could exceed URL length limits.
    pub fn to_form_body(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(self.params())
            .finish()
    }
}
