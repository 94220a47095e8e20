//! Emitting typed Rust structs for the profiles and extension definitions
//! of a guide, next to the profile tables of [`crate::profiles`].
//!
//! The generated code is plain text, in the style of the tables, and uses
//! the support module `profiles::typed::__private` of the runtime crate
//! (`crate` inside fhir-payer, `::fhir_payer` in a user's crate). The naming
//! scheme is documented in fhir-payer's `profiles` module.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use crate::definitions::{ElementDefinition, StructureDefinition};
use crate::model::{ChoiceDef, Field, FieldType, StructDef, StructKind, TypeSpace, ValueType};
use crate::names;
use crate::terminology::Terminology;

mod slice_test;

/// The core types and the names shared by every guide in one output file.
pub(crate) struct TypedContext<'a> {
    structs: HashMap<&'a str, &'a StructDef>,
    extension_value: Option<&'a ChoiceDef>,
    choices: HashMap<&'a str, &'a ChoiceDef>,
    /// The value set URLs that have a code enum in `r4`.
    r4_value_sets: HashSet<&'a str>,
    /// The path of the runtime crate: `crate` or `::fhir_payer`.
    root: String,
    /// Extension definition URL to (module, type name) of each guide of the
    /// output file that defines it, in the order the guides were added.
    pub(crate) extension_types: HashMap<String, Vec<(String, String)>>,
    /// Module name to the package of its guide: id, version and the
    /// `dependencies` of its `package.json`.
    pub(crate) guide_packages: HashMap<String, GuidePackage>,
}

/// The package identity of one guide in the output file.
pub(crate) struct GuidePackage {
    pub(crate) id: String,
    pub(crate) version: String,
    /// The `dependencies` of `package.json`, as (id, version) pairs.
    pub(crate) dependencies: Vec<(String, String)>,
}

impl GuidePackage {
    /// Returns whether this package satisfies the dependency `(id, version)`.
    /// An npm alias such as `hl7.fhir.us.core.v311` names the package
    /// `hl7.fhir.us.core`.
    fn satisfies(&self, id: &str, version: &str) -> bool {
        let same_id = id == self.id
            || id
                .strip_prefix(self.id.as_str())
                .is_some_and(|rest| rest.starts_with('.'));
        same_id && version == self.version
    }
}

impl<'a> TypedContext<'a> {
    pub(crate) fn new(space: &'a TypeSpace, root: &str) -> Self {
        TypedContext {
            structs: space.structs.iter().map(|s| (s.name.as_str(), s)).collect(),
            extension_value: space
                .choices
                .iter()
                .find(|choice| choice.path == "Extension.value[x]"),
            choices: space.choices.iter().map(|c| (c.name.as_str(), c)).collect(),
            r4_value_sets: space
                .code_enums
                .iter()
                .map(|e| e.value_set.as_str())
                .collect(),
            root: root.to_owned(),
            extension_types: HashMap::new(),
            guide_packages: HashMap::new(),
        }
    }

    /// Returns the path of the runtime crate.
    pub(crate) fn root(&self) -> &str {
        &self.root
    }

    /// Returns the Rust type of `value`, with `crate` replaced by the runtime root.
    fn value_type(&self, value: &ValueType) -> String {
        self.rooted(crate::emit_types::value_type(value).to_string())
    }

    fn rooted(&self, tokens: String) -> String {
        tokens
            .replace("crate ::", &format!("{} ::", self.root))
            .replace(" :: ", "::")
            .replace(" < ", "<")
            .replace(" >", ">")
    }

    /// Returns the Rust type of one value of `field`, ignoring its cardinality.
    fn item_type(&self, field: &Field) -> String {
        match &field.ty {
            FieldType::Single(value) => self.value_type(value),
            FieldType::Choice(name) => format!("{}::r4::{name}", self.root),
        }
    }

    /// Returns the struct at `path` (`ExplanationOfBenefit.item`) under the resource
    /// struct `base`, following field types.
    fn struct_at(&self, base: &'a StructDef, path: &str) -> Option<&'a StructDef> {
        let mut current = base;
        for segment in path.split('.').skip(1) {
            let field = self.field(current, segment)?;
            let FieldType::Single(ValueType::Complex(name)) = &field.ty else {
                return None;
            };
            current = self.structs.get(name.as_str())?;
        }
        Some(current)
    }

    /// Returns the struct of the element `parent_id` (slice names allowed) under
    /// `base` and its field `segment`.
    fn parent_field(
        &self,
        base: &'a StructDef,
        parent_id: &str,
        segment: &str,
    ) -> Option<(&'a StructDef, &'a Field)> {
        let parent = self.struct_at(base, &without_slices(parent_id))?;
        Some((parent, self.field(parent, segment)?))
    }

    fn field(&self, def: &'a StructDef, segment: &str) -> Option<&'a Field> {
        let json_name = segment.trim_end_matches("[x]");
        def.fields.iter().find(|f| f.json_name == json_name)
    }

    /// Returns the (module, type name) of the extension definition `url` for
    /// the profiles of the guide in module `module`. The guide's own
    /// definition comes first, then the one of the package version that the
    /// guide's `package.json` depends on, then the one of the newest version
    /// built.
    fn extension_type_for(&self, url: &str, module: &str) -> Option<&(String, String)> {
        let candidates = self.extension_types.get(url)?;
        if let Some(own) = candidates.iter().find(|(m, _)| m == module) {
            return Some(own);
        }
        let package_of = |m: &str| self.guide_packages.get(m);
        let dependencies = package_of(module).map_or(&[][..], |p| p.dependencies.as_slice());
        let dependency = candidates.iter().find(|(m, _)| {
            package_of(m).is_some_and(|candidate| {
                dependencies
                    .iter()
                    .any(|(id, version)| candidate.satisfies(id, version))
            })
        });
        dependency.or_else(|| {
            candidates.iter().max_by(|(a, _), (b, _)| {
                let version = |m: &str| package_of(m).map(|p| version_key(&p.version));
                version(a).cmp(&version(b))
            })
        })
    }

    /// Returns the variant of `Extension.value[x]` for FHIR type `code`.
    fn extension_variant(&self, code: &str) -> Option<(&'a str, &'a ValueType)> {
        let choice = self.extension_value?;
        choice
            .variants
            .iter()
            .find(|v| v.fhir_type == code)
            .map(|v| (v.name.as_str(), &v.value))
    }
}

/// Returns the numeric parts of a version (`6.1.0` to `[6, 1, 0]`) for
/// ordering; a part that is not a number counts as 0.
fn version_key(version: &str) -> Vec<u64> {
    version
        .split(['.', '-'])
        .map(|part| part.parse().unwrap_or(0))
        .collect()
}

/// The storage of an element in a profile struct, chosen from the base field
/// and the profile's cardinality.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Storage {
    /// `max` is 0: no field.
    Absent,
    /// `Vec<T>`.
    Many,
    /// `Option<T>`.
    Optional,
    /// `T`.
    Required,
}

/// One base field as a profile stores it.
struct ProfileField<'a> {
    field: &'a Field,
    /// The profile's element for the field, if the snapshot lists it.
    element: Option<&'a ElementDefinition>,
    min: u32,
    max: Option<u32>,
    storage: Storage,
}

