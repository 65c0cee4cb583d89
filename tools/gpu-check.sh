#!/usr/bin/env bash
# One call on a GPU machine (H100/H200, Ubuntu 24.04, nvcc 13): build (Release, sm_90, images off),
# run the tests that use the GPU, then tools/gpu-bench.sh, then the main job (tools/run.sh), then the
# CPU-only tests; prints a short table last.
# Usage: tools/gpu-check.sh [build-dir]   (default build-gpu)
#
# Fitted to the device tool (one command: 600 s; at most 8 files come back from $OUT):
#   - time: every phase runs under `timeout` with what is left of GPU_CHECK_BUDGET seconds (default
#     540); what does not fit is skipped, and the summary always prints;
#   - files: with $OUT set, the logs are written to a scratch folder and packed into
#     $OUT/gpu-check-logs.tar.gz after every phase (a run stopped from outside still returns the
#     finished phases' logs), and the summary goes to $OUT/summary.txt: two files. Without $OUT,
#     everything is written to out/gpu as plain files.
#   - dependencies: the GPU image is said to hold Eigen, fmt, CLI11, nlohmann-json, GoogleTest and
#     Google Benchmark, and the build uses them; Random123 (librandom123-dev, headers only) it may
#     well lack, so carry .gpudeps. Should configure fail there, and .gpudeps/ was carried
#     (tools/gpu-deps.sh fills it where apt works), its .deb files are unpacked into a private prefix
#     (never into /) and configure is retried with CMake pointed at it.
set -uo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build-gpu}
budget=${GPU_CHECK_BUDGET:-540}
deadline=$(( $(date +%s) + budget ))
left() { echo $(( deadline - $(date +%s) )); }
out=${OUT:-out/gpu}
if [ -n "${OUT:-}" ]; then logs=${TMPDIR:-/tmp}/xorseed-gpu-check; rm -rf "$logs"; else logs=$out; fi
mkdir -p "$out" "$logs"
pack() {  # the logs so far into $OUT (only when they live elsewhere)
  [ "$logs" = "$out" ] && return 0
  tar -czf "$out/gpu-check-logs.tar.gz.part" -C "$logs" . && mv -f "$out/gpu-check-logs.tar.gz.part" "$out/gpu-check-logs.tar.gz"
}
# Runs "$@" under timeout with the time left minus $1 seconds kept back; 124 when out of time.
run_for() {
  local keep=$1; shift
  local t=$(( $(left) - keep ))
  [ "$t" -lt 10 ] && { echo "gpu-check: no time left for: $*"; return 124; }
  timeout "$t" "$@"
}

{
  nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv,noheader
  nvcc --version | tail -1
  cmake --version | head -1
} >"$logs/gpu.txt" 2>&1
cat "$logs/gpu.txt"

