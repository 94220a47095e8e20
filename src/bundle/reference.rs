//! The forms of a literal reference (`Reference.reference`) and of a RESTful
//! `fullUrl`, as the FHIR R4 references page defines them.

use crate::primitives::Id;
use crate::r4::ResourceType;

/// The path segment that starts the version part of a versioned reference.
const HISTORY: &str = "/_history/";

/// A literal reference, classified by how it resolves inside a Bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LiteralReference<'a> {
    /// `#id`, or `#` alone for the container resource.
    Contained { id: &'a str },
    /// `Type/id` or `Type/id/_history/vid`, relative to the service base.
    Relative(RestfulPath<'a>),
    /// `Type?query`, resolved by a search on the server.
    Conditional {
        resource_type: ResourceType,
        query: &'a str,
    },
    /// An absolute URL in the RESTful form `base/Type/id[/_history/vid]`.
    AbsoluteRestful {
        base: &'a str,
        path: RestfulPath<'a>,
    },
    /// Any other absolute URI (`urn:uuid:`, `urn:oid:`, a non-RESTful URL),
    /// compared with `fullUrl` as text.
    OtherAbsolute,
    /// A relative form that this module cannot resolve (`Patient`,
    /// `a/b/c`, an unknown type name).
    Unsupported,
}

/// The `Type/id[/_history/vid]` tail of a RESTful reference or URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RestfulPath<'a> {
    /// The resource type.
    pub resource_type: ResourceType,
    /// The logical id.
    pub id: &'a str,
    /// The version id, for a versioned reference.
    pub version: Option<&'a str>,
}

impl<'a> LiteralReference<'a> {
    /// Classifies `reference`.
    pub(crate) fn parse(reference: &'a str) -> Self {
        if let Some(id) = reference.strip_prefix('#') {
            return LiteralReference::Contained { id };
        }
        if is_absolute(reference) {
            return match split_restful_url(reference) {
                Some((base, path)) => LiteralReference::AbsoluteRestful { base, path },
                None => LiteralReference::OtherAbsolute,
            };
        }
        if let Some((type_name, query)) = reference.split_once('?') {
            return match ResourceType::from_name(type_name) {
                Some(resource_type) => LiteralReference::Conditional {
                    resource_type,
                    query,
                },
                None => LiteralReference::Unsupported,
            };
        }
        match parse_restful_path(reference) {
            Some(path) => LiteralReference::Relative(path),
            None => LiteralReference::Unsupported,
        }
    }
}

