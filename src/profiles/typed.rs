//! The traits that generated profile, extension and value set types
//! implement, JSON entry points for profile types, and the support code the
//! generated types call.

use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{ConstraintKind, Profile, Violation};
use crate::r4::{OperationOutcome, Resource};

/// A generated profile type: a base resource that conforms to a profile.
///
/// `TryFrom<Base>` validates and returns every violation, and `From<Self>
/// for Base` adds the profile to `meta.profile`.
pub trait ProfileType:
    Sized + Clone + TryFrom<Self::Base, Error = Vec<Violation>> + Into<Self::Base>
{
    /// The base resource type.
    type Base: Serialize + DeserializeOwned;
    /// The canonical URL of the profile.
    const URL: &'static str;
    /// Returns the profile's table, which [`super::validate_against`] takes.
    fn profile() -> &'static Profile;
    /// Converts to the base resource, wrapped as a [`Resource`].
    fn into_resource(self) -> Resource;
    /// Converts from a [`Resource`] of the base type.
    ///
    /// # Errors
    ///
    /// Returns [`ProfileError::Invalid`] with every violation, including a
    /// [`ConstraintKind::Type`] violation when the resource has another type.
    fn from_resource(resource: Resource) -> Result<Self, ProfileError>;
}

/// A generated extension type, converted from and to [`crate::r4::Extension`].
pub trait ExtensionType:
    Sized + for<'a> TryFrom<&'a crate::r4::Extension, Error = Vec<Violation>>
{
    /// The canonical URL of the extension definition.
    const URL: &'static str;
}

/// A generated enum of the codes of a required value set of a guide.
pub trait ValueSetCode: Copy + 'static {
    /// The canonical URL of the value set.
    const VALUE_SET: &'static str;
    /// Returns the code.
    fn code(self) -> &'static str;
    /// Returns the code system URL.
    fn system(self) -> &'static str;
    /// Returns the variant for `code`, in `system` when one is given.
    fn from_coding(system: Option<&str>, code: &str) -> Option<Self>;
}

/// The error of reading a profile type from JSON.
#[derive(Debug)]
pub enum ProfileError {
    /// The JSON is not a valid base resource.
    Json(crate::json::Error),
    /// The resource does not conform to the profile.
    Invalid(Vec<Violation>),
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProfileError::Json(error) => write!(f, "invalid resource JSON: {error}"),
            ProfileError::Invalid(violations) => {
                write!(f, "the resource does not conform to the profile: ")?;
                write_violations(f, violations)
            }
        }
    }
}

impl std::error::Error for ProfileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ProfileError::Json(error) => Some(error),
            ProfileError::Invalid(_) => None,
        }
    }
}

impl From<ProfileError> for OperationOutcome {
    /// Builds one issue per violation, or one `invalid` issue for a JSON error.
    fn from(error: ProfileError) -> Self {
        match error {
            ProfileError::Invalid(violations) => violations.into(),
            ProfileError::Json(error) => vec![Violation {
                path: error.path().to_owned(),
                constraint: ConstraintKind::Type,
                message: error.to_string(),
            }]
            .into(),
        }
    }
}

fn write_violations(f: &mut fmt::Formatter<'_>, violations: &[Violation]) -> fmt::Result {
    for (index, violation) in violations.iter().enumerate() {
        if index > 0 {
            f.write_str("; ")?;
        }
        write!(f, "{violation}")?;
    }
    Ok(())
}

/// Reads a profile type from resource JSON: the base resource is read, then
/// validated.
///
/// # Errors
///
/// Returns [`ProfileError::Json`] when the bytes are not a valid resource and
/// [`ProfileError::Invalid`] with every violation when it does not conform.
pub fn from_slice<P: ProfileType>(bytes: &[u8]) -> Result<P, ProfileError> {
    let resource = crate::json::from_slice(bytes).map_err(ProfileError::Json)?;
    P::from_resource(resource)
}

/// Writes a profile type as the JSON of its base resource, with the profile
/// in `meta.profile`. The value is cloned to convert it.
///
/// # Errors
///
/// Returns the errors of [`crate::json::to_vec`].
pub fn to_vec<P: ProfileType>(profile: &P) -> Result<Vec<u8>, crate::json::Error> {
    crate::json::to_vec(&profile.clone().into_resource())
}

