"""detect-secrets is loaded without `requests` (core/redact/deferred_requests.py): the scans find the
same secrets, nothing of requests is in memory until a network verification would need it, and then
it is the real package, the same one any other `import requests` gets. Each case runs in a fresh
interpreter: what is imported is the point."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest


def _run(code: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120, check=False
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


SCAN = """
    import sys
    from zc_lsp.agents.engines.secrets_engine import scan_secrets
    text = (
        'aws_key = "AKIAIOSFODNN7EXAMPLA"\\n'
        'slack = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"\\n'
        'stripe = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"\\n'
        'db_password = "Zq7!vR2#pL9@wX4m"\\n'
    )
    found = sorted(f.code for f in scan_secrets(text, "settings.py", True, None))
    print(found)
    print("requests" in sys.modules, "urllib3" in sys.modules)
"""


def test_the_scan_finds_secrets_without_loading_requests() -> None:
    found, loaded = _run(SCAN).splitlines()
    assert loaded == "False False"
    codes = eval(found)  # noqa: S307 - our own child's print of a list of strings
    assert len(codes) == 4, codes  # one finding per line, detect-secrets' plugins included
    assert any("SLACK" in c for c in codes) and any("STRIPE" in c for c in codes)


def test_a_verification_would_get_the_real_requests() -> None:
    out = _run(
        """
        import sys
        from zc_lsp.core.redact.ds_gate import load_detect_secrets
        load_detect_secrets()
        import detect_secrets.plugins.aws as aws
        import detect_secrets.plugins.base as base
        print(type(aws.requests).__name__, "requests" in sys.modules)
        post = aws.requests.post  # what verify() calls: the real package is imported now
        import requests
        print(post is requests.post, base.requests.exceptions.RequestException is requests.exceptions.RequestException)
        print(type(sys.modules["requests"]).__name__)
        """
    )
    assert out.splitlines() == ["DeferredRequests False", "True True", "module"]


def test_requests_already_imported_is_used_as_it_is() -> None:
    out = _run(
        """
        import requests
        from zc_lsp.core.redact.ds_gate import load_detect_secrets
        load_detect_secrets()
        import detect_secrets.plugins.aws as aws
        print(aws.requests is requests)
        """
    )
    assert out == "True"


@pytest.mark.parametrize("name", ["Response", "Session"])
def test_only_annotations_read_during_the_import_get_a_placeholder(name: str) -> None:
    out = _run(
        f"""
        from zc_lsp.core.redact.deferred_requests import requests_deferred
        import sys
        with requests_deferred() as stand_in:
            during = getattr(stand_in, "{name}")
            still_deferred = "requests" not in sys.modules or type(sys.modules["requests"]).__name__ == "DeferredRequests"
        after = getattr(stand_in, "{name}")
        import requests
        print(during.__module__, after is getattr(requests, "{name}"), still_deferred)
        """
    )
    module, real_after, _ = out.split()
    assert real_after == "True"
    assert module == ("zc_lsp.core.redact.deferred_requests" if name == "Response" else "requests.sessions")


def test_a_detect_secrets_that_imports_from_requests_still_loads() -> None:
    """A later detect-secrets that does `from requests.exceptions import ...` at import cannot use the
    stand-in (it is no package): the import is retried the ordinary way and the scan still works."""
    out = _run(
        """
        import sys, importlib.abc, importlib.machinery
        import detect_secrets.filters.common as common_filters  # noqa: F401 - loaded ahead, then patched below

        class Strict(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name == "detect_secrets.core.scan":
                    from requests.exceptions import RequestException  # what a newer release might do
                return None

        for name in [m for m in sys.modules if m.startswith(("detect_secrets", "requests"))]:
            del sys.modules[name]
        sys.meta_path.insert(0, Strict())
        from zc_lsp.agents.engines.secrets_engine import scan_secrets
        text = 'slack = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"\\n'
        codes = [f.code for f in scan_secrets(text, "s.py", True, None)]
        print(codes, "detect_secrets.core.scan" in sys.modules, type(sys.modules.get("requests")).__name__)
        """
    )
    codes, loaded, requests_kind = out.rsplit(" ", 2)
    assert "SLACK" in codes
    assert (loaded, requests_kind) == ("True", "module")  # detect-secrets loaded, with the real requests
