//! The FHIR rules for narrative XHTML (`Narrative.div`), checked on request
//! by [`Xhtml::check_narrative`].
//!
//! FHIR R4 requires the `div` to be well-formed XML: one `div` element in the
//! XHTML namespace, only the basic HTML formatting elements with `<a>` and
//! `<img>`, and no scripts, forms, frames, objects, head or body. It must
//! also have some non-whitespace content (invariant txt-2). The check
//! treats event attributes (`onclick`) and `javascript:` links as scripts.
//! It accepts only the entities that XML itself defines, because the `div`
//! has no DTD that would define HTML's: `&nbsp;` must be written as
//! `&#160;` or as the character.
//!
//! The reader does not run this check, because narratives are a large part
//! of FHIR JSON and reading stays fast without a second pass over them.

use super::Xhtml;

/// The XHTML namespace, which the root `div` must declare.
const XHTML_NAMESPACE: &str = "http://www.w3.org/1999/xhtml";

/// The elements FHIR allows in narrative: the HTML 4.0 formatting elements
/// of its chapters 7 to 11 and 15 (without `ins` and `del`), `a` and `img`,
/// sorted for binary search.
const ALLOWED_ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "address",
    "b",
    "bdo",
    "big",
    "blockquote",
    "br",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "font",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
];

/// The way a narrative `div` breaks the rules of FHIR narrative XHTML.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid narrative XHTML at byte {offset}: {message}")]
pub struct XhtmlError {
    /// The byte offset in the `div` text where the problem was found.
    pub offset: usize,
    /// A description of the problem and of what was expected.
    pub message: String,
}

impl Xhtml {
    /// Checks the FHIR rules for narrative XHTML that the module
    /// documentation lists. Apps that show a payer's narrative in a browser
    /// can use it to refuse markup with scripts or event handlers.
    ///
    /// # Errors
    ///
    /// The first rule broken, with its byte offset: malformed markup, a root
    /// other than an XHTML `div`, an element outside the allowed list, an
    /// `on…` attribute or a `javascript:` link, an entity other than XML's
    /// own, or no content.
    pub fn check_narrative(&self) -> Result<(), XhtmlError> {
        Checker {
            text: self.as_str(),
            at: 0,
            open: Vec::new(),
            content: false,
            root_closed: false,
        }
        .run()
    }
}

struct Checker<'a> {
    text: &'a str,
    at: usize,
    /// The names of the elements open at `at`, outermost first.
    open: Vec<&'a str>,
    /// Whether non-whitespace text or an image has been seen (txt-2).
    content: bool,
    root_closed: bool,
}

impl<'a> Checker<'a> {
    fn run(mut self) -> Result<(), XhtmlError> {
        self.skip_whitespace();
        if !self.rest().starts_with("<div") {
            return Err(self.error("expected the narrative to start with a `div` element"));
        }
        while self.at < self.text.len() {
            if self.root_closed {
                self.skip_whitespace();
                if self.at < self.text.len() {
                    return Err(self.error("expected nothing after the closing `</div>`"));
                }
                break;
            }
            match self.text.as_bytes()[self.at] {
                b'<' => self.markup()?,
                b'&' => self.entity()?,
                byte => {
                    if !byte.is_ascii_whitespace() {
                        self.content = true;
                    }
                    self.at += 1;
                }
            }
        }
        if !self.root_closed {
            return Err(self.error("expected `</div>` before the end of the narrative"));
        }
        if !self.content {
            return Err(XhtmlError {
                offset: 0,
                message: "expected some text or an image in the narrative, found none".to_owned(),
            });
        }
        Ok(())
    }

