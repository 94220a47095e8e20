//! FHIR time, and the parts of a time that dateTime and instant share: the
//! fraction of a second and the time zone offset.

use std::fmt;
use std::str::FromStr;

use chrono::{FixedOffset, NaiveTime, Timelike};

use super::calendar::{FromStrVisitor, Reason, Scanner, TIME_FORMAT, check_time, parse_time};
use super::date::DatePrecision;
use super::{ParsePrimitiveError, PrimitiveValue, serde_via_primitive_value};

/// Nanoseconds in one second.
const NANOS_PER_SECOND: u32 = 1_000_000_000;

/// The digits after the decimal point of a seconds value, kept so that the
/// text prints back unchanged (`.5`, `.500` and `.000` stay as written).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct Fraction {
    /// The first nine digits as nanoseconds.
    nanos: u32,
    /// How many of the nine nanosecond digits were written, 1 to 9.
    digits: u8,
    /// Digits past the ninth, which nanoseconds cannot hold.
    extra_digits: Option<Box<str>>,
}

impl Fraction {
    /// Builds a fraction from one or more ASCII digits.
    pub(super) fn from_digits(digits: &[u8]) -> Self {
        let (head, tail) = digits.split_at(digits.len().min(9));
        let mut nanos = head
            .iter()
            .fold(0_u32, |value, digit| value * 10 + u32::from(digit - b'0'));
        for _ in head.len()..9 {
            nanos *= 10;
        }

        // The caller passes ASCII digits only, so the tail is valid UTF-8.
        let extra_digits = (!tail.is_empty())
            .then(|| std::str::from_utf8(tail).ok().map(Box::from))
            .flatten();
        Self {
            nanos,
            // At most 9, from the split above.
            digits: head.len() as u8,
            extra_digits,
        }
    }

    /// Builds a fraction of 3, 6 or 9 digits, the fewest that represent
    /// `nanos` exactly, or `None` for zero.
    fn from_nanos(nanos: u32) -> Option<Self> {
        let digits = if nanos == 0 {
            return None;
        } else if nanos % 1_000_000 == 0 {
            3
        } else if nanos % 1_000 == 0 {
            6
        } else {
            9
        };
        Some(Self {
            nanos,
            digits,
            extra_digits: None,
        })
    }

    /// Returns the number of digits written after the decimal point.
    pub(super) fn digit_count(&self) -> usize {
        usize::from(self.digits) + self.extra_digits.as_ref().map_or(0, |extra| extra.len())
    }

    /// Returns the value truncated to whole nanoseconds.
    pub(super) fn nanos(&self) -> u32 {
        self.nanos
    }
}

impl Fraction {
    /// Appends `.` and the digits as written.
    fn push_text(&self, out: &mut Vec<u8>) {
        let scaled = self.nanos / 10_u32.pow(9 - u32::from(self.digits));
        out.push(b'.');
        super::push_digits(out, scaled, usize::from(self.digits));
        if let Some(extra) = &self.extra_digits {
            out.extend_from_slice(extra.as_bytes());
        }
    }
}

/// A time zone offset of a dateTime or instant: `Z` or `±hh:mm` from -14:00
/// to +14:00.
///
/// The written form is kept: `Z`, `+00:00` and `-00:00` all mean UTC but are
/// different values that print differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ZoneOffset(ZoneForm);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum ZoneForm {
    /// `Z`.
    Z,
    /// `+hh:mm` or `-hh:mm`; `minutes` is the magnitude, at most 840.
    Offset { negative: bool, minutes: u16 },
}

impl ZoneOffset {
    /// UTC written as `Z`.
    pub const UTC: Self = Self(ZoneForm::Z);

    /// Creates an offset of `minutes` east of UTC, written as `±hh:mm`
    /// (`+00:00` for zero).
    ///
    /// # Errors
    ///
    /// Returns an error when `minutes` is outside -840 to 840 (-14:00 to
    /// +14:00).
    pub fn from_minutes(minutes: i32) -> Result<Self, ParsePrimitiveError> {
        let magnitude = minutes.unsigned_abs();
        match u16::try_from(magnitude) {
            Ok(magnitude) if magnitude <= 14 * 60 => Ok(Self(ZoneForm::Offset {
                negative: minutes < 0,
                minutes: magnitude,
            })),
            _ => {
                let sign = if minutes < 0 { '-' } else { '+' };
                let text = format!("{sign}{:02}:{:02}", magnitude / 60, magnitude % 60);
                Err(ParsePrimitiveError::new(
                    "dateTime",
                    &text,
                    "time zone offset must be -14:00 to +14:00",
                ))
            }
        }
    }

    /// Builds an offset from parsed `±hh:mm` numbers, checking their ranges.
    pub(super) fn from_parsed(negative: bool, hours: u16, minutes: u16) -> Result<Self, Reason> {
        if minutes > 59 {
            return Err("time zone minutes must be 00 to 59".into());
        }
        let total = hours * 60 + minutes;
        if total > 14 * 60 {
            return Err("time zone offset must be -14:00 to +14:00".into());
        }
        Ok(Self(ZoneForm::Offset {
            negative,
            minutes: total,
        }))
    }

