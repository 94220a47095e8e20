//! A compact JSON writer into a byte buffer, driven by the generated code.

/// Writes compact JSON. The writer tracks whether a comma is due, so callers
/// only open, write entries and close.
#[derive(Debug, Default)]
pub struct Writer {
    out: Vec<u8>,
    /// Whether a value has been written since the innermost container
    /// opened, so that the next key or item needs a comma before it. One
    /// flag is enough: a container's end writes a value of its parent, and
    /// a key or item start clears the flag until its value is written.
    comma_due: bool,
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// A position in a [`Writer`]'s output, to take back what follows it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mark {
    len: usize,
    comma_due: bool,
}

impl Writer {
    /// Creates a writer that appends to `out`.
    pub fn new(out: Vec<u8>) -> Self {
        Writer {
            out,
            comma_due: false,
        }
    }

    /// Returns the bytes written.
    pub fn into_bytes(self) -> Vec<u8> {
        self.out
    }

    /// Returns the number of bytes in the buffer.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.out.len()
    }

    /// Reserves room for `remaining` more array items, estimated from the
    /// `written` items before them, which took `bytes` bytes. A long array
    /// (the entries of a large Bundle) then grows the buffer once instead of
    /// doubling it many times, which copies everything written so far each
    /// time and touches fresh pages for every copy.
    ///
    /// NOTE: the estimate assumes that the first items are typical. When
    /// they are much larger than the rest, the buffer ends with unused
    /// capacity; [`crate::json::to_vec`] gives it back.
    pub(crate) fn reserve_items(&mut self, bytes: usize, written: usize, remaining: usize) {
        let average = bytes / written.max(1);
        let estimate = average.saturating_mul(remaining);
        // An eighth more, so that a slightly larger tail still fits.
        self.out.reserve(estimate.saturating_add(estimate / 8));
    }

    /// Returns the current position, for [`rewind`](Self::rewind).
    #[inline]
    pub(crate) fn mark(&self) -> Mark {
        Mark {
            len: self.out.len(),
            comma_due: self.comma_due,
        }
    }

    /// Removes what was written since `mark`.
    #[inline]
    pub(crate) fn rewind(&mut self, mark: Mark) {
        self.out.truncate(mark.len);
        self.comma_due = mark.comma_due;
    }

    /// Returns whether exactly `{}` was written since `start`.
    #[inline]
    pub(crate) fn is_empty_object_since(&self, start: usize) -> bool {
        self.out.get(start..) == Some(b"{}".as_slice())
    }

    #[inline]
    fn separator(&mut self) {
        if self.comma_due {
            self.out.push(b',');
            self.comma_due = false;
        }
    }

    /// Opens an object as the next value.
    #[inline]
    pub fn begin_object(&mut self) {
        self.out.push(b'{');
        self.comma_due = false;
    }

    /// Closes the innermost object.
    #[inline]
    pub fn end_object(&mut self) {
        self.out.push(b'}');
        self.comma_due = true;
    }

    /// Opens an array as the next value.
    #[inline]
    pub fn begin_array(&mut self) {
        self.out.push(b'[');
        self.comma_due = false;
    }

    /// Closes the innermost array.
    #[inline]
    pub fn end_array(&mut self) {
        self.out.push(b']');
        self.comma_due = true;
    }

    /// Writes a key and its colon; the value follows. Keys are FHIR
    /// element names (letters, digits, `_`), which never need escaping.
    #[inline]
    pub fn key(&mut self, key: &str) {
        self.separator();
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\":");
    }

    /// Starts the next array item; the value follows.
    #[inline]
    pub fn item(&mut self) {
        self.separator();
    }

    /// Writes a string value.
    #[inline]
    pub fn string(&mut self, value: &str) {
        self.escaped(value);
    }

    /// Writes JSON text that is known to be valid (a number's digits).
    #[inline]
    pub fn raw(&mut self, text: &str) {
        self.out.extend_from_slice(text.as_bytes());
        self.comma_due = true;
    }

    /// Writes a string whose text `push_text` appends, which must be ASCII
    /// that needs no escaping (the digits and punctuation of dates and
    /// times).
    #[inline]
    pub(crate) fn quoted_ascii(&mut self, push_text: impl FnOnce(&mut Vec<u8>)) {
        self.out.push(b'"');
        push_text(&mut self.out);
        self.out.push(b'"');
        self.comma_due = true;
    }

    /// Writes `true` or `false`.
    #[inline]
    pub fn boolean(&mut self, value: bool) {
        self.out
            .extend_from_slice(if value { b"true" } else { b"false" });
        self.comma_due = true;
    }

    /// Writes `null`.
    #[inline]
    pub fn null(&mut self) {
        self.out.extend_from_slice(b"null");
        self.comma_due = true;
    }

    /// Writes an integer.
    #[inline]
    pub fn integer(&mut self, value: i64) {
        let mut buffer = itoa_buffer(value);
        self.out.extend_from_slice(buffer.as_bytes_mut());
        self.comma_due = true;
    }

    fn escaped(&mut self, value: &str) {
        self.out.reserve(value.len() + 2);
        self.out.push(b'"');
        let bytes = value.as_bytes();
        let mut start = 0;
        while let Some(offset) = super::scan::find_special(&bytes[start..], &NEEDS_ESCAPE) {
            let at = start + offset;
            self.out.extend_from_slice(&bytes[start..at]);
            let byte = bytes[at];
            match ESCAPE[usize::from(byte)] {
                b'u' => {
                    self.out.extend_from_slice(b"\\u00");
                    self.out.push(HEX[usize::from(byte >> 4)]);
                    self.out.push(HEX[usize::from(byte & 0xf)]);
                }
                short => {
                    self.out.push(b'\\');
                    self.out.push(short);
                }
            }
            start = at + 1;
        }
        self.out.extend_from_slice(&bytes[start..]);
        self.out.push(b'"');
        self.comma_due = true;
    }
}

