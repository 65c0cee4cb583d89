"""Workload W for the peer implementations (DESIGN.md "Performance model").

2-2-1 networks, sigmoid hidden and output, the four XOR corners, lr 0.5, float32, a fixed number
of iterations T (no early stop), N independent networks. Parameters ~ U(-0.5, 0.5) from the
framework's own generator (the peers time the training, not xorseed's seeds).

One iteration = DESIGN.md's: per network, the update direction is (1/B) sum_b delta_b x_b^T,
which equals the gradient of mean_b (e_b^2 / 2); hence W -= lr * grad(mean(e^2) / 2), and summing
the per-network losses keeps the networks independent.

Every peer prints exactly one result line (and only that line starts with PEER):
  PEER name=<name> N=<networks> T=<iterations> seconds=<median> net_iter_per_s=<N*T/seconds>
"""
import argparse
import statistics
import time

CORNERS = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
TARGETS = [0.0, 1.0, 1.0, 0.0]
LR = 0.5
INIT_RANGE = 0.5


def parse_args(default_n=1 << 22, default_t=200):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--networks", type=int, default=default_n, help="N, networks trained at once")
    p.add_argument("--iterations", type=int, default=default_t, help="T, iterations timed per repeat")
    p.add_argument("--repeats", type=int, default=3, help="timed repeats (median reported)")
    p.add_argument("--warmup", type=int, default=5, help="iterations run before timing")
    return p.parse_args()


def median_seconds(run_once, repeats):
    """run_once() must return only after the device has finished (synchronize inside)."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        run_once()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def report(name, n, t, seconds):
    print(f"PEER name={name} N={n} T={t} seconds={seconds:.6f} net_iter_per_s={n * t / seconds:.6e}", flush=True)
