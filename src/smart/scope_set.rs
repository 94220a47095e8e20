//! Scope strings: parsing with limits, de-duplicated sets, normalisation,
//! SMART 1.0 and 2 spellings, and the checks an authorization server makes
//! on requested scopes.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

use crate::r4::ResourceType;
use crate::smart::error::{ScopeError, ScopeWarning, shown_token};
use crate::smart::restriction::QueryRestriction;
use crate::smart::scope::{
    ParseMode, Permissions, ResourceScope, Scope, ScopeContext, ScopeSyntax, is_token_byte,
    parse_checked_token,
};

/// Size limits applied while parsing a scope string.
///
/// Parsing stops with an error at the first token past a limit, so the work
/// done is linear in the input and bounded by the limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScopeLimits {
    /// The maximum number of tokens, duplicates included. The default, 256,
    /// leaves room for one scope per R4 resource type (146 types) plus the
    /// launch, identity and refresh scopes.
    pub max_tokens: usize,
    /// The maximum length of one token in bytes. The default, 2048, fits a
    /// query restriction with a few code system URLs.
    pub max_token_len: usize,
}

impl Default for ScopeLimits {
    fn default() -> Self {
        ScopeLimits {
            max_tokens: 256,
            max_token_len: 2048,
        }
    }
}

/// The mode and limits for parsing a scope string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ParseOptions {
    /// Strict or lenient reading.
    pub mode: ParseMode,
    /// Size limits.
    pub limits: ScopeLimits,
}

impl ParseOptions {
    /// Creates options for `mode` with the default limits.
    pub fn new(mode: ParseMode) -> Self {
        ParseOptions {
            mode,
            limits: ScopeLimits::default(),
        }
    }
}

/// The result of parsing a scope string.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedScopes {
    /// The scopes, de-duplicated.
    pub scopes: ScopeSet,
    /// The deviations that lenient parsing accepted or repaired. Strict
    /// parsing leaves this empty.
    pub warnings: Vec<ScopeWarning>,
}

/// A de-duplicated set of scopes.
///
/// The set keeps the order in which scopes were first added, and its
/// [`Display`](fmt::Display) writes each scope's canonical text separated by
/// one space. Equality compares the sets without regard to order. Two scope
/// spellings that grant the same access count as one scope (see
/// [`ResourceScope`]), but scopes that only add up to the same access
/// (`.r` and `.s` versus `.rs`) stay distinct until
/// [`normalized`](Self::normalized).
#[derive(Debug, Clone, Default)]
pub struct ScopeSet {
    scopes: Vec<Scope>,
}

/// Below this many scopes, duplicate checks scan the list instead of
/// building a hash set.
const LINEAR_DEDUP_MAX: usize = 16;

impl ScopeSet {
    /// Creates the empty set, which grants nothing.
    pub fn new() -> Self {
        ScopeSet::default()
    }

    /// Parses a scope string with the default limits. The empty string is
    /// the empty set.
    ///
    /// # Errors
    ///
    /// See [`parse_with`](Self::parse_with).
    pub fn parse(text: &str, mode: ParseMode) -> Result<ParsedScopes, ScopeError> {
        ScopeSet::parse_with(text, &ParseOptions::new(mode))
    }

