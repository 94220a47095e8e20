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
    // The lists inside the entries are separate statics, one per distinct
    // list, referred to by name. Written inline as `&[..]`, each list would
    // be a promoted constant of its own. There were about 8,700, and a
    // nightly self-profile put about two seconds of single-threaded compile
    // time in them.
    let mut lists = StaticLists::default();
    let entries: Vec<TokenStream> = params
        .iter()
        .enumerate()
        .map(|(index, p)| {
            let url = &p.url;
            let code = &p.code;
            let description = p.description.clone().unwrap_or_default();
            let param_type = quote::format_ident!("{}", crate::names::type_name(&p.param_type));
            let expression = p.expression.clone().unwrap_or_default();
            let base = lists.strings(&p.base);
            let target = lists.strings(&p.target);
            let modifier = lists.strings(&p.modifier);
            let comparator = lists.strings(&p.comparator);
            let chain = lists.strings(&p.chain);
            let package = &p.package;
            let precedence = p.precedence;
            let component = if p.component.is_empty() {
                quote!(&NO_SEARCH_COMPONENTS)
            } else {
                let name = quote::format_ident!("SEARCH_PARAMETER_COMPONENTS_{}", index);
                let count = p.component.len();
                let defs = p.component.iter().map(|c| &c.definition);
                let exprs = p.component.iter().map(|c| &c.expression);
                lists.items.push(quote! {
                    static #name: [crate::search::registry::SearchComponentDef; #count] = [
                        #( crate::search::registry::SearchComponentDef { definition: #defs, expression: #exprs }, )*
                    ];
                });
                quote!(&#name)
            };
            quote! {
                crate::search::registry::SearchParamDef {
                    url: #url,
                    code: #code,
                    description: #description,
                    param_type: crate::search::registry::SearchParamType::#param_type,
                    expression: #expression,
                    base: #base,
                    target: #target,
                    modifier: #modifier,
                    comparator: #comparator,
                    chain: #chain,
                    component: #component,
                    package: #package,
                    precedence: #precedence,
                },
            }
        })
        .collect();
    let list_items = std::mem::take(&mut lists.items);

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

        #( #list_items )*
        static NO_STRINGS: [&str; 0] = [];
        static NO_SEARCH_COMPONENTS: [crate::search::registry::SearchComponentDef; 0] = [];

        /// The compartment definitions of the core specification, by
        /// compartment type. Only resource types that join the compartment
        /// through at least one search parameter are listed.
        pub static COMPARTMENTS: &[crate::search::registry::CompartmentDef] = &[ #( #compartment_entries )* ];
    };
    crate::tokens::format_items(tokens)
}

/// The string lists of the search parameter table, each distinct list
/// emitted once as a static.
#[derive(Default)]
struct StaticLists {
    names: std::collections::HashMap<Vec<String>, proc_macro2::Ident>,
    items: Vec<TokenStream>,
}

impl StaticLists {
    /// Returns a reference to the static that holds `list`.
    fn strings(&mut self, list: &[String]) -> TokenStream {
        if list.is_empty() {
            return quote!(&NO_STRINGS);
        }
        if let Some(name) = self.names.get(list) {
            return quote!(&#name);
        }
        let name = quote::format_ident!("SEARCH_PARAMETER_LIST_{}", self.names.len());
        let count = list.len();
        self.items
            .push(quote! { static #name: [&str; #count] = [ #( #list ),* ]; });
        self.names.insert(list.to_vec(), name.clone());
        quote!(&#name)
    }
}
