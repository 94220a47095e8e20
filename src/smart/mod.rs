//! SMART App Launch (1.0 and 2.x) authorization for a FHIR R4 server and
//! its apps.
//!
//! - Scopes: [`ScopeSet::parse`] reads a scope string of RFC 6749 section
//!   3.3 tokens in strict or lenient mode. It accepts SMART 1.0 scopes
//!   (`patient/Observation.read`) and SMART 2 scopes
//!   (`patient/Observation.rs?category=...`). A [`ScopeSet`] normalises,
//!   converts between SMART versions, checks that a refresh only narrows,
//!   and formats the `scope` of a token response.
//! - Decisions: an [`Authorizer`] holds a token's scopes, launch context and
//!   [`labels::SecurityLabelPolicy`], and decides a [`Request`] before it
//!   runs ([`Authorizer::authorize`]) and each resource returned or written
//!   ([`Authorizer::authorize_resource`]).
//! - OAuth: [`discovery`] has the `.well-known/smart-configuration`
//!   document and the CapabilityStatement `oauth-uris` extension, [`token`]
//!   the token endpoint types, and [`authorize`] the app's authorization URL
//!   with PKCE.
//!
//! # Authorization rules
//!
//! From SMART App Launch 2.x:
//!
//! - `c` allows create; `r` read, vread and instance history; `u` update
//!   and patch; `d` delete; `s` type and system search and history.
//!   Permissions of different scopes add up per type.
//! - `patient/` scopes apply only inside the compartment of the patient in
//!   the launch context, and grant nothing without one. Types that are not
//!   members of the R4 patient compartment (Practitioner, Organization, ...)
//!   are outside every patient compartment.
//! - `user/` and `system/` scopes grant the type as a whole. The server
//!   still applies the user's own permissions or the client's policy, which
//!   this crate does not model.
//! - A query restriction allows only resources that match it.
//! - Batch and transaction entries are decided one by one, and a
//!   transaction is denied when any entry is.
//!
//! Choices this crate makes where the specification has no rule:
//!
//! - `Patient/{id}/$everything` is allowed when the scopes grant `r` and
//!   `s` on at least one type for that patient (the context patient under
//!   `patient/` scopes). Its results are limited to the types granted both
//!   `r` and `s` by an unrestricted scope. Restricted scopes do not count,
//!   because one `$everything` call cannot apply a filter per type.
//! - `$export` needs `system/` scopes. Its types are those granted `r` and
//!   `s` by unrestricted `system/` scopes, and a `_type` outside them is
//!   denied.
//! - Other operations are denied, so the server must decide them itself.
//! - A search with `_revinclude`, an `_include` naming its target type, or
//!   `_has` is denied when no usable scope grants the named type at all.
//!   Included resources of other types are checked one by one.
//! - A search under `patient/` scopes alone that names another patient
//!   (`subject=Patient/other`) is denied instead of returning nothing.
//! - A system-level search or history is allowed only when every type it
//!   can return is granted without narrowing.
//! - Resources whose `meta.security` carries 42 CFR Part 2 or the
//!   confidentiality codes `R` or `V` are withheld by the default label
//!   policy ([`labels::WithholdSensitive`]).
//!
//! [`Authorizer::authorize`] decides a request before it runs. Every
//! resource that the server then returns (including `_include` results) or
//! writes must pass [`Authorizer::authorize_resource`], which applies
//! compartment membership, query restrictions and the security label policy
//! to the resource itself.

pub mod authorize;
mod authorizer;
pub mod compartment;
mod decision;
pub mod discovery;
mod error;
pub mod labels;
mod request;
mod restriction;
mod scope;
mod scope_set;
pub mod token;

pub use authorizer::Authorizer;
pub use compartment::CompartmentFilter;
pub use decision::{Decision, DenyReason, Narrowing};
pub use error::{RestrictionProblem, ScopeError, ScopeWarning, TokenProblem};
pub use request::{LaunchContext, OperationTarget, Request, ResourceAccess};
pub use restriction::{QueryRestriction, RestrictionParam, RestrictionValue};
pub use scope::{
    LaunchContextScope, ParseMode, Permission, Permissions, ResourceScope, Scope, ScopeContext,
    ScopeSyntax,
};
pub use scope_set::{ParseOptions, ParsedScopes, ScopeLimits, ScopeRequestError, ScopeSet};
