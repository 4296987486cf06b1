"""Checks the spec, its documented examples and recorded mock responses with
strict OpenAPI 3.0.3 validators (openapi-spec-validator, and
openapi-schema-validator's OAS30StrictValidator, which reads `nullable` as
3.0.3 says: it only adds null beside a `type` in the same schema).

usage: strict_openapi.py SPEC [RECORD_DIR]

Every example under an `examples` entry with `x-example-file` is read from
that file (relative to the spec) and validated against the schema of its
media type. RECORD_DIR holds *.jsonl files written by the end-to-end tests
(tests/tests/support/prism.rs): one response per line, as
{"method", "path", "status", "body"}; each body is validated against the
response the spec declares for that path, method and status. Exits 1 on any
violation, after listing them all.
"""

import json
import pathlib
import re
import sys

import yaml
from openapi_schema_validator import OAS30StrictValidator
from openapi_spec_validator import validate as validate_spec


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def resolve(spec, node):
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        node = spec
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def violations(spec, schema, instance):
    # The schema's $refs point into the spec: validate against a root that
    # carries the spec's components.
    root = {"components": spec["components"], **schema}
    validator = OAS30StrictValidator(root)
    return sorted(
        f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
        for e in validator.iter_errors(instance)
    )


def operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in ("get", "put", "post", "delete", "patch", "head", "options", "trace"):
                yield path, method, operation


def check_examples(spec, spec_dir):
    """(count, problems) for every documented example with an x-example-file."""
    count, problems = 0, []
    seen = set()
    media_types = []
    for path, method, operation in operations(spec):
        if "requestBody" in operation:
            body = resolve(spec, operation["requestBody"])
            media_types += body.get("content", {}).items()
        for response in operation.get("responses", {}).values():
            media_types += resolve(spec, response).get("content", {}).items()
    for _, media in media_types:
        for name, example in media.get("examples", {}).items():
            example = resolve(spec, example)
            file = example.get("x-example-file")
            if not file or (id(media), name) in seen:
                continue
            seen.add((id(media), name))
            count += 1
            instance = json.loads((spec_dir / file).read_text(encoding="utf-8"))
            for problem in violations(spec, media["schema"], instance):
                problems.append(f"spec/{file}: {problem}")
    return count, problems


def response_for(spec, method, request_path, status):
    for path, m, operation in operations(spec):
        if m != method.lower():
            continue
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"
        if not re.match(pattern, request_path):
            continue
        responses = operation["responses"]
        for key in (str(status), f"{str(status)[0]}XX", "default"):
            if key in responses:
                return path, resolve(spec, responses[key])
        return path, None
    return None, None


def check_records(spec, record_dir):
    count, problems = 0, []
    for file in sorted(pathlib.Path(record_dir).glob("*.jsonl")):
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            record = json.loads(line)
            where = f"{file.name}:{number} ({record['method']} {record['path']} {record['status']})"
            # The mock also serves Graph's /beta and /v1.0 prefixes.
            request_path = re.sub(r"^/(beta|v1\.0)(?=/)", "", record["path"])
            template, response = response_for(spec, record["method"], request_path, record["status"])
            count += 1
            if template is None:
                problems.append(f"{where}: no operation of the spec has this path")
                continue
            if response is None:
                problems.append(f"{where}: the spec declares no response for this status")
                continue
            media = response.get("content", {}).get("application/json")
            if media is None:
                if record["body"] is not None:
                    problems.append(f"{where}: the spec declares no body, the mock sent one")
                continue
            for problem in violations(spec, media["schema"], record["body"]):
                problems.append(f"{where}: {problem}")
    return count, problems


def main():
    spec_path = pathlib.Path(sys.argv[1])
    spec = load(spec_path)
    validate_spec(spec)
    print(f"strict 3.0.3: {spec_path} is a valid OpenAPI 3.0.3 document")
    count, problems = check_examples(spec, spec_path.parent)
    print(f"strict 3.0.3: {count} documented examples checked")
    if len(sys.argv) > 2:
        recorded, more = check_records(spec, sys.argv[2])
        print(f"strict 3.0.3: {recorded} recorded mock responses checked")
        if recorded == 0:
            more.append(f"{sys.argv[2]}: no recorded responses; did the end-to-end tests run?")
        problems += more
    for problem in problems:
        print(f"violation: {problem}")
    if problems:
        print(f"strict 3.0.3: {len(problems)} violation(s)")
        sys.exit(1)
    print("strict 3.0.3: 0 violations")


if __name__ == "__main__":
    main()
