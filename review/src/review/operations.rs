//! Finding what changed in the operations: identity, security, parameters,
//! request body and responses.

use serde_json::Value;

use super::model::{Found, OperationChange, OperationNames, Param, SpecChange};
use super::side::{Differ, shape, strip_docs};
use crate::spec::{self, Operation, Parameter, join, pascal_case, snake_case};

fn names(op: &Operation<'_>) -> OperationNames {
    let id = op.operation_id().unwrap_or("?");
    OperationNames {
        id: id.to_string(),
        method: snake_case(id),
        builder: pascal_case(id),
    }
}

fn param(p: &Parameter<'_>, builder: &str) -> Param {
    Param {
        location: p.location.clone(),
        name: p.name.clone(),
        builder: builder.to_string(),
        setter: snake_case(&p.name),
    }
}

impl Differ<'_, '_> {
    fn operation_change(&mut self, subject: &str, change: OperationChange) {
        self.found.push(Found {
            subject: subject.to_string(),
            change: SpecChange::Operation(change),
        });
    }

    pub(super) fn operations(&mut self) {
        let base_ops = spec::operations(self.base.doc);
        let head_ops = spec::operations(self.head.doc);
        let mut unmatched_head: Vec<&Operation<'_>> = Vec::new();
        let mut unmatched_base: Vec<&Operation<'_>> = base_ops.iter().collect();
        let mut pairs: Vec<(&Operation<'_>, &Operation<'_>)> = Vec::new();
        for h in &head_ops {
            match unmatched_base
                .iter()
                .position(|b| b.shape_key() == h.shape_key())
            {
                Some(i) => pairs.push((unmatched_base.remove(i), h)),
                None => unmatched_head.push(h),
            }
        }
        // Same operationId at another method or path: the operation moved.
        let mut moved = Vec::new();
        unmatched_head.retain(|h| {
            let found = unmatched_base
                .iter()
                .position(|b| b.operation_id().is_some() && b.operation_id() == h.operation_id());
            match found {
                Some(i) => {
                    moved.push((unmatched_base.remove(i), *h));
                    false
                }
                None => true,
            }
        });
        for b in &unmatched_base {
            self.operation_change(&b.label(), OperationChange::Removed(names(b)));
        }
        for (b, h) in &moved {
            let change = OperationChange::Moved {
                names: names(h),
                from: b.label(),
            };
            self.operation_change(&h.label(), change);
        }
        for (b, h) in pairs.iter().chain(moved.iter()) {
            self.operation(b, h);
        }
        for h in &unmatched_head {
            self.operation_change(&h.label(), OperationChange::Added(names(h)));
        }
    }

    fn operation(&mut self, b: &Operation<'_>, h: &Operation<'_>) {
        let subject = h.label();
        if let (Some(old), Some(new)) = (b.operation_id(), h.operation_id())
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
        let effective = |doc: &Value, op: &Operation<'_>| -> Vec<Value> {
            op.node
                .get("security")
                .or_else(|| doc.get("security"))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let (old, new) = (effective(self.base.doc, b), effective(self.head.doc, h));
        if old == new {
            return;
        }
        // A requirement list is a choice: a token that met a base requirement
        // still works if that requirement is still offered.
        let still_offered = old.iter().all(|r| new.contains(r));
        let show = |v: &[Value]| Value::Array(v.to_vec()).to_string();
        let change = OperationChange::SecurityChanged {
            old: show(&old),
            new: show(&new),
            still_offered,
        };
        self.operation_change(subject, change);
    }

