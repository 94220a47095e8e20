//! The `_sort` order over resources.

use std::cmp::Ordering;

use chrono::{DateTime, FixedOffset, Offset, Utc};
use rust_decimal::Decimal as Exact;

use crate::r4::Resource;
use crate::search::extract::{self, IndexValue, QuantityAmount};
use crate::search::query::{Search, SortKey};
use crate::search::registry::search_parameter;

/// The order that the `_sort` keys of a search define.
///
/// Each key compares one value per resource: the lowest for an ascending
/// key and the highest for a descending one. Strings compare normalized
/// (lower case, no accents), and tokens compare by code. References and uris
/// compare by their text. Dates compare by the start of their range, read at
/// the local offset when they have no zone. Numbers and quantities compare
/// by exact value, a Range by its low end. Resources without a value for a key come last in both
/// directions. Resources that compare equal on every key keep their
/// relative order in [`SortOrder::sort`].
#[derive(Debug, Clone)]
pub struct SortOrder<'a> {
    keys: &'a [SortKey],
    local_offset: FixedOffset,
}

/// The comparable value of one resource for one key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum SortValue {
    Number(Exact),
    Date(DateTime<Utc>),
    Text(String),
}

impl<'a> SortOrder<'a> {
    /// Creates the order of `search`'s `_sort` keys, reading dates without
    /// a zone as UTC.
    pub fn new(search: &'a Search) -> Self {
        Self {
            keys: &search.sort,
            local_offset: Utc.fix(),
        }
    }

    /// Sets the zone in which dates without a zone are read.
    pub fn with_local_offset(mut self, local_offset: FixedOffset) -> Self {
        self.local_offset = local_offset;
        self
    }

    /// Compares two resources by the keys in order.
    pub fn compare(&self, first: &Resource, second: &Resource) -> Ordering {
        for key in self.keys {
            let ordering = compare_values(
                key,
                self.value(key, first).as_ref(),
                self.value(key, second).as_ref(),
            );
            if ordering != Ordering::Equal {
                return ordering;
            }
        }
        Ordering::Equal
    }

    /// Sorts `resources` stably, extracting each resource's values once.
    pub fn sort(&self, resources: &mut [&Resource]) {
        let mut keyed: Vec<(Vec<Option<SortValue>>, &Resource)> = resources
            .iter()
            .map(|resource| {
                let values = self
                    .keys
                    .iter()
                    .map(|key| self.value(key, resource))
                    .collect();
                (values, *resource)
            })
            .collect();
        keyed.sort_by(|(first, _), (second, _)| {
            for ((key, a), b) in self.keys.iter().zip(first).zip(second) {
                let ordering = compare_values(key, a.as_ref(), b.as_ref());
                if ordering != Ordering::Equal {
                    return ordering;
                }
            }
            Ordering::Equal
        });
        for (slot, (_, resource)) in resources.iter_mut().zip(keyed) {
            *slot = resource;
        }
    }

    /// Returns the lowest (ascending) or highest (descending) value of
    /// `resource` for `key`.
    fn value(&self, key: &SortKey, resource: &Resource) -> Option<SortValue> {
        let def = search_parameter(resource.resource_type().as_str(), key.param.code)?;
        let values = extract::extract(resource, def)
            .into_iter()
            .filter_map(|value| self.sort_value(value));
        if key.descending {
            values.max()
        } else {
            values.min()
        }
    }

    fn sort_value(&self, value: IndexValue) -> Option<SortValue> {
        Some(match value {
            IndexValue::String(text) => SortValue::Text(text.normalized),
            IndexValue::Token(token) => SortValue::Text(token.code?),
            IndexValue::Uri(uri) => SortValue::Text(uri),
            IndexValue::Reference(reference) => SortValue::Text(reference.reference?),
            IndexValue::Date(date) => SortValue::Date(date.start?.to_utc(self.local_offset)),
            IndexValue::Number(number) => SortValue::Number(number.value.to_decimal().ok()?),
            IndexValue::NumberRange(range) => SortValue::Number(range.low?.to_decimal().ok()?),
            IndexValue::Quantity(quantity) => match quantity.amount {
                QuantityAmount::Value { value, .. } => SortValue::Number(value.to_decimal().ok()?),
                QuantityAmount::Range { low, .. } => SortValue::Number(low?.to_decimal().ok()?),
            },
            IndexValue::Composite(_) => return None,
        })
    }
}

/// Orders two key values, with a missing value last in both directions.
fn compare_values(
    key: &SortKey,
    first: Option<&SortValue>,
    second: Option<&SortValue>,
) -> Ordering {
    match (first, second) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(a), Some(b)) if key.descending => b.cmp(a),
        (Some(a), Some(b)) => a.cmp(b),
    }
}
