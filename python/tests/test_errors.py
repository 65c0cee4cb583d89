"""Bad arguments: ValueError with the CLI's one-line message (the text after "xorseed: error: ")."""
import pytest

import xorseed

CASES = [  # (Python call, the CLI's arguments for the same mistake)
    (lambda: xorseed.train(lr="abc"), ["train", "--lr", "abc"]),
    (lambda: xorseed.train(hidden=0), ["train", "--hidden", "0"]),
    (lambda: xorseed.train(hidden_activation="swish"), ["train", "--hidden-activation", "swish"]),
    (lambda: xorseed.train(target="and"), ["train", "--target", "and"]),
    (lambda: xorseed.train(batch_size=65), ["train", "--batch-size", "65"]),
    (lambda: xorseed.train(max_epoch=2.5), ["train", "-n", "2.5"]),
    (lambda: xorseed.train(seed=-1), ["train", "--seed", "-1"]),
    (lambda: xorseed.train(init_range=float("nan")), ["train", "--init-range", "nan"]),
    (lambda: xorseed.study(lr="8..2", progress=False), ["study", "--lr", "8..2"]),
    (lambda: xorseed.study(seeds=0, progress=False), ["study", "--seeds", "0"]),
    (lambda: xorseed.study(device="tpu", progress=False), ["study", "--device", "tpu"]),
    (lambda: xorseed.study(precision="half", progress=False), ["study", "--precision", "half"]),
    (lambda: xorseed.study(hidden="2..8:0", progress=False), ["study", "--hidden", "2..8:0"]),
    (lambda: xorseed.init_params(0, 0, 4, hidden=17), ["train", "--hidden", "17"]),
]


@pytest.mark.parametrize("case", range(len(CASES)))
def test_bad_argument_is_a_value_error_with_the_cli_message(cli, case, tmp_path):
    call, args = CASES[case]
    r = cli(*args, *(["--out", tmp_path / "out"] if args[0] == "study" else []), check=False)
    assert r.returncode == 2
    message = r.stderr.strip().removeprefix("xorseed: error: ")
    assert "\n" not in message
    with pytest.raises(ValueError) as e:
        call()
    assert str(e.value) == message
    assert isinstance(e.value, xorseed.UsageError)


def test_study_out_that_is_not_empty_is_refused(tmp_path):
    (tmp_path / "x").write_text("")
    with pytest.raises(ValueError, match="exists, is not empty and is not a study directory"):
        xorseed.study(seeds=10, out=tmp_path, progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x"]


def test_an_internal_failure_is_a_runtime_error(tmp_path):
    bad = tmp_path / "networks.csv"
    bad.write_text("not,a,networks,file\n")
    with pytest.raises(RuntimeError, match="not the header of networks.csv"):
        xorseed._xorseed.read_networks_csv(str(bad))
