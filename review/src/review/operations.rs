//! Finding what changed in the operations: identity, security, parameters,
//! request body and responses.

use graph_online_meetings_codegen::naming;
use std::collections::{BTreeMap, BTreeSet};

use graph_online_meetings_codegen::openapiv3::{
    ParameterSchemaOrContent, RequestBody, SecurityRequirement, SecurityScheme, StatusCode,
};
use graph_online_meetings_codegen::spec::{LoadedSpec, OperationRef};

use super::model::{Found, OperationChange, OperationNames, Param, SpecChange};
use super::node::Node;
use super::side::Differ;
use crate::spec::{self, label, shape_key};

type Operation<'a> = OperationRef<'a>;

fn names(op: &Operation<'_>) -> OperationNames {
    let id = op.operation.operation_id.as_deref().unwrap_or("?");
    OperationNames {
        id: id.to_string(),
        method: naming::method_name(id),
        builder: naming::builder_name(id),
    }
}

fn param(p: &spec::Param<'_>, builder: &str) -> Param {
    Param {
        location: p.location.to_string(),
        name: p.name().to_string(),
        builder: builder.to_string(),
        setter: naming::parameter_name(p.name()),
    }
}

/// The schema of a parameter (none when it uses `content`).
fn parameter_schema<'a>(p: &spec::Param<'a>) -> Option<Node<'a>> {
    match &p.data.format {
        ParameterSchemaOrContent::Schema(schema) => Some(Node::from(schema)),
        ParameterSchemaOrContent::Content(_) => None,
    }
}

/// One security requirement as what the caller must send: per credential,
/// the scopes it must carry. OAuth2, OpenID Connect and HTTP bearer schemes
/// all send `Authorization: Bearer <token>`, so they are one credential.
type Credentials = BTreeMap<String, BTreeSet<String>>;

fn credentials(spec: &LoadedSpec, requirements: &[SecurityRequirement]) -> Vec<Credentials> {
    let schemes = spec
        .openapi
        .components
        .as_ref()
        .map(|c| &c.security_schemes);
    let kind = |name: &str| -> String {
        let scheme = schemes
            .and_then(|s| s.get(name))
            .and_then(|s| spec.resolve(s).ok())
            .map(|(_, scheme)| scheme);
        match scheme {
            Some(SecurityScheme::OAuth2 { .. } | SecurityScheme::OpenIDConnect { .. }) => {
                "a bearer token".to_string()
            }
            Some(SecurityScheme::HTTP { scheme, .. }) if scheme.eq_ignore_ascii_case("bearer") => {
                "a bearer token".to_string()
            }
            Some(SecurityScheme::HTTP { scheme, .. }) => format!("HTTP `{scheme}` credentials"),
            Some(SecurityScheme::APIKey { location, name, .. }) => {
                format!(
                    "an API key in `{name}` ({})",
                    format!("{location:?}").to_lowercase()
                )
            }
            None => format!("the undefined scheme `{name}`"),
        }
    };
    let mut out: Vec<Credentials> = requirements
        .iter()
        .map(|requirement| {
            let mut needs = Credentials::new();
            for (name, scopes) in requirement {
                needs
                    .entry(kind(name))
                    .or_default()
                    .extend(scopes.iter().cloned());
            }
            needs
        })
        .collect();
    // No requirement at all: anonymous callers, as one empty requirement.
    if out.is_empty() {
        out.push(Credentials::new());
    }
    out
}

/// What a caller that met one of the `old` requirements may lack for every
/// `new` one (the first such need), or `None` when each such caller meets
/// some new requirement: the same credentials, and no scope it might lack.
fn unmet(old: &[Credentials], new: &[Credentials]) -> Option<String> {
    let lack = |had: &Credentials, needs: &Credentials| -> Option<String> {
        needs.iter().find_map(|(kind, scopes)| match had.get(kind) {
            None => Some(kind.clone()),
            Some(has) => scopes
                .difference(has)
                .next()
                .map(|scope| format!("the scope `{scope}`")),
        })
    };
    old.iter().find_map(|had| {
        let lacks: Vec<String> = new.iter().map_while(|needs| lack(had, needs)).collect();
        (lacks.len() == new.len()).then(|| lacks.into_iter().next().unwrap_or_default())
    })
}

/// `2XX`, `200`: the key a response code has in the document.
fn code_key(code: &StatusCode) -> String {
    code.to_string()
}

impl Differ<'_, '_> {
    fn operation_change(&mut self, subject: &str, change: OperationChange) {
        self.found.push(Found {
            subject: subject.to_string(),
            change: SpecChange::Operation(change),
        });
    }

