"""acaode.odeint and acaode.solve: keyword arguments -> OdeintOptions -> the C++ solve.

The arguments are translated here (None -> "automatic", arrays -> tensors, names checked);
the values are validated by the C++ options (aca/options.h), whose messages name the
argument. The solve itself runs in C++ with the GIL released.
"""
import numbers

import numpy as np

from acaode import _core

#: Method names accepted by ``method`` and ``adjoint_method``, from the C++ registry
#: (solvers/butcher_tableau.h; canonical names, then aliases). euler, midpoint, heun and
#: rk4 have no error estimate and need ``step_size``. Not listed: "alf" (the reversible
#: asymmetric leapfrog), accepted with gradient="mali" only.
METHODS = tuple(_core.method_names())
#: Gradient methods accepted by ``gradient``.
GRADIENTS = ("aca", "adjoint", "naive", "mali")
#: Error norms of the continuous adjoint's backward solve (``adjoint_norm``).
ADJOINT_NORMS = ("rms", "mixed", "seminorm")

_DEFAULTS = _core.OdeintOptions()
_KEYWORDS = ("method", "rtol", "atol", "gradient", "step_size", "first_step", "max_steps",
             "adjoint_rtol", "adjoint_atol", "adjoint_method", "adjoint_norm", "mali_damping",
             "memory_budget", "restore_state", "autonomous", "params", "callback")


class UnknownArgumentError(TypeError, ValueError):
    """An unknown keyword argument (both a TypeError, as Python's own, and a ValueError)."""


def _number(name, value, *, positive=False, allow_zero=True):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name}: must be a real number, got {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} = {value}: must be finite")
    if positive and (value < 0 or (value == 0 and not allow_zero)):
        raise ValueError(f"{name} = {value}: must be > 0" +
                         ("" if not allow_zero else " (or 0)"))
    return value


def _optional_positive(name, value, meaning):
    if value is None:
        return 0.0
    value = _number(name, value)
    if value <= 0:
        raise ValueError(f"{name} = {value}: must be > 0 (None = {meaning})")
    return value


def _tolerance(options, name, value, z0):
    if isinstance(value, (_core.Tensor, np.ndarray, list, tuple)):
        setattr(options, name + "_tensor", _core.tensor(value, dtype=z0.dtype))
    else:
        setattr(options, name, _number(name, value))


def _method(name, value):
    if not isinstance(value, str):
        raise ValueError(f"{name}: must be a method name (one of {', '.join(METHODS)}), "
                         f"got {value!r}")
    return value


