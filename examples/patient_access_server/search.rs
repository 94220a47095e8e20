//! Type searches over the store: parsing, authorization, matching, paging,
//! and `_include`/`_revinclude`.

use std::collections::HashSet;

use fhir_payer::bundle::SearchsetBuilder;
use fhir_payer::bundle::searchset::OFFSET_PARAM;
use fhir_payer::r4::{Bundle, IssueType, Resource, ResourceType};
use fhir_payer::search::extract;
use fhir_payer::search::matching::{Matcher, SortOrder};
use fhir_payer::search::query::{
    Include, Search, SearchOptions, Total, warnings_to_operation_outcome,
};
use fhir_payer::smart::{Request, ResourceAccess};
use url::form_urlencoded;

use crate::app::auth::{self, Caller};
use crate::app::outcome::ApiError;
use crate::app::store::{Store, points_at, resource_id};

/// The page size when the request has no `_count`.
pub const DEFAULT_COUNT: u32 = 20;

/// The largest page size; a larger `_count` is lowered to it.
pub const MAX_COUNT: u32 = 200;

/// The maximum number of `:iterate` rounds, so that a cycle of references
/// cannot keep a request busy.
const MAX_ITERATE_ROUNDS: usize = 4;

/// One type search, as received.
pub struct SearchRequest<'a> {
    /// The searched type.
    pub resource_type: ResourceType,
    /// The query string without the leading `?`, or the URL's query and a
    /// form body joined with `&` for `POST [type]/_search`.
    pub query: &'a str,
    /// The parser options, with the handling from the `Prefer` header.
    pub options: &'a SearchOptions,
    /// The server's base URL, for the Bundle's links and `fullUrl`s.
    pub base_url: &'a str,
}

/// Runs a search and returns one searchset page.
///
/// # Errors
///
/// Returns 400 for a query the parser rejects (unknown parameters only
/// under `Prefer: handling=strict`) or an invalid `_offset`, 401 or 403 from
/// [`auth::authorize_request`], and 400 with `not-supported` when matching
/// cannot evaluate a criterion.
pub fn run(
    store: &Store,
    caller: &Caller,
    request: &SearchRequest<'_>,
) -> Result<Bundle, ApiError> {
    // `_offset` is this server's paging parameter (see
    // `fhir_payer::bundle::searchset`), which the query parser does not know,
    // so it is taken out before parsing.
    let mut offset: u32 = 0;
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (name, value) in form_urlencoded::parse(request.query.as_bytes()) {
        if name == OFFSET_PARAM {
            offset = value.parse().map_err(|_| {
                ApiError::bad_request(&format!(
                    "invalid _offset `{value}`: expected a whole number from 0"
                ))
            })?;
        } else {
            pairs.push((name.into_owned(), value.into_owned()));
        }
    }
    let query: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&pairs)
        .finish();

    let resource_type = request.resource_type;
    let search =
        Search::parse(Some(resource_type), &query, request.options).map_err(|error| ApiError {
            status: axum::http::StatusCode::BAD_REQUEST,
            outcome: Box::new(error.to_operation_outcome()),
        })?;

    let authorization_params = params_for_authorization(&pairs);
    auth::authorize_request(
        caller,
        resource_type,
        &Request::TypeSearch {
            resource_type,
            params: authorization_params,
        },
    )?;

    let matcher = Matcher::new(request.options).with_resolver(store);
    let mut matches: Vec<&Resource> = Vec::new();
    for resource in store.of_type(resource_type) {
        let found = matcher.matches(&search, resource).map_err(|error| {
            ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                IssueType::NotSupported,
                &error.to_string(),
            )
        })?;
        if found && auth::allows_resource(caller, resource, ResourceAccess::Search) {
            matches.push(resource);
        }
    }
    if !search.sort.is_empty() {
        SortOrder::new(&search).sort(&mut matches);
    }

    let total = u32::try_from(matches.len()).unwrap_or(u32::MAX);
    let count = if search.wants_total_only() {
        0
    } else {
        search.count.unwrap_or(DEFAULT_COUNT)
    };
    let offset = offset.min(total);
    let start = offset as usize;
    let end = start.saturating_add(count as usize).min(matches.len());
    let page = &matches[start..end];

    let canonical: Vec<(String, String)> =
        form_urlencoded::parse(search.to_query_string().as_bytes())
            .into_owned()
            .collect();
    // The builder projects the entries for `_summary` and `_elements`, which
    // are among the canonical parameters.
    let mut builder = SearchsetBuilder::new(request.base_url, resource_type, canonical, count)
        .map_err(|error| ApiError::internal(&error.to_string()))?;
    builder.offset(offset);
    // Every match is in memory, so `estimate` gets the exact count too.
    match search.total {
        Some(Total::None) => builder.total(None).more_pages(end < matches.len()),
        Some(Total::Estimate | Total::Accurate) | None => builder.total(Some(total)),
    };
    for resource in page {
        builder.push_match((*resource).clone(), None);
    }
    if count > 0 {
        for resource in included(store, caller, &search, page) {
            builder.push_include(resource.clone());
        }
    }
    if let Some(outcome) = warnings_to_operation_outcome(&search.warnings) {
        builder.push_outcome(outcome);
    }
    builder
        .build()
        .map_err(|error| ApiError::internal(&error.to_string()))
}

