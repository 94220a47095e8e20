//! Reading and writing resources as FHIR JSON.
//!
//! The generated types implement serde's `Serialize` and `Deserialize`, so
//! `serde_json::from_slice::<fhir_payer::r4::Resource>(bytes)` works as usual.
//! The functions here do the same work but are compiled once, inside this
//! library: a crate that calls them does not instantiate the deserializer of
//! every FHIR type again, which keeps its own rebuilds fast. They also
//! report the element path of an error (`Patient.contact[0].name.given[1]`).
//!
//! ```
//! let bytes = br#"{"resourceType":"Patient","id":"p1","birthDate":"1970-03"}"#;
//! let resource = fhir_payer::json::from_slice(bytes)?;
//! assert_eq!(fhir_payer::json::to_vec(&resource)?, bytes.to_vec());
//! # Ok::<(), fhir_payer::json::Error>(())
//! ```
//!
//! # Limits
//!
//! - Nesting: reading stops at 128 levels of arrays and objects, far deeper
//!   than any FHIR resource needs; deeper input is an error, not a stack
//!   overflow.
//! - Size: [`from_slice`] reads input of any size that fits in memory; the
//!   caller bounds it. [`ndjson::Reader`] bounds each line, by default to
//!   [`ndjson::DEFAULT_MAX_LINE`] bytes.
//!
//! # Empty elements
//!
//! FHIR JSON has no empty arrays or objects: an element without items,
//! value or children is left out. The reader rejects `[]` and `{}` as
//! element values, and the writer leaves out an element that would write
//! as one (a `HumanName` whose fields are all empty, say). A whole document
//! `{}` read as a datatype (`Period`) is the empty value, so that serde
//! round trips of an empty datatype work.

#[doc(hidden)]
pub mod de;
pub mod ndjson;
mod pretty;
mod reader;
mod scan;
#[doc(hidden)]
pub mod ser;
mod value;
mod writer;

use std::fmt;
use std::io;

use crate::r4::Resource;

