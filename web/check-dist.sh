#!/usr/bin/env bash
# CI check: the committed web/dist (embedded into the binary) was built from the committed
# sources. If this fails, run `npm ci && npm run build` in web/ and commit web/dist.
set -euo pipefail
cd "$(dirname "$0")"
want=$(bash scripts/source-hash.sh)
have=$(cat dist/SOURCE_HASH 2>/dev/null || echo none)
if [ "$want" != "$have" ]; then
  echo "web/dist is stale: sources hash to $want, dist/SOURCE_HASH says $have" >&2
  echo "rebuild: (cd web && npm ci && npm run build) and commit web/dist" >&2
  exit 1
fi
test -f dist/index.html || { echo "web/dist/index.html missing" >&2; exit 1; }
echo "web/dist is in sync with web/src ($want)"
