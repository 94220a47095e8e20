//! Search index extraction: the values a resource yields for a search
//! parameter.
//!
//! The extraction code is compiled at build time from each parameter's
//! FHIRPath expression into walks over the generated structs, so no JSON or
//! FHIRPath is evaluated at run time. Each value is converted according to
//! the parameter's type:
//!
//! | Parameter type | Element types | [`IndexValue`] |
//! | --- | --- | --- |
//! | token | code, Coding, CodeableConcept (each coding, and the text), Identifier, ContactPoint, boolean, id, string, uri | [`IndexValue::Token`] |
//! | string | string, markdown, code, HumanName (text, family, given, prefix, suffix), Address (text, line, city, district, state, postalCode, country) | [`IndexValue::String`], one per part |
//! | date | date, dateTime, instant, Period, Timing (from the first event or bounds start to the last) | [`IndexValue::Date`] |
//! | number | decimal, integer, positiveInt, unsignedInt | [`IndexValue::Number`] |
//! | number | Range (its low and high values) | [`IndexValue::NumberRange`] |
//! | quantity | Quantity, Age, Count, Distance, Duration, Money, Range | [`IndexValue::Quantity`] |
//! | reference | Reference, canonical, uri, an embedded resource | [`IndexValue::Reference`] |
//! | uri | uri, url, canonical, oid, uuid | [`IndexValue::Uri`] |
//! | composite | one group of component values per repetition | [`IndexValue::Composite`] |
//!
//! Values of other types are left out. Values are not deduplicated: a union
//! such as `Observation.code | Observation.component.code` can yield the same
//! token twice, and matching treats the list as a set.
//!
//! Expressions outside the compiled FHIRPath subset yield no values; they are
//! listed in [`UNSUPPORTED_EXPRESSIONS`] with the reason. Parameters without
//! an expression (`_text`, `_content`, `_query`, `_filter`) yield nothing.

mod normalize;
mod reference;
mod sink;
#[cfg(test)]
mod tests;

use chrono::{FixedOffset, NaiveDateTime, Utc};

use crate::primitives::{DateRange, Decimal};
use crate::r4::{QuantityComparator, Resource, ResourceType};
use crate::search::registry::{self, SearchParamDef};

pub use crate::r4::UNSUPPORTED_EXPRESSIONS;
pub use normalize::normalize;
pub(crate) use sink::Sink;

/// One value of a resource for a search parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum IndexValue {
    /// A token parameter value.
    Token(TokenValue),
    /// A string parameter value.
    String(StringValue),
    /// A date parameter value: the time range the element covers.
    Date(DateValue),
    /// A number parameter value.
    Number(NumberValue),
    /// A number parameter value from a Range, such as
    /// `RiskAssessment.prediction.probabilityRange`.
    NumberRange(NumberRangeValue),
    /// A quantity parameter value.
    Quantity(QuantityValue),
    /// A reference parameter value.
    Reference(ReferenceValue),
    /// A uri parameter value, as written.
    Uri(String),
    /// A composite parameter value: the values of each component for one
    /// repetition of the composite's element, in the order of the
    /// definition's components. Every component has at least one value.
    Composite(Vec<CompositeComponent>),
}

/// A token: a code with its system, or a text for the `:text` modifier.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TokenValue {
    /// The code system URI (`Coding.system`, `Identifier.system`), or the
    /// system of a code from a required value set.
    pub system: Option<String>,
    /// The code (`Coding.code`, `Identifier.value`, `ContactPoint.value`,
    /// `true`/`false`, or the text of a code, id, string or uri).
    pub code: Option<String>,
    /// The text that `:text` searches: `Coding.display`, the
    /// `CodeableConcept.text` (as a value of its own, without a code), or
    /// `Identifier.type.text`.
    pub text: Option<String>,
    /// For an Identifier, the codings of `Identifier.type`, which the
    /// `:of-type` modifier matches.
    pub identifier_type: Vec<TokenValue>,
}

/// A string as written and in the form string search compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringValue {
    /// The text as written.
    pub original: String,
    /// The text lower-cased, with accents removed from Latin letters (see
    /// [`normalize`]).
    pub normalized: String,
}

impl StringValue {
    /// Creates a value from `text`, computing its normalized form.
    pub fn new(text: &str) -> Self {
        StringValue {
            original: text.to_owned(),
            normalized: normalize(text),
        }
    }
}

/// The time range of a date value: `[start, end)`, where a missing bound
/// is open (a Period without a start or an end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateValue {
    /// The first moment covered; `None` when unbounded.
    pub start: Option<DateBound>,
    /// The first moment after the range; `None` when unbounded.
    pub end: Option<DateBound>,
}

/// One end of a [`DateValue`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateBound {
    /// Wall-clock time of a value without a time zone (a date, or a dateTime
    /// of a year, month or day), which the server places in a zone.
    Local(NaiveDateTime),
    /// A moment of a value with a time and zone.
    Utc(chrono::DateTime<Utc>),
}

impl DateBound {
    /// Returns the bound in UTC, reading a [`DateBound::Local`] bound as
    /// wall-clock time at `local_offset`.
    pub fn to_utc(&self, local_offset: FixedOffset) -> chrono::DateTime<Utc> {
        match *self {
            DateBound::Utc(moment) => moment,
            DateBound::Local(local) => {
                let (start, _) = DateRange::Local {
                    start: local,
                    end: local,
                }
                .to_utc(local_offset);
                start
            }
        }
    }
}

