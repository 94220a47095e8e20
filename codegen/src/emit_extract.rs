//! Emitting the search index extraction: for every resource type and search
//! parameter that applies to it, Rust code that walks the typed structs
//! along the parameter's FHIRPath expression and passes each value to the
//! runtime sink, `crate::search::extract::Sink`.
//!
//! The output is a module `search_extract` inside `crate::r4` with
//! `extract_into(resource, param, sink)`, where `param` is the position of
//! the parameter in `SEARCH_PARAMETERS`, and the public list
//! `UNSUPPORTED_EXPRESSIONS` of the pairs that have no extraction code.

mod lower;
mod walk;

use std::collections::{BTreeMap, HashMap};

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::Definitions;
use crate::definitions::SearchParameter;
use crate::fhirpath;
use crate::model::{Prim, StructDef, TypeSpace, ValueType};
use lower::{Branch, Root, Unsupported};
use walk::{Kind, Node, Walker};

/// One (resource type, parameter) pair without extraction code.
struct Skipped<'p> {
    param: &'p SearchParameter,
    resource_type: String,
    reason: String,
}

/// A component of a composite parameter, ready to walk.
struct Component {
    /// The position of the component's parameter in `SEARCH_PARAMETERS`.
    index: usize,
    kind: Kind,
    branches: Vec<Branch>,
}

/// Emits the extraction module and `UNSUPPORTED_EXPRESSIONS` for the search
/// parameters of `defs`.
pub fn emit(defs: &Definitions, space: &TypeSpace) -> String {
    emit_with_skipped_leaves(defs, space).0
}

/// Emits as [`emit`] does, and also returns the leaves that no sink method
/// indexes, as (parameter type, FHIR type) pairs. Such values are left out
/// of the index silently, so the list is for review.
fn emit_with_skipped_leaves(defs: &Definitions, space: &TypeSpace) -> (String, Vec<String>) {
    // The same order as `SEARCH_PARAMETERS`, so that positions agree.
    let mut params: Vec<&SearchParameter> = defs.search_parameters().iter().collect();
    params
        .sort_by(|a, b| (a.code.as_str(), a.url.as_str()).cmp(&(b.code.as_str(), b.url.as_str())));

    let mut walker = Walker::new(space);
    let compiled = compile_all(&params, space, &mut walker);
    let source = render(&compiled, &params, space, &walker);
    let skipped_leaves = walker
        .skipped
        .iter()
        .map(|(kind, type_name)| format!("{kind:?} from {type_name}"))
        .collect();
    (source, skipped_leaves)
}

/// The extraction code of every parameter, before rendering.
struct Compiled<'p> {
    /// Match arms (`position => { ... }`) for parameters compiled once for
    /// all resource types.
    common_arms: Vec<TokenStream>,
    /// Match arms by resource type.
    arms: BTreeMap<&'p str, Vec<TokenStream>>,
    /// The pairs without extraction code.
    skipped: Vec<Skipped<'p>>,
}

