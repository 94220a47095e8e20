//! Date values of search parameters, which keep their precision.

use std::fmt;

use chrono::{NaiveDateTime, TimeDelta};

use crate::primitives::{Date, DateRange};

/// How much of a date or time a search value states.
///
/// Unlike a FHIR `dateTime`, a search value may stop at the minute
/// (`2024-01-15T10:30`) and may leave out the time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum SearchDatePrecision {
    /// `YYYY`.
    Year,
    /// `YYYY-MM`.
    Month,
    /// `YYYY-MM-DD`.
    Day,
    /// `YYYY-MM-DDThh:mm`.
    Minute,
    /// `YYYY-MM-DDThh:mm:ss`.
    Second,
    /// `YYYY-MM-DDThh:mm:ss.fff`, with any number of fraction digits.
    Fraction,
}

/// A date search value such as `2010-01` or `2024-07-08T20:47:12+03:30`.
///
/// The accepted forms are `YYYY`, `YYYY-MM`, `YYYY-MM-DD` and
/// `YYYY-MM-DDThh:mm[:ss[.fff]][Z|±hh:mm]`. A value with a time may leave out
/// the zone, in which case its [`range`](SearchDate::range) is
/// [`DateRange::Local`] and the server picks the zone, as for dates
/// without a time.
///
/// A `+` written unencoded in a URL reaches the parser as a space. When the
/// value has the shape `…Thh:mm[:ss[.fff]] hh:mm`, the space can only be
/// the `+` of a zone offset, so the parser restores the `+`. Any other space
/// is an error that tells the client to send `%2B`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SearchDate {
    text: String,
    precision: SearchDatePrecision,
    range: DateRange,
}

impl SearchDate {
    /// Parses a date search value, without a prefix.
    ///
    /// # Errors
    ///
    /// Returns the reason, in words, when `text` is not one of the forms
    /// listed on [`SearchDate`]: for example a day that does not exist
    /// (`2024-02-30`), an hour without minutes (`2013-05-18T23`), a zone
    /// without a time (`2013-05-18+01:00`) or hour 24.
    pub fn parse(text: &str) -> Result<Self, String> {
        let restored;
        let text = if text.contains(' ') {
            restored = restore_plus(text).ok_or_else(|| {
                "a date contains no spaces; a `+` of a time zone offset must be sent \
                 percent-encoded as %2B"
                    .to_owned()
            })?;
            restored.as_str()
        } else {
            text
        };

        let (date_text, time_text) = match text.split_once('T') {
            Some((date, time)) => (date, Some(time)),
            None => (text, None),
        };
        let zone_after_date = matches!(date_text.as_bytes().get(10), Some(b'+' | b'-' | b'Z'));
        if time_text.is_none() && zone_after_date {
            return Err(
                "a time zone needs a time: expected YYYY-MM-DDThh:mm:ss followed by the zone"
                    .to_owned(),
            );
        }
        let date: Date = date_text
            .parse()
            .map_err(|error: crate::primitives::ParsePrimitiveError| error.reason().to_owned())?;
        let DateRange::Local { start, end } = date.range() else {
            return Err("a date has no time zone".to_owned());
        };

        let Some(time_text) = time_text else {
            let precision = match date.precision() {
                crate::primitives::DatePrecision::Year => SearchDatePrecision::Year,
                crate::primitives::DatePrecision::Month => SearchDatePrecision::Month,
                _ => SearchDatePrecision::Day,
            };
            return Ok(Self {
                text: text.to_owned(),
                precision,
                range: DateRange::Local { start, end },
            });
        };
        if date.day().is_none() {
            return Err("a time needs a full date: expected YYYY-MM-DDThh:mm".to_owned());
        }

        let time = parse_time(time_text)?;
        let local_start = start
            + TimeDelta::seconds(i64::from(time.seconds_of_day))
            + TimeDelta::nanoseconds(i64::from(time.nanosecond));
        let local_end = local_start + time.length;
        let range = match time.offset_minutes {
            None => DateRange::Local {
                start: local_start,
                end: local_end,
            },
            Some(offset) => {
                let offset = TimeDelta::minutes(i64::from(offset));
                DateRange::Utc {
                    start: to_utc(local_start, offset),
                    end: to_utc(local_end, offset),
                }
            }
        };
        Ok(Self {
            text: text.to_owned(),
            precision: time.precision,
            range,
        })
    }

    /// Returns the value as written, with a restored `+`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Returns how much of a date or time the value states.
    pub fn precision(&self) -> SearchDatePrecision {
        self.precision
    }

    /// Returns the half-open interval that the value covers: a whole year for
    /// `2010`, one minute for `2010-01-01T10:00Z`, one millisecond for
    /// `…:00.000Z`.
    pub fn range(&self) -> DateRange {
        self.range
    }
}

impl fmt::Display for SearchDate {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.text)
    }
}

