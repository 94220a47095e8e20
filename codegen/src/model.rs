//! The intermediate model: every Rust type to emit, with names resolved,
//! built from the StructureDefinitions of a [`Definitions`] set.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::definitions::{ElementDefinition, StructureDefinition, TypeRef};
use crate::names;
use crate::terminology::Terminology;
use crate::{Definitions, Error};

/// The Rust storage of a primitive value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Prim {
    /// One of the hand-written primitive types, by FHIR type name.
    Fhir(String),
    /// A generated code enum, by Rust name.
    Code(String),
}

/// The value type of a field or of a choice variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueType {
    /// A primitive with its `_name` sibling (`Primitive<T>`).
    Primitive(Prim),
    /// A primitive stored bare, with no id or extensions (`Element.id`,
    /// `Extension.url`, `Resource.id`).
    Bare(Prim),
    /// A complex type or backbone element, by Rust struct name.
    Complex(String),
    /// Any resource (`Resource`).
    Resource,
}

/// One variant of a choice element.
#[derive(Debug, Clone)]
pub struct ChoiceVariant {
    /// The Rust variant name (`Quantity`, `DateTime`).
    pub name: String,
    /// The JSON key (`valueQuantity`).
    pub json_name: String,
    /// The FHIR type code.
    pub fhir_type: String,
    /// The stored type.
    pub value: ValueType,
}

/// A generated enum for a choice element (`value[x]`).
#[derive(Debug, Clone)]
pub struct ChoiceDef {
    pub name: String,
    pub path: String,
    pub docs: String,
    pub variants: Vec<ChoiceVariant>,
}

/// The kind of value a field holds.
#[derive(Debug, Clone)]
pub enum FieldType {
    Single(ValueType),
    /// A choice element, by enum name.
    Choice(String),
}

/// One field of a generated struct.
#[derive(Debug, Clone)]
pub struct Field {
    /// The Rust field name, possibly raw (`r#type`).
    pub rust_name: String,
    /// The JSON name; for a choice, the name without `[x]`.
    pub json_name: String,
    /// The full element path (`Patient.contact.name`).
    pub path: String,
    pub min: u32,
    /// `None` for `*`.
    pub max: Option<u32>,
    pub ty: FieldType,
    /// Whether a single complex value is boxed, to break a cycle.
    pub boxed: bool,
    pub docs: String,
    pub is_summary: bool,
    pub is_modifier: bool,
}

impl Field {
    /// Returns whether the field is a `Vec`.
    pub fn repeated(&self) -> bool {
        self.max != Some(1) && self.max != Some(0)
    }
}

/// The kind of FHIR definition a struct is generated from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StructKind {
    Resource,
    Datatype,
    Backbone,
}

/// A generated struct.
#[derive(Debug, Clone)]
pub struct StructDef {
    pub name: String,
    /// The element path of the struct (`Patient`, `Patient.contact`).
    pub path: String,
    pub kind: StructKind,
    pub docs: String,
    pub fields: Vec<Field>,
}

/// A generated enum for a required binding whose codes can be listed.
#[derive(Debug, Clone)]
pub struct CodeEnum {
    pub name: String,
    /// The ValueSet canonical URL.
    pub value_set: String,
    pub docs: String,
    /// (variant name, code, display, system)
    pub codes: Vec<CodeVariant>,
}

/// One code of a [`CodeEnum`].
#[derive(Debug, Clone)]
pub struct CodeVariant {
    pub name: String,
    pub code: String,
    pub display: Option<String>,
    pub system: String,
}

/// Every type to emit for one FHIR version.
#[derive(Debug, Default)]
pub struct TypeSpace {
    pub structs: Vec<StructDef>,
    pub choices: Vec<ChoiceDef>,
    pub code_enums: Vec<CodeEnum>,
    /// Datatype profiles that share their base's JSON (`Age` is a `Quantity`).
    pub aliases: Vec<(String, String, String)>,
    /// Concrete resource type names, sorted.
    pub resources: Vec<String>,
}

