//! FHIR base64Binary: bytes in the standard base64 alphabet of RFC 4648.

use std::borrow::Cow;

use super::text::text_type;

text_type!(
    /// FHIR base64Binary: bytes encoded in standard base64 with `=` padding.
    ///
    /// The text matches `(\s*([0-9a-zA-Z\+/=]){4}\s*)+`: groups of four
    /// characters, with whitespace (space, tab, CR, LF) allowed only between
    /// groups, as in line-wrapped MIME base64. Beyond that pattern, `=` may
    /// only pad the end of the last group, so every value decodes.
    Base64Binary,
    "base64Binary",
    check_base64,
    r"^([ \t\n\r]*([0-9a-zA-Z\+/=]){4}[ \t\n\r]*)+$"
);

/// The standard base64 alphabet, indexed by 6-bit value.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Returns the 6-bit value of a base64 digit, or `None` for any other byte.
fn digit_value(byte: u8) -> Option<u8> {
    match byte {
        b'A'..=b'Z' => Some(byte - b'A'),
        b'a'..=b'z' => Some(byte - b'a' + 26),
        b'0'..=b'9' => Some(byte - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

fn is_base64_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

/// Checks the base64Binary pattern and that `=` appears only as padding at
/// the end of the last group (`xx==` or `xxx=`).
fn check_base64(text: &str) -> Result<(), Cow<'static, str>> {
    // Most values are one unbroken run of groups; a table scan settles those
    // without the per-byte state below, which is kept for the rest and for
    // precise error reasons.
    if is_plain_base64(text.as_bytes()) || is_grouped_base64(text.as_bytes()) {
        return Ok(());
    }
    check_base64_per_byte(text)
}

/// Applies the rules of [`check_base64`] one byte at a time, which also
/// finds the reason of an error.
fn check_base64_per_byte(text: &str) -> Result<(), Cow<'static, str>> {
    let mut group_position = 0_usize;
    let mut symbol_count = 0_usize;
    // Number of `=` seen so far; any digit after one is misplaced padding.
    let mut padding = 0_usize;

    for &byte in text.as_bytes() {
        if is_base64_whitespace(byte) {
            if group_position != 0 {
                return Err("whitespace is only allowed between groups of 4 characters".into());
            }
            continue;
        }

        if byte == b'=' {
            if group_position < 2 {
                return Err("`=` padding may only fill the last 1 or 2 places of a group".into());
            }
            padding += 1;
        } else if digit_value(byte).is_some() {
            if padding > 0 {
                return Err("`=` padding is only allowed at the end".into());
            }
        } else {
            return Err(invalid_character_reason(text, byte));
        }

        symbol_count += 1;
        group_position = (group_position + 1) % 4;
    }

    if symbol_count == 0 {
        return Err("must contain at least one group of 4 characters".into());
    }
    if group_position != 0 {
        return Err(
            "the number of characters other than whitespace must be a multiple of 4".into(),
        );
    }
    Ok(())
}

/// Returns whether `bytes` is runs of whole groups separated by whitespace,
/// with `=` padding only at the end: the usual form of an attachment with
/// line breaks. Each run is checked a block at a time by
/// [`is_plain_base64`], which the per-byte state of [`check_base64`] would
/// make several times slower.
fn is_grouped_base64(bytes: &[u8]) -> bool {
    let mut rest = bytes;
    let mut any_group = false;
    loop {
        let start = rest
            .iter()
            .position(|&byte| !is_base64_whitespace(byte))
            .unwrap_or(rest.len());
        rest = &rest[start..];
        if rest.is_empty() {
            return any_group;
        }
        let end = rest
            .iter()
            .position(|&byte| is_base64_whitespace(byte))
            .unwrap_or(rest.len());
        let (run, after) = rest.split_at(end);
        if !is_plain_base64(run) {
            return false;
        }
        any_group = true;
        // A padded group ends the value: only whitespace may follow.
        if run.last() == Some(&b'=') {
            return after.iter().all(|&byte| is_base64_whitespace(byte));
        }
        rest = after;
    }
}

/// Returns whether `bytes` is whole groups of base64 digits with no whitespace,
/// padded with `=` in at most the last two places.
fn is_plain_base64(bytes: &[u8]) -> bool {
    let len = bytes.len();
    if len == 0 || len % 4 != 0 {
        return false;
    }
    let is_digit = |byte: u8| BASE64_DIGIT[usize::from(byte)];
    // Checking a block with range comparisons and no branch per byte lets
    // the compiler turn the loop into vector compares (a table lookup per
    // byte would not vectorize), which matters because attachments can be
    // megabytes long.
    let mut blocks = bytes[..len - 2].chunks_exact(64);
    for block in &mut blocks {
        if !block
            .iter()
            .fold(true, |ok, &byte| ok & is_digit_by_range(byte))
        {
            return false;
        }
    }
    let body_ok = blocks.remainder().iter().all(|&byte| is_digit(byte));
    let tail_ok = match (bytes[len - 2], bytes[len - 1]) {
        (b'=', b'=') => true,
        (second_last, b'=') => is_digit(second_last),
        (second_last, last) => is_digit(second_last) && is_digit(last),
    };
    body_ok && tail_ok
}

/// Returns whether `byte` is one of the 64 base64 digits, with comparisons
/// only, as [`is_plain_base64`] needs.
#[inline(always)]
fn is_digit_by_range(byte: u8) -> bool {
    (byte.wrapping_sub(b'A') < 26)
        | (byte.wrapping_sub(b'a') < 26)
        | (byte.wrapping_sub(b'0') < 10)
        | (byte == b'+')
        | (byte == b'/')
}

/// `true` for the 64 base64 digits.
static BASE64_DIGIT: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = matches!(byte as u8, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/');
        byte += 1;
    }
    table
};

