"""xorseed: train many small 2-H-1 XOR networks and study how their outcome depends on the seed.

The Python face of the C++ library (the extension module ``xorseed._xorseed``); the same backends and
the same numbers as the ``xorseed`` command line, named like it:

- ``train(**network_flags, seed=0, network=0, trace=True)``: one network, as ``xorseed train``.
- ``init_params(seed, config, networks, hidden=2, init_range=0.5)``: the initial parameters every
  backend draws.
- ``study(spec=None, **flags)``: a seed study, as ``xorseed study``; its summary (summary.json), and
  with ``per_network=True`` every network's row as NumPy columns.
- ``diagnose(study_dir)``: the end points of a study's networks (Hessian, gradient, saturation), as
  ``xorseed diagnose``.
- ``devices()``: which backends this build and this machine can run.

The network flags are the rows of one table (``network_axes()``, core/network_axes.hpp): ``lr``,
``hidden``, ``hidden_activation``, ... each as the CLI's flag without ``--`` and with ``_`` for ``-``.
Bad arguments raise ``ValueError`` (``xorseed.UsageError``) with the CLI's one-line message; internal
failures raise ``RuntimeError``. docs/formats.md documents summary.json and networks.csv.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Union

import numpy as np

from . import _xorseed
from ._xorseed import TrainResult, UsageError, failure_classes, images_available, network_axes, outcome_fields

__all__ = [
    "StudyResult", "TrainResult", "UsageError", "devices", "diagnose", "failure_classes", "images_available", "init_params",
    "network_axes", "outcome_fields", "study", "train", "train_batch",
]
__version__ = "0.1.0"

SUMMARY_FORMAT = "xorseed-study-summary/1"


def devices() -> Dict[str, Dict[str, Any]]:
    """Per backend (auto, cuda, cuda-blas, cpu, reference): ``available``, the ``backend`` that runs and
    the ``note`` saying why (for cuda without a GPU or without a CUDA build: the reason). Never raises."""
    return _xorseed.devices()


def _flag_text(value: Any) -> str:
    """A value as the CLI's flag text: a sequence as a comma list, a real in its shortest round-trip form."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, range, np.ndarray)):
        return ",".join(_flag_text(v) for v in value)
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    return str(value)


def train(*, seed: Union[int, str] = 0, network: Union[int, str] = 0, config_id: Union[int, str] = 0,
          trace: bool = True, **network_flags: Any) -> TrainResult:
    """Train one network with the Eigen reference in double precision, as ``xorseed train`` does.

    ``network_flags`` are the network axes (``lr=0.5``, ``hidden=3``, ``hidden_activation="tanh"``, ...).
    Returns a ``TrainResult``: ``.outcome`` (a dict of the Outcome fields), ``.trace`` (NumPy arrays over
    the iterations; None with ``trace=False``) and ``.report()`` (the text ``xorseed train --no-images``
    prints; ``report("json")`` its JSON lines). Writes no files.
    """
    flags = {key: _flag_text(value) for key, value in network_flags.items()}
    return _xorseed.train(flags, _flag_text(seed), _flag_text(config_id), _flag_text(network), bool(trace))


def init_params(seed: Union[int, str], config: Union[int, str], networks: Union[int, Sequence[int], np.ndarray],
                hidden: int = 2, init_range: float = 0.5, precision: str = "double", **network_flags: Any) -> np.ndarray:
    """The initial parameters of networks of configuration ``config`` under study seed ``seed``, exactly as
    every backend draws them: an N x (4H + 1) array in ParamLayout order (W_h row-major, b_h, W_o, b_o).

    ``networks`` is a count (networks 0..n-1) or the network indices. ``precision="float"`` gives the
    float32 values the float backends start from (each double rounded). ``network_flags`` may name the
    initialiser (``init="xavier-normal"``, ``init_cosine=0.5``; docs/semantics.md §12.3, §12.4).
    """
    if isinstance(networks, (int, np.integer)):
        if networks < 0:
            raise UsageError(f"networks: '{networks}' is not allowed; a count >= 0 or the network indices")
        indices = np.arange(int(networks), dtype=np.uint64)
    else:
        indices = np.ascontiguousarray(networks, dtype=np.uint64)
    flags = {"hidden": _flag_text(hidden), "init_range": _flag_text(init_range)}
    flags.update({key: _flag_text(value) for key, value in network_flags.items()})
    return _xorseed.init_params(_flag_text(seed), _flag_text(config), indices, flags, precision)


