#!/usr/bin/env bash
# Runs every test of the project: formatting and lints, the Rust suites (unit, property,
# protocol vectors, pipes, durability, lifetimes), the web bundle sync check, the Python
# client compatibility suite and the browser suite. README.md names this script; .ci/run
# calls it after installing what a fresh machine lacks.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check
step "cargo clippy"
cargo clippy --all-targets -- -D warnings
step "cargo test"
cargo build --bins
cargo test

if [ -x web/check-dist.sh ] || [ -f web/check-dist.sh ]; then
  step "web/dist is in sync with web/src"
  bash web/check-dist.sh
fi
if [ -f tests/python/run.sh ]; then
  step "Python client (pglet==0.7.3) compatibility"
  bash tests/python/run.sh
fi
if [ -d web/e2e ]; then
  if [ -x /usr/bin/chromium ] && [ -d web/node_modules ]; then
    step "browser tests (Chromium)"
    (cd web && PGLET_BIN="$PWD/../target/debug/pglet" node --test e2e/)
  elif [ -n "${CI:-}" ]; then
    echo "browser tests need /usr/bin/chromium and web/node_modules (.ci/run installs them)" >&2
    exit 1
  else
    echo "skipping browser tests: install chromium and run 'npm ci' in web/" >&2
  fi
fi
if [ -f scripts/bench.sh ]; then
  step "load generator (short mode)"
  bash scripts/bench.sh --short
fi
echo
echo "all test suites passed"
