//! Parsing shared by date, dateTime, instant and time: the text scanner, the
//! calendar rules and the serde visitor for types read from JSON strings.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use super::date::Date;
use super::time::{Fraction, Time, ZoneOffset};
use super::{ParsePrimitiveError, PrimitiveValue};

/// The reason part of a [`ParsePrimitiveError`] message, without the type name
/// and the text.
pub(super) type Reason = Cow<'static, str>;

pub(super) const TIME_FORMAT: &str =
    "time must be hh:mm:ss, optionally followed by a fraction such as .123";
pub(super) const ZONE_FORMAT: &str = "time zone must be `Z` or ±hh:mm";
pub(super) const TIME_NEEDS_FULL_DATE: &str = "a time requires a full date (YYYY-MM-DD)";

/// Returns whether `year` is a leap year in the proleptic Gregorian calendar.
pub(super) fn is_leap_year(year: u16) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Returns the number of days in `month` (1 to 12) of `year`.
pub(super) fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Checks the ranges of a date: year 1 to 9999, month 1 to 12, and a day that
/// exists in that month.
pub(super) fn check_date(year: u16, month: Option<u8>, day: Option<u8>) -> Result<(), Reason> {
    if !(1..=9999).contains(&year) {
        return Err("year must be 0001 to 9999".into());
    }
    let Some(month) = month else {
        return match day {
            Some(_) => Err("a day requires a month".into()),
            None => Ok(()),
        };
    };
    if !(1..=12).contains(&month) {
        return Err("month must be 01 to 12".into());
    }
    if let Some(day) = day {
        let last_day = days_in_month(year, month);
        if day == 0 || day > last_day {
            return Err(format!("day must be 01 to {last_day} in {year:04}-{month:02}").into());
        }
    }
    Ok(())
}

/// Checks the ranges of a time of day: hour 0 to 23, minute 0 to 59 and
/// second 0 to 60 (60 is a leap second).
pub(super) fn check_time(hour: u8, minute: u8, second: u8) -> Result<(), Reason> {
    if hour > 23 {
        return Err("hour must be 00 to 23".into());
    }
    if minute > 59 {
        return Err("minute must be 00 to 59".into());
    }
    if second > 60 {
        return Err("second must be 00 to 60".into());
    }
    Ok(())
}

/// A cursor over the ASCII bytes of a date or time text.
pub(super) struct Scanner<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl<'a> Scanner<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Self {
            bytes: text.as_bytes(),
            position: 0,
        }
    }

    pub(super) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.position).copied()
    }

    pub(super) fn is_at_end(&self) -> bool {
        self.position >= self.bytes.len()
    }

    /// Consumes `byte` if it comes next.
    pub(super) fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.position += 1;
            true
        } else {
            false
        }
    }

    /// Consumes exactly `count` ASCII digits and returns their value, or
    /// consumes nothing and returns `None` when fewer digits come next.
    fn digits(&mut self, count: usize) -> Option<u16> {
        let end = self.position + count;
        let digits = self.bytes.get(self.position..end)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.position = end;
        Some(
            digits
                .iter()
                .fold(0, |value, digit| value * 10 + u16::from(digit - b'0')),
        )
    }

    /// Consumes a run of ASCII digits, possibly empty, and returns it.
    fn digit_run(&mut self) -> &'a [u8] {
        let start = self.position;
        while self.peek().is_some_and(|byte| byte.is_ascii_digit()) {
            self.position += 1;
        }
        &self.bytes[start..self.position]
    }
}

/// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD` at the scanner position and
/// stops before anything that follows.
pub(super) fn parse_date(scanner: &mut Scanner<'_>) -> Result<Date, Reason> {
    let Some(year) = scanner.digits(4) else {
        return Err("year must be 4 digits".into());
    };
    if !scanner.eat(b'-') {
        check_date(year, None, None)?;
        return Ok(Date::from_checked_parts(year, None, None));
    }

    let Some(month) = scanner.digits(2) else {
        return Err("month must be 2 digits".into());
    };
    // Two digits are at most 99, so the value fits in u8.
    let month = month as u8;
    if !scanner.eat(b'-') {
        check_date(year, Some(month), None)?;
        return Ok(Date::from_checked_parts(year, Some(month), None));
    }

    let Some(day) = scanner.digits(2) else {
        return Err("day must be 2 digits".into());
    };
    let day = day as u8;
    check_date(year, Some(month), Some(day))?;
    Ok(Date::from_checked_parts(year, Some(month), Some(day)))
}

