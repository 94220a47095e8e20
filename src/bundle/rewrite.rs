//! Rewriting the references inside a transaction once the server has
//! assigned ids and resolved conditional references.
//!
//! FHIR R4 requires a server that processes a transaction to replace every
//! reference to an entry's `fullUrl` (usually a `urn:uuid:`) with the id the
//! server assigned. It also replaces every conditional reference
//! (`Type?query`) with the one resource the query matches, and a conditional
//! reference that matches no resource or several fails the transaction.

use std::collections::HashMap;
use std::error::Error as StdError;

use crate::primitives::Id;
use crate::r4::{Bundle, Resource, ResourceType};

use super::json_text::{self, EditError};
use super::reference::LiteralReference;

/// The error type a [`ConditionalResolver`] returns.
pub type ResolverError = Box<dyn StdError + Send + Sync + 'static>;

/// Finds the resources a conditional reference (`Type?query`) matches.
///
/// A server implements this with its search: parse `query` as the search
/// parameters of `resource_type` (the same way as a search request), run it,
/// and return the ids of every match. A closure
/// `FnMut(ResourceType, &str) -> Result<Vec<Id>, ResolverError>` implements
/// this trait.
pub trait ConditionalResolver {
    /// Returns the ids of the resources of `resource_type` that match
    /// `query` (the part after `?`, still percent-encoded).
    ///
    /// # Errors
    ///
    /// Returns an error when the query is invalid or the search fails.
    fn find_matches(
        &mut self,
        resource_type: ResourceType,
        query: &str,
    ) -> Result<Vec<Id>, ResolverError>;
}

impl<F> ConditionalResolver for F
where
    F: FnMut(ResourceType, &str) -> Result<Vec<Id>, ResolverError>,
{
    fn find_matches(
        &mut self,
        resource_type: ResourceType,
        query: &str,
    ) -> Result<Vec<Id>, ResolverError> {
        self(resource_type, query)
    }
}

/// The ids a server assigned to the entries of a transaction, by the
/// entries' `fullUrl`.
///
/// A server fills this as it processes the entries. A create (POST) records
/// the new id. An update (PUT) of an entry whose `fullUrl` is a `urn:uuid:`
/// records the id from the request URL, or the one a conditional update found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdAssignments {
    by_full_url: HashMap<String, (ResourceType, Id)>,
}

impl IdAssignments {
    /// Creates an empty set of assignments.
    pub fn new() -> Self {
        IdAssignments::default()
    }

    /// Records that the entry with `full_url` is the resource
    /// `resource_type/id`. A second call for the same `full_url` replaces the
    /// first.
    pub fn insert(
        &mut self,
        full_url: impl Into<String>,
        resource_type: ResourceType,
        id: Id,
    ) -> &mut Self {
        self.by_full_url
            .insert(full_url.into(), (resource_type, id));
        self
    }

    /// Returns the type and id recorded for `full_url`.
    pub fn get(&self, full_url: &str) -> Option<(ResourceType, &Id)> {
        self.by_full_url
            .get(full_url)
            .map(|(resource_type, id)| (*resource_type, id))
    }

    /// Returns the relative reference `Type/id` recorded for `full_url`.
    fn reference_for(&self, full_url: &str) -> Option<String> {
        self.get(full_url)
            .map(|(resource_type, id)| format!("{resource_type}/{id}"))
    }
}

/// An error rewriting the references of a transaction. Each variant names
/// the entry by its index in `Bundle.entry`, from 0, and the reference.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RewriteError {
    /// A `urn:uuid:` reference names no `fullUrl` that has an assigned id.
    #[error(
        "entry {entry_index}: reference `{reference}` has no assigned id; \
         it must name the fullUrl of an entry that the transaction creates or updates"
    )]
    UnassignedReference {
        /// The referring entry.
        entry_index: usize,
        /// The reference.
        reference: String,
    },
    /// A conditional reference matched no resource.
    #[error(
        "entry {entry_index}: conditional reference `{reference}` matches no resource, expected exactly one"
    )]
    NoMatch {
        /// The referring entry.
        entry_index: usize,
        /// The reference.
        reference: String,
    },
    /// A conditional reference matched more than one resource.
    #[error(
        "entry {entry_index}: conditional reference `{reference}` matches {count} resources, expected exactly one"
    )]
    MultipleMatches {
        /// The referring entry.
        entry_index: usize,
        /// The reference.
        reference: String,
        /// The number of matches.
        count: usize,
    },
    /// The [`ConditionalResolver`] failed.
    #[error("entry {entry_index}: resolving conditional reference `{reference}` failed: {source}")]
    ResolverFailed {
        /// The referring entry.
        entry_index: usize,
        /// The reference.
        reference: String,
        /// The resolver's error.
        #[source]
        source: ResolverError,
    },
    /// An assigned id is for a different resource type than the entry's
    /// resource.
    #[error(
        "entry {entry_index}: fullUrl `{full_url}` was assigned a {assigned_type} id but the resource is a {resource_type}"
    )]
    AssignedTypeMismatch {
        /// The entry.
        entry_index: usize,
        /// The entry's `fullUrl`.
        full_url: String,
        /// The type recorded in the [`IdAssignments`].
        assigned_type: ResourceType,
        /// The type of the entry's resource.
        resource_type: ResourceType,
    },
    /// Writing the resource as JSON or reading the rewritten JSON failed.
    #[error("entry {entry_index}: rewriting the resource's JSON failed: {source}")]
    Json {
        /// The entry.
        entry_index: usize,
        /// The JSON error.
        #[source]
        source: crate::json::Error,
    },
}

