//! Result parameters (`_sort`, `_count`, `_summary`, `_elements`, `_total`,
//! `_contained`, `_containedType`) and `_include` / `_revinclude`.

use std::fmt;

use crate::r4::ResourceType;
use crate::search::registry::{SearchParamType, search_parameter, search_parameters};

use super::error::{SearchError, SearchWarning, shown};
use super::escape::split_unescaped;
use super::name::Scope;
use super::{Include, Parser, SortKey};

/// Declares a result-parameter enum with its codes.
macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$variant_meta:meta])* $variant:ident = $code:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$variant_meta])* $variant,)+
        }

        impl $name {
            /// Returns the code as written in the query.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $code,)+
                }
            }

            /// Parses a code as written in the query; `None` for another text.
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($code => Some(Self::$variant),)+
                    _ => None,
                }
            }

            fn expected() -> &'static str {
                concat!("expected one of:" $(, " ", $code)+)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str(self.as_str())
            }
        }
    };
}

code_enum! {
    /// `_summary`: which part of each resource to return.
    Summary {
        /// `true`: the elements marked as summary.
        True = "true",
        /// `text`: text, id, meta and the mandatory elements.
        Text = "text",
        /// `data`: everything but the narrative.
        Data = "data",
        /// `count`: the total only.
        Count = "count",
        /// `false`: all elements.
        False = "false",
    }
}

code_enum! {
    /// `_total`: how precisely to count the matches.
    Total {
        /// `none`: no total.
        None = "none",
        /// `estimate`: an estimate is enough.
        Estimate = "estimate",
        /// `accurate`: the exact number.
        Accurate = "accurate",
    }
}

code_enum! {
    /// `_contained`: whether to search contained resources.
    Contained {
        /// `true`: only contained resources.
        True = "true",
        /// `false`: only resources that are not contained (the default).
        False = "false",
        /// `both`: both.
        Both = "both",
    }
}

code_enum! {
    /// `_containedType`: how to return matching contained resources.
    ContainedType {
        /// `container`: the resource that contains them.
        Container = "container",
        /// `contained`: the contained resources themselves.
        Contained = "contained",
    }
}

