//! Resolving literal references between the entries of a Bundle, by the
//! rules of the FHIR R4 Bundle page ("Resolving references in Bundles"):
//!
//! - `#id` names a contained resource of the referring resource, and `#`
//!   alone the referring resource itself.
//! - A relative reference `Type/id` is made absolute with the service base
//!   of the referring entry's `fullUrl`, which must be a RESTful `http` or
//!   `https` URL (`https://payer.test/fhir/Observation/1` has the base
//!   `https://payer.test/fhir`). An entry whose `fullUrl` is a `urn:uuid:`
//!   or is missing cannot resolve relative references inside the Bundle.
//! - An absolute reference (a URL, `urn:uuid:`, `urn:oid:`) must equal an
//!   entry's `fullUrl`, character for character.
//! - A versioned reference (`Type/id/_history/vid`, relative or absolute) is
//!   matched without its version, and the matching entry must then have
//!   `meta.versionId` equal to `vid`.
//! - When more than one entry matches, the reference is ambiguous and does
//!   not resolve.
//!
//! A reference that does not resolve inside the Bundle may still resolve on
//! a server, which is outside this module.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::r4::{Bundle, Reference, Resource};

use super::json_text;
use super::reference::{LiteralReference, RestfulPath};

/// A resource that a reference resolved to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resolved<'a> {
    /// The index in `Bundle.entry` of the entry that contains the resource.
    /// For a contained resource, this is the referring entry.
    pub entry_index: usize,
    /// The resource.
    pub resource: &'a Resource,
    /// Whether `resource` is a contained resource of the entry's resource
    /// rather than the entry's resource itself.
    pub contained: bool,
}

/// The reason a reference did not resolve inside the Bundle. Each variant
/// names the reference.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UnresolvedReference {
    /// The referring entry index is not in the Bundle.
    #[error("entry {entry_index} does not exist: the Bundle has {entry_count} entries")]
    NoSuchEntry {
        /// The index that was given.
        entry_index: usize,
        /// The number of entries in the Bundle.
        entry_count: usize,
    },
    /// The Reference has no `reference` string (it may have only an
    /// identifier or a display).
    #[error("the Reference of entry {entry_index} has no literal reference")]
    NoLiteralReference {
        /// The referring entry.
        entry_index: usize,
    },
    /// A relative reference from an entry whose `fullUrl` is missing or is
    /// not a RESTful `http`/`https` URL, so it has no service base.
    #[error(
        "relative reference `{reference}` in entry {entry_index} cannot resolve inside the Bundle: \
         the entry's fullUrl {} is not a RESTful http(s) URL",
        full_url.as_deref().map_or_else(|| "is missing and".to_owned(), |url| format!("`{url}`"))
    )]
    NoServiceBase {
        /// The reference.
        reference: String,
        /// The referring entry.
        entry_index: usize,
        /// The referring entry's `fullUrl`, if it has one.
        full_url: Option<String>,
    },
    /// No entry has the `fullUrl` the reference points to.
    #[error(
        "reference `{reference}` in entry {entry_index}: no entry has the fullUrl `{full_url}`"
    )]
    NotFound {
        /// The reference.
        reference: String,
        /// The referring entry.
        entry_index: usize,
        /// The `fullUrl` that was looked for, without any version.
        full_url: String,
    },
    /// Entries have the `fullUrl` but none has the requested
    /// `meta.versionId`.
    #[error(
        "reference `{reference}` in entry {entry_index}: entries {candidates:?} have the fullUrl \
         but none has meta.versionId `{version}`"
    )]
    VersionNotFound {
        /// The reference.
        reference: String,
        /// The referring entry.
        entry_index: usize,
        /// The version id in the reference.
        version: String,
        /// The entries with the matching `fullUrl`.
        candidates: Vec<usize>,
    },
    /// More than one entry matches.
    #[error(
        "reference `{reference}` in entry {entry_index} is ambiguous: entries {candidates:?} all match"
    )]
    Ambiguous {
        /// The reference.
        reference: String,
        /// The referring entry.
        entry_index: usize,
        /// The matching entries.
        candidates: Vec<usize>,
    },
    /// No contained resource of the referring resource has the id.
    #[error(
        "reference `{reference}` in entry {entry_index}: the entry's resource has no contained resource with that id"
    )]
    ContainedNotFound {
        /// The reference.
        reference: String,
        /// The referring entry.
        entry_index: usize,
    },
    /// A conditional reference (`Type?query`), which only a server can
    /// resolve by searching.
    #[error(
        "reference `{reference}` in entry {entry_index} is conditional: only a server search can resolve it"
    )]
    Conditional {
        /// The reference.
        reference: String,
        /// The referring entry.
        entry_index: usize,
    },
    /// A relative reference that is not `Type/id` or
    /// `Type/id/_history/vid` with an R4 resource type.
    #[error(
        "reference `{reference}` in entry {entry_index} is not `Type/id`, `Type/id/_history/vid`, \
         `#id` or an absolute URI"
    )]
    Unsupported {
        /// The reference.
        reference: String,
        /// The referring entry.
        entry_index: usize,
    },
}

