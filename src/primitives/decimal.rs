//! FHIR decimal, kept as the exact JSON number text.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::Deserialize;
use serde::de::{Error as _, Unexpected};
use serde_json::value::RawValue;

use super::error::shorten_for_display;
use super::{ParsePrimitiveError, PrimitiveValue, serde_via_primitive_value};

/// Largest scale (digits after the decimal point) of `rust_decimal::Decimal`.
const RUST_DECIMAL_MAX_SCALE: i64 = 28;

/// FHIR decimal: a JSON number, kept as the text it was written with.
///
/// FHIR decimals carry their precision in the number of digits, so `1.50`
/// stays `1.50` and `1e3` stays `1e3` when the value is written back. The
/// text matches `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, the JSON
/// number grammar. Equality and hashing compare the text: `1.5` and `1.50`
/// are different values. Use [`to_decimal`](Decimal::to_decimal) to compare
/// numbers.
///
/// Deserialization reads the number through serde_json's `RawValue`, so it
/// works with serde_json deserializers only. The text is kept exactly when
/// reading JSON text (`serde_json::from_str`, `from_slice`, `from_reader`);
/// reading from a `serde_json::Value` gives the digits that `Value` kept,
/// which is `1.5` for `1.50` unless serde_json's `arbitrary_precision`
/// feature is enabled. Serialization writes the text unchanged through
/// serde_json serializers.
#[derive(Clone)]
pub struct Decimal(Box<str>);

/// A decimal that `rust_decimal::Decimal` cannot represent exactly.
///
/// `rust_decimal::Decimal` is a 96-bit integer scaled by at most 28 digits
/// after the decimal point, so `1e30`, `1e-29` and numbers with more than 28
/// significant digits do not fit.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("decimal `{text}` does not fit in rust_decimal::Decimal: {reason}")]
pub struct DecimalRangeError {
    text: String,
    reason: &'static str,
}

impl DecimalRangeError {
    fn new(text: &str, reason: &'static str) -> Self {
        Self {
            text: shorten_for_display(text),
            reason,
        }
    }

    /// Returns why the conversion failed.
    pub fn reason(&self) -> &str {
        self.reason
    }
}

/// The parts of a decimal text.
struct DecimalParts<'a> {
    negative: bool,
    /// Digits before the decimal point; at least one.
    integer: &'a str,
    /// Digits after the decimal point; possibly none.
    fraction: &'a str,
    /// The exponent, saturated at the bounds of i64.
    exponent: i64,
}

impl DecimalParts<'_> {
    /// Returns the power of ten of the last written digit, negated: 2 for
    /// `1.50`, 0 for `100`, -2 for `1e2`.
    fn scale(&self) -> i64 {
        // A string longer than i64::MAX bytes cannot exist, so the cast is exact.
        (self.fraction.len() as i64).saturating_sub(self.exponent)
    }
}

const NUMBER_FORMAT: &str = "expected a JSON number such as 1, -0.5 or 1.2e3";

/// Splits a decimal text into its parts, checking the JSON number grammar.
fn parse_decimal_text(text: &str) -> Result<DecimalParts<'_>, &'static str> {
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        return Err("must not be empty");
    }
    if bytes[0] == b'+' {
        return Err("a leading `+` is not allowed");
    }

    let negative = bytes[0] == b'-';
    let mut position = usize::from(negative);
    let digit_run = |start: usize| {
        let length = bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        start + length
    };

    let integer_end = digit_run(position);
    let integer = &text[position..integer_end];
    if integer.is_empty() {
        return Err(NUMBER_FORMAT);
    }
    if integer.len() > 1 && integer.starts_with('0') {
        return Err("leading zeros are not allowed");
    }
    position = integer_end;

    let mut fraction = "";
    if bytes.get(position) == Some(&b'.') {
        let fraction_end = digit_run(position + 1);
        fraction = &text[position + 1..fraction_end];
        if fraction.is_empty() {
            return Err("the decimal point must be followed by digits");
        }
        position = fraction_end;
    }

    let mut exponent = 0_i64;
    if matches!(bytes.get(position), Some(b'e' | b'E')) {
        position += 1;
        let exponent_negative = bytes.get(position) == Some(&b'-');
        if matches!(bytes.get(position), Some(b'+' | b'-')) {
            position += 1;
        }
        let exponent_end = digit_run(position);
        if exponent_end == position {
            return Err("the exponent must have digits");
        }
        for &digit in &bytes[position..exponent_end] {
            exponent = exponent
                .saturating_mul(10)
                .saturating_add(i64::from(digit - b'0'));
        }
        if exponent_negative {
            exponent = -exponent;
        }
        position = exponent_end;
    }

    if position != bytes.len() {
        return Err(NUMBER_FORMAT);
    }
    Ok(DecimalParts {
        negative,
        integer,
        fraction,
        exponent,
    })
}