/// Support code for the generated types. Not a public API.
#[doc(hidden)]
pub mod __private {
    // The generated modules of users' own guides name serde through this
    // path, so their crates need no serde dependency of their own.
    pub use serde;
    use serde_json::Value;

    use super::{ProfileError, ProfileType, ValueSetCode};
    use crate::primitives::{Canonical, Code, Id, Markdown, Oid, Primitive, Uri, Url, Uuid};
    use crate::profiles::validate::slice_matches;
    use crate::profiles::{ConstraintKind, Profile, Violation, validate_json_against};
    use crate::r4::{CodeableConcept, Coding, Extension, ExtensionValue, Meta, Resource};

    fn violation(path: &str, constraint: ConstraintKind, message: String) -> Violation {
        Violation {
            path: path.to_owned(),
            constraint,
            message,
        }
    }

    /// Validates `value` (a base resource) against `profile`.
    pub fn validate<T: serde::Serialize>(value: &T, profile: &'static Profile) -> Vec<Violation> {
        match serde_json::to_value(value) {
            Ok(json) => validate_json_against(&json, profile)
                .err()
                .unwrap_or_default(),
            Err(error) => vec![violation(
                profile.base_type,
                ConstraintKind::Type,
                format!("the resource cannot be written as JSON: {error}"),
            )],
        }
    }

    /// Returns whether `value` belongs to the slice `profile.elements[slice]` of
    /// the sliced element `profile.elements[sliced]`. The value is written as
    /// JSON to run the table-driven discriminators.
    pub fn in_slice<T: serde::Serialize>(
        profile: &'static Profile,
        sliced: usize,
        slice: usize,
        value: &T,
    ) -> bool {
        serde_json::to_value(value)
            .is_ok_and(|json: Value| slice_matches(profile, sliced, slice, &json))
    }

    /// Takes the only item of `items`, recording a violation when there are more.
    pub fn at_most_one<T>(items: Vec<T>, path: &str, violations: &mut Vec<Violation>) -> Option<T> {
        if items.len() > 1 {
            violations.push(violation(
                path,
                ConstraintKind::Cardinality,
                format!("expected at most 1 occurrence, found {}", items.len()),
            ));
        }
        items.into_iter().next()
    }

    /// Takes the only item of `items`, recording a violation unless there is
    /// exactly one.
    pub fn exactly_one<T>(items: Vec<T>, path: &str, violations: &mut Vec<Violation>) -> Option<T> {
        if items.len() != 1 {
            violations.push(violation(
                path,
                ConstraintKind::Cardinality,
                format!("expected exactly 1 occurrence, found {}", items.len()),
            ));
        }
        items.into_iter().next()
    }

    /// Passes `value` through, recording a violation when it is missing.
    pub fn present<T>(value: Option<T>, path: &str, violations: &mut Vec<Violation>) -> Option<T> {
        if value.is_none() {
            violations.push(violation(
                path,
                ConstraintKind::Cardinality,
                "a required element is missing".to_owned(),
            ));
        }
        value
    }

    /// Passes `items` through, recording a violation when there are fewer than `min`.
    pub fn at_least<T>(
        items: Vec<T>,
        min: usize,
        path: &str,
        violations: &mut Vec<Violation>,
    ) -> Vec<T> {
        if items.len() < min {
            violations.push(violation(
                path,
                ConstraintKind::Cardinality,
                format!("expected at least {min} occurrences, found {}", items.len()),
            ));
        }
        items
    }

    /// Adds `url` to `meta.profile` unless it is there already, with or
    /// without a `|version` suffix.
    pub fn ensure_profile(meta: &mut Option<Meta>, url: &str) {
        let meta = meta.get_or_insert_with(Meta::default);
        let present = meta
            .profile
            .iter()
            .any(|p| p.value().is_some_and(|c| c.url() == url));
        if !present {
            if let Ok(canonical) = Canonical::try_from(url) {
                meta.profile.push(Primitive::new(canonical));
            }
        }
    }

    fn has_url(extension: &Extension, url: &str) -> bool {
        extension.url.as_ref().is_some_and(|u| u.as_str() == url)
    }

