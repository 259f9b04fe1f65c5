"""The rules of buildifier's lint that matter most, for the project's BUILD and .bzl files.

buildifier itself cannot be installed here (not a Debian package, not on PyPI; its other
channels are unreachable from this machine and CI), so tools/lint.sh runs this instead. It
parses each file as Python (Starlark's syntax is a subset) and checks, in every call:
  1. the label lists of srcs, hdrs, deps, data, textual_hdrs, cu_deps and fallback_srcs are
     in buildifier's order, with no label twice;
  2. no keyword argument is given twice.
buildifier's order: labels starting with ":" first, then "//", then "@" (any other string
before all three); within a group, by the label split at ":" and "." part by part.

    python tools/check_build_files.py          # check every tracked BUILD/.bzl file
    python tools/check_build_files.py --fix    # sort the lists in place

Only literal lists of strings are checked (a list built by `+`, a comprehension or a
select() is left alone); a comment line inside a list splits it into blocks that are sorted
one by one, as buildifier does.
"""
import argparse
import ast
import subprocess
import sys
from pathlib import Path

SORTED_ARGS = ("srcs", "hdrs", "deps", "data", "textual_hdrs", "cu_deps", "fallback_srcs")


def sort_key(label):
    """buildifier's string sort key (build/rewrite.go, makeSortKey)."""
    phase = 0
    if label.startswith(":"):
        phase = 1
    elif label.startswith("//"):
        phase = 2
    elif label.startswith("@"):
        phase = 3
    return (phase, label.replace(":", ".").split("."), label)


def string_list(node):
    """The node's strings when it is a literal list of string constants, else None."""
    if not isinstance(node, ast.List) or not node.elts:
        return None
    if not all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
        return None
    return node.elts


def blocks(elts, lines):
    """Runs of elements not separated by a comment line (sorted independently)."""
    out, current = [], [elts[0]]
    for prev, e in zip(elts, elts[1:]):
        between = lines[prev.end_lineno:e.lineno - 1]
        if any(line.strip().startswith("#") for line in between):
            out.append(current)
            current = []
        current.append(e)
    out.append(current)
    return out


def check_file(path, fix):
    """Problems of one file, as 'path:line: message'; with fix, the lists get sorted."""
    text = path.read_text()
    lines = text.splitlines()
    problems, edits = [], []
    for call in ast.walk(ast.parse(text, filename=str(path))):
        if not isinstance(call, ast.Call):
            continue
        seen = set()
        for kw in call.keywords:
            if kw.arg is not None and kw.arg in seen:
                problems.append(f"{path}:{kw.value.lineno}: argument {kw.arg} given twice")
            seen.add(kw.arg)
            if kw.arg not in SORTED_ARGS:
                continue
            elts = string_list(kw.value)
            if elts is None:
                continue
            for block in blocks(elts, lines):
                values = [e.value for e in block]
                if len(set(values)) != len(values):
                    dup = next(v for v in values if values.count(v) > 1)
                    problems.append(f"{path}:{block[0].lineno}: {kw.arg} lists {dup!r} twice")
                    continue
                wanted = sorted(values, key=sort_key)
                if values != wanted:
                    problems.append(f"{path}:{block[0].lineno}: {kw.arg} not sorted; expected "
                                    f"{wanted}")
                    edits.append((block, wanted))
    if fix and edits:
        # Each element is one string literal, rewritten in place; from the end of the file
        # back, so that a longer or shorter label leaves the columns still to edit as they were.
        replacements = [(e, value) for block, wanted in edits for e, value in zip(block, wanted)]
        for e, value in sorted(replacements, key=lambda r: (r[0].lineno, r[0].col_offset),
                               reverse=True):
            line = lines[e.lineno - 1]
            lines[e.lineno - 1] = line[:e.col_offset] + '"' + value + '"' + line[e.end_col_offset:]
        path.write_text("\n".join(lines) + ("\n" if text.endswith("\n") else ""))
    return problems


def tracked_build_files(repo):
    names = subprocess.run(["git", "ls-files", "*BUILD", "*BUILD.bazel", "*.bzl", "WORKSPACE"],
                           cwd=repo, check=True, capture_output=True, text=True).stdout.split()
    return [repo / n for n in names if not n.startswith("third_party/offline/")]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fix", action="store_true", help="sort the label lists in place")
    parser.add_argument("files", nargs="*", type=Path,
                        help="files to check (default: every tracked BUILD/.bzl file)")
    args = parser.parse_args(argv)
    repo = Path(__file__).resolve().parent.parent
    files = args.files or tracked_build_files(repo)
    problems = []
    for f in files:
        try:
            problems += check_file(f, args.fix)
        except SyntaxError as e:
            problems.append(f"{f}:{e.lineno}: not parseable as Starlark: {e.msg}")
    for p in problems:
        print(p, file=sys.stderr)
    if problems and not args.fix:
        print(f"check_build_files: {len(problems)} problem(s) (--fix sorts the lists)",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
