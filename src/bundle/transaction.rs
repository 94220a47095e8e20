//! Checking a `transaction` or `batch` Bundle before it is processed, and
//! the order in which its entries are processed.
//!
//! The rules come from the Bundle resource and the RESTful API pages of FHIR
//! R4. They are the invariants bdl-3 (every entry has a request), bdl-7
//! (`fullUrl` is unique unless the versions differ) and bdl-8 (`fullUrl` has
//! no version), and the cardinality of `request.method` and `request.url`
//! (1..1). They also cover the URL forms of create, update, patch and delete,
//! and the transaction rule that two entries must not write the same
//! resource.

use std::collections::HashMap;
use std::fmt;

use crate::r4::{Bundle, BundleEntry, BundleType, HTTPVerb, ResourceType};

use super::json_text;
use super::reference::{LiteralReference, is_absolute, parse_restful_path};

/// Whether a Bundle is processed as one unit or entry by entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransactionKind {
    /// `Bundle.type` = `transaction`: all entries succeed or fail together.
    Transaction,
    /// `Bundle.type` = `batch`: each entry succeeds or fails on its own.
    Batch,
}

/// One problem that makes a Bundle an invalid transaction or batch. Each
/// variant names the entry by its index in `Bundle.entry`, from 0.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransactionProblem {
    /// `Bundle.type` is neither `transaction` nor `batch`.
    #[error("Bundle.type is {}, expected transaction or batch", found.map_or("missing", BundleType::as_str))]
    NotTransactionOrBatch {
        /// The type the Bundle has, if any.
        found: Option<BundleType>,
    },
    /// The entry has no `request`.
    #[error("entry {entry_index}: request is missing")]
    MissingRequest {
        /// The entry.
        entry_index: usize,
    },
    /// The entry's request has no `method`.
    #[error("entry {entry_index}: request.method is missing")]
    MissingMethod {
        /// The entry.
        entry_index: usize,
    },
    /// The entry's request has no `url`.
    #[error("entry {entry_index}: request.url is missing")]
    MissingUrl {
        /// The entry.
        entry_index: usize,
    },
    /// A POST, PUT or PATCH entry has no resource.
    #[error("entry {entry_index}: a {} request needs a resource", method.as_str())]
    MissingResource {
        /// The entry.
        entry_index: usize,
        /// The request method.
        method: HTTPVerb,
    },
    /// The request URL does not have a form the method accepts.
    #[error("entry {entry_index}: invalid request.url `{url}` for {}: expected {expected}", method.as_str())]
    InvalidUrl {
        /// The entry.
        entry_index: usize,
        /// The request method.
        method: HTTPVerb,
        /// The request URL.
        url: String,
        /// The forms the method accepts.
        expected: &'static str,
    },
    /// The resource's type differs from the type in the request URL.
    #[error(
        "entry {entry_index}: request.url `{url}` is for {url_type} but the resource is a {resource_type}"
    )]
    ResourceTypeMismatch {
        /// The entry.
        entry_index: usize,
        /// The request URL.
        url: String,
        /// The type in the URL.
        url_type: ResourceType,
        /// The type of the resource.
        resource_type: ResourceType,
    },
    /// A PUT to `Type/id` carries a resource with a different id.
    #[error(
        "entry {entry_index}: request.url `{url}` names id `{url_id}` but the resource has id `{resource_id}`"
    )]
    IdMismatch {
        /// The entry.
        entry_index: usize,
        /// The request URL.
        url: String,
        /// The id in the URL.
        url_id: String,
        /// The id of the resource.
        resource_id: String,
    },
    /// A PATCH carries a resource other than Binary (JSON Patch) or
    /// Parameters (FHIRPath Patch).
    #[error(
        "entry {entry_index}: a PATCH needs a Binary or Parameters resource, not a {resource_type}"
    )]
    InvalidPatchResource {
        /// The entry.
        entry_index: usize,
        /// The type of the resource.
        resource_type: ResourceType,
    },
    /// The `fullUrl` contains a version (`/_history/`), which bdl-8 forbids.
    #[error("entry {entry_index}: fullUrl `{full_url}` must not contain a version (/_history/)")]
    VersionedFullUrl {
        /// The entry.
        entry_index: usize,
        /// The `fullUrl`.
        full_url: String,
    },
    /// Two entries have the same `fullUrl` and do not differ in
    /// `meta.versionId` (bdl-7).
    #[error(
        "entry {entry_index}: fullUrl `{full_url}` is already used by entry {first_entry_index}"
    )]
    DuplicateFullUrl {
        /// The later entry.
        entry_index: usize,
        /// The first entry with that `fullUrl`.
        first_entry_index: usize,
        /// The `fullUrl`.
        full_url: String,
    },
    /// Two entries of a transaction write the same resource (the same
    /// `Type/id` or the same conditional URL).
    #[error(
        "entry {entry_index}: request.url `{url}` writes the same resource as entry {first_entry_index}"
    )]
    DuplicateTarget {
        /// The later entry.
        entry_index: usize,
        /// The first entry with that target.
        first_entry_index: usize,
        /// The request URL.
        url: String,
    },
    /// An entry of a batch refers to a resource that another entry of the
    /// same batch creates; batch entries must not depend on each other.
    #[error(
        "entry {entry_index}: reference `{reference}` points to entry {target_entry_index} of the same batch; \
         use a transaction for entries that refer to each other"
    )]
    BatchInterdependency {
        /// The referring entry.
        entry_index: usize,
        /// The reference.
        reference: String,
        /// The entry whose `fullUrl` the reference names.
        target_entry_index: usize,
    },
}

