"""The PyTorch peers: torchdiffeq, TorchDiffEqPack and torchode on the case's f.

One torch network builder for every case (Linear-Tanh-Linear or the conv block, as a
``torch.nn.Sequential`` so that parameter names match acaode's), wrapped in a module that
counts f evaluations; one small runner per library, public APIs only:

  torchdiffeq:odeint          backprop through the solver (exact for its discrete solution)
  torchdiffeq:odeint_adjoint  continuous adjoint
  TorchDiffEqPack:aca         odesolve_adjoint, the ACA authors' implementation
  torchode:autodiff           AutoDiffAdjoint (backprop through the solver); Dopri5 with an
                              IntegralController. torchode controls each batch sample's step
                              size separately (per-sample error norm, per-sample t), so its
                              steps differ from the others'; f is still evaluated on the
                              whole batch, and the NFE counts those whole-batch calls.
"""
import torch


class Counted(torch.nn.Module):
    """f(t, z) = net(z), counting evaluations."""

    def __init__(self, net):
        super().__init__()
        self.net = net
        self.nfe = 0

    def forward(self, t, z):
        self.nfe += 1
        return self.net(z)


def make_net(case, params):
    if case.kind == "mlp":
        d, h = case.shape
        net = torch.nn.Sequential(torch.nn.Linear(d, h), torch.nn.Tanh(), torch.nn.Linear(h, d))
    else:
        c = case.shape[0]
        net = torch.nn.Sequential(
            torch.nn.Conv2d(c, c, 3, padding=1), torch.nn.GroupNorm(8, c), torch.nn.ReLU(),
            torch.nn.Conv2d(c, c, 3, padding=1), torch.nn.GroupNorm(8, c))
    net.load_state_dict({k: torch.from_numpy(v) for k, v in params.items()})
    return net


def torchdiffeq_solver(case, variant, func):
    import torchdiffeq
    solve = torchdiffeq.odeint if variant == "odeint" else torchdiffeq.odeint_adjoint
    ts = torch.tensor([0.0, case.t1])
    options = {} if case.step_size is None else {"step_size": case.step_size}

    def forward(z0):
        return solve(func, z0, ts, method=case.method, rtol=case.rtol, atol=case.atol,
                     options=options)[-1]
    return forward


def torchdiffeqpack_solver(case, variant, func):
    from TorchDiffEqPack import odesolve_adjoint
    assert variant == "aca"
    options = {"method": case.method.capitalize() if case.method == "dopri5" else "RK4",
               "h": case.step_size, "t0": 0.0, "t1": case.t1, "rtol": case.rtol,
               "atol": case.atol, "print_neval": False, "neval_max": 1000000,
               "t_eval": None, "interpolation_method": "cubic"}

    def forward(z0):
        return odesolve_adjoint(func, z0, options=dict(options))
    return forward


def torchode_solver(case, variant, func):
    import torchode
    assert variant == "autodiff" and case.method == "dopri5"
    term = torchode.ODETerm(func)
    adjoint = torchode.AutoDiffAdjoint(
        torchode.Dopri5(term=term),
        torchode.IntegralController(atol=case.atol, rtol=case.rtol, term=term))

    def forward(z0):
        batch = z0.shape[0]
        problem = torchode.InitialValueProblem(
            y0=z0, t_start=torch.zeros(batch), t_end=torch.full((batch,), case.t1))
        return adjoint.solve(problem).ys[:, -1]
    return forward


SOLVERS = {"torchdiffeq": torchdiffeq_solver, "TorchDiffEqPack": torchdiffeqpack_solver,
           "torchode": torchode_solver}


class Bench:
    def __init__(self, case, library, variant, params, z0):
        self.func = Counted(make_net(case, params))
        self.forward = SOLVERS[library](case, variant, self.func)
        self.z0 = torch.from_numpy(z0)
        self.mean = case.loss == "mean"
        self.compile_s = None
        self.note = "per-sample step control" if library == "torchode" else ""

    def step(self):
        self.func.zero_grad()
        self.func.nfe = 0
        y = self.forward(self.z0)
        nfe_forward = self.func.nfe
        loss = (y * y).mean() if self.mean else (y * y).sum()
        loss.backward()
        return nfe_forward, self.func.nfe - nfe_forward

    def grads(self):
        return {k: p.grad.detach().numpy().copy() for k, p in self.func.net.named_parameters()}


def build(case, library, variant, params, z0, threads):
    torch.set_num_threads(threads)
    torch.set_default_dtype(getattr(torch, case.dtype))
    return Bench(case, library, variant, params, z0)


def library_version(library):
    from importlib.metadata import version
    return f"{library} {version(library)}, torch {torch.__version__}"
