"""detect-secrets loads lazily (idle memory), so its first import can start in two threads at once: the
secret scan's and the redactor's. Concurrent first imports of it meet `_DeadlockError` or a partially
initialised `detect_secrets.core.plugins`; the redactor then raised out of `redact()` or ran on our own
rules only. `ds_gate.load_detect_secrets` imports it once, under one lock. Each run is a fresh
interpreter, since only a first import can race."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.timeout(120)

RACE = textwrap.dedent(
    """
    import logging, threading
    errors = []
    class Keep(logging.Handler):
        def emit(self, record):
            if record.levelno >= logging.ERROR:
                errors.append(record.getMessage())
    logging.getLogger().addHandler(Keep())
    from zc_lsp.core.redact import redact
    from zc_lsp.agents.engines.secrets_engine import scan_secrets
    barrier = threading.Barrier(8)
    failures = []
    def run(job):
        barrier.wait()
        try:
            job()
        except BaseException as exc:
            failures.append(repr(exc))
    jobs = [lambda: redact("password = 'abcXYZ123secret'"), lambda: scan_secrets("token = 'q8Zr2LxW9vKp4Ty7Nb3Mzz'", "x.py")]
    threads = [threading.Thread(target=run, args=(jobs[i % 2],)) for i in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert not failures and not errors, (failures, errors)
    print("ok")
    """
)


@pytest.mark.parametrize("attempt", range(4))
def test_first_imports_from_many_threads_do_not_break_redaction(attempt: int) -> None:
    done = subprocess.run([sys.executable, "-c", RACE], capture_output=True, text=True, timeout=100)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-3000:]
