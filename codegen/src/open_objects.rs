//! `Deserialize` for objects that keep their unknown properties.
//!
//! typify keeps unknown properties in a `#[serde(flatten)] extra` map. serde's
//! derive for a flattened field first buffers the whole object into an
//! intermediate tree and then assigns the fields from it, which made decoding
//! an onlineMeeting about twice as slow as a plain struct. The impl written
//! here reads each property once, straight into its field, and only the
//! unknown ones into `extra`: the same result (including the errors for a
//! missing required or a duplicate property), without the buffering.
//!
//! The map itself is replaced by `AdditionalProperties`, one pointer that
//! stays unallocated until an unknown property arrives: an empty
//! `serde_json::Map` in every object cost about 10% of decoding time in size
//! and drops, for objects that almost never carry unknown properties. It
//! derefs to the map, so `meeting.extra["autoAdmittedUsers"]` reads as before.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Fields, Item, ItemStruct};

/// Field name typify gives the flattened map of unknown properties.
pub(crate) const EXTRA_FIELD: &str = "extra";

/// Rewrites the open objects of the `types` module; returns whether any was
/// rewritten, in which case the builders need [`convert_in_builders`].
pub(crate) fn apply(types: &mut Vec<Item>) -> bool {
    let mut impls = Vec::new();
    let mut retyped = false;
    for item in types.iter_mut() {
        let Item::Struct(s) = item else { continue };
        if !has_flattened_extra(s) {
            continue;
        }
        if let Some(deserialize) = deserialize_impl(s) {
            remove_derive(s, "Deserialize");
            impls.push(deserialize);
        }
        // serde's derive (kept for shapes the impl does not mirror) reads a
        // flattened AdditionalProperties just as well.
        retype_extra(s);
        retyped = true;
    }
    if retyped {
        impls.push(additional_properties_type());
    }
    for tokens in impls {
        if let Ok(file) = syn::parse2::<syn::File>(tokens) {
            types.extend(file.items);
        }
    }
    retyped
}

/// The builders keep a plain map; converts at their two boundaries.
pub(crate) fn convert_in_builders(item: &mut Item) {
    syn::visit_mut::VisitMut::visit_item_mut(&mut BuilderConversions, item);
}

fn retype_extra(s: &mut ItemStruct) {
    if let Fields::Named(named) = &mut s.fields {
        for field in named.named.iter_mut() {
            if field.ident.as_ref().is_some_and(|i| i == EXTRA_FIELD) {
                field.ty = syn::parse_quote!(AdditionalProperties);
            }
        }
    }
}

/// The builders keep a plain map; convert at their two boundaries
/// (`value.extra?` into the type, `Ok(value.extra)` out of it).
struct BuilderConversions;

