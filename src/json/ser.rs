//! Writing support for the generated types. Every function writes nothing
//! for an absent or empty element.

use super::de::Choice;
use super::value::JsonValue;
use super::writer::Writer;
use crate::primitives::Primitive;
use crate::r4::Extension;

/// A type that writes itself as JSON: every generated struct, and
/// [`crate::r4::Resource`].
pub trait ToJson {
    /// Writes the value.
    fn write_json(&self, writer: &mut Writer);
}

impl<T: ToJson> ToJson for Box<T> {
    fn write_json(&self, writer: &mut Writer) {
        (**self).write_json(writer);
    }
}

/// Returns whether a primitive's `_name` part writes anything: an id, or an
/// extension that does not write as `{}` (which the writer leaves out). An
/// `_name` of `{}` would not read back.
fn has_element<T>(primitive: &Primitive<T>) -> bool {
    primitive.id.is_some() || primitive.extension.iter().any(writes_content)
}

/// Returns whether `extension` writes as more than `{}`. An extension with a
/// url does; one without is written to a scratch buffer to find out.
fn writes_content(extension: &Extension) -> bool {
    if extension.url.is_some() {
        return true;
    }
    let mut scratch = Writer::new(Vec::new());
    extension.write_json(&mut scratch);
    scratch.into_bytes() != b"{}"
}

/// Returns whether a repeating primitive's item writes anything.
fn writes_item<T>(primitive: &Primitive<T>) -> bool {
    primitive.value.is_some() || has_element(primitive)
}

/// Writes the `_name` part of a primitive: its id and extensions.
fn write_element(writer: &mut Writer, id: Option<&String>, extension: &[Extension]) {
    writer.begin_object();
    if let Some(id) = id {
        writer.key("id");
        writer.string(id);
    }
    repeated(writer, "extension", extension);
    writer.end_object();
}

// The functions for optional and repeating elements test for `None` and
// for an empty list inline, because most elements of a resource are absent
// and then no call is needed.

/// Writes a single complex element or resource.
#[inline]
pub fn single<T: ToJson>(writer: &mut Writer, key: &'static str, value: &Option<T>) {
    if let Some(value) = value {
        single_value(writer, key, value);
    }
}

/// Writes `key` and a complex value, or nothing when the value writes as
/// `{}`: FHIR JSON leaves out an element without a value or children, and
/// the reader rejects an empty object.
#[inline(never)]
pub fn single_value<T: ToJson>(writer: &mut Writer, key: &'static str, value: &T) {
    let before = writer.mark();
    writer.key(key);
    let start = writer.len();
    value.write_json(writer);
    if writer.is_empty_object_since(start) {
        writer.rewind(before);
    }
}

/// Writes a repeating complex element.
#[inline]
pub fn repeated<T: ToJson>(writer: &mut Writer, key: &'static str, items: &[T]) {
    if !items.is_empty() {
        repeated_items(writer, key, items);
    }
}

/// Writes `key` and the array of items, leaving out items that write as
/// `{}`, and the whole array when every item does.
#[inline(never)]
fn repeated_items<T: ToJson>(writer: &mut Writer, key: &'static str, items: &[T]) {
    let before = writer.mark();
    writer.key(key);
    writer.begin_array();
    let start = writer.len();
    for (index, item) in items.iter().enumerate() {
        if index == RESERVE_AFTER_ITEMS {
            writer.reserve_items(writer.len() - start, index, items.len() - index);
        }
        let before_item = writer.mark();
        writer.item();
        let item_start = writer.len();
        item.write_json(writer);
        if writer.is_empty_object_since(item_start) {
            writer.rewind(before_item);
        }
    }
    if writer.len() == start {
        writer.rewind(before);
    } else {
        writer.end_array();
    }
}

/// The number of items of a repeating complex element after which the
/// writer reserves room for the rest, from their average size so far.
const RESERVE_AFTER_ITEMS: usize = 16;

/// Writes a primitive that has no id or extensions.
#[inline]
pub fn bare<T: JsonValue>(writer: &mut Writer, key: &'static str, value: &Option<T>) {
    if let Some(value) = value {
        bare_value(writer, key, value);
    }
}

#[inline(never)]
fn bare_value<T: JsonValue>(writer: &mut Writer, key: &'static str, value: &T) {
    writer.key(key);
    value.write_json(writer);
}

/// Writes a single primitive as `key` and, when it has an id or extensions,
/// `_key`.
#[inline]
pub fn primitive<T: JsonValue>(
    writer: &mut Writer,
    key: &'static str,
    element_key: &'static str,
    value: &Option<Primitive<T>>,
) {
    if let Some(value) = value {
        primitive_value(writer, key, element_key, value);
    }
}

/// Writes one present primitive as `key` and `_key`.
#[inline(never)]
pub fn primitive_value<T: JsonValue>(
    writer: &mut Writer,
    key: &'static str,
    element_key: &'static str,
    value: &Primitive<T>,
) {
    if let Some(inner) = &value.value {
        writer.key(key);
        inner.write_json(writer);
    }
    if has_element(value) {
        writer.key(element_key);
        write_element(writer, value.id.as_ref(), &value.extension);
    }
}

/// Writes a repeating primitive as two parallel arrays, `key` with the values
/// and `_key` with ids and extensions, each with `null` where an item has
/// none. Empty items (no value, and no id or extension that writes anything)
/// are left out, because FHIR JSON has no way to write them, and an array is left out when all of its
/// items would be `null`.
#[inline]
pub fn primitives<T: JsonValue>(
    writer: &mut Writer,
    key: &'static str,
    element_key: &'static str,
    items: &[Primitive<T>],
) {
    if !items.is_empty() {
        primitive_items(writer, key, element_key, items);
    }
}

#[inline(never)]
fn primitive_items<T: JsonValue>(
    writer: &mut Writer,
    key: &'static str,
    element_key: &'static str,
    items: &[Primitive<T>],
) {
    let non_empty = || items.iter().filter(|p| writes_item(p));
    let any_value = items.iter().any(|p| p.value.is_some());
    let any_element = items.iter().any(has_element);
    if any_value {
        writer.key(key);
        writer.begin_array();
        for item in non_empty() {
            writer.item();
            match &item.value {
                Some(value) => value.write_json(writer),
                None => writer.null(),
            }
        }
        writer.end_array();
    }
    if any_element {
        writer.key(element_key);
        writer.begin_array();
        for item in non_empty() {
            writer.item();
            if has_element(item) {
                write_element(writer, item.id.as_ref(), &item.extension);
            } else {
                writer.null();
            }
        }
        writer.end_array();
    }
}

/// Writes a choice element under the key of its variant.
#[inline]
pub fn choice<E: Choice>(writer: &mut Writer, value: &Option<E>) {
    if let Some(value) = value {
        value.write_entry(writer);
    }
}
