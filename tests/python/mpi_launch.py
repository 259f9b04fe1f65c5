"""Launching a Python script on several MPI ranks of this machine, for the tests of
acaode.distributed: `mpirun -n RANKS python SCRIPT ARGS` over loopback TCP, allowed to run
as root and to oversubscribe the cores, one intra-op thread per rank.

Without mpirun or mpi4py the caller's test skips, unless ACAODE_REQUIRE_MPI=1 (set where the
project's own environment runs the tests: there it fails, so that a missing install step
cannot hide behind a skip).
"""
import os
import shutil
import subprocess
import sys
import time

import pytest


def mpi_missing():
    """Why MPI tests cannot run here, or None."""
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        return "mpi4py is not installed"
    if shutil.which("mpirun") is None:
        return "mpirun is not on PATH"
    return None


def mpirun(script, args, ranks=2, timeout=240):
    """Runs the script on `ranks` ranks; returns (CompletedProcess, seconds)."""
    missing = mpi_missing()
    if missing:
        if os.environ.get("ACAODE_REQUIRE_MPI") == "1":
            pytest.fail(f"ACAODE_REQUIRE_MPI=1 but {missing}")
        pytest.skip(missing)
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_btl="self,tcp", OMPI_MCA_btl_tcp_if_include="lo",
               OMPI_MCA_oob_tcp_if_include="lo", OMPI_MCA_rmaps_base_oversubscribe="1",
               ACAODE_NUM_THREADS="1", MPLBACKEND="Agg",
               PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    cmd = ["mpirun", "-n", str(ranks), sys.executable, script] + list(args)
    start = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    return proc, time.monotonic() - start
