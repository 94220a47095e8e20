//! The element path of a deserialization error.
//!
//! serde errors carry no path, so the generated code records one on the way
//! out: when reading an element fails, each level pushes its own segment
//! (element name, array index or resource type) onto a thread-local list
//! before returning the error. The entry points in [`crate::json`] clear the
//! list before parsing and turn it into a FHIRPath-like string afterwards.
//! Nothing is recorded while parsing succeeds.

use std::cell::RefCell;

/// One step of an element path, recorded innermost first.
#[derive(Debug, Clone)]
pub(crate) enum Segment {
    /// An element name (`contact`, `_given`).
    Element(&'static str),
    /// An element name that is not known in advance (an unknown element).
    Unknown(String),
    /// An array index.
    Index(usize),
    /// The resource type of a resource being read.
    Resource(&'static str),
}

/// The recorded path is capped so that a caller who keeps deserializing
/// invalid input through plain serde, without our entry points that clear
/// it, cannot grow it without bound.
const MAX_SEGMENTS: usize = 256;

thread_local! {
    static SEGMENTS: RefCell<Vec<Segment>> = const { RefCell::new(Vec::new()) };
}

#[cold]
pub(crate) fn push(segment: Segment) {
    SEGMENTS.with(|segments| {
        let mut segments = segments.borrow_mut();
        if segments.len() < MAX_SEGMENTS {
            segments.push(segment);
        }
    });
}

pub(crate) fn clear() {
    SEGMENTS.with(|segments| segments.borrow_mut().clear());
}

/// Takes the recorded path and renders it, outermost first:
/// `Bundle.entry[2].resource.ofType(Patient).name[0].given[1]`.
pub(crate) fn take() -> String {
    let segments = SEGMENTS.with(|segments| std::mem::take(&mut *segments.borrow_mut()));
    render(segments.iter().rev())
}

fn render<'a>(segments: impl Iterator<Item = &'a Segment>) -> String {
    let mut out = String::new();
    for segment in segments {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_nested_resource_path() {
        let segments = [
            Segment::Index(1),
            Segment::Element("given"),
            Segment::Index(0),
            Segment::Element("name"),
            Segment::Resource("Patient"),
            Segment::Element("resource"),
            Segment::Index(2),
            Segment::Element("entry"),
            Segment::Resource("Bundle"),
        ];
        assert_eq!(render(segments.iter().rev()), "Bundle.entry[2].resource.ofType(Patient).name[0].given[1]");
    }
}