def _times(t):
    if isinstance(t, _core.Tensor):
        t = t.numpy()
    try:
        ts = np.asarray(t, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise ValueError(f"t: must be a 1-D sequence of times ({e})") from None
    if ts.ndim != 1:
        raise ValueError(f"t: must be 1-D (the output times), got shape {ts.shape}")
    return [float(x) for x in ts]


_INT64_MAX = 2**63 - 1


def _memory_budget(budget, gradient):
    """None -> -1 (no budget); inf -> INT64_MAX; a number of bytes >= 0 -> int."""
    if budget is None:
        return -1
    if gradient != "aca":
        raise ValueError(f"memory_budget: applies to gradient='aca' only, not {gradient!r}")
    if isinstance(budget, bool) or not isinstance(budget, numbers.Real):
        raise ValueError(f"memory_budget: must be None, a number of bytes or float('inf'), "
                         f"got {budget!r}")
    if budget != budget or budget < 0:
        raise ValueError(f"memory_budget = {budget}: must be >= 0 bytes (or None, inf)")
    if budget == float("inf") or budget >= _INT64_MAX:
        return _INT64_MAX
    return int(budget)


def solve(func, z0, t, *, method="dopri5", rtol=1e-6, atol=1e-8, gradient="aca",
          step_size=None, first_step=None, max_steps=100000, adjoint_rtol=None,
          adjoint_atol=None, adjoint_method=None, adjoint_norm="rms", mali_damping=0.0,
          memory_budget=None, restore_state=None, autonomous=False, params=None, callback=None,
          **unknown):
    """Solves dz/dt = func(t, z) from t[0] through every t[k]; returns a Solution.

    Arguments are those of :func:`odeint`, and ``callback``: called as ``callback(t, z)``
    after every accepted step of the forward solve with the time reached and the state
    there (a detached tensor; e.g. for a progress bar); an exception it raises ends the
    solve and reaches the caller. The Solution has ``ys`` (the states at t, shape
    ``[len(t), *z0.shape]``, connected to the tape), ``ts``, ``accepted_times`` and
    ``stats`` (f evaluations forward and backward, accepted and rejected steps,
    checkpoint bytes, peak tape bytes; with ``memory_budget``, the peak bytes held, the
    steps retained, replayed and recomputed; the backward fields are filled in after
    ``backward()``).
    """
    if unknown:
        name = sorted(unknown)[0]
        raise UnknownArgumentError(
            f"{name}: unknown keyword argument; valid: {', '.join(_KEYWORDS)}")
    if not isinstance(z0, _core.Tensor):
        z0 = _core.tensor(z0)
    options = _core.OdeintOptions()
    options.method = _method("method", method)
    _tolerance(options, "rtol", rtol, z0)
    _tolerance(options, "atol", atol, z0)
    if gradient not in GRADIENTS:
        raise ValueError(f"gradient: {gradient!r} is not one of {', '.join(GRADIENTS)}")
    options.gradient = getattr(_core.GradientMethod, gradient)
    options.step_size = _optional_positive("step_size", step_size, "adaptive steps")
    options.first_step = _optional_positive("first_step", first_step, "chosen automatically")
    if isinstance(max_steps, bool) or not isinstance(max_steps, numbers.Integral):
        raise ValueError(f"max_steps: must be an integer, got {max_steps!r}")
    if max_steps <= 0:
        raise ValueError(f"max_steps = {max_steps}: must be > 0")
    options.max_steps = int(max_steps)
    adjoint = _core.AdjointOptions()
    if adjoint_rtol is not None:
        adjoint.rtol = _number("adjoint_rtol", adjoint_rtol, positive=True)
    if adjoint_atol is not None:
        adjoint.atol = _number("adjoint_atol", adjoint_atol, positive=True)
    if adjoint_method is not None:
        adjoint.method = _method("adjoint_method", adjoint_method)
    if adjoint_norm not in ADJOINT_NORMS:
        raise ValueError(f"adjoint_norm: {adjoint_norm!r} is not one of "
                         f"{', '.join(ADJOINT_NORMS)}")
    adjoint.norm = getattr(_core.AdjointNorm, adjoint_norm)
    options.adjoint = adjoint
    options.mali_damping = _number("mali_damping", mali_damping)
    options.memory_budget = _memory_budget(memory_budget, gradient)
    if not isinstance(autonomous, bool):
        raise ValueError(f"autonomous: must be True or False, got {autonomous!r}")
    options.autonomous = autonomous
    is_module = isinstance(func, _core.nn.Module)
    if not is_module and not callable(func):
        raise ValueError("func: must be an acaode.nn.Module or a callable f(t, z), got "
                         f"{type(func).__name__}")
    if params is None:
        params = func.parameters() if is_module else []
    else:
        params = list(params)
        for i, p in enumerate(params):
            if not isinstance(p, _core.Tensor):
                raise ValueError(f"params[{i}]: must be an acaode.Tensor, got "
                                 f"{type(p).__name__}")
    if callback is not None and not callable(callback):
        raise ValueError(f"callback: must be a callable callback(t, z), got "
                         f"{type(callback).__name__}")
    if restore_state is None:
        restore_state = is_module and len(func.named_buffers()) > 0
    elif not isinstance(restore_state, bool):
        raise ValueError(f"restore_state: must be True, False or None, got {restore_state!r}")
    elif restore_state and not is_module:
        raise ValueError("restore_state=True: func must be an acaode.nn.Module (its buffers "
                         f"are the state to restore), got {type(func).__name__}")
    # Times that require grad also get dL/dt (every gradient method).
    t_tensor = t if isinstance(t, _core.Tensor) and t.requires_grad else None
    return _core.odeint_solve(func, z0, _times(t), params, options, callback, restore_state,
                              t_tensor)


def odeint(func, z0, t, *, method="dopri5", rtol=1e-6, atol=1e-8, gradient="aca",
           step_size=None, first_step=None, max_steps=100000, adjoint_rtol=None,
           adjoint_atol=None, adjoint_method=None, adjoint_norm="rms", mali_damping=0.0,
           memory_budget=None, restore_state=None, autonomous=False, params=None, **unknown):
    """Solves dz/dt = func(t, z) and returns the states at t, shape [len(t), *z0.shape].

    func: an ``acaode.nn.Module`` whose ``forward(t, z)`` returns dz/dt (a module built
        from C++ layers, e.g. ``nn.Sequential``, is used as f(t, z) = module(z) and runs
        entirely in C++ without the GIL), or a plain callable ``f(t, z)``.
    z0: the initial state (Tensor or array, any shape; float32 or float64) at time t[0].
    t: strictly increasing or decreasing output times. A float Tensor with
        ``requires_grad`` also gets ``t.grad`` = dL/dt from ``backward()``: the derivatives
        of the exact solution, dL/dt_k = <dL/dy_k, f(t_k, y_k)> and, for t[0], minus the
        adjoint at t[0] (less dL/dy_0) against f(t[0], z0), at the cost of len(t) more
        evaluations of f in the backward pass (Note [Output-time gradients]).
    method: one of METHODS; euler, midpoint, heun and rk4 need ``step_size``.
    rtol, atol: a step is accepted when RMS(err / (atol + rtol max(|z|, |z_new|))) <= 1;
        numbers or arrays broadcastable to z0 (per component).
    gradient: "aca" (adaptive checkpoint adjoint, exact), "adjoint" (continuous adjoint),
        "naive" (back-propagation through the whole solve, step-size search included),
        or "mali" (MALI: reversible ALF solver, keeps only the end state; needs
        method="alf").
    step_size: run on a fixed grid with this step (None = adaptive).
    first_step: the adaptive methods' first step (None = chosen automatically).
    max_steps: the solve fails (acaode.SolverError) after this many step trials.
    adjoint_rtol, adjoint_atol, adjoint_method: the continuous adjoint's backward solve
        (None = the forward solve's).
    adjoint_norm: the backward solve's error norm over the augmented state [z, a, g_theta]:
        "rms" (one RMS norm over all of it), "mixed" (torchdiffeq's default: the largest of
        the RMS norms of z, a and each parameter's gradient) or "seminorm" (z and a only;
        the parameters' gradients do not steer the step size).
    mali_damping: gradient="mali" only: the ALF damping d in [0, 1), d != 0.5 (0 =
        undamped; the damped inversion loses digits at every step, see aca/reversible.h).
    memory_budget: gradient="aca" only: bytes ACA may hold between the forward and the
        backward pass. None (default): every accepted state, the paper's ACA (and the last
        step's graph, which the backward pass would otherwise replay first). A larger
        budget also keeps steps' tapes so the backward pass replays fewer steps
        (``float("inf")``: keep every tape, replay none: ACA at backprop speed); a budget
        below the accepted states uses binomial checkpointing (0: only z0 is kept). The
        gradient is bit for bit the same for every budget (Note [Memory budget] in
        aca/step_store.h).
    restore_state: whether func's buffers (e.g. BatchNorm2d's running statistics) are
        saved before each step and put back after every rejected trial step, and put back
        after the backward pass (whose replays and adjoint evaluations of f would update them
        again), as the paper's Appendix A does: they then change by the accepted steps of
        the forward solve only. None (default): True when func is an acaode.nn.Module with
        buffers; True needs such a module.
    autonomous: True declares that func ignores t (f(t, z) = g(z)); known without it for a
        module built from C++ layers. Only gradient="naive" uses it: it then skips the two
        evaluations of f per stage in the backward pass that carry f's time dependence into
        the taped step sizes. True for a time-dependent func makes that gradient wrong.
    params: the tensors to differentiate when func is a plain callable (default: func's
        parameters() for a Module).

    Raises ValueError for bad arguments (naming the argument), acaode.SolverError for a
    numerical failure; an exception raised inside func reaches the caller unchanged.
    Ctrl-C (SIGINT) stops the solve, and a later ``backward()``, at the next step with
    KeyboardInterrupt; no gradient is written by an interrupted backward pass.
    """
    return solve(func, z0, t, method=method, rtol=rtol, atol=atol, gradient=gradient,
                 step_size=step_size, first_step=first_step, max_steps=max_steps,
                 adjoint_rtol=adjoint_rtol, adjoint_atol=adjoint_atol,
                 adjoint_method=adjoint_method, adjoint_norm=adjoint_norm,
                 mali_damping=mali_damping, memory_budget=memory_budget,
                 restore_state=restore_state, autonomous=autonomous, params=params,
                 **unknown).ys
