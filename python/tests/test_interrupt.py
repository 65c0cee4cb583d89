"""Ctrl-C: a study sent SIGINT raises KeyboardInterrupt after the chunk in flight, leaves nothing
half-written, and resumes to the summary of an uninterrupted run."""
import json
import os
import signal
import subprocess
import sys
import time

import xorseed

FLAGS = dict(seeds=20000, max_epoch=400, stop_loss=0, chunk_size=250, trace_sample=0, device="reference",
             precision="double")
# The child takes Python's own SIGINT handler even where it was started with SIGINT ignored (a shell's
# background job), as an interactive session has it.
CHILD = """
import signal, sys, xorseed
signal.signal(signal.SIGINT, signal.default_int_handler)
xorseed.study(**{flags}, out=sys.argv[1], progress=False)
"""


def test_sigint_raises_keyboard_interrupt_and_the_study_resumes(tmp_path):
    out = tmp_path / "study"
    child = subprocess.Popen([sys.executable, "-c", CHILD.format(flags=repr(FLAGS)), str(out)],
                             stderr=subprocess.PIPE, text=True)
    state = out / "state.json"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait for the first saved chunk
        try:
            if json.loads(state.read_text())["chunks"] >= 1:
                break
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.005)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=120)
    assert child.returncode == -signal.SIGINT, err  # an uncaught KeyboardInterrupt ends Python by SIGINT
    assert "KeyboardInterrupt" in err
    saved = json.loads(state.read_text())
    assert 1 <= saved["done"] < FLAGS["seeds"] and not saved.get("complete", False)
    leftovers = [os.path.join(r, n) for r, _, names in os.walk(out) for n in names if ".tmp." in n]
    assert leftovers == [] and not (out / "summary.json").exists()
    resumed = xorseed.study(out=out, resume=True, progress=False)
    whole = xorseed.study(**FLAGS, progress=False)
    for a, b in zip(resumed.configurations, whole.configurations):
        for k in ("wall_seconds", "throughput"):
            a.pop(k), b.pop(k)
        assert a == b
