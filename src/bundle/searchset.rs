//! Building one page of search results as a `searchset` Bundle.
//!
//! ```
//! use fhir_payer::bundle::SearchsetBuilder;
//! use fhir_payer::r4::{Patient, ResourceType};
//!
//! let patient = Patient { id: Some("p1".parse()?), ..Default::default() };
//! let params = [("family", "Nakamura"), ("_count", "50")];
//! let mut page = SearchsetBuilder::new("https://payer.test/fhir", ResourceType::Patient, params, 2)?;
//! page.total(Some(1));
//! page.push_match(patient.into(), None);
//! let bundle = page.build()?;
//! assert_eq!(bundle.entry.len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Paging
//!
//! Links page by offset: every link carries `_count` (the page size) and
//! `_offset` (the position of the page's first match among all matches,
//! starting at 0). Offsets need no server-side state, but a page can skip or
//! repeat a match when the results change between two requests. A server
//! that needs stable pages should hand out its own tokens instead and build
//! the links itself.

use std::collections::HashSet;

use crate::primitives::{Decimal, Primitive, UnsignedInt, Uri};
use crate::r4::{
    Bundle, BundleEntry, BundleEntrySearch, BundleLink, BundleType, OperationOutcome, Resource,
    ResourceType, SearchEntryMode,
};
use crate::search::projection::{Projection, project};
use crate::search::query::Summary;

/// The query parameter that carries the position of a page's first match.
pub const OFFSET_PARAM: &str = "_offset";

/// The query parameter that carries the page size.
pub const COUNT_PARAM: &str = "_count";

/// Parameters that start with `_` and are kept in paging links: the common
/// search parameters of R4 and the result parameters that shape every page.
/// `_count` and `_offset` are not listed because the builder sets them.
const KEPT_UNDERSCORE_PARAMS: &[&str] = &[
    // Search parameters defined for all resources.
    "_id",
    "_lastUpdated",
    "_tag",
    "_profile",
    "_security",
    "_source",
    "_text",
    "_content",
    "_list",
    "_has",
    "_type",
    "_query",
    "_filter",
    // Result parameters.
    "_include",
    "_revinclude",
    "_sort",
    "_summary",
    "_elements",
    "_total",
    "_contained",
    "_containedType",
    // Format parameters, so that every page comes in the format of the first.
    "_format",
    "_pretty",
];

/// An error building a searchset Bundle. Each variant names the value that
/// was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SearchsetError {
    /// The base URL is not an absolute `http` or `https` URL without query
    /// or fragment.
    #[error(
        "invalid base URL `{base}`: expected an absolute http or https URL without query or fragment"
    )]
    InvalidBaseUrl {
        /// The base URL that was given.
        base: String,
    },
    /// A match or include resource has no id, so its entry cannot get a
    /// `fullUrl`.
    #[error(
        "{mode} resource {position} ({resource_type}) has no id: a search result needs one for its fullUrl"
    )]
    MissingId {
        /// `match` or `include`.
        mode: SearchEntryMode,
        /// The position among the resources of that mode, from 0.
        position: usize,
        /// The type of the resource.
        resource_type: ResourceType,
    },
    /// The same resource was added twice as a match.
    #[error("{resource_type}/{id} was added as a match twice (match {first} and match {second})")]
    DuplicateMatch {
        /// The type of the resource.
        resource_type: ResourceType,
        /// The id of the resource.
        id: String,
        /// The position of the first copy among the matches.
        first: usize,
        /// The position of the second copy among the matches.
        second: usize,
    },
    /// A match is not of the type that was searched. Resources of other
    /// types belong in include entries.
    #[error(
        "match {position} is a {found}, but the search is on {expected}: add other types with push_include"
    )]
    WrongMatchType {
        /// The position among the matches, from 0.
        position: usize,
        /// The type that was searched.
        expected: ResourceType,
        /// The type of the match.
        found: ResourceType,
    },
    /// More matches were added than the page size allows.
    #[error("{matches} matches were added to a page of _count={count}: add at most {count}")]
    TooManyMatches {
        /// The page size.
        count: u32,
        /// The number of matches added.
        matches: usize,
    },
    /// The total is smaller than the number of matches up to this page.
    #[error(
        "total {total} is less than the {seen} matches up to the end of this page (_offset={offset})"
    )]
    TotalTooSmall {
        /// The total that was given.
        total: u32,
        /// The offset of the page.
        offset: u32,
        /// The offset plus the matches on this page.
        seen: u64,
    },
    /// A number does not fit in a FHIR unsignedInt (at most 2,147,483,647).
    #[error("{name} {value} is larger than the maximum unsignedInt 2147483647")]
    NumberTooLarge {
        /// The name of the number (`total`).
        name: &'static str,
        /// The number.
        value: u32,
    },
    /// A match or include could not be projected for `_summary` or
    /// `_elements`, which means a bug in the element table, not bad input.
    #[error("cannot project {mode} resource {position} for _summary or _elements: {message}")]
    Projection {
        /// `match` or `include`.
        mode: SearchEntryMode,
        /// The position among the resources of that mode, from 0.
        position: usize,
        /// The projection error.
        message: String,
    },
}

