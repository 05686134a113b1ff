#!/usr/bin/env bash
# The action's one step, kept in a file so it can be run (and tested) outside GitHub:
#   INPUT_TASK='{"description":"...","filesOwned":["src/a.ts"]}' INPUT_WORKSPACE=. bash action/run.sh
# Inputs come as INPUT_* env vars; outputs go to $GITHUB_OUTPUT (stdout when unset).
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

# Mask the key before anything could print it; GitHub replaces it with *** in the log.
if [ -n "${LITELLM_API_KEY:-}" ] && [ -n "${GITHUB_ACTIONS:-}" ]; then echo "::add-mask::${LITELLM_API_KEY}"; fi

: "${INPUT_TASK:?INPUT_TASK is required}"
workspace=${INPUT_WORKSPACE:-.}
out_dir=${RUNNER_TEMP:-$(mktemp -d)}
task_file="$out_dir/smol-coder-task.json"
result_file="$out_dir/smol-coder-result.json"
printf '%s' "$INPUT_TASK" > "$task_file"

args=(--workspace "$workspace" --file "$task_file" --result-file "$result_file")
[ -n "${INPUT_CONFIG:-}" ] && args+=(--config "$INPUT_CONFIG")
[ "${INPUT_DRY_RUN:-false}" = "true" ] && args+=(--dry-run)

bun run "$here/orchestrator/src/index.ts" "${args[@]}"
code=$?

status=error
if [ -f "$result_file" ]; then
  status=$(bun -e '
    const r = JSON.parse(await Bun.file(process.argv[1]).text());
    const s = [...new Set(r.tasks.map((t) => t.status))];
    console.log(s.length === 1 ? s[0] : "mixed");
  ' "$result_file")
fi
{
  echo "status=$status"
  echo "result-file=$result_file"
} >> "${GITHUB_OUTPUT:-/dev/stdout}"
exit "$code"
