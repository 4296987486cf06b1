//! `cargo xtask lint`: checks beyond "progenitor can read it".

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use graph_online_meetings_codegen::openapiv3::SecurityScheme;
use graph_online_meetings_codegen::spec::{JsonPointer, LoadedSpec, parse_yaml, refs};
use graph_online_meetings_codegen::{self as codegen, ErrorKind};
use serde_json::Value;

use crate::example_sites::{ExampleRef, example_sites};
use crate::validate::{NullableReading, Validator, Violation, json_equal};

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Check {
    /// The spec does not parse or progenitor cannot take it.
    Spec,
    /// A `$ref` that does not resolve.
    Ref,
    /// operationId, summary, security.
    Operation,
    /// A component nothing uses.
    UnusedComponent,
    /// An example that breaks its schema, or that cannot be found.
    Example,
}

/// One problem, with where it is and which rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub check: Check,
    /// `file#/pointer` of the offending node or example value.
    pub location: String,
    /// `#/pointer` of the schema keyword an example breaks.
    pub rule: Option<String>,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.rule {
            Some(rule) => write!(f, "{} breaks {rule}: {}", self.location, self.message),
            None => write!(f, "{}: {}", self.location, self.message),
        }
    }
}

/// Options of [`lint_with`].
#[derive(Debug, Clone, Copy, Default)]
pub struct LintOptions {
    /// How `nullable: true` is read when checking examples.
    pub nullable: NullableReading,
}

/// Lints the spec text (at [`codegen::SPEC_PATH`]) and the example files
/// given as `(workspace-relative path, text)`, with OpenAPI 3.0.3 semantics.
pub fn lint(spec_text: &str, examples: &[(String, String)]) -> Vec<Finding> {
    lint_with(spec_text, examples, LintOptions::default())
}

/// [`lint`] with options.
pub fn lint_with(
    spec_text: &str,
    examples: &[(String, String)],
    options: LintOptions,
) -> Vec<Finding> {
    let mut linter = Linter {
        spec_path: codegen::SPEC_PATH,
        findings: Vec::new(),
    };
    let doc = match parse_yaml(spec_text) {
        Ok(doc) if doc.is_object() => doc,
        Ok(_) => {
            linter.spec_finding(
                &JsonPointer::root(),
                "the document is not a mapping; expected an OpenAPI 3.0 document",
            );
            return linter.findings;
        }
        Err(err) => {
            linter.spec_finding(&JsonPointer::root(), &format!("invalid YAML: {err}"));
            return linter.findings;
        }
    };
    let refs_ok = linter.check_refs(&doc);
    // codegen stops at the first unresolved `$ref`; those are all reported above.
    if refs_ok && let Err(err) = codegen::load_spec(spec_text, codegen::SPEC_PATH) {
        linter.codegen_finding(&err);
    }
    // The rest reads the typed document, checked or not.
    match codegen::read_spec(spec_text, codegen::SPEC_PATH) {
        Ok(spec) => {
            linter.check_operations(&spec);
            linter.check_unused(&spec);
            linter.check_examples(&spec, examples, options.nullable);
        }
        Err(err) => {
            if !linter.findings.iter().any(|f| f.check == Check::Spec) {
                linter.codegen_finding(&err);
            }
        }
    }
    linter.findings
}

struct Linter {
    spec_path: &'static str,
    findings: Vec<Finding>,
}

impl Linter {
    fn at(&self, pointer: &JsonPointer) -> String {
        format!("{}#{pointer}", self.spec_path)
    }

    fn push(&mut self, check: Check, pointer: &JsonPointer, message: String) {
        self.findings.push(Finding {
            check,
            location: self.at(pointer),
            rule: None,
            message,
        });
    }

    fn spec_finding(&mut self, pointer: &JsonPointer, message: &str) {
        self.push(Check::Spec, pointer, message.to_string());
    }

    /// What codegen says about the spec, placed at its pointer.
    fn codegen_finding(&mut self, err: &codegen::CodegenError) {
        let pointer = match &err.kind {
            ErrorKind::Unsupported { pointer, .. } => pointer.clone(),
            _ => JsonPointer::root(),
        };
        let message = err.to_string();
        let prefix = format!("{}: ", codegen::SPEC_PATH);
        let message = message.strip_prefix(&prefix).unwrap_or(&message);
        self.spec_finding(&pointer, message);
    }

    /// Every `$ref` must be local and point at something. Returns whether all do.
    fn check_refs(&mut self, doc: &Value) -> bool {
        let mut bad = Vec::new();
        refs::each_ref(doc, &JsonPointer::root(), &mut |at, node| {
            if let Err(error) = refs::follow(doc, at, node) {
                let (problem, fix) = error.problem_and_fix();
                bad.push((at.join("$ref"), format!("{problem}; {fix}")));
            }
        });
        let ok = bad.is_empty();
        for (pointer, message) in bad {
            self.push(Check::Ref, &pointer, message);
        }
        ok
    }

