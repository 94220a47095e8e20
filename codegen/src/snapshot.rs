//! A simple snapshot expansion: the base snapshot with the differential
//! applied, for guides that ship only differentials.
//!
//! Each differential element either changes the element with the same id,
//! or adds an element (a slice, a re-slice, or an element inside one). A
//! new element starts as a copy of the element at its path and goes after
//! the last element of its parent. The properties that the differential sets
//! replace those of the copy, and `fixed[x]`, `pattern[x]`, `slicing` and
//! `mustSupport` are merged key by key.
//!
//! Before a change to an element that the snapshot does not have yet, its
//! parent is unfolded. A slice gets a copy of the children of the element it
//! slices (of the sliced slice, for a re-slice `class:plan/basic`). An
//! element of one complex datatype gets that datatype's elements, so a
//! differential that constrains `Coverage.identifier.system` finds
//! `Identifier.system` under `Coverage.identifier`.
//!
//! NOTE: this covers what the generator reads, not the whole snapshot
//! algorithm: profiles named in an element's type are not applied, and an
//! element of several types is not unfolded.

use crate::Definitions;
use crate::definitions::ElementDefinition;

/// Types whose children the snapshot already lists or that have none to unfold.
const NOT_UNFOLDED: &[&str] = &["BackboneElement", "Element", "Resource"];

/// A snapshot expanded from a differential.
pub(crate) struct Expansion {
    /// The snapshot elements.
    pub elements: Vec<ElementDefinition>,
    /// Ids of differential elements that neither the base nor an unfolded
    /// datatype has, kept with only the differential's own properties.
    pub unplaced: Vec<String>,
}

/// Returns the snapshot of `differential` applied to the `base` snapshot.
/// Datatypes are unfolded, from their definitions in `definitions`, where
/// the differential reaches inside them.
pub(crate) fn expand(
    base: &[ElementDefinition],
    differential: &[ElementDefinition],
    definitions: &Definitions,
) -> Expansion {
    let datatype = |code: &str| {
        let url = format!("http://hl7.org/fhir/StructureDefinition/{code}");
        definitions
            .structure_definition(&url)
            .and_then(|sd| sd.snapshot.as_ref())
            .map(|snapshot| snapshot.element.as_slice())
    };
    expand_with(base, differential, &datatype)
}

/// The snapshot elements of a complex datatype by type code, if known.
type DatatypeLookup<'d> = dyn Fn(&str) -> Option<&'d [ElementDefinition]> + 'd;

/// Does the work of [`expand`], taking datatype snapshots from `datatype`.
fn expand_with<'d>(
    base: &[ElementDefinition],
    differential: &[ElementDefinition],
    datatype: &DatatypeLookup<'d>,
) -> Expansion {
    let mut out: Vec<ElementDefinition> = base.to_vec();
    let mut unplaced = Vec::new();
    for element in out.iter_mut() {
        if element.id.is_none() {
            element.id = Some(element.path.clone());
        }
    }
    for change in differential {
        let id = change.id.clone().unwrap_or_else(|| change.path.clone());
        unfold_ancestors(&mut out, &id, datatype);
        if let Some(existing) = out.iter_mut().find(|e| e.id.as_deref() == Some(&id)) {
            apply(existing, change);
            continue;
        }
        // A new slice starts from the element it slices; any other element
        // from the unsliced element at its path, else from the base's.
        let sliced = change.slice_name.as_ref().and_then(|_| {
            let last_dot = id.rfind('.').map_or(0, |i| i + 1);
            id[last_dot..]
                .rfind([':', '/'])
                .map(|i| &id[..last_dot + i])
        });
        let by_id = |wanted: &str| out.iter().find(|e| e.id.as_deref() == Some(wanted));
        let template = sliced
            .and_then(by_id)
            .or_else(|| by_id(&change.path))
            .or_else(|| base.iter().find(|e| e.path == change.path))
            .cloned();
        let Some(mut element) = template else {
            // Neither the base nor an unfolded datatype has this element, so
            // it keeps only the differential's definition and is reported,
            // unless its path names one type of a choice element.
            if !names_choice_type(&out, &change.path) {
                unplaced.push(id.clone());
            }
            let mut element = change.clone();
            element.id = Some(id.clone());
            let position = insert_position(&out, &id);
            out.insert(position, element);
            continue;
        };
        element.id = Some(id.clone());
        element.slice_name = None;
        // A slice does not inherit the slicing of the element it slices.
        element.other.remove("slicing");
        apply(&mut element, change);
        let position = insert_position(&out, &id);
        out.insert(position, element);
    }
    Expansion {
        elements: out,
        unplaced,
    }
}

/// Tells whether `path` names one type of a choice element in `elements`, as
/// `Observation.valueQuantity` names a type of `Observation.value[x]`.
fn names_choice_type(elements: &[ElementDefinition], path: &str) -> bool {
    elements.iter().any(|e| {
        e.path.strip_suffix("[x]").is_some_and(|stem| {
            path.strip_prefix(stem).is_some_and(|rest| {
                rest.starts_with(|c: char| c.is_ascii_uppercase()) && !rest.contains('.')
            })
        })
    })
}

