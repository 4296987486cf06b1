#!/usr/bin/env bash
# What the `azure-identity` feature and the tracing span cost the client's
# own cold build, side by side in one run: the client crate at a base
# commit (before the feature existed), the client now with default
# features, and the client now with `--features azure-identity`. Each is a
# cold `cargo build -p graph-online-meetings` with its own fresh
# CARGO_TARGET_DIR, run one after the other; crate counts come from
# `cargo tree -e normal` (unique packages, the client included) and from
# cargo's "Compiling" lines (units built, build scripts and proc macros
# included). Wall and CPU time (user + sys) come from /usr/bin/time.
#
#   benches/feature-cost.sh [BASE_COMMIT]   (default: the merge-base with main)
#
# Offline once the crates are fetched. Not run by CI.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BASE="${1:-$(git -C "$ROOT" merge-base HEAD main)}"
WORK="${WORK:-/tmp/feature-cost}"
rm -rf "$WORK"
mkdir -p "$WORK/before"
git -C "$ROOT" archive "$BASE" | tar -x -C "$WORK/before"

measure() { # label dir features...
    local label="$1" dir="$2"
    shift 2
    local target="$WORK/target-$label"
    local crates
    crates=$(cd "$dir" && cargo tree --locked -p graph-online-meetings -e normal --prefix none "$@" \
        | sed 's/ (\*)$//' | sort -u | wc -l)
    # Wall time, and CPU time (user + sys of cargo and every rustc it ran),
    # which other load on a shared machine moves less.
    (cd "$dir" && CARGO_TARGET_DIR="$target" /usr/bin/time -f '%e %U %S' -o "$WORK/$label.time" \
        cargo build --locked -p graph-online-meetings "$@" 2>"$WORK/$label.log")
    local wall cpu units
    read -r wall user sys <"$WORK/$label.time"
    cpu=$(echo "$user + $sys" | bc)
    units=$(grep -c '^ *Compiling ' "$WORK/$label.log" || true)
    printf '| %s | %.1f s | %.1f s | %s | %s |\n' "$label" "$wall" "$cpu" "$crates" "$units"
}

echo "| build | cold wall time | CPU time | crates (cargo tree -e normal) | units compiled |"
echo "|---|---:|---:|---:|---:|"
measure before "$WORK/before"
measure default "$ROOT"
measure azure-identity "$ROOT" --features azure-identity
echo
echo "base $BASE; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg); rustc $(rustc --version | cut -d' ' -f2)"
