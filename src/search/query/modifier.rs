//! Search parameter modifiers (`name:exact`, `code:not`, `subject:Patient`)
//! and the parameter types each one applies to.

use std::fmt;

use crate::r4::ResourceType;
use crate::search::registry::SearchParamType;

/// A modifier after a parameter name, as FHIR R4 defines them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Modifier {
    /// `:missing`, for every type: the value is `true` or `false`.
    Missing,
    /// `:exact` (string): the whole value, case- and accent-sensitive.
    Exact,
    /// `:contains` (string): the value anywhere in the string.
    Contains,
    /// `:text` (token): the text of a CodeableConcept or the display of a Coding.
    Text,
    /// `:not` (token): no value equals the token, or there is no value.
    Not,
    /// `:above` (token, uri): the value or a code or URL that subsumes it.
    Above,
    /// `:below` (token, uri): the value or a code or URL that it subsumes.
    Below,
    /// `:in` (token): a code in the value set named by the value.
    In,
    /// `:not-in` (token): a code not in the value set named by the value.
    NotIn,
    /// `:of-type` (token on Identifier): `type-system|type-code|value`.
    OfType,
    /// `:identifier` (reference): the value matches `Reference.identifier`.
    Identifier,
    /// `:[type]` (reference): the reference points at a resource of this type.
    Type(ResourceType),
}

/// The reason a modifier was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ModifierProblem {
    /// The text is neither a modifier nor a resource type.
    Unknown,
    /// The modifier exists but does not apply to parameters of this type.
    NotForType,
}

impl Modifier {
    /// Parses the text after the colon.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "missing" => Self::Missing,
            "exact" => Self::Exact,
            "contains" => Self::Contains,
            "text" => Self::Text,
            "not" => Self::Not,
            "above" => Self::Above,
            "below" => Self::Below,
            "in" => Self::In,
            "not-in" => Self::NotIn,
            "of-type" => Self::OfType,
            "identifier" => Self::Identifier,
            _ => Self::Type(ResourceType::from_name(text)?),
        })
    }

    /// Parses the text after the colon and checks that it applies to
    /// parameters of `param_type`.
    pub(crate) fn parse_for(
        text: &str,
        param_type: SearchParamType,
    ) -> Result<Self, ModifierProblem> {
        let modifier = Self::parse(text).ok_or(ModifierProblem::Unknown)?;
        if modifier.applies_to(param_type) {
            Ok(modifier)
        } else {
            Err(ModifierProblem::NotForType)
        }
    }

    /// Returns whether the modifier applies to parameters of `param_type`.
    pub fn applies_to(self, param_type: SearchParamType) -> bool {
        use SearchParamType as T;
        match self {
            Self::Missing => true,
            Self::Exact | Self::Contains => param_type == T::String,
            Self::Text | Self::Not | Self::In | Self::NotIn | Self::OfType => {
                param_type == T::Token
            }
            Self::Above | Self::Below => matches!(param_type, T::Token | T::Uri),
            Self::Identifier | Self::Type(_) => param_type == T::Reference,
        }
    }

    /// Returns the modifiers that apply to `param_type`, for error messages.
    pub(crate) fn allowed_for(param_type: SearchParamType) -> &'static str {
        use SearchParamType as T;
        match param_type {
            T::String => ":missing, :exact, :contains",
            T::Token => ":missing, :text, :not, :above, :below, :in, :not-in, :of-type",
            T::Reference => ":missing, :identifier, :[type] (a resource type such as :Patient)",
            T::Uri => ":missing, :above, :below",
            _ => ":missing",
        }
    }
}

impl fmt::Display for Modifier {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Self::Missing => "missing",
            Self::Exact => "exact",
            Self::Contains => "contains",
            Self::Text => "text",
            Self::Not => "not",
            Self::Above => "above",
            Self::Below => "below",
            Self::In => "in",
            Self::NotIn => "not-in",
            Self::OfType => "of-type",
            Self::Identifier => "identifier",
            Self::Type(resource_type) => resource_type.as_str(),
        };
        formatter.write_str(text)
    }
}

/// Returns the name of a parameter type as FHIR writes it (`token`).
pub(crate) fn type_name(param_type: SearchParamType) -> &'static str {
    use SearchParamType as T;
    match param_type {
        T::Number => "number",
        T::Date => "date",
        T::String => "string",
        T::Token => "token",
        T::Reference => "reference",
        T::Composite => "composite",
        T::Quantity => "quantity",
        T::Uri => "uri",
        _ => "special",
    }
}
