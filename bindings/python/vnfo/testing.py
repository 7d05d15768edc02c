"""Helpers for tests of code that uses vnfo (not needed in production).

Both context managers swap libvnfo's allocator hook for one compiled into
the extension, which delegates to malloc, so objects made outside the block
stay valid.  They are not thread-safe: use them while no other thread calls
libvnfo.
"""

from __future__ import annotations

import contextlib
from typing import Callable, Iterator

from ._ffi import check, lib

__all__ = ["failing_allocations", "counting_allocations"]


@contextlib.contextmanager
def failing_allocations(after: int = 0) -> Iterator[None]:
    """Make libvnfo's own allocations fail after ``after`` successful ones,
    to exercise ``vnfo.NoMemory`` paths."""
    if after < 0:
        raise ValueError("after must be >= 0")
    check(lib.vnfo_py_alloc_install(after))
    try:
        yield
    finally:
        check(lib.vnfo_py_alloc_install(-2))


@contextlib.contextmanager
def counting_allocations() -> Iterator[Callable[[], int]]:
    """Yield a function returning how many libvnfo allocations made inside
    the block are still live (0 at the end of a leak-free block)."""
    check(lib.vnfo_py_alloc_install(-1))
    try:
        yield lambda: int(lib.vnfo_py_alloc_live())
    finally:
        check(lib.vnfo_py_alloc_install(-2))