/// The error of [`validate`]: every problem found in the Bundle, in entry
/// order, with Bundle-level problems first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidTransaction {
    /// The problems; never empty.
    pub problems: Vec<TransactionProblem>,
}

impl fmt::Display for InvalidTransaction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid transaction or batch Bundle: ")?;
        for (position, problem) in self.problems.iter().enumerate() {
            if position > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InvalidTransaction {}

/// A Bundle that passed [`validate`].
#[derive(Debug, Clone)]
pub struct ValidatedTransaction<'a> {
    bundle: &'a Bundle,
    kind: TransactionKind,
    methods: Vec<HTTPVerb>,
}

impl<'a> ValidatedTransaction<'a> {
    /// Returns the Bundle.
    pub fn bundle(&self) -> &'a Bundle {
        self.bundle
    }

    /// Returns whether the Bundle is a transaction or a batch.
    pub fn kind(&self) -> TransactionKind {
        self.kind
    }

    /// Returns the request method of entry `entry_index`, or `None` when the index
    /// is out of range.
    pub fn method(&self, entry_index: usize) -> Option<HTTPVerb> {
        self.methods.get(entry_index).copied()
    }

    /// Returns the entry indexes in the order FHIR R4 prescribes for processing a
    /// transaction: every DELETE, then every POST, then every PUT and PATCH,
    /// then every GET and HEAD. Entries keep their Bundle order within each
    /// group. A batch may be processed in any order, and this one is as good
    /// as any.
    pub fn processing_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.methods.len()).collect();
        // `sort_by_key` is stable, so entries keep their Bundle order within a group.
        order.sort_by_key(|&index| processing_group(self.methods[index]));
        order
    }
}

/// Returns the processing group of a method. Lower groups go first.
fn processing_group(method: HTTPVerb) -> u8 {
    match method {
        HTTPVerb::Delete => 0,
        HTTPVerb::Post => 1,
        HTTPVerb::Put | HTTPVerb::Patch => 2,
        HTTPVerb::Get | HTTPVerb::Head => 3,
    }
}

