//! FHIR dateTime and instant, and the time range that a date or dateTime
//! covers.

use std::fmt;
use std::str::FromStr;

use chrono::{FixedOffset, NaiveDateTime, TimeDelta, Timelike, Utc};

use super::calendar::{FromStrVisitor, TIME_NEEDS_FULL_DATE, parse_date_time, parse_instant};
use super::date::{Date, DatePrecision};
use super::time::{Time, ZoneOffset};
use super::{ParsePrimitiveError, PrimitiveValue, serde_via_primitive_value};

/// The half-open interval `[start, end)` of time that a date, dateTime or
/// instant covers, as FHIR search compares them.
///
/// `2010-01` covers [2010-01-01T00:00:00, 2010-02-01T00:00:00) and
/// `2010-01-01T10:00:00Z` covers one second from 10:00:00 UTC. A fraction of
/// a second narrows the range to one unit of its last digit: `.5` covers a
/// tenth of a second, `.500` a millisecond. Fractions finer than a
/// nanosecond are truncated to nanoseconds and cover one nanosecond.
///
/// A leap second (`23:59:60`) is counted as the first second of the next
/// minute, as POSIX `timegm` counts it, because chrono's UTC has no leap
/// seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DateRange {
    /// Wall-clock bounds of a value without a time zone: a date, or a
    /// dateTime of only a year, month or day. FHIR leaves the zone of such
    /// values to the server, so the caller picks it with
    /// [`to_utc`](DateRange::to_utc).
    Local {
        /// The first moment covered.
        start: NaiveDateTime,
        /// The first moment after the range.
        end: NaiveDateTime,
    },
    /// Bounds of a value with a time and a time zone, converted to UTC.
    Utc {
        /// The first moment covered.
        start: chrono::DateTime<Utc>,
        /// The first moment after the range.
        end: chrono::DateTime<Utc>,
    },
}

impl DateRange {
    /// Returns the bounds in UTC, reading [`DateRange::Local`] bounds as wall
    /// clock time at `local_offset` (for example the server's zone, or UTC
    /// with `FixedOffset::east_opt(0)`). [`DateRange::Utc`] bounds are
    /// returned unchanged.
    pub fn to_utc(
        &self,
        local_offset: FixedOffset,
    ) -> (chrono::DateTime<Utc>, chrono::DateTime<Utc>) {
        match *self {
            Self::Local { start, end } => (
                local_to_utc(start, local_offset),
                local_to_utc(end, local_offset),
            ),
            Self::Utc { start, end } => (start, end),
        }
    }
}

/// Converts wall-clock time at `offset` to UTC.
fn local_to_utc(local: NaiveDateTime, offset: FixedOffset) -> chrono::DateTime<Utc> {
    // Date keeps years within 1 to 9999 and ZoneOffset keeps offsets within
    // ±14:00, so bounds stay far inside chrono's range of about ±262,000 years.
    local
        .checked_sub_offset(offset)
        .expect("a FHIR date range lies inside chrono's range")
        .and_utc()
}

/// Returns the UTC range that a full date with a time and zone covers.
fn utc_range(date: &Date, time: &Time, zone: ZoneOffset) -> DateRange {
    let (midnight, _) = date.local_bounds();
    // Adding the seconds, rather than building a chrono time, turns second 60
    // into the first second of the next minute. Bounds stay in years 1 to
    // 10000, so the additions cannot overflow.
    let seconds =
        i64::from(time.hour()) * 3600 + i64::from(time.minute()) * 60 + i64::from(time.second());
    let local_start = midnight
        + TimeDelta::seconds(seconds)
        + TimeDelta::nanoseconds(i64::from(time.nanosecond()));

    let start = local_to_utc(local_start, zone.to_fixed_offset());
    let end = start + TimeDelta::nanoseconds(time.precision_nanos());
    DateRange::Utc { start, end }
}

/// Converts a full date, time and zone to chrono; `None` for a leap second.
fn to_chrono(date: &Date, time: &Time, zone: ZoneOffset) -> Option<chrono::DateTime<FixedOffset>> {
    let local = date.to_naive_date()?.and_time(time.to_naive_time()?);
    local.and_local_timezone(zone.to_fixed_offset()).single()
}

/// Splits a chrono date-time into FHIR parts, turning a zero offset into `Z`.
fn from_chrono(
    value: &chrono::DateTime<FixedOffset>,
    fhir_type: &'static str,
) -> Result<(Date, Time, ZoneOffset), ParsePrimitiveError> {
    let local = value.naive_local();
    let date = Date::try_from(local.date()).map_err(|error| {
        ParsePrimitiveError::new(fhir_type, &value.to_rfc3339(), error.reason().to_owned())
    })?;
    let time = Time::from_chrono_parts(
        local.hour(),
        local.minute(),
        local.second(),
        local.nanosecond(),
    );
    let zone = ZoneOffset::from_fixed_offset(*value.offset(), fhir_type)?;
    Ok((date, time, zone))
}

