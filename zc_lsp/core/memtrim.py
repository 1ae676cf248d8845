"""Hand the heap that start-up freed back to the OS (glibc keeps it otherwise).

Why: importing modules and building the services allocates and frees many small objects; glibc's
malloc keeps the freed pages mapped, so an idle server looks a few MB bigger than what it holds.
`malloc_trim(0)` returns them. Elsewhere (musl, macOS, Windows) this does nothing.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


_M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)


def _glibc(name: str) -> Any:
    """A function of the process's own C library (glibc's, without find_library's subprocess), or None."""
    import ctypes  # here, not at import: the handlers import this module on the way to the initialize reply

    try:
        fn = getattr(ctypes.CDLL(None), name)
    except (OSError, AttributeError) as exc:
        log.debug("%s is not available here: %s", name, exc)
        return None
    fn.restype = ctypes.c_int
    return fn


def release_freed_memory() -> bool:
    """True when the C library returned memory to the OS; blocking for a few ms, call it off the loop."""
    import ctypes

    trim = _glibc("malloc_trim")
    if trim is None:
        return False
    trim.argtypes = [ctypes.c_size_t]
    return bool(trim(0))


def limit_malloc_arenas(count: int = 1) -> bool:
    """Threads that first allocate from now on share `count` malloc arenas; True when glibc agreed.

    glibc gives each allocating thread an arena of its own (up to 8 per core) and each keeps its
    freed pages; the batch workers, the scheduler, the loop's executor and the status threads
    mostly sleep, yet held ~2.5 MB of an idle server that way. Python allocates under the GIL, so
    they seldom wait for the shared arena (MALLOC_ARENA_MAX=1 is the usual advice for Python
    services); an environment that sets MALLOC_ARENA_MAX itself is left alone.
    """
    import ctypes
    import os

    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    mallopt = _glibc("mallopt")
    if mallopt is None:
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return bool(mallopt(_M_ARENA_MAX, count))


def settle_start_up_heap() -> None:
    """End the start-up GC pause `zc-lsp` begins with: collect once, freeze what survives, GC back on.

    `__main__` turns the cyclic GC off before importing (collections over ~100,000 new long-lived
    objects cost ~30 ms of the path to the initialize reply). Freezing without a collection would
    keep import-time garbage forever (+9 MB measured), so the services' thread collects first
    (~50 ms of GIL, once, after the reply, before it builds the services) and freezes the survivors,
    which later collections never scan again. The threads the services start next share one malloc
    arena (`limit_malloc_arenas`; `zc-lsp` already set it before its first thread, this covers other
    callers). A no-op when the GC is already on (tests, the CLI).
    """
    import gc

    if gc.isenabled():
        return
    limit_malloc_arenas()  # before the services start their threads
    try:
        gc.collect()
        gc.freeze()
    finally:
        gc.enable()
