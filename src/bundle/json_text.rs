//! Reads and edits a resource through its JSON text, for the steps that need
//! to visit every element of any resource type.
//!
//! TODO: a generated visitor over the typed resources would avoid writing
//! and re-reading the JSON. Until then these helpers work on the text that
//! [`crate::json::to_string`] writes, which keeps decimals digit for digit.
//! A round trip through `serde_json::Value` would turn `1.50` into `1.5`.

use std::collections::HashMap;

use serde_json::value::RawValue;

use crate::r4::Resource;

/// Reads the `contained` resources of `resource`, in order.
///
/// # Errors
///
/// Returns the JSON error when the resource cannot be written or a contained
/// resource cannot be read back, which means a bug in the generated code.
pub(crate) fn contained_resources(
    resource: &Resource,
) -> Result<Vec<Resource>, crate::json::Error> {
    resource.read_contained()
}

// A method of `Resource`, and a loop rather than `collect`, so that the
// compiler places the code that owns the new resources with the generated
// types (see the note on compile time in `src/r4.rs`).
impl Resource {
    fn read_contained(&self) -> Result<Vec<Resource>, crate::json::Error> {
        let text = crate::json::to_string(self)?;
        // The text was written by this library, so it is a valid JSON object
        // and reading its members as raw JSON does not fail.
        let Ok(members) = serde_json::from_str::<HashMap<String, &RawValue>>(&text) else {
            return Ok(Vec::new());
        };
        let Some(contained) = members.get("contained") else {
            return Ok(Vec::new());
        };
        let Ok(contained) = serde_json::from_str::<Vec<&RawValue>>(contained.get()) else {
            return Ok(Vec::new());
        };
        let mut resources = Vec::with_capacity(contained.len());
        for raw in contained {
            resources.push(crate::json::from_str(raw.get())?);
        }
        Ok(resources)
    }
}

/// Calls `visit` with the member name and text of every string that is the
/// direct value of an object member, anywhere in `resource`, as
/// [`edit_member_strings`] does without editing.
///
/// # Errors
///
/// Returns the JSON error when the resource cannot be written.
pub(crate) fn visit_member_strings(
    resource: &Resource,
    mut visit: impl FnMut(&str, &str),
) -> Result<(), crate::json::Error> {
    let text = crate::json::to_string(resource)?;
    // The closure returns `Ok(None)` for every string, so nothing is edited
    // and the result needs no check.
    let _unchanged = edit_text(&text, &mut |name: &str, value: &str| {
        visit(name, value);
        Ok::<_, std::convert::Infallible>(None)
    });
    Ok(())
}

/// Calls `edit` with the member name and text of every string that is the
/// direct value of an object member, anywhere in `resource`, and returns the
/// resource with the strings that `edit` replaced, or `None` when it
/// replaced nothing.
///
/// Strings inside arrays (`"given": ["Ann"]`) and object keys are not passed
/// to `edit`.
///
/// # Errors
///
/// Returns the first error of `edit`, or [`EditError::Json`] when the edited
/// text is not a valid resource (`edit` changed a string that the resource
/// type constrains, such as an id).
pub(crate) fn edit_member_strings<E>(
    resource: &Resource,
    mut edit: impl FnMut(&str, &str) -> Result<Option<String>, E>,
) -> Result<Option<Resource>, EditError<E>> {
    let text = crate::json::to_string(resource).map_err(EditError::Json)?;
    let Some(edited) = edit_text(&text, &mut edit).map_err(EditError::Edit)? else {
        return Ok(None);
    };
    crate::json::from_str(&edited)
        .map(Some)
        .map_err(EditError::Json)
}

/// The error of [`edit_member_strings`].
#[derive(Debug)]
pub(crate) enum EditError<E> {
    /// The error that the edit function returned.
    Edit(E),
    /// Writing the resource or reading the edited text failed.
    Json(crate::json::Error),
}

/// A JSON container that the scanner is inside.
#[derive(Clone, Copy)]
enum Container {
    /// An object, and whether the next string is a member name.
    Object {
        expects_name: bool,
    },
    Array,
}

