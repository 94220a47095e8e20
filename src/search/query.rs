//! Parsing of FHIR R4 search queries (`GET [base]/Patient?name=smith`,
//! `POST [base]/Patient/_search`, system search `GET [base]?_type=…`).
//!
//! [`Search::parse`] reads a query string and [`Search::parse_post`] a query
//! string plus a form body. Both give a [`Search`]: the criteria (ANDed, each
//! with ORed typed values), `_include`/`_revinclude`, and the result
//! parameters. [`Search::to_query_string`] writes the canonical form for the
//! self link, and parsing it again gives an equal [`Search`].
//!
//! # Reading the query
//!
//! - The query is read as ordered `name=value` pairs and percent-decoded as
//!   `application/x-www-form-urlencoded`, so `+` is a space. Bytes that are
//!   not UTF-8 after decoding become U+FFFD.
//! - Inside a value, `\,` `\|` `\$` and `\\` are FHIR escapes. A comma
//!   without a backslash separates alternatives (OR), also when it was sent
//!   as `%2C`: percent-encoding does not escape it. A repeated parameter
//!   adds a criterion (AND).
//! - A parameter with an empty value (`name=`), and an empty alternative
//!   (`name=a,,b`), is ignored, as the R4 search page requires.
//! - Prefixes (`eq ne gt lt ge le sa eb ap`) are read only for number, date
//!   and quantity parameters: `name=ltSmith` is the string `ltSmith`, and
//!   `-5` is a negative number.
//! - `_format` and `_pretty` are accepted and ignored: they choose the
//!   representation, not the result, and are left out of the self link.
//! - `_include=*` and `_include=Type:*` expand to one [`Include`] per
//!   reference parameter of the type. `_revinclude` needs a type
//!   (`_revinclude=Observation:*`), so `*` or `:*` alone is an error. An
//!   `_include` without `:iterate` must start from the searched type.
//! - A chain without a type (`subject.name`) resolves when exactly one of
//!   the reference's target types defines the chained parameter, and is an
//!   error that asks for a type (`subject:Patient.name`) when several do.
//!
//! # Handling of unknown parameters
//!
//! [`Handling::Lenient`] (the default, as for `Prefer: handling=lenient`)
//! drops an unknown parameter, an `_include` or `_sort` that names an
//! unknown parameter, and `_filter`/`_query`, each with a
//! [`SearchWarning::Ignored`]; dropped parameters are not in the self link.
//! [`Handling::Strict`] rejects them with the [`SearchError`]. Malformed
//! values, unknown modifiers and modifiers that do not fit the parameter's
//! type are errors in both modes.
//!
//! # A `+` in a date
//!
//! A client that writes `date=2024-07-08T20:47:12+03:30` unencoded sends a
//! space in place of the `+`. The parser restores the `+` when the value has
//! the shape `…Thh:mm[:ss[.fff]] hh:mm`, where the space can mean nothing
//! else, and rejects any other space in a date with an error that asks for
//! `%2B`. See [`SearchDate`].

mod date;
mod error;
mod escape;
mod link;
mod modifier;
mod name;
mod result;
mod value;

use std::borrow::Cow;

use url::form_urlencoded;

use crate::r4::ResourceType;
use crate::search::registry::SearchParamDef;

pub use date::{SearchDate, SearchDatePrecision};
pub use error::{SearchError, SearchWarning, warnings_to_operation_outcome};
pub use modifier::Modifier;
pub use result::{Contained, ContainedType, Summary, Total};
pub use value::{
    NearValue, OfTypeValue, Prefix, QuantityValue, ReferenceValue, SearchValue, TokenSystem,
    TokenValue,
};

use error::shown;
use escape::split_unescaped;
use name::{Scope, resolve_name};
use value::{ValueContext, parse_value};

/// Whether parameters that the server does not know are errors or warnings,
/// as a client asks with `Prefer: handling=strict` or `handling=lenient`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Handling {
    /// Unknown parameters are ignored with a warning.
    #[default]
    Lenient,
    /// Unknown parameters are errors.
    Strict,
}

