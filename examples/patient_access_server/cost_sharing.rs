//! The cost sharing of a claim, read through the typed CARIN BB 2.0.0
//! ExplanationOfBenefit profiles of `fhir_payer::profiles::carin_bb_v2_0_0`.
//!
//! The adjudication categories are the codes of the CARIN BB value set
//! `C4BBAdjudication`: `submitted`, `eligible`, `benefit`, `copay` and
//! `deductible` from `http://terminology.hl7.org/CodeSystem/adjudication`,
//! and `paidtoprovider`, `paidtopatient`, `memberliability`, `coinsurance`
//! and others from the CARIN BB code system `C4BBAdjudication`.

use std::collections::BTreeMap;

use fhir_payer::profiles::carin_bb_v2_0_0::{
    C4BBExplanationOfBenefitInpatientInstitutional as Inpatient,
    C4BBExplanationOfBenefitOral as Oral,
    C4BBExplanationOfBenefitOutpatientInstitutional as Outpatient,
    C4BBExplanationOfBenefitPharmacy as Pharmacy,
    C4BBExplanationOfBenefitProfessionalNonClinician as Professional,
};
use fhir_payer::r4::{
    CodeableConcept, ExplanationOfBenefit, ExplanationOfBenefitItemAdjudication,
    ExplanationOfBenefitTotal, Money,
};
use rust_decimal::Decimal;

/// The canonical URLs of the CARIN BB 2.0.0 ExplanationOfBenefit profiles
/// that [`fit_profile`] tries, in the order it tries them when the claim's
/// `meta.profile` names none of them.
pub const EOB_PROFILES: [&str; 5] = [
    Inpatient::URL,
    Outpatient::URL,
    Professional::URL,
    Pharmacy::URL,
    Oral::URL,
];

/// Builds the [`Amounts`] of a typed claim from the `adjudicationamounttype`
/// slices of `total` and `item.adjudication`, and the header adjudications
/// of the optional third argument. The profile structs share no trait for
/// their slice accessors, so this is a macro.
macro_rules! sliced_amounts {
    ($claim:expr, $profile:ty) => {
        sliced_amounts!($claim, $profile, ::std::iter::empty())
    };
    ($claim:expr, $profile:ty, $header:expr) => {
        Amounts {
            totals: $claim.total_adjudicationamounttype().collect(),
            adjudications: $header
                .chain(
                    $claim
                        .item
                        .iter()
                        .flat_map(<$profile>::item_adjudication_adjudicationamounttype),
                )
                .collect(),
        }
    };
}

/// A claim converted into the CARIN BB 2.0.0 ExplanationOfBenefit profile
/// that it conforms to.
#[derive(Debug)]
pub enum CarinClaim {
    /// `C4BB-ExplanationOfBenefit-Inpatient-Institutional`.
    Inpatient(Box<Inpatient>),
    /// `C4BB-ExplanationOfBenefit-Outpatient-Institutional`.
    Outpatient(Box<Outpatient>),
    /// `C4BB-ExplanationOfBenefit-Professional-NonClinician`.
    Professional(Box<Professional>),
    /// `C4BB-ExplanationOfBenefit-Pharmacy`.
    Pharmacy(Box<Pharmacy>),
    /// `C4BB-ExplanationOfBenefit-Oral`.
    Oral(Box<Oral>),
}

/// A claim that conforms to none of the CARIN BB 2.0.0 ExplanationOfBenefit
/// profiles.
#[derive(Debug)]
pub struct ProfileMisfit {
    /// The profile the violations are counted against: the one the claim
    /// declares in `meta.profile`, or else the one with the fewest
    /// violations.
    pub profile: &'static str,
    /// The number of violations of that profile.
    pub violations: usize,
}

impl CarinClaim {
    /// Computes the cost sharing from the profile's `adjudicationamounttype`
    /// slices of `total`, `item.adjudication` and, where the profile slices
    /// it, `adjudication`.
    pub fn cost_sharing(&self) -> CostSharing {
        let amounts = match self {
            CarinClaim::Inpatient(claim) => {
                sliced_amounts!(
                    claim,
                    Inpatient,
                    claim.adjudication_adjudicationamounttype()
                )
            }
            CarinClaim::Outpatient(claim) => {
                sliced_amounts!(
                    claim,
                    Outpatient,
                    claim.adjudication_adjudicationamounttype()
                )
            }
            CarinClaim::Professional(claim) => sliced_amounts!(claim, Professional),
            CarinClaim::Pharmacy(claim) => sliced_amounts!(claim, Pharmacy),
            CarinClaim::Oral(claim) => sliced_amounts!(claim, Oral),
        };
        amounts.cost_sharing()
    }

    /// Converts `claim` into the profile at `url`, or returns `None` when
    /// `url` is not in [`EOB_PROFILES`].
    fn convert(url: &str, claim: &ExplanationOfBenefit) -> Option<Result<Self, usize>> {
        let claim = claim.clone();
        let converted = match url {
            Inpatient::URL => Inpatient::try_from(claim).map(|typed| Self::Inpatient(typed.into())),
            Outpatient::URL => {
                Outpatient::try_from(claim).map(|typed| Self::Outpatient(typed.into()))
            }
            Professional::URL => {
                Professional::try_from(claim).map(|typed| Self::Professional(typed.into()))
            }
            Pharmacy::URL => Pharmacy::try_from(claim).map(|typed| Self::Pharmacy(typed.into())),
            Oral::URL => Oral::try_from(claim).map(|typed| Self::Oral(typed.into())),
            _ => return None,
        };
        Some(converted.map_err(|violations| violations.len()))
    }
}

