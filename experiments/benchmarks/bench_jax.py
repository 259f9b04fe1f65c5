"""The JAX peer: diffrax, with the whole loss-and-gradient function jit-compiled.

  diffrax:recursive_checkpoint  RecursiveCheckpointAdjoint (backprop through the solver with
                                online binomial checkpointing; diffrax's default)
  diffrax:backsolve             BacksolveAdjoint (continuous adjoint)

Dopri5 with PIDController(rtol, atol, pcoeff=0, icoeff=1) (an integral controller, as the
others'), dt0=None (the controller picks the first step), SaveAt(t1=True), max_steps=4096
(diffrax's default; it also sizes RecursiveCheckpointAdjoint's checkpoints). The function is
compiled ahead of time (``jit(...).lower(...).compile()``, timed and reported on its own);
the timed steps run the compiled executable and block until the results are ready. Only
MLP cases: the jax peers are skipped for the conv case. f evaluations: diffrax reports its
forward step count only, so the forward NFE is estimated as 6 per step (Dopri5 is FSAL)
plus 3 (first f and the first-step search) and the backward one is not known.
"""
import time

import numpy as np

MAX_STEPS = 4096


def make_f(jnp):
    def f(t, z, p):
        h = jnp.tanh(z @ p["0.weight"].T + p["0.bias"])
        return h @ p["2.weight"].T + p["2.bias"]
    return f


class Bench:
    def __init__(self, case, variant, params, z0):
        import jax
        jax.config.update("jax_enable_x64", case.dtype == "float64")
        import diffrax
        import jax.numpy as jnp
        if case.kind != "mlp" or case.method != "dopri5":
            raise ValueError("the diffrax runner handles the dopri5 MLP cases only")
        adjoint = {"recursive_checkpoint": diffrax.RecursiveCheckpointAdjoint(),
                   "backsolve": diffrax.BacksolveAdjoint()}[variant]
        term = diffrax.ODETerm(make_f(jnp))
        controller = diffrax.PIDController(rtol=case.rtol, atol=case.atol, pcoeff=0.0,
                                           icoeff=1.0)
        reduce = jnp.mean if case.loss == "mean" else jnp.sum

        def loss(p, y0):
            sol = diffrax.diffeqsolve(term, diffrax.Dopri5(), 0.0, case.t1, None, y0, args=p,
                                      saveat=diffrax.SaveAt(t1=True),
                                      stepsize_controller=controller, adjoint=adjoint,
                                      max_steps=MAX_STEPS)
            return reduce(sol.ys[-1] ** 2), sol.stats["num_steps"]

        self.params = {k: jnp.asarray(v) for k, v in params.items()}
        self.z0 = jnp.asarray(z0)
        start = time.perf_counter()
        self.fn = jax.jit(jax.value_and_grad(loss, has_aux=True)).lower(
            self.params, self.z0).compile()
        self.compile_s = time.perf_counter() - start
        self.note = f"compile {self.compile_s:.1f} s"
        self.nfe_approx = True  # forward estimated from the step count, backward unknown
        self.result = None

    def step(self):
        import jax
        self.result = jax.block_until_ready(self.fn(self.params, self.z0))
        (_, num_steps), _ = self.result
        return 6 * int(num_steps) + 3, None

    def grads(self):
        return {k: np.asarray(v) for k, v in self.result[1].items()}


def build(case, variant, params, z0, threads):
    del threads  # XLA_FLAGS and the CPU affinity, set by the driver/worker
    return Bench(case, variant, params, z0)


def library_version():
    from importlib.metadata import version
    return f"diffrax {version('diffrax')}, jax {version('jax')}"
