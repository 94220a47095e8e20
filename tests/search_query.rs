//! Parsing of search queries: escaping, typed values, modifiers, chains,
//! includes, result parameters, handling modes and the self link.

use fhir_payer::primitives::DateRange;
use fhir_payer::r4::ResourceType;
use fhir_payer::search::query::{
    Handling, Link, Modifier, Prefix, ReferenceValue, Search, SearchDatePrecision, SearchError,
    SearchOptions, SearchValue, SearchWarning, Summary, TokenSystem, TokenValue,
    warnings_to_operation_outcome,
};

const BASE: &str = "https://payer.example.org/fhir";

fn options() -> SearchOptions {
    SearchOptions::new().with_base_url(BASE).with_max_count(200)
}

fn strict() -> SearchOptions {
    options().with_handling(Handling::Strict)
}

fn parse(resource_type: ResourceType, query: &str) -> Result<Search, SearchError> {
    Search::parse(Some(resource_type), query, &options())
}

fn parse_ok(resource_type: ResourceType, query: &str) -> Search {
    match parse(resource_type, query) {
        Ok(search) => search,
        Err(error) => panic!("query `{query}` failed: {error}"),
    }
}

fn parse_err(resource_type: ResourceType, query: &str) -> SearchError {
    match parse(resource_type, query) {
        Ok(search) => panic!("query `{query}` parsed as {search:?}"),
        Err(error) => error,
    }
}

/// Returns the single criterion's alternatives.
fn only_values(search: &Search) -> &[SearchValue] {
    assert_eq!(search.criteria.len(), 1, "criteria: {:?}", search.criteria);
    &search.criteria[0].values
}

fn token(system: TokenSystem, code: Option<&str>) -> SearchValue {
    SearchValue::Token(TokenValue {
        system,
        code: code.map(str::to_owned),
    })
}

#[test]
fn date_offset_plus_restored() {
    // The `+` is unencoded, so form decoding turns it into a space.
    let search = parse_ok(ResourceType::Observation, "date=2023-11-04T16:05:09+05:30");
    let [SearchValue::Date { prefix, date }] = only_values(&search) else {
        panic!("expected one date: {search:?}");
    };
    assert_eq!(*prefix, Prefix::Eq);
    assert_eq!(date.as_str(), "2023-11-04T16:05:09+05:30");
    assert_eq!(date.precision(), SearchDatePrecision::Second);
    let DateRange::Utc { start, end } = date.range() else {
        panic!("a date with a zone has a UTC range");
    };
    assert_eq!(start.to_rfc3339(), "2023-11-04T10:35:09+00:00");
    assert_eq!((end - start).num_seconds(), 1);

    let encoded = parse_ok(
        ResourceType::Observation,
        "date=2023-11-04T16:05:09%2B05:30",
    );
    assert_eq!(encoded, search);
    assert!(search.to_query_string().contains("%2B05:30"));
}

#[test]
fn date_other_space_rejected() {
    let error = parse_err(ResourceType::Observation, "date=2023-11-04+16:05");
    let message = error.to_string();
    assert!(message.contains("%2B"), "{message}");
    assert_eq!(error.parameter(), Some("date"));
}

#[test]
fn token_bar_percent_encoded() {
    let encoded = parse_ok(ResourceType::Observation, "code=http://loinc.org%7C2339-0");
    let literal = parse_ok(ResourceType::Observation, "code=http://loinc.org|2339-0");
    assert_eq!(encoded, literal);
    assert_eq!(
        only_values(&encoded),
        [token(
            TokenSystem::Is("http://loinc.org".into()),
            Some("2339-0")
        )]
    );
}

#[test]
fn encoded_comma_still_separates() {
    let search = parse_ok(
        ResourceType::ValueSet,
        "url=http://a.example/vs1%2Chttp://a.example/vs2",
    );
    assert_eq!(
        only_values(&search),
        [
            SearchValue::Uri("http://a.example/vs1".into()),
            SearchValue::Uri("http://a.example/vs2".into())
        ]
    );

    let escaped = parse_ok(
        ResourceType::ValueSet,
        r"url=http://a.example/vs1\,http://a.example/vs2",
    );
    assert_eq!(
        only_values(&escaped),
        [SearchValue::Uri(
            "http://a.example/vs1,http://a.example/vs2".into()
        )]
    );
}

#[test]
fn escaped_comma_in_string() {
    let search = parse_ok(ResourceType::Practitioner, r"name:exact=JONES+RN\,+MARY");
    assert_eq!(search.criteria[0].modifier, Some(Modifier::Exact));
    assert_eq!(
        only_values(&search),
        [SearchValue::String("JONES RN, MARY".into())]
    );
}

