//! Validation of a resource, as JSON, against the snapshot rules of a
//! compiled-in profile.
//!
//! The validator walks the profile's element tree and the JSON together.
//! Elements that the snapshot does not list (the parts of a datatype that the
//! profile leaves alone) are not visited, so only the profile's own rules and
//! the base rules repeated in its snapshot are checked. Invariants
//! (`constraint` FHIRPath expressions), non-required bindings and reference
//! targets are not checked.
//!
//! NOTE: slice order (`slicing.ordered`) is not checked either.

use std::collections::HashMap;
use std::fmt;

use serde_json::{Map, Value};

use super::{DiscriminatorKind, ElementRule, Profile, SlicingRules, find, guides};
use crate::primitives::Primitive;
use crate::r4::{IssueSeverity, IssueType, OperationOutcome, OperationOutcomeIssue, Resource};

/// The kind of profile rule that a [`Violation`] breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConstraintKind {
    /// An element occurs fewer than `min` or more than `max` times.
    Cardinality,
    /// A value differs from the element's `fixed[x]`.
    Fixed,
    /// A value does not contain the element's `pattern[x]`.
    Pattern,
    /// A code is not in the value set of a required binding.
    Binding,
    /// A slice occurs too few or too many times, or an occurrence matches no
    /// slice of a closed slicing.
    Slice,
    /// A value has a type the element does not allow, or the resource is not
    /// of the profile's type.
    Type,
    /// The profile is not compiled in.
    Profile,
}

/// One broken profile rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The FHIRPath of the offending element, with indexes for repeated
    /// elements (`ExplanationOfBenefit.supportingInfo[2].category`). For a
    /// missing element, the path it would have.
    pub path: String,
    /// The kind of rule broken.
    pub constraint: ConstraintKind,
    /// A description of the expected value and the value found.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for Violation {}

impl From<Vec<Violation>> for OperationOutcome {
    /// Builds one `error` issue per violation, with the message as
    /// `diagnostics` and the path as `expression`.
    fn from(violations: Vec<Violation>) -> Self {
        let issue = violations
            .into_iter()
            .map(|violation| {
                let code = match violation.constraint {
                    ConstraintKind::Cardinality | ConstraintKind::Slice | ConstraintKind::Type => {
                        IssueType::Structure
                    }
                    ConstraintKind::Fixed | ConstraintKind::Pattern => IssueType::Value,
                    ConstraintKind::Binding => IssueType::CodeInvalid,
                    ConstraintKind::Profile => IssueType::NotFound,
                };
                OperationOutcomeIssue {
                    severity: Some(Primitive::new(IssueSeverity::Error)),
                    code: Some(Primitive::new(code)),
                    diagnostics: Some(Primitive::new(violation.message)),
                    expression: vec![Primitive::new(violation.path)],
                    ..OperationOutcomeIssue::default()
                }
            })
            .collect();
        OperationOutcome {
            issue,
            ..OperationOutcome::default()
        }
    }
}

/// Validates `resource` against the compiled-in profile at `profile_url`
/// (a canonical URL, optionally followed by `|version`).
///
/// # Errors
///
/// Returns every violation found, in document order per element. A profile
/// that is not compiled in is one violation of kind
/// [`ConstraintKind::Profile`].
pub fn validate(resource: &Resource, profile_url: &str) -> Result<(), Vec<Violation>> {
    let json =
        match crate::json::to_vec(resource).map(|bytes| serde_json::from_slice::<Value>(&bytes)) {
            Ok(Ok(json)) => json,
            // The writer produces valid JSON for every resource, so this is
            // reported rather than expected.
            _ => {
                return Err(vec![Violation {
                    path: format!("{:?}", resource.resource_type()),
                    constraint: ConstraintKind::Type,
                    message: "the resource cannot be written as JSON".to_owned(),
                }]);
            }
        };
    validate_json(&json, profile_url)
}

