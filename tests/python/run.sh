#!/usr/bin/env bash
# Runs the pglet 0.7.3 Python client compatibility suite against our server.
#   tests/python/run.sh [pytest args...]
# Uses (creates if missing) the venv at <repo>/.venv, installs tests/python/requirements.txt,
# builds the server unless PGLET_TEST_SERVER_BIN points at a binary, and runs pytest.
# Exit status: pytest's, except that "no tests collected" (5) counts as a failure too.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/.venv"
py="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
    "$py" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"

if [ -z "${PGLET_TEST_SERVER_BIN:-}" ]; then
    (cd "$root" && cargo build --quiet --bin pglet)
fi

set +e
"$venv/bin/python" -m pytest "$here" "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "run.sh: pytest collected no tests; counting that as a failure" >&2
    exit 1
fi
exit "$status"
