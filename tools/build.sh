#!/usr/bin/env bash
# Configures and builds xorseed (Release) in build/ with all cores. Extra arguments go to cmake.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
source tools/compiler_cache.sh
build_dir=${XORSEED_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release "$@" >"$build_dir.configure.log" 2>&1 || {
  cat "$build_dir.configure.log"; exit 1; }
grep -E '^-- xorseed:' "$build_dir.configure.log" || true
cmake --build "$build_dir" -j"$(nproc)"
