//! The element wrapper that every primitive field uses.

use crate::r4::Extension;

/// A primitive element: an optional value with the element's own optional
/// `id` and `extension`.
///
/// In JSON, the value is written under the element name and the id and
/// extensions under the same name prefixed with `_`:
/// `"birthDate": "1970-03", "_birthDate": {"extension": [...]}`. Either part
/// may be absent, so an element can carry extensions with no value (a
/// data-absent-reason, for example).
#[derive(Debug, PartialEq)]
pub struct Primitive<T> {
    /// The value, or `None` when the element has only extensions.
    pub value: Option<T>,
    /// The element id (`_name.id`).
    pub id: Option<String>,
    /// The element extensions (`_name.extension`).
    pub extension: Vec<Extension>,
}

impl<T> Primitive<T> {
    /// Creates an element with `value` and no id or extensions.
    pub fn new(value: T) -> Self {
        Primitive {
            value: Some(value),
            id: None,
            extension: Vec::new(),
        }
    }

    /// Returns the value, if present.
    pub fn value(&self) -> Option<&T> {
        self.value.as_ref()
    }

    /// Returns whether the element has neither a value, an id nor extensions.
    pub fn is_empty(&self) -> bool {
        self.value.is_none() && self.id.is_none() && self.extension.is_empty()
    }
}

// Written out instead of derived, because a derived `clone` is inlined into
// the `clone` of each generated struct once per primitive field, which made
// those functions a large share of a release build's machine code.
impl<T: Clone> Clone for Primitive<T> {
    #[inline(never)]
    fn clone(&self) -> Self {
        Primitive {
            value: self.value.clone(),
            id: self.id.clone(),
            extension: self.extension.clone(),
        }
    }
}

impl<T> Default for Primitive<T> {
    fn default() -> Self {
        Primitive {
            value: None,
            id: None,
            extension: Vec::new(),
        }
    }
}

impl<T> From<T> for Primitive<T> {
    fn from(value: T) -> Self {
        Primitive::new(value)
    }
}

/// Lets string elements be set from literals: `name.family = Some("Chalmers".into())`.
impl From<&str> for Primitive<String> {
    fn from(value: &str) -> Self {
        Primitive::new(value.to_owned())
    }
}

/// The value of an optional primitive field in one call:
/// `patient.birth_date.value()` instead of
/// `patient.birth_date.as_ref().and_then(|p| p.value())`.
///
/// ```
/// use fhir_payer::primitives::{OptionalPrimitive, Primitive};
/// use fhir_payer::r4::{AdministrativeGender, Patient};
///
/// let patient = Patient {
///     gender: Some(Primitive::new(AdministrativeGender::Female)),
///     ..Patient::default()
/// };
/// assert_eq!(patient.gender.value(), Some(&AdministrativeGender::Female));
/// assert_eq!(patient.birth_date.value(), None);
/// ```
pub trait OptionalPrimitive<T> {
    /// Returns the value, or `None` when the element is absent or has only
    /// an id and extensions.
    fn value(&self) -> Option<&T>;
}

impl<T> OptionalPrimitive<T> for Option<Primitive<T>> {
    fn value(&self) -> Option<&T> {
        self.as_ref().and_then(Primitive::value)
    }
}
