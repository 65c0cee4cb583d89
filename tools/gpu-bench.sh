#!/usr/bin/env bash
# Workload W on the GPU, ours and the peers' in one call, one table with ratios (printed last).
#   ours:  xorseed_bench BM_Fused (fused kernel alone, CUDA events, N = 2^22, T = 20000, float,
#          precise and fast; plus tanh/sigmoid for the runtime-switch path), median of 3 repetitions;
#          xorseed_bench BM_CudaBlas (the cuda-blas backend: cuBLAS strided-batched GEMMs, N = 2^20,
#          T = 2000, float precise, one whole training per timing), median of 3 repetitions
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
"$build_dir/xorseed_bench" --benchmark_filter='BM_Fused' --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true --benchmark_format=json --benchmark_out="$out/bench_fused.json" \
  --benchmark_out_format=json >"$out/bench_fused.stdout" 2>"$out/bench_fused.stderr"
echo "rc=$? (log: $out/bench_fused.*)"
"$build_dir/xorseed_bench" --benchmark_filter='BM_CudaBlas' --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true --benchmark_format=json --benchmark_out="$out/bench_cuda_blas.json" \
  --benchmark_out_format=json >"$out/bench_cuda_blas.stdout" 2>"$out/bench_cuda_blas.stderr"
echo "rc=$? (log: $out/bench_cuda_blas.*)"

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

python3 - "$out" <<'PY'
import glob, json, os, re, sys
out = sys.argv[1]
rows = []
for file, bench, prefix in (("bench_fused.json", "BM_Fused", "xorseed "), ("bench_cuda_blas.json", "BM_CudaBlas", "xorseed cuda-blas ")):
    try:
        data = json.load(open(os.path.join(out, file)))
        for b in data.get("benchmarks", []):
            if b.get("aggregate_name") == "median" and "net_iter_per_s" in b:
                rows.append((prefix + b["run_name"].replace(bench + "/", ""), b["net_iter_per_s"], b.get("label", "")))
            elif b.get("error_occurred"):
                rows.append((prefix + b["name"], float("nan"), b.get("error_message", "")))
    except Exception as e:  # no json: the bench failed; its log says why
        rows.append(("xorseed " + bench, float("nan"), f"no results ({e})"))
for log in sorted(glob.glob(os.path.join(out, "peer_*.log"))):
    m = None
    for line in open(log, errors="replace"):
        m = re.match(r"PEER name=(\S+) N=(\d+) T=(\d+) seconds=(\S+) net_iter_per_s=(\S+)", line) or m
    name = os.path.basename(log)[5:-4]
    rows.append((name, float(m.group(5)), f"N={m.group(2)} T={m.group(3)}") if m else (name, float("nan"), "failed"))
ref = next((r[1] for r in rows if "fast:1" in r[0] and "generic:0" in r[0]), float("nan"))
print("\n| implementation | network-iterations/s | vs xorseed fast (W) | note |")
print("|---|---:|---:|---|")
for name, rate, note in rows:
    ratio = ref / rate if rate == rate and rate > 0 and ref == ref else float("nan")
    print(f"| {name} | {rate:.3e} | {ratio:.1f}x | {note} |")
print("(ratio = how many times faster the fused kernel in fast mode on W is than that row)")
PY
