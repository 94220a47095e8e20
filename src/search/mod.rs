//! FHIR search: the parameter registry, query parsing and matching.

pub mod registry;