    /// Parses a scope string in time linear in its length.
    ///
    /// # Errors
    ///
    /// Returns [`ScopeError::InvalidCharacter`] for a byte outside the
    /// RFC 6749 token characters that is not a separator,
    /// [`ScopeError::InvalidSeparator`] in strict mode for whitespace other
    /// than one space between tokens, [`ScopeError::TooManyTokens`] and
    /// [`ScopeError::TokenTooLong`] past the limits, and
    /// [`ScopeError::InvalidToken`] for a malformed SMART scope.
    pub fn parse_with(text: &str, options: &ParseOptions) -> Result<ParsedScopes, ScopeError> {
        let bytes = text.as_bytes();
        let limits = options.limits;
        let mut scopes = Vec::new();
        let mut warnings = Vec::new();
        let mut whitespace_warned = false;
        let mut position = 0;
        loop {
            let start = position;
            while position < bytes.len() && is_token_byte(bytes[position]) {
                position += 1;
                if position - start > limits.max_token_len {
                    return Err(ScopeError::TokenTooLong {
                        token: shown_token(&text[start..position]),
                        position: start,
                        max: limits.max_token_len,
                    });
                }
            }
            if position > start {
                if scopes.len() == limits.max_tokens {
                    return Err(ScopeError::TooManyTokens {
                        max: limits.max_tokens,
                    });
                }
                let (scope, warning) = parse_checked_token(&text[start..position], options.mode)?;
                scopes.push(scope);
                warnings.extend(warning);
            }
            if position == bytes.len() {
                break;
            }

            let separator_start = position;
            while position < bytes.len() && !is_token_byte(bytes[position]) {
                if !is_separator_whitespace(bytes[position]) {
                    let character = text[position..].chars().next().unwrap_or_default();
                    return Err(ScopeError::InvalidCharacter {
                        character,
                        position,
                    });
                }
                position += 1;
            }
            let separator = &bytes[separator_start..position];
            let regular = separator == b" " && separator_start > start && position < bytes.len();
            if regular {
                continue;
            }
            match options.mode {
                ParseMode::Strict => {
                    let at_edge = separator_start == start || position == bytes.len();
                    let offset = match at_edge {
                        true => 0,
                        false => separator.iter().position(|b| *b != b' ').unwrap_or(1),
                    };
                    let found = char::from(separator[offset]);
                    return Err(ScopeError::InvalidSeparator {
                        found,
                        position: separator_start + offset,
                    });
                }
                ParseMode::Lenient if !whitespace_warned => {
                    whitespace_warned = true;
                    warnings.push(ScopeWarning::Whitespace {
                        position: separator_start,
                    });
                }
                ParseMode::Lenient => {}
            }
        }
        Ok(ParsedScopes {
            scopes: ScopeSet::from_vec(scopes),
            warnings,
        })
    }

    /// Builds a set from `scopes`, dropping later duplicates.
    fn from_vec(mut scopes: Vec<Scope>) -> Self {
        if scopes.len() <= LINEAR_DEDUP_MAX {
            let mut kept: Vec<Scope> = Vec::with_capacity(scopes.len());
            for scope in scopes {
                if !kept.contains(&scope) {
                    kept.push(scope);
                }
            }
            return ScopeSet { scopes: kept };
        }
        let mut keep = Vec::with_capacity(scopes.len());
        {
            let mut seen = HashSet::with_capacity(scopes.len());
            for scope in &scopes {
                keep.push(seen.insert(scope));
            }
        }
        let mut flags = keep.into_iter();
        scopes.retain(|_| flags.next().unwrap_or(false));
        ScopeSet { scopes }
    }

    /// Adds `scope` unless an equal scope is present. Returns whether it
    /// was added.
    pub fn insert(&mut self, scope: Scope) -> bool {
        if self.scopes.contains(&scope) {
            return false;
        }
        self.scopes.push(scope);
        true
    }

    /// Returns whether the set contains a scope equal to `scope`.
    pub fn contains(&self, scope: &Scope) -> bool {
        self.scopes.contains(scope)
    }

    /// Returns the scopes in either set, in the order of `self` then `other`.
    #[must_use]
    pub fn union(&self, other: &ScopeSet) -> ScopeSet {
        ScopeSet::from_vec(self.scopes.iter().chain(&other.scopes).cloned().collect())
    }

    /// Returns the number of scopes.
    pub fn len(&self) -> usize {
        self.scopes.len()
    }