#[test]
fn token_code_with_escaped_comma() {
    let search = parse_ok(ResourceType::Patient, r"identifier=urn:ids|xyz\,");
    assert_eq!(
        only_values(&search),
        [token(TokenSystem::Is("urn:ids".into()), Some("xyz,"))]
    );
}

#[test]
fn token_malformed_bars_rejected() {
    let error = parse_err(ResourceType::Observation, "code=x|y|z");
    assert!(
        matches!(&error, SearchError::InvalidValue { parameter, value, .. } if parameter == "code" && value == "x|y|z")
    );
    assert!(error.to_string().contains(r"\|"), "{error}");

    let error = parse_err(ResourceType::Observation, "code=|");
    assert!(matches!(&error, SearchError::InvalidValue { parameter, .. } if parameter == "code"));
    assert!(
        error.to_string().contains("neither a system nor a code"),
        "{error}"
    );
}

#[test]
fn token_system_forms_differ() {
    let no_system = parse_ok(ResourceType::Patient, "identifier=|7781");
    let any_system = parse_ok(ResourceType::Patient, "identifier=7781");
    let whole_system = parse_ok(
        ResourceType::Patient,
        "identifier=urn:oid:2.16.840.1.113883.4.1|",
    );
    assert_eq!(
        only_values(&no_system),
        [token(TokenSystem::None, Some("7781"))]
    );
    assert_eq!(
        only_values(&any_system),
        [token(TokenSystem::Any, Some("7781"))]
    );
    assert_eq!(
        only_values(&whole_system),
        [token(
            TokenSystem::Is("urn:oid:2.16.840.1.113883.4.1".into()),
            None
        )]
    );
}

#[test]
fn count_zero_asks_for_total() {
    let search = parse_ok(ResourceType::Patient, "_count=0");
    assert_eq!(search.count, Some(0));
    assert!(search.wants_total_only());
    assert!(search.criteria.is_empty());
    assert!(!parse_ok(ResourceType::Patient, "_count=10").wants_total_only());
}

#[test]
fn count_invalid_rejected() {
    for value in ["abc", "1.5", "-1", "+3", "1e2"] {
        let error = parse_err(ResourceType::Patient, &format!("_count={value}"));
        assert!(
            matches!(&error, SearchError::InvalidValue { parameter, .. } if parameter == "_count"),
            "_count={value}: {error:?}"
        );
    }
}

#[test]
fn count_above_maximum_clamped() {
    let search = parse_ok(ResourceType::Patient, "_count=5000");
    assert_eq!(search.count, Some(200));
    assert_eq!(
        search.warnings,
        [SearchWarning::CountClamped {
            requested: 5000,
            maximum: 200
        }]
    );
    assert_eq!(search.to_query_string(), "_count=200");
}

#[test]
fn sort_keys_in_order() {
    let search = parse_ok(ResourceType::Observation, "_sort=-date,status");
    let keys: Vec<(&str, bool)> = search
        .sort
        .iter()
        .map(|key| (key.param.code, key.descending))
        .collect();
    assert_eq!(keys, [("date", true), ("status", false)]);
    assert_eq!(search.to_query_string(), "_sort=-date,status");
}

#[test]
fn unknown_parameter_lenient_warns() {
    let search = parse_ok(ResourceType::Patient, "fmaily=Lee&gender=female");
    assert_eq!(search.criteria.len(), 1);
    assert_eq!(search.to_query_string(), "gender=female");
    assert_eq!(search.warnings.len(), 1);
    let SearchWarning::Ignored(SearchError::UnknownParameter { parameter, .. }) =
        &search.warnings[0]
    else {
        panic!(
            "expected an unknown-parameter warning: {:?}",
            search.warnings
        );
    };
    assert_eq!(parameter, "fmaily");

    let outcome = warnings_to_operation_outcome(&search.warnings).expect("one warning");
    assert_eq!(outcome.issue.len(), 1);
    let json = serde_json::to_value(&outcome.issue[0]).expect("issue serializes");
    assert_eq!(json["severity"], "warning");
    assert_eq!(json["code"], "not-supported");
    assert_eq!(json["location"][0], "http.fmaily");
    assert!(
        json["diagnostics"]
            .as_str()
            .is_some_and(|text| text.contains("fmaily"))
    );
}

