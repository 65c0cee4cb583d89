#!/usr/bin/env bash
# The Python package's tests: a virtual environment under the build directory (python3 -m venv; pip from
# PyPI only, nothing installed system-wide), `pip install .` into it (scikit-build-core builds the
# extension in $build_dir/python, kept between runs so a rerun rebuilds only what changed), then pytest
# python/tests with the CLI of the main build (XORSEED_CLI) to compare against. tools/test.sh runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=$(realpath -m "${XORSEED_BUILD_DIR:-build}")
venv="$build_dir/python-venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  "scikit-build-core>=0.10" "nanobind>=2.0" "numpy>=1.22" pytest pandas matplotlib
start=$(date +%s)
CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  --no-build-isolation -C build-dir="$build_dir/python" .
echo "xorseed python: pip install . took $(( $(date +%s) - start )) s"
XORSEED_CLI="$build_dir/xorseed" "$venv/bin/python" -m pytest -q python/tests "$@"