def train_batch(init_params: Any, *, seed: Union[int, str] = 0, config_id: Union[int, str] = 0,
                first_network: Union[int, str] = 0, device: str = "auto", precision: str = "float",
                math: str = "auto", **network_flags: Any) -> Dict[str, np.ndarray]:
    """Train networks from given initial parameters on a batch backend (``--init-file`` without a file).

    ``init_params`` is an N x (4H + 1) array in ParamLayout order: float64 and C-contiguous arrays are
    used as they are (no copy); anything else NumPy's buffer protocol or DLPack offers (float32, a
    torch tensor on the CPU) is converted once. Row i trains as network ``first_network + i`` of
    configuration ``config_id`` (for random mini-batches its training points are that network's own).
    Returns the outcome columns as arrays, one row per network: ``network``, ``iterations``,
    ``final_loss``, ``converged``, ``diverged``, ``correct``, ``predictions`` (N x 4), ``rmse``,
    ``cos_initial``, ``cos_final``, ``params`` (N x (4H + 1), final), and ``backend``.
    """
    if hasattr(init_params, "__dlpack__") and not isinstance(init_params, np.ndarray):
        init_params = np.from_dlpack(init_params)
    array = np.asarray(init_params)
    if array.ndim != 2:
        raise UsageError(f"init_params: an array of shape {array.shape}; give N x (4H + 1) values")
    if array.dtype not in (np.float64, np.float32):
        raise UsageError(f"init_params: dtype {array.dtype}; float64 or float32")
    array = np.ascontiguousarray(array, dtype=np.float64)
    flags = {key: _flag_text(value) for key, value in network_flags.items()}
    return _xorseed.train_batch(array, flags, _flag_text(seed), _flag_text(config_id), _flag_text(first_network),
                                device, precision, math)


class StudyResult:
    """What a study produced: ``summary`` (summary.json as Python objects), ``configurations`` (its list of
    per-configuration dicts), ``networks`` (with ``per_network=True``: a dict of NumPy columns, one row per
    network, ordered by configuration then network) and ``out`` (the study directory, or None when it was a
    temporary one, removed)."""

    def __init__(self, summary: Dict[str, Any], networks: Optional[Dict[str, np.ndarray]], out: Optional[str]):
        if summary.get("format") != SUMMARY_FORMAT:
            raise RuntimeError(f"summary.json has format {summary.get('format')!r}, not {SUMMARY_FORMAT!r}")
        self.summary = summary
        self.configurations: List[Dict[str, Any]] = summary["configurations"]
        self.networks = networks
        self.out = out

    def to_pandas(self):
        """With per-network rows: one row per network, the configuration's axis values as columns (no join
        needed), then the networks.csv columns (y00..y11, param_0..). Without: one row per configuration
        (its axis values, networks, solved, solved_fraction, the failure classes, iterations p50)."""
        import pandas as pd

        keys = [a["key"] for a in network_axes()]
        if self.networks is None:
            rows = []
            for c in self.configurations:
                row = {"config_id": c["config_id"], **{k: c["config"][k] for k in keys}, "networks": c["networks"],
                       "solved": c["solved"], "solved_fraction": c["solved_fraction"]}
                row.update(c["failure_classes"])
                row["iterations_p50"] = c["iterations"]["p50"]
                rows.append(row)
            return pd.DataFrame(rows)
        n = self.networks
        config_id = n["config_id"]
        columns: Dict[str, Any] = {}
        for k in keys:
            columns[k] = np.asarray([c["config"][k] for c in self.configurations])[config_id]
        for name, column in n.items():
            if name == "predictions":
                for j, corner in enumerate(("y00", "y01", "y10", "y11")):
                    columns[corner] = column[:, j]
            elif name == "params":
                for j in range(column.shape[1]):
                    columns[f"param_{j}"] = column[:, j]
            else:
                columns[name] = column
        return pd.DataFrame(columns)


