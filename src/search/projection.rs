//! `_summary` and `_elements`: returning part of a resource, marked with the
//! `SUBSETTED` tag.
//!
//! The elements kept are decided by the flags of the R4 definitions, which
//! the build script emits as [`crate::r4::ELEMENT_FLAGS`]:
//!
//! | Projection | Kept |
//! |---|---|
//! | `_summary=true` | the elements marked as summary, and mandatory ones |
//! | `_summary=text` | `text` and the mandatory top-level elements |
//! | `_summary=data` | everything but `text` |
//! | `_elements=a,b` | the listed top-level elements and the mandatory ones |
//!
//! `resourceType`, `id` and `meta` are always kept, and so is
//! `modifierExtension`, because a reader that does not see a modifier
//! extension would misread the rest. For `_summary=true` the rule applies
//! at every level of backbone elements (`Patient.contact`), while a kept
//! datatype (`HumanName`) is kept whole. In R4 nearly every datatype element
//! is a summary element. The exceptions are the element ids, extensions,
//! `Attachment.data`, `SampledData.data` and parts of `Signature`, which a
//! summary therefore still carries inside a kept datatype. A primitive's
//! `_name` sibling (its id and extensions) follows the primitive.
//!
//! Every projection other than `_summary=false` adds the `SUBSETTED` tag of
//! `http://terminology.hl7.org/CodeSystem/v3-ObservationValue` to
//! `meta.tag`, once, so that the partial resource is not mistaken for the
//! whole one and written back.
//!
//! ```
//! use fhir_payer::search::projection::{Projection, project};
//!
//! let patient = fhir_payer::json::from_str(
//!     r#"{"resourceType": "Patient", "id": "p1", "gender": "female",
//!         "maritalStatus": {"text": "married"}}"#,
//! )?;
//! let summary = project(patient, &Projection::Summary)?;
//! let text = fhir_payer::json::to_string(&summary)?;
//! assert!(text.contains("\"gender\""));
//! assert!(!text.contains("maritalStatus"));
//! assert!(text.contains("SUBSETTED"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;

use serde_json::value::RawValue;

use crate::r4::Resource;
use crate::search::query::{Search, Summary};

/// The system of the `SUBSETTED` tag.
pub const SUBSETTED_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";

/// The code of the tag that marks a partial resource.
pub const SUBSETTED_CODE: &str = "SUBSETTED";

/// The elements of one resource, datatype or backbone element, in the
/// generated [`crate::r4::ELEMENT_FLAGS`] table.
#[derive(Debug, Clone, Copy)]
pub struct TypeElements {
    /// The Rust type name (`Patient`, `PatientContact`).
    pub type_name: &'static str,
    /// The elements, one entry per JSON member name.
    pub elements: &'static [ElementFlags],
}

/// The flags of one element, under one JSON member name.
#[derive(Debug, Clone, Copy)]
pub struct ElementFlags {
    /// The JSON member name; a choice element has one entry per type
    /// (`valueQuantity`, `valueString`).
    pub json_name: &'static str,
    /// The element name: `value` for `valueQuantity`, and the JSON name for
    /// an element that is not a choice.
    pub element_name: &'static str,
    /// `ElementDefinition.isSummary`.
    pub summary: bool,
    /// Whether the minimum cardinality is 1 or more.
    pub mandatory: bool,
    /// For a backbone element, the Rust type name of its struct, whose
    /// elements are projected in turn.
    pub backbone: Option<&'static str>,
}

/// The part of a resource to return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Projection {
    /// The whole resource (`_summary=false`, or no projection asked).
    Full,
    /// `_summary=true`.
    Summary,
    /// `_summary=text`.
    Text,
    /// `_summary=data`.
    Data,
    /// `_elements`, with the element names as given (`identifier`, or
    /// `Patient.identifier`).
    Elements(Vec<String>),
}

impl Projection {
    /// Returns the projection that `search` requests with `_summary` or
    /// `_elements`. `_summary` wins when both are given, unless it is
    /// `false`. `_summary=count` requests no resources at all, so it maps to
    /// [`Projection::Full`]: the caller leaves the entries out.
    pub fn of_search(search: &Search) -> Projection {
        Self::from_parts(search.summary, &search.elements)
    }

    /// Returns the projection for a `_summary` value and `_elements` names,
    /// by the rules of [`of_search`](Self::of_search).
    pub fn from_parts(summary: Option<Summary>, elements: &[String]) -> Projection {
        match summary {
            Some(Summary::True) => Projection::Summary,
            Some(Summary::Text) => Projection::Text,
            Some(Summary::Data) => Projection::Data,
            Some(Summary::Count | Summary::False) | None if !elements.is_empty() => {
                Projection::Elements(elements.to_vec())
            }
            _ => Projection::Full,
        }
    }

