//! Implementation guide profiles: tables and typed structs generated at
//! build time from the profile snapshots, and validation of resources
//! against them.
//!
//! Each enabled IG feature compiles in one module per guide version, named
//! `<feature>_v<version>` with every `-` and `.` written as `_`:
//!
//! | feature | package | module |
//! |---|---|---|
//! | `plan-net` (default) | `hl7.fhir.us.davinci-pdex-plan-net#1.2.0` | `plan_net_v1_2_0` |
//! | `carin-bb` | `hl7.fhir.us.carin-bb#2.0.0` | `carin_bb_v2_0_0` |
//! | `carin-bb` | `hl7.fhir.us.carin-bb#1.1.0` | `carin_bb_v1_1_0` |
//! | `us-core` | `hl7.fhir.us.core#6.1.0` | `us_core_v6_1_0` |
//! | `us-core` | `hl7.fhir.us.core#3.1.1` | `us_core_v3_1_1` |
//! | `pdex` | `hl7.fhir.us.davinci-pdex#2.0.0` | `pdex_v2_0_0` |
//!
//! # Tables
//!
//! A module contains one `static` [`Profile`] per resource profile and extension
//! definition of the guide, named after the StructureDefinition's `name` in
//! SCREAMING_SNAKE_CASE (`C4BBExplanationOfBenefitInpatientInstitutional`
//! is `C4BB_EXPLANATION_OF_BENEFIT_INPATIENT_INSTITUTIONAL`), and `PROFILES`,
//! the list of all of them. [`validate`] checks a resource against a
//! profile: cardinality, fixed and pattern values, required bindings whose
//! codes can be listed, and slicing.
//!
//! # Typed structs
//!
//! Each definition also gets a struct named after the StructureDefinition's
//! `name` with every character other than an ASCII letter or digit removed
//! and the letter after it capitalized (`plannet-PractitionerRole` is
//! `PlannetPractitionerRole`). A name that is taken gets a number
//! (`Name2`). Value set enums share this namespace.
//!
//! - **Resource profile** on base `B`: one public field per top-level element
//!   of `B`, with the `crate::r4` type of that element. An element that the
//!   profile makes `1..1` is the value itself, `0..1` is an `Option`, a
//!   repeating one is a `Vec`, and one with maximum 0 has no field.
//!   `TryFrom<r4::B>` runs [`validate_against`], converts each extension that
//!   has a generated type, and returns every [`Violation`]. `From<P> for
//!   r4::B` moves the fields back and adds the profile to `meta.profile`.
//!   Serde and [`from_slice`]/[`to_vec`] go through `r4::B`, so the JSON is
//!   the base resource's. The struct implements [`ProfileType`].
//! - **Slices** get accessors named `<element path>_<slice name>` in
//!   snake_case (`supporting_info_admissionperiod`,
//!   `identifier_uniqueclaimid`). A slice with maximum 1 returns
//!   `Option<&T>`, others an iterator. A slice of a nested element, a slice
//!   inside a slice and a re-slice (`plan/basic`) are associated functions
//!   that take the parent value, and their names include the slices on the
//!   way
//!   (`C4BBExplanationOfBenefitInpatientInstitutional::item_adjudication_adjudicationamounttype(&item)`,
//!   `PlannetPractitionerRole::extension_qualification_extension_code(&qualification)`).
//!   Value and pattern discriminators are compared field by field; other
//!   discriminator shapes write each candidate as JSON to test it.
//! - **Choice elements** that the profile narrows to one type, by a type
//!   slice (`Observation.value[x]:valueQuantity`) or by allowing one type,
//!   get an accessor that returns `Option<&T>`. It is named after the path
//!   and the JSON name of the type: `value_quantity()` on the profile, or
//!   `supporting_info_admissionperiod_timing_period(&info)` below it.
//! - **Extension slices** on `extension` and `modifierExtension` whose
//!   definition has a generated type get an accessor named after the slice
//!   (`race()`, `newpatients()`) that returns the converted extension
//!   struct, `Option` for maximum 1, `Vec` otherwise. The extensions stay
//!   in the `extension` field, so their order in JSON is kept. When several
//!   built guides define the extension URL, the guide's own definition is
//!   used first. Next comes the package version that the guide's
//!   `package.json` depends on (CARIN BB 2.0.0 uses US Core 3.1.1's race),
//!   then the newest version built.
//! - **Extension definition**: a struct with `value` for a simple extension
//!   (the `r4` type of the one allowed type, or `r4::ExtensionValue` when
//!   several are allowed) and one field per sub-extension for a complex one,
//!   with the same `T`/`Option`/`Vec` rule. `TryFrom<&r4::Extension>` checks
//!   the URL, the value types, the cardinality of each part and required
//!   bindings. `From<X> for r4::Extension` writes the parts in definition
//!   order. The struct implements [`ExtensionType`].
//! - **Required bindings** whose codes can be listed become enums named
//!   after the ValueSet's `name`, once per module however many elements
//!   bind them. This covers the guide's value sets and core ones such as
//!   `claim-type`. Core value sets that already have an enum in `crate::r4`
//!   are left out, because a bound `code` element has that enum as its type. The enums
//!   implement [`ValueSetCode`]. A bound top-level element gets an accessor
//!   `<field>_code()` (`<field>_codes()` when it repeats) that returns the
//!   first matching code, and an element further down an associated function
//!   that takes the parent (`diagnosis_type_codes(&diagnosis)`).
//!
//! Each module also has `convert_through(url, resource)`, which runs a
//! resource through the struct of the profile at `url` and back.
//!
//! Plan Net is read from `fhir-definitions/`. The other guides are read at
//! build time from the folders in `FHIR_PACKAGE_PATH` or from
//! `~/.fhir/packages`, and the build fails with the list of places looked at
//! when an enabled guide is missing. Dependencies of a guide (such as US Core
//! 3.1.1 for CARIN BB) are read when found, only to list the codes of value
//! sets, and skipped when not found.
//!
//! A user's own guide gets the same items from
//! `fhir_payer_codegen::IgBuilder` in the user's build script; the
//! `examples/custom-ig` crate shows it.

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
    /// order. For a slice (`Coverage.class:plan`) these are its re-slices
    /// (`Coverage.class:plan/basic`).
    pub fn slices<'a>(
        &'a self,
        element_id: &'a str,
    ) -> impl Iterator<Item = &'static ElementRule> + 'a {
        let is_slice = element_id
            .rsplit('.')
            .next()
            .is_some_and(|last| last.contains(':'));
        self.elements.iter().filter(move |element| {
            let Some(rest) = element.id.strip_prefix(element_id) else {
                return false;
            };
            let name = match rest.strip_prefix(':') {
                Some(name) => Some(name),
                None if is_slice => rest.strip_prefix('/'),
                None => None,
            };
            name.is_some_and(|name| !name.is_empty() && !name.contains(['.', '/']))
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
///
/// NOTE: profiles generated in another crate by `IgBuilder` are not in
/// [`guides`], so a profile discriminator that names one of them matches
/// nothing.
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
