"""What the secret scan must not take for a secret: names, placeholders, sentences and bare markers.

Found by reviewing real third-party code (requests, cryptography, pywin32 and braintree stubs, the
openai and anthropic clients, pydantic, lsprotocol): values there that look random enough, or sit
under a secret-sounding name, but name something (`challengePassword`, `ANTHROPIC_API_KEY`,
`textDocument/semanticTokens/full`), stand for a secret (`user:pass@host`), say something about one
(a sentence), or mark where a key would start (`-----BEGIN OPENSSH PRIVATE KEY-----` in a parser).
`tests/unit/security_engine/test_secrets_names.py` keeps both sides: these stay quiet, real keys do not.
"""

from __future__ import annotations

import re

from zc_lsp.core.redact.assign import placeholder_like

# Values made of words, which name things rather than hide them: challengePassword,
# Access-Control-Allow-Credentials, private_key_usage, me@example.org.
# (Lower-case words joined by `-` or `_` are left to the keyword check: a Flask key set to "dev-only" is a
# real, weak, hard-coded key.)
WORDS_VALUE = re.compile(
    r"[a-z]+(?:[A-Z][a-z]+)+|[A-Z][a-z]+(?:-[A-Z][a-z]+)+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+"
)  # ... and the name of an environment variable: ENV_API_KEY = "ANTHROPIC_API_KEY"
# For the entropy check of a secret-named value only: PascalCase names, lower-case words, alphabets,
# and names that say what they hold (SE_CREATE_TOKEN_NAME, AUTH_HEADER, PASSWORD_FIELD).
NAME_LIKE_VALUE = re.compile(
    r"[A-Z][a-z]+(?:[A-Z][a-z]+)+|[a-z]+(?:[_\-.][a-z]+)+|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Za-z]+(?:/[A-Za-z]+)+"
)  # ... and ENV_VAR_NAMES ("ANTHROPIC_API_KEY") and word paths ("textDocument/semanticTokens/full")
_ALPHABET = re.compile(r"0123456789|abcdefghijklm|ABCDEFGHIJKLM")
_META_NAME = re.compile(
    r"(?i)(?:^|_)(?:name|header|field|type|url|uri|path|file|env|var|prompt|label|id|param|column|attr|prefix|"
    r"suffix|hint|message|msg|error|pattern|regex|format)$"
)
_PEM_BODY_CHARS = 16  # a real key's body is hundreds of base64 characters (a shortened test key tens); a marker none


# fmt: off
_STOP_WORDS = frozenset({"a", "an", "the", "is", "are", "was", "that", "this", "as", "of", "to", "for", "with",
                         "in", "on", "and", "or", "it", "be", "by"})
# fmt: on


# A location made of words: a secret's path in a vault (`prod/orders/db-password`), a URL path.
_WORD_PATH = re.compile(r"/?[a-z0-9_.\-]*[a-z][a-z0-9_.\-]*(?:/[a-z0-9_.\-]+)+/?")
# A sentence: words with spaces, ending like one ("Secret key is not configured.").
_SENTENCE = re.compile(r"[A-Z][a-z]*(?:[ ,'][A-Za-z']+){2,}[.!?:]")
# An example value masked by a run of the same letter: `whsec_XXXXXXXX`, `sk_test_xxxxxxxxxxxx`, `****`.
_MASKED = re.compile(r"(?:[A-Za-z0-9]+[_\-])*(?:X{6,}|x{6,}|\*{4,}|\.{4,}|0{12,})")
# What an assignment's name is, left of the value on its line: `API_KEY_PARAM = "`, `"secret_name": "`.
_NAME_BEFORE = re.compile(r"""([A-Za-z_][\w.\-]*)["']?\s*(?::|=|:=)\s*[rbuf]{0,2}["']$""")


def not_a_value(value: str) -> bool:
    """A keyword plugin's "secret" that is a name, a placeholder or a sentence:
    `"api_key_env": "names an environment variable that is sent as a key"`, `scheme://user:password@host`."""
    words = value.lower().split()
    prose = len(words) >= 3 and sum(w in _STOP_WORDS for w in words) >= 2
    placeholder = len(value) >= 4 and placeholder_like(value)  # "xxxx", "password", "<token>"; a short "s3" is a value
    return (
        bool(WORDS_VALUE.fullmatch(value) or _WORD_PATH.fullmatch(value) or _SENTENCE.fullmatch(value))
        or masked(value)
        or placeholder
        or prose
    )


def masked(value: str) -> bool:
    """An example value whose secret part is a run of one letter: `sk_live_XXXXXXXX`, `whsec_xxxxxxxx`."""
    return bool(_MASKED.fullmatch(value))


def named_by_itself(name: str, value: str) -> bool:
    """A value its name says is a name (`TOKEN_HEADER`, `SECRET_NAME`, `RESET_URL`), or one that repeats
    words of its own name (`AUTH_TOKEN_COOKIE = "auth_token"`, `API_KEY_PARAM = "api_key"`)."""
    spelled = value.lower().replace("-", "_").strip("_")
    return bool(_META_NAME.search(name)) or (len(spelled) >= 3 and spelled in name.lower())


def name_on_line(line: str, value: str) -> str:
    """The name a quoted value is assigned to on its line, or ""."""
    col = line.find(value)
    match = _NAME_BEFORE.search(line[:col]) if col > 0 else None
    return match.group(1) if match else ""


def pem_body(lines: list[str], start: tuple[int, int], end: tuple[int, int] | None) -> bool:
    """Whether base64 follows the BEGIN marker (up to END, or the next line for a truncated paste):
    `_SK_START = b"-----BEGIN OPENSSH PRIVATE KEY-----"` in a parser is a marker, not a key."""
    first, col = start
    header_end = lines[first].find("-----", lines[first].find("-----", col) + 5) + 5
    last = end[0] if end is not None else min(first + 1, len(lines) - 1)
    parts = [lines[first][header_end:] if end is None or end[0] != first else lines[first][header_end : end[1]]]
    parts += lines[first + 1 : last]
    if end is not None and end[0] != first:
        parts.append(lines[end[0]][: end[1]])
    elif end is None and last > first:
        parts.append(lines[last])
    return sum(len(run) for part in parts for run in re.findall(r"[A-Za-z0-9+/=]{8,}", part)) >= _PEM_BODY_CHARS


def names_a_thing(name: str, value: str) -> bool:
    """For the entropy check of a value under a secret-sounding `name`: the value names something."""
    return bool(
        WORDS_VALUE.fullmatch(value)
        or NAME_LIKE_VALUE.fullmatch(value)
        or _ALPHABET.search(value)
        or _META_NAME.search(name)
    )