/// An index of a Bundle's entries by `fullUrl`, for resolving references.
///
/// Building the index reads every entry once. Contained resources are read
/// the first time a `#id` reference of their entry is resolved.
///
/// ```
/// use fhir_payer::bundle::BundleIndex;
///
/// let text = r#"{"resourceType": "Bundle", "type": "collection", "entry": [
///   {"fullUrl": "https://payer.test/fhir/Patient/p1", "resource": {"resourceType": "Patient", "id": "p1"}},
///   {"fullUrl": "https://payer.test/fhir/Coverage/c1", "resource": {"resourceType": "Coverage", "id": "c1",
///     "status": "active", "beneficiary": {"reference": "Patient/p1"},
///     "payor": [{"reference": "Patient/p1"}]}}
/// ]}"#;
/// let fhir_payer::r4::Resource::Bundle(bundle) = fhir_payer::json::from_str(text)? else { unreachable!() };
/// let index = BundleIndex::new(&bundle);
/// let resolved = index.resolve(1, "Patient/p1").expect("the patient is in the Bundle");
/// assert_eq!(resolved.entry_index, 0);
/// # Ok::<(), fhir_payer::json::Error>(())
/// ```
#[derive(Debug)]
pub struct BundleIndex<'a> {
    bundle: &'a Bundle,
    /// Entry indexes by `fullUrl`, for the entries that have a resource.
    by_full_url: HashMap<&'a str, Vec<usize>>,
    /// The contained resources of each entry's resource, read on first use.
    contained: Vec<OnceLock<Vec<Resource>>>,
}

impl<'a> BundleIndex<'a> {
    /// Indexes the entries of `bundle` that have both a `fullUrl` and a
    /// resource.
    pub fn new(bundle: &'a Bundle) -> Self {
        let mut by_full_url: HashMap<&'a str, Vec<usize>> = HashMap::new();
        for (index, entry) in bundle.entry.iter().enumerate() {
            if entry.resource.is_none() {
                continue;
            }
            if let Some(full_url) = entry_full_url(bundle, index) {
                by_full_url.entry(full_url).or_default().push(index);
            }
        }
        let contained = bundle.entry.iter().map(|_| OnceLock::new()).collect();
        BundleIndex {
            bundle,
            by_full_url,
            contained,
        }
    }

