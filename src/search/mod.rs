//! FHIR search: the parameter registry, query parsing, matching, and the
//! `_summary` / `_elements` projection.

pub mod extract;
pub mod matching;
pub mod projection;
pub mod query;
pub mod registry;
