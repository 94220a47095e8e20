//! A simple snapshot expansion: the base snapshot with the differential
//! applied, for guides that ship only differentials.
//!
//! Each differential element either changes the base element with the same
//! id, or adds an element (a slice, or an element inside a slice). A new
//! element starts as a copy of the base element at its path and goes after
//! the last element of its parent. The properties that the differential sets
//! replace those of the copy, and `fixed[x]`, `pattern[x]`, `slicing` and
//! `mustSupport` are merged key by key.
//!
//! NOTE: this covers what the generator reads, not the whole snapshot
//! algorithm: children of a datatype that the differential constrains
//! (`Coverage.class:plan.type.coding`) are only added when the differential
//! lists them, and profiles on a datatype are not unfolded.

use crate::definitions::ElementDefinition;

/// Returns the snapshot of `differential` applied to the `base` snapshot.
pub(crate) fn expand(
    base: &[ElementDefinition],
    differential: &[ElementDefinition],
) -> Vec<ElementDefinition> {
    let mut out: Vec<ElementDefinition> = base.to_vec();
    for element in out.iter_mut() {
        if element.id.is_none() {
            element.id = Some(element.path.clone());
        }
    }
    for change in differential {
        let id = change.id.clone().unwrap_or_else(|| change.path.clone());
        if let Some(existing) = out.iter_mut().find(|e| e.id.as_deref() == Some(&id)) {
            apply(existing, change);
            continue;
        }
        let Some(template) = base.iter().find(|e| e.path == change.path) else {
            // An element the base does not have (a path inside a datatype):
            // the differential's own definition is all there is.
            let mut element = change.clone();
            element.id = Some(id.clone());
            let position = insert_position(&out, &id);
            out.insert(position, element);
            continue;
        };
        let mut element = template.clone();
        element.id = Some(id.clone());
        element.slice_name = None;
        apply(&mut element, change);
        let position = insert_position(&out, &id);
        out.insert(position, element);
    }
    out
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
        let snapshot = expand(&base, &differential);
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
}