/// `true` for the bytes that [`ESCAPE`] escapes.
static NEEDS_ESCAPE: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = ESCAPE[byte] != 0;
        byte += 1;
    }
    table
};

/// For each byte, 0 when it is written as it is, `u` for a `\u00XX`
/// escape, or the letter of its short escape (`n` for `\n`).
static ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = b'u';
        byte += 1;
    }
    table[0x08] = b'b';
    table[0x0c] = b'f';
    table[b'\n' as usize] = b'n';
    table[b'\r' as usize] = b'r';
    table[b'\t' as usize] = b't';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// Formats an integer without allocating.
struct IntBuffer {
    bytes: [u8; 20],
    start: usize,
}

impl IntBuffer {
    fn as_bytes_mut(&mut self) -> &[u8] {
        &self.bytes[self.start..]
    }
}

fn itoa_buffer(value: i64) -> IntBuffer {
    let mut bytes = [0u8; 20];
    let mut i = bytes.len();
    let negative = value < 0;
    let mut magnitude = value.unsigned_abs();
    loop {
        i -= 1;
        bytes[i] = b'0' + (magnitude % 10) as u8;
        magnitude /= 10;
        if magnitude == 0 {
            break;
        }
    }
    if negative {
        i -= 1;
        bytes[i] = b'-';
    }
    IntBuffer { bytes, start: i }
}

#[cfg(test)]
mod tests {
    use super::Writer;

    #[test]
    fn writes_nested_values_with_commas() {
        let mut w = Writer::new(Vec::new());
        w.begin_object();
        w.key("a");
        w.begin_array();
        w.item();
        w.integer(-42);
        w.item();
        w.string("q\"\u{1}\n");
        w.item();
        w.null();
        w.end_array();
        w.key("b");
        w.boolean(true);
        w.end_object();
        assert_eq!(
            String::from_utf8(w.into_bytes()).unwrap(),
            r#"{"a":[-42,"q\"\u0001\n",null],"b":true}"#
        );
    }

    #[test]
    fn integer_extremes() {
        let mut w = Writer::new(Vec::new());
        w.integer(i64::MIN);
        assert_eq!(
            String::from_utf8(w.into_bytes()).unwrap(),
            i64::MIN.to_string()
        );
    }
}