#[test]
fn unknown_parameter_strict_errors() {
    let error = Search::parse(Some(ResourceType::Patient), "fmaily=Lee", &strict()).unwrap_err();
    assert!(
        matches!(&error, SearchError::UnknownParameter { parameter, scope } if parameter == "fmaily" && scope == "Patient")
    );
    let outcome = error.to_operation_outcome();
    let json = serde_json::to_value(&outcome).expect("outcome serializes");
    assert_eq!(json["issue"][0]["severity"], "error");
    assert!(
        json["issue"][0]["diagnostics"]
            .as_str()
            .is_some_and(|text| text.contains("fmaily"))
    );
}

#[test]
fn modifier_for_wrong_type_rejected() {
    let error = parse_err(ResourceType::Condition, "onset-date:text=2001");
    assert!(
        matches!(&error, SearchError::ModifierNotAllowed { parameter, modifier, param_type, .. }
            if parameter == "onset-date:text" && modifier == "text" && *param_type == "date"),
        "{error:?}"
    );
}

#[test]
fn unknown_modifier_rejected() {
    let error = parse_err(ResourceType::Patient, "family:bogus=Lee");
    assert!(
        matches!(&error, SearchError::UnknownModifier { parameter, modifier, .. }
            if parameter == "family:bogus" && modifier == "bogus"),
        "{error:?}"
    );
    // Also in lenient handling: a modifier changes the meaning, so it is
    // never dropped.
    assert!(parse(ResourceType::Patient, "name:sounds-like=x").is_err());
}

#[test]
fn empty_value_ignored() {
    let search = parse_ok(ResourceType::Patient, "family=&given=Ana");
    assert_eq!(search.criteria.len(), 1);
    assert_eq!(search.criteria[0].param.code, "given");
    assert!(search.warnings.is_empty());
    assert_eq!(search.to_query_string(), "given=Ana");

    let alternatives = parse_ok(ResourceType::Patient, "given=Ana,,Bo,");
    assert_eq!(only_values(&alternatives).len(), 2);
}

#[test]
fn string_prefix_letters_kept() {
    let search = parse_ok(ResourceType::Patient, "family=geOrge");
    assert_eq!(only_values(&search), [SearchValue::String("geOrge".into())]);
    let search = parse_ok(ResourceType::Patient, "name=ltBrown");
    assert_eq!(
        only_values(&search),
        [SearchValue::String("ltBrown".into())]
    );
}

#[test]
fn date_alternatives_own_prefixes() {
    let search = parse_ok(ResourceType::Observation, "date=lt2016,2021");
    let prefixes: Vec<(Prefix, &str)> = only_values(&search)
        .iter()
        .map(|value| match value {
            SearchValue::Date { prefix, date } => (*prefix, date.as_str()),
            other => panic!("expected a date: {other:?}"),
        })
        .collect();
    assert_eq!(prefixes, [(Prefix::Lt, "2016"), (Prefix::Eq, "2021")]);
}

#[test]
fn quantity_negative_number() {
    let search = parse_ok(
        ResourceType::Observation,
        "value-quantity=-3.5|http://unitsofmeasure.org|mmol/L",
    );
    let [SearchValue::Quantity(quantity)] = only_values(&search) else {
        panic!("expected a quantity: {search:?}");
    };
    assert_eq!(quantity.prefix, Prefix::Eq);
    assert_eq!(quantity.number.as_str(), "-3.5");
    assert_eq!(
        quantity.system.as_deref(),
        Some("http://unitsofmeasure.org")
    );
    assert_eq!(quantity.code.as_deref(), Some("mmol/L"));

    let search = parse_ok(ResourceType::Observation, "value-quantity=le-3.5");
    let [SearchValue::Quantity(quantity)] = only_values(&search) else {
        panic!("expected a quantity: {search:?}");
    };
    assert_eq!(quantity.prefix, Prefix::Le);
    assert_eq!(quantity.number.as_str(), "-3.5");
}

#[test]
fn invalid_dates_rejected() {
    let cases = [
        ("birthdate=2023-02-29", "day"),
        ("birthdate=2011-07-21T08", "minutes"),
        ("birthdate=2011-07-21-04:00", "time zone needs a time"),
        ("birthdate=2011-07-21Z", "time zone needs a time"),
        ("birthdate=2011-07-21T24:00:00Z", "hour 24"),
        ("birthdate=2011-13", "month"),
        ("birthdate=2011-07T10:00", "full date"),
    ];
    for (query, reason) in cases {
        let error = parse_err(ResourceType::Patient, query);
        assert!(
            matches!(&error, SearchError::InvalidValue { parameter, .. } if parameter == "birthdate"),
            "{query}: {error:?}"
        );
        assert!(error.to_string().contains(reason), "{query}: {error}");
    }
}

