"""What keeps a run's resident memory near what it uses: glibc's arenas, mmap threshold and trim, pyarrow's allocator.

`limit_growth()` runs once, when the pipelines are imported, before a run starts any thread.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import threading
from typing import Any

import pyarrow
from dlt.pipeline import trace as dlt_trace

# glibc gives each thread that allocates its own malloc arena (up to 8 per core) and keeps freed memory in each; a
# run's range readers and dlt's extract workers are dozens of threads, so freed pages piled up in arenas that never
# shrink (100,000 rows: peak 866 MB with the default, 659 MB with 2 arenas). M_ARENA_MAX from mallopt(3).
MALLOC_ARENAS = 2
_M_ARENA_MAX = -8
# glibc serves a block above its mmap threshold with its own mapping, unmapped when freed; but it raises the threshold
# to the size of each such block freed (up to 32 MB), after which a run's response bodies (1-3 MB each) come from the
# heap and leave it fragmented: one 114,000-row account held 90-165 MB free in its heap. A fixed threshold (glibc's
# initial 128 KiB) keeps them in mappings (that account's peak 399 -> 360 MB). M_MMAP_THRESHOLD from mallopt(3).
MMAP_THRESHOLD_BYTES = 128 * 1024
_M_MMAP_THRESHOLD = -3
# While a run runs, what its threads freed goes back to the OS this often: freed memory in the heap's middle stays
# resident otherwise (the same account: 378 MB with it, 399 without; ten accounts in one process add it up).
TRIM_INTERVAL_SECONDS = 1.0


@functools.cache
def _glibc() -> Any:
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    return libc if libc is not None and hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> None:
    """As MALLOC_ARENA_MAX does, which a script cannot set for itself once started."""
    if _glibc() is not None and "MALLOC_ARENA_MAX" not in os.environ:
        _glibc().mallopt(_M_ARENA_MAX, arenas)


def fix_mmap_threshold(threshold: int = MMAP_THRESHOLD_BYTES) -> None:
    """As MALLOC_MMAP_THRESHOLD_ does (which, when set, wins)."""
    if _glibc() is not None and "MALLOC_MMAP_THRESHOLD_" not in os.environ:
        _glibc().mallopt(_M_MMAP_THRESHOLD, threshold)


def return_freed_memory() -> None:
    """malloc_trim(3): glibc gives the OS back the free memory of its heaps."""
    if _glibc() is not None:
        _glibc().malloc_trim(0)


class _ReturnFreedMemory:
    """A dlt tracking module (dlt.pipeline.trace.TRACKING_MODULES): before each step of a run, what the step before
    freed goes back to the OS (DuckDB allocates on its own, so the heap that extract freed was not reused by the load
    after it: at 1,000,000 rows, 458 MB held after extract fell to 300 MB, and the load's peak with it); and while
    any run of the process runs (a fleet's accounts are many), a thread returns it every TRIM_INTERVAL_SECONDS."""

    def __init__(self) -> None:
        self._runs = 0
        self._trimming = False  # a thread is trimming (it may outlive the last run by one wait)
        self._changed = threading.Condition()

    def on_start_trace(self, *args: Any) -> None:
        with self._changed:
            self._runs += 1
            if not self._trimming:
                self._trimming = True
                threading.Thread(target=self._trim_while_running, name="return-freed-memory", daemon=True).start()

    def on_start_trace_step(self, *args: Any) -> None:
        return_freed_memory()

    def on_end_trace_step(self, *args: Any) -> None:
        pass

    def on_end_trace(self, *args: Any) -> None:
        with self._changed:
            self._runs -= 1
            self._changed.notify_all()

    def _trim_while_running(self) -> None:
        with self._changed:
            while self._runs:
                self._changed.wait(TRIM_INTERVAL_SECONDS)
                if self._runs:
                    return_freed_memory()
            self._trimming = False


def use_system_arrow_allocator() -> None:
    """pyarrow's default allocator (mimalloc) keeps memory it freed; glibc (arenas limited above) returns it. One
    100,000-row run: peak 566 -> 486 MB, though a bench run alone showed no change (519 MB both): noisy, and kept as
    the allocator that cannot hold freed pages. ARROW_DEFAULT_MEMORY_POOL, when set, wins."""
    if "ARROW_DEFAULT_MEMORY_POOL" not in os.environ:
        pyarrow.set_memory_pool(pyarrow.system_memory_pool())


def limit_growth() -> None:
    limit_malloc_arenas()
    fix_mmap_threshold()
    use_system_arrow_allocator()
    if not any(isinstance(module, _ReturnFreedMemory) for module in dlt_trace.TRACKING_MODULES):
        dlt_trace.TRACKING_MODULES.append(_ReturnFreedMemory())
