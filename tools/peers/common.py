"""Workload W for the peer implementations (bench/NOTES.md).

2-2-1 networks, sigmoid hidden and output, the four XOR corners, lr 0.5, float32, a fixed number
of iterations T (no early stop), N independent networks. Parameters ~ U(-0.5, 0.5) from the
framework's own generator (the peers time the training, not xorseed's seeds).

One iteration = docs/semantics.md §5: per network, the update direction is (1/B) sum_b delta_b x_b^T,
which equals the gradient of mean_b (e_b^2 / 2); hence W -= lr * grad(mean(e^2) / 2), and summing
the per-network losses keeps the networks independent.

Every peer prints exactly one result line (and only that line starts with PEER):
  PEER name=<name> N=<networks> T=<iterations> seconds=<median> net_iter_per_s=<N*T/seconds>
(with --device cpu, " device=cpu" follows: a smoke run, not a GPU figure).

--check instead trains CHECK_NETWORKS networks for CHECK_ITERATIONS iterations from the same
float64 numpy parameters (check_params) with the step function that is timed, in float64 and in
float32, compares them with reference_train (docs/semantics.md §5's iteration written out in numpy, float64)
and prints one line, exiting 1 if a difference is over its tolerance (CHECK_TOL):
  PEERCHECK name=<name> N=8 T=100 max_abs_diff=<float64> float32_max_abs_diff=<float32> result=pass|FAIL
"""
import argparse
import os
import statistics
import sys
import time

try:
    import numpy as np
except ImportError as e:
    sys.exit(f"{os.path.basename(sys.argv[0])}: numpy is not installed ({e})")

CORNERS = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
TARGETS = [0.0, 1.0, 1.0, 0.0]
LR = 0.5
INIT_RANGE = 0.5
DEVICES = ("cuda", "cpu")
CHECK_NETWORKS, CHECK_ITERATIONS = 8, 100
CHECK_TOL = {"float64": 1e-10, "float32": 1e-5}  # a sum-for-mean or loss-scale slip moves them by > 1e-2


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2 (README "Errors"), not argparse's usage block
        self.exit(2, f"{self.prog}: {message}\n")


def _positive(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a positive integer")
    return value


def parse_args(default_n=1 << 22, default_t=200, modes=None):
    p = _Parser(description=__doc__.splitlines()[0])
    if modes:
        p.add_argument("--mode", default=modes[0], choices=modes, help="implementation variant")
    p.add_argument("--device", default="cuda", choices=DEVICES, help="cuda (default) or cpu (a smoke run only)")
    p.add_argument("--check", action="store_true",
                   help=f"check the math against numpy ({CHECK_NETWORKS} networks, {CHECK_ITERATIONS} iterations) "
                        "instead of timing")
    p.add_argument("--networks", type=_positive, default=default_n, help="N, networks trained at once")
    p.add_argument("--iterations", type=_positive, default=default_t, help="T, iterations timed per repeat")
    p.add_argument("--repeats", type=_positive, default=3, help="timed repeats (median reported)")
    p.add_argument("--warmup", type=_positive, default=5, help="iterations run before timing")
    return p.parse_args()


def median_seconds(run_once, repeats):
    """run_once() must return only after the device has finished (synchronize inside)."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        run_once()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def report(name, n, t, seconds, device="cuda"):
    suffix = "" if device == "cuda" else f" device={device}"
    print(f"PEER name={name} N={n} T={t} seconds={seconds:.6f} net_iter_per_s={n * t / seconds:.6e}{suffix}",
          flush=True)


def check_params():
    """--check's initial parameters, float64 ~ U(-0.5, 0.5): [W_h (N, 2, 2), b_h (N, 2), W_o (N, 2), b_o (N,)]."""
    rng = np.random.default_rng(20261124)
    shapes = [(CHECK_NETWORKS, 2, 2), (CHECK_NETWORKS, 2), (CHECK_NETWORKS, 2), (CHECK_NETWORKS,)]
    return [rng.uniform(-INIT_RANGE, INIT_RANGE, s) for s in shapes]


def reference_train(params, iterations):
    """docs/semantics.md §5's iteration written out (float64), for each network n, sample b, hidden unit j:
    forward h = s(W_h x + b_h), y = s(W_o h + b_o); e = y - t; d_o = e y (1 - y);
    d_h = (W_o^T d_o) h (1 - h) with W_o before the update; gradients summed over the B samples;
    then every parameter -= lr * gradient / B."""
    wh, bh, wo, bo = (np.array(p, np.float64) for p in params)
    x, t = np.array(CORNERS), np.array(TARGETS)
    batch = len(x)

    def s(z):
        return 1 / (1 + np.exp(-z))

    for _ in range(iterations):
        h = s(np.einsum("nji,bi->nbj", wh, x) + bh[:, None, :])  # (N, B, H)
        y = s(np.einsum("nbj,nj->nb", h, wo) + bo[:, None])  # (N, B)
        d_o = (y - t) * y * (1 - y)
        d_h = d_o[:, :, None] * wo[:, None, :] * h * (1 - h)  # (N, B, H)
        g_wh, g_bh = np.einsum("nbj,bi->nji", d_h, x), d_h.sum(1)
        g_wo, g_bo = np.einsum("nb,nbj->nj", d_o, h), d_o.sum(1)
        for p, g in ((wh, g_wh), (bh, g_bh), (wo, g_wo), (bo, g_bo)):
            p -= LR * g / batch
    return [wh, bh, wo, bo]


def check_report(name, trained):
    """trained: {"float64": params, "float32": params}, each [W_h, b_h, W_o, b_o] as numpy arrays after
    CHECK_ITERATIONS of the peer's step from check_params(). Prints the PEERCHECK line; returns the exit code."""
    want = reference_train(check_params(), CHECK_ITERATIONS)
    diffs = {}
    for dtype, got in trained.items():
        shapes_ok = [np.shape(g) for g in got] == [w.shape for w in want]
        diffs[dtype] = max(float(np.max(np.abs(np.asarray(g, np.float64) - w))) for g, w in zip(got, want)) \
            if shapes_ok else float("nan")
    ok = all(diffs[dt] <= CHECK_TOL[dt] for dt in CHECK_TOL)  # a NaN fails
    print(f"PEERCHECK name={name} N={CHECK_NETWORKS} T={CHECK_ITERATIONS} max_abs_diff={diffs['float64']:.3e} "
          f"float32_max_abs_diff={diffs['float32']:.3e} result={'pass' if ok else 'FAIL'}", flush=True)
    return 0 if ok else 1
