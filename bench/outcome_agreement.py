#!/usr/bin/env python3
"""Outcome agreement of two studies of the same grid and seeds, row by row of their networks.csv:
per configuration, the share of networks with the same solved/not-solved outcome, the same failure
class, the same iteration count and within one iteration. Used for the float-vs-double bars of
bench/RESULTS.md (a study run twice, --precision float and --precision double, --per-network).

    python3 bench/outcome_agreement.py A/networks.csv B/networks.csv [A/summary.json]

With a summary.json, each configuration is labelled by the axes that vary in the grid."""
import csv
import json
import sys
from collections import defaultdict


def rows(path):
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            yield (int(r["config_id"]), int(r["network"])), (r["class"], int(r["iterations"]))


def main():
    a = dict(rows(sys.argv[1]))
    b = dict(rows(sys.argv[2]))
    if a.keys() != b.keys():
        sys.exit("the two files hold different networks")
    labels = {}
    if len(sys.argv) > 3:
        for c in json.load(open(sys.argv[3]))["configurations"]:
            labels[c["config_id"]] = c["label"]
    n = defaultdict(int)
    same = defaultdict(lambda: [0, 0, 0, 0])
    for key, (ca, ia) in a.items():
        cb, ib = b[key]
        k = key[0]
        n[k] += 1
        s = same[k]
        s[0] += (ca == "solved") == (cb == "solved")
        s[1] += ca == cb
        s[2] += ia == ib
        s[3] += abs(ia - ib) <= 1
    print("| configuration | networks | solved/not-solved same | failure class same | iterations same | within 1 |")
    print("|---|---:|---:|---:|---:|---:|")
    for k in sorted(n):
        s = same[k]
        print(f"| {labels.get(k, k)} | {n[k]} | " + " | ".join(f"{100 * v / n[k]:.4f} %" for v in s) + " |")


if __name__ == "__main__":
    main()
