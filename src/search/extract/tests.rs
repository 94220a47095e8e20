use chrono::{NaiveDate, TimeZone, Utc};

use super::*;
use crate::primitives::Primitive;
use crate::r4::{Money, Period, Quantity, Range, Reference, Timing};

fn sink() -> Sink<'static> {
    Sink::new(&[], &[])
}

fn local(year: i32, month: u32, day: u32) -> DateBound {
    let date = NaiveDate::from_ymd_opt(year, month, day).expect("valid date");
    DateBound::Local(date.and_hms_opt(0, 0, 0).expect("valid time"))
}

fn quantity(value: &str) -> Quantity {
    Quantity {
        value: Some(Primitive::new(value.parse().expect("valid decimal"))),
        ..Quantity::default()
    }
}

#[test]
fn extraction_positions_match_registry() {
    let urls: Vec<&str> = registry::search_parameters()
        .iter()
        .map(|p| p.url)
        .collect();
    assert_eq!(urls, crate::r4::search_extract::PARAM_URLS);
}

#[test]
fn registry_is_sorted_for_binary_search() {
    let params = registry::search_parameters();
    assert!(
        params
            .windows(2)
            .all(|w| (w[0].code, w[0].url) <= (w[1].code, w[1].url))
    );
}

#[test]
fn copied_parameter_is_found() {
    let param = *registry::search_parameter("Patient", "birthdate").expect("core parameter");
    assert!(position_of(&param).is_some());
}

#[test]
fn period_start_and_end_take_outer_bounds() {
    let period = Period {
        start: Some(Primitive::new("2024-01".parse().expect("valid dateTime"))),
        end: Some(Primitive::new(
            "2024-03-15".parse().expect("valid dateTime"),
        )),
        ..Period::default()
    };
    let mut sink = sink();
    sink.date_period(&period);
    let expected = DateValue {
        start: Some(local(2024, 1, 1)),
        end: Some(local(2024, 3, 16)),
    };
    assert_eq!(sink.into_values(), vec![IndexValue::Date(expected)]);
}

#[test]
fn empty_period_is_left_out() {
    let mut sink = sink();
    sink.date_period(&Period::default());
    assert_eq!(sink.into_values(), Vec::new());
}

#[test]
fn timing_covers_first_to_last_event() {
    let timing = Timing {
        event: vec![
            Primitive::new("2024-05-02T10:00:00Z".parse().expect("valid dateTime")),
            Primitive::new("2024-05-01T08:00:00Z".parse().expect("valid dateTime")),
        ],
        ..Timing::default()
    };
    let mut sink = sink();
    sink.date_timing(&timing);
    let start = Utc
        .with_ymd_and_hms(2024, 5, 1, 8, 0, 0)
        .single()
        .expect("valid instant");
    let end = Utc
        .with_ymd_and_hms(2024, 5, 2, 10, 0, 1)
        .single()
        .expect("valid instant");
    let expected = DateValue {
        start: Some(DateBound::Utc(start)),
        end: Some(DateBound::Utc(end)),
    };
    assert_eq!(sink.into_values(), vec![IndexValue::Date(expected)]);
}

#[test]
fn timing_without_events_is_left_out() {
    let mut sink = sink();
    sink.date_timing(&Timing::default());
    assert_eq!(sink.into_values(), Vec::new());
}

#[test]
fn range_keeps_both_bounds() {
    let range = Range {
        low: Some(quantity("5")),
        high: Some(quantity("10.0")),
        ..Range::default()
    };
    let mut sink = sink();
    sink.quantity_range(&range);
    let values = sink.into_values();
    let [IndexValue::Quantity(value)] = values.as_slice() else {
        panic!("expected one quantity: {values:?}")
    };
    let expected = QuantityAmount::Range {
        low: Some("5".parse().expect("valid decimal")),
        high: Some("10.0".parse().expect("valid decimal")),
    };
    assert_eq!(value.amount, expected);
}

#[test]
fn quantity_without_value_is_left_out() {
    let mut sink = sink();
    sink.quantity(&Quantity::default());
    assert_eq!(sink.into_values(), Vec::new());
}

#[test]
fn money_uses_currency_system() {
    let money = Money {
        value: Some(Primitive::new("12.50".parse().expect("valid decimal"))),
        currency: Some(Primitive::new("USD".parse().expect("valid code"))),
        ..Money::default()
    };
    let mut sink = sink();
    sink.quantity_money(&money);
    let values = sink.into_values();
    let [IndexValue::Quantity(value)] = values.as_slice() else {
        panic!("expected one quantity: {values:?}")
    };
    assert_eq!(value.system.as_deref(), Some("urn:iso:std:iso:4217"));
    assert_eq!(value.code.as_deref(), Some("USD"));
}

#[test]
fn integer_number_has_no_fraction() {
    let mut sink = sink();
    sink.number_integer(42);
    let values = sink.into_values();
    let [IndexValue::Number(number)] = values.as_slice() else {
        panic!("expected one number: {values:?}")
    };
    assert_eq!(number.value.as_str(), "42");
}

#[test]
fn canonical_reference_splits_version() {
    let canonical = "http://hl7.org/fhir/ValueSet/example|2.0"
        .parse()
        .expect("valid canonical");
    let mut sink = sink();
    sink.reference_canonical(&canonical);
    let expected = ReferenceValue {
        reference: Some("http://hl7.org/fhir/ValueSet/example|2.0".to_owned()),
        resource_type: Some(ResourceType::ValueSet),
        id: Some("example".to_owned()),
        version: Some("2.0".to_owned()),
        identifier: None,
    };
    assert_eq!(sink.into_values(), vec![IndexValue::Reference(expected)]);
}

#[test]
fn display_only_reference_is_left_out() {
    let reference = Reference {
        display: Some(Primitive::new("Dr. Who".to_owned())),
        ..Reference::default()
    };
    let mut sink = sink();
    sink.reference(&reference);
    assert_eq!(sink.into_values(), Vec::new());
}

#[test]
fn composite_needs_every_component() {
    let mut sink = sink();
    let param = registry::search_parameter("Observation", "code").expect("core parameter");
    let mut filled = sink.component();
    filled.token_code(None, "x");
    let empty = sink.component();
    sink.composite([(param, filled), (param, empty)]);
    assert_eq!(sink.into_values(), Vec::new());
}

#[test]
fn date_bound_local_reads_offset() {
    let bound = local(2024, 1, 1);
    let offset = chrono::FixedOffset::east_opt(3600).expect("valid offset");
    let expected = Utc
        .with_ymd_and_hms(2023, 12, 31, 23, 0, 0)
        .single()
        .expect("valid instant");
    assert_eq!(bound.to_utc(offset), expected);
}
