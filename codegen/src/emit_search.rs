//! Emitting the search parameter registry and the compartment tables.

use proc_macro2::TokenStream;
use quote::quote;

use crate::Definitions;
use crate::model::TypeSpace;

/// Emits `SEARCH_PARAMETERS` and `COMPARTMENTS` as static tables of the
/// runtime's `crate::search::registry` types.
pub fn emit(defs: &Definitions, space: &TypeSpace) -> String {
    let mut params: Vec<_> = defs.search_parameters().iter().collect();
    params
        .sort_by(|a, b| (a.code.as_str(), a.url.as_str()).cmp(&(b.code.as_str(), b.url.as_str())));
    let entries = params.iter().map(|p| {
        let url = &p.url;
        let code = &p.code;
        let description = p.description.clone().unwrap_or_default();
        let param_type = quote::format_ident!("{}", crate::names::type_name(&p.param_type));
        let expression = p.expression.clone().unwrap_or_default();
        let base = &p.base;
        let target = &p.target;
        let modifier = &p.modifier;
        let comparator = &p.comparator;
        let chain = &p.chain;
        let package = &p.package;
        let precedence = p.precedence;
        let component_defs = p.component.iter().map(|c| &c.definition);
        let component_exprs = p.component.iter().map(|c| &c.expression);
        quote! {
            crate::search::registry::SearchParamDef {
                url: #url,
                code: #code,
                description: #description,
                param_type: crate::search::registry::SearchParamType::#param_type,
                expression: #expression,
                base: &[ #( #base ),* ],
                target: &[ #( #target ),* ],
                modifier: &[ #( #modifier ),* ],
                comparator: &[ #( #comparator ),* ],
                chain: &[ #( #chain ),* ],
                component: &[ #( crate::search::registry::SearchComponentDef { definition: #component_defs, expression: #component_exprs } ),* ],
                package: #package,
                precedence: #precedence,
            },
        }
    });

    let mut compartments: Vec<_> = defs
        .compartments()
        .iter()
        .filter(|c| !c.url.ends_with("/example"))
        .collect();
    compartments.sort_by(|a, b| a.code.cmp(&b.code));
    let compartment_entries = compartments.iter().map(|c| {
        let code = &c.code;
        let url = &c.url;
        let members = c.resource.iter().filter(|r| !r.param.is_empty()).map(|r| {
            let resource = &r.code;
            let params = &r.param;
            quote! { crate::search::registry::CompartmentMember { resource_type: #resource, params: &[ #( #params ),* ] } }
        });
        quote! {
            crate::search::registry::CompartmentDef {
                code: #code,
                url: #url,
                members: &[ #( #members ),* ],
            },
        }
    });
    let count = params.len();
    let _ = space;
    let tokens: TokenStream = quote! {
        /// Every SearchParameter of the core specification and of the
        /// implementation guides enabled at build time, sorted by code and URL.
        pub static SEARCH_PARAMETERS: [crate::search::registry::SearchParamDef; #count] = [ #( #entries )* ];

        /// The compartment definitions of the core specification, by
        /// compartment type. Only resource types that join the compartment
        /// through at least one search parameter are listed.
        pub static COMPARTMENTS: &[crate::search::registry::CompartmentDef] = &[ #( #compartment_entries )* ];
    };
    crate::tokens::format_items(tokens)
}
