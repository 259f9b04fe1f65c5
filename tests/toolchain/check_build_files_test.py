"""tools/check_build_files.py: reports label lists out of buildifier's order and repeated
labels or arguments, and --fix puts the lists in that order (checked on files written here,
against orders worked out by hand)."""
import importlib.util
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "tools", "check_build_files.py")
spec = importlib.util.spec_from_file_location("check_build_files", SCRIPT)
check_build_files = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_build_files)

UNSORTED = '''cc_library(
    name = "x",
    srcs = ["zz_long_name.cc", "a.cc"],
    deps = [
        "@absl//:strings",
        "//autograd/cuda:device",
        ":local",
        "//autograd:core",
        "//autograd",
        # a comment starts a block of its own
        ":zeta",
        ":alpha",
    ],
    visibility = ["//z:__pkg__", "//a:__pkg__"],
)
'''

SORTED = '''cc_library(
    name = "x",
    srcs = ["a.cc", "zz_long_name.cc"],
    deps = [
        ":local",
        "//autograd",
        "//autograd:core",
        "//autograd/cuda:device",
        "@absl//:strings",
        # a comment starts a block of its own
        ":alpha",
        ":zeta",
    ],
    visibility = ["//z:__pkg__", "//a:__pkg__"],
)
'''


def test_buildifier_order_groups_then_parts():
    labels = ["@eigen", "//a/b:c", "//a:z", ":x", "plain.cc", "//a"]
    assert sorted(labels, key=check_build_files.sort_key) == [
        "plain.cc", ":x", "//a", "//a:z", "//a/b:c", "@eigen"]


def test_unsorted_lists_are_reported_and_fixed(tmp_path):
    f = tmp_path / "BUILD"
    f.write_text(UNSORTED)
    problems = check_build_files.check_file(f, fix=False)
    assert len(problems) == 3, problems  # srcs, and each of deps' two blocks
    assert all("not sorted" in p for p in problems)
    assert f.read_text() == UNSORTED  # checking writes nothing
    check_build_files.check_file(f, fix=True)
    assert f.read_text() == SORTED  # visibility is not a sorted argument
    assert check_build_files.check_file(f, fix=False) == []


def test_repeated_label_and_argument_are_reported(tmp_path):
    f = tmp_path / "BUILD"
    f.write_text('cc_library(\n    name = "x",\n    deps = [":a", ":a"],\n    name = "y",\n)\n')
    problems = check_build_files.check_file(f, fix=False)
    assert any("lists ':a' twice" in p for p in problems), problems
    assert any("argument name given twice" in p for p in problems), problems


def test_the_command_exits_non_zero_on_a_problem(tmp_path, capsys):
    bad = tmp_path / "BUILD"
    bad.write_text('cc_library(name = "x", deps = [":b", ":a"])\n')
    good = tmp_path / "ok.bzl"
    good.write_text('X = [":b", ":a"]  # not an argument of a call: left alone\n')
    assert check_build_files.main([str(good)]) == 0
    assert check_build_files.main([str(bad)]) == 1
    assert "deps not sorted" in capsys.readouterr().err


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))
