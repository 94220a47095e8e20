//! A JSON reader over a byte slice, driven by the generated code.
//!
//! The generated types read themselves through this concrete reader rather
//! than through serde's generic `Deserializer`. Every `from_json` function is
//! then compiled once, instead of once per serde deserializer type, which
//! keeps the crate's build time down, and the reader can borrow keys and
//! strings straight from the input.

use std::borrow::Cow;

/// The maximum nesting of arrays and objects, the same limit as
/// serde_json's. FHIR resources need a few dozen levels at most; the limit
/// turns hostile input into an error instead of a stack overflow.
pub const MAX_DEPTH: u32 = 128;

/// One step of an element path, recorded innermost first as an error
/// travels out of the nested readers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// An element name (`contact`, `_given`).
    Element(&'static str),
    /// An element name that is not known in advance (an unknown element).
    Unknown(String),
    /// An array index.
    Index(usize),
    /// The resource type of a resource being read.
    Resource(&'static str),
}

/// The category of a [`ReadError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadErrorKind {
    /// Not valid JSON.
    Syntax,
    /// Valid JSON that is not a valid resource.
    Data,
    /// The input ended early.
    Eof,
}

/// An error while reading, with its byte offset and element path.
#[derive(Debug, Clone)]
pub struct ReadError {
    pub(crate) kind: ReadErrorKind,
    pub(crate) message: String,
    pub(crate) offset: usize,
    /// Innermost first.
    pub(crate) path: Vec<Segment>,
}

impl ReadError {
    /// Adds the enclosing path segment.
    #[cold]
    #[must_use]
    pub fn at(mut self, segment: Segment) -> Self {
        self.path.push(segment);
        self
    }

    /// Renders the path outermost first:
    /// `Bundle.entry[2].resource.ofType(Patient).name[0].given[1]`.
    pub(crate) fn path_string(&self) -> String {
        let mut out = String::new();
        for segment in self.path.iter().rev() {
            match segment {
                Segment::Resource(name) if out.is_empty() => out.push_str(name),
                Segment::Resource(name) => {
                    out.push_str(".ofType(");
                    out.push_str(name);
                    out.push(')');
                }
                Segment::Element(name) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(name);
                }
                Segment::Unknown(name) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(name);
                }
                Segment::Index(index) => {
                    out.push('[');
                    out.push_str(&index.to_string());
                    out.push(']');
                }
            }
        }
        out
    }

    /// Returns the message without path or position.
    pub(crate) fn message(&self) -> &str {
        &self.message
    }
}

/// The bytes that end the fast scan of a string: the closing quote, a
/// backslash, and the control characters that JSON forbids unescaped.
static STRING_SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = true;
        byte += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

/// Names the JSON type found where another was expected, for messages.
fn describe(byte: Option<u8>) -> &'static str {
    match byte {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        Some(b'-' | b'0'..=b'9') => "a number",
        Some(_) => "an invalid character",
        None => "the end of the input",
    }
}

/// A pull reader over JSON text.
#[derive(Debug)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    /// The whole input as text, when it is valid UTF-8. Strings without
    /// escapes are then sliced from it with no further check. Otherwise each
    /// string is checked on its own, so that the error names its element.
    text: Option<&'a str>,
    pos: usize,
    depth: u32,
    /// Whether the next `next_key` or `next_item` call is the first of its
    /// object or array.
    first: bool,
}

