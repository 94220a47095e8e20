//! Implementation guide profiles: tables generated at build time from the
//! profile snapshots, and validation of resources against them.
//!
//! Each enabled IG feature compiles in one module of tables, named
//! `<feature>_v<version>` with every `-` and `.` written as `_`:
//!
//! | feature | package | module |
//! |---|---|---|
//! | `plan-net` (default) | `hl7.fhir.us.davinci-pdex-plan-net#1.2.0` | `plan_net_v1_2_0` |
//! | `carin-bb` | `hl7.fhir.us.carin-bb#2.0.0` | `carin_bb_v2_0_0` |
//! | `us-core` | `hl7.fhir.us.core#6.1.0` | `us_core_v6_1_0` |
//! | `pdex` | `hl7.fhir.us.davinci-pdex#2.0.0` | `pdex_v2_0_0` |
//!
//! A module contains one `static` [`Profile`] per resource profile and extension
//! definition of the guide, named after the StructureDefinition's `name` in
//! SCREAMING_SNAKE_CASE (`C4BBExplanationOfBenefitInpatientInstitutional`
//! is `C4BB_EXPLANATION_OF_BENEFIT_INPATIENT_INSTITUTIONAL`), and `PROFILES`,
//! the list of all of them.
//!
//! Plan Net is read from `fhir-definitions/`. The other guides are read at
//! build time from the folders in `FHIR_PACKAGE_PATH` or from
//! `~/.fhir/packages`, and the build fails with the list of places looked at
//! when an enabled guide is missing. Dependencies of a guide (such as US Core
//! 3.1.1 for CARIN BB) are read when found, only to list the codes of value
//! sets, and skipped when not found.
//!
//! [`validate`] checks a resource against a profile: cardinality, fixed and
//! pattern values, required bindings whose codes can be listed, and slicing.
//! [`typed`] has validated types with accessors for a few key profiles.

pub mod typed;
mod validate;

#[doc(hidden)]
pub use typed::__private;
pub use typed::{ExtensionType, ProfileError, ProfileType, ValueSetCode, from_slice, to_vec};
pub use validate::{
    ConstraintKind, Violation, validate, validate_against, validate_json, validate_json_against,
};

/// One implementation guide compiled into the crate.
#[derive(Debug)]
pub struct Guide {
    /// The module that contains the guide's tables, such as `plan_net_v1_2_0`.
    pub module: &'static str,
    /// The package id, such as `hl7.fhir.us.davinci-pdex-plan-net`.
    pub package_id: &'static str,
    /// The package version.
    pub version: &'static str,
    /// The resource profiles and extension definitions of the guide.
    pub profiles: &'static [&'static Profile],
    /// Converts a resource into the generated struct of the guide's resource
    /// profile at a URL and back, or returns `None` for a URL the guide does
    /// not define.
    pub convert_through:
        fn(&str, crate::r4::Resource) -> Option<Result<crate::r4::Resource, ProfileError>>,
}

/// A profile or extension definition, reduced to the snapshot rules that
/// validation checks.
#[derive(Debug)]
pub struct Profile {
    /// The canonical URL.
    pub url: &'static str,
    /// The business version (`StructureDefinition.version`).
    pub version: &'static str,
    /// The computer-friendly name (`StructureDefinition.name`).
    pub name: &'static str,
    /// The constrained type: a resource type, or `Extension`.
    pub base_type: &'static str,
    /// The URL of the profile or base definition this one constrains.
    pub base_definition: &'static str,
    /// The snapshot elements, in snapshot order. The first one is the root.
    pub elements: &'static [ElementRule],
}

impl Profile {
    /// Returns the element with `id` (such as `ExplanationOfBenefit.supportingInfo:drg.code`).
    pub fn element(&self, id: &str) -> Option<&'static ElementRule> {
        self.elements.iter().find(|element| element.id == id)
    }

    /// Returns the slices defined on the element with id `element_id`, in snapshot
    /// order.
    pub fn slices<'a>(
        &'a self,
        element_id: &'a str,
    ) -> impl Iterator<Item = &'static ElementRule> + 'a {
        self.elements.iter().filter(move |element| {
            element
                .id
                .strip_prefix(element_id)
                .and_then(|rest| rest.strip_prefix(':'))
                .is_some_and(|name| !name.contains(['.', '/']))
        })
    }
}

/// The rules of one snapshot element.
#[derive(Debug)]
pub struct ElementRule {
    /// The element path without slice names (`ExplanationOfBenefit.supportingInfo.category`).
    pub path: &'static str,
    /// The element id, with slice names (`ExplanationOfBenefit.supportingInfo:drg.category`).
    pub id: &'static str,
    /// The slice name, for the element that starts a slice.
    pub slice_name: Option<&'static str>,
    /// The minimum number of occurrences.
    pub min: u32,
    /// The maximum number of occurrences, `None` for `*`.
    pub max: Option<u32>,
    /// `fixed[x]`: the type suffix (`Uri`, `CodeableConcept`) and the value as JSON text.
    pub fixed: Option<(&'static str, &'static str)>,
    /// `pattern[x]`: the type suffix and the value as JSON text.
    pub pattern: Option<(&'static str, &'static str)>,
    /// The terminology binding.
    pub binding: Option<Binding>,
    /// The slicing defined on this element.
    pub slicing: Option<Slicing>,
    /// The allowed types, with their profiles.
    pub types: &'static [TypeRule],
    /// `contentReference`, for an element that repeats the definition of another.
    pub content_reference: Option<&'static str>,
    /// `mustSupport`.
    pub must_support: bool,
}

