#!/usr/bin/env bash
# Points the standard OpenAPI tools at the spec, as users and reviewers do:
#   1. Redocly lint (settings and the reasons for each rule turned off: redocly.yaml);
#   2. the end-to-end tests (tests/tests/end_to_end.rs) through Prism's validating proxy in
#      front of the mock, plus tests/tests/prism_proxy.rs, which proves that Prism catches a
#      request and a response that break the spec; any violation fails;
#   3. a strict OpenAPI 3.0.3 validator (.ci/strict_openapi.py) on the spec, every documented
#      example, and every response the mock gave in step 2.
# Installs its tools locally: npm packages pinned by .ci/package-lock.json into
# .ci/node_modules, Python packages into a venv. Exits non-zero on any failure.
#
# Environment:
#   OPENAPI_TOOLS_VENV  where the Python venv lives (default: <repo>/.venv-openapi)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
SPEC="$ROOT/spec/online-meetings-create-or-get.yaml"
VENV="${OPENAPI_TOOLS_VENV:-$ROOT/.venv-openapi}"
PYTHON_PACKAGES=(openapi-spec-validator==0.9.0 openapi-schema-validator==0.9.0 PyYAML==6.0.3)
# No telemetry or update checks from the npm tools.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true SCARF_ANALYTICS=false

RECORDS="$(mktemp -d)"
trap 'rm -rf "$RECORDS"' EXIT

# 1. The tools. npm ci is skipped when node_modules matches the lock file.
STAMP="$HERE/node_modules/.package-lock.sha256"
LOCK_SUM="$(sha256sum "$HERE/package-lock.json" | cut -d' ' -f1)"
if [[ "$(cat "$STAMP" 2>/dev/null)" != "$LOCK_SUM" ]]; then
    echo "== installing Prism and Redocly into .ci/node_modules"
    (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$LOCK_SUM" >"$STAMP"
fi
if ! "$VENV/bin/python" -c "import openapi_spec_validator, openapi_schema_validator, yaml" 2>/dev/null; then
    echo "== installing ${PYTHON_PACKAGES[*]} into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "${PYTHON_PACKAGES[@]}"
fi

# 2. Redocly, with the committed settings.
echo "== redocly lint"
(cd "$ROOT" && "$HERE/node_modules/.bin/redocly" lint "$SPEC" --config "$ROOT/redocly.yaml")

# 3. The end-to-end tests through Prism, recording the mock's responses.
echo "== end-to-end tests through Prism's validating proxy"
PRISM="$HERE/node_modules/.bin/prism" E2E_RECORD_DIR="$RECORDS" \
    cargo test --locked --manifest-path "$ROOT/Cargo.toml" -p graph-online-meetings-tests \
    --test end_to_end --test prism_proxy

# 4. Strict 3.0.3 validation of the spec, the examples and the recorded responses.
echo "== strict OpenAPI 3.0.3 validation"
"$VENV/bin/python" "$HERE/strict_openapi.py" "$SPEC" "$RECORDS"