impl syn::visit_mut::VisitMut for BuilderConversions {
    fn visit_field_value_mut(&mut self, field: &mut syn::FieldValue) {
        if matches!(&field.member, syn::Member::Named(i) if i == EXTRA_FIELD) {
            let text = quote!(#field).to_string().replace(' ', "");
            if text == "extra:value.extra?" {
                field.expr = syn::parse_quote!(value.extra?.into());
            } else if text == "extra:Ok(value.extra)" {
                field.expr = syn::parse_quote!(Ok(value.extra.into()));
            }
        }
        syn::visit_mut::visit_field_value_mut(self, field);
    }
}

fn additional_properties_type() -> TokenStream {
    quote! {
        /// Properties of an object that the spec does not name, kept exactly
        /// as Graph sent them. It reads like a `serde_json::Map` (it derefs
        /// to one) and allocates only when a property arrives.
        #[derive(Clone, Default)]
        pub struct AdditionalProperties(
            ::std::option::Option<
                ::std::boxed::Box<::serde_json::Map<::std::string::String, ::serde_json::Value>>,
            >,
        );

        impl AdditionalProperties {
            /// No properties.
            pub fn new() -> Self {
                Self(None)
            }

            /// Adds or replaces a property, returning the old value.
            pub fn insert(
                &mut self,
                name: ::std::string::String,
                value: ::serde_json::Value,
            ) -> ::std::option::Option<::serde_json::Value> {
                self.0.get_or_insert_with(::std::default::Default::default).insert(name, value)
            }

            /// The properties as a map.
            pub fn into_map(self) -> ::serde_json::Map<::std::string::String, ::serde_json::Value> {
                self.0.map(|map| *map).unwrap_or_default()
            }
        }

        impl ::std::ops::Deref for AdditionalProperties {
            type Target = ::serde_json::Map<::std::string::String, ::serde_json::Value>;
            fn deref(&self) -> &Self::Target {
                static EMPTY: ::std::sync::OnceLock<
                    ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                > = ::std::sync::OnceLock::new();
                match &self.0 {
                    Some(map) => map,
                    None => EMPTY.get_or_init(::serde_json::Map::new),
                }
            }
        }

        impl ::std::ops::DerefMut for AdditionalProperties {
            fn deref_mut(&mut self) -> &mut Self::Target {
                self.0.get_or_insert_with(::std::default::Default::default)
            }
        }

        impl ::std::cmp::PartialEq for AdditionalProperties {
            fn eq(&self, other: &Self) -> bool {
                **self == **other
            }
        }

        impl ::std::fmt::Debug for AdditionalProperties {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Debug::fmt(&**self, f)
            }
        }

        impl<'a> ::std::iter::IntoIterator for &'a AdditionalProperties {
            type Item = (&'a ::std::string::String, &'a ::serde_json::Value);
            type IntoIter = ::serde_json::map::Iter<'a>;
            fn into_iter(self) -> Self::IntoIter {
                ::std::ops::Deref::deref(self).iter()
            }
        }

        impl ::std::convert::From<::serde_json::Map<::std::string::String, ::serde_json::Value>>
            for AdditionalProperties
        {
            fn from(map: ::serde_json::Map<::std::string::String, ::serde_json::Value>) -> Self {
                if map.is_empty() { Self(None) } else { Self(Some(::std::boxed::Box::new(map))) }
            }
        }

        impl ::std::convert::From<AdditionalProperties>
            for ::serde_json::Map<::std::string::String, ::serde_json::Value>
        {
            fn from(properties: AdditionalProperties) -> Self {
                properties.into_map()
            }
        }

        impl ::serde::Serialize for AdditionalProperties {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                ::serde::Serialize::serialize(&**self, serializer)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for AdditionalProperties {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let map: ::serde_json::Map<::std::string::String, ::serde_json::Value> =
                    ::serde::Deserialize::deserialize(deserializer)?;
                Ok(Self::from(map))
            }
        }
    }
}

pub(crate) fn has_flattened_extra(s: &ItemStruct) -> bool {
    match &s.fields {
        Fields::Named(named) => named
            .named
            .iter()
            .any(|f| f.ident.as_ref().is_some_and(|i| i == EXTRA_FIELD) && serde_flags(f).flatten),
        _ => false,
    }
}

#[derive(Default)]
struct SerdeFlags {
    rename: Option<String>,
    flatten: bool,
    /// typify's mark of a required but nullable property: `Option<T>` that
    /// must be present.
    required_option: bool,
    other: bool,
}

fn serde_flags(field: &syn::Field) -> SerdeFlags {
    let mut flags = SerdeFlags::default();
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                flags.rename = Some(meta.value()?.parse::<syn::LitStr>()?.value());
            } else if meta.path.is_ident("flatten") {
                flags.flatten = true;
            } else if meta.path.is_ident("skip_serializing_if") {
                let _: syn::LitStr = meta.value()?.parse()?;
            } else if meta.path.is_ident("deserialize_with") {
                let with: syn::LitStr = meta.value()?.parse()?;
                if with.value() == "::std::option::Option::deserialize" {
                    flags.required_option = true;
                } else {
                    flags.other = true;
                }
            } else {
                // An attribute this impl would not honour: keep serde's derive.
                flags.other = true;
                if meta.input.peek(syn::Token![=]) {
                    let _: syn::Expr = meta.value()?.parse()?;
                }
            }
            Ok(())
        });
    }
    flags
}