/// One match: the resource and its optional `search.score`.
#[derive(Debug, Clone)]
struct Match {
    resource: Resource,
    score: Option<Decimal>,
}

/// Builds one page of search results as a `searchset` Bundle.
///
/// The caller runs the search and adds the resources of this page: the
/// matches ([`push_match`](Self::push_match)), the resources that `_include`
/// and `_revinclude` add ([`push_include`](Self::push_include)) and any
/// OperationOutcome with warnings about the search
/// ([`push_outcome`](Self::push_outcome)). [`build`](Self::build) then writes
/// the Bundle:
///
/// - Entries come in that order: matches, includes, outcomes. Match and
///   include entries get `fullUrl` = base + `/` + type + `/` + id.
/// - A resource added both as a match and as an include (same type and id)
///   appears once, as a match. An include added twice appears once.
/// - `total` is the number given to [`total`](Self::total), which must count
///   matches only, on all pages. Pass `None` for `_total=none` and the Bundle
///   has no `total`.
/// - Links: `self`, `first`, `previous` (except on the first page), `next`
///   (only when more matches follow) and `last` (only when the total is
///   known). See the module documentation for the paging parameters.
/// - `_summary` and `_elements` among the parameters given to
///   [`new`](Self::new) project the entries as
///   [`crate::search::projection`] describes: `_summary` applies to matches
///   and includes, `_elements` to matches only, because its names are
///   elements of the searched type. `_summary=count` leaves out match and
///   include entries. [`projection`](Self::projection) overrides this.
/// - With a page size of 0 (`_count=0`) the Bundle has the total and a
///   `self` link only: no entries of any mode, including outcomes, and no
///   other links.
#[derive(Debug, Clone)]
pub struct SearchsetBuilder {
    base: String,
    resource_type: ResourceType,
    params: Vec<(String, String)>,
    count: u32,
    offset: u32,
    total: Option<u32>,
    more_pages: bool,
    matches: Vec<Match>,
    includes: Vec<Resource>,
    outcomes: Vec<OperationOutcome>,
    /// The projection of `_summary` or `_elements`.
    projection: Projection,
    /// Whether `_summary=count` asked for the total only.
    count_only: bool,
}