/// Checks that `bundle` is a well-formed transaction or batch.
///
/// Checks, for the Bundle: `type` is `transaction` or `batch`. For each
/// entry:
///
/// - `request`, `request.method` and `request.url` are present.
/// - POST, PUT and PATCH carry a resource, and a PATCH resource is a Binary
///   or Parameters.
/// - POST goes to `Type` with a resource of that type, or invokes a search
///   (`Type/_search`) or an operation (a URL with a `$` segment).
/// - PUT goes to `Type/id` (and the resource, if it has an id, has that id)
///   or to `Type?query`, with a resource of that type.
/// - PATCH and DELETE go to `Type/id` or `Type?query`.
/// - `fullUrl` has no `/_history/` version, and no two entries share a
///   `fullUrl` unless their `meta.versionId` values differ.
///
/// For a transaction, no two DELETE, PUT or PATCH entries (or POST entries
/// with the same `ifNoneExist`) may target the same `Type/id` or conditional
/// URL. For a batch, no entry may refer to another entry's `fullUrl`
/// (`urn:uuid:` or other) through a `reference` element.
///
/// GET and HEAD URLs are not checked, because any read, search or operation
/// URL is allowed. An absolute request URL is checked by its trailing
/// `Type/id`, `Type` or `Type?query`; its base is not compared with
/// anything.
///
/// # Errors
///
/// Returns [`InvalidTransaction`] with every problem found.
pub fn validate(bundle: &Bundle) -> Result<ValidatedTransaction<'_>, InvalidTransaction> {
    let mut problems = Vec::new();
    let bundle_type = bundle.r#type.as_ref().and_then(|element| element.value);
    let kind = match bundle_type {
        Some(BundleType::Transaction) => Some(TransactionKind::Transaction),
        Some(BundleType::Batch) => Some(TransactionKind::Batch),
        found => {
            problems.push(TransactionProblem::NotTransactionOrBatch { found });
            None
        }
    };

    let mut methods = Vec::with_capacity(bundle.entry.len());
    for (entry_index, entry) in bundle.entry.iter().enumerate() {
        if let Some(method) = check_request(entry_index, entry, &mut problems) {
            methods.push(method);
        }
    }
    check_full_urls(bundle, &mut problems);
    match kind {
        Some(TransactionKind::Transaction) => check_duplicate_targets(bundle, &mut problems),
        Some(TransactionKind::Batch) => check_batch_references(bundle, &mut problems),
        None => {}
    }

    match kind {
        Some(kind) if problems.is_empty() => Ok(ValidatedTransaction {
            bundle,
            kind,
            methods,
        }),
        _ => {
            problems.sort_by_key(problem_entry_index);
            Err(InvalidTransaction { problems })
        }
    }
}

/// Returns the entry a problem is about, or `None` for a Bundle-level
/// problem so that those sort first.
fn problem_entry_index(problem: &TransactionProblem) -> Option<usize> {
    match problem {
        TransactionProblem::NotTransactionOrBatch { .. } => None,
        TransactionProblem::MissingRequest { entry_index }
        | TransactionProblem::MissingMethod { entry_index }
        | TransactionProblem::MissingUrl { entry_index }
        | TransactionProblem::MissingResource { entry_index, .. }
        | TransactionProblem::InvalidUrl { entry_index, .. }
        | TransactionProblem::ResourceTypeMismatch { entry_index, .. }
        | TransactionProblem::IdMismatch { entry_index, .. }
        | TransactionProblem::InvalidPatchResource { entry_index, .. }
        | TransactionProblem::VersionedFullUrl { entry_index, .. }
        | TransactionProblem::DuplicateFullUrl { entry_index, .. }
        | TransactionProblem::DuplicateTarget { entry_index, .. }
        | TransactionProblem::BatchInterdependency { entry_index, .. } => Some(*entry_index),
    }
}

