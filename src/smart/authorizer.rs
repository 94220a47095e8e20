//! The authorizer: decides requests and resources for one access token by
//! the rules in the [`smart`](crate::smart) module documentation.

use std::sync::Arc;

use crate::r4::{Resource, ResourceType};
use crate::search::registry;
use crate::smart::compartment::{
    CompartmentFilter, in_patient_compartment, patient_compartment_params,
};
use crate::smart::decision::{Decision, DenyReason, Narrowing};
use crate::smart::labels::{LabelCheck, LabelDecision, SecurityLabelPolicy, WithholdSensitive};
use crate::smart::request::{LaunchContext, OperationTarget, Request, ResourceAccess};
use crate::smart::restriction::QueryRestriction;
use crate::smart::scope::{Permission, Permissions, ScopeContext};
use crate::smart::scope_set::ScopeSet;

/// A resource scope in the form decisions use.
#[derive(Debug, Clone)]
struct Grant {
    context: ScopeContext,
    resource_type: Option<ResourceType>,
    permissions: Permissions,
    restriction: Option<QueryRestriction>,
}

/// The grants that allow one access to one type, sorted by how they narrow.
#[derive(Debug, Default)]
struct Applicable<'a> {
    /// An unrestricted `user/` or `system/` grant.
    broad_unrestricted: bool,
    /// Restricted `user/` or `system/` grants.
    broad_restricted: Vec<&'a QueryRestriction>,
    /// An unrestricted `patient/` grant, with a patient in context.
    patient_unrestricted: bool,
    /// Restricted `patient/` grants, with a patient in context.
    patient_restricted: Vec<&'a QueryRestriction>,
    /// A `patient/` grant that was skipped for want of a patient.
    patient_without_context: bool,
}

impl Applicable<'_> {
    fn has_patient(&self) -> bool {
        self.patient_unrestricted || !self.patient_restricted.is_empty()
    }

    fn has_broad(&self) -> bool {
        self.broad_unrestricted || !self.broad_restricted.is_empty()
    }

    fn is_empty(&self) -> bool {
        !self.has_patient() && !self.has_broad()
    }
}

/// Decides requests and resources for one access token.
#[derive(Debug, Clone)]
pub struct Authorizer<P = WithholdSensitive> {
    scopes: ScopeSet,
    context: LaunchContext,
    policy: P,
    grants: Vec<Grant>,
}

impl Authorizer<WithholdSensitive> {
    /// Creates an authorizer for a token granted `scopes` in `context`, with the
    /// default security label policy [`WithholdSensitive`].
    pub fn new(scopes: ScopeSet, context: LaunchContext) -> Self {
        Authorizer::with_policy(scopes, context, WithholdSensitive)
    }
}

impl<P: SecurityLabelPolicy> Authorizer<P> {
    /// Creates an authorizer with the security label policy `policy`.
    pub fn with_policy(scopes: ScopeSet, context: LaunchContext, policy: P) -> Self {
        let grants = scopes
            .resource_scopes()
            .map(|scope| Grant {
                context: scope.context(),
                resource_type: scope.resource_type(),
                permissions: scope.permissions(),
                restriction: scope.restriction().cloned(),
            })
            .collect();
        Authorizer {
            scopes,
            context,
            policy,
            grants,
        }
    }

    /// Returns the granted scopes.
    pub fn scopes(&self) -> &ScopeSet {
        &self.scopes
    }

    /// Returns the launch context.
    pub fn context(&self) -> &LaunchContext {
        &self.context
    }

