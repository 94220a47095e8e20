//! Turning lowered branches into Rust code that walks the generated structs.
//!
//! Each step becomes a loop (`for x in v.field.iter()`), an optional binding
//! (`if let Some(x) = v.field.as_ref()`), a choice match, or a filter. The
//! last value of a branch goes to a leaf: a call of the runtime sink method
//! that indexes a value of that FHIR type for the parameter's type
//! (`sink.token_coding(x)`).

use std::collections::{BTreeSet, HashMap};

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use super::lower::{Predicate, Step, Unsupported};
use crate::model::{ChoiceDef, FieldType, Prim, StructDef, StructKind, TypeSpace, ValueType};

/// The FHIR primitive types whose Rust value type has `as_str()`.
const TEXT_TYPES: &[&str] = &[
    "string",
    "code",
    "id",
    "uri",
    "url",
    "canonical",
    "oid",
    "uuid",
    "markdown",
];

/// The types of search parameter that index values through a leaf.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Number,
    Date,
    String,
    Token,
    Reference,
    Quantity,
    Uri,
}

impl Kind {
    /// Returns the kind for a `SearchParameter.type` code, or `None` for
    /// `composite` and `special`.
    pub fn from_code(code: &str) -> Option<Kind> {
        Some(match code {
            "number" => Kind::Number,
            "date" => Kind::Date,
            "string" => Kind::String,
            "token" => Kind::Token,
            "reference" => Kind::Reference,
            "quantity" => Kind::Quantity,
            "uri" => Kind::Uri,
            _ => return None,
        })
    }
}

