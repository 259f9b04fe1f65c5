"""acaode's side of the benchmark: builds f from a case's weights and runs one training step.

Variants: "aca", "adjoint", "naive", "mali" (method="alf": a different discretisation),
"aca-budget-inf" (ACA with memory_budget=inf; n/a where this build has no such keyword),
"aca-2threads" (ACA, the worker runs with two threads) and "aca-cpp-f" (ACA with C++
layers in the Python-callback case). f evaluations come from ``solve(...).stats``.
"""
import acaode
from acaode import nn

from bench_cases import DIFFERENTIATED_STAGES, FSAL_METHODS, NotAvailable


class PythonMlp(nn.Module):
    """f(t, z) = l2(tanh(l0(z))) written in Python: every evaluation is a Python callback."""

    def __init__(self, dim, hidden, dtype):
        super().__init__()
        self.l0 = nn.Linear(dim, hidden, dtype=dtype)
        self.l2 = nn.Linear(hidden, dim, dtype=dtype)

    def forward(self, t, z):
        return self.l2(acaode.tanh(self.l0(z)))


def make_func(case, params, python_f):
    """f with the case's weights loaded (state-dict names as a Sequential's, in order)."""
    if case.kind == "mlp":
        d, h = case.shape
        if python_f:
            func = PythonMlp(d, h, case.dtype)
            names = [n for n, _ in func.named_parameters()]
            func.load_state_dict(dict(zip(names, params.values())))
            return func
        func = nn.Sequential(nn.Linear(d, h, dtype=case.dtype), nn.Tanh(),
                             nn.Linear(h, d, dtype=case.dtype))
    else:
        c = case.shape[0]
        func = nn.Sequential(
            nn.Conv2d(c, c, 3, padding=1, dtype=case.dtype),
            nn.GroupNorm(8, c, dtype=case.dtype),
            nn.ReLU(),
            nn.Conv2d(c, c, 3, padding=1, dtype=case.dtype),
            nn.GroupNorm(8, c, dtype=case.dtype),
        )
    func.load_state_dict(dict(params))
    return func


class Bench:
    def __init__(self, case, variant, params, z0):
        self.func = make_func(case, params, case.python_f and variant != "aca-cpp-f")
        self.python_case = case.python_f
        self.names = list(params)
        self.z0 = acaode.tensor(z0)
        self.t = [0.0, case.t1]
        self.mean = case.loss == "mean"
        gradient = variant.split("-")[0]
        self.kwargs = dict(method="alf" if gradient == "mali" else case.method,
                           rtol=case.rtol, atol=case.atol, gradient=gradient)
        if gradient == "adjoint":
            # torchdiffeq's default backward norm, so that the adjoints compare like for like.
            self.kwargs["adjoint_norm"] = "mixed"
        if case.step_size is not None:
            self.kwargs["step_size"] = case.step_size
        if variant == "aca-budget-inf":
            self.kwargs["memory_budget"] = float("inf")
            try:
                acaode.solve(self.func, self.z0, self.t, **self.kwargs)
            except (TypeError, ValueError) as e:
                if "memory_budget" in str(e) and "unknown" in str(e):
                    raise NotAvailable("n/a (no memory_budget in this build)") from None
                raise
        self.compile_s = None
        self.note = ""

    def step(self):
        self.func.zero_grad()
        calls = acaode._core._python_callback_count()
        sol = acaode.solve(self.func, self.z0, self.t, **self.kwargs)
        y = sol.ys[-1]
        loss = (y * y).mean() if self.mean else (y * y).sum()
        loss.backward()
        if self.python_case:
            self.note = f"{acaode._core._python_callback_count() - calls} Python callbacks"
        st = sol.stats
        return st.forward_f_evals, st.backward_f_evals, self.useful_evals(st)

    def useful_evals(self, st):
        """(forward evaluations, vector-Jacobian products) that backpropagation through the
        solver does for this solve: every trial's evaluations, and one product per
        differentiated stage of every accepted step. ACA's own counts differ by what it
        recomputes: the replays, and without a budget one more evaluation of the last step's
        k1 (Note [Taped last step]), which the roofline column must not count as useful."""
        method = self.kwargs["method"]
        if method not in DIFFERENTIATED_STAGES:
            return None
        extra_k1 = (self.kwargs["gradient"] == "aca" and "memory_budget" not in self.kwargs
                    and method in FSAL_METHODS and st.retained_steps > 0)
        return (st.forward_f_evals - int(extra_k1),
                st.accepted_steps * DIFFERENTIATED_STAGES[method])

    def grads(self):
        got = [p.grad.numpy().copy() for _, p in self.func.named_parameters()]
        return dict(zip(self.names, got))


def build(case, variant, params, z0, threads):
    del threads  # ACAODE_NUM_THREADS, set by the driver before the import
    return Bench(case, variant, params, z0)


def library_version():
    return f"acaode {acaode.__version__} {acaode.build_info}"

