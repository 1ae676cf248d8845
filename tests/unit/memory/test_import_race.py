"""sqlite-utils imported lazily from many threads at once: none gets a half-initialized module.

Seen in the language server as "partially initialized module 'sqlite_utils' has no attribute
'Database'" when several folders' services and the warm-up thread opened stores together.
"""

from __future__ import annotations

import subprocess
import sys

RACE = """
import threading
from zc_lsp.memory.db import import_sqlite_utils

barrier = threading.Barrier(16)
out = []

def go():
    barrier.wait()
    try:
        out.append(import_sqlite_utils().Database)
    except Exception as exc:
        out.append(exc)

threads = [threading.Thread(target=go) for _ in range(16)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(sum(isinstance(o, Exception) for o in out), "numpy" in __import__("sys").modules)
"""


def test_sixteen_threads_importing_at_once_all_get_the_whole_module() -> None:
    for _ in range(5):  # the race lost about 4 times in 5 before the fix
        run = subprocess.run([sys.executable, "-c", RACE], capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr
        assert run.stdout.split() == ["0", "False"], run.stdout  # no failures, and numpy still not loaded
