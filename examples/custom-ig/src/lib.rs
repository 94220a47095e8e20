//! Typed structs for the Acme IG, a small implementation guide kept in
//! `ig/package/`, generated at build time with
//! [`fhir_payer_codegen::IgBuilder`](https://docs.rs/fhir-payer-codegen).
//!
//! The guide has one profile on Coverage and one extension definition.
//! The profile `AcmeCoverage` has a required `subscriberId`, a fixed
//! `status` and a required binding on `type`. Every `identifier` has a
//! fixed `system`, a constraint inside the Identifier datatype. The `group`
//! slice of `class` is chosen by a pattern on `class.type` and has an `acme`
//! slice of its codings inside. The `plan` slice is re-sliced by value into
//! `plan/basic`. The profile also uses the `plan-tier` extension. The extension `PlanTier` is a code from a
//! required value set. Its StructureDefinitions have only differentials,
//! and the generator expands the snapshots from the core base definitions.
//!
//! The generated module is [`acme_ig`]. It works like the built-in guides of
//! `fhir_payer::profiles`: `AcmeCoverage::try_from(coverage)` validates and
//! returns every violation, `Coverage::from(acme)` converts back.

include!(concat!(env!("OUT_DIR"), "/acme_ig.rs"));
