//! Typed search values: how the text of one alternative (between commas)
//! reads for each parameter type, and how it is written back.

use std::fmt;

use crate::primitives::Decimal;
use crate::r4::ResourceType;
use crate::search::registry::{SearchParamDef, SearchParamType, search_parameters};

use super::date::SearchDate;
use super::escape::{push_escaped, split_unescaped, unescape};
use super::modifier::Modifier;

/// A comparison prefix of a number, date or quantity value (`ge2010`).
///
/// A value without a prefix has [`Prefix::Eq`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Prefix {
    /// `eq`: the ranges overlap fully (the value's range contains the target's).
    #[default]
    Eq,
    /// `ne`: not `eq`.
    Ne,
    /// `gt`: the target goes above the value.
    Gt,
    /// `lt`: the target goes below the value.
    Lt,
    /// `ge`: `gt` or `eq`.
    Ge,
    /// `le`: `lt` or `eq`.
    Le,
    /// `sa`: the target starts after the value ends.
    Sa,
    /// `eb`: the target ends before the value starts.
    Eb,
    /// `ap`: approximately equal; this library uses 10% of the value.
    Ap,
}

impl Prefix {
    /// Every prefix with its two letters.
    const ALL: [(&'static str, Prefix); 9] = [
        ("eq", Prefix::Eq),
        ("ne", Prefix::Ne),
        ("gt", Prefix::Gt),
        ("lt", Prefix::Lt),
        ("ge", Prefix::Ge),
        ("le", Prefix::Le),
        ("sa", Prefix::Sa),
        ("eb", Prefix::Eb),
        ("ap", Prefix::Ap),
    ];

    /// Returns the two letters of the prefix.
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, prefix)| *prefix == self)
            .map_or("eq", |(text, _)| text)
    }

    /// Splits a leading prefix off `text`, giving [`Prefix::Eq`] when there
    /// is none. `-5` has no prefix.
    fn split(text: &str) -> (Prefix, &str) {
        if let Some(letters) = text.get(..2) {
            if let Some((_, prefix)) = Self::ALL.iter().find(|(name, _)| *name == letters) {
                return (*prefix, &text[2..]);
            }
        }
        (Prefix::Eq, text)
    }
}

impl fmt::Display for Prefix {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// The system part of a token value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TokenSystem {
    /// `code`: any system, or none.
    Any,
    /// `|code`: only codes without a system.
    None,
    /// `system|code` or `system|`: this system.
    Is(String),
}

/// A token value: `code`, `|code`, `system|code` or `system|`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TokenValue {
    /// The systems that match.
    pub system: TokenSystem,
    /// The code, or `None` for `system|`, which matches every code in the
    /// system.
    pub code: Option<String>,
}

/// An `:of-type` value: `type-system|type-code|value` for an Identifier
/// whose `type` has that coding and whose `value` is the third part.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OfTypeValue {
    /// The system of the identifier type coding.
    pub type_system: String,
    /// The code of the identifier type coding.
    pub type_code: String,
    /// The identifier value.
    pub value: String,
}

/// A reference value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ReferenceValue {
    /// A resource on this server: `id`, `Type/id`, `Type/id/_history/vid`,
    /// or an absolute URL that starts with the server's base URL.
    Local {
        /// The resource type, when the value or a `:[type]` modifier names it.
        resource_type: Option<ResourceType>,
        /// The logical id.
        id: String,
        /// The version id after `_history`.
        version: Option<String>,
    },
    /// An absolute URL or URN that is not on this server, compared as text.
    External(String),
}

/// A quantity value: `[prefix]number`, `[prefix]number|system|code` or
/// `[prefix]number||code`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct QuantityValue {
    /// The comparison prefix.
    pub prefix: Prefix,
    /// The number, with the digits as written.
    pub number: Decimal,
    /// The unit system; `None` for a plain number or `number||code`.
    pub system: Option<String>,
    /// The unit code. Without a system it matches `Quantity.code` or
    /// `Quantity.unit`; `None` matches any unit.
    pub code: Option<String>,
}

