#!/usr/bin/env bash
# What adding the client costs a user's build: ours against the Rust client
# that OpenAPI Generator makes from the same spec, one after the other in
# one run.
#
#   benches/build-cost.sh [--release] [--runs N] [--work DIR]
#
#   --release   also cold-build both in release (default: debug only)
#   --runs N    cold builds of each client per profile, in rotating order
#               (default 1); the table shows medians
#   --work DIR  scratch folder (default /tmp/build-cost); emptied first
#
# Steps:
#  1. installs openapi-generator-cli (PyPI, pinned below; it bundles the
#     generator jar and runs it with the machine's Java) into .venv-bench
#  2. generates their client (generator `rust`, library `reqwest`, reqwest
#     with its `rustls` feature instead of native-tls: the generator's
#     `reqwestDefaultFeatures` option) and times the generator. reqwest's
#     `rustls` feature brings the aws-lc-rs provider (a C build); a second
#     copy, "theirs-ring", has its Cargo.toml patched to our TLS stack
#     (reqwest `rustls-no-provider` + rustls with ring), to tell the TLS
#     provider's share from the rest
#  3. makes throwaway user crates outside the workspace, each depending on
#     one client by path (ours: client/ of this workspace): what a user who
#     adds the dependency builds, each with a freshly resolved Cargo.lock
#  4. `cargo fetch`es them, so no download is timed; the builds run offline
#  5. cold-builds each with its own fresh CARGO_TARGET_DIR (`cargo build`,
#     `--timings`) and measures wall time and CPU time (user + sys of cargo
#     and all it ran: less sensitive than wall time to other load on a
#     shared machine)
#  6. counts crates (`cargo tree -e normal,no-proc-macro`) and compiled
#     units ("Compiling" lines), checks that none of the code generator's
#     crates is in our runtime tree, and prints a Markdown table plus the
#     slowest units of each build (from cargo's timings report)
#
# Needs the network once (PyPI, crates.io) for steps 1 and 4. Not run by CI.
set -euo pipefail

OAG_VERSION=7.26.0
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="$ROOT/.venv-bench"
SPEC="$ROOT/spec/online-meetings-create-or-get.yaml"
WORK=/tmp/build-cost
RELEASE=0
RUNS=1

while [ $# -gt 0 ]; do
    case "$1" in
        --release) RELEASE=1 ;;
        --runs) RUNS="$2"; shift ;;
        --work) WORK="$2"; shift ;;
        -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

log() { printf '\n==> %s\n' "$*" >&2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

rm -rf "$WORK"
mkdir -p "$WORK"
RESULTS="$WORK/results.tsv"   # kind <TAB> name <TAB> value
: > "$RESULTS"
record() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >> "$RESULTS"; }

log "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/^Mem:/ {print $2 " GiB"}'), $(rustc -V)"
log "load average at start: $(load)"

# 1. The generator.
if [ "$("$VENV/bin/openapi-generator-cli" version 2>/dev/null | tail -1)" != "$OAG_VERSION" ]; then
    log "installing openapi-generator-cli==$OAG_VERSION into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "openapi-generator-cli==$OAG_VERSION"
fi
java -version 2>&1 | head -1 >&2

# 2. Their client. Our spec gives each documented example both `value` and
# `externalValue` (the file the value was copied from); the generator's
# validator rejects that pairing, so validation is skipped. Runs three times:
# the JVM's start-up is part of what a user waits for.
log "generating their client three times (OpenAPI Generator $OAG_VERSION, rust/reqwest)"
gen_times=()
for i in 1 2 3; do
    rm -rf "$WORK/theirs"
    t0=$(now)
    "$VENV/bin/openapi-generator-cli" generate \
        -g rust --library reqwest --skip-validate-spec \
        -i "$SPEC" -o "$WORK/theirs" \
        --package-name online_meetings_oag \
        --additional-properties=packageVersion=0.1.0,reqwestDefaultFeatures=rustls \
        > "$WORK/generate-theirs-$i.log" 2>&1
    gen_times+=("$(elapsed "$t0" "$(now)")")
done
record gen theirs "${gen_times[*]}"
log "generator wall times: ${gen_times[*]} s"
sed -n '/^\[dependencies\]/,$p' "$WORK/theirs/Cargo.toml" >&2