/// Consumes `hh:mm` and returns the two numbers, unchecked.
fn scan_hh_mm(scanner: &mut Scanner<'_>) -> Option<(u16, u16)> {
    let hours = scanner.digits(2)?;
    if !scanner.eat(b':') {
        return None;
    }
    let minutes = scanner.digits(2)?;
    Some((hours, minutes))
}

/// Consumes `hh:mm:ss` and returns the three numbers, unchecked.
fn scan_hh_mm_ss(scanner: &mut Scanner<'_>) -> Option<(u16, u16, u16)> {
    let (hours, minutes) = scan_hh_mm(scanner)?;
    if !scanner.eat(b':') {
        return None;
    }
    let seconds = scanner.digits(2)?;
    Some((hours, minutes, seconds))
}

/// Parses `hh:mm:ss` with an optional `.fraction` at the scanner position.
pub(super) fn parse_time(scanner: &mut Scanner<'_>) -> Result<Time, Reason> {
    let Some((hour, minute, second)) = scan_hh_mm_ss(scanner) else {
        return Err(TIME_FORMAT.into());
    };
    // Two digits are at most 99, so the values fit in u8.
    let (hour, minute, second) = (hour as u8, minute as u8, second as u8);
    check_time(hour, minute, second)?;

    let fraction = if scanner.eat(b'.') {
        let digits = scanner.digit_run();
        if digits.is_empty() {
            return Err("the `.` of a fraction of a second must be followed by digits".into());
        }
        Some(Fraction::from_digits(digits))
    } else {
        None
    };
    Ok(Time::from_checked_parts(hour, minute, second, fraction))
}

/// Parses `Z` or `±hh:mm` (from -14:00 to +14:00) at the scanner position.
pub(super) fn parse_zone(scanner: &mut Scanner<'_>) -> Result<ZoneOffset, Reason> {
    let negative = match scanner.peek() {
        None => return Err("a time must be followed by a time zone: `Z` or ±hh:mm".into()),
        Some(b'Z') => {
            scanner.eat(b'Z');
            return Ok(ZoneOffset::UTC);
        }
        Some(b'+') => false,
        Some(b'-') => true,
        Some(_) => return Err(ZONE_FORMAT.into()),
    };
    scanner.position += 1;

    let Some((hours, minutes)) = scan_hh_mm(scanner) else {
        return Err(ZONE_FORMAT.into());
    };
    ZoneOffset::from_parsed(negative, hours, minutes)
}

/// Parses a whole dateTime text.
pub(super) fn parse_date_time(text: &str) -> Result<(Date, Option<(Time, ZoneOffset)>), Reason> {
    if text.is_empty() {
        return Err("must not be empty".into());
    }
    let mut scanner = Scanner::new(text);
    let date = parse_date(&mut scanner)?;
    if scanner.is_at_end() {
        return Ok((date, None));
    }
    if scanner.peek() != Some(b'T') {
        return Err(
            "expected YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss followed by a time \
                    zone"
                .into(),
        );
    }
    if date.day().is_none() {
        return Err(TIME_NEEDS_FULL_DATE.into());
    }
    scanner.eat(b'T');

    let time = parse_time(&mut scanner)?;
    let zone = parse_zone(&mut scanner)?;
    if !scanner.is_at_end() {
        return Err("unexpected text after the time zone".into());
    }
    Ok((date, Some((time, zone))))
}

/// Parses a whole instant text: a full date, a time and a time zone.
pub(super) fn parse_instant(text: &str) -> Result<(Date, Time, ZoneOffset), Reason> {
    if text.is_empty() {
        return Err("must not be empty".into());
    }
    let mut scanner = Scanner::new(text);
    let date = parse_date(&mut scanner)?;
    if date.day().is_none() || !scanner.eat(b'T') {
        return Err(
            "expected YYYY-MM-DDThh:mm:ss, an optional fraction, and a time zone (`Z` \
                    or ±hh:mm)"
                .into(),
        );
    }

    let time = parse_time(&mut scanner)?;
    let zone = parse_zone(&mut scanner)?;
    if !scanner.is_at_end() {
        return Err("unexpected text after the time zone".into());
    }
    Ok((date, time, zone))
}

/// Reads a JSON string and parses it with `T::from_str`.
pub(super) struct FromStrVisitor<T>(PhantomData<T>);

impl<T> FromStrVisitor<T> {
    pub(super) fn new() -> Self {
        Self(PhantomData)
    }
}

impl<T> serde::de::Visitor<'_> for FromStrVisitor<T>
where
    T: PrimitiveValue + FromStr<Err = ParsePrimitiveError>,
{
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "a FHIR {} as a JSON string", T::FHIR_TYPE)
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<T, E> {
        text.parse().map_err(E::custom)
    }
}
