//! The parts of FHIR conformance resources that the generator reads.

use serde::Deserialize;

/// A StructureDefinition, reduced to what code generation needs.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StructureDefinition {
    pub url: String,
    #[serde(default)]
    pub version: Option<String>,
    pub name: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub kind: String,
    #[serde(default)]
    pub r#abstract: bool,
    #[serde(rename = "type")]
    pub type_name: String,
    #[serde(default)]
    pub base_definition: Option<String>,
    #[serde(default)]
    pub derivation: Option<String>,
    #[serde(default)]
    pub snapshot: Option<Snapshot>,
    /// The differential, which [`crate::Definitions::fill_snapshots`]
    /// expands when the definition has no snapshot.
    #[serde(default)]
    pub differential: Option<Snapshot>,
}

/// The `snapshot` or `differential` of a StructureDefinition.
#[derive(Debug, Clone, Deserialize)]
pub struct Snapshot {
    pub element: Vec<ElementDefinition>,
}

/// One ElementDefinition of a snapshot.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ElementDefinition {
    #[serde(default)]
    pub id: Option<String>,
    pub path: String,
    #[serde(default)]
    pub slice_name: Option<String>,
    #[serde(default)]
    pub short: Option<String>,
    #[serde(default)]
    pub definition: Option<String>,
    #[serde(default)]
    pub min: Option<u32>,
    #[serde(default)]
    pub max: Option<String>,
    #[serde(default, rename = "type")]
    pub types: Vec<TypeRef>,
    #[serde(default)]
    pub content_reference: Option<String>,
    #[serde(default)]
    pub binding: Option<Binding>,
    #[serde(default)]
    pub is_summary: Option<bool>,
    #[serde(default)]
    pub is_modifier: Option<bool>,
    #[serde(default)]
    pub base: Option<ElementBase>,
    /// The rest of the element (fixed and pattern values, slicing, and so
    /// on), kept as JSON for the profile generator.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// `ElementDefinition.base`.
#[derive(Debug, Clone, Deserialize)]
pub struct ElementBase {
    pub path: String,
}

/// One `ElementDefinition.type` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TypeRef {
    pub code: String,
    #[serde(default)]
    pub extension: Vec<serde_json::Value>,
    #[serde(default)]
    pub profile: Vec<String>,
    #[serde(default)]
    pub target_profile: Vec<String>,
}

impl TypeRef {
    /// The FHIR type that the `structuredefinition-fhir-type` extension
    /// gives for a `http://hl7.org/fhirpath/System.*` code, if any.
    pub fn fhir_type_extension(&self) -> Option<&str> {
        self.extension.iter().find_map(|ext| {
            let url = ext.get("url")?.as_str()?;
            if url.ends_with("structuredefinition-fhir-type") {
                ext.get("valueUrl")
                    .or_else(|| ext.get("valueUri"))?
                    .as_str()
            } else {
                None
            }
        })
    }
}

/// `ElementDefinition.binding`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Binding {
    pub strength: String,
    #[serde(default)]
    pub value_set: Option<String>,
}

/// A SearchParameter.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchParameter {
    pub url: String,
    pub code: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub base: Vec<String>,
    #[serde(rename = "type")]
    pub param_type: String,
    #[serde(default)]
    pub expression: Option<String>,
    #[serde(default)]
    pub target: Vec<String>,
    #[serde(default)]
    pub modifier: Vec<String>,
    #[serde(default)]
    pub comparator: Vec<String>,
    #[serde(default)]
    pub multiple_or: Option<bool>,
    #[serde(default)]
    pub multiple_and: Option<bool>,
    #[serde(default)]
    pub chain: Vec<String>,
    #[serde(default)]
    pub component: Vec<SearchComponent>,
    /// The package that defined the parameter, as `id#version`; set by
    /// [`crate::Definitions`] when it loads the package.
    #[serde(skip)]
    pub package: String,
    /// The position of the package among the packages that contribute
    /// search parameters: 0 for the first implementation guide added, and
    /// [`CORE_PRECEDENCE`] for the core specification.
    #[serde(skip)]
    pub precedence: u8,
}

/// The [`SearchParameter::precedence`] of the core specification's
/// parameters, which lose to those of every implementation guide.
pub const CORE_PRECEDENCE: u8 = u8::MAX;

/// The URL prefix of the core package's example SearchParameters
/// (`http://hl7.org/fhir/SearchParameter/example`, `example-reference`,
/// `example-extension`). They illustrate the resource and define no real
/// parameter: `example` redefines `_id` on `Resource`.
pub const EXAMPLE_SEARCH_PARAMETER_PREFIX: &str = "http://hl7.org/fhir/SearchParameter/example";

impl SearchParameter {
    /// Returns whether the parameter is one of the core package's examples,
    /// which the registry leaves out.
    pub fn is_core_example(&self) -> bool {
        self.url.starts_with(EXAMPLE_SEARCH_PARAMETER_PREFIX)
    }
}

/// `SearchParameter.component`.
#[derive(Debug, Clone, Deserialize)]
pub struct SearchComponent {
    pub definition: String,
    pub expression: String,
}

/// A CompartmentDefinition.
#[derive(Debug, Clone, Deserialize)]
pub struct CompartmentDefinition {
    pub url: String,
    pub code: String,
    #[serde(default)]
    pub resource: Vec<CompartmentResource>,
}

/// `CompartmentDefinition.resource`.
#[derive(Debug, Clone, Deserialize)]
pub struct CompartmentResource {
    pub code: String,
    #[serde(default)]
    pub param: Vec<String>,
}

/// A ValueSet, reduced to its `compose`.
#[derive(Debug, Clone, Deserialize)]
pub struct ValueSet {
    pub url: String,
    pub name: Option<String>,
    #[serde(default)]
    pub compose: Option<Compose>,
}

/// `ValueSet.compose`.
#[derive(Debug, Clone, Deserialize)]
pub struct Compose {
    #[serde(default)]
    pub include: Vec<ComposeRule>,
    #[serde(default)]
    pub exclude: Vec<ComposeRule>,
}

/// One `ValueSet.compose.include` or `exclude` rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ComposeRule {
    #[serde(default)]
    pub system: Option<String>,
    #[serde(default)]
    pub concept: Vec<ComposeConcept>,
    #[serde(default)]
    pub filter: Vec<serde_json::Value>,
    #[serde(default)]
    pub value_set: Vec<String>,
}

/// One listed concept of a compose rule.
#[derive(Debug, Clone, Deserialize)]
pub struct ComposeConcept {
    pub code: String,
    #[serde(default)]
    pub display: Option<String>,
}

/// A CodeSystem with its concepts.
#[derive(Debug, Clone, Deserialize)]
pub struct CodeSystem {
    pub url: String,
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default)]
    pub concept: Vec<Concept>,
}

/// One concept of a CodeSystem, with its children.
#[derive(Debug, Clone, Deserialize)]
pub struct Concept {
    pub code: String,
    #[serde(default)]
    pub display: Option<String>,
    #[serde(default)]
    pub concept: Vec<Concept>,
}