# Their client on our TLS stack: reqwest without a provider, rustls with ring.
cp -r "$WORK/theirs" "$WORK/theirs-ring"
python3 - "$WORK/theirs-ring/Cargo.toml" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
old = 'rustls = ["reqwest/rustls"]'
assert old in text, "the generator's Cargo.toml changed: update the theirs-ring patch"
text = text.replace(old, 'rustls = ["reqwest/rustls-no-provider", "dep:rustls"]')
text = text.replace("[features]", 'rustls = { version = "0.23", default-features = false, features = ["ring", "std", "tls12"], optional = true }\n\n[features]', 1)
open(path, "w").write(text)
PY

# 3. The user crates.
make_user() { # name, dependency line
    mkdir -p "$WORK/$1/src"
    cat > "$WORK/$1/Cargo.toml" <<EOF
[package]
name = "$1"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
$2

[workspace]
EOF
    echo "pub use client;" > "$WORK/$1/src/lib.rs"
}
make_user user-of-theirs 'client = { package = "online_meetings_oag", path = "../theirs" }'
make_user user-of-theirs-ring 'client = { package = "online_meetings_oag", path = "../theirs-ring" }'
make_user user-of-ours "client = { package = \"graph-online-meetings\", path = \"$ROOT/client\" }"

# 4. Downloads, untimed.
CLIENTS=(theirs theirs-ring ours)
for who in "${CLIENTS[@]}"; do
    log "cargo fetch (user-of-$who)"
    cargo fetch --quiet --manifest-path "$WORK/user-of-$who/Cargo.toml"
done