    /// Decides `request` before it runs, by the rules in the
    /// [`smart`](crate::smart) module documentation.
    pub fn authorize(&self, request: &Request) -> Decision {
        match request {
            Request::Read { resource_type, id }
            | Request::VRead {
                resource_type, id, ..
            }
            | Request::InstanceHistory { resource_type, id } => {
                self.instance(*resource_type, id, ResourceAccess::Read)
            }
            Request::Update { resource_type, id } | Request::Patch { resource_type, id } => {
                self.instance(*resource_type, id, ResourceAccess::Update)
            }
            Request::Delete { resource_type, id } => {
                self.instance(*resource_type, id, ResourceAccess::Delete)
            }
            Request::Create { resource_type } => {
                let applicable = self.applicable(*resource_type, ResourceAccess::Create);
                self.narrow(*resource_type, ResourceAccess::Create, &applicable, None)
            }
            Request::TypeSearch {
                resource_type,
                params,
            } => self.type_search(*resource_type, params),
            Request::TypeHistory { resource_type } => self.type_search(*resource_type, &[]),
            Request::SystemSearch { params } => self.system_level(params, "search"),
            Request::SystemHistory => self.system_level(&[], "history"),
            Request::Operation {
                name,
                target,
                params,
            } => self.operation(name, target, params),
            Request::Batch(entries) => Decision::PerEntry(self.entries(entries)),
            Request::Transaction(entries) => {
                let decisions = self.entries(entries);
                let denied =
                    decisions
                        .iter()
                        .enumerate()
                        .find_map(|(index, decision)| match decision {
                            Decision::Deny { reason } => Some((index, reason.clone())),
                            _ => None,
                        });
                match denied {
                    Some((index, reason)) => Decision::deny(DenyReason::EntryDenied {
                        index,
                        reason: Box::new(reason),
                    }),
                    None => Decision::PerEntry(decisions),
                }
            }
        }
    }

    /// Decides whether `resource` may be returned or written as `access`,
    /// applying compartment membership, query restrictions and the security
    /// label policy. The result is [`Decision::Allow`] or
    /// [`Decision::Deny`].
    pub fn authorize_resource(&self, resource: &Resource, access: ResourceAccess) -> Decision {
        let resource_type = resource.resource_type();
        let applicable = self.applicable(resource_type, access);

        let mut allowed = applicable.broad_unrestricted
            || applicable
                .broad_restricted
                .iter()
                .any(|restriction| restriction.matches(resource));
        let mut reason = None;
        if !allowed && applicable.has_patient() {
            let member = self
                .context
                .patient()
                .is_some_and(|patient| in_patient_compartment(resource, patient));
            if member {
                allowed = applicable.patient_unrestricted
                    || applicable
                        .patient_restricted
                        .iter()
                        .any(|restriction| restriction.matches(resource));
            } else {
                reason = Some(DenyReason::NotInCompartment { resource_type });
            }
        }
        if !allowed {
            let reason = reason.unwrap_or_else(|| match applicable.is_empty() {
                true => self.not_granted(resource_type, access, &applicable),
                false => DenyReason::RestrictionNotMet { resource_type },
            });
            return Decision::deny(reason);
        }

        let labels = resource
            .meta()
            .map(|meta| meta.security.as_slice())
            .unwrap_or_default();
        if labels.is_empty() {
            return Decision::Allow;
        }
        let check = LabelCheck {
            resource_type,
            labels,
            scopes: &self.scopes,
            context: &self.context,
        };
        match self.policy.check(&check) {
            LabelDecision::Release => Decision::Allow,
            LabelDecision::Withhold { system, code } => {
                Decision::deny(DenyReason::SecurityLabel { system, code })
            }
        }
    }