/// Unfolds the children of each ancestor of `id`, from the root down, that
/// is in `elements` without children while the next ancestor is missing.
fn unfold_ancestors<'d>(
    elements: &mut Vec<ElementDefinition>,
    id: &str,
    datatype: &DatatypeLookup<'d>,
) {
    let dots: Vec<usize> = id.match_indices('.').map(|(i, _)| i).collect();
    for (n, &dot) in dots.iter().enumerate() {
        let parent = &id[..dot];
        let child_end = dots.get(n + 1).copied().unwrap_or(id.len());
        // The child without a slice of its own (`...type.coding` for `...type.coding:acme`).
        let child = &id[..child_end];
        let child = child
            .split_at(child.rfind(':').filter(|&c| c > dot).unwrap_or(child.len()))
            .0;
        if elements.iter().any(|e| e.id.as_deref() == Some(child)) {
            continue;
        }
        let prefix = format!("{parent}.");
        if elements
            .iter()
            .any(|e| e.id.as_deref().is_some_and(|i| i.starts_with(&prefix)))
        {
            continue;
        }
        let Some(index) = elements
            .iter()
            .position(|e| e.id.as_deref() == Some(parent))
        else {
            continue;
        };
        // The parent has no children yet, so they go right after it.
        let children = unfolded_children(elements, parent, datatype);
        elements.splice(index + 1..index + 1, children);
    }
}

/// Returns copies of the children that the element `parent` gets: those of
/// the element it slices, or those of its only type's definition.
fn unfolded_children<'d>(
    elements: &[ElementDefinition],
    parent: &str,
    datatype: &DatatypeLookup<'d>,
) -> Vec<ElementDefinition> {
    let Some(parent_element) = elements.iter().find(|e| e.id.as_deref() == Some(parent)) else {
        return Vec::new();
    };
    let last_dot = parent.rfind('.').unwrap_or(0);
    // `X:a/b` re-slices `X:a`, and `X:a` slices `X`.
    let sliced = parent[last_dot..]
        .rfind(['/', ':'])
        .map(|i| &parent[..last_dot + i]);
    if let Some(sliced) = sliced {
        let prefix = format!("{sliced}.");
        let copies: Vec<ElementDefinition> = elements
            .iter()
            .filter(|e| e.id.as_deref().is_some_and(|i| i.starts_with(&prefix)))
            .map(|e| {
                let mut copy = e.clone();
                let rest = &e.id.as_deref().unwrap_or_default()[sliced.len()..];
                copy.id = Some(format!("{parent}{rest}"));
                copy
            })
            .collect();
        if !copies.is_empty() {
            return copies;
        }
    }
    let [type_ref] = parent_element.types.as_slice() else {
        return Vec::new();
    };
    let code = type_ref.code.as_str();
    if !code.starts_with(|c: char| c.is_ascii_uppercase()) || NOT_UNFOLDED.contains(&code) {
        return Vec::new();
    }
    let Some(snapshot) = datatype(code) else {
        return Vec::new();
    };
    snapshot
        .iter()
        .skip(1)
        .filter_map(|e| {
            let rest = e.path.strip_prefix(code)?;
            let id_rest = e.id.as_deref().unwrap_or(&e.path).strip_prefix(code)?;
            let mut copy = e.clone();
            copy.path = format!("{}{rest}", parent_element.path);
            copy.id = Some(format!("{parent}{id_rest}"));
            Some(copy)
        })
        .collect()
}

/// Returns the parent id of `id`: the text before the last `.` or `:` that
/// starts the last segment (`Coverage.class:plan` has parent
/// `Coverage.class`, `Coverage.class:plan.value` has `Coverage.class:plan`).
fn parent_id(id: &str) -> &str {
    let last_dot = id.rfind('.');
    let last_colon = id.rfind(':');
    match (last_dot, last_colon) {
        (Some(dot), Some(colon)) if colon > dot => &id[..colon],
        (Some(dot), _) => &id[..dot],
        (None, Some(colon)) => &id[..colon],
        (None, None) => id,
    }
}

/// Returns the index after the last element that belongs under the parent of `id`.
fn insert_position(elements: &[ElementDefinition], id: &str) -> usize {
    let parent = parent_id(id);
    let belongs = |candidate: &str| {
        candidate == parent
            || candidate
                .strip_prefix(parent)
                .is_some_and(|rest| rest.starts_with('.') || rest.starts_with(':'))
    };
    elements
        .iter()
        .rposition(|e| e.id.as_deref().is_some_and(belongs))
        .map_or(elements.len(), |i| i + 1)
}

