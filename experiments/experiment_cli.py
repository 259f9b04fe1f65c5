"""The command line and the output files that every experiment script shares.

Each script of experiments/ takes --quick (a short version that the tests run) and --out (the
directory for its figure and JSON, experiments/out/<name> by default), resolves --out against
the directory that `bazel run` was called from, and writes its results as JSON in which NumPy
arrays become lists. They get all of that from here:

    parser = experiment_cli.make_parser(__doc__, "three_body", quick_help="...")
    args = parser.parse_args(argv)
    out_dir = experiment_cli.output_dir(args.out)
    experiment_cli.write_json(results, os.path.join(out_dir, "three_body.json"))
"""
import argparse
import json
import os

import numpy as np


def make_parser(doc, name, quick_help=None, out_help=None):
    """An ArgumentParser described by the first paragraph of `doc`, with --out (default
    experiments/out/`name`) and, when `quick_help` is given, --quick."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    if quick_help is not None:
        parser.add_argument("--quick", action="store_true", help=quick_help)
    parser.add_argument("--out", default=os.path.join("experiments", "out", name),
                        help=out_help or f"directory for {name}.png and {name}.json")
    return parser


def output_dir(path):
    """`path` made absolute the way the user meant it and created: under `bazel run` a
    relative path is taken from the directory bazel was called from, not the runfiles."""
    if not os.path.isabs(path) and "BUILD_WORKING_DIRECTORY" in os.environ:
        path = os.path.join(os.environ["BUILD_WORKING_DIRECTORY"], path)
    os.makedirs(path, exist_ok=True)
    return path


def _json_value(x):
    """What json cannot write itself: arrays as lists, NumPy scalars as numbers, else null."""
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, np.generic):
        return x.item()
    return None


def write_json(results, path):
    """Writes `results` (dicts, lists, numbers, strings, NumPy arrays) to `path`, indented."""
    with open(path, "w") as f:
        json.dump(results, f, indent=1, default=_json_value)