/// FHIR dateTime: a date as in [`Date`] (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`),
/// or a full date with a time and a time zone,
/// `YYYY-MM-DDThh:mm:ss(.fraction)(Z|±hh:mm)`.
///
/// A time always has seconds and a zone from -14:00 to +14:00. The text is
/// kept exactly: the fraction digits (`.000` stays `.000`) and `Z` versus
/// `+00:00`. Equality compares that text form, so the same instant written
/// with different zones gives unequal values; compare
/// [`to_chrono`](DateTime::to_chrono) or [`range`](DateTime::range)
/// results to compare instants. There is no `Ord`, for the same reason and
/// because partial dates have no single position in time.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DateTime {
    date: Date,
    time: Option<(Time, ZoneOffset)>,
}

impl DateTime {
    /// Creates a dateTime with a time and a zone.
    ///
    /// # Errors
    ///
    /// Returns an error when `date` lacks a month or a day.
    pub fn new(date: Date, time: Time, zone: ZoneOffset) -> Result<Self, ParsePrimitiveError> {
        if date.day().is_none() {
            return Err(ParsePrimitiveError::new(
                Self::FHIR_TYPE,
                &date.to_string(),
                TIME_NEEDS_FULL_DATE,
            ));
        }
        Ok(Self {
            date,
            time: Some((time, zone)),
        })
    }

    /// Creates a dateTime that is only a date, of any precision.
    pub fn from_date(date: Date) -> Self {
        Self { date, time: None }
    }

    /// Returns the date part.
    pub fn date(&self) -> Date {
        self.date
    }

    /// Returns the time of day, if the value has one.
    pub fn time(&self) -> Option<&Time> {
        self.time.as_ref().map(|(time, _)| time)
    }

    /// Returns the time zone, which is present exactly when the time is.
    pub fn zone(&self) -> Option<ZoneOffset> {
        self.time.as_ref().map(|&(_, zone)| zone)
    }

    /// Returns how much the value states, from [`DatePrecision::Year`] to
    /// [`DatePrecision::Fraction`].
    pub fn precision(&self) -> DatePrecision {
        match &self.time {
            None => self.date.precision(),
            Some((time, _)) => time.precision(),
        }
    }

    /// Converts a value with a time to chrono.
    ///
    /// Returns `None` when there is no time, and for second 60 (a leap
    /// second), which this conversion does not map to chrono's leap second.
    pub fn to_chrono(&self) -> Option<chrono::DateTime<FixedOffset>> {
        let (time, zone) = self.time.as_ref()?;
        to_chrono(&self.date, time, *zone)
    }

    /// Returns the interval that the value covers: [`DateRange::Local`] for
    /// a year, month or day, [`DateRange::Utc`] when there is a time.
    pub fn range(&self) -> DateRange {
        match &self.time {
            None => self.date.range(),
            Some((time, zone)) => utc_range(&self.date, time, *zone),
        }
    }
}

impl From<Date> for DateTime {
    fn from(date: Date) -> Self {
        Self::from_date(date)
    }
}

impl From<Instant> for DateTime {
    fn from(instant: Instant) -> Self {
        Self {
            date: instant.date,
            time: Some((instant.time, instant.zone)),
        }
    }
}

impl TryFrom<chrono::DateTime<FixedOffset>> for DateTime {
    type Error = ParsePrimitiveError;

    /// Converts a chrono date-time, writing a zero offset as `Z` and the
    /// fraction with 3, 6 or 9 digits (none when it is zero). A chrono leap
    /// second becomes second 60.
    fn try_from(value: chrono::DateTime<FixedOffset>) -> Result<Self, Self::Error> {
        let (date, time, zone) = from_chrono(&value, Self::FHIR_TYPE)?;
        Ok(Self {
            date,
            time: Some((time, zone)),
        })
    }
}

impl TryFrom<chrono::DateTime<Utc>> for DateTime {
    type Error = ParsePrimitiveError;

    /// Converts a chrono UTC date-time, written with `Z`.
    fn try_from(value: chrono::DateTime<Utc>) -> Result<Self, Self::Error> {
        Self::try_from(value.fixed_offset())
    }
}

impl FromStr for DateTime {
    type Err = ParsePrimitiveError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match parse_date_time(text) {
            Ok((date, time)) => Ok(Self { date, time }),
            Err(reason) => Err(ParsePrimitiveError::new(Self::FHIR_TYPE, text, reason)),
        }
    }
}

impl TryFrom<&str> for DateTime {
    type Error = ParsePrimitiveError;

    fn try_from(text: &str) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl DateTime {
    /// Appends the FHIR text of the dateTime to `out`.
    pub(crate) fn push_text(&self, out: &mut Vec<u8>) {
        self.date.push_text(out);
        if let Some((time, zone)) = &self.time {
            out.push(b'T');
            time.push_text(out);
            zone.push_text(out);
        }
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        super::write_text(formatter, |out| self.push_text(out))
    }
}

impl PrimitiveValue for DateTime {
    const FHIR_TYPE: &'static str = "dateTime";

