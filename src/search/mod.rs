//! FHIR search: the parameter registry, query parsing and matching.

pub mod extract;
pub mod registry;
