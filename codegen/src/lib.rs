//! Generates Rust types from FHIR StructureDefinitions, for use in build
//! scripts.
//!
//! The generator reads npm-style FHIR packages (see [`package`]), builds an
//! intermediate model of the types ([`model`]), and emits formatted Rust
//! source with full paths, so that FHIR names such as `String` or `Element`
//! cannot collide with the prelude.
//!
//! The root crate `fhir-payer` runs it from its `build.rs` on the FHIR R4
//! core definitions.

pub mod definitions;
mod emit_elements;
mod emit_extract;
mod emit_profiles;
mod emit_schema;
mod emit_search;
mod emit_types;
mod fhirpath;
pub mod model;
mod names;
pub mod package;
pub mod profiles;
mod snapshot;
pub mod terminology;
mod tokens;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use package::{Package, PackageSearchPath};
pub use profiles::{IgBuilder, ProfileGenerator};

use definitions::{
    CodeSystem, CompartmentDefinition, SearchParameter, StructureDefinition, ValueSet,
};

/// Errors of the generator. Each names the file, package or element involved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("cannot access {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file is not valid JSON.
    #[error("invalid JSON in {file}: {source}")]
    Json {
        file: String,
        #[source]
        source: serde_json::Error,
    },
    /// A conformance resource does not have the shape the generator expects.
    #[error("invalid {resource_type} in {file}: {source}")]
    Definition {
        resource_type: String,
        file: String,
        #[source]
        source: serde_json::Error,
    },
    /// A package is not where the search path looked.
    #[error("FHIR package {id}#{version} not found; looked for: {}", tried.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    PackageNotFound {
        id: String,
        version: String,
        tried: Vec<PathBuf>,
    },
    /// A package archive or folder is malformed.
    #[error("invalid FHIR package at {}: {reason}", location.display())]
    InvalidPackage { location: PathBuf, reason: String },
    /// The definitions cannot be mapped to Rust types.
    #[error("cannot generate types: {0}")]
    Model(String),
}

/// The conformance resources of one or more packages, indexed by canonical URL.
#[derive(Debug, Default)]
pub struct Definitions {
    structures: Vec<StructureDefinition>,
    structure_by_url: HashMap<String, usize>,
    value_sets: HashMap<String, ValueSet>,
    code_systems: HashMap<String, CodeSystem>,
    search_parameters: Vec<SearchParameter>,
    compartments: Vec<CompartmentDefinition>,
    /// Differential elements that [`Definitions::fill_snapshots`] found in
    /// neither the base nor a datatype: (definition URL, element id).
    unplaced_elements: Vec<(String, String)>,
}