impl<'a> Reader<'a> {
    /// Creates a reader at the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader {
            bytes,
            text: std::str::from_utf8(bytes).ok(),
            pos: 0,
            depth: 0,
            first: true,
        }
    }

    /// Returns the current byte offset.
    pub fn offset(&self) -> usize {
        self.pos
    }

    /// Moves back to an offset returned by [`offset`](Self::offset) at the
    /// same nesting level.
    pub(crate) fn rewind(&mut self, offset: usize) {
        self.pos = offset;
    }

    #[cold]
    pub(crate) fn error(&self, kind: ReadErrorKind, message: impl Into<String>) -> ReadError {
        ReadError {
            kind,
            message: message.into(),
            offset: self.pos,
            path: Vec::new(),
        }
    }

    /// Builds an error about the value at the current position.
    #[cold]
    pub fn data_error(&self, message: impl Into<String>) -> ReadError {
        self.error(ReadErrorKind::Data, message)
    }

    #[cold]
    fn unexpected(&self, expected: &str) -> ReadError {
        let rest = &self.bytes[self.pos.min(self.bytes.len())..];
        let found = rest.first().copied();
        // A `t`, `f` or `n` that does not start `true`, `false` or `null` is
        // malformed JSON, not a value of the wrong type.
        let broken_literal = match found {
            Some(b't') => !rest.starts_with(b"true"),
            Some(b'f') => !rest.starts_with(b"false"),
            Some(b'n') => !rest.starts_with(b"null"),
            _ => false,
        };
        let (kind, description) = match found {
            None => (ReadErrorKind::Eof, describe(found)),
            _ if broken_literal => (ReadErrorKind::Syntax, "an invalid literal"),
            Some(0xEF) if rest.starts_with(b"\xEF\xBB\xBF") => {
                (ReadErrorKind::Syntax, "a UTF-8 byte order mark")
            }
            Some(b'{' | b'[' | b'"' | b't' | b'f' | b'n' | b'-' | b'0'..=b'9') => {
                (ReadErrorKind::Data, describe(found))
            }
            Some(_) => (ReadErrorKind::Syntax, describe(found)),
        };
        self.error(kind, format!("expected {expected}, found {description}"))
    }

    #[inline]
    fn skip_whitespace(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    /// Returns how many arrays and objects enclose the reader's position.
    #[inline]
    pub(crate) fn depth(&self) -> u32 {
        self.depth
    }

    /// Returns the first byte of the next value, after whitespace.
    #[inline]
    pub fn peek(&mut self) -> Option<u8> {
        self.skip_whitespace();
        self.bytes.get(self.pos).copied()
    }

    /// Checks that only whitespace remains.
    ///
    /// # Errors
    ///
    /// A syntax error naming the trailing characters.
    pub fn end(&mut self) -> Result<(), ReadError> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.error(
                ReadErrorKind::Syntax,
                "trailing characters after the JSON value",
            )),
        }
    }

    fn enter(&mut self) -> Result<(), ReadError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(
                ReadErrorKind::Data,
                format!("nesting deeper than {MAX_DEPTH} levels"),
            ));
        }
        self.first = true;
        Ok(())
    }

    /// Reads `{`. Pair with [`next_key`](Self::next_key) until it returns `None`.
    ///
    /// # Errors
    ///
    /// When the next value is not an object, or nesting is too deep.
    pub fn begin_object(&mut self, expected: &str) -> Result<(), ReadError> {
        if self.peek() != Some(b'{') {
            return Err(self.unexpected(expected));
        }
        self.enter()?;
        self.pos += 1;
        Ok(())
    }

    /// Reads the next key of the current object and its `:`, or the closing
    /// `}` (returning `None`).
    ///
    /// # Errors
    ///
    /// Syntax errors.
    pub fn next_key(&mut self) -> Result<Option<Cow<'a, str>>, ReadError> {
        match self.peek() {
            Some(b'}') => {
                self.pos += 1;
                self.depth -= 1;
                self.first = false;
                return Ok(None);
            }
            Some(b',') if !self.first => {
                self.pos += 1;
                self.skip_whitespace();
            }
            _ if self.first => {}
            _ => return Err(self.unexpected("`,` or `}`")),
        }
        self.first = false;
        if self.bytes.get(self.pos) != Some(&b'"') {
            return Err(self.error(ReadErrorKind::Syntax, "expected a key in double quotes"));
        }
        let key = self.string_body()?;
        if self.peek() != Some(b':') {
            return Err(self.error(ReadErrorKind::Syntax, "expected `:` after the key"));
        }
        self.pos += 1;
        Ok(Some(key))
    }

    /// Reads `[`. Pair with [`next_item`](Self::next_item) until it returns
    /// `false`.
    ///
    /// # Errors
    ///
    /// When the next value is not an array, or nesting is too deep.
    pub fn begin_array(&mut self, expected: &str) -> Result<(), ReadError> {
        if self.peek() != Some(b'[') {
            return Err(self.unexpected(expected));
        }
        self.enter()?;
        self.pos += 1;
        Ok(())
    }

    /// Moves to the next item of the current array, returning `false` at the
    /// closing `]`.
    ///
    /// # Errors
    ///
    /// Syntax errors.
    pub fn next_item(&mut self) -> Result<bool, ReadError> {
        match self.peek() {
            Some(b']') => {
                self.pos += 1;
                self.depth -= 1;
                self.first = false;
                Ok(false)
            }
            Some(b',') if !self.first => {
                self.pos += 1;
                self.first = false;
                Ok(true)
            }
            Some(_) if self.first => {
                self.first = false;
                Ok(true)
            }
            _ => Err(self.unexpected("`,` or `]`")),
        }
    }

    /// Reads `null` if it comes next, returning whether it did.
    pub fn null(&mut self) -> bool {
        if self.peek() == Some(b'n') && self.bytes[self.pos..].starts_with(b"null") {
            self.pos += 4;
            true
        } else {
            false
        }
    }

    /// Reads a string value.
    ///
    /// # Errors
    ///
    /// When the next value is not a string (`expected` names what was
    /// wanted), or the string is malformed.
    pub fn string(&mut self, expected: &str) -> Result<Cow<'a, str>, ReadError> {
        if self.peek() != Some(b'"') {
            return Err(self.unexpected(expected));
        }
        self.string_body()
    }

    /// Reads a string starting at the opening quote at `pos`.
    fn string_body(&mut self) -> Result<Cow<'a, str>, ReadError> {
        let start = self.pos + 1;
        // Fast path: no escapes. Jump to the first byte that ends the string
        // or needs attention.
        let mut i = match self
            .bytes
            .get(start..)
            .and_then(|rest| super::scan::find_special(rest, &STRING_SPECIAL))
        {
            Some(offset) => start + offset,
            None => self.bytes.len(),
        };
        loop {
            match self.bytes.get(i) {
                Some(b'"') => {
                    self.pos = i + 1;
                    // `start` follows a quote and `i` is at one, so both are
                    // character boundaries. Without `text` (invalid UTF-8)
                    // the string is checked below instead.
                    if let Some(text) = self.text.and_then(|text| text.get(start..i)) {
                        return Ok(Cow::Borrowed(text));
                    }
                    return match std::str::from_utf8(&self.bytes[start..i]) {
                        Ok(text) => Ok(Cow::Borrowed(text)),
                        Err(_) => Err(self.error(ReadErrorKind::Syntax, "invalid UTF-8 in string")),
                    };
                }
                Some(b'\\') => break,
                Some(&b) if b < 0x20 => {
                    self.pos = i;
                    return Err(self.error(ReadErrorKind::Syntax, "control character in string"));
                }
                Some(_) => i += 1,
                None => {
                    self.pos = i;
                    return Err(self.error(ReadErrorKind::Eof, "unterminated string"));
                }
            }
        }
        // Slow path: unescape into a buffer.
        let mut out: Vec<u8> = self.bytes[start..i].to_vec();
        loop {
            match self.bytes.get(i) {
                Some(b'"') => {
                    self.pos = i + 1;
                    return match String::from_utf8(out) {
                        Ok(text) => Ok(Cow::Owned(text)),
                        Err(_) => Err(self.error(ReadErrorKind::Syntax, "invalid UTF-8 in string")),
                    };
                }
                Some(b'\\') => {
                    i += 1;
                    let escaped = match self.bytes.get(i) {
                        Some(b'"') => b'"',
                        Some(b'\\') => b'\\',
                        Some(b'/') => b'/',
                        Some(b'b') => 0x08,
                        Some(b'f') => 0x0c,
                        Some(b'n') => b'\n',
                        Some(b'r') => b'\r',
                        Some(b't') => b'\t',
                        Some(b'u') => {
                            self.pos = i + 1;
                            let c = self.unicode_escape()?;
                            i = self.pos;
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                            continue;
                        }
                        _ => {
                            self.pos = i;
                            return Err(
                                self.error(ReadErrorKind::Syntax, "invalid escape in string")
                            );
                        }
                    };
                    out.push(escaped);
                    i += 1;
                }
                Some(&b) if b < 0x20 => {
                    self.pos = i;
                    return Err(self.error(ReadErrorKind::Syntax, "control character in string"));
                }
                Some(&b) => {
                    out.push(b);
                    i += 1;
                }
                None => {
                    self.pos = i;
                    return Err(self.error(ReadErrorKind::Eof, "unterminated string"));
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u16, ReadError> {
        let digits = self
            .bytes
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.error(ReadErrorKind::Eof, "unterminated \\u escape"))?;
        let mut value = 0u16;
        for &d in digits {
            let nibble = match d {
                b'0'..=b'9' => d - b'0',
                b'a'..=b'f' => d - b'a' + 10,
                b'A'..=b'F' => d - b'A' + 10,
                _ => return Err(self.error(ReadErrorKind::Syntax, "invalid \\u escape")),
            };
            value = value * 16 + u16::from(nibble);
        }
        self.pos += 4;
        Ok(value)
    }

    /// Reads the four hex digits after `\u` (and a low surrogate when needed).
    fn unicode_escape(&mut self) -> Result<char, ReadError> {
        let high = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&high) {
            if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                return Err(self.error(ReadErrorKind::Syntax, "unpaired surrogate in \\u escape"));
            }
            self.pos += 2;
            let low = self.hex4()?;
            if !(0xDC00..0xE000).contains(&low) {
                return Err(self.error(ReadErrorKind::Syntax, "unpaired surrogate in \\u escape"));
            }
            0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(low) - 0xDC00)
        } else {
            u32::from(high)
        };
        char::from_u32(code)
            .ok_or_else(|| self.error(ReadErrorKind::Syntax, "unpaired surrogate in \\u escape"))
    }

    /// Reads a boolean.
    ///
    /// # Errors
    ///
    /// When the next value is not `true` or `false`.
    pub fn boolean(&mut self) -> Result<bool, ReadError> {
        match self.peek() {
            Some(b't') if self.bytes[self.pos..].starts_with(b"true") => {
                self.pos += 4;
                Ok(true)
            }
            Some(b'f') if self.bytes[self.pos..].starts_with(b"false") => {
                self.pos += 5;
                Ok(false)
            }
            _ => Err(self.unexpected("a boolean")),
        }
    }

    /// Reads a number and returns its text, checked against the JSON number
    /// grammar.
    ///
    /// # Errors
    ///
    /// When the next value is not a number (`expected` names what was
    /// wanted), or the number is malformed.
    pub fn number(&mut self, expected: &str) -> Result<&'a str, ReadError> {
        match self.peek() {
            Some(b'-' | b'0'..=b'9') => {}
            _ => return Err(self.unexpected(expected)),
        }
        let start = self.pos;
        let bytes = self.bytes;
        let mut i = start;
        if bytes.get(i) == Some(&b'-') {
            i += 1;
        }
        let digits = |i: &mut usize| {
            let begin = *i;
            while bytes.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            *i - begin
        };
        let int_start = i;
        let int_len = digits(&mut i);
        if int_len == 0 || (int_len > 1 && bytes[int_start] == b'0') {
            self.pos = i;
            return Err(self.error(ReadErrorKind::Syntax, "invalid number"));
        }
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            if digits(&mut i) == 0 {
                self.pos = i;
                return Err(self.error(ReadErrorKind::Syntax, "invalid number"));
            }
        }
        if matches!(bytes.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(bytes.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if digits(&mut i) == 0 {
                self.pos = i;
                return Err(self.error(ReadErrorKind::Syntax, "invalid number"));
            }
        }
        self.pos = i;
        // The bytes checked above are ASCII.
        std::str::from_utf8(&bytes[start..i])
            .map_err(|_| self.error(ReadErrorKind::Syntax, "invalid number"))
    }

    /// Skips one value of any type, checking its syntax.
    ///
    /// # Errors
    ///
    /// Syntax errors and nesting beyond [`MAX_DEPTH`].
    pub fn skip_value(&mut self) -> Result<(), ReadError> {
        match self.peek() {
            Some(b'{') => {
                self.begin_object("an object")?;
                while self.next_key()?.is_some() {
                    self.skip_value()?;
                }
                Ok(())
            }
            Some(b'[') => {
                self.begin_array("an array")?;
                while self.next_item()? {
                    self.skip_value()?;
                }
                Ok(())
            }
            Some(b'"') => self.string_body().map(drop),
            Some(b't' | b'f') => self.boolean().map(drop),
            Some(b'n') if self.null() => Ok(()),
            Some(b'-' | b'0'..=b'9') => self.number("a number").map(drop),
            _ => Err(self.unexpected("a JSON value")),
        }
    }

    /// Computes the 1-based line and column of a byte offset.
    pub(crate) fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
        let before = &bytes[..offset.min(bytes.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let column = std::str::from_utf8(&before[line_start..])
            .map_or(before.len() - line_start, |s| s.chars().count())
            + 1;
        (line, column)
    }
}