#[test]
fn date_precision_kept() {
    let cases = [
        ("2010", SearchDatePrecision::Year),
        ("2010-01", SearchDatePrecision::Month),
        ("2010-01-15", SearchDatePrecision::Day),
        ("2010-01-15T10:30", SearchDatePrecision::Minute),
        ("2010-01-15T10:30:00Z", SearchDatePrecision::Second),
        (
            "2010-01-15T10:30:00.250-05:00",
            SearchDatePrecision::Fraction,
        ),
    ];
    for (text, precision) in cases {
        let search = parse_ok(ResourceType::Patient, &format!("birthdate=ge{text}"));
        let [SearchValue::Date { prefix, date }] = only_values(&search) else {
            panic!("expected a date: {search:?}");
        };
        assert_eq!(*prefix, Prefix::Ge);
        assert_eq!(date.as_str(), text);
        assert_eq!(date.precision(), precision, "{text}");
    }
}

#[test]
fn month_range_starts_first_day() {
    let search = parse_ok(ResourceType::Patient, "birthdate=ge2010-01");
    let [SearchValue::Date { date, .. }] = only_values(&search) else {
        panic!("expected a date: {search:?}");
    };
    let DateRange::Local { start, end } = date.range() else {
        panic!("a month has a local range");
    };
    assert_eq!(start.to_string(), "2010-01-01 00:00:00");
    assert_eq!(end.to_string(), "2010-02-01 00:00:00");
}

#[test]
fn number_keeps_written_digits() {
    for text in ["100", "100.00", "1e2"] {
        let search = parse_ok(ResourceType::RiskAssessment, &format!("probability={text}"));
        let [SearchValue::Number { prefix, number }] = only_values(&search) else {
            panic!("expected a number: {search:?}");
        };
        assert_eq!(*prefix, Prefix::Eq);
        assert_eq!(number.as_str(), text);
    }
    let search = parse_ok(ResourceType::RiskAssessment, "probability=100.00");
    let [SearchValue::Number { number, .. }] = only_values(&search) else {
        panic!("expected a number");
    };
    let (low, high) = number.implicit_range().expect("fits");
    assert_eq!(
        (low.to_string(), high.to_string()),
        ("99.995".into(), "100.005".into())
    );
}

