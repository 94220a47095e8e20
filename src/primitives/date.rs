//! FHIR date: a calendar date, possibly partial, without a time zone.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use super::calendar::{FromStrVisitor, Scanner, check_date, parse_date};
use super::date_time::DateRange;
use super::{ParsePrimitiveError, PrimitiveValue, serde_via_primitive_value};

/// How much of a date or time a value states.
///
/// The variants are ordered from coarsest to finest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DatePrecision {
    /// `YYYY`.
    Year,
    /// `YYYY-MM`.
    Month,
    /// `YYYY-MM-DD`.
    Day,
    /// A time to the second, `hh:mm:ss`. FHIR R4 has no minute precision:
    /// a time always includes seconds.
    Second,
    /// A time with a fraction of a second, `hh:mm:ss.fff` with any number of
    /// digits.
    Fraction,
}

/// FHIR date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, years 0001 to 9999.
///
/// The day, when present, exists in its month (`2024-02-29` is valid,
/// `2023-02-29` is not). A date has no time zone. There is no `Ord`: a
/// partial date such as `2024` neither precedes nor follows `2024-06`; compare
/// [`range`](Date::range)s instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Date {
    year: u16,
    /// 1 to 12, or 0 when absent.
    month: u8,
    /// 1 to the last day of the month, or 0 when absent.
    day: u8,
}

impl Date {
    /// Creates a date from its components, after checking them.
    ///
    /// # Errors
    ///
    /// Returns an error when the year is outside 1 to 9999, the month outside
    /// 1 to 12, the day does not exist in that month, or a day is given
    /// without a month.
    pub fn new(year: u16, month: Option<u8>, day: Option<u8>) -> Result<Self, ParsePrimitiveError> {
        match check_date(year, month, day) {
            Ok(()) => Ok(Self::from_checked_parts(year, month, day)),
            Err(reason) => {
                let text = format_parts(year, month, day);
                Err(ParsePrimitiveError::new(Self::FHIR_TYPE, &text, reason))
            }
        }
    }

    /// Builds a date from components that [`check_date`] accepted.
    pub(super) fn from_checked_parts(year: u16, month: Option<u8>, day: Option<u8>) -> Self {
        Self {
            year,
            month: month.unwrap_or(0),
            day: day.unwrap_or(0),
        }
    }

    /// Returns the year, 1 to 9999.
    pub fn year(&self) -> u16 {
        self.year
    }

    /// Returns the month, 1 to 12, if the date has one.
    pub fn month(&self) -> Option<u8> {
        (self.month != 0).then_some(self.month)
    }

    /// Returns the day of the month, if the date has one.
    pub fn day(&self) -> Option<u8> {
        (self.day != 0).then_some(self.day)
    }

    /// Returns [`DatePrecision::Year`], [`DatePrecision::Month`] or
    /// [`DatePrecision::Day`].
    pub fn precision(&self) -> DatePrecision {
        if self.month == 0 {
            DatePrecision::Year
        } else if self.day == 0 {
            DatePrecision::Month
        } else {
            DatePrecision::Day
        }
    }

    /// Converts a full date to chrono; returns `None` for a year or a month.
    pub fn to_naive_date(&self) -> Option<NaiveDate> {
        if self.day == 0 {
            return None;
        }
        NaiveDate::from_ymd_opt(
            i32::from(self.year),
            u32::from(self.month),
            u32::from(self.day),
        )
    }

    /// Returns the half-open interval of local time that the date covers:
    /// `2010` covers [2010-01-01T00:00, 2011-01-01T00:00), `2010-01` covers
    /// [2010-01-01T00:00, 2010-02-01T00:00) and `2010-01-15` covers one day.
    ///
    /// A date has no time zone, so the range is always
    /// [`DateRange::Local`]; the caller chooses the zone with
    /// [`DateRange::to_utc`].
    pub fn range(&self) -> DateRange {
        let (start, end) = self.local_bounds();
        DateRange::Local { start, end }
    }

