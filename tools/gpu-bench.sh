#!/usr/bin/env bash
# Workload W on the GPU, ours and the peers' in one call, one table with ratios (printed last).
#   ours:  xorseed_bench BM_Fused* (the fused kernels alone, CUDA events, N = 2^22, T = 20000, float,
#          precise and fast, plus tanh/sigmoid for the reference-order lane; double; early stopping on
#          1,000,000 default networks, from which the lane utilisation), median of 3 repetitions
#          BM_CudaBlas: the cuda-blas backend (cuBLAS strided-batched GEMMs, N = 2^20, T = 2000, float
#          precise, one whole training per timing), the unfused baseline
#   bound: tools/sass_loops.py on the built kernels: instructions of the hot loop -> issue bound
#   peers: tools/peers/torch_peer.py (eager, compile) and tools/peers/jax_peer.py, N = 2^22, median
#          of 3 timed runs of T iterations each after a warm-up
# Usage: tools/gpu-bench.sh [build-dir]   (default build-gpu; $OUT, default out/gpu, gets the logs)
set -uo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build-gpu}
out=${OUT:-out/gpu}
mkdir -p "$out"
n=$((1 << 22))

echo "== gpu-bench: ours (${build_dir}/xorseed_bench)"
"$build_dir/xorseed_bench" --benchmark_filter='BM_Fused|BM_CudaBlas' --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true --benchmark_format=json --benchmark_out="$out/bench_gpu.json" \
  --benchmark_out_format=json >"$out/bench_gpu.stdout" 2>"$out/bench_gpu.stderr"
echo "rc=$? (log: $out/bench_gpu.*)"

run_peer() {  # name, command...
  local name=$1; shift
  echo "== gpu-bench: peer $name: $*"
  timeout 900 "$@" >"$out/peer_$name.log" 2>&1
  local rc=$?
  grep '^PEER ' "$out/peer_$name.log" || { echo "peer $name failed (rc=$rc):"; tail -5 "$out/peer_$name.log"; }
}
run_peer torch-eager python3 tools/peers/torch_peer.py --mode eager --networks "$n" --iterations 100
run_peer torch-compile python3 tools/peers/torch_peer.py --mode compile --networks "$n" --iterations 200
run_peer jax python3 tools/peers/jax_peer.py --networks "$n" --iterations 2000

# The issue bound beside the measurements: SASS instructions of the lanes kernel's hot loop (float, H = 2).
python3 tools/sass_loops.py "$build_dir/libxorseed_cuda.a" 'lanes_kernelINS_(8FastMath|11PreciseMath)EfLi2E' \
  >"$out/sass_loops.txt" 2>&1 || echo "sass_loops failed: $(tail -1 "$out/sass_loops.txt")"

python3 - "$out" <<'PY'
import glob, json, os, re, sys
out = sys.argv[1]
rows = []  # (name, rate, note)
try:
    data = json.load(open(os.path.join(out, "bench_gpu.json")))
    for b in data.get("benchmarks", []):
        name = "xorseed " + b.get("run_name", b["name"]).replace("BM_", "")
        if b.get("error_occurred"):
            rows.append((name, float("nan"), b.get("error_message", "")))
        elif b.get("aggregate_name") == "median":
            rate = b.get("net_iter_per_s", b.get("useful_net_iter_per_s"))
            if rate is None:
                continue
            note = b.get("label", "")
            if "useful_net_iter_per_s" in b:
                note += f"; useful iterations, mean {b.get('mean_iterations', float('nan')):.0f} per network"
            rows.append((name, rate, note))
except Exception as e:  # no json: the bench failed; its log says why
    rows.append(("xorseed BM_Fused", float("nan"), f"no results ({e})"))
# Lane utilisation: early-stop useful rate / fixed-T rate, same math mode.
def rate_of(pattern):
    return next((r[1] for r in rows if re.search(pattern, r[0])), float("nan"))
for mode in ("0", "1"):
    fixed, early = rate_of(rf"Fused/fast:{mode}/T:20000/generic:0"), rate_of(rf"FusedEarlyStop/fast:{mode}")
    if fixed == fixed and early == early:
        rows.append((f"lane utilisation, {'fast' if mode == '1' else 'precise'}", early / fixed,
                     "early-stop useful rate / fixed-T rate (a ratio, not a rate)"))
# Issue bounds from the SASS count.
try:
    kernel = None
    for line in open(os.path.join(out, "sass_loops.txt")):
        m = re.match(r"kernel \S*lanes_kernelINS_\d+(\w+?)Ef", line)
        if m:
            kernel, first = m.group(1), True
            continue
        m = re.match(r"\s+loop \S+ instructions=(\d+) mufu=(\d+) issue_bound=(\S+) sfu_bound=(\S+)", line)
        if m and kernel and first:  # the shortest hot loop: the tanh-form step without the loss
            first = False
            rows.append((f"issue bound, {kernel}", float(m.group(3)),
                         f"{m.group(1)} SASS instructions/network-iteration, {m.group(2)} MUFU "
                         f"(SFU bound {float(m.group(4)):.3e}); 132 SMs x 128 x 1.98 GHz"))
except OSError:
    pass
for log in sorted(glob.glob(os.path.join(out, "peer_*.log"))):
    m = None
    for line in open(log, errors="replace"):
        m = re.match(r"PEER name=(\S+) N=(\d+) T=(\d+) seconds=(\S+) net_iter_per_s=(\S+)", line) or m
    name = os.path.basename(log)[5:-4]
    rows.append((name, float(m.group(5)), f"N={m.group(2)} T={m.group(3)}") if m else (name, float("nan"), "failed"))
ref = rate_of(r"Fused/fast:1/T:20000/generic:0")
print("\n| implementation | network-iterations/s | xorseed fast (W) / this | note |")
print("|---|---:|---:|---|")
for name, rate, note in rows:
    if name.startswith("lane utilisation"):
        print(f"| {name} | {rate:.3f} | | {note} |")
        continue
    ratio = ref / rate if rate == rate and rate > 0 and ref == ref else float("nan")
    print(f"| {name} | {rate:.3e} | {ratio:.2f}x | {note} |")
print("(ratio = how many times faster the fused kernel in fast mode on W is than that row)")
PY
