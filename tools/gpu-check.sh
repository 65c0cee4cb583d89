#!/usr/bin/env bash
# One call on a GPU machine (H100/H200, Ubuntu 24.04, nvcc 13): build (Release, sm_90, images off),
# run every test (the CUDA agreement tests run for real here), then tools/gpu-bench.sh; prints a
# short table last. Full logs go to $OUT (default out/gpu).
# Usage: tools/gpu-check.sh [build-dir]   (default build-gpu)
set -uo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build-gpu}
out=${OUT:-out/gpu}
mkdir -p "$out"

nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv,noheader >"$out/gpu.txt" 2>&1
nvcc --version | tail -1 >>"$out/gpu.txt" 2>&1
cat "$out/gpu.txt"

t0=$(date +%s)
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 -DXORSEED_IMAGES=OFF \
  >"$out/configure.log" 2>&1 || { tail -30 "$out/configure.log"; echo "gpu-check: configure failed"; exit 1; }
grep -E '^-- xorseed:' "$out/configure.log"
cmake --build "$build_dir" -j"$(nproc)" >"$out/build.log" 2>&1 || { grep -E 'error|Error' "$out/build.log" | head -30;
  echo "gpu-check: build failed"; exit 1; }
build_s=$(( $(date +%s) - t0 ))
warnings=$(grep -c 'warning' "$out/build.log" || true)

t0=$(date +%s)
ctest --test-dir "$build_dir" --output-on-failure -j1 -V >"$out/ctest.log" 2>&1
ctest_rc=$?
test_s=$(( $(date +%s) - t0 ))
# The CUDA tests print their measured agreement; keep those lines for the table.
grep -E '^[0-9]+: cuda[ -]' "$out/ctest.log" | sed 's/^[0-9]*: //' >"$out/agreement.txt" || true
summary=$(grep -E 'tests passed|tests failed' "$out/ctest.log" | tail -1)
skipped=$(grep -c 'Skipped' "$out/ctest.log" || true)
grep -E 'Failed|\*\*\*' "$out/ctest.log" | head -20

bash tools/gpu-bench.sh "$build_dir" >"$out/gpu-bench.log" 2>&1
bench_table=$(sed -n '/^| implementation/,$p' "$out/gpu-bench.log")

echo
echo "================ gpu-check summary ================"
echo "device:   $(head -1 "$out/gpu.txt")"
echo "build:    ${build_s}s, ${warnings} warning lines (log: $out/build.log)"
echo "tests:    ${summary:-no ctest summary} (rc=$ctest_rc, ${test_s}s, 'Skipped' lines: $skipped)"
echo "agreement (measured by the CUDA tests):"
sed 's/^/  /' "$out/agreement.txt"
echo "bench (median; full: $out/gpu-bench.log, $out/bench_gpu.json):"
echo "${bench_table:-  gpu-bench produced no table; see $out/gpu-bench.log}"
exit $ctest_rc