    /// Returns the first day and the day after the last day that the date
    /// covers, at midnight.
    pub(super) fn local_bounds(&self) -> (NaiveDateTime, NaiveDateTime) {
        let year = i32::from(self.year);
        let (start, end) = match self.precision() {
            DatePrecision::Year => (naive_date(year, 1, 1), naive_date(year + 1, 1, 1)),
            DatePrecision::Month => {
                let month = u32::from(self.month);
                let end = if month == 12 {
                    naive_date(year + 1, 1, 1)
                } else {
                    naive_date(year, month + 1, 1)
                };
                (naive_date(year, month, 1), end)
            }
            _ => {
                let start = naive_date(year, u32::from(self.month), u32::from(self.day));
                (start, start + chrono::Days::new(1))
            }
        };
        (
            start.and_time(chrono::NaiveTime::MIN),
            end.and_time(chrono::NaiveTime::MIN),
        )
    }
}

/// Builds a chrono date that is known to exist.
///
/// Every caller passes the components of a checked [`Date`] (or the first day
/// of the following month or year), which chrono can represent for all years
/// 1 to 10000, so the `expect` never fires.
fn naive_date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a checked FHIR date exists in chrono")
}

/// Formats date components for an error message, also when they are invalid.
fn format_parts(year: u16, month: Option<u8>, day: Option<u8>) -> String {
    match (month, day) {
        (None, None) => format!("{year:04}"),
        (Some(month), None) => format!("{year:04}-{month:02}"),
        (Some(month), Some(day)) => format!("{year:04}-{month:02}-{day:02}"),
        (None, Some(day)) => format!("{year:04}-??-{day:02}"),
    }
}

impl FromStr for Date {
    type Err = ParsePrimitiveError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = |reason| ParsePrimitiveError::new(Self::FHIR_TYPE, text, reason);
        if text.is_empty() {
            return Err(error("must not be empty".into()));
        }

        let mut scanner = Scanner::new(text);
        let date = parse_date(&mut scanner).map_err(error)?;
        match scanner.peek() {
            None => Ok(date),
            Some(b'T') => Err(error(
                "a date has no time; expected YYYY, YYYY-MM or YYYY-MM-DD".into(),
            )),
            Some(_) => Err(error("expected YYYY, YYYY-MM or YYYY-MM-DD".into())),
        }
    }
}

impl TryFrom<&str> for Date {
    type Error = ParsePrimitiveError;

    fn try_from(text: &str) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl Date {
    /// Appends the FHIR text of the date to `out`, without the formatting
    /// machinery, which costs more than the digits when writing JSON.
    pub(crate) fn push_text(&self, out: &mut Vec<u8>) {
        super::push_digits(out, u32::from(self.year), 4);
        if self.month != 0 {
            out.push(b'-');
            super::push_digits(out, u32::from(self.month), 2);
        }
        if self.day != 0 {
            out.push(b'-');
            super::push_digits(out, u32::from(self.day), 2);
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        super::write_text(formatter, |out| self.push_text(out))
    }
}

impl TryFrom<NaiveDate> for Date {
    type Error = ParsePrimitiveError;

    /// Converts a chrono date with a year from 1 to 9999.
    fn try_from(date: NaiveDate) -> Result<Self, Self::Error> {
        let year = u16::try_from(date.year()).unwrap_or(0);
        // chrono months and days are at most 12 and 31, so they fit in u8.
        let (month, day) = (date.month() as u8, date.day() as u8);
        match check_date(year, Some(month), Some(day)) {
            Ok(()) => Ok(Self::from_checked_parts(year, Some(month), Some(day))),
            Err(reason) => Err(ParsePrimitiveError::new(
                Self::FHIR_TYPE,
                &date.to_string(),
                reason,
            )),
        }
    }
}

impl PrimitiveValue for Date {
    const FHIR_TYPE: &'static str = "date";

    fn deserialize_value<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        deserializer.deserialize_str(FromStrVisitor::new())
    }

    fn serialize_value<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

serde_via_primitive_value!(Date);

#[cfg(feature = "schemars")]
super::string_json_schema!(
    Date,
    "date",
    r"^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?$"
);
