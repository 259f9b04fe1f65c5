"""experiments/experiment_cli.py: the shared --quick/--out parser, the output directory
(relative to where `bazel run` was called) and the JSON writer (arrays as lists, NumPy
scalars as numbers, anything else as null)."""
import json
import os
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "experiments"))
import experiment_cli  # noqa: E402

DOC = """First paragraph: what the script does.

The rest of the docstring, which the --help description leaves out."""


def test_parser_has_out_under_experiments_out_and_quick_when_asked():
    parser = experiment_cli.make_parser(DOC, "toy", quick_help="short")
    args = parser.parse_args([])
    assert args.out == os.path.join("experiments", "out", "toy")
    assert args.quick is False
    assert parser.parse_args(["--quick", "--out", "/x"]).out == "/x"
    assert parser.description == "First paragraph: what the script does."


def test_parser_without_quick_help_has_no_quick():
    parser = experiment_cli.make_parser(DOC, "toy")
    with pytest.raises(SystemExit):
        parser.parse_args(["--quick"])


def test_output_dir_is_relative_to_the_bazel_working_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("BUILD_WORKING_DIRECTORY", str(tmp_path))
    path = experiment_cli.output_dir(os.path.join("a", "b"))
    assert path == os.path.join(str(tmp_path), "a", "b")
    assert os.path.isdir(path)
    absolute = str(tmp_path / "c")
    assert experiment_cli.output_dir(absolute) == absolute and os.path.isdir(absolute)


def test_output_dir_without_bazel_is_the_path_itself(tmp_path, monkeypatch):
    monkeypatch.delenv("BUILD_WORKING_DIRECTORY", raising=False)
    monkeypatch.chdir(tmp_path)
    assert experiment_cli.output_dir("d") == "d"
    assert (tmp_path / "d").is_dir()


def test_write_json_converts_numpy_and_nulls_the_rest(tmp_path):
    path = tmp_path / "r.json"
    experiment_cli.write_json({"a": np.array([[1.5, 2.0], [3.0, 4.0]]), "s": np.float32(0.25),
                               "i": np.int64(7), "f": 1.0, "o": object()}, str(path))
    back = json.loads(path.read_text())
    assert back == {"a": [[1.5, 2.0], [3.0, 4.0]], "s": 0.25, "i": 7, "f": 1.0, "o": None}


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
