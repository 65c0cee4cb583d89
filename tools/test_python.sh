#!/usr/bin/env bash
# The Python package's tests: a virtual environment under the build directory (python3 -m venv; pip from
# PyPI only, nothing installed system-wide), `pip install .` into it, then pytest python/tests with the
# CLI of the main build (XORSEED_CLI) to compare against. tools/test.sh runs it after the main build.
# scikit-build-core builds the extension in "$build_dir-python", a sibling of the main build directory
# (the same depth), with the main build's backends, generator and compilers (from its CMakeCache): the
# library's compile commands are then the main build's, relative to the repository, and with ccache
# (tools/compiler_cache.sh) its objects come from the main build's; only the bindings compile. Kept
# between runs.
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
# The main build's choices, so that the package's build runs the same compile commands: its backends,
# its generator (Makefiles run each compile in the target's directory, Ninja in the build directory,
# and the relative paths ccache hashes follow) and its compilers (scikit-build-core would pick gcc/g++
# where CMake picked cc/c++).
cache="$build_dir/CMakeCache.txt"
cached() { sed -n "s/^$1:[A-Z]*=//p" "$cache" | head -1; }
if [ -f "$cache" ]; then
  if [ -z "${XORSEED_PYTHON_CUDA:-}" ]; then
    if [ "$(cached XORSEED_BUILT_CUDA)" = ON ]; then export XORSEED_PYTHON_CUDA=ON; else export XORSEED_PYTHON_CUDA=OFF; fi
  fi
  export CMAKE_GENERATOR="${CMAKE_GENERATOR:-$(cached CMAKE_GENERATOR)}"
  export CC="${CC:-$(cached CMAKE_C_COMPILER)}" CXX="${CXX:-$(cached CMAKE_CXX_COMPILER)}"
fi
start=$(date +%s)
CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  --no-build-isolation -C build-dir="$build_dir-python" .
echo "xorseed python: pip install . took $(( $(date +%s) - start )) s (CUDA backends: ${XORSEED_PYTHON_CUDA:-auto})"
XORSEED_CLI="$build_dir/xorseed" "$venv/bin/python" -m pytest -q python/tests "$@"