/// Validates a resource given as JSON against the compiled-in profile at
/// `profile_url`. The JSON is not checked against the base resource type,
/// which [`crate::json::from_slice`] does.
///
/// # Errors
///
/// The same as [`validate`].
pub fn validate_json(resource: &Value, profile_url: &str) -> Result<(), Vec<Violation>> {
    let resource_type = resource
        .get("resourceType")
        .and_then(Value::as_str)
        .unwrap_or("Resource");
    let Some(profile) = find(profile_url) else {
        let compiled: Vec<&str> = guides().iter().map(|guide| guide.module).collect();
        return Err(vec![Violation {
            path: resource_type.to_owned(),
            constraint: ConstraintKind::Profile,
            message: format!(
                "profile {profile_url} is not compiled in; compiled-in guides: [{}]",
                compiled.join(", ")
            ),
        }]);
    };
    validate_json_against(resource, profile)
}

/// Validates `resource` against `profile`, which need not be compiled into
/// this crate: profiles generated in another crate work too.
///
/// # Errors
///
/// Returns every violation found, as [`validate`] does.
pub fn validate_against(
    resource: &Resource,
    profile: &'static Profile,
) -> Result<(), Vec<Violation>> {
    match crate::json::to_vec(resource).map(|bytes| serde_json::from_slice::<Value>(&bytes)) {
        Ok(Ok(json)) => validate_json_against(&json, profile),
        _ => Err(vec![Violation {
            path: format!("{:?}", resource.resource_type()),
            constraint: ConstraintKind::Type,
            message: "the resource cannot be written as JSON".to_owned(),
        }]),
    }
}

/// Validates a resource given as JSON against `profile`.
///
/// # Errors
///
/// Returns every violation found, as [`validate`] does.
pub fn validate_json_against(
    resource: &Value,
    profile: &'static Profile,
) -> Result<(), Vec<Violation>> {
    let resource_type = resource
        .get("resourceType")
        .and_then(Value::as_str)
        .unwrap_or("Resource");
    let mut validator = Validator::default();
    if resource_type != profile.base_type {
        validator.violations.push(Violation {
            path: resource_type.to_owned(),
            constraint: ConstraintKind::Type,
            message: format!(
                "expected a {} for profile {}, found a {resource_type}",
                profile.base_type, profile.url
            ),
        });
        return Err(validator.violations);
    }
    let item = Item::new(Some(resource), None, None, resource_type.to_owned());
    validator.check_children(
        profile,
        profile
            .elements
            .first()
            .map_or(resource_type, |root| root.id),
        &item,
    );
    if validator.violations.is_empty() {
        Ok(())
    } else {
        Err(validator.violations)
    }
}

/// Returns whether `value`, one occurrence of the sliced element at
/// `profile.elements[sliced]`, belongs to the slice at `profile.elements[slice]`.
/// Out-of-range indexes match nothing.
pub(crate) fn slice_matches(
    profile: &'static Profile,
    sliced: usize,
    slice: usize,
    value: &Value,
) -> bool {
    let (Some(sliced), Some(slice)) = (profile.elements.get(sliced), profile.elements.get(slice))
    else {
        return false;
    };
    let item = Item::new(Some(value), None, None, String::new());
    Validator::default().matches_slice(profile, sliced, slice, &item)
}

/// One occurrence of an element in the JSON: the value, its `_name`
/// sibling for primitives, and where it is.
#[derive(Debug, Clone)]
struct Item<'j> {
    /// The value, `None` for a primitive that has only `_name`.
    value: Option<&'j Value>,
    /// The `_name` object of a primitive (id and extensions).
    shadow: Option<&'j Value>,
    /// The JSON key, which names the type of a choice element (`valueCoding`).
    key: Option<String>,
    path: String,
}

impl<'j> Item<'j> {
    fn new(
        value: Option<&'j Value>,
        shadow: Option<&'j Value>,
        key: Option<String>,
        path: String,
    ) -> Self {
        let value = value.filter(|v| !v.is_null());
        Item {
            value,
            shadow,
            key,
            path,
        }
    }

