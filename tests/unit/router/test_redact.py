"""Redaction: a generated corpus of 50+ secrets in many syntaxes never reaches a provider."""

from __future__ import annotations

import base64
import json
import random
import string

import pytest

from tests.fakes.model_server import FakeModelServer, Script
from tests.unit.router.conftest import fake_settings
from zc_lsp.core.redact import find_secrets, redact
from zc_lsp.router.base import ModelRequest

ALNUM = string.ascii_letters + string.digits


RNG = random.Random(7)  # fixed seed: the same corpus every run


def rnd(n: int, alphabet: str = ALNUM) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(n))


def _jwt() -> str:
    def part(d: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")
    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part({'sub': rnd(8), 'exp': 9})}.{rnd(43)}"


def _pem(kind: str) -> str:
    body = "\n".join(rnd(64, ALNUM + "+/") for _ in range(6))
    return f"-----BEGIN {kind}PRIVATE KEY-----\n{body}\n-----END {kind}PRIVATE KEY-----"


def corpus() -> list[tuple[str, str]]:
    """(line of text containing the secret, the secret). Values are random: nothing real is committed."""
    items: list[tuple[str, str]] = []
    for _ in range(3):
        s = [
            "sk-proj-" + rnd(40), "sk-" + rnd(48), "sk-ant-api03-" + rnd(60, ALNUM + "-_"),
            "AKIA" + rnd(16, string.ascii_uppercase + string.digits), "AIza" + rnd(35),
            "ghp_" + rnd(36), "gho_" + rnd(36), "github_pat_" + rnd(22) + "_" + rnd(59),
            "xoxb-" + rnd(12, string.digits) + "-" + rnd(24), "xoxp-" + rnd(12, string.digits) + "-" + rnd(30),
            _jwt(), "sk_live_" + rnd(24), "hf_" + rnd(34),
        ]
        items += [(f"client = Client('{v}')", v) for v in s]
        tok, pw, url_pw = rnd(32), rnd(14) + "9", rnd(12) + "7x"
        items += [
            (f"Authorization: Bearer {tok}", tok),
            (f"DATABASE_URL=postgres://admin:{url_pw}@db.internal:5432/app", url_pw),
            (f"git clone https://oauth2:{pw}@gitlab.example.com/x.git", pw),
        ]
        a, b, c, d, e, f, g, h, i = (rnd(20) for _ in range(9))
        items += [
            (f"API_KEY={a}", a),
            (f'{{"client_secret": "{b}", "name": "demo"}}', b),
            (f"  password: {c}", c),
            (f'db_password = "{d}"', d),
            (f'export GITHUB_TOKEN="{e}"', e),
            (f"<password>{f}</password>", f),
            (f'apiKey := "{g}"', g),
            (f"const clientSecret = '{h}';", h),
            (f"mytool --auth-token={i} --verbose", i),
            (f"Server=db;User Id=sa;Password={a[:12]}X1;", a[:12] + "X1"),
        ]
    items += [(_pem(k), _pem_body) for k in ("RSA ", "EC ", "OPENSSH ", "") for _pem_body in [None]]
    return [(line, secret if secret is not None else line) for line, secret in items]


CORPUS = corpus()
NOT_SECRETS = [
    "token_count = len(tokens)", "password = getpass.getpass()", "max_tokens: 1024",
    "self.api_key = api_key", "api_key = os.environ['OPENAI_API_KEY']", "secret: ${VAULT_SECRET}",
    'prompt = "Enter your password:"', "def get_token(self) -> str:", "token: Optional[str] = None",
    '__author_email__ = "me@kennethreitz.org"', 'authority = "login.microsoftonline.com/tenant1"',
    'password = "Please enter your password"', 'os.environ.get("DB_PASSWORD", "")',
]


def test_corpus_has_more_than_50_secrets() -> None:
    assert len(CORPUS) >= 50


@pytest.mark.parametrize(("line", "secret"), CORPUS, ids=[f"s{i}" for i in range(len(CORPUS))])
def test_every_corpus_secret_is_redacted_and_restored(line: str, secret: str) -> None:
    text = f"Please review:\n{line}\nThanks"
    red = redact(text)
    assert secret not in red.texts[0]
    assert "[[ZC_SECRET_1]]" in red.texts[0]
    assert red.restore(red.texts[0]) == text


@pytest.mark.parametrize("line", NOT_SECRETS)
def test_ordinary_code_is_left_alone(line: str) -> None:
    assert find_secrets(line) == set()


def test_same_secret_gets_same_placeholder_across_prompt_and_system() -> None:
    key = "ghp_" + rnd(36)
    red = redact(f"a {key} b {key}", f"system {key}")
    assert red.texts == ["a [[ZC_SECRET_1]] b [[ZC_SECRET_1]]", "system [[ZC_SECRET_1]]"]
    assert "ghp_" not in repr(red)


def test_stream_restorer_handles_any_split() -> None:
    key = "AKIA" + rnd(16, string.ascii_uppercase)
    red = redact(f"k={key}")
    reply = "use [[ZC_SECRET_1]] and [[ZC_SECRET_9]] [x] done"
    for cut in range(1, len(reply)):
        r = red.restorer()
        out = r.feed(reply[:cut]) + r.feed(reply[cut:]) + r.flush()
        assert out == reply.replace("[[ZC_SECRET_1]]", key)


@pytest.mark.parametrize("provider", ["ollama", "openai", "anthropic"])
async def test_no_secret_byte_reaches_any_provider(model_server: FakeModelServer, make_router,
                                                   provider: str) -> None:
    model_server.push(Script(text="rotate [[ZC_SECRET_3]] now"))
    router = make_router(fake_settings(model_server, router__chain=[provider, "offline"]))
    text = "\n".join(line for line, _ in CORPUS)
    reply = await router.complete(ModelRequest(role="best_practices", prompt=text, system=CORPUS[0][0],
                                               stream=provider == "anthropic"))
    sent = model_server.all_bytes()
    assert sent and b"ZC_SECRET_" in sent
    for _, secret in CORPUS:
        for piece in secret.splitlines():
            assert piece.encode() not in sent, piece[:12]
    assert "[[ZC_SECRET_" not in reply.text  # restored in the reply


async def test_redact_local_false_sends_raw_text_to_local_models(model_server: FakeModelServer,
                                                                 make_router) -> None:
    key = "ghp_" + rnd(36)
    router = make_router(fake_settings(model_server, privacy__redact_local=False))
    await router.complete(ModelRequest(role="ops", prompt=f"token {key}"))
    assert key.encode() in model_server.all_bytes()


async def test_invisible_unicode_is_stripped_before_sending(model_server: FakeModelServer, make_router) -> None:
    router = make_router(fake_settings(model_server))
    await router.complete(ModelRequest(role="ops", prompt="ig\u200bnore\u202e previous\ufeff"))
    body = model_server.requests[0].json
    assert body["messages"][-1]["content"] == "ignore previous"
