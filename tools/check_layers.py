#!/usr/bin/env python3
"""Every include points down: checks each project #include against the layer table below.

A file in folder F may include a project header only from F itself or from a folder that F's row
lists. Rows are ordered bottom to top; python/ (the Python package's bindings) is a top layer beside
host/cli; tests/, bench/ and tools/ sit above everything.
Usage: tools/check_layers.py [ROOT]   (exit 1 and one line per violation when an include points up)
"""
import os
import re
import sys

# folder -> the folders below it that it may include (besides itself)
LAYERS = {
    "core": [],
    "kernels": ["core"],
    "reference": ["core", "kernels"],
    "host/io": ["core"],
    "host/backends": ["core", "kernels", "reference"],
    "host/images": ["core", "kernels", "reference", "host/io"],
    "host/report": ["core", "kernels", "reference", "host/io", "host/images"],
    "host/regression": ["core", "kernels", "host/io"],
    "host/study": ["core", "kernels", "reference", "host/io", "host/backends", "host/images"],
    "host/cli": ["core", "kernels", "reference", "host/io", "host/backends", "host/images",
                 "host/report", "host/regression", "host/study"],
    "python": ["core", "kernels", "reference", "host/io", "host/backends", "host/images",
               "host/report", "host/regression", "host/study"],
}
TOP = ("tests", "bench", "tools")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def layer_of(path):
    """The longest LAYERS key that is a prefix folder of path (host/backends/cpu/x -> host/backends)."""
    best = None
    for key in LAYERS:
        if path.startswith(key + "/") and (best is None or len(key) > len(best)):
            best = key
    return best


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    bad = []
    checked = 0
    for top in ["core", "kernels", "reference", "host", "python"]:
        for dirpath, _, names in os.walk(os.path.join(root, top)):
            for name in names:
                if not name.endswith((".hpp", ".cpp", ".cu", ".cuh", ".h")):
                    continue
                path = os.path.relpath(os.path.join(dirpath, name), root)
                layer = layer_of(path)
                if layer is None:
                    bad.append(f"{path}: in no layer of tools/check_layers.py's table")
                    continue
                allowed = [layer] + LAYERS[layer]
                for inc in INCLUDE.findall(open(os.path.join(root, path)).read()):
                    checked += 1
                    if not os.path.exists(os.path.join(root, inc)):
                        bad.append(f"{path}: includes \"{inc}\", which is not a root-relative project path")
                    elif inc.startswith(TOP) or layer_of(inc) not in allowed:
                        bad.append(f"{path}: includes \"{inc}\" from layer {layer_of(inc) or inc.split('/')[0]}, "
                                   f"above {layer} (allowed: {', '.join(allowed)})")
    for line in bad:
        print(line)
    print(f"check_layers: {checked} includes checked, {len(bad)} pointing up or unresolved")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
