//! Deserialization support for the generated types.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::path::{self, Segment};
use crate::primitives::{Primitive, PrimitiveValue};
use crate::r4::{Extension, Resource, ResourceType};

/// A JSON object key, borrowed from the input when it has no escapes.
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The key text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an element name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// A generated struct that reads itself from the entries of a JSON object.
pub trait FromMap: Sized {
    /// The element path of the struct (`Patient.contact`), for messages.
    const PATH: &'static str;
    /// The resource type, for resources.
    const RESOURCE_TYPE: Option<&'static str>;

    /// Reads the remaining entries of `map`. `resource_type_seen` is true
    /// when the caller has already read and checked `resourceType`.
    fn from_map<'de, A: MapAccess<'de>>(map: A, resource_type_seen: bool) -> Result<Self, A::Error>;
}

struct StructVisitor<T>(PhantomData<T>);

impl<'de, T: FromMap> Visitor<'de> for StructVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a JSON object ({})", T::PATH)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::from_map(map, false)
    }
}

/// Deserializes a generated struct from a JSON object.
pub fn deserialize_struct<'de, T: FromMap, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    let result = deserializer.deserialize_map(StructVisitor::<T>(PhantomData));
    if result.is_err() {
        if let Some(resource_type) = T::RESOURCE_TYPE {
            path::push(Segment::Resource(resource_type));
        }
    }
    result
}

/// Reads a resource's fields after its `resourceType`, boxed for [`Resource`].
pub fn from_map_boxed<'de, T: FromMap, A: MapAccess<'de>>(map: A) -> Result<Box<T>, A::Error> {
    match T::from_map(map, true) {
        Ok(value) => Ok(Box::new(value)),
        Err(error) => {
            if let Some(resource_type) = T::RESOURCE_TYPE {
                path::push(Segment::Resource(resource_type));
            }
            Err(error)
        }
    }
}

#[cold]
fn fail<E: de::Error>(segment: Segment, error: E) -> E {
    path::push(segment);
    error
}

#[cold]
fn duplicate<E: de::Error>(key: &'static str) -> E {
    path::push(Segment::Element(key));
    E::custom(format_args!("duplicate element `{key}`"))
}

/// The error for a key that the struct does not define.
#[cold]
pub fn unknown_element<E: de::Error>(key: &str) -> E {
    path::push(Segment::Unknown(key.to_owned()));
    E::custom(format_args!("unknown element `{key}`"))
}

/// Reads the value of a `resourceType` key and checks it.
pub fn read_resource_type<'de, A: MapAccess<'de>>(
    map: &mut A,
    expected: &'static str,
    seen: &mut bool,
) -> Result<(), A::Error> {
    if *seen {
        return Err(duplicate("resourceType"));
    }
    let found: Key<'de> = map.next_value().map_err(|e| fail(Segment::Element("resourceType"), e))?;
    if found.as_str() != expected {
        return Err(fail(
            Segment::Element("resourceType"),
            de::Error::custom(format_args!("resourceType is `{}`, expected `{expected}`", found.as_str())),
        ));
    }
    *seen = true;
    Ok(())
}

/// Fails when a resource had no `resourceType`.
pub fn require_resource_type<E: de::Error>(seen: bool) -> Result<(), E> {
    if seen { Ok(()) } else { Err(E::custom("missing resourceType")) }
}

/// Reads a code of a generated code enum.
pub fn code_enum<'de, T: super::CodeEnum, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    struct CodeVisitor<T>(PhantomData<T>);
    impl<T: super::CodeEnum> Visitor<'_> for CodeVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a code from {}", T::VALUE_SET)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            T::from_code(v).ok_or_else(|| E::custom(crate::r4::InvalidCode::new::<T>(v)))
        }
    }
    deserializer.deserialize_str(CodeVisitor(PhantomData))
}

/// Reads the value part of a primitive through [`PrimitiveValue`].
struct ValueSeed<T>(PhantomData<T>);

impl<'de, T: PrimitiveValue> DeserializeSeed<'de> for ValueSeed<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        T::deserialize_value(deserializer)
    }
}

/// Reads a primitive value that may be `null`, as inside arrays.
struct OptionalValueSeed<T>(PhantomData<T>);