    /// Returns whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.scopes.is_empty()
    }

    /// Returns the scopes, in the order they were first added.
    pub fn iter(&self) -> std::slice::Iter<'_, Scope> {
        self.scopes.iter()
    }

    /// Returns the clinical data scopes.
    pub fn resource_scopes(&self) -> impl Iterator<Item = &ResourceScope> {
        self.scopes.iter().filter_map(Scope::as_resource)
    }

    /// Returns whether the two sets grant the same access once both are
    /// [`normalized`](Self::normalized).
    pub fn is_equivalent(&self, other: &ScopeSet) -> bool {
        self.normalized() == other.normalized()
    }

    /// Returns the shortest SMART 2 form of the set.
    ///
    /// Resource scopes with the same context, type and restriction are
    /// merged (`patient/Observation.r` and `.s` become `.rs`), scopes
    /// covered by another scope are dropped (`patient/Observation.rs` next
    /// to `patient/*.rs`), and every resource scope is written in SMART 2
    /// letters (`*` becomes `cruds`). Other scopes are kept in order.
    #[must_use]
    pub fn normalized(&self) -> ScopeSet {
        type Key<'a> = (
            ScopeContext,
            Option<ResourceType>,
            Option<&'a QueryRestriction>,
        );
        let mut slots: HashMap<Key<'_>, usize> = HashMap::new();
        let mut merged: Vec<Option<ResourceScope>> = Vec::new();
        let mut order: Vec<Result<usize, &Scope>> = Vec::new();
        for scope in &self.scopes {
            let Scope::Resource(resource) = scope else {
                order.push(Err(scope));
                continue;
            };
            let key = (
                resource.context(),
                resource.resource_type(),
                resource.restriction(),
            );
            match slots.get(&key) {
                Some(&slot) => {
                    if let Some(existing) = &mut merged[slot] {
                        let permissions = existing.permissions().union(resource.permissions());
                        *existing = existing.clone().with_permissions(permissions);
                    }
                }
                None => {
                    slots.insert(key, merged.len());
                    order.push(Ok(merged.len()));
                    merged.push(Some(resource.clone().with_syntax(ScopeSyntax::V2)));
                }
            }
        }

        let covered: Vec<bool> = merged
            .iter()
            .enumerate()
            .map(|(index, scope)| {
                let Some(scope) = scope else { return false };
                merged.iter().enumerate().any(|(other_index, other)| {
                    other_index != index
                        && other
                            .as_ref()
                            .is_some_and(|other| scope.is_covered_by(other))
                })
            })
            .collect();

        let mut scopes = Vec::with_capacity(order.len());
        for entry in order {
            match entry {
                Err(scope) => scopes.push(scope.clone()),
                Ok(slot) if !covered[slot] => {
                    scopes.extend(merged[slot].take().map(Scope::Resource))
                }
                Ok(_) => {}
            }
        }
        ScopeSet { scopes }
    }

    /// Returns the set with every resource scope spelled in SMART 2 letters.
    #[must_use]
    pub fn to_v2(&self) -> ScopeSet {
        let scopes = self
            .scopes
            .iter()
            .map(|scope| match scope {
                Scope::Resource(resource) => {
                    Scope::Resource(resource.clone().with_syntax(ScopeSyntax::V2))
                }
                other => other.clone(),
            })
            .collect();
        ScopeSet { scopes }
    }

    /// Returns the set with resource scopes spelled in SMART 1.0 words where
    /// they exist: `rs` becomes `read`, `cud` becomes `write` and `cruds`
    /// becomes `*`. A scope is split when only part of it has a word
    /// (`crs` becomes `.read` and `.c`), and restricted scopes stay SMART 2.
    #[must_use]
    pub fn to_v1(&self) -> ScopeSet {
        let mut scopes = Vec::with_capacity(self.scopes.len());
        for scope in &self.scopes {
            match scope {
                Scope::Resource(resource) => scopes.extend(split_v1(resource).map(Scope::Resource)),
                other => scopes.push(other.clone()),
            }
        }
        ScopeSet::from_vec(scopes)
    }

    /// Formats a granted set for the `scope` of a token response.
    ///
    /// A granted resource scope is spelled in SMART 1.0 words (as in
    /// [`to_v1`](Self::to_v1)) when the request spelled a scope of the same
    /// context and resource type that way. The same holds for every resource
    /// scope when the request used SMART 1.0 throughout. Other resource scopes
    /// are spelled in SMART 2 letters. The empty set formats as the empty
    /// string.
    pub fn to_response_string(&self, requested: &ScopeSet) -> String {
        let mut requested_resources = requested.resource_scopes().peekable();
        let all_v1 = requested_resources.peek().is_some()
            && requested
                .resource_scopes()
                .all(|scope| scope.syntax() == ScopeSyntax::V1);
        let mut scopes = Vec::with_capacity(self.scopes.len());
        for scope in &self.scopes {
            let Scope::Resource(resource) = scope else {
                scopes.push(scope.clone());
                continue;
            };
            let spelled_v1 = all_v1
                || requested.resource_scopes().any(|asked| {
                    asked.syntax() == ScopeSyntax::V1
                        && asked.context() == resource.context()
                        && asked.resource_type() == resource.resource_type()
                });
            if spelled_v1 {
                scopes.extend(split_v1(resource).map(Scope::Resource));
            } else {
                scopes.push(Scope::Resource(
                    resource.clone().with_syntax(ScopeSyntax::V2),
                ));
            }
        }
        ScopeSet::from_vec(scopes).to_string()
    }

    /// Returns whether every access granted by `self` is granted by `other`.
    ///
    /// Resource scopes are compared permission by permission, so
    /// `patient/Observation.rs` is a subset of `patient/Observation.r
    /// patient/Observation.s` and of `patient/*.read`. A restricted scope is
    /// covered by the same scope with the same restriction or none. Every
    /// other scope must be present in `other`.
    pub fn is_subset_of(&self, other: &ScopeSet) -> bool {
        self.first_not_covered_by(other).is_none()
    }

    /// Returns the first scope of `self` that `other` does not cover, if any (see
    /// [`is_subset_of`](Self::is_subset_of)).
    pub fn first_not_covered_by(&self, other: &ScopeSet) -> Option<&Scope> {
        self.scopes.iter().find(|scope| match scope {
            Scope::Resource(resource) => !is_covered(resource, other),
            _ => !other.contains(scope),
        })
    }

    /// Reads the `scope` parameter of an authorization request.
    ///
    /// A missing or empty `scope` (or, in lenient mode, one of only
    /// whitespace) takes `default` when the server configures one.
    ///
    /// # Errors
    ///
    /// Returns [`ScopeRequestError::Missing`] when the request has no scope
    /// and there is no default, and [`ScopeRequestError::Invalid`] when the
    /// scope does not parse. Both map to the OAuth error `invalid_scope`.
    pub fn for_authorization_request(
        scope: Option<&str>,
        default: Option<&ScopeSet>,
        options: &ParseOptions,
    ) -> Result<ParsedScopes, ScopeRequestError> {
        let parsed = match scope {
            Some(text) => ScopeSet::parse_with(text, options)?,
            None => ParsedScopes::default(),
        };
        if !parsed.scopes.is_empty() {
            return Ok(parsed);
        }
        match default {
            Some(default) => Ok(ParsedScopes {
                scopes: default.clone(),
                warnings: parsed.warnings,
            }),
            None => Err(ScopeRequestError::Missing),
        }
    }

    /// Checks the scope requested when refreshing a token against the
    /// scope originally granted. A refresh may keep or narrow the grant.
    ///
    /// # Errors
    ///
    /// Returns [`ScopeRequestError::Widened`] naming the first requested
    /// scope that the original grant does not cover.
    pub fn check_refresh(&self, original: &ScopeSet) -> Result<(), ScopeRequestError> {
        match self.first_not_covered_by(original) {
            Some(scope) => Err(ScopeRequestError::Widened {
                scope: shown_token(&scope.to_string()),
            }),
            None => Ok(()),
        }
    }
}

