//! The FHIR R4 (4.0.1) resources and datatypes, generated at build time from
//! the StructureDefinitions in `fhir-definitions/`.
//!
//! Naming:
//! - Resources and datatypes keep their FHIR names ([`Patient`], [`HumanName`]).
//! - Backbone elements are named by their path: `Patient.contact` is
//!   [`PatientContact`], `ExplanationOfBenefit.item.adjudication` is
//!   [`ExplanationOfBenefitItemAdjudication`].
//! - A choice element `value[x]` is an enum named by its path
//!   ([`ObservationValue`]) with one variant per type.
//! - An element bound (required) to a value set whose codes can be listed is
//!   an enum named after the value set ([`AdministrativeGender`]).
//! - Fields are snake_case (`birth_date`); Rust keywords are raw (`r#type`).
//!
//! Every primitive element is a [`Primitive`](crate::primitives::Primitive),
//! which carries the value and the element's own `id` and `extension`.

#![allow(
    clippy::large_enum_variant,
    clippy::doc_lazy_continuation,
    clippy::tabs_in_doc_comments,
    clippy::too_long_first_doc_paragraph,
    clippy::empty_docs,
    reason = "the generated documentation is the specification's text as written"
)]
#![allow(
    rustdoc::broken_intra_doc_links,
    rustdoc::invalid_html_tags,
    rustdoc::bare_urls,
    rustdoc::invalid_rust_codeblocks,
    reason = "definition texts use [x], HTML and bare links that are not rustdoc syntax"
)]

use std::fmt;

// A note on compile time. Dropping a `Resource` runs the drop code of all
// 146 resource types and of the types inside them, about half a megabyte of
// machine code. In optimized builds the compiler copies drop code into every
// codegen unit that uses it, and it forms one unit per module (merging small
// ones). So every module whose functions could drop a resource, on any path
// including a panic unwinding past a local variable, would carry its own
// copy. `Vec<T>` stops the copying: its drop is a shared function, so a
// struct that contains resources only in `Vec`s is cheap to drop anywhere.
//
// The compiler places a method with the module of its `Self` type. So
// functions outside this module that take resources by value are written as
// methods of `Resource`, `Bundle` or another generated type, in an `impl`
// block beside the code that uses them. Lists of resources are emptied
// with `pop` rather than `into_iter`, whose iterator would carry one more
// copy. With these rules the library's machine code fell from 15.0 MB to
// 10.9 MB.

include!(concat!(env!("OUT_DIR"), "/r4.rs"));

// `schemars::JsonSchema` for every generated struct and enum, built from the
// helpers in `crate::json_schema`.
#[cfg(feature = "schemars")]
include!(concat!(env!("OUT_DIR"), "/r4_schema.rs"));

impl<'de> serde::Deserialize<'de> for Resource {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::json::__private::serde_deserialize(deserializer)
    }
}

impl fmt::Display for ResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ResourceType {
    type Err = InvalidResourceType;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        ResourceType::from_name(name).ok_or_else(|| InvalidResourceType {
            name: name.to_owned(),
        })
    }
}

impl serde::Serialize for ResourceType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for ResourceType {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

/// A name that is not an R4 resource type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown resource type `{name}`")]
pub struct InvalidResourceType {
    /// The name that was given.
    pub name: String,
}

/// A code that is not in the required value set of a code enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidCode {
    /// The code that was given.
    pub code: String,
    /// The canonical URL of the value set.
    pub value_set: &'static str,
    expected: String,
}

impl InvalidCode {
    /// Builds the error for `code`, which is not one of the `codes` of
    /// `value_set`.
    #[cold]
    pub(crate) fn from_list(code: &str, value_set: &'static str, codes: &[&'static str]) -> Self {
        const SHOWN: usize = 12;
        let mut expected = codes[..codes.len().min(SHOWN)].join(", ");
        if codes.len() > SHOWN {
            expected.push_str(&format!(", ... ({} codes)", codes.len()));
        }
        let mut shown: String = code.chars().take(64).collect();
        if shown.len() < code.len() {
            shown.push('…');
        }
        InvalidCode {
            code: shown,
            value_set,
            expected,
        }
    }
}

impl fmt::Display for InvalidCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid code `{}` for value set {}: expected one of {}",
            self.code, self.value_set, self.expected
        )
    }
}

impl std::error::Error for InvalidCode {}
