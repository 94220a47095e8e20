//! The collector that the generated extraction code passes values to: one
//! method per (parameter type, FHIR type) pair, each converting a borrowed
//! element into [`IndexValue`]s.

use crate::primitives::{Canonical, DateRange, Decimal, Primitive};
use crate::r4::{
    Address, Age, CodeableConcept, Coding, ContactPoint, Count, Distance, Duration, HumanName,
    Identifier, Money, Quantity, QuantityComparator, Range, Reference, Resource, ResourceType,
    Timing, TimingRepeatBounds,
};
use crate::search::registry::SearchParamDef;

use super::reference::{parse_reference, type_from_uri};
use super::{
    CompositeComponent, DateBound, DateValue, IndexValue, NumberRangeValue, NumberValue,
    QuantityAmount, QuantityValue, ReferenceValue, StringValue, TokenValue,
};

/// The system of Money currency codes.
const CURRENCY_SYSTEM: &str = "urn:iso:std:iso:4217";

/// Collects the values of one parameter from one resource.
pub(crate) struct Sink<'r> {
    values: Vec<IndexValue>,
    /// The contained resources of the resource being indexed, to find the
    /// type of `#id` references.
    contained: &'r [Resource],
    /// The parameter's target types, which embedded resources must match.
    targets: &'static [&'static str],
}

impl<'r> Sink<'r> {
    /// Creates an empty sink for a resource with `contained` resources and a
    /// parameter with `targets`.
    pub(crate) fn new(contained: &'r [Resource], targets: &'static [&'static str]) -> Self {
        Sink {
            values: Vec::new(),
            contained,
            targets,
        }
    }

    /// Returns the values collected so far.
    pub(crate) fn into_values(self) -> Vec<IndexValue> {
        self.values
    }

    /// Creates an empty sink for one component of a composite value.
    pub(crate) fn component(&self) -> Sink<'r> {
        Sink::new(self.contained, &[])
    }

    /// Adds a composite value from the component sinks, unless a component
    /// has no value, because such a value can match no composite search.
    pub(crate) fn composite<const N: usize>(
        &mut self,
        parts: [(&'static SearchParamDef, Sink<'r>); N],
    ) {
        if parts.iter().any(|(_, sink)| sink.values.is_empty()) {
            return;
        }
        let components = parts.into_iter().map(|(param, sink)| CompositeComponent {
            param,
            values: sink.values,
        });
        self.values
            .push(IndexValue::Composite(components.collect()));
    }

    // Tokens.

    pub(crate) fn token_code(&mut self, system: Option<&str>, code: &str) {
        self.values.push(IndexValue::Token(TokenValue {
            system: system.map(str::to_owned),
            code: Some(code.to_owned()),
            ..TokenValue::default()
        }));
    }

    pub(crate) fn token_bool(&mut self, value: bool) {
        self.token_code(None, if value { "true" } else { "false" });
    }

    pub(crate) fn token_coding(&mut self, coding: &Coding) {
        let token = coding_token(coding);
        if token.system.is_some() || token.code.is_some() || token.text.is_some() {
            self.values.push(IndexValue::Token(token));
        }
    }

    /// Adds each coding, and the text as a token without a code.
    pub(crate) fn token_codeable_concept(&mut self, concept: &CodeableConcept) {
        for coding in &concept.coding {
            self.token_coding(coding);
        }
        if let Some(text) = text_of(&concept.text) {
            self.values.push(IndexValue::Token(TokenValue {
                text: Some(text.to_owned()),
                ..TokenValue::default()
            }));
        }
    }

    pub(crate) fn token_identifier(&mut self, identifier: &Identifier) {
        if let Some(token) = identifier_token(identifier) {
            self.values.push(IndexValue::Token(token));
        }
    }

    /// Adds `ContactPoint.value` as the code; `ContactPoint.system` is a
    /// kind of contact (`phone`), not a code system, so it is left out.
    pub(crate) fn token_contact_point(&mut self, contact: &ContactPoint) {
        if let Some(value) = text_of(&contact.value) {
            self.token_code(None, value);
        }
    }

    // Strings.

    pub(crate) fn string(&mut self, text: &str) {
        self.values.push(IndexValue::String(StringValue::new(text)));
    }

