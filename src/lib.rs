//! FHIR R4 types, SMART scopes, search and Bundles for US payer APIs.
//!
//! # Features
//!
//! - `plan-net` (default), `carin-bb`, `us-core`, `pdex`: the profile tables
//!   of these implementation guides, in [`profiles`].
//! - `schemars`: `schemars::JsonSchema` for the primitives and every type in
//!   [`r4`], describing the FHIR JSON that [`json`] reads and writes rather
//!   than a serde-derived shape. `schemars::schema_for!(r4::Resource)`
//!   returns one schema that validates any resource. In it:
//!   - each resource requires its `resourceType` constant, and
//!     `Resource` is a `oneOf` of the resources;
//!   - properties follow definition order, with each element's short text as
//!     its `description`, and every object has `additionalProperties: false`;
//!   - a primitive element `birthDate` is described by both `birthDate` and
//!     `_birthDate` (its `id` and `extension`), and repeating primitives are
//!     arrays in which `null` fills the gaps;
//!   - a choice element `value[x]` is one property per type
//!     (`valueQuantity`, `valueString`), and at most one type may appear;
//!   - elements with a minimum cardinality of 1 or more are required, and a
//!     required primitive is satisfied by either of its two properties;
//!   - codes bound to a required value set are an `enum` of strings;
//!   - primitives carry the specification's regular expressions as
//!     `pattern`, and decimals are JSON numbers.
//!
//!   The feature enables serde_json's `preserve_order` (through schemars),
//!   which keeps the properties in definition order for every
//!   `serde_json::Map` in the build.

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
