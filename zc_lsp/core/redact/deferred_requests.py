"""detect-secrets without `requests` in memory: its network verification (never used here) loads it on first use.

Why: detect-secrets imports `requests` at the top of its plugin base and of several plugins, only to
verify found secrets online (`verify()`, which the reviews and the redactor never call: our scans run
with verification off) and to catch `requests.exceptions.RequestException` around those calls.
Importing it costs ~7.3 MB of the server's memory and ~160 modules (requests, urllib3,
charset_normalizer, idna, certifi) on the first review of almost any file (bench/lsp_latency.py,
docs/performance.md "Fifth pass").

How: while detect-secrets' modules are imported (`load_detect_secrets`, under its lock), the name
`requests` is bound to a `DeferredRequests` module. Any attribute read on it later imports the real
`requests` and answers from it, so a verification, or an `except requests.exceptions...` that runs,
behaves exactly as before. The one exception is `Response` read *during* that import: two plugins
evaluate `-> requests.Response` annotations when their functions are defined; they get a
placeholder class (annotations only). Afterwards `sys.modules` holds no trace of it: any other
`import requests` (gTTS, a user's plug-in) loads the real package as usual. A detect-secrets release
that imports parts of requests by name at import cannot use the stand-in (it is no package):
`ds_gate.load_detect_secrets` then imports it the ordinary way.
"""

from __future__ import annotations

import importlib
import sys
import threading
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

NAME = "requests"
_ANNOTATION_ONLY = frozenset({"Response"})  # read at import time, only in annotations (detect-secrets 1.5)


class ResponseAnnotation:
    """Stands for `requests.Response` in annotations evaluated while detect-secrets was imported."""


class DeferredRequests(types.ModuleType):
    """`requests`, imported on the first attribute read (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__(NAME, "requests, imported on first use (zc_lsp.core.redact.deferred_requests)")
        self._zc_lock = threading.Lock()
        self._zc_real: types.ModuleType | None = None
        self._zc_importing = True

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_zc_") or name in ("__path__", "__file__", "__spec__", "__loader__"):
            raise AttributeError(name)  # not a package to the import system; our own fields are set
        if self._zc_importing and name in _ANNOTATION_ONLY:
            return ResponseAnnotation
        return getattr(self._zc_load(), name)

    def _zc_load(self) -> types.ModuleType:
        with self._zc_lock:
            if self._zc_real is None:
                if sys.modules.get(NAME) is self:
                    del sys.modules[NAME]  # a thread importing it while detect-secrets loads gets the real one
                self._zc_real = importlib.import_module(NAME)
            return self._zc_real


@contextmanager
def requests_deferred() -> Iterator[DeferredRequests | None]:
    """Run an import with `requests` deferred; a no-op (yields None) when it is already imported."""
    if NAME in sys.modules:
        yield None
        return
    stand_in = DeferredRequests()
    sys.modules[NAME] = stand_in
    try:
        yield stand_in
    finally:
        stand_in._zc_importing = False
        if sys.modules.get(NAME) is stand_in:
            del sys.modules[NAME]
