//! Reading support for the generated types.

use super::reader::{ReadError, Reader, Segment};
use super::value::JsonValue;
use crate::primitives::Primitive;
use crate::r4::{Extension, Resource, ResourceType};

/// A type that reads itself from JSON: every generated struct, and
/// [`Resource`].
pub trait FromJson: Sized {
    /// Reads one value at the reader's position.
    ///
    /// # Errors
    ///
    /// When the JSON is malformed or does not fit the type; the error
    /// carries the element path below this value.
    fn read_json(reader: &mut Reader<'_>) -> Result<Self, ReadError>;

    /// Reads one complete JSON document.
    ///
    /// A trait method rather than a generic function, so that the compiler
    /// places each copy beside the type's own code (see the note on compile
    /// time in `src/r4.rs`).
    ///
    /// # Errors
    ///
    /// The errors of [`read_json`](Self::read_json), and trailing characters
    /// after the value.
    fn read_document(bytes: &[u8]) -> Result<Self, ReadError> {
        let mut reader = Reader::new(bytes);
        let value = Self::read_json(&mut reader)?;
        reader.end()?;
        Ok(value)
    }
}

/// Whether a resource's `resourceType` has been read, for
/// [`Object::read_fields`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceTypeState {
    /// Not read yet: it must appear among the fields.
    Missing,
    /// Checked by the caller, which found it later in the object: when the
    /// key comes, its value is checked again but it is no duplicate.
    Ahead,
    /// Read and checked already.
    Read,
}

/// A generated struct, read as the fields of a JSON object.
pub trait Object: Sized {
    /// The element path of the struct (`Patient.contact`), for messages.
    const PATH: &'static str;
    /// The resource type, for resources.
    const RESOURCE_TYPE: Option<&'static str>;
    /// The expected value named in messages (`an object (Patient.contact)`).
    const EXPECTED: &'static str;

    /// Reads the fields of an object whose `{` has been read, through the
    /// closing `}`.
    ///
    /// # Errors
    ///
    /// Unknown, duplicate or invalid elements, and JSON syntax errors.
    fn read_fields(
        reader: &mut Reader<'_>,
        resource_type: ResourceTypeState,
    ) -> Result<Self, ReadError>;

    /// Reads a resource's fields after its type is known, boxed for
    /// [`Resource`].
    ///
    /// # Errors
    ///
    /// The errors of [`read_fields`](Self::read_fields), with the resource
    /// type added to the path.
    fn read_resource(
        reader: &mut Reader<'_>,
        state: ResourceTypeState,
    ) -> Result<Box<Self>, ReadError> {
        match Self::read_fields(reader, state) {
            Ok(value) => Ok(Box::new(value)),
            Err(error) => Err(match Self::RESOURCE_TYPE {
                Some(name) => error.at(Segment::Resource(name)),
                None => error,
            }),
        }
    }
}

impl<T: Object> FromJson for T {
    fn read_json(reader: &mut Reader<'_>) -> Result<Self, ReadError> {
        let result = reader.begin_object(T::EXPECTED).and_then(|()| {
            // An element without a value or children is not written in FHIR
            // JSON. A resource's `{}` gives the missing-resourceType error,
            // and a whole document `{}` (an empty datatype that serde wrote
            // on its own) is read as the empty value.
            if T::RESOURCE_TYPE.is_none() && reader.depth() > 1 && reader.peek() == Some(b'}') {
                return Err(empty(reader, "at least one element", "an empty object"));
            }
            T::read_fields(reader, ResourceTypeState::Missing)
        });
        match (result, T::RESOURCE_TYPE) {
            (Err(error), Some(name)) => Err(error.at(Segment::Resource(name))),
            (result, _) => result,
        }
    }
}

/// Builds the error for an empty object or array, which FHIR JSON never
/// contains: an element without items, value or children is left out.
#[cold]
fn empty(reader: &Reader<'_>, expected: &str, found: &str) -> ReadError {
    reader.data_error(format!("expected {expected}, found {found}"))
}

