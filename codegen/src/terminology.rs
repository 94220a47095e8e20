//! Listing the codes of a ValueSet from the CodeSystems at hand.

use std::collections::HashSet;

use crate::Definitions;
use crate::definitions::{ComposeRule, Concept};

/// One code of an expanded ValueSet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpandedCode {
    pub system: String,
    pub code: String,
    pub display: Option<String>,
}

/// The ValueSets and CodeSystems of a definitions set.
pub struct Terminology<'a> {
    defs: &'a Definitions,
}

/// ValueSets larger than this are left as plain codes: an enum of thousands
/// of variants costs compile time without helping callers.
const MAX_ENUM_CODES: usize = 600;

impl<'a> Terminology<'a> {
    pub fn new(defs: &'a Definitions) -> Self {
        Terminology { defs }
    }

    /// Returns the `name` of the ValueSet at `url`.
    pub fn value_set_name(&self, url: &str) -> Option<&'a str> {
        self.defs.value_set(url)?.name.as_deref()
    }

    /// Lists every code of the ValueSet at `url`, or returns `None` when the
    /// set cannot be listed from local definitions: a filter, a CodeSystem
    /// that is missing or not complete, or too many codes.
    pub fn expand(&self, url: &str) -> Option<Vec<ExpandedCode>> {
        let mut visiting = HashSet::new();
        let codes = self.expand_inner(url, &mut visiting)?;
        (codes.len() <= MAX_ENUM_CODES).then_some(codes)
    }

    fn expand_inner(&self, url: &str, visiting: &mut HashSet<String>) -> Option<Vec<ExpandedCode>> {
        let url = url.split('|').next().unwrap_or(url);
        if !visiting.insert(url.to_owned()) {
            return None;
        }
        let value_set = self.defs.value_set(url)?;
        let compose = value_set.compose.as_ref()?;
        let mut codes: Vec<ExpandedCode> = Vec::new();
        for rule in &compose.include {
            for code in self.rule_codes(rule, visiting)? {
                if !codes
                    .iter()
                    .any(|c| c.code == code.code && c.system == code.system)
                {
                    codes.push(code);
                }
            }
        }
        for rule in &compose.exclude {
            let excluded = self.rule_codes(rule, visiting)?;
            codes.retain(|c| {
                !excluded
                    .iter()
                    .any(|e| e.code == c.code && e.system == c.system)
            });
        }
        visiting.remove(url);
        Some(codes)
    }

    fn rule_codes(
        &self,
        rule: &ComposeRule,
        visiting: &mut HashSet<String>,
    ) -> Option<Vec<ExpandedCode>> {
        if !rule.filter.is_empty() {
            return None;
        }
        let mut from_system = match &rule.system {
            None => None,
            Some(system) if !rule.concept.is_empty() => Some(
                rule.concept
                    .iter()
                    .map(|c| ExpandedCode {
                        system: system.clone(),
                        code: c.code.clone(),
                        display: c.display.clone(),
                    })
                    .collect::<Vec<_>>(),
            ),
            Some(system) => {
                let code_system = self.defs.code_system(system)?;
                if code_system.content.as_deref() != Some("complete") {
                    return None;
                }
                let mut out = Vec::new();
                flatten(system, &code_system.concept, &mut out);
                Some(out)
            }
        };
        // Value sets named in the same rule intersect with the system part.
        for nested in &rule.value_set {
            let nested_codes = self.expand_inner(nested, visiting)?;
            from_system = Some(match from_system {
                None => nested_codes,
                Some(current) => current
                    .into_iter()
                    .filter(|c| {
                        nested_codes
                            .iter()
                            .any(|n| n.code == c.code && n.system == c.system)
                    })
                    .collect(),
            });
        }
        from_system
    }
}

fn flatten(system: &str, concepts: &[Concept], out: &mut Vec<ExpandedCode>) {
    for concept in concepts {
        out.push(ExpandedCode {
            system: system.to_owned(),
            code: concept.code.clone(),
            display: concept.display.clone(),
        });
        flatten(system, &concept.concept, out);
    }
}
