#!/usr/bin/env python3
"""Minimax polynomial fits (Remez exchange, relative error) for the cpu backend's precise float math
(host/backends/cpu/cpu_pack.hpp: exp_precise, tanh_precise). Standard library only; plain doubles are enough for
errors down to ~1e-13.

    python3 tools/remez_fit.py        # prints degree, max relative error and coefficients (c0 first)

  exp  : 2^r on [-1/2, 1/2]
  expm1: (2^r - 1) / r on [-1/2, 1/2]  (tanh uses 2^r - 1 = r * P(r), no cancellation near 0)
"""
import math


def solve(a, b):
    n = len(b)
    m = [row[:] + [bb] for row, bb in zip(a, b)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(n):
            if r != c:
                f = m[r][c] / m[c][c]
                for k in range(c, n + 1):
                    m[r][k] -= f * m[c][k]
    return [m[i][n] / m[i][i] for i in range(n)]


def remez(f, lo, hi, degree, iterations=30, grid=20000):
    """Polynomial of `degree` minimising max |p(x) / f(x) - 1| on [lo, hi]: (coefficients, error)."""
    n = degree + 1
    pts = [0.5 * (lo + hi) + 0.5 * (hi - lo) * math.cos(math.pi * (n - i) / n) for i in range(n + 1)]
    xs = [lo + (hi - lo) * k / grid for k in range(grid + 1)]
    coef, worst = None, None
    for _ in range(iterations):
        rows = [[x ** j for j in range(n)] + [(-1) ** i * f(x)] for i, x in enumerate(pts)]
        coef = solve(rows, [f(x) for x in pts])[:n]
        errs = [sum(c * x ** j for j, c in enumerate(coef)) / f(x) - 1 for x in xs]
        worst = max(abs(e) for e in errs)
        ext = [0] + [k for k in range(1, grid) if (errs[k] - errs[k - 1]) * (errs[k + 1] - errs[k]) <= 0] + [grid]
        alt = []
        for k in ext:  # alternating extrema, the largest of each sign run
            if alt and (errs[k] > 0) == (errs[alt[-1]] > 0):
                if abs(errs[k]) > abs(errs[alt[-1]]):
                    alt[-1] = k
            else:
                alt.append(k)
        while len(alt) > n + 1:
            alt.pop(0 if abs(errs[alt[0]]) < abs(errs[alt[-1]]) else -1)
        if len(alt) < n + 1:
            break
        pts = [xs[k] for k in alt]
    return coef, worst


def main():
    ln2 = math.log(2)
    fits = {
        "exp   2^r": lambda x: 2.0 ** x,
        "expm1 (2^r-1)/r": lambda x: ln2 if x == 0 else math.expm1(x * ln2) / x,
    }
    for name, f in fits.items():
        for degree in (5, 6, 7):
            coef, err = remez(f, -0.5, 0.5, degree)
            print(f"{name} degree {degree}: max relative error {err:.3g} (2^{math.log2(err):.1f})")
            print("    " + ", ".join(repr(c) for c in coef))


if __name__ == "__main__":
    main()
