#!/usr/bin/env bash
# The action's one step, kept in a file so it can be run (and tested) outside GitHub:
#   INPUT_TASK='{"description":"...","filesOwned":["src/a.ts"]}' INPUT_WORKSPACE=. bash action/run.sh
# Inputs come as INPUT_* env vars; outputs go to $GITHUB_OUTPUT (stdout when unset).
# With INPUT_COMMIT=true each completed task becomes a commit; with INPUT_PULL_REQUEST=true the
# commits go to a branch, which is pushed, and one pull request is opened (or updated) with the
# run's result table as its body, using the git and gh that GitHub's runners have.
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
rm -f "$result_file"

commit=${INPUT_COMMIT:-false}
pull_request=${INPUT_PULL_REQUEST:-false}
branch=${INPUT_BRANCH:-}
remote=${INPUT_REMOTE:-origin}
if [ "$pull_request" = "true" ]; then
  commit=true
  branch=${branch:-smol-coder/run-${GITHUB_RUN_ID:-$(date +%Y%m%d-%H%M%S)}}
  base=${INPUT_BASE:-${GITHUB_BASE_REF:-${GITHUB_REF_NAME:-$(git -C "$workspace" symbolic-ref --quiet --short HEAD)}}}
  if [ "$branch" = "$base" ]; then echo "smol-coder: the pull request's branch and base are both $base" >&2; exit 2; fi
  # On a pull_request event (GITHUB_BASE_REF is set only then) actions/checkout gives a detached
  # HEAD at the merge commit GitHub made of the contributor's branch into the base: a branch from
  # there would carry the merge and the contributor's commits into the new pull request.
  if [ -n "${GITHUB_BASE_REF:-}" ] && ! git -C "$workspace" symbolic-ref --quiet HEAD > /dev/null &&
    [ "$(git -C "$workspace" cat-file -p HEAD 2> /dev/null | grep -c '^parent ')" -gt 1 ]; then
    echo "smol-coder: HEAD is the merge commit of a pull_request event: a pull request from it would carry the contributor's commits and the merge. Check out the base branch (actions/checkout with ref: ${GITHUB_BASE_REF}) or the pull request's head (ref: \${{ github.event.pull_request.head.sha }}, then base: ${GITHUB_HEAD_REF:-its branch})." >&2
    exit 2
  fi
  # A branch an earlier run pushed (the runner's checkout may hold only the base, or an older copy
  # of it): continue on the remote's, or on the local one when it is ahead; never on a stale one.
  if [ "$(git -C "$workspace" symbolic-ref --quiet HEAD)" != "refs/heads/$branch" ] &&
    git -C "$workspace" ls-remote --exit-code --heads "$remote" "$branch" > /dev/null 2>&1; then
    git -C "$workspace" fetch --quiet "$remote" "refs/heads/$branch" || exit 1
    fetched=$(git -C "$workspace" rev-parse FETCH_HEAD)
    if ! local=$(git -C "$workspace" rev-parse --verify --quiet "refs/heads/$branch"); then
      git -C "$workspace" update-ref "refs/heads/$branch" "$fetched"
    elif git -C "$workspace" merge-base --is-ancestor "$local" "$fetched"; then
      git -C "$workspace" update-ref "refs/heads/$branch" "$fetched" "$local"
    elif ! git -C "$workspace" merge-base --is-ancestor "$fetched" "$local"; then
      echo "smol-coder: the branch $branch here and on $remote have diverged; reconcile them (or delete the local one: git branch -D $branch), then run again" >&2
      exit 2
    fi
  fi
fi

args=(--workspace "$workspace" --file "$task_file" --result-file "$result_file")
[ -n "${INPUT_CONFIG:-}" ] && args+=(--config "$INPUT_CONFIG")
[ "${INPUT_DRY_RUN:-false}" = "true" ] && args+=(--dry-run)
[ "$commit" = "true" ] && args+=(--commit)
[ -n "$branch" ] && args+=(--branch "$branch")

# A runner has no git identity; commits are then the Actions bot's (the user's config wins when set).
# --branch commits too, whatever the commit input says.
if { [ "$commit" = "true" ] || [ -n "$branch" ]; } && [ -z "$(git -C "$workspace" config user.email)" ]; then
  export GIT_AUTHOR_NAME="github-actions[bot]" GIT_AUTHOR_EMAIL="41898282+github-actions[bot]@users.noreply.github.com"
  export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
fi

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

pr_url=
if [ "$pull_request" = "true" ] && [ -f "$result_file" ] && [ "${INPUT_DRY_RUN:-false}" != "true" ]; then
  pr_script="$here/orchestrator/scripts/pull-request.ts"
  if [ "$(bun "$pr_script" commits "$result_file")" = "0" ]; then
    echo "smol-coder: no task was committed, so there is no pull request" >&2
  elif ! git -C "$workspace" push --quiet "$remote" "refs/heads/$branch:refs/heads/$branch"; then
    echo "smol-coder: could not push $branch to $remote" >&2
    [ "$code" = 0 ] && code=1
  else
    # One pull request per branch: a rerun on the same branch updates its body.
    existing=$(cd "$workspace" && gh pr list --head "$branch" --base "$base" --state open --json number,url) || existing=
    number=$(printf '%s' "${existing:-[]}" | bun -e 'const l = JSON.parse(await Bun.stdin.text() || "[]"); console.log(l[0]?.number ?? "")')
    if [ -n "$number" ]; then
      bun "$pr_script" body "$result_file" | (cd "$workspace" && gh pr edit "$number" --body-file -) > /dev/null &&
        pr_url=$(printf '%s' "$existing" | bun -e 'console.log(JSON.parse(await Bun.stdin.text())[0].url)')
    else
      pr_url=$(bun "$pr_script" body "$result_file" | (cd "$workspace" && gh pr create --head "$branch" --base "$base" --title "$(bun "$pr_script" title "$result_file")" --body-file - | tail -n 1))
    fi
    if [ -z "$pr_url" ]; then
      echo "smol-coder: the pull request for $branch could not be opened or updated (gh failed)" >&2
      [ "$code" = 0 ] && code=1
    fi
  fi
fi

{
  echo "status=$status"
  echo "result-file=$result_file"
  echo "branch=$branch"
  echo "pull-request=$pr_url"
} >> "${GITHUB_OUTPUT:-/dev/stdout}"
exit "$code"
