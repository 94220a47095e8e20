//! Parameter names: the resolution of `code`, `code:modifier`, chains
//! (`subject:Patient.name`) and reverse chains (`_has:Type:param:name`).

use crate::r4::ResourceType;
use crate::search::registry::{
    CORE_PRECEDENCE, SearchParamDef, SearchParamType, search_parameter, search_parameters,
};

use super::Link;
use super::error::{SearchError, shown};
use super::modifier::{Modifier, ModifierProblem, type_name};

/// The `_list` parameter, which the R4 search page defines without a
/// SearchParameter resource: the value is the id of a List, and a resource
/// matches when the List has an entry for it.
pub(crate) static LIST_PARAMETER: SearchParamDef = SearchParamDef {
    url: "",
    code: "_list",
    description: "Resources that are entries of the List with this id",
    param_type: SearchParamType::Special,
    expression: "",
    base: &["Resource"],
    target: &[],
    modifier: &[],
    comparator: &[],
    chain: &[],
    component: &[],
    package: "hl7.fhir.r4.core#4.0.1",
    precedence: CORE_PRECEDENCE,
};

/// The resource types that a parameter name is resolved against.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Scope<'a> {
    /// Every resource type: only parameters defined on Resource or
    /// DomainResource.
    All,
    /// One or more types, all of which must define the parameter.
    Types(&'a [ResourceType]),
}

impl Scope<'_> {
    /// Names the scope in messages: `Patient`, `Patient and Practitioner`
    /// or `all resource types`.
    pub(crate) fn describe(&self) -> String {
        match self {
            Self::All => "all resource types".to_owned(),
            Self::Types(types) => {
                let names: Vec<&str> = types.iter().map(|t| t.as_str()).collect();
                names.join(" and ")
            }
        }
    }

    /// Returns the types of the scope, empty for [`Scope::All`].
    pub(crate) fn types(&self) -> &[ResourceType] {
        match *self {
            Self::All => &[],
            Self::Types(types) => types,
        }
    }

    /// Finds the parameter `code` in every type of the scope. Types that
    /// define it differently must at least agree on its type; the definition
    /// of the first type is returned.
    pub(crate) fn resolve(&self, code: &str) -> Option<&'static SearchParamDef> {
        if code == "_list" {
            return Some(&LIST_PARAMETER);
        }
        match *self {
            Self::All => search_parameters().iter().find(|param| {
                param.code == code
                    && param
                        .base
                        .iter()
                        .any(|base| matches!(*base, "Resource" | "DomainResource"))
            }),
            Self::Types(types) => {
                let (first, rest) = types.split_first()?;
                let def = search_parameter(first.as_str(), code)?;
                let agree = rest.iter().all(|other| {
                    search_parameter(other.as_str(), code)
                        .is_some_and(|o| o.param_type == def.param_type)
                });
                agree.then_some(def)
            }
        }
    }
}

/// A parameter name resolved against a scope.
pub(crate) struct ResolvedName {
    pub links: Vec<Link>,
    pub param: &'static SearchParamDef,
    pub modifier: Option<Modifier>,
}

/// Resolves `name` (the part before `=`) in `scope`. `full` is the whole
/// name, for messages.
pub(crate) fn resolve_name(
    name: &str,
    full: &str,
    scope: &Scope<'_>,
) -> Result<ResolvedName, SearchError> {
    if let Some(rest) = name.strip_prefix("_has:") {
        return resolve_has(rest, full, scope);
    }
    if name == "_has" {
        return Err(invalid_chain(
            full,
            "expected _has:Type:reference-parameter:search-parameter",
        ));
    }

    let (head, tail) = match name.split_once('.') {
        Some((head, tail)) => (head, Some(tail)),
        None => (name, None),
    };
    let (code, modifier_text) = match head.split_once(':') {
        Some((code, modifier)) => (code, Some(modifier)),
        None => (head, None),
    };
    let unknown = || SearchError::UnknownParameter {
        parameter: shown(full),
        scope: scope.describe(),
    };
    let param = scope.resolve(code).ok_or_else(unknown)?;

    let Some(tail) = tail else {
        let modifier = modifier_text
            .map(|text| parse_modifier(text, param, full))
            .transpose()?;
        return Ok(ResolvedName {
            links: Vec::new(),
            param,
            modifier,
        });
    };

    resolve_chain(param, modifier_text, tail, full, scope)
}