    /// Returns whether the offset is written as `Z`.
    pub fn is_z(&self) -> bool {
        self.0 == ZoneForm::Z
    }

    /// Returns the offset in minutes east of UTC; `Z`, `+00:00` and `-00:00`
    /// give 0.
    pub fn minutes(&self) -> i32 {
        match self.0 {
            ZoneForm::Z => 0,
            ZoneForm::Offset { negative, minutes } if negative => -i32::from(minutes),
            ZoneForm::Offset { minutes, .. } => i32::from(minutes),
        }
    }

    /// Converts the offset to chrono.
    pub fn to_fixed_offset(&self) -> FixedOffset {
        // At most 14 hours, well inside the ±24 hours that chrono accepts.
        FixedOffset::east_opt(self.minutes() * 60).expect("a FHIR offset is within ±14:00")
    }

    /// Converts a chrono offset; zero becomes `Z`.
    pub(super) fn from_fixed_offset(
        offset: FixedOffset,
        fhir_type: &'static str,
    ) -> Result<Self, ParsePrimitiveError> {
        let seconds = offset.local_minus_utc();
        if seconds == 0 {
            return Ok(Self::UTC);
        }
        if seconds % 60 != 0 {
            return Err(ParsePrimitiveError::new(
                fhir_type,
                &offset.to_string(),
                "time zone offset must be a whole number of minutes",
            ));
        }
        Self::from_minutes(seconds / 60).map_err(|_| {
            ParsePrimitiveError::new(
                fhir_type,
                &offset.to_string(),
                "time zone offset must be -14:00 to +14:00",
            )
        })
    }
}

impl ZoneOffset {
    /// Appends `Z` or `±hh:mm` to `out`.
    pub(crate) fn push_text(&self, out: &mut Vec<u8>) {
        match self.0 {
            ZoneForm::Z => out.push(b'Z'),
            ZoneForm::Offset { negative, minutes } => {
                out.push(if negative { b'-' } else { b'+' });
                super::push_digits(out, u32::from(minutes / 60), 2);
                out.push(b':');
                super::push_digits(out, u32::from(minutes % 60), 2);
            }
        }
    }
}

impl fmt::Display for ZoneOffset {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        super::write_text(formatter, |out| self.push_text(out))
    }
}

/// FHIR time: a time of day `hh:mm:ss` with an optional fraction of a
/// second and no time zone.
///
/// Second 60 (a leap second) is valid. The fraction keeps its digits as
/// written, so `10:00:00.5`, `10:00:00.50` and `10:00:00` are three different
/// values, and there is no `Ord`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Time {
    hour: u8,
    minute: u8,
    second: u8,
    fraction: Option<Fraction>,
}

impl Time {
    /// Creates a time without a fraction of a second.
    ///
    /// # Errors
    ///
    /// Returns an error when `hour` is over 23, `minute` over 59 or `second`
    /// over 60.
    pub fn from_hms(hour: u8, minute: u8, second: u8) -> Result<Self, ParsePrimitiveError> {
        Self::from_hms_nano(hour, minute, second, 0)
    }

    /// Creates a time with `nanosecond` billionths of a second, written with
    /// 3, 6 or 9 fraction digits (the fewest that hold it exactly), or with no
    /// fraction when `nanosecond` is 0.
    ///
    /// # Errors
    ///
    /// Returns an error when `hour` is over 23, `minute` over 59, `second`
    /// over 60 or `nanosecond` over 999,999,999.
    pub fn from_hms_nano(
        hour: u8,
        minute: u8,
        second: u8,
        nanosecond: u32,
    ) -> Result<Self, ParsePrimitiveError> {
        let error = |reason| {
            let mut text = format!("{hour:02}:{minute:02}:{second:02}");
            if nanosecond != 0 {
                text.push_str(&format!(" + {nanosecond} ns"));
            }
            ParsePrimitiveError::new(Self::FHIR_TYPE, &text, reason)
        };
        check_time(hour, minute, second).map_err(error)?;
        if nanosecond >= NANOS_PER_SECOND {
            return Err(error("nanosecond must be 0 to 999999999".into()));
        }
        Ok(Self::from_checked_parts(
            hour,
            minute,
            second,
            Fraction::from_nanos(nanosecond),
        ))
    }

    /// Builds a time from components that [`check_time`] accepted.
    pub(super) fn from_checked_parts(
        hour: u8,
        minute: u8,
        second: u8,
        fraction: Option<Fraction>,
    ) -> Self {
        Self {
            hour,
            minute,
            second,
            fraction,
        }
    }

    /// Returns the time with exactly `digits` fraction digits (0 removes the
    /// fraction), dropping any digits past the new length.
    ///
    /// For example, `10:00:00.123456` with 3 digits becomes `10:00:00.123`
    /// and `10:00:00` with 3 digits becomes `10:00:00.000`.
    ///
    /// # Errors
    ///
    /// Returns an error when `digits` is over 9.
    pub fn with_fraction_digits(mut self, digits: u8) -> Result<Self, ParsePrimitiveError> {
        if digits > 9 {
            return Err(ParsePrimitiveError::new(
                Self::FHIR_TYPE,
                &self.to_string(),
                format!("cannot write {digits} fraction digits; the maximum is 9"),
            ));
        }
        self.fraction = if digits == 0 {
            None
        } else {
            let unit = 10_u32.pow(9 - u32::from(digits));
            let nanos = self.nanosecond() / unit * unit;
            Some(Fraction {
                nanos,
                digits,
                extra_digits: None,
            })
        };
        Ok(self)
    }