const PRIMITIVES: &[&str] = &[
    "boolean",
    "integer",
    "string",
    "decimal",
    "uri",
    "url",
    "canonical",
    "base64Binary",
    "instant",
    "date",
    "dateTime",
    "time",
    "code",
    "oid",
    "id",
    "markdown",
    "unsignedInt",
    "positiveInt",
    "uuid",
    "xhtml",
];

/// Returns whether `code` names a FHIR primitive type.
pub fn is_primitive(code: &str) -> bool {
    PRIMITIVES.contains(&code)
}

struct Builder<'a> {
    terminology: Terminology<'a>,
    space: TypeSpace,
    /// Every type name taken so far.
    taken: HashSet<String>,
    /// Struct name by element path, for backbone elements and content references.
    by_path: HashMap<String, String>,
    /// Code enum name by ValueSet URL (`None`: not enumerable).
    code_enums: HashMap<String, Option<String>>,
    /// FHIR type name (`HumanName`, `Age`) to Rust type name.
    type_names: HashMap<String, String>,
}

/// Builds the type space of the base specification in `defs`: every
/// resource, complex datatype and backbone element.
///
/// # Errors
///
/// Returns [`Error::Model`] when a definition cannot be mapped to Rust types.
pub fn build(defs: &Definitions) -> Result<TypeSpace, Error> {
    let mut builder = Builder {
        terminology: Terminology::new(defs),
        space: TypeSpace::default(),
        taken: HashSet::new(),
        by_path: HashMap::new(),
        code_enums: HashMap::new(),
        type_names: HashMap::new(),
    };
    // Names the hand-written and dispatching code needs.
    for reserved in [
        "Resource",
        "ResourceType",
        "Primitive",
        "Element",
        "BackboneElement",
        "DomainResource",
    ] {
        builder.taken.insert(reserved.to_owned());
    }

    let mut datatypes: Vec<&StructureDefinition> = Vec::new();
    let mut resources: Vec<&StructureDefinition> = Vec::new();
    let mut aliases: Vec<&StructureDefinition> = Vec::new();
    for sd in defs.structure_definitions() {
        if !sd
            .url
            .starts_with("http://hl7.org/fhir/StructureDefinition/")
        {
            continue;
        }
        match (sd.kind.as_str(), sd.derivation.as_deref(), sd.r#abstract) {
            ("complex-type", Some("specialization"), false) => datatypes.push(sd),
            ("resource", Some("specialization"), false) => resources.push(sd),
            // Datatype profiles that are type codes themselves (`Age`,
            // `SimpleQuantity`); extension definitions and the like are not.
            ("complex-type", Some("constraint"), _)
                if sd.type_name != "Extension"
                    && sd.name.chars().all(|c| c.is_ascii_alphanumeric())
                    && sd.url.ends_with(&format!("/{}", sd.name)) =>
            {
                aliases.push(sd)
            }
            _ => {}
        }
    }
    datatypes.sort_by(|a, b| a.type_name.cmp(&b.type_name));
    resources.sort_by(|a, b| a.type_name.cmp(&b.type_name));
    aliases.sort_by(|a, b| a.name.cmp(&b.name));

    // Register top-level names first, so backbone names yield to them.
    for sd in datatypes.iter().chain(resources.iter()) {
        builder.claim(&sd.type_name)?;
        builder
            .type_names
            .insert(sd.type_name.clone(), sd.type_name.clone());
    }
    for sd in &aliases {
        builder.claim(&sd.name)?;
        builder.type_names.insert(sd.name.clone(), sd.name.clone());
        builder.space.aliases.push((
            sd.name.clone(),
            sd.type_name.clone(),
            docs_of(sd.description.as_deref(), None),
        ));
    }
    // Name every backbone element before building fields, so that content
    // references may point forward.
    for sd in datatypes.iter().chain(resources.iter()) {
        builder.name_backbones(sd)?;
    }
    for sd in &datatypes {
        builder.build_structure(sd, StructKind::Datatype)?;
    }
    for sd in &resources {
        builder.build_structure(sd, StructKind::Resource)?;
    }
    builder.space.resources = resources.iter().map(|sd| sd.type_name.clone()).collect();
    builder.box_cycles();
    Ok(builder.space)
}