    fn string_parts<'a>(&mut self, parts: impl IntoIterator<Item = &'a Option<Primitive<String>>>) {
        for part in parts {
            if let Some(text) = text_of(part) {
                self.string(text);
            }
        }
    }

    fn string_list(&mut self, parts: &[Primitive<String>]) {
        for text in parts.iter().filter_map(Primitive::value) {
            self.string(text);
        }
    }

    /// Adds the text, family name, given names, prefixes and suffixes, each
    /// as its own value.
    pub(crate) fn string_human_name(&mut self, name: &HumanName) {
        self.string_parts([&name.text, &name.family]);
        self.string_list(&name.given);
        self.string_list(&name.prefix);
        self.string_list(&name.suffix);
    }

    /// Adds the text, lines, city, district, state, postal code and
    /// country, each as its own value.
    pub(crate) fn string_address(&mut self, address: &Address) {
        self.string_parts([&address.text]);
        self.string_list(&address.line);
        self.string_parts([
            &address.city,
            &address.district,
            &address.state,
            &address.postal_code,
            &address.country,
        ]);
    }

    // Dates.

    pub(crate) fn date(&mut self, range: DateRange) {
        self.values.push(IndexValue::Date(range.into()));
    }

    /// Adds the range from the start of `Period.start` to the end of
    /// `Period.end`, open where either is missing.
    pub(crate) fn date_period(&mut self, period: &crate::r4::Period) {
        let start = period
            .start
            .as_ref()
            .and_then(Primitive::value)
            .map(|start| start_of(start.range()));
        let end = period
            .end
            .as_ref()
            .and_then(Primitive::value)
            .map(|end| end_of(end.range()));
        if start.is_some() || end.is_some() {
            self.values.push(IndexValue::Date(DateValue { start, end }));
        }
    }

    /// Adds one range covering the events and `repeat.boundsPeriod`: the
    /// outer limits of the schedule, as FHIR date search reads a Timing.
    pub(crate) fn date_timing(&mut self, timing: &Timing) {
        let mut ranges: Vec<DateValue> = timing
            .event
            .iter()
            .filter_map(Primitive::value)
            .map(|event| event.range().into())
            .collect();
        if let Some(TimingRepeatBounds::Period(period)) =
            timing.repeat.as_ref().and_then(|r| r.bounds.as_ref())
        {
            let start = period
                .start
                .as_ref()
                .and_then(Primitive::value)
                .map(|s| start_of(s.range()));
            let end = period
                .end
                .as_ref()
                .and_then(Primitive::value)
                .map(|e| end_of(e.range()));
            if start.is_some() || end.is_some() {
                ranges.push(DateValue { start, end });
            }
        }
        let Some(first) = ranges.first().copied() else {
            return;
        };
        let outer = ranges.iter().skip(1).fold(first, |outer, range| DateValue {
            start: outer
                .start
                .zip(range.start)
                .map(|(a, b)| if utc_key(b) < utc_key(a) { b } else { a }),
            end: outer
                .end
                .zip(range.end)
                .map(|(a, b)| if utc_key(b) > utc_key(a) { b } else { a }),
        });
        self.values.push(IndexValue::Date(outer));
    }

    // Numbers.

    pub(crate) fn number_decimal(&mut self, value: &Decimal) {
        self.values.push(IndexValue::Number(NumberValue {
            value: value.clone(),
        }));
    }

    pub(crate) fn number_integer(&mut self, value: i64) {
        let value = Decimal::from(rust_decimal::Decimal::from(value));
        self.values.push(IndexValue::Number(NumberValue { value }));
    }

    // Quantities.

    /// Adds a Quantity or one of its profiles (Age, Count, Distance,
    /// Duration). A quantity without a value is left out, because quantity
    /// search always compares a number.
    pub(crate) fn quantity<Q: QuantityFields>(&mut self, quantity: &Q) {
        let fields = quantity.fields();
        let Some(value) = fields.value.as_ref().and_then(Primitive::value) else {
            return;
        };
        let comparator = fields
            .comparator
            .as_ref()
            .and_then(Primitive::value)
            .copied();
        self.values.push(IndexValue::Quantity(QuantityValue {
            amount: QuantityAmount::Value {
                value: value.clone(),
                comparator,
            },
            unit: text_of(fields.unit).map(str::to_owned),
            system: fields
                .system
                .as_ref()
                .and_then(Primitive::value)
                .map(|s| s.as_str().to_owned()),
            code: fields
                .code
                .as_ref()
                .and_then(Primitive::value)
                .map(|c| c.as_str().to_owned()),
        }));
    }

    /// Adds Money with the ISO 4217 system and the currency as the code.
    pub(crate) fn quantity_money(&mut self, money: &Money) {
        let Some(value) = money.value.as_ref().and_then(Primitive::value) else {
            return;
        };
        let currency = money
            .currency
            .as_ref()
            .and_then(Primitive::value)
            .map(|c| c.as_str().to_owned());
        self.values.push(IndexValue::Quantity(QuantityValue {
            amount: QuantityAmount::Value {
                value: value.clone(),
                comparator: None,
            },
            unit: None,
            system: currency.as_ref().map(|_| CURRENCY_SYSTEM.to_owned()),
            code: currency,
        }));
    }

    pub(crate) fn number_range(&mut self, range: &Range) {
        let (low, high) = range_values(range);
        if low.is_some() || high.is_some() {
            self.values
                .push(IndexValue::NumberRange(NumberRangeValue { low, high }));
        }
    }

    pub(crate) fn quantity_range(&mut self, range: &Range) {
        let (low, high) = range_values(range);
        if low.is_none() && high.is_none() {
            return;
        }
        let units = range
            .low
            .as_ref()
            .filter(|q| q.value.is_some())
            .or(range.high.as_ref());
        self.values.push(IndexValue::Quantity(QuantityValue {
            amount: QuantityAmount::Range { low, high },
            unit: units.and_then(|q| text_of(&q.unit)).map(str::to_owned),
            system: units
                .and_then(|q| q.system.as_ref())
                .and_then(Primitive::value)
                .map(|s| s.as_str().to_owned()),
            code: units
                .and_then(|q| q.code.as_ref())
                .and_then(Primitive::value)
                .map(|c| c.as_str().to_owned()),
        }));
    }

    // References.

    /// Adds a Reference that has a reference text or an identifier.
    pub(crate) fn reference(&mut self, reference: &Reference) {
        let text = text_of(&reference.reference);
        let identifier = reference.identifier.as_deref().and_then(identifier_token);
        if text.is_none() && identifier.is_none() {
            return;
        }
        let mut value = ReferenceValue {
            identifier,
            ..ReferenceValue::default()
        };
        if let Some(text) = text {
            let parts = parse_reference(text);
            value.resource_type = parts.resource_type;
            if parts.contained {
                value.resource_type = parts.id.and_then(|id| self.contained_type(id));
            }
            value.id = parts.id.map(str::to_owned);
            value.version = parts.version.map(str::to_owned);
            value.reference = Some(text.to_owned());
        }
        if value.resource_type.is_none() {
            value.resource_type = reference_type(reference);
        }
        self.values.push(IndexValue::Reference(value));
    }

    pub(crate) fn reference_canonical(&mut self, canonical: &Canonical) {
        let parts = parse_reference(canonical.url());
        self.values.push(IndexValue::Reference(ReferenceValue {
            reference: Some(canonical.as_str().to_owned()),
            resource_type: parts.resource_type,
            id: parts.id.map(str::to_owned),
            version: canonical.version().map(str::to_owned),
            identifier: None,
        }));
    }

    pub(crate) fn reference_uri(&mut self, uri: &str) {
        let parts = parse_reference(uri);
        self.values.push(IndexValue::Reference(ReferenceValue {
            reference: Some(uri.to_owned()),
            resource_type: parts.resource_type,
            id: parts.id.map(str::to_owned),
            version: parts.version.map(str::to_owned),
            identifier: None,
        }));
    }

    /// Adds a reference to an embedded resource (`Bundle.entry.resource`),
    /// as `Type/id`, when its type is one of the parameter's targets.
    pub(crate) fn reference_resource(&mut self, resource: &Resource) {
        let resource_type = resource.resource_type();
        if !self.targets.is_empty() && !self.targets.contains(&resource_type.as_str()) {
            return;
        }
        let id = resource.id().map(|id| id.as_str().to_owned());
        self.values.push(IndexValue::Reference(ReferenceValue {
            reference: id.as_ref().map(|id| format!("{resource_type}/{id}")),
            resource_type: Some(resource_type),
            id,
            version: None,
            identifier: None,
        }));
    }

    /// Checks whether `reference` points to a resource of type `type_name`,
    /// which replaces `where(resolve() is Type)` without resolving the
    /// target. The type comes from the reference text, from the contained
    /// resource for `#id`, or from `Reference.type`. A reference of unknown
    /// type (`urn:uuid:...` without `Reference.type`) does not match.
    pub(crate) fn reference_is(&self, reference: &Reference, type_name: &str) -> bool {
        let from_text = text_of(&reference.reference).and_then(|text| {
            let parts = parse_reference(text);
            if parts.contained {
                parts.id.and_then(|id| self.contained_type(id))
            } else {
                parts.resource_type
            }
        });
        from_text
            .or_else(|| reference_type(reference))
            .is_some_and(|t| t.as_str() == type_name)
    }

    fn contained_type(&self, id: &str) -> Option<ResourceType> {
        self.contained
            .iter()
            .find(|r| r.id().is_some_and(|rid| rid.as_str() == id))
            .map(Resource::resource_type)
    }

    // URIs.

    pub(crate) fn uri(&mut self, uri: &str) {
        self.values.push(IndexValue::Uri(uri.to_owned()));
    }

    /// Adds the URL of a canonical, and the whole `url|version` text as a
    /// second value when it has a version, so that both forms match.
    pub(crate) fn uri_canonical(&mut self, canonical: &Canonical) {
        self.uri(canonical.url());
        if canonical.version().is_some() {
            self.uri(canonical.as_str());
        }
    }
}

