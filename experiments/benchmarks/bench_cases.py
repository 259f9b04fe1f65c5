"""The benchmark's problems and configurations: shapes, solver settings, seeded weights.

Shared by the driver (bench.py) and the workers (bench_worker.py). A case is one neural-ODE
problem; its weights come from a seeded NumPy RNG and are loaded into every library, under
the parameter names of a ``Sequential`` (``0.weight``, ``0.bias``, ...), so that gradients
compare entry by entry. Nothing here imports a peer library.
"""
import dataclasses
from typing import Optional

import numpy as np


@dataclasses.dataclass(frozen=True)
class Case:
    name: str
    kind: str                   # "mlp" (Linear-Tanh-Linear) or "conv" (make_block)
    shape: tuple                # mlp: (dim, hidden); conv: (channels, height, width)
    batch: int
    dtype: str                  # "float64" or "float32"
    t1: float                   # solve over [0, t1]
    method: str = "dopri5"      # acaode / torchdiffeq name
    rtol: float = 1e-6
    atol: float = 1e-8
    step_size: Optional[float] = None  # fixed-step methods only
    loss: str = "sum"           # "sum" or "mean" of the squared final state
    python_f: bool = False      # acaode's f is a Python nn.Module subclass
    configs: tuple = ()
    note: str = ""


# Configurations: "library:variant". EXACT_PEERS are the peers whose gradient is that of
# their own discrete solution (backprop through the solver, or checkpointed replay), i.e.
# ACA's competitors; the continuous adjoints are not.
ACAODE = ("acaode:aca", "acaode:adjoint", "acaode:naive", "acaode:mali",
          "acaode:aca-budget-inf")
PEERS = ("torchdiffeq:odeint", "torchdiffeq:odeint_adjoint", "TorchDiffEqPack:aca",
         "torchode:autodiff", "diffrax:recursive_checkpoint", "diffrax:backsolve")
EXACT_PEERS = ("diffrax:recursive_checkpoint", "torchdiffeq:odeint", "torchode:autodiff",
               "TorchDiffEqPack:aca")
THREADS2 = "acaode:aca-2threads"
REFERENCE = "acaode:aca"
#: Rows whose gradient is of a different discretisation (kept out of gradient agreement),
#: per case ("*": every case), with the reason.
OTHER_DISCRETISATION = {
    "*": {"acaode:mali": "ALF (different discretisation)"},
    # torchdiffeq's "rk4" is Kutta's 3/8 rule (rk4_alt_step_func), not the classic RK4
    # of acaode (and of TorchDiffEqPack); the same cost, 4 f evaluations per step.
    "conv_block": {c: "rk4 = Kutta's 3/8 rule (different discretisation)"
                   for c in ("torchdiffeq:odeint", "torchdiffeq:odeint_adjoint")},
}


def other_discretisation(case_name, config):
    """Why a configuration's gradient is not expected to match ACA's, or None."""
    for key in ("*", case_name):
        if config in OTHER_DISCRETISATION.get(key, {}):
            return OTHER_DISCRETISATION[key][config]
    return None


MLP_CONFIGS = ACAODE + PEERS + (THREADS2,)
CONV_CONFIGS = ACAODE + PEERS[:2]
PYTHON_F_CONFIGS = ("acaode:aca", "acaode:aca-cpp-f", "torchdiffeq:odeint",
                    "TorchDiffEqPack:aca")

#: Why a configuration is left out of a case (printed in its table).
SKIPPED = {
    "conv_block": {
        "TorchDiffEqPack:aca": "odesolve_adjoint fails with fixed-step RK4 (its backward "
                               "needs the error estimate: TypeError in adjoint.py)",
        "torchode:autodiff": "torchode has no fixed-step RK4 and wants [batch, features]",
        "diffrax:recursive_checkpoint": "jax peers skipped for the conv case",
        "diffrax:backsolve": "jax peers skipped for the conv case",
    },
    "mlp_python_f": {
        c: "Python-callback case: compared with the exact torch peers only"
        for c in ("torchdiffeq:odeint_adjoint", "torchode:autodiff",
                  "diffrax:recursive_checkpoint", "diffrax:backsolve")
    },
}

CASES = {c.name: c for c in (
    Case("mlp_small", "mlp", (2, 64), 128, "float64", 5.0, configs=MLP_CONFIGS),
    Case("mlp_medium", "mlp", (32, 128), 256, "float64", 1.0, configs=MLP_CONFIGS),
    Case("mlp_long", "mlp", (2, 64), 128, "float64", 40.0, configs=MLP_CONFIGS),
    Case("mlp_wide_f32", "mlp", (64, 256), 512, "float32", 1.0, rtol=1e-3, atol=1e-3,
         configs=MLP_CONFIGS,
         note="float32, rtol = atol = 1e-3 (steps stay far above float32 round-off)"),
    Case("conv_block", "conv", (64, 8, 8), 32, "float32", 1.0, method="rk4",
         step_size=0.25, loss="mean", configs=CONV_CONFIGS,
         note="f = GN(conv(relu(GN(conv(z))))), fixed-step rk4 h = 0.25, loss = mean(z^2)"),
    Case("mlp_python_f", "mlp", (2, 64), 128, "float64", 5.0, python_f=True,
         configs=PYTHON_F_CONFIGS,
         note="acaode's f is a Python nn.Module subclass (one Python callback per "
              "evaluation); acaode:aca-cpp-f is the same problem with C++ layers"),
)}
DEFAULT_CASES = tuple(CASES)
QUICK_CASES = ("mlp_small", "conv_block")


def param_names(case):
    """The parameters in canonical order, as named in a Sequential."""
    layers = ("0", "2") if case.kind == "mlp" else ("0", "1", "3", "4")
    return [f"{layer}.{p}" for layer in layers for p in ("weight", "bias")]


def make_weights(case, seed=0):
    """(parameters {name: array}, z0) in the case's dtype, from a seeded RNG."""
    rng = np.random.default_rng(seed)
    normal = rng.standard_normal
    if case.kind == "mlp":
        d, h = case.shape
        params = {"0.weight": normal((h, d)) / np.sqrt(d), "0.bias": 0.1 * normal(h),
                  "2.weight": normal((d, h)) / np.sqrt(h), "2.bias": 0.1 * normal(d)}
        z0 = normal((case.batch, d))
    else:
        c, hh, ww = case.shape
        params = {}
        for conv, norm in (("0", "1"), ("3", "4")):
            params[f"{conv}.weight"] = normal((c, c, 3, 3)) / np.sqrt(9 * c)
            params[f"{conv}.bias"] = 0.1 * normal(c)
            params[f"{norm}.weight"] = 1.0 + 0.1 * normal(c)
            params[f"{norm}.bias"] = 0.1 * normal(c)
        z0 = normal((case.batch, c, hh, ww))
    dtype = np.dtype(case.dtype)
    return {k: v.astype(dtype) for k, v in params.items()}, z0.astype(dtype)


# Stages of one step that the backward pass differentiates (an FSAL method's last stage is
# the next step's first and does not enter z_new), for the methods the cases use.
DIFFERENTIATED_STAGES = {"dopri5": 6, "rk4": 4}
FSAL_METHODS = {"dopri5"}


def flops_per_eval(case):
    """Matrix-multiply FLOPs of one evaluation of f (from its shapes)."""
    if case.kind == "mlp":
        d, h = case.shape
        return 2 * case.batch * (d * h + h * d)
    c, hh, ww = case.shape
    return 2 * (2 * case.batch * c * hh * ww * c * 9)


class NotAvailable(Exception):
    """A configuration this build or library cannot run (reported as n/a, not FAILED)."""