    pub(super) fn operations(&mut self) {
        let base_ops = self.base.spec.operations();
        let head_ops = self.head.spec.operations();
        let mut unmatched_head: Vec<&Operation<'_>> = Vec::new();
        let mut unmatched_base: Vec<&Operation<'_>> = base_ops.iter().collect();
        let mut pairs: Vec<(&Operation<'_>, &Operation<'_>)> = Vec::new();
        for h in &head_ops {
            match unmatched_base
                .iter()
                .position(|b| shape_key(b) == shape_key(h))
            {
                Some(i) => pairs.push((unmatched_base.remove(i), h)),
                None => unmatched_head.push(h),
            }
        }
        // Same operationId at another method or path: the operation moved.
        let mut moved = Vec::new();
        unmatched_head.retain(|h| {
            let id = |op: &Operation<'_>| op.operation.operation_id.clone();
            let found = unmatched_base
                .iter()
                .position(|b| id(b).is_some() && id(b) == id(h));
            match found {
                Some(i) => {
                    moved.push((unmatched_base.remove(i), *h));
                    false
                }
                None => true,
            }
        });
        for b in &unmatched_base {
            self.operation_change(&label(b), OperationChange::Removed(names(b)));
        }
        for (b, h) in &moved {
            let change = OperationChange::Moved {
                names: names(h),
                from: label(b),
            };
            self.operation_change(&label(h), change);
        }
        for (b, h) in pairs.iter().chain(moved.iter()) {
            self.operation(b, h);
        }
        for h in &unmatched_head {
            self.operation_change(&label(h), OperationChange::Added(names(h)));
        }
    }

    fn operation(&mut self, b: &Operation<'_>, h: &Operation<'_>) {
        let subject = label(h);
        if let (Some(old), Some(new)) = (&b.operation.operation_id, &h.operation.operation_id)
            && old != new
        {
            let change = OperationChange::IdRenamed {
                old: names(b),
                new: names(h),
            };
            self.operation_change(&subject, change);
        }
        self.security(b, h, &subject);
        self.parameters(b, h, &subject);
        self.request_body(b, h, &subject);
        self.responses(b, h, &subject);
    }

