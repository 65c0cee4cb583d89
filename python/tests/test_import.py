"""The package imports and says what it can run without a GPU (README "Python")."""
import json
import os
import subprocess
import sys


def test_import_without_a_gpu_names_the_backends():
    # CUDA_VISIBLE_DEVICES="" hides every GPU, so this is the machine without one, even on a GPU host.
    code = "import json, xorseed; print(json.dumps(xorseed.devices()))"
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    devices = json.loads(r.stdout)
    assert set(devices) == {"auto", "cuda", "cuda-blas", "cpu", "reference"}
    assert devices["cpu"]["available"] and devices["reference"]["available"]
    assert devices["auto"]["backend"] == "cpu"
    assert not devices["cuda"]["available"] and "'cuda' is not available" in devices["cuda"]["note"]


def test_tables_are_the_cli_tables(cli):
    import xorseed

    keys = [a["key"] for a in xorseed.network_axes()]
    help_text = cli("study", "--help").stdout
    for a in xorseed.network_axes():
        assert a["flag"] in help_text
    assert keys[0] == "hidden_activation" and "lr" in keys and "max_epoch" in keys
    assert xorseed.outcome_fields()[:2] == ["iterations", "final_loss"]
    assert xorseed.failure_classes() == ["solved", "plateau-half", "stuck", "other-partial", "diverged"]
