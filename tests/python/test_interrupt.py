"""Ctrl-C (SIGINT) during a solve or a backward pass raises KeyboardInterrupt within about a
second, from the forward solve, ACA's replay, the adjoint's backward solve and MALI's
backward pass alike, and leaves gradients as they were (Note [Interrupting a solve]).
Each case runs in a subprocess that sends itself SIGINT from a timer thread while the main
thread is inside C++ with the GIL released."""
import os
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent("""
    import os, signal, sys, threading, time
    import acaode
    from acaode import nn

    phase, gradient = sys.argv[1], sys.argv[2]
    gen = acaode.Generator(0)
    f = nn.Sequential(nn.Linear(2, 32, generator=gen), nn.Tanh(),
                      nn.Linear(32, 2, generator=gen))
    z0 = acaode.randn(64, 2, generator=gen)
    kwargs = dict(gradient=gradient, method="alf" if gradient == "mali" else "rk4",
                  max_steps=10**9)

    def interrupt_in(seconds):
        threading.Timer(seconds, lambda: os.kill(os.getpid(), signal.SIGINT)).start()

    if phase == "forward":
        interrupt_in(0.5)
        start = time.perf_counter()
        try:
            acaode.odeint(f, z0, [0.0, 1e7], step_size=1e-3, **kwargs)
        except KeyboardInterrupt as e:
            print("KeyboardInterrupt", round(time.perf_counter() - start - 0.5, 3), e)
            sys.exit(0)
        sys.exit("the solve ended without an interrupt")

    # backward: a forward solve of about a second, then interrupt the backward pass.
    steps = 50000
    ys = acaode.odeint(f, z0, [0.0, steps * 1e-3], step_size=1e-3, **kwargs)
    loss = (ys[-1] ** 2).sum()
    interrupt_in(0.1)
    start = time.perf_counter()
    try:
        loss.backward()
    except KeyboardInterrupt as e:
        late = time.perf_counter() - start - 0.1
        untouched = all(p.grad is None for p in f.parameters())
        print("KeyboardInterrupt", round(late, 3), "grads untouched" if untouched else
              "GRADS WRITTEN", e)
        sys.exit(0 if untouched else 1)
    sys.exit(f"the backward pass ended without an interrupt "
             f"({time.perf_counter() - start:.2f} s)")
""")


def run(phase, gradient):
    env = dict(os.environ)
    env["ACAODE_NUM_THREADS"] = "1"
    proc = subprocess.run([sys.executable, "-c", SCRIPT, phase, gradient], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    words = proc.stdout.split()
    assert words[0] == "KeyboardInterrupt", proc.stdout
    return float(words[1]), proc.stdout


@pytest.mark.parametrize("gradient", ["aca", "naive", "mali"])
def test_sigint_interrupts_the_forward_solve(gradient):
    late, out = run("forward", gradient)
    assert late < 1.0, out
    assert "interrupted during" in out


@pytest.mark.parametrize("gradient", ["aca", "adjoint", "mali"])
def test_sigint_interrupts_the_backward_pass_and_writes_no_gradient(gradient):
    late, out = run("backward", gradient)
    assert late < 1.0, out
    assert "grads untouched" in out and "interrupted during" in out


def test_sigint_handler_is_restored_after_a_solve():
    import signal

    import acaode
    before = signal.getsignal(signal.SIGINT)
    acaode.odeint(lambda t, z: -z, [1.0], [0.0, 1.0])
    assert signal.getsignal(signal.SIGINT) is before
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):  # Python delivers the signal between bytecodes
            pass


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
