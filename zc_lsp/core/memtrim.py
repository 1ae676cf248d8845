"""Hand the heap that start-up freed back to the OS (glibc keeps it otherwise).

Why: importing modules and building the services allocates and frees many small objects; glibc's
malloc keeps the freed pages mapped, so an idle server looks a few MB bigger than what it holds.
`malloc_trim(0)` returns them. Elsewhere (musl, macOS, Windows) this does nothing.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def release_freed_memory() -> bool:
    """True when the C library returned memory to the OS; blocking for a few ms, call it off the loop."""
    import ctypes  # here, not at import: the handlers import this module on the way to the initialize reply

    try:
        trim = ctypes.CDLL(None).malloc_trim  # the process's own symbols: glibc's, without find_library's subprocess
    except (OSError, AttributeError) as exc:
        log.debug("malloc_trim is not available here: %s", exc)
        return False
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return bool(trim(0))


def settle_start_up_heap() -> None:
    """End the start-up GC pause `zc-lsp` begins with: collect once, freeze what survives, GC back on.

    `__main__` turns the cyclic GC off before importing (collections over ~100,000 new long-lived
    objects cost ~30 ms of the path to the initialize reply). Freezing without a collection would
    keep import-time garbage forever (+9 MB measured), so the services' thread collects first
    (~50 ms of GIL, once, after the reply, before it builds the services) and freezes the survivors,
    which later collections never scan again. A no-op when the GC is already on (tests, the CLI).
    """
    import gc

    if gc.isenabled():
        return
    try:
        gc.collect()
        gc.freeze()
    finally:
        gc.enable()
