//! Loading npm-style FHIR packages, from a `.tgz` or an unpacked folder, by id
//! and version through a search path.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::Error;

/// The name of the environment variable that lists extra package folders,
/// separated like `PATH` (`:` on Unix).
pub const PACKAGE_PATH_VAR: &str = "FHIR_PACKAGE_PATH";

/// One JSON file read out of a package.
#[derive(Debug, Clone)]
pub struct PackageFile {
    /// The file name inside the package, such as `StructureDefinition-Patient.json`.
    pub name: String,
    /// `true` for files under `package/example/` or `example/`.
    pub is_example: bool,
    /// The parsed JSON.
    pub json: serde_json::Value,
}

/// A loaded FHIR package: its manifest and its JSON files.
#[derive(Debug, Clone)]
pub struct Package {
    /// The package id from `package.json`, such as `hl7.fhir.us.core`.
    pub id: String,
    /// The package version from `package.json`.
    pub version: String,
    /// The `dependencies` of `package.json`, as (id, version) pairs.
    pub dependencies: Vec<(String, String)>,
    /// The path the package was read from.
    pub location: PathBuf,
    /// Every JSON file of the package except `package.json` and `.index.json`.
    pub files: Vec<PackageFile>,
}

impl Package {
    /// Reads a package from a `.tgz` file or from a folder that contains
    /// `package/package.json`.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Io`] when the files cannot be read and
    /// [`Error::Json`] when a file is not valid JSON.
    pub fn load(location: &Path) -> Result<Package, Error> {
        let raw = if location.is_dir() {
            read_folder(location)?
        } else {
            read_tgz(location)?
        };
        let mut manifest = None;
        let mut files = Vec::new();
        for (path, bytes) in raw {
            let name = path.rsplit('/').next().unwrap_or(&path).to_string();
            if !name.ends_with(".json") || name == ".index.json" {
                continue;
            }
            // Resources sit in `package/` and examples in `package/example/`.
            // Other folders (`openapi/`, `other/`, `xml/`) hold files that are
            // not FHIR resources and need not be valid JSON.
            let folder = path.rsplit_once('/').map_or("", |(folder, _)| folder);
            if folder != "package" && !folder.ends_with("example") {
                continue;
            }
            let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
            let json: serde_json::Value =
                serde_json::from_slice(bytes).map_err(|source| Error::Json {
                    file: format!("{}!{}", location.display(), path),
                    source,
                })?;
            if path == "package/package.json" {
                manifest = Some(json);
                continue;
            }
            let is_example = path.contains("/example/") || path.starts_with("example/");
            files.push(PackageFile {
                name,
                is_example,
                json,
            });
        }
        let manifest = manifest.ok_or_else(|| Error::InvalidPackage {
            location: location.to_path_buf(),
            reason: "no package/package.json".into(),
        })?;
        let text = |key: &str| {
            manifest
                .get(key)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        let id = text("name").ok_or_else(|| Error::InvalidPackage {
            location: location.to_path_buf(),
            reason: "package.json has no name".into(),
        })?;
        let version = text("version").unwrap_or_default();
        let dependencies = manifest
            .get("dependencies")
            .and_then(|d| d.as_object())
            .map(|deps| {
                deps.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        files.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Package {
            id,
            version,
            dependencies,
            location: location.to_path_buf(),
            files,
        })
    }

    /// Returns the conformance and example resources of the package, skipping files
    /// that are not FHIR resources.
    pub fn resources(&self) -> impl Iterator<Item = &PackageFile> {
        self.files
            .iter()
            .filter(|f| f.json.get("resourceType").is_some())
    }
}

fn read_folder(root: &Path) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = fs::read_dir(&dir).map_err(|source| Error::Io {
            path: dir.clone(),
            source,
        })?;
        for entry in entries {
            let entry = entry.map_err(|source| Error::Io {
                path: dir.clone(),
                source,
            })?;
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                let bytes = fs::read(&path).map_err(|source| Error::Io {
                    path: path.clone(),
                    source,
                })?;
                let relative = path.strip_prefix(root).unwrap_or(&path);
                out.push((relative.to_string_lossy().replace('\\', "/"), bytes));
            }
        }
    }
    Ok(out)
}