    /// Returns the object whose members are the children: the value of a complex
    /// element, or the `_name` object of a primitive.
    fn object(&self) -> Option<&'j Map<String, Value>> {
        self.value
            .and_then(Value::as_object)
            .or_else(|| self.shadow.and_then(Value::as_object))
    }
}

/// The parent-child structure of one profile's elements.
struct Tree {
    /// Element indexes by parent id, slices left out.
    children: HashMap<&'static str, Vec<usize>>,
}

impl Tree {
    fn build(profile: &'static Profile) -> Tree {
        let mut children: HashMap<&'static str, Vec<usize>> = HashMap::new();
        for (index, element) in profile.elements.iter().enumerate().skip(1) {
            let Some((parent, last)) = element.id.rsplit_once('.') else {
                continue;
            };
            if last.contains(':') {
                continue;
            }
            children.entry(parent).or_default().push(index);
        }
        Tree { children }
    }
}

#[derive(Default)]
struct Validator {
    violations: Vec<Violation>,
    /// Trees by profile address: two versions of a guide share URLs.
    trees: HashMap<usize, Tree>,
}

impl Validator {
    fn tree(&mut self, profile: &'static Profile) -> &Tree {
        self.trees
            .entry(std::ptr::from_ref(profile) as usize)
            .or_insert_with(|| Tree::build(profile))
    }

    fn push(&mut self, path: &str, constraint: ConstraintKind, message: String) {
        self.violations.push(Violation {
            path: path.to_owned(),
            constraint,
            message,
        });
    }

    /// Checks the children of element `parent_id` in the occurrence `item`.
    fn check_children(&mut self, profile: &'static Profile, parent_id: &str, item: &Item<'_>) {
        let child_indexes = self
            .tree(profile)
            .children
            .get(parent_id)
            .cloned()
            .unwrap_or_default();
        for index in child_indexes {
            let rule = &profile.elements[index];
            let occurrences = collect(item, rule);
            let path = format!("{}.{}", item.path, rule.name().trim_end_matches("[x]"));
            self.check_element(profile, rule, &occurrences, &path, None);
        }
    }

    /// Checks every occurrence of the element `rule` within one parent:
    /// cardinality, slicing, then each value.
    fn check_element(
        &mut self,
        profile: &'static Profile,
        rule: &'static ElementRule,
        occurrences: &[Item<'_>],
        path: &str,
        slice_of: Option<&'static ElementRule>,
    ) {
        self.check_cardinality(rule, occurrences.len(), path, slice_of);
        self.check_choice_types(rule, occurrences);

        let slices: Vec<&'static ElementRule> = if rule.slicing.is_some() {
            profile.slices(rule.id).collect()
        } else {
            Vec::new()
        };
        if slices.is_empty() {
            for item in occurrences {
                self.check_value(profile, rule, item);
            }
            return;
        }

        let mut matched: Vec<Vec<Item<'_>>> = vec![Vec::new(); slices.len()];
        for item in occurrences {
            let slice = slices
                .iter()
                .position(|slice| self.matches_slice(profile, rule, slice, item));
            match slice {
                Some(index) => matched[index].push(item.clone()),
                None => {
                    if rule
                        .slicing
                        .as_ref()
                        .is_some_and(|s| s.rules == SlicingRules::Closed)
                    {
                        let names: Vec<&str> = slices.iter().filter_map(|s| s.slice_name).collect();
                        self.push(
                            &item.path,
                            ConstraintKind::Slice,
                            format!(
                                "matches no slice of the closed slicing; expected one of [{}]",
                                names.join(", ")
                            ),
                        );
                    }
                    self.check_value(profile, rule, item);
                }
            }
        }
        for (slice, items) in slices.iter().zip(&matched) {
            self.check_element(profile, slice, items, path, Some(rule));
        }
    }

