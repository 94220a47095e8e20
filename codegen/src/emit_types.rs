//! Emitting the structs, enums and their JSON code for a [`TypeSpace`].

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::model::{
    ChoiceDef, CodeEnum, Field, FieldType, Prim, StructDef, StructKind, TypeSpace, ValueType,
};
use crate::tokens::{format_items, match_str};

/// Emits the whole type space as formatted Rust source, to be included in
/// the `r4` module of the runtime crate.
pub fn emit(space: &TypeSpace, fhir_version: &str) -> String {
    let rt = quote!(crate::json::__private);
    let mut items = TokenStream::new();

    let version_doc = "The FHIR version these types were generated from.";
    items.extend(quote! {
        #[doc = #version_doc]
        pub const FHIR_VERSION: &str = #fhir_version;
    });
    for (alias, base, docs) in &space.aliases {
        let alias_ident = ident(alias);
        let base_ident = ident(base);
        let docs = doc_attr(&format!(
            "{docs}\n\nIn JSON this profile is identical to [`{base}`], so it shares that type."
        ));
        items.extend(quote! {
            #docs
            pub type #alias_ident = crate::r4::#base_ident;
        });
    }
    for def in &space.structs {
        items.extend(emit_struct(def, &rt));
    }
    for def in &space.choices {
        items.extend(emit_choice(def, &rt));
    }
    for def in &space.code_enums {
        items.extend(emit_code_enum(def, &rt));
    }
    items.extend(emit_resource_enum(space, &rt));

    format_items(items)
}