/// Returns whether `text` starts with a URI scheme (`https:`, `urn:`), which makes it
/// an absolute reference.
pub(crate) fn is_absolute(text: &str) -> bool {
    let Some((scheme, _)) = text.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    starts_with_letter && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Splits an `http` or `https` URL of the form `base/Type/id` or
/// `base/Type/id/_history/vid` into its base (without the trailing `/`) and
/// its RESTful path.
///
/// NOTE: the FHIR regex for RESTful URLs allows only letters, digits and
/// `-\.:%$` in the base. This check accepts any characters in the base but
/// requires no query or fragment, so bases such as `https://ex.org/fhir_r4`
/// also count as RESTful.
pub(crate) fn split_restful_url(url: &str) -> Option<(&str, RestfulPath<'_>)> {
    let lower_scheme = url.get(..8).map(str::to_ascii_lowercase);
    let rest = match lower_scheme.as_deref() {
        Some(prefix) if prefix.starts_with("http://") => &url[7..],
        Some("https://") => &url[8..],
        _ => return None,
    };
    if rest.contains(['?', '#']) {
        return None;
    }

    // The path starts at the type name: two segments before the end, not
    // counting a trailing `/_history/vid`.
    let before_history = match rest.rfind(HISTORY) {
        Some(at) => &rest[..at],
        None => rest,
    };
    let type_start = nth_slash_from_end(before_history, 2)?;
    let path = parse_restful_path(&rest[type_start + 1..])?;

    // A base needs a host: `https:///Patient/1` has none.
    let host_and_path = &rest[..type_start];
    if !host_and_path.contains(|c| c != '/') {
        return None;
    }
    let scheme_len = url.len() - rest.len();
    Some((&url[..scheme_len + type_start], path))
}

/// Returns the byte position of the `n`th `/` counted from the end of `text`.
fn nth_slash_from_end(text: &str, n: usize) -> Option<usize> {
    text.rmatch_indices('/').nth(n - 1).map(|(at, _)| at)
}

/// Parses `Type/id` or `Type/id/_history/vid`, where Type is an R4 resource
/// type and the ids have the syntax of the FHIR id type.
pub(crate) fn parse_restful_path(path: &str) -> Option<RestfulPath<'_>> {
    let mut segments = path.split('/');
    let type_name = segments.next()?;
    let id = segments.next()?;
    let version = match (segments.next(), segments.next(), segments.next()) {
        (None, _, _) => None,
        (Some("_history"), Some(version), None) => Some(version),
        _ => return None,
    };

    let resource_type = ResourceType::from_name(type_name)?;
    if id.parse::<Id>().is_err() {
        return None;
    }
    if version.is_some_and(|version| version.parse::<Id>().is_err()) {
        return None;
    }
    Some(RestfulPath {
        resource_type,
        id,
        version,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contained_forms() {
        assert_eq!(
            LiteralReference::parse("#med1"),
            LiteralReference::Contained { id: "med1" }
        );
        assert_eq!(
            LiteralReference::parse("#"),
            LiteralReference::Contained { id: "" }
        );
    }

    #[test]
    fn relative_forms() {
        let plain = LiteralReference::parse("Patient/p-7");
        let expected = RestfulPath {
            resource_type: ResourceType::Patient,
            id: "p-7",
            version: None,
        };
        assert_eq!(plain, LiteralReference::Relative(expected));

        let versioned = LiteralReference::parse("Patient/p-7/_history/4");
        let expected = RestfulPath {
            version: Some("4"),
            ..expected
        };
        assert_eq!(versioned, LiteralReference::Relative(expected));
    }

    #[test]
    fn unsupported_relative_forms() {
        for reference in [
            "Patient",
            "Patient/",
            "Nothing/1",
            "Patient/a b",
            "Patient/1/_history",
            "a/Patient/1",
        ] {
            assert_eq!(
                LiteralReference::parse(reference),
                LiteralReference::Unsupported,
                "{reference}"
            );
        }
    }

    #[test]
    fn conditional_form() {
        let parsed = LiteralReference::parse("Organization?identifier=urn:npi|99");
        let expected = LiteralReference::Conditional {
            resource_type: ResourceType::Organization,
            query: "identifier=urn:npi|99",
        };
        assert_eq!(parsed, expected);
    }

    #[test]
    fn absolute_restful_url() {
        let parsed = LiteralReference::parse("https://payer.test/r4/Coverage/c1/_history/2");
        let path = RestfulPath {
            resource_type: ResourceType::Coverage,
            id: "c1",
            version: Some("2"),
        };
        assert_eq!(
            parsed,
            LiteralReference::AbsoluteRestful {
                base: "https://payer.test/r4",
                path
            }
        );
    }

    #[test]
    fn absolute_non_restful() {
        for reference in [
            "urn:uuid:7f1c2a8e-0d53-4c1b-9a55-2f7b8e0c1d34",
            "urn:oid:1.2.3",
            "https://payer.test/r4/Coverage?status=active",
            "https://Coverage/c1",
            "ftp://payer.test/Coverage/c1",
        ] {
            assert_eq!(
                LiteralReference::parse(reference),
                LiteralReference::OtherAbsolute,
                "{reference}"
            );
        }
    }

    #[test]
    fn scheme_detection() {
        assert!(is_absolute("urn:uuid:1"));
        assert!(is_absolute("HTTPS://x"));
        assert!(!is_absolute("Patient/1"));
        assert!(!is_absolute("1:x"));
    }
}
