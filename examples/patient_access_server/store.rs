//! The in-memory resource store, loaded from the example resources of FHIR
//! packages (`.tgz` files as published to the FHIR package registry).

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use fhir_payer::r4::{Resource, ResourceType};
use fhir_payer::search::extract::{self, IndexValue};
use fhir_payer::search::matching::Resolver;
use fhir_payer::search::registry::SearchParamDef;

/// Resource types that describe the specification or an implementation
/// guide rather than data. Package files of these types are not loaded.
const CONFORMANCE_TYPES: &[ResourceType] = &[
    ResourceType::CapabilityStatement,
    ResourceType::CodeSystem,
    ResourceType::CompartmentDefinition,
    ResourceType::ConceptMap,
    ResourceType::ExampleScenario,
    ResourceType::GraphDefinition,
    ResourceType::ImplementationGuide,
    ResourceType::MessageDefinition,
    ResourceType::NamingSystem,
    ResourceType::OperationDefinition,
    ResourceType::SearchParameter,
    ResourceType::StructureDefinition,
    ResourceType::StructureMap,
    ResourceType::TerminologyCapabilities,
    ResourceType::ValueSet,
];

/// One package to load, and the folder in it that contains the examples.
#[derive(Debug, Clone)]
pub struct PackageSource {
    /// The package file (`hl7.fhir.us.carin-bb-2.0.0.tgz`).
    pub path: PathBuf,
    /// Only files under this folder of the archive are read
    /// (`package/example/`), or the whole archive when it is `package/`.
    pub folder: &'static str,
}

impl PackageSource {
    /// Lists the four packages the demo serves, in load order: the R4
    /// examples, US Core 6.1.0, Plan Net 1.2.0 and CARIN BB 2.0.0. A later
    /// package replaces a resource of the same type and id from an earlier
    /// one, so the payer data of CARIN BB wins over the generic examples.
    ///
    /// `package_dir` is the folder of the US Core and CARIN BB packages
    /// (`FHIR_PACKAGE_PATH`). The R4 examples and Plan Net are read from
    /// this repository (`target/fhir-packages/` and `fhir-definitions/`).
    pub fn payer_demo(repository: &Path, package_dir: &Path) -> Vec<PackageSource> {
        vec![
            PackageSource {
                path: repository.join("target/fhir-packages/hl7.fhir.r4.examples-4.0.1.tgz"),
                folder: "package/",
            },
            PackageSource {
                path: package_dir.join("hl7.fhir.us.core-6.1.0.tgz"),
                folder: "package/example/",
            },
            PackageSource {
                path: repository
                    .join("fhir-definitions/hl7.fhir.us.davinci-pdex-plan-net-1.2.0.tgz"),
                folder: "package/example/",
            },
            PackageSource {
                path: package_dir.join("hl7.fhir.us.carin-bb-2.0.0.tgz"),
                folder: "package/example/",
            },
        ]
    }
}

/// Counts from loading one package, for the start-up log.
#[derive(Debug, Clone, Default)]
pub struct LoadReport {
    /// The package file.
    pub package: String,
    /// Resources stored.
    pub loaded: usize,
    /// Resources that replaced one of the same type and id.
    pub replaced: usize,
    /// Files skipped because they hold conformance resources.
    pub conformance: usize,
    /// Files that failed to parse as R4 resources, with the first error.
    pub failed: usize,
    /// The first parse error, with its file name.
    pub first_error: Option<String>,
}

/// The resources of the server, by type, each list sorted by id.
#[derive(Debug, Default)]
pub struct Store {
    by_type: HashMap<ResourceType, Vec<Resource>>,
}

impl Store {
    /// Loads every package in order.
    ///
    /// # Errors
    ///
    /// Returns a message naming the package when a file is missing or is
    /// not a readable gzip tar archive. Single resources that fail to parse
    /// are counted in the report and skipped.
    pub fn load(sources: &[PackageSource]) -> Result<(Store, Vec<LoadReport>), String> {
        let mut by_id: HashMap<(ResourceType, String), Resource> = HashMap::new();
        let mut reports = Vec::new();
        for source in sources {
            reports.push(load_package(source, &mut by_id)?);
        }

        let mut by_type: HashMap<ResourceType, Vec<Resource>> = HashMap::new();
        for ((resource_type, _), resource) in by_id {
            by_type.entry(resource_type).or_default().push(resource);
        }
        for resources in by_type.values_mut() {
            resources.sort_by(|a, b| resource_id(a).cmp(resource_id(b)));
        }
        Ok((Store { by_type }, reports))
    }

