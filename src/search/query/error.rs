//! Errors and warnings from parsing a search, and their OperationOutcome
//! form.

use crate::primitives::Primitive;
use crate::r4::{IssueSeverity, IssueType, OperationOutcome, OperationOutcomeIssue};

/// The maximum number of characters of an offending value that a message
/// repeats.
const SHOWN_CHARS: usize = 100;

/// Copies `text` for a message, cut to [`SHOWN_CHARS`] characters with a
/// trailing `…`, so that an oversized query cannot make an oversized message.
pub(crate) fn shown(text: &str) -> String {
    match text.char_indices().nth(SHOWN_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// A search query that could not be parsed.
///
/// Every variant names the query parameter as the client wrote it (cut to
/// 100 characters, like every repeated value) and states what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SearchError {
    /// A parameter that is not defined for the searched type. Only raised in
    /// strict handling; lenient handling ignores the parameter with a warning.
    #[error(
        "unknown search parameter `{parameter}` for {scope}; remove it or use a parameter \
         defined for {scope}"
    )]
    UnknownParameter {
        /// The parameter name, with any modifier or chain.
        parameter: String,
        /// The searched type (`Patient`), or `all resource types`.
        scope: String,
    },
    /// A parameter that is defined but that this library does not evaluate
    /// (`_filter`, `_query`). Only raised in strict handling.
    #[error("search parameter `{parameter}` is not supported; remove it")]
    NotSupported {
        /// The parameter name.
        parameter: String,
    },
    /// Text after a colon that is neither a modifier nor a resource type.
    #[error(
        "unknown modifier `:{modifier}` on search parameter `{parameter}`; expected one of \
         {allowed}"
    )]
    UnknownModifier {
        /// The parameter name as written.
        parameter: String,
        /// The text after the colon.
        modifier: String,
        /// The modifiers that the parameter's type allows.
        allowed: &'static str,
    },
    /// A modifier that does not apply to the parameter's type, such as
    /// `:text` on a date.
    #[error(
        "modifier `:{modifier}` is not valid on {param_type} parameter `{parameter}`; expected \
         one of {allowed}"
    )]
    ModifierNotAllowed {
        /// The parameter name as written.
        parameter: String,
        /// The modifier.
        modifier: String,
        /// The parameter's type (`date`).
        param_type: &'static str,
        /// The modifiers that the parameter allows.
        allowed: String,
    },
    /// A value that does not have the form the parameter's type requires.
    #[error("invalid value `{value}` for search parameter `{parameter}`: {expected}")]
    InvalidValue {
        /// The parameter name as written.
        parameter: String,
        /// The offending value, after percent-decoding.
        value: String,
        /// The expected form.
        expected: String,
    },
    /// A chain whose reference parameter may point at several types that
    /// all have the chained parameter.
    #[error(
        "chained search parameter `{parameter}` is ambiguous: `{reference}` can refer to {}, \
         which all define `{chained}`; name the type, as in `{reference}:{}.{chained}`",
        candidates.join(", "),
        candidates.first().map_or("Patient", String::as_str)
    )]
    AmbiguousChain {
        /// The parameter name as written.
        parameter: String,
        /// The reference parameter before the dot.
        reference: String,
        /// The parameter after the dot.
        chained: String,
        /// The target types that define the chained parameter.
        candidates: Vec<String>,
    },
    /// A chain (`a.b`) or reverse chain (`_has:…`) that cannot be followed.
    #[error("invalid chained search parameter `{parameter}`: {expected}")]
    InvalidChain {
        /// The parameter name as written.
        parameter: String,
        /// The expected form.
        expected: String,
    },
    /// An `_include` or `_revinclude` value that names a parameter the
    /// type does not define. Only raised in strict handling.
    #[error(
        "unknown search parameter in `{parameter}={value}`: {resource_type} has no search \
         parameter `{code}`; name one of its reference parameters"
    )]
    UnknownInclude {
        /// `_include` or `_revinclude`, with any modifier.
        parameter: String,
        /// The value as written.
        value: String,
        /// The type before the first colon.
        resource_type: String,
        /// The parameter code that was not found.
        code: String,
    },
    /// An `_include` or `_revinclude` value that is malformed or cannot
    /// apply to the search.
    #[error("invalid `{parameter}` value `{value}`: {expected}")]
    InvalidInclude {
        /// `_include` or `_revinclude`, with any modifier.
        parameter: String,
        /// The offending value.
        value: String,
        /// The expected form.
        expected: String,
    },
    /// A `_sort` key that is not a parameter of the searched type. Only
    /// raised in strict handling.
    #[error(
        "unknown `_sort` parameter `{key}` for {scope}; sort by a parameter defined for {scope}"
    )]
    UnknownSortKey {
        /// The key, without a leading `-`.
        key: String,
        /// The searched type, or `all resource types`.
        scope: String,
    },
    /// A result parameter that may appear only once, given more than once.
    #[error("search parameter `{parameter}` is given more than once; send it once")]
    Repeated {
        /// The parameter name.
        parameter: String,
    },
    /// A POST search whose body is not form-encoded.
    #[error(
        "unsupported content type `{content_type}` for a search body; expected \
         application/x-www-form-urlencoded"
    )]
    UnsupportedContentType {
        /// The content type that was sent.
        content_type: String,
    },
    /// Two or more parameters are invalid. Each error names its parameter,
    /// in query order; none of them is itself `Several`.
    #[error("{} search parameters are invalid: {}", errors.len(), join_messages(errors))]
    Several {
        /// The errors, in query order.
        errors: Vec<SearchError>,
    },
}

