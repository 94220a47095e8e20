//! Builders for the `schemars::JsonSchema` impls of the generated types.
//!
//! The generated code (`OUT_DIR/r4_schema.rs`) describes each struct as a
//! table of [`Property`] entries, and these functions turn a table into the
//! schema of the FHIR JSON shape:
//!
//! - A primitive element `birthDate` is two properties: `birthDate` contains the
//!   value and `_birthDate` contains the element's `id` and `extension`. Either
//!   may appear alone.
//! - A repeating primitive is two arrays of the same length, in which `null`
//!   fills the positions that have no value or no `id` and `extension`.
//! - A choice element `value[x]` is one property per type (`valueQuantity`,
//!   `valueString`, `_valueString`), of which at most one type may appear.
//! - Every object rejects unknown properties, and a resource requires its
//!   `resourceType`.

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{Map, Value, json};

/// A function that returns the schema of a value, usually a `$ref` to it.
pub(crate) type SubSchema = fn(&mut SchemaGenerator) -> Schema;

/// Returns the schema of `T` as a property value: inline for primitives and
/// code enums that ask for it, otherwise a `$ref` to its definition.
pub(crate) fn sub<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

/// The JSON form of an element.
pub(crate) enum Kind {
    /// A primitive with a `_name` sibling for its `id` and `extension`.
    Primitive(SubSchema),
    /// A primitive with no `_name` sibling (`Element.id`, `Extension.url`,
    /// `Resource.id`).
    Bare(SubSchema),
    /// An object: a complex datatype, a backbone element or a resource.
    Complex(SubSchema),
    /// A choice element, one property per type.
    Choice(&'static [Variant]),
}

/// One element of a generated struct, in definition order.
pub(crate) struct Property {
    /// The JSON name; for a choice, the name without `[x]` (`value`).
    pub key: &'static str,
    /// The short text of the element definition.
    pub description: &'static str,
    /// The minimum cardinality.
    pub min: u32,
    /// The maximum cardinality, `None` for `*`.
    pub max: Option<u32>,
    pub kind: Kind,
}

/// One type of a choice element.
pub(crate) struct Variant {
    /// The JSON name (`valueQuantity`).
    pub key: &'static str,
    /// Whether the type is primitive, so that `_key` may carry its `id` and
    /// `extension`.
    pub primitive: bool,
    pub value: SubSchema,
}

/// The list of types of a choice enum, which the parent struct's schema
/// needs in order to list the choice's properties.
pub(crate) trait ChoiceVariants {
    const VARIANTS: &'static [Variant];
}

/// The `id` and `extension` of a primitive element, written under `_name`.
struct PrimitiveElement;

impl JsonSchema for PrimitiveElement {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PrimitiveElement".into()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        "fhir_payer::primitives::PrimitiveElement".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let extension = generator.subschema_for::<crate::r4::Extension>();
        schemars::json_schema!({
            "description": "The id and extensions of a primitive element, written under the element name prefixed with `_`.",
            "type": "object",
            "properties": {
                "id": { "type": "string" },
                "extension": { "type": "array", "items": extension, "minItems": 1 },
            },
            "minProperties": 1,
            "additionalProperties": false,
        })
    }
}

/// Returns `schema` with a `description` added, unless `description` is
/// empty.
fn described(schema: Schema, description: &str) -> Value {
    let mut value = schema.to_value();
    if !description.is_empty() {
        if let Value::Object(map) = &mut value {
            map.insert("description".to_owned(), json!(description));
        }
    }
    value
}

/// Returns an array schema with the element's cardinality bounds. FHIR JSON
/// leaves out an element without items, so no array is empty.
fn array(items: Value, description: &str, min: u32, max: Option<u32>) -> Value {
    let mut map = Map::new();
    if !description.is_empty() {
        map.insert("description".to_owned(), json!(description));
    }
    map.insert("type".to_owned(), json!("array"));
    map.insert("items".to_owned(), items);
    map.insert("minItems".to_owned(), json!(min.max(1)));
    if let Some(max) = max {
        map.insert("maxItems".to_owned(), json!(max));
    }
    Value::Object(map)
}

/// Returns a schema that matches when `key` or `_key` is present.
fn primitive_present(key: &str) -> Value {
    json!({ "anyOf": [ { "required": [key] }, { "required": [format!("_{key}")] } ] })
}

/// Adds the properties of one choice element's variants to `properties`,
/// and returns the schemas of "variant i is present", in variant order.
fn add_variants(
    generator: &mut SchemaGenerator,
    variants: &[Variant],
    description: &str,
    properties: &mut Map<String, Value>,
) -> Vec<Value> {
    let element = generator.subschema_for::<PrimitiveElement>();
    let mut present = Vec::with_capacity(variants.len());
    for variant in variants {
        let value = (variant.value)(generator);
        properties.insert(variant.key.to_owned(), described(value, description));
        if variant.primitive {
            properties.insert(format!("_{}", variant.key), element.clone().to_value());
            present.push(primitive_present(variant.key));
        } else {
            present.push(json!({ "required": [variant.key] }));
        }
    }
    present
}

