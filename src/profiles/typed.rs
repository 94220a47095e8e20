//! Typed views of key profiles: a validated resource with accessors for its
//! slices and extensions.
//!
//! Each type wraps the base resource. `TryFrom<base>` validates against the
//! profile and returns every violation, and `From<profile> for base` returns
//! the resource with the profile URL in `meta.profile`. The types serialize
//! exactly as their base resource.

use crate::primitives::{Canonical, Primitive};
use crate::r4::{Extension, ExtensionValue, Meta, Resource};

use super::{Violation, validate};

/// Adds `url` to `meta.profile` unless it is there already.
fn add_profile(meta: &mut Option<Meta>, url: &str) {
    let meta = meta.get_or_insert_with(Meta::default);
    let present = meta
        .profile
        .iter()
        .any(|p| p.value().is_some_and(|c| c.url() == url));
    if !present {
        if let Ok(canonical) = Canonical::try_from(url) {
            meta.profile.push(Primitive::new(canonical));
        }
    }
}

/// Returns the extensions in `extensions` with `url`.
fn extensions_with<'a>(
    extensions: &'a [Extension],
    url: &'a str,
) -> impl Iterator<Item = &'a Extension> + 'a {
    extensions
        .iter()
        .filter(move |e| e.url.as_ref().is_some_and(|u| u.as_str() == url))
}

/// Defines a profile type over a base resource, with validation,
/// conversion back to the base, access to the base, and serialization.
macro_rules! profile_type {
    ($(#[$doc:meta])* $name:ident, $base:ident, $url:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name(crate::r4::$base);

        impl $name {
            /// The canonical URL of the profile.
            pub const URL: &'static str = $url;

            /// Returns the base resource.
            pub fn resource(&self) -> &crate::r4::$base {
                &self.0
            }
        }

        impl TryFrom<crate::r4::$base> for $name {
            type Error = Vec<Violation>;

            /// Validates `resource` against the profile.
            ///
            /// # Errors
            ///
            /// Returns every violation that [`validate`] finds.
            fn try_from(resource: crate::r4::$base) -> Result<Self, Self::Error> {
                let wrapped = Resource::$base(Box::new(resource));
                validate(&wrapped, Self::URL)?;
                let Resource::$base(resource) = wrapped else {
                    // The resource was wrapped as this variant just above.
                    return Err(Vec::new());
                };
                Ok($name(*resource))
            }
        }

        impl From<$name> for crate::r4::$base {
            /// Returns the resource with the profile URL in `meta.profile`.
            fn from(profile: $name) -> Self {
                let mut resource = profile.0;
                add_profile(&mut resource.meta, $name::URL);
                resource
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                self.0.serialize(serializer)
            }
        }
    };
}

#[cfg(feature = "plan-net")]
pub use plan_net::{NewPatients, PlanNetPractitionerRole};

#[cfg(feature = "plan-net")]
mod plan_net {
    use super::*;
    use crate::r4::{CodeableConcept, Reference};

    /// The URL of the Plan Net `newpatients` extension.
    pub const NEW_PATIENTS: &str =
        "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/newpatients";
    /// The URL of the Plan Net `network-reference` extension.
    pub const NETWORK_REFERENCE: &str =
        "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/network-reference";

    profile_type!(
        /// A PractitionerRole that conforms to Plan Net 1.2.0 `plannet-PractitionerRole`.
        PlanNetPractitionerRole,
        PractitionerRole,
        "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/plannet-PractitionerRole"
    );

    /// One `newpatients` extension: whether new patients are accepted.
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct NewPatients<'a> {
        /// `acceptingPatients`, from the AcceptingPatientsVS value set.
        pub accepting_patients: Option<&'a CodeableConcept>,
        /// `fromNetwork`: the network the statement applies to.
        pub from_network: Option<&'a Reference>,
    }

    impl PlanNetPractitionerRole {
        /// Returns the `newpatients` extensions, one per network or one for all.
        pub fn new_patients(&self) -> Vec<NewPatients<'_>> {
            extensions_with(&self.0.extension, NEW_PATIENTS)
                .map(|extension| NewPatients {
                    accepting_patients: extensions_with(&extension.extension, "acceptingPatients")
                        .find_map(|e| match &e.value {
                            Some(ExtensionValue::CodeableConcept(concept)) => Some(&**concept),
                            _ => None,
                        }),
                    from_network: extensions_with(&extension.extension, "fromNetwork").find_map(
                        |e| match &e.value {
                            Some(ExtensionValue::Reference(reference)) => Some(&**reference),
                            _ => None,
                        },
                    ),
                })
                .collect()
        }

        /// Returns the networks of the role (`network-reference` extensions).
        pub fn network_references(&self) -> Vec<&Reference> {
            extensions_with(&self.0.extension, NETWORK_REFERENCE)
                .filter_map(|e| match &e.value {
                    Some(ExtensionValue::Reference(reference)) => Some(&**reference),
                    _ => None,
                })
                .collect()
        }
    }
}

#[cfg(feature = "us-core")]
pub use us_core::{RaceOrEthnicity, UsCorePatient};

#[cfg(feature = "us-core")]
mod us_core {
    use super::*;
    use crate::r4::Coding;

    const RACE: &str = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race";
    const ETHNICITY: &str = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity";
    const BIRTH_SEX: &str = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex";

    profile_type!(
        /// A Patient that conforms to US Core 6.1.0 `us-core-patient`.
        UsCorePatient,
        Patient,
        "http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"
    );