pub(crate) fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

fn remove_derive(s: &mut ItemStruct, name: &str) {
    for attr in &mut s.attrs {
        if !attr.path().is_ident("derive") {
            continue;
        }
        if let Ok(paths) = attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) {
            let kept: Vec<&syn::Path> = paths
                .iter()
                .filter(|p| p.segments.last().is_none_or(|s| s.ident != name))
                .collect();
            *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
        }
    }
}

/// `None` when the struct uses a serde feature this impl does not mirror.
fn deserialize_impl(s: &ItemStruct) -> Option<TokenStream> {
    let Fields::Named(named) = &s.fields else {
        return None;
    };
    let name = &s.ident;
    let expecting = format!("an object for {name}");
    let mut variants = Vec::new();
    let mut wire_names = Vec::new();
    let mut slots = Vec::new();
    let mut slot_types = Vec::new();
    let mut assignments = Vec::new();
    for (index, field) in named.named.iter().enumerate() {
        let ident = field.ident.as_ref()?;
        let flags = serde_flags(field);
        if flags.other {
            return None;
        }
        if ident == EXTRA_FIELD && flags.flatten {
            assignments.push(quote! { #ident: extra });
            continue;
        }
        let wire = flags
            .rename
            .unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_string());
        let variant = format_ident!("Field{index}");
        let slot = format_ident!("field_{index}");
        let ty = &field.ty;
        assignments.push(if is_option(ty) && !flags.required_option {
            quote! { #ident: #slot.unwrap_or_default() }
        } else {
            quote! { #ident: #slot.ok_or_else(|| ::serde::de::Error::missing_field(#wire))? }
        });
        variants.push(variant);
        wire_names.push(wire);
        slots.push(slot);
        slot_types.push(ty.clone());
    }
    Some(quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                enum Property {
                    #(#variants,)*
                    Other(::std::string::String),
                }
                impl<'de> ::serde::Deserialize<'de> for Property {
                    fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
                    where
                        D: ::serde::Deserializer<'de>,
                    {
                        struct PropertyVisitor;
                        impl ::serde::de::Visitor<'_> for PropertyVisitor {
                            type Value = Property;
                            fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                                f.write_str("a property name")
                            }
                            fn visit_str<E: ::serde::de::Error>(self, value: &str) -> ::std::result::Result<Property, E> {
                                Ok(match value {
                                    #(#wire_names => Property::#variants,)*
                                    other => Property::Other(other.to_string()),
                                })
                            }
                        }
                        deserializer.deserialize_identifier(PropertyVisitor)
                    }
                }
                struct ObjectVisitor;
                impl<'de> ::serde::de::Visitor<'de> for ObjectVisitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<A>(self, mut map: A) -> ::std::result::Result<#name, A::Error>
                    where
                        A: ::serde::de::MapAccess<'de>,
                    {
                        #(let mut #slots: ::std::option::Option<#slot_types> = None;)*
                        let mut extra = AdditionalProperties::new();
                        while let Some(property) = map.next_key::<Property>()? {
                            match property {
                                #(Property::#variants => {
                                    if #slots.is_some() {
                                        return Err(::serde::de::Error::duplicate_field(#wire_names));
                                    }
                                    #slots = Some(map.next_value()?);
                                })*
                                Property::Other(name) => {
                                    let value = map.next_value::<::serde_json::Value>()?;
                                    extra.insert(name, value);
                                }
                            }
                        }
                        Ok(#name { #(#assignments,)* })
                    }
                }
                deserializer.deserialize_map(ObjectVisitor)
            }
        }
    })
}
