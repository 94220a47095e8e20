//! FHIR boolean, stored as [`bool`].

use std::fmt;

use super::PrimitiveValue;

impl PrimitiveValue for bool {
    const FHIR_TYPE: &'static str = "boolean";

    fn deserialize_value<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        deserializer.deserialize_bool(BooleanVisitor)
    }

    fn serialize_value<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bool(*self)
    }
}

/// Accepts only a JSON `true` or `false`; the string `"true"` is rejected.
struct BooleanVisitor;

impl serde::de::Visitor<'_> for BooleanVisitor {
    type Value = bool;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a FHIR boolean as JSON true or false")
    }

    fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<bool, E> {
        Ok(value)
    }
}
