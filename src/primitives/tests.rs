//! Tests of the FHIR primitive types: validation boundaries, exact text
//! round trips, JSON types and error messages.

use std::fmt::Debug;
use std::str::FromStr;

use chrono::{FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use rust_decimal::Decimal as ExactDecimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::*;

/// Reads and writes `T` through [`PrimitiveValue`], so that the tests cover
/// the trait also for `bool`, `i32` and `String`, whose serde impls are std's.
#[derive(Debug, PartialEq)]
struct Fhir<T>(T);

impl<'de, T: PrimitiveValue> Deserialize<'de> for Fhir<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize_value(deserializer).map(Fhir)
    }
}

impl<T: PrimitiveValue> Serialize for Fhir<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_value(serializer)
    }
}

/// Parses `json` as `T` and writes it back.
fn json_round_trip<T: PrimitiveValue>(json: &str) -> String {
    let value: Fhir<T> = serde_json::from_str(json)
        .unwrap_or_else(|error| panic!("{json} should parse as {}: {error}", T::FHIR_TYPE));
    serde_json::to_string(&value).expect("serialization to a String does not fail")
}

/// Returns the serde_json error message for reading `json` as `T`.
fn json_error<T: PrimitiveValue>(json: &str) -> String {
    match serde_json::from_str::<Fhir<T>>(json) {
        Ok(value) => panic!("{json} should not parse as {}, got {value:?}", T::FHIR_TYPE),
        Err(error) => error.to_string(),
    }
}

/// Parses `text` with `FromStr` and returns the displayed value.
fn display_round_trip<T>(text: &str) -> String
where
    T: FromStr<Err = ParsePrimitiveError> + std::fmt::Display,
{
    match text.parse::<T>() {
        Ok(value) => value.to_string(),
        Err(error) => panic!("{text:?} should parse: {error}"),
    }
}

/// Returns the error message of parsing `text` with `FromStr`.
fn parse_error<T>(text: &str) -> String
where
    T: FromStr<Err = ParsePrimitiveError> + Debug,
{
    match text.parse::<T>() {
        Ok(value) => panic!("{text:?} should not parse, got {value:?}"),
        Err(error) => error.to_string(),
    }
}

fn exact(text: &str) -> ExactDecimal {
    ExactDecimal::from_str_exact(text).expect("test decimals are valid")
}

fn utc(text: &str) -> chrono::DateTime<Utc> {
    chrono::DateTime::parse_from_rfc3339(text)
        .expect("test instants are valid RFC 3339")
        .with_timezone(&Utc)
}

fn naive(text: &str) -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S").expect("test times are valid")
}

// ---------------------------------------------------------------- boolean

#[test]
fn boolean_round_trip() {
    assert_eq!(json_round_trip::<bool>("true"), "true");
    assert_eq!(json_round_trip::<bool>("false"), "false");
}