impl<'de, T: PrimitiveValue> DeserializeSeed<'de> for OptionalValueSeed<T> {
    type Value = Option<T>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        struct OptionVisitor<T>(PhantomData<T>);
        impl<'de, T: PrimitiveValue> Visitor<'de> for OptionVisitor<T> {
            type Value = Option<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a {} value or null", T::FHIR_TYPE)
            }
            fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
                Ok(None)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
                T::deserialize_value(deserializer).map(Some)
            }
        }
        deserializer.deserialize_option(OptionVisitor(PhantomData))
    }
}

/// Reads a JSON array, recording the index of a failing item.
struct ListSeed<S>(S);

impl<'de, S: DeserializeSeed<'de> + Copy> DeserializeSeed<'de> for ListSeed<S> {
    type Value = Vec<S::Value>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        struct ListVisitor<S>(S);
        impl<'de, S: DeserializeSeed<'de> + Copy> Visitor<'de> for ListVisitor<S> {
            type Value = Vec<S::Value>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
                loop {
                    let index = items.len();
                    match seq.next_element_seed(self.0) {
                        Ok(Some(item)) => items.push(item),
                        Ok(None) => return Ok(items),
                        Err(error) => return Err(fail(Segment::Index(index), error)),
                    }
                }
            }
        }
        deserializer.deserialize_seq(ListVisitor(self.0))
    }
}

/// A seed for any `Deserialize` type, so that lists of them share [`ListSeed`].
struct PlainSeed<T>(PhantomData<T>);

impl<T> Clone for PlainSeed<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for PlainSeed<T> {}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for PlainSeed<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        T::deserialize(deserializer)
    }
}

impl<T> Clone for OptionalValueSeed<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for OptionalValueSeed<T> {}

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

    /// A primitive with no value, carrying this id and these extensions.
    pub fn into_primitive<T>(self) -> Primitive<T> {
        Primitive { value: None, id: self.id, extension: self.extension }
    }
}

impl<'de> Deserialize<'de> for ElementPart {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PartVisitor;
        impl<'de> Visitor<'de> for PartVisitor {
            type Value = ElementPart;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object with `id` or `extension`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ElementPart, A::Error> {
                let mut id = SingleSlot::<String>::new();
                let mut extension = ListSlot::<Extension>::new();
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    match key.as_str() {
                        "id" => id.read(&mut map, "id")?,
                        "extension" => extension.read(&mut map, "extension")?,
                        other => return Err(unknown_element(other)),
                    }
                }
                Ok(ElementPart { id: id.finish(), extension: extension.finish() })
            }
        }
        deserializer.deserialize_map(PartVisitor)
    }
}

/// The slot of a single complex element or resource.
pub struct SingleSlot<T>(Option<T>);

impl<T> SingleSlot<T> {
    /// An empty slot.
    pub fn new() -> Self {
        SingleSlot(None)
    }

    /// Reads the value of `key`.
    pub fn read<'de, A: MapAccess<'de>>(&mut self, map: &mut A, key: &'static str) -> Result<(), A::Error>
    where
        T: Deserialize<'de>,
    {
        if self.0.is_some() {
            return Err(duplicate(key));
        }
        self.0 = Some(map.next_value().map_err(|e| fail(Segment::Element(key), e))?);
        Ok(())
    }

    /// The value read, if any.
    pub fn finish(self) -> Option<T> {
        self.0
    }
}

impl<T> Default for SingleSlot<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// The slot of a repeating complex element.
pub struct ListSlot<T>(Option<Vec<T>>);

impl<T> ListSlot<T> {
    /// An empty slot.
    pub fn new() -> Self {
        ListSlot(None)
    }

    /// Reads the array value of `key`.
    pub fn read<'de, A: MapAccess<'de>>(&mut self, map: &mut A, key: &'static str) -> Result<(), A::Error>
    where
        T: Deserialize<'de>,
    {
        if self.0.is_some() {
            return Err(duplicate(key));
        }
        let items = map
            .next_value_seed(ListSeed(PlainSeed::<T>(PhantomData)))
            .map_err(|e| fail(Segment::Element(key), e))?;
        self.0 = Some(items);
        Ok(())
    }

    /// The items read.
    pub fn finish(self) -> Vec<T> {
        self.0.unwrap_or_default()
    }
}

impl<T> Default for ListSlot<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// The slot of a primitive stored without id or extensions.
pub struct BareSlot<T>(Option<T>);

impl<T: PrimitiveValue> BareSlot<T> {
    /// An empty slot.
    pub fn new() -> Self {
        BareSlot(None)
    }

