#!/usr/bin/env bash
# Prints one SHA-256 over everything the bundle in dist/ is built from: src/, index.html,
# the build config, package.json and package-lock.json. Needs only coreutils (no Node),
# so the sync check runs on a machine that never built the web client.
set -euo pipefail
cd "$(dirname "$0")/.."
{
  find src -type f | LC_ALL=C sort
  printf '%s\n' index.html vite.config.ts tsconfig.json package.json package-lock.json scripts/stamp.mjs
} | while read -r f; do
  printf '%s  ' "$f"
  sha256sum < "$f" | cut -d' ' -f1
done | sha256sum | cut -d' ' -f1