/// A `near` value of Location: `latitude|longitude[|distance[|units]]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NearValue {
    /// Latitude in decimal degrees (WGS84).
    pub latitude: Decimal,
    /// Longitude in decimal degrees (WGS84).
    pub longitude: Decimal,
    /// The maximum distance, when given.
    pub distance: Option<Decimal>,
    /// The UCUM unit of the distance (`km` when absent, as R4 specifies).
    pub units: Option<String>,
}

/// One alternative of a search parameter's value, typed by the parameter.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SearchValue {
    /// A number parameter's value.
    Number {
        /// The comparison prefix.
        prefix: Prefix,
        /// The number, with the digits as written.
        number: Decimal,
    },
    /// A date parameter's value.
    Date {
        /// The comparison prefix.
        prefix: Prefix,
        /// The date, with its precision.
        date: SearchDate,
    },
    /// A quantity parameter's value.
    Quantity(QuantityValue),
    /// A string parameter's value, or the text of a token `:text` search.
    String(String),
    /// A token value, also for `:not`, `:above`, `:below` and a reference's
    /// `:identifier`.
    Token(TokenValue),
    /// A token `:of-type` value.
    OfType(OfTypeValue),
    /// A reference parameter's value.
    Reference(ReferenceValue),
    /// A uri value, also the value set URL of token `:in` and `:not-in`.
    Uri(String),
    /// A composite value, one value per component in definition order.
    Composite(Vec<SearchValue>),
    /// A Location `near` value.
    Near(NearValue),
    /// The value of another special parameter (`_list`), as text.
    Special(String),
    /// The `true` or `false` of `:missing`.
    Missing(bool),
}

/// The server settings that value parsing reads.
pub(crate) struct ValueContext<'a> {
    /// The server's base URL without a trailing slash.
    pub base_url: Option<&'a str>,
}

/// Parses one alternative of a value, with escapes still in place.
///
/// The error is the expected form, for [`SearchError::InvalidValue`](super::SearchError::InvalidValue).
pub(crate) fn parse_value(
    raw: &str,
    def: &SearchParamDef,
    modifier: Option<Modifier>,
    context: &ValueContext<'_>,
) -> Result<SearchValue, String> {
    use SearchParamType as T;
    match (def.param_type, modifier) {
        (_, Some(Modifier::Missing)) => match raw {
            "true" => Ok(SearchValue::Missing(true)),
            "false" => Ok(SearchValue::Missing(false)),
            _ => Err("`:missing` takes `true` or `false`".to_owned()),
        },
        (T::Token, Some(Modifier::Text)) => Ok(SearchValue::String(unescape(raw))),
        (T::Token, Some(Modifier::In | Modifier::NotIn)) => Ok(SearchValue::Uri(unescape(raw))),
        (T::Token, Some(Modifier::OfType)) => parse_of_type(raw).map(SearchValue::OfType),
        (T::Token, _) => parse_token(raw).map(SearchValue::Token),
        (T::Reference, Some(Modifier::Identifier)) => parse_token(raw).map(SearchValue::Token),
        (T::Reference, _) => {
            let type_hint = match modifier {
                Some(Modifier::Type(resource_type)) => Some(resource_type),
                _ => None,
            };
            parse_reference(&unescape(raw), type_hint, def, context).map(SearchValue::Reference)
        }
        (T::Number, _) => {
            let (prefix, rest) = Prefix::split(raw);
            let number = parse_number(rest)?;
            Ok(SearchValue::Number { prefix, number })
        }
        (T::Date, _) => {
            let (prefix, rest) = Prefix::split(raw);
            let date = SearchDate::parse(&unescape(rest))?;
            Ok(SearchValue::Date { prefix, date })
        }
        (T::Quantity, _) => parse_quantity(raw).map(SearchValue::Quantity),
        (T::String, _) => Ok(SearchValue::String(unescape(raw))),
        (T::Uri, _) => Ok(SearchValue::Uri(unescape(raw))),
        (T::Composite, _) => parse_composite(raw, def, context),
        _ if def.code == "near" => parse_near(raw).map(SearchValue::Near),
        _ => Ok(SearchValue::Special(unescape(raw))),
    }
}