fn read_tgz(file: &Path) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let io_error = |source| Error::Io {
        path: file.to_path_buf(),
        source,
    };
    let reader = fs::File::open(file).map_err(io_error)?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(reader));
    let mut out = Vec::new();
    for entry in archive.entries().map_err(io_error)? {
        let mut entry = entry.map_err(io_error)?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry
            .path()
            .map_err(io_error)?
            .to_string_lossy()
            .into_owned();
        if !path.ends_with(".json") {
            continue;
        }
        let mut bytes = Vec::with_capacity(entry.size() as usize);
        entry.read_to_end(&mut bytes).map_err(io_error)?;
        out.push((path, bytes));
    }
    Ok(out)
}

/// An ordered list of folders in which packages are looked up.
///
/// In each folder a package `id` at `version` may be an unpacked folder
/// `id#version/` (the layout of the FHIR package cache), or an archive named
/// `id#version.tgz` or `id-version.tgz` (the name `npm pack` gives).
#[derive(Debug, Clone, Default)]
pub struct PackageSearchPath {
    dirs: Vec<PathBuf>,
}

impl PackageSearchPath {
    /// Creates an empty search path.
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds the standard search path: `first` (usually the project's
    /// `fhir-definitions/`), then every folder in `FHIR_PACKAGE_PATH`, then
    /// the FHIR package cache `~/.fhir/packages`.
    pub fn standard(first: impl Into<PathBuf>) -> Self {
        let mut path = Self::new();
        path.push(first);
        if let Some(list) = std::env::var_os(PACKAGE_PATH_VAR) {
            for dir in std::env::split_paths(&list) {
                if !dir.as_os_str().is_empty() {
                    path.push(dir);
                }
            }
        }
        if let Some(home) = std::env::var_os("HOME") {
            path.push(PathBuf::from(home).join(".fhir").join("packages"));
        }
        path
    }

    /// Appends a folder to the search path.
    pub fn push(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.dirs.push(dir.into());
        self
    }

    /// Returns the folders searched, in order.
    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// Finds where package `id` at `version` is stored, without reading it.
    ///
    /// # Errors
    ///
    /// Returns [`Error::PackageNotFound`], which lists every place looked at.
    pub fn locate(&self, id: &str, version: &str) -> Result<PathBuf, Error> {
        let mut tried = Vec::new();
        for dir in &self.dirs {
            let candidates = [
                dir.join(format!("{id}#{version}")),
                dir.join(format!("{id}#{version}.tgz")),
                dir.join(format!("{id}-{version}.tgz")),
            ];
            for candidate in candidates {
                let found = if candidate.extension().is_some_and(|e| e == "tgz") {
                    candidate.is_file()
                } else {
                    candidate.join("package").join("package.json").is_file()
                };
                if found {
                    return Ok(candidate);
                }
                tried.push(candidate);
            }
        }
        Err(Error::PackageNotFound {
            id: id.to_owned(),
            version: version.to_owned(),
            tried,
        })
    }

    /// Finds and reads package `id` at `version`.
    ///
    /// # Errors
    ///
    /// Returns [`Error::PackageNotFound`] when no folder has it, and the
    /// errors of [`Package::load`] when it cannot be read.
    pub fn load(&self, id: &str, version: &str) -> Result<Package, Error> {
        let location = self.locate(id, version)?;
        let package = Package::load(&location)?;
        if package.id != id || package.version != version {
            return Err(Error::InvalidPackage {
                location,
                reason: format!(
                    "package.json names {}#{}, expected {id}#{version}",
                    package.id, package.version
                ),
            });
        }
        Ok(package)
    }
}
