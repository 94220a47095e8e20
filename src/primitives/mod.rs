//! FHIR R4 (4.0.1) primitive types and their JSON form.
//!
//! Each primitive has a Rust type that holds only valid values:
//!
//! | FHIR type | Rust type | JSON form |
//! | --- | --- | --- |
//! | boolean | [`bool`] | `true` or `false` |
//! | integer | [`i32`] | number without fraction or exponent |
//! | positiveInt, unsignedInt | [`PositiveInt`], [`UnsignedInt`] | number without fraction or exponent |
//! | decimal | [`Decimal`] | number, written back with its original digits |
//! | string | [`String`] | string |
//! | uri, url, canonical, oid, uuid, id, code, markdown, base64Binary, xhtml | [`Uri`], [`Url`], [`Canonical`], [`Oid`], [`Uuid`], [`Id`], [`Code`], [`Markdown`], [`Base64Binary`], [`Xhtml`] | string |
//! | date, dateTime, instant, time | [`Date`], [`DateTime`], [`Instant`], [`Time`] | string |
//!
//! Parsing (`FromStr`, `TryFrom`, serde deserialization) applies the rules of
//! the FHIR R4 datatypes page and rejects anything else with a
//! [`ParsePrimitiveError`]. Display and serialization reproduce the parsed text
//! exactly, so `1.50`, `2024-01-01T10:00:00.000+00:00` and `Z` versus
//! `+00:00` survive a round trip. The exception is the integer `-0`, which
//! FHIR's pattern allows but an [`i32`] cannot keep: it reads as 0 and
//! writes back as `0`. Equality compares that text form, so two
//! values that denote the same number or instant but are written differently
//! are not equal.
//!
//! Generated resource code reads and writes primitive values through the
//! [`PrimitiveValue`] trait, which every type in the table implements.

mod base64;
mod boolean;
mod calendar;
mod date;
mod date_time;
mod decimal;
mod element;
mod error;
mod integer;
mod text;
mod time;
mod xhtml;

#[cfg(test)]
mod tests;

pub use base64::Base64Binary;
pub use date::{Date, DatePrecision};
pub use date_time::{DateRange, DateTime, Instant};
pub use decimal::{Decimal, DecimalRangeError};
pub use element::{OptionalPrimitive, Primitive};
pub use error::ParsePrimitiveError;
pub use integer::{PositiveInt, UnsignedInt};
pub use text::{Canonical, Code, Id, Markdown, Oid, Uri, Url, Uuid, Xhtml, validate_string};
pub use time::{Time, ZoneOffset};
pub use xhtml::XhtmlError;

/// Appends `value` in decimal, zero-padded to at least `width` digits.
fn push_digits(out: &mut Vec<u8>, value: u32, width: usize) {
    let mut digits = [b'0'; 10];
    let mut start = digits.len();
    let mut rest = value;
    while rest > 0 {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    start = start.min(digits.len().saturating_sub(width));
    out.extend_from_slice(&digits[start..]);
}

/// Formats text built by a `push_text` method, so that `Display` and the
/// JSON writer share one implementation.
fn write_text(
    formatter: &mut std::fmt::Formatter<'_>,
    push_text: impl FnOnce(&mut Vec<u8>),
) -> std::fmt::Result {
    let mut out = Vec::with_capacity(32);
    push_text(&mut out);
    // Every `push_text` writes ASCII digits and punctuation only.
    formatter.write_str(&String::from_utf8_lossy(&out))
}

/// A FHIR primitive value type: how its value part reads and writes in JSON.
///
/// Deserialization accepts only the JSON type that FHIR defines for the
/// primitive (a JSON boolean, a JSON number or a JSON string) and validates
/// the value. Serialization writes the value in the same form.
pub trait PrimitiveValue: Sized + Clone + PartialEq + std::fmt::Debug {
    /// The FHIR type name, as the spec spells it ("dateTime", "positiveInt").
    const FHIR_TYPE: &'static str;

    /// Reads and validates one value from `deserializer`.
    ///
    /// # Errors
    ///
    /// Returns the deserializer's error when the input has the wrong JSON type
    /// or is not a valid value of [`Self::FHIR_TYPE`](PrimitiveValue::FHIR_TYPE).
    /// The message of an invalid value is the [`ParsePrimitiveError`] message.
    fn deserialize_value<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error>;

    /// Writes the value to `serializer` in its FHIR JSON form.
    ///
    /// # Errors
    ///
    /// Returns the serializer's error; the value itself is always valid.
    fn serialize_value<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
}

/// Implements serde `Serialize` and `Deserialize` for a type by delegating to
/// its [`PrimitiveValue`] implementation.
macro_rules! serde_via_primitive_value {
    ($type:ty) => {
        impl serde::Serialize for $type {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                <$type as $crate::primitives::PrimitiveValue>::serialize_value(self, serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <$type as $crate::primitives::PrimitiveValue>::deserialize_value(deserializer)
            }
        }
    };
}
pub(crate) use serde_via_primitive_value;

/// Implements `schemars::JsonSchema` as a JSON string with a regular
/// expression `pattern`.
///
/// The patterns are the specification's, which use XML Schema regular
/// expressions, in which `\s` is only space, tab, CR and LF. JSON Schema
/// patterns are ECMA-262, in which `\s` also matches Unicode spaces such as
/// U+00A0, so the patterns spell out `[ \t\n\r]` where the specification
/// writes `\s`.
#[cfg(feature = "schemars")]
macro_rules! string_json_schema {
    ($type:ty, $name:literal, $pattern:expr) => {
        impl schemars::JsonSchema for $type {
            fn inline_schema() -> bool {
                true
            }

            fn schema_name() -> std::borrow::Cow<'static, str> {
                $name.into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "string",
                    "pattern": $pattern,
                })
            }
        }
    };
}
#[cfg(feature = "schemars")]
pub(crate) use string_json_schema;
