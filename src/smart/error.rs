//! Errors and warnings from parsing scope strings.

use std::fmt;

/// The maximum number of characters of an offending token that an error
/// message repeats.
const SHOWN_TOKEN_CHARS: usize = 100;

/// Copies `token` for an error message, cut to [`SHOWN_TOKEN_CHARS`]
/// characters with a trailing `…` so that an oversized input cannot make an
/// oversized message.
pub(crate) fn shown_token(token: &str) -> String {
    match token.char_indices().nth(SHOWN_TOKEN_CHARS) {
        Some((cut, _)) => format!("{}…", &token[..cut]),
        None => token.to_owned(),
    }
}

/// A scope string that could not be parsed.
///
/// Every variant names the offending text (cut to 100 characters) and what
/// was expected in its place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScopeError {
    /// A byte that RFC 6749 section 3.3 does not allow in a scope token.
    #[error(
        "invalid character {character:?} at byte {position} of the scope string: scope tokens \
         contain only printable ASCII (0x21-0x7E) other than `\"` and `\\`"
    )]
    InvalidCharacter {
        /// The character found.
        character: char,
        /// Its byte offset in the scope string.
        position: usize,
    },
    /// An empty token passed to [`Scope::parse`](crate::smart::Scope::parse).
    #[error("empty scope token; expected at least one character")]
    EmptyToken,
    /// Whitespace other than one space between two tokens (strict mode).
    #[error(
        "invalid separator {found:?} at byte {position} of the scope string: tokens are \
         separated by exactly one space, with none before the first or after the last token"
    )]
    InvalidSeparator {
        /// The whitespace character found.
        found: char,
        /// Its byte offset in the scope string.
        position: usize,
    },
    /// More tokens than [`ScopeLimits::max_tokens`](crate::smart::ScopeLimits::max_tokens).
    #[error("the scope string has more than {max} tokens; request fewer or broader scopes")]
    TooManyTokens {
        /// The limit that was exceeded.
        max: usize,
    },
    /// A token longer than
    /// [`ScopeLimits::max_token_len`](crate::smart::ScopeLimits::max_token_len).
    #[error("scope token `{token}` at byte {position} is longer than the limit of {max} bytes")]
    TokenTooLong {
        /// The start of the token.
        token: String,
        /// The byte offset of the token in the scope string.
        position: usize,
        /// The limit that was exceeded.
        max: usize,
    },
    /// A token that has the shape of a SMART scope but breaks its grammar.
    #[error("invalid scope `{token}`: {problem}")]
    InvalidToken {
        /// The token.
        token: String,
        /// The problem.
        problem: TokenProblem,
    },
}

impl ScopeError {
    pub(crate) fn token(token: &str, problem: TokenProblem) -> Self {
        ScopeError::InvalidToken {
            token: shown_token(token),
            problem,
        }
    }
}

/// The problem with one scope token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenProblem {
    /// The context prefix differs from `patient`, `user` or `system` only
    /// in letter case.
    #[error("the context prefix `{found}` is case-sensitive; expected `{expected}`")]
    ContextCase {
        /// The prefix as written.
        found: String,
        /// The lowercase prefix.
        expected: &'static str,
    },
    /// No `.` between the resource type and the permissions.
    #[error(
        "missing permissions; expected `.` and then `read`, `write`, `*` or letters of `cruds`"
    )]
    MissingPermissions,
    /// The resource type is not an R4 resource type name.
    #[error("{}", describe_resource_type(name, *suggestion))]
    UnknownResourceType {
        /// The name as written.
        name: String,
        /// The R4 type that differs only in letter case, if there is one.
        suggestion: Option<&'static str>,
    },
    /// Nothing after the `.`.
    #[error("empty permissions; expected `read`, `write`, `*` or letters of `cruds`")]
    EmptyPermissions,
    /// A permission letter outside `cruds`.
    #[error(
        "unknown permission `{letter}` in `{found}`; expected `read`, `write`, `*` or letters \
         of `cruds`"
    )]
    UnknownPermission {
        /// The offending character.
        letter: char,
        /// The permissions as written.
        found: String,
    },
    /// A permission letter that appears twice.
    #[error("permission `{letter}` repeats in `{found}`; each of `cruds` may appear once")]
    RepeatedPermission {
        /// The repeated letter.
        letter: char,
        /// The permissions as written.
        found: String,
    },
    /// Permission letters out of `cruds` order (strict mode).
    #[error("permissions `{found}` are out of order; expected `{expected}`")]
    PermissionsOutOfOrder {
        /// The permissions as written.
        found: String,
        /// The same letters in `cruds` order.
        expected: String,
    },
    /// A query restriction after a SMART 1.0 permission, which the
    /// specification does not define.
    #[error(
        "a query restriction follows the SMART 1.0 permission `{permissions}`; restrictions \
         need SMART 2 permission letters such as `rs`"
    )]
    RestrictionAfterV1 {
        /// The SMART 1.0 permission (`read`, `write` or `*`).
        permissions: String,
    },
    /// The query restriction breaks the supported grammar.
    #[error(transparent)]
    Restriction(#[from] RestrictionProblem),
    /// A launch context scope spelled with uppercase letters.
    #[error("launch context types are lowercase; expected `{expected}`")]
    LaunchCase {
        /// The lowercase form.
        expected: String,
    },
    /// A launch context scope with a query other than one `role=<uri>`.
    #[error("invalid launch context query `{found}`; expected `role=` followed by a role URI")]
    LaunchQuery {
        /// The query as written.
        found: String,
    },
    /// An identity or refresh scope spelled with different letter case.
    #[error("scope names are case-sensitive; expected `{expected}`")]
    NameCase {
        /// The correctly spelled scope.
        expected: &'static str,
    },
}

