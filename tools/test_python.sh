#!/usr/bin/env bash
# The Python package's tests: a virtual environment under the build directory (python3 -m venv; pip from
# PyPI only, nothing installed system-wide), `pip install .` into it, then pytest python/tests with the
# CLI of the main build (XORSEED_CLI) to compare against. tools/test.sh runs it after the main build.
# scikit-build-core builds the extension in "$build_dir-python", a sibling of the main build directory
# (the same depth, so the compiler's relative paths are the same), with the backends the main build has
# (XORSEED_PYTHON_CUDA from its CMakeCache): with ccache (tools/compiler_cache.sh) the library's objects
# then come from the main build's and only the bindings compile. Kept between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/compiler_cache.sh
build_dir=$(realpath -m "${XORSEED_BUILD_DIR:-build}")
venv="$build_dir/python-venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  "scikit-build-core>=0.10" "nanobind>=2.0" "numpy>=1.22" pytest pandas matplotlib
if [ -z "${XORSEED_PYTHON_CUDA:-}" ] && [ -f "$build_dir/CMakeCache.txt" ]; then
  if grep -q '^XORSEED_BUILT_CUDA:INTERNAL=ON$' "$build_dir/CMakeCache.txt"; then
    export XORSEED_PYTHON_CUDA=ON
  else
    export XORSEED_PYTHON_CUDA=OFF
  fi
fi
start=$(date +%s)
CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  --no-build-isolation -C build-dir="$build_dir-python" .
echo "xorseed python: pip install . took $(( $(date +%s) - start )) s (CUDA backends: ${XORSEED_PYTHON_CUDA:-auto})"
XORSEED_CLI="$build_dir/xorseed" "$venv/bin/python" -m pytest -q python/tests "$@"