    fn check_operations(&mut self, spec: &LoadedSpec) {
        let schemes = spec
            .openapi
            .components
            .as_ref()
            .map(|c| &c.security_schemes);
        let mut ids: BTreeMap<String, JsonPointer> = BTreeMap::new();
        for op in spec.operations() {
            let pointer = op.pointer();
            let label = format!("{} {}", op.method.to_uppercase(), op.path);
            match op.operation.operation_id.as_deref() {
                None | Some("") => self.push(
                    Check::Operation,
                    &pointer,
                    format!(
                        "{label} has no operationId; progenitor names the Rust method after it"
                    ),
                ),
                Some(id) => {
                    if let Some(first) = ids.insert(id.to_string(), pointer.clone()) {
                        self.push(
                            Check::Operation,
                            &pointer.join("operationId"),
                            format!("operationId `{id}` is also used at {first}"),
                        );
                    }
                }
            }
            if op
                .operation
                .summary
                .as_deref()
                .map(str::trim)
                .is_none_or(str::is_empty)
            {
                self.push(
                    Check::Operation,
                    &pointer,
                    format!("{label} has no summary; it becomes the first line of the method's documentation"),
                );
            }
            let (security, security_pointer) = match &op.operation.security {
                Some(s) => (Some(s), pointer.join("security")),
                None => (
                    spec.openapi.security.as_ref(),
                    JsonPointer::from_segments(["security"]),
                ),
            };
            match security {
                None => self.push(
                    Check::Operation,
                    &pointer,
                    format!(
                        "{label} declares no `security` (nor does the document); name the scheme and scopes it needs"
                    ),
                ),
                Some(list) if list.is_empty() || list.iter().any(|r| r.is_empty()) => {
                    self.push(
                        Check::Operation,
                        &security_pointer,
                        format!("{label} may be called anonymously (an empty security requirement); Graph needs a token"),
                    )
                }
                Some(list) => {
                    for (index, requirement) in list.iter().enumerate() {
                        for (name, scopes) in requirement {
                            let here = security_pointer.join(index).join(name);
                            let scheme = schemes
                                .and_then(|s| s.get(name))
                                .and_then(|s| spec.resolve(s).ok());
                            let Some((_, scheme)) = scheme else {
                                self.push(
                                    Check::Operation,
                                    &here,
                                    format!("security scheme `{name}` is not defined under components/securitySchemes"),
                                );
                                continue;
                            };
                            self.check_scopes(scheme, name, scopes, &here);
                        }
                    }
                }
            }
        }
    }

    /// OAuth2 scopes must be declared by one of the scheme's flows.
    fn check_scopes(
        &mut self,
        scheme: &SecurityScheme,
        name: &str,
        scopes: &[String],
        pointer: &JsonPointer,
    ) {
        let SecurityScheme::OAuth2 { flows, .. } = scheme else {
            return;
        };
        let declared: BTreeSet<&str> = [
            flows.implicit.as_ref().map(|f| &f.scopes),
            flows.password.as_ref().map(|f| &f.scopes),
            flows.client_credentials.as_ref().map(|f| &f.scopes),
            flows.authorization_code.as_ref().map(|f| &f.scopes),
        ]
        .into_iter()
        .flatten()
        .flat_map(|s| s.keys().map(String::as_str))
        .collect();
        for (index, scope) in scopes.iter().enumerate() {
            if !declared.contains(scope.as_str()) {
                self.push(
                    Check::Operation,
                    &pointer.join(index),
                    format!("scope `{scope}` is not declared by any flow of `{name}`"),
                );
            }
        }
    }

    /// A component is used when something under `paths` reaches it through
    /// `$ref`s (security schemes: when a security requirement names it).
    fn check_unused(&mut self, spec: &LoadedSpec) {
        let Some(components) = spec.json.get("components").and_then(Value::as_object) else {
            return;
        };
        let paths = JsonPointer::from_segments(["paths"]);
        let mut used = refs::reachable_components(&spec.json, &[paths]);
        let requirements = spec
            .operations()
            .into_iter()
            .filter_map(|op| op.operation.security.as_ref())
            .chain(spec.openapi.security.as_ref());
        for list in requirements {
            for name in list.iter().flat_map(|requirement| requirement.keys()) {
                used.insert(("securitySchemes".to_string(), name.clone()));
            }
        }
        for (kind, entries) in components {
            let Some(entries) = entries.as_object() else {
                continue;
            };
            for name in entries.keys() {
                if !used.contains(&(kind.clone(), name.clone())) {
                    let how = if kind == "securitySchemes" {
                        "no security requirement names it"
                    } else {
                        "no operation refers to it, directly or through other components"
                    };
                    self.push(
                        Check::UnusedComponent,
                        &JsonPointer::from_segments(["components", kind, name]),
                        format!("unused component: {how}; remove it or refer to it"),
                    );
                }
            }
        }
    }

