#!/usr/bin/env bash
# Checks that the mock's responses conform to the spec: builds and starts the mock on a free
# loopback port, runs schemathesis against it with every check, stops the server.
# Exits non-zero on any failure.
#
# Environment:
#   MAX_EXAMPLES      test cases per operation and phase (default 200)
#   SEED              schemathesis seed, to replay a run (default: random, printed)
#   SCHEMATHESIS_VENV where the Python venv lives (default: <repo>/.venv-schemathesis)
#   CARGO_TARGET_DIR  honoured by the build, as usual
set -euo pipefail

ST_VERSION="4.32.5"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
SPEC="$ROOT/spec/online-meetings-create-or-get.yaml"
VENV="${SCHEMATHESIS_VENV:-$ROOT/.venv-schemathesis}"
MAX_EXAMPLES="${MAX_EXAMPLES:-200}"
TOKEN="alice@contoso.com"

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# 1. schemathesis, pinned, in its own venv.
if ! "$VENV/bin/st" --version 2>/dev/null | grep -q "$ST_VERSION"; then
    echo "== installing schemathesis $ST_VERSION into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$ST_VERSION"
fi

# 2. the mock binary.
echo "== building the mock"
cargo build --quiet --manifest-path "$ROOT/Cargo.toml" -p graph-online-meetings-mock --bin graph-online-meetings-mock
TARGET_DIR="$(cargo metadata --format-version 1 --no-deps --manifest-path "$ROOT/Cargo.toml" \
    | "$VENV/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
BIN="$TARGET_DIR/debug/graph-online-meetings-mock"

# 3. start it on a free port (--port 0); it prints "listening on http://127.0.0.1:PORT".
"$BIN" --port 0 >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER_PID=$!
BASE_URL=""
for _ in $(seq 1 100); do
    BASE_URL="$(sed -n 's/^listening on \(http:\/\/127\.0\.0\.1:[0-9]*\)$/\1/p' "$WORK/server.out")"
    [[ -n "$BASE_URL" ]] && break
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "the mock exited early:" >&2
        cat "$WORK/server.err" >&2
        exit 1
    fi
    sleep 0.1
done
if [[ -z "$BASE_URL" ]]; then
    echo "the mock did not start within 10 s" >&2
    exit 1
fi
echo "== mock listening on $BASE_URL"

# 4. schemathesis, once with Graph's /beta base path and once with none. Every check runs,
#    unmodified. schemathesis_hooks.py makes each generated body obey the time rules that a
#    JSON schema cannot state (an end before its start), so no rejection needs excusing.
SEED_ARGS=()
if [[ -n "${SEED:-}" ]]; then
    SEED_ARGS=(--seed "$SEED")
fi
TOTAL_CASES=0
FAILED_RUNS=0
for BASE_PATH in /beta ""; do
    URL="$BASE_URL$BASE_PATH"
    echo "== schemathesis against $URL"
    set +e
    (
        cd "$WORK"
        SCHEMATHESIS_HOOKS="$HERE/schemathesis_hooks.py" "$VENV/bin/st" run "$SPEC" \
            --url "$URL" \
            -H "Authorization: Bearer $TOKEN" \
            --checks all \
            --max-examples "$MAX_EXAMPLES" \
            --generation-database none \
            --no-color \
            "${SEED_ARGS[@]}"
    ) | tee "$WORK/st.log"
    ST_STATUS=${PIPESTATUS[0]}
    set -e
    CASES="$(sed -n 's/^ *\([0-9][0-9]*\) generated.*/\1/p' "$WORK/st.log" | tail -n 1)"
    echo "== $URL: ${CASES:-?} test cases, exit status $ST_STATUS"
    TOTAL_CASES=$((TOTAL_CASES + ${CASES:-0}))
    if [[ "$ST_STATUS" -ne 0 ]]; then
        FAILED_RUNS=$((FAILED_RUNS + 1))
    fi
done

# 5. verdict: schemathesis' own, plus no panic or crash in the server.
SERVER_OK=1
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "the mock died during the run" >&2
    SERVER_OK=0
fi
if grep -q "panicked" "$WORK/server.err"; then
    echo "the mock panicked:" >&2
    grep -A3 "panicked" "$WORK/server.err" >&2
    SERVER_OK=0
fi
echo "== schemathesis ran $TOTAL_CASES test cases in 2 runs; $FAILED_RUNS run(s) failed"
if [[ "$FAILED_RUNS" -ne 0 || "$SERVER_OK" -ne 1 ]]; then
    echo "== FAILED" >&2
    exit 1
fi
echo "== passed"
