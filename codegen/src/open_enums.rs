//! Open enums for Graph's evolvable string enums.
//!
//! typify turns a string enum into a closed Rust enum, so one member that the
//! spec does not list fails the whole response. Graph adds members over time
//! (and sends them to callers that ask with `Prefer:
//! include-unknown-enum-members`), so every string enum of the spec is
//! generated here instead: one variant per member plus `Unrecognized(String)`
//! that keeps any other value exactly as sent. progenitor is told to use
//! these types through `with_replacement`.

use openapiv3::{OpenAPI, ReferenceOr, SchemaKind, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::error::ErrorKind;
use crate::naming;

/// One string enum of the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenEnum {
    /// The component schema name, such as `onlineMeetingRole`.
    pub schema_name: String,
    /// The Rust type name typify would give it, such as `OnlineMeetingRole`.
    pub rust_name: String,
    /// The schema's description.
    pub description: Option<String>,
    /// The members, in spec order.
    pub members: Vec<String>,
}

/// Finds the component schemas that are plain string enums.
pub(crate) fn collect(spec: &OpenAPI) -> Vec<OpenEnum> {
    let Some(components) = &spec.components else {
        return Vec::new();
    };
    components
        .schemas
        .iter()
        .filter_map(|(name, schema)| {
            let ReferenceOr::Item(schema) = schema else {
                return None;
            };
            let SchemaKind::Type(Type::String(string)) = &schema.schema_kind else {
                return None;
            };
            if string.enumeration.is_empty() {
                return None;
            }
            // `null` marks a nullable enum (OpenAPI 3.0.3 wants it listed);
            // Rust expresses it as `Option`, so it is not a variant.
            let members: Vec<String> = string.enumeration.iter().flatten().cloned().collect();
            Some(OpenEnum {
                schema_name: name.clone(),
                rust_name: naming::type_name(name),
                description: schema.schema_data.description.clone(),
                members,
            })
        })
        .collect()
}

pub(crate) fn render(enums: &[OpenEnum]) -> TokenStream {
    enums.iter().map(render_one).collect()
}

fn render_one(open_enum: &OpenEnum) -> TokenStream {
    let name = format_ident!("{}", open_enum.rust_name);
    let doc = format!(
        "{}\n\nGenerated from `#/components/schemas/{}`. A value the spec does not list \
         deserializes to `Unrecognized` and serializes back unchanged.",
        open_enum
            .description
            .as_deref()
            .unwrap_or("A string enum of the spec."),
        open_enum.schema_name
    );
    let variants: Vec<_> = naming::variant_names(&open_enum.members)
        .iter()
        .map(|m| format_ident!("{m}"))
        .collect();
    let wires: Vec<&str> = open_enum.members.iter().map(String::as_str).collect();
    let variant_docs: Vec<String> = wires.iter().map(|w| format!("`{w}`")).collect();
    let expecting = format!("a {} string", open_enum.schema_name);
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #( #[doc = #variant_docs] #variants, )*
            /// A value this version of the spec does not list, exactly as sent.
            Unrecognized(::std::string::String),
        }

        impl #name {
            /// The value as it is sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #wires, )*
                    Self::Unrecognized(value) => value.as_str(),
                }
            }

            /// Whether the spec lists this value.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unrecognized(_))
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #( #wires => Self::#variants, )*
                    other => Self::Unrecognized(other.to_string()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #( #wires => Self::#variants, )*
                    _ => Self::Unrecognized(value),
                }
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct Visitor;
                impl ::serde::de::Visitor<'_> for Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_str<E: ::serde::de::Error>(self, value: &str) -> ::std::result::Result<#name, E> {
                        Ok(#name::from(value))
                    }
                    fn visit_string<E: ::serde::de::Error>(self, value: ::std::string::String) -> ::std::result::Result<#name, E> {
                        Ok(#name::from(value))
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
    }
}

/// Puts the open enums into progenitor's `types` module, beside the types
/// that use them.
pub(crate) fn insert_into_types_module(
    mut file: syn::File,
    items: TokenStream,
) -> Result<syn::File, ErrorKind> {
    let extra: syn::File =
        syn::parse2(items).map_err(|err| ErrorKind::Internal(err.to_string()))?;
    let types = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(module) if module.ident == "types" => module.content.as_mut(),
        _ => None,
    });
    let Some((_, types_items)) = types else {
        return Err(ErrorKind::Internal(
            "progenitor's output has no `types` module".to_string(),
        ));
    };
    types_items.extend(extra.items);
    Ok(file)
}