impl ElementRule {
    /// Returns the last name of the path (`category`, `value[x]`).
    pub fn name(&self) -> &'static str {
        self.path.rsplit('.').next().unwrap_or(self.path)
    }
}

/// A terminology binding of an element.
#[derive(Debug)]
pub struct Binding {
    /// The binding strength.
    pub strength: BindingStrength,
    /// The canonical URL of the value set, possibly with `|version`.
    pub value_set: &'static str,
    /// The codes of the value set, listed at build time for required
    /// bindings. It is `None` when the binding is not required, or when the
    /// packages at hand cannot list the value set because it uses a filter,
    /// an external code system, or more than 600 codes. Validation skips a
    /// binding without codes.
    pub codes: Option<&'static [Code]>,
}

/// `ElementDefinition.binding.strength`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindingStrength {
    /// `required`
    Required,
    /// `extensible`
    Extensible,
    /// `preferred`
    Preferred,
    /// `example`
    Example,
}

/// One code of a value set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    /// The code system URL.
    pub system: &'static str,
    /// The code.
    pub code: &'static str,
}

/// `ElementDefinition.slicing`.
#[derive(Debug)]
pub struct Slicing {
    /// The discriminators that assign an occurrence to a slice. An occurrence
    /// belongs to a slice when every discriminator matches.
    pub discriminators: &'static [Discriminator],
    /// Whether occurrences that match no slice are allowed.
    pub rules: SlicingRules,
    /// Whether the occurrences must appear in the order of the slices.
    pub ordered: bool,
}

/// One `ElementDefinition.slicing.discriminator`.
#[derive(Debug)]
pub struct Discriminator {
    /// The discriminator type.
    pub kind: DiscriminatorKind,
    /// The FHIRPath to the discriminating element, relative to the sliced element.
    pub path: &'static str,
}

/// `ElementDefinition.slicing.discriminator.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscriminatorKind {
    /// `value`: the element has the slice's fixed value.
    Value,
    /// `exists`: the element is present, or absent.
    Exists,
    /// `pattern`: the element matches the slice's pattern.
    Pattern,
    /// `type`: the element has the slice's type.
    Type,
    /// `profile`: the element conforms to the slice's profile.
    Profile,
}

/// `ElementDefinition.slicing.rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlicingRules {
    /// No occurrences other than the slices are allowed.
    Closed,
    /// Other occurrences are allowed anywhere.
    Open,
    /// Other occurrences are allowed after the slices.
    OpenAtEnd,
}

/// One allowed type of an element.
#[derive(Debug)]
pub struct TypeRule {
    /// The FHIR type code (`CodeableConcept`, `Extension`, `Reference`).
    pub code: &'static str,
    /// The profiles the value must conform to. For an extension, the URL of
    /// the extension definition.
    pub profiles: &'static [&'static str],
    /// For `Reference` and `canonical`, the profiles of the target.
    pub target_profiles: &'static [&'static str],
}

include!(concat!(env!("OUT_DIR"), "/profiles.rs"));

/// Returns every implementation guide compiled in, one per enabled IG feature.
pub fn guides() -> &'static [Guide] {
    GUIDES
}

/// Finds a compiled-in profile or extension definition by canonical URL,
/// optionally followed by `|version`. Without a version, the first guide
/// that defines the URL wins, in the order of [`guides`].
pub fn find(canonical: &str) -> Option<&'static Profile> {
    find_in(GUIDES, canonical)
}

/// Finds a profile by canonical URL as [`find`] does, but first in the guide
/// that contains `near`, so that a profile of one version of a guide refers
/// to the same version's definitions.
pub(crate) fn find_near(canonical: &str, near: &'static Profile) -> Option<&'static Profile> {
    let own = GUIDES.iter().find(|guide| {
        guide
            .profiles
            .iter()
            .any(|profile| std::ptr::eq(*profile, near))
    });
    own.and_then(|guide| find_in(std::slice::from_ref(guide), canonical))
        .or_else(|| find(canonical))
}

fn find_in(guides: &'static [Guide], canonical: &str) -> Option<&'static Profile> {
    let (url, version) = match canonical.split_once('|') {
        Some((url, version)) => (url, Some(version)),
        None => (canonical, None),
    };
    guides
        .iter()
        .flat_map(|guide| guide.profiles.iter().copied())
        .find(|profile| profile.url == url && version.is_none_or(|v| v == profile.version))
}
