#!/usr/bin/env bash
# Runs the load generator (benches/load, `cargo run --example pglet-load`) against our
# server with strict and batched durability and, when it is available, against the
# reference Go server (Pglet 0.7.0 from the pglet 0.7.3 wheel) in the same run, and writes
# the table of ratios ours/reference with every issue-6 target marked met or not met.
#
#   bash scripts/bench.sh            full run (release build, 3 rounds, ~7 min); the table
#                                    goes to target/bench/table.md (+ results.json)
#   bash scripts/bench.sh --short    CI mode: debug build, ours only, tiny sizes, seconds;
#                                    fails if any measure breaks
#   extra arguments are passed to the generator (e.g. --rounds 5, --only ws,pages)
#
# The reference binary is never committed: it is looked for in $PGLET_REF_BIN,
# /tmp/ref/wheel/pglet/bin/pglet, then downloaded with pip into target/bench/ref; if that
# fails the reference columns are left out.
set -euo pipefail
cd "$(dirname "$0")/.."

short=0
args=()
for a in "$@"; do
  if [ "$a" = "--short" ]; then short=1; else args+=("$a"); fi
done
out=target/bench
mkdir -p "$out"

if [ "$short" = 1 ]; then
  cargo build --quiet --bin pglet --example pglet-load
  exec target/debug/examples/pglet-load --ours target/debug/pglet --short \
    --out "$out/short" "${args[@]}"
fi

find_reference() {
  for c in "${PGLET_REF_BIN:-}" /tmp/ref/wheel/pglet/bin/pglet "$out/ref/wheel/pglet/bin/pglet"; do
    if [ -n "$c" ] && [ -x "$c" ]; then echo "$c"; return 0; fi
  done
  mkdir -p "$out/ref/wheel"
  if python3 -m pip download --no-deps pglet==0.7.3 -d "$out/ref" >/dev/null 2>&1; then
    # Linux x86-64 wheel: the Go server is pglet/bin/pglet inside it.
    wheel=$(ls "$out"/ref/pglet-0.7.3-*.whl 2>/dev/null | head -n1)
    if [ -n "$wheel" ] && python3 -m zipfile -e "$wheel" "$out/ref/wheel" >/dev/null 2>&1; then
      chmod +x "$out/ref/wheel/pglet/bin/pglet" 2>/dev/null || true
      [ -x "$out/ref/wheel/pglet/bin/pglet" ] && { echo "$out/ref/wheel/pglet/bin/pglet"; return 0; }
    fi
  fi
  return 1
}

ref_args=()
if ref=$(find_reference); then
  echo "reference: $ref ($("$ref" --version 2>/dev/null || echo '?'))" >&2
  ref_args=(--reference "$ref")
else
  echo "reference binary not available: reporting ours only" >&2
fi

cargo build --quiet --release --bin pglet --example pglet-load
{
  echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr)"
  echo "load before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
} >&2
target/release/examples/pglet-load --ours target/release/pglet "${ref_args[@]}" \
  --out "$out" "${args[@]}"
echo "load after the run: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "table written to $out/table.md" >&2
