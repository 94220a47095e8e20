//! Comparison of one search alternative with one extracted value.

use chrono::{DateTime, FixedOffset, Utc};
use rust_decimal::Decimal as Exact;

use crate::primitives::Decimal;
use crate::r4::Resource;
use crate::search::extract::{self, DateValue, IndexValue, QuantityAmount};
use crate::search::query::{
    Criterion, Modifier, NearValue, Prefix, QuantityValue, ReferenceValue, SearchValue,
    TokenSystem, TokenValue,
};

use super::{MatchError, Resolver, normalized};

/// The criterion and settings that a comparison reads besides the two values.
pub(super) struct Context<'a> {
    pub criterion: &'a Criterion,
    pub base_url: Option<&'a str>,
    pub local_offset: FixedOffset,
    pub resolver: Option<&'a dyn Resolver>,
    pub now: DateTime<Utc>,
}

pub(super) fn value_matches(
    context: &Context<'_>,
    modifier: Option<Modifier>,
    alternative: &SearchValue,
    value: &IndexValue,
) -> Result<bool, MatchError> {
    match (alternative, value) {
        (SearchValue::Date { prefix, date }, IndexValue::Date(resource)) => {
            let (start, end) = date.range().to_utc(context.local_offset);
            let (start, end) = match prefix {
                Prefix::Ap => approximate_range(start, end, context.now),
                _ => (start, end),
            };
            Ok(date_matches(
                *prefix,
                start,
                end,
                resource,
                context.local_offset,
            ))
        }
        (SearchValue::Number { prefix, number }, IndexValue::Number(resource)) => {
            let bounds = search_bounds(context, number)?;
            Ok(point_matches(
                *prefix,
                &bounds,
                resource.value.to_decimal().ok(),
            ))
        }
        (SearchValue::Number { prefix, number }, IndexValue::NumberRange(resource)) => {
            let bounds = search_bounds(context, number)?;
            let exact = |value: &Option<Decimal>| value.as_ref().and_then(|v| v.to_decimal().ok());
            Ok(interval_matches(
                *prefix,
                &bounds,
                exact(&resource.low),
                exact(&resource.high),
            ))
        }
        (SearchValue::Quantity(search), IndexValue::Quantity(resource)) => {
            quantity_matches(context, search, resource)
        }
        (SearchValue::String(text), IndexValue::String(resource)) => Ok(match modifier {
            Some(Modifier::Exact) => resource.original == *text,
            Some(Modifier::Contains) => resource.normalized.contains(&normalized(text)),
            _ => resource.normalized.starts_with(&normalized(text)),
        }),
        (SearchValue::String(text), IndexValue::Token(resource)) => {
            Ok(text_matches(text, resource))
        }
        (SearchValue::Token(search), IndexValue::Token(resource)) => match modifier {
            Some(Modifier::Above | Modifier::Below) => {
                hierarchy_matches(context, modifier, search, resource)
            }
            _ => Ok(token_matches(search, resource)),
        },
        (SearchValue::OfType(search), IndexValue::Token(resource)) => Ok(resource.code.as_deref()
            == Some(search.value.as_str())
            && resource.identifier_type.iter().any(|coding| {
                coding.system.as_deref() == Some(search.type_system.as_str())
                    && coding.code.as_deref() == Some(search.type_code.as_str())
            })),
        (SearchValue::Uri(value_set), IndexValue::Token(resource)) => {
            value_set_matches(context, value_set, resource)
        }
        (SearchValue::Token(search), IndexValue::Reference(resource)) => Ok(resource
            .identifier
            .as_ref()
            .is_some_and(|identifier| token_matches(search, identifier))),
        (SearchValue::Reference(search), IndexValue::Reference(resource)) => {
            Ok(reference_matches(search, resource, context.base_url))
        }
        (SearchValue::Uri(search), IndexValue::Uri(resource)) => Ok(match modifier {
            Some(Modifier::Below) => resource.starts_with(search.as_str()),
            Some(Modifier::Above) => search.starts_with(resource.as_str()),
            _ => resource == search,
        }),
        (SearchValue::Uri(search), IndexValue::Reference(resource)) => Ok(resource
            .reference
            .as_deref()
            .is_some_and(|reference| canonical_matches(search, reference))),
        (SearchValue::Composite(alternatives), IndexValue::Composite(components)) => {
            if alternatives.len() != components.len() {
                return Ok(false);
            }
            for (alternative, component) in alternatives.iter().zip(components) {
                let mut any = false;
                for value in &component.values {
                    if value_matches(context, None, alternative, value)? {
                        any = true;
                        break;
                    }
                }
                if !any {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        // A value of another type than the alternative cannot match.
        _ => Ok(false),
    }
}

/// Returns whether the resource's date range satisfies `prefix` against the
/// search range `[start, end)`. Open resource bounds are infinite.
fn date_matches(
    prefix: Prefix,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    resource: &DateValue,
    local_offset: FixedOffset,
) -> bool {
    let resource_start = resource.start.map(|bound| bound.to_utc(local_offset));
    let resource_end = resource.end.map(|bound| bound.to_utc(local_offset));
    let contained =
        resource_start.is_some_and(|s| s >= start) && resource_end.is_some_and(|e| e <= end);
    let above = resource_end.is_none_or(|e| e > end);
    let below = resource_start.is_none_or(|s| s < start);
    match prefix {
        Prefix::Eq => contained,
        Prefix::Ne => !contained,
        Prefix::Gt => above,
        Prefix::Lt => below,
        Prefix::Ge => above || contained,
        Prefix::Le => below || contained,
        Prefix::Sa => resource_start.is_some_and(|s| s >= end),
        Prefix::Eb => resource_end.is_some_and(|e| e <= start),
        Prefix::Ap => {
            resource_start.is_none_or(|s| s < end) && resource_end.is_none_or(|e| e > start)
        }
    }
}

/// Widens the search range `[start, end)` on both sides by 10% of the time
/// between its start and `now` (either way round), the tolerance that the
/// R4 search page recommends for `ap` on dates. Bounds saturate at the
/// limits of `DateTime`.
fn approximate_range(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    now: DateTime<Utc>,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let gap = (now - start).abs() / 10;
    (
        start
            .checked_sub_signed(gap)
            .unwrap_or(DateTime::<Utc>::MIN_UTC),
        end.checked_add_signed(gap)
            .unwrap_or(DateTime::<Utc>::MAX_UTC),
    )
}

/// The exact forms of a search number.
struct Bounds {
    value: Exact,
    low: Exact,
    high: Exact,
    /// The value minus 10% of its magnitude, for `ap`.
    approximate_low: Exact,
    /// The value plus 10% of its magnitude, for `ap`.
    approximate_high: Exact,
}

fn search_bounds(context: &Context<'_>, number: &Decimal) -> Result<Bounds, MatchError> {
    let error = |reason: String| MatchError::NumberOutOfRange {
        parameter: context.criterion.name(),
        value: number.as_str().to_owned(),
        reason,
    };
    let value = number
        .to_decimal()
        .map_err(|e| error(e.reason().to_owned()))?;
    let (low, high) = number
        .implicit_range()
        .map_err(|e| error(e.reason().to_owned()))?;
    let tolerance = (value / Exact::TEN).abs();
    // Near the limits of rust_decimal the bounds saturate instead of
    // overflowing.
    Ok(Bounds {
        value,
        low,
        high,
        approximate_low: value.checked_sub(tolerance).unwrap_or(Exact::MIN),
        approximate_high: value.checked_add(tolerance).unwrap_or(Exact::MAX),
    })
}

/// Compares a resource number with the search bounds. A resource number
/// that does not fit an exact decimal (beyond 28 digits) never matches.
fn point_matches(prefix: Prefix, bounds: &Bounds, value: Option<Exact>) -> bool {
    let Some(value) = value else {
        return false;
    };
    match prefix {
        Prefix::Eq => bounds.low <= value && value < bounds.high,
        Prefix::Ne => !(bounds.low <= value && value < bounds.high),
        Prefix::Gt | Prefix::Sa => value > bounds.value,
        Prefix::Lt | Prefix::Eb => value < bounds.value,
        Prefix::Ge => value >= bounds.value,
        Prefix::Le => value <= bounds.value,
        Prefix::Ap => bounds.approximate_low <= value && value <= bounds.approximate_high,
    }
}

/// Compares a resource Range `[low, high]` (open where `None`) with the
/// search bounds.
fn interval_matches(
    prefix: Prefix,
    bounds: &Bounds,
    low: Option<Exact>,
    high: Option<Exact>,
) -> bool {
    let inside = low.is_some_and(|l| l >= bounds.low) && high.is_some_and(|h| h < bounds.high);
    match prefix {
        Prefix::Eq => inside,
        Prefix::Ne => !inside,
        Prefix::Gt => high.is_none_or(|h| h > bounds.value),
        Prefix::Lt => low.is_none_or(|l| l < bounds.value),
        Prefix::Ge => high.is_none_or(|h| h >= bounds.value),
        Prefix::Le => low.is_none_or(|l| l <= bounds.value),
        Prefix::Sa => low.is_some_and(|l| l > bounds.value),
        Prefix::Eb => high.is_some_and(|h| h < bounds.value),
        Prefix::Ap => {
            low.is_none_or(|l| l <= bounds.approximate_high)
                && high.is_none_or(|h| h >= bounds.approximate_low)
        }
    }
}

fn quantity_matches(
    context: &Context<'_>,
    search: &QuantityValue,
    resource: &extract::QuantityValue,
) -> Result<bool, MatchError> {
    if let Some(code) = &search.code {
        let unit_matches = match &search.system {
            Some(system) => {
                resource.system.as_deref() == Some(system.as_str())
                    && resource.code.as_deref() == Some(code.as_str())
            }
            None => {
                resource.code.as_deref() == Some(code.as_str())
                    || resource.unit.as_deref() == Some(code.as_str())
            }
        };
        if !unit_matches {
            return Ok(false);
        }
    }
    let bounds = search_bounds(context, &search.number)?;
    Ok(match &resource.amount {
        QuantityAmount::Value { value, .. } => {
            point_matches(search.prefix, &bounds, value.to_decimal().ok())
        }
        QuantityAmount::Range { low, high } => {
            let exact = |value: &Option<Decimal>| value.as_ref().and_then(|v| v.to_decimal().ok());
            interval_matches(search.prefix, &bounds, exact(low), exact(high))
        }
    })
}

pub(super) fn token_matches(search: &TokenValue, resource: &extract::TokenValue) -> bool {
    let Some(resource_code) = resource.code.as_deref() else {
        return false;
    };
    let code_matches = search
        .code
        .as_deref()
        .is_none_or(|code| code == resource_code);
    let system_matches = match &search.system {
        TokenSystem::Any => true,
        TokenSystem::None => resource.system.is_none(),
        TokenSystem::Is(system) => resource.system.as_deref() == Some(system.as_str()),
    };
    code_matches && system_matches
}

/// `:text`: the display or text, or one of its words, starts with the
/// search text, both normalized.
fn text_matches(search: &str, resource: &extract::TokenValue) -> bool {
    let Some(text) = &resource.text else {
        return false;
    };
    let search = normalized(search);
    let text = normalized(text);
    text.starts_with(&search)
        || text
            .split_whitespace()
            .any(|word| word.starts_with(&search))
}

fn hierarchy_matches(
    context: &Context<'_>,
    modifier: Option<Modifier>,
    search: &TokenValue,
    resource: &extract::TokenValue,
) -> Result<bool, MatchError> {
    if token_matches(search, resource) {
        return Ok(true);
    }
    let (Some(search_code), Some(resource_code)) =
        (search.code.as_deref(), resource.code.as_deref())
    else {
        return Ok(false);
    };
    let system = match &search.system {
        TokenSystem::Is(system) => Some(system.as_str()),
        _ => None,
    };
    if system.is_some() && resource.system.as_deref() != system {
        return Ok(false);
    }
    let (ancestor, descendant) = match modifier {
        Some(Modifier::Above) => (resource_code, search_code),
        _ => (search_code, resource_code),
    };
    let subsumed = context
        .resolver
        .and_then(|resolver| resolver.subsumes(resource.system.as_deref(), ancestor, descendant));
    subsumed.ok_or_else(|| MatchError::TerminologyUnavailable {
        parameter: context.criterion.name(),
        value: format!("whether {ancestor} subsumes {descendant}"),
    })
}

fn value_set_matches(
    context: &Context<'_>,
    value_set: &str,
    resource: &extract::TokenValue,
) -> Result<bool, MatchError> {
    let Some(code) = resource.code.as_deref() else {
        return Ok(false);
    };
    let member = context
        .resolver
        .and_then(|resolver| resolver.in_value_set(value_set, resource.system.as_deref(), code));
    member.ok_or_else(|| MatchError::TerminologyUnavailable {
        parameter: context.criterion.name(),
        value: value_set.to_owned(),
    })
}

/// Returns whether an extracted reference points at this server: relative,
/// or absolute on `base_url`. Contained (`#id`) references do not.
pub(super) fn is_local_reference(
    resource: &extract::ReferenceValue,
    base_url: Option<&str>,
) -> bool {
    let Some(reference) = resource.reference.as_deref() else {
        // A Reference with only `type` and `identifier`, or an embedded
        // resource: local when it has an id.
        return resource.id.is_some();
    };
    if reference.starts_with('#') {
        return false;
    }
    if reference.contains("://") || reference.starts_with("urn:") {
        return base_url.is_some_and(|base| {
            reference.len() > base.len()
                && reference.starts_with(base)
                && reference.as_bytes()[base.len()] == b'/'
        });
    }
    true
}

fn reference_matches(
    search: &ReferenceValue,
    resource: &extract::ReferenceValue,
    base_url: Option<&str>,
) -> bool {
    match search {
        ReferenceValue::Local {
            resource_type,
            id,
            version,
        } => {
            is_local_reference(resource, base_url)
                && resource.id.as_deref() == Some(id.as_str())
                && resource_type.is_none_or(|t| resource.resource_type == Some(t))
                && version
                    .as_ref()
                    .is_none_or(|v| resource.version.as_deref() == Some(v.as_str()))
        }
        ReferenceValue::External(url) => resource
            .reference
            .as_deref()
            .is_some_and(|r| canonical_matches(url, r)),
    }
}

/// Compares a URL with a reference or canonical: equal, or the canonical
/// is `url|version`.
fn canonical_matches(search: &str, reference: &str) -> bool {
    reference == search
        || reference
            .strip_prefix(search)
            .is_some_and(|rest| rest.starts_with('|'))
}

/// Evaluates `_text`, `_content` and `near` on the JSON form of the
/// resource, because no compiled expression yields their values.
pub(super) fn json_matches(criterion: &Criterion, resource: &Resource) -> Result<bool, MatchError> {
    let json = serde_json::to_value(resource).map_err(|error| MatchError::NotSupported {
        parameter: criterion.name(),
        reason: format!("the resource could not be converted to JSON: {error}"),
    })?;
    let code = criterion.param.code;
    if let Some(Modifier::Missing) = criterion.modifier {
        let present = match code {
            "_text" => json.get("text").is_some(),
            "near" => json.get("position").is_some(),
            _ => true,
        };
        return Ok(criterion
            .values
            .iter()
            .any(|value| matches!(value, SearchValue::Missing(missing) if *missing != present)));
    }
    for alternative in &criterion.values {
        let matched = match (code, alternative) {
            ("near", SearchValue::Near(near)) => near_matches(near, &json),
            (_, SearchValue::String(text)) => {
                let needle = normalized(text);
                let mut strings = Vec::new();
                let root = if code == "_text" {
                    json.get("text").and_then(|text| text.get("div"))
                } else {
                    Some(&json)
                };
                if let Some(root) = root {
                    collect_strings(root, &mut strings);
                }
                let exact = matches!(criterion.modifier, Some(Modifier::Exact));
                strings.iter().any(|text| {
                    if exact {
                        text.contains(alternative_text(alternative))
                    } else {
                        normalized(&strip_tags(text)).contains(&needle)
                    }
                })
            }
            _ => false,
        };
        if matched {
            return Ok(true);
        }
    }
    Ok(false)
}

fn alternative_text(value: &SearchValue) -> &str {
    match value {
        SearchValue::String(text) => text,
        _ => "",
    }
}

fn collect_strings<'a>(value: &'a serde_json::Value, output: &mut Vec<&'a str>) {
    match value {
        serde_json::Value::String(text) => output.push(text),
        serde_json::Value::Array(items) => {
            items.iter().for_each(|item| collect_strings(item, output))
        }
        serde_json::Value::Object(fields) => fields
            .values()
            .for_each(|item| collect_strings(item, output)),
        _ => {}
    }
}

/// Removes XHTML tags and collapses whitespace, so that narrative text is
/// compared as plain words. Each tag counts as a word break.
fn strip_tags(text: &str) -> String {
    let mut without_tags = String::with_capacity(text.len());
    let mut in_tag = false;
    for character in text.chars() {
        match character {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                without_tags.push(' ');
            }
            _ if !in_tag => without_tags.push(character),
            _ => {}
        }
    }
    without_tags
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Returns whether Location.position lies within the distance of `near`
/// (great-circle distance on a sphere of radius 6371 km). Without a
/// distance, R4 leaves the radius to the server; this library uses 50 km.
fn near_matches(near: &NearValue, json: &serde_json::Value) -> bool {
    let position = json.get("position");
    let coordinate = |name: &str| {
        position
            .and_then(|p| p.get(name))
            .and_then(serde_json::Value::as_f64)
    };
    let (Some(latitude), Some(longitude)) = (coordinate("latitude"), coordinate("longitude"))
    else {
        return false;
    };
    let distance_km = distance_in_km(near);
    let (search_latitude, search_longitude) = (near.latitude.to_f64(), near.longitude.to_f64());
    let to_radians = |degrees: f64| degrees.to_radians();
    let delta_latitude = to_radians(latitude - search_latitude);
    let delta_longitude = to_radians(longitude - search_longitude);
    let haversine = (delta_latitude / 2.0).sin().powi(2)
        + to_radians(search_latitude).cos()
            * to_radians(latitude).cos()
            * (delta_longitude / 2.0).sin().powi(2);
    let central_angle = 2.0 * haversine.sqrt().clamp(0.0, 1.0).asin();
    6371.0 * central_angle <= distance_km
}

fn distance_in_km(near: &NearValue) -> f64 {
    const DEFAULT_KM: f64 = 50.0;
    let Some(distance) = &near.distance else {
        return DEFAULT_KM;
    };
    let factor = match near.units.as_deref() {
        None | Some("km") => 1.0,
        Some("m") => 0.001,
        Some("[mi_i]") | Some("mi") => 1.609_344,
        // An unknown unit is read as kilometres, the R4 default.
        Some(_) => 1.0,
    };
    distance.to_f64() * factor
}
