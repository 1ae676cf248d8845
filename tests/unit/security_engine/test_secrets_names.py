"""Names that merely contain a secret word are not secrets' names: `__author_email__` holds an address."""

from __future__ import annotations

import pytest

from zc_lsp.agents.engines.secrets_engine import scan_secrets


@pytest.mark.parametrize(
    "line",
    [
        '__author_email__ = "me@kennethreitz.org"',  # requests/__version__.py: "auth" inside "author"
        'AUTHORITY_HOST = "login.microsoftonline.com"',
    ],
)
def test_author_and_authority_are_not_secret_names(line: str) -> None:
    assert scan_secrets(line, "x.py") == []


def test_an_auth_token_still_is() -> None:
    assert [f.code for f in scan_secrets('auth_token = "q8Zr2LxW9vKp4Ty7Nb3M"', "x.py")] == ["ZC-SECRET-HIGH-ENTROPY"]
