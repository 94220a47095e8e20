//! FHIR search: the parameter registry, query parsing and matching.

pub mod extract;
pub mod matching;
pub mod query;
pub mod registry;
