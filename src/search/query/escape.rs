//! FHIR search escaping (`\,` `\|` `\$` `\\`) and percent-encoding for the
//! self link.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

/// Splits `text` at every `separator` that no backslash escapes, keeping the
/// escapes in the pieces for a later split or [`unescape`].
pub(crate) fn split_unescaped(text: &str, separator: u8) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'\\' => index += 2,
            byte if byte == separator => {
                pieces.push(&text[start..index]);
                index += 1;
                start = index;
            }
            _ => index += 1,
        }
    }
    pieces.push(&text[start.min(text.len())..]);
    pieces
}

/// Removes FHIR search escapes: `\,` `\|` `\$` and `\\` become the character
/// after the backslash. A backslash before any other character, or at the
/// end, stays as written.
pub(crate) fn unescape(text: &str) -> String {
    let mut output = String::with_capacity(text.len());
    let mut characters = text.chars().peekable();
    while let Some(character) = characters.next() {
        if character == '\\' {
            if let Some(&next @ (',' | '|' | '$' | '\\')) = characters.peek() {
                output.push(next);
                characters.next();
                continue;
            }
        }
        output.push(character);
    }
    output
}

/// Appends `text` to `output` with `\`, `,`, `|` and `$` escaped, so that
/// [`split_unescaped`] and [`unescape`] give `text` back.
pub(crate) fn push_escaped(output: &mut String, text: &str) {
    for character in text.chars() {
        if matches!(character, '\\' | ',' | '|' | '$') {
            output.push('\\');
        }
        output.push(character);
    }
}

/// The characters that the self link percent-encodes besides controls and
/// non-ASCII. They are the ones that end or split a query parameter (`#`,
/// `&`, `=`, `;`, and `+`, which form decoding reads as a space), `%`, and
/// those that RFC 3986 does not allow in a query, except `|`. `|`, `,`, `$`,
/// `:` and `/` stay literal because FHIR queries are usually written with
/// them.
const QUERY_COMPONENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'+')
    .add(b';')
    .add(b'<')
    .add(b'=')
    .add(b'>')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// Appends `text` to `output`, percent-encoded for a query component.
pub(crate) fn push_percent_encoded(output: &mut String, text: &str) {
    output.extend(utf8_percent_encode(text, QUERY_COMPONENT));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_keeps_escaped_separators() {
        assert_eq!(split_unescaped(r"a\,b,c", b','), vec![r"a\,b", "c"]);
        assert_eq!(split_unescaped(r"a\\,b", b','), vec![r"a\\", "b"]);
        assert_eq!(split_unescaped("", b','), vec![""]);
        assert_eq!(split_unescaped(r"a\", b','), vec![r"a\"]);
    }

    #[test]
    fn unescape_and_escape_round_trip() {
        for text in [r"a,b|c$d\e", r"\", r"x\y", ""] {
            let mut escaped = String::new();
            push_escaped(&mut escaped, text);
            assert_eq!(split_unescaped(&escaped, b',').len(), 1);
            assert_eq!(unescape(&escaped), text);
        }
        assert_eq!(unescape(r"\q"), r"\q");
    }
}