/// Converts `claim` into the CARIN BB 2.0.0 ExplanationOfBenefit profile
/// that it conforms to. The profiles named in `meta.profile` (with or
/// without a `|version` suffix) are tried first, then the rest of
/// [`EOB_PROFILES`]. The version is ignored, so a claim that declares
/// CARIN BB 1.1.0 is checked against 2.0.0.
///
/// # Errors
///
/// Returns a [`ProfileMisfit`] when the claim conforms to none of them.
pub fn fit_profile(claim: &ExplanationOfBenefit) -> Result<CarinClaim, ProfileMisfit> {
    let mut declared: Vec<&'static str> = Vec::new();
    let canonicals = claim.meta.iter().flat_map(|meta| meta.profile.iter());
    for canonical in canonicals.filter_map(|canonical| canonical.value()) {
        let url = canonical.as_str().split('|').next().unwrap_or_default();
        let known = EOB_PROFILES.into_iter().find(|known| *known == url);
        if let Some(known) = known.filter(|known| !declared.contains(known)) {
            declared.push(known);
        }
    }
    let others = EOB_PROFILES
        .into_iter()
        .filter(|url| !declared.contains(url));

    let mut misfits = Vec::new();
    for url in declared.iter().copied().chain(others) {
        match CarinClaim::convert(url, claim) {
            Some(Ok(typed)) => return Ok(typed),
            Some(Err(violations)) => misfits.push(ProfileMisfit {
                profile: url,
                violations,
            }),
            None => {}
        }
    }

    // The declared profiles come first in `misfits`, so the first declared
    // one is reported when there is one.
    let reported = if declared.is_empty() {
        misfits.into_iter().min_by_key(|misfit| misfit.violations)
    } else {
        misfits.into_iter().next()
    };
    Err(reported.unwrap_or(ProfileMisfit {
        profile: EOB_PROFILES[0],
        violations: 0,
    }))
}

/// Computes the cost sharing of a claim that fits no profile, from all of
/// its `total`, `adjudication` and `item.adjudication` amounts.
pub fn base_cost_sharing(claim: &ExplanationOfBenefit) -> CostSharing {
    let item_adjudications = claim.item.iter().flat_map(|item| item.adjudication.iter());
    Amounts {
        totals: claim.total.iter().collect(),
        adjudications: claim
            .adjudication
            .iter()
            .chain(item_adjudications)
            .collect(),
    }
    .cost_sharing()
}

/// The cost sharing of one claim, in the claim's currency.
#[derive(Debug, Default, PartialEq)]
pub struct CostSharing {
    /// The amount the provider billed (`submitted`).
    pub billed: Option<Decimal>,
    /// The amount the plan allows (`eligible`).
    pub allowed: Option<Decimal>,
    /// The amount the plan paid: `paidtoprovider` plus `paidtopatient`, or
    /// `benefit` when the claim has neither.
    pub plan_paid: Option<Decimal>,
    /// The amount the member owes: `memberliability`, or `copay` plus
    /// `deductible` plus `coinsurance` when the claim has no
    /// `memberliability`.
    pub member_owes: Option<Decimal>,
}

/// The adjudication amounts of a claim that the cost sharing is read from.
struct Amounts<'a> {
    totals: Vec<&'a ExplanationOfBenefitTotal>,
    adjudications: Vec<&'a ExplanationOfBenefitItemAdjudication>,
}

impl Amounts<'_> {
    /// Computes the cost sharing by category code. A category with a `total` uses
    /// that total, and otherwise the sum of the adjudications with the
    /// category.
    fn cost_sharing(&self) -> CostSharing {
        let mut totals: BTreeMap<String, Decimal> = BTreeMap::new();
        for total in &self.totals {
            add_amount(&mut totals, total.category.as_ref(), total.amount.as_ref());
        }
        let mut from_adjudications: BTreeMap<String, Decimal> = BTreeMap::new();
        for adjudication in &self.adjudications {
            add_amount(
                &mut from_adjudications,
                adjudication.category.as_ref(),
                adjudication.amount.as_ref(),
            );
        }

        let amount = |code: &str| {
            totals
                .get(code)
                .or_else(|| from_adjudications.get(code))
                .copied()
        };
        let sum = |codes: &[&str]| {
            codes
                .iter()
                .filter_map(|code| amount(code))
                .reduce(|a, b| a + b)
        };
        CostSharing {
            billed: amount("submitted"),
            allowed: amount("eligible"),
            plan_paid: sum(&["paidtoprovider", "paidtopatient"]).or_else(|| amount("benefit")),
            member_owes: amount("memberliability")
                .or_else(|| sum(&["copay", "deductible", "coinsurance"])),
        }
    }
}

fn add_amount(
    sums: &mut BTreeMap<String, Decimal>,
    category: Option<&CodeableConcept>,
    amount: Option<&Money>,
) {
    let Some(value) = amount
        .and_then(|money| money.value.as_ref()?.value())
        .and_then(|value| value.to_decimal().ok())
    else {
        return;
    };
    let codes = category
        .into_iter()
        .flat_map(|concept| concept.coding.iter());
    for coding in codes {
        if let Some(code) = coding.code.as_ref().and_then(|code| code.value()) {
            *sums.entry(code.as_str().to_owned()).or_default() += value;
        }
    }
}
