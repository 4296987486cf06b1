//! Small, targeted repairs of progenitor's output, made on the syntax tree
//! rather than by editing the generated file.
//!
//! - typify 0.8 treats the flattened `extra` map of an open object as a
//!   required field: such structs get no `Default`, and their builders fail
//!   with "no value supplied for extra" unless the caller passes an empty
//!   map. An absent map simply means "no other properties".
//! - progenitor sends `api-version: <info.version>` with every request.
//!   Graph has no such header (its version is the URL's `/v1.0` or
//!   `/beta`), so it is not sent.
//! - Every public struct of `types` is marked `#[non_exhaustive]`, so a
//!   property the spec adds later is a new field and not a breaking change
//!   for users: outside the crate they build values with the builders
//!   (`types::X::builder()`) or serde, never with struct literals.

use syn::visit_mut::VisitMut;
use syn::{Expr, Fields, ImplItem, Item, ItemStruct};

use crate::open_objects::{EXTRA_FIELD, has_flattened_extra, is_option};

pub(crate) fn apply(file: &mut syn::File) {
    // Requests are built only in the operation builders.
    if let Some(operations) = module_items(&mut file.items, "builder") {
        for item in operations.iter_mut() {
            ApiVersionHeader.visit_item_mut(item);
        }
    }
    let Some(types) = module_items(&mut file.items, "types") else {
        return;
    };
    for item in types.iter_mut() {
        if let Item::Struct(s) = item {
            if has_flattened_extra(s) && every_field_is_optional(s) {
                add_default_derive(s);
            }
            mark_non_exhaustive(s);
        }
    }
    let open_objects = crate::open_objects::apply(types);
    if let Some(builders) = module_items(types, "builder") {
        for item in builders.iter_mut() {
            if let Item::Impl(imp) = item
                && is_default_impl(imp)
            {
                make_extra_default_ok(imp);
            }
            if open_objects {
                crate::open_objects::convert_in_builders(item);
            }
        }
    }
}

fn mark_non_exhaustive(s: &mut ItemStruct) {
    let public_fields = matches!(&s.fields, Fields::Named(named)
        if named.named.iter().any(|f| matches!(f.vis, syn::Visibility::Public(_))));
    let marked = s.attrs.iter().any(|a| a.path().is_ident("non_exhaustive"));
    if matches!(s.vis, syn::Visibility::Public(_)) && public_fields && !marked {
        s.attrs.push(syn::parse_quote!(#[non_exhaustive]));
    }
}

fn module_items<'a>(items: &'a mut [Item], name: &str) -> Option<&'a mut Vec<Item>> {
    items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

fn every_field_is_optional(s: &ItemStruct) -> bool {
    let Fields::Named(named) = &s.fields else {
        return false;
    };
    named
        .named
        .iter()
        .all(|f| f.ident.as_ref().is_some_and(|i| i == EXTRA_FIELD) || is_option(&f.ty))
}

fn add_default_derive(s: &mut ItemStruct) {
    for attr in &mut s.attrs {
        if attr.path().is_ident("derive") {
            let tokens = quote::quote!(#attr).to_string();
            if tokens.contains("Default") {
                return;
            }
            if let syn::Meta::List(list) = &mut attr.meta {
                let existing = list.tokens.clone();
                list.tokens = quote::quote!(#existing, Default);
                return;
            }
        }
    }
}

fn is_default_impl(imp: &syn::ItemImpl) -> bool {
    imp.trait_
        .as_ref()
        .and_then(|(path, _)| path.segments.last())
        .is_some_and(|s| s.ident == "Default")
}

/// In `fn default() -> Self { Self { .., extra: Err(..) } }`, start the map
/// out empty instead.
fn make_extra_default_ok(imp: &mut syn::ItemImpl) {
    for item in &mut imp.items {
        let ImplItem::Fn(f) = item else { continue };
        for stmt in &mut f.block.stmts {
            let syn::Stmt::Expr(Expr::Struct(body), _) = stmt else {
                continue;
            };
            for field in &mut body.fields {
                if matches!(&field.member, syn::Member::Named(i) if i == EXTRA_FIELD) {
                    field.expr = syn::parse_quote!(Ok(Default::default()));
                }
            }
        }
    }
}

/// Drops `header_map.append(HeaderName::from_static("api-version"), ..);`
/// from every generated operation.
struct ApiVersionHeader;

impl VisitMut for ApiVersionHeader {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let before = block.stmts.len();
        block.stmts.retain(|stmt| !appends_api_version(stmt));
        if block.stmts.len() < before && !appends_other_headers(&block.stmts) {
            // An operation without header parameters now never touches the
            // map after creating it; `let mut` would warn (`unused_mut`).
            for stmt in &mut block.stmts {
                if let syn::Stmt::Local(local) = stmt
                    && let syn::Pat::Ident(binding) = &mut local.pat
                    && binding.ident == HEADER_MAP
                {
                    binding.mutability = None;
                }
            }
        }
        syn::visit_mut::visit_block_mut(self, block);
    }
}

/// The local progenitor builds an operation's headers in.
const HEADER_MAP: &str = "header_map";

/// Whether any statement (at any depth) calls `header_map.append(..)`.
fn appends_other_headers(stmts: &[syn::Stmt]) -> bool {
    struct Finder(bool);
    impl<'ast> syn::visit::Visit<'ast> for Finder {
        fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
            if call.method == "append"
                && matches!(&*call.receiver, Expr::Path(p) if p.path.is_ident(HEADER_MAP))
            {
                self.0 = true;
            }
            syn::visit::visit_expr_method_call(self, call);
        }
    }
    let mut finder = Finder(false);
    for stmt in stmts {
        syn::visit::Visit::visit_stmt(&mut finder, stmt);
    }
    finder.0
}

fn appends_api_version(stmt: &syn::Stmt) -> bool {
    let syn::Stmt::Expr(Expr::MethodCall(call), Some(_)) = stmt else {
        return false;
    };
    let Some(Expr::Call(name)) = call.args.first() else {
        return false;
    };
    call.method == "append"
        && matches!(
            name.args.first(),
            Some(Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. })) if s.value() == "api-version"
        )
}
