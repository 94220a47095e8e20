//! The search parameter and compartment definitions, as static tables
//! generated from the SearchParameter and CompartmentDefinition resources.

/// The type of a search parameter (`SearchParameter.type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SearchParamType {
    /// A number, compared with its implicit precision range.
    Number,
    /// A date or date-time, compared as a range.
    Date,
    /// A string, matched by prefix, exactly, or by substring.
    String,
    /// A code, optionally with its system.
    Token,
    /// A reference to another resource.
    Reference,
    /// A combination of other parameters.
    Composite,
    /// A quantity, optionally with system and code.
    Quantity,
    /// A URI, matched exactly, or by `:above` and `:below`.
    Uri,
    /// A parameter with custom semantics (`near`, `_text`, ...).
    Special,
}

/// One SearchParameter.
#[derive(Debug, Clone, Copy)]
pub struct SearchParamDef {
    /// The canonical URL.
    pub url: &'static str,
    /// The name used in queries (`birthdate`, `_id`).
    pub code: &'static str,
    /// The description from the definition.
    pub description: &'static str,
    /// The type of the parameter.
    pub param_type: SearchParamType,
    /// The FHIRPath expression that extracts the values.
    pub expression: &'static str,
    /// The resource types the parameter applies to (`Resource` for all).
    pub base: &'static [&'static str],
    /// For references, the resource types the parameter may point to.
    pub target: &'static [&'static str],
    /// The modifiers the definition lists.
    pub modifier: &'static [&'static str],
    /// The comparators (prefixes) the definition lists.
    pub comparator: &'static [&'static str],
    /// The chain names the definition lists.
    pub chain: &'static [&'static str],
    /// For composite parameters, the components.
    pub component: &'static [SearchComponentDef],
}

/// One component of a composite search parameter.
#[derive(Debug, Clone, Copy)]
pub struct SearchComponentDef {
    /// The canonical URL of the component's SearchParameter.
    pub definition: &'static str,
    /// The FHIRPath expression, relative to the composite's value.
    pub expression: &'static str,
}

/// One CompartmentDefinition.
#[derive(Debug, Clone, Copy)]
pub struct CompartmentDef {
    /// The compartment type (`Patient`, `Encounter`, ...).
    pub code: &'static str,
    /// The canonical URL.
    pub url: &'static str,
    /// The resource types in the compartment and the search parameters
    /// through which each joins it.
    pub members: &'static [CompartmentMember],
}

/// A resource type in a compartment.
#[derive(Debug, Clone, Copy)]
pub struct CompartmentMember {
    /// The resource type (`Observation`).
    pub resource_type: &'static str,
    /// The reference search parameters that link it to the compartment
    /// (`subject`, `performer`).
    pub params: &'static [&'static str],
}

impl CompartmentDef {
    /// Returns the parameters through which `resource_type` joins the compartment,
    /// or `None` when it is not in the compartment.
    pub fn params_for(&self, resource_type: &str) -> Option<&'static [&'static str]> {
        self.members
            .iter()
            .find(|m| m.resource_type == resource_type)
            .map(|m| m.params)
    }
}

/// Returns the core compartment definition for `code` (`Patient`, `Encounter`,
/// `RelatedPerson`, `Practitioner`, `Device`).
pub fn compartment(code: &str) -> Option<&'static CompartmentDef> {
    crate::r4::COMPARTMENTS.iter().find(|c| c.code == code)
}

/// Returns every core search parameter, sorted by code then URL.
pub fn search_parameters() -> &'static [SearchParamDef] {
    &crate::r4::SEARCH_PARAMETERS
}

/// Finds the search parameter named `code` that applies to `resource_type`,
/// including those defined on `Resource` and `DomainResource` for all types.
pub fn search_parameter(resource_type: &str, code: &str) -> Option<&'static SearchParamDef> {
    let params = search_parameters();
    let start = params.partition_point(|p| p.code < code);
    params[start..]
        .iter()
        .take_while(|p| p.code == code)
        .find(|p| {
            p.base
                .iter()
                .any(|b| *b == resource_type || *b == "Resource" || *b == "DomainResource")
        })
}