    /// Converts every extension of type `X` in `extensions`, skipping those
    /// that do not convert.
    pub fn extensions<X: super::ExtensionType>(
        extensions: &[Extension],
    ) -> impl Iterator<Item = X> + '_ {
        extensions
            .iter()
            .filter(|e| has_url(e, X::URL))
            .filter_map(|e| X::try_from(e).ok())
    }

    /// Converts every extension of type `X` in `extensions` and records the
    /// violations of those that do not convert, under `slice_path`
    /// (`Patient.extension:race`) with the index of the extension.
    pub fn check_extensions<X: super::ExtensionType>(
        extensions: &[Extension],
        slice_path: &str,
        violations: &mut Vec<Violation>,
    ) {
        let element_path = slice_path
            .rsplit_once(':')
            .map_or(slice_path, |(element, _)| element);
        for (index, extension) in extensions.iter().enumerate() {
            if !has_url(extension, X::URL) {
                continue;
            }
            if let Err(found) = X::try_from(extension) {
                let prefix = format!("{element_path}[{index}]");
                violations.extend(found.into_iter().map(|mut v| {
                    v.path = match v.path.strip_prefix("Extension") {
                        Some(rest) => format!("{prefix}{rest}"),
                        None => format!("{prefix}.{}", v.path),
                    };
                    v
                }));
            }
        }
    }

    /// Returns a violation when `extension` does not have `url`.
    pub fn check_url(extension: &Extension, url: &str) -> Vec<Violation> {
        if has_url(extension, url) {
            return Vec::new();
        }
        let found = extension.url.as_ref().map_or("no URL", |u| u.as_str());
        vec![violation(
            "Extension.url",
            ConstraintKind::Fixed,
            format!("expected {url}, found {found}"),
        )]
    }

    /// Returns the sub-extensions of `extension` with `url`.
    pub fn sub_extensions<'a>(
        extension: &'a Extension,
        url: &'a str,
    ) -> impl Iterator<Item = &'a Extension> + 'a {
        extension.extension.iter().filter(move |e| has_url(e, url))
    }

    /// Takes a value out of each extension of `source` with `get`. An
    /// extension whose value has another type is a violation; one with no
    /// value is skipped.
    pub fn values<'a, T>(
        source: impl Iterator<Item = &'a Extension>,
        get: impl Fn(&'a Extension) -> Option<T>,
        path: &str,
        expected: &str,
        violations: &mut Vec<Violation>,
    ) -> Vec<T> {
        let mut out = Vec::new();
        for extension in source {
            match get(extension) {
                Some(value) => out.push(value),
                None => {
                    if let Some(value) = &extension.value {
                        violations.push(violation(
                            path,
                            ConstraintKind::Type,
                            format!(
                                "expected a value of type {expected}, found {}",
                                value.json_key()
                            ),
                        ));
                    }
                }
            }
        }
        out
    }

    /// Returns an empty extension with `url`.
    pub fn extension(url: &str) -> Extension {
        Extension {
            url: Uri::try_from(url).ok(),
            ..Extension::default()
        }
    }

    /// Returns a sub-extension with `url` and `value`.
    pub fn sub_extension(url: &str, value: ExtensionValue) -> Extension {
        Extension {
            value: Some(value),
            ..extension(url)
        }
    }

    /// Returns the error for a resource of another type than the profile's,
    /// and drops the resource.
    pub fn wrong_type(resource: Resource, profile: &'static Profile) -> ProfileError {
        resource.into_wrong_type_error(profile)
    }

    /// Drops a resource that no profile of a guide took.
    pub fn discard(resource: Resource) {
        resource.discard();
    }

    // Methods of `Resource`, so that the compiler places the code that drops
    // the resource with the generated types rather than in every guide's
    // module (see the note on compile time in `src/r4.rs`).
    impl Resource {
        fn into_wrong_type_error(self, profile: &'static Profile) -> ProfileError {
            let found = self.resource_type().as_str();
            ProfileError::Invalid(vec![violation(
                found,
                ConstraintKind::Type,
                format!(
                    "expected a {} for profile {}, found a {found}",
                    profile.base_type, profile.url
                ),
            )])
        }

        fn discard(self) {}
    }

    /// Serializes a profile type as its base resource.
    ///
    /// # Errors
    ///
    /// The serializer's errors.
    pub fn serialize<P: ProfileType, S: serde::Serializer>(
        profile: &P,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let base: P::Base = profile.clone().into();
        serde::Serialize::serialize(&base, serializer)
    }

    /// Deserializes a profile type through its base resource.
    ///
    /// # Errors
    ///
    /// The deserializer's errors, and the violations as one custom error.
    pub fn deserialize<'de, P: ProfileType, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<P, D::Error> {
        let base = <P::Base as serde::Deserialize>::deserialize(deserializer)?;
        P::try_from(base)
            .map_err(|violations| serde::de::Error::custom(ProfileError::Invalid(violations)))
    }

    /// A value that carries codes: `code`, `Coding` or `CodeableConcept`.
    pub trait Coded {
        /// Calls `each` with the system (if any) and code of every coding,
        /// stopping at the first `Some`.
        fn find_code<R>(&self, each: &mut dyn FnMut(Option<&str>, &str) -> Option<R>) -> Option<R>;
    }

    impl Coded for Primitive<Code> {
        fn find_code<R>(&self, each: &mut dyn FnMut(Option<&str>, &str) -> Option<R>) -> Option<R> {
            self.value().and_then(|code| each(None, code.as_str()))
        }
    }

    impl Coded for Coding {
        fn find_code<R>(&self, each: &mut dyn FnMut(Option<&str>, &str) -> Option<R>) -> Option<R> {
            let code = self.code.as_ref().and_then(Primitive::value)?;
            let system = self
                .system
                .as_ref()
                .and_then(Primitive::value)
                .map(|s| s.as_str());
            each(system, code.as_str())
        }
    }

    impl Coded for CodeableConcept {
        fn find_code<R>(&self, each: &mut dyn FnMut(Option<&str>, &str) -> Option<R>) -> Option<R> {
            self.coding.iter().find_map(|coding| coding.find_code(each))
        }
    }

    impl<T: Coded> Coded for Box<T> {
        fn find_code<R>(&self, each: &mut dyn FnMut(Option<&str>, &str) -> Option<R>) -> Option<R> {
            (**self).find_code(each)
        }
    }

    /// Records a binding violation for each value that has no code in the
    /// value set of `E`.
    pub fn check_codes<E: ValueSetCode, T: Coded>(
        values: &[T],
        path: &str,
        violations: &mut Vec<Violation>,
    ) {
        for value in values {
            if first_code::<E>(value).is_none() {
                violations.push(violation(
                    path,
                    ConstraintKind::Binding,
                    format!(
                        "expected a code from the required value set {}",
                        E::VALUE_SET
                    ),
                ));
            }
        }
    }

    /// A value that is text: a string-like primitive, with or without its
    /// `Primitive` wrapper.
    pub trait Text {
        /// Returns the text, or `None` for a primitive with no value.
        fn text(&self) -> Option<&str>;
    }

    impl Text for String {
        fn text(&self) -> Option<&str> {
            Some(self)
        }
    }

    macro_rules! text_types {
        ($($name:ty),*) => {$(
            impl Text for $name {
                fn text(&self) -> Option<&str> {
                    Some(self.as_str())
                }
            }
        )*};
    }
    text_types!(Uri, Url, Canonical, Oid, Uuid, Id, Code, Markdown);

    impl<T: Text> Text for Primitive<T> {
        fn text(&self) -> Option<&str> {
            self.value().and_then(Text::text)
        }
    }

    impl<T: Text> Text for Box<T> {
        fn text(&self) -> Option<&str> {
            (**self).text()
        }
    }

    /// Returns whether `value` is the text `expected`.
    pub fn text_is(value: &impl Text, expected: &str) -> bool {
        value.text() == Some(expected)
    }

    /// Returns whether `value` has a code from the code list of the
    /// required binding of `profile.elements[element]`. A code without a
    /// system matches by code alone.
    pub fn in_binding<T: Coded>(profile: &'static Profile, element: usize, value: &T) -> bool {
        let Some(codes) = profile
            .elements
            .get(element)
            .and_then(|rule| rule.binding.as_ref())
            .and_then(|binding| binding.codes)
        else {
            return false;
        };
        value
            .find_code(&mut |system, code| {
                codes
                    .iter()
                    .any(|c| c.code == code && system.is_none_or(|s| s == c.system))
                    .then_some(())
            })
            .is_some()
    }

    /// Returns the first code of `value` that is in the value set of `E`.
    pub fn first_code<E: ValueSetCode>(value: &impl Coded) -> Option<E> {
        value.find_code(&mut |system, code| E::from_coding(system, code))
    }
}