/// Checks the request of one entry and returns its method when the request
/// has both a method and a URL.
fn check_request(
    entry_index: usize,
    entry: &BundleEntry,
    problems: &mut Vec<TransactionProblem>,
) -> Option<HTTPVerb> {
    let Some(request) = &entry.request else {
        problems.push(TransactionProblem::MissingRequest { entry_index });
        return None;
    };
    let method = request.method.as_ref().and_then(|element| element.value);
    let url = request
        .url
        .as_ref()
        .and_then(|element| element.value.as_ref())
        .map(|url| url.as_str());
    if method.is_none() {
        problems.push(TransactionProblem::MissingMethod { entry_index });
    }
    if url.is_none() {
        problems.push(TransactionProblem::MissingUrl { entry_index });
    }
    let (method, url) = (method?, url?);
    let relative_url = strip_base(url);

    let needs_resource = matches!(method, HTTPVerb::Post | HTTPVerb::Put | HTTPVerb::Patch);
    if needs_resource && entry.resource.is_none() {
        problems.push(TransactionProblem::MissingResource {
            entry_index,
            method,
        });
    }
    let resource_type = entry
        .resource
        .as_ref()
        .map(|resource| resource.resource_type());

    match method {
        HTTPVerb::Post => check_post_url(entry_index, url, relative_url, resource_type, problems),
        HTTPVerb::Put => check_put_url(entry_index, entry, url, relative_url, problems),
        HTTPVerb::Patch => {
            check_instance_or_conditional_url(entry_index, method, url, relative_url, problems);
            let is_patch_document = |resource_type| {
                matches!(
                    resource_type,
                    ResourceType::Binary | ResourceType::Parameters
                )
            };
            match resource_type {
                Some(resource_type) if !is_patch_document(resource_type) => {
                    problems.push(TransactionProblem::InvalidPatchResource {
                        entry_index,
                        resource_type,
                    });
                }
                _ => {}
            }
        }
        HTTPVerb::Delete => {
            check_instance_or_conditional_url(entry_index, method, url, relative_url, problems)
        }
        HTTPVerb::Get | HTTPVerb::Head => {}
    }
    Some(method)
}

/// Returns the path of a request URL, without query.
fn url_path(url: &str) -> &str {
    url.split_once('?').map_or(url, |(path, _)| path)
}

/// Returns the part of a request URL after the service base. A relative URL is
/// returned as it is. An absolute URL (which some clients send, although
/// R4 defines `request.url` relative to the base) is cut to its trailing
/// `Type/id`, or else to its last path segment and query (`Type`,
/// `Type?query`). Whether its base is this server's is for the caller to
/// check.
fn strip_base(url: &str) -> &str {
    if !is_absolute(url) {
        return url;
    }
    let path = url_path(url);
    let has_query = path.len() < url.len();
    let mut slashes = path.rmatch_indices('/').map(|(at, _)| at);
    let last_slash = slashes.next();
    if let Some(type_slash) = slashes.next() {
        let tail = &url[type_slash + 1..];
        if !has_query && parse_restful_path(tail).is_some_and(|path| path.version.is_none()) {
            return tail;
        }
    }
    last_slash.map_or(url, |at| &url[at + 1..])
}

fn check_post_url(
    entry_index: usize,
    url: &str,
    relative_url: &str,
    resource_type: Option<ResourceType>,
    problems: &mut Vec<TransactionProblem>,
) {
    let path = url_path(relative_url);
    let is_operation = path.split('/').any(|segment| segment.starts_with('$'));
    let is_search = path.ends_with("/_search") || path == "_search";
    if is_operation || is_search {
        return;
    }
    let Some(url_type) = ResourceType::from_name(path) else {
        problems.push(TransactionProblem::InvalidUrl {
            entry_index,
            method: HTTPVerb::Post,
            url: url.to_owned(),
            expected: "`Type` for a create, `Type/_search`, or an operation URL with `$`",
        });
        return;
    };
    check_type_matches(entry_index, url, url_type, resource_type, problems);
}

fn check_put_url(
    entry_index: usize,
    entry: &BundleEntry,
    url: &str,
    relative_url: &str,
    problems: &mut Vec<TransactionProblem>,
) {
    let Some(target) = parse_target(relative_url) else {
        problems.push(invalid_target_url(entry_index, HTTPVerb::Put, url));
        return;
    };
    let Some(resource) = &entry.resource else {
        return;
    };
    check_type_matches(
        entry_index,
        url,
        target.resource_type,
        Some(resource.resource_type()),
        problems,
    );
    match (target.id, resource.id()) {
        (Some(url_id), Some(resource_id)) if url_id != resource_id.as_str() => {
            problems.push(TransactionProblem::IdMismatch {
                entry_index,
                url: url.to_owned(),
                url_id: url_id.to_owned(),
                resource_id: resource_id.as_str().to_owned(),
            });
        }
        _ => {}
    }
}