/// Returns whether `other` grants every permission of `scope`, possibly through
/// several scopes.
fn is_covered(scope: &ResourceScope, other: &ScopeSet) -> bool {
    scope.permissions().iter().all(|permission| {
        other.resource_scopes().any(|candidate| {
            candidate.context() == scope.context()
                && candidate
                    .resource_type()
                    .is_none_or(|t| Some(t) == scope.resource_type())
                && candidate.permissions().contains(permission)
                && candidate
                    .restriction()
                    .is_none_or(|r| Some(r) == scope.restriction())
        })
    })
}

/// Splits `scope` into the parts that have SMART 1.0 words, spelled that
/// way, and a SMART 2 remainder.
fn split_v1(scope: &ResourceScope) -> impl Iterator<Item = ResourceScope> {
    let mut parts = Vec::with_capacity(2);
    let mut remaining = scope.permissions();
    if scope.restriction().is_none() {
        for word in [
            Permissions::ALL,
            Permissions::READ_V1,
            Permissions::WRITE_V1,
        ] {
            if remaining.contains_all(word) {
                parts.push(
                    scope
                        .clone()
                        .with_permissions(word)
                        .with_syntax(ScopeSyntax::V1),
                );
                remaining = remaining.difference(word);
            }
        }
    }
    if !remaining.is_empty() {
        parts.push(
            scope
                .clone()
                .with_permissions(remaining)
                .with_syntax(ScopeSyntax::V2),
        );
    }
    parts.into_iter()
}