impl Handling {
    /// Reads the `handling` preference from the value of a `Prefer` header
    /// (`return=minimal, handling=strict`). Returns `None` when the header
    /// has no valid `handling` preference.
    pub fn from_prefer_header(value: &str) -> Option<Self> {
        value
            .split([',', ';'])
            .filter_map(|preference| preference.split_once('='))
            .find(|(name, _)| name.trim().eq_ignore_ascii_case("handling"))
            .and_then(|(_, value)| match value.trim().trim_matches('"') {
                text if text.eq_ignore_ascii_case("strict") => Some(Self::Strict),
                text if text.eq_ignore_ascii_case("lenient") => Some(Self::Lenient),
                _ => None,
            })
    }
}

/// Server settings that parsing depends on.
#[derive(Clone, Debug, Default)]
pub struct SearchOptions {
    base_url: Option<String>,
    handling: Handling,
    max_count: Option<u32>,
}

impl SearchOptions {
    /// Creates options with no base URL, lenient handling and no `_count`
    /// maximum.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the server's base URL (`https://payer.example.org/fhir`). A
    /// reference value that starts with it followed by `/` is read as the
    /// relative reference after it, so `https://payer.example.org/fhir/Patient/1`
    /// equals `Patient/1`. A trailing `/` is ignored.
    pub fn with_base_url(mut self, base_url: &str) -> Self {
        self.base_url = Some(base_url.trim_end_matches('/').to_owned());
        self
    }

    /// Sets strict or lenient handling.
    pub fn with_handling(mut self, handling: Handling) -> Self {
        self.handling = handling;
        self
    }

    /// Sets the largest page size. A larger `_count` is lowered to it with a
    /// [`SearchWarning::CountClamped`].
    pub fn with_max_count(mut self, max_count: u32) -> Self {
        self.max_count = Some(max_count);
        self
    }

    /// Returns the base URL without a trailing `/`.
    pub fn base_url(&self) -> Option<&str> {
        self.base_url.as_deref()
    }

    /// Returns the handling mode.
    pub fn handling(&self) -> Handling {
        self.handling
    }

    /// Returns the largest page size, if any.
    pub fn max_count(&self) -> Option<u32> {
        self.max_count
    }
}

/// A step from one resource type to another before the parameter that is
/// tested.
#[derive(Clone, Copy, Debug)]
pub enum Link {
    /// A forward chain, `param:Target.` in the name: follow the reference
    /// parameter `param` to resources of type `target`.
    Chain {
        /// The reference parameter.
        param: &'static SearchParamDef,
        /// The type the reference must point at.
        target: ResourceType,
    },
    /// A reverse chain, `_has:Source:param:` in the name: resources of type
    /// `source` whose reference parameter `param` points at the resource.
    Has {
        /// The type of the referring resources.
        source: ResourceType,
        /// The reference parameter of `source`.
        param: &'static SearchParamDef,
    },
}

impl PartialEq for Link {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (
                Self::Chain {
                    param: a,
                    target: x,
                },
                Self::Chain {
                    param: b,
                    target: y,
                },
            )
            | (
                Self::Has {
                    param: a,
                    source: x,
                },
                Self::Has {
                    param: b,
                    source: y,
                },
            ) => std::ptr::eq(*a, *b) && x == y,
            _ => false,
        }
    }
}

impl Eq for Link {}

/// One search criterion: a parameter, possibly reached through chains, with
/// alternatives that are ORed. Criteria of a [`Search`] are ANDed.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Criterion {
    /// Chains and reverse chains, in order, from the searched type.
    pub links: Vec<Link>,
    /// The parameter that is tested, as defined for the type at the end of
    /// the links. In a search over several types, the definition of the
    /// first type; the others agree on its type.
    pub param: &'static SearchParamDef,
    /// The modifier of the tested parameter.
    pub modifier: Option<Modifier>,
    /// The alternatives, at least one.
    pub values: Vec<SearchValue>,
}

