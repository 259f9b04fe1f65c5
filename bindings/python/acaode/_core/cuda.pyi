"""
The CUDA device: availability and memory.
"""
from __future__ import annotations
__all__: list[str] = ['device_count', 'empty_cache', 'is_available', 'is_built', 'memory_stats', 'synchronize', 'unavailable_reason']
def device_count() -> int:
    """
    Number of usable CUDA devices (0 without a GPU or driver).
    """
def empty_cache() -> None:
    """
    Returns cached device blocks to the driver.
    """
def is_available() -> bool:
    """
    True when a CUDA device can be used by this process.
    """
def is_built() -> bool:
    """
    True when acaode was compiled with the CUDA toolkit.
    """
def memory_stats() -> dict:
    """
    Byte counts of the device caching allocator.
    """
def synchronize() -> None:
    """
    Waits for all queued GPU work (RuntimeError without a GPU).
    """
def unavailable_reason() -> str:
    """
    Why no device is usable (empty when one is).
    """
