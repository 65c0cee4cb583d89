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
# Each benchmark family runs as its own xorseed_bench call (its own bench_gpu_<family>.json), most
# important first, and everything runs under `timeout` with what is left before GPU_BENCH_DEADLINE
# (seconds since the epoch; tools/gpu-check.sh sets it): what does not fit is skipped, not cut off
# half-written, and the table is printed from whatever finished.
# Usage: tools/gpu-bench.sh [build-dir]   (default build-gpu; $OUT, default out/gpu, gets the logs)
set -uo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build-gpu}
out=${OUT:-out/gpu}
mkdir -p "$out"
n=$((1 << 22))
deadline=${GPU_BENCH_DEADLINE:-$(( $(date +%s) + 7200 ))}
left() { echo $(( deadline - $(date +%s) )); }
# Runs "$@" under timeout: at most $1 seconds, and never past the deadline; 124 when out of time.
run_for() {
  local cap=$1; shift
  local t=$(left)
  [ "$t" -gt "$cap" ] && t=$cap
  [ "$t" -lt 15 ] && { echo "skipped (out of time): $*"; return 124; }
  timeout "$t" "$@"
}

rm -f "$out"/bench_gpu_*.json
# family=filter, in order of importance (the python below lists the same names)
for entry in 'FusedW=^BM_Fused/.*generic:0' 'FusedEarlyStop=^BM_FusedEarlyStop/' 'CudaBlas=^BM_CudaBlas/' \
             'FusedGeneric=^BM_Fused/.*generic:1' 'FusedDouble=^BM_FusedDouble/' 'FusedShape=^BM_FusedShape/'; do
  family=${entry%%=*}
  echo "== gpu-bench: ours, $family: ${entry#*=} (${build_dir}/xorseed_bench)"
  run_for 240 "$build_dir/xorseed_bench" --benchmark_filter="${entry#*=}" --benchmark_repetitions=3 \
    --benchmark_report_aggregates_only=true --benchmark_out="$out/bench_gpu_$family.json" \
    --benchmark_out_format=json >"$out/bench_gpu_$family.stdout" 2>&1
  rc=$?
  echo "rc=$rc (log: $out/bench_gpu_$family.stdout)"
  [ $rc -eq 0 ] || rm -f "$out/bench_gpu_$family.json"  # cut off: no half-written json
done

run_peer() {  # name, command...
  local name=$1; shift
  echo "== gpu-bench: peer $name: $*"
  run_for 300 "$@" >"$out/peer_$name.log" 2>&1
  local rc=$?
  grep '^PEER ' "$out/peer_$name.log" || { echo "peer $name failed (rc=$rc):"; tail -5 "$out/peer_$name.log"; }
}
run_peer torch-eager python3 tools/peers/torch_peer.py --mode eager --networks "$n" --iterations 100
run_peer torch-compile python3 tools/peers/torch_peer.py --mode compile --networks "$n" --iterations 200
run_peer jax python3 tools/peers/jax_peer.py --networks "$n" --iterations 2000

# The issue bound beside the measurements: SASS instructions of the lanes kernel's hot loop (float, H = 2).
run_for 60 python3 tools/sass_loops.py "$build_dir/libxorseed_cuda.a" 'lanes_kernelINS_(8FastMath|11PreciseMath)EfLi2E' \
  >"$out/sass_loops.txt" 2>&1 || echo "sass_loops failed: $(tail -1 "$out/sass_loops.txt")"

python3 - "$out" <<'PY'
import glob, json, os, re, sys
out = sys.argv[1]
rows = []  # (name, rate, note)
families = ["FusedW", "FusedEarlyStop", "CudaBlas", "FusedGeneric", "FusedDouble", "FusedShape"]  # as run above
files = [p for p in (os.path.join(out, f"bench_gpu_{f}.json") for f in families) if os.path.exists(p)]
if not files:
    rows.append(("xorseed BM_Fused", float("nan"), "no results (see bench_gpu_*.stdout)"))
for path in files:
    try:
        benchmarks = json.load(open(path)).get("benchmarks", [])
    except Exception as e:  # a broken json: that family's log says why
        rows.append((f"xorseed {os.path.basename(path)}", float("nan"), f"no results ({e})"))
        continue
    for b in benchmarks:
        name = "xorseed " + b.get("run_name", b["name"]).replace("BM_", "")
        if b.get("error_occurred"):  # once per benchmark, not once per repetition
            if not any(r[0] == name for r in rows):
                rows.append((name, float("nan"), b.get("error_message", "")))
        elif b.get("aggregate_name") == "median":
            rate = b.get("net_iter_per_s", b.get("useful_net_iter_per_s"))
            if rate is None:
                continue
            note = b.get("label", "")
            if "useful_net_iter_per_s" in b:
                note += f"; useful iterations, mean {b.get('mean_iterations', float('nan')):.0f} per network"
            rows.append((name, rate, note))
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
