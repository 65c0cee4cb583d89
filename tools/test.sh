#!/usr/bin/env bash
# The test command: installs what is missing, builds (Release, all cores) and runs every test, the
# Python package's too (tools/test_python.sh).
# GPU tests skip with a reason where no CUDA device is present.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh
build_dir=${XORSEED_BUILD_DIR:-build}
ctest --test-dir "$build_dir" --output-on-failure -j"$(nproc)"
# The Python package: built into a virtual environment under the build directory, tested against the CLI.
bash tools/test_python.sh