impl PartialEq for Criterion {
    fn eq(&self, other: &Self) -> bool {
        self.links == other.links
            && std::ptr::eq(self.param, other.param)
            && self.modifier == other.modifier
            && self.values == other.values
    }
}

impl Eq for Criterion {}

impl Criterion {
    /// Returns the canonical parameter name: `name:exact`,
    /// `subject:Patient.name`, `_has:Observation:subject:code`.
    pub fn name(&self) -> String {
        let mut name = String::new();
        for link in &self.links {
            match link {
                Link::Chain { param, target } => {
                    name.push_str(param.code);
                    name.push(':');
                    name.push_str(target.as_str());
                    name.push('.');
                }
                Link::Has { source, param } => {
                    name.push_str("_has:");
                    name.push_str(source.as_str());
                    name.push(':');
                    name.push_str(param.code);
                    name.push(':');
                }
            }
        }
        name.push_str(self.param.code);
        if let Some(modifier) = self.modifier {
            name.push(':');
            name.push_str(&modifier.to_string());
        }
        name
    }
}

/// An `_include` or `_revinclude` entry.
#[derive(Clone, Copy, Debug)]
pub struct Include {
    /// `:iterate` (or its older name `:recurse`): apply to included
    /// resources too.
    pub iterate: bool,
    /// The type whose reference parameter is followed.
    pub source: ResourceType,
    /// The reference parameter.
    pub param: &'static SearchParamDef,
    /// The only target type to include, when given.
    pub target: Option<ResourceType>,
}

impl PartialEq for Include {
    fn eq(&self, other: &Self) -> bool {
        self.iterate == other.iterate
            && self.source == other.source
            && std::ptr::eq(self.param, other.param)
            && self.target == other.target
    }
}

impl Eq for Include {}

/// One `_sort` key.
#[derive(Clone, Copy, Debug)]
pub struct SortKey {
    /// The parameter to sort by.
    pub param: &'static SearchParamDef,
    /// `-` before the name: highest first.
    pub descending: bool,
}

impl PartialEq for SortKey {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.param, other.param) && self.descending == other.descending
    }
}

impl Eq for SortKey {}

/// A parsed search.
///
/// The criteria are ordered by [`Criterion::name`], keeping the order of
/// criteria with the same name, so that equal searches written in different
/// orders compare equal and give the same self link.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Search {
    /// The searched type, or `None` for a search across all types.
    pub resource_type: Option<ResourceType>,
    /// The types of `_type` in a search across all types; empty for all.
    pub types: Vec<ResourceType>,
    /// The criteria, all of which must match.
    pub criteria: Vec<Criterion>,
    /// The `_include` entries, in the order given.
    pub includes: Vec<Include>,
    /// The `_revinclude` entries, in the order given.
    pub revincludes: Vec<Include>,
    /// The `_sort` keys, most significant first.
    pub sort: Vec<SortKey>,
    /// The page size from `_count`, after clamping to the server maximum.
    pub count: Option<u32>,
    /// `_summary`.
    pub summary: Option<Summary>,
    /// The element names of `_elements`.
    pub elements: Vec<String>,
    /// `_total`.
    pub total: Option<Total>,
    /// `_contained`.
    pub contained: Option<Contained>,
    /// `_containedType`.
    pub contained_type: Option<ContainedType>,
    /// The parameters that the parser ignored or changed; see
    /// [`warnings_to_operation_outcome`].
    pub warnings: Vec<SearchWarning>,
}

impl Search {
    /// Parses the query string of a search on `resource_type`, or of a
    /// search across all types when it is `None`. A leading `?` is skipped.
    ///
    /// # Errors
    ///
    /// Returns a [`SearchError`] for each parameter that fails: a malformed
    /// value, an unknown or misplaced modifier, an ambiguous or invalid
    /// chain, a malformed `_include`, or in strict handling an unknown
    /// parameter. One failure is returned as itself and more as
    /// [`SearchError::Several`], in query order. The module documentation
    /// lists the rules.
    pub fn parse(
        resource_type: Option<ResourceType>,
        query: &str,
        options: &SearchOptions,
    ) -> Result<Self, SearchError> {
        let query = query.strip_prefix('?').unwrap_or(query);
        let pairs: Vec<_> = form_urlencoded::parse(query.as_bytes()).collect();
        Parser::new(resource_type, options).run(&pairs)
    }