/// The fields shared by Quantity and its profiles, which the generated
/// types repeat in separate structs.
pub(crate) trait QuantityFields {
    fn fields(&self) -> QuantityFieldRefs<'_>;
}

/// Borrowed Quantity fields.
pub(crate) struct QuantityFieldRefs<'a> {
    value: &'a Option<Primitive<Decimal>>,
    comparator: &'a Option<Primitive<QuantityComparator>>,
    unit: &'a Option<Primitive<String>>,
    system: &'a Option<Primitive<crate::primitives::Uri>>,
    code: &'a Option<Primitive<crate::primitives::Code>>,
}

macro_rules! quantity_fields {
    ($($type:ty),*) => {
        $(
            impl QuantityFields for $type {
                fn fields(&self) -> QuantityFieldRefs<'_> {
                    QuantityFieldRefs {
                        value: &self.value,
                        comparator: &self.comparator,
                        unit: &self.unit,
                        system: &self.system,
                        code: &self.code,
                    }
                }
            }
        )*
    };
}

quantity_fields!(Quantity, Age, Count, Distance, Duration);

fn text_of(element: &Option<Primitive<String>>) -> Option<&str> {
    element
        .as_ref()
        .and_then(Primitive::value)
        .map(String::as_str)
}

fn coding_token(coding: &Coding) -> TokenValue {
    TokenValue {
        system: coding
            .system
            .as_ref()
            .and_then(Primitive::value)
            .map(|s| s.as_str().to_owned()),
        code: coding
            .code
            .as_ref()
            .and_then(Primitive::value)
            .map(|c| c.as_str().to_owned()),
        text: text_of(&coding.display).map(str::to_owned),
        identifier_type: Vec::new(),
    }
}

