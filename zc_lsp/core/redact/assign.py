"""Values given to secret-looking names, in any syntax, and passwords said in prose or comments.

Covers `NAME=value` (.env, shell `export`, INI), `name: value` (YAML), `"name": "value"` (JSON,
Python dicts), `name="value"` (kwargs, TOML, XML attributes), `name := / => / <-`, `--name value`,
`<name>value</name>`, `set NAME=`, `$env:NAME =`, and "the password is hunter2" in a comment or a
chat message. The value test decides between a secret and code (`password = getpass()`).
"""

from __future__ import annotations

import math
import re
from collections import Counter

# Names that always hold a secret when given a literal value.
_STRONG = (
    r"passw(?:or)?d|passwd|pass(?:phrase|code)?|pwd|secret|token|api[_\-.]?key|apikey|access[_\-.]?key"
    r"|private[_\-.]?key|secret[_\-.]?key|auth(?!or(?!iz))|credentials?|creds?|signing[_\-.]?key|encryption[_\-.]?key"
    r"|session[_\-.]?key|client[_\-.]?key|master[_\-.]?key|conn(?:ection)?[_\-.]?str(?:ing)?"
    r"|(?<![A-Za-z])(?:dsn|pin|salt|sas)(?![a-z])|cookie[_\-.]?secret|webhook[_\-.]?secret|license[_\-.]?key"
    r"|account[_\-.]?key"
)
# A name is an identifier-ish run that contains a strong word, or ends in key (API_KEY, stripeKey).
NAME = (
    r"(?P<name>(?:[A-Za-z_$@][\w.\-]*?)?(?:" + _STRONG + r")[\w.\-]*|[A-Za-z_$@][\w.\-]*?(?:_key|Key|KEY|-key)\b)"
)
KEYWORDS = (
    "pass", "pw", "secret", "token", "key", "auth", "cred", "conn", "dsn", "pin", "salt", "sas",
    "PASS", "PW", "SECRET", "TOKEN", "KEY", "AUTH", "CRED", "CONN", "DSN", "PIN", "SALT", "SAS",
    "Pass", "Secret", "Token", "Key", "Auth", "Cred",
)

_OPS = r"(?:=|:=|:|=>|<-|\+=|[ \t](?=[\"']))"
_QUOTED = r"(?P<q>[\"'`])(?P<qv>(?:\\.|(?!(?P=q))[^\\\n]){1,400})(?P=q)"
_BARE = r"(?P<uv>[^\s\"'`,;#}\]){<>]{3,400})"
_ASSIGN = re.compile(
    r"(?:(?<=[\s{(\[,;\"'`$@\-])|^)(?:export\s+|set\s+|\$env:|let\s+|const\s+|var\s+|my\s+)?"
    + NAME
    + r"[\"'`\]]?[ \t]*"
    + _OPS
    + r"[ \t]*(?:[rbuf]{0,2}"
    + _QUOTED
    + "|"
    + _BARE
    + ")",
    re.MULTILINE | re.IGNORECASE,
)
_XML = re.compile(
    r"<(?P<tag>" + NAME.replace("?P<name>", "") + r")(?:\s[^>]*)?>(?P<qv>[^<\n]{3,400})</(?P=tag)>", re.IGNORECASE
)
_FLAG = re.compile(
    r"(?:^|\s)--?" + NAME + r"\s+(?P<q>[\"']?)(?P<qv>[^\s\"'-][^\s\"']{2,400})(?P=q)", re.IGNORECASE
)
_PROSE = re.compile(
    r"(?i)\b(?:password|passwd|passphrase|passcode|pwd|pw|pass|secret|token|api[ _-]?key|pin|credentials?)"
    r"(?:\s+(?:for|of|to)\s+[\w@.\-]+)?\s*(?:is|was|=|:|->|is\s+now|set\s+to|:\s+is)\s*"
    r"(?P<q>[\"'`]?)(?P<qv>[^\s\"'`]{4,200})(?P=q)"
)

# The literal fallback of a lookup by a secret's name: `os.environ.get("DB_PASSWORD", "s3cr3t!")`,
# `getenv('API_KEY', default='...')`, `settings.get("token", "...")`.
_DEFAULT = re.compile(
    r"\(\s*[\"'](?:" + NAME.replace("?P<name>", "") + r")[\"']\s*,\s*(?:default\s*=\s*)?[rbuf]{0,2}"
    + _QUOTED + r"\s*\)",
    re.IGNORECASE,
)
# Names whose quoted value is a passphrase even with spaces in it ("correct horse battery staple").
_PASSPHRASE_NAME = re.compile(r"(?i)pass(?:w(?:or)?d|wd|phrase|code)?(?![a-z])|pwd|secret")