fn parse_number(text: &str) -> Result<Decimal, String> {
    unescape(text).parse::<Decimal>().map_err(|error| {
        format!(
            "expected a number such as 5, -0.25 or 1e3, with an optional prefix such as ge; {}",
            error.reason()
        )
    })
}

fn parse_token(raw: &str) -> Result<TokenValue, String> {
    let parts = split_unescaped(raw, b'|');
    match parts.as_slice() {
        [code] => Ok(TokenValue {
            system: TokenSystem::Any,
            code: Some(unescape(code)),
        }),
        ["", ""] => Err("`|` alone names neither a system nor a code; expected code, system|code, |code or system|".to_owned()),
        ["", code] => Ok(TokenValue {
            system: TokenSystem::None,
            code: Some(unescape(code)),
        }),
        [system, ""] => Ok(TokenValue {
            system: TokenSystem::Is(unescape(system)),
            code: None,
        }),
        [system, code] => Ok(TokenValue {
            system: TokenSystem::Is(unescape(system)),
            code: Some(unescape(code)),
        }),
        _ => Err("a token has at most one unescaped `|`; expected code, system|code, |code or system|, and write a literal `|` as `\\|`".to_owned()),
    }
}

fn parse_of_type(raw: &str) -> Result<OfTypeValue, String> {
    let parts = split_unescaped(raw, b'|');
    match parts.as_slice() {
        [type_system, type_code, value]
            if !type_system.is_empty() && !type_code.is_empty() && !value.is_empty() =>
        {
            Ok(OfTypeValue {
                type_system: unescape(type_system),
                type_code: unescape(type_code),
                value: unescape(value),
            })
        }
        _ => Err("`:of-type` expects type-system|type-code|value with all three parts".to_owned()),
    }
}

fn parse_quantity(raw: &str) -> Result<QuantityValue, String> {
    let (prefix, rest) = Prefix::split(raw);
    let parts = split_unescaped(rest, b'|');
    let (number, system, code) = match parts.as_slice() {
        [number] => (number, None, None),
        [number, system, code] if !code.is_empty() => {
            let system = (!system.is_empty()).then(|| unescape(system));
            (number, system, Some(unescape(code)))
        }
        _ => {
            return Err(
                "expected [prefix]number, [prefix]number|system|code or [prefix]number||code"
                    .to_owned(),
            );
        }
    };
    Ok(QuantityValue {
        prefix,
        number: parse_number(number)?,
        system,
        code,
    })
}

fn parse_near(raw: &str) -> Result<NearValue, String> {
    const FORMAT: &str = "`near` expects latitude|longitude[|distance[|units]]";
    let parts = split_unescaped(raw, b'|');
    if !(2..=4).contains(&parts.len()) {
        return Err(FORMAT.to_owned());
    }
    let decimal = |text: &str| -> Result<Decimal, String> {
        unescape(text)
            .parse::<Decimal>()
            .map_err(|_| FORMAT.to_owned())
    };
    let optional = |index: usize| parts.get(index).filter(|part| !part.is_empty());
    Ok(NearValue {
        latitude: decimal(parts[0])?,
        longitude: decimal(parts[1])?,
        distance: optional(2).map(|text| decimal(text)).transpose()?,
        units: optional(3).map(|text| unescape(text)),
    })
}

