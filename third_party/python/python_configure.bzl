"""Repository rule that configures the project's Python interpreter.

The interpreter is, in order: $PYTHON_BIN_PATH; the project's virtual environment
`<workspace>/.venv/bin/python` (made by tools/setup.sh); `python3` on PATH. The rule asks
that interpreter (never hard-coding a path) for its include directory (sysconfig) and
NumPy's (numpy.get_include(), optional), and generates:

  @local_config_python//:python_headers   cc_library with Python.h
  @local_config_python//:numpy_headers    cc_library with numpy/arrayobject.h (empty if no NumPy)
  @local_config_python//:python_toolchain a py_runtime toolchain for py_test / py_binary
  @local_config_python//:defs.bzl         PYTHON_BIN_PATH, for rules that run the interpreter

It fails with one clear, prefixed message if no usable interpreter is found.
"""

_PREFIX = "python_configure: "

def _fail(msg):
    fail(_PREFIX + msg)

def _find_python(ctx):
    env_path = ctx.os.environ.get("PYTHON_BIN_PATH", "")
    if env_path:
        if not ctx.path(env_path).exists:
            _fail("PYTHON_BIN_PATH=%s does not exist" % env_path)
        return env_path
    venv = ctx.path(Label("//:WORKSPACE")).dirname.get_child(".venv").get_child("bin").get_child("python")
    if venv.exists:
        return str(venv)
    which = ctx.which("python3")
    if which == None:
        _fail("no Python interpreter: set PYTHON_BIN_PATH or run tools/setup.sh")
    return str(which)

def _ask(ctx, python, code, what):
    result = ctx.execute([python, "-c", code])
    if result.return_code != 0:
        return None, result.stderr
    return result.stdout.strip(), ""

def _python_configure_impl(ctx):
    python = _find_python(ctx)
    include, err = _ask(ctx, python, "import sysconfig; print(sysconfig.get_paths()['include'])", "include")
    if include == None:
        _fail("%s could not report its include directory: %s" % (python, err))
    if not ctx.path(include + "/Python.h").exists:
        _fail("%s has no Python.h in %s (install the interpreter's development headers)" % (python, include))
    version, _ = _ask(ctx, python, "import sys; print('%d.%d' % sys.version_info[:2])", "version")
    ctx.symlink(include, "python_include")

    numpy_include, _ = _ask(ctx, python, "import numpy; print(numpy.get_include())", "numpy")
    if numpy_include:
        ctx.symlink(numpy_include, "numpy_include")
        numpy_hdrs = 'glob(["numpy_include/**/*.h"])'
    else:
        ctx.file("numpy_include/README", "NumPy was not importable by %s when configured.\n" % python)
        numpy_hdrs = "[]"

    ctx.file("defs.bzl", "PYTHON_BIN_PATH = %r\nPYTHON_VERSION = %r\n" % (python, version))
    ctx.template("BUILD", ctx.attr._build_tpl, {
        "%{PYTHON_BIN_PATH}": python,
        "%{NUMPY_HDRS}": numpy_hdrs,
    })

python_configure = repository_rule(
    implementation = _python_configure_impl,
    environ = ["PYTHON_BIN_PATH", "PATH"],
    local = True,
    attrs = {
        "_build_tpl": attr.label(default = Label("//third_party/python:BUILD.tpl")),
    },
)
