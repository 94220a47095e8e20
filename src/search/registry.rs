//! The search parameter and compartment definitions, as static tables
//! generated from the SearchParameter and CompartmentDefinition resources.
//!
//! The registry contains the SearchParameters of FHIR R4 4.0.1 and of each
//! implementation guide enabled by a Cargo feature: `plan-net` (Plan Net
//! 1.2.0), `carin-bb` (CARIN Blue Button 2.0.0), `us-core` (US Core 6.1.0)
//! and `pdex` (PDex 2.0.0). The core package's example parameters
//! (`http://hl7.org/fhir/SearchParameter/example*`) are left out.
//!
//! # Precedence
//!
//! Guides often define a parameter again under the code and base type of a
//! core one: US Core's `Condition?patient` narrows the core `patient`, which
//! spans dozens of types, to `Condition.subject.where(resolve() is Patient)`.
//! Every definition stays in [`search_parameters`], and
//! [`search_parameter`] picks the one a query means:
//!
//! 1. a guide's parameter whose base names the type replaces, for that type
//!    only, a core parameter with the same code. The core parameter still
//!    applies to its other base types, so a guide's parameter extends the
//!    core set when no core parameter has its code (CARIN BB
//!    `ExplanationOfBenefit?service-date`);
//! 2. when several guides define the code on the type, the guide listed
//!    first in the build script wins: Plan Net, then CARIN BB, then
//!    US Core, then PDex ([`SearchParamDef::precedence`]);
//! 3. among core parameters, one whose base names the type comes before one
//!    defined on `Resource` or `DomainResource`.

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
    /// The package that defines the parameter, as `id#version`
    /// (`hl7.fhir.us.carin-bb#2.0.0`).
    pub package: &'static str,
    /// The lookup rank of the package: 0 for the first implementation guide
    /// of the build script, 1 for the next, and [`CORE_PRECEDENCE`] for the
    /// core specification. Lower wins; see the module documentation.
    pub precedence: u8,
}

/// The [`SearchParamDef::precedence`] of the core specification.
pub const CORE_PRECEDENCE: u8 = u8::MAX;

impl SearchParamDef {
    /// Returns whether the parameter comes from the core specification
    /// rather than from an implementation guide.
    pub fn is_core(&self) -> bool {
        self.precedence == CORE_PRECEDENCE
    }
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

/// Returns every search parameter of the core specification and of the
/// enabled implementation guides, sorted by code then URL.
pub fn search_parameters() -> &'static [SearchParamDef] {
    &crate::r4::SEARCH_PARAMETERS
}

/// Finds the search parameter named `code` that applies to `resource_type`,
/// including those defined on `Resource` and `DomainResource` for all types.
/// When several apply, the rules of the module documentation choose.
pub fn search_parameter(resource_type: &str, code: &str) -> Option<&'static SearchParamDef> {
    let params = search_parameters();
    let start = params.partition_point(|p| p.code < code);
    params[start..]
        .iter()
        .take_while(|p| p.code == code)
        .filter_map(|p| {
            let named = p.base.contains(&resource_type);
            let inherited = p
                .base
                .iter()
                .any(|b| *b == "Resource" || *b == "DomainResource");
            // Rank: the package first, then a named base before an inherited one.
            if named {
                Some(((p.precedence, 0_u8), p))
            } else if inherited {
                Some(((p.precedence, 1_u8), p))
            } else {
                None
            }
        })
        .min_by_key(|(rank, _)| *rank)
        .map(|(_, p)| p)
}

/// Returns the search parameters that a query on `resource_type` can name:
/// for each code, the one [`search_parameter`] chooses, sorted by code.
pub fn search_parameters_for(
    resource_type: &str,
) -> impl Iterator<Item = &'static SearchParamDef> + '_ {
    let params = search_parameters();
    params.iter().enumerate().filter_map(move |(i, p)| {
        // Each code once: at the first definition of the code.
        if i > 0 && params[i - 1].code == p.code {
            return None;
        }
        search_parameter(resource_type, p.code)
    })
}