fn parse_composite(
    raw: &str,
    def: &SearchParamDef,
    context: &ValueContext<'_>,
) -> Result<SearchValue, String> {
    let parts = split_unescaped(raw, b'$');
    if parts.len() != def.component.len() {
        return Err(format!(
            "composite parameter `{}` expects {} values separated by `$`",
            def.code,
            def.component.len()
        ));
    }
    let mut values = Vec::with_capacity(parts.len());
    for (part, component) in parts.iter().zip(def.component) {
        let Some(component_def) = component_definition(component.definition) else {
            return Err(format!(
                "composite parameter `{}` has an unknown component {}",
                def.code, component.definition
            ));
        };
        if part.is_empty() {
            return Err(format!("every component of `{}` needs a value", def.code));
        }
        values.push(parse_value(part, component_def, None, context)?);
    }
    Ok(SearchValue::Composite(values))
}

/// Finds the SearchParameter of a composite component by its canonical URL.
pub(crate) fn component_definition(url: &str) -> Option<&'static SearchParamDef> {
    search_parameters().iter().find(|param| param.url == url)
}

/// Returns whether `text` is a FHIR id: 1 to 64 of `A-Z a-z 0-9 - .`.
pub(crate) fn is_valid_id(text: &str) -> bool {
    (1..=64).contains(&text.len())
        && text
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'.')
}

fn parse_reference(
    text: &str,
    type_hint: Option<ResourceType>,
    def: &SearchParamDef,
    context: &ValueContext<'_>,
) -> Result<ReferenceValue, String> {
    match context.base_url {
        Some(base)
            if text.len() > base.len() + 1
                && text.starts_with(base)
                && text.as_bytes()[base.len()] == b'/' =>
        {
            // A URL on this server's base that does not continue with
            // Type/id (a canonical such as `<base>/sid/icd-10-us`, or one
            // with `|version`) is matched as written, like any other
            // absolute URL.
            let relative = &text[base.len() + 1..];
            if !is_local_shape(relative) {
                return Ok(ReferenceValue::External(text.to_owned()));
            }
            parse_local(relative, type_hint, def)
        }
        _ if text.contains("://") || text.starts_with("urn:") => {
            Ok(ReferenceValue::External(text.to_owned()))
        }
        _ => parse_local(text, type_hint, def),
    }
}

/// Splits `Type/id`, `Type/id/_history/vid` or `id` into the type name, the
/// id and the version, without checking them.
fn split_local(relative: &str) -> Option<(Option<&str>, &str, Option<&str>)> {
    let mut segments = relative.split('/');
    let parts = (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    );
    match parts {
        (Some(id), None, ..) => Some((None, id, None)),
        (Some(type_name), Some(id), None, ..) => Some((Some(type_name), id, None)),
        (Some(type_name), Some(id), Some("_history"), Some(version), None) => {
            Some((Some(type_name), id, Some(version)))
        }
        _ => None,
    }
}

/// Returns whether `relative` is `id`, `Type/id` or `Type/id/_history/vid`
/// with a known resource type and valid ids.
fn is_local_shape(relative: &str) -> bool {
    split_local(relative).is_some_and(|(type_name, id, version)| {
        type_name.is_none_or(|name| ResourceType::from_name(name).is_some())
            && is_valid_id(id)
            && version.is_none_or(is_valid_id)
    })
}