impl SearchsetBuilder {
    /// Starts the first page (offset 0) of a search on `resource_type` at
    /// the server whose service base URL is `base`
    /// (`https://payer.test/fhir`; a trailing `/` is ignored).
    ///
    /// `params` are the parameters the search applied, decoded, in their
    /// canonical form (`subject:Patient`, `_include:iterate`). The links keep
    /// these parameters, whatever their modifiers:
    ///
    /// - every search parameter: any name that does not start with `_`, and
    ///   the common ones such as `_id`, `_lastUpdated` and `_has`;
    /// - the result parameters `_include`, `_revinclude`, `_sort`,
    ///   `_summary`, `_elements`, `_total`, `_contained` and `_containedType`;
    /// - `_format` and `_pretty`.
    ///
    /// Other names that start with `_` are dropped, and `_count` and
    /// `_offset` are replaced by `count` and the page's offset. Values are
    /// percent-encoded in the links.
    ///
    /// `count` is the page size the server applies, after any clamping to
    /// its maximum.
    ///
    /// # Errors
    ///
    /// Returns [`SearchsetError::InvalidBaseUrl`] when `base` is not an
    /// absolute `http` or `https` URL, or has a query or a fragment.
    pub fn new<N, V>(
        base: &str,
        resource_type: ResourceType,
        params: impl IntoIterator<Item = (N, V)>,
        count: u32,
    ) -> Result<Self, SearchsetError>
    where
        N: Into<String>,
        V: Into<String>,
    {
        let base = validate_base(base)?;
        let params: Vec<(String, String)> = params
            .into_iter()
            .map(|(name, value)| (name.into(), value.into()))
            .filter(|(name, _)| is_kept_in_links(name))
            .collect();
        let (projection, count_only) = projection_of_params(&params);
        Ok(SearchsetBuilder {
            base,
            resource_type,
            params,
            count,
            offset: 0,
            total: None,
            more_pages: false,
            matches: Vec::new(),
            includes: Vec::new(),
            outcomes: Vec::new(),
            projection,
            count_only,
        })
    }

    /// Sets the projection of the match entries, and of the include entries
    /// unless it is [`Projection::Elements`], replacing the one that the
    /// `_summary` and `_elements` parameters of [`new`](Self::new) gave.
    pub fn projection(&mut self, projection: Projection) -> &mut Self {
        self.projection = projection;
        self
    }

    /// Sets the position of this page's first match among all matches,
    /// from 0 (the `_offset` of the request).
    pub fn offset(&mut self, offset: u32) -> &mut Self {
        self.offset = offset;
        self
    }

    /// Sets the number of matches on all pages, or `None` to leave `total`
    /// out (`_total=none`, or a count the server does not compute).
    ///
    /// When the total is known it decides whether a `next` link is written,
    /// and [`more_pages`](Self::more_pages) is ignored.
    pub fn total(&mut self, total: Option<u32>) -> &mut Self {
        self.total = total;
        self
    }

    /// Sets whether more matches follow this page, for a search whose total
    /// is not known. A `next` link is written only when this is true.
    pub fn more_pages(&mut self, more_pages: bool) -> &mut Self {
        self.more_pages = more_pages;
        self
    }

    /// Adds a match with an optional relevance score (`search.score`).
    pub fn push_match(&mut self, resource: Resource, score: Option<Decimal>) -> &mut Self {
        resource.push_match(&mut self.matches, score);
        self
    }

    /// Adds a resource that `_include` or `_revinclude` brought in.
    pub fn push_include(&mut self, resource: Resource) -> &mut Self {
        resource.push_include(&mut self.includes);
        self
    }

    /// Adds an OperationOutcome about the search, such as a warning about
    /// an ignored parameter.
    pub fn push_outcome(&mut self, outcome: OperationOutcome) -> &mut Self {
        outcome.push_outcome(&mut self.outcomes);
        self
    }