    fn parameters(&mut self, b: &Operation<'_>, h: &Operation<'_>, subject: &str) {
        let base_params = spec::parameters(self.base.doc, b);
        let head_params = spec::parameters(self.head.doc, h);
        let builder = format!("builder::{}", names(h).builder);

        // Path parameters are matched by position: the URL shape is the same.
        let base_path: Vec<&Parameter<'_>> = base_params
            .iter()
            .filter(|p| p.location == "path")
            .collect();
        let head_path: Vec<&Parameter<'_>> = head_params
            .iter()
            .filter(|p| p.location == "path")
            .collect();
        for (bp, hp) in base_path.iter().zip(&head_path) {
            if bp.name != hp.name {
                let change = OperationChange::PathParameterRenamed {
                    old: param(bp, &builder),
                    new: param(hp, &builder),
                };
                self.operation_change(subject, change);
            }
            self.parameter_schema(bp, hp, subject, &builder);
        }

        let key = |p: &Parameter<'_>| {
            let name = if p.location == "header" {
                p.name.to_ascii_lowercase()
            } else {
                p.name.clone()
            };
            (p.location.clone(), name)
        };
        let base_other: Vec<Parameter<'_>> = base_params
            .iter()
            .filter(|p| p.location != "path")
            .cloned()
            .collect();
        let head_other: Vec<Parameter<'_>> = head_params
            .iter()
            .filter(|p| p.location != "path")
            .cloned()
            .collect();
        let mut removed: Vec<&Parameter<'_>> = base_other
            .iter()
            .filter(|p| !head_other.iter().any(|q| key(q) == key(p)))
            .collect();
        let mut added: Vec<&Parameter<'_>> = head_other
            .iter()
            .filter(|p| !base_other.iter().any(|q| key(q) == key(p)))
            .collect();
        // One removed and one added in the same place with the same schema: a rename.
        if let ([r], [a]) = (removed.as_slice(), added.as_slice())
            && r.location == a.location
            && r.node.get("schema").map(strip_docs) == a.node.get("schema").map(strip_docs)
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
                required: p.required,
            };
            self.operation_change(subject, change);
        }
        for bp in &base_other {
            let Some(hp) = head_other.iter().find(|q| key(q) == key(bp)) else {
                continue;
            };
            if bp.required != hp.required {
                let change = OperationChange::ParameterRequiredChanged {
                    param: param(hp, &builder),
                    required: hp.required,
                };
                self.operation_change(subject, change);
            }
            self.parameter_schema(bp, hp, subject, &builder);
        }
    }

    fn parameter_schema(
        &mut self,
        bp: &Parameter<'_>,
        hp: &Parameter<'_>,
        subject: &str,
        builder: &str,
    ) {
        let (Some(old), Some(new)) = (bp.node.get("schema"), hp.node.get("schema")) else {
            return;
        };
        let (old, new) = (shape(old), shape(new));
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
        let body = |doc: &Value, op: &Operation<'_>| -> Option<Value> {
            spec::follow(doc, &join(&op.pointer, "requestBody")).map(|(_, node)| node.clone())
        };
        let (old, new) = (body(self.base.doc, b), body(self.head.doc, h));
        let required = |n: &Value| n.get("required").and_then(Value::as_bool) == Some(true);
        let schema_shape = |n: &Value| -> Option<String> {
            let content = n.get("content")?.as_object()?;
            let (media, value) = content.iter().next()?;
            Some(format!(
                "{} ({media})",
                value
                    .get("schema")
                    .map_or_else(|| "no schema".to_string(), shape)
            ))
        };
        match (old, new) {
            (None, None) => {}
            (None, Some(new)) => {
                let change = OperationChange::RequestBodyAdded {
                    required: required(&new),
                };
                self.operation_change(subject, change);
            }
            (Some(_), None) => self.operation_change(subject, OperationChange::RequestBodyRemoved),
            (Some(old), Some(new)) => {
                if required(&old) != required(&new) {
                    let change = OperationChange::RequestBodyRequiredChanged {
                        required: required(&new),
                    };
                    self.operation_change(subject, change);
                }
                let (a, z) = (schema_shape(&old), schema_shape(&new));
                if a != z {
                    let show = |s: Option<String>| s.unwrap_or_else(|| "no content".to_string());
                    let change = OperationChange::RequestBodyChanged {
                        old: show(a),
                        new: show(z),
                    };
                    self.operation_change(subject, change);
                }
            }
        }
    }

    fn responses(&mut self, b: &Operation<'_>, h: &Operation<'_>, subject: &str) {
        let codes = |op: &Operation<'_>| -> Vec<String> {
            op.node
                .get("responses")
                .and_then(Value::as_object)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default()
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
            let body = |doc: &Value, op: &Operation<'_>| -> Option<String> {
                let responses = op.node.get("responses")?.as_object()?;
                let code = responses.keys().find(|c| success(c) == pick)?;
                let pointer = join(&join(&op.pointer, "responses"), code);
                let (_, response) = spec::follow(doc, &pointer)?;
                let schema = response
                    .get("content")?
                    .as_object()?
                    .values()
                    .next()?
                    .get("schema")?;
                Some(shape(schema))
            };
            let (a, z) = (body(self.base.doc, b), body(self.head.doc, h));
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