    /// Parses a `POST [base]/[type]/_search` (or `POST [base]/_search`)
    /// request: the parameters of the URL's query string and of the body
    /// both apply, ANDed, as if they were one query.
    ///
    /// `content_type` is the request's `Content-Type` header, which must be
    /// `application/x-www-form-urlencoded`, optionally with
    /// `charset=utf-8`.
    ///
    /// # Errors
    ///
    /// Returns [`SearchError::UnsupportedContentType`] for another content
    /// type or charset, and otherwise the errors of [`Search::parse`].
    pub fn parse_post(
        resource_type: Option<ResourceType>,
        url_query: &str,
        content_type: &str,
        body: &[u8],
        options: &SearchOptions,
    ) -> Result<Self, SearchError> {
        if !is_form_content_type(content_type) {
            return Err(SearchError::UnsupportedContentType {
                content_type: shown(content_type),
            });
        }
        let url_query = url_query.strip_prefix('?').unwrap_or(url_query);
        let pairs: Vec<_> = form_urlencoded::parse(url_query.as_bytes())
            .chain(form_urlencoded::parse(body))
            .collect();
        Parser::new(resource_type, options).run(&pairs)
    }

    /// Returns whether the client asked for the total only (`_count=0` or
    /// `_summary=count`): the searchset then has `total` and no entries or
    /// paging links.
    pub fn wants_total_only(&self) -> bool {
        self.count == Some(0) || self.summary == Some(Summary::Count)
    }
}

/// Returns whether a `Content-Type` value is form encoding in UTF-8.
fn is_form_content_type(content_type: &str) -> bool {
    let mut parts = content_type.split(';');
    let media_type = parts.next().unwrap_or_default().trim();
    if !media_type.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        return false;
    }
    parts.all(|parameter| match parameter.split_once('=') {
        Some((name, value)) if name.trim().eq_ignore_ascii_case("charset") => {
            let value = value.trim().trim_matches('"');
            value.eq_ignore_ascii_case("utf-8") || value.eq_ignore_ascii_case("utf8")
        }
        _ => true,
    })
}

/// The state of one parse.
struct Parser<'a> {
    options: &'a SearchOptions,
    search: Search,
    /// Result parameters already seen, to reject repeats.
    seen: Vec<&'static str>,
}

impl<'a> Parser<'a> {
    fn new(resource_type: Option<ResourceType>, options: &'a SearchOptions) -> Self {
        Self {
            options,
            search: Search {
                resource_type,
                types: Vec::new(),
                criteria: Vec::new(),
                includes: Vec::new(),
                revincludes: Vec::new(),
                sort: Vec::new(),
                count: None,
                summary: None,
                elements: Vec::new(),
                total: None,
                contained: None,
                contained_type: None,
                warnings: Vec::new(),
            },
            seen: Vec::new(),
        }
    }

    /// Parses every pair, collecting the error of each parameter that fails
    /// so that the client learns of all of them at once.
    fn run(mut self, pairs: &[(Cow<'_, str>, Cow<'_, str>)]) -> Result<Search, SearchError> {
        let mut errors = Vec::new();
        // `_type` sets the scope of every other parameter, so it goes first.
        for (name, value) in pairs {
            if name == "_type" && !value.is_empty() {
                if let Err(error) = self.parse_type(value) {
                    errors.push(error);
                }
            }
        }
        let resource_type = self.search.resource_type;
        // An empty Vec does not allocate, so a type search copies nothing.
        let system_types = if resource_type.is_none() {
            self.search.types.clone()
        } else {
            Vec::new()
        };
        let scope = match resource_type.as_ref() {
            Some(searched) => Scope::Types(std::slice::from_ref(searched)),
            None if system_types.is_empty() => Scope::All,
            None => Scope::Types(&system_types),
        };

        for (name, value) in pairs {
            if value.is_empty() || name == "_type" {
                continue;
            }
            if let Err(error) = self.parse_pair(name, value, &scope) {
                errors.push(error);
            }
        }
        if let Some(error) = SearchError::combine(errors) {
            return Err(error);
        }

        if self.search.criteria.len() > 1 {
            self.search.criteria.sort_by_cached_key(Criterion::name);
        }
        Ok(self.search)
    }

