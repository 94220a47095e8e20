//! The outcome of an authorization decision.

use crate::r4::ResourceType;
use crate::smart::compartment::CompartmentFilter;
use crate::smart::restriction::QueryRestriction;
use crate::smart::scope::Permission;

/// One way a narrowed request may match: in the compartment (when given)
/// and matching any of the restrictions (when there are any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Narrowing {
    /// The patient compartment the results must belong to.
    pub compartment: Option<CompartmentFilter>,
    /// Alternative filters (OR); each is an AND of its parameters. Empty
    /// means no filter beyond the compartment.
    pub restrictions: Vec<QueryRestriction>,
}

/// The outcome of authorizing a request or a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decision {
    /// Allowed as asked.
    Allow,
    /// Allowed only for results in `compartment` (when given) that match
    /// any of `restrictions` (when there are any), and, when
    /// `resource_types` is given, only results of those types. For a
    /// request on one resource by id, the stored resource must pass
    /// [`Authorizer::authorize_resource`](crate::smart::Authorizer::authorize_resource).
    AllowNarrowed {
        /// The patient compartment the results must belong to.
        compartment: Option<CompartmentFilter>,
        /// Alternative filters (OR) from scope restrictions.
        restrictions: Vec<QueryRestriction>,
        /// The only types the results may have (for `$everything` and
        /// `$export`).
        resource_types: Option<Vec<ResourceType>>,
    },
    /// Allowed for results that fit any one of the narrowings. This arises
    /// when both `patient/` scopes and restricted `user/` or `system/`
    /// scopes grant the type.
    AllowAnyOf(Vec<Narrowing>),
    /// A batch or transaction whose entries are allowed one by one: entry
    /// `i` of the Bundle has decision `i`. A transaction gets this only
    /// when no entry is denied.
    PerEntry(Vec<Decision>),
    /// Denied.
    Deny {
        /// The reason.
        reason: DenyReason,
    },
}

impl Decision {
    /// Returns whether the request may go ahead in some form. A batch counts as
    /// allowed even when some of its entries are denied.
    pub fn is_allowed(&self) -> bool {
        !matches!(self, Decision::Deny { .. })
    }

    pub(crate) fn deny(reason: DenyReason) -> Self {
        Decision::Deny { reason }
    }
}

/// The reason a request or resource was denied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DenyReason {
    /// No granted scope has the permission for the type.
    #[error("no granted scope allows `{}` on {}", permission.letter(), type_name(*resource_type))]
    NotGranted {
        /// The type, or `None` for a request across all types.
        resource_type: Option<ResourceType>,
        /// The permission needed.
        permission: Permission,
    },
    /// Only `patient/` scopes grant the access, and no patient is in
    /// context.
    #[error(
        "only patient/ scopes allow `{}` on {resource_type}, and the token has no patient in \
         context",
        permission.letter()
    )]
    NoPatientInContext {
        /// The type.
        resource_type: ResourceType,
        /// The permission needed.
        permission: Permission,
    },
    /// Only `patient/` scopes grant the access, and the type is not a member
    /// of the patient compartment.
    #[error("{resource_type} is not in the patient compartment, and only patient/ scopes grant it")]
    TypeNotInCompartment {
        /// The type.
        resource_type: ResourceType,
    },
    /// The resource is outside the compartment of the patient in context.
    #[error("the {resource_type} is not in the compartment of the patient in context")]
    NotInCompartment {
        /// The type.
        resource_type: ResourceType,
    },
    /// The request names a patient other than the one in context.
    #[error("the request is for patient `{patient}`, not the patient in context")]
    OtherPatient {
        /// The patient id named by the request.
        patient: String,
    },
    /// The resource does not match the query restrictions of any scope that
    /// grants the access.
    #[error("the {resource_type} does not match the query restriction of any granted scope")]
    RestrictionNotMet {
        /// The type.
        resource_type: ResourceType,
    },
    /// The security label policy withholds the resource.
    #[error(
        "the resource carries the security label {system}|{code}, which the label policy withholds"
    )]
    SecurityLabel {
        /// The label's code system.
        system: String,
        /// The label's code.
        code: String,
    },
    /// A search parameter names a type that no usable scope grants.
    #[error("`{param}` asks for {resource_type}, which no usable granted scope allows reading")]
    IncludeNotGranted {
        /// The search parameter (`_revinclude`, `_include` or `_has`).
        param: String,
        /// The type it names.
        resource_type: ResourceType,
    },
    /// A system-level search or history can return types that are not
    /// granted as a whole.
    #[error(
        "a system-level {interaction} needs `s` on every type it can return; search each type instead"
    )]
    SystemLevel {
        /// `search` or `history`.
        interaction: &'static str,
    },
    /// `$export` without `system/` scopes.
    #[error("`$export` needs system/ scopes that allow `r` and `s`")]
    SystemScopeRequired,
    /// An operation with no rule in this crate.
    #[error("operation `${name}` is not authorized by scopes; the server must decide it")]
    UnsupportedOperation {
        /// The operation name, without `$`.
        name: String,
    },
    /// A batch or transaction inside another.
    #[error("entry {index} is a nested batch or transaction")]
    NestedBundle {
        /// The entry's position in the Bundle, from 0.
        index: usize,
    },
    /// A transaction entry was denied, so the whole transaction is.
    #[error("transaction entry {index} is denied: {reason}")]
    EntryDenied {
        /// The entry's position in the Bundle, from 0.
        index: usize,
        /// The reason that entry is denied.
        reason: Box<DenyReason>,
    },
}

fn type_name(resource_type: Option<ResourceType>) -> &'static str {
    resource_type.map_or("every type", ResourceType::as_str)
}