    /// Returns whether the projection returns the resource unchanged.
    pub fn is_full(&self) -> bool {
        *self == Projection::Full
    }
}

/// An error projecting a resource.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProjectionError {
    /// The resource could not be written as JSON, or the projected JSON
    /// could not be read back as the resource type. Either means a bug in
    /// the generated code or in the element table, not bad input.
    #[error("cannot project {resource_type}/{id}: {source}")]
    Json {
        /// The type of the resource.
        resource_type: &'static str,
        /// The id of the resource, or an empty string.
        id: String,
        /// The JSON error.
        #[source]
        source: crate::json::Error,
    },
}

/// Returns the part of `resource` that `projection` keeps, tagged
/// `SUBSETTED` unless the projection is [`Projection::Full`], which returns
/// `resource` unchanged.
///
/// # Errors
///
/// Returns [`ProjectionError::Json`] when the projected text cannot be read
/// back as the resource type, which the element table rules out.
pub fn project(resource: Resource, projection: &Projection) -> Result<Resource, ProjectionError> {
    resource.into_projection(projection)
}

// A method of `Resource`, so that the compiler places it with the generated
// types rather than copying the drop code of every resource type into this
// module (see the note on compile time in `src/r4.rs`).
impl Resource {
    fn into_projection(self, projection: &Projection) -> Result<Resource, ProjectionError> {
        if projection.is_full() {
            return Ok(self);
        }
        project_text(&self, projection)
    }
}

/// Projects the JSON text of `resource` and reads the result back.
fn project_text(resource: &Resource, projection: &Projection) -> Result<Resource, ProjectionError> {
    let resource_type = resource.resource_type().as_str();
    let json_error = |source| ProjectionError::Json {
        resource_type,
        id: resource
            .id()
            .map(|id| id.as_str().to_owned())
            .unwrap_or_default(),
        source,
    };
    // TODO: generated code over the typed structs would avoid this JSON
    // round trip, which costs about five JSON writes per resource.
    let text = crate::json::to_string(resource).map_err(json_error)?;
    let rule = match projection {
        Projection::Full | Projection::Summary => Rule::Summary,
        Projection::Text => Rule::Text,
        Projection::Data => Rule::Data,
        Projection::Elements(names) => Rule::Elements(element_names(resource_type, names)),
    };
    let projected = project_object(&text, resource_type, &rule, true).unwrap_or(text);
    crate::json::from_str(&projected).map_err(json_error)
}

/// The rule of one projection, at one level of the resource.
enum Rule<'a> {
    Summary,
    Text,
    Data,
    /// The requested top-level element names.
    Elements(Vec<&'a str>),
}

/// Strips `Type.` from the names of `_elements` that start with the
/// resource type, and keeps the first step of a longer path
/// (`name.family` keeps `name`).
fn element_names<'a>(resource_type: &str, names: &'a [String]) -> Vec<&'a str> {
    names
        .iter()
        .map(|name| {
            let name = name
                .strip_prefix(resource_type)
                .and_then(|rest| rest.strip_prefix('.'))
                .unwrap_or(name);
            // NOTE: a path below the top level keeps its whole top-level
            // element, which the search specification allows.
            name.split('.').next().unwrap_or(name)
        })
        .collect()
}

/// Projects one JSON object of type `type_name`. Returns `None` when `text`
/// is not an object, which leaves the value unchanged.
fn project_object(text: &str, type_name: &str, rule: &Rule<'_>, top: bool) -> Option<String> {
    let members: BTreeMap<&str, &RawValue> = serde_json::from_str(text).ok()?;
    let elements = element_flags(type_name);
    let mut out = String::with_capacity(text.len());
    out.push('{');
    for (name, value) in &members {
        let element_name = name.strip_prefix('_').unwrap_or(name);
        let flags = elements.and_then(|list| list.iter().find(|e| e.json_name == element_name));
        if !keeps(element_name, flags, rule, top) {
            continue;
        }
        let value = match (flags.and_then(|f| f.backbone), rule, name.starts_with('_')) {
            // Within a kept backbone element, `_summary=true` applies again.
            (Some(backbone), Rule::Summary, false) => {
                match project_value(value.get(), backbone, rule) {
                    Some(value) => value,
                    None => continue,
                }
            }
            _ => value.get().to_owned(),
        };
        let value = if top && *name == "meta" {
            tag_subsetted(&value).unwrap_or(value)
        } else {
            value
        };
        push_member(&mut out, name, &value);
    }
    if top && !members.contains_key("meta") {
        let tag = subsetted_tag();
        push_member(&mut out, "meta", &format!("{{\"tag\":[{tag}]}}"));
    }
    out.push('}');
    Some(out)
}

