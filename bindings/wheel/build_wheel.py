"""Builds the acaode wheel from the Bazel-built extension and the package's Python files.

    python build_wheel.py --out acaode-0.1.0-cp311-cp311-linux_x86_64.whl \
        --version 0.1.0 --file acaode/__init__.py=bindings/python/acaode/__init__.py ...

Each --file is ARCHIVE_PATH=SOURCE_PATH. The wheel (PEP 427) holds those files, a
dist-info with METADATA, WHEEL and RECORD (sha256 of every file). The tag is taken from the
file name given in --out, which the Bazel rule derives from the configured interpreter.
Used by the Bazel target //bindings:wheel, which the PEP 517 backend (bindings/wheel/
acaode_build_backend.py, behind `pip install .`) builds and copies.
"""
import argparse
import base64
import hashlib
import os
import zipfile

METADATA = """Metadata-Version: 2.1
Name: acaode
Version: {version}
Summary: Adaptive Checkpoint Adjoint (ACA) and other exact gradients for neural ODEs
Requires-Python: >=3.9
Requires-Dist: numpy>=1.22
"""

WHEEL = """Wheel-Version: 1.0
Generator: acaode build_wheel.py
Root-Is-Purelib: false
Tag: {tag}
"""


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True)
    parser.add_argument("--version", required=True)
    parser.add_argument("--file", action="append", default=[], required=True)
    args = parser.parse_args()

    name = os.path.basename(args.out)
    parts = name[: -len(".whl")].split("-")
    if len(parts) != 5 or parts[0] != "acaode" or parts[1] != args.version:
        raise SystemExit(f"build_wheel: --out must be acaode-{args.version}-PY-ABI-PLATFORM.whl, got {name}")
    tag = "-".join(parts[2:])
    dist_info = f"acaode-{args.version}.dist-info"

    entries = []
    for spec in args.file:
        archive_path, _, source = spec.partition("=")
        if not source:
            raise SystemExit(f"build_wheel: --file needs ARCHIVE_PATH=SOURCE_PATH, got {spec}")
        with open(source, "rb") as f:
            entries.append((archive_path, f.read()))
    entries.append((f"{dist_info}/METADATA", METADATA.format(version=args.version).encode()))
    entries.append((f"{dist_info}/WHEEL", WHEEL.format(tag=tag).encode()))
    record = [_record_line(p, d) for p, d in entries] + [f"{dist_info}/RECORD,,"]
    entries.append((f"{dist_info}/RECORD", ("\n".join(record) + "\n").encode()))

    with zipfile.ZipFile(args.out, "w", compression=zipfile.ZIP_DEFLATED) as wheel:
        for archive_path, data in entries:
            info = zipfile.ZipInfo(archive_path, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if archive_path.endswith(".so") else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            wheel.writestr(info, data)


if __name__ == "__main__":
    main()
