//! In-memory matching of a parsed [`Search`] against resources, and the
//! `_sort` order.
//!
//! [`Matcher::matches`] tests one resource with the values that
//! [`extract`] yields for each parameter. Chains and
//! `_has` need other resources, which the caller provides through a
//! [`Resolver`]; [`MemoryResolver`] serves a slice of resources.
//!
//! # Comparison rules
//!
//! - **Dates.** The search value and the resource value are both ranges: a
//!   search value covers its precision (`2010-01` is
//!   [2010-01-01, 2010-02-01)), and a resource value covers its own
//!   precision or Period. Bounds without a zone are read at the matcher's
//!   local offset (UTC by default). With search range [s, e) and resource
//!   range [rs, re): `eq` needs s ≤ rs and re ≤ e (the search range contains
//!   the resource range); `ne` is not `eq`; `gt` needs re > e; `lt` needs
//!   rs < s; `ge` is `gt` or `eq`; `le` is `lt` or `eq`; `sa` needs rs ≥ e;
//!   `eb` needs re ≤ s; `ap` needs the ranges to overlap. So `ge2010-01`
//!   matches a birthDate of `2010-01-15` (contained), a birthDate of `2010`
//!   (its range goes past the end of January 2010) and not `2009-12-31`.
//! - **Numbers and quantities.** `eq` and `ne` use the implicit range of the
//!   search value's written precision, with exact decimals: `100` is
//!   [99.5, 100.5) and `100.00` is [99.995, 100.005). `gt`, `lt`, `ge`, `le`,
//!   `sa` and `eb` compare with the written value exactly (`sa` as `gt`, `eb`
//!   as `lt`), and `ap` accepts values within 10% of it. A resource Range is
//!   an interval: `eq` needs it inside the implicit range, `gt` needs its
//!   high end (or an open one) above the value, and so on. A quantity
//!   comparator in the resource (`<5`) is ignored.
//! - **Quantity units.** `number|system|code` needs the same system and
//!   code; `number||code` matches `Quantity.code` or `Quantity.unit`; a
//!   plain number matches any unit. Units are not converted.
//! - **Strings.** Both texts are lower-cased and stripped of accents
//!   ([`normalize`]). Without a modifier the resource value must start with
//!   the search value, and with `:contains` it must contain it. `:exact`
//!   compares the text as written.
//! - **Tokens.** Codes and systems compare exactly. `:not` matches resources
//!   without any value equal to one of the alternatives, including those
//!   with no value at all. `:text` matches when the display or text, or one
//!   of its words, starts with the search text (normalized). `:in`,
//!   `:not-in`, `:above` and `:below` ask the [`Resolver`] about the value
//!   set or code hierarchy.
//! - **References.** `id` matches any type with that id, `Type/id` also the
//!   type, and `Type/id/_history/v` also the version. References in
//!   resources that are absolute URLs on the server's base count as
//!   relative; those on other servers match only an equal absolute search
//!   value. References to contained resources (`#id`) never match an id.
//! - `_text` and `_content` match when the narrative, or any string in the
//!   resource, contains the search text (normalized).

mod compare;
mod resolver;
mod sort;

use chrono::{DateTime, FixedOffset, Offset, Utc};

use crate::r4::{Resource, ResourceType};
use crate::search::extract::{self, IndexValue, UNSUPPORTED_EXPRESSIONS, normalize};
use crate::search::query::{Criterion, Link, Modifier, Search, SearchOptions, SearchValue};
use crate::search::registry::{SearchParamDef, SearchParamType, search_parameter};

pub use resolver::{MemoryResolver, Resolver};
pub use sort::SortOrder;

/// A search that could not be evaluated. Matching never returns an empty
/// result in place of one of these.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MatchError {
    /// A chain or `_has` was evaluated without a [`Resolver`].
    #[error(
        "search parameter `{parameter}` follows references; pass a Resolver with Matcher::with_resolver"
    )]
    NeedsResolver {
        /// The criterion's name.
        parameter: String,
    },
    /// The parameter's FHIRPath expression is not compiled for this type,
    /// so its values are unknown.
    #[error("search parameter `{parameter}` cannot be evaluated on {resource_type}: {reason}")]
    UnsupportedExpression {
        /// The criterion's name.
        parameter: String,
        /// The resource type.
        resource_type: String,
        /// The reason the build gives for not compiling the expression.
        reason: String,
    },
    /// A value set or code hierarchy that the resolver has no data for.
    #[error(
        "search parameter `{parameter}` needs terminology that the resolver does not have: {value}"
    )]
    TerminologyUnavailable {
        /// The criterion's name.
        parameter: String,
        /// The value set URL or code.
        value: String,
    },
    /// A number whose implicit range does not fit an exact decimal.
    #[error(
        "number `{value}` of search parameter `{parameter}` cannot be compared exactly: {reason}"
    )]
    NumberOutOfRange {
        /// The criterion's name.
        parameter: String,
        /// The number as written.
        value: String,
        /// The reason the number does not fit.
        reason: String,
    },
    /// A parameter or modifier that matching does not evaluate.
    #[error("search parameter `{parameter}` is not supported in matching: {reason}")]
    NotSupported {
        /// The criterion's name.
        parameter: String,
        /// The missing capability.
        reason: String,
    },
}