    fn check_cardinality(
        &mut self,
        rule: &'static ElementRule,
        count: usize,
        path: &str,
        slice_of: Option<&'static ElementRule>,
    ) {
        let (constraint, what) = match (slice_of, rule.slice_name) {
            (Some(_), Some(name)) => (ConstraintKind::Slice, format!("slice {name}")),
            _ => (ConstraintKind::Cardinality, "element".to_owned()),
        };
        let max = rule.max.map_or_else(|| "*".to_owned(), |m| m.to_string());
        let count_u32 = u32::try_from(count).unwrap_or(u32::MAX);
        if count_u32 < rule.min {
            self.push(
                path,
                constraint,
                format!(
                    "{what} occurs {count} times; expected {}..{max} ({})",
                    rule.min, rule.id
                ),
            );
        }
        if rule.max.is_some_and(|max| count_u32 > max) {
            self.push(
                path,
                constraint,
                format!(
                    "{what} occurs {count} times; expected {}..{max} ({})",
                    rule.min, rule.id
                ),
            );
        }
    }

    /// Checks that the JSON key of a choice element names an allowed type.
    fn check_choice_types(&mut self, rule: &'static ElementRule, occurrences: &[Item<'_>]) {
        let Some(base) = rule.name().strip_suffix("[x]") else {
            return;
        };
        if rule.types.is_empty() {
            return;
        }
        for item in occurrences {
            let Some(key) = &item.key else { continue };
            let suffix = key.strip_prefix(base).unwrap_or(key);
            if !rule.types.iter().any(|t| capitalized(t.code) == suffix) {
                let allowed: Vec<String> = rule
                    .types
                    .iter()
                    .map(|t| format!("{base}{}", capitalized(t.code)))
                    .collect();
                self.push(
                    &item.path,
                    ConstraintKind::Type,
                    format!(
                        "{key} is not allowed here; expected one of [{}]",
                        allowed.join(", ")
                    ),
                );
            }
        }
    }

    /// Checks fixed, pattern and binding of one occurrence, then its children.
    fn check_value(
        &mut self,
        profile: &'static Profile,
        rule: &'static ElementRule,
        item: &Item<'_>,
    ) {
        if let (Some((type_suffix, text)), Some(value)) = (rule.fixed, item.value) {
            if let Ok(expected) = serde_json::from_str::<Value>(text) {
                if !json_equal(value, &expected) {
                    self.push(
                        &item.path,
                        ConstraintKind::Fixed,
                        format!("expected the fixed {type_suffix} {text}, found {value}"),
                    );
                }
            }
        }
        if let (Some((type_suffix, text)), Some(value)) = (rule.pattern, item.value) {
            if let Ok(expected) = serde_json::from_str::<Value>(text) {
                if !pattern_matches(value, &expected) {
                    self.push(
                        &item.path,
                        ConstraintKind::Pattern,
                        format!("expected a {type_suffix} that contains the pattern {text}, found {value}"),
                    );
                }
            }
        }
        if let (Some(binding), Some(value)) = (&rule.binding, item.value) {
            if let Some(codes) = binding.codes {
                if !binding_matches(value, codes) {
                    self.push(
                        &item.path,
                        ConstraintKind::Binding,
                        format!(
                            "{value} has no code from the required value set {}",
                            binding.value_set
                        ),
                    );
                }
            }
        }

        if rule.content_reference.is_some() {
            return;
        }
        let has_children = self.tree(profile).children.contains_key(rule.id);
        if has_children {
            self.check_children(profile, rule.id, item);
            return;
        }
        // An extension slice names its definition as a type profile; its
        // content is checked against that definition when it is compiled in.
        let extension_profile = rule
            .types
            .iter()
            .filter(|t| t.code == "Extension")
            .flat_map(|t| t.profiles.iter())
            .find_map(|url| find(url))
            .filter(|definition| definition.url != profile.url);
        if let Some(definition) = extension_profile {
            if let Some(root) = definition.elements.first() {
                self.check_children(definition, root.id, item);
            }
        }
    }

    /// Returns whether `item`, an occurrence of the sliced element `sliced`, belongs
    /// to `slice`.
    fn matches_slice(
        &mut self,
        profile: &'static Profile,
        sliced: &'static ElementRule,
        slice: &'static ElementRule,
        item: &Item<'_>,
    ) -> bool {
        let Some(slicing) = &sliced.slicing else {
            return false;
        };
        // A type slice of a choice element is named after its JSON key
        // (`timing[x]:timingPeriod`).
        if sliced.name().ends_with("[x]") {
            if let (Some(key), Some(name)) = (&item.key, slice.slice_name) {
                let by_type = slice.types.iter().any(|t| {
                    key.strip_prefix(sliced.name().trim_end_matches("[x]"))
                        == Some(capitalized(t.code).as_str())
                });
                return key == name
                    || (by_type
                        && slicing
                            .discriminators
                            .iter()
                            .all(|d| d.kind == DiscriminatorKind::Type));
            }
        }
        if slicing.discriminators.is_empty() {
            return false;
        }
        slicing.discriminators.iter().all(|discriminator| {
            self.discriminator_matches(profile, slice, discriminator.kind, discriminator.path, item)
        })
    }

    fn discriminator_matches(
        &mut self,
        profile: &'static Profile,
        slice: &'static ElementRule,
        kind: DiscriminatorKind,
        path: &str,
        item: &Item<'_>,
    ) -> bool {
        let Some(values) = values_at(item.value, path) else {
            // NOTE: discriminator paths with functions other than
            // `extension(url)` (such as `resolve()`) are not evaluated, so no
            // occurrence matches such a slice.
            return false;
        };
        let target = if path == "$this" {
            Some(slice)
        } else {
            element_at(profile, slice, path)
        };

        match kind {
            DiscriminatorKind::Value | DiscriminatorKind::Pattern => {
                if let Some(target) = target {
                    if let Some((_, text)) = target.fixed.or(target.pattern) {
                        let Ok(expected) = serde_json::from_str::<Value>(text) else {
                            return false;
                        };
                        return values.iter().any(|v| {
                            if target.fixed.is_some() {
                                json_equal(v, &expected)
                            } else {
                                pattern_matches(v, &expected)
                            }
                        });
                    }
                    if let Some(codes) = target.binding.as_ref().and_then(|b| b.codes) {
                        return values.iter().any(|v| binding_matches(v, codes));
                    }
                }
                // An extension slice often leaves `url` out of the snapshot;
                // the definition URL in its type is the discriminating value.
                if path == "url" {
                    let urls = slice.types.iter().flat_map(|t| t.profiles.iter());
                    return urls
                        .into_iter()
                        .any(|url| values.iter().any(|v| v.as_str() == Some(url)));
                }
                false
            }
            DiscriminatorKind::Exists => {
                let Some(target) = target else { return false };
                if target.min >= 1 {
                    !values.is_empty()
                } else if target.max == Some(0) {
                    values.is_empty()
                } else {
                    false
                }
            }
            DiscriminatorKind::Type => {
                let Some(target) = target else { return false };
                values.iter().any(|v| {
                    let resource_type = v.get("resourceType").and_then(Value::as_str);
                    target.types.iter().any(|t| Some(t.code) == resource_type)
                })
            }
            DiscriminatorKind::Profile => {
                let Some(target) = target else { return false };
                let profiles: Vec<&'static Profile> = target
                    .types
                    .iter()
                    .flat_map(|t| t.profiles.iter())
                    .filter_map(|url| super::find_near(url, profile))
                    .collect();
                values.iter().any(|value| {
                    profiles.iter().any(|candidate| {
                        let mut inner = Validator::default();
                        let item = Item::new(Some(value), None, None, String::new());
                        if let Some(root) = candidate.elements.first() {
                            inner.check_children(candidate, root.id, &item);
                        }
                        inner.violations.is_empty()
                    })
                })
            }
        }
    }
}