fn is_separator_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)
}

impl PartialEq for ScopeSet {
    fn eq(&self, other: &Self) -> bool {
        if self.scopes.len() != other.scopes.len() {
            return false;
        }
        if self.scopes.len() <= LINEAR_DEDUP_MAX {
            return self.scopes.iter().all(|scope| other.scopes.contains(scope));
        }
        let theirs: HashSet<&Scope> = other.scopes.iter().collect();
        self.scopes.iter().all(|scope| theirs.contains(scope))
    }
}

impl Eq for ScopeSet {}

impl fmt::Display for ScopeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, scope) in self.scopes.iter().enumerate() {
            if index > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{scope}")?;
        }
        Ok(())
    }
}

impl FromStr for ScopeSet {
    type Err = ScopeError;

    /// Parses in [`ParseMode::Strict`] with the default limits.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        ScopeSet::parse(text, ParseMode::Strict).map(|parsed| parsed.scopes)
    }
}

impl FromIterator<Scope> for ScopeSet {
    fn from_iter<I: IntoIterator<Item = Scope>>(scopes: I) -> Self {
        ScopeSet::from_vec(scopes.into_iter().collect())
    }
}

impl Extend<Scope> for ScopeSet {
    fn extend<I: IntoIterator<Item = Scope>>(&mut self, scopes: I) {
        let mut all = std::mem::take(&mut self.scopes);
        all.extend(scopes);
        *self = ScopeSet::from_vec(all);
    }
}

impl<'a> IntoIterator for &'a ScopeSet {
    type Item = &'a Scope;
    type IntoIter = std::slice::Iter<'a, Scope>;

    fn into_iter(self) -> Self::IntoIter {
        self.scopes.iter()
    }
}

impl IntoIterator for ScopeSet {
    type Item = Scope;
    type IntoIter = std::vec::IntoIter<Scope>;

    fn into_iter(self) -> Self::IntoIter {
        self.scopes.into_iter()
    }
}

/// A requested scope that an authorization server must reject with the
/// OAuth error `invalid_scope` (RFC 6749 sections 4.1.2.1 and 5.2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScopeRequestError {
    /// The request has no scope and the server configures no default.
    #[error(
        "the request has no scope and no default scope is configured; request at least one scope"
    )]
    Missing,
    /// The scope string does not parse.
    #[error(transparent)]
    Invalid(#[from] ScopeError),
    /// A refresh asked for more than the original grant.
    #[error(
        "scope `{scope}` is not part of the original grant; a refresh may only keep or narrow the \
         granted scopes"
    )]
    Widened {
        /// The first requested scope outside the grant.
        scope: String,
    },
}

impl ScopeRequestError {
    /// Returns the OAuth error code, which is always `invalid_scope`.
    pub fn oauth_error(&self) -> &'static str {
        "invalid_scope"
    }
}