configure() {  # extra cmake arguments...
  run_for 0 cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 \
    -DXORSEED_IMAGES=OFF "$@" >"$logs/configure.log" 2>&1
}
# The machine's own packages first; the carried .gpudeps only where those are missing.
t0=$(date +%s)
if ! configure; then
  if compgen -G ".gpudeps/*.deb" >/dev/null; then
    echo "gpu-check: configure failed with the machine's packages ($(grep -m1 -E 'Could not find|not found' \
      "$logs/configure.log")); retrying with .gpudeps"
    mv "$logs/configure.log" "$logs/configure-system.log"
    prefix=${TMPDIR:-/tmp}/xorseed-deps
    rm -rf "$prefix" "$build_dir" && mkdir -p "$prefix"
    for deb in .gpudeps/*.deb; do
      if command -v dpkg-deb >/dev/null; then
        dpkg-deb -x "$deb" "$prefix"
      else  # a .deb is an ar archive holding data.tar.*
        (tmp=$(mktemp -d) && cd "$tmp" && ar x "$OLDPWD/$deb" && tar -xf data.tar.* -C "$prefix"; rc=$?; rm -rf "$tmp"; exit $rc)
      fi || echo "gpu-check: could not unpack $deb"
    done
    export LD_LIBRARY_PATH="$prefix/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    echo "gpu-check: dependencies from .gpudeps ($(ls .gpudeps/*.deb | wc -l) packages) unpacked into $prefix"
    configure "-DCMAKE_PREFIX_PATH=$prefix/usr"
  else
    false
  fi
fi || { tail -30 "$logs/configure.log"; pack;
  echo "gpu-check: configure failed (missing packages? carry .gpudeps from tools/gpu-deps.sh)"; exit 1; }
grep -E '^-- xorseed:' "$logs/configure.log"
run_for 0 cmake --build "$build_dir" -j"$(nproc)" >"$logs/build.log" 2>&1 || { grep -E 'error|Error' "$logs/build.log" | head -30;
  pack; echo "gpu-check: build failed (or ran out of time)"; exit 1; }
build_s=$(( $(date +%s) - t0 ))
warnings=$(grep -c 'warning' "$logs/build.log" || true)
pack

# The tests that use the GPU (or pick it by themselves: auto) first; then our benchmarks and the
# peers (gpu-bench.sh); the CPU-only tests last, with what is left (CI runs them on every push too).
# GPU tests run 4 at a time: chunk sizes are capped (2^24 networks = 2.4 GB fused, 2^20 cuda-blas),
# so they never compete for device memory, and most of their time is the CPU reference.
gpu_tests='Cuda|Gpu|CliRegress|TrainerFactory'
t0=$(date +%s)
run_for 120 ctest --test-dir "$build_dir" --output-on-failure -j4 --timeout 240 -V -R "$gpu_tests" \
  >"$logs/ctest-gpu.log" 2>&1
ctest_gpu_rc=$?
gpu_test_s=$(( $(date +%s) - t0 ))
# The CUDA tests print their measured agreement; keep those lines for the table.
grep -E '^[0-9]+: cuda[ -]' "$logs/ctest-gpu.log" | sed 's/^[0-9]*: //' >"$logs/agreement.txt" || true
summary_gpu=$(grep -E 'tests passed|tests failed' "$logs/ctest-gpu.log" | tail -1)
skipped=$(grep -c 'Skipped' "$logs/ctest-gpu.log" || true)
grep -E 'Failed|\*\*\*' "$logs/ctest-gpu.log" | head -20
pack

GPU_BENCH_DEADLINE=$(( deadline - 90 )) OUT="$logs" bash tools/gpu-bench.sh "$build_dir" >"$logs/gpu-bench.log" 2>&1
bench_table=$(sed -n '/^| implementation/,$p' "$logs/gpu-bench.log")
pack

# The main job (tools/run.sh: 3 x 1,000,000 networks, --device auto) on this build, timed. No package
# setup here (nothing can be installed; configure already found what the build needs).
t0=$(date +%s)
XORSEED_SETUP=skip XORSEED_BUILD_DIR=$build_dir run_for 60 bash tools/run.sh --out "$logs/study-out" >"$logs/main-job.log" 2>&1
main_rc=$?
main_s=$(( $(date +%s) - t0 ))
main_table=$(grep -E '^\|' "$logs/main-job.log")
pack

t0=$(date +%s)
run_for 5 ctest --test-dir "$build_dir" --output-on-failure -j"$(nproc)" -E "$gpu_tests" >"$logs/ctest-cpu.log" 2>&1
ctest_cpu_rc=$?
cpu_test_s=$(( $(date +%s) - t0 ))
summary_cpu=$(grep -E 'tests passed|tests failed' "$logs/ctest-cpu.log" | tail -1)
grep -E 'Failed|\*\*\*' "$logs/ctest-cpu.log" | head -20

ctest_rc=$(( ctest_gpu_rc != 0 ? ctest_gpu_rc : ctest_cpu_rc ))
{
  echo
  echo "================ gpu-check summary ================"
  echo "device:   $(head -1 "$logs/gpu.txt")"
  echo "build:    ${build_s}s, ${warnings} warning lines (build.log)"
  echo "tests:    GPU: ${summary_gpu:-no ctest summary} (rc=$ctest_gpu_rc, ${gpu_test_s}s, 'Skipped' lines:" \
    "$skipped; ctest-gpu.log)"
  echo "          CPU: ${summary_cpu:-no ctest summary} (rc=$ctest_cpu_rc, ${cpu_test_s}s; ctest-cpu.log)"
  echo "agreement (measured by the CUDA tests):"
  sed 's/^/  /' "$logs/agreement.txt"
  echo "main job: tools/run.sh, rc=$main_rc, ${main_s}s (build included; main-job.log, study-out/):"
  grep -m2 -E '^(device|xorseed study):' "$logs/main-job.log" | sed 's/^/  /'
  echo "${main_table:-  no table; see main-job.log}"
  echo "bench (median; full: gpu-bench.log, bench_gpu_*.json):"
  echo "${bench_table:-  gpu-bench produced no table; see gpu-bench.log}"
  [ "$logs" != "$out" ] && echo "logs: \$OUT/gpu-check-logs.tar.gz"
  echo "time: $(( budget - $(left) ))s of the ${budget}s budget"
} | tee "$logs/summary.txt"
[ "$logs" != "$out" ] && cp "$logs/summary.txt" "$out/summary.txt"
pack
exit $ctest_rc