/// Converts an Identifier to a token: `system|value`, with `type.text` as
/// the text and the type codings. Returns `None` when it has neither system
/// nor value.
fn identifier_token(identifier: &Identifier) -> Option<TokenValue> {
    let system = identifier
        .system
        .as_ref()
        .and_then(Primitive::value)
        .map(|s| s.as_str().to_owned());
    let code = text_of(&identifier.value).map(str::to_owned);
    if system.is_none() && code.is_none() {
        return None;
    }
    let identifier_type = identifier.r#type.as_ref();
    Some(TokenValue {
        system,
        code,
        text: identifier_type
            .and_then(|t| text_of(&t.text))
            .map(str::to_owned),
        identifier_type: identifier_type
            .map(|t| t.coding.iter().map(coding_token).collect())
            .unwrap_or_default(),
    })
}

fn reference_type(reference: &Reference) -> Option<ResourceType> {
    reference
        .r#type
        .as_ref()
        .and_then(Primitive::value)
        .and_then(|uri| type_from_uri(uri.as_str()))
}

fn start_of(range: DateRange) -> DateBound {
    super::bounds(range).0
}

fn end_of(range: DateRange) -> DateBound {
    super::bounds(range).1
}

/// Converts a bound to UTC for ordering, reading local time as UTC.
///
/// NOTE: Timing events that mix zoned and zone-less values can be ordered
/// wrongly when they lie within 14 hours of each other. The chosen bound
/// itself is kept as written.
fn utc_key(bound: DateBound) -> chrono::DateTime<chrono::Utc> {
    use chrono::Offset;
    bound.to_utc(chrono::Utc.fix())
}

/// Returns the values of `Range.low` and `Range.high`.
fn range_values(range: &Range) -> (Option<Decimal>, Option<Decimal>) {
    let value_of = |q: &Option<Quantity>| {
        q.as_ref()
            .and_then(|q| q.value.as_ref())
            .and_then(Primitive::value)
            .cloned()
    };
    (value_of(&range.low), value_of(&range.high))
}