/// Names the first character of `text` that is not allowed, starting at the
/// first byte equal to `byte` (which may begin a multi-byte character).
fn invalid_character_reason(text: &str, byte: u8) -> Cow<'static, str> {
    let invalid = text
        .char_indices()
        .find(|&(index, _)| text.as_bytes()[index] == byte)
        .map(|(_, c)| c)
        .unwrap_or(char::REPLACEMENT_CHARACTER);
    format!(
        "contains `{}`; only A-Z, a-z, 0-9, `+`, `/`, `=` and whitespace are allowed",
        invalid.escape_debug()
    )
    .into()
}

impl Base64Binary {
    /// Encodes `bytes` as standard base64 with `=` padding and no line breaks.
    ///
    /// Empty input gives an empty string, which is not a valid base64Binary,
    /// so this returns `None` for it.
    pub fn encode(bytes: &[u8]) -> Option<Self> {
        if bytes.is_empty() {
            return None;
        }

        let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let b0 = chunk[0];
            let b1 = chunk.get(1).copied().unwrap_or(0);
            let b2 = chunk.get(2).copied().unwrap_or(0);
            let sextets = [
                b0 >> 2,
                ((b0 & 0b11) << 4) | (b1 >> 4),
                ((b1 & 0b1111) << 2) | (b2 >> 6),
                b2 & 0b11_1111,
            ];
            // A chunk of n bytes fills n + 1 digits; the rest of the group is padding.
            for (index, &sextet) in sextets.iter().enumerate() {
                if index <= chunk.len() {
                    text.push(char::from(ALPHABET[usize::from(sextet)]));
                } else {
                    text.push('=');
                }
            }
        }
        Some(Self(text))
    }

    /// Decodes the text into bytes, skipping whitespace.
    ///
    /// Bits left over in the last digit before the padding are ignored, as
    /// RFC 4648 permits.
    pub fn decode(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(self.0.len() / 4 * 3);
        let mut buffer = 0_u32;
        let mut bit_count = 0_u32;

        for &byte in self.0.as_bytes() {
            // Validation allows only whitespace, `=` and digits, so skipping
            // everything that is not a digit leaves the digits in order.
            let Some(value) = digit_value(byte) else {
                continue;
            };
            buffer = (buffer << 6) | u32::from(value);
            bit_count += 6;
            if bit_count >= 8 {
                bit_count -= 8;
                // Keeps the 8 bits above the remaining ones.
                bytes.push((buffer >> bit_count) as u8);
                buffer &= (1 << bit_count) - 1;
            }
        }
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::{BASE64_DIGIT, is_digit_by_range};

    /// The fast checks must accept exactly what the per-byte rules accept.
    #[test]
    fn grouped_check_agrees_with_rules() {
        let cases = [
            "QUJD",
            "QUJD\nREVG",
            " QUJD\r\nREVG ",
            "QUJDRA==",
            "QUJD\nRA==",
            "QUJD\nRA==\n",
            "QUJD\nRA==\nQUJD",
            "QUI=\nQUJD",
            "QUJ\nDREV",
            "QU JD",
            "QUJD\n\n",
            "\n",
            "",
            "QUJD\nR===",
            "QUJD\n=A==",
            "QUJD\nRA-=",
        ];
        for text in cases {
            let fast = super::is_plain_base64(text.as_bytes())
                || super::is_grouped_base64(text.as_bytes());
            let rules = super::check_base64_per_byte(text).is_ok();
            assert_eq!(fast, rules, "{text:?}");
        }
        // Every string of up to 8 characters from a small alphabet.
        let alphabet = [b'A', b'/', b'=', b' ', b'\n', b'-'];
        let mut text = Vec::new();
        for length in 0..=8u32 {
            for mut code in 0..alphabet.len().pow(length) {
                text.clear();
                for _ in 0..length {
                    text.push(alphabet[code % alphabet.len()]);
                    code /= alphabet.len();
                }
                let fast = super::is_plain_base64(&text) || super::is_grouped_base64(&text);
                let as_str = std::str::from_utf8(&text).expect("ASCII");
                let rules = super::check_base64_per_byte(as_str).is_ok();
                assert_eq!(fast, rules, "{as_str:?}");
            }
        }
    }

    #[test]
    fn range_check_matches_table() {
        for byte in 0..=u8::MAX {
            assert_eq!(
                is_digit_by_range(byte),
                BASE64_DIGIT[usize::from(byte)],
                "byte {byte:#04x}"
            );
        }
    }
}