#[test]
fn boolean_rejects_other_json_types() {
    assert_eq!(
        json_error::<bool>(r#""true""#),
        r#"invalid type: string "true", expected a FHIR boolean as JSON true or false at line 1 column 6"#
    );
    assert_eq!(
        json_error::<bool>("1"),
        "invalid type: integer `1`, expected a FHIR boolean as JSON true or false at line 1 column 1"
    );
}

// ---------------------------------------------------------------- integer

#[test]
fn integer_accepts_i32_bounds() {
    assert_eq!(json_round_trip::<i32>("0"), "0");
    assert_eq!(json_round_trip::<i32>("-2147483648"), "-2147483648");
    assert_eq!(json_round_trip::<i32>("2147483647"), "2147483647");
}

#[test]
fn integer_rejects_overflow() {
    assert_eq!(
        json_error::<i32>("2147483648"),
        "invalid integer `2147483648`: must be -2147483648 to 2147483647 at line 1 column 10"
    );
    assert_eq!(
        json_error::<i32>("-2147483649"),
        "invalid integer `-2147483649`: must be -2147483648 to 2147483647 at line 1 column 11"
    );
    assert_eq!(
        json_error::<i32>("18446744073709551615"),
        "invalid integer `18446744073709551615`: must be -2147483648 to 2147483647 at line 1 column 20"
    );
}

#[test]
fn integer_rejects_fraction_exponent_and_string() {
    assert_eq!(
        json_error::<i32>("1.0"),
        "invalid type: floating point `1.0`, expected a FHIR integer as a JSON number without \
         fraction or exponent at line 1 column 3"
    );
    assert_eq!(
        json_error::<i32>("1e3"),
        "invalid type: floating point `1000.0`, expected a FHIR integer as a JSON number without \
         fraction or exponent at line 1 column 3"
    );
    assert_eq!(
        json_error::<i32>(r#""1""#),
        "invalid type: string \"1\", expected a FHIR integer as a JSON number without fraction or \
         exponent at line 1 column 3"
    );
    assert_eq!(
        json_error::<i32>("null"),
        "invalid type: null, expected a FHIR integer as a JSON number without fraction or \
         exponent at line 1 column 4"
    );
}

#[test]
fn integer_negative_zero_is_read_as_float() {
    // serde_json reports `-0` as the float -0.0, the same as `-0.0`, so it is
    // rejected although the FHIR pattern allows it.
    assert_eq!(
        json_error::<i32>("-0"),
        "invalid type: floating point `-0.0`, expected a FHIR integer as a JSON number without \
         fraction or exponent at line 1 column 2"
    );
}

#[test]
fn positive_int_bounds() {
    assert_eq!(json_round_trip::<PositiveInt>("1"), "1");
    assert_eq!(json_round_trip::<PositiveInt>("2147483647"), "2147483647");
    assert_eq!(
        json_error::<PositiveInt>("0"),
        "invalid positiveInt `0`: must be 1 to 2147483647 at line 1 column 1"
    );
    assert_eq!(
        json_error::<PositiveInt>("-1"),
        "invalid positiveInt `-1`: must be 1 to 2147483647 at line 1 column 2"
    );
    assert_eq!(
        json_error::<PositiveInt>("2147483648"),
        "invalid positiveInt `2147483648`: must be 1 to 2147483647 at line 1 column 10"
    );
    assert_eq!(
        json_error::<PositiveInt>("1.5"),
        "invalid type: floating point `1.5`, expected a FHIR positiveInt as a JSON number \
         without fraction or exponent at line 1 column 3"
    );
}

#[test]
fn unsigned_int_bounds() {
    assert_eq!(json_round_trip::<UnsignedInt>("0"), "0");
    assert_eq!(json_round_trip::<UnsignedInt>("2147483647"), "2147483647");
    assert_eq!(
        json_error::<UnsignedInt>("-1"),
        "invalid unsignedInt `-1`: must be 0 to 2147483647 at line 1 column 2"
    );
    assert_eq!(
        json_error::<UnsignedInt>("2147483648"),
        "invalid unsignedInt `2147483648`: must be 0 to 2147483647 at line 1 column 10"
    );
    assert_eq!(
        json_error::<UnsignedInt>(r#""0""#),
        "invalid type: string \"0\", expected a FHIR unsignedInt as a JSON number without \
         fraction or exponent at line 1 column 3"
    );
}

#[test]
fn bounded_integer_constructors() {
    assert_eq!(PositiveInt::new(1).map(PositiveInt::get), Ok(1));
    assert_eq!(
        PositiveInt::new(0).unwrap_err().to_string(),
        "invalid positiveInt `0`: must be 1 to 2147483647"
    );
    assert_eq!(
        UnsignedInt::new(2_147_483_648).unwrap_err().to_string(),
        "invalid unsignedInt `2147483648`: must be 0 to 2147483647"
    );
    assert_eq!(
        UnsignedInt::try_from(-1_i32).unwrap_err().to_string(),
        "invalid unsignedInt `-1`: must be 0 to 2147483647"
    );
    assert_eq!(
        PositiveInt::try_from(5_000_000_000_i64)
            .unwrap_err()
            .to_string(),
        "invalid positiveInt `5000000000`: must be 1 to 2147483647"
    );
    assert_eq!(UnsignedInt::try_from(7_i64).map(u32::from), Ok(7));
    assert_eq!(i32::from(PositiveInt::MAX), i32::MAX);
    assert_eq!(UnsignedInt::from(PositiveInt::MIN).get(), 1);
    assert_eq!(UnsignedInt::default().get(), 0);
}

#[test]
fn bounded_integer_from_str() {
    assert_eq!(display_round_trip::<PositiveInt>("42"), "42");
    assert_eq!(display_round_trip::<UnsignedInt>("0"), "0");
    assert_eq!(
        parse_error::<UnsignedInt>("01"),
        "invalid unsignedInt `01`: leading zeros are not allowed"
    );
    assert_eq!(
        parse_error::<PositiveInt>("+1"),
        "invalid positiveInt `+1`: expected decimal digits only, without sign or spaces"
    );
    assert_eq!(
        parse_error::<PositiveInt>(""),
        "invalid positiveInt ``: expected decimal digits only, without sign or spaces"
    );
    assert_eq!(
        parse_error::<PositiveInt>("0"),
        "invalid positiveInt `0`: must be 1 to 2147483647"
    );
    assert_eq!(
        parse_error::<UnsignedInt>("99999999999999999999"),
        "invalid unsignedInt `99999999999999999999`: must be 0 to 2147483647"
    );
}

// ---------------------------------------------------------------- decimal

#[test]
fn decimal_keeps_json_text() {
    for text in [
        "1.50",
        "-0.0",
        "1E-3",
        "100",
        "1e3",
        "0",
        "-0",
        "1.0e+10",
        "123456789012345678901234567890.123456789",
        "0.000000000000000000000000000000001",
    ] {
        assert_eq!(json_round_trip::<Decimal>(text), text);
    }
}

#[test]
fn decimal_text_excludes_surrounding_whitespace() {
    let values: Vec<Decimal> =
        serde_json::from_str("[ 1.50 ,\n\t2e5 ]").expect("array of decimals");
    assert_eq!(values[0].as_str(), "1.50");
    assert_eq!(values[1].as_str(), "2e5");
    assert_eq!(
        serde_json::to_string(&values).expect("serializes"),
        "[1.50,2e5]"
    );
}

#[test]
fn decimal_from_json_value() {
    let value: Decimal = serde_json::from_value(serde_json::json!(2.25)).expect("a number");
    assert_eq!(value.as_str(), "2.25");
    let error = serde_json::from_value::<Decimal>(serde_json::json!("2.25")).unwrap_err();
    assert_eq!(
        error.to_string(),
        r#"invalid type: string "2.25", expected a FHIR decimal as a JSON number"#
    );
}

#[test]
fn decimal_rejects_other_json_types() {
    assert_eq!(
        json_error::<Decimal>(r#""1.5""#),
        r#"invalid type: string "1.5", expected a FHIR decimal as a JSON number"#
    );
    assert_eq!(
        json_error::<Decimal>("true"),
        "invalid type: boolean `true`, expected a FHIR decimal as a JSON number"
    );
    assert_eq!(
        json_error::<Decimal>("null"),
        "invalid type: null, expected a FHIR decimal as a JSON number"
    );
    assert_eq!(
        json_error::<Decimal>("[1]"),
        "invalid type: sequence, expected a FHIR decimal as a JSON number"
    );
    assert_eq!(
        json_error::<Decimal>(r#"{"a":1}"#),
        "invalid type: map, expected a FHIR decimal as a JSON number"
    );
}

#[test]
fn decimal_from_str_checks_grammar() {
    assert_eq!(display_round_trip::<Decimal>("-12.340e-5"), "-12.340e-5");

    let number_format = "expected a JSON number such as 1, -0.5 or 1.2e3";
    let cases = [
        ("", "must not be empty"),
        ("01", "leading zeros are not allowed"),
        ("-01", "leading zeros are not allowed"),
        ("+1", "a leading `+` is not allowed"),
        (".5", number_format),
        ("-", number_format),
        ("1.5.5", number_format),
        (" 1", number_format),
        ("1 ", number_format),
        ("NaN", number_format),
        ("1,5", number_format),
        ("1.", "the decimal point must be followed by digits"),
        ("1.e3", "the decimal point must be followed by digits"),
        ("1e", "the exponent must have digits"),
        ("1e+", "the exponent must have digits"),
    ];
    for (text, reason) in cases {
        assert_eq!(
            parse_error::<Decimal>(text),
            format!("invalid decimal `{text}`: {reason}")
        );
    }
}

#[test]
fn decimal_equality_compares_text() {
    let short: Decimal = "1.5".parse().expect("valid");
    let long: Decimal = "1.50".parse().expect("valid");
    assert_ne!(short, long);
    assert_eq!(short.to_decimal(), long.to_decimal());
}

#[test]
fn decimal_scale() {
    let scale = |text: &str| text.parse::<Decimal>().expect("valid").scale();
    assert_eq!(scale("100"), 0);
    assert_eq!(scale("100.00"), 2);
    assert_eq!(scale("1e2"), -2);
    assert_eq!(scale("1E-3"), 3);
    assert_eq!(scale("1.5e-2"), 3);
    assert_eq!(scale("-0.0"), 1);
    assert_eq!(scale("1e-99999999999999999999999"), i64::MAX);
}

#[test]
fn decimal_to_exact_decimal() {
    let convert = |text: &str| text.parse::<Decimal>().expect("valid").to_decimal();
    assert_eq!(convert("1.50").map(|value| value.scale()), Ok(2));
    assert_eq!(convert("1.50"), Ok(exact("1.50")));
    assert_eq!(convert("1E-3"), Ok(exact("0.001")));
    assert_eq!(convert("1.5e3"), Ok(exact("1500")));
    assert_eq!(convert("-2.5E+2"), Ok(exact("-250")));
    assert_eq!(convert("1e28"), Ok(exact("10000000000000000000000000000")));
    assert_eq!(
        convert("1e-28"),
        Ok(exact("0.0000000000000000000000000001"))
    );
    assert_eq!(
        convert("0.0000000000000000000000000000000"),
        Ok(ExactDecimal::ZERO)
    );
    assert_eq!(
        convert("1.0000000000000000000000000000000"),
        Ok(ExactDecimal::ONE)
    );
    assert_eq!(
        convert("79228162514264337593543950335"),
        Ok(ExactDecimal::MAX)
    );
}

#[test]
fn decimal_to_exact_decimal_out_of_range() {
    let message = |text: &str| {
        text.parse::<Decimal>()
            .expect("valid")
            .to_decimal()
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        message("1e29"),
        "decimal `1e29` does not fit in rust_decimal::Decimal: magnitude above \
         79228162514264337593543950335"
    );
    assert_eq!(
        message("79228162514264337593543950336"),
        "decimal `79228162514264337593543950336` does not fit in rust_decimal::Decimal: \
         magnitude above 79228162514264337593543950335"
    );
    assert_eq!(
        message("1e-29"),
        "decimal `1e-29` does not fit in rust_decimal::Decimal: more than 28 digits after the \
         decimal point"
    );
    assert_eq!(
        message("1e999999999999999999999"),
        "decimal `1e999999999999999999999` does not fit in rust_decimal::Decimal: magnitude \
         above 79228162514264337593543950335"
    );
}

#[test]
fn decimal_implicit_range() {
    let range = |text: &str| text.parse::<Decimal>().expect("valid").implicit_range();
    assert_eq!(range("100"), Ok((exact("99.5"), exact("100.5"))));
    assert_eq!(range("100.00"), Ok((exact("99.995"), exact("100.005"))));
    assert_eq!(range("1e2"), Ok((exact("50"), exact("150"))));
    assert_eq!(range("-100"), Ok((exact("-100.5"), exact("-99.5"))));
    assert_eq!(range("0.1"), Ok((exact("0.05"), exact("0.15"))));
    assert_eq!(range("0"), Ok((exact("-0.5"), exact("0.5"))));
    assert_eq!(range("1.5E-3"), Ok((exact("0.00145"), exact("0.00155"))));
}

#[test]
fn decimal_implicit_range_too_precise() {
    let range = |text: &str| text.parse::<Decimal>().expect("valid").implicit_range();
    assert_eq!(
        range("0.1234567890123456789012345678")
            .unwrap_err()
            .to_string(),
        "decimal `0.1234567890123456789012345678` does not fit in rust_decimal::Decimal: a \
         range bound needs more than 28 digits after the decimal point"
    );
    assert_eq!(
        range("79228162514264337593543950335")
            .unwrap_err()
            .to_string(),
        "decimal `79228162514264337593543950335` does not fit in rust_decimal::Decimal: a \
         range bound is above 79228162514264337593543950335"
    );
}

#[test]
fn decimal_from_numbers() {
    assert_eq!(Decimal::from(ExactDecimal::new(150, 2)).as_str(), "1.50");
    assert_eq!(Decimal::from(ExactDecimal::new(-5, 0)).as_str(), "-5");
    assert_eq!(Decimal::from(-7_i32).as_str(), "-7");
    assert_eq!(Decimal::from(u32::MAX).as_str(), "4294967295");
    assert_eq!(
        Decimal::try_from(String::from("2.0")).map(|d| d.to_string()),
        Ok("2.0".into())
    );
    assert!((Decimal::from(3_i32).to_f64() - 3.0).abs() < f64::EPSILON);
}

// ---------------------------------------------------------------- string

#[test]
fn string_accepts_text_with_allowed_whitespace() {
    assert_eq!(json_round_trip::<String>(r#""a""#), r#""a""#);
    assert_eq!(json_round_trip::<String>(r#"" ""#), r#"" ""#);
    assert_eq!(
        json_round_trip::<String>(r#""a\tb\r\nc""#),
        r#""a\tb\r\nc""#
    );
    assert_eq!(
        json_round_trip::<String>(r#""Müller 東京""#),
        r#""Müller 東京""#
    );
}

#[test]
fn string_rejects_empty_and_control_characters() {
    assert_eq!(
        json_error::<String>(r#""""#),
        "invalid string ``: must not be empty at line 1 column 2"
    );
    assert_eq!(
        json_error::<String>(r#""a\u0001b""#),
        "invalid string `a\\u{1}b`: contains control character U+0001; only tab, carriage \
         return and line feed are allowed at line 1 column 10"
    );
    assert_eq!(
        json_error::<String>("1"),
        "invalid type: integer `1`, expected a FHIR string as a JSON string at line 1 column 1"
    );
    assert_eq!(
        validate_string("\u{1b}[0m").unwrap_err().to_string(),
        "invalid string `\\u{1b}[0m`: contains control character U+001B; only tab, carriage \
         return and line feed are allowed"
    );
}

#[test]
fn string_length_limit() {
    let at_limit = "é".repeat(1_048_576);
    assert_eq!(validate_string(&at_limit), Ok(()));

    let over_limit = "a".repeat(1_048_577);
    assert_eq!(
        validate_string(&over_limit).unwrap_err().to_string(),
        format!(
            "invalid string `{}...`: must be at most 1048576 characters",
            "a".repeat(64)
        )
    );
}

// ---------------------------------------------------------------- string-like types

#[test]
fn code_boundaries() {
    assert_eq!(display_round_trip::<Code>("active"), "active");
    assert_eq!(display_round_trip::<Code>("a b c"), "a b c");
    assert_eq!(display_round_trip::<Code>("x"), "x");
    assert_eq!(
        parse_error::<Code>(" a"),
        "invalid code ` a`: must not start or end with whitespace"
    );
    assert_eq!(
        parse_error::<Code>("a "),
        "invalid code `a `: must not start or end with whitespace"
    );
    assert_eq!(
        parse_error::<Code>("a  b"),
        "invalid code `a  b`: must not contain two spaces in a row"
    );
    assert_eq!(
        parse_error::<Code>("a\tb"),
        "invalid code `a\\tb`: must not contain whitespace other than single spaces"
    );
    assert_eq!(
        parse_error::<Code>(""),
        "invalid code ``: must not be empty"
    );
}

#[test]
fn id_boundaries() {
    let longest = "a".repeat(64);
    assert_eq!(display_round_trip::<Id>(&longest), longest);
    assert_eq!(display_round_trip::<Id>("A-Z.az-09"), "A-Z.az-09");
    assert_eq!(
        parse_error::<Id>(&"a".repeat(65)),
        format!(
            "invalid id `{}...`: must be 1 to 64 characters long",
            "a".repeat(64)
        )
    );
    assert_eq!(
        parse_error::<Id>(""),
        "invalid id ``: must be 1 to 64 characters long"
    );
    assert_eq!(
        parse_error::<Id>("a_b"),
        "invalid id `a_b`: contains `_`; only A-Z, a-z, 0-9, `-` and `.` are allowed"
    );
    assert_eq!(
        parse_error::<Id>(&"é".repeat(33)),
        format!(
            "invalid id `{}`: contains `é`; only A-Z, a-z, 0-9, `-` and `.` are allowed",
            "é".repeat(33)
        )
    );
    assert_eq!(
        parse_error::<Id>("é"),
        "invalid id `é`: contains `é`; only A-Z, a-z, 0-9, `-` and `.` are allowed"
    );
}

#[test]
fn oid_boundaries() {
    assert_eq!(display_round_trip::<Oid>("urn:oid:1.2"), "urn:oid:1.2");
    assert_eq!(display_round_trip::<Oid>("urn:oid:0.0"), "urn:oid:0.0");
    assert_eq!(
        display_round_trip::<Oid>("urn:oid:2.16.840.1.113883.4.642"),
        "urn:oid:2.16.840.1.113883.4.642"
    );
    let expected = |text: &str| {
        format!(
            "invalid oid `{text}`: expected `urn:oid:` followed by dot-separated numbers without \
             leading zeros, starting with 0, 1 or 2 and at least two numbers long"
        )
    };
    for text in [
        "urn:oid:1",
        "urn:oid:3.1",
        "urn:oid:1.02",
        "urn:oid:01.2",
        "urn:oid:1..2",
        "urn:oid:1.2.",
        "urn:oid:",
        "urn:oid:1.a",
    ] {
        assert_eq!(parse_error::<Oid>(text), expected(text));
    }
    assert_eq!(
        parse_error::<Oid>("URN:OID:1.2"),
        "invalid oid `URN:OID:1.2`: must start with `urn:oid:`"
    );
}

#[test]
fn uuid_boundaries() {
    let valid = "urn:uuid:c757873d-ec9a-4326-a141-556f43239520";
    assert_eq!(display_round_trip::<Uuid>(valid), valid);
    let expected = |text: &str| {
        format!(
            "invalid uuid `{text}`: expected `urn:uuid:` followed by a lower-case UUID such as \
             `urn:uuid:c757873d-ec9a-4326-a141-556f43239520`"
        )
    };
    for text in [
        "urn:uuid:C757873D-EC9A-4326-A141-556F43239520",
        "urn:uuid:c757873d-ec9a-4326-a141-556f4323952",
        "urn:uuid:c757873d-ec9a-4326-a141-556f432395200",
        "urn:uuid:c757873dec9a-4326-a141-556f43239520-",
        "urn:uuid:g757873d-ec9a-4326-a141-556f43239520",
    ] {
        assert_eq!(parse_error::<Uuid>(text), expected(text));
    }
    assert_eq!(
        parse_error::<Uuid>("c757873d-ec9a-4326-a141-556f43239520"),
        "invalid uuid `c757873d-ec9a-4326-a141-556f43239520`: must start with `urn:uuid:`"
    );
}

#[test]
fn uri_family_boundaries() {
    assert_eq!(
        display_round_trip::<Uri>("http://example.org/a"),
        "http://example.org/a"
    );
    assert_eq!(display_round_trip::<Uri>("Patient/1"), "Patient/1");
    assert_eq!(display_round_trip::<Url>("#p1"), "#p1");
    assert_eq!(parse_error::<Uri>(""), "invalid uri ``: must not be empty");
    assert_eq!(
        parse_error::<Url>("http://a b"),
        "invalid url `http://a b`: must not contain whitespace"
    );
    assert_eq!(
        parse_error::<Canonical>("http://a\n"),
        "invalid canonical `http://a\\n`: must not contain whitespace"
    );
    assert_eq!(
        parse_error::<Uri>("a\u{7f}\u{1}"),
        "invalid uri `a\\u{7f}\\u{1}`: contains control character U+0001; only tab, carriage \
         return and line feed are allowed"
    );
}

#[test]
fn canonical_url_and_version() {
    let versioned: Canonical = "http://hl7.org/fhir/ValueSet/example|4.0.1"
        .parse()
        .expect("valid");
    assert_eq!(versioned.url(), "http://hl7.org/fhir/ValueSet/example");
    assert_eq!(versioned.version(), Some("4.0.1"));

    let plain: Canonical = "http://hl7.org/fhir/ValueSet/example"
        .parse()
        .expect("valid");
    assert_eq!(plain.url(), "http://hl7.org/fhir/ValueSet/example");
    assert_eq!(plain.version(), None);
}

#[test]
fn markdown_and_xhtml() {
    assert_eq!(
        display_round_trip::<Markdown>("# Title\n\n* item"),
        "# Title\n\n* item"
    );
    assert_eq!(display_round_trip::<Markdown>(" "), " ");
    assert_eq!(
        parse_error::<Markdown>(""),
        "invalid markdown ``: must not be empty"
    );
    let div = r#"<div xmlns="http://www.w3.org/1999/xhtml">text</div>"#;
    assert_eq!(display_round_trip::<Xhtml>(div), div);
    assert_eq!(
        parse_error::<Xhtml>(""),
        "invalid xhtml ``: must not be empty"
    );
}

#[test]
fn text_type_conversions() {
    let code = Code::try_from(String::from("final")).expect("valid");
    assert_eq!(code, "final");
    assert_eq!(code.as_str(), "final");
    assert_eq!(AsRef::<str>::as_ref(&code), "final");
    assert_eq!(String::from(code.clone()), "final");
    assert_eq!(Code::try_from("final"), Ok(code.clone()));

    let mut codes = std::collections::HashSet::new();
    codes.insert(code);
    assert!(codes.contains("final"));
}

#[test]
fn text_types_reject_non_string_json() {
    assert_eq!(
        json_error::<Uri>("42"),
        "invalid type: integer `42`, expected a FHIR uri as a JSON string at line 1 column 2"
    );
    assert_eq!(
        json_error::<Code>("true"),
        "invalid type: boolean `true`, expected a FHIR code as a JSON string at line 1 column 4"
    );
    assert_eq!(
        json_error::<Id>(r#""a b""#),
        "invalid id `a b`: contains ` `; only A-Z, a-z, 0-9, `-` and `.` are allowed at line 1 \
         column 5"
    );
}

// ---------------------------------------------------------------- base64Binary

#[test]
fn base64_accepts_groups_with_whitespace_between() {
    for text in [
        "QUJD",
        "QUI=",
        "QQ==",
        "QUJD\nREVG",
        " QUJD ",
        "QUJD\r\nREVG\r\n",
        "+/+/",
    ] {
        assert_eq!(display_round_trip::<Base64Binary>(text), text);
    }
}

#[test]
fn base64_rejects_malformed_text() {
    assert_eq!(
        parse_error::<Base64Binary>(""),
        "invalid base64Binary ``: must contain at least one group of 4 characters"
    );
    assert_eq!(
        parse_error::<Base64Binary>("  "),
        "invalid base64Binary `  `: must contain at least one group of 4 characters"
    );
    assert_eq!(
        parse_error::<Base64Binary>("QUJ"),
        "invalid base64Binary `QUJ`: the number of characters other than whitespace must be a \
         multiple of 4"
    );
    assert_eq!(
        parse_error::<Base64Binary>("QU JD"),
        "invalid base64Binary `QU JD`: whitespace is only allowed between groups of 4 characters"
    );
    assert_eq!(
        parse_error::<Base64Binary>("Q==="),
        "invalid base64Binary `Q===`: `=` padding may only fill the last 1 or 2 places of a group"
    );
    assert_eq!(
        parse_error::<Base64Binary>("QQ=A"),
        "invalid base64Binary `QQ=A`: `=` padding is only allowed at the end"
    );
    assert_eq!(
        parse_error::<Base64Binary>("QQ==QUJD"),
        "invalid base64Binary `QQ==QUJD`: `=` padding is only allowed at the end"
    );
    assert_eq!(
        parse_error::<Base64Binary>("QUJ-"),
        "invalid base64Binary `QUJ-`: contains `-`; only A-Z, a-z, 0-9, `+`, `/`, `=` and \
         whitespace are allowed"
    );
    assert_eq!(
        parse_error::<Base64Binary>("QUé="),
        "invalid base64Binary `QUé=`: contains `é`; only A-Z, a-z, 0-9, `+`, `/`, `=` and \
         whitespace are allowed"
    );
}

/// Long values are checked in blocks of 64 bytes and then a remainder, so
/// a bad byte must be found in each of them.
#[test]
fn base64_checks_every_block() {
    let valid = "QUJD".repeat(50);
    assert!(valid.parse::<Base64Binary>().is_ok());
    for position in [0, 63, 64, 130, 190, 197] {
        let mut text = valid.clone().into_bytes();
        text[position] = b'-';
        let text = String::from_utf8(text).expect("ASCII");
        let message = parse_error::<Base64Binary>(&text);
        assert!(
            message.contains("contains `-`"),
            "position {position}: {message}"
        );
    }
}

#[test]
fn base64_decode() {
    let decode = |text: &str| text.parse::<Base64Binary>().expect("valid").decode();
    assert_eq!(decode("QUJD"), b"ABC");
    assert_eq!(decode("QUI="), b"AB");
    assert_eq!(decode("QQ=="), b"A");
    assert_eq!(decode(" QUJD\r\nREVG "), b"ABCDEF");
    assert_eq!(decode("//79"), [0xff, 0xfe, 0xfd]);
}

#[test]
fn base64_encode_round_trip() {
    assert_eq!(Base64Binary::encode(&[]), None);
    assert_eq!(
        Base64Binary::encode(b"A").map(Base64Binary::into_string),
        Some("QQ==".to_owned())
    );
    let bytes: Vec<u8> = (0..=255).collect();
    for length in 1..=bytes.len() {
        let encoded = Base64Binary::encode(&bytes[..length]).expect("non-empty input");
        let reparsed: Base64Binary = encoded.as_str().parse().expect("encoder output is valid");
        assert_eq!(reparsed.decode(), &bytes[..length]);
    }
}

// ---------------------------------------------------------------- date

#[test]
fn date_accepts_precisions_and_leap_days() {
    for text in [
        "2024",
        "2024-02",
        "2024-02-29",
        "2000-02-29",
        "2023-02-28",
        "2024-04-30",
        "2024-12-31",
        "0001",
        "0001-01-01",
        "9999-12-31",
    ] {
        assert_eq!(display_round_trip::<Date>(text), text);
    }
}

#[test]
fn date_rejects_days_missing_from_month() {
    assert_eq!(
        parse_error::<Date>("2023-02-29"),
        "invalid date `2023-02-29`: day must be 01 to 28 in 2023-02"
    );
    assert_eq!(
        parse_error::<Date>("1900-02-29"),
        "invalid date `1900-02-29`: day must be 01 to 28 in 1900-02"
    );
    assert_eq!(
        parse_error::<Date>("2024-02-30"),
        "invalid date `2024-02-30`: day must be 01 to 29 in 2024-02"
    );
    assert_eq!(
        parse_error::<Date>("2024-04-31"),
        "invalid date `2024-04-31`: day must be 01 to 30 in 2024-04"
    );
    assert_eq!(
        parse_error::<Date>("2024-01-32"),
        "invalid date `2024-01-32`: day must be 01 to 31 in 2024-01"
    );
    assert_eq!(
        parse_error::<Date>("2024-01-00"),
        "invalid date `2024-01-00`: day must be 01 to 31 in 2024-01"
    );
}

#[test]
fn date_rejects_malformed_text() {
    let cases = [
        ("", "must not be empty"),
        ("0000", "year must be 0001 to 9999"),
        ("24", "year must be 4 digits"),
        ("-2024", "year must be 4 digits"),
        ("20245", "expected YYYY, YYYY-MM or YYYY-MM-DD"),
        ("2024-", "month must be 2 digits"),
        ("2024-1", "month must be 2 digits"),
        ("2024-00", "month must be 01 to 12"),
        ("2024-13", "month must be 01 to 12"),
        ("2024-01-1", "day must be 2 digits"),
        ("2024/01/01", "expected YYYY, YYYY-MM or YYYY-MM-DD"),
        ("2024-01-01 ", "expected YYYY, YYYY-MM or YYYY-MM-DD"),
        (
            "2024-01-01T10:00:00Z",
            "a date has no time; expected YYYY, YYYY-MM or YYYY-MM-DD",
        ),
    ];
    for (text, reason) in cases {
        assert_eq!(
            parse_error::<Date>(text),
            format!("invalid date `{text}`: {reason}")
        );
    }
}

#[test]
fn date_components_and_precision() {
    let date: Date = "2024-02".parse().expect("valid");
    assert_eq!(date.year(), 2024);
    assert_eq!(date.month(), Some(2));
    assert_eq!(date.day(), None);
    assert_eq!(date.precision(), DatePrecision::Month);
    assert_eq!(
        Date::new(2024, None, None).map(|d| d.precision()),
        Ok(DatePrecision::Year)
    );
    assert_eq!(
        Date::new(2024, Some(2), Some(29)).map(|d| d.precision()),
        Ok(DatePrecision::Day)
    );
}

#[test]
fn date_new_checks_components() {
    assert_eq!(
        Date::new(2023, Some(2), Some(29)).unwrap_err().to_string(),
        "invalid date `2023-02-29`: day must be 01 to 28 in 2023-02"
    );
    assert_eq!(
        Date::new(2024, None, Some(1)).unwrap_err().to_string(),
        "invalid date `2024-??-01`: a day requires a month"
    );
    assert_eq!(
        Date::new(10_000, None, None).unwrap_err().to_string(),
        "invalid date `10000`: year must be 0001 to 9999"
    );
    assert_eq!(
        Date::new(2024, Some(0), None).unwrap_err().to_string(),
        "invalid date `2024-00`: month must be 01 to 12"
    );
}

#[test]
fn date_chrono_conversions() {
    let full: Date = "2024-02-29".parse().expect("valid");
    assert_eq!(full.to_naive_date(), NaiveDate::from_ymd_opt(2024, 2, 29));
    let partial: Date = "2024-02".parse().expect("valid");
    assert_eq!(partial.to_naive_date(), None);

    let from_chrono = NaiveDate::from_ymd_opt(1999, 12, 31).map(Date::try_from);
    assert_eq!(
        from_chrono.map(|d| d.map(|d| d.to_string())),
        Some(Ok("1999-12-31".into()))
    );
    let too_late = NaiveDate::from_ymd_opt(10_000, 1, 1).map(Date::try_from);
    assert_eq!(
        too_late.map(|result| result.unwrap_err().to_string()),
        Some("invalid date `+10000-01-01`: year must be 0001 to 9999".into())
    );
    let before_common_era = NaiveDate::from_ymd_opt(0, 6, 1).map(Date::try_from);
    assert_eq!(
        before_common_era.map(|result| result.unwrap_err().to_string()),
        Some("invalid date `0000-06-01`: year must be 0001 to 9999".into())
    );
}

#[test]
fn date_range_by_precision() {
    let range = |text: &str| text.parse::<Date>().expect("valid").range();
    assert_eq!(
        range("2010"),
        DateRange::Local {
            start: naive("2010-01-01T00:00:00"),
            end: naive("2011-01-01T00:00:00"),
        }
    );
    assert_eq!(
        range("2010-01"),
        DateRange::Local {
            start: naive("2010-01-01T00:00:00"),
            end: naive("2010-02-01T00:00:00"),
        }
    );
    assert_eq!(
        range("2010-12"),
        DateRange::Local {
            start: naive("2010-12-01T00:00:00"),
            end: naive("2011-01-01T00:00:00"),
        }
    );
    assert_eq!(
        range("2024-02-29"),
        DateRange::Local {
            start: naive("2024-02-29T00:00:00"),
            end: naive("2024-03-01T00:00:00"),
        }
    );
    assert_eq!(
        range("9999-12-31"),
        DateRange::Local {
            start: naive("9999-12-31T00:00:00"),
            end: NaiveDate::from_ymd_opt(10_000, 1, 1)
                .expect("chrono supports year 10000")
                .and_time(NaiveTime::MIN),
        }
    );
}

#[test]
fn date_range_to_utc() {
    let range = "2024-01-01".parse::<Date>().expect("valid").range();
    let plus_five = FixedOffset::east_opt(5 * 3600).expect("valid offset");
    assert_eq!(
        range.to_utc(plus_five),
        (utc("2023-12-31T19:00:00Z"), utc("2024-01-01T19:00:00Z"))
    );
    let zero = FixedOffset::east_opt(0).expect("valid offset");
    assert_eq!(
        range.to_utc(zero),
        (utc("2024-01-01T00:00:00Z"), utc("2024-01-02T00:00:00Z"))
    );
}

#[test]
fn date_json() {
    assert_eq!(
        json_round_trip::<Date>(r#""2024-02-29""#),
        r#""2024-02-29""#
    );
    assert_eq!(
        json_error::<Date>("2024"),
        "invalid type: integer `2024`, expected a FHIR date as a JSON string at line 1 column 4"
    );
    assert_eq!(
        json_error::<Date>(r#""2024-13""#),
        "invalid date `2024-13`: month must be 01 to 12 at line 1 column 9"
    );
}

// ---------------------------------------------------------------- dateTime

#[test]
fn date_time_keeps_text_exactly() {
    for text in [
        "2024",
        "2024-01",
        "2024-01-01",
        "2024-01-01T10:00:00Z",
        "2024-01-01T10:00:00+00:00",
        "2024-01-01T10:00:00-00:00",
        "2024-01-01T10:00:00+14:00",
        "2024-01-01T10:00:00-14:00",
        "2024-01-01T10:00:00+13:59",
        "2024-01-01T10:00:00-05:30",
        "2024-01-01T00:00:00.000Z",
        "2024-01-01T00:00:00.5Z",
        "2024-01-01T00:00:00.50Z",
        "2024-01-01T00:00:00.123456789+01:00",
        "2024-01-01T00:00:00.000000000001Z",
        "2016-12-31T23:59:60Z",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999Z",
    ] {
        assert_eq!(display_round_trip::<DateTime>(text), text);
        let json = format!("\"{text}\"");
        assert_eq!(json_round_trip::<DateTime>(&json), json);
    }
}

#[test]
fn date_time_rejects_malformed_text() {
    let time_format = "time must be hh:mm:ss, optionally followed by a fraction such as .123";
    let zone_format = "time zone must be `Z` or ±hh:mm";
    let date_time_format =
        "expected YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss followed by a time zone";
    let cases = [
        ("", "must not be empty"),
        ("2024-13-01", "month must be 01 to 12"),
        ("2024-02-30T10:00:00Z", "day must be 01 to 29 in 2024-02"),
        ("2024-01-01T23", time_format),
        ("2024-01-01T10:00Z", time_format),
        ("2024-01-01T10:00", time_format),
        ("2024-01-01T1:00:00Z", time_format),
        ("2024-01-01T", time_format),
        (
            "2024-01-01T10:00:00",
            "a time must be followed by a time zone: `Z` or ±hh:mm",
        ),
        ("2024-01-01T24:00:00Z", "hour must be 00 to 23"),
        ("2024-01-01T10:60:00Z", "minute must be 00 to 59"),
        ("2024-01-01T10:00:61Z", "second must be 00 to 60"),
        (
            "2024-01-01T10:00:00+14:30",
            "time zone offset must be -14:00 to +14:00",
        ),
        (
            "2024-01-01T10:00:00-14:01",
            "time zone offset must be -14:00 to +14:00",
        ),
        (
            "2024-01-01T10:00:00+15:00",
            "time zone offset must be -14:00 to +14:00",
        ),
        (
            "2024-01-01T10:00:00+05:60",
            "time zone minutes must be 00 to 59",
        ),
        ("2024-01-01T10:00:00+0500", zone_format),
        ("2024-01-01T10:00:00+05", zone_format),
        ("2024-01-01T10:00:00z", zone_format),
        ("2024-01-01T10:00:00 Z", zone_format),
        ("2024-01-01t10:00:00Z", date_time_format),
        ("2024-01-01 10:00:00Z", date_time_format),
        ("2024-01-01Z", date_time_format),
        (
            "2024-01T10:00:00Z",
            "a time requires a full date (YYYY-MM-DD)",
        ),
        ("2024T10:00:00Z", "a time requires a full date (YYYY-MM-DD)"),
        (
            "2024-01-01T10:00:00.Z",
            "the `.` of a fraction of a second must be followed by digits",
        ),
        (
            "2024-01-01T10:00:00ZZ",
            "unexpected text after the time zone",
        ),
        (
            "2024-01-01T10:00:00+05:00:00",
            "unexpected text after the time zone",
        ),
    ];
    for (text, reason) in cases {
        assert_eq!(
            parse_error::<DateTime>(text),
            format!("invalid dateTime `{text}`: {reason}")
        );
    }
}

#[test]
fn date_time_precision() {
    let precision = |text: &str| text.parse::<DateTime>().expect("valid").precision();
    assert_eq!(precision("2024"), DatePrecision::Year);
    assert_eq!(precision("2024-05"), DatePrecision::Month);
    assert_eq!(precision("2024-05-06"), DatePrecision::Day);
    assert_eq!(precision("2024-05-06T07:08:09Z"), DatePrecision::Second);
    assert_eq!(precision("2024-05-06T07:08:09.0Z"), DatePrecision::Fraction);
}

#[test]
fn date_time_components() {
    let value: DateTime = "2024-05-06T07:08:09.250-03:30".parse().expect("valid");
    assert_eq!(value.date().to_string(), "2024-05-06");
    let time = value.time().expect("has a time");
    assert_eq!(time.hour(), 7);
    assert_eq!(time.minute(), 8);
    assert_eq!(time.second(), 9);
    assert_eq!(time.nanosecond(), 250_000_000);
    assert_eq!(time.fraction_digits(), 3);
    let zone = value.zone().expect("has a zone");
    assert_eq!(zone.minutes(), -210);
    assert!(!zone.is_z());

    let partial: DateTime = "2024-05".parse().expect("valid");
    assert_eq!(partial.time(), None);
    assert_eq!(partial.zone(), None);
}

#[test]
fn date_time_zone_forms_are_distinct() {
    let z: DateTime = "2024-01-01T00:00:00Z".parse().expect("valid");
    let plus: DateTime = "2024-01-01T00:00:00+00:00".parse().expect("valid");
    let minus: DateTime = "2024-01-01T00:00:00-00:00".parse().expect("valid");
    assert_ne!(z, plus);
    assert_ne!(plus, minus);
    assert_eq!(z.to_chrono(), plus.to_chrono());
    assert_eq!(plus.to_chrono(), minus.to_chrono());
    assert_eq!(minus.zone().map(|zone| zone.minutes()), Some(0));
}

#[test]
fn date_time_to_chrono() {
    let value: DateTime = "2024-01-01T10:00:00.5+05:30".parse().expect("valid");
    let offset = FixedOffset::east_opt(5 * 3600 + 30 * 60).expect("valid offset");
    let expected = offset
        .with_ymd_and_hms(2024, 1, 1, 10, 0, 0)
        .single()
        .map(|moment| moment + chrono::TimeDelta::milliseconds(500));
    assert_eq!(value.to_chrono(), expected);

    let partial: DateTime = "2024-01-01".parse().expect("valid");
    assert_eq!(partial.to_chrono(), None);
    let leap: DateTime = "2016-12-31T23:59:60Z".parse().expect("valid");
    assert_eq!(leap.to_chrono(), None);
}

#[test]
fn date_time_from_chrono() {
    let convert = |text: &str| {
        let parsed = chrono::DateTime::parse_from_rfc3339(text).expect("valid RFC 3339");
        DateTime::try_from(parsed).map(|value| value.to_string())
    };
    assert_eq!(
        convert("2024-01-01T10:00:00+00:00"),
        Ok("2024-01-01T10:00:00Z".into())
    );
    assert_eq!(
        convert("2024-01-01T10:00:00+05:30"),
        Ok("2024-01-01T10:00:00+05:30".into())
    );
    assert_eq!(
        convert("2024-01-01T10:00:00.5-08:00"),
        Ok("2024-01-01T10:00:00.500-08:00".into())
    );
    assert_eq!(
        convert("2024-01-01T10:00:00.000001Z"),
        Ok("2024-01-01T10:00:00.000001Z".into())
    );
    assert_eq!(
        convert("2024-01-01T10:00:00.123456789Z"),
        Ok("2024-01-01T10:00:00.123456789Z".into())
    );

    let utc_value = Utc
        .with_ymd_and_hms(2024, 3, 4, 5, 6, 7)
        .single()
        .expect("valid");
    assert_eq!(
        DateTime::try_from(utc_value).map(|value| value.to_string()),
        Ok("2024-03-04T05:06:07Z".into())
    );
}

#[test]
fn date_time_from_chrono_rejects_unrepresentable() {
    let odd_offset = FixedOffset::east_opt(5 * 3600 + 30).expect("valid offset");
    let value = odd_offset
        .with_ymd_and_hms(2024, 1, 1, 0, 0, 0)
        .single()
        .expect("valid");
    assert_eq!(
        DateTime::try_from(value).unwrap_err().to_string(),
        "invalid dateTime `+05:00:30`: time zone offset must be a whole number of minutes"
    );

    let far_offset = FixedOffset::east_opt(15 * 3600).expect("valid offset");
    let value = far_offset
        .with_ymd_and_hms(2024, 1, 1, 0, 0, 0)
        .single()
        .expect("valid");
    assert_eq!(
        DateTime::try_from(value).unwrap_err().to_string(),
        "invalid dateTime `+15:00`: time zone offset must be -14:00 to +14:00"
    );

    let late = Utc
        .with_ymd_and_hms(10_000, 1, 1, 0, 0, 0)
        .single()
        .expect("valid");
    assert_eq!(
        DateTime::try_from(late).unwrap_err().to_string(),
        "invalid dateTime `+10000-01-01T00:00:00+00:00`: year must be 0001 to 9999"
    );
}

#[test]
fn date_time_from_chrono_leap_second() {
    let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
        .and_then(|date| date.and_hms_milli_opt(23, 59, 59, 1_250))
        .expect("chrono leap second")
        .and_utc();
    assert_eq!(
        Instant::try_from(leap).map(|value| value.to_string()),
        Ok("2016-12-31T23:59:60.250Z".into())
    );
}

#[test]
fn date_time_new_requires_full_date() {
    let time = Time::from_hms(10, 0, 0).expect("valid");
    let month: Date = "2024-01".parse().expect("valid");
    assert_eq!(
        DateTime::new(month, time.clone(), ZoneOffset::UTC)
            .unwrap_err()
            .to_string(),
        "invalid dateTime `2024-01`: a time requires a full date (YYYY-MM-DD)"
    );
    let day: Date = "2024-01-02".parse().expect("valid");
    assert_eq!(
        DateTime::new(day, time, ZoneOffset::UTC).map(|value| value.to_string()),
        Ok("2024-01-02T10:00:00Z".into())
    );
    assert_eq!(DateTime::from(month).to_string(), "2024-01");
}

#[test]
fn date_time_range_partial_is_local() {
    let range = |text: &str| text.parse::<DateTime>().expect("valid").range();
    assert_eq!(
        range("2010-01"),
        DateRange::Local {
            start: naive("2010-01-01T00:00:00"),
            end: naive("2010-02-01T00:00:00"),
        }
    );
}

#[test]
fn date_time_range_with_time_is_utc() {
    let range = |text: &str| text.parse::<DateTime>().expect("valid").range();
    assert_eq!(
        range("2024-01-01T10:00:00+05:00"),
        DateRange::Utc {
            start: utc("2024-01-01T05:00:00Z"),
            end: utc("2024-01-01T05:00:01Z"),
        }
    );
    assert_eq!(
        range("2024-01-01T10:00:00.5Z"),
        DateRange::Utc {
            start: utc("2024-01-01T10:00:00.5Z"),
            end: utc("2024-01-01T10:00:00.6Z"),
        }
    );
    assert_eq!(
        range("2024-01-01T10:00:00.500Z"),
        DateRange::Utc {
            start: utc("2024-01-01T10:00:00.5Z"),
            end: utc("2024-01-01T10:00:00.501Z"),
        }
    );
    assert_eq!(
        range("2024-01-01T10:00:00.1234567891Z"),
        DateRange::Utc {
            start: utc("2024-01-01T10:00:00.123456789Z"),
            end: utc("2024-01-01T10:00:00.123456790Z"),
        }
    );
    assert_eq!(
        range("2024-12-31T23:30:00-01:00"),
        DateRange::Utc {
            start: utc("2025-01-01T00:30:00Z"),
            end: utc("2025-01-01T00:30:01Z"),
        }
    );
}

#[test]
fn date_time_range_leap_second() {
    let range = "2016-12-31T23:59:60Z"
        .parse::<DateTime>()
        .expect("valid")
        .range();
    assert_eq!(
        range,
        DateRange::Utc {
            start: utc("2017-01-01T00:00:00Z"),
            end: utc("2017-01-01T00:00:01Z"),
        }
    );
}

#[test]
fn date_time_json_type() {
    assert_eq!(
        json_error::<DateTime>("2024"),
        "invalid type: integer `2024`, expected a FHIR dateTime as a JSON string at line 1 column 4"
    );
    assert_eq!(
        json_error::<DateTime>(r#""2024-01-01T10:00:00""#),
        "invalid dateTime `2024-01-01T10:00:00`: a time must be followed by a time zone: `Z` or \
         ±hh:mm at line 1 column 21"
    );
}

// ---------------------------------------------------------------- instant

#[test]
fn instant_keeps_text_exactly() {
    for text in [
        "2024-01-01T10:00:00Z",
        "2024-01-01T10:00:00.000+00:00",
        "2024-01-01T10:00:00.1-14:00",
        "2016-12-31T23:59:60Z",
    ] {
        assert_eq!(display_round_trip::<Instant>(text), text);
        let json = format!("\"{text}\"");
        assert_eq!(json_round_trip::<Instant>(&json), json);
    }
}

#[test]
fn instant_rejects_partial_values() {
    let instant_format =
        "expected YYYY-MM-DDThh:mm:ss, an optional fraction, and a time zone (`Z` or ±hh:mm)";
    let cases = [
        ("", "must not be empty"),
        ("2024", instant_format),
        ("2024-01", instant_format),
        ("2024-01-01", instant_format),
        ("2024-01-01 10:00:00Z", instant_format),
        (
            "2024-01-01T10:00",
            "time must be hh:mm:ss, optionally followed by a fraction such as .123",
        ),
        (
            "2024-01-01T10:00:00",
            "a time must be followed by a time zone: `Z` or ±hh:mm",
        ),
        (
            "2024-01-01T10:00:00+14:30",
            "time zone offset must be -14:00 to +14:00",
        ),
        ("2023-02-29T10:00:00Z", "day must be 01 to 28 in 2023-02"),
    ];
    for (text, reason) in cases {
        assert_eq!(
            parse_error::<Instant>(text),
            format!("invalid instant `{text}`: {reason}")
        );
    }
}

#[test]
fn instant_conversions() {
    let instant: Instant = "2024-01-01T10:00:00.25Z".parse().expect("valid");
    assert_eq!(instant.precision(), DatePrecision::Fraction);
    assert_eq!(instant.zone(), ZoneOffset::UTC);
    assert_eq!(
        instant.to_chrono().map(|moment| moment.to_rfc3339()),
        Some("2024-01-01T10:00:00.250+00:00".into())
    );
    assert_eq!(
        instant.range(),
        DateRange::Utc {
            start: utc("2024-01-01T10:00:00.25Z"),
            end: utc("2024-01-01T10:00:00.26Z"),
        }
    );
    assert_eq!(
        DateTime::from(instant.clone()).to_string(),
        "2024-01-01T10:00:00.25Z"
    );

    let leap: Instant = "2016-12-31T23:59:60Z".parse().expect("valid");
    assert_eq!(leap.to_chrono(), None);
}

#[test]
fn instant_from_date_time() {
    let full: DateTime = "2024-01-01T10:00:00+01:00".parse().expect("valid");
    assert_eq!(
        Instant::try_from(full).map(|value| value.to_string()),
        Ok("2024-01-01T10:00:00+01:00".into())
    );
    let partial: DateTime = "2024-01-01".parse().expect("valid");
    assert_eq!(
        Instant::try_from(partial).unwrap_err().to_string(),
        "invalid instant `2024-01-01`: an instant requires a time and a time zone"
    );
    let month: Date = "2024-01".parse().expect("valid");
    let time = Time::from_hms(0, 0, 0).expect("valid");
    assert_eq!(
        Instant::new(month, time, ZoneOffset::UTC)
            .unwrap_err()
            .to_string(),
        "invalid instant `2024-01`: a time requires a full date (YYYY-MM-DD)"
    );
}

// ---------------------------------------------------------------- time

#[test]
fn time_keeps_text_exactly() {
    for text in [
        "00:00:00",
        "23:59:59",
        "23:59:60",
        "10:00:00.000",
        "10:00:00.5",
        "10:00:00.1234567890123",
    ] {
        assert_eq!(display_round_trip::<Time>(text), text);
        let json = format!("\"{text}\"");
        assert_eq!(json_round_trip::<Time>(&json), json);
    }
}

#[test]
fn time_rejects_malformed_text() {
    let time_format = "time must be hh:mm:ss, optionally followed by a fraction such as .123";
    let cases = [
        ("", "must not be empty"),
        ("24:00:00", "hour must be 00 to 23"),
        ("23:60:00", "minute must be 00 to 59"),
        ("23:59:61", "second must be 00 to 60"),
        ("10:00", time_format),
        ("1:00:00", time_format),
        ("10:00:00 ", time_format),
        ("T10:00:00", time_format),
        ("10:00:00Z", "a time must not have a time zone"),
        ("10:00:00+01:00", "a time must not have a time zone"),
        (
            "10:00:00.",
            "the `.` of a fraction of a second must be followed by digits",
        ),
    ];
    for (text, reason) in cases {
        assert_eq!(
            parse_error::<Time>(text),
            format!("invalid time `{text}`: {reason}")
        );
    }
}

#[test]
fn time_constructors() {
    assert_eq!(
        Time::from_hms(7, 8, 9).map(|t| t.to_string()),
        Ok("07:08:09".into())
    );
    assert_eq!(
        Time::from_hms_nano(7, 8, 9, 120_000_000).map(|t| t.to_string()),
        Ok("07:08:09.120".into())
    );
    assert_eq!(
        Time::from_hms_nano(7, 8, 9, 1_500).map(|t| t.to_string()),
        Ok("07:08:09.000001500".into())
    );
    assert_eq!(
        Time::from_hms(24, 0, 0).unwrap_err().to_string(),
        "invalid time `24:00:00`: hour must be 00 to 23"
    );
    assert_eq!(
        Time::from_hms_nano(0, 0, 0, 1_000_000_000)
            .unwrap_err()
            .to_string(),
        "invalid time `00:00:00 + 1000000000 ns`: nanosecond must be 0 to 999999999"
    );
}

#[test]
fn time_with_fraction_digits() {
    let time: Time = "10:00:00.123456".parse().expect("valid");
    let digits = |count: u8| {
        time.clone()
            .with_fraction_digits(count)
            .map(|t| t.to_string())
    };
    assert_eq!(digits(3), Ok("10:00:00.123".into()));
    assert_eq!(digits(9), Ok("10:00:00.123456000".into()));
    assert_eq!(digits(0), Ok("10:00:00".into()));
    assert_eq!(
        digits(10).unwrap_err().to_string(),
        "invalid time `10:00:00.123456`: cannot write 10 fraction digits; the maximum is 9"
    );
    let whole = Time::from_hms(10, 0, 0).expect("valid");
    assert_eq!(
        whole.with_fraction_digits(3).map(|t| t.to_string()),
        Ok("10:00:00.000".into())
    );
}

#[test]
fn time_chrono_conversions() {
    let time: Time = "13:14:15.5".parse().expect("valid");
    assert_eq!(
        time.to_naive_time(),
        NaiveTime::from_hms_milli_opt(13, 14, 15, 500)
    );
    let leap: Time = "23:59:60".parse().expect("valid");
    assert_eq!(leap.to_naive_time(), None);

    let chrono_leap = NaiveTime::from_hms_milli_opt(23, 59, 59, 1_500).expect("leap second");
    assert_eq!(Time::from(chrono_leap).to_string(), "23:59:60.500");
    let plain = NaiveTime::from_hms_opt(1, 2, 3).expect("valid");
    assert_eq!(Time::from(plain).to_string(), "01:02:03");
}

#[test]
fn zone_offset_constructors() {
    assert_eq!(
        ZoneOffset::from_minutes(-840).map(|z| z.to_string()),
        Ok("-14:00".into())
    );
    assert_eq!(
        ZoneOffset::from_minutes(0).map(|z| z.to_string()),
        Ok("+00:00".into())
    );
    assert_eq!(ZoneOffset::UTC.to_string(), "Z");
    assert!(ZoneOffset::UTC.is_z());
    assert_eq!(
        ZoneOffset::from_minutes(841).unwrap_err().to_string(),
        "invalid dateTime `+14:01`: time zone offset must be -14:00 to +14:00"
    );
    assert_eq!(
        ZoneOffset::from_minutes(330).map(|z| z.to_fixed_offset()),
        Ok(FixedOffset::east_opt(330 * 60).expect("valid offset"))
    );
}

// ---------------------------------------------------------------- errors

#[test]
fn error_accessors_and_truncation() {
    let text = "x".repeat(100);
    let error = text.parse::<Id>().unwrap_err();
    assert_eq!(error.fhir_type(), "id");
    assert_eq!(error.text(), format!("{}...", "x".repeat(64)));
    assert_eq!(error.reason(), "must be 1 to 64 characters long");

    let short = "x".repeat(64);
    let error = format!("{short}!").parse::<Code>();
    assert!(error.is_ok());
    let error = format!("{short} ").parse::<Code>().unwrap_err();
    assert_eq!(error.text(), format!("{short}..."));
}

#[test]
fn error_messages_table() {
    let cases: Vec<(String, &str)> = vec![
        (
            parse_error::<DateTime>("2024-13-01"),
            "invalid dateTime `2024-13-01`: month must be 01 to 12",
        ),
        (
            parse_error::<Date>("2024-02-30"),
            "invalid date `2024-02-30`: day must be 01 to 29 in 2024-02",
        ),
        (
            parse_error::<Instant>("2024-01-01T10:00:00.123"),
            "invalid instant `2024-01-01T10:00:00.123`: a time must be followed by a time zone: \
             `Z` or ±hh:mm",
        ),
        (
            parse_error::<Time>("10:00:00Z"),
            "invalid time `10:00:00Z`: a time must not have a time zone",
        ),
        (
            parse_error::<Decimal>("1.2.3"),
            "invalid decimal `1.2.3`: expected a JSON number such as 1, -0.5 or 1.2e3",
        ),
        (
            parse_error::<PositiveInt>("0"),
            "invalid positiveInt `0`: must be 1 to 2147483647",
        ),
        (
            parse_error::<Code>("two  spaces"),
            "invalid code `two  spaces`: must not contain two spaces in a row",
        ),
        (
            parse_error::<Oid>("urn:oid:3.1"),
            "invalid oid `urn:oid:3.1`: expected `urn:oid:` followed by dot-separated numbers \
             without leading zeros, starting with 0, 1 or 2 and at least two numbers long",
        ),
        (
            parse_error::<Uri>("a b"),
            "invalid uri `a b`: must not contain whitespace",
        ),
        (
            parse_error::<Base64Binary>("QUJ"),
            "invalid base64Binary `QUJ`: the number of characters other than whitespace must be \
             a multiple of 4",
        ),
        (
            parse_error::<Markdown>(""),
            "invalid markdown ``: must not be empty",
        ),
        (
            validate_string("bell\u{7}").unwrap_err().to_string(),
            "invalid string `bell\\u{7}`: contains control character U+0007; only tab, carriage \
             return and line feed are allowed",
        ),
    ];
    for (actual, expected) in cases {
        assert_eq!(actual, expected);
    }
}

// ---------------------------------------------------------------- schemars

#[cfg(feature = "schemars")]
#[test]
fn json_schemas() {
    let date = schemars::schema_for!(Date);
    assert_eq!(date.get("type"), Some(&serde_json::json!("string")));
    assert_eq!(
        date.get("pattern"),
        Some(&serde_json::json!(
            r"^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?$"
        ))
    );
    let decimal = schemars::schema_for!(Decimal);
    assert_eq!(decimal.get("type"), Some(&serde_json::json!("number")));
    let positive = schemars::schema_for!(PositiveInt);
    assert_eq!(positive.get("minimum"), Some(&serde_json::json!(1)));
    assert_eq!(
        positive.get("maximum"),
        Some(&serde_json::json!(2_147_483_647))
    );
    let unsigned = schemars::schema_for!(UnsignedInt);
    assert_eq!(unsigned.get("minimum"), Some(&serde_json::json!(0)));
    let code = schemars::schema_for!(Code);
    assert_eq!(
        code.get("pattern"),
        Some(&serde_json::json!(r"^[^ \t\n\r]+( [^ \t\n\r]+)*$"))
    );
}

#[test]
fn string_element_from_literal() {
    let family: Primitive<String> = "Chalmers".into();
    assert_eq!(family.value(), Some(&"Chalmers".to_owned()));
    assert_eq!(family.id, None);
    assert!(family.extension.is_empty());
}