/// Resolves `code[:Type].tail`, where `param` is the parameter `code`.
fn resolve_chain(
    param: &'static SearchParamDef,
    modifier_text: Option<&str>,
    tail: &str,
    full: &str,
    scope: &Scope<'_>,
) -> Result<ResolvedName, SearchError> {
    if param.param_type != SearchParamType::Reference {
        return Err(invalid_chain(
            full,
            &format!(
                "`{}` is a {} parameter; only reference parameters can be followed by `.`",
                param.code,
                type_name(param.param_type)
            ),
        ));
    }
    let type_hint = match modifier_text {
        None => None,
        Some(text) => match Modifier::parse(text) {
            Some(Modifier::Type(resource_type)) => Some(resource_type),
            Some(_) => {
                return Err(invalid_chain(
                    full,
                    "only a resource type (as in `subject:Patient.name`) may stand between a reference parameter and `.`",
                ));
            }
            None => {
                return Err(SearchError::UnknownModifier {
                    parameter: shown(full),
                    modifier: shown(text),
                    allowed: Modifier::allowed_for(SearchParamType::Reference),
                });
            }
        },
    };

    let candidates: Vec<ResourceType> = match type_hint {
        Some(hint) => {
            if !param.target.is_empty() && !param.target.contains(&hint.as_str()) {
                return Err(invalid_chain(
                    full,
                    &format!(
                        "`{}` cannot refer to {hint}; expected one of {}",
                        param.code,
                        param.target.join(", ")
                    ),
                ));
            }
            vec![hint]
        }
        None if param.target.is_empty() => {
            return Err(invalid_chain(
                full,
                &format!(
                    "`{}` can refer to any type; name one, as in `{}:Patient.{tail}`",
                    param.code, param.code
                ),
            ));
        }
        None => param
            .target
            .iter()
            .filter_map(|name| ResourceType::from_name(name))
            .collect(),
    };

    let chained_code = chained_code(tail);
    let defining: Vec<ResourceType> = candidates
        .iter()
        .copied()
        .filter(|candidate| {
            Scope::Types(std::slice::from_ref(candidate))
                .resolve(chained_code)
                .is_some()
                || chained_code == "_has"
        })
        .collect();
    let target = match defining.as_slice() {
        [] => {
            return Err(SearchError::UnknownParameter {
                parameter: shown(full),
                scope: scope.describe(),
            });
        }
        [single] => *single,
        _ => {
            return Err(SearchError::AmbiguousChain {
                parameter: shown(full),
                reference: param.code.to_owned(),
                chained: shown(chained_code),
                candidates: defining.iter().map(|t| t.as_str().to_owned()).collect(),
            });
        }
    };

    let mut resolved = resolve_name(tail, full, &Scope::Types(std::slice::from_ref(&target)))?;
    resolved.links.insert(0, Link::Chain { param, target });
    Ok(resolved)
}

/// Returns the parameter code at the start of a chain tail: `name` in
/// `name:exact`, `organization` in `organization.name`.
fn chained_code(tail: &str) -> &str {
    if tail.starts_with("_has:") {
        return "_has";
    }
    let end = tail.find([':', '.']).unwrap_or(tail.len());
    &tail[..end]
}

/// Resolves `Type:reference-parameter:name` after `_has:`.
fn resolve_has(rest: &str, full: &str, scope: &Scope<'_>) -> Result<ResolvedName, SearchError> {
    const FORMAT: &str = "expected _has:Type:reference-parameter:search-parameter";
    let mut parts = rest.splitn(3, ':');
    let (Some(type_name), Some(reference), Some(name)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid_chain(full, FORMAT));
    };
    if name.is_empty() {
        return Err(invalid_chain(full, FORMAT));
    }
    let source = ResourceType::from_name(type_name).ok_or_else(|| {
        invalid_chain(
            full,
            &format!("`{}` is not a resource type; {FORMAT}", shown(type_name)),
        )
    })?;
    let Some(param) = search_parameter(source.as_str(), reference) else {
        return Err(invalid_chain(
            full,
            &format!("{source} has no search parameter `{}`", shown(reference)),
        ));
    };

    let searched = scope.types();
    if searched.is_empty() {
        return Err(invalid_chain(
            full,
            "`_has` needs a searched type; search Type?_has:… or set _type",
        ));
    }
    let points_at_searched = param.param_type == SearchParamType::Reference
        && (param.target.is_empty() || searched.iter().all(|t| param.target.contains(&t.as_str())));
    if !points_at_searched {
        let what = if param.param_type == SearchParamType::Reference {
            format!("refers to {}", param.target.join(", "))
        } else {
            format!("is a {} parameter", type_name_of(param))
        };
        return Err(invalid_chain(
            full,
            &format!(
                "`{reference}` of {source} {what}; `_has` needs a reference parameter of {source} that can refer to {}",
                scope.describe()
            ),
        ));
    }

    let mut resolved = resolve_name(name, full, &Scope::Types(std::slice::from_ref(&source)))?;
    resolved.links.insert(0, Link::Has { source, param });
    Ok(resolved)
}

fn type_name_of(param: &SearchParamDef) -> &'static str {
    type_name(param.param_type)
}

/// Parses the modifier of a parameter without a chain.
fn parse_modifier(
    text: &str,
    param: &'static SearchParamDef,
    full: &str,
) -> Result<Modifier, SearchError> {
    let modifier =
        Modifier::parse_for(text, param.param_type).map_err(|problem| match problem {
            ModifierProblem::Unknown => SearchError::UnknownModifier {
                parameter: shown(full),
                modifier: shown(text),
                allowed: Modifier::allowed_for(param.param_type),
            },
            ModifierProblem::NotForType => SearchError::ModifierNotAllowed {
                parameter: shown(full),
                modifier: shown(text),
                param_type: type_name(param.param_type),
                allowed: Modifier::allowed_for(param.param_type).to_owned(),
            },
        })?;
    if let Modifier::Type(resource_type) = modifier {
        if !param.target.is_empty() && !param.target.contains(&resource_type.as_str()) {
            return Err(SearchError::ModifierNotAllowed {
                parameter: shown(full),
                modifier: shown(text),
                param_type: "reference",
                allowed: format!(
                    ":missing, :identifier, or one of the types it can refer to: {}",
                    param.target.join(", ")
                ),
            });
        }
    }
    Ok(modifier)
}

fn invalid_chain(full: &str, expected: &str) -> SearchError {
    SearchError::InvalidChain {
        parameter: shown(full),
        expected: expected.to_owned(),
    }
}
