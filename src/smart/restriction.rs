//! SMART 2 query restrictions: the `?param=value&...` part of a scope.
//!
//! A restriction narrows a scope to the resources that the same search
//! would return. Only plain filter parameters are accepted: a modifier, a
//! chain, a result parameter or a missing value rejects the whole scope,
//! because ignoring the restriction would grant more than was asked.

use std::fmt::{self, Write as _};

use crate::r4::{Resource, ResourceType};
use crate::search::extract::{IndexValue, ReferenceValue, extract_by_code, normalize};
use crate::search::registry::{self, SearchParamType};
use crate::smart::error::RestrictionProblem;

/// The parameters starting with `_` that select resources and may appear in
/// a restriction. Every other `_` parameter controls the result (`_count`,
/// `_include`), joins other resources (`_has`) or needs a search engine
/// feature (`_filter`, `_text`).
const FILTER_UNDERSCORE_PARAMS: [&str; 6] = [
    "_id",
    "_lastUpdated",
    "_tag",
    "_profile",
    "_security",
    "_source",
];

/// The filter of a restricted scope: every parameter must match (AND).
///
/// Parameters are kept sorted by name, so two restrictions that list the
/// same items in a different order are equal and display the same.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QueryRestriction {
    params: Vec<RestrictionParam>,
}

/// One `param=value` item of a restriction: the resource matches when any
/// of the comma-separated values matches (OR).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RestrictionParam {
    name: String,
    param_type: SearchParamType,
    values: Vec<RestrictionValue>,
}

/// One value of a restriction item.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RestrictionValue {
    /// A token parameter's value, split at the first `|`.
    Token {
        /// The code system: `None` when no `|` was given (any system),
        /// `Some("")` for `|code` (no system).
        system: Option<String>,
        /// The code: `None` for `system|` (any code of the system).
        code: Option<String>,
    },
    /// The value of any other parameter type, as written.
    Text(String),
}

impl QueryRestriction {
    /// Parses the text after `?` for a scope on `resource_type` (`None` for
    /// `*`, where only parameters defined on every resource are accepted).
    ///
    /// # Errors
    ///
    /// Returns a [`RestrictionProblem`] for an empty item, a parameter with
    /// no value, a modifier, a chain, a result or control parameter, a
    /// parameter that R4 does not define for the type, or a composite or
    /// special parameter.
    pub fn parse(
        query: &str,
        resource_type: Option<ResourceType>,
    ) -> Result<Self, RestrictionProblem> {
        let mut params = Vec::new();
        for item in query.split('&') {
            params.push(parse_item(item, resource_type)?);
        }
        params.sort_by(|a, b| (&a.name, &a.values).cmp(&(&b.name, &b.values)));
        Ok(QueryRestriction { params })
    }

    /// Returns the items, sorted by parameter name.
    pub fn params(&self) -> &[RestrictionParam] {
        &self.params
    }

    /// Returns whether `resource` matches every item of the restriction, using the
    /// values [`extract_by_code`] finds for each parameter.
    pub(crate) fn matches(&self, resource: &Resource) -> bool {
        self.params.iter().all(|param| {
            let found = extract_by_code(resource, &param.name);
            param
                .values
                .iter()
                .any(|value| found.iter().any(|index_value| value.matches(index_value)))
        })
    }

    /// Returns the restriction as search parameters to AND into a search, with each
    /// value in its query form (`system|code`, comma-separated alternatives).
    pub fn to_search_params(&self) -> Vec<(String, String)> {
        self.params
            .iter()
            .map(|param| (param.name.clone(), param.value_text()))
            .collect()
    }
}

impl fmt::Display for QueryRestriction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, param) in self.params.iter().enumerate() {
            if index > 0 {
                f.write_char('&')?;
            }
            write!(f, "{}={}", param.name, param.value_text())?;
        }
        Ok(())
    }
}

impl RestrictionParam {
    /// Returns the search parameter code (`category`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Returns the parameter's type in the R4 definitions.
    pub fn param_type(&self) -> SearchParamType {
        self.param_type
    }

    /// Returns the alternative values; at least one.
    pub fn values(&self) -> &[RestrictionValue] {
        &self.values
    }

    fn value_text(&self) -> String {
        let mut text = String::new();
        for (index, value) in self.values.iter().enumerate() {
            if index > 0 {
                text.push(',');
            }
            // Writing to a String cannot fail.
            let _ = write!(text, "{value}");
        }
        text
    }
}

impl fmt::Display for RestrictionValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RestrictionValue::Token { system: None, code } => {
                f.write_str(code.as_deref().unwrap_or_default())
            }
            RestrictionValue::Token {
                system: Some(system),
                code,
            } => {
                write!(f, "{system}|{}", code.as_deref().unwrap_or_default())
            }
            RestrictionValue::Text(text) => f.write_str(text),
        }
    }
}

