//! Security labels (`meta.security`) and the policy that decides whether a
//! labelled resource may be released to a token.
//!
//! Scopes grant an app access to resource types, and labels mark single
//! resources that need more than that, such as substance use disorder
//! records under 42 CFR Part 2. The server supplies a
//! [`SecurityLabelPolicy`]; [`WithholdSensitive`] is the default.

use crate::r4::{Coding, ResourceType};
use crate::smart::request::LaunchContext;
use crate::smart::scope_set::ScopeSet;

/// The HL7 v3 ActCode code system, which contains the `42CFRPart2` label.
pub const ACT_CODE_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

/// The HL7 v3 Confidentiality code system (`N`, `R`, `V`, ...).
pub const CONFIDENTIALITY_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";

/// A security label that this crate recognises without configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SensitiveLabel {
    /// ActCode `42CFRPart2`: substance use disorder treatment records
    /// protected by 42 CFR Part 2, which need the patient's consent to
    /// disclose.
    Part2,
    /// Confidentiality `R` (restricted).
    Restricted,
    /// Confidentiality `V` (very restricted).
    VeryRestricted,
}

impl SensitiveLabel {
    /// Every recognised label.
    pub const ALL: [SensitiveLabel; 3] = [
        SensitiveLabel::Part2,
        SensitiveLabel::Restricted,
        SensitiveLabel::VeryRestricted,
    ];

    /// Returns the code system URL.
    pub fn system(self) -> &'static str {
        match self {
            SensitiveLabel::Part2 => ACT_CODE_SYSTEM,
            SensitiveLabel::Restricted | SensitiveLabel::VeryRestricted => CONFIDENTIALITY_SYSTEM,
        }
    }

    /// Returns the code.
    pub fn code(self) -> &'static str {
        match self {
            SensitiveLabel::Part2 => "42CFRPart2",
            SensitiveLabel::Restricted => "R",
            SensitiveLabel::VeryRestricted => "V",
        }
    }

    /// Returns the recognised label that `coding` carries, if any. System and code
    /// must both match exactly.
    pub fn from_coding(coding: &Coding) -> Option<Self> {
        let (system, code) = coding_parts(coding)?;
        SensitiveLabel::ALL
            .into_iter()
            .find(|label| label.system() == system && label.code() == code)
    }

    /// Builds the label as a `Coding`, to put in `meta.security`.
    pub fn to_coding(self) -> Coding {
        Coding {
            system: self
                .system()
                .parse()
                .ok()
                .map(crate::primitives::Primitive::new),
            code: self
                .code()
                .parse()
                .ok()
                .map(crate::primitives::Primitive::new),
            ..Coding::default()
        }
    }
}

/// Returns the system and code of `coding`, when it has both.
pub(crate) fn coding_parts(coding: &Coding) -> Option<(&str, &str)> {
    let system = coding.system.as_ref()?.value()?.as_str();
    let code = coding.code.as_ref()?.value()?.as_str();
    Some((system, code))
}

/// The input of a [`SecurityLabelPolicy`] decision.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct LabelCheck<'a> {
    /// The type of the labelled resource.
    pub resource_type: ResourceType,
    /// The resource's `meta.security` codings; never empty.
    pub labels: &'a [Coding],
    /// The scopes granted to the token.
    pub scopes: &'a ScopeSet,
    /// The token's launch context.
    pub context: &'a LaunchContext,
}

/// The outcome of a [`SecurityLabelPolicy`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelDecision {
    /// The resource may be released.
    Release,
    /// The resource must be withheld because of the label `system|code`.
    Withhold {
        /// The code system of the label.
        system: String,
        /// The code of the label.
        code: String,
    },
}

/// A server's rule for releasing resources that carry security labels.
///
/// It is called only for resources whose `meta.security` is not empty, and
/// only after the scopes have allowed the access.
pub trait SecurityLabelPolicy {
    /// Decides whether the labelled resource may be released.
    fn check(&self, check: &LabelCheck<'_>) -> LabelDecision;
}

/// The default policy: withholds every resource that carries a
/// [`SensitiveLabel`], and releases resources with any other label.
#[derive(Debug, Clone, Copy, Default)]
pub struct WithholdSensitive;

impl SecurityLabelPolicy for WithholdSensitive {
    fn check(&self, check: &LabelCheck<'_>) -> LabelDecision {
        let sensitive = check.labels.iter().find_map(SensitiveLabel::from_coding);
        match sensitive {
            Some(label) => LabelDecision::Withhold {
                system: label.system().to_owned(),
                code: label.code().to_owned(),
            },
            None => LabelDecision::Release,
        }
    }
}

/// A policy that releases every labelled resource, for servers that apply
/// labels before the data reaches this crate.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReleaseAll;

impl SecurityLabelPolicy for ReleaseAll {
    fn check(&self, _check: &LabelCheck<'_>) -> LabelDecision {
        LabelDecision::Release
    }
}

impl<P: SecurityLabelPolicy + ?Sized> SecurityLabelPolicy for &P {
    fn check(&self, check: &LabelCheck<'_>) -> LabelDecision {
        (**self).check(check)
    }
}

impl<P: SecurityLabelPolicy + ?Sized> SecurityLabelPolicy for Box<P> {
    fn check(&self, check: &LabelCheck<'_>) -> LabelDecision {
        (**self).check(check)
    }
}
