"""Workload W in JAX on the GPU: vmap over networks + jit + lax.fori_loop over the iterations.

  python3 tools/peers/jax_peer.py
  python3 tools/peers/jax_peer.py --check                                              # the math against numpy
  python3 tools/peers/jax_peer.py --device cpu --networks 4096 --iterations 50          # smoke run
See common.py for the workload, --check and the output lines.
"""
import sys

try:
    import jax
    import jax.numpy as jnp
except ImportError as e:
    sys.exit(f"jax_peer: JAX is not installed ({e})")

import common  # after the framework: a missing framework is named first


def network_loss(params, x, t):
    """mean(e^2) / 2 of one network: its gradient is docs/semantics.md §5's update direction."""
    wh, bh, wo, bo = params
    # precision="highest": full float32 products (XLA may use TF32 for float32 dots on the GPU otherwise).
    h = jax.nn.sigmoid(jnp.matmul(x, wh.T, precision="highest") + bh)  # (4, H)
    y = jax.nn.sigmoid(jnp.matmul(h, wo, precision="highest") + bo)  # (4,)
    e = y - t
    return jnp.mean(e * e) / 2


def make_train(iterations):
    grad_one = jax.grad(network_loss)
    grad_all = jax.vmap(grad_one, in_axes=(0, None, None))

    @jax.jit
    def train(params, x, t):
        def body(_, p):
            g = grad_all(p, x, t)
            return jax.tree_util.tree_map(lambda a, b: a - common.LR * b, p, g)

        return jax.lax.fori_loop(0, iterations, body, params)

    return train


def main():
    args = common.parse_args()
    if args.device == "cpu":
        jax.config.update("jax_platforms", "cpu")
    if args.check:
        jax.config.update("jax_enable_x64", True)  # float64 for the check (timing stays float32)
    if args.device == "cuda" and not any(d.platform == "gpu" for d in jax.devices()):
        print(f"jax_peer: no GPU visible to JAX (devices: {jax.devices()}; --device cpu for a smoke run)",
              file=sys.stderr)
        return 1

    def corners(dtype):
        return jnp.array(common.CORNERS, dtype), jnp.array(common.TARGETS, dtype)

    if args.check:
        train = make_train(common.CHECK_ITERATIONS)
        trained = {}
        for dtype in ("float64", "float32"):
            params = tuple(jnp.asarray(a, dtype) for a in common.check_params())
            trained[dtype] = [jax.device_get(p) for p in train(params, *corners(dtype))]
        return common.check_report("jax-vmap-jit", trained)

    n = args.networks
    keys = jax.random.split(jax.random.PRNGKey(1), 4)
    shapes = [(n, 2, 2), (n, 2), (n, 2), (n,)]
    params = tuple(
        jax.random.uniform(k, s, jnp.float32, -common.INIT_RANGE, common.INIT_RANGE) for k, s in zip(keys, shapes)
    )
    x, t = corners(jnp.float32)
    train = make_train(args.iterations)
    jax.block_until_ready(train(params, x, t))  # compile + warm-up (same trip count as timed)
    seconds = common.median_seconds(lambda: jax.block_until_ready(train(params, x, t)), args.repeats)
    common.report("jax-vmap-jit", n, args.iterations, seconds, args.device)
    return 0


if __name__ == "__main__":
    sys.exit(main())