/// Returns the occurrences of element `rule` in `parent`.
fn collect<'j>(parent: &Item<'j>, rule: &ElementRule) -> Vec<Item<'j>> {
    let Some(object) = parent.object() else {
        return Vec::new();
    };
    let name = rule.name();
    if let Some(base) = name.strip_suffix("[x]") {
        let mut out = Vec::new();
        for (key, value) in object {
            let is_choice_key = |key: &str| {
                key.strip_prefix(base)
                    .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
            };
            if is_choice_key(key) {
                let shadow = object.get(&format!("_{key}"));
                out.push(Item::new(
                    Some(value),
                    shadow,
                    Some(key.clone()),
                    format!("{}.{key}", parent.path),
                ));
            } else if let Some(plain) = key.strip_prefix('_') {
                if is_choice_key(plain) && !object.contains_key(plain) {
                    out.push(Item::new(
                        None,
                        Some(value),
                        Some(plain.to_owned()),
                        format!("{}.{plain}", parent.path),
                    ));
                }
            }
        }
        return out;
    }
    let value = object.get(name);
    let shadow = object.get(&format!("_{name}"));
    let values = value.and_then(Value::as_array);
    let shadows = shadow.and_then(Value::as_array);
    if values.is_some() || shadows.is_some() {
        let count = values.map_or(0, Vec::len).max(shadows.map_or(0, Vec::len));
        return (0..count)
            .map(|i| {
                Item::new(
                    values.and_then(|v| v.get(i)),
                    shadows.and_then(|s| s.get(i)),
                    None,
                    format!("{}.{name}[{i}]", parent.path),
                )
            })
            .filter(|item| item.value.is_some() || item.shadow.is_some_and(|s| !s.is_null()))
            .collect();
    }
    if value.is_some() || shadow.is_some() {
        return vec![Item::new(
            value,
            shadow,
            None,
            format!("{}.{name}", parent.path),
        )];
    }
    Vec::new()
}