impl RestrictionValue {
    /// Returns whether a value extracted from a resource matches, with the default
    /// (modifier-free) search semantics of the parameter's type.
    fn matches(&self, found: &IndexValue) -> bool {
        match (self, found) {
            (RestrictionValue::Token { system, code }, IndexValue::Token(token)) => {
                let system_matches = match system.as_deref() {
                    None => true,
                    Some("") => token.system.is_none(),
                    Some(system) => token.system.as_deref() == Some(system),
                };
                system_matches
                    && code
                        .as_ref()
                        .is_none_or(|code| token.code.as_ref() == Some(code))
            }
            (RestrictionValue::Text(text), IndexValue::String(string)) => {
                string.normalized.starts_with(&normalize(text))
            }
            (RestrictionValue::Text(text), IndexValue::Uri(uri)) => text == uri,
            (RestrictionValue::Text(text), IndexValue::Reference(reference)) => {
                reference_matches(text, reference)
            }
            _ => false,
        }
    }
}

/// Returns whether the reference search value `text` (`Type/id`, a bare id or an
/// absolute URL) names the extracted reference.
fn reference_matches(text: &str, reference: &ReferenceValue) -> bool {
    if reference.reference.as_deref() == Some(text) {
        return true;
    }
    let Some(id) = reference.id.as_deref() else {
        return false;
    };
    match text.split_once('/') {
        None => text == id,
        Some((type_name, text_id)) => {
            reference
                .resource_type
                .is_some_and(|t| t.as_str() == type_name)
                && text_id == id
        }
    }
}

fn parse_item(
    item: &str,
    resource_type: Option<ResourceType>,
) -> Result<RestrictionParam, RestrictionProblem> {
    if item.is_empty() {
        return Err(RestrictionProblem::EmptyItem);
    }
    let (name, value) = match item.find('=') {
        Some(equals) => (&item[..equals], &item[equals + 1..]),
        None => (item, ""),
    };
    if name.is_empty() {
        return Err(RestrictionProblem::EmptyItem);
    }
    let param = || name.to_owned();
    if name.contains(':') {
        return Err(RestrictionProblem::Modifier { param: param() });
    }
    if name.contains('.') {
        return Err(RestrictionProblem::Chain { param: param() });
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(RestrictionProblem::InvalidName { param: param() });
    }
    if name.starts_with('_') && !FILTER_UNDERSCORE_PARAMS.contains(&name) {
        return Err(RestrictionProblem::NotAFilter { param: param() });
    }
    if value.is_empty() {
        return Err(RestrictionProblem::MissingValue { param: param() });
    }

    let type_name = resource_type.map_or("Resource", ResourceType::as_str);
    let Some(definition) = registry::search_parameter(type_name, name) else {
        let resource_type = resource_type.map_or_else(
            || "every resource type".to_owned(),
            |t| t.as_str().to_owned(),
        );
        return Err(RestrictionProblem::UnknownParameter {
            param: param(),
            resource_type,
        });
    };
    let param_type = definition.param_type;
    let unsupported = match param_type {
        SearchParamType::Token
        | SearchParamType::String
        | SearchParamType::Reference
        | SearchParamType::Uri => None,
        SearchParamType::Number => Some("number"),
        SearchParamType::Date => Some("date"),
        SearchParamType::Quantity => Some("quantity"),
        SearchParamType::Composite => Some("composite"),
        SearchParamType::Special => Some("special"),
    };
    if let Some(kind) = unsupported {
        return Err(RestrictionProblem::UnsupportedType {
            param: param(),
            kind,
        });
    }

    let mut values = Vec::new();
    for alternative in value.split(',') {
        values.push(parse_value(name, alternative, param_type)?);
    }
    Ok(RestrictionParam {
        name: name.to_owned(),
        param_type,
        values,
    })
}

fn parse_value(
    name: &str,
    text: &str,
    param_type: SearchParamType,
) -> Result<RestrictionValue, RestrictionProblem> {
    let missing = || RestrictionProblem::MissingValue {
        param: name.to_owned(),
    };
    if text.is_empty() {
        return Err(missing());
    }
    if param_type != SearchParamType::Token {
        return Ok(RestrictionValue::Text(text.to_owned()));
    }
    let Some(bar) = text.find('|') else {
        return Ok(RestrictionValue::Token {
            system: None,
            code: Some(text.to_owned()),
        });
    };
    let (system, code) = (&text[..bar], &text[bar + 1..]);
    if system.is_empty() && code.is_empty() {
        return Err(missing());
    }
    let code = (!code.is_empty()).then(|| code.to_owned());
    Ok(RestrictionValue::Token {
        system: Some(system.to_owned()),
        code,
    })
}
