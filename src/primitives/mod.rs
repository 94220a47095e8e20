//! FHIR primitive types.