    /// Reads the value of `key`.
    pub fn read<'de, A: MapAccess<'de>>(&mut self, map: &mut A, key: &'static str) -> Result<(), A::Error> {
        if self.0.is_some() {
            return Err(duplicate(key));
        }
        let value = map
            .next_value_seed(ValueSeed::<T>(PhantomData))
            .map_err(|e| fail(Segment::Element(key), e))?;
        self.0 = Some(value);
        Ok(())
    }

    /// The value read, if any.
    pub fn finish(self) -> Option<T> {
        self.0
    }
}

impl<T: PrimitiveValue> Default for BareSlot<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// The slot of a single primitive element and its `_name` sibling.
pub struct PrimitiveSlot<T> {
    value: Option<T>,
    element: Option<ElementPart>,
}

impl<T: PrimitiveValue> PrimitiveSlot<T> {
    /// An empty slot.
    pub fn new() -> Self {
        PrimitiveSlot { value: None, element: None }
    }

    /// Reads the value part, under `key`.
    pub fn read_value<'de, A: MapAccess<'de>>(&mut self, map: &mut A, key: &'static str) -> Result<(), A::Error> {
        if self.value.is_some() {
            return Err(duplicate(key));
        }
        let value = map
            .next_value_seed(ValueSeed::<T>(PhantomData))
            .map_err(|e| fail(Segment::Element(key), e))?;
        self.value = Some(value);
        Ok(())
    }

    /// Reads the id and extensions, under `_key`.
    pub fn read_element<'de, A: MapAccess<'de>>(&mut self, map: &mut A, key: &'static str) -> Result<(), A::Error> {
        if self.element.is_some() {
            return Err(duplicate(key));
        }
        self.element = Some(map.next_value().map_err(|e| fail(Segment::Element(key), e))?);
        Ok(())
    }

    /// The primitive, if either part was present.
    ///
    /// # Errors
    ///
    /// Never fails; the signature matches the other slots.
    pub fn finish<E: de::Error>(self, _key: &'static str) -> Result<Option<Primitive<T>>, E> {
        Ok(match (self.value, self.element) {
            (None, None) => None,
            (value, None) => Some(Primitive { value, id: None, extension: Vec::new() }),
            (value, Some(part)) => Some(Primitive { value, id: part.id, extension: part.extension }),
        })
    }
}

impl<T: PrimitiveValue> Default for PrimitiveSlot<T> {
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

impl<T: PrimitiveValue> PrimitiveListSlot<T> {
    /// An empty slot.
    pub fn new() -> Self {
        PrimitiveListSlot { values: None, elements: None }
    }

    /// Reads the value array, under `key`.
    pub fn read_value<'de, A: MapAccess<'de>>(&mut self, map: &mut A, key: &'static str) -> Result<(), A::Error> {
        if self.values.is_some() {
            return Err(duplicate(key));
        }
        let values = map
            .next_value_seed(ListSeed(OptionalValueSeed::<T>(PhantomData)))
            .map_err(|e| fail(Segment::Element(key), e))?;
        self.values = Some(values);
        Ok(())
    }

    /// Reads the array of ids and extensions, under `_key`.
    pub fn read_element<'de, A: MapAccess<'de>>(&mut self, map: &mut A, key: &'static str) -> Result<(), A::Error> {
        if self.elements.is_some() {
            return Err(duplicate(key));
        }
        let elements = map
            .next_value_seed(ListSeed(PlainSeed::<Option<ElementPart>>(PhantomData)))
            .map_err(|e| fail(Segment::Element(key), e))?;
        self.elements = Some(elements);
        Ok(())
    }

