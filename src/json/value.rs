//! Reading and writing the value part of each FHIR primitive type.

use std::borrow::Cow;

/// Strings up to this many bytes cannot exceed FHIR's limit of 1,048,576
/// characters, because a character takes at least one byte.
const STRING_MAX_BYTES_UNCHECKED: usize = 1_048_576;
use std::str::FromStr;

use super::reader::{ReadError, Reader};
use super::writer::Writer;
use crate::primitives::{
    Base64Binary, Canonical, Code, Date, DateTime, Decimal, Id, Instant, Markdown, Oid,
    PositiveInt, Time, UnsignedInt, Uri, Url, Uuid, Xhtml, validate_string,
};

/// A primitive value as it appears in JSON: a string, number or boolean.
pub trait JsonValue: Sized {
    /// Reads the value at the reader's position.
    ///
    /// # Errors
    ///
    /// When the JSON type is wrong or the text is not valid for the type.
    fn read_json(reader: &mut Reader<'_>) -> Result<Self, ReadError>;

    /// Writes the value.
    fn write_json(&self, writer: &mut Writer);
}

impl JsonValue for bool {
    fn read_json(reader: &mut Reader<'_>) -> Result<Self, ReadError> {
        reader.boolean()
    }

    fn write_json(&self, writer: &mut Writer) {
        writer.boolean(*self);
    }
}

impl JsonValue for i32 {
    fn read_json(reader: &mut Reader<'_>) -> Result<Self, ReadError> {
        let start = reader.offset();
        let text = reader.number("an integer (a JSON number)")?;
        // NOTE: FHIR's integer pattern allows `-0`, which an i32 cannot keep,
        // so it reads as 0 and writes back as `0`.
        if text.contains(['.', 'e', 'E']) {
            reader.rewind(start);
            return Err(reader.data_error(format!(
                "invalid integer `{text}`: expected a whole number without fraction or exponent"
            )));
        }
        text.parse().map_err(|_| {
            reader.rewind(start);
            reader.data_error(format!(
                "integer `{text}` is out of range (-2147483648 to 2147483647)"
            ))
        })
    }

    fn write_json(&self, writer: &mut Writer) {
        writer.integer(i64::from(*self));
    }
}

macro_rules! unsigned_value {
    ($name:ty, $expected:literal) => {
        impl JsonValue for $name {
            fn read_json(reader: &mut Reader<'_>) -> Result<Self, ReadError> {
                let start = reader.offset();
                let text = reader.number($expected)?;
                <$name>::from_str(text).map_err(|e| {
                    reader.rewind(start);
                    reader.data_error(e.to_string())
                })
            }

            fn write_json(&self, writer: &mut Writer) {
                writer.integer(i64::from(self.get()));
            }
        }
    };
}

unsigned_value!(PositiveInt, "a positiveInt (a JSON number)");
unsigned_value!(UnsignedInt, "an unsignedInt (a JSON number)");

impl JsonValue for Decimal {
    fn read_json(reader: &mut Reader<'_>) -> Result<Self, ReadError> {
        let start = reader.offset();
        let text = reader.number("a decimal (a JSON number)")?;
        Decimal::from_str(text).map_err(|e| {
            reader.rewind(start);
            reader.data_error(e.to_string())
        })
    }

    fn write_json(&self, writer: &mut Writer) {
        writer.raw(self.as_str());
    }
}

impl JsonValue for String {
    fn read_json(reader: &mut Reader<'_>) -> Result<Self, ReadError> {
        let start = reader.offset();
        let text = reader.string("a string")?;
        // Unescaped JSON strings cannot hold control characters, so only
        // strings with escapes need the full check; the rest need only the
        // length rules.
        let valid = match &text {
            Cow::Borrowed(borrowed) => {
                !borrowed.is_empty() && borrowed.len() <= STRING_MAX_BYTES_UNCHECKED
            }
            Cow::Owned(_) => false,
        };
        if !valid {
            if let Err(e) = validate_string(&text) {
                reader.rewind(start);
                return Err(reader.data_error(e.to_string()));
            }
        }
        Ok(text.into_owned())
    }

    fn write_json(&self, writer: &mut Writer) {
        writer.string(self);
    }
}

/// Reads a string-valued primitive and converts it. A string without escapes
/// goes to `from_plain` as a slice of the input, and an escaped one goes to
/// `from_owned` with the buffer that unescaping filled. A conversion error
/// is reported at the string's start.
fn read_text<T, E: std::fmt::Display>(
    reader: &mut Reader<'_>,
    expected: &'static str,
    from_plain: impl FnOnce(&str) -> Result<T, E>,
    from_owned: impl FnOnce(String) -> Result<T, E>,
) -> Result<T, ReadError> {
    let start = reader.offset();
    let parsed = match reader.string(expected)? {
        Cow::Borrowed(text) => from_plain(text),
        Cow::Owned(text) => from_owned(text),
    };
    parsed.map_err(|e| {
        reader.rewind(start);
        reader.data_error(e.to_string())
    })
}

/// Implements [`JsonValue`] for string types. `from_plain` converts the
/// text of a string without escapes, and `TryFrom<String>` checks an escaped
/// one and keeps the buffer that unescaping filled.
macro_rules! string_value {
    ($($name:ty => $expected:literal, $from_plain:ident;)*) => {$(
        impl JsonValue for $name {
            fn read_json(reader: &mut Reader<'_>) -> Result<Self, ReadError> {
                read_text(reader, $expected, <$name>::$from_plain, <$name>::try_from)
            }

            fn write_json(&self, writer: &mut Writer) {
                writer.string(self.as_str());
            }
        }
    )*};
}

// Narrative `div`s (xhtml) and markdown make up much of FHIR JSON, and their
// only rules are "not empty" and "no control characters", so their text
// without escapes skips a second scan.
string_value! {
    Uri => "a uri (a JSON string)", from_str;
    Url => "a url (a JSON string)", from_str;
    Canonical => "a canonical (a JSON string)", from_str;
    Oid => "an oid (a JSON string)", from_str;
    Uuid => "a uuid (a JSON string)", from_str;
    Id => "an id (a JSON string)", from_str;
    Code => "a code (a JSON string)", from_str;
    Base64Binary => "a base64Binary (a JSON string)", from_str;
    Markdown => "a markdown (a JSON string)", from_plain_json;
    Xhtml => "an xhtml (a JSON string)", from_plain_json;
}

/// Implements [`JsonValue`] for the date and time types, which parse from
/// text and write their digits without an escape scan.
macro_rules! temporal_value {
    ($($name:ty => $expected:literal,)*) => {$(
        impl JsonValue for $name {
            fn read_json(reader: &mut Reader<'_>) -> Result<Self, ReadError> {
                read_text(reader, $expected, <$name>::from_str, |text| <$name>::from_str(&text))
            }

            fn write_json(&self, writer: &mut Writer) {
                writer.quoted_ascii(|out| self.push_text(out));
            }
        }
    )*};
}

temporal_value! {
    Date => "a date (a JSON string)",
    DateTime => "a dateTime (a JSON string)",
    Instant => "an instant (a JSON string)",
    Time => "a time (a JSON string)",
}