    /// Parses one `name=value` pair other than `_type`.
    fn parse_pair(
        &mut self,
        name: &str,
        value: &str,
        scope: &Scope<'_>,
    ) -> Result<(), SearchError> {
        let (base_name, modifier) = match name.split_once(':') {
            Some((base, modifier)) => (base, Some(modifier)),
            None => (name, None),
        };
        match base_name {
            "_format" | "_pretty" => Ok(()),
            "_filter" | "_query" => self.soft(SearchError::NotSupported {
                parameter: shown(name),
            }),
            "_include" | "_revinclude" => {
                self.parse_include(name, base_name == "_revinclude", modifier, value, scope)
            }
            "_sort" | "_count" | "_summary" | "_elements" | "_total" | "_contained"
            | "_containedType" => {
                self.parse_result_parameter(name, base_name, modifier, value, scope)
            }
            _ => self.parse_criterion(name, value, scope),
        }
    }

    /// Records `error` as a warning in lenient handling, or returns it in
    /// strict handling.
    fn soft(&mut self, error: SearchError) -> Result<(), SearchError> {
        match self.options.handling {
            Handling::Strict => Err(error),
            Handling::Lenient => {
                self.search.warnings.push(SearchWarning::Ignored(error));
                Ok(())
            }
        }
    }

    fn parse_type(&mut self, value: &str) -> Result<(), SearchError> {
        if self.search.resource_type.is_some() {
            // On a type, `_type` has no meaning; treat it as unknown.
            return self.soft(SearchError::UnknownParameter {
                parameter: "_type".to_owned(),
                scope: self
                    .search
                    .resource_type
                    .map_or("all resource types", ResourceType::as_str)
                    .to_owned(),
            });
        }
        self.check_once("_type")?;
        for name in split_unescaped(value, b',') {
            if name.is_empty() {
                continue;
            }
            let resource_type =
                ResourceType::from_name(name).ok_or_else(|| SearchError::InvalidValue {
                    parameter: "_type".to_owned(),
                    value: shown(name),
                    expected: "a resource type such as Patient".to_owned(),
                })?;
            if !self.search.types.contains(&resource_type) {
                self.search.types.push(resource_type);
            }
        }
        Ok(())
    }

    /// Rejects a second occurrence of a result parameter.
    fn check_once(&mut self, parameter: &'static str) -> Result<(), SearchError> {
        if self.seen.contains(&parameter) {
            return Err(SearchError::Repeated {
                parameter: parameter.to_owned(),
            });
        }
        self.seen.push(parameter);
        Ok(())
    }

    fn parse_criterion(
        &mut self,
        name: &str,
        value: &str,
        scope: &Scope<'_>,
    ) -> Result<(), SearchError> {
        let resolved = match resolve_name(name, name, scope) {
            Ok(resolved) => resolved,
            Err(error @ SearchError::UnknownParameter { .. }) => return self.soft(error),
            Err(error) => return Err(error),
        };

        let context = ValueContext {
            base_url: self.options.base_url(),
        };
        let mut values = Vec::new();
        for alternative in split_unescaped(value, b',') {
            if alternative.is_empty() {
                continue;
            }
            let parsed = parse_value(alternative, resolved.param, resolved.modifier, &context)
                .map_err(|expected| SearchError::InvalidValue {
                    parameter: shown(name),
                    value: shown(alternative),
                    expected,
                })?;
            values.push(parsed);
        }
        if values.is_empty() {
            return Ok(());
        }
        self.search.criteria.push(Criterion {
            links: resolved.links,
            param: resolved.param,
            modifier: resolved.modifier,
            values,
        });
        Ok(())
    }
}