/// Tests resources against searches.
#[derive(Clone, Copy)]
pub struct Matcher<'a> {
    base_url: Option<&'a str>,
    local_offset: FixedOffset,
    resolver: Option<&'a dyn Resolver>,
    /// The current time, from which the `ap` prefix on dates measures its
    /// tolerance.
    now: DateTime<Utc>,
}

impl std::fmt::Debug for Matcher<'_> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Matcher")
            .field("base_url", &self.base_url)
            .field("local_offset", &self.local_offset)
            .field("resolver", &self.resolver.is_some())
            .field("now", &self.now)
            .finish()
    }
}

impl<'a> Matcher<'a> {
    /// Creates a matcher with the base URL of `options`, UTC for values
    /// without a zone, no resolver, and the system clock's current time.
    pub fn new(options: &'a SearchOptions) -> Self {
        Self {
            base_url: options.base_url(),
            local_offset: chrono::Utc.fix(),
            resolver: None,
            now: DateTime::<Utc>::from(std::time::SystemTime::now()),
        }
    }

    /// Sets the current time. `date=ap2020-01-01` matches dates within 10%
    /// of the time between the searched date and now, as the R4 search page
    /// recommends, so a fixed time makes such matches repeatable.
    pub fn with_now(mut self, now: DateTime<Utc>) -> Self {
        self.now = now;
        self
    }

    /// Sets the resolver for chains, `_has`, `_list` and terminology.
    pub fn with_resolver(mut self, resolver: &'a dyn Resolver) -> Self {
        self.resolver = Some(resolver);
        self
    }

    /// Sets the zone in which dates and times without a zone are read, in
    /// both the search and the resources.
    pub fn with_local_offset(mut self, local_offset: FixedOffset) -> Self {
        self.local_offset = local_offset;
        self
    }

    /// Returns whether `resource` matches every criterion of `search`. A
    /// resource of a type that the search does not cover does not match.
    ///
    /// # Errors
    ///
    /// Returns a [`MatchError`] when a criterion cannot be evaluated: a chain
    /// without a resolver, a parameter whose expression is not compiled for
    /// the resource's type, terminology the resolver has no data for, or a
    /// number too precise for exact decimals.
    pub fn matches(&self, search: &Search, resource: &Resource) -> Result<bool, MatchError> {
        let resource_type = resource.resource_type();
        let covered = match search.resource_type {
            Some(searched) => searched == resource_type,
            None => search.types.is_empty() || search.types.contains(&resource_type),
        };
        if !covered {
            return Ok(false);
        }
        for criterion in &search.criteria {
            if !self.criterion_matches(criterion, &criterion.links, resource)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Returns the resources that match `search`, in their original order.
    ///
    /// # Errors
    ///
    /// Returns the first [`MatchError`] of [`Matcher::matches`].
    pub fn filter<'r>(
        &self,
        search: &Search,
        resources: impl IntoIterator<Item = &'r Resource>,
    ) -> Result<Vec<&'r Resource>, MatchError> {
        let mut matching = Vec::new();
        for resource in resources {
            if self.matches(search, resource)? {
                matching.push(resource);
            }
        }
        Ok(matching)
    }