/// Per-module state: names in use and the value set enums to emit.
pub(crate) struct ModuleState {
    used_types: HashSet<String>,
    /// Value set URL to (enum name, codes).
    enums: BTreeMap<String, (String, Vec<crate::terminology::ExpandedCode>)>,
}

impl ModuleState {
    pub(crate) fn new() -> Self {
        ModuleState {
            used_types: HashSet::new(),
            enums: BTreeMap::new(),
        }
    }

    /// Reserves a type name derived from `name`, adding a number on collision.
    pub(crate) fn type_name(&mut self, name: &str) -> String {
        let mut base = names::type_name(name);
        if base.is_empty() || base.starts_with(|c: char| c.is_ascii_digit()) {
            base.insert_str(0, "Profile");
        }
        let mut candidate = base.clone();
        let mut counter = 2;
        while !self.used_types.insert(candidate.clone()) {
            candidate = format!("{base}{counter}");
            counter += 1;
        }
        candidate
    }
}

/// Converts a FHIR name or slice name to a snake_case method or field name.
fn snake(name: &str) -> String {
    let camel = names::type_name(name);
    let mut out = String::with_capacity(camel.len() + 4);
    let chars: Vec<char> = camel.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower)
            {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "slice_");
    }
    names::field_name(&out)
}

/// Returns a doc attribute line with `text` cleaned for rustdoc.
fn doc(indent: &str, text: &str) -> String {
    let cleaned = crate::emit_types::clean_docs(text);
    let mut out = String::new();
    for line in cleaned.lines() {
        let _ = writeln!(out, "{indent}#[doc = {:?}]", format!(" {line}"));
    }
    out
}

fn cardinality(element: &ElementDefinition) -> (u32, Option<u32>) {
    let min = element.min.unwrap_or(0);
    let max = match element.max.as_deref() {
        Some("*") | None => None,
        Some(n) => n.parse().ok(),
    };
    (min, max)
}

fn max_text(max: Option<u32>) -> String {
    max.map_or_else(|| "*".to_owned(), |m| m.to_string())
}

/// The profile and its generated names, as the emitters need them.
pub(crate) struct Emitted<'s> {
    pub(crate) sd: &'s StructureDefinition,
    pub(crate) static_name: &'s str,
    pub(crate) type_name: &'s str,
    /// The module the definition is emitted in.
    pub(crate) module: &'s str,
}