#[cold]
fn duplicate(reader: &Reader<'_>, key: &'static str) -> ReadError {
    reader
        .data_error(format!("duplicate element `{key}`"))
        .at(Segment::Element(key))
}

/// Builds the error for a key that the struct does not define.
#[cold]
pub fn unknown_element(reader: &Reader<'_>, key: &str) -> ReadError {
    reader
        .data_error(format!("unknown element `{key}`"))
        .at(Segment::Unknown(key.to_owned()))
}

/// Reads the value of a `resourceType` key and checks it.
///
/// # Errors
///
/// A duplicate key, or a value other than `expected`.
#[inline(never)]
pub fn read_resource_type(
    reader: &mut Reader<'_>,
    expected: &'static str,
    state: &mut ResourceTypeState,
) -> Result<(), ReadError> {
    if *state == ResourceTypeState::Read {
        return Err(duplicate(reader, "resourceType"));
    }
    let start = reader.offset();
    let found = reader
        .string("the resource type name (a JSON string)")
        .map_err(|e| e.at(Segment::Element("resourceType")))?;
    if found != expected {
        reader.rewind(start);
        return Err(reader
            .data_error(format!("resourceType is `{found}`, expected `{expected}`"))
            .at(Segment::Element("resourceType")));
    }
    *state = ResourceTypeState::Read;
    Ok(())
}

/// Fails when a resource had no `resourceType`.
///
/// # Errors
///
/// When `state` is [`ResourceTypeState::Missing`].
pub fn require_resource_type(
    reader: &Reader<'_>,
    state: ResourceTypeState,
) -> Result<(), ReadError> {
    if state == ResourceTypeState::Missing {
        Err(reader.data_error("missing resourceType"))
    } else {
        Ok(())
    }
}

/// The `id` and `extension` of a primitive, from its `_name` sibling.
#[derive(Debug, Default)]
pub struct ElementPart {
    id: Option<String>,
    extension: Vec<Extension>,
}

impl ElementPart {
    /// Moves the id and extensions onto `primitive`.
    pub fn apply<T>(self, primitive: &mut Primitive<T>) {
        primitive.id = self.id;
        primitive.extension = self.extension;
    }

    /// Turns the part into a primitive with no value, carrying this id and these extensions.
    pub fn into_primitive<T>(self) -> Primitive<T> {
        Primitive {
            value: None,
            id: self.id,
            extension: self.extension,
        }
    }

    /// Reads an `_name` object, which must carry an id or an extension. An
    /// empty one (`{}`, `{"extension":[]}`) contains nothing that could be
    /// written back, so accepting it would break the round trip.
    fn read(reader: &mut Reader<'_>) -> Result<Self, ReadError> {
        let start = reader.offset();
        reader.begin_object("an object with `id` or `extension`")?;
        let mut part = ElementPart::default();
        let mut seen = Seen::new();
        while let Some(key) = reader.next_key()? {
            match &*key {
                "id" => read_bare(&mut part.id, reader, "id")?,
                "extension" => read_list(&mut part.extension, reader, "extension", &mut seen, 0)?,
                other => return Err(unknown_element(reader, other)),
            }
        }
        if part.id.is_none() && part.extension.is_empty() {
            let end = reader.offset();
            reader.rewind(start);
            let error = reader.data_error(
                "expected an object with `id` or at least one `extension`, found an object with neither",
            );
            reader.rewind(end);
            return Err(error);
        }
        Ok(part)
    }
}

/// The repeating elements of an object that have been read, one bit each.
/// A repeating primitive has two, for its values and its `_name` array:
/// which of them came first decides how the second pairs up with it.
#[derive(Default)]
pub struct Seen {
    bits: u128,
    /// Bits from 128 up. The generated R4 types use at most 23 bits.
    more: Vec<u32>,
}

impl Seen {
    /// Creates a record with no element read.
    pub fn new() -> Self {
        Seen::default()
    }

    /// Records `bit` and returns whether it was new.
    fn first(&mut self, bit: u32) -> bool {
        if self.contains(bit) {
            return false;
        }
        match 1u128.checked_shl(bit) {
            Some(mask) => self.bits |= mask,
            None => self.more.push(bit),
        }
        true
    }

