//! Emitting the element flags that `_summary` and `_elements` need: for
//! every struct, each JSON member with its summary flag, whether it is
//! mandatory, and the backbone struct to descend into.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{FieldType, StructKind, TypeSpace, ValueType};

/// Emits `ELEMENT_FLAGS`, the flags of every resource, datatype and
/// backbone element, sorted by Rust struct name.
pub fn emit(space: &TypeSpace) -> String {
    let mut structs: Vec<_> = space.structs.iter().collect();
    structs.sort_by(|a, b| a.name.cmp(&b.name));
    // Each type's list is a static of its own, for the reason given in
    // `emit_search`: an inline `&[..]` would be a promoted constant.
    let mut lists = Vec::new();
    let entries: Vec<TokenStream> = structs
        .iter()
        .enumerate()
        .map(|(index, def)| {
            let type_name = &def.name;
            let elements = def.fields.iter().flat_map(|field| {
                let summary = field.is_summary;
                let mandatory = field.min > 0;
                // A choice element appears in JSON under one name per type
                // (`valueQuantity`), and a backbone element is projected member
                // by member.
                let (json_names, backbone): (Vec<String>, Option<String>) = match &field.ty {
                    FieldType::Choice(name) => (
                        space
                            .choices
                            .iter()
                            .find(|c| &c.name == name)
                            .map(|c| c.variants.iter().map(|v| v.json_name.clone()).collect())
                            .unwrap_or_default(),
                        None,
                    ),
                    FieldType::Single(ValueType::Complex(name)) => {
                        let is_backbone = space
                            .structs
                            .iter()
                            .any(|s| &s.name == name && s.kind == StructKind::Backbone);
                        (
                            vec![field.json_name.clone()],
                            is_backbone.then(|| name.clone()),
                        )
                    }
                    FieldType::Single(_) => (vec![field.json_name.clone()], None),
                };
                let element_name = field.json_name.clone();
                json_names.into_iter().map(move |json_name| {
                    let backbone = match &backbone {
                        Some(name) => quote! { Some(#name) },
                        None => quote! { None },
                    };
                    quote! {
                        crate::search::projection::ElementFlags {
                            json_name: #json_name,
                            element_name: #element_name,
                            summary: #summary,
                            mandatory: #mandatory,
                            backbone: #backbone,
                        },
                    }
                })
            });
            let elements: Vec<TokenStream> = elements.collect();
            let name = quote::format_ident!("ELEMENTS_{}", index);
            let count = elements.len();
            lists.push(quote! {
            static #name: [crate::search::projection::ElementFlags; #count] = [ #( #elements )* ];
        });
            quote! {
                crate::search::projection::TypeElements {
                    type_name: #type_name,
                    elements: &#name,
                },
            }
        })
        .collect();
    let count = entries.len();
    let tokens: TokenStream = quote! {
        /// The elements of every resource, datatype and backbone element,
        /// sorted by Rust type name, with the flags of their definitions.
        pub static ELEMENT_FLAGS: &[crate::search::projection::TypeElements] = &ELEMENT_TYPES;

        static ELEMENT_TYPES: [crate::search::projection::TypeElements; #count] = [ #( #entries )* ];

        #( #lists )*
    };
    crate::tokens::format_items(tokens)
}