# 5. Cold builds.
profiles=(debug)
[ "$RELEASE" = 1 ] && profiles+=(release)
build() { # who, profile, run
    local who="$1" profile="$2" run="$3"
    local target="$WORK/target-$who-$profile-$run"
    local flags=(--offline --timings --manifest-path "$WORK/user-of-$who/Cargo.toml")
    [ "$profile" = release ] && flags+=(--release)
    local others
    others=$(pgrep -c -x rustc || true)
    log "cold $profile build of user-of-$who (run $run); load $(load); rustc processes already running: $others"
    local times="$WORK/time-$who-$profile-$run.txt"
    CARGO_TARGET_DIR="$target" /usr/bin/time -o "$times" -f '%e %U %S' \
        cargo build "${flags[@]}" > "$WORK/build-$who-$profile-$run.log" 2>&1
    local secs cpu units
    secs=$(awk '{ printf "%.1f", $1 }' "$times")
    cpu=$(awk '{ printf "%.1f", $2 + $3 }' "$times")
    units=$(grep -c '^ *Compiling ' "$WORK/build-$who-$profile-$run.log" || true)
    log "  $secs s wall, $cpu s CPU, $units units compiled; load $(load)"
    record "build-$profile" "$who" "$secs"
    record "cpu-$profile" "$who" "$cpu"
    record "units-$profile" "$who" "$units"
    record "load-$profile" "$who" "$(load | cut -d' ' -f1) (others' rustc at start: $others)"
    record "timings-$profile-$run" "$who" "$(ls "$target"/cargo-timings/cargo-timing.html 2>/dev/null | head -1)"
}
for profile in "${profiles[@]}"; do
    for run in $(seq 1 "$RUNS"); do
        # Rotate the order so that no client always comes first.
        n=${#CLIENTS[@]}
        for i in $(seq 0 $((n - 1))); do
            build "${CLIENTS[$(((i + run - 1) % n))]}" "$profile" "$run"
        done
    done
done

# 6. Dependency trees.
tree() { # who, edges
    cargo tree --offline -e "$2" --prefix none --manifest-path "$WORK/user-of-$1/Cargo.toml" \
        | sed 's/ (\*)$//; s/ (proc-macro)$//' | grep -v "^user-of-$1 " | sort -u
}
for who in "${CLIENTS[@]}"; do
    tree "$who" normal,no-proc-macro > "$WORK/tree-$who.txt"
    tree "$who" normal > "$WORK/tree-with-proc-macros-$who.txt"
    record crates "$who" "$(wc -l < "$WORK/tree-$who.txt")"
    record crates-with-proc-macros "$who" "$(wc -l < "$WORK/tree-with-proc-macros-$who.txt")"
    record lines "$who" "$(find "$( [ "$who" = ours ] && echo "$ROOT/client/src" || echo "$WORK/$who/src")" -name '*.rs' -print0 | xargs -0 cat | wc -l)"
done
forbidden=$(grep -E '^(progenitor|progenitor-impl|progenitor-macro|typify|typify-impl|typify-macro|openapiv3|serde-saphyr|syn|prettyplease) v' "$WORK/tree-ours.txt" || true)
record forbidden ours "${forbidden:-none}"

# The table.
python3 - "$RESULTS" <<'PY'
import json, re, statistics, sys, collections
rows = collections.defaultdict(lambda: collections.defaultdict(list))
for line in open(sys.argv[1]):
    kind, who, value = line.rstrip("\n").split("\t", 2)
    rows[kind][who].append(value)

def med(kind, who):
    vals = [float(v) for v in rows[kind][who]]
    return statistics.median(vals) if vals else None

def ratio(o, t):
    return f"{o / t:.2f}x" if o is not None and t else ""

print()
print("| | theirs: OpenAPI Generator 7.26.0 (rust, reqwest `rustls` = aws-lc-rs) | theirs-ring: same, patched to rustls + ring | ours: graph-online-meetings (rustls + ring) | ours / theirs | ours / theirs-ring |")
print("|---|---:|---:|---:|---:|---:|")
gen = rows["gen"]["theirs"][0].split()
print(f"| generator wall time (3 runs) | {' / '.join(g + ' s' for g in gen)} | same | see generation benchmarks | | |")
for profile in ("debug", "release"):
    flag = " --release" if profile == "release" else ""
    for kind, what in (("build", "wall"), ("cpu", "CPU (user+sys)")):
        t, r, o = (med(f"{kind}-{profile}", w) for w in ("theirs", "theirs-ring", "ours"))
        if t is None:
            continue
        n = len(rows[f"{kind}-{profile}"]["ours"])
        label = f"cold `cargo build{flag}`, {what}" + (f", median of {n}" if n > 1 else "")
        bold = "**" if kind == "build" else ""
        print(f"| {label} | {t:.1f} s | {r:.1f} s | {o:.1f} s | {bold}{ratio(o, t)}{bold} | {ratio(o, r)} |")
    if rows[f"units-{profile}"]["ours"]:
        t, r, o = (int(rows[f"units-{profile}"][w][0]) for w in ("theirs", "theirs-ring", "ours"))
        print(f"| compiled units, {profile} (`Compiling` lines) | {t} | {r} | {o} | {ratio(o, t)} | {ratio(o, r)} |")
for kind, label in (("crates", "crates: normal deps, no proc-macros"), ("crates-with-proc-macros", "crates: normal deps with proc-macros"), ("lines", "lines of Rust in the client crate")):
    t, r, o = (int(rows[kind][w][0]) for w in ("theirs", "theirs-ring", "ours"))
    print(f"| {label} | {t} | {r} | {o} | {ratio(o, t)} | {ratio(o, r)} |")
print(f"| progenitor, typify, openapiv3, serde-saphyr, syn, prettyplease in the runtime tree | | | {rows['forbidden']['ours'][0]} | | |")
print()
for kind in sorted(k for k in rows if k.startswith("load-")):
    for who, values in rows[kind].items():
        print(f"{kind[5:]} build of {who}: {'; '.join(values)} (1-min load average at the end)")

# The slowest units, from cargo's timings report of the first run.
for profile in ("debug", "release"):
    for who in ("theirs", "theirs-ring", "ours"):
        paths = rows.get(f"timings-{profile}-1", {}).get(who)
        if not paths or not paths[0]:
            continue
        html = open(paths[0]).read()
        m = re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S)
        if not m:
            continue
        units = json.loads(m.group(1))
        units.sort(key=lambda u: -u["duration"])
        total = sum(u["duration"] for u in units)
        print(f"\nslowest units, {who} {profile} (run 1; unit times add up to {total:.0f} s over {len(units)} units, two at a time on 2 cores):")
        print("| unit | version | target | s |")
        print("|---|---|---|---:|")
        for u in units[:12]:
            print(f"| {u['name']} | {u['version']} | {u.get('target', '').strip() or 'lib'} | {u['duration']:.1f} |")
PY

log "logs, trees and cargo timings reports are under $WORK"
