//! Access to other resources and to terminology during matching.

use crate::r4::{Resource, ResourceType};
use crate::search::extract::{self, IndexValue};
use crate::search::registry::SearchParamDef;

/// Other resources and terminology that matching consults: the targets of
/// chains, the referring resources of `_has`, the entries of `_list`, and
/// value sets and code hierarchies for `:in`, `:not-in`, `:above` and
/// `:below`.
///
/// The terminology methods return `None` when the resolver has no data for
/// the request, which makes matching fail with
/// [`MatchError::TerminologyUnavailable`](super::MatchError::TerminologyUnavailable)
/// rather than treat the code as not matching.
pub trait Resolver {
    /// Returns the current version of the resource `resource_type/id`, if
    /// it exists.
    fn resolve(&self, resource_type: ResourceType, id: &str) -> Option<&Resource>;

    /// Returns the resources of type `source` whose reference parameter
    /// `param` points at `target_type/target_id`.
    fn referencing(
        &self,
        source: ResourceType,
        param: &'static SearchParamDef,
        target_type: ResourceType,
        target_id: &str,
    ) -> Vec<&Resource>;

    /// Returns the `(type, id)` of each entry of the List with id
    /// `list_id`, or `None` when there is no such List.
    fn list_members(&self, list_id: &str) -> Option<Vec<(ResourceType, String)>> {
        let _ = list_id;
        None
    }

    /// Returns whether `system|code` is in the value set with canonical URL
    /// `value_set`, or `None` when the resolver has no data for the value set.
    fn in_value_set(&self, value_set: &str, system: Option<&str>, code: &str) -> Option<bool> {
        let _ = (value_set, system, code);
        None
    }

    /// Returns whether `ancestor` subsumes (or equals) `descendant` in
    /// `system`, or `None` when the resolver has no data for the code system.
    fn subsumes(&self, system: Option<&str>, ancestor: &str, descendant: &str) -> Option<bool> {
        let _ = (system, ancestor, descendant);
        None
    }
}

/// A [`Resolver`] over a slice of resources, found by linear scans. It
/// serves chains, `_has` and `_list` (from List resources in the slice),
/// and has no terminology.
#[derive(Debug, Clone, Copy)]
pub struct MemoryResolver<'a> {
    resources: &'a [Resource],
}

impl<'a> MemoryResolver<'a> {
    /// Creates a resolver over `resources`.
    pub fn new(resources: &'a [Resource]) -> Self {
        Self { resources }
    }

    fn find(&self, resource_type: ResourceType, id: &str) -> Option<&'a Resource> {
        self.resources.iter().find(|resource| {
            resource.resource_type() == resource_type
                && resource.id().is_some_and(|found| found.as_str() == id)
        })
    }
}

impl Resolver for MemoryResolver<'_> {
    fn resolve(&self, resource_type: ResourceType, id: &str) -> Option<&Resource> {
        self.find(resource_type, id)
    }

    fn referencing(
        &self,
        source: ResourceType,
        param: &'static SearchParamDef,
        target_type: ResourceType,
        target_id: &str,
    ) -> Vec<&Resource> {
        self.resources
            .iter()
            .filter(|resource| resource.resource_type() == source)
            .filter(|resource| {
                extract::extract(resource, param).iter().any(|value| {
                    matches!(value, IndexValue::Reference(reference)
                        if reference.resource_type == Some(target_type)
                            && reference.id.as_deref() == Some(target_id)
                            && !reference.reference.as_deref().is_some_and(|text| text.starts_with('#')))
                })
            })
            .collect()
    }

    fn list_members(&self, list_id: &str) -> Option<Vec<(ResourceType, String)>> {
        let list = self.find(ResourceType::List, list_id)?;
        let Resource::List(list) = list else {
            return None;
        };
        let members = list
            .entry
            .iter()
            .filter_map(|entry| entry.item.as_ref()?.reference.as_ref()?.value())
            .filter_map(|reference| {
                let (type_name, id) = reference.rsplit_once('/')?;
                let type_name = type_name.rsplit('/').next()?;
                Some((ResourceType::from_name(type_name)?, id.to_owned()))
            })
            .collect();
        Some(members)
    }
}