impl From<DateRange> for DateValue {
    fn from(range: DateRange) -> Self {
        let (start, end) = bounds(range);
        DateValue {
            start: Some(start),
            end: Some(end),
        }
    }
}

/// Splits a range into its start and end bounds.
fn bounds(range: DateRange) -> (DateBound, DateBound) {
    match range {
        DateRange::Local { start, end } => (DateBound::Local(start), DateBound::Local(end)),
        DateRange::Utc { start, end } => (DateBound::Utc(start), DateBound::Utc(end)),
    }
}

/// A number, keeping its written precision for the implicit range of
/// number search ([`Decimal::implicit_range`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberValue {
    /// The number as written.
    pub value: Decimal,
}

/// The bounds of a Range indexed for a number parameter. At least one bound
/// is present; a missing one is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberRangeValue {
    /// `Range.low.value`.
    pub low: Option<Decimal>,
    /// `Range.high.value`.
    pub high: Option<Decimal>,
}

/// A quantity: an amount with its unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuantityValue {
    /// The value, or the bounds of a Range.
    pub amount: QuantityAmount,
    /// The unit as written (`Quantity.unit`).
    pub unit: Option<String>,
    /// The unit system (`Quantity.system`; `urn:iso:std:iso:4217` for Money).
    pub system: Option<String>,
    /// The coded unit (`Quantity.code`; the currency for Money).
    pub code: Option<String>,
}

/// The amount of a [`QuantityValue`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuantityAmount {
    /// `Quantity.value`, with `Quantity.comparator` when the value is a
    /// bound (`< 5`).
    Value {
        /// The value as written.
        value: Decimal,
        /// The comparator; `None` for an exact value.
        comparator: Option<QuantityComparator>,
    },
    /// A Range, either end of which may be missing. The unit fields of the
    /// value come from `Range.low`, or from `Range.high` when there is no
    /// low.
    Range {
        /// `Range.low.value`.
        low: Option<Decimal>,
        /// `Range.high.value`.
        high: Option<Decimal>,
    },
}

/// A reference to another resource.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReferenceValue {
    /// The reference as written: `Patient/123`, an absolute URL, `#c1` for
    /// a contained resource, `urn:uuid:...`, or a canonical URL with its
    /// `|version`.
    pub reference: Option<String>,
    /// The type of the target: from the reference text, from the contained
    /// resource for `#id`, or from `Reference.type`.
    pub resource_type: Option<ResourceType>,
    /// The logical id of the target (the contained id for `#id`).
    pub id: Option<String>,
    /// The version: `_history/{version}` of a reference, or the version of
    /// a canonical.
    pub version: Option<String>,
    /// `Reference.identifier`, for references by identifier.
    pub identifier: Option<TokenValue>,
}

/// The values of one component of a composite parameter.
#[derive(Debug, Clone)]
pub struct CompositeComponent {
    /// The component's search parameter.
    pub param: &'static SearchParamDef,
    /// The component's values, at least one.
    pub values: Vec<IndexValue>,
}

impl PartialEq for CompositeComponent {
    fn eq(&self, other: &Self) -> bool {
        self.param.url == other.param.url && self.values == other.values
    }
}

/// A (search parameter, resource type) pair whose expression the build
/// could not compile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnsupportedExpression {
    /// The canonical URL of the parameter.
    pub url: &'static str,
    /// The parameter code.
    pub code: &'static str,
    /// The resource type.
    pub resource_type: &'static str,
    /// The FHIRPath expression.
    pub expression: &'static str,
    /// The reason it was not compiled.
    pub reason: &'static str,
}

/// Returns the values that `resource` yields for `param`, in document
/// order.
///
/// The extraction code is the one compiled for the core parameter with the
/// same code and URL as `param`; `param.expression` is not read. A
/// parameter that is not in [`registry::search_parameters`], that does not
/// apply to the resource's type, or whose expression is listed in
/// [`UNSUPPORTED_EXPRESSIONS`] yields nothing. For a reference parameter
/// whose expression yields an embedded resource (`Bundle.entry[0].resource`),
/// a resource whose type is not among `param.target` is left out.
///
/// Contained resources are not searched, but `#id` references resolve to
/// them to find their type.
pub fn extract(resource: &Resource, param: &SearchParamDef) -> Vec<IndexValue> {
    let Some(position) = position_of(param) else {
        return Vec::new();
    };
    let mut sink = Sink::new(crate::r4::search_extract::contained(resource), param.target);
    crate::r4::search_extract::extract_into(resource, position, &mut sink);
    sink.into_values()
}

/// Returns the values that `resource` yields for the parameter named `code`
/// (`birthdate`, `_id`) of its type, as [`extract`] does. The result is
/// empty when the type has no such parameter.
pub fn extract_by_code(resource: &Resource, code: &str) -> Vec<IndexValue> {
    match registry::search_parameter(resource.resource_type().as_str(), code) {
        Some(param) => extract(resource, param),
        None => Vec::new(),
    }
}

/// Finds the position of `param` in [`registry::search_parameters`], which
/// is sorted by code and then URL.
fn position_of(param: &SearchParamDef) -> Option<usize> {
    registry::search_parameters()
        .binary_search_by(|p| (p.code, p.url).cmp(&(param.code, param.url)))
        .ok()
}
