//! A readable summary of the generated public API: the client's operations,
//! each operation builder's setters and `send()` result, then every type in
//! `types` with its fields (Rust name, Rust type and wire name) or variants.
//! A snapshot of it turns a spec change into a short type diff in review,
//! and `cargo xtask review` compares two of them.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use quote::ToTokens;

/// One public item of the generated `types` module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeSummary {
    /// Rust type name.
    pub name: String,
    /// `struct` or `enum`.
    pub kind: &'static str,
    /// Fields (structs) or variants (enums), one line each.
    pub members: Vec<String>,
    /// Marked `#[non_exhaustive]`: other crates cannot build it with a
    /// struct literal or match it exhaustively, so a new member is additive.
    pub non_exhaustive: bool,
}

/// One operation builder of the generated `builder` module.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BuilderSummary {
    /// Its public setters, in source order (`new` left out).
    pub setters: Vec<String>,
    /// What `send()` returns.
    pub send: Option<String>,
}

/// The summary of a generated file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PublicApi {
    /// `Client` methods, as `name() -> ReturnType`.
    pub operations: Vec<String>,
    /// Operation builders by struct name.
    pub builders: BTreeMap<String, BuilderSummary>,
    /// Types in `types`, sorted by name.
    pub types: Vec<TypeSummary>,
}

impl PublicApi {
    /// Parses generated source.
    pub fn from_source(source: &str) -> Result<Self, String> {
        let file = syn::parse_file(source).map_err(|e| format!("not valid Rust: {e}"))?;
        let mut api = PublicApi::default();
        for item in &file.items {
            match item {
                syn::Item::Impl(imp)
                    if imp.trait_.is_none() && type_name(&imp.self_ty) == "Client" =>
                {
                    for impl_item in &imp.items {
                        if let syn::ImplItem::Fn(f) = impl_item
                            && matches!(f.vis, syn::Visibility::Public(_))
                        {
                            let output = match &f.sig.output {
                                syn::ReturnType::Default => "()".to_string(),
                                syn::ReturnType::Type(_, ty) => tidy(ty.to_token_stream()),
                            };
                            api.operations
                                .push(format!("{}() -> {output}", f.sig.ident));
                        }
                    }
                }
                syn::Item::Mod(module) if module.ident == "types" => {
                    if let Some((_, items)) = &module.content {
                        api.types.extend(items.iter().filter_map(summarize));
                    }
                }
                syn::Item::Mod(module) if module.ident == "builder" => {
                    for item in module.content.iter().flat_map(|(_, items)| items) {
                        if let syn::Item::Impl(imp) = item
                            && imp.trait_.is_none()
                        {
                            let builder = api.builders.entry(type_name(&imp.self_ty)).or_default();
                            add_builder_methods(builder, imp);
                        }
                    }
                }
                _ => {}
            }
        }
        api.operations.sort();
        api.types.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(api)
    }

    /// Renders the summary as plain text, one member per line.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("operations (impl Client)\n");
        for op in &self.operations {
            let _ = writeln!(out, "    {op}");
        }
        for (name, builder) in &self.builders {
            let _ = writeln!(out, "\nbuilder {name}");
            for setter in &builder.setters {
                let _ = writeln!(out, "    .{setter}()");
            }
            if let Some(send) = &builder.send {
                let _ = writeln!(out, "    .send() -> {send}");
            }
        }
        for ty in &self.types {
            let _ = writeln!(out, "\n{} {}", ty.kind, ty.name);
            for member in &ty.members {
                let _ = writeln!(out, "    {member}");
            }
        }
        out
    }
}

fn add_builder_methods(builder: &mut BuilderSummary, imp: &syn::ItemImpl) {
    for item in &imp.items {
        let syn::ImplItem::Fn(f) = item else { continue };
        if !matches!(f.vis, syn::Visibility::Public(_)) {
            continue;
        }
        match f.sig.ident.to_string().as_str() {
            "new" => {}
            "send" => {
                if let syn::ReturnType::Type(_, ty) = &f.sig.output {
                    builder.send = Some(tidy(ty.to_token_stream()));
                }
            }
            setter => builder.setters.push(setter.to_string()),
        }
    }
}

fn summarize(item: &syn::Item) -> Option<TypeSummary> {
    match item {
        syn::Item::Struct(s) if matches!(s.vis, syn::Visibility::Public(_)) => {
            let members = match &s.fields {
                syn::Fields::Named(named) => named
                    .named
                    .iter()
                    .map(|field| {
                        let name = field
                            .ident
                            .as_ref()
                            .map(ToString::to_string)
                            .unwrap_or_default();
                        let ty = tidy(field.ty.to_token_stream());
                        match serde_wire_name(&field.attrs) {
                            Some(SerdeName::Renamed(wire)) => {
                                format!("{name}: {ty}  // \"{wire}\"")
                            }
                            Some(SerdeName::Flatten) => {
                                format!("{name}: {ty}  // other properties")
                            }
                            None => format!("{name}: {ty}"),
                        }
                    })
                    .collect(),
                syn::Fields::Unnamed(unnamed) => unnamed
                    .unnamed
                    .iter()
                    .enumerate()
                    .filter(|(_, field)| matches!(field.vis, syn::Visibility::Public(_)))
                    .map(|(i, field)| format!("{i}: {}", tidy(field.ty.to_token_stream())))
                    .collect(),
                syn::Fields::Unit => Vec::new(),
            };
            Some(TypeSummary {
                name: s.ident.to_string(),
                kind: "struct",
                members,
                non_exhaustive: is_non_exhaustive(&s.attrs),
            })
        }
        syn::Item::Enum(e) if matches!(e.vis, syn::Visibility::Public(_)) => {
            let members = e
                .variants
                .iter()
                .map(|variant| {
                    let fields = match &variant.fields {
                        syn::Fields::Unit => String::new(),
                        fields => tidy(fields.to_token_stream()),
                    };
                    match serde_wire_name(&variant.attrs) {
                        Some(SerdeName::Renamed(wire)) => {
                            format!("{}{fields}  // \"{wire}\"", variant.ident)
                        }
                        _ => format!("{}{fields}", variant.ident),
                    }
                })
                .collect();
            Some(TypeSummary {
                name: e.ident.to_string(),
                kind: "enum",
                members,
                non_exhaustive: is_non_exhaustive(&e.attrs),
            })
        }
        _ => None,
    }
}

fn is_non_exhaustive(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("non_exhaustive"))
}

enum SerdeName {
    Renamed(String),
    Flatten,
}

fn serde_wire_name(attrs: &[syn::Attribute]) -> Option<SerdeName> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: syn::LitStr = meta.value()?.parse()?;
                found = Some(SerdeName::Renamed(value.value()));
            } else if meta.path.is_ident("flatten") {
                found = Some(SerdeName::Flatten);
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    found
}

fn type_name(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(p) => p
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// Token text in the way a person writes a type: `Option<Vec<String>>`,
/// without the paths that say where a type lives.
fn tidy(tokens: proc_macro2::TokenStream) -> String {
    let mut text: String = tokens.to_string().split_whitespace().collect();
    text = text.replace(",>", ">").replace(',', ", ");
    for prefix in [
        "crate::generated::types::",
        "types::",
        "::std::collections::",
        "::std::string::",
        "::std::vec::",
        "::std::option::",
        "::serde_json::",
        "::chrono::offset::",
        "::chrono::",
        "::std::",
    ] {
        text = text.replace(prefix, "");
    }
    text.trim_start_matches("::").to_string()
}
