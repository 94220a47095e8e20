//! String-like FHIR primitives: string, uri, url, canonical, oid, uuid, id,
//! code, markdown and xhtml.
//!
//! All of them are JSON strings. FHIR string is Rust's [`String`]; the others
//! are newtypes over `String` whose constructors check the FHIR rules, so a
//! value of the type is always valid. Every type here rejects control
//! characters below U+0020 other than tab, carriage return and line feed,
//! because FHIR strings and XML (for xhtml) do not allow them.

use std::borrow::Cow;
use std::fmt;

use super::{ParsePrimitiveError, PrimitiveValue};

/// Maximum length of a FHIR string in characters (1024 * 1024), from the
/// `maxLength` of `string.value` in the R4 core package.
const STRING_MAX_CHARS: usize = 1_048_576;

/// Characters that FHIR regular expressions match with `\s` (XML Schema
/// whitespace).
fn is_fhir_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// Describes a control character that FHIR text does not allow.
fn control_character_reason(c: char) -> String {
    format!(
        "contains control character U+{:04X}; only tab, carriage return and line feed are allowed",
        u32::from(c)
    )
}

/// Checks the rules of FHIR string: not empty, at most 1,048,576 characters,
/// and no control characters other than tab, carriage return and line feed.
fn check_string(text: &str) -> Result<(), Cow<'static, str>> {
    if text.is_empty() {
        return Err("must not be empty".into());
    }
    check_no_control_characters(text)?;
    // A UTF-8 character takes at least one byte, so only long texts need counting.
    if text.len() > STRING_MAX_CHARS && text.chars().count() > STRING_MAX_CHARS {
        return Err(format!("must be at most {STRING_MAX_CHARS} characters").into());
    }
    Ok(())
}

/// Checks that `text` is not empty and has no disallowed control characters.
fn check_non_empty_text(text: &str) -> Result<(), Cow<'static, str>> {
    if text.is_empty() {
        return Err("must not be empty".into());
    }
    check_no_control_characters(text)
}

fn check_no_control_characters(text: &str) -> Result<(), Cow<'static, str>> {
    // Control characters are ASCII, and in UTF-8 an ASCII byte is always a
    // whole character, so scanning bytes finds them without decoding.
    let disallowed = text
        .bytes()
        .find(|&byte| byte < b' ' && !matches!(byte, b'\t' | b'\n' | b'\r'));
    match disallowed {
        Some(byte) => Err(control_character_reason(char::from(byte)).into()),
        None => Ok(()),
    }
}

/// Checks uri, url and canonical: `\S+`, with no control characters.
fn check_uri(text: &str) -> Result<(), Cow<'static, str>> {
    if text.is_empty() {
        return Err("must not be empty".into());
    }
    // Whitespace and control characters are ASCII, so scanning bytes is exact.
    for byte in text.bytes() {
        if matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
            return Err("must not contain whitespace".into());
        }
        if byte < b' ' {
            return Err(control_character_reason(char::from(byte)).into());
        }
    }
    Ok(())
}

/// Checks code: `[^\s]+( [^\s]+)*`, with no control characters.
fn check_code(text: &str) -> Result<(), Cow<'static, str>> {
    check_non_empty_text(text)?;
    if text.starts_with(is_fhir_whitespace) || text.ends_with(is_fhir_whitespace) {
        return Err("must not start or end with whitespace".into());
    }

    let mut previous_was_space = false;
    for c in text.chars() {
        if c == ' ' {
            if previous_was_space {
                return Err("must not contain two spaces in a row".into());
            }
            previous_was_space = true;
        } else if is_fhir_whitespace(c) {
            return Err("must not contain whitespace other than single spaces".into());
        } else {
            previous_was_space = false;
        }
    }
    Ok(())
}

/// Checks id: `[A-Za-z0-9\-\.]{1,64}`.
fn check_id(text: &str) -> Result<(), Cow<'static, str>> {
    const LENGTH_RULE: &str = "must be 1 to 64 characters long";
    if text.is_empty() {
        return Err(LENGTH_RULE.into());
    }

    let disallowed = text
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || c == '-' || c == '.'));
    if let Some(c) = disallowed {
        return Err(format!(
            "contains `{}`; only A-Z, a-z, 0-9, `-` and `.` are allowed",
            c.escape_debug()
        )
        .into());
    }

    // Only ASCII is left, so the byte length is the character count.
    if text.len() > 64 {
        return Err(LENGTH_RULE.into());
    }
    Ok(())
}