    /// Writes the Bundle, as the type documentation describes. The
    /// resources move into the entries, so none is copied.
    ///
    /// # Errors
    ///
    /// - [`SearchsetError::MissingId`] when a match or include has no id.
    /// - [`SearchsetError::WrongMatchType`] when a match is not of the
    ///   searched type.
    /// - [`SearchsetError::DuplicateMatch`] when two matches have the same
    ///   type and id.
    /// - [`SearchsetError::TooManyMatches`] when there are more matches
    ///   than the page size.
    /// - [`SearchsetError::TotalTooSmall`] when the total is less than the
    ///   offset plus the matches on this page.
    /// - [`SearchsetError::NumberTooLarge`] when the total exceeds the
    ///   unsignedInt maximum.
    pub fn build(self) -> Result<Bundle, SearchsetError> {
        self.check_entries()?;

        let mut bundle = Bundle {
            r#type: Some(Primitive::new(BundleType::Searchset)),
            total: self
                .total
                .map(|total| unsigned_int("total", total).map(Primitive::new))
                .transpose()?,
            link: self.links(),
            ..Bundle::default()
        };
        if self.count == 0 {
            return Ok(bundle);
        }
        let include_projection = match &self.projection {
            Projection::Elements(_) => Projection::Full,
            other => other.clone(),
        };

        let mut seen: HashSet<(ResourceType, String)> = HashSet::new();
        let mut matches = Vec::with_capacity(self.matches.len());
        for (position, found) in self.matches.iter().enumerate() {
            let (key, full_url) =
                self.identify(&found.resource, SearchEntryMode::Match, position)?;
            if !seen.insert(key.clone()) {
                let first = self.first_match_position(&key);
                return Err(SearchsetError::DuplicateMatch {
                    resource_type: key.0,
                    id: key.1,
                    first,
                    second: position,
                });
            }
            matches.push(full_url);
        }
        let mut includes = Vec::with_capacity(self.includes.len());
        for (position, resource) in self.includes.iter().enumerate() {
            let (key, full_url) = self.identify(resource, SearchEntryMode::Include, position)?;
            includes.push(seen.insert(key).then_some(full_url));
        }
        // Every check has passed: the resources move into the entries.
        let SearchsetBuilder {
            matches: found,
            includes: included,
            outcomes,
            projection,
            count_only,
            ..
        } = self;
        if !count_only {
            bundle.push_matches(found, matches, &projection)?;
            bundle.push_includes(included, includes, &include_projection)?;
        }
        bundle.push_outcomes(outcomes);
        Ok(bundle)
    }

    fn check_entries(&self) -> Result<(), SearchsetError> {
        let wrong_type = self
            .matches
            .iter()
            .map(|m| m.resource.resource_type())
            .enumerate()
            .find(|(_, found)| *found != self.resource_type);
        if let Some((position, found)) = wrong_type {
            return Err(SearchsetError::WrongMatchType {
                position,
                expected: self.resource_type,
                found,
            });
        }
        if self.matches.len() > self.count as usize && self.count > 0 {
            return Err(SearchsetError::TooManyMatches {
                count: self.count,
                matches: self.matches.len(),
            });
        }
        if let Some(total) = self.total {
            let on_page = if self.count == 0 {
                0
            } else {
                self.matches.len() as u64
            };
            let seen = u64::from(self.offset) + on_page;
            if u64::from(total) < seen {
                return Err(SearchsetError::TotalTooSmall {
                    total,
                    offset: self.offset,
                    seen,
                });
            }
        }
        Ok(())
    }

    /// Returns the type and id of `resource` and its `fullUrl`.
    fn identify(
        &self,
        resource: &Resource,
        mode: SearchEntryMode,
        position: usize,
    ) -> Result<((ResourceType, String), Uri), SearchsetError> {
        let resource_type = resource.resource_type();
        let Some(id) = resource.id() else {
            return Err(SearchsetError::MissingId {
                mode,
                position,
                resource_type,
            });
        };
        let full_url = format!("{}/{}/{}", self.base, resource_type, id);
        // The base has no whitespace (checked in `new`), and neither have
        // type names and ids, so the URL is a valid uri.
        let full_url = Uri::try_from(full_url).map_err(|_| SearchsetError::InvalidBaseUrl {
            base: self.base.clone(),
        })?;
        Ok(((resource_type, id.as_str().to_owned()), full_url))
    }

    fn first_match_position(&self, key: &(ResourceType, String)) -> usize {
        self.matches
            .iter()
            .position(|found| {
                found.resource.resource_type() == key.0
                    && found.resource.id().is_some_and(|id| id.as_str() == key.1)
            })
            .unwrap_or(0)
    }

    /// Builds the paging links of this page.
    fn links(&self) -> Vec<BundleLink> {
        let mut links = vec![self.link("self", self.offset)];
        if self.count == 0 {
            return links;
        }

        links.push(self.link("first", 0));
        if self.offset > 0 {
            links.push(self.link("previous", self.offset.saturating_sub(self.count)));
        }
        let next_offset = u64::from(self.offset) + u64::from(self.count);
        let has_next = match self.total {
            Some(total) => next_offset < u64::from(total),
            None => self.more_pages,
        };
        // An offset beyond u32 cannot be requested, so such a page has no
        // next link.
        match u32::try_from(next_offset) {
            Ok(next_offset) if has_next => links.push(self.link("next", next_offset)),
            _ => {}
        }
        if let Some(total) = self.total {
            let last_offset = total.saturating_sub(1) / self.count * self.count;
            links.push(self.link("last", last_offset));
        }
        links
    }