/// Rewrites the references inside the resources of a transaction after the
/// server has assigned ids, and sets the id of each entry's resource that
/// has an assignment.
///
/// In every entry's resource, contained resources included:
///
/// - a `reference` or `url` element that equals a `fullUrl` in `ids`
///   becomes `Type/id`, so Attachment.url links to a Binary of the same
///   transaction are rewritten too;
/// - a `reference` that is a `urn:uuid:` without an assignment is an error;
/// - a conditional `reference` (`Type?query`) becomes `Type/id` of the one
///   resource that `resolver` finds. Each distinct conditional reference
///   is sent to the resolver once;
/// - in the narrative `div`, an `href` or `src` attribute that equals a
///   `fullUrl` in `ids` becomes `Type/id`.
///
/// NOTE: FHIR R4 also requires the rewrite of other elements of type uri,
/// url, oid and uuid that equal a `fullUrl`. This walk reads JSON member
/// names but not element types, so it rewrites only `reference`, `url` and
/// the narrative.
///
/// The Bundle is changed only when every entry succeeds. Entries'
/// `fullUrl` values are left as they are. Returns the number of rewritten
/// references, attributes and ids.
///
/// # Errors
///
/// - [`RewriteError::UnassignedReference`] for a `urn:uuid:` reference with
///   no assigned id.
/// - [`RewriteError::NoMatch`] and [`RewriteError::MultipleMatches`] when a
///   conditional reference does not match exactly one resource.
/// - [`RewriteError::ResolverFailed`] when `resolver` returns an error.
/// - [`RewriteError::AssignedTypeMismatch`] when an entry's assignment is for
///   another resource type.
/// - [`RewriteError::Json`] when a resource cannot be written as JSON or
///   read back.
pub fn rewrite_references<R>(
    bundle: &mut Bundle,
    ids: &IdAssignments,
    resolver: &mut R,
) -> Result<usize, RewriteError>
where
    R: ConditionalResolver + ?Sized,
{
    let mut conditional_cache: HashMap<String, Vec<Id>> = HashMap::new();
    // Each changed entry's edited resource (when its text changed) and new
    // id (when it gets one). They are applied once every entry has succeeded.
    let mut rewritten: Vec<(usize, Option<Resource>, Option<Id>)> = Vec::new();
    let mut changes = 0;

    for (entry_index, entry) in bundle.entry.iter().enumerate() {
        let Some(resource) = &entry.resource else {
            continue;
        };
        let mut edits = 0;
        let edited = json_text::edit_member_strings(resource, |name, value| {
            let replacement = match name {
                "reference" => {
                    rewrite_reference(entry_index, value, ids, resolver, &mut conditional_cache)?
                }
                "url" => ids.reference_for(value),
                "div" => rewrite_narrative_links(value, ids),
                _ => None,
            };
            edits += usize::from(replacement.is_some());
            Ok(replacement)
        });
        let edited = edited.map_err(|error| match error {
            EditError::Edit(error) => error,
            EditError::Json(source) => RewriteError::Json {
                entry_index,
                source,
            },
        })?;

        let full_url = entry
            .full_url
            .as_ref()
            .and_then(|element| element.value.as_ref());
        let assignment =
            full_url.and_then(|url| ids.get(url.as_str()).map(|assigned| (url, assigned)));
        let mut new_id = None;
        if let Some((full_url, (assigned_type, id))) = assignment {
            if assigned_type != resource.resource_type() {
                return Err(RewriteError::AssignedTypeMismatch {
                    entry_index,
                    full_url: full_url.as_str().to_owned(),
                    assigned_type,
                    resource_type: resource.resource_type(),
                });
            }
            if resource.id() != Some(id) {
                new_id = Some(id.clone());
                edits += 1;
            }
        }
        if edits > 0 {
            changes += edits;
            rewritten.push((entry_index, edited, new_id));
        }
    }

    for (entry_index, edited, new_id) in rewritten {
        let slot = &mut bundle.entry[entry_index].resource;
        if let Some(edited) = edited {
            *slot = Some(edited);
        }
        if let (Some(resource), Some(id)) = (slot.as_mut(), new_id) {
            resource.set_id(Some(id));
        }
    }
    Ok(changes)
}

