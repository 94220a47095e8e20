//! FHIR integer ([`i32`]), positiveInt and unsignedInt.
//!
//! In JSON all three are numbers without a fraction or an exponent, so `1.0`,
//! `1e3` and the string `"1"` are rejected.

use std::fmt;
use std::str::FromStr;

use super::{ParsePrimitiveError, PrimitiveValue, serde_via_primitive_value};

/// The largest value of every FHIR integer type: 2,147,483,647.
const INT_MAX: u32 = i32::MAX as u32;

impl PrimitiveValue for i32 {
    const FHIR_TYPE: &'static str = "integer";

    fn deserialize_value<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        let value = deserializer.deserialize_i32(IntegerVisitor {
            fhir_type: Self::FHIR_TYPE,
            min: i64::from(i32::MIN),
        })?;
        // The visitor has checked the range.
        Ok(value as i32)
    }

    fn serialize_value<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i32(*self)
    }
}

/// Accepts a JSON integer number from `min` to 2,147,483,647.
struct IntegerVisitor {
    fhir_type: &'static str,
    min: i64,
}

impl IntegerVisitor {
    fn check<E: serde::de::Error>(&self, value: i64) -> Result<i64, E> {
        if value < self.min || value > i64::from(INT_MAX) {
            return Err(E::custom(out_of_range(
                self.fhir_type,
                &value.to_string(),
                self.min,
            )));
        }
        Ok(value)
    }
}

impl serde::de::Visitor<'_> for IntegerVisitor {
    type Value = i64;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "a FHIR {} as a JSON number without fraction or exponent",
            self.fhir_type
        )
    }

    fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<i64, E> {
        self.check(value)
    }

    fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<i64, E> {
        match i64::try_from(value) {
            Ok(value) => self.check(value),
            Err(_) => Err(E::custom(out_of_range(
                self.fhir_type,
                &value.to_string(),
                self.min,
            ))),
        }
    }
}

/// Builds the error for an integer outside `min..=2147483647`.
fn out_of_range(fhir_type: &'static str, text: &str, min: i64) -> ParsePrimitiveError {
    ParsePrimitiveError::new(fhir_type, text, format!("must be {min} to {INT_MAX}"))
}

/// Parses the text form of positiveInt or unsignedInt: decimal digits without
/// sign or leading zeros, at most 2,147,483,647 and at least `min`.
fn parse_unsigned(
    fhir_type: &'static str,
    text: &str,
    min: u32,
) -> Result<u32, ParsePrimitiveError> {
    let bytes = text.as_bytes();
    if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_digit) {
        return Err(ParsePrimitiveError::new(
            fhir_type,
            text,
            "expected decimal digits only, without sign or spaces",
        ));
    }
    if bytes.len() > 1 && bytes[0] == b'0' {
        return Err(ParsePrimitiveError::new(
            fhir_type,
            text,
            "leading zeros are not allowed",
        ));
    }

    // Ten digits cover the range, so longer digit strings are out of range.
    let value = if bytes.len() > 10 {
        None
    } else {
        text.parse::<u64>().ok()
    };
    match value {
        Some(value) if value >= u64::from(min) && value <= u64::from(INT_MAX) => {
            // The range check above makes the value fit in u32.
            Ok(value as u32)
        }
        _ => Err(out_of_range(fhir_type, text, i64::from(min))),
    }
}

/// Defines a newtype over `u32` limited to `$min..=2147483647`.
macro_rules! bounded_integer {
    ($(#[$doc:meta])* $name:ident, $fhir_type:literal, $min:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(u32);

        impl $name {
            /// The smallest valid value.
            pub const MIN: Self = Self($min);
            /// The largest valid value, 2,147,483,647.
            pub const MAX: Self = Self(INT_MAX);

            /// Wraps `value` after checking its range.
            ///
            /// # Errors
            ///
            #[doc = concat!("Returns an error when `value` is outside the range of ", $fhir_type, ".")]
            pub fn new(value: u32) -> Result<Self, ParsePrimitiveError> {
                if !(Self::MIN.0..=INT_MAX).contains(&value) {
                    return Err(out_of_range($fhir_type, &value.to_string(), i64::from(Self::MIN.0)));
                }
                Ok(Self(value))
            }

            /// Returns the value.
            pub const fn get(self) -> u32 {
                self.0
            }
        }

        impl PrimitiveValue for $name {
            const FHIR_TYPE: &'static str = $fhir_type;

            fn deserialize_value<'de, D: serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                let value = deserializer.deserialize_u32(IntegerVisitor {
                    fhir_type: $fhir_type,
                    min: i64::from(Self::MIN.0),
                })?;
                // The visitor has checked the range.
                Ok(Self(value as u32))
            }

            fn serialize_value<S: serde::Serializer>(
                &self,
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                serializer.serialize_u32(self.0)
            }
        }

        serde_via_primitive_value!($name);

        impl FromStr for $name {
            type Err = ParsePrimitiveError;

            /// Parses decimal digits without sign, spaces or leading zeros.
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                parse_unsigned($fhir_type, text, Self::MIN.0).map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, formatter)
            }
        }

        impl TryFrom<u32> for $name {
            type Error = ParsePrimitiveError;

            fn try_from(value: u32) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        impl TryFrom<i32> for $name {
            type Error = ParsePrimitiveError;

            fn try_from(value: i32) -> Result<Self, Self::Error> {
                match u32::try_from(value) {
                    Ok(value) => Self::new(value),
                    Err(_) => Err(out_of_range($fhir_type, &value.to_string(), i64::from(Self::MIN.0))),
                }
            }
        }

        impl TryFrom<i64> for $name {
            type Error = ParsePrimitiveError;

            fn try_from(value: i64) -> Result<Self, Self::Error> {
                match u32::try_from(value) {
                    Ok(value) => Self::new(value),
                    Err(_) => Err(out_of_range($fhir_type, &value.to_string(), i64::from(Self::MIN.0))),
                }
            }
        }

        impl From<$name> for u32 {
            fn from(value: $name) -> u32 {
                value.0
            }
        }

        impl From<$name> for i32 {
            fn from(value: $name) -> i32 {
                // MAX is i32::MAX, so the value always fits.
                value.0 as i32
            }
        }

        impl From<$name> for i64 {
            fn from(value: $name) -> i64 {
                i64::from(value.0)
            }
        }

        impl From<$name> for u64 {
            fn from(value: $name) -> u64 {
                u64::from(value.0)
            }
        }

        #[cfg(feature = "schemars")]
        impl schemars::JsonSchema for $name {
            fn inline_schema() -> bool {
                true
            }

            fn schema_name() -> std::borrow::Cow<'static, str> {
                $fhir_type.into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "integer",
                    "minimum": Self::MIN.0,
                    "maximum": INT_MAX,
                })
            }
        }
    };
}

bounded_integer!(
    /// FHIR positiveInt: an integer from 1 to 2,147,483,647.
    PositiveInt,
    "positiveInt",
    1_u32
);

bounded_integer!(
    /// FHIR unsignedInt: an integer from 0 to 2,147,483,647.
    UnsignedInt,
    "unsignedInt",
    0_u32
);

impl From<PositiveInt> for UnsignedInt {
    fn from(value: PositiveInt) -> Self {
        Self(value.0)
    }
}

impl Default for UnsignedInt {
    /// Returns zero.
    fn default() -> Self {
        Self(0)
    }
}