    fn link(&self, relation: &str, offset: u32) -> BundleLink {
        let mut url = format!("{}/{}?", self.base, self.resource_type);
        for (name, value) in &self.params {
            url.push_str(&percent_encode(name));
            url.push('=');
            url.push_str(&percent_encode(value));
            url.push('&');
        }
        url.push_str(&format!(
            "{COUNT_PARAM}={}&{OFFSET_PARAM}={offset}",
            self.count
        ));
        BundleLink {
            relation: Some(Primitive::new(relation.to_owned())),
            // Percent-encoding leaves no whitespace, so the URL is a valid uri.
            url: Uri::try_from(url).ok().map(Primitive::new),
            ..BundleLink::default()
        }
    }
}

// The methods below take resources by value. They are methods of the
// generated types so that the compiler places them with the generated code.
// Code here that could drop a resource would get its own copy of the drop
// code of every resource type (see the note on compile time in
// `src/r4.rs`). For the same reason the lists are emptied with `pop`
// rather than `into_iter`.
impl Resource {
    fn push_match(self, matches: &mut Vec<Match>, score: Option<Decimal>) {
        matches.push(Match {
            resource: self,
            score,
        });
    }

    fn push_include(self, includes: &mut Vec<Resource>) {
        includes.push(self);
    }

    /// Projects a match or include and makes its entry. `place` is the
    /// entry's mode and its position among the resources of that mode, for
    /// errors.
    fn into_search_entry(
        self,
        projection: &Projection,
        place: (SearchEntryMode, usize),
        full_url: Uri,
        score: Option<Decimal>,
    ) -> Result<BundleEntry, SearchsetError> {
        let (mode, position) = place;
        let resource = project(self, projection).map_err(|error| SearchsetError::Projection {
            mode,
            position,
            message: error.to_string(),
        })?;
        Ok(resource.into_entry(Some(full_url), mode, score))
    }

    fn into_entry(
        self,
        full_url: Option<Uri>,
        mode: SearchEntryMode,
        score: Option<Decimal>,
    ) -> BundleEntry {
        BundleEntry {
            full_url: full_url.map(Primitive::new),
            resource: Some(self),
            search: Some(BundleEntrySearch {
                mode: Some(Primitive::new(mode)),
                score: score.map(Primitive::new),
                ..BundleEntrySearch::default()
            }),
            ..BundleEntry::default()
        }
    }
}

impl OperationOutcome {
    fn push_outcome(self, outcomes: &mut Vec<OperationOutcome>) {
        outcomes.push(self);
    }
}

impl Bundle {
    /// Adds the match entries, with the full URLs in the same order.
    fn push_matches(
        &mut self,
        mut found: Vec<Match>,
        full_urls: Vec<Uri>,
        projection: &Projection,
    ) -> Result<(), SearchsetError> {
        found.reverse();
        for (position, full_url) in full_urls.into_iter().enumerate() {
            let Some(Match { resource, score }) = found.pop() else {
                break;
            };
            let place = (SearchEntryMode::Match, position);
            self.entry
                .push(resource.into_search_entry(projection, place, full_url, score)?);
        }
        Ok(())
    }

    /// Adds the include entries; a `None` URL marks a resource already
    /// present.
    fn push_includes(
        &mut self,
        mut included: Vec<Resource>,
        full_urls: Vec<Option<Uri>>,
        projection: &Projection,
    ) -> Result<(), SearchsetError> {
        included.reverse();
        for (position, full_url) in full_urls.into_iter().enumerate() {
            let Some(resource) = included.pop() else {
                break;
            };
            if let Some(full_url) = full_url {
                let place = (SearchEntryMode::Include, position);
                self.entry
                    .push(resource.into_search_entry(projection, place, full_url, None)?);
            }
        }
        Ok(())
    }

    fn push_outcomes(&mut self, mut outcomes: Vec<OperationOutcome>) {
        outcomes.reverse();
        while let Some(outcome) = outcomes.pop() {
            let resource = Resource::from(outcome);
            self.entry
                .push(resource.into_entry(None, SearchEntryMode::Outcome, None));
        }
    }
}