/// Emits the struct, conversions and accessors of a resource profile.
pub(crate) fn emit_resource_profile(
    out: &mut String,
    ctx: &TypedContext<'_>,
    state: &mut ModuleState,
    terminology: &Terminology<'_>,
    profile: &Emitted<'_>,
) {
    let Some(snapshot) = &profile.sd.snapshot else {
        return;
    };
    let elements = &snapshot.element;
    let base_name = &profile.sd.type_name;
    let Some(base) = ctx
        .structs
        .get(base_name.as_str())
        .filter(|s| s.kind == StructKind::Resource)
    else {
        return;
    };
    let root = &ctx.root;
    let name = profile.type_name;
    let static_name = profile.static_name;
    let base_path = format!("{root}::r4::{base_name}");

    // Fields, in base order.
    let mut fields = Vec::new();
    for field in &base.fields {
        let element = elements
            .iter()
            .find(|e| e.id.as_deref().unwrap_or(&e.path) == field.path);
        let (min, max) = element.map_or((field.min, field.max), cardinality);
        let storage = match (max, field.repeated()) {
            (Some(0), _) => Storage::Absent,
            (Some(1), _) if min >= 1 => Storage::Required,
            (Some(1), _) => Storage::Optional,
            (_, true) => Storage::Many,
            (_, false) if min >= 1 => Storage::Required,
            (_, false) => Storage::Optional,
        };
        fields.push(ProfileField {
            field,
            element,
            min,
            max,
            storage,
        });
    }

    let title = profile.sd.title.as_deref().unwrap_or(&profile.sd.name);
    out.push_str(&doc(
        "    ",
        &format!(
            "{title}: a `{base_name}` that conforms to `{}`.\n\n\
             `TryFrom<{base_name}>` validates against [`{static_name}`] and returns every violation; \
             `From` converts back and adds the profile to `meta.profile`. Elements the profile \
             requires are not `Option`, and elements it forbids have no field.",
            profile.sd.url
        ),
    ));
    out.push_str("    #[derive(Clone, Debug, PartialEq)]\n");
    let _ = writeln!(out, "    pub struct {name} {{");
    for ProfileField {
        field,
        element,
        min,
        max,
        storage,
    } in &fields
    {
        let item = ctx.item_type(field);
        let item = if field.boxed {
            format!("::std::boxed::Box<{item}>")
        } else {
            item
        };
        let ty = match storage {
            Storage::Absent => continue,
            Storage::Many => format!("::std::vec::Vec<{item}>"),
            Storage::Optional => format!("::std::option::Option<{item}>"),
            Storage::Required => item,
        };
        let short = element
            .and_then(|e| e.short.as_deref())
            .unwrap_or(&field.docs);
        out.push_str(&doc(
            "        ",
            &format!(
                "{short}\n\n`{}`, {min}..{} in this profile.",
                field.path,
                max_text(*max)
            ),
        ));
        let _ = writeln!(out, "        pub {}: {ty},", field.rust_name);
    }
    out.push_str("    }\n");

    // TryFrom.
    let _ = writeln!(
        out,
        "    impl ::std::convert::TryFrom<{base_path}> for {name} {{"
    );
    let _ = writeln!(
        out,
        "        type Error = ::std::vec::Vec<{root}::profiles::Violation>;"
    );
    let _ = writeln!(
        out,
        "        fn try_from(base: {base_path}) -> ::std::result::Result<Self, Self::Error> {{"
    );
    let _ = writeln!(
        out,
        "            let mut violations = rt::validate(&base, &{static_name});"
    );
    let extension_slices = extension_slices(ctx, profile, elements, base_name);
    for slice in &extension_slices {
        let _ = writeln!(
            out,
            "            rt::check_extensions::<{}>(&base.{}, {:?}, &mut violations);",
            slice.rust_type, slice.field, slice.path
        );
    }
    out.push_str("            if !violations.is_empty() {\n                return ::std::result::Result::Err(violations);\n            }\n");
    let mut required = Vec::new();
    for ProfileField { field, storage, .. } in &fields {
        let f = &field.rust_name;
        let path = &field.path;
        match (storage, field.repeated()) {
            (Storage::Optional, true) => {
                let _ = writeln!(
                    out,
                    "            let {f} = rt::at_most_one(base.{f}, {path:?}, &mut violations);"
                );
            }
            (Storage::Required, true) => {
                let _ = writeln!(
                    out,
                    "            let {f} = rt::exactly_one(base.{f}, {path:?}, &mut violations);"
                );
                required.push(f);
            }
            (Storage::Required, false) => {
                let _ = writeln!(
                    out,
                    "            let {f} = rt::present(base.{f}, {path:?}, &mut violations);"
                );
                required.push(f);
            }
            _ => {}
        }
    }
    for f in &required {
        let _ = writeln!(
            out,
            "            let ::std::option::Option::Some({f}) = {f} else {{ return ::std::result::Result::Err(violations); }};"
        );
    }
    out.push_str("            ::std::result::Result::Ok(Self {\n");
    for ProfileField { field, storage, .. } in &fields {
        let f = &field.rust_name;
        match (storage, field.repeated()) {
            (Storage::Absent, _) => {}
            (Storage::Many | Storage::Optional, false) | (Storage::Many, true) => {
                let _ = writeln!(out, "                {f}: base.{f},");
            }
            _ => {
                let _ = writeln!(out, "                {f},");
            }
        }
    }
    out.push_str("            })\n        }\n    }\n");

    // From.
    let _ = writeln!(
        out,
        "    impl ::std::convert::From<{name}> for {base_path} {{"
    );
    let _ = writeln!(out, "        fn from(profile: {name}) -> Self {{");
    let _ = writeln!(out, "            let mut base = {base_path} {{");
    let mut any_absent = false;
    for ProfileField { field, storage, .. } in &fields {
        let f = &field.rust_name;
        let value = match (storage, field.repeated()) {
            (Storage::Absent, _) => {
                any_absent = true;
                continue;
            }
            (Storage::Many, _) | (Storage::Optional, false) => format!("profile.{f}"),
            (Storage::Optional, true) => format!("profile.{f}.into_iter().collect()"),
            (Storage::Required, true) => format!("::std::vec![profile.{f}]"),
            (Storage::Required, false) => format!("::std::option::Option::Some(profile.{f})"),
        };
        let _ = writeln!(out, "                {f}: {value},");
    }
    if any_absent {
        out.push_str("                ..::std::default::Default::default()\n");
    }
    out.push_str("            };\n");
    let _ = writeln!(
        out,
        "            rt::ensure_profile(&mut base.meta, {name}::URL);\n            base\n        }}\n    }}"
    );

    // Trait, serde.
    let _ = writeln!(out, "    impl {name} {{");
    out.push_str("        /// The canonical URL of the profile.\n");
    let _ = writeln!(
        out,
        "        pub const URL: &'static str = {:?};",
        profile.sd.url
    );
    let mut used: HashSet<String> = fields.iter().map(|f| f.field.rust_name.clone()).collect();
    let accessors = slice_accessors(
        ctx,
        state,
        terminology,
        profile,
        elements,
        base,
        &fields,
        &mut used,
    );
    out.push_str(&accessors);
    out.push_str(&choice_accessors(ctx, elements, base, &fields, &mut used));
    out.push_str(&nested_enum_accessors(
        ctx,
        state,
        terminology,
        elements,
        base,
        &mut used,
    ));
    for slice in &extension_slices {
        let method = &slice.method;
        let _ = writeln!(
            out,
            "        /// Returns the `{}` extensions (`{}`, {}..{}), converted; an extension that does not convert is skipped.",
            slice.slice_name,
            slice.path,
            slice.min,
            max_text(slice.max)
        );
        if slice.max == Some(1) {
            let _ = writeln!(
                out,
                "        pub fn {method}(&self) -> ::std::option::Option<{}> {{ rt::extensions(&self.{}).next() }}",
                slice.rust_type, slice.field
            );
        } else {
            let _ = writeln!(
                out,
                "        pub fn {method}(&self) -> ::std::vec::Vec<{}> {{ rt::extensions(&self.{}).collect() }}",
                slice.rust_type, slice.field
            );
        }
    }
    out.push_str("    }\n");
    let _ = writeln!(
        out,
        "    impl {root}::profiles::ProfileType for {name} {{\n        type Base = {base_path};\n        const URL: &'static str = {name}::URL;\n        fn profile() -> &'static {root}::profiles::Profile {{ &{static_name} }}\n        fn into_resource(self) -> {root}::r4::Resource {{ {root}::r4::Resource::{base_name}(::std::boxed::Box::new(self.into())) }}\n        fn from_resource(resource: {root}::r4::Resource) -> ::std::result::Result<Self, {root}::profiles::ProfileError> {{\n            match resource {{\n                {root}::r4::Resource::{base_name}(base) => Self::try_from(*base).map_err({root}::profiles::ProfileError::Invalid),\n                other => ::std::result::Result::Err(rt::wrong_type(other, &{static_name})),\n            }}\n        }}\n    }}"
    );
    let _ = writeln!(
        out,
        "    impl rt::serde::Serialize for {name} {{\n        fn serialize<S: rt::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {{ rt::serialize(self, serializer) }}\n    }}\n    impl<'de> rt::serde::Deserialize<'de> for {name} {{\n        fn deserialize<D: rt::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {{ rt::deserialize(deserializer) }}\n    }}"
    );
}

/// A profile's slice on `extension` or `modifierExtension` whose definition has
/// a generated type.
struct ExtensionSlice {
    slice_name: String,
    path: String,
    field: String,
    method: String,
    rust_type: String,
    min: u32,
    max: Option<u32>,
}