/// Support code for the generated types. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use super::de;
    pub use super::reader::{ReadError, Reader};
    pub use super::ser;
    pub use super::value::JsonValue;
    pub use super::writer::Writer;

    /// A generated enum of the codes of a required value set.
    pub trait CodeEnum: Copy + 'static {
        /// The canonical URL of the value set.
        const VALUE_SET: &'static str;
        /// Returns the code as FHIR spells it.
        fn as_str(self) -> &'static str;
        /// The variant for `code`, which must match exactly.
        fn from_code(code: &str) -> Option<Self>;
        /// Returns every code, in definition order.
        fn codes() -> &'static [Self];
        /// Every code as FHIR spells it, in definition order.
        const CODES: &'static [&'static str];
    }

    /// Reads a code of a generated code enum.
    ///
    /// # Errors
    ///
    /// When the value is not a string or not one of the codes.
    pub fn read_code<T: CodeEnum>(reader: &mut Reader<'_>) -> Result<T, ReadError> {
        let start = reader.offset();
        let text = reader.string("a code (a JSON string)")?;
        match T::from_code(&text) {
            Some(code) => Ok(code),
            None => Err(invalid_code(reader, start, &text, T::VALUE_SET, T::CODES)),
        }
    }

    /// Builds the error for a code that is not in the value set. It is not
    /// generic, so the hundreds of code enums share one copy.
    #[cold]
    fn invalid_code(
        reader: &mut Reader<'_>,
        start: usize,
        text: &str,
        value_set: &'static str,
        codes: &'static [&'static str],
    ) -> ReadError {
        reader.rewind(start);
        reader.data_error(crate::r4::InvalidCode::from_list(text, value_set, codes).to_string())
    }

    /// Implements serde's `Deserialize` for a generated code enum.
    ///
    /// # Errors
    ///
    /// When the value is not a string or not one of the codes.
    pub fn serde_code<'de, T: CodeEnum, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<T, D::Error> {
        let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
        T::from_code(&text).ok_or_else(|| {
            serde::de::Error::custom(crate::r4::InvalidCode::from_list(
                &text,
                T::VALUE_SET,
                T::CODES,
            ))
        })
    }

    /// Formats a generated struct for `Debug` as its name and its compact
    /// JSON. Reusing the writer keeps the generated code small: a derived
    /// `Debug` for hundreds of structs costs more compile time than it is
    /// worth, and FHIR readers know the JSON form.
    pub fn debug_as_json(
        name: &str,
        value: &dyn ser::ToJson,
        f: &mut std::fmt::Formatter<'_>,
    ) -> std::fmt::Result {
        let mut writer = Writer::new(Vec::with_capacity(256));
        value.write_json(&mut writer);
        f.write_str(name)?;
        f.write_str(" ")?;
        f.write_str(&String::from_utf8_lossy(&writer.into_bytes()))
    }

    /// Implements serde's `Deserialize` on top of [`de::FromJson`]: the
    /// value is captured as raw JSON text, then read with this module's
    /// reader. This works with serde_json's deserializers (and with
    /// `serde_json::Value`), which is what FHIR JSON needs.
    ///
    /// # Errors
    ///
    /// The errors of the value's reader, as `D::Error` with the element path
    /// in the message.
    pub fn serde_deserialize<'de, T: de::FromJson, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<T, D::Error> {
        let raw =
            <Box<serde_json::value::RawValue> as serde::Deserialize>::deserialize(deserializer)?;
        <T as de::FromJson>::read_document(raw.get().as_bytes()).map_err(|error| {
            let path = error.path_string();
            if path.is_empty() {
                serde::de::Error::custom(error.message())
            } else {
                serde::de::Error::custom(format_args!("{path}: {}", error.message()))
            }
        })
    }

    /// Implements serde's `Serialize` on top of [`ser::ToJson`], handing
    /// the JSON text to the serializer as a raw value. serde_json writes it
    /// unchanged (exact decimals included); `serde_json::to_value` parses it.
    ///
    /// # Errors
    ///
    /// Serializers other than serde_json's may reject the raw value.
    pub fn serde_serialize<T: ser::ToJson, S: serde::Serializer>(
        value: &T,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let mut writer = Writer::new(Vec::with_capacity(512));
        value.write_json(&mut writer);
        let text = String::from_utf8(writer.into_bytes()).map_err(serde::ser::Error::custom)?;
        let raw =
            serde_json::value::RawValue::from_string(text).map_err(serde::ser::Error::custom)?;
        serde::Serialize::serialize(&raw, serializer)
    }
}

/// The category of problem an [`Error`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Category {
    /// The input is not valid JSON.
    Syntax,
    /// The input is JSON but not a valid resource: an unknown element, a
    /// wrong JSON type, an invalid primitive value, and so on.
    Data,
    /// The input ended in the middle of a value.
    Eof,
    /// Reading or writing failed.
    Io,
    /// A line of NDJSON was longer than the reader's limit.
    TooLong,
}

/// An error reading or writing FHIR JSON.
///
/// The message names the element path where it is known and what was
/// expected, for example
/// `Patient.contact[0].name.given[1]: invalid type: integer `5`, expected a string at line 1 column 80`.
#[derive(Debug)]
pub struct Error {
    category: Category,
    path: String,
    message: String,
    line: usize,
    column: usize,
    source: Option<io::Error>,
}

impl Error {
    /// Returns the category of the problem.
    pub fn category(&self) -> Category {
        self.category
    }

    /// Returns the element path of the value that failed, such as
    /// `Bundle.entry[3].resource.ofType(Patient).birthDate`, or an empty
    /// string when the error is not about one element (a syntax error, say).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Returns the description of the problem, without path or position.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Returns the 1-based line of the input where the error was detected, or 0.
    pub fn line(&self) -> usize {
        self.line
    }

    /// Returns the 1-based column of the input where the error was detected, or 0.
    pub fn column(&self) -> usize {
        self.column
    }