fn snapshot(sd: &StructureDefinition) -> Result<&[ElementDefinition], Error> {
    sd.snapshot
        .as_ref()
        .map(|s| s.element.as_slice())
        .ok_or_else(|| Error::Model(format!("{} has no snapshot", sd.url)))
}

/// Returns whether `child` is a direct child path of `parent`.
fn is_child(parent: &str, child: &str) -> bool {
    child.len() > parent.len() + 1
        && child.starts_with(parent)
        && child.as_bytes()[parent.len()] == b'.'
        && !child[parent.len() + 1..].contains('.')
}

fn docs_of(short: Option<&str>, definition: Option<&str>) -> String {
    let mut out = String::new();
    if let Some(short) = short {
        out.push_str(short.trim());
    }
    if let Some(definition) = definition {
        let definition = definition.trim();
        if !definition.is_empty() && Some(definition) != short.map(str::trim) {
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(definition);
        }
    }
    out
}

impl Builder<'_> {
    fn claim(&mut self, name: &str) -> Result<(), Error> {
        if !self.taken.insert(name.to_owned()) {
            return Err(Error::Model(format!(
                "two generated types are both named `{name}`"
            )));
        }
        Ok(())
    }

    /// Picks a free name, adding `suffix` and then a number when `base` is taken.
    fn claim_free(&mut self, base: &str, suffix: &str) -> String {
        let mut name = base.to_owned();
        if self.taken.contains(&name) {
            name = format!("{base}{suffix}");
        }
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{base}{suffix}{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }

    fn name_backbones(&mut self, sd: &StructureDefinition) -> Result<(), Error> {
        let elements = snapshot(sd)?;
        for element in elements {
            if element.slice_name.is_some() || !element.path.contains('.') {
                continue;
            }
            let has_children = elements.iter().any(|e| is_child(&element.path, &e.path));
            if has_children && element.content_reference.is_none() {
                let base: String = element.path.split('.').map(names::capitalize).collect();
                let name = self.claim_free(&base, "Component");
                self.by_path.insert(element.path.clone(), name);
            }
        }
        Ok(())
    }

    fn build_structure(&mut self, sd: &StructureDefinition, kind: StructKind) -> Result<(), Error> {
        let elements = snapshot(sd)?;
        let root = &elements[0];
        let docs = docs_of(
            root.short.as_deref(),
            root.definition.as_deref().or(sd.description.as_deref()),
        );
        self.build_struct(elements, &sd.type_name, sd.type_name.clone(), kind, docs)
    }

    fn build_struct(
        &mut self,
        elements: &[ElementDefinition],
        path: &str,
        name: String,
        kind: StructKind,
        docs: String,
    ) -> Result<(), Error> {
        let mut fields = Vec::new();
        for element in elements
            .iter()
            .filter(|e| e.slice_name.is_none() && is_child(path, &e.path))
        {
            if element.max.as_deref() == Some("0") {
                continue;
            }
            fields.push(self.build_field(
                elements,
                element,
                kind == StructKind::Resource && path.split('.').count() == 1,
            )?);
        }
        self.space.structs.push(StructDef {
            name,
            path: path.to_owned(),
            kind,
            docs,
            fields,
        });

        // Backbone children, in definition order.
        for element in elements
            .iter()
            .filter(|e| e.slice_name.is_none() && is_child(path, &e.path))
        {
            if let Some(child_name) = self.by_path.get(&element.path).cloned() {
                let docs = docs_of(element.short.as_deref(), element.definition.as_deref());
                self.build_struct(
                    elements,
                    &element.path,
                    child_name,
                    StructKind::Backbone,
                    docs,
                )?;
            }
        }
        Ok(())
    }

    fn build_field(
        &mut self,
        elements: &[ElementDefinition],
        element: &ElementDefinition,
        resource_root: bool,
    ) -> Result<Field, Error> {
        let last = element.path.rsplit('.').next().unwrap_or(&element.path);
        let max = match element.max.as_deref() {
            Some("*") | None => None,
            Some(n) => Some(
                n.parse::<u32>()
                    .map_err(|_| Error::Model(format!("{}: invalid max `{n}`", element.path)))?,
            ),
        };
        let docs = docs_of(element.short.as_deref(), element.definition.as_deref());
        let (json_name, ty) = if let Some(stem) = last.strip_suffix("[x]") {
            let enum_name = self.build_choice(element, stem, &docs)?;
            (stem.to_owned(), FieldType::Choice(enum_name))
        } else if let Some(reference) = &element.content_reference {
            let target = reference.rsplit('#').next().unwrap_or(reference);
            let name = self.by_path.get(target).cloned().ok_or_else(|| {
                Error::Model(format!(
                    "{}: unknown content reference `{reference}`",
                    element.path
                ))
            })?;
            (last.to_owned(), FieldType::Single(ValueType::Complex(name)))
        } else if let Some(name) = self.by_path.get(&element.path) {
            (
                last.to_owned(),
                FieldType::Single(ValueType::Complex(name.clone())),
            )
        } else {
            let [type_ref] = element.types.as_slice() else {
                return Err(Error::Model(format!(
                    "{}: expected one type, found {}",
                    element.path,
                    element.types.len()
                )));
            };
            let _ = elements;
            let value = self.value_type(element, type_ref, resource_root && last == "id")?;
            (last.to_owned(), FieldType::Single(value))
        };
        Ok(Field {
            rust_name: names::field_name(&json_name),
            json_name,
            path: element.path.clone(),
            min: element.min.unwrap_or(0),
            max,
            ty,
            boxed: false,
            docs,
            is_summary: element.is_summary.unwrap_or(false),
            is_modifier: element.is_modifier.unwrap_or(false),
        })
    }

    fn value_type(
        &mut self,
        element: &ElementDefinition,
        type_ref: &TypeRef,
        resource_id: bool,
    ) -> Result<ValueType, Error> {
        let code = type_ref.code.as_str();
        if code.starts_with("http://hl7.org/fhirpath/System.") {
            let fhir = if resource_id {
                "id"
            } else {
                type_ref.fhir_type_extension().unwrap_or("string")
            };
            return Ok(ValueType::Bare(Prim::Fhir(fhir.to_owned())));
        }
        if code == "Resource" {
            return Ok(ValueType::Resource);
        }
        if is_primitive(code) {
            if code == "code" {
                if let Some(enum_name) = self.code_enum_for(element)? {
                    return Ok(ValueType::Primitive(Prim::Code(enum_name)));
                }
            }
            return Ok(ValueType::Primitive(Prim::Fhir(code.to_owned())));
        }
        let name = self
            .type_names
            .get(code)
            .cloned()
            .ok_or_else(|| Error::Model(format!("{}: unknown type `{code}`", element.path)))?;
        Ok(ValueType::Complex(name))
    }

    fn build_choice(
        &mut self,
        element: &ElementDefinition,
        stem: &str,
        docs: &str,
    ) -> Result<String, Error> {
        let parent = element.path.rsplit_once('.').map(|(p, _)| p).unwrap_or("");
        let base: String =
            parent.split('.').map(names::capitalize).collect::<String>() + &names::capitalize(stem);
        let name = self.claim_free(&base, "Choice");
        let mut variants = Vec::new();
        for type_ref in &element.types {
            let value = self.value_type(element, type_ref, false)?;
            variants.push(ChoiceVariant {
                name: names::type_name(&type_ref.code),
                json_name: format!("{stem}{}", names::capitalize(&type_ref.code)),
                fhir_type: type_ref.code.clone(),
                value,
            });
        }
        self.space.choices.push(ChoiceDef {
            name: name.clone(),
            path: element.path.clone(),
            docs: docs.to_owned(),
            variants,
        });
        Ok(name)
    }

    fn code_enum_for(&mut self, element: &ElementDefinition) -> Result<Option<String>, Error> {
        let Some(binding) = &element.binding else {
            return Ok(None);
        };
        if binding.strength != "required" {
            return Ok(None);
        }
        let Some(url) = &binding.value_set else {
            return Ok(None);
        };
        let url = url.split('|').next().unwrap_or(url).to_owned();
        if let Some(known) = self.code_enums.get(&url) {
            return Ok(known.clone());
        }
        let result = match self.terminology.expand(&url) {
            Some(codes) if !codes.is_empty() => {
                let vs_name = self
                    .terminology
                    .value_set_name(&url)
                    .unwrap_or("Codes")
                    .to_owned();
                let name = self.claim_free(&names::type_name(&vs_name), "Code");
                let mut used = BTreeSet::new();
                let mut variants = Vec::new();
                for code in codes {
                    let mut variant = names::variant_name(&code.code, code.display.as_deref());
                    let base = variant.clone();
                    let mut n = 2;
                    while !used.insert(variant.clone()) {
                        variant = format!("{base}{n}");
                        n += 1;
                    }
                    variants.push(CodeVariant {
                        name: variant,
                        code: code.code,
                        display: code.display,
                        system: code.system,
                    });
                }
                let docs = format!("Codes of the required value set `{url}`.");
                self.space.code_enums.push(CodeEnum {
                    name: name.clone(),
                    value_set: url.clone(),
                    docs,
                    codes: variants,
                });
                Some(name)
            }
            _ => None,
        };
        self.code_enums.insert(url, result.clone());
        Ok(result)
    }

    /// Boxes single complex fields that lead back to their own struct, so that
    /// every type has a finite size.
    fn box_cycles(&mut self) {
        let index: HashMap<String, usize> = self
            .space
            .structs
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.clone(), i))
            .collect();
        let choice_index: HashMap<String, usize> = self
            .space
            .choices
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.clone(), i))
            .collect();
        // Direct, unboxed containment edges between structs. Choice variants
        // holding complex types are always boxed, so they add no edge.
        let edges: Vec<Vec<usize>> = self
            .space
            .structs
            .iter()
            .map(|s| {
                s.fields
                    .iter()
                    .filter(|f| !f.repeated())
                    .filter_map(|f| match &f.ty {
                        FieldType::Single(ValueType::Complex(n)) => index.get(n).copied(),
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        let _ = choice_index;
        let reaches = |from: usize, to: usize| -> bool {
            let mut seen = vec![false; edges.len()];
            let mut stack = vec![from];
            while let Some(n) = stack.pop() {
                if n == to {
                    return true;
                }
                if std::mem::replace(&mut seen[n], true) {
                    continue;
                }
                stack.extend(edges[n].iter().copied());
            }
            false
        };
        let mut to_box = Vec::new();
        for (si, s) in self.space.structs.iter().enumerate() {
            for (fi, f) in s.fields.iter().enumerate() {
                if f.repeated() {
                    continue;
                }
                if let FieldType::Single(ValueType::Complex(n)) = &f.ty {
                    if let Some(&target) = index.get(n) {
                        if reaches(target, si) {
                            to_box.push((si, fi));
                        }
                    }
                }
            }
        }
        for (si, fi) in to_box {
            self.space.structs[si].fields[fi].boxed = true;
        }
    }
}

/// Orders struct names for stable output.
#[allow(dead_code)]
pub fn sorted_names(space: &TypeSpace) -> BTreeMap<&str, &StructDef> {
    space.structs.iter().map(|s| (s.name.as_str(), s)).collect()
}