impl Clone for Reader<'_> {
    fn clone(&self) -> Self {
        Reader {
            bytes: self.bytes,
            text: self.text,
            pos: self.pos,
            depth: self.depth,
            first: self.first,
        }
    }
}

impl Reader<'_> {
    /// Marks the current object as just opened again, after a rewind to
    /// the position right after its `{`.
    pub(crate) fn restart_object(&mut self) {
        self.first = true;
    }

    /// Leaves one level of nesting, after a rewind to before the `{` of the
    /// current object.
    pub(crate) fn unwind_one(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_nested_structure() {
        let mut r = Reader::new(br#" { "a" : [1, -2.50e3, "x\u00e9\n", true, null], "b": {} } "#);
        r.begin_object("an object").unwrap();
        assert_eq!(r.next_key().unwrap().as_deref(), Some("a"));
        r.begin_array("an array").unwrap();
        assert!(r.next_item().unwrap());
        assert_eq!(r.number("a number").unwrap(), "1");
        assert!(r.next_item().unwrap());
        assert_eq!(r.number("a number").unwrap(), "-2.50e3");
        assert!(r.next_item().unwrap());
        assert_eq!(r.string("a string").unwrap(), "x\u{e9}\n");
        assert!(r.next_item().unwrap());
        assert!(r.boolean().unwrap());
        assert!(r.next_item().unwrap());
        assert!(r.null());
        assert!(!r.next_item().unwrap());
        assert_eq!(r.next_key().unwrap().as_deref(), Some("b"));
        r.skip_value().unwrap();
        assert_eq!(r.next_key().unwrap(), None);
        r.end().unwrap();
    }

    #[test]
    fn rejects_bad_numbers() {
        for text in ["01", "1.", "-", "1e", ".5"] {
            let mut r = Reader::new(text.as_bytes());
            assert!(r.skip_value().is_err(), "{text} should be rejected");
        }
    }

    #[test]
    fn surrogate_pairs_decode() {
        let mut r = Reader::new(br#""\ud83d\ude00""#);
        assert_eq!(r.string("a string").unwrap(), "\u{1F600}");
        let mut r = Reader::new(br#""\ud83d""#);
        assert!(r.string("a string").is_err());
    }

    #[test]
    fn depth_is_limited() {
        let text = "[".repeat(200) + &"]".repeat(200);
        let mut r = Reader::new(text.as_bytes());
        let error = r.skip_value().unwrap_err();
        assert_eq!(error.message(), "nesting deeper than 128 levels");
    }

    #[test]
    fn line_and_column() {
        assert_eq!(Reader::line_column(b"ab\ncd", 4), (2, 2));
    }
}
