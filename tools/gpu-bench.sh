#!/usr/bin/env bash
# Workload W on the GPU, ours and the peers' in one call, one table with ratios (printed last).
#   ours:  xorseed_bench BM_Fused* (the fused kernels alone, CUDA events, N = 2^22, T = 20000, float,
#          precise and fast, plus tanh/sigmoid for the reference-order lane; double; early stopping on
#          1,000,000 default networks, from which the lane utilisation), median of 3 repetitions
#          BM_CudaBlas: the cuda-blas backend (cuBLAS strided-batched GEMMs, N = 2^20, T = 2000, float
#          precise, one whole training per timing), the unfused baseline
#   bound: tools/sass_loops.py on the built kernels: instructions of the hot loop -> issue bound
#   peers: tools/peers/torch_peer.py (eager, compile) and tools/peers/jax_peer.py, N = 2^22, median
#          of 3 timed runs of T iterations each after a warm-up; each peer's --check (its step against
#          numpy, float64 and float32) runs first, and a failed check is its row instead of a figure
# Each benchmark family runs as its own xorseed_bench call (its own bench_gpu_<family>.json), most
# important first, and everything runs under `timeout` with what is left before GPU_BENCH_DEADLINE
# (seconds since the epoch; tools/gpu-check.sh sets it): what does not fit is skipped, not cut off
# half-written, and the table is printed from whatever finished.
# Usage: tools/gpu-bench.sh [build-dir]   (default build-gpu; $OUT, default out/gpu, gets the logs)
#   PEER_ARGS is appended to every peer command ('--device cpu --networks 4096' smoke-runs them on a CPU);
#   PEER_TIMEOUT (default 150) bounds each peer run, check and timing apart (and the deadline bounds all)
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

run_peer() {  # name, command...: its --check, then (if that passed) the timing
  local name=$1; shift
  # shellcheck disable=SC2086  # PEER_ARGS is split into words on purpose
  set -- "$@" ${PEER_ARGS:-}
  echo "== gpu-bench: peer $name: $* --check"
  run_for "${PEER_TIMEOUT:-150}" "$@" --check >"$out/peercheck_$name.log" 2>&1
  local rc=$?
  grep '^PEERCHECK ' "$out/peercheck_$name.log" || tail -3 "$out/peercheck_$name.log"
  if [ "$rc" -ne 0 ]; then echo "peer $name: check failed (rc=$rc), not timed"; return; fi
  echo "== gpu-bench: peer $name: $*"
  run_for "${PEER_TIMEOUT:-150}" "$@" >"$out/peer_$name.log" 2>&1
  rc=$?
  grep '^PEER ' "$out/peer_$name.log" || { echo "peer $name failed (rc=$rc):"; tail -5 "$out/peer_$name.log"; }
}
rm -f "$out"/peer_*.log "$out"/peercheck_*.log  # the table reads every peer log in $out
run_peer torch-eager python3 tools/peers/torch_peer.py --mode eager --networks "$n" --iterations 100
run_peer torch-compile python3 tools/peers/torch_peer.py --mode compile --networks "$n" --iterations 200
run_peer jax python3 tools/peers/jax_peer.py --networks "$n" --iterations 2000

# The issue bound beside the measurements: SASS instructions of the lanes kernel's hot loop (float, H = 2).
run_for 60 python3 tools/sass_loops.py "$build_dir/kernels/libxorseed_kernels.a" 'lanes_kernelINS_(8FastMath|11PreciseMath)EfLi2E' \
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
def nonblank_lines(path):
    try:
        return [l.strip() for l in open(path, errors="replace") if l.strip()]
    except OSError:
        return []
for check_log in sorted(glob.glob(os.path.join(out, "peercheck_*.log"))):
    name = os.path.basename(check_log)[len("peercheck_"):-4]
    lines = nonblank_lines(check_log)
    check = next((l for l in lines if l.startswith("PEERCHECK ")), "")
    if "result=pass" not in check:  # the check's verdict, or why it did not run (e.g. "... is not installed")
        why = lines[-1] if lines else "no output"
        verdict = re.sub(r"^PEERCHECK name=\S+ ", "", check)
        note = f"check failed: {verdict}" if check else why if "not installed" in why else f"check did not run: {why}"
        rows.append((name, float("nan"), note.replace("|", "/")))
        continue
    diffs = re.search(r"max_abs_diff=(\S+) float32_max_abs_diff=(\S+)", check)
    lines = nonblank_lines(os.path.join(out, f"peer_{name}.log"))
    m = None
    for line in lines:
        m = re.match(r"PEER name=(\S+) N=(\d+) T=(\d+) seconds=(\S+) net_iter_per_s=(\S+)( device=\S+)?", line) or m
    note = f"check passed (max diff vs numpy: float64 {diffs.group(1)}, float32 {diffs.group(2)})"
    if m and m.group(6):
        note += f";{m.group(6)}: a smoke run, not a GPU figure"
    rows.append((name, float(m.group(5)), f"N={m.group(2)} T={m.group(3)}; {note}") if m else
                (name, float("nan"), f"timing failed: {(lines[-1] if lines else 'no output').replace('|', '/')}"))
fast, precise = rate_of(r"Fused/fast:1/T:20000/generic:0"), rate_of(r"Fused/fast:0/T:20000/generic:0")
def ratio(ref, rate):
    return f"{ref / rate:.2f}x" if rate == rate and rate > 0 and ref == ref else "n/a"
print("\n| implementation | network-iterations/s | xorseed fast (W) / this | xorseed precise (W) / this | note |")
print("|---|---:|---:|---:|---|")
for name, rate, note in rows:
    if name.startswith("lane utilisation"):
        print(f"| {name} | {rate:.3f} | | | {note} |")
        continue
    print(f"| {name} | {rate:.3e} | {ratio(fast, rate)} | {ratio(precise, rate)} | {note} |")
print("(a ratio: how many times faster the fused kernel on workload W, in that math mode, is than that row)")
PY