impl Decimal {
    /// Wraps text that [`parse_decimal_text`] accepted.
    pub(crate) fn from_checked_text(text: String) -> Self {
        Self(text.into_boxed_str())
    }

    /// Returns the number text as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Returns the number of significant digits after the decimal point,
    /// counting the exponent: 2 for `1.50`, 0 for `100`, 3 for `1E-3` and -2
    /// for `1e2` (the last written digit stands for hundreds).
    ///
    /// The value saturates for exponents beyond the range of `i64`.
    pub fn scale(&self) -> i64 {
        self.parts().scale()
    }

    /// Converts the number to `rust_decimal::Decimal` without rounding,
    /// including exponent forms such as `1.5e3`.
    ///
    /// The result keeps the written scale where it fits, so `1.50` has scale
    /// 2. Exponent forms with a negative scale give scale 0, and trailing
    /// zeros past 28 digits after the point are dropped.
    ///
    /// # Errors
    ///
    /// Returns an error when the value needs more than 28 digits after the
    /// decimal point or its magnitude is above 79,228,162,514,264,337,593,543,950,335.
    pub fn to_decimal(&self) -> Result<rust_decimal::Decimal, DecimalRangeError> {
        let parts = self.parts();
        let error = |reason| DecimalRangeError::new(self.as_str(), reason);

        let mut digits: Vec<u8> = parts
            .integer
            .bytes()
            .chain(parts.fraction.bytes())
            .skip_while(|&digit| digit == b'0')
            .collect();
        let mut scale = parts.scale();

        if digits.is_empty() {
            let mut zero =
                rust_decimal::Decimal::new(0, scale.clamp(0, RUST_DECIMAL_MAX_SCALE) as u32);
            zero.set_sign_negative(parts.negative);
            return Ok(zero);
        }

        // Trailing zeros past the 28th place change the scale but not the value.
        while scale > RUST_DECIMAL_MAX_SCALE && digits.last() == Some(&b'0') {
            digits.pop();
            scale -= 1;
        }
        if scale > RUST_DECIMAL_MAX_SCALE {
            return Err(error("more than 28 digits after the decimal point"));
        }

        const TOO_LARGE: &str = "magnitude above 79228162514264337593543950335";
        let mut mantissa = 0_i128;
        for &digit in &digits {
            mantissa = mantissa
                .checked_mul(10)
                .and_then(|value| value.checked_add(i128::from(digit - b'0')))
                .ok_or_else(|| error(TOO_LARGE))?;
        }
        if scale < 0 {
            let power = u32::try_from(-scale).map_err(|_| error(TOO_LARGE))?;
            mantissa = 10_i128
                .checked_pow(power)
                .and_then(|factor| mantissa.checked_mul(factor))
                .ok_or_else(|| error(TOO_LARGE))?;
            scale = 0;
        }

        // The checks above keep scale within 0 to 28.
        let mut value = rust_decimal::Decimal::try_from_i128_with_scale(mantissa, scale as u32)
            .map_err(|_| error(TOO_LARGE))?;
        value.set_sign_negative(parts.negative);
        Ok(value)
    }

    /// Returns the half-open interval `[low, high)` of values that round to
    /// this number at its written precision, as FHIR number search uses it:
    /// the value minus and plus half a unit of the last written digit.
    ///
    /// `100` gives [99.5, 100.5), `100.00` gives [99.995, 100.005) and `1e2`
    /// (one significant digit, in the hundreds) gives [50, 150). Both bounds
    /// are exact.
    ///
    /// # Errors
    ///
    /// Returns an error when the value or a bound does not fit in
    /// `rust_decimal::Decimal` exactly, which includes any value with 28
    /// digits after the decimal point.
    pub fn implicit_range(
        &self,
    ) -> Result<(rust_decimal::Decimal, rust_decimal::Decimal), DecimalRangeError> {
        let value = self.to_decimal()?;
        let error = |reason| DecimalRangeError::new(self.as_str(), reason);
        const BOUND_TOO_PRECISE: &str =
            "a range bound needs more than 28 digits after the decimal point";
        const BOUND_TOO_LARGE: &str = "a range bound is above 79228162514264337593543950335";

        // Half a unit of the last digit is 5 × 10^-(scale + 1).
        let half_unit_scale = self.scale().saturating_add(1);
        let half_unit = if half_unit_scale >= 0 {
            if half_unit_scale > RUST_DECIMAL_MAX_SCALE {
                return Err(error(BOUND_TOO_PRECISE));
            }
            rust_decimal::Decimal::new(5, half_unit_scale as u32)
        } else {
            let power = u32::try_from(-half_unit_scale).map_err(|_| error(BOUND_TOO_LARGE))?;
            let half_unit = 10_i128
                .checked_pow(power)
                .and_then(|factor| factor.checked_mul(5))
                .ok_or_else(|| error(BOUND_TOO_LARGE))?;
            rust_decimal::Decimal::try_from_i128_with_scale(half_unit, 0)
                .map_err(|_| error(BOUND_TOO_LARGE))?
        };

        let low = value
            .checked_sub(half_unit)
            .ok_or_else(|| error(BOUND_TOO_LARGE))?;
        let high = value
            .checked_add(half_unit)
            .ok_or_else(|| error(BOUND_TOO_LARGE))?;
        // rust_decimal rounds results that need more than 96 bits; reject those.
        let exact =
            high.checked_sub(value) == Some(half_unit) && value.checked_sub(low) == Some(half_unit);
        if !exact {
            return Err(error(BOUND_TOO_PRECISE));
        }
        Ok((low, high))
    }

