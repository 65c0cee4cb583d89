"""study() against `xorseed study` on the same study: identical summary.json statistics and networks.csv."""
import csv
import json
import os
import threading
import time

import numpy as np
import pytest

import xorseed

FLAGS = {"seeds": 300, "hidden_activation": "sigmoid,tanh", "lr": [0.5, 1.0], "max_epoch": 1500, "hidden": "2..3",
         "trace_sample": 16}
# Wall time and throughput are the only fields that differ between two runs of one study.
TIMED = {"wall_seconds", "throughput"}


def cli_args(flags):
    args = []
    for key, value in flags.items():
        args += ["--" + key.replace("_", "-"), ",".join(map(str, value)) if isinstance(value, list) else value]
    return args


def untimed(summary):
    s = json.loads(json.dumps(summary))
    for c in s["configurations"]:
        for k in TIMED:
            c.pop(k)
    s.pop("plots")  # holds the same series as the configurations, and their throughput
    return s


@pytest.fixture(scope="module")
def both(tmp_path_factory, cli):
    d = tmp_path_factory.mktemp("study")
    cli("study", *cli_args(FLAGS), "--device", "cpu", "--per-network", "--no-images", "--out", d / "cli")
    result = xorseed.study(**FLAGS, device="cpu", per_network=True, out=d / "py", images=False, progress=False)
    return d, result


def test_summary_is_the_clis(both):
    d, result = both
    with open(d / "cli" / "summary.json") as f:
        expected = json.load(f)
    assert result.summary["format"] == "xorseed-study-summary/1"
    assert untimed(result.summary) == untimed(expected)
    assert result.configurations == result.summary["configurations"] and len(result.configurations) == 8
    assert sorted(os.listdir(d / "py")) == sorted(os.listdir(d / "cli"))


def test_networks_are_the_clis_csv(both):
    d, result = both
    assert (d / "py" / "networks.csv").read_bytes() == (d / "cli" / "networks.csv").read_bytes()
    with open(d / "cli" / "networks.csv") as f:
        rows = list(csv.DictReader(f))
    n = result.networks
    assert len(n["network"]) == len(rows) == 8 * 300
    for name in ("config_id", "network", "iterations"):
        np.testing.assert_array_equal(n[name], [int(r[name]) for r in rows])
    np.testing.assert_array_equal(n["class"], [r["class"] for r in rows])
    np.testing.assert_array_equal(n["converged"], [r["converged"] == "1" for r in rows])
    for name in ("accuracy", "final_loss", "rmse", "cos_initial", "cos_final"):
        np.testing.assert_array_equal(n[name], [float(r[name]) for r in rows])
    np.testing.assert_array_equal(n["predictions"], [[float(r[c]) for c in ("y00", "y01", "y10", "y11")] for r in rows])
    params = [[float(r[f"param_{k}"]) if r[f"param_{k}"] else np.nan for k in range(13)] for r in rows]
    np.testing.assert_array_equal(n["params"], params)  # NaN where H = 2 leaves param_9.. blank
    assert n["params"].shape == (2400, 13) and n["params"].flags.owndata is False and n["params"].flags.writeable


def test_to_pandas_has_the_axes_as_columns(both):
    pd = pytest.importorskip("pandas")
    _, result = both
    df = result.to_pandas()
    assert len(df) == 2400 and {"lr", "hidden", "class", "y11", "param_12"} <= set(df.columns)
    by_config = df.groupby("config_id")["hidden"].first().tolist()
    assert by_config == [c["config"]["hidden"] for c in result.configurations]
    solved = df[df["class"] == "solved"].groupby("config_id").size().reindex(range(8), fill_value=0).tolist()
    assert solved == [c["solved"] for c in result.configurations]
    assert isinstance(xorseed.study(seeds=10, progress=False).to_pandas(), pd.DataFrame)


def test_a_temporary_study_and_a_spec_give_the_same_summary(both):
    d, result = both
    with open(d / "cli" / "spec.json") as f:
        spec = json.load(f)
    spec["per_network"] = False
    again = xorseed.study(spec, progress=False)
    assert again.out is None and again.networks is None
    assert untimed(again.summary)["configurations"] == untimed(result.summary)["configurations"]
    from_file = xorseed.study(d / "cli" / "spec.json", out=d / "from-file", progress=False)
    assert untimed(from_file.summary) == untimed(result.summary)


def test_progress_false_is_silent_and_progress_true_logs(capsys):
    xorseed.study(seeds=50, max_epoch=100, progress=False)
    assert capsys.readouterr().err == ""
    xorseed.study(seeds=50, max_epoch=100, device="cpu", progress=True)
    err = capsys.readouterr().err
    assert "xorseed study: 1 configuration(s) x 50 networks" in err and "device: cpu" in err


def test_the_gil_is_released_while_a_study_runs():
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.001)

    t = threading.Thread(target=ticker)
    t.start()
    start = time.monotonic()
    xorseed.study(seeds=3000, max_epoch=2000, stop_loss=0, device="reference", precision="double", trace_sample=0,
                  progress=False)
    end = time.monotonic()
    stop.set()
    t.join()
    during = [x for x in ticks if start < x < end]
    assert end - start > 0.2 and len(during) > 20, (end - start, len(during))


def test_diagnose_is_the_clis_and_survival_is_the_networks(both, cli):
    d, result = both
    diagnosed = xorseed.diagnose(d / "py")
    assert diagnosed["format"] == "xorseed-diagnostics/1"
    with open(d / "py" / "diagnostics.json") as f:
        assert json.load(f) == diagnosed
    cli("diagnose", "--study", d / "cli")
    with open(d / "cli" / "diagnostics.json") as f:
        assert json.load(f) == diagnosed  # the same study: the same end points
    for c, cfg in zip(diagnosed["configurations"], result.configurations):
        assert c["networks"] == cfg["networks"]
        for name, cls in c["by_failure_class"].items():
            assert cls["networks"] == cfg["failure_classes"][name]
    # Survival: the fraction of each configuration's networks with more iterations than t.
    its, ids = result.networks["iterations"], result.networks["config_id"]
    for k, curve in enumerate(result.summary["plots"]["survival"]):
        mine = its[ids == k]
        for t, frac in zip(curve["t"], curve["fraction"]):
            assert frac == np.count_nonzero(mine > t) / len(mine)
    with pytest.raises(ValueError, match="--tol: '-1'"):
        xorseed.diagnose(d / "py", tol=-1)
