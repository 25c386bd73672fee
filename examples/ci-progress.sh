#!/usr/bin/env bash
# A CI job's progress on a page: a bar, the current step and a log that grows.
#
#   bash examples/ci-progress.sh [steps]       # PGLET_SERVER=http://host:8550 to use another server
#
# The page outlives the script (pglet-rs keeps it), so the result can be opened later.
set -euo pipefail
STEPS=${1:-10}
args=(page "ci-${CI_JOB_ID:-local}" --no-window)
[ -n "${PGLET_SERVER:-}" ] && args+=(--server "$PGLET_SERVER")
read -r PIPE URL < <(pglet "${args[@]}")
echo "progress: $URL"

# Write a command, then read its reply. (Fire-and-forget `setf` needs no read, but two of
# them written back to back can reach the proxy as one text, so a loop uses replies.)
cmd() { echo "$1" > "$PIPE"; cat "$PIPE" > /dev/null; }

cmd "set page title='CI job ${CI_JOB_ID:-local}'"
cmd "add
text value='Build ${CI_JOB_ID:-local}' size=xLarge
progress id=bar label='Starting…' value=0
message id=result visible=false
text id=log pre value=''"

for i in $(seq 1 "$STEPS"); do
  sleep "${STEP_SECONDS:-0.3}"                                   # the real work goes here
  pct=$(( i * 100 / STEPS ))
  cmd "set bar value=$pct label='Step $i of $STEPS' description='$pct%'"
  cmd "append log value='step $i done\\n'"
done
cmd "set bar label='Finished' description='$STEPS steps'"
cmd "set result visible=true type=success value='All $STEPS steps passed.'"