    /// The content of the US Core race or ethnicity extension.
    #[derive(Debug, Clone, PartialEq)]
    pub struct RaceOrEthnicity<'a> {
        /// `ombCategory`: the OMB categories.
        pub omb_category: Vec<&'a Coding>,
        /// `detailed`: the detailed CDC race or ethnicity codes.
        pub detailed: Vec<&'a Coding>,
        /// `text`: the free-text description, 1..1 in the extension.
        pub text: Option<&'a str>,
    }

    fn race_or_ethnicity<'a>(
        extensions: &'a [Extension],
        url: &'a str,
    ) -> Option<RaceOrEthnicity<'a>> {
        let extension = extensions_with(extensions, url).next()?;
        let codings = |name: &'a str| {
            extensions_with(&extension.extension, name)
                .filter_map(|e| match &e.value {
                    Some(ExtensionValue::Coding(coding)) => Some(&**coding),
                    _ => None,
                })
                .collect()
        };
        let text = extensions_with(&extension.extension, "text").find_map(|e| match &e.value {
            Some(ExtensionValue::String(text)) => text.value().map(String::as_str),
            _ => None,
        });
        Some(RaceOrEthnicity {
            omb_category: codings("ombCategory"),
            detailed: codings("detailed"),
            text,
        })
    }

    impl UsCorePatient {
        /// Returns the `us-core-race` extension.
        pub fn race(&self) -> Option<RaceOrEthnicity<'_>> {
            race_or_ethnicity(&self.0.extension, RACE)
        }

        /// Returns the `us-core-ethnicity` extension.
        pub fn ethnicity(&self) -> Option<RaceOrEthnicity<'_>> {
            race_or_ethnicity(&self.0.extension, ETHNICITY)
        }

        /// Returns the code of the `us-core-birthsex` extension (`F`, `M`, `UNK`).
        pub fn birth_sex(&self) -> Option<&str> {
            extensions_with(&self.0.extension, BIRTH_SEX).find_map(|e| match &e.value {
                Some(ExtensionValue::Code(code)) => code.value().map(|c| c.as_str()),
                _ => None,
            })
        }
    }
}

#[cfg(feature = "carin-bb")]
pub use carin_bb::C4bbInpatientInstitutionalEob;

#[cfg(feature = "carin-bb")]
mod carin_bb {
    use super::*;
    use crate::r4::{
        CodeableConcept, Coding, ExplanationOfBenefitItemAdjudication,
        ExplanationOfBenefitSupportingInfo, ExplanationOfBenefitSupportingInfoTiming, Money,
        Period,
    };

    profile_type!(
        /// An ExplanationOfBenefit that conforms to CARIN BB 2.0.0
        /// `C4BB-ExplanationOfBenefit-Inpatient-Institutional`.
        C4bbInpatientInstitutionalEob,
        ExplanationOfBenefit,
        "http://hl7.org/fhir/us/carin-bb/StructureDefinition/C4BB-ExplanationOfBenefit-Inpatient-Institutional"
    );

    /// Returns whether a CodeableConcept has a coding with `code`.
    fn has_code(concept: Option<&CodeableConcept>, code: &str) -> bool {
        concept.is_some_and(|c| {
            c.coding
                .iter()
                .any(|coding| coding_code(coding) == Some(code))
        })
    }

    fn coding_code(coding: &Coding) -> Option<&str> {
        coding
            .code
            .as_ref()
            .and_then(Primitive::value)
            .map(|c| c.as_str())
    }

    impl C4bbInpatientInstitutionalEob {
        /// Returns the value of the `uniqueclaimid` identifier slice.
        pub fn unique_claim_id(&self) -> Option<&str> {
            self.0
                .identifier
                .iter()
                .find(|identifier| has_code(identifier.r#type.as_ref(), "uc"))
                .and_then(|identifier| identifier.value.as_ref())
                .and_then(Primitive::value)
                .map(String::as_str)
        }

        /// Returns the `supportingInfo` entries whose category has `code`
        /// (`admissionperiod`, `drg`, `typeofbill`, ...).
        pub fn supporting_info(&self, code: &str) -> Vec<&ExplanationOfBenefitSupportingInfo> {
            self.0
                .supporting_info
                .iter()
                .filter(|info| has_code(info.category.as_ref(), code))
                .collect()
        }

        /// Returns the period of the `admissionperiod` slice.
        pub fn admission_period(&self) -> Option<&Period> {
            self.supporting_info("admissionperiod")
                .into_iter()
                .find_map(|info| match &info.timing {
                    Some(ExplanationOfBenefitSupportingInfoTiming::Period(period)) => {
                        Some(&**period)
                    }
                    _ => None,
                })
        }

        /// Returns the code of the `drg` slice (an MS-DRG).
        pub fn drg(&self) -> Option<&CodeableConcept> {
            self.supporting_info("drg")
                .into_iter()
                .find_map(|info| info.code.as_ref())
        }

        /// Returns the header-level adjudications whose category has `code`.
        pub fn adjudication(&self, code: &str) -> Vec<&ExplanationOfBenefitItemAdjudication> {
            self.0
                .adjudication
                .iter()
                .filter(|a| has_code(a.category.as_ref(), code))
                .collect()
        }

        /// Returns the amount of the first header-level adjudication whose category
        /// has `code` (`submitted`, `paidtoprovider`, ...).
        pub fn adjudication_amount(&self, code: &str) -> Option<&Money> {
            self.adjudication(code)
                .into_iter()
                .find_map(|a| a.amount.as_ref())
        }

        /// Returns the amount of the `total` entry whose category has `code`.
        pub fn total(&self, code: &str) -> Option<&Money> {
            self.0
                .total
                .iter()
                .find(|t| has_code(t.category.as_ref(), code))
                .and_then(|t| t.amount.as_ref())
        }
    }
}