    fn applicable(&self, resource_type: ResourceType, access: ResourceAccess) -> Applicable<'_> {
        let mut applicable = Applicable::default();
        let has_patient = self.context.patient.is_some();
        for grant in &self.grants {
            let applies = grant.resource_type.is_none_or(|own| own == resource_type);
            if !applies || !access.accepts(grant.permissions) {
                continue;
            }
            match (grant.context, &grant.restriction) {
                (ScopeContext::Patient, _) if !has_patient => {
                    applicable.patient_without_context = true
                }
                (ScopeContext::Patient, None) => applicable.patient_unrestricted = true,
                (ScopeContext::Patient, Some(restriction)) => {
                    applicable.patient_restricted.push(restriction)
                }
                (_, None) => applicable.broad_unrestricted = true,
                (_, Some(restriction)) => applicable.broad_restricted.push(restriction),
            }
        }
        applicable
    }

    fn not_granted(
        &self,
        resource_type: ResourceType,
        access: ResourceAccess,
        applicable: &Applicable<'_>,
    ) -> DenyReason {
        let permission = access.permission();
        match applicable.patient_without_context {
            true => DenyReason::NoPatientInContext {
                resource_type,
                permission,
            },
            false => DenyReason::NotGranted {
                resource_type: Some(resource_type),
                permission,
            },
        }
    }

    /// Turns the applicable grants into a decision. `self_patient` is the
    /// id of a Patient addressed directly, which is in its own compartment
    /// when it is the context patient.
    fn narrow(
        &self,
        resource_type: ResourceType,
        access: ResourceAccess,
        applicable: &Applicable<'_>,
        self_patient: Option<&str>,
    ) -> Decision {
        if applicable.broad_unrestricted {
            return Decision::Allow;
        }
        let context_patient = self.context.patient.as_ref();
        let is_context_patient = resource_type == ResourceType::Patient
            && self_patient
                .is_some_and(|id| context_patient.is_some_and(|patient| **patient == *id));

        let patient_part = match (applicable.has_patient(), context_patient) {
            (true, Some(_)) if is_context_patient => Some(Narrowing {
                compartment: None,
                restrictions: patient_restrictions(applicable),
            }),
            (true, Some(patient)) => {
                patient_compartment_params(resource_type).map(|params| Narrowing {
                    compartment: Some(CompartmentFilter::patient(Arc::clone(patient), params)),
                    restrictions: patient_restrictions(applicable),
                })
            }
            _ => None,
        };
        if is_context_patient && applicable.patient_unrestricted {
            return Decision::Allow;
        }
        let broad_part = (!applicable.broad_restricted.is_empty()).then(|| Narrowing {
            compartment: None,
            restrictions: applicable
                .broad_restricted
                .iter()
                .map(|r| (*r).clone())
                .collect(),
        });

        match (broad_part, patient_part) {
            (Some(one), None) | (None, Some(one)) => Decision::AllowNarrowed {
                compartment: one.compartment,
                restrictions: one.restrictions,
                resource_types: None,
            },
            (Some(broad), Some(patient)) => Decision::AllowAnyOf(vec![broad, patient]),
            (None, None) if applicable.has_patient() => {
                Decision::deny(DenyReason::TypeNotInCompartment { resource_type })
            }
            (None, None) => Decision::deny(self.not_granted(resource_type, access, applicable)),
        }
    }

    fn instance(&self, resource_type: ResourceType, id: &str, access: ResourceAccess) -> Decision {
        let applicable = self.applicable(resource_type, access);
        self.narrow(resource_type, access, &applicable, Some(id))
    }

    fn type_search(&self, resource_type: ResourceType, params: &[(String, String)]) -> Decision {
        let applicable = self.applicable(resource_type, ResourceAccess::Search);
        if let Some(reason) = self.check_joined_types(params) {
            return Decision::deny(reason);
        }
        if !applicable.has_broad()
            && let Some(patient) = self.context.patient()
            && let Some(other) = other_patient_in_params(resource_type, params, patient)
        {
            return Decision::deny(DenyReason::OtherPatient { patient: other });
        }
        let self_patient = params
            .iter()
            .find(|(name, _)| name == "_id")
            .map(|(_, value)| value.as_str())
            .filter(|value| !value.contains(','));
        self.narrow(
            resource_type,
            ResourceAccess::Search,
            &applicable,
            self_patient,
        )
    }

    /// Denies `_revinclude`, `_include` with a target type, and `_has` when
    /// the type they name is granted by no usable scope.
    fn check_joined_types(&self, params: &[(String, String)]) -> Option<DenyReason> {
        for (name, value) in params {
            let base = name.split(':').next().unwrap_or_default();
            let named = match base {
                "_revinclude" => value
                    .split(':')
                    .next()
                    .map(|t| (t, ResourceAccess::Include)),
                "_include" => value
                    .split(':')
                    .nth(2)
                    .map(|t| (t, ResourceAccess::Include)),
                "_has" => name.split(':').nth(1).map(|t| (t, ResourceAccess::Search)),
                _ => None,
            };
            let Some((type_name, access)) = named else {
                continue;
            };
            let Some(named_type) = ResourceType::from_name(type_name) else {
                continue;
            };
            let applicable = self.applicable(named_type, access);
            let usable = applicable.has_broad()
                || (applicable.has_patient() && patient_compartment_params(named_type).is_some());
            if !usable {
                return Some(DenyReason::IncludeNotGranted {
                    param: name.clone(),
                    resource_type: named_type,
                });
            }
        }
        None
    }

    fn system_level(&self, params: &[(String, String)], interaction: &'static str) -> Decision {
        let types: Vec<ResourceType> = match params.iter().find(|(name, _)| name == "_type") {
            Some((_, value)) => {
                let mut types = Vec::new();
                for name in value.split(',') {
                    match ResourceType::from_name(name) {
                        Some(resource_type) => types.push(resource_type),
                        None => return Decision::deny(DenyReason::SystemLevel { interaction }),
                    }
                }
                types
            }
            None => ResourceType::ALL.to_vec(),
        };
        let all_allowed = types.iter().all(|resource_type| {
            self.applicable(*resource_type, ResourceAccess::Search)
                .broad_unrestricted
        });
        match all_allowed {
            true => Decision::Allow,
            false => Decision::deny(DenyReason::SystemLevel { interaction }),
        }
    }

    fn operation(
        &self,
        name: &str,
        target: &OperationTarget,
        params: &[(String, String)],
    ) -> Decision {
        let name = name.strip_prefix('$').unwrap_or(name);
        match (name, target) {
            ("everything", OperationTarget::Instance(ResourceType::Patient, id)) => {
                self.everything(id)
            }
            ("everything", OperationTarget::Type(ResourceType::Patient)) => {
                match self.context.patient() {
                    Some(patient) => self.everything(patient),
                    None => Decision::deny(DenyReason::NotGranted {
                        resource_type: Some(ResourceType::Patient),
                        permission: Permission::Search,
                    }),
                }
            }
            ("export", _) => self.export(params),
            _ => Decision::deny(DenyReason::UnsupportedOperation {
                name: name.to_owned(),
            }),
        }
    }

    fn everything(&self, patient_id: &str) -> Decision {
        let is_context_patient = self.context.patient() == Some(patient_id);
        let usable = |grant: &Grant| match grant.context {
            ScopeContext::Patient => is_context_patient,
            ScopeContext::User | ScopeContext::System => true,
        };
        let has_broad = self
            .grants
            .iter()
            .any(|grant| grant.context != ScopeContext::Patient);
        if !has_broad && !is_context_patient {
            return match self.context.patient() {
                Some(_) => Decision::deny(DenyReason::OtherPatient {
                    patient: patient_id.to_owned(),
                }),
                None => Decision::deny(DenyReason::NoPatientInContext {
                    resource_type: ResourceType::Patient,
                    permission: Permission::Read,
                }),
            };
        }
        let Some(resource_types) = self.types_granted(usable) else {
            return Decision::deny(DenyReason::NotGranted {
                resource_type: None,
                permission: Permission::Read,
            });
        };
        Decision::AllowNarrowed {
            compartment: Some(CompartmentFilter::patient(Arc::from(patient_id), &[])),
            restrictions: Vec::new(),
            resource_types,
        }
    }

    fn export(&self, params: &[(String, String)]) -> Decision {
        let usable = |grant: &Grant| grant.context == ScopeContext::System;
        if !self.grants.iter().any(usable) {
            return Decision::deny(DenyReason::SystemScopeRequired);
        }
        let Some(granted) = self.types_granted(usable) else {
            return Decision::deny(DenyReason::SystemScopeRequired);
        };
        let requested = params
            .iter()
            .find(|(name, _)| name == "_type")
            .map(|(_, value)| value.as_str());
        let Some(requested) = requested else {
            return match granted {
                None => Decision::Allow,
                Some(types) => Decision::AllowNarrowed {
                    compartment: None,
                    restrictions: Vec::new(),
                    resource_types: Some(types),
                },
            };
        };
        let mut types = Vec::new();
        for name in requested.split(',') {
            let resource_type = ResourceType::from_name(name);
            let allowed = resource_type
                .is_some_and(|t| granted.as_ref().is_none_or(|granted| granted.contains(&t)));
            match resource_type {
                Some(resource_type) if allowed => types.push(resource_type),
                _ => {
                    return Decision::deny(DenyReason::NotGranted {
                        resource_type,
                        permission: Permission::Read,
                    });
                }
            }
        }
        Decision::AllowNarrowed {
            compartment: None,
            restrictions: Vec::new(),
            resource_types: Some(types),
        }
    }

    /// The types granted both `r` and `s` by unrestricted grants that pass
    /// `usable`: `Some(None)` for every type, `Some(Some(list))` for some,
    /// and `None` for none.
    #[allow(
        clippy::option_option,
        reason = "the three cases are all, some and none"
    )]
    fn types_granted(&self, usable: impl Fn(&Grant) -> bool) -> Option<Option<Vec<ResourceType>>> {
        let needed = Permissions::READ_V1;
        let unrestricted: Vec<&Grant> = self
            .grants
            .iter()
            .filter(|grant| usable(grant) && grant.restriction.is_none())
            .collect();
        let wildcard = unrestricted
            .iter()
            .filter(|grant| grant.resource_type.is_none())
            .fold(Permissions::NONE, |set, grant| set.union(grant.permissions));
        if wildcard.contains_all(needed) {
            return Some(None);
        }
        let types: Vec<ResourceType> = ResourceType::ALL
            .iter()
            .copied()
            .filter(|resource_type| {
                let permissions = unrestricted
                    .iter()
                    .filter(|grant| grant.resource_type == Some(*resource_type))
                    .fold(wildcard, |set, grant| set.union(grant.permissions));
                permissions.contains_all(needed)
            })
            .collect();
        (!types.is_empty()).then_some(Some(types))
    }

    fn entries(&self, entries: &[Request]) -> Vec<Decision> {
        entries
            .iter()
            .enumerate()
            .map(|(index, entry)| match entry {
                Request::Batch(_) | Request::Transaction(_) => {
                    Decision::deny(DenyReason::NestedBundle { index })
                }
                entry => self.authorize(entry),
            })
            .collect()
    }
}