    /// Pairs values with their ids and extensions by position.
    ///
    /// # Errors
    ///
    /// Fails when both arrays are present with different lengths.
    pub fn finish<E: de::Error>(self, key: &'static str) -> Result<Vec<Primitive<T>>, E> {
        match (self.values, self.elements) {
            (None, None) => Ok(Vec::new()),
            (Some(values), None) => {
                Ok(values.into_iter().map(|value| Primitive { value, id: None, extension: Vec::new() }).collect())
            }
            (None, Some(elements)) => Ok(elements
                .into_iter()
                .map(|part| part.map(ElementPart::into_primitive).unwrap_or_default())
                .collect()),
            (Some(values), Some(elements)) => {
                if values.len() != elements.len() {
                    path::push(Segment::Element(key));
                    return Err(E::custom(format_args!(
                        "`{key}` has {} items but `_{key}` has {}; they must pair up by position",
                        values.len(),
                        elements.len()
                    )));
                }
                Ok(values
                    .into_iter()
                    .zip(elements)
                    .map(|(value, part)| {
                        let mut primitive = Primitive { value, id: None, extension: Vec::new() };
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

impl<T: PrimitiveValue> Default for PrimitiveListSlot<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// A generated enum for a choice element (`value[x]`).
pub trait Choice: Sized {
    /// The element name without `[x]` (`value`).
    const ELEMENT: &'static str;

    /// Reads `key` if it is one of this choice's keys; returns whether it was.
    fn read<'de, A: MapAccess<'de>>(slot: &mut ChoiceSlot<Self>, key: &str, map: &mut A) -> Result<bool, A::Error>;

    /// Attaches an id and extensions read under `_key` to the variant of `key`.
    /// Returns the value unchanged as the error when the variant differs.
    fn attach(self, key: &str, element: ElementPart) -> Result<Self, Self>;

    /// A primitive variant with no value, from `_key` alone.
    fn from_element(key: &str, element: ElementPart) -> Option<Self>;

    /// The JSON key of the current variant.
    fn json_key(&self) -> &'static str;

    /// Writes the current variant as one or two map entries.
    fn serialize_entry<M: serde::ser::SerializeMap>(&self, map: &mut M) -> Result<(), M::Error>;
}

/// The slot of a choice element.
pub struct ChoiceSlot<E> {
    value: Option<E>,
    /// An `_valueX` part and the key of its value (`valueX`).
    pending: Option<(&'static str, ElementPart)>,
}

impl<E: Choice> ChoiceSlot<E> {
    /// An empty slot.
    pub fn new() -> Self {
        ChoiceSlot { value: None, pending: None }
    }

    #[cold]
    fn conflict<Err: de::Error>(&self, key: &'static str) -> Err {
        let other = match (&self.value, &self.pending) {
            (Some(value), _) => value.json_key(),
            (None, Some((other, _))) => other,
            (None, None) => key,
        };
        path::push(Segment::Element(key));
        Err::custom(format_args!(
            "`{other}` and `{key}` are both present, but `{}[x]` takes one type",
            E::ELEMENT
        ))
    }

    fn check_free<Err: de::Error>(&self, key: &'static str) -> Result<(), Err> {
        let clash = self.value.is_some() || self.pending.as_ref().is_some_and(|(other, _)| *other != key);
        if clash { Err(self.conflict(key)) } else { Ok(()) }
    }

    /// Reads a primitive variant's value under `key`.
    pub fn read_primitive<'de, T: PrimitiveValue, A: MapAccess<'de>>(
        &mut self,
        map: &mut A,
        key: &'static str,
        make: fn(Primitive<T>) -> E,
    ) -> Result<(), A::Error> {
        self.check_free(key)?;
        let value = map
            .next_value_seed(ValueSeed::<T>(PhantomData))
            .map_err(|e| fail(Segment::Element(key), e))?;
        self.value = Some(make(Primitive { value: Some(value), id: None, extension: Vec::new() }));
        Ok(())
    }

    /// Reads a complex variant under `key`.
    pub fn read_boxed<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
        &mut self,
        map: &mut A,
        key: &'static str,
        make: fn(Box<T>) -> E,
    ) -> Result<(), A::Error> {
        self.check_free(key)?;
        if self.pending.is_some() {
            return Err(self.conflict(key));
        }
        let value: Box<T> = map.next_value().map_err(|e| fail(Segment::Element(key), e))?;
        self.value = Some(make(value));
        Ok(())
    }

    /// Reads the id and extensions of a primitive variant under `_key`;
    /// `key` is the variant's value key.
    pub fn read_element<'de, A: MapAccess<'de>>(
        &mut self,
        map: &mut A,
        element_key: &'static str,
        key: &'static str,
    ) -> Result<(), A::Error> {
        if self.pending.is_some() || self.value.as_ref().is_some_and(|v| v.json_key() != key) {
            return Err(self.conflict(element_key));
        }
        let part = map.next_value().map_err(|e| fail(Segment::Element(element_key), e))?;
        self.pending = Some((key, part));
        Ok(())
    }

    /// The choice value, if any key of it was present.
    ///
    /// # Errors
    ///
    /// Fails when an `_key` part does not match the variant read.
    pub fn finish<Err: de::Error>(self, _element: &'static str) -> Result<Option<E>, Err> {
        match (self.value, self.pending) {
            (value, None) => Ok(value),
            (None, Some((key, part))) => match E::from_element(key, part) {
                Some(value) => Ok(Some(value)),
                None => Err(Err::custom(format_args!("`_{key}` has no matching value"))),
            },
            (Some(value), Some((key, part))) => match value.attach(key, part) {
                Ok(value) => Ok(Some(value)),
                Err(value) => Err(Err::custom(format_args!(
                    "`_{key}` does not match `{}`",
                    value.json_key()
                ))),
            },
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
    /// Reads the rest of a resource of type `resource_type` from `map`.
    fn dispatch<'de, A: MapAccess<'de>>(resource_type: ResourceType, map: A) -> Result<Self, A::Error>;
}

struct ResourceVisitor;

impl<'de> Visitor<'de> for ResourceVisitor {
    type Value = Resource;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object with a resourceType")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Resource, A::Error> {
        let Some(first) = map.next_key::<Key<'de>>()? else {
            return Err(de::Error::custom("missing resourceType"));
        };
        if first.as_str() == "resourceType" {
            let name: Key<'de> = map.next_value().map_err(|e| fail(Segment::Element("resourceType"), e))?;
            let resource_type = parse_resource_type(name.as_str())?;
            return <Resource as DispatchResource>::dispatch(resource_type, map);
        }
        buffered_resource(first, map)
    }
}

fn parse_resource_type<E: de::Error>(name: &str) -> Result<ResourceType, E> {
    ResourceType::from_name(name).ok_or_else(|| {
        path::push(Segment::Element("resourceType"));
        E::custom(format_args!("unknown resourceType `{name}`"))
    })
}

/// Reads a resource whose `resourceType` is not its first key. The entries
/// are buffered as raw JSON, put back in order with `resourceType` first, and
/// parsed again. Only serde_json deserializers can buffer raw values; other
/// formats must put `resourceType` first.
#[cold]
fn buffered_resource<'de, A: MapAccess<'de>>(first: Key<'de>, mut map: A) -> Result<Resource, A::Error> {
    let mut entries: Vec<(String, Box<serde_json::value::RawValue>)> = Vec::new();
    let mut resource_type = None;
    let mut key = Some(first);
    while let Some(current) = key {
        let raw: Box<serde_json::value::RawValue> = map.next_value()?;
        if current.as_str() == "resourceType" {
            let name: String = serde_json::from_str(raw.get()).map_err(de::Error::custom)?;
            resource_type = Some(parse_resource_type::<A::Error>(&name)?);
        } else {
            entries.push((current.as_str().to_owned(), raw));
        }
        key = map.next_key::<Key<'de>>()?;
    }
    let Some(resource_type) = resource_type else {
        return Err(de::Error::custom("missing resourceType"));
    };
    let mut text = String::with_capacity(entries.iter().map(|(k, v)| k.len() + v.get().len() + 4).sum::<usize>() + 40);
    text.push_str("{\"resourceType\":\"");
    text.push_str(resource_type.as_str());
    text.push('"');
    for (key, raw) in &entries {
        text.push(',');
        text.push_str(&serde_json::to_string(key).map_err(de::Error::custom)?);
        text.push(':');
        text.push_str(raw.get());
    }
    text.push('}');
    serde_json::from_slice::<Resource>(text.as_bytes())
        .map_err(|e| de::Error::custom(super::strip_position(&e.to_string())))
}

/// Deserializes any resource, dispatching on `resourceType`.
pub fn deserialize_resource<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Resource, D::Error> {
    deserializer.deserialize_map(ResourceVisitor)
}