/// Returns the constraint that at most one variant (`min` 0) or exactly one
/// (`min` 1 or more) is present: a `oneOf` whose branches are "variant i is
/// present", plus "none is present" when the element is optional. This
/// grows linearly with the number of variants, unlike pairwise exclusions.
fn one_variant(mut present: Vec<Value>, min: u32) -> Value {
    if min == 0 {
        let none = json!({ "not": { "anyOf": present.clone() } });
        present.push(none);
    }
    json!({ "oneOf": present })
}

/// Builds the schema of a generated struct: an object with one property per
/// JSON key in definition order, `resourceType` first for a resource.
pub(crate) fn object(
    generator: &mut SchemaGenerator,
    description: &str,
    resource_type: Option<&str>,
    fields: &[Property],
) -> Schema {
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut constraints = Vec::new();
    if let Some(resource_type) = resource_type {
        properties.insert(
            "resourceType".to_owned(),
            json!({ "description": "The type of the resource.", "const": resource_type }),
        );
        required.push(json!("resourceType"));
    }

    for field in fields {
        let repeated = field.max != Some(1);
        // A finite maximum above 1 becomes `maxItems`; a maximum of 1 is a
        // single value.
        let max_items = field.max.filter(|&max| max > 1);
        match &field.kind {
            Kind::Primitive(value) => {
                let value = value(generator);
                let element = generator.subschema_for::<PrimitiveElement>();
                let ext_key = format!("_{}", field.key);
                if repeated {
                    let value_items = json!({ "anyOf": [value, { "type": "null" }] });
                    let element_items = json!({ "anyOf": [element, { "type": "null" }] });
                    properties.insert(
                        field.key.to_owned(),
                        array(value_items, field.description, field.min, max_items),
                    );
                    properties.insert(ext_key, array(element_items, "", field.min, max_items));
                } else {
                    properties.insert(field.key.to_owned(), described(value, field.description));
                    properties.insert(ext_key, element.to_value());
                }
                if field.min > 0 {
                    constraints.push(primitive_present(field.key));
                }
            }
            Kind::Bare(value) | Kind::Complex(value) => {
                let value = value(generator);
                let schema = if repeated {
                    array(value.to_value(), field.description, field.min, max_items)
                } else {
                    described(value, field.description)
                };
                properties.insert(field.key.to_owned(), schema);
                if field.min > 0 {
                    required.push(json!(field.key));
                }
            }
            Kind::Choice(variants) => {
                let present = add_variants(generator, variants, field.description, &mut properties);
                constraints.push(one_variant(present, field.min));
            }
        }
    }

    let mut schema = Map::new();
    if !description.is_empty() {
        schema.insert("description".to_owned(), json!(description));
    }
    schema.insert("type".to_owned(), json!("object"));
    schema.insert("properties".to_owned(), Value::Object(properties));
    // An element without a value or children is left out, so an element
    // object is never empty. A resource requires its `resourceType`.
    if resource_type.is_none() {
        schema.insert("minProperties".to_owned(), json!(1));
    }
    if !required.is_empty() {
        schema.insert("required".to_owned(), Value::Array(required));
    }
    if !constraints.is_empty() {
        schema.insert("allOf".to_owned(), Value::Array(constraints));
    }
    schema.insert("additionalProperties".to_owned(), json!(false));
    Schema::from(schema)
}

/// Builds the schema of a choice enum on its own: an object with one
/// property per type, of which at most one may appear. A parent struct's
/// schema lists the same properties among its own.
pub(crate) fn choice(
    generator: &mut SchemaGenerator,
    description: &str,
    variants: &[Variant],
) -> Schema {
    let mut properties = Map::new();
    let present = add_variants(generator, variants, description, &mut properties);
    let mut schema = Map::new();
    if !description.is_empty() {
        schema.insert("description".to_owned(), json!(description));
    }
    schema.insert("type".to_owned(), json!("object"));
    schema.insert("properties".to_owned(), Value::Object(properties));
    schema.insert("allOf".to_owned(), json!([one_variant(present, 0)]));
    schema.insert("additionalProperties".to_owned(), json!(false));
    Schema::from(schema)
}

/// Builds the schema of a code enum: a string from a closed list.
pub(crate) fn code_enum(description: &str, codes: &[&str]) -> Schema {
    schemars::json_schema!({
        "description": description,
        "type": "string",
        "enum": codes,
    })
}

/// Builds the schema of `Resource`: exactly one of the resource schemas,
/// which differ in their `resourceType` constant.
pub(crate) fn resource(generator: &mut SchemaGenerator, resources: &[SubSchema]) -> Schema {
    let one_of: Vec<Schema> = resources.iter().map(|sub| sub(generator)).collect();
    schemars::json_schema!({
        "description": "Any resource, identified by its `resourceType`.",
        "oneOf": one_of,
    })
}