_NOT_A_SECRET = {
    "changeme", "change_me", "password", "passwd", "secret", "example", "redacted", "placeholder", "none",
    "null", "nil", "true", "false", "undefined", "your-key", "your_key", "required", "optional", "string",
    "str", "int", "bool", "bytes", "float", "dict", "list", "any", "object", "self", "cls", "value",
    "token", "secretstr", "default", "empty", "missing", "hidden", "masked", "unset", "todo", "tbd",
    "notset", "dummy", "test", "testing", "sample", "foobar", "secrets", "tokens", "password123!?",
    "correct", "incorrect", "invalid", "expired", "wrong", "needed", "sent", "stored", "given",
    "provided", "set", "not", "the", "used", "an", "a", "reset", "changed", "updated", "ignored",
    "pass", "pwd", "foo", "bar", "baz", "qux", "user", "username",  # user:pass@host in documentation
}
_CODE_START = ("${", "{{", "<%", "%(", "$(", "os.", "env(", "env.", "process.env", "getenv", "self.", "this.",
               "config.", "settings.", "ENV[", "vault:", "secret:", "secretref:", "!vault", "{%", "@")


def shannon_entropy(value: str) -> float:
    """Bits per character; random keys score ~4+, words and identifiers ~2.5-3.5."""
    if not value:
        return 0.0
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


def placeholder_like(v: str) -> bool:
    """Values that stand for a secret without being one: xxx, ****, <token>, $VAR, [[ZC_SECRET_1]]."""
    low = v.lower().strip("\"'` []")
    if low in _NOT_A_SECRET or len(set(low)) <= 2:
        return True
    if low.startswith(_CODE_START) or "[[zc_secret_" in low or low.startswith("$"):
        return True
    if re.fullmatch(r"(?:x+|\*+|\.+|-+|_+|#+|0+|<[^>]*>|\{[^}]*\}|%[a-z_]+%|your[_\-\w]*|my[_\-]?\w*here)", low):
        return True
    return bool(re.fullmatch(r"[a-z_]*(?:here|goes|placeholder|example|changeme|redacted)[a-z_]*", low))


def value_is_secret(
    value: str, *, quoted: bool, env_style: bool = False, prose: bool = False, passphrase: bool = False
) -> bool:
    """Decide whether a value given to a secret-looking name is a real secret, not code or a word.

    `passphrase`: the name is a password's, and the value was quoted: words with spaces count too."""
    v = value.strip()
    if len(v) < 4 or placeholder_like(v) or re.fullmatch(r"[\d.]+|\d+[smhdkKMG]?b?", v):
        return False
    if any(ch.isspace() for ch in v):
        return passphrase and quoted and _passphrase(v)
    has_digit = any(ch.isdigit() for ch in v)
    has_symbol = any(not ch.isalnum() and ch not in "_.-" for ch in v)
    mixed = any(ch.isupper() for ch in v) and any(ch.islower() for ch in v)
    if prose:
        return quoted or has_digit or has_symbol
    if quoted:
        # "user_password", "api.token": a key name, not a value
        return has_digit or not re.fullmatch(r"[a-z]+(?:[_\-.][a-z]+)+", v)
    if env_style:
        return True
    # Unquoted, in something that may be code: identifiers, attribute paths, calls, type hints are not secrets.
    if "(" in v or "[" in v or v.endswith((":", ",")):
        return False
    if re.fullmatch(r"[A-Za-z_][A-Za-z_]*(?:\.[A-Za-z_]\w*)*", v) and not mixed:
        return False
    if re.fullmatch(r"[A-Z][a-zA-Z]*(?:\.[A-Za-z_]\w*)*", v):
        return False  # a class or type: `password: SecretStr`
    return has_digit or has_symbol or mixed or shannon_entropy(v) >= 3.0


def _passphrase(v: str) -> bool:
    """Two to eight words, no sentence or prompt ("Enter your password:", "%s is wrong", "{0}")."""
    words = v.split()
    if not 2 <= len(words) <= 8 or len(v) < 12 or _FORMAT.search(v) or v.rstrip()[-1] in ":?.!":
        return False
    low = {w.lower().strip(",;") for w in words}
    return not low & _PROMPT_WORDS


