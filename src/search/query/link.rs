//! The canonical query string of a parsed search, for the self link.

use super::escape::push_percent_encoded;
use super::value::write_value;
use super::{Include, Search};

impl Search {
    /// Writes the canonical query string, without a leading `?`.
    ///
    /// It lists only what the search applies: `_type`, the criteria in the
    /// order of [`Search::criteria`], `_include`, `_revinclude`, `_sort`,
    /// `_count`, `_summary`, `_elements`, `_total`, `_contained` and
    /// `_containedType`. Ignored parameters are left out, chains name their
    /// target type, references on the server's base are relative, and
    /// values are FHIR-escaped and then percent-encoded (a `+` becomes
    /// `%2B`). [`Search::parse`] of the result gives a search equal to this
    /// one, apart from the warnings.
    pub fn to_query_string(&self) -> String {
        let mut query = String::new();
        let mut value = String::new();

        if !self.types.is_empty() {
            let names: Vec<&str> = self.types.iter().map(|t| t.as_str()).collect();
            push_pair(&mut query, "_type", &names.join(","));
        }
        for criterion in &self.criteria {
            value.clear();
            for (index, alternative) in criterion.values.iter().enumerate() {
                if index > 0 {
                    value.push(',');
                }
                write_value(&mut value, alternative);
            }
            push_pair(&mut query, &criterion.name(), &value);
        }
        for include in &self.includes {
            push_include(&mut query, "_include", include);
        }
        for include in &self.revincludes {
            push_include(&mut query, "_revinclude", include);
        }
        if !self.sort.is_empty() {
            value.clear();
            for (index, key) in self.sort.iter().enumerate() {
                if index > 0 {
                    value.push(',');
                }
                if key.descending {
                    value.push('-');
                }
                value.push_str(key.param.code);
            }
            push_pair(&mut query, "_sort", &value);
        }
        if let Some(count) = self.count {
            push_pair(&mut query, "_count", &count.to_string());
        }
        if let Some(summary) = self.summary {
            push_pair(&mut query, "_summary", summary.as_str());
        }
        if !self.elements.is_empty() {
            push_pair(&mut query, "_elements", &self.elements.join(","));
        }
        if let Some(total) = self.total {
            push_pair(&mut query, "_total", total.as_str());
        }
        if let Some(contained) = self.contained {
            push_pair(&mut query, "_contained", contained.as_str());
        }
        if let Some(contained_type) = self.contained_type {
            push_pair(&mut query, "_containedType", contained_type.as_str());
        }
        query
    }

    /// Returns the self link: `base_url`, the searched type (none for a
    /// search across all types), `?` and [`Search::to_query_string`].
    pub fn self_link(&self, base_url: &str) -> String {
        let mut link = base_url.trim_end_matches('/').to_owned();
        if let Some(resource_type) = self.resource_type {
            link.push('/');
            link.push_str(resource_type.as_str());
        }
        link.push('?');
        link.push_str(&self.to_query_string());
        link
    }
}

fn push_include(query: &mut String, name: &str, include: &Include) {
    let name = if include.iterate {
        format!("{name}:iterate")
    } else {
        name.to_owned()
    };
    let mut value = format!("{}:{}", include.source, include.param.code);
    if let Some(target) = include.target {
        value.push(':');
        value.push_str(target.as_str());
    }
    push_pair(query, &name, &value);
}

fn push_pair(query: &mut String, name: &str, value: &str) {
    if !query.is_empty() {
        query.push('&');
    }
    push_percent_encoded(query, name);
    query.push('=');
    push_percent_encoded(query, value);
}
