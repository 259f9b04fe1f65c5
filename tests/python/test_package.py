"""The package imports, reports its version and the build it came from."""
import re
import sys

import pytest

import acaode


def test_version_is_semver():
    assert re.fullmatch(r"\d+\.\d+\.\d+", acaode.__version__)


def test_build_info_names_compiler_and_simd():
    assert acaode.build_info["simd"] in {"avx512", "avx2", "baseline"}
    # The kernel variant chosen on this CPU at run time (ACAODE_CPU_ISA caps it).
    assert acaode.build_info["cpu_kernels"] in {"avx512", "avx2", "baseline"}
    assert acaode.build_info["compiler"]


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))