    fn rest(&self) -> &'a str {
        self.text.get(self.at..).unwrap_or("")
    }

    fn error(&self, message: impl Into<String>) -> XhtmlError {
        XhtmlError {
            offset: self.at,
            message: message.into(),
        }
    }

    fn skip_whitespace(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start().len();
    }

    /// Reads the markup that starts with `<` at `at`.
    fn markup(&mut self) -> Result<(), XhtmlError> {
        let rest = self.rest();
        if let Some(comment) = rest.strip_prefix("<!--") {
            let Some(end) = comment.find("-->") else {
                return Err(self.error("expected `-->` to close the comment"));
            };
            self.at += 4 + end + 3;
            return Ok(());
        }
        if let Some(data) = rest.strip_prefix("<![CDATA[") {
            let Some(end) = data.find("]]>") else {
                return Err(self.error("expected `]]>` to close the CDATA section"));
            };
            if !data[..end].trim().is_empty() {
                self.content = true;
            }
            self.at += 9 + end + 3;
            return Ok(());
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            return Err(self.error(
                "expected an element, found a declaration or processing instruction, \
                 which narrative may not contain",
            ));
        }
        if rest.starts_with("</") {
            return self.end_tag();
        }
        self.start_tag()
    }

    fn start_tag(&mut self) -> Result<(), XhtmlError> {
        self.at += 1;
        let name = self.name()?;
        let tag_start = self.at - name.len() - 1;
        if self.open.is_empty() && name != "div" {
            return Err(self.error(format!("expected the root element `div`, found `{name}`")));
        }
        if ALLOWED_ELEMENTS.binary_search(&name).is_err() {
            return Err(XhtmlError {
                offset: tag_start,
                message: format!("the element `{name}` is not allowed in narrative"),
            });
        }
        if name == "img" {
            self.content = true;
        }
        let mut namespace = None;
        loop {
            let before = self.at;
            self.skip_whitespace();
            let rest = self.rest();
            if rest.starts_with("/>") {
                self.at += 2;
                return self.opened(name, namespace, tag_start, true);
            }
            if rest.starts_with('>') {
                self.at += 1;
                return self.opened(name, namespace, tag_start, false);
            }
            if self.at == before {
                return Err(self.error(format!(
                    "expected whitespace, an attribute, `>` or `/>` in the `{name}` tag"
                )));
            }
            let (attribute, value) = self.attribute()?;
            if attribute == "xmlns" {
                namespace = Some(value);
            }
        }
    }

    /// Records an element whose start tag has been read.
    fn opened(
        &mut self,
        name: &'a str,
        namespace: Option<&str>,
        tag_start: usize,
        empty: bool,
    ) -> Result<(), XhtmlError> {
        if self.open.is_empty() && namespace != Some(XHTML_NAMESPACE) {
            return Err(XhtmlError {
                offset: tag_start,
                message: format!("expected the root `div` to declare xmlns=\"{XHTML_NAMESPACE}\""),
            });
        }
        if empty {
            if self.open.is_empty() {
                self.root_closed = true;
            }
        } else {
            self.open.push(name);
        }
        Ok(())
    }

    fn end_tag(&mut self) -> Result<(), XhtmlError> {
        self.at += 2;
        let name = self.name()?;
        self.skip_whitespace();
        if !self.rest().starts_with('>') {
            return Err(self.error(format!("expected `>` to close `</{name}`")));
        }
        self.at += 1;
        match self.open.pop() {
            Some(open) if open == name => {}
            Some(open) => {
                return Err(self.error(format!("expected `</{open}>`, found `</{name}>`")));
            }
            None => return Err(self.error(format!("found `</{name}>` with no open element"))),
        }
        if self.open.is_empty() {
            self.root_closed = true;
        }
        Ok(())
    }

    /// Reads an XML name (letters, digits, `-`, `_`, `.` and `:`).
    fn name(&mut self) -> Result<&'a str, XhtmlError> {
        let rest = self.rest();
        let length = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
            .count();
        if length == 0 || !rest.as_bytes()[0].is_ascii_alphabetic() {
            return Err(self.error("expected an element or attribute name"));
        }
        self.at += length;
        Ok(&rest[..length])
    }

    /// Reads `name="value"` (or single quotes) and checks it.
    fn attribute(&mut self) -> Result<(&'a str, &'a str), XhtmlError> {
        let name_start = self.at;
        let name = self.name()?;
        self.skip_whitespace();
        if !self.rest().starts_with('=') {
            return Err(self.error(format!("expected `=` after the attribute `{name}`")));
        }
        self.at += 1;
        self.skip_whitespace();

        let rest = self.rest();
        let Some(quote) = rest.chars().next().filter(|c| matches!(c, '"' | '\'')) else {
            return Err(self.error(format!("expected a quoted value for `{name}`")));
        };
        let Some(end) = rest[1..].find(quote) else {
            return Err(self.error(format!("expected a closing quote for `{name}`")));
        };
        let value = &rest[1..1 + end];
        if value.contains('<') {
            return Err(self.error(format!("expected no `<` in the value of `{name}`")));
        }
        self.check_entities(value, self.at + 1)?;
        self.at += end + 2;

        let lower = name.to_ascii_lowercase();
        if lower.starts_with("on") {
            return Err(XhtmlError {
                offset: name_start,
                message: format!("the event attribute `{name}` is not allowed in narrative"),
            });
        }
        let target = value.trim_start().to_ascii_lowercase();
        if matches!(lower.as_str(), "href" | "src") && target.starts_with("javascript:") {
            return Err(XhtmlError {
                offset: name_start,
                message: format!("a `javascript:` URL in `{name}` is not allowed in narrative"),
            });
        }
        Ok((name, value))
    }

    /// Reads the entity reference that starts with `&` at `at`.
    fn entity(&mut self) -> Result<(), XhtmlError> {
        let rest = self.rest();
        let Some(end) = rest.find(';') else {
            return Err(self.error("expected `;` to end the entity reference"));
        };
        check_entity(&rest[1..end]).map_err(|message| self.error(message))?;
        self.content = true;
        self.at += end + 1;
        Ok(())
    }

    /// Checks the entity references in an attribute value that starts at
    /// byte `offset`.
    fn check_entities(&self, value: &str, offset: usize) -> Result<(), XhtmlError> {
        let mut rest = value;
        while let Some(start) = rest.find('&') {
            let at = offset + (value.len() - rest.len()) + start;
            let after = &rest[start + 1..];
            let Some(end) = after.find(';') else {
                return Err(XhtmlError {
                    offset: at,
                    message: "expected `;` to end the entity reference".to_owned(),
                });
            };
            check_entity(&after[..end]).map_err(|message| XhtmlError {
                offset: at,
                message,
            })?;
            rest = &after[end + 1..];
        }
        Ok(())
    }
}

