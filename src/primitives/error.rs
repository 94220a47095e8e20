//! The error for text that is not a valid FHIR primitive value.

use std::borrow::Cow;

/// Maximum number of characters of the offending text that an error keeps.
/// Longer text is cut and ends in `...`, so a megabyte-long string cannot
/// flood a log line.
const MAX_DISPLAYED_CHARS: usize = 64;

/// A value that is not valid for its FHIR primitive type.
///
/// The message has the form ``invalid {type} `{text}`: {reason}``, for example
/// ``invalid dateTime `2024-13-01`: month must be 01 to 12``. The text is the
/// offending input, cut to its first 64 characters (followed by `...`) and
/// with control characters escaped as in Rust string literals (`\n`, `\u{7}`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid {fhir_type} `{text}`: {reason}")]
pub struct ParsePrimitiveError {
    fhir_type: &'static str,
    text: String,
    reason: Cow<'static, str>,
}

impl ParsePrimitiveError {
    /// Creates an error for `text`, keeping a shortened, escaped copy of it.
    pub(crate) fn new(
        fhir_type: &'static str,
        text: &str,
        reason: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            fhir_type,
            text: shorten_for_display(text),
            reason: reason.into(),
        }
    }

    /// Returns the FHIR type name, as the spec spells it ("dateTime").
    pub fn fhir_type(&self) -> &'static str {
        self.fhir_type
    }

    /// Returns the offending text as shown in the message: at most 64
    /// characters and with control characters escaped.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Returns what is wrong with the text, or what was expected.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

/// Copies at most [`MAX_DISPLAYED_CHARS`] characters of `text`, escaping control
/// characters, and appends `...` when characters were left out.
pub(super) fn shorten_for_display(text: &str) -> String {
    let mut displayed = String::with_capacity(text.len().min(MAX_DISPLAYED_CHARS + 3));
    let mut chars = text.chars();

    for c in chars.by_ref().take(MAX_DISPLAYED_CHARS) {
        if c.is_control() {
            displayed.extend(c.escape_debug());
        } else {
            displayed.push(c);
        }
    }

    if chars.next().is_some() {
        displayed.push_str("...");
    }
    displayed
}
