"""Workload W in PyTorch on the GPU: eager autograd, or torch.compile of the same step.

  python3 tools/peers/torch_peer.py --mode eager
  python3 tools/peers/torch_peer.py --mode compile
See common.py for the workload and the output line.
"""
import sys

import common

import torch


def init_params(n, device, generator):
    def u(*shape):
        return ((torch.rand(*shape, device=device, generator=generator) * 2 - 1) * common.INIT_RANGE).requires_grad_()

    return [u(n, 2, 2), u(n, 2), u(n, 2), u(n)]  # W_h (N, H, 2), b_h (N, H), W_o (N, H), b_o (N)


def loss_sum(params, x, t):
    wh, bh, wo, bo = params
    h = torch.sigmoid(torch.einsum("nhi,bi->nbh", wh, x) + bh[:, None, :])  # (N, 4, H)
    y = torch.sigmoid((h * wo[:, None, :]).sum(-1) + bo[:, None])  # (N, 4)
    e = y - t
    return (e * e).mean(dim=1).sum() / 2  # sum over networks of mean(e^2) / 2


def eager_step(params, x, t):
    loss = loss_sum(params, x, t)
    grads = torch.autograd.grad(loss, params)
    with torch.no_grad():
        torch._foreach_add_(params, grads, alpha=-common.LR)


def functional_step(params, x, t):
    grads = torch.func.grad(loss_sum)(params, x, t)
    return [p - common.LR * g for p, g in zip(params, grads)]


def main():
    mode = "eager"
    if "--mode" in sys.argv:
        i = sys.argv.index("--mode")
        mode = sys.argv[i + 1]
        del sys.argv[i : i + 2]
    args = common.parse_args()
    if not torch.cuda.is_available():
        print("torch_peer: no CUDA device visible to PyTorch", file=sys.stderr)
        return 1
    dev = torch.device("cuda")
    gen = torch.Generator(device=dev)
    gen.manual_seed(1)
    params = init_params(args.networks, dev, gen)
    x = torch.tensor(common.CORNERS, device=dev)
    t = torch.tensor(common.TARGETS, device=dev)

    if mode == "eager":
        def run(iterations):
            for _ in range(iterations):
                eager_step(params, x, t)
            torch.cuda.synchronize()
    elif mode == "compile":
        state = [p.detach() for p in params]
        step = torch.compile(functional_step)

        def run(iterations):
            nonlocal state
            for _ in range(iterations):
                state = step(state, x, t)
            torch.cuda.synchronize()
    else:
        print(f"torch_peer: --mode: '{mode}' is not one of eager, compile", file=sys.stderr)
        return 2

    run(args.warmup)  # compilation, allocator warm-up
    seconds = common.median_seconds(lambda: run(args.iterations), args.repeats)
    common.report(f"torch-{mode}", args.networks, args.iterations, seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
