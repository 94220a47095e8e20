//! Reading the target type, id and version from a reference string.

use crate::r4::ResourceType;

/// The parts of a reference string, borrowed from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct ReferenceParts<'a> {
    /// The type of the target, when the text names one.
    pub resource_type: Option<ResourceType>,
    /// The logical id, or the contained id of a `#id` reference.
    pub id: Option<&'a str>,
    /// The `_history` version.
    pub version: Option<&'a str>,
    /// Whether the reference is to a contained resource (`#id`).
    pub contained: bool,
}

/// Splits a reference into type, id and version.
///
/// Reads `Type/id`, `Type/id/_history/version`, and absolute URLs that end
/// in one of these (`https://example.org/fhir/Patient/1`). `#id` is a
/// contained reference with only an id. URNs (`urn:uuid:...`), conditional
/// references (`Patient?identifier=...`) and text whose type is not an R4
/// resource type or whose id is not a valid FHIR id give no parts.
pub(crate) fn parse_reference(text: &str) -> ReferenceParts<'_> {
    if let Some(local) = text.strip_prefix('#') {
        return ReferenceParts {
            id: (!local.is_empty()).then_some(local),
            contained: true,
            ..Default::default()
        };
    }
    if text.starts_with("urn:") || text.contains('?') {
        return ReferenceParts::default();
    }

    // Read the last four path segments, from the end.
    let path = text.split('#').next().unwrap_or(text);
    let mut segments = path.rsplit('/');
    let last = segments.next();
    let second_last = segments.next();
    let third_last = segments.next();
    let fourth_last = segments.next();
    let (type_name, id, version) = match (fourth_last, third_last, second_last, last) {
        (Some(type_name), Some(id), Some("_history"), Some(version)) => {
            (type_name, id, Some(version))
        }
        (_, _, Some(type_name), Some(id)) => (type_name, id, None),
        _ => return ReferenceParts::default(),
    };

    let resource_type = ResourceType::from_name(type_name);
    let valid = resource_type.is_some() && is_id(id) && version.is_none_or(is_id);
    if !valid {
        return ReferenceParts::default();
    }
    ReferenceParts {
        resource_type,
        id: Some(id),
        version,
        contained: false,
    }
}

/// Reads the resource type from `Reference.type`, which is a type name
/// (`Patient`) or the URL of its StructureDefinition.
pub(crate) fn type_from_uri(uri: &str) -> Option<ResourceType> {
    let name = uri.rsplit('/').next().unwrap_or(uri);
    ResourceType::from_name(name)
}

/// Checks whether `text` is a FHIR id: 1 to 64 letters, digits, `-` and
/// `.`.
fn is_id(text: &str) -> bool {
    (1..=64).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_reference() {
        let parts = parse_reference("Patient/123");
        assert_eq!(parts.resource_type, Some(ResourceType::Patient));
        assert_eq!(parts.id, Some("123"));
        assert_eq!(parts.version, None);
    }

    #[test]
    fn versioned_reference() {
        let parts = parse_reference("Patient/1/_history/2");
        assert_eq!(parts.resource_type, Some(ResourceType::Patient));
        assert_eq!(parts.id, Some("1"));
        assert_eq!(parts.version, Some("2"));
    }

    #[test]
    fn absolute_reference() {
        let parts = parse_reference("https://x.example/fhir/Patient/1");
        assert_eq!(parts.resource_type, Some(ResourceType::Patient));
        assert_eq!(parts.id, Some("1"));
    }

    #[test]
    fn absolute_versioned_reference() {
        let parts = parse_reference("http://x.example/fhir/Observation/o-1/_history/7");
        assert_eq!(parts.resource_type, Some(ResourceType::Observation));
        assert_eq!(parts.id, Some("o-1"));
        assert_eq!(parts.version, Some("7"));
    }

    #[test]
    fn contained_reference() {
        let parts = parse_reference("#c1");
        assert!(parts.contained);
        assert_eq!(parts.id, Some("c1"));
        assert_eq!(parts.resource_type, None);
    }

    #[test]
    fn urn_has_no_parts() {
        assert_eq!(
            parse_reference("urn:uuid:04121321-4af5-424c-a0e1-ed3aab1c349d"),
            ReferenceParts::default()
        );
    }

    #[test]
    fn conditional_reference_has_no_parts() {
        assert_eq!(
            parse_reference("Patient?identifier=http://x|1"),
            ReferenceParts::default()
        );
    }

    #[test]
    fn unknown_type_has_no_parts() {
        assert_eq!(parse_reference("Patients/1"), ReferenceParts::default());
    }

    #[test]
    fn invalid_id_has_no_parts() {
        assert_eq!(parse_reference("Patient/a_b"), ReferenceParts::default());
    }

    #[test]
    fn bare_id_has_no_parts() {
        assert_eq!(parse_reference("123"), ReferenceParts::default());
    }

    #[test]
    fn type_from_structure_definition_url() {
        let url = "http://hl7.org/fhir/StructureDefinition/Practitioner";
        assert_eq!(type_from_uri(url), Some(ResourceType::Practitioner));
        assert_eq!(
            type_from_uri("Organization"),
            Some(ResourceType::Organization)
        );
        assert_eq!(type_from_uri("http://x/NotAType"), None);
    }
}
