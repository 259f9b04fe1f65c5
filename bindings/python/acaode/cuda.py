"""The CUDA device: ``acaode.cuda.is_available()``, ``device_count()`` and memory stats.

    if acaode.cuda.is_available():
        z = z.to("cuda")
    else:
        print(acaode.cuda.unavailable_reason())

Without a GPU (or driver) every use of the cuda device raises RuntimeError naming the
reason; nothing crashes.
"""
from acaode._core.cuda import (  # noqa: F401
    device_count,
    empty_cache,
    is_available,
    is_built,
    memory_stats,
    synchronize,
    unavailable_reason,
)

__all__ = [
    "device_count",
    "empty_cache",
    "is_available",
    "is_built",
    "memory_stats",
    "synchronize",
    "unavailable_reason",
]