/// Projects a backbone value, which is an object or an array of objects.
/// Returns `None` when nothing of it is kept: FHIR JSON has no empty
/// objects or arrays, so the element is left out.
fn project_value(text: &str, type_name: &str, rule: &Rule<'_>) -> Option<String> {
    if let Ok(items) = serde_json::from_str::<Vec<&RawValue>>(text) {
        let projected: Vec<String> = items
            .iter()
            .map(|item| {
                project_object(item.get(), type_name, rule, false)
                    .unwrap_or_else(|| item.get().to_owned())
            })
            .filter(|item| item != "{}")
            .collect();
        return (!projected.is_empty()).then(|| format!("[{}]", projected.join(",")));
    }
    let projected = project_object(text, type_name, rule, false).unwrap_or_else(|| text.to_owned());
    (projected != "{}").then_some(projected)
}

/// Returns whether the member `name` (without a leading `_`) is kept.
fn keeps(name: &str, flags: Option<&ElementFlags>, rule: &Rule<'_>, top: bool) -> bool {
    if top && matches!(name, "resourceType" | "id" | "meta") {
        return true;
    }
    if name == "modifierExtension" {
        return true;
    }
    let mandatory = flags.is_some_and(|f| f.mandatory);
    match rule {
        Rule::Summary => mandatory || flags.is_some_and(|f| f.summary),
        Rule::Text => name == "text" || mandatory,
        Rule::Data => name != "text",
        Rule::Elements(names) => {
            mandatory
                || names.contains(&name)
                || flags.is_some_and(|f| names.contains(&f.element_name))
        }
    }
}

/// Returns the element flags of the Rust type `type_name`.
fn element_flags(type_name: &str) -> Option<&'static [ElementFlags]> {
    let table = crate::r4::ELEMENT_FLAGS;
    table
        .binary_search_by(|entry| entry.type_name.cmp(type_name))
        .ok()
        .map(|position| table[position].elements)
}

/// Adds the `SUBSETTED` tag to the `meta` object `text`, unless it is
/// there. Returns `None` when `text` is not an object.
fn tag_subsetted(text: &str) -> Option<String> {
    let members: BTreeMap<&str, &RawValue> = serde_json::from_str(text).ok()?;
    let mut tags: Vec<String> = match members.get("tag") {
        Some(tag) => serde_json::from_str::<Vec<&RawValue>>(tag.get())
            .ok()?
            .iter()
            .map(|raw| raw.get().to_owned())
            .collect(),
        None => Vec::new(),
    };
    if !tags.iter().any(|tag| is_subsetted(tag)) {
        tags.push(subsetted_tag());
    }
    let mut out = String::with_capacity(text.len() + 96);
    out.push('{');
    for (name, value) in &members {
        if *name != "tag" {
            push_member(&mut out, name, value.get());
        }
    }
    push_member(&mut out, "tag", &format!("[{}]", tags.join(",")));
    out.push('}');
    Some(out)
}

/// Returns whether the Coding `text` is the `SUBSETTED` tag.
fn is_subsetted(text: &str) -> bool {
    #[derive(serde::Deserialize)]
    struct Coding<'a> {
        system: Option<&'a str>,
        code: Option<&'a str>,
    }
    serde_json::from_str::<Coding<'_>>(text)
        .is_ok_and(|c| c.system == Some(SUBSETTED_SYSTEM) && c.code == Some(SUBSETTED_CODE))
}

/// Returns the `SUBSETTED` Coding as JSON text.
fn subsetted_tag() -> String {
    format!(
        "{{\"system\":\"{SUBSETTED_SYSTEM}\",\"code\":\"{SUBSETTED_CODE}\",\"display\":\"Resource encoded in summary mode\"}}"
    )
}

/// Appends `"name":value` to the object text `out`, with a comma unless it
/// is the first member.
fn push_member(out: &mut String, name: &str, value: &str) {
    if !out.ends_with('{') {
        out.push(',');
    }
    // Member names are FHIR element names, which need no escaping, but a
    // JSON string is written for any name.
    out.push_str(&serde_json::Value::String(name.to_owned()).to_string());
    out.push(':');
    out.push_str(value);
}
