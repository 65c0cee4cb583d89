#!/usr/bin/env python3
"""Every docs/semantics.md section the project cites exists and is the section meant.

In a file that mentions docs/semantics.md, a section sign with a number (section 5, or 12.1 for a
subsection) cites docs/semantics.md unless another document's name (NOTES.md, README.md, ...) comes
before it on the same line; so a list of sections may run on over several comment lines, as at the
top of tests/test_reference.cpp. The number may be followed by the section's name in parentheses.
Each cited number must match a heading of docs/semantics.md written "## §N Title" (or "### §N.M
Title"), and a cited name must occur in that title (case-insensitive), so renumbering a section is
caught as well as deleting it; remarks go after the parentheses. A link to one of the document's
anchors must name an <a id="..."> of it. The agreement tests (tests/test_*agreement*.cpp) and the
files in MUST_CITE must cite a section.
Usage: tools/check_semantics_refs.py [ROOT]   (exit 1 and one line per problem)
"""
import os
import re
import sys

DOC = "docs/semantics.md"
SCANNED = ["README.md", "core", "kernels", "reference", "host", "tests", "tools", "bench", "docs"]
SUFFIXES = (".hpp", ".cpp", ".cu", ".cuh", ".h", ".py", ".sh", ".md", ".txt")
# Tests of the semantics that are not named *agreement*: they too say which section they check.
MUST_CITE = ["tests/test_reference.cpp", "tests/test_lane_refill.cpp", "tests/test_philox.cpp",
             "tests/test_study_stats.cpp", "tests/test_outcome_reduction_host.cpp"]

HEADING = re.compile(r"^#{2,4}\s+§(\d+(?:\.\d+)*)\s+(.+?)\s*$", re.M)
ANCHOR = re.compile(r'<a id="([^"]+)"></a>')
# A document's name, or a section sign with its number and an optional "(name)".
TOKEN = re.compile(r"([\w./-]+\.md)\b|§(\d+(?:\.\d+)*)(?:\s*\(([^)]*)\))?")
LINK = re.compile(re.escape(DOC) + r"#([\w.-]+)")


def scanned_files(root):
    for top in SCANNED:
        path = os.path.join(root, top)
        if os.path.isfile(path):
            yield top
            continue
        for dirpath, dirnames, names in os.walk(path):
            dirnames[:] = [d for d in dirnames if not d.startswith((".", "__"))]
            for name in names:
                if name.endswith(SUFFIXES) or name == "CMakeLists.txt":
                    yield os.path.relpath(os.path.join(dirpath, name), root)


def semantics_citations(line):
    """(number, name) of each section sign on the line that refers to docs/semantics.md."""
    current = DOC
    for doc_name, number, name in TOKEN.findall(line):
        if doc_name:
            current = DOC if doc_name.endswith(DOC) else doc_name
        elif current == DOC:
            yield number, name


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    doc_path = os.path.join(root, DOC)
    if not os.path.isfile(doc_path):
        print(f"{DOC} is missing")
        return 1
    doc = open(doc_path, encoding="utf-8").read()
    titles = {number: title for number, title in HEADING.findall(doc)}
    anchors = set(ANCHOR.findall(doc))
    bad = []
    if not titles:
        bad.append(f"{DOC}: no section headings of the form '## §N Title'")

    citing = set()
    cited = 0
    for path in scanned_files(root):
        text = open(os.path.join(root, path), encoding="utf-8", errors="replace").read()
        if DOC not in text and path != DOC:
            continue
        for lineno, line in enumerate(text.split("\n"), 1):
            if path == DOC and HEADING.match(line):
                continue
            for anchor in LINK.findall(line):
                if anchor not in anchors:
                    bad.append(f"{path}:{lineno}: links {DOC}#{anchor}, which has no <a id=\"{anchor}\">")
            for number, name in semantics_citations(line):
                cited += 1
                citing.add(path)
                if number not in titles:
                    bad.append(f"{path}:{lineno}: cites {DOC} §{number}, which has no such section")
                elif name and name.strip().lower() not in titles[number].lower():
                    bad.append(f"{path}:{lineno}: cites {DOC} §{number} ({name}), but §{number} is "
                               f"'{titles[number]}'")

    tests_dir = os.path.join(root, "tests")
    must = set(MUST_CITE)
    if os.path.isdir(tests_dir):
        must |= {f"tests/{n}" for n in os.listdir(tests_dir) if re.fullmatch(r"test_.*agreement.*\.cpp", n)}
    for path in sorted(must):
        if not os.path.isfile(os.path.join(root, path)):
            bad.append(f"{path}: listed in tools/check_semantics_refs.py MUST_CITE but missing")
        elif path not in citing:
            bad.append(f"{path}: cites no section of {DOC} (say which section it checks)")

    for line in bad:
        print(line)
    if not bad:
        print(f"check_semantics_refs: {cited} citations of {len(titles)} sections in {len(citing)} files, all present")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
