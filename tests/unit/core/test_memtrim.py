"""The start-up heap settles: GC back on with the survivors frozen, later threads share one malloc arena."""

from __future__ import annotations

import subprocess
import sys

import pytest

from zc_lsp.core import memtrim

SETTLE = """
import gc, threading
from zc_lsp.core import memtrim
calls = []
memtrim.limit_malloc_arenas = lambda count=1: calls.append(count) or True
gc.disable()
memtrim.settle_start_up_heap()
assert gc.isenabled() and gc.get_freeze_count() > 0 and calls == [1], (gc.isenabled(), calls)
gc.unfreeze()
memtrim.settle_start_up_heap()  # GC already on (tests, the CLI): nothing to do
assert calls == [1]
print("ok")
"""


def test_settle_start_up_heap_ends_the_gc_pause_and_limits_arenas_once() -> None:
    out = subprocess.run([sys.executable, "-c", SETTLE], capture_output=True, text=True, timeout=60, check=False)
    assert out.stdout.strip() == "ok", out.stderr


def test_arena_limit_leaves_an_environment_setting_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert memtrim.limit_malloc_arenas() is False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_arena_limit_and_trim_are_accepted_by_glibc() -> None:
    script = "from zc_lsp.core import memtrim; print(memtrim.limit_malloc_arenas(), memtrim.release_freed_memory() in (True, False))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert out.stdout.split() == ["True", "True"], out.stderr


MAIN_ORDER = """
import threading
from zc_lsp import app
from zc_lsp.core import memtrim
seen = []
memtrim.limit_malloc_arenas = lambda count=1: seen.append(("arenas", threading.active_count())) or True
def stop_here():
    seen.append(("server", threading.active_count()))
    raise SystemExit(0)
app.create_server = stop_here
from zc_lsp.__main__ import main
try:
    main([])
except SystemExit:
    pass
print(seen)
"""


def test_zc_lsp_limits_malloc_arenas_before_any_thread_starts() -> None:
    # A thread that allocates before the limit keeps an arena of its own (~0.8 MB idle RSS, issue 15).
    out = subprocess.run([sys.executable, "-c", MAIN_ORDER], capture_output=True, text=True, timeout=60, check=False)
    assert out.stdout.strip() == "[('arenas', 1), ('server', 1)]", out.stderr
