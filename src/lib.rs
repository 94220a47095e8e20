//! FHIR R4 types, SMART scopes, search and Bundles for US payer APIs.

#![forbid(unsafe_code)]

pub mod bundle;
pub mod json;
#[cfg(feature = "schemars")]
mod json_schema;
pub mod primitives;
pub mod profiles;
pub mod r4;
pub mod search;
pub mod smart;