fn extension_slices(
    ctx: &TypedContext<'_>,
    profile: &Emitted<'_>,
    elements: &[ElementDefinition],
    base_name: &str,
) -> Vec<ExtensionSlice> {
    let mut out = Vec::new();
    let mut used = HashSet::new();
    for element in elements {
        let Some(slice_name) = &element.slice_name else {
            continue;
        };
        let id = element.id.as_deref().unwrap_or(&element.path);
        let (field, json) = if element.path == format!("{base_name}.extension") {
            ("extension", "extension")
        } else if element.path == format!("{base_name}.modifierExtension") {
            ("modifier_extension", "modifierExtension")
        } else {
            continue;
        };
        if id != format!("{base_name}.{json}:{slice_name}") {
            continue;
        }
        let (min, max) = cardinality(element);
        if max == Some(0) {
            continue;
        }
        let Some(url) = element
            .types
            .iter()
            .find(|t| t.code == "Extension")
            .and_then(|t| t.profile.first())
        else {
            continue;
        };
        let url = url.split('|').next().unwrap_or(url);
        let Some((module, ty)) = ctx.extension_type_for(url, profile.module) else {
            continue;
        };
        let rust_type = if module == profile.module {
            ty.clone()
        } else {
            format!("super::{module}::{ty}")
        };
        let mut method = snake(slice_name);
        if !used.insert(method.clone()) {
            method = format!("{}_{method}", snake(json));
            used.insert(method.clone());
        }
        out.push(ExtensionSlice {
            slice_name: slice_name.clone(),
            path: id.to_owned(),
            field: field.to_owned(),
            method,
            rust_type,
            min,
            max,
        });
    }
    out
}

/// Emits accessors for the slices of the profile's elements (other than
/// typed extension slices) and enum accessors for profile-specific bindings.
#[allow(clippy::too_many_arguments)]
fn slice_accessors(
    ctx: &TypedContext<'_>,
    state: &mut ModuleState,
    terminology: &Terminology<'_>,
    profile: &Emitted<'_>,
    elements: &[ElementDefinition],
    base: &StructDef,
    fields: &[ProfileField<'_>],
    used: &mut HashSet<String>,
) -> String {
    let mut out = String::new();
    let static_name = profile.static_name;
    let index_of: HashMap<&str, usize> = elements
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_deref().unwrap_or(&e.path), i))
        .collect();
    for element in elements {
        let Some(slice_name) = &element.slice_name else {
            continue;
        };
        let id = element.id.as_deref().unwrap_or(&element.path);
        // `X.coding:a/b` re-slices the slice `a` of `X.coding`.
        let last_dot = id.rfind('.').map_or(0, |i| i + 1);
        let Some(colon) = id[last_dot..].find(':').map(|i| last_dot + i) else {
            continue;
        };
        let sliced_id = &id[..colon];
        if id[colon + 1..] != **slice_name || sliced_id.ends_with("[x]") {
            continue;
        }
        // Each (sliced, slice) pair that a value must match, outermost first.
        let mut pairs = Vec::new();
        let mut outer = sliced_id.to_owned();
        for name in slice_name.split('/') {
            let inner = if outer == sliced_id {
                format!("{outer}:{name}")
            } else {
                format!("{outer}/{name}")
            };
            let (Some(&a), Some(&b)) = (index_of.get(outer.as_str()), index_of.get(inner.as_str()))
            else {
                break;
            };
            pairs.push((a, b));
            outer = inner;
        }
        if pairs.len() != slice_name.split('/').count() {
            continue;
        }
        let (_, max) = cardinality(element);
        if max == Some(0) {
            continue;
        }
        let Some((parent_id, segment)) = sliced_id.rsplit_once('.') else {
            continue;
        };
        let Some((parent, field)) = ctx.parent_field(base, parent_id, segment) else {
            continue;
        };
        if !matches!(field.ty, FieldType::Single(ValueType::Complex(_))) {
            continue;
        }
        let on_profile = parent_id == base.path;
        let is_typed_extension = on_profile
            && pairs.len() == 1
            && (segment == "extension" || segment == "modifierExtension")
            && element
                .types
                .iter()
                .filter_map(|t| t.profile.first())
                .any(|url| {
                    ctx.extension_types
                        .contains_key(url.split('|').next().unwrap_or(url))
                });
        if is_typed_extension {
            continue;
        }
        let mut method = accessor_name(id);
        while !used.insert(method.clone()) {
            method.push_str("_slice");
        }
        let item = ctx.item_type(field);
        let FieldType::Single(item_value) = &field.ty else {
            continue;
        };
        let filter = pairs
            .iter()
            .map(|&pair| {
                slice_test::slice_test(
                    ctx,
                    static_name,
                    elements,
                    &index_of,
                    pair,
                    item_value,
                    "value",
                )
                .unwrap_or_else(|| {
                    // TODO: exists, type and profile discriminators and
                    // paths with functions are still tested through JSON.
                    let (sliced, slice) = pair;
                    format!("rt::in_slice(&{static_name}, {sliced}, {slice}, value)")
                })
            })
            .collect::<Vec<_>>()
            .join(" && ");
        // The closures of `find` and `filter` take `&&T`; the tests take `&T`.
        let filter = format!("{{ let value = *value; {filter} }}");
        let short = element.short.as_deref().unwrap_or("");
        let docs = doc(
            "        ",
            &format!(
                "Returns the `{slice_name}` slice of `{sliced_id}` ({}..{}): {short}",
                element.min.unwrap_or(0),
                max_text(max)
            ),
        );
        if on_profile {
            // A method over the profile's own field.
            let Some(ProfileField { storage, .. }) =
                fields.iter().find(|f| f.field.path == field.path)
            else {
                continue;
            };
            let iter = match storage {
                Storage::Absent => continue,
                Storage::Required => format!("::std::iter::once(&self.{})", field.rust_name),
                _ => format!("self.{}.iter()", field.rust_name),
            };
            out.push_str(&docs);
            if max == Some(1) {
                let _ = writeln!(
                    out,
                    "        pub fn {method}(&self) -> ::std::option::Option<&{item}> {{ {iter}.find(|value| {filter}) }}"
                );
            } else {
                let _ = writeln!(
                    out,
                    "        pub fn {method}(&self) -> impl ::std::iter::Iterator<Item = &{item}> + '_ {{ {iter}.filter(|value| {filter}) }}"
                );
            }
        } else {
            // A function over the parent (`parent_id`), which may itself be
            // a slice member.
            let parent_type = format!("{}::r4::{}", ctx.root, parent.name);
            // `iter` covers both a `Vec` and an `Option` field.
            let iter = format!("parent.{}.iter()", field.rust_name);
            out.push_str(&docs);
            let _ = writeln!(
                out,
                "        pub fn {method}(parent: &{parent_type}) -> impl ::std::iter::Iterator<Item = &{item}> + '_ {{ {iter}.filter(|value| {filter}) }}"
            );
        }
    }

    // Enum accessors for top-level coded elements bound to a guide value set.
    for ProfileField {
        field,
        element,
        storage,
        ..
    } in fields
    {
        let Some(element) = element else { continue };
        let Some(enum_name) = field_enum(ctx, state, terminology, field, element) else {
            continue;
        };
        let method = format!("{}_code", field.rust_name.trim_start_matches("r#"));
        if !used.insert(method.clone()) {
            continue;
        }
        let _ = writeln!(
            out,
            "        /// Returns the first code of `{}` in the required value set, as an enum.",
            field.path
        );
        let value = match storage {
            Storage::Absent => continue,
            Storage::Required => format!("::std::iter::once(&self.{})", field.rust_name),
            _ => format!("self.{}.iter()", field.rust_name),
        };
        let _ = writeln!(
            out,
            "        pub fn {method}(&self) -> ::std::option::Option<{enum_name}> {{ {value}.find_map(|value| rt::first_code(value)) }}"
        );
    }
    out
}