/// Applies the properties that `change` sets to `element`.
fn apply(element: &mut ElementDefinition, change: &ElementDefinition) {
    if change.slice_name.is_some() {
        element.slice_name.clone_from(&change.slice_name);
    }
    if change.short.is_some() {
        element.short.clone_from(&change.short);
    }
    if change.definition.is_some() {
        element.definition.clone_from(&change.definition);
    }
    if change.min.is_some() {
        element.min = change.min;
    }
    if change.max.is_some() {
        element.max.clone_from(&change.max);
    }
    if !change.types.is_empty() {
        element.types.clone_from(&change.types);
    }
    if change.binding.is_some() {
        element.binding.clone_from(&change.binding);
    }
    for (key, value) in &change.other {
        element.other.insert(key.clone(), value.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn element(json: serde_json::Value) -> ElementDefinition {
        serde_json::from_value(json).expect("element")
    }

    #[test]
    fn slices_go_after_their_element() {
        let base = vec![
            element(serde_json::json!({"id": "Coverage", "path": "Coverage"})),
            element(
                serde_json::json!({"id": "Coverage.class", "path": "Coverage.class", "min": 0, "max": "*"}),
            ),
            element(
                serde_json::json!({"id": "Coverage.class.value", "path": "Coverage.class.value", "min": 1, "max": "1"}),
            ),
            element(
                serde_json::json!({"id": "Coverage.payor", "path": "Coverage.payor", "min": 1, "max": "*"}),
            ),
        ];
        let differential = vec![
            element(
                serde_json::json!({"id": "Coverage.class", "path": "Coverage.class", "slicing": {"rules": "open"}}),
            ),
            element(
                serde_json::json!({"id": "Coverage.class:plan", "path": "Coverage.class", "sliceName": "plan", "max": "1"}),
            ),
            element(
                serde_json::json!({"id": "Coverage.class:plan.value", "path": "Coverage.class.value", "short": "Plan number"}),
            ),
            element(
                serde_json::json!({"id": "Coverage.payor", "path": "Coverage.payor", "max": "1"}),
            ),
        ];
        let snapshot = expand_with(&base, &differential, &|_| None).elements;
        let ids: Vec<&str> = snapshot.iter().filter_map(|e| e.id.as_deref()).collect();
        assert_eq!(
            ids,
            [
                "Coverage",
                "Coverage.class",
                "Coverage.class.value",
                "Coverage.class:plan",
                "Coverage.class:plan.value",
                "Coverage.payor"
            ]
        );
        assert!(snapshot[1].other.contains_key("slicing"));
        assert_eq!(snapshot[3].slice_name.as_deref(), Some("plan"));
        assert_eq!(snapshot[3].max.as_deref(), Some("1"));
        assert_eq!(snapshot[4].min, Some(1));
        assert_eq!(snapshot[4].short.as_deref(), Some("Plan number"));
        assert_eq!(snapshot[5].max.as_deref(), Some("1"));
    }

    #[test]
    fn datatype_children_are_unfolded() {
        let base = vec![
            element(serde_json::json!({"id": "Coverage", "path": "Coverage"})),
            element(serde_json::json!({
                "id": "Coverage.identifier", "path": "Coverage.identifier",
                "min": 0, "max": "*", "type": [{"code": "Identifier"}]
            })),
            element(serde_json::json!({"id": "Coverage.status", "path": "Coverage.status"})),
        ];

        let identifier = vec![
            element(serde_json::json!({"id": "Identifier", "path": "Identifier"})),
            element(serde_json::json!({
                "id": "Identifier.system", "path": "Identifier.system",
                "min": 0, "max": "1", "type": [{"code": "uri"}]
            })),
            element(serde_json::json!({
                "id": "Identifier.value", "path": "Identifier.value",
                "min": 0, "max": "1", "type": [{"code": "string"}]
            })),
        ];

        let differential = vec![
            element(serde_json::json!({
                "id": "Coverage.identifier.system", "path": "Coverage.identifier.system",
                "min": 1, "fixedUri": "http://example.org/member"
            })),
            element(serde_json::json!({
                "id": "Coverage.identifier:member", "path": "Coverage.identifier",
                "sliceName": "member", "max": "1"
            })),
            element(serde_json::json!({
                "id": "Coverage.identifier:member.value", "path": "Coverage.identifier.value",
                "min": 1
            })),
        ];

        let lookup = |code: &str| (code == "Identifier").then_some(identifier.as_slice());
        let snapshot = expand_with(&base, &differential, &lookup).elements;
        let ids: Vec<&str> = snapshot.iter().filter_map(|e| e.id.as_deref()).collect();
        assert_eq!(
            ids,
            [
                "Coverage",
                "Coverage.identifier",
                "Coverage.identifier.system",
                "Coverage.identifier.value",
                "Coverage.identifier:member",
                "Coverage.identifier:member.system",
                "Coverage.identifier:member.value",
                "Coverage.status"
            ]
        );

        let system = &snapshot[2];
        assert_eq!(system.path, "Coverage.identifier.system");
        assert_eq!(system.min, Some(1));
        assert!(system.other.contains_key("fixedUri"));

        // The slice copies the constrained children of the element it slices.
        assert_eq!(snapshot[5].min, Some(1));
        assert!(snapshot[5].other.contains_key("fixedUri"));
        assert_eq!(snapshot[6].min, Some(1));
        assert_eq!(snapshot[6].path, "Coverage.identifier.value");
    }
}
