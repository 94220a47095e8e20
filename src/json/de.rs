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
}

impl<T: Object> FromJson for T {
    fn read_json(reader: &mut Reader<'_>) -> Result<Self, ReadError> {
        let result = reader
            .begin_object(T::EXPECTED)
            .and_then(|()| T::read_fields(reader, ResourceTypeState::Missing));
        match (result, T::RESOURCE_TYPE) {
            (Err(error), Some(name)) => Err(error.at(Segment::Resource(name))),
            (result, _) => result,
        }
    }
}

/// Reads a resource's fields after its type is known, boxed for [`Resource`].
///
/// # Errors
///
/// The errors of [`Object::read_fields`], with the resource type added to
/// the path.
pub fn read_resource_fields<T: Object>(
    reader: &mut Reader<'_>,
    state: ResourceTypeState,
) -> Result<Box<T>, ReadError> {
    match T::read_fields(reader, state) {
        Ok(value) => Ok(Box::new(value)),
        Err(error) => Err(match T::RESOURCE_TYPE {
            Some(name) => error.at(Segment::Resource(name)),
            None => error,
        }),
    }
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
        let mut id = BareSlot::<String>::new();
        let mut extension = ListSlot::<Extension>::new();
        while let Some(key) = reader.next_key()? {
            match &*key {
                "id" => id.read(reader, "id")?,
                "extension" => extension.read(reader, "extension")?,
                other => return Err(unknown_element(reader, other)),
            }
        }
        let part = ElementPart {
            id: id.finish(),
            extension: extension.finish(),
        };
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

/// The slot of a single complex element or resource.
pub struct SingleSlot<T>(Option<T>);

impl<T: FromJson> SingleSlot<T> {
    /// Creates an empty slot.
    pub fn new() -> Self {
        SingleSlot(None)
    }

    /// Reads the value of `key`.
    ///
    /// # Errors
    ///
    /// A duplicate key or an invalid value.
    #[inline(never)]
    pub fn read(&mut self, reader: &mut Reader<'_>, key: &'static str) -> Result<(), ReadError> {
        if self.0.is_some() {
            return Err(duplicate(reader, key));
        }
        self.0 = Some(T::read_json(reader).map_err(|e| e.at(Segment::Element(key)))?);
        Ok(())
    }

    /// Returns the value read, if any.
    pub fn finish(self) -> Option<T> {
        self.0
    }
}

impl<T: FromJson> Default for SingleSlot<T> {
    fn default() -> Self {
        Self::new()
    }
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
    Ok(())
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

/// The slot of a repeating complex element.
pub struct ListSlot<T>(Option<Vec<T>>);

impl<T: FromJson> ListSlot<T> {
    /// Creates an empty slot.
    pub fn new() -> Self {
        ListSlot(None)
    }

    /// Reads the array value of `key`.
    ///
    /// # Errors
    ///
    /// A duplicate key, a value that is not an array, or an invalid item.
    #[inline(never)]
    pub fn read(&mut self, reader: &mut Reader<'_>, key: &'static str) -> Result<(), ReadError> {
        if self.0.is_some() {
            return Err(duplicate(reader, key));
        }
        let mut items: Vec<T> = Vec::new();
        read_array(reader, key, &mut items)?;
        self.0 = Some(items);
        Ok(())
    }

    /// Returns the items read.
    pub fn finish(self) -> Vec<T> {
        self.0.unwrap_or_default()
    }
}

impl<T: FromJson> Default for ListSlot<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// The slot of a primitive stored without id or extensions.
pub struct BareSlot<T>(Option<T>);

impl<T: JsonValue> BareSlot<T> {
    /// Creates an empty slot.
    pub fn new() -> Self {
        BareSlot(None)
    }

    /// Reads the value of `key`.
    ///
    /// # Errors
    ///
    /// A duplicate key or an invalid value.
    #[inline(never)]
    pub fn read(&mut self, reader: &mut Reader<'_>, key: &'static str) -> Result<(), ReadError> {
        if self.0.is_some() {
            return Err(duplicate(reader, key));
        }
        self.0 = Some(T::read_json(reader).map_err(|e| e.at(Segment::Element(key)))?);
        Ok(())
    }

    /// Returns the value read, if any.
    pub fn finish(self) -> Option<T> {
        self.0
    }
}

impl<T: JsonValue> Default for BareSlot<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// The first error met while finishing the slots of an object.
///
/// The generated code builds the struct from every slot and only then checks
/// for an error. A `?` on each slot would give every field its own error
/// exit, each dropping a different set of fields and slots, and the
/// generated `read_fields` functions measured 1.6 times as large that way.
#[derive(Default)]
pub struct Failure(Option<ReadError>);

impl Failure {
    /// Creates a record with no error.
    pub fn new() -> Self {
        Failure(None)
    }

    /// Returns the value of `result`, or records its error (unless an
    /// earlier one was recorded) and returns the default.
    pub fn keep<T: Default>(&mut self, result: Result<T, ReadError>) -> T {
        match result {
            Ok(value) => value,
            Err(error) => {
                self.0.get_or_insert(error);
                T::default()
            }
        }
    }

    /// Returns `value`, unless an error was recorded.
    ///
    /// # Errors
    ///
    /// The first error recorded.
    pub fn check<T>(self, value: T) -> Result<T, ReadError> {
        match self.0 {
            None => Ok(value),
            Some(error) => Err(error),
        }
    }
}

/// The slot of a single primitive element and its `_name` sibling.
pub struct PrimitiveSlot<T> {
    value: Option<T>,
    element: Option<ElementPart>,
}

impl<T: JsonValue> PrimitiveSlot<T> {
    /// Creates an empty slot.
    pub fn new() -> Self {
        PrimitiveSlot {
            value: None,
            element: None,
        }
    }

    /// Reads the value part, under `key`.
    ///
    /// # Errors
    ///
    /// A duplicate key or an invalid value (`null` included).
    #[inline(never)]
    pub fn read_value(
        &mut self,
        reader: &mut Reader<'_>,
        key: &'static str,
    ) -> Result<(), ReadError> {
        if self.value.is_some() {
            return Err(duplicate(reader, key));
        }
        self.value = Some(T::read_json(reader).map_err(|e| e.at(Segment::Element(key)))?);
        Ok(())
    }

    /// Reads the id and extensions, under `_key`.
    ///
    /// # Errors
    ///
    /// A duplicate key or an invalid object.
    #[inline(never)]
    pub fn read_element(
        &mut self,
        reader: &mut Reader<'_>,
        key: &'static str,
    ) -> Result<(), ReadError> {
        if self.element.is_some() {
            return Err(duplicate(reader, key));
        }
        self.element = Some(ElementPart::read(reader).map_err(|e| e.at(Segment::Element(key)))?);
        Ok(())
    }

    /// Returns the primitive, if either part was present.
    #[inline(never)]
    pub fn finish(self) -> Option<Primitive<T>> {
        match (self.value, self.element) {
            (None, None) => None,
            (value, None) => Some(Primitive {
                value,
                id: None,
                extension: Vec::new(),
            }),
            (value, Some(part)) => Some(Primitive {
                value,
                id: part.id,
                extension: part.extension,
            }),
        }
    }
}

impl<T: JsonValue> Default for PrimitiveSlot<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// The slot of a repeating primitive element and its `_name` sibling array,
/// in which `null` fills the positions without a value or without an
/// extension.
pub struct PrimitiveListSlot<T> {
    values: Option<Vec<Option<T>>>,
    elements: Option<Vec<Option<ElementPart>>>,
}

impl<T: JsonValue> PrimitiveListSlot<T> {
    /// Creates an empty slot.
    pub fn new() -> Self {
        PrimitiveListSlot {
            values: None,
            elements: None,
        }
    }

    /// Reads the value array, under `key`.
    ///
    /// # Errors
    ///
    /// A duplicate key, a value that is not an array, or an invalid item.
    #[inline(never)]
    pub fn read_value(
        &mut self,
        reader: &mut Reader<'_>,
        key: &'static str,
    ) -> Result<(), ReadError> {
        if self.values.is_some() {
            return Err(duplicate(reader, key));
        }
        reader
            .begin_array("an array")
            .map_err(|e| e.at(Segment::Element(key)))?;
        let mut values = Vec::new();
        while reader
            .next_item()
            .map_err(|e| e.at(Segment::Element(key)))?
        {
            if reader.null() {
                values.push(None);
                continue;
            }
            let index = values.len();
            values.push(Some(T::read_json(reader).map_err(|e| {
                e.at(Segment::Index(index)).at(Segment::Element(key))
            })?));
        }
        self.values = Some(values);
        Ok(())
    }

    /// Reads the array of ids and extensions, under `_key`.
    ///
    /// # Errors
    ///
    /// A duplicate key, a value that is not an array, or an invalid item.
    #[inline(never)]
    pub fn read_element(
        &mut self,
        reader: &mut Reader<'_>,
        key: &'static str,
    ) -> Result<(), ReadError> {
        if self.elements.is_some() {
            return Err(duplicate(reader, key));
        }
        reader
            .begin_array("an array")
            .map_err(|e| e.at(Segment::Element(key)))?;
        let mut elements = Vec::new();
        while reader
            .next_item()
            .map_err(|e| e.at(Segment::Element(key)))?
        {
            if reader.null() {
                elements.push(None);
                continue;
            }
            let index = elements.len();
            elements
                .push(Some(ElementPart::read(reader).map_err(|e| {
                    e.at(Segment::Index(index)).at(Segment::Element(key))
                })?));
        }
        self.elements = Some(elements);
        Ok(())
    }

    /// Pairs values with their ids and extensions by position.
    ///
    /// Records an error in `failure` and returns no items when both arrays
    /// are present with different lengths. It does the same when a position
    /// is `null` (or missing) in both, because that item has nothing to
    /// write back.
    #[inline(never)]
    pub fn finish(
        self,
        reader: &Reader<'_>,
        key: &'static str,
        failure: &mut Failure,
    ) -> Vec<Primitive<T>> {
        failure.keep(self.pair_up(reader, key))
    }

    fn pair_up(
        self,
        reader: &Reader<'_>,
        key: &'static str,
    ) -> Result<Vec<Primitive<T>>, ReadError> {
        let empty_position = match (&self.values, &self.elements) {
            (Some(values), Some(elements)) => values
                .iter()
                .zip(elements)
                .position(|(value, part)| value.is_none() && part.is_none()),
            (Some(values), None) => values.iter().position(Option::is_none),
            (None, Some(elements)) => elements.iter().position(Option::is_none),
            (None, None) => None,
        };
        if let Some(index) = empty_position {
            return Err(reader
                .data_error(format!(
                    "item {index} has neither a value in `{key}` nor an id or extension in \
                     `_{key}`, but `null` may only fill a position that the other array fills"
                ))
                .at(Segment::Index(index))
                .at(Segment::Element(key)));
        }
        match (self.values, self.elements) {
            (None, None) => Ok(Vec::new()),
            (Some(values), None) => Ok(values
                .into_iter()
                .map(|value| Primitive {
                    value,
                    id: None,
                    extension: Vec::new(),
                })
                .collect()),
            (None, Some(elements)) => Ok(elements
                .into_iter()
                .map(|part| part.map(ElementPart::into_primitive).unwrap_or_default())
                .collect()),
            (Some(values), Some(elements)) => {
                if values.len() != elements.len() {
                    return Err(reader
                        .data_error(format!(
                            "`{key}` has {} items but `_{key}` has {}; they must pair up by position",
                            values.len(),
                            elements.len()
                        ))
                        .at(Segment::Element(key)));
                }
                Ok(values
                    .into_iter()
                    .zip(elements)
                    .map(|(value, part)| {
                        let mut primitive = Primitive {
                            value,
                            id: None,
                            extension: Vec::new(),
                        };
                        if let Some(part) = part {
                            part.apply(&mut primitive);
                        }
                        primitive
                    })
                    .collect())
            }
        }
    }
}

impl<T: JsonValue> Default for PrimitiveListSlot<T> {
    fn default() -> Self {
        Self::new()
    }
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
        if self.value.is_some()
            || self
                .pending
                .as_ref()
                .is_some_and(|(other, _)| *other != key)
        {
            return Err(self.conflict(reader, key));
        }
        let value = T::read_json(reader).map_err(|e| e.at(Segment::Element(key)))?;
        self.value = Some(make(Primitive {
            value: Some(value),
            id: None,
            extension: Vec::new(),
        }));
        Ok(())
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
        if self.value.is_some() || self.pending.is_some() {
            return Err(self.conflict(reader, key));
        }
        let value = T::read_json(reader).map_err(|e| e.at(Segment::Element(key)))?;
        self.value = Some(make(Box::new(value)));
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
        if self.pending.is_some() || self.value.as_ref().is_some_and(|v| v.json_key() != key) {
            return Err(self.conflict(reader, element_key));
        }
        let part = ElementPart::read(reader).map_err(|e| e.at(Segment::Element(element_key)))?;
        self.pending = Some((key, part));
        Ok(())
    }

    /// Returns the choice value, if any key of it was present. When an
    /// `_key` part does not match the variant read, records the error in
    /// `failure` and returns `None`.
    #[inline(never)]
    pub fn finish(self, reader: &Reader<'_>, failure: &mut Failure) -> Option<E> {
        failure.keep(self.attach_pending(reader))
    }

    fn attach_pending(self, reader: &Reader<'_>) -> Result<Option<E>, ReadError> {
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

/// Reads one complete JSON document as `T`.
///
/// # Errors
///
/// The errors of `T`, and trailing characters after the value.
pub fn read_document<T: FromJson>(bytes: &[u8]) -> Result<T, ReadError> {
    let mut reader = Reader::new(bytes);
    let value = T::read_json(&mut reader)?;
    reader.end()?;
    Ok(value)
}