fn check_instance_or_conditional_url(
    entry_index: usize,
    method: HTTPVerb,
    url: &str,
    relative_url: &str,
    problems: &mut Vec<TransactionProblem>,
) {
    if parse_target(relative_url).is_none() {
        problems.push(invalid_target_url(entry_index, method, url));
    }
}

fn invalid_target_url(entry_index: usize, method: HTTPVerb, url: &str) -> TransactionProblem {
    TransactionProblem::InvalidUrl {
        entry_index,
        method,
        url: url.to_owned(),
        expected: "`Type/id` or a conditional `Type?query`",
    }
}

fn check_type_matches(
    entry_index: usize,
    url: &str,
    url_type: ResourceType,
    resource_type: Option<ResourceType>,
    problems: &mut Vec<TransactionProblem>,
) {
    match resource_type {
        Some(resource_type) if resource_type != url_type => {
            problems.push(TransactionProblem::ResourceTypeMismatch {
                entry_index,
                url: url.to_owned(),
                url_type,
                resource_type,
            });
        }
        _ => {}
    }
}

/// The resource a PUT, PATCH or DELETE URL targets.
struct Target<'a> {
    resource_type: ResourceType,
    /// The id for `Type/id`, or `None` for a conditional `Type?query`.
    id: Option<&'a str>,
}

/// Parses `Type/id` or `Type?query` (with a non-empty query).
fn parse_target(url: &str) -> Option<Target<'_>> {
    match LiteralReference::parse(url) {
        LiteralReference::Conditional {
            resource_type,
            query,
        } if !query.is_empty() => Some(Target {
            resource_type,
            id: None,
        }),
        _ => {
            let path = parse_restful_path(url).filter(|path| path.version.is_none())?;
            Some(Target {
                resource_type: path.resource_type,
                id: Some(path.id),
            })
        }
    }
}

/// Applies bdl-8 and bdl-7 to the `fullUrl` of every entry.
fn check_full_urls(bundle: &Bundle, problems: &mut Vec<TransactionProblem>) {
    let mut first_by_url: HashMap<&str, Vec<usize>> = HashMap::new();
    for (entry_index, entry) in bundle.entry.iter().enumerate() {
        let Some(full_url) = entry
            .full_url
            .as_ref()
            .and_then(|element| element.value.as_ref())
        else {
            continue;
        };
        let full_url = full_url.as_str();
        if full_url.contains("/_history/") {
            problems.push(TransactionProblem::VersionedFullUrl {
                entry_index,
                full_url: full_url.to_owned(),
            });
        }

        let earlier = first_by_url.entry(full_url).or_default();
        let version = version_id(entry);
        let clash = earlier
            .iter()
            .copied()
            .find(|&other| version.is_none() || version_id(&bundle.entry[other]) == version);
        if let Some(first_entry_index) = clash {
            problems.push(TransactionProblem::DuplicateFullUrl {
                entry_index,
                first_entry_index,
                full_url: full_url.to_owned(),
            });
        }
        earlier.push(entry_index);
    }
}

fn version_id(entry: &BundleEntry) -> Option<&str> {
    let meta = entry.resource.as_ref()?.meta()?;
    meta.version_id
        .as_ref()?
        .value
        .as_ref()
        .map(|id| id.as_str())
}