pub(crate) fn ident(name: &str) -> Ident {
    if let Some(raw) = name.strip_prefix("r#") {
        Ident::new_raw(raw, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// Cleans definition text for rustdoc: no indented code blocks or fences,
/// which rustdoc would compile as doctests.
pub(crate) fn clean_docs(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .lines()
        .map(|line| line.trim_start().replace("```", "'''"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn doc_attr(text: &str) -> TokenStream {
    let cleaned = clean_docs(text);
    if cleaned.trim().is_empty() {
        return TokenStream::new();
    }
    let lines = cleaned.lines().map(|l| format!(" {l}"));
    quote!( #( #[doc = #lines] )* )
}

pub(crate) fn prim_type(prim: &Prim) -> TokenStream {
    match prim {
        Prim::Code(name) => {
            let name = ident(name);
            quote!(crate::r4::#name)
        }
        Prim::Fhir(fhir) => match fhir.as_str() {
            "boolean" => quote!(::std::primitive::bool),
            "integer" => quote!(::std::primitive::i32),
            "string" => quote!(::std::string::String),
            other => {
                let name = ident(&crate::names::capitalize(other));
                quote!(crate::primitives::#name)
            }
        },
    }
}

pub(crate) fn value_type(value: &ValueType) -> TokenStream {
    match value {
        ValueType::Primitive(prim) => {
            let inner = prim_type(prim);
            quote!(crate::primitives::Primitive<#inner>)
        }
        ValueType::Bare(prim) => prim_type(prim),
        ValueType::Complex(name) => {
            let name = ident(name);
            quote!(crate::r4::#name)
        }
        ValueType::Resource => quote!(crate::r4::Resource),
    }
}

fn field_type(field: &Field) -> TokenStream {
    let inner = match &field.ty {
        FieldType::Single(value) => value_type(value),
        FieldType::Choice(name) => {
            let name = ident(name);
            quote!(crate::r4::#name)
        }
    };
    if field.repeated() {
        quote!(::std::vec::Vec<#inner>)
    } else if field.boxed {
        quote!(::std::option::Option<::std::boxed::Box<#inner>>)
    } else {
        quote!(::std::option::Option<#inner>)
    }
}

fn field_docs(field: &Field) -> String {
    let cardinality = format!(
        "`{}`, cardinality {}..{}{}{}",
        field.path,
        field.min,
        field.max.map_or("*".to_owned(), |m| m.to_string()),
        if field.is_summary { ", in summary" } else { "" },
        if field.is_modifier { ", modifier" } else { "" },
    );
    if field.docs.is_empty() {
        cardinality
    } else {
        format!("{}\n\n{cardinality}", field.docs)
    }
}

fn emit_struct(def: &StructDef, rt: &TokenStream) -> TokenStream {
    let name = ident(&def.name);
    let kind = match def.kind {
        StructKind::Resource => "resource",
        StructKind::Datatype => "datatype",
        StructKind::Backbone => "backbone element",
    };
    let docs = doc_attr(&format!("{}\n\nFHIR {kind} `{}`.", def.docs, def.path));
    let path = &def.path;
    let struct_name = &def.name;
    let resource_type = (def.kind == StructKind::Resource).then(|| def.name.clone());

    let fields = def.fields.iter().map(|f| {
        let fname = ident(&f.rust_name);
        let ty = field_type(f);
        let docs = doc_attr(&field_docs(f));
        quote! { #docs pub #fname: #ty, }
    });

    // Serialization, in definition order.
    let resource_entry = resource_type.as_ref().map(|rt_name| {
        quote! { writer.key("resourceType"); writer.string(#rt_name); }
    });
    let ser_fields = def.fields.iter().map(|f| {
        let fname = ident(&f.rust_name);
        let key = &f.json_name;
        let ext_key = format!("_{key}");
        match (&f.ty, f.repeated()) {
            (FieldType::Choice(_), _) => quote! { #rt::ser::choice(writer, &self.#fname); },
            (FieldType::Single(ValueType::Primitive(_)), false) => {
                quote! { #rt::ser::primitive(writer, #key, #ext_key, &self.#fname); }
            }
            (FieldType::Single(ValueType::Primitive(_)), true) => {
                quote! { #rt::ser::primitives(writer, #key, #ext_key, &self.#fname); }
            }
            (FieldType::Single(ValueType::Bare(_)), false) => {
                quote! { #rt::ser::bare(writer, #key, &self.#fname); }
            }
            (FieldType::Single(_), false) => {
                quote! { #rt::ser::single(writer, #key, &self.#fname); }
            }
            (FieldType::Single(_), true) => {
                quote! { #rt::ser::repeated(writer, #key, &self.#fname); }
            }
        }
    });

    // Deserialization, in place: the struct starts empty and each key fills
    // its field. On an error the partly read struct is dropped as a whole,
    // so each key costs one call here rather than a slot, a move into the
    // struct and a drop of its own. Choice elements keep a slot, because an
    // `_valueX` part can come before the value it belongs to. Each
    // repeating element gets a bit in `seen` to find a duplicate key. A
    // repeating primitive gets two, one per array, because the array that
    // came first decides how the second pairs up with it.
    let mut arms = Vec::new();
    let mut choice_fallbacks = Vec::new();
    let mut slot_decls = Vec::new();
    let mut finishers = Vec::new();
    let mut bits = 0u32;
    for f in &def.fields {
        let fname = ident(&f.rust_name);
        let key = &f.json_name;
        let ext_key = format!("_{key}");
        match (&f.ty, f.repeated()) {
            (FieldType::Choice(enum_name), _) => {
                let enum_ident = ident(enum_name);
                let slot = format_ident!("f_{}", f.rust_name.trim_start_matches("r#"));
                slot_decls.push(quote! {
                    let mut #slot = <#rt::de::ChoiceSlot<crate::r4::#enum_ident>>::new();
                });
                choice_fallbacks.push(quote! {
                    if <crate::r4::#enum_ident as #rt::de::Choice>::read(&mut #slot, other, reader)? { continue; }
                });
                finishers.push(quote! { #slot.finish(&mut value.#fname, reader)?; });
            }
            (FieldType::Single(ValueType::Primitive(_)), false) => {
                arms.push((
                    key.clone(),
                    quote! {{ #rt::de::read_primitive_value(&mut value.#fname, reader, #key)?; continue; }},
                ));
                arms.push((
                    ext_key.clone(),
                    quote! {{ #rt::de::read_primitive_element(&mut value.#fname, reader, #ext_key)?; continue; }},
                ));
            }
            (FieldType::Single(ValueType::Primitive(_)), true) => {
                let pair = bits;
                bits += 2;
                arms.push((
                    key.clone(),
                    quote! {{ #rt::de::read_primitive_values(&mut value.#fname, reader, #key, &mut seen, #pair)?; continue; }},
                ));
                arms.push((
                    ext_key.clone(),
                    quote! {{ #rt::de::read_primitive_elements(&mut value.#fname, reader, #key, #ext_key, &mut seen, #pair)?; continue; }},
                ));
                finishers.push(quote! { #rt::de::check_primitives(&value.#fname, reader, #key)?; });
            }
            (FieldType::Single(ValueType::Bare(_)), false) => arms.push((
                key.clone(),
                quote! {{ #rt::de::read_bare(&mut value.#fname, reader, #key)?; continue; }},
            )),
            (FieldType::Single(_), false) if f.boxed => arms.push((
                key.clone(),
                quote! {{ #rt::de::read_boxed(&mut value.#fname, reader, #key)?; continue; }},
            )),
            (FieldType::Single(_), false) => arms.push((
                key.clone(),
                quote! {{ #rt::de::read_single(&mut value.#fname, reader, #key)?; continue; }},
            )),
            (FieldType::Single(_), true) => {
                let bit = bits;
                bits += 1;
                arms.push((
                    key.clone(),
                    quote! {{ #rt::de::read_list(&mut value.#fname, reader, #key, &mut seen, #bit)?; continue; }},
                ));
            }
        }
    }
    if bits > 0 {
        slot_decls.push(quote! { let mut seen = #rt::de::Seen::new(); });
    }
    let state_param = if resource_type.is_some() {
        quote!(mut resource_type)
    } else {
        quote!(resource_type)
    };
    let (resource_type_const, resource_check) = match &resource_type {
        Some(rt_name) => {
            arms.push((
                "resourceType".to_owned(),
                quote! {{ #rt::de::read_resource_type(reader, #rt_name, &mut resource_type)?; continue; }},
            ));
            (
                quote! { ::std::option::Option::Some(#rt_name) },
                quote! { #rt::de::require_resource_type(reader, resource_type)?; },
            )
        }
        None => (
            quote! { ::std::option::Option::None },
            quote! { let _ = resource_type; },
        ),
    };
    let dispatch = match_str(&quote!(key), &arms, &quote!({}));
    let unknown =
        quote! { return ::std::result::Result::Err(#rt::de::unknown_element(reader, other)); };
    let expected = format!("an object ({path})");

    quote! {
        #docs
        #[derive(Clone, Default, PartialEq)]
        pub struct #name {
            #( #fields )*
        }

        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                #rt::debug_as_json(#struct_name, self, f)
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S__: ::serde::Serializer>(&self, serializer: S__) -> ::std::result::Result<S__::Ok, S__::Error> {
                #rt::serde_serialize(self, serializer)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D__: ::serde::Deserializer<'de>>(deserializer: D__) -> ::std::result::Result<Self, D__::Error> {
                #rt::serde_deserialize(deserializer)
            }
        }

        impl #rt::ser::ToJson for #name {
            fn write_json(&self, writer: &mut #rt::Writer) {
                writer.begin_object();
                #resource_entry
                #( #ser_fields )*
                writer.end_object();
            }
        }

        impl #rt::de::Object for #name {
            const PATH: &'static str = #path;
            const RESOURCE_TYPE: ::std::option::Option<&'static str> = #resource_type_const;
            const EXPECTED: &'static str = #expected;

            fn read_fields(
                reader: &mut #rt::Reader<'_>,
                #state_param: #rt::de::ResourceTypeState,
            ) -> ::std::result::Result<Self, #rt::ReadError> {
                let mut value = <Self as ::std::default::Default>::default();
                #( #slot_decls )*
                while let ::std::option::Option::Some(key) = reader.next_key()? {
                    let key: &str = &key;
                    #dispatch
                    let other = key;
                    #( #choice_fallbacks )*
                    #unknown
                }
                #resource_check
                #( #finishers )*
                ::std::result::Result::Ok(value)
            }
        }
    }
}

fn emit_choice(def: &ChoiceDef, rt: &TokenStream) -> TokenStream {
    let name = ident(&def.name);
    let last = def.path.rsplit('.').next().unwrap_or(&def.path);
    let stem = last.strip_suffix("[x]").unwrap_or(last);
    let docs = doc_attr(&format!(
        "{}\n\nThe choice element `{}`.",
        def.docs, def.path
    ));
    let variants = def.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let ty = value_type(&v.value);
        let doc = format!(" `{}`", v.json_name);
        let boxed = matches!(v.value, ValueType::Complex(_) | ValueType::Resource);
        if boxed {
            quote! { #[doc = #doc] #vname(::std::boxed::Box<#ty>), }
        } else {
            quote! { #[doc = #doc] #vname(#ty), }
        }
    });
    let mut read_arms = Vec::new();
    let mut attach_arms = Vec::new();
    let mut from_element_arms = Vec::new();
    let mut ser_arms = Vec::new();
    let mut key_arms = Vec::new();
    for v in &def.variants {
        let vname = ident(&v.name);
        let key = &v.json_name;
        let ext_key = format!("_{key}");
        key_arms.push(quote! { #name::#vname(_) => #key, });
        match &v.value {
            ValueType::Primitive(_) => {
                read_arms.push((
                    key.clone(),
                    quote! { slot.read_primitive(reader, #key, #name::#vname)? },
                ));
                read_arms.push((
                    ext_key.clone(),
                    quote! { slot.read_element(reader, #ext_key, #key)? },
                ));
                attach_arms.push(quote! {
                    (#name::#vname(mut value), #key) => { element.apply(&mut value); ::std::result::Result::Ok(#name::#vname(value)) }
                });
                from_element_arms.push(quote! { #key => ::std::option::Option::Some(#name::#vname(element.into_primitive())), });
                ser_arms.push(quote! { #name::#vname(value) => #rt::ser::primitive_value(writer, #key, #ext_key, value), });
            }
            _ => {
                read_arms.push((
                    key.clone(),
                    quote! { slot.read_boxed(reader, #key, #name::#vname)? },
                ));
                ser_arms.push(quote! { #name::#vname(value) => #rt::ser::single_value(writer, #key, &**value), });
            }
        }
    }
    let element_stem = stem;
    let read_dispatch = match_str(
        &quote!(key),
        &read_arms,
        &quote!(return ::std::result::Result::Ok(false)),
    );
    let attach_body = if attach_arms.is_empty() {
        quote! { let _ = (key, element); ::std::result::Result::Err(self) }
    } else {
        quote! {
            match (self, key) {
                #( #attach_arms )*
                (other, _) => ::std::result::Result::Err(other),
            }
        }
    };
    let from_element_body = if from_element_arms.is_empty() {
        quote! { let _ = (key, element); ::std::option::Option::None }
    } else {
        quote! {
            match key {
                #( #from_element_arms )*
                _ => ::std::option::Option::None,
            }
        }
    };
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq)]
        pub enum #name {
            #( #variants )*
        }

        impl #name {
            /// Returns the JSON key of this variant.
            pub fn json_key(&self) -> &'static str {
                match self { #( #key_arms )* }
            }
        }

        impl #rt::de::Choice for #name {
            const ELEMENT: &'static str = #element_stem;

            fn read(
                slot: &mut #rt::de::ChoiceSlot<Self>,
                key: &str,
                reader: &mut #rt::Reader<'_>,
            ) -> ::std::result::Result<::std::primitive::bool, #rt::ReadError> {
                #read_dispatch
                ::std::result::Result::Ok(true)
            }

            fn attach(self, key: &str, element: #rt::de::ElementPart) -> ::std::result::Result<Self, Self> {
                #attach_body
            }

            fn from_element(key: &str, element: #rt::de::ElementPart) -> ::std::option::Option<Self> {
                #from_element_body
            }

            fn json_key(&self) -> &'static str {
                #name::json_key(self)
            }

            fn write_entry(&self, writer: &mut #rt::Writer) {
                match self { #( #ser_arms )* }
            }
        }
    }
}

fn emit_code_enum(def: &CodeEnum, rt: &TokenStream) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc_attr(&def.docs);
    let value_set = &def.value_set;
    let variants = def.codes.iter().map(|c| {
        let vname = ident(&c.name);
        let doc = match &c.display {
            Some(display) => format!(" `{}`: {} (system `{}`)", c.code, display, c.system),
            None => format!(" `{}` (system `{}`)", c.code, c.system),
        };
        quote! { #[doc = #doc] #vname, }
    });
    let code_arms: Vec<(String, TokenStream)> = def
        .codes
        .iter()
        .map(|c| {
            let vname = ident(&c.name);
            (
                c.code.clone(),
                quote!(::std::option::Option::Some(#name::#vname)),
            )
        })
        .collect();
    let from_code = match_str(
        &quote!(code),
        &code_arms,
        &quote!(::std::option::Option::None),
    );
    let system = def.codes.iter().map(|c| {
        let vname = ident(&c.name);
        let system = &c.system;
        quote! { #name::#vname => #system, }
    });
    let display = def.codes.iter().map(|c| {
        let vname = ident(&c.name);
        match &c.display {
            Some(d) => quote! { #name::#vname => ::std::option::Option::Some(#d), },
            None => quote! { #name::#vname => ::std::option::Option::None, },
        }
    });
    let texts = def.codes.iter().map(|c| &c.code);
    let all = def.codes.iter().map(|c| {
        let vname = ident(&c.name);
        quote! { #name::#vname, }
    });
    quote! {
        #docs
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            // `as_str` indexes `CODES` by the variant's position.
            #( #variants )*
        }

        impl #name {
            /// The canonical URL of the value set.
            pub const VALUE_SET: &'static str = #value_set;
            /// Every code of the value set, in definition order.
            pub const ALL: &'static [#name] = &[ #( #all )* ];

            /// Returns the code as FHIR spells it.
            pub fn as_str(self) -> &'static str {
                <Self as #rt::CodeEnum>::CODES[self as usize]
            }

            /// The code for `code`, which must match exactly.
            pub fn from_code(code: &str) -> ::std::option::Option<Self> {
                #from_code
            }

            /// Returns the code system that defines the code.
            pub fn system(self) -> &'static str {
                match self { #( #system )* }
            }

            /// Returns the display text of the code, when the definitions give one.
            pub fn display(self) -> ::std::option::Option<&'static str> {
                match self { #( #display )* }
            }
        }

        impl #rt::CodeEnum for #name {
            const VALUE_SET: &'static str = #value_set;
            fn as_str(self) -> &'static str { #name::as_str(self) }
            fn from_code(code: &str) -> ::std::option::Option<Self> { #name::from_code(code) }
            fn codes() -> &'static [Self] { #name::ALL }
            const CODES: &'static [&'static str] = &[ #( #texts ),* ];
        }

        impl crate::primitives::PrimitiveValue for #name {
            const FHIR_TYPE: &'static str = "code";
            fn deserialize_value<'de, D__: ::serde::Deserializer<'de>>(deserializer: D__) -> ::std::result::Result<Self, D__::Error> {
                #rt::serde_code::<Self, D__>(deserializer)
            }
            fn serialize_value<S__: ::serde::Serializer>(&self, serializer: S__) -> ::std::result::Result<S__::Ok, S__::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = crate::r4::InvalidCode;
            fn from_str(code: &str) -> ::std::result::Result<Self, Self::Err> {
                #name::from_code(code).ok_or_else(|| {
                    crate::r4::InvalidCode::from_list(code, #name::VALUE_SET, <#name as #rt::CodeEnum>::CODES)
                })
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S__: ::serde::Serializer>(&self, serializer: S__) -> ::std::result::Result<S__::Ok, S__::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D__: ::serde::Deserializer<'de>>(deserializer: D__) -> ::std::result::Result<Self, D__::Error> {
                #rt::serde_code::<Self, D__>(deserializer)
            }
        }

        impl #rt::JsonValue for #name {
            fn read_json(reader: &mut #rt::Reader<'_>) -> ::std::result::Result<Self, #rt::ReadError> {
                #rt::read_code::<Self>(reader)
            }
            fn write_json(&self, writer: &mut #rt::Writer) {
                writer.string(self.as_str());
            }
        }
    }
}

// TODO: a crate that drops a `Resource` instantiates the drop glue of every
// resource type, because release builds do not share generic code between
// crates. That glue is nearly all of a small user crate's compile.
fn emit_resource_enum(space: &TypeSpace, rt: &TokenStream) -> TokenStream {
    let names: Vec<Ident> = space.resources.iter().map(|r| ident(r)).collect();
    let strs = &space.resources;
    let docs = space.resources.iter().map(|r| format!(" `{r}`"));
    let docs2 = docs.clone();
    let name_arms: Vec<(String, TokenStream)> = strs
        .iter()
        .zip(&names)
        .map(|(text, name)| {
            (
                text.clone(),
                quote!(::std::option::Option::Some(ResourceType::#name)),
            )
        })
        .collect();
    let from_name = match_str(
        &quote!(name),
        &name_arms,
        &quote!(::std::option::Option::None),
    );
    quote! {
        /// Every concrete resource type of this FHIR version.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ResourceType {
            #( #[doc = #docs] #names, )*
        }

        impl ResourceType {
            /// Every resource type, in alphabetical order.
            pub const ALL: &'static [ResourceType] = &[ #( ResourceType::#names, )* ];

            /// Returns the type name as FHIR spells it (`ExplanationOfBenefit`).
            pub fn as_str(self) -> &'static str {
                match self { #( ResourceType::#names => #strs, )* }
            }

            /// The resource type named `name`, which must match exactly.
            pub fn from_name(name: &str) -> ::std::option::Option<Self> {
                #from_name
            }
        }

        /// Any resource, tagged by its `resourceType`.
        ///
        /// Each variant is boxed, so a `Resource` is two words wide whatever it
        /// holds.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Resource {
            #( #[doc = #docs2] #names(::std::boxed::Box<crate::r4::#names>), )*
        }

        impl Resource {
            /// Returns the type of the resource.
            pub fn resource_type(&self) -> ResourceType {
                match self { #( Resource::#names(_) => ResourceType::#names, )* }
            }

            /// Returns the logical id (`Resource.id`).
            pub fn id(&self) -> ::std::option::Option<&crate::primitives::Id> {
                match self { #( Resource::#names(r) => r.id.as_ref(), )* }
            }

            /// Sets the logical id (`Resource.id`).
            pub fn set_id(&mut self, id: ::std::option::Option<crate::primitives::Id>) {
                match self { #( Resource::#names(r) => r.id = id, )* }
            }

            /// Returns the metadata (`Resource.meta`).
            pub fn meta(&self) -> ::std::option::Option<&crate::r4::Meta> {
                match self { #( Resource::#names(r) => r.meta.as_ref(), )* }
            }

            /// Returns the metadata (`Resource.meta`) for changing.
            pub fn meta_mut(&mut self) -> &mut ::std::option::Option<crate::r4::Meta> {
                match self { #( Resource::#names(r) => &mut r.meta, )* }
            }
        }

        #(
            impl ::std::convert::From<crate::r4::#names> for Resource {
                fn from(resource: crate::r4::#names) -> Self {
                    Resource::#names(::std::boxed::Box::new(resource))
                }
            }
        )*

        impl ::serde::Serialize for Resource {
            fn serialize<S__: ::serde::Serializer>(&self, serializer: S__) -> ::std::result::Result<S__::Ok, S__::Error> {
                #rt::serde_serialize(self, serializer)
            }
        }

        impl #rt::ser::ToJson for Resource {
            fn write_json(&self, writer: &mut #rt::Writer) {
                match self { #( Resource::#names(r) => #rt::ser::ToJson::write_json(&**r, writer), )* }
            }
        }

        impl #rt::de::DispatchResource for Resource {
            fn dispatch(
                resource_type: ResourceType,
                reader: &mut #rt::Reader<'_>,
                state: #rt::de::ResourceTypeState,
            ) -> ::std::result::Result<Self, #rt::ReadError> {
                match resource_type {
                    #(
                        ResourceType::#names => <crate::r4::#names as #rt::de::Object>::read_resource(reader, state).map(Resource::#names),
                    )*
                }
            }
        }
    }
}