/// Compiles the expression of every parameter in `params`, which are in
/// `SEARCH_PARAMETERS` order, for each resource type it applies to.
fn compile_all<'p>(
    params: &[&'p SearchParameter],
    space: &'p TypeSpace,
    walker: &mut Walker<'p>,
) -> Compiled<'p> {
    let position_by_url: HashMap<&str, usize> = params
        .iter()
        .enumerate()
        .rev()
        .map(|(i, p)| (p.url.as_str(), i))
        .collect();
    let mut compiled = Compiled {
        common_arms: Vec::new(),
        arms: BTreeMap::new(),
        skipped: Vec::new(),
    };

    for (index, &param) in params.iter().enumerate() {
        let Some(expression) = param.expression.as_deref().filter(|e| !e.trim().is_empty()) else {
            continue;
        };
        let lowered = fhirpath::parse(expression)
            .map_err(|error| Unsupported(format!("invalid FHIRPath: {error}")))
            .and_then(|expr| lower::lower(&expr))
            .and_then(|branches| Ok((branches, components(param, params, &position_by_url)?)));

        if let Ok((branches, None)) = &lowered {
            if let Some(code) = compile_any_resource(walker, param, branches, space) {
                compiled.common_arms.push(quote! { #index => { #code } });
                continue;
            }
        }

        for resource_type in applicable_types(param, space, walker) {
            if let Some(result) = compile_exists_not_false(walker, param, resource_type, space) {
                match result {
                    Ok(code) => compiled
                        .arms
                        .entry(resource_type)
                        .or_default()
                        .push(quote! { #index => { #code } }),
                    Err(Unsupported(reason)) => compiled.skipped.push(Skipped {
                        param,
                        resource_type: resource_type.to_owned(),
                        reason,
                    }),
                }
                continue;
            }
            let result = match &lowered {
                Ok((branches, components)) => compile_pair(
                    walker,
                    param,
                    resource_type,
                    branches,
                    components.as_deref(),
                ),
                Err(error) => Err(error.clone()),
            };
            match result {
                Ok(Some(code)) => compiled
                    .arms
                    .entry(resource_type)
                    .or_default()
                    .push(quote! { #index => { #code } }),
                Ok(None) => {}
                // TODO: give the special `near` parameter a position value.
                // Until then it is listed as unsupported.
                Err(Unsupported(reason)) => compiled.skipped.push(Skipped {
                    param,
                    resource_type: resource_type.to_owned(),
                    reason,
                }),
            }
        }
    }
    compiled
}

/// Renders the compiled code as the `search_extract` module and the
/// `UNSUPPORTED_EXPRESSIONS` list, formatted.
fn render(
    compiled: &Compiled<'_>,
    params: &[&SearchParameter],
    space: &TypeSpace,
    walker: &Walker<'_>,
) -> String {
    let functions = compiled.arms.iter().map(|(resource_type, arms)| {
        let function = function_name(resource_type);
        let type_ident = walk::rust_ident(resource_type);
        quote! {
            fn #function(resource: &crate::r4::#type_ident, param: usize, sink: &mut Sink<'_>) {
                match param {
                    #(#arms)*
                    _ => {}
                }
            }
        }
    });
    let dispatch = compiled.arms.keys().map(|resource_type| {
        let function = function_name(resource_type);
        let type_ident = walk::rust_ident(resource_type);
        quote! { crate::r4::Resource::#type_ident(resource) => #function(resource, param, sink), }
    });
    let dispatch_fallback = (compiled.arms.len() < space.resources.len()).then(|| quote!(_ => {}));
    let common_arms = &compiled.common_arms;
    let contained = space
        .resources
        .iter()
        .filter(|name| {
            walker
                .struct_named(name)
                .is_some_and(|d| d.fields.iter().any(|f| f.json_name == "contained"))
        })
        .map(|name| {
            let type_ident = walk::rust_ident(name);
            quote! { crate::r4::Resource::#type_ident(resource) => &resource.contained, }
        });
    let urls = params.iter().map(|p| p.url.as_str());
    let count = params.len();
    let unsupported = compiled.skipped.iter().map(|s| {
        let url = &s.param.url;
        let code = &s.param.code;
        let resource_type = &s.resource_type;
        let expression = s.param.expression.as_deref().unwrap_or_default();
        let reason = &s.reason;
        quote! {
            crate::search::extract::UnsupportedExpression {
                url: #url,
                code: #code,
                resource_type: #resource_type,
                expression: #expression,
                reason: #reason,
            },
        }
    });

    let tokens = quote! {
        /// The (search parameter, resource type) pairs whose FHIRPath
        /// expression the build could not compile to extraction code.
        /// [`crate::search::extract::extract`] yields no values for them.
        pub static UNSUPPORTED_EXPRESSIONS: &[crate::search::extract::UnsupportedExpression] = &[ #(#unsupported)* ];

        /// Extraction code for every resource type and search parameter,
        /// compiled from the parameters' FHIRPath expressions.
        #[doc(hidden)]
        pub(crate) mod search_extract {
            #![allow(
                clippy::collapsible_if,
                clippy::collapsible_match,
                clippy::single_match,
                clippy::needless_borrow,
                clippy::match_single_binding,
                clippy::too_many_lines,
                clippy::never_loop,
                reason = "generated code keeps one shape for every step of a walk"
            )]

            use crate::search::extract::Sink;

            /// The URL of each parameter by the position that `extract_into`
            /// takes, to check that it matches `SEARCH_PARAMETERS`.
            #[cfg(test)]
            pub(crate) static PARAM_URLS: [&str; #count] = [ #(#urls),* ];

            /// Passes the values of the parameter at position `param` of
            /// `SEARCH_PARAMETERS` in `resource` to `sink`.
            pub(crate) fn extract_into(resource: &crate::r4::Resource, param: usize, sink: &mut Sink<'_>) {
                match param {
                    #(#common_arms)*
                    _ => match resource {
                        #(#dispatch)*
                        #dispatch_fallback
                    },
                }
            }

            /// Returns the contained resources of `resource`, or an empty
            /// slice for types without `contained`.
            pub(crate) fn contained(resource: &crate::r4::Resource) -> &[crate::r4::Resource] {
                match resource {
                    #(#contained)*
                    _ => &[],
                }
            }

            #(#functions)*
        }
    };
    crate::tokens::format_items(tokens)
}

/// Lists the resource types a parameter applies to: its bases, where
/// `Resource` means every type and `DomainResource` those with a narrative.
fn applicable_types<'s>(
    param: &SearchParameter,
    space: &'s TypeSpace,
    walker: &Walker<'_>,
) -> Vec<&'s str> {
    space
        .resources
        .iter()
        .filter(|name| {
            param.base.iter().any(|base| match base.as_str() {
                "Resource" => true,
                "DomainResource" => walker
                    .struct_named(name)
                    .is_some_and(|d| d.fields.iter().any(|f| f.json_name == "text")),
                other => other == name.as_str(),
            })
        })
        .map(String::as_str)
        .collect()
}

/// Lowers the components of a composite parameter; `None` for other types.
fn components(
    param: &SearchParameter,
    params: &[&SearchParameter],
    position_by_url: &HashMap<&str, usize>,
) -> Result<Option<Vec<Component>>, Unsupported> {
    if param.param_type != "composite" {
        return Ok(None);
    }
    let mut out = Vec::new();
    for component in &param.component {
        let index = *position_by_url
            .get(component.definition.as_str())
            .ok_or_else(|| {
                Unsupported(format!(
                    "the component `{}` is not a known parameter",
                    component.definition
                ))
            })?;
        let kind = Kind::from_code(&params[index].param_type).ok_or_else(|| {
            Unsupported(format!(
                "the component `{}` has type {}",
                component.definition, params[index].param_type
            ))
        })?;
        let expr = fhirpath::parse(&component.expression)
            .map_err(|error| Unsupported(format!("invalid FHIRPath in component: {error}")))?;
        out.push(Component {
            index,
            kind,
            branches: lower::lower(&expr)?,
        });
    }
    Ok(Some(out))
}

/// Emits the extraction of one parameter from one resource type. Returns
/// `None` when no branch of the expression starts at this type.
fn compile_pair<'a>(
    walker: &mut Walker<'a>,
    param: &SearchParameter,
    resource_type: &str,
    branches: &[Branch],
    components: Option<&[Component]>,
) -> Result<Option<TokenStream>, Unsupported> {
    let def = walker
        .struct_named(resource_type)
        .ok_or_else(|| Unsupported(format!("no struct for the resource type {resource_type}")))?;
    let resource_node = Node::Struct(def);
    walker.resource = Some(resource_node);
    let sink = format_ident!("sink");
    let root = quote!(resource);
    let kind = Kind::from_code(&param.param_type);

    let mut code = TokenStream::new();
    let mut reached = false;
    for branch in branches.iter().filter(|b| starts_at(b, def)) {
        reached = true;
        let walked = match (components, kind) {
            (Some(components), _) => walker.walk(
                &branch.steps,
                &root,
                resource_node,
                &sink,
                &mut |w, item, node| composite_item(w, components, &sink, item, node),
            )?,
            (None, Some(kind)) => walker.walk(
                &branch.steps,
                &root,
                resource_node,
                &sink,
                &mut |w, value, node| w.leaf(kind, &sink, value, node),
            )?,
            (None, None) => {
                return Err(Unsupported(format!(
                    "the parameter type `{}` has no index value",
                    param.param_type
                )));
            }
        };
        code.extend(walked);
    }
    if !reached {
        return Ok(None);
    }
    if code.is_empty() && components.is_some() {
        return Err(Unsupported(format!(
            "a component reaches no value in {resource_type} that its parameter type can index"
        )));
    }
    if code.is_empty() {
        return Err(Unsupported(format!(
            "no value the expression reaches in {resource_type} can be indexed as a {} parameter",
            param.param_type
        )));
    }
    Ok(Some(code))
}

/// Compiles the one boolean form of token expression in the R4 parameters,
/// `Type.x.exists() and Type.x != false` (Patient `deceased`), for a choice
/// element `x` of `resource_type`. Returns `None` for any other expression.
///
/// FHIRPath gives `false` when the element is absent, the boolean's value
/// when it is a boolean, and `true` for a value of any other type, which
/// never equals `false`. An element with extensions but no value yields
/// nothing, as the comparison is then empty.
fn compile_exists_not_false(
    walker: &Walker<'_>,
    param: &SearchParameter,
    resource_type: &str,
    space: &TypeSpace,
) -> Option<Result<TokenStream, Unsupported>> {
    if param.param_type != "token" {
        return None;
    }
    let expression = param.expression.as_deref()?.trim();
    let (left, right) = expression.split_once(" and ")?;
    let path = left.trim().strip_suffix(".exists()")?;
    if right.trim().strip_suffix("!= false")?.trim() != path {
        return None;
    }
    let (owner, element) = path.split_once('.')?;
    if owner != resource_type || element.contains('.') {
        return None;
    }

    let unsupported = |what: &str| {
        Some(Err(Unsupported(format!(
            "`{expression}` is compiled for a choice element only, and `{path}` {what}"
        ))))
    };
    let Some(def) = walker.struct_named(resource_type) else {
        return unsupported("has no struct");
    };
    let Some(field) = def.fields.iter().find(|f| f.json_name == element) else {
        return unsupported("is not an element");
    };
    let crate::model::FieldType::Choice(choice) = &field.ty else {
        return unsupported("is not a choice");
    };
    let Some(choice) = space.choices.iter().find(|c| &c.name == choice) else {
        return unsupported("has no choice enum");
    };

    let field_ident = walk::rust_ident(&field.rust_name);
    let enum_ident = walk::rust_ident(&choice.name);
    let arms = choice.variants.iter().map(|variant| {
        let name = walk::rust_ident(&variant.name);
        match &variant.value {
            ValueType::Primitive(Prim::Fhir(fhir)) if fhir == "boolean" => quote! {
                Some(crate::r4::#enum_ident::#name(value)) => {
                    if let Some(value) = value.value { sink.token_bool(value); }
                }
            },
            ValueType::Primitive(_) => quote! {
                Some(crate::r4::#enum_ident::#name(value)) => {
                    if value.value.is_some() { sink.token_bool(true); }
                }
            },
            _ => quote! {
                Some(crate::r4::#enum_ident::#name(_)) => sink.token_bool(true),
            },
        }
    });

    Some(Ok(quote! {
        match resource.#field_ident.as_ref() {
            None => sink.token_bool(false),
            #(#arms)*
        }
    }))
}

/// Emits the extraction of a parameter on `Resource` whose every branch
/// starts with `id` or `meta`, once for all resource types, through
/// `Resource::id()` and `Resource::meta()`. Returns `None` for other
/// parameters, which are compiled for each type.
fn compile_any_resource<'a>(
    walker: &mut Walker<'a>,
    param: &SearchParameter,
    branches: &[Branch],
    space: &'a TypeSpace,
) -> Option<TokenStream> {
    if param.base != ["Resource"] {
        return None;
    }
    let kind = Kind::from_code(&param.param_type)?;
    // Every resource struct has the same `id` and `meta` fields; any one
    // gives their types.
    let example = walker.struct_named(space.resources.first()?)?;
    walker.resource = None;
    let sink = format_ident!("sink");
    let mut code = TokenStream::new();
    for branch in branches {
        if !matches!(&branch.root, Root::Context)
            && branch.root != Root::Type("Resource".to_owned())
        {
            return None;
        }
        let (Some(lower::Step::Field(first)), rest) =
            (branch.steps.first(), branch.steps.get(1..)?)
        else {
            return None;
        };
        let accessor = match first.as_str() {
            "id" => format_ident!("id"),
            "meta" => format_ident!("meta"),
            _ => return None,
        };
        let field = example.fields.iter().find(|f| &f.json_name == first)?;
        let crate::model::FieldType::Single(value) = &field.ty else {
            return None;
        };
        let node = walker.node_of(value).ok()?;
        let item = format_ident!("{accessor}_value");
        let walked = walker
            .walk(rest, &quote!(#item), node, &sink, &mut |w, value, n| {
                w.leaf(kind, &sink, value, n)
            })
            .ok()?;
        if !walked.is_empty() {
            code.extend(quote! { if let Some(#item) = resource.#accessor() { #walked } });
        }
    }
    (!code.is_empty()).then_some(code)
}

/// Checks whether a top-level branch applies to resources of `def`'s type.
fn starts_at(branch: &Branch, def: &StructDef) -> bool {
    match &branch.root {
        Root::Type(name) => name == &def.name || name == "Resource" || name == "DomainResource",
        Root::Context | Root::Resource => true,
    }
}

/// Emits the composite value of one context item: each component's values
/// go to their own sink, and the composite is added when every component
/// has a value.
fn composite_item<'a>(
    walker: &mut Walker<'a>,
    components: &[Component],
    sink: &Ident,
    item: &TokenStream,
    node: Node<'a>,
) -> Result<TokenStream, Unsupported> {
    let mut statements = Vec::new();
    let mut parts = Vec::new();
    for component in components {
        let component_sink = format_ident!("component{}", parts.len());
        let mut body = TokenStream::new();
        for branch in &component.branches {
            let (start, start_node) = match &branch.root {
                Root::Context => (item.clone(), node),
                Root::Resource => match walker.resource {
                    Some(resource) => (quote!(resource), resource),
                    None => continue,
                },
                Root::Type(name) => match node {
                    Node::Struct(def) if &def.name == name => (item.clone(), node),
                    _ => continue,
                },
            };
            let kind = component.kind;
            body.extend(walker.walk(
                &branch.steps,
                &start,
                start_node,
                &component_sink,
                &mut |w, value, n| w.leaf(kind, &component_sink, value, n),
            )?);
        }
        if body.is_empty() {
            // A composite needs a value for every component.
            return Ok(TokenStream::new());
        }
        statements.push(quote! {
            let mut #component_sink = #sink.component();
            #body
        });
        let index = component.index;
        parts.push(quote! { (&crate::r4::SEARCH_PARAMETERS[#index], #component_sink) });
    }
    Ok(quote! {
        #(#statements)*
        #sink.composite([#(#parts),*]);
    })
}

/// Returns the name of the extraction function of a resource type
/// (`extract_explanation_of_benefit`).
fn function_name(resource_type: &str) -> Ident {
    let snake = crate::names::field_name(resource_type);
    format_ident!("extract_{}", snake.trim_start_matches("r#"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CoreGenerator;

    /// Loads the core definitions shipped in `fhir-definitions/`.
    fn core() -> (Definitions, TypeSpace) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fhir-definitions");
        let (_, defs) = CoreGenerator::new(dir)
            .load()
            .expect("load the core package");
        let space = crate::model::build(&defs).expect("build the type space");
        (defs, space)
    }

    #[test]
    fn core_parameters_compile() {
        let (defs, space) = core();
        let (source, skipped_leaves) = emit_with_skipped_leaves(&defs, &space);
        assert!(
            source.contains("fn extract_patient("),
            "no Patient extraction"
        );
        assert!(source.contains("sink.token_coding("), "no Coding leaf");
        assert!(source.contains("sink.reference_is("), "no resolve() filter");
        assert!(source.contains("sink.composite(["), "no composite");

        let start = source
            .find("UNSUPPORTED_EXPRESSIONS")
            .expect("the list is emitted");
        let list = &source[start
            ..source[start..]
                .find("];")
                .map_or(source.len(), |end| start + end)];
        if let Some(path) = std::env::var_os("EXTRACT_SOURCE_OUT") {
            std::fs::write(path, &source).expect("write the generated source");
            println!("skipped leaves: {skipped_leaves:#?}");
        }
        let urls: Vec<&str> = list
            .lines()
            .filter_map(|line| line.trim().strip_prefix("url: \""))
            .map(|rest| rest.trim_end_matches("\","))
            .collect();
        // The core R4 expressions that cannot be compiled: a special
        // parameter, and a composite whose component
        // definitions are swapped in R4 (`relatesto` is the reference to
        // `relatesTo.target`, but the component points it at `code`).
        let expected = [
            "http://hl7.org/fhir/SearchParameter/Location-near",
            "http://hl7.org/fhir/SearchParameter/DocumentReference-relationship",
        ];
        assert_eq!(
            urls, expected,
            "unexpected unsupported expressions:\n{list}"
        );
        assert_eq!(
            skipped_leaves,
            ["Reference from code", "Quantity from SampledData"]
        );
    }
}
