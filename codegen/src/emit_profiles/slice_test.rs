//! Rust expressions that decide slice membership by comparing fields, so
//! that the generated slice accessors need not write values as JSON.
//!
//! Value and pattern discriminators are compared field by field in three
//! cases. The discriminating element may have a fixed or pattern value made
//! of text, booleans and objects. It may have a required binding, checked
//! against the code lists of the profile table. Or it is the `url` of an
//! extension slice. Object patterns follow the pattern rules: every member
//! must match, and every item of a pattern array must match some item of
//! the value. Other shapes (exists, type and profile discriminators, paths
//! with functions, fixed objects) return `None`, and the caller falls back
//! to the JSON test.

use std::collections::HashMap;

use serde_json::Value;

use super::TypedContext;
use crate::definitions::ElementDefinition;
use crate::model::{FieldType, Prim, ValueType};

/// The FHIR primitive types whose Rust types implement the runtime's `Text`.
const TEXT_TYPES: &[&str] = &[
    "string",
    "uri",
    "url",
    "canonical",
    "oid",
    "uuid",
    "id",
    "code",
    "markdown",
];

/// What the value at a discriminator path is compared with.
enum Expected<'e> {
    /// A `fixed[x]` (`true`) or `pattern[x]` (`false`) value.
    Json(&'e Value, bool),
    /// A code from the required binding of the profile element at this index.
    Binding(usize),
    /// One of these texts (the definition URLs of an extension slice).
    AnyText(&'e [String]),
}

/// Returns an expression over `var` (a reference to a value of type `item`)
/// that is true when the value belongs to the slice `elements[slice]` of the
/// sliced element `elements[sliced]`, or `None` for a shape this module does
/// not compare.
pub(super) fn slice_test(
    ctx: &TypedContext<'_>,
    static_name: &str,
    elements: &[ElementDefinition],
    index_of: &HashMap<&str, usize>,
    (sliced, slice): (usize, usize),
    item: &ValueType,
    var: &str,
) -> Option<String> {
    let slicing = elements.get(sliced)?.other.get("slicing")?;
    let discriminators = slicing.get("discriminator")?.as_array()?;
    if discriminators.is_empty() {
        return None;
    }
    let slice_element = elements.get(slice)?;
    let slice_id = slice_element.id.as_deref().unwrap_or(&slice_element.path);
    let mut tests = Vec::new();
    for discriminator in discriminators {
        let kind = discriminator.get("type")?.as_str()?;
        if kind != "value" && kind != "pattern" {
            return None;
        }
        let path = discriminator.get("path")?.as_str()?;
        if path.contains(['(', '[']) {
            return None;
        }
        let segments: Vec<&str> = if path == "$this" {
            Vec::new()
        } else {
            path.split('.').collect()
        };
        let target_id = if segments.is_empty() {
            slice_id.to_owned()
        } else {
            format!("{slice_id}.{path}")
        };
        let target_index = index_of.get(target_id.as_str()).copied();
        let target = target_index.and_then(|i| elements.get(i));
        let fixed_or_pattern = target.and_then(|t| {
            let fixed = t.other.iter().find(|(k, _)| k.starts_with("fixed"));
            let pattern = t.other.iter().find(|(k, _)| k.starts_with("pattern"));
            fixed
                .map(|(_, v)| Expected::Json(v, true))
                .or_else(|| pattern.map(|(_, v)| Expected::Json(v, false)))
        });
        let bound = target
            .filter(|t| t.binding.as_ref().is_some_and(|b| b.strength == "required"))
            .and(target_index)
            .map(Expected::Binding);
        let extension_urls = slice_element
            .types
            .iter()
            .find(|t| t.code == "Extension" && !t.profile.is_empty())
            .filter(|_| path == "url")
            .map(|t| Expected::AnyText(&t.profile));
        let expected = fixed_or_pattern.or(bound).or(extension_urls)?;
        tests.push(path_test(
            ctx,
            static_name,
            var,
            item,
            &segments,
            &expected,
            0,
        )?);
    }
    Some(tests.join(" && "))
}

/// Returns the test of the values at `segments` below `var`: true when any
/// of them matches `expected`.
fn path_test(
    ctx: &TypedContext<'_>,
    static_name: &str,
    var: &str,
    ty: &ValueType,
    segments: &[&str],
    expected: &Expected<'_>,
    depth: usize,
) -> Option<String> {
    let Some((segment, rest)) = segments.split_first() else {
        return match expected {
            Expected::Json(value, fixed) => json_test(ctx, var, ty, value, *fixed, depth),
            Expected::Binding(index) => {
                is_coded(ty).then(|| format!("rt::in_binding(&{static_name}, {index}, {var})"))
            }
            Expected::AnyText(texts) => {
                if !is_text(ty) {
                    return None;
                }
                let tests: Vec<String> = texts
                    .iter()
                    .map(|text| format!("rt::text_is({var}, {text:?})"))
                    .collect();
                match tests.as_slice() {
                    [only] => Some(only.clone()),
                    _ => Some(format!("({})", tests.join(" || "))),
                }
            }
        };
    };
    let (field_name, inner) = field_of(ctx, ty, segment)?;
    let next = format!("v{depth}");
    let inner_test = path_test(ctx, static_name, &next, inner, rest, expected, depth + 1)?;
    Some(format!(
        "{var}.{field_name}.iter().any(|{next}| {inner_test})"
    ))
}

/// Returns the test of `var` against a fixed or pattern JSON value.
fn json_test(
    ctx: &TypedContext<'_>,
    var: &str,
    ty: &ValueType,
    expected: &Value,
    fixed: bool,
    depth: usize,
) -> Option<String> {
    match expected {
        Value::String(text) => match ty {
            ValueType::Primitive(Prim::Code(_)) => Some(format!(
                "{var}.value().is_some_and(|code| code.as_str() == {text:?})"
            )),
            _ if is_text(ty) => Some(format!("rt::text_is({var}, {text:?})")),
            _ => None,
        },
        Value::Bool(flag) => match ty {
            ValueType::Primitive(Prim::Fhir(name)) if name == "boolean" => Some(format!(
                "{var}.value() == ::std::option::Option::Some(&{flag})"
            )),
            _ => None,
        },
        // A fixed object must equal the value, extra members included,
        // which a member-by-member test cannot see.
        Value::Object(members) if !fixed => {
            let mut tests = Vec::new();
            for (key, member) in members {
                let (field_name, inner) = field_of(ctx, ty, key)?;
                let items: Vec<&Value> = match member {
                    Value::Array(items) => items.iter().collect(),
                    single => vec![single],
                };
                let next = format!("v{depth}");
                for item in items {
                    let inner_test = json_test(ctx, &next, inner, item, false, depth + 1)?;
                    tests.push(format!(
                        "{var}.{field_name}.iter().any(|{next}| {inner_test})"
                    ));
                }
            }
            if tests.is_empty() {
                return Some("true".to_owned());
            }
            Some(tests.join(" && "))
        }
        _ => None,
    }
}

/// Returns the Rust field name and value type of the member `json_name` of
/// the complex type `ty`, or `None` for other types and for choices.
fn field_of<'c>(
    ctx: &TypedContext<'c>,
    ty: &ValueType,
    json_name: &str,
) -> Option<(&'c str, &'c ValueType)> {
    let ValueType::Complex(name) = ty else {
        return None;
    };
    let def = ctx.structs.get(name.as_str())?;
    let field = def.fields.iter().find(|f| f.json_name == json_name)?;
    let FieldType::Single(inner) = &field.ty else {
        return None;
    };
    Some((field.rust_name.as_str(), inner))
}

fn is_text(ty: &ValueType) -> bool {
    match ty {
        ValueType::Primitive(Prim::Fhir(name)) | ValueType::Bare(Prim::Fhir(name)) => {
            TEXT_TYPES.contains(&name.as_str())
        }
        _ => false,
    }
}

fn is_coded(ty: &ValueType) -> bool {
    match ty {
        ValueType::Primitive(Prim::Fhir(name)) => name == "code",
        ValueType::Complex(name) => name == "Coding" || name == "CodeableConcept",
        _ => false,
    }
}
