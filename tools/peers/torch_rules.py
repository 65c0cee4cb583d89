"""The training rules of docs/semantics.md §12 against PyTorch (float64, CPU): not in CI.

  python3 tools/peers/torch_rules.py [--xorseed build/xorseed] [--iterations 500] [--draws 100000]

Optimizers and losses: for each optimizer x loss x hidden activation, `xorseed train` (the reference)
trains network 0 from its initial parameters for --iterations with no early stop; the results line
gives the initial and final parameters in full precision. The same network is built in PyTorch
(nn.Linear(2, H), nn.Linear(H, 1), float64), given those initial parameters, and stepped with
torch.optim on the same loss (0.5 * mean((y - t)^2) for mse, the seed's convention, §5;
F.binary_cross_entropy_with_logits for bce). One line per case: the largest relative difference
of the final parameters, |a - b| / max(1, |b|), against the target 1e-12.

Initialisers: a study of --draws / (4H + 1) networks per initialiser on the reference, one
iteration at lr 1e-300 (an update that leaves every parameter of magnitude above ~1e-280 bit for bit
unchanged, so networks.csv holds the initial parameters; zero biases come out below 1e-290), pools
each layer's weights (and biases), standardises them by the layer's expected scale and compares the
sample with torch.nn.init's own draws of the same tensor shapes: mean, variance and the two-sample
Kolmogorov-Smirnov test (scipy). One line per initialiser x tensor.
Prints a Markdown table at the end (bench/RESULTS.md records it).
"""
import argparse
import csv
import io
import json
import math
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import torch
    import torch.nn.functional as F
    from scipy import stats
except ImportError as e:
    sys.exit(f"torch_rules: needs numpy, torch and scipy ({e})")

torch.set_default_dtype(torch.float64)
CORNERS = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
TARGETS = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
ACT = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": lambda z: F.leaky_relu(z, 0.01)}


def xorseed_train(exe, out, args):
    subprocess.run([exe, "train", "--no-images", "--log-format", "json", "--out", out, *args], check=True,
                   stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "results", "xor_regression_results.jsonl")) as f:
        return json.loads(f.read().splitlines()[-1])


def torch_run(line, iterations):
    c = line["config"]
    h = c["hidden"]
    p = line["initial_params"]
    hidden, output = torch.nn.Linear(2, h), torch.nn.Linear(h, 1)
    with torch.no_grad():
        hidden.weight.copy_(torch.tensor(p[: 2 * h]).reshape(h, 2))
        hidden.bias.copy_(torch.tensor(p[2 * h : 3 * h]))
        output.weight.copy_(torch.tensor(p[3 * h : 4 * h]).reshape(1, h))
        output.bias.copy_(torch.tensor(p[4 * h : 4 * h + 1]))
    params = [*hidden.parameters(), *output.parameters()]
    o = c["optimizer"]
    if o == "sgd":
        opt = torch.optim.SGD(params, lr=c["lr"])
    elif o in ("momentum", "nesterov"):
        opt = torch.optim.SGD(params, lr=c["lr"], momentum=c["momentum"], dampening=0, nesterov=o == "nesterov")
    else:
        opt = torch.optim.Adam(params, lr=c["lr"], betas=(c["beta1"], c["beta2"]), eps=c["eps"])
    fh, fo = ACT[c["hidden_activation"]], ACT[c["output_activation"]]
    for _ in range(iterations):
        z = output(fh(hidden(CORNERS)))
        if c["loss"] == "bce":
            loss = F.binary_cross_entropy_with_logits(z, TARGETS)
        else:
            loss = 0.5 * torch.mean((fo(z) - TARGETS) ** 2)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        return np.concatenate([hidden.weight.reshape(-1), hidden.bias, output.weight.reshape(-1), output.bias]).tolist()


def optimizer_rows(exe, iterations):
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for o in ("sgd", "momentum", "nesterov", "adam"):
            for loss in ("mse", "bce"):
                for ha in ("sigmoid", "tanh", "relu"):
                    lr = "0.05" if o == "adam" else "0.5"
                    out = os.path.join(tmp, f"{o}-{loss}-{ha}")
                    line = xorseed_train(exe, out, ["--optimizer", o, "--loss", loss, "--hidden-activation", ha,
                                                    "--lr", lr, "--max-epoch", str(iterations), "--stop-loss", "0"])
                    want = torch_run(line, iterations)
                    got = line["final_params"]
                    diff = max(abs(a - b) / max(1.0, abs(b)) for a, b in zip(got, want))
                    rows.append((o, loss, ha, diff))
                    print(f"optimizer={o} loss={loss} hidden={ha} T={iterations} max_rel_diff={diff:.2e} "
                          f"{'pass' if diff <= 1e-12 else 'FAIL'}", flush=True)
    return rows


