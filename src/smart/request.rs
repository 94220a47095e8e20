//! The inputs of an authorization decision: the launch context, the FHIR
//! request, and what is done with a concrete resource.

use std::sync::Arc;

use crate::r4::ResourceType;
use crate::smart::scope::{Permission, Permissions};

/// The context established at launch and returned with the access token.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LaunchContext {
    pub(crate) patient: Option<Arc<str>>,
    encounter: Option<String>,
    fhir_user: Option<String>,
}

impl LaunchContext {
    /// Creates a context with no patient, encounter or user.
    pub fn new() -> Self {
        LaunchContext::default()
    }

    /// Returns the context with the patient id `patient`.
    #[must_use]
    pub fn with_patient(mut self, patient: &str) -> Self {
        self.patient = Some(Arc::from(patient));
        self
    }

    /// Returns the context with the encounter id `encounter`.
    #[must_use]
    pub fn with_encounter(mut self, encounter: &str) -> Self {
        self.encounter = Some(encounter.to_owned());
        self
    }

    /// Returns the context with the signed-in user's resource URL
    /// (`Practitioner/123` or an absolute URL).
    #[must_use]
    pub fn with_fhir_user(mut self, fhir_user: &str) -> Self {
        self.fhir_user = Some(fhir_user.to_owned());
        self
    }

    /// Returns the patient id, if a patient is in context.
    pub fn patient(&self) -> Option<&str> {
        self.patient.as_deref()
    }

    /// Returns the encounter id, if an encounter is in context.
    pub fn encounter(&self) -> Option<&str> {
        self.encounter.as_deref()
    }

    /// Returns the signed-in user's resource URL, if known.
    pub fn fhir_user(&self) -> Option<&str> {
        self.fhir_user.as_deref()
    }
}

/// A FHIR REST request to authorize. Search parameters are `(name, value)`
/// pairs as they appear in the query string, after percent-decoding, with
/// any modifier left on the name (`code:not`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Request {
    /// `GET [type]/[id]`.
    Read {
        /// The resource type.
        resource_type: ResourceType,
        /// The logical id.
        id: String,
    },
    /// `GET [type]/[id]/_history/[vid]`.
    VRead {
        /// The resource type.
        resource_type: ResourceType,
        /// The logical id.
        id: String,
        /// The version id.
        version_id: String,
    },
    /// `GET [type]/[id]/_history`.
    InstanceHistory {
        /// The resource type.
        resource_type: ResourceType,
        /// The logical id.
        id: String,
    },
    /// `GET [type]/_history`.
    TypeHistory {
        /// The resource type.
        resource_type: ResourceType,
    },
    /// `GET /_history`.
    SystemHistory,
    /// `GET [type]?params` or `POST [type]/_search`.
    TypeSearch {
        /// The resource type.
        resource_type: ResourceType,
        /// The search parameters.
        params: Vec<(String, String)>,
    },
    /// `GET ?params` at the server base.
    SystemSearch {
        /// The search parameters, including any `_type`.
        params: Vec<(String, String)>,
    },
    /// `POST [type]`.
    Create {
        /// The resource type.
        resource_type: ResourceType,
    },
    /// `PUT [type]/[id]`.
    Update {
        /// The resource type.
        resource_type: ResourceType,
        /// The logical id.
        id: String,
    },
    /// `PATCH [type]/[id]`.
    Patch {
        /// The resource type.
        resource_type: ResourceType,
        /// The logical id.
        id: String,
    },
    /// `DELETE [type]/[id]`.
    Delete {
        /// The resource type.
        resource_type: ResourceType,
        /// The logical id.
        id: String,
    },
    /// A named operation such as `$everything` or `$export`.
    Operation {
        /// The operation name, with or without the leading `$`.
        name: String,
        /// The level the operation is invoked at.
        target: OperationTarget,
        /// The operation's parameters (`_type`, `_since`, ...).
        params: Vec<(String, String)>,
    },
    /// A batch Bundle: each entry succeeds or fails on its own.
    Batch(Vec<Request>),
    /// A transaction Bundle: all entries succeed or none do.
    Transaction(Vec<Request>),
}

/// The level an operation is invoked at: system, type or instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OperationTarget {
    /// `[base]/$op`.
    System,
    /// `[base]/[type]/$op`.
    Type(ResourceType),
    /// `[base]/[type]/[id]/$op`.
    Instance(ResourceType, String),
}

/// The interaction applied to a concrete resource passed to
/// [`Authorizer::authorize_resource`](crate::smart::Authorizer::authorize_resource).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceAccess {
    /// Returned by read, vread or instance history (`r`).
    Read,
    /// Returned as a match of a search or type history (`s`).
    Search,
    /// Returned through `_include`, `_revinclude` or `$everything` (`r` or
    /// `s`).
    Include,
    /// Created (`c`), checked on the submitted resource.
    Create,
    /// Updated or patched (`u`), checked on the stored and the new version.
    Update,
    /// Deleted (`d`), checked on the stored version.
    Delete,
}

impl ResourceAccess {
    pub(crate) fn accepts(self, permissions: Permissions) -> bool {
        match self {
            ResourceAccess::Read => permissions.contains(Permission::Read),
            ResourceAccess::Search => permissions.contains(Permission::Search),
            ResourceAccess::Include => {
                permissions.contains(Permission::Read) || permissions.contains(Permission::Search)
            }
            ResourceAccess::Create => permissions.contains(Permission::Create),
            ResourceAccess::Update => permissions.contains(Permission::Update),
            ResourceAccess::Delete => permissions.contains(Permission::Delete),
        }
    }

    pub(crate) fn permission(self) -> Permission {
        match self {
            ResourceAccess::Read | ResourceAccess::Include => Permission::Read,
            ResourceAccess::Search => Permission::Search,
            ResourceAccess::Create => Permission::Create,
            ResourceAccess::Update => Permission::Update,
            ResourceAccess::Delete => Permission::Delete,
        }
    }
}