def _progress_bar() -> Optional[Callable[[int, int], None]]:
    """A tqdm bar fed after every chunk, or None when tqdm is not installed (the plain progress line then)."""
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    bar = tqdm(unit=" networks", desc="xorseed study", unit_scale=True)

    def after_chunk(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return after_chunk


def _read_networks(path: str) -> Dict[str, np.ndarray]:
    columns = _xorseed.read_networks_csv(path)
    names = np.asarray(failure_classes())
    codes = columns.pop("class_code")
    out: Dict[str, np.ndarray] = {"config_id": columns.pop("config_id"), "network": columns.pop("network"),
                                  "class": names[codes]}
    for flag in ("converged", "diverged"):
        columns[flag] = columns[flag].view(np.bool_)
    out.update(columns)
    return out


def study(spec: Union[None, Mapping[str, Any], str, os.PathLike] = None, *, device: Optional[str] = None,
          precision: Optional[str] = None, math: Optional[str] = None, out: Union[None, str, os.PathLike] = None,
          per_network: bool = False, progress: bool = True, images: Optional[bool] = None, chunk_size: int = 0,
          shard: Optional[str] = None, resume: bool = False, **flags: Any) -> StudyResult:
    """Run a seed study, as ``xorseed study`` does, and return its results.

    The study is ``spec`` (a dict in spec.json's form, or the path of a spec file) or the keyword flags:
    the network axes, each a value, a list or a string in the CLI's list syntax (``lr="0.1..1.0:0.1"``,
    ``hidden=[2, 3]``), and ``seeds``, ``first_network``, ``seed``, ``trace_sample``. ``device`` (auto,
    cuda, cuda-blas, cpu, reference; default the spec's, auto), ``precision`` (float, double; default
    float), ``math`` (auto, fast, precise; default auto), ``per_network``, ``chunk_size``, ``shard``
    ("i/n") and ``resume`` are the CLI's flags. ``out`` is the study directory (new or empty, or a study to
    resume); None: a temporary directory, removed when the results are read. ``images`` (default: when
    ``out`` is given) draws out/plots/*.png.

    The GIL is released while it runs; Ctrl-C raises KeyboardInterrupt after the chunk in flight is saved
    (``out`` is then resumable with ``resume=True``). ``progress=True`` shows a tqdm bar (or, without
    tqdm, a plain line every 5 s) and the study's log on sys.stderr; ``progress=False`` silences both.
    """
    values = {key: _flag_text(value) for key, value in flags.items()}
    for key, value in (("precision", precision), ("math", math)):
        if value is not None:
            values[key] = _flag_text(value)
    spec_json, spec_file = "", ""
    if isinstance(spec, Mapping):
        spec_json = json.dumps(dict(spec))
    elif spec is not None:
        spec_file = os.fspath(spec)
    if out is None and resume:
        raise UsageError("--resume: name the study directory to resume with out=")
    temporary = out is None
    directory = tempfile.mkdtemp(prefix="xorseed-study-") if temporary else os.fspath(out)
    try:
        after_chunk = _progress_bar() if progress else None
        _xorseed.run_study(values, spec_json, spec_file, directory, device or "", bool(per_network), bool(resume),
                           int(chunk_size), shard or "", (not temporary) if images is None else bool(images),
                           "stderr" if progress else "null", after_chunk)
        with open(os.path.join(directory, "summary.json")) as f:
            summary = json.load(f)
        networks = None
        if summary["spec"]["per_network"]:
            networks = _read_networks(os.path.join(directory, "networks.csv"))
        return StudyResult(summary, networks, None if temporary else directory)
    finally:
        if temporary:
            shutil.rmtree(directory, ignore_errors=True)


def diagnose(study_dir: Union[str, os.PathLike], *, tol: float = 1e-6, saturation: float = 4.0, sample: int = 0,
             progress: bool = False) -> Dict[str, Any]:
    """Diagnose the end points of a study's networks, as ``xorseed diagnose --study DIR`` does.

    The study must have been run with ``per_network=True`` (its networks.csv holds the final parameters).
    Writes DIR/diagnostics.json, diagnostics.md and diagnostics.csv and returns diagnostics.json's content:
    per configuration and failure class, the counts of end-point kinds (saddle, plateau, degenerate,
    minimum-like, not-finite: docs/semantics.md §15), gradient-norm and Newton-step quantiles, saturated
    units and the prediction patterns. ``tol`` is the eigenvalue tolerance, ``saturation`` the
    |pre-activation| of a saturated unit, ``sample`` at most that many networks per configuration (0: all).
    """
    text = _xorseed.diagnose(os.fspath(study_dir), _flag_text(tol), _flag_text(saturation), _flag_text(sample),
                             bool(progress))
    return json.loads(text)