    /// Converts the number to the nearest `f64`; values beyond its range give
    /// infinity and tiny values give zero.
    pub fn to_f64(&self) -> f64 {
        // Rust's float parser accepts every JSON number.
        self.as_str().parse().unwrap_or(f64::NAN)
    }

    fn parts(&self) -> DecimalParts<'_> {
        match parse_decimal_text(self.as_str()) {
            Ok(parts) => parts,
            // Every constructor checks the text, so this arm is never taken;
            // zero keeps the methods total without a panic.
            Err(_) => DecimalParts {
                negative: false,
                integer: "0",
                fraction: "",
                exponent: 0,
            },
        }
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "Decimal({})", self.as_str())
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Decimal {}

impl Hash for Decimal {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl AsRef<str> for Decimal {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl FromStr for Decimal {
    type Err = ParsePrimitiveError;

    /// Parses JSON number text such as `1.50`, `-0.0` or `1E-3`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match parse_decimal_text(text) {
            Ok(_) => Ok(Self::from_checked_text(text.to_owned())),
            Err(reason) => Err(ParsePrimitiveError::new(Self::FHIR_TYPE, text, reason)),
        }
    }
}

impl TryFrom<&str> for Decimal {
    type Error = ParsePrimitiveError;

    fn try_from(text: &str) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl TryFrom<String> for Decimal {
    type Error = ParsePrimitiveError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        match parse_decimal_text(&text) {
            Ok(_) => Ok(Self::from_checked_text(text)),
            Err(reason) => Err(ParsePrimitiveError::new(Self::FHIR_TYPE, &text, reason)),
        }
    }
}

impl From<rust_decimal::Decimal> for Decimal {
    /// Writes the value with its scale, so `Decimal::new(150, 2)` becomes
    /// `1.50`.
    fn from(value: rust_decimal::Decimal) -> Self {
        // rust_decimal prints an optional `-`, digits and an optional
        // fraction, never an exponent: always a valid JSON number.
        Self::from_checked_text(value.to_string())
    }
}

impl From<i32> for Decimal {
    fn from(value: i32) -> Self {
        Self::from_checked_text(value.to_string())
    }
}

impl From<u32> for Decimal {
    fn from(value: u32) -> Self {
        Self::from_checked_text(value.to_string())
    }
}

impl PrimitiveValue for Decimal {
    const FHIR_TYPE: &'static str = "decimal";

    fn deserialize_value<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const EXPECTED: &str = "a FHIR decimal as a JSON number";

        let raw = Box::<RawValue>::deserialize(deserializer)?;
        let text = raw.get();
        // RawValue accepts any JSON value; name the wrong type like serde does.
        let unexpected = match text.as_bytes().first() {
            Some(b'"') => Some(Unexpected::Str(text.get(1..text.len() - 1).unwrap_or(text))),
            Some(b't') => Some(Unexpected::Bool(true)),
            Some(b'f') => Some(Unexpected::Bool(false)),
            Some(b'n') => Some(Unexpected::Unit),
            Some(b'[') => Some(Unexpected::Seq),
            Some(b'{') => Some(Unexpected::Map),
            _ => None,
        };
        if let Some(unexpected) = unexpected {
            return Err(D::Error::invalid_type(unexpected, &EXPECTED));
        }

        match parse_decimal_text(text) {
            Ok(_) => Ok(Self(text.into())),
            Err(reason) => Err(D::Error::custom(ParsePrimitiveError::new(
                Self::FHIR_TYPE,
                text,
                reason,
            ))),
        }
    }

    fn serialize_value<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // The text is a valid JSON number, so RawValue accepts it.
        let raw = RawValue::from_string(self.0.to_string()).map_err(serde::ser::Error::custom)?;
        serde::Serialize::serialize(&raw, serializer)
    }
}

serde_via_primitive_value!(Decimal);

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Decimal {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "decimal".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "number" })
    }
}
