//! Serialization support for the generated types. Every function writes
//! nothing for an absent or empty element.

use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;

use super::de::Choice;
use crate::primitives::{Primitive, PrimitiveValue};
use crate::r4::Extension;

/// Writes a primitive's value through [`PrimitiveValue`].
struct Value<'a, T>(&'a T);

impl<T: PrimitiveValue> Serialize for Value<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_value(serializer)
    }
}

/// Writes the `_name` part of a primitive: its id and extensions.
struct ElementRef<'a> {
    id: Option<&'a String>,
    extension: &'a [Extension],
}

impl Serialize for ElementRef<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(id) = self.id {
            map.serialize_entry("id", id)?;
        }
        if !self.extension.is_empty() {
            map.serialize_entry("extension", self.extension)?;
        }
        map.end()
    }
}

fn element_ref<T>(primitive: &Primitive<T>) -> Option<ElementRef<'_>> {
    if primitive.id.is_none() && primitive.extension.is_empty() {
        None
    } else {
        Some(ElementRef { id: primitive.id.as_ref(), extension: &primitive.extension })
    }
}

/// Writes a single complex element or resource.
pub fn single<M: SerializeMap, T: Serialize>(map: &mut M, key: &'static str, value: &Option<T>) -> Result<(), M::Error> {
    match value {
        Some(value) => map.serialize_entry(key, value),
        None => Ok(()),
    }
}

/// Writes a repeating complex element.
pub fn repeated<M: SerializeMap, T: Serialize>(map: &mut M, key: &'static str, items: &[T]) -> Result<(), M::Error> {
    if items.is_empty() { Ok(()) } else { map.serialize_entry(key, items) }
}

/// Writes a primitive that has no id or extensions.
pub fn bare<M: SerializeMap, T: PrimitiveValue>(map: &mut M, key: &'static str, value: &Option<T>) -> Result<(), M::Error> {
    match value {
        Some(value) => map.serialize_entry(key, &Value(value)),
        None => Ok(()),
    }
}

/// Writes a single primitive as `key` and, when it has an id or extensions,
/// `_key`.
pub fn primitive<M: SerializeMap, T: PrimitiveValue>(
    map: &mut M,
    key: &'static str,
    element_key: &'static str,
    value: &Option<Primitive<T>>,
) -> Result<(), M::Error> {
    match value {
        Some(value) => primitive_value(map, key, element_key, value),
        None => Ok(()),
    }
}

/// Writes one present primitive as `key` and `_key`.
pub fn primitive_value<M: SerializeMap, T: PrimitiveValue>(
    map: &mut M,
    key: &'static str,
    element_key: &'static str,
    value: &Primitive<T>,
) -> Result<(), M::Error> {
    if let Some(inner) = &value.value {
        map.serialize_entry(key, &Value(inner))?;
    }
    if let Some(part) = element_ref(value) {
        map.serialize_entry(element_key, &part)?;
    }
    Ok(())
}

struct ValueList<'a, T>(&'a [Primitive<T>]);

impl<T: PrimitiveValue> Serialize for ValueList<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for item in self.0 {
            match &item.value {
                Some(value) => seq.serialize_element(&Value(value))?,
                None => seq.serialize_element(&())?,
            }
        }
        seq.end()
    }
}

struct ElementList<'a, T>(&'a [Primitive<T>]);

impl<T> Serialize for ElementList<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for item in self.0 {
            seq.serialize_element(&element_ref(item))?;
        }
        seq.end()
    }
}

/// Writes a repeating primitive as two parallel arrays, `key` with the values
/// and `_key` with ids and extensions, each with `null` where an item has
/// none. An array is left out when all of its items would be `null`.
pub fn primitives<M: SerializeMap, T: PrimitiveValue>(
    map: &mut M,
    key: &'static str,
    element_key: &'static str,
    items: &[Primitive<T>],
) -> Result<(), M::Error> {
    if items.is_empty() {
        return Ok(());
    }
    let any_value = items.iter().any(|p| p.value.is_some());
    let any_element = items.iter().any(|p| p.id.is_some() || !p.extension.is_empty());
    if any_value || !any_element {
        map.serialize_entry(key, &ValueList(items))?;
    }
    if any_element {
        map.serialize_entry(element_key, &ElementList(items))?;
    }
    Ok(())
}

/// Writes a choice element under the key of its variant.
pub fn choice<M: SerializeMap, E: Choice>(map: &mut M, value: &Option<E>) -> Result<(), M::Error> {
    match value {
        Some(value) => value.serialize_entry(map),
        None => Ok(()),
    }
}