fn unsigned_int(name: &'static str, value: u32) -> Result<UnsignedInt, SearchsetError> {
    UnsignedInt::new(value).map_err(|_| SearchsetError::NumberTooLarge { name, value })
}

/// Checks `base` and returns it without a trailing `/`.
fn validate_base(base: &str) -> Result<String, SearchsetError> {
    let invalid = || SearchsetError::InvalidBaseUrl {
        base: base.to_owned(),
    };
    let parsed = url::Url::parse(base).map_err(|_| invalid())?;
    let has_host = parsed.host_str().is_some_and(|host| !host.is_empty());
    if !matches!(parsed.scheme(), "http" | "https") || !has_host {
        return Err(invalid());
    }
    if base.contains(['?', '#']) || base.contains(char::is_whitespace) {
        return Err(invalid());
    }
    Ok(base.trim_end_matches('/').to_owned())
}

/// Returns whether a parameter goes into the paging links, by its name without
/// modifiers (`_include:iterate` is `_include`).
fn is_kept_in_links(name: &str) -> bool {
    let base_name = name.split([':', '.']).next().unwrap_or(name);
    if base_name == COUNT_PARAM || base_name == OFFSET_PARAM {
        return false;
    }
    !base_name.starts_with('_') || KEPT_UNDERSCORE_PARAMS.contains(&base_name)
}

/// Percent-encodes `text` for a query string. Letters, digits, `-._~` and
/// the characters that are common in FHIR parameters and safe in a query
/// (`:`, `/`, `,`, `$`, `*`, `@`, `!`, `'`, `(`, `)`, `;`) stay as they are.
/// `+` becomes `%2B` because form decoding reads `+` as a space.
pub(crate) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(
                byte,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b':'
                    | b'/'
                    | b','
                    | b'$'
                    | b'*'
                    | b'@'
                    | b'!'
                    | b'\''
                    | b'('
                    | b')'
                    | b';'
            );
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Returns the projection that the `_summary` and `_elements` parameters
/// request, and whether `_summary=count` requests the total only. Values
/// that are not valid codes are ignored, since the parameters come from a
/// parsed search.
fn projection_of_params(params: &[(String, String)]) -> (Projection, bool) {
    let summary = params
        .iter()
        .filter(|(name, _)| name == "_summary")
        .find_map(|(_, value)| Summary::parse(value));
    let elements: Vec<String> = params
        .iter()
        .filter(|(name, _)| name == "_elements")
        .flat_map(|(_, value)| value.split(','))
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect();
    (
        Projection::from_parts(summary, &elements),
        summary == Some(Summary::Count),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_parameter_names() {
        for name in [
            "family",
            "subject:Patient.name",
            "_include:iterate",
            "_revinclude",
            "_has:Observation:patient:code",
        ] {
            assert!(is_kept_in_links(name), "{name} should be kept");
        }
        for name in ["_count", "_offset", "_page", "_nosuch"] {
            assert!(!is_kept_in_links(name), "{name} should be dropped");
        }
    }

    #[test]
    fn encoding_escapes_plus_bar_and_space() {
        assert_eq!(
            percent_encode("ge2024-01-01T00:00:00+05:00"),
            "ge2024-01-01T00:00:00%2B05:00"
        );
        assert_eq!(percent_encode("urn:npi|123"), "urn:npi%7C123");
        assert_eq!(percent_encode("a b&c=d"), "a%20b%26c%3Dd");
        assert_eq!(percent_encode("é"), "%C3%A9");
    }

    #[test]
    fn base_url_checks() {
        assert_eq!(
            validate_base("https://payer.test/fhir/"),
            Ok("https://payer.test/fhir".to_owned())
        );
        for base in [
            "payer.test/fhir",
            "ftp://payer.test/fhir",
            "https://payer.test/fhir?x=1",
            "https://payer.test/f#x",
        ] {
            assert_eq!(
                validate_base(base),
                Err(SearchsetError::InvalidBaseUrl {
                    base: base.to_owned()
                }),
                "{base}"
            );
        }
    }
}
