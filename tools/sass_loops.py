#!/usr/bin/env python3
"""Count the SASS instructions of a kernel's hot loops (bench/NOTES.md), and the issue bound they imply.

Usage: tools/sass_loops.py BINARY KERNEL_REGEX [--sms 132 --ghz 1.98]
  BINARY        a cubin, object or static library with device code (e.g. build-gpu/kernels/libxorseed_kernels.a)
  KERNEL_REGEX  matched against the mangled names, e.g. 'lanes_kernelINS_8FastMathEfLi2E'
cuobjdump is taken from $CUOBJDUMP, else PATH, else /usr/local/cuda/bin.

A hot loop is a backward branch whose body is one basic block (no other branch inside) and holds
MUFU or FFMA work: the per-iteration body of a lane. Prints one line per hot loop:
  loop <start>-<end> instructions=N mufu=M issue_bound=... sfu_bound=...
issue bound = SMs x 128 lanes x clock / N; SFU bound = SMs x 16 MUFU/clk x clock / M.
"""
import argparse, collections, os, re, shutil, subprocess, sys


def cuobjdump():
    for c in (os.environ.get("CUOBJDUMP"), shutil.which("cuobjdump"), "/usr/local/cuda/bin/cuobjdump"):
        if c and os.path.exists(c):
            return c
    sys.exit("sass_loops: cuobjdump not found (set CUOBJDUMP, or pip install nvidia-cuda-cuobjdump)")


def kernels(sass):
    name, body = None, []
    for line in sass.splitlines():
        m = re.search(r"Function : (\S+)", line)
        if m:
            if name:
                yield name, body
            name, body = m.group(1), []
            continue
        m = re.match(r"\s*/\*([0-9a-f]{4,6})\*/\s*(.*?)\s*;", line)
        if m and name:
            body.append((int(m.group(1), 16), m.group(2)))
    if name:
        yield name, body


def op(text):
    return re.sub(r"^@!?U?P\w+\s+", "", text).split()[0].split(".")[0]


def hot_loops(body):
    for addr, text in body:
        m = re.search(r"BRA\s+(?:\S+\s+)?0x([0-9a-f]+)", text)
        if not m or int(m.group(1), 16) >= addr:
            continue
        start = int(m.group(1), 16)
        loop = [x for x in body if start <= x[0] <= addr]
        ops = collections.Counter(op(t) for _, t in loop)
        if ops["BRA"] == 1 and (ops["MUFU"] or ops["FFMA"] or ops["DFMA"]):
            yield start, addr, len(loop), ops


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("kernel")
    ap.add_argument("--sms", type=int, default=132)
    ap.add_argument("--ghz", type=float, default=1.98)
    a = ap.parse_args()
    sass = subprocess.run([cuobjdump(), "-sass", a.binary], capture_output=True, text=True, check=True).stdout
    found = False
    for name, body in kernels(sass):
        if not re.search(a.kernel, name):
            continue
        found = True
        print(f"kernel {name}")
        for start, end, n, ops in sorted(hot_loops(body), key=lambda x: x[2]):
            issue = a.sms * 128 * a.ghz * 1e9 / n
            mufu = ops["MUFU"]
            sfu = a.sms * 16 * a.ghz * 1e9 / mufu if mufu else float("inf")
            top = ", ".join(f"{k} {v}" for k, v in ops.most_common(6))
            print(f"  loop {start:#x}-{end:#x} instructions={n} mufu={mufu} issue_bound={issue:.3e} "
                  f"sfu_bound={sfu:.3e} ({top})")
    if not found:
        sys.exit(f"sass_loops: no kernel matches {a.kernel!r}")


if __name__ == "__main__":
    main()
