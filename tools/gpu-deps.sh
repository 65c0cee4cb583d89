#!/usr/bin/env bash
# Fetches the build dependencies of xorseed as .deb files into .gpudeps/ (git-ignored), for a GPU
# machine that cannot reach a package registry: carry .gpudeps there, and tools/gpu-check.sh unpacks
# them into a private prefix (never into /) and points CMake at it. Run it here, where apt works.
#
# Which packages: tools/setup.sh's list without the image libraries (the GPU check builds with
# -DXORSEED_IMAGES=OFF) and the compiler (the GPU image has g++, CMake and nvcc), plus the runtime
# libraries the -dev packages link against. Header-only (Eigen, CLI11, nlohmann-json, Random123) or static
# (GoogleTest) except fmt and Google Benchmark, whose shared libraries tools/gpu-check.sh puts on
# LD_LIBRARY_PATH. Debian 12 / Ubuntu 24.04 builds: glibc and libstdc++ are backward compatible, so
# packages from the older of the two run on the newer.
# Usage: tools/gpu-deps.sh [dir]   (default .gpudeps)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-.gpudeps}
mkdir -p "$dir"
packages=(libeigen3-dev libfmt-dev libcli11-dev nlohmann-json3-dev librandom123-dev libgtest-dev libgmock-dev
          libbenchmark-dev)
# The shared libraries the -dev packages' .so links point to (their names differ between releases).
mapfile -t runtime < <(apt-cache depends "${packages[@]}" 2>/dev/null |
  awk '/^ +Depends: lib(fmt|benchmark)[0-9]/ {print $2}' | sort -u)
(cd "$dir" && rm -f ./*.deb && apt-get download "${packages[@]}" "${runtime[@]}")
ls -l "$dir"
echo "gpu-deps: $(ls "$dir"/*.deb | wc -l) packages in $dir; carry '$dir' to the GPU machine"