    /// Returns the Bundle this index was built from.
    pub fn bundle(&self) -> &'a Bundle {
        self.bundle
    }

    /// Resolves `reference`, found in the resource of entry `entry_index`
    /// (or in one of its contained resources), to a resource in the Bundle.
    /// Returns `None` when it does not resolve, and
    /// [`try_resolve`](Self::try_resolve) returns the reason.
    pub fn resolve(&self, entry_index: usize, reference: &str) -> Option<Resolved<'_>> {
        self.try_resolve(entry_index, reference).ok()
    }

    /// Resolves the literal reference of `reference` as
    /// [`try_resolve`](Self::try_resolve) does.
    ///
    /// # Errors
    ///
    /// Returns [`UnresolvedReference::NoLiteralReference`] when
    /// `reference.reference` has no value, and otherwise the errors of
    /// [`try_resolve`](Self::try_resolve).
    pub fn resolve_reference(
        &self,
        entry_index: usize,
        reference: &Reference,
    ) -> Result<Resolved<'_>, UnresolvedReference> {
        let literal = reference
            .reference
            .as_ref()
            .and_then(|element| element.value.as_deref());
        match literal {
            Some(literal) => self.try_resolve(entry_index, literal),
            None => Err(UnresolvedReference::NoLiteralReference { entry_index }),
        }
    }

    /// Resolves `reference`, found in the resource of entry `entry_index`
    /// (or in one of its contained resources), by the rules in the module
    /// documentation.
    ///
    /// # Errors
    ///
    /// Returns an [`UnresolvedReference`] with the reason the reference does
    /// not resolve inside the Bundle:
    ///
    /// - the entry index is out of range;
    /// - the referring entry has no service base for a relative reference;
    /// - no entry or several entries match;
    /// - no match has the requested version;
    /// - no contained resource has the id;
    /// - the reference is conditional or of an unsupported form.
    pub fn try_resolve(
        &self,
        entry_index: usize,
        reference: &str,
    ) -> Result<Resolved<'_>, UnresolvedReference> {
        let entry_count = self.bundle.entry.len();
        if entry_index >= entry_count {
            return Err(UnresolvedReference::NoSuchEntry {
                entry_index,
                entry_count,
            });
        }

        match LiteralReference::parse(reference) {
            LiteralReference::Contained { id } => {
                self.resolve_contained(entry_index, reference, id)
            }
            LiteralReference::Relative(path) => {
                let full_url = entry_full_url(self.bundle, entry_index);
                let Some((base, _)) = full_url.and_then(super::reference::split_restful_url) else {
                    return Err(UnresolvedReference::NoServiceBase {
                        reference: reference.to_owned(),
                        entry_index,
                        full_url: full_url.map(str::to_owned),
                    });
                };
                self.resolve_restful(entry_index, reference, base, path)
            }
            LiteralReference::AbsoluteRestful { base, path } => {
                self.resolve_restful(entry_index, reference, base, path)
            }
            LiteralReference::OtherAbsolute => {
                self.match_full_url(entry_index, reference, reference, None)
            }
            LiteralReference::Conditional { .. } => Err(UnresolvedReference::Conditional {
                reference: reference.to_owned(),
                entry_index,
            }),
            LiteralReference::Unsupported => Err(UnresolvedReference::Unsupported {
                reference: reference.to_owned(),
                entry_index,
            }),
        }
    }

    fn resolve_restful(
        &self,
        entry_index: usize,
        reference: &str,
        base: &str,
        path: RestfulPath<'_>,
    ) -> Result<Resolved<'_>, UnresolvedReference> {
        let full_url = format!("{base}/{}/{}", path.resource_type, path.id);
        self.match_full_url(entry_index, reference, &full_url, path.version)
    }

    /// Finds the one entry whose `fullUrl` is `full_url` and, for a
    /// versioned reference, whose `meta.versionId` is `version`.
    fn match_full_url(
        &self,
        entry_index: usize,
        reference: &str,
        full_url: &str,
        version: Option<&str>,
    ) -> Result<Resolved<'_>, UnresolvedReference> {
        let Some(candidates) = self.by_full_url.get(full_url) else {
            return Err(UnresolvedReference::NotFound {
                reference: reference.to_owned(),
                entry_index,
                full_url: full_url.to_owned(),
            });
        };

        let matches: Vec<usize> = match version {
            None => candidates.clone(),
            Some(version) => candidates
                .iter()
                .copied()
                .filter(|&candidate| self.version_id(candidate) == Some(version))
                .collect(),
        };
        match matches.as_slice() {
            [] => Err(UnresolvedReference::VersionNotFound {
                reference: reference.to_owned(),
                entry_index,
                version: version.unwrap_or_default().to_owned(),
                candidates: candidates.clone(),
            }),
            [found] => {
                let resource =
                    self.entry_resource(*found)
                        .ok_or_else(|| UnresolvedReference::NotFound {
                            reference: reference.to_owned(),
                            entry_index,
                            full_url: full_url.to_owned(),
                        })?;
                Ok(Resolved {
                    entry_index: *found,
                    resource,
                    contained: false,
                })
            }
            _ => Err(UnresolvedReference::Ambiguous {
                reference: reference.to_owned(),
                entry_index,
                candidates: matches,
            }),
        }
    }

    fn resolve_contained(
        &self,
        entry_index: usize,
        reference: &str,
        id: &str,
    ) -> Result<Resolved<'_>, UnresolvedReference> {
        let not_found = || UnresolvedReference::ContainedNotFound {
            reference: reference.to_owned(),
            entry_index,
        };
        let container = self.entry_resource(entry_index).ok_or_else(not_found)?;
        if id.is_empty() {
            return Ok(Resolved {
                entry_index,
                resource: container,
                contained: false,
            });
        }

        // A resource that cannot be written back to JSON has no readable
        // contained resources; that would be a bug in the generated code.
        let contained = self.contained[entry_index]
            .get_or_init(|| json_text::contained_resources(container).unwrap_or_default());
        let resource = contained
            .iter()
            .find(|resource| {
                resource
                    .id()
                    .is_some_and(|contained_id| contained_id.as_str() == id)
            })
            .ok_or_else(not_found)?;
        Ok(Resolved {
            entry_index,
            resource,
            contained: true,
        })
    }

    fn entry_resource(&self, index: usize) -> Option<&'a Resource> {
        self.bundle
            .entry
            .get(index)
            .and_then(|entry| entry.resource.as_ref())
    }

    fn version_id(&self, index: usize) -> Option<&'a str> {
        let meta = self.entry_resource(index)?.meta()?;
        meta.version_id
            .as_ref()?
            .value
            .as_ref()
            .map(|id| id.as_str())
    }
}

/// Returns the `fullUrl` value of entry `index`, if it has one.
fn entry_full_url(bundle: &Bundle, index: usize) -> Option<&str> {
    let entry = bundle.entry.get(index)?;
    entry
        .full_url
        .as_ref()?
        .value
        .as_ref()
        .map(|url| url.as_str())
}
