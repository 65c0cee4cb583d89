#!/usr/bin/env python3
"""The Python package's overhead against the CLI, end to end: the same study (default network, 1,000,000
networks, --device cpu, no images) run alternately as `xorseed study` and as `xorseed.study()` in a fresh
interpreter (import included), each in a new output directory; median wall time of each and their ratio.

Usage: bench/python_vs_cli.py CLI PYTHON [REPEATS] [SEEDS]
  CLI     the xorseed program (build/xorseed)
  PYTHON  an interpreter with the package installed (build/python-venv/bin/python, tools/test_python.sh)
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    cli, python = sys.argv[1], sys.argv[2]
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    seeds = int(sys.argv[4]) if len(sys.argv) > 4 else 1000000
    work = tempfile.mkdtemp(prefix="xorseed-bench-")
    times = {"cli": [], "python": []}
    try:
        for k in range(repeats):
            out = os.path.join(work, f"cli{k}")
            times["cli"].append(timed([cli, "study", "--seeds", str(seeds), "--device", "cpu", "--no-images",
                                       "--out", out]))
            out = os.path.join(work, f"py{k}")
            code = (f"import xorseed; xorseed.study(seeds={seeds}, device='cpu', images=False, progress=False, "
                    f"out={out!r})")
            times["python"].append(timed([python, "-c", code]))
            print(f"repeat {k + 1}: cli {times['cli'][-1]:.2f} s, python {times['python'][-1]:.2f} s", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    c, p = statistics.median(times["cli"]), statistics.median(times["python"])
    print(f"median of {repeats}: cli {c:.2f} s, python {p:.2f} s, python / cli = {p / c:.4f}")
    print("all (s): cli " + ", ".join(f"{t:.2f}" for t in times["cli"]) + "; python " +
          ", ".join(f"{t:.2f}" for t in times["python"]))


if __name__ == "__main__":
    main()
