//! Turning FHIR names into Rust identifiers.

/// Rust keywords that cannot be field names as they are. They are written as
/// raw identifiers (`r#type`), except the few that Rust forbids even raw.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// Converts a FHIR element name (`birthDate`, `modifierExtension`) to a Rust
/// field name (`birth_date`, `modifier_extension`), as source text that may
/// be a raw identifier.
pub fn field_name(json_name: &str) -> String {
    let mut out = String::with_capacity(json_name.len() + 4);
    let chars: Vec<char> = json_name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            let prev_upper = i > 0 && chars[i - 1].is_ascii_uppercase();
            if i > 0 && (prev_lower || (prev_upper && next_lower)) {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else {
            out.push('_');
        }
    }
    if KEYWORDS.contains(&out.as_str()) {
        if NOT_RAW.contains(&out.as_str()) {
            out.push('_');
        } else {
            out.insert_str(0, "r#");
        }
    }
    out
}

/// Converts any FHIR name or code to an UpperCamelCase Rust type or variant
/// name, keeping only ASCII letters and digits. Returns an empty string when
/// nothing is left.
pub fn type_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper_next = true;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if upper_next {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
            upper_next = false;
        } else {
            upper_next = true;
        }
    }
    out
}

/// Converts a code (`entered-in-error`, `>=`, `1.0.2`) to a variant name.
pub fn variant_name(code: &str, display: Option<&str>) -> String {
    let symbolic = match code {
        "<" => Some("LessThan"),
        "<=" => Some("LessOrEqual"),
        ">" => Some("GreaterThan"),
        ">=" => Some("GreaterOrEqual"),
        "=" => Some("Equal"),
        "!=" => Some("NotEqual"),
        "*" => Some("Any"),
        _ => None,
    };
    if let Some(name) = symbolic {
        return name.to_owned();
    }
    let mut name = if code
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == '-')
        && code.chars().any(|c| c.is_ascii_uppercase())
    {
        // All-capital codes (`AMB`, `OTH`) read better in CamelCase.
        type_name(&code.to_ascii_lowercase())
    } else {
        type_name(code)
    };
    if name.is_empty() {
        name = display.map(type_name).unwrap_or_default();
    }
    if name.is_empty() {
        name = "Code".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    name
}

/// Capitalizes the first letter, as FHIR does to build `valueQuantity` from
/// `value[x]` and `Quantity`.
pub fn capitalize(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names() {
        assert_eq!(field_name("birthDate"), "birth_date");
        assert_eq!(field_name("modifierExtension"), "modifier_extension");
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("targetUUID"), "target_uuid");
        assert_eq!(field_name("versionId"), "version_id");
    }

    #[test]
    fn variant_names() {
        assert_eq!(variant_name("entered-in-error", None), "EnteredInError");
        assert_eq!(variant_name(">=", None), "GreaterOrEqual");
        assert_eq!(variant_name("1.0.2", None), "V102");
        assert_eq!(variant_name("AMB", None), "Amb");
        assert_eq!(variant_name("male", None), "Male");
    }
}