fn describe_resource_type(name: &str, suggestion: Option<&str>) -> String {
    match suggestion {
        Some(suggestion) => format!(
            "unknown resource type `{name}`; resource types are case-sensitive, expected \
             `{suggestion}`"
        ),
        None => format!("unknown resource type `{name}`; expected an R4 resource type or `*`"),
    }
}

/// The problem with a query restriction (`?param=value&...`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RestrictionProblem {
    /// `?` with nothing after it, or an empty `param=value` item.
    #[error("empty query restriction item; expected `param=value` items separated by `&`")]
    EmptyItem,
    /// A parameter with no `=value`, or with an empty value.
    #[error("search parameter `{param}` has no value; expected `{param}=value`")]
    MissingValue {
        /// The parameter.
        param: String,
    },
    /// A parameter with a modifier (`code:not`).
    #[error(
        "search parameter `{param}` has a modifier; scope restrictions accept plain parameter \
         names only"
    )]
    Modifier {
        /// The parameter as written.
        param: String,
    },
    /// A chained parameter (`subject.name`).
    #[error("search parameter `{param}` is chained; scope restrictions accept no chains")]
    Chain {
        /// The parameter as written.
        param: String,
    },
    /// A result or control parameter (`_include`, `_count`, `_has`, ...).
    #[error(
        "`{param}` is not a filter parameter; scope restrictions accept only parameters that \
         select resources, such as `category` or `_tag`"
    )]
    NotAFilter {
        /// The parameter.
        param: String,
    },
    /// A parameter name with characters outside letters, digits, `-` and `_`.
    #[error("invalid search parameter name `{param}`; expected letters, digits, `-` and `_` only")]
    InvalidName {
        /// The parameter as written.
        param: String,
    },
    /// A parameter that R4 does not define for the scope's resource type.
    #[error("search parameter `{param}` is not defined for {resource_type} in FHIR R4")]
    UnknownParameter {
        /// The parameter.
        param: String,
        /// The resource type, or `every resource type` for `*`.
        resource_type: String,
    },
    /// A parameter of a type this crate cannot check on a resource.
    #[error(
        "search parameter `{param}` is a {kind} parameter; scope restrictions support token, \
         string, reference and uri parameters"
    )]
    UnsupportedType {
        /// The parameter.
        param: String,
        /// The parameter type (`date`, `composite`, ...).
        kind: &'static str,
    },
}

/// Something that lenient parsing accepted or repaired, and that strict
/// parsing rejects.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScopeWarning {
    /// Whitespace other than one space between tokens was treated as a
    /// separator or trimmed. Only the first such place is reported.
    Whitespace {
        /// The byte offset of the first irregular whitespace.
        position: usize,
    },
    /// Permission letters out of `cruds` order were put in order.
    PermissionsReordered {
        /// The token as written.
        token: String,
        /// The token with its permissions in order.
        canonical: String,
    },
    /// A token that strict mode rejects was kept as
    /// [`Scope::Other`](crate::smart::Scope::Other), so it grants nothing.
    KeptAsOther {
        /// The token.
        token: String,
        /// The problem for which strict mode rejects it.
        problem: TokenProblem,
    },
}

impl fmt::Display for ScopeWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScopeWarning::Whitespace { position } => write!(
                f,
                "irregular whitespace at byte {position} of the scope string was treated as one \
                 separator"
            ),
            ScopeWarning::PermissionsReordered { token, canonical } => {
                write!(
                    f,
                    "scope `{token}` was read as `{canonical}`: permissions are put in `cruds` order"
                )
            }
            ScopeWarning::KeptAsOther { token, problem } => {
                write!(
                    f,
                    "scope `{token}` was kept as an unrecognized scope that grants nothing: {problem}"
                )
            }
        }
    }
}
