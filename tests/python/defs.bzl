"""acaode_py_test(): a pytest file run by Bazel against the in-tree package."""

def acaode_py_test(name, size = "small", deps = [], data = [], **kwargs):
    native.py_test(
        name = name,
        srcs = [name + ".py"],
        main = name + ".py",
        size = size,
        python_version = "PY3",
        deps = ["//bindings:acaode"] + deps,
        data = data,
        tags = ["python"] + kwargs.pop("tags", []),
        **kwargs
    )
