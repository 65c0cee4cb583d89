"""train() against `xorseed train`, init_params() against the JSON log's initial weights."""
import json
import re

import numpy as np
import pytest

import xorseed

# Wall time differs from run to run: the Results line's elapsed time and the Outcome line's per-iteration time.
TIMES = re.compile(r"elapsed time=[^ ]+ [^ ]+\[s/sample\]|seconds_per_iteration=\S+")


def masked(text):
    return TIMES.sub("<time>", text)


@pytest.mark.parametrize("flags", [{}, {"network": 5}, {"seed": 3, "config_id": 2, "network": 9, "hidden": 3,
                                                          "hidden_activation": "tanh", "lr": 0.25, "max_epoch": 3000},
                                   {"batch_size": 7, "target": "trig", "init_range": 1.0, "stop_loss": 0}])
def test_report_is_the_cli_report(cli, flags, tmp_path):
    args = []
    for key, value in flags.items():
        args += ["--" + key.replace("_", "-"), value]
    expected = cli("train", "--no-images", "--out", tmp_path, *args).stdout
    got = xorseed.train(**flags).report()
    assert masked(got) == masked(expected)


def test_outcome_and_trace_agree():
    r = xorseed.train(network=3, max_epoch=5000)
    o = r.outcome
    assert set(o) == set(xorseed.outcome_fields()) | {"network", "accuracy"}
    t = r.trace
    assert len(t["loss"]) == o["iterations"] and t["loss"][-1] == o["final_loss"]
    assert t["hidden_mean"].shape == (o["iterations"], 2) and t["bias_gradients"].shape == (o["iterations"], 3)
    assert t["snapshot_iterations"][0] == 0 and t["snapshot_iterations"][-1] == o["iterations"]
    np.testing.assert_array_equal(t["snapshots"][-1], o["params"])
    # The trace arrays view the C++ run (no copy) and cannot be written through.
    assert not t["loss"].flags.owndata and not t["loss"].flags.writeable
    assert xorseed.train(network=3, max_epoch=5000, trace=False).outcome["final_loss"] == o["final_loss"]
    with pytest.raises(ValueError, match="trace=True"):
        xorseed.train(trace=False).report()


def test_init_params_are_the_json_logs_initial_weights(cli, tmp_path):
    seed, config, network, hidden = 7, 3, 11, 3
    log = cli("train", "--log-format", "json", "--no-images", "--seed", seed, "--config-id", config,
              "--network", network, "--hidden", hidden, "-n", 1, "--out", tmp_path).stdout
    layers = [json.loads(line)["fields"] for line in log.splitlines()
              if json.loads(line)["fields"].get("event") == "Initial layer configuration"]
    numbers = [[float(x) for x in re.findall(r"-?\d+\.\d+", f[k].split("shape=")[0])] for f in layers
               for k in ("weight", "bias")]
    # ParamLayout: W_h row-major (2H), b_h (H), W_o (H), b_o (1); the log prints 4 decimals.
    expected = np.concatenate(numbers)
    p = xorseed.init_params(seed, config, [network], hidden=hidden)
    assert p.shape == (1, 4 * hidden + 1) and p.dtype == np.float64
    np.testing.assert_array_equal(np.round(p[0], 4), expected)
    # ... exactly the reference's own draw, and float32 is the double rounded.
    trained = xorseed.train(seed=seed, config_id=config, network=network, hidden=hidden, max_epoch=1)
    np.testing.assert_array_equal(p[0], trained.trace["initial_params"])
    np.testing.assert_array_equal(xorseed.init_params(seed, config, [network], hidden=hidden, precision="float")[0],
                                  p[0].astype(np.float32))
    many = xorseed.init_params(seed, config, 20, hidden=hidden)
    np.testing.assert_array_equal(many[network], p[0])
    assert many.flags.owndata or many.base is not None


def test_train_batch_from_the_drawn_parameters_is_the_study(tmp_path):
    """train_batch() from init_params() gives the study's own networks, row for row (cpu, double)."""
    flags = dict(max_epoch=400, optimizer="adam", lr=0.02, init="xavier-normal")
    start = xorseed.init_params(0, 0, 24, precision="double", init="xavier-normal")
    got = xorseed.train_batch(start, device="cpu", precision="double", **flags)
    study = xorseed.study(seeds=24, trace_sample=0, device="cpu", precision="double", per_network=True,
                          progress=False, **flags)
    assert got["backend"] == "cpu" and got["params"].shape == (24, 9) and got["predictions"].shape == (24, 4)
    np.testing.assert_array_equal(got["iterations"], study.networks["iterations"])
    np.testing.assert_array_equal(got["params"], study.networks["params"])
    np.testing.assert_array_equal(got["cos_initial"], study.networks["cos_initial"])


def test_train_batch_trains_the_given_rows_and_takes_float32():
    """Given rows are trained as given: float32 rows are the same networks as their float64 values, other
    rows give other networks, and the reference backend trained from the same rows agrees in double."""
    rng = np.random.default_rng(5)
    start = rng.uniform(-1, 1, size=(8, 9))
    a = xorseed.train_batch(start, device="cpu", precision="double", max_epoch=300)
    b = xorseed.train_batch(start.astype(np.float32).astype(np.float64), device="cpu", precision="double",
                            max_epoch=300)
    c = xorseed.train_batch(start.astype(np.float32), device="cpu", precision="double", max_epoch=300)
    np.testing.assert_array_equal(b["params"], c["params"])
    assert not np.array_equal(a["params"], xorseed.train_batch(start[::-1].copy(), device="cpu",
                                                               precision="double", max_epoch=300)["params"])
    ref = xorseed.train_batch(start, device="reference", precision="double", max_epoch=300)
    np.testing.assert_allclose(a["params"], ref["params"], rtol=0, atol=1e-12)


@pytest.mark.parametrize("bad,needle", [
    (np.zeros((3, 8)), "needs 4H + 1 = 9 columns"),
    (np.zeros((0, 9)), "no rows"),
    (np.full((2, 9), np.nan), "row 0, column 0 is not finite"),
    (np.zeros(9), "give N x (4H + 1)"),
    (np.zeros((2, 9), dtype=np.int64), "dtype int64"),
])
def test_train_batch_refuses_a_bad_array(bad, needle):
    with pytest.raises(ValueError, match=re.escape(needle)):
        xorseed.train_batch(bad, device="cpu")


def test_train_batch_on_the_reference_is_train():
    """train_batch(device="reference") from init_params() is train(), network by network, bit for bit."""
    start = xorseed.init_params(3, 2, [4, 5], precision="double")
    got = xorseed.train_batch(start, seed=3, config_id=2, first_network=4, device="reference", precision="double",
                              max_epoch=600)
    for row in range(2):
        want = xorseed.train(seed=3, config_id=2, network=4 + row, max_epoch=600, trace=False).outcome
        np.testing.assert_array_equal(got["params"][row], want["params"])
        assert got["iterations"][row] == want["iterations"]