_PROMPT_WORDS = {
    "enter", "your", "please", "invalid", "incorrect", "wrong", "required", "must", "should", "confirm",
    "type", "is", "was", "are", "not", "too", "failed", "missing", "empty", "expired", "reset", "new", "old",
    "the", "for", "of", "to", "and", "or", "a", "an", "password", "passphrase", "secret", "characters",
}


def _line_of(text: str, pos: int) -> str:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return text[start : end if end != -1 else len(text)]


def _env_style(text: str, m: re.Match[str]) -> bool:
    """`NAME=value` or `name: value` alone on a line: a .env, shell or YAML file, not code."""
    line = _line_of(text, m.start())
    name = m.group("name")
    if name.isupper() and text[m.end("name") : m.end("name") + 1] == "=":
        return True  # DB_PASSWORD=value: an environment variable, wherever it is quoted from
    if re.fullmatch(r"\s*(?:export\s+|set\s+)?[\w.\-]+=[^\s=,]+\s*", line):
        return True
    yaml = re.fullmatch(r"\s*(?:-\s+)?[\w.\-]+\s*:\s+[^\s(\[{,]+\s*(?:#.*)?", line)
    return bool(yaml) and not _looks_python_annotation(line)


def _looks_python_annotation(line: str) -> bool:
    return bool(re.match(r"\s*[a-z_]\w*\s*:\s*(?:[A-Z]\w*|str|int|bytes|bool|float)(?:\[.*\])?\s*(?:=.*)?$", line))


# Names that talk about a secret without holding one: auth_header, password_prompt, token_count.
_META_NAME = re.compile(
    r"(?i)[_\-.](?:header|hdr|name|field|type|url|uri|path|file|env|var|prompt|label|len|length|size|count"
    r"|format|pattern|regex|re|mgr|manager|handler|class|endpoint|dir|expiry|expires|ttl|timeout|required"
    r"|policy|method|scheme|mode|kind|id_field|param|column|col|attr|prefix|suffix|hint|help|text|message|msg"
    r"|error|limit|min|max|chars|charset|rules|rule|validator|strength|reset|changed|hash|hashed|digest|in"
    r"|out|re)$"
)
_FORMAT = re.compile(r"%[sdr]|\{\d*\}|\{[a-z_]+\}")
_CONST = re.compile(r"[A-Z][A-Z_]*")  # "GITHUB": a constant's name, not a value
_HEADER_WORD = re.compile(r"[A-Z][a-z]+(?:-[A-Za-z][a-z]+)*")


def _prose_ok(v: str) -> bool:
    if re.search(r"[()\[\]{}<>]", v) or _FORMAT.search(v):
        return False
    return not re.fullmatch(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+", v)


def find_assigned(text: str, found: set[str]) -> None:
    """Add values assigned to secret-looking names and passwords said in prose."""
    if not any(k in text for k in KEYWORDS):
        return
    for m in _ASSIGN.finditer(text):
        quoted = m.group("qv") is not None
        value = m.group("qv") if quoted else m.group("uv")
        if value is None or _META_NAME.search(m.group("name")):
            continue
        if quoted and (_FORMAT.search(value) or _HEADER_WORD.fullmatch(value.strip()) or _CONST.fullmatch(value)):
            continue
        if not quoted:
            value = value.rstrip(".")
        passphrase = quoted and bool(_PASSPHRASE_NAME.search(m.group("name")))
        if value_is_secret(
            value, quoted=quoted, env_style=not quoted and _env_style(text, m), passphrase=passphrase
        ):
            found.add(value)
    for m in _DEFAULT.finditer(text):
        value = m.group("qv")
        if not _FORMAT.search(value) and value_is_secret(value, quoted=True):
            found.add(value)
    for rule in (_XML, _FLAG):
        for m in rule.finditer(text):
            value = m.group("qv")
            if value and value_is_secret(value, quoted=rule is _XML or bool(m.groupdict().get("q"))):
                found.add(value)
    for m in _PROSE.finditer(text):
        value = m.group("qv").rstrip(".,;:!?)")
        if _prose_ok(value) and value_is_secret(value, quoted=bool(m.group("q")), prose=True):
            found.add(value)