/// Joins the messages of `errors` with `; `.
fn join_messages(errors: &[SearchError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl SearchError {
    /// Combines the errors of one parse: `None` for none, the error itself
    /// for one, and [`SearchError::Several`] for more.
    pub(crate) fn combine(mut errors: Vec<SearchError>) -> Option<SearchError> {
        match errors.len() {
            0 => None,
            1 => errors.pop(),
            _ => Some(SearchError::Several { errors }),
        }
    }

    /// Returns every single error: the list of [`SearchError::Several`], or
    /// this error alone.
    pub fn errors(&self) -> &[SearchError] {
        match self {
            Self::Several { errors } => errors,
            other => std::slice::from_ref(other),
        }
    }

    /// Returns the query parameter that the error is about, as the client
    /// wrote it, or `None` for an error about the request body. For
    /// [`SearchError::Several`] it is the parameter of the first error.
    pub fn parameter(&self) -> Option<&str> {
        match self {
            Self::UnknownParameter { parameter, .. }
            | Self::NotSupported { parameter }
            | Self::UnknownModifier { parameter, .. }
            | Self::ModifierNotAllowed { parameter, .. }
            | Self::InvalidValue { parameter, .. }
            | Self::AmbiguousChain { parameter, .. }
            | Self::InvalidChain { parameter, .. }
            | Self::InvalidInclude { parameter, .. }
            | Self::UnknownInclude { parameter, .. }
            | Self::Repeated { parameter } => Some(parameter),
            Self::UnknownSortKey { .. } => Some("_sort"),
            Self::UnsupportedContentType { .. } => None,
            Self::Several { errors } => errors.first().and_then(Self::parameter),
        }
    }

    /// Returns the OperationOutcome issue type that fits the error:
    /// `not-supported` for unknown parameters, modifiers and content types,
    /// `invalid` for the rest.
    pub fn issue_type(&self) -> IssueType {
        match self {
            Self::UnknownParameter { .. }
            | Self::NotSupported { .. }
            | Self::UnknownModifier { .. }
            | Self::UnknownSortKey { .. }
            | Self::UnknownInclude { .. }
            | Self::UnsupportedContentType { .. } => IssueType::NotSupported,
            _ => IssueType::Invalid,
        }
    }

    /// Builds an OperationOutcome with one `error` issue for each error
    /// (several for [`SearchError::Several`]), to return with HTTP status 400.
    pub fn to_operation_outcome(&self) -> OperationOutcome {
        OperationOutcome {
            issue: self
                .errors()
                .iter()
                .map(|error| error.to_issue(IssueSeverity::Error))
                .collect(),
            ..OperationOutcome::default()
        }
    }

    /// Builds one issue for the error, with the message as diagnostics and
    /// `http.<parameter>` as location, the form R4 gives for HTTP errors.
    fn to_issue(&self, severity: IssueSeverity) -> OperationOutcomeIssue {
        issue(
            severity,
            self.issue_type(),
            self.to_string(),
            self.parameter(),
        )
    }
}

/// Something the parser accepted with a change that the client should know
/// about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SearchWarning {
    /// A parameter or value was left out of the search (lenient handling),
    /// for the reason in the error. It is also left out of the self link.
    #[error("ignored: {0}")]
    Ignored(SearchError),
    /// `_count` was above the server maximum and was lowered to it.
    #[error("`_count` {requested} is above the server maximum; {maximum} is used instead")]
    CountClamped {
        /// The requested page size.
        requested: u64,
        /// The page size used.
        maximum: u32,
    },
}

impl SearchWarning {
    /// Builds one `warning` issue for the warning.
    pub fn to_issue(&self) -> OperationOutcomeIssue {
        match self {
            Self::Ignored(error) => issue(
                IssueSeverity::Warning,
                error.issue_type(),
                self.to_string(),
                error.parameter(),
            ),
            Self::CountClamped { .. } => issue(
                IssueSeverity::Warning,
                IssueType::Informational,
                self.to_string(),
                Some("_count"),
            ),
        }
    }
}

/// Builds an OperationOutcome with one `warning` issue per warning, or
/// `None` when there are none. A search server adds it to the searchset
/// Bundle as an entry with `search.mode` = `outcome`.
pub fn warnings_to_operation_outcome(warnings: &[SearchWarning]) -> Option<OperationOutcome> {
    if warnings.is_empty() {
        return None;
    }
    Some(OperationOutcome {
        issue: warnings.iter().map(SearchWarning::to_issue).collect(),
        ..OperationOutcome::default()
    })
}

fn issue(
    severity: IssueSeverity,
    code: IssueType,
    diagnostics: String,
    parameter: Option<&str>,
) -> OperationOutcomeIssue {
    OperationOutcomeIssue {
        severity: Some(Primitive::new(severity)),
        code: Some(Primitive::new(code)),
        diagnostics: Some(Primitive::new(diagnostics)),
        location: parameter
            .map(|parameter| Primitive::new(format!("http.{parameter}")))
            .into_iter()
            .collect(),
        ..OperationOutcomeIssue::default()
    }
}