    fn from_read(error: &reader::ReadError, input: &[u8]) -> Self {
        let category = match error.kind {
            reader::ReadErrorKind::Syntax => Category::Syntax,
            reader::ReadErrorKind::Data => Category::Data,
            reader::ReadErrorKind::Eof => Category::Eof,
        };
        let (line, column) = reader::Reader::line_column(input, error.offset);
        Error {
            category,
            path: error.path_string(),
            message: error.message().to_owned(),
            line,
            column,
            source: None,
        }
    }

    pub(crate) fn io(error: io::Error) -> Self {
        Error {
            category: Category::Io,
            path: String::new(),
            message: error.to_string(),
            line: 0,
            column: 0,
            source: Some(error),
        }
    }

    pub(crate) fn too_long(line: usize, limit: usize) -> Self {
        Error {
            category: Category::TooLong,
            path: String::new(),
            message: format!("line is longer than the limit of {limit} bytes"),
            line,
            column: 0,
            source: None,
        }
    }

    pub(crate) fn at_line(mut self, line: usize) -> Self {
        self.line = line;
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)?;
        if self.line > 0 {
            write!(f, " at line {}", self.line)?;
            if self.column > 0 {
                write!(f, " column {}", self.column)?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|e| e as _)
    }
}

/// Parses one resource of any type from JSON bytes.
///
/// # Errors
///
/// Returns an [`Error`] naming the element path for input that is not JSON,
/// has a missing or unknown `resourceType`, unknown elements, values of the
/// wrong JSON type, invalid primitive values, an array where one value is
/// allowed, or an empty array or object.
pub fn from_slice(bytes: &[u8]) -> Result<Resource, Error> {
    <Resource as de::FromJson>::read_document(bytes)
        .map_err(|error| Error::from_read(&error, bytes))
}

/// Parses one resource of any type from a JSON string.
///
/// # Errors
///
/// The same as [`from_slice`].
pub fn from_str(text: &str) -> Result<Resource, Error> {
    from_slice(text.as_bytes())
}

/// Reads all of `reader` and parses it as one resource.
///
/// # Errors
///
/// The same as [`from_slice`], plus [`Category::Io`] when reading fails.
pub fn from_reader(mut reader: impl io::Read) -> Result<Resource, Error> {
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).map_err(Error::io)?;
    from_slice(&bytes)
}

/// Writes a resource as compact JSON.
///
/// # Errors
///
/// Fails only if a value cannot be represented in JSON, which the generated
/// types rule out; the `Result` follows serde's convention.
pub fn to_vec(resource: &Resource) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(1024);
    write_into(&mut out, resource)?;
    // The writer reserves room for long arrays from an estimate. Give back
    // what it reserved beyond the slack that doubling would have left.
    if out.capacity() > 2 * out.len() + 1024 {
        out.shrink_to_fit();
    }
    Ok(out)
}

/// Appends a resource as compact JSON to `out`.
///
/// # Errors
///
/// The same as [`to_vec`].
pub fn write_into(out: &mut Vec<u8>, resource: &Resource) -> Result<(), Error> {
    let mut writer = writer::Writer::new(std::mem::take(out));
    ser::ToJson::write_json(resource, &mut writer);
    *out = writer.into_bytes();
    Ok(())
}

/// Writes a resource as compact JSON text.
///
/// # Errors
///
/// The same as [`to_vec`].
pub fn to_string(resource: &Resource) -> Result<String, Error> {
    let bytes = to_vec(resource)?;
    // serde_json writes only valid UTF-8.
    String::from_utf8(bytes).map_err(|e| Error::io(io::Error::new(io::ErrorKind::InvalidData, e)))
}

/// Writes a resource as indented JSON.
///
/// # Errors
///
/// The same as [`to_vec`].
pub fn to_vec_pretty(resource: &Resource) -> Result<Vec<u8>, Error> {
    // Indenting the compact output, instead of running serde_json's pretty
    // serializer, avoids compiling every type's serializer a second time.
    let compact = to_vec(resource)?;
    Ok(pretty::indent(&compact))
}