impl Definitions {
    /// Creates an empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the conformance resources of `package`. Later packages do not
    /// replace resources that an earlier one defined under the same URL.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Definition`] when a resource of a kind the generator
    /// reads does not parse.
    pub fn add_package(&mut self, package: &Package) -> Result<(), Error> {
        for file in package.resources().filter(|f| !f.is_example) {
            let Some(resource_type) = file.json.get("resourceType").and_then(|v| v.as_str()) else {
                continue;
            };
            let parse_error = |source| Error::Definition {
                resource_type: resource_type.to_owned(),
                file: format!("{}#{}/{}", package.id, package.version, file.name),
                source,
            };
            match resource_type {
                "StructureDefinition" => {
                    let sd: StructureDefinition =
                        serde_json::from_value(file.json.clone()).map_err(parse_error)?;
                    if !self.structure_by_url.contains_key(&sd.url) {
                        self.structure_by_url
                            .insert(sd.url.clone(), self.structures.len());
                        self.structures.push(sd);
                    }
                }
                "ValueSet" => {
                    let vs: ValueSet =
                        serde_json::from_value(file.json.clone()).map_err(parse_error)?;
                    self.value_sets.entry(vs.url.clone()).or_insert(vs);
                }
                "CodeSystem" => {
                    let cs: CodeSystem =
                        serde_json::from_value(file.json.clone()).map_err(parse_error)?;
                    self.code_systems.entry(cs.url.clone()).or_insert(cs);
                }
                "SearchParameter" => {
                    let mut sp: SearchParameter =
                        serde_json::from_value(file.json.clone()).map_err(parse_error)?;
                    sp.package = format!("{}#{}", package.id, package.version);
                    sp.precedence = definitions::CORE_PRECEDENCE;
                    self.push_search_parameter(sp);
                }
                "CompartmentDefinition" => {
                    let cd: CompartmentDefinition =
                        serde_json::from_value(file.json.clone()).map_err(parse_error)?;
                    self.compartments.push(cd);
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Fills in the snapshot of every StructureDefinition that has only a
    /// differential, from the snapshot of its base definition. The
    /// expansion changes base elements with the same id, adds slices and
    /// elements inside slices after their parent, and unfolds the children
    /// of a single-type datatype that the differential reaches into. A
    /// definition whose base is missing keeps no snapshot. Differential
    /// elements found in neither the base nor a datatype are listed by
    /// [`Definitions::unplaced_elements`].
    pub fn fill_snapshots(&mut self) {
        loop {
            let mut progress = false;
            for index in 0..self.structures.len() {
                let sd = &self.structures[index];
                if sd.snapshot.is_some() {
                    continue;
                }
                let (Some(differential), Some(base_url)) = (&sd.differential, &sd.base_definition)
                else {
                    continue;
                };
                let Some(base) = self
                    .structure_definition(base_url)
                    .and_then(|base| base.snapshot.as_ref())
                else {
                    continue;
                };
                let expanded = snapshot::expand(&base.element, &differential.element, self);
                let url = sd.url.clone();
                self.unplaced_elements
                    .extend(expanded.unplaced.into_iter().map(|id| (url.clone(), id)));
                self.structures[index].snapshot = Some(definitions::Snapshot {
                    element: expanded.elements,
                });
                progress = true;
            }
            if !progress {
                return;
            }
        }
    }

    /// Returns the differential elements, as (definition URL, element id),
    /// that [`Definitions::fill_snapshots`] found in neither the base
    /// definition nor the datatype of their parent.
    pub fn unplaced_elements(&self) -> &[(String, String)] {
        &self.unplaced_elements
    }

    /// Adds only the SearchParameters of `package`, an implementation guide
    /// whose parameters take precedence `precedence` (see
    /// [`SearchParameter::precedence`]).
    ///
    /// # Errors
    ///
    /// Returns [`Error::Definition`] when a SearchParameter does not parse.
    pub fn add_search_parameters(
        &mut self,
        package: &Package,
        precedence: u8,
    ) -> Result<(), Error> {
        for file in package.resources().filter(|f| !f.is_example) {
            if file.json.get("resourceType").and_then(|v| v.as_str()) != Some("SearchParameter") {
                continue;
            }
            let mut sp: SearchParameter =
                serde_json::from_value(file.json.clone()).map_err(|source| Error::Definition {
                    resource_type: "SearchParameter".to_owned(),
                    file: format!("{}#{}/{}", package.id, package.version, file.name),
                    source,
                })?;
            sp.package = format!("{}#{}", package.id, package.version);
            sp.precedence = precedence;
            self.push_search_parameter(sp);
        }
        Ok(())
    }

    /// Adds `sp` unless a parameter with its URL is already loaded or it is
    /// one of the core package's examples.
    fn push_search_parameter(&mut self, sp: SearchParameter) {
        if sp.is_core_example() || self.search_parameters.iter().any(|p| p.url == sp.url) {
            return;
        }
        self.search_parameters.push(sp);
    }

    /// Returns every StructureDefinition, in load order.
    pub fn structure_definitions(&self) -> &[StructureDefinition] {
        &self.structures
    }

    /// Returns the StructureDefinition at `url`.
    pub fn structure_definition(&self, url: &str) -> Option<&StructureDefinition> {
        self.structure_by_url.get(url).map(|&i| &self.structures[i])
    }

    /// Returns the ValueSet at `url` (a `|version` suffix is ignored).
    pub fn value_set(&self, url: &str) -> Option<&ValueSet> {
        self.value_sets.get(url.split('|').next().unwrap_or(url))
    }

    /// Returns the CodeSystem at `url`.
    pub fn code_system(&self, url: &str) -> Option<&CodeSystem> {
        self.code_systems.get(url.split('|').next().unwrap_or(url))
    }

    /// Returns every SearchParameter, in load order.
    pub fn search_parameters(&self) -> &[SearchParameter] {
        &self.search_parameters
    }

    /// Returns every CompartmentDefinition, in load order.
    pub fn compartments(&self) -> &[CompartmentDefinition] {
        &self.compartments
    }
}

/// Generates the base FHIR types into one Rust source file.
///
/// ```no_run
/// // In build.rs:
/// let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap());
/// fhir_payer_codegen::CoreGenerator::new("fhir-definitions")
///     .generate(&out.join("r4.rs"))
///     .unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct CoreGenerator {
    search_path: PackageSearchPath,
    package_id: String,
    package_version: String,
    json_schema_out: Option<PathBuf>,
    /// The implementation guides whose SearchParameters join the registry,
    /// as (package id, version), in precedence order.
    search_guides: Vec<(String, String)>,
}

impl CoreGenerator {
    /// A generator for FHIR R4 4.0.1 (`hl7.fhir.r4.core#4.0.1`), looking for
    /// packages in `definitions_dir` first, then on the standard search path.
    pub fn new(definitions_dir: impl Into<PathBuf>) -> Self {
        CoreGenerator {
            search_path: PackageSearchPath::standard(definitions_dir),
            package_id: "hl7.fhir.r4.core".to_owned(),
            package_version: "4.0.1".to_owned(),
            json_schema_out: None,
            search_guides: Vec::new(),
        }
    }

    /// Also writes `schemars::JsonSchema` impls of the types to `out` when
    /// [`generate`](Self::generate) runs. The runtime crate includes that
    /// file only with its `schemars` feature.
    pub fn json_schema(mut self, out: impl Into<PathBuf>) -> Self {
        self.json_schema_out = Some(out.into());
        self
    }

    /// Adds the SearchParameters of the guide in package `package_id` at
    /// `version` to the registry and to the extraction code. Guides added
    /// earlier take precedence over later ones, and every guide over the
    /// core specification, when two parameters share a code and a base type.
    pub fn add_search_guide(&mut self, package_id: &str, version: &str) -> &mut Self {
        self.search_guides
            .push((package_id.to_owned(), version.to_owned()));
        self
    }

    /// Loads the core package and returns its definitions, for callers that
    /// emit more than the types.
    ///
    /// # Errors
    ///
    /// Returns the package loading errors of [`PackageSearchPath::load`].
    pub fn load(&self) -> Result<(Package, Definitions), Error> {
        let package = self
            .search_path
            .load(&self.package_id, &self.package_version)?;
        let mut defs = Definitions::new();
        defs.add_package(&package)?;
        Ok((package, defs))
    }

    /// Writes the types, the search parameter registry (core and guide
    /// parameters), the compartment tables and the element flags to `out`.
    /// Also writes the schema impls to the file set by
    /// [`json_schema`](Self::json_schema). Each file is rewritten only when
    /// its content changes.
    ///
    /// # Errors
    ///
    /// Returns [`Error`] when the package is missing or malformed, when the
    /// definitions cannot be mapped, or when `out` cannot be written.
    pub fn generate(&self, out: &Path) -> Result<(), Error> {
        let (package, mut defs) = self.load()?;
        let space = model::build(&defs)?;
        for (position, (id, version)) in self.search_guides.iter().enumerate() {
            let guide = self.search_path.load(id, version)?;
            let precedence = u8::try_from(position)
                .unwrap_or(u8::MAX - 1)
                .min(u8::MAX - 1);
            defs.add_search_parameters(&guide, precedence)?;
        }
        let header = format!(
            "// @generated by fhir-payer-codegen from {}#{}. Do not edit.\n",
            package.id, package.version
        );
        let mut source = header.clone();
        source.push_str(&emit_types::emit(&space, &package.version));
        source.push_str(&emit_search::emit(&defs, &space));
        source.push_str(&emit_elements::emit(&space));
        source.push_str(&emit_extract::emit(&defs, &space));
        if let Some(schema_out) = &self.json_schema_out {
            let schema_source = header.clone() + &emit_schema::emit(&space);
            write_if_changed(schema_out, &schema_source)?;
        }
        write_if_changed(out, &source)
    }
}

/// Writes `contents` to `path` unless the file already contains exactly that,
/// so that unchanged output does not trigger recompilation.
///
/// # Errors
///
/// Returns [`Error::Io`] when the file cannot be written.
pub fn write_if_changed(path: &Path, contents: &str) -> Result<(), Error> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    std::fs::write(path, contents).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}