/// Converts wall-clock time at `offset` east of UTC to UTC.
fn to_utc(local: NaiveDateTime, offset: TimeDelta) -> chrono::DateTime<chrono::Utc> {
    // Dates are limited to years 1 to 9999 and offsets to ±14:00, far inside
    // chrono's range, so the subtraction cannot overflow.
    (local - offset).and_utc()
}

/// Returns `text` with its one space turned back into `+` when the value has
/// the shape `…Thh:mm[:ss[.fff]] hh:mm`, and `None` otherwise.
fn restore_plus(text: &str) -> Option<String> {
    let (before, zone) = text.split_once(' ')?;
    let zone_shape = zone.len() == 5
        && zone.as_bytes()[2] == b':'
        && zone
            .bytes()
            .enumerate()
            .all(|(index, byte)| index == 2 || byte.is_ascii_digit());
    let (_, time) = before.split_once('T')?;
    let time_shape = time.len() >= 5
        && time.as_bytes()[2] == b':'
        && time
            .bytes()
            .all(|byte| byte.is_ascii_digit() || byte == b':' || byte == b'.');
    (zone_shape && time_shape).then(|| format!("{before}+{zone}"))
}

/// The parts of a time of day with an optional zone.
struct ParsedTime {
    seconds_of_day: u32,
    nanosecond: u32,
    length: TimeDelta,
    precision: SearchDatePrecision,
    /// Minutes east of UTC, or `None` when no zone was written.
    offset_minutes: Option<i32>,
}

const TIME_FORMAT: &str =
    "expected hh:mm, hh:mm:ss or hh:mm:ss.fff after `T`, then optionally Z or ±hh:mm";

/// Parses `hh:mm[:ss[.fff]][Z|±hh:mm]`.
fn parse_time(text: &str) -> Result<ParsedTime, String> {
    let bytes = text.as_bytes();
    let two_digits = |at: usize| -> Option<u32> {
        let pair = bytes.get(at..at + 2)?;
        pair.iter()
            .all(u8::is_ascii_digit)
            .then(|| u32::from(pair[0] - b'0') * 10 + u32::from(pair[1] - b'0'))
    };

    let hour = two_digits(0).ok_or_else(|| TIME_FORMAT.to_owned())?;
    if bytes.get(2) != Some(&b':') {
        return Err("an hour needs minutes: expected hh:mm or hh:mm:ss after `T`".to_owned());
    }
    let minute = two_digits(3).ok_or_else(|| TIME_FORMAT.to_owned())?;
    if hour > 23 {
        return Err(format!("hour {hour:02} is out of range: expected 00 to 23"));
    }
    if minute > 59 {
        return Err(format!(
            "minute {minute:02} is out of range: expected 00 to 59"
        ));
    }

    let mut position = 5;
    let mut second = 0;
    let mut nanosecond = 0;
    let mut precision = SearchDatePrecision::Minute;
    let mut length = TimeDelta::minutes(1);
    if bytes.get(position) == Some(&b':') {
        second = two_digits(position + 1).ok_or_else(|| TIME_FORMAT.to_owned())?;
        if second > 60 {
            return Err(format!(
                "second {second:02} is out of range: expected 00 to 60"
            ));
        }
        position += 3;
        precision = SearchDatePrecision::Second;
        length = TimeDelta::seconds(1);

        if bytes.get(position) == Some(&b'.') {
            let digits = bytes[position + 1..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            if digits == 0 {
                return Err(
                    "the decimal point of the seconds must be followed by digits".to_owned(),
                );
            }
            // Digits past the ninth are below chrono's nanosecond resolution
            // and are ignored, as for dateTime values.
            let kept = digits.min(9);
            let mut fraction = 0_u32;
            for &digit in &bytes[position + 1..position + 1 + kept] {
                fraction = fraction * 10 + u32::from(digit - b'0');
            }
            let unit = 10_u32.pow(9 - kept as u32);
            nanosecond = fraction * unit;
            length = TimeDelta::nanoseconds(i64::from(unit));
            precision = SearchDatePrecision::Fraction;
            position += 1 + digits;
        }
    }

    let offset_minutes = match bytes.get(position) {
        None => None,
        Some(b'Z') if position + 1 == bytes.len() => Some(0),
        Some(&sign @ (b'+' | b'-')) => {
            let hours = two_digits(position + 1);
            let minutes = two_digits(position + 4);
            let valid_shape = bytes.get(position + 3) == Some(&b':') && bytes.len() == position + 6;
            let (Some(hours), Some(minutes), true) = (hours, minutes, valid_shape) else {
                return Err("expected the time zone as Z or ±hh:mm".to_owned());
            };
            if minutes > 59 || hours > 14 || (hours == 14 && minutes > 0) {
                return Err("the time zone offset must be from -14:00 to +14:00".to_owned());
            }
            let magnitude = (hours * 60 + minutes) as i32;
            Some(if sign == b'-' { -magnitude } else { magnitude })
        }
        Some(_) => return Err(TIME_FORMAT.to_owned()),
    };

    Ok(ParsedTime {
        seconds_of_day: hour * 3600 + minute * 60 + second,
        nanosecond,
        length,
        precision,
        offset_minutes,
    })
}