/// Checks oid: `urn:oid:[0-2](\.(0|[1-9][0-9]*))+`.
fn check_oid(text: &str) -> Result<(), Cow<'static, str>> {
    const EXPECTED: &str = "expected `urn:oid:` followed by dot-separated numbers without leading \
                            zeros, starting with 0, 1 or 2 and at least two numbers long";

    let Some(arcs) = text.strip_prefix("urn:oid:") else {
        return Err("must start with `urn:oid:`".into());
    };

    let mut count = 0;
    for arc in arcs.split('.') {
        let digits_only = !arc.is_empty() && arc.bytes().all(|b| b.is_ascii_digit());
        let leading_zero = arc.len() > 1 && arc.starts_with('0');
        let bad_first = count == 0 && !matches!(arc, "0" | "1" | "2");
        if !digits_only || leading_zero || bad_first {
            return Err(EXPECTED.into());
        }
        count += 1;
    }
    if count < 2 {
        return Err(EXPECTED.into());
    }
    Ok(())
}

/// Checks uuid: `urn:uuid:` and a lower-case 8-4-4-4-12 hex UUID.
fn check_uuid(text: &str) -> Result<(), Cow<'static, str>> {
    const EXPECTED: &str = "expected `urn:uuid:` followed by a lower-case UUID such as \
                            `urn:uuid:c757873d-ec9a-4326-a141-556f43239520`";

    let Some(uuid) = text.strip_prefix("urn:uuid:") else {
        return Err("must start with `urn:uuid:`".into());
    };

    let bytes = uuid.as_bytes();
    if bytes.len() != 36 {
        return Err(EXPECTED.into());
    }
    for (index, &byte) in bytes.iter().enumerate() {
        let valid = match index {
            8 | 13 | 18 | 23 => byte == b'-',
            _ => matches!(byte, b'0'..=b'9' | b'a'..=b'f'),
        };
        if !valid {
            return Err(EXPECTED.into());
        }
    }
    Ok(())
}

/// Checks that `text` is a valid FHIR string.
///
/// FHIR string is stored as Rust's [`String`], which cannot check itself, so
/// code that builds strings for resources can call this before use.
///
/// # Errors
///
/// Returns an error when `text` is empty, is longer than 1,048,576 characters
/// or contains a control character other than tab, carriage return and line
/// feed.
pub fn validate_string(text: &str) -> Result<(), ParsePrimitiveError> {
    check_string(text).map_err(|reason| ParsePrimitiveError::new("string", text, reason))
}

impl PrimitiveValue for String {
    const FHIR_TYPE: &'static str = "string";

    fn deserialize_value<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        deserializer.deserialize_string(TextVisitor {
            fhir_type: Self::FHIR_TYPE,
            check: check_string,
        })
    }

    fn serialize_value<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self)
    }
}

/// Reads a JSON string, checks it with `check` and returns it as a `String`,
/// copying borrowed input once and reusing owned input.
pub(super) struct TextVisitor {
    pub(super) fhir_type: &'static str,
    pub(super) check: fn(&str) -> Result<(), Cow<'static, str>>,
}

impl TextVisitor {
    fn error<E: serde::de::Error>(&self, text: &str, reason: Cow<'static, str>) -> E {
        E::custom(ParsePrimitiveError::new(self.fhir_type, text, reason))
    }
}

impl serde::de::Visitor<'_> for TextVisitor {
    type Value = String;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "a FHIR {} as a JSON string", self.fhir_type)
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<String, E> {
        match (self.check)(text) {
            Ok(()) => Ok(text.to_owned()),
            Err(reason) => Err(self.error(text, reason)),
        }
    }

    fn visit_string<E: serde::de::Error>(self, text: String) -> Result<String, E> {
        match (self.check)(&text) {
            Ok(()) => Ok(text),
            Err(reason) => Err(self.error(&text, reason)),
        }
    }
}

