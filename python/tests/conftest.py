"""Shared fixtures: the CLI of the main build (tools/test_python.sh sets XORSEED_CLI) to compare against."""
import os
import subprocess

import pytest


@pytest.fixture(scope="session")
def cli():
    path = os.environ.get("XORSEED_CLI", "")
    if not os.access(path, os.X_OK):
        pytest.fail(f"XORSEED_CLI={path!r} is not the xorseed program; run the tests with tools/test_python.sh")

    def run(*args, check=True):
        r = subprocess.run([path, *map(str, args)], capture_output=True, text=True)
        if check and r.returncode != 0:
            raise AssertionError(f"xorseed {' '.join(map(str, args))} exited {r.returncode}: {r.stderr}")
        return r

    return run