/// Parses a reference relative to this server: `id`, `Type/id` or
/// `Type/id/_history/vid`.
fn parse_local(
    relative: &str,
    type_hint: Option<ResourceType>,
    def: &SearchParamDef,
) -> Result<ReferenceValue, String> {
    let Some((type_name, id, version)) = split_local(relative) else {
        return Err("expected id, Type/id, Type/id/_history/vid or an absolute URL".to_owned());
    };

    let resource_type = match type_name {
        None => type_hint,
        Some(name) => {
            let named = ResourceType::from_name(name)
                .ok_or_else(|| format!("`{name}` is not a resource type"))?;
            if type_hint.is_some_and(|hint| hint != named) {
                return Err(format!(
                    "the value names {named} but the modifier names {}",
                    type_hint.map_or("", ResourceType::as_str)
                ));
            }
            Some(named)
        }
    };
    if let Some(resource_type) = resource_type {
        if !def.target.is_empty() && !def.target.contains(&resource_type.as_str()) {
            return Err(format!(
                "`{}` cannot refer to {resource_type}; expected one of {}",
                def.code,
                def.target.join(", ")
            ));
        }
    }
    if !is_valid_id(id) {
        return Err(format!(
            "`{id}` is not a valid id: expected 1 to 64 letters, digits, `-` or `.`"
        ));
    }
    if let Some(version) = version {
        if !is_valid_id(version) {
            return Err(format!("`{version}` is not a valid version id"));
        }
    }
    Ok(ReferenceValue::Local {
        resource_type,
        id: id.to_owned(),
        version: version.map(str::to_owned),
    })
}

/// Appends the canonical text of `value` to `output`, with FHIR escapes but
/// no percent-encoding.
pub(crate) fn write_value(output: &mut String, value: &SearchValue) {
    match value {
        SearchValue::Number { prefix, number } => {
            write_prefix(output, *prefix);
            output.push_str(number.as_str());
        }
        SearchValue::Date { prefix, date } => {
            write_prefix(output, *prefix);
            output.push_str(date.as_str());
        }
        SearchValue::Quantity(quantity) => {
            write_prefix(output, quantity.prefix);
            output.push_str(quantity.number.as_str());
            if let Some(code) = &quantity.code {
                output.push('|');
                if let Some(system) = &quantity.system {
                    push_escaped(output, system);
                }
                output.push('|');
                push_escaped(output, code);
            }
        }
        SearchValue::String(text) | SearchValue::Uri(text) | SearchValue::Special(text) => {
            push_escaped(output, text);
        }
        SearchValue::Token(token) => match &token.system {
            TokenSystem::Any => push_escaped(output, token.code.as_deref().unwrap_or_default()),
            TokenSystem::None => {
                output.push('|');
                push_escaped(output, token.code.as_deref().unwrap_or_default());
            }
            TokenSystem::Is(system) => {
                push_escaped(output, system);
                output.push('|');
                if let Some(code) = &token.code {
                    push_escaped(output, code);
                }
            }
        },
        SearchValue::OfType(of_type) => {
            push_escaped(output, &of_type.type_system);
            output.push('|');
            push_escaped(output, &of_type.type_code);
            output.push('|');
            push_escaped(output, &of_type.value);
        }
        SearchValue::Reference(ReferenceValue::Local {
            resource_type,
            id,
            version,
        }) => {
            if let Some(resource_type) = resource_type {
                output.push_str(resource_type.as_str());
                output.push('/');
            }
            output.push_str(id);
            if let Some(version) = version {
                output.push_str("/_history/");
                output.push_str(version);
            }
        }
        SearchValue::Reference(ReferenceValue::External(url)) => push_escaped(output, url),
        SearchValue::Composite(components) => {
            // Every component escapes its own `$`, so joining is enough.
            for (index, component) in components.iter().enumerate() {
                if index > 0 {
                    output.push('$');
                }
                write_value(output, component);
            }
        }
        SearchValue::Near(near) => {
            output.push_str(near.latitude.as_str());
            output.push('|');
            output.push_str(near.longitude.as_str());
            if near.distance.is_some() || near.units.is_some() {
                output.push('|');
                if let Some(distance) = &near.distance {
                    output.push_str(distance.as_str());
                }
            }
            if let Some(units) = &near.units {
                output.push('|');
                push_escaped(output, units);
            }
        }
        SearchValue::Missing(missing) => output.push_str(if *missing { "true" } else { "false" }),
    }
}

fn write_prefix(output: &mut String, prefix: Prefix) {
    if prefix != Prefix::Eq {
        output.push_str(prefix.as_str());
    }
}
