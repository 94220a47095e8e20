//! Membership in the R4 patient compartment, which limits what `patient/`
//! scopes grant.

use std::sync::{Arc, OnceLock};

use crate::r4::{Resource, ResourceType};
use crate::search::extract::{IndexValue, extract_by_code};
use crate::search::registry;

/// A search narrowed to one patient's compartment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompartmentFilter {
    /// The compartment type, which is always `Patient` in this module.
    pub compartment: ResourceType,
    /// The id of the patient.
    pub id: Arc<str>,
    /// The reference search parameters through which the searched type
    /// joins the compartment (`subject` and `performer` for Observation). A
    /// resource belongs when any of them references `Patient/{id}`. Empty
    /// for `$everything`, whose results span types: look each type up with
    /// [`patient_compartment_params`].
    pub params: &'static [&'static str],
}

impl CompartmentFilter {
    pub(crate) fn patient(id: Arc<str>, params: &'static [&'static str]) -> Self {
        CompartmentFilter {
            compartment: ResourceType::Patient,
            id,
            params,
        }
    }

    /// Returns the search parameters that select the compartment for
    /// `resource_type`; a resource belongs when it matches any one of them
    /// (OR). For `Patient` this includes `_id`, because the patient belongs
    /// to its own compartment.
    pub fn search_alternatives(&self, resource_type: ResourceType) -> Vec<(String, String)> {
        let reference = format!("Patient/{}", self.id);
        let mut alternatives: Vec<(String, String)> = patient_compartment_params(resource_type)
            .unwrap_or_default()
            .iter()
            .map(|param| ((*param).to_owned(), reference.clone()))
            .collect();
        if resource_type == ResourceType::Patient {
            alternatives.push(("_id".to_owned(), self.id.to_string()));
        }
        alternatives
    }
}

/// Returns the reference search parameters through which `resource_type` joins the
/// R4 patient compartment, or `None` when the type is not a member.
///
/// `Patient` itself joins through `link`; a Patient resource is also in its
/// own compartment.
pub fn patient_compartment_params(resource_type: ResourceType) -> Option<&'static [&'static str]> {
    static TABLE: OnceLock<Vec<Option<&'static [&'static str]>>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let compartment = registry::compartment("Patient");
        let mut table = vec![None; ResourceType::ALL.len()];
        for resource_type in ResourceType::ALL {
            if let Some(slot) = table.get_mut(*resource_type as usize) {
                *slot = compartment.and_then(|c| c.params_for(resource_type.as_str()));
            }
        }
        table
    });
    table.get(resource_type as usize).copied().flatten()
}

/// Returns whether `resource` is in the compartment of the patient `patient_id`: it
/// is that Patient, or one of its compartment parameters references
/// `Patient/{patient_id}`.
///
/// NOTE: a reference matches on resource type and id alone, so an absolute
/// reference to a Patient on another server with the same id counts as a
/// member.
pub fn in_patient_compartment(resource: &Resource, patient_id: &str) -> bool {
    let resource_type = resource.resource_type();
    if resource_type == ResourceType::Patient
        && resource.id().is_some_and(|id| id.as_str() == patient_id)
    {
        return true;
    }
    let Some(params) = patient_compartment_params(resource_type) else {
        return false;
    };
    params
        .iter()
        .any(|param| references_patient(resource, param, patient_id))
}

/// Returns whether the values of `param` include a reference to
/// `Patient/{patient_id}`. References to contained resources (`#id`) never
/// count, because a contained Patient is not the patient in context.
fn references_patient(resource: &Resource, param: &str, patient_id: &str) -> bool {
    extract_by_code(resource, param)
        .iter()
        .any(|value| match value {
            IndexValue::Reference(reference) => {
                reference.resource_type == Some(ResourceType::Patient)
                    && reference.id.as_deref() == Some(patient_id)
                    && !reference
                        .reference
                        .as_deref()
                        .is_some_and(|text| text.starts_with('#'))
            }
            _ => false,
        })
}
