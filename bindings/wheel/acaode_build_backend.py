"""PEP 517 build backend behind `pip install .`: the wheel is the Bazel target //bindings:wheel.

pip calls build_wheel(); this runs tools/setup.sh (system packages for the build) and
`bazel build //bindings:wheel` with PYTHON_BIN_PATH set to the interpreter pip runs, so the
extension is compiled for it, then copies the wheel into pip's directory. One wheel builder
serves Bazel and pip alike.
"""
import os
import shutil
import subprocess
import sys

_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _run(cmd, env):
    proc = subprocess.run(cmd, cwd=_REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout)
        raise RuntimeError(f"acaode build: {' '.join(cmd)} failed with exit code {proc.returncode}")
    return proc.stdout


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    env = dict(os.environ)
    env["ACAODE_SKIP_VENV"] = "1"  # the wheel needs the system packages, not the dev venv
    _run([os.path.join(_REPO, "tools", "setup.sh")], env)
    # The interpreter that runs this backend is the one the wheel is for (pip uses the same
    # version for its isolated build environment).
    env["PYTHON_BIN_PATH"] = os.path.realpath(sys.executable)
    # The same disk cache as tools/bazel_env.sh, so a machine that built acaode before
    # reuses its outputs.
    disk_cache = os.path.join(os.path.expanduser("~"), ".cache", "acaode", "bazel-disk-cache")
    out = _run(["bazel", "build", "--show_result=10", f"--disk_cache={disk_cache}",
                "//bindings:wheel"], env)
    bin_dir = _run(["bazel", "info", "bazel-bin"], env).strip().splitlines()[-1]
    wheels = [f for f in os.listdir(os.path.join(bin_dir, "bindings")) if f.endswith(".whl")]
    tag = f"cp{sys.version_info[0]}{sys.version_info[1]}-"
    wheels = [w for w in wheels if tag in w]
    if len(wheels) != 1:
        raise RuntimeError(f"acaode build: expected one {tag} wheel in {bin_dir}/bindings, found {wheels}\n{out}")
    shutil.copy(os.path.join(bin_dir, "bindings", wheels[0]), wheel_directory)
    return wheels[0]


def build_sdist(sdist_directory, config_settings=None):
    raise RuntimeError("acaode: source distributions are not built; install from a clone with `pip install .`")