/// The type of a value in the walk, in terms of the type space.
#[derive(Debug, Clone, Copy)]
pub enum Node<'a> {
    /// A resource, datatype or backbone element.
    Struct(&'a StructDef),
    /// A primitive: `Primitive<T>`, or `T` itself when `bare`.
    Prim { prim: &'a Prim, bare: bool },
    /// A choice enum (`ObservationValue`).
    Choice(&'a ChoiceDef),
    /// `crate::r4::Resource`, of any type.
    Resource,
}

/// The code that continues the walk from a value: the rest of a branch, a
/// leaf, or a comparison.
pub type Continuation<'c, 'a> =
    dyn FnMut(&mut Walker<'a>, &TokenStream, Node<'a>) -> Result<TokenStream, Unsupported> + 'c;

/// Emits walks over the types of one [`TypeSpace`].
pub struct Walker<'a> {
    structs: HashMap<&'a str, &'a StructDef>,
    choices: HashMap<&'a str, &'a ChoiceDef>,
    aliases: HashMap<&'a str, &'a str>,
    next_id: usize,
    /// The node of the resource being indexed, for `%resource`.
    pub resource: Option<Node<'a>>,
    /// Leaves that no sink method indexes, as (parameter type, FHIR type).
    pub skipped: BTreeSet<(Kind, String)>,
}

impl<'a> Walker<'a> {
    pub fn new(space: &'a TypeSpace) -> Self {
        Walker {
            structs: space.structs.iter().map(|s| (s.name.as_str(), s)).collect(),
            choices: space.choices.iter().map(|c| (c.name.as_str(), c)).collect(),
            aliases: space
                .aliases
                .iter()
                .map(|(alias, base, _)| (alias.as_str(), base.as_str()))
                .collect(),
            next_id: 0,
            resource: None,
            skipped: BTreeSet::new(),
        }
    }

    /// Looks up the struct of a datatype, backbone element or resource by
    /// Rust name, resolving aliases such as `SimpleQuantity`.
    pub fn struct_named(&self, name: &str) -> Option<&'a StructDef> {
        let name = self.aliases.get(name).copied().unwrap_or(name);
        self.structs.get(name).copied()
    }

    fn fresh(&mut self, prefix: &str) -> Ident {
        let id = self.fresh_number();
        format_ident!("{prefix}{id}")
    }

    fn fresh_number(&mut self) -> usize {
        self.next_id += 1;
        self.next_id
    }

    pub fn node_of(&self, value: &'a ValueType) -> Result<Node<'a>, Unsupported> {
        Ok(match value {
            ValueType::Primitive(prim) => Node::Prim { prim, bare: false },
            ValueType::Bare(prim) => Node::Prim { prim, bare: true },
            ValueType::Complex(name) => Node::Struct(
                self.struct_named(name)
                    .ok_or_else(|| Unsupported(format!("unknown type `{name}`")))?,
            ),
            ValueType::Resource => Node::Resource,
        })
    }

    /// Emits the walk of `steps` from `var`, a reference to a value of
    /// `node`, running `then` on each value at the end. An empty result
    /// means the walk statically reaches no value.
    ///
    /// # Errors
    ///
    /// Returns [`Unsupported`] for an element that does not exist or a step
    /// the walker cannot apply to the value's type.
    pub fn walk(
        &mut self,
        steps: &[Step],
        var: &TokenStream,
        node: Node<'a>,
        sink: &Ident,
        then: &mut Continuation<'_, 'a>,
    ) -> Result<TokenStream, Unsupported> {
        if let Some(position) = steps.iter().position(|s| matches!(s, Step::Index(_))) {
            return self.walk_indexed(steps, position, var, node, sink, then);
        }
        let Some((step, rest)) = steps.split_first() else {
            return then(self, var, node);
        };
        match (step, node) {
            (Step::Field(_) | Step::Where(_), Node::Choice(choice)) => {
                // A path through a choice continues from whichever type the
                // value has; types without the element give no value.
                self.each_variant(choice, var, &mut |walker, v, n| {
                    walker.walk(steps, v, n, sink, then)
                })
            }
            (Step::Field(name), _) => self.walk_field(name, rest, var, node, sink, then),
            (Step::As(type_name), _) => self.walk_cast(type_name, rest, var, node, sink, then),
            (Step::Where(predicate), _) => {
                let condition = self.predicate(predicate, var, node, sink)?;
                let body = self.walk(rest, var, node, sink, then)?;
                if body.is_empty() {
                    return Ok(body);
                }
                if !matches!(predicate, Predicate::Equals(..)) {
                    return Ok(quote! { if #condition { #body } });
                }
                // The condition of an equality is a block, which reads
                // better bound to a name than inside `if`.
                let matched = self.fresh("matched");
                Ok(quote! {
                    let #matched = #condition;
                    if #matched { #body }
                })
            }
            (Step::Index(_), _) => unreachable!("indexers are handled before the match"),
        }
    }

    /// Emits a walk whose step at `position` is an indexer: the steps before
    /// it run in a labeled block that counts the values and leaves after
    /// the selected one.
    fn walk_indexed(
        &mut self,
        steps: &[Step],
        position: usize,
        var: &TokenStream,
        node: Node<'a>,
        sink: &Ident,
        then: &mut Continuation<'_, 'a>,
    ) -> Result<TokenStream, Unsupported> {
        let Step::Index(wanted) = steps[position] else {
            unreachable!("the caller found an indexer at this position")
        };
        let rest = &steps[position + 1..];
        let id = self.fresh_number();
        let label = crate::tokens::lifetime(&format!("item{id}"));
        let seen = format_ident!("seen{id}");
        let mut select = |walker: &mut Walker<'a>, item: &TokenStream, item_node: Node<'a>| {
            let body = walker.walk(rest, item, item_node, sink, then)?;
            Ok(if wanted == 0 {
                quote! { #body break #label; }
            } else {
                quote! {
                    if #seen == #wanted {
                        #body
                        break #label;
                    }
                    #seen += 1;
                }
            })
        };
        let prefix = self.walk(&steps[..position], var, node, sink, &mut select)?;
        if prefix.is_empty() {
            return Ok(prefix);
        }
        let counter = (wanted > 0).then(|| quote!(let mut #seen = 0_usize;));
        Ok(quote! {
            #counter
            #label: { #prefix }
        })
    }

    fn walk_field(
        &mut self,
        name: &str,
        rest: &[Step],
        var: &TokenStream,
        node: Node<'a>,
        sink: &Ident,
        then: &mut Continuation<'_, 'a>,
    ) -> Result<TokenStream, Unsupported> {
        let item = self.fresh("v");
        let item_var = quote!(#item);
        match node {
            Node::Struct(def) => {
                let Some(field) = def.fields.iter().find(|f| f.json_name == name) else {
                    // Guides write a choice with its type as in JSON
                    // (`valueDateTime`), which reads as `value.ofType(dateTime)`.
                    let (choice_name, fhir_type) =
                        self.choice_variant_named(def, name).ok_or_else(|| {
                            Unsupported(format!("`{}` has no element `{name}`", def.path))
                        })?;
                    let mut steps = vec![Step::As(fhir_type)];
                    steps.extend_from_slice(rest);
                    return self.walk_field(&choice_name, &steps, var, node, sink, then);
                };
                let child = match &field.ty {
                    FieldType::Single(value) => self.node_of(value)?,
                    FieldType::Choice(choice) => Node::Choice(
                        self.choices
                            .get(choice.as_str())
                            .ok_or_else(|| Unsupported(format!("unknown choice `{choice}`")))?,
                    ),
                };
                let body = self.walk(rest, &item_var, child, sink, then)?;
                if body.is_empty() {
                    return Ok(body);
                }
                let field_ident = rust_ident(&field.rust_name);
                Ok(if field.repeated() {
                    quote! { for #item in #var.#field_ident.iter() { #body } }
                } else if field.boxed {
                    quote! { if let Some(#item) = #var.#field_ident.as_deref() { #body } }
                } else {
                    quote! { if let Some(#item) = #var.#field_ident.as_ref() { #body } }
                })
            }
            Node::Prim { bare: false, .. } if name == "extension" => {
                let extension = self
                    .struct_named("Extension")
                    .ok_or_else(|| Unsupported("no Extension type".to_owned()))?;
                let body = self.walk(rest, &item_var, Node::Struct(extension), sink, then)?;
                if body.is_empty() {
                    return Ok(body);
                }
                Ok(quote! { for #item in #var.extension.iter() { #body } })
            }
            Node::Prim { prim, .. } => Err(Unsupported(format!(
                "the primitive `{}` has no element `{name}`",
                prim_name(prim)
            ))),
            Node::Resource => Err(Unsupported(format!(
                "the element `{name}` on a resource of any type"
            ))),
            Node::Choice(_) => {
                unreachable!("choices are spread over their variants before a field step")
            }
        }
    }

    /// Finds the choice field of `def` with a variant whose JSON name is
    /// `name`, and returns the field's JSON name and the variant's FHIR type.
    fn choice_variant_named(&self, def: &StructDef, name: &str) -> Option<(String, String)> {
        def.fields.iter().find_map(|field| {
            let FieldType::Choice(choice) = &field.ty else {
                return None;
            };
            let variant = self
                .choices
                .get(choice.as_str())?
                .variants
                .iter()
                .find(|v| v.json_name == name)?;
            Some((field.json_name.clone(), variant.fhir_type.clone()))
        })
    }

    fn walk_cast(
        &mut self,
        type_name: &str,
        rest: &[Step],
        var: &TokenStream,
        node: Node<'a>,
        sink: &Ident,
        then: &mut Continuation<'_, 'a>,
    ) -> Result<TokenStream, Unsupported> {
        let wanted = unqualified(type_name);
        match node {
            Node::Choice(choice) => {
                let Some(variant) = choice
                    .variants
                    .iter()
                    .find(|v| v.fhir_type.eq_ignore_ascii_case(wanted))
                else {
                    return Ok(TokenStream::new());
                };
                let item = self.fresh("v");
                let child = self.node_of(&variant.value)?;
                let body = self.walk(rest, &quote!(#item), child, sink, then)?;
                if body.is_empty() {
                    return Ok(body);
                }
                let enum_ident = rust_ident(&choice.name);
                let variant_ident = rust_ident(&variant.name);
                let unbox = is_boxed_variant(&variant.value).then(|| quote!(let #item = &**#item;));
                Ok(quote! {
                    if let crate::r4::#enum_ident::#variant_ident(#item) = #var {
                        #unbox
                        #body
                    }
                })
            }
            Node::Resource => {
                let Some(def) = self
                    .struct_named(wanted)
                    .filter(|d| d.kind == StructKind::Resource)
                else {
                    return Ok(TokenStream::new());
                };
                let item = self.fresh("v");
                let body = self.walk(rest, &quote!(#item), Node::Struct(def), sink, then)?;
                if body.is_empty() {
                    return Ok(body);
                }
                let variant_ident = rust_ident(&def.name);
                Ok(quote! {
                    if let crate::r4::Resource::#variant_ident(#item) = #var {
                        let #item = &**#item;
                        #body
                    }
                })
            }
            Node::Struct(def)
                if def.kind != StructKind::Backbone && def.name.eq_ignore_ascii_case(wanted) =>
            {
                self.walk(rest, var, node, sink, then)
            }
            Node::Prim { prim, .. } if prim_name(prim).eq_ignore_ascii_case(wanted) => {
                self.walk(rest, var, node, sink, then)
            }
            Node::Struct(_) | Node::Prim { .. } => Ok(TokenStream::new()),
        }
    }

    /// Emits a match on the choice value `var` with one arm per variant for
    /// which `then` emits code. Variants whose walk fails are left out; the
    /// error is returned only when every variant fails.
    pub fn each_variant(
        &mut self,
        choice: &'a ChoiceDef,
        var: &TokenStream,
        then: &mut Continuation<'_, 'a>,
    ) -> Result<TokenStream, Unsupported> {
        let enum_ident = rust_ident(&choice.name);
        let mut arms = Vec::new();
        let mut errors = Vec::new();
        for variant in &choice.variants {
            let item = self.fresh("v");
            let child = self.node_of(&variant.value)?;
            let body = match then(self, &quote!(#item), child) {
                Ok(body) => body,
                Err(error) => {
                    errors.push(error);
                    continue;
                }
            };
            if body.is_empty() {
                continue;
            }
            let variant_ident = rust_ident(&variant.name);
            let unbox = is_boxed_variant(&variant.value).then(|| quote!(let #item = &**#item;));
            arms.push(quote! {
                crate::r4::#enum_ident::#variant_ident(#item) => {
                    #unbox
                    #body
                }
            });
        }
        if !errors.is_empty() && errors.len() == choice.variants.len() {
            return Err(errors.swap_remove(0));
        }
        if arms.is_empty() {
            return Ok(TokenStream::new());
        }
        let fallback = (arms.len() < choice.variants.len()).then(|| quote!(_ => {}));
        Ok(quote! {
            match #var {
                #(#arms)*
                #fallback
            }
        })
    }

    /// Emits a boolean expression for `predicate` on `var`.
    fn predicate(
        &mut self,
        predicate: &Predicate,
        var: &TokenStream,
        node: Node<'a>,
        sink: &Ident,
    ) -> Result<TokenStream, Unsupported> {
        match predicate {
            Predicate::ResolveIs(type_name) => {
                let wanted = unqualified(type_name);
                match node {
                    Node::Struct(def) if def.name == "Reference" => {
                        Ok(quote!(#sink.reference_is(#var, #wanted)))
                    }
                    _ => Err(Unsupported(format!(
                        "resolve() on a value that is not a Reference ({})",
                        describe(node)
                    ))),
                }
            }
            Predicate::HasExtension(url) => {
                let has_extensions = match node {
                    Node::Struct(def) => def.fields.iter().any(|f| f.json_name == "extension"),
                    Node::Prim { bare, .. } => !bare,
                    _ => false,
                };
                if !has_extensions {
                    return Err(Unsupported(format!("hasExtension() on {}", describe(node))));
                }
                Ok(quote! {
                    #var.extension.iter().any(|e| e.url.as_ref().is_some_and(|u| u.as_str() == #url))
                })
            }
            Predicate::Equals(steps, literal) => {
                let found = self.fresh("found");
                let mut compare =
                    |walker: &mut Walker<'a>, value: &TokenStream, value_node: Node<'a>| {
                        walker.text_of(
                            value,
                            value_node,
                            &mut |text| quote! { if #text == #literal { #found = true; } },
                        )
                    };
                let body = self.walk(steps, var, node, sink, &mut compare)?;
                if body.is_empty() {
                    return Ok(quote!(false));
                }
                Ok(quote! {
                    {
                        let mut #found = false;
                        #body
                        #found
                    }
                })
            }
        }
    }

    /// Emits code that binds the text of the primitive `var` and passes the
    /// `&str` expression to `use_text`.
    fn text_of(
        &mut self,
        var: &TokenStream,
        node: Node<'a>,
        use_text: &mut dyn FnMut(TokenStream) -> TokenStream,
    ) -> Result<TokenStream, Unsupported> {
        match node {
            Node::Prim { prim, bare } => {
                let binding = self.fresh("text");
                let value = if bare { var.clone() } else { quote!(#binding) };
                let text = match prim {
                    Prim::Code(_) => quote!(#value.as_str()),
                    Prim::Fhir(name) if TEXT_TYPES.contains(&name.as_str()) => {
                        quote!(#value.as_str())
                    }
                    Prim::Fhir(name) if name == "boolean" => {
                        quote!(if *#value { "true" } else { "false" })
                    }
                    Prim::Fhir(name) => {
                        return Err(Unsupported(format!(
                            "a comparison of a `{name}` with a string"
                        )));
                    }
                };
                let body = use_text(text);
                Ok(if bare {
                    body
                } else {
                    quote! { if let Some(#binding) = #var.value.as_ref() { #body } }
                })
            }
            Node::Choice(choice) => self.each_variant(choice, var, &mut |walker, v, n| {
                walker.text_of(v, n, use_text)
            }),
            _ => Err(Unsupported(format!(
                "a comparison of {} with a string",
                describe(node)
            ))),
        }
    }

    /// Emits the indexing of `var` for a parameter of type `kind` into
    /// `sink`; empty when no sink method takes the value's type.
    ///
    /// # Errors
    ///
    /// Returns [`Unsupported`] when the type space lacks a type it refers to.
    pub fn leaf(
        &mut self,
        kind: Kind,
        sink: &Ident,
        var: &TokenStream,
        node: Node<'a>,
    ) -> Result<TokenStream, Unsupported> {
        match node {
            Node::Choice(choice) => {
                // Variants that no sink method takes are expected (an
                // extension value may have any type), so they are not
                // reported as skipped.
                let reported = self.skipped.clone();
                let code = self.each_variant(choice, var, &mut |walker, v, n| {
                    walker.leaf(kind, sink, v, n)
                });
                self.skipped = reported;
                code
            }
            Node::Struct(def) if def.name == "Extension" => {
                // An extension is indexed by its value.
                let choice = def
                    .fields
                    .iter()
                    .find_map(|f| match &f.ty {
                        FieldType::Choice(name) if f.json_name == "value" => {
                            self.choices.get(name.as_str()).copied()
                        }
                        _ => None,
                    })
                    .ok_or_else(|| Unsupported("Extension has no value[x]".to_owned()))?;
                let value = self.fresh("v");
                let body = self.leaf(kind, sink, &quote!(#value), Node::Choice(choice))?;
                if body.is_empty() {
                    return Ok(body);
                }
                Ok(quote! { if let Some(#value) = #var.value.as_ref() { #body } })
            }
            Node::Struct(def) => match struct_method(kind, def) {
                Some(method) => {
                    let method = format_ident!("{method}");
                    Ok(quote! { #sink.#method(#var); })
                }
                None => {
                    self.skipped.insert((kind, describe(node)));
                    Ok(TokenStream::new())
                }
            },
            Node::Prim { prim, bare: true } => match prim_call(kind, prim, sink, var) {
                Some(call) => Ok(call),
                None => {
                    self.skipped.insert((kind, describe(node)));
                    Ok(TokenStream::new())
                }
            },
            Node::Prim { prim, bare: false } => {
                let value = self.fresh("value");
                match prim_call(kind, prim, sink, &quote!(#value)) {
                    Some(call) => {
                        Ok(quote! { if let Some(#value) = #var.value.as_ref() { #call } })
                    }
                    None => {
                        self.skipped.insert((kind, describe(node)));
                        Ok(TokenStream::new())
                    }
                }
            }
            Node::Resource if kind == Kind::Reference => {
                Ok(quote! { #sink.reference_resource(#var); })
            }
            Node::Resource => {
                self.skipped.insert((kind, "Resource".to_owned()));
                Ok(TokenStream::new())
            }
        }
    }
}

/// The sink method that indexes a complex value of `def`'s type.
fn struct_method(kind: Kind, def: &StructDef) -> Option<&'static str> {
    if def.kind == StructKind::Backbone {
        return None;
    }
    Some(match (kind, def.name.as_str()) {
        (Kind::Token, "Coding") => "token_coding",
        (Kind::Token, "CodeableConcept") => "token_codeable_concept",
        (Kind::Token, "Identifier") => "token_identifier",
        (Kind::Token, "ContactPoint") => "token_contact_point",
        (Kind::String, "HumanName") => "string_human_name",
        (Kind::String, "Address") => "string_address",
        (Kind::Date, "Period") => "date_period",
        (Kind::Date, "Timing") => "date_timing",
        (Kind::Quantity, "Quantity" | "Age" | "Count" | "Distance" | "Duration") => "quantity",
        (Kind::Quantity, "Money") => "quantity_money",
        (Kind::Quantity, "Range") => "quantity_range",
        (Kind::Number, "Range") => "number_range",
        (Kind::Reference, "Reference") => "reference",
        _ => return None,
    })
}

/// Returns the sink call that indexes the primitive `value`, a reference
/// to the Rust value type of `prim`.
fn prim_call(kind: Kind, prim: &Prim, sink: &Ident, value: &TokenStream) -> Option<TokenStream> {
    let name = prim_name(prim);
    let is_text = TEXT_TYPES.contains(&name);
    Some(match (kind, prim) {
        (Kind::Token, Prim::Code(_)) => {
            quote! { #sink.token_code(Some(#value.system()), #value.as_str()); }
        }
        (Kind::Token, _) if name == "boolean" => quote! { #sink.token_bool(*#value); },
        (Kind::Token, _) if is_text => quote! { #sink.token_code(None, #value.as_str()); },
        (Kind::String, Prim::Code(_)) => quote! { #sink.string(#value.as_str()); },
        (Kind::String, _) if is_text => quote! { #sink.string(#value.as_str()); },
        (Kind::Date, _) if matches!(name, "date" | "dateTime" | "instant") => {
            quote! { #sink.date(#value.range()); }
        }
        (Kind::Number, _) if name == "decimal" => quote! { #sink.number_decimal(#value); },
        (Kind::Number, _) if matches!(name, "integer" | "positiveInt" | "unsignedInt") => {
            quote! { #sink.number_integer(::std::primitive::i64::from(*#value)); }
        }
        (Kind::Reference, _) if name == "canonical" => {
            quote! { #sink.reference_canonical(#value); }
        }
        (Kind::Reference, _) if matches!(name, "uri" | "url") => {
            quote! { #sink.reference_uri(#value.as_str()); }
        }
        (Kind::Uri, _) if name == "canonical" => quote! { #sink.uri_canonical(#value); },
        (Kind::Uri, _) if matches!(name, "uri" | "url" | "oid" | "uuid") => {
            quote! { #sink.uri(#value.as_str()); }
        }
        _ => return None,
    })
}

/// Returns the FHIR type name of a primitive, which is `code` for a code
/// enum.
fn prim_name(prim: &Prim) -> &str {
    match prim {
        Prim::Fhir(name) => name,
        Prim::Code(_) => "code",
    }
}

/// Checks whether a choice variant of this type is stored boxed.
fn is_boxed_variant(value: &ValueType) -> bool {
    matches!(value, ValueType::Complex(_) | ValueType::Resource)
}

/// Strips the `FHIR.` or `System.` namespace from a type name.
fn unqualified(type_name: &str) -> &str {
    type_name.rsplit('.').next().unwrap_or(type_name)
}

fn describe(node: Node<'_>) -> String {
    match node {
        Node::Struct(def) => def.path.clone(),
        Node::Prim { prim, .. } => prim_name(prim).to_owned(),
        Node::Choice(choice) => choice.path.clone(),
        Node::Resource => "Resource".to_owned(),
    }
}

/// Makes an identifier from a generated Rust name, which may be raw
/// (`r#type`).
pub fn rust_ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}
