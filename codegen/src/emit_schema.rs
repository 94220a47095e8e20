//! Emitting `schemars::JsonSchema` impls for a [`TypeSpace`], into a file
//! of its own that the runtime crate includes only with its `schemars`
//! feature.
//!
//! Each impl is a table of the struct's elements handed to the builders in
//! the runtime crate's `json_schema` module, which know the FHIR JSON
//! conventions (`_name` siblings, choice properties, `resourceType`).

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit_types::{ident, prim_type};
use crate::model::{
    ChoiceDef, CodeEnum, Field, FieldType, StructDef, StructKind, TypeSpace, ValueType,
};

/// Emits the schema impls of the whole type space as formatted Rust source,
/// to be included in the `r4` module of the runtime crate.
pub fn emit(space: &TypeSpace) -> String {
    let mut items = TokenStream::new();
    for def in &space.structs {
        items.extend(emit_struct(def));
    }
    for def in &space.choices {
        items.extend(emit_choice(def));
    }
    for def in &space.code_enums {
        items.extend(emit_code_enum(def));
    }
    items.extend(emit_resource(space));

    let module = quote! {
        /// `schemars::JsonSchema` impls of the generated types.
        mod json_schema_impls {
            use ::std::borrow::Cow;
            use ::std::option::Option::{None, Some};
            use ::schemars::{JsonSchema, Schema, SchemaGenerator};
            use crate::json_schema::{ChoiceVariants, Kind, Property, SubSchema, Variant, sub};

            #items
        }
    };
    crate::tokens::format_items(module)
}

/// Returns the short text of generated docs, which start with the element's
/// `short` and continue with its definition after a blank line.
fn short_text(docs: &str) -> &str {
    docs.split("\n\n").next().unwrap_or("").trim()
}

/// Returns the `schema_name` and `schema_id` methods for the type `name`.
fn names(name: &str) -> TokenStream {
    let id = format!("fhir_payer::r4::{name}");
    quote! {
        fn schema_name() -> Cow<'static, str> {
            Cow::Borrowed(#name)
        }

        fn schema_id() -> Cow<'static, str> {
            Cow::Borrowed(#id)
        }
    }
}

/// Returns the Rust type whose schema describes one value of `value`.
fn value_rust_type(value: &ValueType) -> TokenStream {
    match value {
        ValueType::Primitive(prim) | ValueType::Bare(prim) => prim_type(prim),
        ValueType::Complex(name) => {
            let name = ident(name);
            quote!(crate::r4::#name)
        }
        ValueType::Resource => quote!(crate::r4::Resource),
    }
}

fn property(field: &Field) -> TokenStream {
    let key = &field.json_name;
    let description = short_text(&field.docs);
    let min = field.min;
    let max = match field.max {
        Some(max) => quote!(Some(#max)),
        None => quote!(None),
    };
    let kind = match &field.ty {
        FieldType::Single(value) => {
            let ty = value_rust_type(value);
            match value {
                ValueType::Primitive(_) => quote!(Kind::Primitive(sub::<#ty>)),
                ValueType::Bare(_) => quote!(Kind::Bare(sub::<#ty>)),
                ValueType::Complex(_) | ValueType::Resource => quote!(Kind::Complex(sub::<#ty>)),
            }
        }
        FieldType::Choice(name) => {
            let name = ident(name);
            quote!(Kind::Choice(<crate::r4::#name as ChoiceVariants>::VARIANTS))
        }
    };
    quote! {
        Property { key: #key, description: #description, min: #min, max: #max, kind: #kind },
    }
}

fn emit_struct(def: &StructDef) -> TokenStream {
    let name = ident(&def.name);
    let names = names(&def.name);
    let description = short_text(&def.docs);
    let resource_type = match def.kind {
        StructKind::Resource => {
            let resource_type = &def.name;
            quote!(Some(#resource_type))
        }
        StructKind::Datatype | StructKind::Backbone => quote!(None),
    };
    let properties = def.fields.iter().map(property);
    quote! {
        impl JsonSchema for crate::r4::#name {
            #names

            fn json_schema(generator: &mut SchemaGenerator) -> Schema {
                const PROPERTIES: &[Property] = &[ #( #properties )* ];
                crate::json_schema::object(generator, #description, #resource_type, PROPERTIES)
            }
        }
    }
}

fn emit_choice(def: &ChoiceDef) -> TokenStream {
    let name = ident(&def.name);
    let names = names(&def.name);
    let description = short_text(&def.docs);
    let variants = def.variants.iter().map(|variant| {
        let key = &variant.json_name;
        let primitive = matches!(variant.value, ValueType::Primitive(_));
        let ty = value_rust_type(&variant.value);
        quote! { Variant { key: #key, primitive: #primitive, value: sub::<#ty> }, }
    });
    quote! {
        impl ChoiceVariants for crate::r4::#name {
            const VARIANTS: &'static [Variant] = &[ #( #variants )* ];
        }

        impl JsonSchema for crate::r4::#name {
            // The properties belong in the parent object, so a `$ref` to a
            // definition of their own would not fit.
            fn inline_schema() -> bool {
                true
            }

            #names

            fn json_schema(generator: &mut SchemaGenerator) -> Schema {
                crate::json_schema::choice(generator, #description, <Self as ChoiceVariants>::VARIANTS)
            }
        }
    }
}

fn emit_code_enum(def: &CodeEnum) -> TokenStream {
    let name = ident(&def.name);
    let names = names(&def.name);
    let description = &def.docs;
    let codes = def.codes.iter().map(|code| &code.code);
    quote! {
        impl JsonSchema for crate::r4::#name {
            #names

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                crate::json_schema::code_enum(#description, &[ #( #codes ),* ])
            }
        }
    }
}

fn emit_resource(space: &TypeSpace) -> TokenStream {
    let resources: Vec<_> = space.resources.iter().map(|name| ident(name)).collect();
    let resource_names = &space.resources;
    let names_resource = names("Resource");
    let names_resource_type = names("ResourceType");
    quote! {
        impl JsonSchema for crate::r4::Resource {
            #names_resource

            fn json_schema(generator: &mut SchemaGenerator) -> Schema {
                const RESOURCES: &[SubSchema] = &[ #( sub::<crate::r4::#resources>, )* ];
                crate::json_schema::resource(generator, RESOURCES)
            }
        }

        impl JsonSchema for crate::r4::ResourceType {
            #names_resource_type

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                crate::json_schema::code_enum(
                    "Every concrete resource type of this FHIR version.",
                    &[ #( #resource_names ),* ],
                )
            }
        }
    }
}
