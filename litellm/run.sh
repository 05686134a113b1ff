#!/usr/bin/env bash
# Starts the LiteLLM proxy that compose.yaml runs, without Docker: the same release
# (litellm==1.80.11, the PyPI build of the image's tag) from PyPI, in litellm/.venv.
#
#   litellm/run.sh                  install litellm/.venv if needed, then serve on 127.0.0.1:${PORT:-4000}
#   litellm/run.sh --install-only   only install (what .ci/run does)
#
# The venv is installed from requirements.txt with --require-hashes: every package is pinned and
# checked by hash (LiteLLM's releases 1.82.7 and 1.82.8 were compromised on PyPI). It needs
# python3 (3.9 to 3.13; PYTHON=... picks another) and network access to PyPI once.
#
# Environment, as in compose.yaml: LITELLM_MASTER_KEY (default: $LITELLM_API_KEY, else dev-key),
# OLLAMA_API_BASE (default http://localhost:11434: no container here, so Ollama's own default
# address works), PORT, HOST (default 127.0.0.1: set HOST=0.0.0.0 only to serve other machines,
# and then change the key), LITELLM_CONFIG (default litellm/config.yaml, for your own model list).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VENV=${LITELLM_VENV:-$HERE/.venv}
PYTHON=${PYTHON:-python3}
# The marker holds the hash of the requirements it was installed from: a half-finished install,
# or one from older pins, has no matching marker and is installed again from scratch.
MARKER=$VENV/.smol-installed

fail() {
  echo "litellm/run.sh: $*" >&2
  exit 1
}

requirements_hash() {
  cat "$HERE/requirements-pip.txt" "$HERE/requirements.txt" | cksum | cut -d' ' -f1
}

installed() {
  [ -x "$VENV/bin/litellm" ] && [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$(requirements_hash)" ]
}

install() {
  command -v "$PYTHON" >/dev/null 2>&1 ||
    fail "no $PYTHON on PATH: the proxy is a Python package. Install Python 3.9-3.13 (apt-get install -y python3 python3-venv, or brew install python), or run it in Docker: docker compose up -d"
  "$PYTHON" -c 'import sys, venv, ensurepip; sys.exit(0 if (3, 9) <= sys.version_info[:2] <= (3, 13) else 1)' 2>/dev/null ||
    fail "$PYTHON ($("$PYTHON" --version 2>&1)) cannot make a venv, or is not Python 3.9-3.13 (apt-get install -y python3-venv, or set PYTHON)"
  echo "litellm/run.sh: installing the LiteLLM proxy into $VENV (from PyPI, hashes checked)" >&2
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  local pip=("$VENV/bin/python" -m pip --disable-pip-version-check --no-input --quiet)
  "${pip[@]}" install --require-hashes -r "$HERE/requirements-pip.txt" ||
    fail "pip could not install pip from PyPI (no network?): see the lines above"
  "${pip[@]}" install --require-hashes --only-binary :all: -r "$HERE/requirements.txt" ||
    fail "pip could not install litellm/requirements.txt from PyPI (no network?): see the lines above"
  requirements_hash >"$MARKER"
}

if ! installed; then
  if command -v flock >/dev/null 2>&1; then
    # Two callers at once (a test run and a user's shell) must not install over each other.
    exec 9>"$VENV.lock"
    flock 9
  fi
  installed || install
fi
[ "${1:-}" = "--install-only" ] && exit 0

export LITELLM_MASTER_KEY=${LITELLM_MASTER_KEY:-${LITELLM_API_KEY:-dev-key}}
export OLLAMA_API_BASE=${OLLAMA_API_BASE:-http://localhost:11434}
# The model cost map is otherwise fetched from GitHub at every start (up to 5 s without a network);
# the copy inside the package is enough: Ollama calls cost nothing.
export LITELLM_LOCAL_MODEL_COST_MAP=${LITELLM_LOCAL_MODEL_COST_MAP:-True}
exec "$VENV/bin/litellm" --config "${LITELLM_CONFIG:-$HERE/config.yaml}" --host "${HOST:-127.0.0.1}" --port "${PORT:-4000}"