impl Parser<'_> {
    /// Parses one result parameter; `name` is as written, `base_name`
    /// without the modifier.
    pub(super) fn parse_result_parameter(
        &mut self,
        name: &str,
        base_name: &str,
        modifier: Option<&str>,
        value: &str,
        scope: &Scope<'_>,
    ) -> Result<(), SearchError> {
        let parameter: &'static str = match base_name {
            "_sort" => "_sort",
            "_count" => "_count",
            "_summary" => "_summary",
            "_elements" => "_elements",
            "_total" => "_total",
            "_contained" => "_contained",
            _ => "_containedType",
        };
        if let Some(modifier) = modifier {
            return Err(SearchError::UnknownModifier {
                parameter: shown(name),
                modifier: shown(modifier),
                allowed: "none: result parameters take no modifier",
            });
        }
        self.check_once(parameter)?;

        let invalid = |expected: &str| SearchError::InvalidValue {
            parameter: parameter.to_owned(),
            value: shown(value),
            expected: expected.to_owned(),
        };
        match parameter {
            "_sort" => self.parse_sort(value, scope)?,
            "_count" => self.parse_count(value)?,
            "_summary" => {
                self.search.summary =
                    Some(Summary::parse(value).ok_or_else(|| invalid(Summary::expected()))?);
            }
            "_total" => {
                self.search.total =
                    Some(Total::parse(value).ok_or_else(|| invalid(Total::expected()))?);
            }
            "_contained" => {
                self.search.contained =
                    Some(Contained::parse(value).ok_or_else(|| invalid(Contained::expected()))?);
            }
            "_containedType" => {
                self.search.contained_type = Some(
                    ContainedType::parse(value)
                        .ok_or_else(|| invalid(ContainedType::expected()))?,
                );
            }
            _ => {
                for element in split_unescaped(value, b',') {
                    if element.is_empty() {
                        continue;
                    }
                    let valid = element.starts_with(|c: char| c.is_ascii_alphabetic())
                        && element
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.');
                    if !valid {
                        return Err(SearchError::InvalidValue {
                            parameter: parameter.to_owned(),
                            value: shown(element),
                            expected: "element names such as identifier,name separated by commas"
                                .to_owned(),
                        });
                    }
                    self.search.elements.push(element.to_owned());
                }
            }
        }
        Ok(())
    }

    fn parse_count(&mut self, value: &str) -> Result<(), SearchError> {
        if !value.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(SearchError::InvalidValue {
                parameter: "_count".to_owned(),
                value: shown(value),
                expected: "a whole number of 0 or more, such as 50".to_owned(),
            });
        }
        let requested = value.bytes().fold(0_u64, |total, digit| {
            total
                .saturating_mul(10)
                .saturating_add(u64::from(digit - b'0'))
        });
        let maximum = self.options.max_count.unwrap_or(u32::MAX);
        let count = match u32::try_from(requested) {
            Ok(count) if count <= maximum => count,
            _ => {
                self.search
                    .warnings
                    .push(SearchWarning::CountClamped { requested, maximum });
                maximum
            }
        };
        self.search.count = Some(count);
        Ok(())
    }

    fn parse_sort(&mut self, value: &str, scope: &Scope<'_>) -> Result<(), SearchError> {
        for key in split_unescaped(value, b',') {
            let (descending, code) = match key.strip_prefix('-') {
                Some(code) => (true, code),
                None => (false, key),
            };
            if code.is_empty() {
                continue;
            }
            match scope.resolve(code) {
                Some(param) if param.param_type != SearchParamType::Special => {
                    self.search.sort.push(SortKey { param, descending });
                }
                _ => self.soft(SearchError::UnknownSortKey {
                    key: shown(code),
                    scope: scope.describe(),
                })?,
            }
        }
        Ok(())
    }

    /// Parses one `_include` or `_revinclude` value.
    pub(super) fn parse_include(
        &mut self,
        name: &str,
        reverse: bool,
        modifier: Option<&str>,
        value: &str,
        scope: &Scope<'_>,
    ) -> Result<(), SearchError> {
        let iterate = match modifier {
            None => false,
            // `:recurse` is the STU3 name of `:iterate`.
            Some("iterate" | "recurse") => true,
            Some(other) => {
                return Err(SearchError::UnknownModifier {
                    parameter: shown(name),
                    modifier: shown(other),
                    allowed: ":iterate",
                });
            }
        };
        let invalid = |expected: String| SearchError::InvalidInclude {
            parameter: shown(name),
            value: shown(value),
            expected,
        };
        const FORMAT: &str = "expected Type:parameter, Type:parameter:TargetType, Type:* or *";

        let mut parts = value.split(':');
        let first = parts.next().unwrap_or_default();
        let code = parts.next();
        let target = parts.next();
        if parts.next().is_some() {
            return Err(invalid(FORMAT.to_owned()));
        }

        // A bare `*` includes through every reference parameter of the
        // searched types; `_revinclude` needs a type to start from.
        if first == "*" && code.is_none() {
            if reverse || scope.types().is_empty() {
                return Err(invalid(
                    "`*` alone needs a searched type and works only for _include; name the type, as in Patient:*"
                        .to_owned(),
                ));
            }
            for &source in scope.types() {
                self.push_all_references(source, iterate, reverse, scope);
            }
            return Ok(());
        }
        let Some(code) = code else {
            return Err(invalid(FORMAT.to_owned()));
        };
        if first.is_empty() {
            return Err(invalid(format!("the type before `:` is missing; {FORMAT}")));
        }
        let source = ResourceType::from_name(first).ok_or_else(|| {
            invalid(format!(
                "`{}` is not a resource type; {FORMAT}",
                shown(first)
            ))
        })?;

        if !iterate && !reverse && !scope.types().is_empty() && !scope.types().contains(&source) {
            return Err(invalid(format!(
                "_include without :iterate starts from the searched type {}; use {}:… or _include:iterate",
                scope.describe(),
                scope.describe()
            )));
        }

        if code == "*" {
            if target.is_some() {
                return Err(invalid(FORMAT.to_owned()));
            }
            self.push_all_references(source, iterate, reverse, scope);
            return Ok(());
        }

        let Some(param) = search_parameter(source.as_str(), code) else {
            return self.soft(SearchError::UnknownInclude {
                parameter: shown(name),
                value: shown(value),
                resource_type: source.as_str().to_owned(),
                code: shown(code),
            });
        };
        if param.param_type != SearchParamType::Reference {
            return Err(invalid(format!(
                "`{code}` of {source} is not a reference parameter"
            )));
        }
        let target = match target {
            None => None,
            Some(target_name) => {
                let target_type = ResourceType::from_name(target_name).ok_or_else(|| {
                    invalid(format!("`{}` is not a resource type", shown(target_name)))
                })?;
                if !param.target.is_empty() && !param.target.contains(&target_name) {
                    return Err(invalid(format!(
                        "`{code}` of {source} cannot refer to {target_name}; expected one of {}",
                        param.target.join(", ")
                    )));
                }
                Some(target_type)
            }
        };
        if reverse && !iterate && !refers_to_scope(param.target, scope) {
            return Err(invalid(format!(
                "`{code}` of {source} cannot refer to {}, so it adds nothing",
                scope.describe()
            )));
        }

        let include = Include {
            iterate,
            source,
            param,
            target,
        };
        if reverse {
            self.search.revincludes.push(include);
        } else {
            self.search.includes.push(include);
        }
        Ok(())
    }

    /// Adds an include for every reference parameter of `source`; for
    /// `_revinclude` without `:iterate`, only those that can refer to the
    /// searched types.
    fn push_all_references(
        &mut self,
        source: ResourceType,
        iterate: bool,
        reverse: bool,
        scope: &Scope<'_>,
    ) {
        let params = search_parameters().iter().filter(|param| {
            // When two definitions share a code on one type, the one that
            // `search_parameter` finds is the one a query names.
            let named = search_parameter(source.as_str(), param.code)
                .is_some_and(|found| std::ptr::eq(found, *param));
            param.param_type == SearchParamType::Reference
                && named
                && (!reverse || iterate || refers_to_scope(param.target, scope))
        });
        for param in params {
            let include = Include {
                iterate,
                source,
                param,
                target: None,
            };
            if reverse {
                self.search.revincludes.push(include);
            } else {
                self.search.includes.push(include);
            }
        }
    }
}

/// Returns whether a reference parameter with these targets can refer to
/// one of the searched types (any type when the scope is all types).
fn refers_to_scope(targets: &[&str], scope: &Scope<'_>) -> bool {
    targets.is_empty()
        || scope.types().is_empty()
        || scope.types().iter().any(|t| targets.contains(&t.as_str()))
}