/// Defines a newtype over `String` whose values pass `$check`.
macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident, $fhir_type:literal, $check:path, $pattern:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Returns the text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Returns the text as a `String`, without copying.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl $crate::primitives::PrimitiveValue for $name {
            const FHIR_TYPE: &'static str = $fhir_type;

            fn deserialize_value<'de, D: serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                deserializer
                    .deserialize_string($crate::primitives::text::TextVisitor {
                        fhir_type: $fhir_type,
                        check: $check,
                    })
                    .map(Self)
            }

            fn serialize_value<S: serde::Serializer>(
                &self,
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        $crate::primitives::serde_via_primitive_value!($name);

        impl std::str::FromStr for $name {
            type Err = $crate::primitives::ParsePrimitiveError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                match $check(text) {
                    Ok(()) => Ok(Self(text.to_owned())),
                    Err(reason) => Err($crate::primitives::ParsePrimitiveError::new($fhir_type, text, reason)),
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::primitives::ParsePrimitiveError;

            /// Checks `text` and keeps its buffer without copying.
            fn try_from(text: String) -> Result<Self, Self::Error> {
                match $check(&text) {
                    Ok(()) => Ok(Self(text)),
                    Err(reason) => Err($crate::primitives::ParsePrimitiveError::new($fhir_type, &text, reason)),
                }
            }
        }

        impl TryFrom<&str> for $name {
            type Error = $crate::primitives::ParsePrimitiveError;

            fn try_from(text: &str) -> Result<Self, Self::Error> {
                text.parse()
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        // Sound because the derived Eq, Ord and Hash compare the inner String,
        // which agrees with str.
        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        #[cfg(feature = "schemars")]
        $crate::primitives::string_json_schema!($name, $fhir_type, $pattern);
    };
}
pub(super) use text_type;

text_type!(
    /// FHIR uri: any URI, absolute or relative, without whitespace.
    ///
    /// URIs are case sensitive and compared as text.
    Uri,
    "uri",
    check_uri,
    r"^[^ \t\n\r]+$"
);

text_type!(
    /// FHIR url: a URI that is a literal address, without whitespace.
    ///
    /// Only the uri rules are checked; the text is not parsed as a URL.
    Url,
    "url",
    check_uri,
    r"^[^ \t\n\r]+$"
);

text_type!(
    /// FHIR canonical: the canonical URL of a resource, optionally followed by
    /// `|version`, without whitespace.
    Canonical,
    "canonical",
    check_uri,
    r"^[^ \t\n\r]+$"
);

text_type!(
    /// FHIR oid: an OID written as a URN, such as `urn:oid:2.16.840.1.113883`.
    Oid,
    "oid",
    check_oid,
    r"^urn:oid:[0-2](\.(0|[1-9][0-9]*))+$"
);

text_type!(
    /// FHIR uuid: a UUID written as a URN with lower-case hex digits, such as
    /// `urn:uuid:c757873d-ec9a-4326-a141-556f43239520`.
    Uuid,
    "uuid",
    check_uuid,
    "^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
);

text_type!(
    /// FHIR id: 1 to 64 characters from `A-Z`, `a-z`, `0-9`, `-` and `.`.
    ///
    /// The FHIR spec calls ids case-insensitive, but this type compares them
    /// exactly as written.
    Id,
    "id",
    check_id,
    r"^[A-Za-z0-9\-\.]{1,64}$"
);

text_type!(
    /// FHIR code: a token with no leading or trailing whitespace and no
    /// whitespace inside other than single spaces.
    Code,
    "code",
    check_code,
    r"^[^ \t\n\r]+( [^ \t\n\r]+)*$"
);

text_type!(
    /// FHIR markdown: a non-empty string in GitHub Flavored Markdown.
    ///
    /// The markdown is stored as text and not parsed.
    Markdown,
    "markdown",
    check_non_empty_text,
    r"^[\s\S]+$"
);

text_type!(
    /// FHIR xhtml, the `div` of a Narrative: a non-empty string.
    ///
    /// NOTE: reading does not parse the XHTML, so malformed markup or
    /// elements that FHIR forbids in narrative (such as `<script>`) are
    /// accepted. [`Xhtml::check_narrative`] checks them on request.
    Xhtml,
    "xhtml",
    check_non_empty_text,
    r"^[\s\S]+$"
);

macro_rules! free_text_from_plain_json {
    ($($name:ident),*) => {$(
        impl $name {
            /// Wraps the text of a JSON string that had no escapes. The JSON
            /// reader rejects unescaped control characters, so emptiness is
            /// the only rule of this type left to check, and the text is not
            /// scanned again.
            ///
            /// # Errors
            ///
            /// The error of `from_str` when the text is empty.
            pub(crate) fn from_plain_json(
                text: &str,
            ) -> Result<Self, <Self as std::str::FromStr>::Err> {
                if text.is_empty() {
                    <Self as std::str::FromStr>::from_str(text)
                } else {
                    Ok(Self(text.to_owned()))
                }
            }
        }
    )*};
}

free_text_from_plain_json!(Markdown, Xhtml);

impl Canonical {
    /// Returns the URL part: the text before the first `|`, or all of it.
    pub fn url(&self) -> &str {
        match self.0.split_once('|') {
            Some((url, _)) => url,
            None => &self.0,
        }
    }

    /// Returns the version part: the text after the first `|`, or `None` when
    /// there is no `|`.
    ///
    /// A `#fragment` written after the version is part of the returned text.
    pub fn version(&self) -> Option<&str> {
        self.0.split_once('|').map(|(_, version)| version)
    }
}
