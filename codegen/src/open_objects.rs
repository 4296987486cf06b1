//! `Deserialize` for objects that keep their unknown properties.
//!
//! typify keeps unknown properties in a `#[serde(flatten)] extra` map. serde's
//! derive for a flattened field first buffers the whole object into an
//! intermediate tree and then assigns the fields from it, which made decoding
//! an onlineMeeting about twice as slow as a plain struct. The impl written
//! here reads each property once, straight into its field, and only the
//! unknown ones into `extra`: the same result (including the errors for a
//! missing required or a duplicate property), without the buffering.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Fields, Item, ItemStruct};

/// Field name typify gives the flattened map of unknown properties.
pub(crate) const EXTRA_FIELD: &str = "extra";

pub(crate) fn apply(types: &mut Vec<Item>) {
    let mut impls = Vec::new();
    for item in types.iter_mut() {
        let Item::Struct(s) = item else { continue };
        if !has_flattened_extra(s) {
            continue;
        }
        if let Some(deserialize) = deserialize_impl(s) {
            remove_derive(s, "Deserialize");
            impls.push(deserialize);
        }
    }
    for tokens in impls {
        if let Ok(item) = syn::parse2::<Item>(tokens) {
            types.push(item);
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

fn is_option(ty: &syn::Type) -> bool {
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
        assignments.push(if is_option(ty) {
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
                        let mut extra = ::serde_json::Map::new();
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