/// Emits one typed accessor per choice element that the profile narrows to
/// one type, by a type slice (`Observation.value[x]:valueQuantity`) or by
/// listing one type, for example `value_quantity()`.
///
/// A choice of the profile's resource becomes a method. A choice further
/// down becomes an associated function that takes the parent struct, and
/// its name includes the slices on the way
/// (`supporting_info_admissionperiod_timing_period(&info)`).
fn choice_accessors(
    ctx: &TypedContext<'_>,
    elements: &[ElementDefinition],
    base: &StructDef,
    fields: &[ProfileField<'_>],
    used: &mut HashSet<String>,
) -> String {
    let mut out = String::new();
    let root = &ctx.root;
    for element in elements {
        let id = element.id.as_deref().unwrap_or(&element.path);
        // The id of the choice element itself, without the type slice.
        let choice_id = match id.rsplit_once(':') {
            Some((choice_id, slice))
                if choice_id.ends_with("[x]") && !slice.contains(['.', '/']) =>
            {
                choice_id
            }
            _ if id.ends_with("[x]") => id,
            _ => continue,
        };
        let [type_ref] = element.types.as_slice() else {
            continue;
        };
        if cardinality(element).1 == Some(0) {
            continue;
        }
        let Some((parent_id, segment)) = choice_id.rsplit_once('.') else {
            continue;
        };
        let Some((parent, field)) = ctx.parent_field(base, parent_id, segment) else {
            continue;
        };
        let FieldType::Choice(choice_name) = &field.ty else {
            continue;
        };
        let Some(choice) = ctx.choices.get(choice_name.as_str()) else {
            continue;
        };
        let code = type_ref.fhir_type_extension().unwrap_or(&type_ref.code);
        let Some(variant) = choice.variants.iter().find(|v| v.fhir_type == code) else {
            continue;
        };

        let parent_words = accessor_name(parent_id);
        let variant_words = snake(&variant.json_name).replace("r#", "");
        let method = if parent_words.is_empty() {
            variant_words
        } else {
            format!("{parent_words}_{variant_words}")
        };
        if !used.insert(method.clone()) {
            continue;
        }
        let value_type = ctx.value_type(&variant.value);
        let take = if matches!(variant.value, ValueType::Complex(_) | ValueType::Resource) {
            "&**value"
        } else {
            "value"
        };
        let narrow = format!(
            "and_then(|value| match value {{ {root}::r4::{choice_name}::{}(value) => ::std::option::Option::Some({take}), _ => ::std::option::Option::None }})",
            variant.name
        );
        out.push_str(&doc(
            "        ",
            &format!(
                "Returns `{choice_id}` as `{}` (`{id}`, {}..{}), or `None` when it is absent or of another type.",
                variant.json_name,
                element.min.unwrap_or(0),
                max_text(cardinality(element).1)
            ),
        ));
        if parent_id == base.path {
            let Some(ProfileField { storage, .. }) =
                fields.iter().find(|f| f.field.path == field.path)
            else {
                continue;
            };
            let value = match storage {
                Storage::Absent | Storage::Many => continue,
                Storage::Required => {
                    format!("::std::option::Option::Some(&self.{})", field.rust_name)
                }
                Storage::Optional => format!("self.{}.as_ref()", field.rust_name),
            };
            let _ = writeln!(
                out,
                "        pub fn {method}(&self) -> ::std::option::Option<&{value_type}> {{ {value}.{narrow} }}"
            );
        } else {
            let _ = writeln!(
                out,
                "        pub fn {method}(parent: &{root}::r4::{}) -> ::std::option::Option<&{value_type}> {{ parent.{}.as_ref().{narrow} }}",
                parent.name, field.rust_name
            );
        }
    }
    out
}

/// Emits enum accessors for coded elements below the profile's own fields
/// (backbone elements, datatype parts and slices) whose required binding
/// has an enum: `diagnosis_type_codes(&diagnosis)`. Each takes the parent
/// struct, as the nested slice accessors do.
fn nested_enum_accessors(
    ctx: &TypedContext<'_>,
    state: &mut ModuleState,
    terminology: &Terminology<'_>,
    elements: &[ElementDefinition],
    base: &StructDef,
    used: &mut HashSet<String>,
) -> String {
    let mut out = String::new();
    let root = &ctx.root;
    for element in elements {
        let id = element.id.as_deref().unwrap_or(&element.path);
        let Some((parent_id, segment)) = id.rsplit_once('.') else {
            continue;
        };
        // Top-level fields have methods, and slices themselves are matched
        // by their accessors.
        if parent_id == base.path || segment.contains(':') || segment.ends_with("[x]") {
            continue;
        }
        if cardinality(element).1 == Some(0) {
            continue;
        }
        let Some((parent, field)) = ctx.parent_field(base, parent_id, segment) else {
            continue;
        };
        let Some(enum_name) = field_enum(ctx, state, terminology, field, element) else {
            continue;
        };
        let words = accessor_name(id);
        let repeated = field.repeated();
        let method = if repeated {
            format!("{words}_codes")
        } else {
            format!("{words}_code")
        };
        if !used.insert(method.clone()) {
            continue;
        }
        let parent_type = format!("{root}::r4::{}", parent.name);
        let f = &field.rust_name;
        if repeated {
            let _ = writeln!(
                out,
                "        /// Returns the codes of `{id}` in its required value set, one per value that has one.\n        pub fn {method}(parent: &{parent_type}) -> ::std::vec::Vec<{enum_name}> {{ parent.{f}.iter().filter_map(|value| rt::first_code(value)).collect() }}"
            );
        } else {
            let _ = writeln!(
                out,
                "        /// Returns the code of `{id}` in its required value set, as an enum.\n        pub fn {method}(parent: &{parent_type}) -> ::std::option::Option<{enum_name}> {{ parent.{f}.iter().find_map(|value| rt::first_code(value)) }}"
            );
        }
    }
    out
}

/// Returns the snake_case name of the element `id` below the resource, with
/// its slice names: `ExplanationOfBenefit.supportingInfo:drg.code` gives
/// `supporting_info_drg_code`.
fn accessor_name(id: &str) -> String {
    id.split('.')
        .skip(1)
        .flat_map(|part| part.split([':', '/']))
        .map(snake)
        .collect::<Vec<_>>()
        .join("_")
        .replace("r#", "")
}

/// Returns an element id without its slice names: the element's path
/// (`ExplanationOfBenefit.supportingInfo:drg.code` to
/// `ExplanationOfBenefit.supportingInfo.code`).
fn without_slices(id: &str) -> String {
    id.split('.')
        .map(|part| part.split(':').next().unwrap_or(part))
        .collect::<Vec<_>>()
        .join(".")
}

/// Returns the enum of a coded `field` whose profile element has a required
/// binding with an enum, as [`bound_enum`] chooses it.
fn field_enum(
    ctx: &TypedContext<'_>,
    state: &mut ModuleState,
    terminology: &Terminology<'_>,
    field: &Field,
    element: &ElementDefinition,
) -> Option<String> {
    let FieldType::Single(value) = &field.ty else {
        return None;
    };
    if !is_coded(value) {
        return None;
    }
    bound_enum(ctx, state, terminology, element)
}

/// Returns whether values of this type carry codes an enum can describe.
fn is_coded(value: &ValueType) -> bool {
    match value {
        ValueType::Primitive(crate::model::Prim::Fhir(name)) => name == "code",
        ValueType::Complex(name) => name == "Coding" || name == "CodeableConcept",
        _ => false,
    }
}

/// Returns the enum of `element`'s required binding, registering it in the
/// module. Returns `None` for value sets that cannot be listed and for
/// value sets that have a code enum in `r4`: a `code` element bound to one
/// already has that enum as its base type.
fn bound_enum(
    ctx: &TypedContext<'_>,
    state: &mut ModuleState,
    terminology: &Terminology<'_>,
    element: &ElementDefinition,
) -> Option<String> {
    let binding = element.binding.as_ref()?;
    if binding.strength != "required" {
        return None;
    }
    let url = binding.value_set.as_deref()?;
    let url = url.split('|').next().unwrap_or(url);
    // TODO: a Coding or CodeableConcept bound to such a value set gets no
    // enum accessor; none of the built guides has one.
    if ctx.r4_value_sets.contains(url) {
        return None;
    }
    if let Some((name, _)) = state.enums.get(url) {
        return Some(name.clone());
    }
    let codes = terminology.expand(url)?;
    if codes.is_empty() {
        return None;
    }
    let stem = terminology
        .value_set_name(url)
        .map(str::to_owned)
        .unwrap_or_else(|| url.rsplit('/').next().unwrap_or(url).to_owned());
    let name = state.type_name(&stem);
    state.enums.insert(url.to_owned(), (name.clone(), codes));
    Some(name)
}

/// Emits the enums registered in `state`.
pub(crate) fn emit_enums(out: &mut String, ctx: &TypedContext<'_>, state: &ModuleState) {
    let root = &ctx.root;
    for (url, (name, codes)) in &state.enums {
        let _ = writeln!(out, "    /// The codes of the required value set `{url}`.");
        out.push_str("    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]\n");
        let _ = writeln!(out, "    pub enum {name} {{");
        let mut variants = Vec::new();
        let mut used = HashSet::new();
        for code in codes {
            let mut variant = names::variant_name(&code.code, code.display.as_deref());
            // `self` (subscriber-relationship) would be the keyword `Self`.
            if variant == "Self" {
                variant.push('_');
            }
            while !used.insert(variant.clone()) {
                variant.push('_');
            }
            let display = code.display.as_deref().unwrap_or("");
            let _ = writeln!(
                out,
                "        #[doc = {:?}]",
                format!(
                    " `{}` ({}) {}",
                    code.code,
                    code.system,
                    display.replace(['[', ']'], "")
                )
            );
            let _ = writeln!(out, "        {variant},");
            variants.push((variant, code));
        }
        out.push_str("    }\n");
        let _ = writeln!(
            out,
            "    impl {root}::profiles::ValueSetCode for {name} {{\n        const VALUE_SET: &'static str = {url:?};"
        );
        out.push_str("        fn code(self) -> &'static str { match self {");
        for (variant, code) in &variants {
            let _ = write!(out, " Self::{variant} => {:?},", code.code);
        }
        out.push_str(" } }\n        fn system(self) -> &'static str { match self {");
        for (variant, code) in &variants {
            let _ = write!(out, " Self::{variant} => {:?},", code.system);
        }
        out.push_str(" } }\n        fn from_coding(system: ::std::option::Option<&str>, code: &str) -> ::std::option::Option<Self> {\n            match code {");
        for (variant, code) in &variants {
            let _ = write!(
                out,
                " {:?} if system.is_none_or(|s| s == {:?}) => ::std::option::Option::Some(Self::{variant}),",
                code.code, code.system
            );
        }
        out.push_str(" _ => ::std::option::Option::None }\n        }\n    }\n");
    }
}

/// One field of an extension struct: the value, or a sub-extension.
struct ExtensionField {
    rust_name: String,
    /// The sub-extension URL, `None` for `value[x]`.
    url: Option<String>,
    path: String,
    min: u32,
    max: Option<u32>,
    /// The value type and the `ExtensionValue` variant, or `None` for any
    /// type (the field stores `ExtensionValue`).
    variant: Option<(String, String, bool)>,
    enum_name: Option<String>,
}

/// Emits the struct and conversions of an extension definition.
pub(crate) fn emit_extension(
    out: &mut String,
    ctx: &TypedContext<'_>,
    state: &mut ModuleState,
    terminology: &Terminology<'_>,
    profile: &Emitted<'_>,
) {
    let Some(snapshot) = &profile.sd.snapshot else {
        return;
    };
    let elements = &snapshot.element;
    let root = &ctx.root;
    let name = profile.type_name;
    let by_id: HashMap<&str, &ElementDefinition> = elements
        .iter()
        .map(|e| (e.id.as_deref().unwrap_or(&e.path), e))
        .collect();

    let mut ext_fields = Vec::new();
    if let Some(value) = by_id.get("Extension.value[x]") {
        let (min, max) = cardinality(value);
        if max != Some(0) {
            ext_fields.push(extension_field(
                ctx,
                state,
                terminology,
                value,
                "value".to_owned(),
                None,
                min,
                max,
            ));
        }
    }
    let mut used = HashSet::from(["value".to_owned()]);
    for element in elements {
        let id = element.id.as_deref().unwrap_or(&element.path);
        let Some(slice) = id.strip_prefix("Extension.extension:") else {
            continue;
        };
        if slice.contains(['.', '/', ':']) {
            continue;
        }
        let (min, max) = cardinality(element);
        if max == Some(0) {
            continue;
        }
        let url = by_id
            .get(format!("{id}.url").as_str())
            .and_then(|e| e.other.get("fixedUri"))
            .and_then(|v| v.as_str())
            .unwrap_or(slice)
            .to_owned();
        let mut rust_name = snake(slice);
        while !used.insert(rust_name.clone()) {
            rust_name.push('_');
        }
        let value = by_id
            .get(format!("{id}.value[x]").as_str())
            .copied()
            .filter(|v| cardinality(v).1 != Some(0));
        match value {
            Some(value) => {
                let mut field = extension_field(
                    ctx,
                    state,
                    terminology,
                    value,
                    rust_name,
                    Some(url),
                    min,
                    max,
                );
                field.path = id.to_owned();
                ext_fields.push(field);
            }
            None => ext_fields.push(ExtensionField {
                // A nested complex extension stays an `Extension`.
                rust_name,
                url: Some(url),
                path: id.to_owned(),
                min,
                max,
                variant: Some((format!("{root}::r4::Extension"), String::new(), true)),
                enum_name: None,
            }),
        }
    }

    let title = profile.sd.title.as_deref().unwrap_or(&profile.sd.name);
    out.push_str(&doc(
        "    ",
        &format!(
            "{title}: the extension `{}`.\n\n`TryFrom<&Extension>` checks the URL, the value types and the cardinality of each part.",
            profile.sd.url
        ),
    ));
    out.push_str("    #[derive(Clone, Debug, PartialEq)]\n");
    let _ = writeln!(out, "    pub struct {name} {{");
    for field in &ext_fields {
        let item = field
            .variant
            .as_ref()
            .map_or_else(|| format!("{root}::r4::ExtensionValue"), |v| v.0.clone());
        let ty = storage_type(&item, field.min, field.max);
        let field_doc = match &field.url {
            Some(url) => format!("The sub-extension `{url}`"),
            None => "The value".to_owned(),
        };
        let _ = writeln!(
            out,
            "        /// {field_doc} (`{}`, {}..{}).",
            field.path,
            field.min,
            max_text(field.max)
        );
        let _ = writeln!(out, "        pub {}: {ty},", field.rust_name);
    }
    out.push_str("    }\n");

    // TryFrom<&Extension>.
    let ext_type = format!("{root}::r4::Extension");
    let _ = writeln!(
        out,
        "    impl ::std::convert::TryFrom<&{ext_type}> for {name} {{\n        type Error = ::std::vec::Vec<{root}::profiles::Violation>;\n        fn try_from(extension: &{ext_type}) -> ::std::result::Result<Self, Self::Error> {{\n            let mut violations = rt::check_url(extension, {name}::URL);"
    );
    for field in &ext_fields {
        let getter = value_getter(field, root);
        let source = match &field.url {
            Some(url) => format!("rt::sub_extensions(extension, {url:?})"),
            None => "::std::iter::once(extension)".to_owned(),
        };
        let expected = field.variant.as_ref().map_or("a value", |v| {
            if v.1.is_empty() {
                "an extension"
            } else {
                v.1.as_str()
            }
        });
        let _ = writeln!(
            out,
            "            let {f} = rt::values({source}, {getter}, {path:?}, {expected:?}, &mut violations);",
            f = field.rust_name,
            path = field.path,
        );
        if let Some(enum_name) = &field.enum_name {
            let _ = writeln!(
                out,
                "            rt::check_codes::<{enum_name}, _>(&{f}, {path:?}, &mut violations);",
                f = field.rust_name,
                path = field.path,
            );
        }
        let convert = match (field.min, field.max) {
            (_, Some(1)) => "rt::at_most_one",
            _ => "rt::at_least",
        };
        if field.max == Some(1) {
            let _ = writeln!(
                out,
                "            let {f} = {convert}({f}, {path:?}, &mut violations);",
                f = field.rust_name,
                path = field.path
            );
            if field.min >= 1 {
                let _ = writeln!(
                    out,
                    "            let {f} = rt::present({f}, {path:?}, &mut violations);",
                    f = field.rust_name,
                    path = field.path
                );
            }
        } else {
            let _ = writeln!(
                out,
                "            let {f} = {convert}({f}, {min}, {path:?}, &mut violations);",
                f = field.rust_name,
                min = field.min,
                path = field.path
            );
        }
    }
    out.push_str("            if !violations.is_empty() {\n                return ::std::result::Result::Err(violations);\n            }\n");
    for field in ext_fields.iter().filter(|f| f.min >= 1 && f.max == Some(1)) {
        let _ = writeln!(
            out,
            "            let ::std::option::Option::Some({f}) = {f} else {{ return ::std::result::Result::Err(violations); }};",
            f = field.rust_name
        );
    }
    let names_list: Vec<&str> = ext_fields.iter().map(|f| f.rust_name.as_str()).collect();
    let _ = writeln!(
        out,
        "            ::std::result::Result::Ok(Self {{ {} }})\n        }}\n    }}",
        names_list.join(", ")
    );

    // From<X> for Extension.
    let _ = writeln!(
        out,
        "    impl ::std::convert::From<{name}> for {ext_type} {{\n        fn from(typed: {name}) -> Self {{\n            let mut extension = rt::extension({name}::URL);"
    );
    for field in &ext_fields {
        let wrap = wrap_value(field, root);
        let nested = field.variant.as_ref().is_some_and(|v| v.1.is_empty());
        let f = &field.rust_name;
        match (&field.url, field.min, field.max) {
            (Some(_), 1.., Some(1)) if nested => {
                let _ = writeln!(out, "            extension.extension.push(typed.{f});");
            }
            (Some(_), _, _) if nested => {
                let _ = writeln!(out, "            extension.extension.extend(typed.{f});");
            }
            (Some(url), 1.., Some(1)) => {
                let _ = writeln!(
                    out,
                    "            let value = typed.{f};\n            extension.extension.push(rt::sub_extension({url:?}, {wrap}));"
                );
            }
            (Some(url), _, _) => {
                let _ = writeln!(
                    out,
                    "            extension.extension.extend(typed.{f}.into_iter().map(|value| rt::sub_extension({url:?}, {wrap})));"
                );
            }
            (None, 1.., Some(1)) => {
                let _ = writeln!(
                    out,
                    "            let value = typed.{f};\n            extension.value = ::std::option::Option::Some({wrap});"
                );
            }
            (None, _, _) if wrap == "value" => {
                let _ = writeln!(out, "            extension.value = typed.{f};");
            }
            (None, _, _) => {
                let _ = writeln!(
                    out,
                    "            extension.value = typed.{f}.map(|value| {wrap});"
                );
            }
        }
    }
    out.push_str("            extension\n        }\n    }\n");

    // URL, enum accessors, and the trait.
    let _ = writeln!(out, "    impl {name} {{");
    out.push_str("        /// The canonical URL of the extension definition.\n");
    let _ = writeln!(
        out,
        "        pub const URL: &'static str = {:?};",
        profile.sd.url
    );
    for field in &ext_fields {
        let Some(enum_name) = &field.enum_name else {
            continue;
        };
        let f = &field.rust_name;
        let values = match (field.min, field.max) {
            (1.., Some(1)) => format!("::std::iter::once(&self.{f})"),
            _ => format!("self.{f}.iter()"),
        };
        if field.max == Some(1) {
            let _ = writeln!(
                out,
                "        /// Returns the code of `{f}` in the required value set, as an enum.\n        pub fn {f}_code(&self) -> ::std::option::Option<{enum_name}> {{ {values}.find_map(|value| rt::first_code(value)) }}"
            );
        } else {
            let _ = writeln!(
                out,
                "        /// Returns the codes of `{f}` in the required value set, as enums.\n        pub fn {f}_codes(&self) -> ::std::vec::Vec<{enum_name}> {{ {values}.filter_map(|value| rt::first_code(value)).collect() }}"
            );
        }
    }
    out.push_str("    }\n");
    let _ = writeln!(
        out,
        "    impl {root}::profiles::ExtensionType for {name} {{\n        const URL: &'static str = {name}::URL;\n    }}"
    );
}

fn storage_type(item: &str, min: u32, max: Option<u32>) -> String {
    match (min, max) {
        (1.., Some(1)) => item.to_owned(),
        (_, Some(1)) => format!("::std::option::Option<{item}>"),
        _ => format!("::std::vec::Vec<{item}>"),
    }
}

#[allow(clippy::too_many_arguments)]
fn extension_field(
    ctx: &TypedContext<'_>,
    state: &mut ModuleState,
    terminology: &Terminology<'_>,
    value: &ElementDefinition,
    rust_name: String,
    url: Option<String>,
    min: u32,
    max: Option<u32>,
) -> ExtensionField {
    let types: Vec<&str> = value
        .types
        .iter()
        .map(|t| t.fhir_type_extension().unwrap_or(&t.code))
        .collect();
    let variant = match types.as_slice() {
        [only] => ctx.extension_variant(only).map(|(variant, value_type)| {
            let boxed = matches!(value_type, ValueType::Complex(_) | ValueType::Resource);
            (ctx.value_type(value_type), variant.to_owned(), boxed)
        }),
        _ => None,
    };
    let coded = match types.as_slice() {
        [only] => ctx
            .extension_variant(only)
            .is_some_and(|(_, value_type)| is_coded(value_type)),
        _ => false,
    };
    let enum_name = if coded {
        bound_enum(ctx, state, terminology, value)
    } else {
        None
    };
    ExtensionField {
        rust_name,
        url,
        path: value.id.clone().unwrap_or_else(|| value.path.clone()),
        min,
        max,
        variant,
        enum_name,
    }
}

/// Returns a closure that takes the field's value out of an `Extension`.
fn value_getter(field: &ExtensionField, root: &str) -> String {
    match &field.variant {
        None => format!("|extension: &{root}::r4::Extension| extension.value.clone()"),
        Some((_, variant, _)) if variant.is_empty() => format!(
            "|extension: &{root}::r4::Extension| ::std::option::Option::Some(extension.clone())"
        ),
        Some((_, variant, boxed)) => {
            let take = if *boxed {
                "(**value).clone()"
            } else {
                "value.clone()"
            };
            format!(
                "|extension: &{root}::r4::Extension| match &extension.value {{ ::std::option::Option::Some({root}::r4::ExtensionValue::{variant}(value)) => ::std::option::Option::Some({take}), _ => ::std::option::Option::None }}"
            )
        }
    }
}

/// Returns an expression that turns `value` into what an `Extension` stores:
/// an `ExtensionValue` for `value[x]` and for sub-extension values, or the
/// sub-extension itself.
fn wrap_value(field: &ExtensionField, root: &str) -> String {
    match &field.variant {
        None => "value".to_owned(),
        Some((_, variant, _)) if variant.is_empty() => "value".to_owned(),
        Some((_, variant, true)) => {
            format!("{root}::r4::ExtensionValue::{variant}(::std::boxed::Box::new(value))")
        }
        Some((_, variant, false)) => format!("{root}::r4::ExtensionValue::{variant}(value)"),
    }
}
