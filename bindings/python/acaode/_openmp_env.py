"""Settings for GNU OpenMP (oneDNN's threads), made before acaode's extension loads it.

GOMP_SPINCOUNT: how long an idle OpenMP thread spins before it sleeps. libgomp's default
(300,000 spins) makes each parallel region of a process wait out whole time slices when
processes share the cores (several trainings or test runs at once). Measured on 2 cores with
experiments/gradient_training.py --quick: three concurrent runs took 51 s at the default and
27 s with 10,000, while one run alone took 3.8-4.6 s either way (OMP_WAIT_POLICY=passive, no
spinning at all, made the lone run 3x slower). A value the user set wins; nothing changes if
OpenMP was loaded before acaode.
"""
import os

os.environ.setdefault("GOMP_SPINCOUNT", "10000")