#[test]
fn quantity_unit_forms() {
    let search = parse_ok(ResourceType::Observation, "value-quantity=7.2||mg");
    let [SearchValue::Quantity(quantity)] = only_values(&search) else {
        panic!("expected a quantity: {search:?}");
    };
    assert_eq!(quantity.system, None);
    assert_eq!(quantity.code.as_deref(), Some("mg"));

    let search = parse_ok(ResourceType::Observation, "value-quantity=7.2");
    let [SearchValue::Quantity(quantity)] = only_values(&search) else {
        panic!("expected a quantity: {search:?}");
    };
    assert_eq!(
        (quantity.system.as_deref(), quantity.code.as_deref()),
        (None, None)
    );

    for bad in [
        "7.2|mg",
        "7.2|a|b|c",
        "7.2|http://unitsofmeasure.org|",
        "mg",
    ] {
        assert!(
            parse(ResourceType::Observation, &format!("value-quantity={bad}")).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn token_not_modifier() {
    let search = parse_ok(ResourceType::Patient, "gender:not=female");
    assert_eq!(search.criteria[0].modifier, Some(Modifier::Not));
    assert_eq!(
        only_values(&search),
        [token(TokenSystem::Any, Some("female"))]
    );
}

#[test]
fn missing_takes_boolean() {
    let search = parse_ok(ResourceType::Observation, "subject:missing=true");
    assert_eq!(search.criteria[0].modifier, Some(Modifier::Missing));
    assert_eq!(only_values(&search), [SearchValue::Missing(true)]);

    let error = parse_err(ResourceType::Observation, "subject:missing=perhaps");
    assert!(
        matches!(&error, SearchError::InvalidValue { parameter, value, .. }
        if parameter == "subject:missing" && value == "perhaps")
    );
}

#[test]
fn ambiguous_chain_asks_for_type() {
    let error = parse_err(ResourceType::Observation, "subject.name=mara");
    let SearchError::AmbiguousChain {
        parameter,
        candidates,
        ..
    } = &error
    else {
        panic!("expected an ambiguous chain: {error:?}");
    };
    assert_eq!(parameter, "subject.name");
    assert!(candidates.contains(&"Patient".to_owned()), "{candidates:?}");
    assert!(
        candidates.contains(&"Location".to_owned()),
        "{candidates:?}"
    );
    assert!(error.to_string().contains("subject:"), "{error}");
}

#[test]
fn chain_with_unique_target_resolves() {
    // Of the types `subject` can refer to, only Patient has `birthdate`.
    let search = parse_ok(ResourceType::Observation, "subject.birthdate=1970");
    let [Link::Chain { param, target }] = search.criteria[0].links.as_slice() else {
        panic!("expected one chain: {:?}", search.criteria[0].links);
    };
    assert_eq!(param.code, "subject");
    assert_eq!(*target, ResourceType::Patient);
    assert_eq!(search.to_query_string(), "subject:Patient.birthdate=1970");
}

#[test]
fn typed_chain_not_modifier() {
    let search = parse_ok(ResourceType::Observation, "subject:Patient.family=Okafor");
    let criterion = &search.criteria[0];
    assert_eq!(criterion.modifier, None);
    assert_eq!(criterion.param.code, "family");
    let [Link::Chain { param, target }] = criterion.links.as_slice() else {
        panic!("expected one chain: {:?}", criterion.links);
    };
    assert_eq!(param.code, "subject");
    assert_eq!(*target, ResourceType::Patient);
    assert_eq!(search.to_query_string(), "subject:Patient.family=Okafor");
}

#[test]
fn chain_errors() {
    // `status` is a token, which cannot be followed.
    assert!(matches!(
        parse_err(ResourceType::Observation, "status.name=x"),
        SearchError::InvalidChain { .. }
    ));
    // `subject` cannot refer to Medication.
    assert!(matches!(
        parse_err(ResourceType::Observation, "subject:Medication.code=x"),
        SearchError::InvalidChain { .. }
    ));
    // An unknown chained parameter is an unknown parameter.
    let error = Search::parse(
        Some(ResourceType::Observation),
        "subject:Patient.nmae=x",
        &strict(),
    )
    .unwrap_err();
    assert!(matches!(error, SearchError::UnknownParameter { .. }));
}

#[test]
fn include_wildcard_expands() {
    let search = parse_ok(ResourceType::Patient, "_include=*");
    let codes: Vec<&str> = search
        .includes
        .iter()
        .map(|include| include.param.code)
        .collect();
    assert!(codes.contains(&"general-practitioner"), "{codes:?}");
    assert!(codes.contains(&"organization"), "{codes:?}");
    assert!(codes.contains(&"link"), "{codes:?}");
    assert!(
        search
            .includes
            .iter()
            .all(|include| include.source == ResourceType::Patient && !include.iterate)
    );

    let typed = parse_ok(ResourceType::Patient, "_include=Patient:*");
    assert_eq!(typed.includes, search.includes);
}

#[test]
fn revinclude_without_type_rejected() {
    let error = parse_err(ResourceType::Patient, "_revinclude=:*");
    assert!(
        matches!(&error, SearchError::InvalidInclude { parameter, .. } if parameter == "_revinclude")
    );
    assert!(parse(ResourceType::Patient, "_revinclude=*").is_err());
}

#[test]
fn include_unknown_parameter_handling() {
    let query = "_include=ExplanationOfBenefit:nosuchparam&_include=ExplanationOfBenefit:provider";
    let search = parse_ok(ResourceType::ExplanationOfBenefit, query);
    assert_eq!(search.includes.len(), 1);
    assert_eq!(
        search.to_query_string(),
        "_include=ExplanationOfBenefit:provider"
    );
    assert!(matches!(
        &search.warnings[..],
        [SearchWarning::Ignored(SearchError::UnknownInclude { code, .. })] if code == "nosuchparam"
    ));

    let error =
        Search::parse(Some(ResourceType::ExplanationOfBenefit), query, &strict()).unwrap_err();
    assert!(matches!(&error, SearchError::UnknownInclude { code, .. } if code == "nosuchparam"));
}

#[test]
fn include_iterate_and_target() {
    let search = parse_ok(
        ResourceType::ExplanationOfBenefit,
        "_include=ExplanationOfBenefit:provider:Organization&_include:iterate=PractitionerRole:practitioner",
    );
    assert_eq!(search.includes.len(), 2);
    assert_eq!(search.includes[0].target, Some(ResourceType::Organization));
    assert!(search.includes[1].iterate);
    assert_eq!(
        search.to_query_string(),
        "_include=ExplanationOfBenefit:provider:Organization&_include:iterate=PractitionerRole:practitioner"
    );
    // A non-iterating include starts from the searched type.
    assert!(parse(ResourceType::ExplanationOfBenefit, "_include=Claim:patient").is_err());
    // A target type that the parameter cannot refer to.
    assert!(
        parse(
            ResourceType::ExplanationOfBenefit,
            "_include=ExplanationOfBenefit:patient:Device"
        )
        .is_err()
    );
}

#[test]
fn post_body_and_url_both_apply() {
    let search = Search::parse_post(
        Some(ResourceType::Patient),
        "family=Ito",
        "application/x-www-form-urlencoded; charset=UTF-8",
        b"family=Ikeda&_count=5",
        &options(),
    )
    .expect("form body parses");
    let families: Vec<&SearchValue> = search
        .criteria
        .iter()
        .flat_map(|criterion| &criterion.values)
        .collect();
    assert_eq!(search.criteria.len(), 2);
    assert_eq!(
        families,
        [
            &SearchValue::String("Ito".into()),
            &SearchValue::String("Ikeda".into())
        ]
    );
    assert_eq!(search.count, Some(5));
}

#[test]
fn post_other_content_type_rejected() {
    for content_type in [
        "application/json",
        "multipart/form-data",
        "application/x-www-form-urlencoded; charset=latin1",
    ] {
        let error = Search::parse_post(
            Some(ResourceType::Patient),
            "",
            content_type,
            b"{}",
            &options(),
        )
        .unwrap_err();
        assert!(
            matches!(error, SearchError::UnsupportedContentType { .. }),
            "{content_type}"
        );
    }
}

#[test]
fn reference_on_own_base_is_relative() {
    let absolute = parse_ok(
        ResourceType::Observation,
        &format!("subject={BASE}/Patient/p-77"),
    );
    let relative = parse_ok(ResourceType::Observation, "subject=Patient/p-77");
    assert_eq!(absolute, relative);
    assert_eq!(
        only_values(&relative),
        [SearchValue::Reference(ReferenceValue::Local {
            resource_type: Some(ResourceType::Patient),
            id: "p-77".into(),
            version: None
        })]
    );

    let other_server = parse_ok(
        ResourceType::Observation,
        "subject=https://elsewhere.example/fhir/Patient/p-77",
    );
    assert_eq!(
        only_values(&other_server),
        [SearchValue::Reference(ReferenceValue::External(
            "https://elsewhere.example/fhir/Patient/p-77".into()
        ))]
    );
}

#[test]
fn canonical_on_own_base_is_matched_as_written() {
    // Canonical URLs often live under the server's own base without being
    // Type/id: a code system path, or a value set with `|version`.
    for text in [
        format!("{BASE}/ValueSet/claim-type|4.0.1"),
        format!("{BASE}/sid/payer-ids"),
    ] {
        let query = format!("valueset={}", text.replace('|', "%7C"));
        let parsed = parse_ok(ResourceType::StructureDefinition, &query);
        assert_eq!(
            only_values(&parsed),
            [SearchValue::Reference(ReferenceValue::External(
                text.clone()
            ))],
            "{query}"
        );
    }
    // A Type/id under the base still names a resource of this server, and
    // its type is still checked against the parameter's targets.
    let error = Search::parse(
        Some(ResourceType::StructureDefinition),
        &format!("valueset={BASE}/Patient/p-1"),
        &options(),
    )
    .expect_err("Patient is not a target of valueset");
    assert!(
        error.to_string().contains("cannot refer to Patient"),
        "{error}"
    );
}

#[test]
fn reference_forms() {
    let versioned = parse_ok(ResourceType::Observation, "subject=Patient/9/_history/2");
    assert_eq!(
        only_values(&versioned),
        [SearchValue::Reference(ReferenceValue::Local {
            resource_type: Some(ResourceType::Patient),
            id: "9".into(),
            version: Some("2".into())
        })]
    );
    let typed = parse_ok(ResourceType::Observation, "subject:Patient=9");
    assert_eq!(
        typed.criteria[0].modifier,
        Some(Modifier::Type(ResourceType::Patient))
    );
    assert!(parse(ResourceType::Observation, "subject=Medication/9").is_err());
    assert!(parse(ResourceType::Observation, "subject:Group=Patient/9").is_err());
    assert!(parse(ResourceType::Observation, "subject=Nope/9").is_err());
}

#[test]
fn has_needs_reference_to_base() {
    let error = parse_err(ResourceType::Patient, "_has:Observation:status:code=final");
    let SearchError::InvalidChain {
        parameter,
        expected,
    } = &error
    else {
        panic!("expected an invalid chain: {error:?}");
    };
    assert_eq!(parameter, "_has:Observation:status:code");
    assert!(expected.contains("status"), "{expected}");

    let search = parse_ok(
        ResourceType::Patient,
        "_has:Observation:patient:code=1234-5",
    );
    let [Link::Has { source, param }] = search.criteria[0].links.as_slice() else {
        panic!("expected one reverse chain: {:?}", search.criteria[0].links);
    };
    assert_eq!(*source, ResourceType::Observation);
    assert_eq!(param.code, "patient");
    assert_eq!(
        search.to_query_string(),
        "_has:Observation:patient:code=1234-5"
    );
}

#[test]
fn system_search_with_types() {
    let search = Search::parse(
        None,
        "_type=Patient,Practitioner&name=Reyes&_lastUpdated=gt2024-01-01",
        &options(),
    )
    .expect("system search parses");
    assert_eq!(
        search.types,
        [ResourceType::Patient, ResourceType::Practitioner]
    );
    assert_eq!(search.criteria.len(), 2);
    assert_eq!(
        search.to_query_string(),
        "_type=Patient,Practitioner&_lastUpdated=gt2024-01-01&name=Reyes"
    );
    // Without `_type`, only parameters of every resource apply.
    let search = Search::parse(None, "name=Reyes&_id=abc", &options()).expect("parses");
    assert_eq!(search.criteria.len(), 1);
    assert_eq!(search.warnings.len(), 1);
}

#[test]
fn result_parameters_round_trip() {
    let query = "_summary=data&_elements=identifier,name&_total=accurate&_contained=both&_containedType=contained";
    let search = parse_ok(ResourceType::Patient, query);
    assert_eq!(search.summary, Some(Summary::Data));
    assert_eq!(search.elements, ["identifier", "name"]);
    assert_eq!(search.to_query_string(), query);
    assert!(matches!(
        parse_err(ResourceType::Patient, "_summary=yes"),
        SearchError::InvalidValue { .. }
    ));
    assert!(matches!(
        parse_err(ResourceType::Patient, "_count=1&_count=2"),
        SearchError::Repeated { .. }
    ));
}

#[test]
fn prefer_header_handling() {
    assert_eq!(
        Handling::from_prefer_header("handling=strict"),
        Some(Handling::Strict)
    );
    assert_eq!(
        Handling::from_prefer_header("return=minimal, handling=lenient"),
        Some(Handling::Lenient)
    );
    assert_eq!(Handling::from_prefer_header("return=minimal"), None);
}

#[test]
fn self_link_canonical_order() {
    let search = parse_ok(
        ResourceType::ExplanationOfBenefit,
        "_count=50&created=ge2024-01&_include=ExplanationOfBenefit:provider&patient=123&_format=json",
    );
    assert_eq!(
        search.self_link(&format!("{BASE}/")),
        format!(
            "{BASE}/ExplanationOfBenefit?created=ge2024-01&patient=123\
             &_include=ExplanationOfBenefit:provider&_count=50"
        )
    );
}

#[test]
fn self_link_escapes_values() {
    let query = r"name:exact=O'Neil\, Pat+%26+Co&identifier=urn:x|a\|b";
    let search = parse_ok(ResourceType::Patient, query);
    let link = search.to_query_string();
    assert_eq!(
        link,
        "identifier=urn:x|a%5C|b&name:exact=O'Neil%5C,%20Pat%20%26%20Co"
    );
    let mut again = parse_ok(ResourceType::Patient, &link);
    again.warnings.clear();
    assert_eq!(again, search);
}

#[test]
fn composite_components_typed() {
    let search = parse_ok(
        ResourceType::Observation,
        "component-code-value-quantity=http://loinc.org|8480-6$gt140|http://unitsofmeasure.org|mm[Hg]",
    );
    let [SearchValue::Composite(components)] = only_values(&search) else {
        panic!("expected a composite: {search:?}");
    };
    assert_eq!(
        components[0],
        token(TokenSystem::Is("http://loinc.org".into()), Some("8480-6"))
    );
    let SearchValue::Quantity(quantity) = &components[1] else {
        panic!("expected a quantity component: {components:?}");
    };
    assert_eq!(quantity.prefix, Prefix::Gt);
    assert_eq!(quantity.code.as_deref(), Some("mm[Hg]"));
    assert!(search.to_query_string().contains("8480-6$gt140"));

    let error = parse_err(
        ResourceType::Observation,
        "component-code-value-quantity=8480-6",
    );
    assert!(error.to_string().contains("`$`"), "{error}");
}

#[test]
fn strict_collects_every_error() {
    let query = "shoe-size=12&birthdate=yesterday&gender:exact=female";
    let error = Search::parse(Some(ResourceType::Patient), query, &strict())
        .expect_err("three bad parameters parsed");
    let SearchError::Several { errors } = &error else {
        panic!("expected several errors, found {error:?}");
    };
    let parameters: Vec<Option<&str>> = errors.iter().map(SearchError::parameter).collect();
    assert_eq!(
        parameters,
        [Some("shoe-size"), Some("birthdate"), Some("gender:exact")]
    );
    assert!(matches!(errors[0], SearchError::UnknownParameter { .. }));
    assert!(matches!(errors[1], SearchError::InvalidValue { .. }));
    assert!(matches!(errors[2], SearchError::ModifierNotAllowed { .. }));
    assert_eq!(error.errors().len(), 3);

    let outcome = error.to_operation_outcome();
    assert_eq!(outcome.issue.len(), 3);
    let message = error.to_string();
    for parameter in ["shoe-size", "birthdate", "gender:exact"] {
        assert!(message.contains(parameter), "{message}");
    }
}

#[test]
fn lenient_collects_errors_keeps_warnings() {
    let query = "shoe-size=12&birthdate=yesterday&_count=lots";
    let error = Search::parse(Some(ResourceType::Patient), query, &options())
        .expect_err("two malformed values parsed");
    let parameters: Vec<Option<&str>> = error.errors().iter().map(SearchError::parameter).collect();
    // The unknown parameter is only a warning in lenient handling.
    assert_eq!(parameters, [Some("birthdate"), Some("_count")]);

    let search = parse_ok(ResourceType::Patient, "shoe-size=12&hat=3&family=Lee");
    assert_eq!(search.warnings.len(), 2);
    assert_eq!(search.criteria.len(), 1);
}

#[test]
fn one_error_is_not_wrapped() {
    let error = parse_err(ResourceType::Patient, "birthdate=yesterday&family=Lee");
    assert!(
        matches!(error, SearchError::InvalidValue { .. }),
        "{error:?}"
    );
    assert_eq!(error.errors(), std::slice::from_ref(&error));
}

#[test]
fn plan_net_parameters_parse() {
    let search = parse_ok(
        ResourceType::PractitionerRole,
        "network=Organization/AcmeofCTStdNet&location=Location/HospLoc1",
    );
    let codes: Vec<&str> = search.criteria.iter().map(|c| c.param.code).collect();
    assert_eq!(codes, ["location", "network"]);
    let network = &search.criteria[1];
    assert_eq!(
        network.param.package,
        "hl7.fhir.us.davinci-pdex-plan-net#1.2.0"
    );

    let plans = parse_ok(
        ResourceType::InsurancePlan,
        "coverage-area=Location/StateOfCTLocation&plan-type=http://example.org|gold",
    );
    assert_eq!(plans.criteria.len(), 2);
    assert!(plans.criteria.iter().all(|c| !c.param.is_core()));
}

#[test]
#[cfg(feature = "carin-bb")]
fn carin_parameters_parse() {
    let search = parse_ok(
        ResourceType::ExplanationOfBenefit,
        "patient=123&service-date=ge2024-01&billable-period-start=lt2024-06-01\
         &_include=ExplanationOfBenefit:provider",
    );
    let codes: Vec<&str> = search.criteria.iter().map(|c| c.param.code).collect();
    assert_eq!(codes, ["billable-period-start", "patient", "service-date"]);
    let service_date = &search.criteria[2];
    assert_eq!(service_date.param.package, "hl7.fhir.us.carin-bb#2.0.0");
    let [SearchValue::Date { prefix, .. }] = service_date.values.as_slice() else {
        panic!("expected one date: {service_date:?}");
    };
    assert_eq!(*prefix, Prefix::Ge);
}

#[test]
fn unknown_guide_parameter_without_feature() {
    // `delivery-method` exists only in Plan Net; `service-date` only in
    // CARIN BB and PDex.
    #[cfg(not(any(feature = "carin-bb", feature = "pdex")))]
    {
        let error = Search::parse(
            Some(ResourceType::ExplanationOfBenefit),
            "service-date=2024",
            &strict(),
        )
        .expect_err("service-date is not a core parameter");
        assert!(matches!(error, SearchError::UnknownParameter { .. }));
    }
    let search = parse_ok(ResourceType::HealthcareService, "delivery-method=virtual");
    assert_eq!(search.criteria.len(), 1);
}