/// Returns the values at a discriminator `path` below `value`, or `None` when the
/// path uses a function this validator does not evaluate.
fn values_at<'j>(value: Option<&'j Value>, path: &str) -> Option<Vec<&'j Value>> {
    let mut current: Vec<&'j Value> = value.into_iter().collect();
    if path == "$this" {
        return Some(current);
    }
    for segment in split_path(path) {
        if segment == "$this" {
            continue;
        }
        if let Some(url) = extension_url(segment) {
            current = current
                .into_iter()
                .filter_map(|v| v.get("extension"))
                .flat_map(flatten)
                .filter(|ext| ext.get("url").and_then(Value::as_str) == Some(url))
                .collect();
            continue;
        }
        if segment.contains('(') {
            return None;
        }
        current = current
            .into_iter()
            .filter_map(|v| choice_or_member(v, segment))
            .flat_map(flatten)
            .collect();
    }
    Some(current)
}

/// Returns the member `name` of `value`, or for `name[x]` (or a bare choice name)
/// the first member of that choice.
fn choice_or_member<'j>(value: &'j Value, name: &str) -> Option<&'j Value> {
    let object = value.as_object()?;
    let base = name.trim_end_matches("[x]");
    object.get(base).or_else(|| {
        object.iter().find_map(|(key, v)| {
            key.strip_prefix(base)
                .filter(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
                .map(|_| v)
        })
    })
}