    fn security(&mut self, b: &Operation<'_>, h: &Operation<'_>, subject: &str) {
        let effective = |spec: &LoadedSpec, op: &Operation<'_>| -> Vec<SecurityRequirement> {
            op.operation
                .security
                .clone()
                .or_else(|| spec.openapi.security.clone())
                .unwrap_or_default()
        };
        let (old, new) = (effective(self.base.spec, b), effective(self.head.spec, h));
        if old == new {
            return;
        }
        let unmet = unmet(
            &credentials(self.base.spec, &old),
            &credentials(self.head.spec, &new),
        );
        let show = |v: &[SecurityRequirement]| serde_json::to_string(v).unwrap_or_default();
        let change = OperationChange::SecurityChanged {
            old: show(&old),
            new: show(&new),
            unmet,
        };
        self.operation_change(subject, change);
    }

    fn parameters(&mut self, b: &Operation<'_>, h: &Operation<'_>, subject: &str) {
        let base_params = spec::parameters(self.base.spec, b);
        let head_params = spec::parameters(self.head.spec, h);
        let builder = format!("builder::{}", names(h).builder);

        // Path parameters are matched by position: the URL shape is the same.
        let base_path: Vec<&spec::Param<'_>> = base_params
            .iter()
            .filter(|p| p.location == "path")
            .collect();
        let head_path: Vec<&spec::Param<'_>> = head_params
            .iter()
            .filter(|p| p.location == "path")
            .collect();
        for (bp, hp) in base_path.iter().zip(&head_path) {
            if bp.name() != hp.name() {
                let change = OperationChange::PathParameterRenamed {
                    old: param(bp, &builder),
                    new: param(hp, &builder),
                };
                self.operation_change(subject, change);
            }
            self.parameter_schema(bp, hp, subject, &builder);
        }

        let key = spec::Param::key;
        let base_other: Vec<spec::Param<'_>> = base_params
            .iter()
            .filter(|p| p.location != "path")
            .cloned()
            .collect();
        let head_other: Vec<spec::Param<'_>> = head_params
            .iter()
            .filter(|p| p.location != "path")
            .cloned()
            .collect();
        let mut removed: Vec<&spec::Param<'_>> = base_other
            .iter()
            .filter(|p| !head_other.iter().any(|q| key(q) == key(p)))
            .collect();
        let mut added: Vec<&spec::Param<'_>> = head_other
            .iter()
            .filter(|p| !base_other.iter().any(|q| key(q) == key(p)))
            .collect();
        // One removed and one added with nothing else different (location,
        // schema, description, place in the list): a rename.
        let place = |list: &[spec::Param<'_>], p: &spec::Param<'_>| {
            list.iter().position(|q| q.key() == p.key())
        };
        if let ([r], [a]) = (removed.as_slice(), added.as_slice())
            && r.location == a.location
            && r.data.description == a.data.description
            && place(&base_other, r) == place(&head_other, a)
            && parameter_schema(r).map(Node::without_docs)
                == parameter_schema(a).map(Node::without_docs)
        {
            let change = OperationChange::ParameterRenamed {
                old: param(r, &builder),
                new: param(a, &builder),
            };
            self.operation_change(subject, change);
            removed.clear();
            added.clear();
        }
        for p in removed {
            self.operation_change(
                subject,
                OperationChange::ParameterRemoved(param(p, &builder)),
            );
        }
        for p in added {
            let change = OperationChange::ParameterAdded {
                param: param(p, &builder),
                required: p.required(),
            };
            self.operation_change(subject, change);
        }
        for bp in &base_other {
            let Some(hp) = head_other.iter().find(|q| key(q) == key(bp)) else {
                continue;
            };
            if bp.required() != hp.required() {
                let change = OperationChange::ParameterRequiredChanged {
                    param: param(hp, &builder),
                    required: hp.required(),
                };
                self.operation_change(subject, change);
            }
            self.parameter_schema(bp, hp, subject, &builder);
        }
    }

    fn parameter_schema(
        &mut self,
        bp: &spec::Param<'_>,
        hp: &spec::Param<'_>,
        subject: &str,
        builder: &str,
    ) {
        let (Some(old), Some(new)) = (parameter_schema(bp), parameter_schema(hp)) else {
            return;
        };
        let (old, new) = (old.shape(), new.shape());
        if old != new {
            let change = OperationChange::ParameterTypeChanged {
                param: param(hp, builder),
                old,
                new,
            };
            self.operation_change(subject, change);
        }
    }

    fn request_body(&mut self, b: &Operation<'_>, h: &Operation<'_>, subject: &str) {
        let body = |spec: &'_ LoadedSpec, op: &Operation<'_>| -> Option<RequestBody> {
            let (_, body) = spec.resolve(op.operation.request_body.as_ref()?).ok()?;
            Some(body.clone())
        };
        let (old, new) = (body(self.base.spec, b), body(self.head.spec, h));
        // `(schema shape, media type)` of the first (only) content entry.
        let content = |n: &RequestBody| -> Option<(String, String)> {
            let (media, value) = n.content.first()?;
            let shape = value
                .schema
                .as_ref()
                .map_or_else(|| "no schema".to_string(), |s| Node::from(s).shape());
            Some((shape, media.clone()))
        };
        match (old, new) {
            (None, None) => {}
            (None, Some(new)) => {
                let change = OperationChange::RequestBodyAdded {
                    required: new.required,
                };
                self.operation_change(subject, change);
            }
            (Some(_), None) => self.operation_change(subject, OperationChange::RequestBodyRemoved),
            (Some(old), Some(new)) => {
                if old.required != new.required {
                    let change = OperationChange::RequestBodyRequiredChanged {
                        required: new.required,
                    };
                    self.operation_change(subject, change);
                }
                match (content(&old), content(&new)) {
                    (Some((a, x)), Some((z, y))) if a == z && x != y => {
                        let change = OperationChange::RequestMediaTypeChanged { old: x, new: y };
                        self.operation_change(subject, change);
                    }
                    (a, z) if a != z => {
                        let show = |s: Option<(String, String)>| {
                            s.map_or_else(
                                || "no content".to_string(),
                                |(shape, media)| format!("{shape} ({media})"),
                            )
                        };
                        let change = OperationChange::RequestBodyChanged {
                            old: show(a),
                            new: show(z),
                        };
                        self.operation_change(subject, change);
                    }
                    _ => {}
                }
            }
        }
    }

    fn responses(&mut self, b: &Operation<'_>, h: &Operation<'_>, subject: &str) {
        let codes = |op: &Operation<'_>| -> Vec<String> {
            let responses = &op.operation.responses;
            let mut codes: Vec<String> = responses.responses.keys().map(code_key).collect();
            codes.extend(responses.default.as_ref().map(|_| "default".to_string()));
            codes
        };
        let (old, new) = (codes(b), codes(h));
        let success = |code: &str| code.starts_with('2');
        // `4XX` covers 404; `default` covers every error.
        let covered = |code: &str, codes: &[String]| {
            codes.iter().any(|c| {
                c.len() == 3 && c.ends_with("XX") && code.starts_with(&c[..1])
                    || (c == "default" && !success(code))
            })
        };
        for code in new.iter().filter(|c| !old.contains(c)) {
            let change = OperationChange::ResponseAdded {
                code: code.clone(),
                success: success(code),
                covered: covered(code, &old),
            };
            self.operation_change(subject, change);
        }
        for code in old.iter().filter(|c| !new.contains(c)) {
            let change = OperationChange::ResponseRemoved {
                code: code.clone(),
                success: success(code),
                covered: covered(code, &new),
            };
            self.operation_change(subject, change);
        }
        // progenitor gives every success one type and every error one type.
        for (kind, pick) in [("success", true), ("error", false)] {
            let body = |spec: &LoadedSpec, op: &Operation<'_>| -> Option<String> {
                let responses = &op.operation.responses;
                let (_, response) = responses
                    .responses
                    .iter()
                    .map(|(code, response)| (code_key(code), response))
                    .chain(responses.default.iter().map(|r| ("default".to_string(), r)))
                    .find(|(code, _)| success(code) == pick)?;
                let (_, response) = spec.resolve(response).ok()?;
                let (_, media) = response.content.first()?;
                media.schema.as_ref().map(|s| Node::from(s).shape())
            };
            let (a, z) = (body(self.base.spec, b), body(self.head.spec, h));
            if a != z {
                let change = OperationChange::ResponseBodyChanged {
                    kind,
                    old: a,
                    new: z,
                };
                self.operation_change(subject, change);
            }
        }
    }
}