    fn contains(&self, bit: u32) -> bool {
        match 1u128.checked_shl(bit) {
            Some(mask) => self.bits & mask != 0,
            None => self.more.contains(&bit),
        }
    }
}

/// Stores `value` in a slot known to be empty. An assignment would compile
/// the drop of the old value into this module, and for an
/// `Option<Resource>` that is the drop code of every resource type (see the
/// note on compile time in `src/r4.rs`). `replace` compiles no drop, and
/// the empty old value needs none.
fn fill<T>(slot: &mut Option<T>, value: T) {
    let empty = slot.replace(value);
    std::mem::forget(empty);
}

/// Stores the value that `read` gives for `key`, unless the slot is full.
#[inline]
fn read_once<T>(
    slot: &mut Option<T>,
    reader: &mut Reader<'_>,
    key: &'static str,
    read: impl FnOnce(&mut Reader<'_>) -> Result<T, ReadError>,
) -> Result<(), ReadError> {
    if slot.is_some() {
        return Err(duplicate(reader, key));
    }
    let value = read(reader).map_err(|e| e.at(Segment::Element(key)))?;
    fill(slot, value);
    Ok(())
}

/// Reads a single complex element or resource under `key`.
///
/// # Errors
///
/// A duplicate key or an invalid value.
#[inline(never)]
pub fn read_single<T: FromJson>(
    slot: &mut Option<T>,
    reader: &mut Reader<'_>,
    key: &'static str,
) -> Result<(), ReadError> {
    read_once(slot, reader, key, T::read_json)
}

/// Reads a single complex element of a recursive type under `key`.
///
/// # Errors
///
/// A duplicate key or an invalid value.
#[inline(never)]
pub fn read_boxed<T: FromJson>(
    slot: &mut Option<Box<T>>,
    reader: &mut Reader<'_>,
    key: &'static str,
) -> Result<(), ReadError> {
    read_once(slot, reader, key, |reader| {
        T::read_json(reader).map(Box::new)
    })
}

/// Reads a primitive stored without id or extensions (an element's `id`)
/// under `key`.
///
/// # Errors
///
/// A duplicate key or an invalid value.
#[inline(never)]
pub fn read_bare<T: JsonValue>(
    slot: &mut Option<T>,
    reader: &mut Reader<'_>,
    key: &'static str,
) -> Result<(), ReadError> {
    read_once(slot, reader, key, T::read_json)
}

/// Reads the array of a repeating complex element under `key`; `bit` is
/// its bit in `seen`.
///
/// # Errors
///
/// A duplicate key, a value that is not an array, or an invalid item.
#[inline(never)]
pub fn read_list<T: FromJson>(
    list: &mut Vec<T>,
    reader: &mut Reader<'_>,
    key: &'static str,
    seen: &mut Seen,
    bit: u32,
) -> Result<(), ReadError> {
    if !seen.first(bit) {
        return Err(duplicate(reader, key));
    }
    read_array(reader, key, list)
}

/// Reads the array value of `key`, calling `read_item` for each item.
///
/// The loop and the error paths are compiled once here instead of once per
/// item type.
fn read_array(
    reader: &mut Reader<'_>,
    key: &'static str,
    items: &mut dyn ReadItem,
) -> Result<(), ReadError> {
    reader
        .begin_array("an array")
        .map_err(|e| e.at(Segment::Element(key)))?;
    let mut index = 0;
    while reader
        .next_item()
        .map_err(|e| e.at(Segment::Element(key)))?
    {
        items
            .read_item(reader)
            .map_err(|e| e.at(Segment::Index(index)).at(Segment::Element(key)))?;
        index += 1;
    }
    if index == 0 {
        return Err(empty_array(reader, key));
    }
    Ok(())
}

#[cold]
fn empty_array(reader: &Reader<'_>, key: &'static str) -> ReadError {
    empty(reader, "at least one item", "an empty array").at(Segment::Element(key))
}

/// Reads one array item onto the end of a list. This is a trait of its own
/// because a `dyn FnMut` closure's vtable also carries a `call_once` shim,
/// one more copy of the item reader for each of the hundreds of item types.
trait ReadItem {
    fn read_item(&mut self, reader: &mut Reader<'_>) -> Result<(), ReadError>;
}

impl<T: FromJson> ReadItem for Vec<T> {
    fn read_item(&mut self, reader: &mut Reader<'_>) -> Result<(), ReadError> {
        self.push(T::read_json(reader)?);
        Ok(())
    }
}

/// Reads the value of a single primitive under `key`.
///
/// # Errors
///
/// A duplicate key or an invalid value (`null` included).
#[inline(never)]
pub fn read_primitive_value<T: JsonValue>(
    slot: &mut Option<Primitive<T>>,
    reader: &mut Reader<'_>,
    key: &'static str,
) -> Result<(), ReadError> {
    if slot.as_ref().is_some_and(|p| p.value.is_some()) {
        return Err(duplicate(reader, key));
    }
    let value = T::read_json(reader).map_err(|e| e.at(Segment::Element(key)))?;
    match slot {
        Some(primitive) => primitive.value = Some(value),
        None => fill(slot, Primitive::new(value)),
    }
    Ok(())
}

/// Reads the id and extensions of a single primitive under `_key`.
///
/// # Errors
///
/// A duplicate key or an invalid object.
#[inline(never)]
pub fn read_primitive_element<T>(
    slot: &mut Option<Primitive<T>>,
    reader: &mut Reader<'_>,
    key: &'static str,
) -> Result<(), ReadError> {
    // A part that was read has an id or an extension.
    if slot
        .as_ref()
        .is_some_and(|p| p.id.is_some() || !p.extension.is_empty())
    {
        return Err(duplicate(reader, key));
    }
    let part = ElementPart::read(reader).map_err(|e| e.at(Segment::Element(key)))?;
    match slot {
        Some(primitive) => part.apply(primitive),
        None => fill(slot, part.into_primitive()),
    }
    Ok(())
}

/// Builds the error for value and `_name` arrays of different lengths.
#[cold]
fn unpaired(reader: &Reader<'_>, key: &'static str, values: usize, parts: usize) -> ReadError {
    reader
        .data_error(format!(
            "`{key}` has {values} items but `_{key}` has {parts}; they must pair up by position"
        ))
        .at(Segment::Element(key))
}

/// Reads the value array of a repeating primitive under `key`. The values
/// and the `_key` array pair up by position, with `null` filling the
/// positions without a value or without an extension. `pair` and
/// `pair + 1` are the two arrays' bits in `seen`.
///
/// # Errors
///
/// A duplicate key, a value that is not an array, an invalid item, or an
/// `_key` array of another length.
#[inline(never)]
pub fn read_primitive_values<T: JsonValue>(
    list: &mut Vec<Primitive<T>>,
    reader: &mut Reader<'_>,
    key: &'static str,
    seen: &mut Seen,
    pair: u32,
) -> Result<(), ReadError> {
    if !seen.first(pair) {
        return Err(duplicate(reader, key));
    }
    // When `_key` came first, `list` contains its items, still without values.
    let parts_first = seen.contains(pair + 1);
    let parts = list.len();
    let values = read_pair_array(list, reader, key, |reader, list, index| {
        let value = if reader.null() {
            None
        } else {
            Some(T::read_json(reader)?)
        };
        if !parts_first {
            list.push(Primitive {
                value,
                id: None,
                extension: Vec::new(),
            });
        } else if let Some(item) = list.get_mut(index) {
            item.value = value;
        }
        Ok(())
    })?;
    if parts_first && values != parts {
        return Err(unpaired(reader, key, values, parts));
    }
    Ok(())
}

/// Reads the `_key` array (`element_key`) of a repeating primitive: the
/// ids and extensions that pair up with the values of `key`.
///
/// # Errors
///
/// A duplicate key, a value that is not an array, an invalid item, or a
/// value array of another length.
#[inline(never)]
pub fn read_primitive_elements<T: JsonValue>(
    list: &mut Vec<Primitive<T>>,
    reader: &mut Reader<'_>,
    key: &'static str,
    element_key: &'static str,
    seen: &mut Seen,
    pair: u32,
) -> Result<(), ReadError> {
    if !seen.first(pair + 1) {
        return Err(duplicate(reader, element_key));
    }
    let values_first = seen.contains(pair);
    let values = list.len();
    let parts = read_pair_array(list, reader, element_key, |reader, list, index| {
        let part = if reader.null() {
            None
        } else {
            Some(ElementPart::read(reader)?)
        };
        if !values_first {
            list.push(part.map(ElementPart::into_primitive).unwrap_or_default());
        } else if let (Some(item), Some(part)) = (list.get_mut(index), part) {
            part.apply(item);
        }
        Ok(())
    })?;
    if values_first && parts != values {
        return Err(unpaired(reader, key, values, parts));
    }
    Ok(())
}

/// Reads one of the two arrays of a repeating primitive under `array_key`,
/// calling `read_item` with each item's position, and returns the number of
/// items. Errors name the item's position and `array_key`.
fn read_pair_array<T>(
    list: &mut Vec<Primitive<T>>,
    reader: &mut Reader<'_>,
    array_key: &'static str,
    mut read_item: impl FnMut(&mut Reader<'_>, &mut Vec<Primitive<T>>, usize) -> Result<(), ReadError>,
) -> Result<usize, ReadError> {
    reader
        .begin_array("an array")
        .map_err(|e| e.at(Segment::Element(array_key)))?;
    let mut index = 0;
    while reader
        .next_item()
        .map_err(|e| e.at(Segment::Element(array_key)))?
    {
        read_item(reader, list, index)
            .map_err(|e| e.at(Segment::Index(index)).at(Segment::Element(array_key)))?;
        index += 1;
    }
    if index == 0 {
        return Err(empty_array(reader, array_key));
    }
    Ok(index)
}

/// Checks, after the object's last key, that every item of a repeating
/// primitive has a value, an id or an extension: `null` may fill a position
/// in one of the two arrays only.
///
/// # Errors
///
/// The first item with neither.
#[inline(never)]
pub fn check_primitives<T>(
    list: &[Primitive<T>],
    reader: &Reader<'_>,
    key: &'static str,
) -> Result<(), ReadError> {
    match list.iter().position(Primitive::is_empty) {
        None => Ok(()),
        Some(index) => Err(reader
            .data_error(format!(
                "item {index} has neither a value in `{key}` nor an id or extension in \
                 `_{key}`, but `null` may only fill a position that the other array fills"
            ))
            .at(Segment::Index(index))
            .at(Segment::Element(key))),
    }
}

/// Reads the primitive value of `key`.
#[inline(never)]
fn read_key_value<T: JsonValue>(
    reader: &mut Reader<'_>,
    key: &'static str,
) -> Result<T, ReadError> {
    T::read_json(reader).map_err(|e| e.at(Segment::Element(key)))
}

/// Reads the complex value of `key` into a box.
#[inline(never)]
fn read_key_boxed<T: FromJson>(
    reader: &mut Reader<'_>,
    key: &'static str,
) -> Result<Box<T>, ReadError> {
    let value = T::read_json(reader).map_err(|e| e.at(Segment::Element(key)))?;
    Ok(Box::new(value))
}

/// A generated enum for a choice element (`value[x]`).
pub trait Choice: Sized {
    /// The element name without `[x]` (`value`).
    const ELEMENT: &'static str;

    /// Reads `key` if it is one of this choice's keys; returns whether it was.
    ///
    /// # Errors
    ///
    /// A second type for the same choice, or an invalid value.
    fn read(
        slot: &mut ChoiceSlot<Self>,
        key: &str,
        reader: &mut Reader<'_>,
    ) -> Result<bool, ReadError>;

    /// Attaches an id and extensions read under `_key` to the variant of `key`.
    /// Returns the value unchanged as the error when the variant differs.
    ///
    /// # Errors
    ///
    /// Gives the value back when `key` is not its variant's key.
    fn attach(self, key: &str, element: ElementPart) -> Result<Self, Self>;

    /// Builds a primitive variant with no value, from `_key` alone.
    fn from_element(key: &str, element: ElementPart) -> Option<Self>;

    /// Returns the JSON key of the current variant.
    fn json_key(&self) -> &'static str;

    /// Writes the current variant as one or two entries.
    fn write_entry(&self, writer: &mut super::writer::Writer);
}

/// The slot of a choice element.
pub struct ChoiceSlot<E> {
    value: Option<E>,
    /// An `_valueX` part and the key of its value (`valueX`).
    pending: Option<(&'static str, ElementPart)>,
}

impl<E: Choice> ChoiceSlot<E> {
    /// Creates an empty slot.
    pub fn new() -> Self {
        ChoiceSlot {
            value: None,
            pending: None,
        }
    }

    #[cold]
    fn conflict(&self, reader: &Reader<'_>, key: &'static str) -> ReadError {
        let other = match (&self.value, &self.pending) {
            (Some(value), _) => value.json_key(),
            (None, Some((other, _))) => other,
            (None, None) => key,
        };
        if other == key {
            return duplicate(reader, key);
        }
        reader
            .data_error(format!(
                "`{other}` and `{key}` are both present, but `{}[x]` takes one type",
                E::ELEMENT
            ))
            .at(Segment::Element(key))
    }

    /// Reads a primitive variant's value under `key`.
    ///
    /// # Errors
    ///
    /// Another type already present, or an invalid value.
    #[inline(never)]
    pub fn read_primitive<T: JsonValue>(
        &mut self,
        reader: &mut Reader<'_>,
        key: &'static str,
        make: fn(Primitive<T>) -> E,
    ) -> Result<(), ReadError> {
        self.check_value_key(reader, key, true)?;
        let value = read_key_value::<T>(reader, key)?;
        fill(&mut self.value, make(Primitive::new(value)));
        Ok(())
    }

    /// Fails when the choice already has a value, of this type (a duplicate
    /// key) or another, or, for a complex variant, any `_key` part.
    ///
    /// This check is generic over the choice alone, and [`read_key_value`]
    /// and [`read_key_boxed`] over the variant type alone. That keeps the
    /// functions generic over both, hundreds of pairs, small.
    #[inline(never)]
    fn check_value_key(
        &self,
        reader: &Reader<'_>,
        key: &'static str,
        primitive: bool,
    ) -> Result<(), ReadError> {
        let free = match &self.pending {
            None => self.value.is_none(),
            Some((other, _)) => primitive && self.value.is_none() && *other == key,
        };
        if free {
            Ok(())
        } else {
            Err(self.conflict(reader, key))
        }
    }

    /// Reads a complex variant under `key`.
    ///
    /// # Errors
    ///
    /// Another type already present, or an invalid value.
    #[inline(never)]
    pub fn read_boxed<T: FromJson>(
        &mut self,
        reader: &mut Reader<'_>,
        key: &'static str,
        make: fn(Box<T>) -> E,
    ) -> Result<(), ReadError> {
        self.check_value_key(reader, key, false)?;
        let value = read_key_boxed::<T>(reader, key)?;
        fill(&mut self.value, make(value));
        Ok(())
    }

    /// Reads the id and extensions of a primitive variant under `_key`;
    /// `key` is the variant's value key.
    ///
    /// # Errors
    ///
    /// Another type already present, or an invalid object.
    #[inline(never)]
    pub fn read_element(
        &mut self,
        reader: &mut Reader<'_>,
        element_key: &'static str,
        key: &'static str,
    ) -> Result<(), ReadError> {
        if self
            .pending
            .as_ref()
            .is_some_and(|(other, _)| *other == key)
        {
            return Err(duplicate(reader, element_key));
        }
        if self.pending.is_some() || self.value.as_ref().is_some_and(|v| v.json_key() != key) {
            return Err(self.conflict(reader, element_key));
        }
        let part = ElementPart::read(reader).map_err(|e| e.at(Segment::Element(element_key)))?;
        fill(&mut self.pending, (key, part));
        Ok(())
    }

    /// Stores the choice value in `target`, which is empty, if any key of
    /// the choice was present.
    ///
    /// # Errors
    ///
    /// An `_key` part that does not match the variant read.
    #[inline(never)]
    pub fn finish(self, target: &mut Option<E>, reader: &Reader<'_>) -> Result<(), ReadError> {
        if let Some(value) = self.into_value(reader)? {
            fill(target, value);
        }
        Ok(())
    }

    fn into_value(self, reader: &Reader<'_>) -> Result<Option<E>, ReadError> {
        match (self.value, self.pending) {
            (value, None) => Ok(value),
            (None, Some((key, part))) => match E::from_element(key, part) {
                Some(value) => Ok(Some(value)),
                None => Err(reader.data_error(format!("`_{key}` has no matching value"))),
            },
            (Some(value), Some((key, part))) => {
                match value.attach(key, part) {
                    Ok(value) => Ok(Some(value)),
                    Err(value) => Err(reader
                        .data_error(format!("`_{key}` does not match `{}`", value.json_key()))),
                }
            }
        }
    }
}

impl<E: Choice> Default for ChoiceSlot<E> {
    fn default() -> Self {
        Self::new()
    }
}

/// The generated dispatch from a resource type to its struct.
pub trait DispatchResource: Sized {
    /// Reads the rest of a resource of type `resource_type`.
    ///
    /// # Errors
    ///
    /// The errors of the resource's fields.
    fn dispatch(
        resource_type: ResourceType,
        reader: &mut Reader<'_>,
        state: ResourceTypeState,
    ) -> Result<Self, ReadError>;
}

fn parse_resource_type(reader: &Reader<'_>, name: &str) -> Result<ResourceType, ReadError> {
    ResourceType::from_name(name).ok_or_else(|| {
        reader
            .data_error(format!("unknown resourceType `{name}`"))
            .at(Segment::Element("resourceType"))
    })
}

impl FromJson for Resource {
    fn read_json(reader: &mut Reader<'_>) -> Result<Self, ReadError> {
        const EXPECTED: &str = "a resource (a JSON object with a resourceType)";
        let before = reader.offset();
        reader.begin_object(EXPECTED)?;
        let after_brace = reader.offset();
        let Some(first) = reader.next_key()? else {
            return Err(reader.data_error("missing resourceType"));
        };
        if first == "resourceType" {
            let name = reader
                .string("the resource type name (a JSON string)")
                .map_err(|e| e.at(Segment::Element("resourceType")))?;
            let resource_type = parse_resource_type(reader, &name)?;
            return Resource::dispatch(resource_type, reader, ResourceTypeState::Read);
        }
        // `resourceType` is not first: find it, then read the object again
        // from its start.
        let resource_type = find_resource_type(reader, before)?;
        reader.rewind(after_brace);
        reader.restart_object();
        Resource::dispatch(resource_type, reader, ResourceTypeState::Ahead)
    }
}

/// Scans the object at `start` for its `resourceType`, leaving the reader
/// wherever the scan stopped.
#[cold]
fn find_resource_type(reader: &mut Reader<'_>, start: usize) -> Result<ResourceType, ReadError> {
    let mut scan = reader.clone();
    scan.rewind(start);
    scan.unwind_one();
    scan.begin_object("a resource")?;
    while let Some(key) = scan.next_key()? {
        if key == "resourceType" {
            let name = scan
                .string("the resource type name (a JSON string)")
                .map_err(|e| e.at(Segment::Element("resourceType")))?;
            return parse_resource_type(&scan, &name);
        }
        scan.skip_value()?;
    }
    Err(reader.data_error("missing resourceType"))
}

#[cfg(test)]
mod tests {
    use super::Seen;

    #[test]
    fn seen_tracks_bits_past_128() {
        let mut seen = Seen::new();
        for bit in [0, 22, 127, 128, 500] {
            assert!(!seen.contains(bit), "bit {bit} before");
            assert!(seen.first(bit), "bit {bit} first");
            assert!(!seen.first(bit), "bit {bit} second");
            assert!(seen.contains(bit), "bit {bit} after");
        }
        assert!(!seen.contains(1));
        assert!(!seen.contains(129));
    }
}