    fn deserialize_value<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        deserializer.deserialize_str(FromStrVisitor::new())
    }

    fn serialize_value<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

serde_via_primitive_value!(DateTime);

/// FHIR instant: a full date, a time to at least the second and a time zone,
/// `YYYY-MM-DDThh:mm:ss(.fraction)(Z|±hh:mm)`.
///
/// The text is kept exactly, as for [`DateTime`], and equality compares it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Instant {
    date: Date,
    time: Time,
    zone: ZoneOffset,
}

impl Instant {
    /// Creates an instant.
    ///
    /// # Errors
    ///
    /// Returns an error when `date` lacks a month or a day.
    pub fn new(date: Date, time: Time, zone: ZoneOffset) -> Result<Self, ParsePrimitiveError> {
        if date.day().is_none() {
            return Err(ParsePrimitiveError::new(
                Self::FHIR_TYPE,
                &date.to_string(),
                TIME_NEEDS_FULL_DATE,
            ));
        }
        Ok(Self { date, time, zone })
    }

    /// Returns the date, which always has a year, month and day.
    pub fn date(&self) -> Date {
        self.date
    }

    /// Returns the time of day.
    pub fn time(&self) -> &Time {
        &self.time
    }

    /// Returns the time zone.
    pub fn zone(&self) -> ZoneOffset {
        self.zone
    }

    /// Returns [`DatePrecision::Second`] or [`DatePrecision::Fraction`].
    pub fn precision(&self) -> DatePrecision {
        self.time.precision()
    }

    /// Converts the instant to chrono.
    ///
    /// Returns `None` only for second 60 (a leap second).
    pub fn to_chrono(&self) -> Option<chrono::DateTime<FixedOffset>> {
        to_chrono(&self.date, &self.time, self.zone)
    }

    /// Returns the interval that the instant covers, always
    /// [`DateRange::Utc`]: one second, or one unit of the last fraction digit.
    pub fn range(&self) -> DateRange {
        utc_range(&self.date, &self.time, self.zone)
    }
}

impl TryFrom<DateTime> for Instant {
    type Error = ParsePrimitiveError;

    /// Converts a dateTime that has a time; a partial dateTime is an error.
    fn try_from(value: DateTime) -> Result<Self, Self::Error> {
        match value.time {
            Some((time, zone)) => Ok(Self {
                date: value.date,
                time,
                zone,
            }),
            None => Err(ParsePrimitiveError::new(
                Self::FHIR_TYPE,
                &value.to_string(),
                "an instant requires a time and a time zone",
            )),
        }
    }
}

impl TryFrom<chrono::DateTime<FixedOffset>> for Instant {
    type Error = ParsePrimitiveError;

    /// Converts a chrono date-time, writing a zero offset as `Z` and the
    /// fraction with 3, 6 or 9 digits (none when it is zero). A chrono leap
    /// second becomes second 60.
    fn try_from(value: chrono::DateTime<FixedOffset>) -> Result<Self, Self::Error> {
        let (date, time, zone) = from_chrono(&value, Self::FHIR_TYPE)?;
        Ok(Self { date, time, zone })
    }
}

impl TryFrom<chrono::DateTime<Utc>> for Instant {
    type Error = ParsePrimitiveError;

    /// Converts a chrono UTC date-time, written with `Z`.
    fn try_from(value: chrono::DateTime<Utc>) -> Result<Self, Self::Error> {
        Self::try_from(value.fixed_offset())
    }
}

impl FromStr for Instant {
    type Err = ParsePrimitiveError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match parse_instant(text) {
            Ok((date, time, zone)) => Ok(Self { date, time, zone }),
            Err(reason) => Err(ParsePrimitiveError::new(Self::FHIR_TYPE, text, reason)),
        }
    }
}

impl TryFrom<&str> for Instant {
    type Error = ParsePrimitiveError;

    fn try_from(text: &str) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl Instant {
    /// Appends the FHIR text of the instant to `out`.
    pub(crate) fn push_text(&self, out: &mut Vec<u8>) {
        self.date.push_text(out);
        out.push(b'T');
        self.time.push_text(out);
        self.zone.push_text(out);
    }
}

impl fmt::Display for Instant {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        super::write_text(formatter, |out| self.push_text(out))
    }
}

impl PrimitiveValue for Instant {
    const FHIR_TYPE: &'static str = "instant";

    fn deserialize_value<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        deserializer.deserialize_str(FromStrVisitor::new())
    }

    fn serialize_value<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

serde_via_primitive_value!(Instant);

#[cfg(feature = "schemars")]
super::string_json_schema!(
    DateTime,
    "dateTime",
    r"^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?$"
);

#[cfg(feature = "schemars")]
super::string_json_schema!(
    Instant,
    "instant",
    r"^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))$"
);