    fn criterion_matches(
        &self,
        criterion: &Criterion,
        links: &[Link],
        resource: &Resource,
    ) -> Result<bool, MatchError> {
        let Some((link, rest)) = links.split_first() else {
            return self.parameter_matches(criterion, resource);
        };
        let resolver = self.resolver.ok_or_else(|| MatchError::NeedsResolver {
            parameter: criterion.name(),
        })?;

        match *link {
            Link::Chain { param, target } => {
                let Some(def) = search_parameter(resource.resource_type().as_str(), param.code)
                else {
                    return Ok(false);
                };
                for value in extract::extract(resource, def) {
                    let IndexValue::Reference(reference) = value else {
                        continue;
                    };
                    if !compare::is_local_reference(&reference, self.base_url) {
                        continue;
                    }
                    let (Some(found_type), Some(id)) = (reference.resource_type, &reference.id)
                    else {
                        continue;
                    };
                    if found_type != target {
                        continue;
                    }
                    if let Some(next) = resolver.resolve(target, id) {
                        if self.criterion_matches(criterion, rest, next)? {
                            return Ok(true);
                        }
                    }
                }
                Ok(false)
            }
            Link::Has { source, param } => {
                let Some(id) = resource.id() else {
                    return Ok(false);
                };
                for referring in
                    resolver.referencing(source, param, resource.resource_type(), id.as_str())
                {
                    if self.criterion_matches(criterion, rest, referring)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
        }
    }

    /// Tests the criterion's parameter itself, after any links.
    fn parameter_matches(
        &self,
        criterion: &Criterion,
        resource: &Resource,
    ) -> Result<bool, MatchError> {
        let resource_type = resource.resource_type();
        let code = criterion.param.code;
        match code {
            "_list" => return self.list_matches(criterion, resource),
            "_text" | "_content" | "near" => return compare::json_matches(criterion, resource),
            _ => {}
        }
        let Some(def) = search_parameter(resource_type.as_str(), code) else {
            return Ok(false);
        };
        if def.param_type == SearchParamType::Special {
            return Err(MatchError::NotSupported {
                parameter: criterion.name(),
                reason: "special parameters other than _list, _text, _content and near".to_owned(),
            });
        }
        check_compiled(criterion, def, resource_type)?;
        let values = extract::extract(resource, def);

        match criterion.modifier {
            Some(Modifier::Missing) => Ok(criterion.values.iter().any(|alternative| {
                matches!(alternative, SearchValue::Missing(missing) if *missing == values.is_empty())
            })),
            Some(Modifier::Not | Modifier::NotIn) => {
                for value in &values {
                    for alternative in &criterion.values {
                        if self.value_matches(criterion, alternative, value)? {
                            return Ok(false);
                        }
                    }
                }
                Ok(true)
            }
            _ => {
                for value in &values {
                    for alternative in &criterion.values {
                        if self.value_matches(criterion, alternative, value)? {
                            return Ok(true);
                        }
                    }
                }
                Ok(false)
            }
        }
    }

    /// Tests one resource value against one alternative. For `:not` and
    /// `:not-in` this is the positive test, which the caller negates.
    fn value_matches(
        &self,
        criterion: &Criterion,
        alternative: &SearchValue,
        value: &IndexValue,
    ) -> Result<bool, MatchError> {
        let context = compare::Context {
            criterion,
            base_url: self.base_url,
            local_offset: self.local_offset,
            resolver: self.resolver,
            now: self.now,
        };
        compare::value_matches(&context, criterion.modifier, alternative, value)
    }

    fn list_matches(&self, criterion: &Criterion, resource: &Resource) -> Result<bool, MatchError> {
        let resolver = self.resolver.ok_or_else(|| MatchError::NeedsResolver {
            parameter: criterion.name(),
        })?;
        let Some(id) = resource.id() else {
            return Ok(false);
        };
        let resource_type = resource.resource_type();
        for alternative in &criterion.values {
            let SearchValue::Special(list_id) = alternative else {
                continue;
            };
            let Some(members) = resolver.list_members(list_id) else {
                continue;
            };
            if members.iter().any(|(member_type, member_id)| {
                *member_type == resource_type && member_id == id.as_str()
            }) {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// Rejects a parameter whose expression the build did not compile for
/// `resource_type`, because its values would silently be empty.
fn check_compiled(
    criterion: &Criterion,
    def: &SearchParamDef,
    resource_type: ResourceType,
) -> Result<(), MatchError> {
    let unsupported = UNSUPPORTED_EXPRESSIONS
        .iter()
        .find(|entry| entry.url == def.url && entry.resource_type == resource_type.as_str());
    match unsupported {
        Some(entry) => Err(MatchError::UnsupportedExpression {
            parameter: criterion.name(),
            resource_type: resource_type.as_str().to_owned(),
            reason: entry.reason.to_owned(),
        }),
        None => Ok(()),
    }
}

/// Returns the normalized form of a search text, as string search compares.
pub(crate) fn normalized(text: &str) -> String {
    normalize(text)
}
