//! Newline-delimited JSON, the Bulk Data export format: one resource per line.

use std::io::{self, BufRead, Write};

use super::Error;
use crate::r4::Resource;

/// The default limit on one line: 64 MiB, far above any single resource
/// seen in payer exports (large Bundles are not exported as one line).
pub const DEFAULT_MAX_LINE: usize = 64 * 1024 * 1024;

/// Reads resources one line at a time. Memory use is bounded by the longest
/// line, which is capped by [`Reader::with_max_line`]. Blank lines are
/// skipped.
///
/// ```
/// let input = "{\"resourceType\":\"Patient\",\"id\":\"a\"}\n\n{\"resourceType\":\"Patient\",\"id\":\"b\"}\n";
/// let ids: Vec<String> = fhir_payer::json::ndjson::Reader::new(input.as_bytes())
///     .map(|r| r.unwrap().id().unwrap().to_string())
///     .collect();
/// assert_eq!(ids, ["a", "b"]);
/// ```
#[derive(Debug)]
pub struct Reader<R> {
    inner: R,
    buffer: Vec<u8>,
    line: usize,
    max_line: usize,
    failed: bool,
}

impl<R: BufRead> Reader<R> {
    /// Creates a reader with the [`DEFAULT_MAX_LINE`] limit.
    pub fn new(inner: R) -> Self {
        Self::with_max_line(inner, DEFAULT_MAX_LINE)
    }

    /// Creates a reader that rejects lines longer than `max_line` bytes.
    pub fn with_max_line(inner: R, max_line: usize) -> Self {
        Reader {
            inner,
            buffer: Vec::new(),
            line: 0,
            max_line,
            failed: false,
        }
    }

    /// Returns the 1-based number of the last line read.
    pub fn line(&self) -> usize {
        self.line
    }

    /// Reads the next resource.
    ///
    /// Returns `None` at the end of the input. An error for a line that is
    /// not a valid resource carries the line number; reading can go on with
    /// the next line. After an I/O error or a line over the limit the reader
    /// stops, because the start of the next line is then unknown.
    ///
    /// # Errors
    ///
    /// The errors of [`super::from_slice`], [`super::Category::Io`] and
    /// [`super::Category::TooLong`].
    pub fn read_resource(&mut self) -> Option<Result<Resource, Error>> {
        if self.failed {
            return None;
        }
        loop {
            self.buffer.clear();
            self.line += 1;
            match self.read_line() {
                Ok(0) => return None,
                Ok(_) => {}
                Err(error) => {
                    self.failed = true;
                    return Some(Err(error));
                }
            }
            let text = trim_ascii(&self.buffer);
            if text.is_empty() {
                continue;
            }
            let line = self.line;
            return Some(super::from_slice(text).map_err(|e| e.at_line(line)));
        }
    }

    /// Reads up to and including the next newline into the buffer, failing
    /// once the line passes the limit.
    fn read_line(&mut self) -> Result<usize, Error> {
        let mut total = 0;
        loop {
            let available = match self.inner.fill_buf() {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::io(e).at_line(self.line)),
            };
            if available.is_empty() {
                return Ok(total);
            }
            let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
                Some(end) => (&available[..=end], true),
                None => (available, false),
            };
            if self.buffer.len() + chunk.len() > self.max_line.saturating_add(2) {
                return Err(Error::too_long(self.line, self.max_line));
            }
            self.buffer.extend_from_slice(chunk);
            let used = chunk.len();
            total += used;
            self.inner.consume(used);
            if done {
                return Ok(total);
            }
        }
    }
}

impl<R: BufRead> Iterator for Reader<R> {
    type Item = Result<Resource, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        self.read_resource()
    }
}

fn trim_ascii(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &bytes[start..end]
}

/// Writes resources one per line.
#[derive(Debug)]
pub struct Writer<W> {
    inner: W,
    buffer: Vec<u8>,
}

impl<W: Write> Writer<W> {
    /// Creates a writer on `inner`. Wrap files in a `BufWriter`.
    pub fn new(inner: W) -> Self {
        Writer {
            inner,
            buffer: Vec::with_capacity(4096),
        }
    }

    /// Writes one resource and a newline.
    ///
    /// # Errors
    ///
    /// [`super::Category::Io`] when writing fails.
    pub fn write(&mut self, resource: &Resource) -> Result<(), Error> {
        self.buffer.clear();
        super::write_into(&mut self.buffer, resource)?;
        self.buffer.push(b'\n');
        self.inner.write_all(&self.buffer).map_err(Error::io)
    }

    /// Flushes and returns the inner writer.
    ///
    /// # Errors
    ///
    /// [`super::Category::Io`] when flushing fails.
    pub fn into_inner(mut self) -> Result<W, Error> {
        self.inner.flush().map_err(Error::io)?;
        Ok(self.inner)
    }
}