fn patient_restrictions(applicable: &Applicable<'_>) -> Vec<QueryRestriction> {
    match applicable.patient_unrestricted {
        true => Vec::new(),
        false => applicable
            .patient_restricted
            .iter()
            .map(|r| (*r).clone())
            .collect(),
    }
}

/// Finds the first patient id other than `patient` that the search names
/// in a compartment parameter or a parameter whose only target is Patient
/// (`patient`), if any.
///
/// A value counts when it is a `Patient/{id}` reference, or a bare id for a
/// parameter whose only target is Patient or that carries the `:Patient`
/// modifier. Bare ids of other parameters are left to the compartment
/// narrowing.
fn other_patient_in_params(
    resource_type: ResourceType,
    params: &[(String, String)],
    patient: &str,
) -> Option<String> {
    let compartment_params = patient_compartment_params(resource_type).unwrap_or_default();
    for (name, value) in params {
        let mut parts = name.splitn(2, ':');
        let base = parts.next().unwrap_or_default();
        let modifier = parts.next();
        let is_own_id = resource_type == ResourceType::Patient && base == "_id";
        // The shared R4 `patient` parameter lists Group as a target only for
        // DeviceUseStatement.subject. Reading its bare ids as Patient ids can
        // at worst deny a Group search under `patient/` scopes alone.
        let targets_only_patient = base == "patient"
            || registry::search_parameter(resource_type.as_str(), base)
                .is_some_and(|definition| definition.target == ["Patient"]);
        if !is_own_id && !targets_only_patient && !compartment_params.contains(&base) {
            continue;
        }
        let only_patient_target = is_own_id || targets_only_patient || modifier == Some("Patient");
        for alternative in value.split(',') {
            let named = match alternative.rsplit_once('/') {
                Some((path, id)) => path
                    .rsplit('/')
                    .next()
                    .filter(|t| *t == "Patient")
                    .map(|_| id),
                None if only_patient_target && modifier.is_none_or(|m| m == "Patient") => {
                    Some(alternative)
                }
                None => None,
            };
            if let Some(id) = named
                && id != patient
            {
                return Some(id.to_owned());
            }
        }
    }
    None
}