/// Checks the name of an entity reference (the text between `&` and `;`):
/// one of XML's five, or a character reference.
fn check_entity(name: &str) -> Result<(), String> {
    let code = if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
        u32::from_str_radix(hex, 16).ok()
    } else if let Some(decimal) = name.strip_prefix('#') {
        decimal.parse::<u32>().ok()
    } else if matches!(name, "lt" | "gt" | "amp" | "quot" | "apos") {
        return Ok(());
    } else {
        return Err(format!(
            "the entity `&{name};` is not defined in XML; write the character or a \
             character reference such as `&#160;`"
        ));
    };
    match code.and_then(char::from_u32) {
        Some(_) => Ok(()),
        None => Err(format!("`&{name};` is not a valid character reference")),
    }
}

#[cfg(test)]
mod tests {
    use super::Xhtml;

    fn check(div: &str) -> Result<(), String> {
        let xhtml: Xhtml = div.parse().map_err(|e| format!("{e}"))?;
        xhtml.check_narrative().map_err(|e| e.to_string())
    }

    const OPEN: &str = "<div xmlns=\"http://www.w3.org/1999/xhtml\">";

    #[test]
    fn allowed_narratives_pass() {
        for body in [
            "<p>Ann Lee</p>",
            "<table><tr><td>a &amp; b</td><td>&#160;&#x41;</td></tr></table>",
            "<img src=\"#photo\" alt=\"photo\"/>",
            "<a href=\"Patient/1\" style=\"color: red\">link</a><br/>",
            "<!-- note --><span>x</span><![CDATA[ y ]]>",
        ] {
            let div = format!("{OPEN}{body}</div>");
            assert_eq!(check(&div), Ok(()), "{div}");
        }
    }

    #[test]
    fn forbidden_narratives_fail() {
        let cases = [
            (
                "<script>alert(1)</script>",
                "the element `script` is not allowed",
            ),
            (
                "<p onclick=\"x()\">a</p>",
                "the event attribute `onclick` is not allowed",
            ),
            (
                "<a href=\" JavaScript:x()\">a</a>",
                "a `javascript:` URL in `href`",
            ),
            (
                "<p>a&nbsp;b</p>",
                "the entity `&nbsp;` is not defined in XML",
            ),
            ("<p>a</b>", "expected `</p>`, found `</b>`"),
            ("<p>a", "expected `</p>`, found `</div>`"),
            ("<p> </p>", "expected some text or an image"),
            ("<form><p>a</p></form>", "the element `form` is not allowed"),
            ("<p title=a>x</p>", "expected a quoted value for `title`"),
            ("<p>&#xD800;</p>", "not a valid character reference"),
        ];
        for (body, expected) in cases {
            let div = format!("{OPEN}{body}</div>");
            let error = check(&div).expect_err(&div);
            assert!(error.contains(expected), "{div}: {error}");
        }
    }

    #[test]
    fn root_rules() {
        assert!(check("<div><p>a</p></div>").unwrap_err().contains("xmlns"));
        assert!(
            check("<p>a</p>")
                .unwrap_err()
                .contains("start with a `div`")
        );
        let unclosed = format!("{OPEN}<p>a</p>");
        assert!(
            check(&unclosed)
                .unwrap_err()
                .contains("expected `</div>` before the end")
        );
        let after = format!("{OPEN}<p>a</p></div><p>b</p>");
        assert!(check(&after).unwrap_err().contains("nothing after"));
        let doctype = format!("<!DOCTYPE html>{OPEN}a</div>");
        assert!(check(&doctype).unwrap_err().contains("start with a `div`"));
    }

    #[test]
    fn malformed_input_never_panics() {
        for div in [
            "<",
            "<div",
            "<div xmlns=",
            "<div a='",
            "&",
            "<div>&#;</div>",
            "<div/>",
            "<€>",
        ] {
            let _ = check(div);
        }
    }
}