/// Returns the new value of one `reference` element, or `None` to keep it.
fn rewrite_reference<R>(
    entry_index: usize,
    reference: &str,
    ids: &IdAssignments,
    resolver: &mut R,
    cache: &mut HashMap<String, Vec<Id>>,
) -> Result<Option<String>, RewriteError>
where
    R: ConditionalResolver + ?Sized,
{
    if let Some(assigned) = ids.reference_for(reference) {
        return Ok(Some(assigned));
    }
    if reference.starts_with("urn:uuid:") {
        return Err(RewriteError::UnassignedReference {
            entry_index,
            reference: reference.to_owned(),
        });
    }
    let LiteralReference::Conditional {
        resource_type,
        query,
    } = LiteralReference::parse(reference)
    else {
        return Ok(None);
    };

    let matches = match cache.get(reference) {
        Some(matches) => matches,
        None => {
            let found = resolver
                .find_matches(resource_type, query)
                .map_err(|source| RewriteError::ResolverFailed {
                    entry_index,
                    reference: reference.to_owned(),
                    source,
                })?;
            cache.entry(reference.to_owned()).or_insert(found)
        }
    };
    match matches.as_slice() {
        [id] => Ok(Some(format!("{resource_type}/{id}"))),
        [] => Err(RewriteError::NoMatch {
            entry_index,
            reference: reference.to_owned(),
        }),
        several => Err(RewriteError::MultipleMatches {
            entry_index,
            reference: reference.to_owned(),
            count: several.len(),
        }),
    }
}

/// Rewrites the `href` and `src` attributes of narrative XHTML whose value
/// equals an assigned `fullUrl`. Returns `None` when nothing changed.
fn rewrite_narrative_links(xhtml: &str, ids: &IdAssignments) -> Option<String> {
    let mut output = String::with_capacity(xhtml.len());
    let mut rest = xhtml;
    let mut changed = false;

    while let Some(value_start) = next_link_value(rest) {
        let quote = rest[..value_start].chars().next_back().unwrap_or('"');
        let Some(value_length) = rest[value_start..].find(quote) else {
            break;
        };
        let value = &rest[value_start..value_start + value_length];
        output.push_str(&rest[..value_start]);
        match ids.reference_for(value) {
            Some(assigned) => {
                output.push_str(&assigned);
                changed = true;
            }
            None => output.push_str(value),
        }
        rest = &rest[value_start + value_length..];
    }

    output.push_str(rest);
    changed.then_some(output)
}

/// Returns the position just after the opening quote of the next `href="`,
/// `href='`, `src="` or `src='` in `text`, where the attribute name starts
/// after whitespace.
fn next_link_value(text: &str) -> Option<usize> {
    let mut best: Option<usize> = None;
    for pattern in [" href=\"", " href='", " src=\"", " src='"] {
        if let Some(at) = text.find(pattern) {
            let value_start = at + pattern.len();
            best = Some(best.map_or(value_start, |current| current.min(value_start)));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assignments() -> IdAssignments {
        let mut ids = IdAssignments::new();
        ids.insert(
            "urn:uuid:0b0f8a1e-57f3-4b5e-9d0c-1f2e3d4c5b6a",
            ResourceType::Binary,
            "bin-9".parse().unwrap(),
        );
        ids
    }

    #[test]
    fn narrative_links_rewritten() {
        let xhtml = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><a href=\"urn:uuid:0b0f8a1e-57f3-4b5e-9d0c-1f2e3d4c5b6a\">scan</a>\
                     <img src='urn:uuid:0b0f8a1e-57f3-4b5e-9d0c-1f2e3d4c5b6a'/><a href=\"https://other.test/\">x</a></div>";
        let rewritten = rewrite_narrative_links(xhtml, &assignments()).expect("two links change");
        assert!(
            rewritten.contains("<a href=\"Binary/bin-9\">scan</a>"),
            "{rewritten}"
        );
        assert!(
            rewritten.contains("<img src='Binary/bin-9'/>"),
            "{rewritten}"
        );
        assert!(
            rewritten.contains("href=\"https://other.test/\""),
            "{rewritten}"
        );
    }

    #[test]
    fn narrative_without_links_unchanged() {
        let xhtml = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>hrefs and srcs</p><a href=\"x";
        assert_eq!(rewrite_narrative_links(xhtml, &assignments()), None);
    }
}