    /// Returns the hour, 0 to 23.
    pub fn hour(&self) -> u8 {
        self.hour
    }

    /// Returns the minute, 0 to 59.
    pub fn minute(&self) -> u8 {
        self.minute
    }

    /// Returns the second, 0 to 60 (60 is a leap second).
    pub fn second(&self) -> u8 {
        self.second
    }

    /// Returns the fraction of the second in nanoseconds; digits past the
    /// ninth are dropped.
    pub fn nanosecond(&self) -> u32 {
        self.fraction.as_ref().map_or(0, Fraction::nanos)
    }

    /// Returns the number of digits written after the decimal point, 0 when
    /// there is no fraction.
    pub fn fraction_digits(&self) -> usize {
        self.fraction.as_ref().map_or(0, Fraction::digit_count)
    }

    /// Returns [`DatePrecision::Second`] or [`DatePrecision::Fraction`].
    pub fn precision(&self) -> DatePrecision {
        match self.fraction {
            Some(_) => DatePrecision::Fraction,
            None => DatePrecision::Second,
        }
    }

    /// Converts the time to chrono; returns `None` for a leap second
    /// (second 60), which chrono cannot place without a date.
    pub fn to_naive_time(&self) -> Option<NaiveTime> {
        NaiveTime::from_hms_nano_opt(
            u32::from(self.hour),
            u32::from(self.minute),
            u32::from(self.second),
            self.nanosecond(),
        )
        .filter(|_| self.second < 60)
    }

    /// Returns the length of the interval that the time's precision covers,
    /// in nanoseconds: one second, or one unit of the last fraction digit.
    /// Fractions finer than a nanosecond give 1.
    pub(super) fn precision_nanos(&self) -> i64 {
        match &self.fraction {
            None => i64::from(NANOS_PER_SECOND),
            Some(fraction) => match fraction.digit_count() {
                digits @ 1..=9 => 10_i64.pow(9 - digits as u32),
                _ => 1,
            },
        }
    }

    /// Converts a chrono time; chrono's leap second (second 59 with 1e9 or
    /// more nanoseconds) becomes second 60.
    pub(super) fn from_chrono_parts(hour: u32, minute: u32, second: u32, nanosecond: u32) -> Self {
        let (second, nanosecond) = if nanosecond >= NANOS_PER_SECOND {
            (second + 1, nanosecond - NANOS_PER_SECOND)
        } else {
            (second, nanosecond)
        };
        // chrono keeps hour < 24, minute < 60 and second < 60, so these fit in u8.
        Self::from_checked_parts(
            hour as u8,
            minute as u8,
            second as u8,
            Fraction::from_nanos(nanosecond),
        )
    }
}

impl From<NaiveTime> for Time {
    /// Converts a chrono time, writing the fraction with 3, 6 or 9 digits.
    fn from(time: NaiveTime) -> Self {
        Self::from_chrono_parts(time.hour(), time.minute(), time.second(), time.nanosecond())
    }
}

impl FromStr for Time {
    type Err = ParsePrimitiveError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = |reason| ParsePrimitiveError::new(Self::FHIR_TYPE, text, reason);
        if text.is_empty() {
            return Err(error("must not be empty".into()));
        }

        let mut scanner = Scanner::new(text);
        let time = parse_time(&mut scanner).map_err(error)?;
        match scanner.peek() {
            None => Ok(time),
            Some(b'Z' | b'+' | b'-') => Err(error("a time must not have a time zone".into())),
            Some(_) => Err(error(TIME_FORMAT.into())),
        }
    }
}

impl TryFrom<&str> for Time {
    type Error = ParsePrimitiveError;

    fn try_from(text: &str) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl Time {
    /// Appends `hh:mm:ss` and the fraction as written to `out`.
    pub(crate) fn push_text(&self, out: &mut Vec<u8>) {
        super::push_digits(out, u32::from(self.hour), 2);
        out.push(b':');
        super::push_digits(out, u32::from(self.minute), 2);
        out.push(b':');
        super::push_digits(out, u32::from(self.second), 2);
        if let Some(fraction) = &self.fraction {
            fraction.push_text(out);
        }
    }
}

impl fmt::Display for Time {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        super::write_text(formatter, |out| self.push_text(out))
    }
}

impl PrimitiveValue for Time {
    const FHIR_TYPE: &'static str = "time";

    fn deserialize_value<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        deserializer.deserialize_str(FromStrVisitor::new())
    }

    fn serialize_value<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

serde_via_primitive_value!(Time);

#[cfg(feature = "schemars")]
super::string_json_schema!(
    Time,
    "time",
    r"^([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?$"
);