fn flatten(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

/// Splits a FHIRPath on dots outside parentheses and quotes.
fn split_path(path: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut quoted = false;
    let mut start = 0;
    for (i, c) in path.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth = depth.saturating_sub(1),
            '.' if !quoted && depth == 0 => {
                out.push(&path[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&path[start..]);
    out
}

/// Returns the URL of an `extension('url')` path segment.
fn extension_url(segment: &str) -> Option<&str> {
    let inner = segment.strip_prefix("extension(")?.strip_suffix(')')?;
    inner.strip_prefix('\'')?.strip_suffix('\'')
}

/// Returns the element that a discriminator path names within `slice`, following
/// `extension(url)` segments to the extension slice with that definition.
fn element_at(
    profile: &'static Profile,
    slice: &'static ElementRule,
    path: &str,
) -> Option<&'static ElementRule> {
    let mut id = slice.id.to_owned();
    let mut element = slice;
    for segment in split_path(path) {
        if segment == "$this" {
            continue;
        }
        if let Some(url) = extension_url(segment) {
            let extension_id = format!("{id}.extension");
            element = profile
                .slices(&extension_id)
                .find(|s| s.types.iter().any(|t| t.profiles.contains(&url)))?;
            id = element.id.to_owned();
            continue;
        }
        let child_id = format!("{id}.{segment}");
        element = profile.element(&child_id).or_else(|| {
            // A choice element keeps `[x]` in its id.
            let base = segment.trim_end_matches("[x]");
            profile.element(&format!("{id}.{base}[x]"))
        })?;
        id = element.id.to_owned();
    }
    Some(element)
}

/// Equality of JSON values, with numbers compared by value (`1.0` equals `1`).
fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_equal(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, p)| y.get(key).is_some_and(|q| json_equal(p, q)))
        }
        _ => a == b,
    }
}

/// Returns whether `value` contains `pattern`: every member of a pattern object is
/// matched by the same member of the value, every item of a pattern array by
/// some item of the value, and primitives are equal.
fn pattern_matches(value: &Value, pattern: &Value) -> bool {
    match (value, pattern) {
        (Value::Object(v), Value::Object(p)) => p.iter().all(|(key, expected)| {
            v.get(key)
                .is_some_and(|actual| pattern_matches(actual, expected))
        }),
        (Value::Array(v), Value::Array(p)) => p
            .iter()
            .all(|expected| v.iter().any(|a| pattern_matches(a, expected))),
        (Value::Array(v), p) => v.iter().any(|a| pattern_matches(a, p)),
        _ => json_equal(value, pattern),
    }
}

/// Returns whether a code, Coding or CodeableConcept has a code from `codes`. Other
/// values (such as a Quantity) are not checked and match.
fn binding_matches(value: &Value, codes: &[super::Code]) -> bool {
    let coding_matches = |coding: &Value| {
        let Some(code) = coding.get("code").and_then(Value::as_str) else {
            return false;
        };
        let system = coding.get("system").and_then(Value::as_str);
        codes
            .iter()
            .any(|c| c.code == code && system.is_none_or(|s| s == c.system))
    };
    match value {
        Value::String(code) => codes.iter().any(|c| c.code == code),
        Value::Object(object) => {
            if let Some(codings) = object.get("coding").and_then(Value::as_array) {
                codings.iter().any(coding_matches)
            } else if object.contains_key("code") && !object.contains_key("value") {
                coding_matches(value)
            } else {
                !object.contains_key("text")
            }
        }
        _ => true,
    }
}

/// `code` with its first letter in upper case, as in a choice JSON key.
fn capitalized(code: &str) -> String {
    let mut chars = code.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pattern_matches_subset() {
        let value = json!({"coding": [{"system": "s", "code": "a", "display": "A"}, {"system": "t", "code": "b"}]});
        assert!(pattern_matches(
            &value,
            &json!({"coding": [{"system": "t", "code": "b"}]})
        ));
        assert!(!pattern_matches(
            &value,
            &json!({"coding": [{"system": "t", "code": "a"}]})
        ));
    }

    #[test]
    fn fixed_compares_numbers_by_value() {
        assert!(json_equal(&json!({"value": 1.0}), &json!({"value": 1})));
        assert!(!json_equal(
            &json!({"value": 1, "unit": "x"}),
            &json!({"value": 1})
        ));
    }

    #[test]
    fn split_path_keeps_function_arguments() {
        assert_eq!(
            split_path("extension('http://a.b/c').value"),
            vec!["extension('http://a.b/c')", "value"]
        );
        assert_eq!(
            extension_url("extension('http://a.b/c')"),
            Some("http://a.b/c")
        );
    }

    #[test]
    fn unknown_profile_is_a_violation() {
        let errors = validate_json(
            &json!({"resourceType": "Patient"}),
            "http://example.org/none",
        )
        .unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].constraint, ConstraintKind::Profile);
    }
}
