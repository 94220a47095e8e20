//! Bundles: search result pages, reference resolution between entries, and
//! transaction and batch processing helpers.
//!
//! - [`SearchsetBuilder`] writes one page of search results as a
//!   `searchset` Bundle, with `search.mode`, `total` and paging links.
//! - [`BundleIndex`] resolves a reference found in one entry to another
//!   entry, or to a contained resource, by the `fullUrl` rules of FHIR R4.
//! - [`validate`] checks a `transaction` or `batch` Bundle and gives its
//!   [processing order](ValidatedTransaction::processing_order);
//!   [`rewrite_references`] replaces `urn:uuid:` and conditional references
//!   once the server has assigned ids.

mod json_text;
mod reference;
pub mod resolve;
pub mod rewrite;
pub mod searchset;
pub mod transaction;

pub use resolve::{BundleIndex, Resolved, UnresolvedReference};
pub use rewrite::{
    ConditionalResolver, IdAssignments, ResolverError, RewriteError, rewrite_references,
};
pub use searchset::{SearchsetBuilder, SearchsetError};
pub use transaction::{
    InvalidTransaction, TransactionKind, TransactionProblem, ValidatedTransaction, validate,
};