    fn check_examples(
        &mut self,
        spec: &LoadedSpec,
        files: &[(String, String)],
        nullable: NullableReading,
    ) {
        let doc = &spec.json;
        let sites = example_sites(spec);
        let schemas: Vec<JsonPointer> = sites.iter().map(|site| site.schema.clone()).collect();
        let validator = Validator::new(doc, &schemas, nullable);
        let spec_dir = self.spec_path.rsplit_once('/').map_or("", |(dir, _)| dir);
        let mut parsed: BTreeMap<&str, Result<Value, String>> = BTreeMap::new();
        for (path, text) in files {
            parsed.insert(path.as_str(), parse_example_file(path, text));
        }
        let mut named: BTreeSet<String> = BTreeSet::new();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        for site in sites {
            for example in site.examples {
                match example {
                    ExampleRef::Inline { pointer } => {
                        if let Some(value) = pointer.resolve(doc) {
                            let location = self.at(&pointer);
                            self.report(&validator, value, &site.schema, &location, &mut seen);
                        }
                    }
                    ExampleRef::External {
                        pointer,
                        target,
                        inline,
                    } => {
                        if target.contains("://") {
                            self.push(
                                Check::Example,
                                &pointer,
                                format!("`x-example-file: {target}` is a URL; keep examples under spec/examples/ so they can be checked"),
                            );
                            continue;
                        }
                        let Some(path) = normalize(&format!("{spec_dir}/{target}")) else {
                            self.push(
                                Check::Example,
                                &pointer,
                                format!("`x-example-file: {target}` leaves the repository"),
                            );
                            continue;
                        };
                        named.insert(path.clone());
                        match parsed.get(path.as_str()) {
                            None => self.push(
                                Check::Example,
                                &pointer,
                                format!(
                                    "`x-example-file: {target}` names {path}, which does not exist"
                                ),
                            ),
                            // Reported once, with the other per-file findings below.
                            Some(Err(_)) => {}
                            Some(Ok(value)) => {
                                let location = format!("{path}#");
                                self.report(&validator, value, &site.schema, &location, &mut seen);
                                if let Some(inline_pointer) = inline
                                    && let Some(inline_value) = inline_pointer.resolve(doc)
                                    && let Some(at) =
                                        first_difference(inline_value, value, &JsonPointer::root())
                                {
                                    self.push(
                                        Check::Example,
                                        &inline_pointer,
                                        format!("the inline `value` differs from {path} (named by `x-example-file`) at `{at}`; keep the two equal"),
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }
        for (path, _) in files {
            if let Some(Err(err)) = parsed.get(path.as_str()) {
                self.findings.push(Finding {
                    check: Check::Example,
                    location: path.clone(),
                    rule: None,
                    message: err.clone(),
                });
            }
            if !named.contains(path) {
                self.findings.push(Finding {
                    check: Check::Example,
                    location: path.clone(),
                    rule: None,
                    message: "no `x-example-file` in the spec names this file, so it is checked against no schema".to_string(),
                });
            }
        }
    }

    fn report(
        &mut self,
        validator: &Validator<'_>,
        value: &Value,
        schema: &JsonPointer,
        location: &str,
        seen: &mut BTreeSet<String>,
    ) {
        for Violation {
            instance,
            rule,
            message,
        } in validator.validate(value, schema)
        {
            let finding = Finding {
                check: Check::Example,
                location: format!("{location}{instance}"),
                rule: Some(rule.fragment()),
                message,
            };
            // A shared component example checked twice gives one finding.
            if seen.insert(finding.to_string()) {
                self.findings.push(finding);
            }
        }
    }
}

fn parse_example_file(path: &str, text: &str) -> Result<Value, String> {
    if path.ends_with(".yaml") || path.ends_with(".yml") {
        parse_yaml(text).map_err(|err| format!("not valid YAML: {err}"))
    } else {
        serde_json::from_str(text).map_err(|err| format!("not valid JSON: {err}"))
    }
}

/// `spec/./examples/../examples/a.json` -> `spec/examples/a.json`; `None`
/// when `..` climbs above the root.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// Pointer of the first place where two values differ, if any.
fn first_difference(a: &Value, b: &Value, pointer: &JsonPointer) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (key, value) in x {
                match y.get(key) {
                    Some(other) => {
                        if let Some(at) = first_difference(value, other, &pointer.join(key)) {
                            return Some(at);
                        }
                    }
                    None => return Some(pointer.join(key).to_string()),
                }
            }
            y.keys()
                .find(|k| !x.contains_key(*k))
                .map(|k| pointer.join(k).to_string())
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| first_difference(p, q, &pointer.join(i))),
        _ if json_equal(a, b) => None,
        _ if *pointer == JsonPointer::root() => Some("/".to_string()),
        _ => Some(pointer.to_string()),
    }
}