/// Reports two writes of a transaction to the same `Type/id` or
/// conditional URL.
fn check_duplicate_targets(bundle: &Bundle, problems: &mut Vec<TransactionProblem>) {
    let mut first_by_target: HashMap<String, usize> = HashMap::new();
    for (entry_index, entry) in bundle.entry.iter().enumerate() {
        let Some(request) = &entry.request else {
            continue;
        };
        let method = request.method.as_ref().and_then(|element| element.value);
        let url = request
            .url
            .as_ref()
            .and_then(|element| element.value.as_ref())
            .map(|url| url.as_str());
        let target = match (method, url) {
            (Some(HTTPVerb::Put | HTTPVerb::Patch | HTTPVerb::Delete), Some(url)) => {
                strip_base(url).to_owned()
            }
            // A conditional create names its target in ifNoneExist.
            (Some(HTTPVerb::Post), Some(url)) => {
                let condition = request
                    .if_none_exist
                    .as_ref()
                    .and_then(|element| element.value.as_deref());
                match condition {
                    Some(condition) => format!("{}?{condition}", url_path(strip_base(url))),
                    None => continue,
                }
            }
            _ => continue,
        };
        match first_by_target.get(&target) {
            Some(&first_entry_index) => problems.push(TransactionProblem::DuplicateTarget {
                entry_index,
                first_entry_index,
                url: url.unwrap_or_default().to_owned(),
            }),
            None => {
                first_by_target.insert(target, entry_index);
            }
        }
    }
}

/// Reports batch entries whose `reference` elements name another entry's
/// `fullUrl`.
fn check_batch_references(bundle: &Bundle, problems: &mut Vec<TransactionProblem>) {
    let by_full_url: HashMap<&str, usize> = bundle
        .entry
        .iter()
        .enumerate()
        .filter_map(|(index, entry)| {
            let full_url = entry.full_url.as_ref()?.value.as_ref()?;
            Some((full_url.as_str(), index))
        })
        .collect();
    if by_full_url.is_empty() {
        return;
    }

    for (entry_index, entry) in bundle.entry.iter().enumerate() {
        let Some(resource) = &entry.resource else {
            continue;
        };
        let mut found = Vec::new();
        let scan = json_text::visit_member_strings(resource, |name, value| {
            let target = if name == "reference" {
                by_full_url.get(value).copied()
            } else {
                None
            };
            match target {
                Some(target_entry_index) if target_entry_index != entry_index => {
                    let problem = TransactionProblem::BatchInterdependency {
                        entry_index,
                        reference: value.to_owned(),
                        target_entry_index,
                    };
                    // Report a reference once per entry, however often it occurs.
                    if !found.contains(&problem) {
                        found.push(problem);
                    }
                }
                _ => {}
            }
        });
        // The scan fails only when the resource's JSON text is not UTF-8,
        // which the writer does not produce because it copies Rust strings.
        // Such a resource would get no problem reported.
        let _ = scan;
        problems.extend(found);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn processing_groups_order() {
        let mut methods = vec![
            HTTPVerb::Get,
            HTTPVerb::Patch,
            HTTPVerb::Post,
            HTTPVerb::Delete,
            HTTPVerb::Put,
        ];
        methods.sort_by_key(|&method| processing_group(method));
        assert_eq!(
            methods,
            [
                HTTPVerb::Delete,
                HTTPVerb::Post,
                HTTPVerb::Patch,
                HTTPVerb::Put,
                HTTPVerb::Get
            ]
        );
    }

    #[test]
    fn absolute_request_urls() {
        assert_eq!(
            strip_base("https://payer.test/fhir/Coverage/c1"),
            "Coverage/c1"
        );
        assert_eq!(strip_base("https://payer.test/fhir/Coverage"), "Coverage");
        assert_eq!(
            strip_base("https://payer.test/fhir/Coverage?status=active"),
            "Coverage?status=active"
        );
        assert_eq!(strip_base("Coverage/c1"), "Coverage/c1");
    }

    #[test]
    fn target_forms() {
        assert!(parse_target("Patient/p1").is_some());
        assert!(parse_target("Patient?identifier=urn:mbi|1").is_some());
        assert!(parse_target("Patient").is_none());
        assert!(parse_target("Patient?").is_none());
        assert!(parse_target("Patient/p1/_history/2").is_none());
    }
}
