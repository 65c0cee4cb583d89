"""Workload W in JAX on the GPU: vmap over networks + jit + lax.fori_loop over the iterations.

  python3 tools/peers/jax_peer.py
See common.py for the workload and the output line.
"""
import sys

import common

import jax
import jax.numpy as jnp


def network_loss(params, x, t):
    """mean(e^2) / 2 of one network: its gradient is DESIGN.md's update direction."""
    wh, bh, wo, bo = params
    h = jax.nn.sigmoid(x @ wh.T + bh)  # (4, H)
    y = jax.nn.sigmoid(h @ wo + bo)  # (4,)
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
    if not any(d.platform == "gpu" for d in jax.devices()):
        print(f"jax_peer: no GPU visible to JAX (devices: {jax.devices()})", file=sys.stderr)
        return 1
    n = args.networks
    keys = jax.random.split(jax.random.PRNGKey(1), 4)
    shapes = [(n, 2, 2), (n, 2), (n, 2), (n,)]
    params = tuple(
        jax.random.uniform(k, s, jnp.float32, -common.INIT_RANGE, common.INIT_RANGE) for k, s in zip(keys, shapes)
    )
    x = jnp.array(common.CORNERS, jnp.float32)
    t = jnp.array(common.TARGETS, jnp.float32)
    train = make_train(args.iterations)
    jax.block_until_ready(train(params, x, t))  # compile + warm-up (same trip count as timed)
    seconds = common.median_seconds(lambda: jax.block_until_ready(train(params, x, t)), args.repeats)
    common.report("jax-vmap-jit", n, args.iterations, seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