    /// Returns the resources of `resource_type`, sorted by id.
    pub fn of_type(&self, resource_type: ResourceType) -> &[Resource] {
        self.by_type
            .get(&resource_type)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Returns the resource `resource_type/id`.
    pub fn get(&self, resource_type: ResourceType, id: &str) -> Option<&Resource> {
        let resources = self.of_type(resource_type);
        let position = resources
            .binary_search_by(|resource| resource_id(resource).cmp(id))
            .ok()?;
        resources.get(position)
    }

    /// Returns the number of stored resources.
    pub fn len(&self) -> usize {
        self.by_type.values().map(Vec::len).sum()
    }
}

impl Resolver for Store {
    fn resolve(&self, resource_type: ResourceType, id: &str) -> Option<&Resource> {
        self.get(resource_type, id)
    }

    fn referencing(
        &self,
        source: ResourceType,
        param: &'static SearchParamDef,
        target_type: ResourceType,
        target_id: &str,
    ) -> Vec<&Resource> {
        self.of_type(source)
            .iter()
            .filter(|resource| {
                extract::extract(resource, param)
                    .iter()
                    .any(|value| points_at(value, target_type, target_id))
            })
            .collect()
    }
}

/// Returns whether an extracted reference value names `target_type/target_id`.
/// References to contained resources (`#id`) never do.
pub fn points_at(value: &IndexValue, target_type: ResourceType, target_id: &str) -> bool {
    let IndexValue::Reference(reference) = value else {
        return false;
    };
    let contained = reference
        .reference
        .as_deref()
        .is_some_and(|text| text.starts_with('#'));
    !contained
        && reference.resource_type == Some(target_type)
        && reference.id.as_deref() == Some(target_id)
}

/// Returns the logical id of a resource, or "" when it has none.
pub fn resource_id(resource: &Resource) -> &str {
    resource.id().map_or("", |id| id.as_str())
}

fn load_package(
    source: &PackageSource,
    by_id: &mut HashMap<(ResourceType, String), Resource>,
) -> Result<LoadReport, String> {
    let display = source.path.display().to_string();
    let file = File::open(&source.path).map_err(|error| {
        format!(
            "cannot open FHIR package {display}: {error}. Set FHIR_PACKAGE_PATH to the folder of \
             the US Core and CARIN BB packages, and run `fhir-definitions/fetch.sh examples` for \
             the R4 examples"
        )
    })?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let entries = archive
        .entries()
        .map_err(|error| format!("cannot read FHIR package {display}: {error}"))?;

    let mut report = LoadReport {
        package: display.clone(),
        ..LoadReport::default()
    };
    let mut bytes = Vec::new();
    for entry in entries {
        let mut entry =
            entry.map_err(|error| format!("cannot read FHIR package {display}: {error}"))?;
        let path = entry
            .path()
            .map_err(|error| format!("invalid file name in FHIR package {display}: {error}"))?
            .to_string_lossy()
            .into_owned();
        if !is_example_file(&path, source.folder) {
            continue;
        }
        // Package files are named `{resourceType}-{id}.json`, so most
        // conformance files are skipped here without parsing them. The type
        // is checked again after parsing for files named otherwise.
        if names_conformance_type(&path) {
            report.conformance += 1;
            continue;
        }
        bytes.clear();
        entry
            .read_to_end(&mut bytes)
            .map_err(|error| format!("cannot read {path} in FHIR package {display}: {error}"))?;

        let resource = match fhir_payer::json::from_slice(&bytes) {
            Ok(resource) => resource,
            Err(error) => {
                report.failed += 1;
                report
                    .first_error
                    .get_or_insert_with(|| format!("{path}: {error}"));
                continue;
            }
        };
        let resource_type = resource.resource_type();
        if CONFORMANCE_TYPES.contains(&resource_type) {
            report.conformance += 1;
            continue;
        }
        let Some(id) = resource.id().map(|id| id.as_str().to_owned()) else {
            report.failed += 1;
            report
                .first_error
                .get_or_insert_with(|| format!("{path}: the resource has no id"));
            continue;
        };
        if by_id.insert((resource_type, id), resource).is_some() {
            report.replaced += 1;
        }
        report.loaded += 1;
    }
    Ok(report)
}

/// Returns whether the file name of an archive path starts with the name
/// of a conformance resource type and a `-`.
fn names_conformance_type(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let Some((type_name, _)) = name.split_once('-') else {
        return false;
    };
    ResourceType::from_name(type_name).is_some_and(|found| CONFORMANCE_TYPES.contains(&found))
}

/// Returns whether an archive path is a JSON resource file directly under
/// `folder`. Package metadata (`package.json`, `.index.json`) is not.
fn is_example_file(path: &str, folder: &str) -> bool {
    let Some(name) = path.strip_prefix(folder) else {
        return false;
    };
    !name.contains('/')
        && name.ends_with(".json")
        && !name.starts_with('.')
        && name != "package.json"
}
