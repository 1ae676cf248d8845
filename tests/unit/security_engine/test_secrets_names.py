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


@pytest.mark.parametrize(
    "text",
    [
        '_SK_START = b"-----BEGIN OPENSSH PRIVATE KEY-----"\n_SK_END = b"-----END OPENSSH PRIVATE KEY-----"\n',
        'MARKER = "-----BEGIN RSA PRIVATE KEY-----"\n',  # cryptography's ssh.py: markers, no key
        'CHALLENGE_PASSWORD = "challengePassword"\n',  # cryptography's _oid.py: an attribute's name
        'ACL_CREDENTIALS = "Access-Control-Allow-Credentials"\n',  # a header's name
        'SE_CREATE_TOKEN_NAME = "SeCreateTokenPrivilege"\n',  # pywin32: a privilege's name
        'RefreshToken = "fake-paypal-future-refresh-token-nonce"\n',  # braintree test nonces: words
    ],
)
def test_names_and_markers_are_not_secrets(text: str) -> None:
    assert scan_secrets(text, "x.py") == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("KEY = '''-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
         "-----END RSA PRIVATE KEY-----'''\n", "ZC-SECRET-PRIVATE-KEY"),
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gt\n",
         "ZC-SECRET-PRIVATE-KEY"),  # a truncated paste still counts
        ('API_TOKEN = "3f2a9c1e-8b7d-4e6f-a5c4-1d2e3f4a5b6c"\n', "ZC-SECRET-HIGH-ENTROPY"),  # a UUID key
        ('app.secret_key = "dev-only"\n', "ZC-SECRET-KEYWORD"),  # weak, but a real hard-coded key
    ],
)
def test_real_keys_still_are(text: str, code: str) -> None:
    assert code in {f.code for f in scan_secrets(text, "x.py")}


def test_a_stub_file_sets_no_settings() -> None:
    from zc_lsp.agents.engines.config_scan.python_settings import scan_python_settings

    stub = "SESSION_COOKIE_SECURE = False\nCSRF_COOKIE_SECURE = False\nDEBUG = True\n"
    assert scan_python_settings(stub, "global_settings.pyi") == ([], [])
    assert scan_python_settings(stub, "settings.py")[0]  # the same text in a real settings module is reported


@pytest.mark.parametrize(
    "line",
    [
        '"providers.*.api_key_env": "names an environment variable that is sent as a key",',  # a sentence
        '"A connection URL carries a password (scheme://user:password@host)."',  # a placeholder password
    ],
)
def test_sentences_and_placeholders_about_secrets_are_not_secrets(line: str) -> None:
    assert scan_secrets(line, "x.py") == []


def test_a_short_real_value_is_still_a_secret() -> None:
    assert [f.code for f in scan_secrets('SECRET = "s3"', "x.py")] == ["ZC-SECRET-KEYWORD"]
    assert [f.code for f in scan_secrets('DB = "postgres://admin:Zq8kLm2vPx7Rt@db/prod"', "x.py")] == [
        "ZC-SECRET-BASIC-AUTH-CREDENTIALS"
    ]


@pytest.mark.parametrize(
    "line",
    [
        'ENV_API_KEY = "ANTHROPIC_API_KEY"',  # anthropic: the name of a variable
        'TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL = "textDocument/semanticTokens/full"',  # lsprotocol: a method
        '__all__ = ["BetaManagedAgentsThreadLimitWorkflowRunErrorObject"]',  # a long class name
        "doc = 'e.g. `pass` in `https://user:pass@host:port/path`'",  # pydantic's docs
    ],
)
def test_names_from_real_libraries_are_not_secrets(line: str) -> None:
    assert scan_secrets(line, "x.py") == []


def test_an_oauth_scope_under_an_auth_key_is_not_a_secret() -> None:
    from zc_lsp.agents.engines.config_scan.judge import judge_secret

    assert judge_secret("petstore_auth", "write:pets") is None  # an OpenAPI security requirement
    assert judge_secret("db_password", "Zq8#kLm2!vPx7Rt") is not None