def torch_init(name, shape, bias_shape, r, hidden_layer):
    w, b = torch.empty(shape), torch.empty(bias_shape)
    if name == "uniform":
        torch.nn.init.uniform_(w, -r, r), torch.nn.init.uniform_(b, -r, r)
    elif name == "normal":
        torch.nn.init.normal_(w, 0, r), torch.nn.init.normal_(b, 0, r)
    elif name == "xavier-uniform":
        torch.nn.init.xavier_uniform_(w), torch.nn.init.zeros_(b)
    elif name == "xavier-normal":
        torch.nn.init.xavier_normal_(w), torch.nn.init.zeros_(b)
    elif name == "he-uniform":
        torch.nn.init.kaiming_uniform_(w, nonlinearity="relu"), torch.nn.init.zeros_(b)
    elif name == "he-normal":
        torch.nn.init.kaiming_normal_(w, nonlinearity="relu"), torch.nn.init.zeros_(b)
    else:  # torch, orthogonal: nn.Linear's reset_parameters, then orthogonal_ on the weight
        lin = torch.nn.Linear(shape[1], shape[0])
        w, b = lin.weight.detach().clone(), lin.bias.detach().clone()
        if name == "orthogonal" and hidden_layer:  # orthogonal_ on W_h only (docs/semantics.md §12.3)
            torch.nn.init.orthogonal_(w)
    return w.reshape(-1).numpy(), b.reshape(-1).numpy()


def init_rows(exe, draws, hidden=2, r=0.5):
    rows = []
    per = 4 * hidden + 1
    networks = max(1000, draws // per)
    names = ["uniform", "normal", "xavier-uniform", "xavier-normal", "he-uniform", "he-normal", "torch", "orthogonal"]
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            out = os.path.join(tmp, name)
            subprocess.run([exe, "study", "--device", "reference", "--precision", "double", "--init", name,
                            "--hidden", str(hidden), "--init-range", str(r), "--lr", "1e-300", "--max-epoch", "1",
                            "--seeds", str(networks), "--per-network", "--no-images", "--trace-sample", "0",
                            "--out", out], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            with open(os.path.join(out, "networks.csv")) as f:
                table = np.array([[float(row[f"param_{k}"]) for k in range(per)] for row in csv.DictReader(f)])
            table[np.abs(table) < 1e-250] = 0.0
            h = hidden
            layers = {"W_h": table[:, : 2 * h], "b_h": table[:, 2 * h : 3 * h], "W_o": table[:, 3 * h : 4 * h],
                      "b_o": table[:, 4 * h :]}
            # torch's draws of the same tensors, as many values
            tw_h, tb_h, tw_o, tb_o = [], [], [], []
            for _ in range(networks):
                a, b = torch_init(name, (h, 2), (h,), r, True)
                c, d = torch_init(name, (1, h), (1,), r, False)
                tw_h.append(a), tb_h.append(b), tw_o.append(c), tb_o.append(d)
            theirs = {"W_h": np.concatenate(tw_h), "b_h": np.concatenate(tb_h), "W_o": np.concatenate(tw_o),
                      "b_o": np.concatenate(tb_o)}
            for layer, mine in layers.items():
                mine = mine.reshape(-1)
                other = theirs[layer]
                if np.all(other == 0) and np.all(mine == 0):
                    rows.append((name, layer, len(mine), 0.0, 0.0, 0.0, 0.0, 1.0))
                    print(f"init={name} {layer}: both all zero", flush=True)
                    continue
                ks = stats.ks_2samp(mine, other)
                rows.append((name, layer, len(mine), mine.mean(), other.mean(), mine.var(), other.var(), ks.pvalue))
                print(f"init={name} {layer} n={len(mine)} mean={mine.mean():+.4f}/{other.mean():+.4f} "
                      f"var={mine.var():.4f}/{other.var():.4f} ks_p={ks.pvalue:.3f}", flush=True)
    return rows, networks


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--xorseed", default="build/xorseed")
    ap.add_argument("--iterations", type=int, default=500)
    ap.add_argument("--draws", type=int, default=100000)
    a = ap.parse_args()
    opt = optimizer_rows(a.xorseed, a.iterations)
    init, networks = init_rows(a.xorseed, a.draws)
    print(f"\n| optimizer | loss | hidden activation | max relative difference after {a.iterations} iterations |")
    print("|---|---|---|---|")
    for o, loss, ha, d in opt:
        print(f"| {o} | {loss} | {ha} | {d:.1e} |")
    print(f"\n| --init | tensor | values | mean xorseed / torch | variance xorseed / torch | KS p-value |")
    print("|---|---|---|---|---|---|")
    for name, layer, n, m1, m2, v1, v2, p in init:
        print(f"| {name} | {layer} | {n} | {m1:+.4f} / {m2:+.4f} | {v1:.4f} / {v2:.4f} | {p:.3f} |")
    worst = max(d for *_, d in opt)
    sys.exit(0 if worst <= 1e-12 else 1)


if __name__ == "__main__":
    main()