/// Scans JSON `text` and applies `edit` as [`edit_member_strings`]
/// describes. Returns the edited text, or `None` when nothing changed.
///
/// The text must be valid JSON. Other input gives an unspecified result but
/// no panic.
fn edit_text<E>(
    text: &str,
    edit: &mut impl FnMut(&str, &str) -> Result<Option<String>, E>,
) -> Result<Option<String>, E> {
    let bytes = text.as_bytes();
    let mut output: Option<String> = None;
    // The end of the part of `text` already copied to `output`.
    let mut copied = 0;
    let mut stack: Vec<Container> = Vec::new();
    // The member name whose value comes next, if that value is a string.
    let mut pending_name: Option<String> = None;
    let mut at = 0;

    while at < bytes.len() {
        match bytes[at] {
            b'{' => {
                stack.push(Container::Object { expects_name: true });
                pending_name = None;
            }
            b'[' => {
                stack.push(Container::Array);
                pending_name = None;
            }
            b'}' | b']' => {
                stack.pop();
            }
            b',' => {
                if let Some(Container::Object { expects_name }) = stack.last_mut() {
                    *expects_name = true;
                }
            }
            b'"' => {
                let end = string_end(bytes, at);
                let token = &text[at..end];
                let decoded: String = serde_json::from_str(token).unwrap_or_default();
                match stack.last_mut() {
                    Some(Container::Object { expects_name }) if *expects_name => {
                        *expects_name = false;
                        pending_name = Some(decoded);
                    }
                    _ => {
                        let replacement = match pending_name.take() {
                            Some(name) => edit(&name, &decoded)?,
                            None => None,
                        };
                        if let Some(replacement) = replacement.filter(|new| *new != decoded) {
                            let out =
                                output.get_or_insert_with(|| String::with_capacity(text.len()));
                            out.push_str(&text[copied..at]);
                            out.push_str(&quote_json(&replacement));
                            copied = end;
                        }
                    }
                }
                at = end;
                continue;
            }
            b':' => {}
            _ => {
                if !bytes[at].is_ascii_whitespace() {
                    pending_name = None;
                }
            }
        }
        at += 1;
    }

    Ok(output.map(|mut out| {
        out.push_str(&text[copied..]);
        out
    }))
}

/// Returns the position just past the closing quote of the string that starts at
/// `start`, or the end of `bytes` when the string is not closed.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut at = start + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return at + 1,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// Returns `text` as a JSON string literal.
fn quote_json(text: &str) -> String {
    // Writing a str to JSON cannot fail.
    serde_json::to_string(text).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upper_case_references(name: &str, value: &str) -> Result<Option<String>, ()> {
        Ok((name == "reference").then(|| value.to_uppercase()))
    }

    #[test]
    fn edits_member_values_only() {
        let text = r#"{"reference":"a","x":{"reference":"b\"q"},"list":["reference","c"],"reference2":"d"}"#;
        let edited = edit_text(text, &mut upper_case_references)
            .unwrap()
            .unwrap();
        assert_eq!(
            edited,
            r#"{"reference":"A","x":{"reference":"B\"Q"},"list":["reference","c"],"reference2":"d"}"#
        );
    }

    #[test]
    fn unchanged_text_returns_none() {
        let text = r#"{"reference":"ABC","n":1.50}"#;
        assert_eq!(edit_text(text, &mut upper_case_references), Ok(None));
    }

    #[test]
    fn name_is_not_carried_past_other_values() {
        // The string after `"reference":1.5,` is a member name, and the one
        // after `"reference":[` is in an array.
        let text = r#"{"reference":1.5,"k":"v","reference":["w"]}"#;
        assert_eq!(edit_text(text, &mut upper_case_references), Ok(None));
    }

    #[test]
    fn edit_error_stops_the_scan() {
        let text = r#"{"reference":"a"}"#;
        let result = edit_text(text, &mut |_: &str, _: &str| {
            Err::<Option<String>, _>("stop")
        });
        assert_eq!(result, Err("stop"));
    }

    #[test]
    fn truncated_text_does_not_panic() {
        for text in [
            r#"{"reference":"a"#,
            r#"{"reference":"\"#,
            "{",
            "}",
            "]]",
            "\"",
        ] {
            let _ = edit_text(text, &mut upper_case_references);
        }
    }
}