/// Returns the query parameters to hand to the SMART authorizer. The
/// authorizer denies a search whose `_include` target or `_revinclude`
/// source type no scope grants, but directory types are public here, so
/// includes of directory types are left out of the decision.
fn params_for_authorization(pairs: &[(String, String)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .filter(|(name, value)| {
            let base_name = name.split(':').next().unwrap_or_default();
            let named_type = match base_name {
                // `Source:param:Target`: the target type is what is read.
                "_include" => value.split(':').nth(2),
                // `Source:param[:Target]`: the source type is what is read.
                "_revinclude" => value.split(':').next(),
                _ => return true,
            };
            !named_type
                .and_then(ResourceType::from_name)
                .is_some_and(auth::is_public)
        })
        .cloned()
        .collect()
}

/// Returns the resources that `_include` and `_revinclude` add to `page`,
/// without duplicates and without the page's own matches, keeping only
/// those the caller may see.
fn included<'s>(
    store: &'s Store,
    caller: &Caller,
    search: &Search,
    page: &[&'s Resource],
) -> Vec<&'s Resource> {
    let mut seen: HashSet<(ResourceType, &str)> = page
        .iter()
        .map(|resource| (resource.resource_type(), resource_id(resource)))
        .collect();
    let mut added: Vec<&'s Resource> = Vec::new();
    let mut frontier: Vec<&'s Resource> = page.to_vec();

    for round in 0..=MAX_ITERATE_ROUNDS {
        let iterate_only = round > 0;
        let mut next = Vec::new();
        for include in &search.includes {
            if iterate_only && !include.iterate {
                continue;
            }
            next.extend(forward_targets(store, include, &frontier));
        }
        for include in &search.revincludes {
            if iterate_only && !include.iterate {
                continue;
            }
            next.extend(reverse_sources(store, include, &frontier));
        }

        let mut fresh = Vec::new();
        for resource in next {
            let key = (resource.resource_type(), resource_id(resource));
            if seen.contains(&key)
                || !auth::allows_resource(caller, resource, ResourceAccess::Include)
            {
                continue;
            }
            seen.insert(key);
            fresh.push(resource);
        }
        if fresh.is_empty() {
            break;
        }
        added.extend(fresh.iter().copied());
        frontier = fresh;
    }
    added
}

/// Returns the resources that `include.param` of the `include.source`
/// resources in `from` points at.
fn forward_targets<'s>(
    store: &'s Store,
    include: &Include,
    from: &[&Resource],
) -> Vec<&'s Resource> {
    let mut targets = Vec::new();
    for resource in from {
        if resource.resource_type() != include.source {
            continue;
        }
        for value in extract::extract(resource, include.param) {
            let extract::IndexValue::Reference(reference) = value else {
                continue;
            };
            let (Some(target_type), Some(id)) = (reference.resource_type, reference.id.as_deref())
            else {
                continue;
            };
            if include.target.is_some_and(|wanted| wanted != target_type) {
                continue;
            }
            if let Some(target) = store.get(target_type, id) {
                targets.push(target);
            }
        }
    }
    targets
}

/// Returns the `include.source` resources whose `include.param` points at
/// one of the resources in `to`.
fn reverse_sources<'s>(store: &'s Store, include: &Include, to: &[&Resource]) -> Vec<&'s Resource> {
    let targets: Vec<(ResourceType, &str)> = to
        .iter()
        .filter(|resource| {
            include
                .target
                .is_none_or(|wanted| wanted == resource.resource_type())
        })
        .map(|resource| (resource.resource_type(), resource_id(resource)))
        .collect();
    if targets.is_empty() {
        return Vec::new();
    }
    store
        .of_type(include.source)
        .iter()
        .filter(|candidate| {
            extract::extract(candidate, include.param)
                .iter()
                .any(|value| {
                    targets
                        .iter()
                        .any(|(target_type, id)| points_at(value, *target_type, id))
                })
        })
        .collect()
}
