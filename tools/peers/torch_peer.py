"""Workload W in PyTorch on the GPU: eager autograd, or torch.compile of the same step.

  python3 tools/peers/torch_peer.py --mode eager
  python3 tools/peers/torch_peer.py --mode compile
  python3 tools/peers/torch_peer.py --mode compile --check             # the math against numpy
  python3 tools/peers/torch_peer.py --mode eager --device cpu --networks 4096 --iterations 50   # smoke run
See common.py for the workload, --check and the output lines.
"""
import sys

try:
    import torch
except ImportError as e:
    sys.exit(f"torch_peer: PyTorch is not installed ({e})")

import common  # after the framework: a missing framework is named first


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


def make_run(mode, params, x, t, sync):
    """run(iterations): that many steps of the mode's step function, then sync(); returns the parameters."""
    if mode == "eager":
        def run(iterations):
            for _ in range(iterations):
                eager_step(params, x, t)
            sync()
            return params
    else:
        state = [p.detach() for p in params]
        step = torch.compile(functional_step)

        def run(iterations):
            nonlocal state
            for _ in range(iterations):
                state = step(state, x, t)
            sync()
            return state
    return run


def main():
    args = common.parse_args(modes=("eager", "compile"))
    if args.device == "cuda" and not torch.cuda.is_available():
        print("torch_peer: no CUDA device visible to PyTorch (--device cpu for a smoke run)", file=sys.stderr)
        return 1
    dev = torch.device(args.device)
    sync = torch.cuda.synchronize if args.device == "cuda" else (lambda: None)
    torch.backends.cuda.matmul.allow_tf32 = False  # full float32, as the fused kernel (this is the default)
    name = f"torch-{args.mode}"

    def corners(dtype):
        return (torch.tensor(common.CORNERS, dtype=dtype, device=dev),
                torch.tensor(common.TARGETS, dtype=dtype, device=dev))

    if args.check:
        trained = {}
        for key, dtype in (("float64", torch.float64), ("float32", torch.float32)):
            params = [torch.tensor(a, dtype=dtype, device=dev).requires_grad_() for a in common.check_params()]
            run = make_run(args.mode, params, *corners(dtype), sync)
            trained[key] = [p.detach().cpu().numpy() for p in run(common.CHECK_ITERATIONS)]
        return common.check_report(name, trained)

    gen = torch.Generator(device=dev)
    gen.manual_seed(1)
    run = make_run(args.mode, init_params(args.networks, dev, gen), *corners(torch.float32), sync)
    run(args.warmup)  # compilation, allocator warm-up
    seconds = common.median_seconds(lambda: run(args.iterations), args.repeats)
    common.report(name, args.networks, args.iterations, seconds, args.device)
    return 0


if __name__ == "__main__":
    sys.exit(main())
