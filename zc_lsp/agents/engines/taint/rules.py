"""Rule checks that need context rather than data flow: weak hashes and cookie flags.

md5 for an ETag or a cache key is fine and flagging it teaches people to ignore the tool; md5 for
a password is not. The words around the call (target names, strings, the function's name)
decide, and `usedforsecurity=False` is the author saying so explicitly.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from zc_lsp.agents.engines.taint.model import Val
from zc_lsp.agents.engines.taint.sinks import CallInfo

_WEAK_HASHES = frozenset({"md5", "sha1", "md4", "md2", "sha", "ripemd160", "sha-1"})
_SECURITY_WORDS = re.compile(
    r"(passw|pwd|token|secret|credential|auth|session|salt|signature|sign_|otp|api_?key|private|login|"
    r"reset|nonce|hmac|csrf|verify|remember)",
    re.I,
)
_BENIGN_WORDS = re.compile(
    r"(cache|etag|checksum|fingerprint|dedup|shard|bucket|partition|gravatar|content_hash|file_hash|digest_of|"
    r"integrity|identicon|color|colour|avatar|filename|storage_key|chunk|md5sum|crc|hash_file|version)",
    re.I,
)
_PREFERENCE_COOKIE = re.compile(
    r"(theme|lang|language|locale|tz|timezone|currency|font_?size|layout|sidebar|view|tab|consent|cookie_?consent|"
    r"dismissed\w*|banner\w*|seen\w*)",
    re.I,
)
Report = Callable[[str, ast.AST, str, int | None], None]
Verdict = Callable[[int, str, str], None]
FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def check_call(
    qual: str,
    node: ast.Call,
    function: FunctionNode | None,
    statement: ast.stmt | None,
    report: Report,
    verdict: Verdict,
    first_arg: object = None,
) -> None:
    """Weak hash and cookie checks for one call, seen where the data-flow pass evaluates it.

    `first_arg`: the first argument's value when the data-flow pass folded it to a constant
    (`alg = "sha1"; hashlib.new(alg)`).
    """
    algorithm = _weak_algorithm(qual, node, first_arg)
    if algorithm:
        _weak_hash(node, algorithm, function, statement, report, verdict)
    if isinstance(node.func, ast.Attribute) and node.func.attr in ("set_cookie", "set_signed_cookie"):
        _cookie(node, report, verdict)
    elif (
        isinstance(node.func, ast.Attribute)
        and node.func.attr in ("add", "append", "add_header", "setdefault", "set")
        and len(node.args) >= 2
        and isinstance(node.args[0], ast.Constant)
        and str(node.args[0].value).lower() == "set-cookie"
    ):
        cookie_header(node.args[1], node, report, verdict)


def cookie_header(value: ast.expr, node: ast.AST, report: Report, verdict: Verdict) -> None:
    """A `Set-Cookie` header written by hand: its constant text must carry `Secure` and `HttpOnly`."""
    text = " ".join(
        str(sub.value).lower()
        for sub in ast.walk(value)
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str)
    )
    missing = [flag for flag in ("secure", "httponly") if flag not in text]
    line = getattr(node, "lineno", 1) - 1
    if not text:
        return  # built elsewhere: nothing to judge here
    if "max-age=0" in text or not missing:
        verdict(line, "COOKIE", "safe")
        return
    flags = " and ".join({"secure": "Secure", "httponly": "HttpOnly"}[m] for m in missing)
    report("COOKIE", node, f"Set-Cookie header without {flags}", 614 if "secure" in missing else 1004)
    verdict(line, "COOKIE", "vuln")


def _weak_hash(
    node: ast.Call,
    algorithm: str,
    function: FunctionNode | None,
    statement: ast.stmt | None,
    report: Report,
    verdict: Verdict,
) -> None:
    line = node.lineno - 1
    for kw in node.keywords:
        if kw.arg == "usedforsecurity" and isinstance(kw.value, ast.Constant) and kw.value.value is False:
            verdict(line, "HASH", "safe")
            return
    if statement is not None and _algorithm_table(statement):
        verdict(line, "HASH", "safe")  # {OID_RSA_WITH_MD5: hashes.MD5(), ...}: names algorithms, hashes nothing
        return
    context = _words(statement) if statement is not None else ""
    function_name = function.name if function is not None else ""
    function_text = _words(function) if function is not None else ""
    for text in (context, function_name, function_text):
        if _SECURITY_WORDS.search(text):
            report(
                "HASH",
                node,
                f"{algorithm} is too weak for security values (passwords, tokens); "
                "use hashlib.sha256 or a password hash (bcrypt, argon2, scrypt)",
                328,
            )
            verdict(line, "HASH", "vuln")
            return
        if _BENIGN_WORDS.search(text):
            verdict(line, "HASH", "safe")
            return
    report(
        "HASH",
        node,
        f"{algorithm} is a broken hash; if this protects anything use sha256, or pass "
        "usedforsecurity=False when it is only a checksum",
        328,
    )
    verdict(line, "HASH", "vuln")


_HASH_NAMES = re.compile(r"(?i)(md[245]|sha(?:1|224|256|384|512|3_\w+|512_2\d\d)?|blake2[bs]|ripemd160|sm3)")


def _algorithm_table(statement: ast.stmt) -> bool:
    """A literal dict, list, tuple or set holding three or more hash constructors: a registry of
    algorithms (cryptography's OID table), where no data is hashed."""
    value = getattr(statement, "value", None)
    if not isinstance(value, (ast.Dict, ast.List, ast.Tuple, ast.Set)):
        return False
    items = value.values if isinstance(value, ast.Dict) else value.elts
    constructors = 0
    for item in items:
        func = item.func if isinstance(item, ast.Call) and not item.args and not item.keywords else None
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        constructors += bool(name and _HASH_NAMES.fullmatch(name))
    return constructors >= 3


def _cookie_jar(node: ast.Call) -> bool:
    """`jar.set_cookie(cookie)` (http.cookiejar, a client's jar): one Cookie object, no response flags."""
    receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
    if receiver is not None and "jar" in ast.unparse(receiver).lower():
        return True
    if len(node.args) != 1 or node.keywords:
        return False
    # A response's set_cookie takes a name and a value; one argument that is not a string is a Cookie.
    arg = node.args[0]
    return not (isinstance(arg, ast.JoinedStr) or (isinstance(arg, ast.Constant) and isinstance(arg.value, str)))


def _cookie(node: ast.Call, report: Report, verdict: Verdict) -> None:
    if _cookie_jar(node):
        return
    flags = {kw.arg: kw.value for kw in node.keywords if kw.arg}
    positional = {6: "secure", 7: "httponly"}
    for pos, name in positional.items():
        if len(node.args) > pos:
            flags[name] = node.args[pos]
    for name in ("max_age", "expires"):
        value = flags.get(name)
        if isinstance(value, ast.Constant) and value.value in (0, "0", "Thu, 01 Jan 1970 00:00:00 GMT"):
            return  # deleting a cookie
    missing = [name for name in ("secure", "httponly") if _off(flags.get(name))]
    if any(kw.arg is None for kw in node.keywords) or any(isinstance(a, ast.Starred) for a in node.args):
        missing = [m for m in missing if m in flags]  # `**COOKIE_OPTS` may hold the flags: only explicit offs count
    name_arg = node.args[0] if node.args else flags.get("key")
    value_arg = node.args[1] if len(node.args) > 1 else flags.get("value")
    if isinstance(name_arg, ast.Constant) and re.search(r"csrf|xsrf", str(name_arg.value), re.I):
        missing = [m for m in missing if m != "httponly"]  # the page's scripts must read a CSRF token cookie
    if (
        isinstance(name_arg, ast.Constant)
        and _PREFERENCE_COOKIE.fullmatch(str(name_arg.value))
        and (value_arg is None or isinstance(value_arg, ast.Constant))
    ):
        verdict(node.lineno - 1, "COOKIE", "safe")  # a constant UI preference (theme=dark) protects nothing
        return
    line = node.lineno - 1
    if not missing:
        verdict(line, "COOKIE", "safe")
        return
    cwe = 614 if "secure" in missing else 1004
    what = " and ".join(f"{m}=True" for m in missing)
    report(
        "COOKIE",
        node,
        f"cookie set without {what}: it can travel over plain HTTP or be read by scripts; "
        "pass " + ", ".join(f"{m}=True" for m in missing),
        cwe,
    )
    verdict(line, "COOKIE", "vuln")


def _off(value: ast.expr | None) -> bool:
    """A flag that is missing or a constant false; an expression is the author's decision."""
    if value is None:
        return True
    return isinstance(value, ast.Constant) and not value.value


def _words(node: ast.AST | None) -> str:
    if node is None:
        return ""
    out: list[str] = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            out.append(sub.id)
        elif isinstance(sub, ast.Attribute):
            out.append(sub.attr)
        elif isinstance(sub, ast.Constant) and isinstance(sub.value, str) and len(sub.value) < 80:
            out.append(sub.value)
        elif isinstance(sub, ast.arg):
            out.append(sub.arg)
        elif isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out.append(sub.name)
    return " ".join(out)


def _weak_algorithm(qual: str, node: ast.Call, first_arg: object = None) -> str:
    name = qual.rsplit(".", 1)[-1].lower()
    if qual.startswith("hashlib.") and name in _WEAK_HASHES:
        return name
    if qual == "hashlib.new" and isinstance(first_arg, str):
        algorithm = first_arg.lower()
        return algorithm if algorithm in _WEAK_HASHES else ""
    if qual.startswith(("Crypto.Hash.", "Cryptodome.Hash.")) and qual.endswith(".new"):
        module = qual.split(".")[-2].lower()
        return module if module in _WEAK_HASHES else ""
    if qual.startswith("cryptography.hazmat.primitives.hashes.") and name in _WEAK_HASHES:
        return name
    return ""


# -- settings passed as arguments: TLS verification, debug mode, file modes, ciphers ----------------------
# A value kept in a variable or in a constant-keyed dict of keyword arguments (`requests.get(url,
# **OPTS)`, `app.run(**RUN_OPTS)`) keeps its constant: the data-flow pass folded it, so these checks
# see `verify=False` wherever it was written.
_HTTP_CALLS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "request", "stream", "send", "Session", "Client",
     "AsyncClient", "ClientSession", "PoolManager", "urlopen"}
)  # fmt: skip
_TLS_MODULES = ("requests", "httpx", "urllib3", "aiohttp")
_WORLD_WRITABLE = 0o002
# The chmod family sets a mode as given; os.open, os.mkdir and os.makedirs take one the process umask
# then narrows (0o666 and 0o777 are their defaults, as bandit's B103 and semgrep's rule agree).
_MODE_CALLS = {"os.chmod": 1, "os.fchmod": 1, "os.lchmod": 1}
_BROKEN_CIPHERS = frozenset({"DES", "DES3", "ARC2", "ARC4", "Blowfish", "XOR", "CAST", "TripleDES", "IDEA", "SEED"})


def kwarg(info: CallInfo, name: str) -> Val | None:
    """A keyword argument's value, also when it comes from a `**dict` whose entries are known."""
    if name in info.kwargs:
        return info.kwargs[name]
    for key, val in info.kwargs.items():
        if key.startswith("**") and (entry := val.key(name)) is not None:
            return entry
    return None


def _is(val: Val | None, constant: object) -> bool:
    return val is not None and val.has_const() and val.const() is constant


def check_settings(info: CallInfo, report: Report, verdict: Verdict) -> None:
    """TLS verification off, debug mode on, world-writable file modes, broken ciphers or ECB mode."""
    node, qual, method = info.node, info.qual, info.method
    line = node.lineno - 1
    last = qual.rsplit(".", 1)[-1] if qual else method
    if last in _HTTP_CALLS and (method or qual.split(".")[0] in _TLS_MODULES):
        verify = kwarg(info, "verify")
        if _is(verify, False) or _is(kwarg(info, "ssl"), False) or _is(kwarg(info, "verify_ssl"), False):
            report("TLS", node, "the request does not verify the server's TLS certificate, so anyone on the path "
                   "can read and change it; pass verify=True or a CA bundle", 295)  # fmt: skip
            verdict(line, "TLS", "vuln")
        elif verify is not None and not verify.taints and verify.has_const():
            verdict(line, "TLS", "safe")
        timeout = kwarg(info, "timeout")
        if timeout is not None and not _is(timeout, None):
            verdict(line, "TIMEOUT", "safe")  # `**OPTS` holding a timeout: ruff's S113 cannot see it
    if method in ("set_cookie", "set_signed_cookie") and any(k.startswith("**") for k in info.kwargs):
        # `**cookie_flags()`: _cookie (on the syntax) counts only flags it sees; entries folded here count too
        off = [name for name in ("secure", "httponly") if name not in info.kwargs and _is(kwarg(info, name), False)]
        if off:
            report("COOKIE", node, f"cookie set with {' and '.join(f'{m}=False' for m in off)} (from a dict of options): "
                   "it can travel over plain HTTP or be read by scripts; pass secure=True, httponly=True",
                   614 if "secure" in off else 1004)  # fmt: skip
            verdict(line, "COOKIE", "vuln")
    if method == "run" and not qual.startswith(("subprocess", "asyncio")):
        debug = kwarg(info, "debug")
        if debug is not None and debug.has_const() and debug.const() is True:
            report("DEBUG", node, "run(debug=True) serves the interactive debugger, which runs code for anyone "
                   "who can reach it; read the flag from the environment and keep it off", 489)  # fmt: skip
            verdict(line, "DEBUG", "vuln")
    if qual in _MODE_CALLS or method == "chmod":
        at = _MODE_CALLS.get(qual, 0)  # os.chmod(path, mode); Path(...).chmod(mode)
        mode = info.args[at] if len(info.args) > at else kwarg(info, "mode")
        if (
            mode is not None
            and mode.has_const()
            and isinstance(mode.const(), int)
            and not isinstance(mode.const(), bool)
        ):
            if mode.const() & _WORLD_WRITABLE:
                report("PERMS", node, f"mode {oct(mode.const())} lets every user on the machine write here; "
                       "drop the 'other' write bit (e.g. 0o750 / 0o640)", 732)  # fmt: skip
                verdict(line, "PERMS", "vuln")
            else:
                verdict(line, "PERMS", "safe")
    cipher = _weak_cipher(qual, info)
    if cipher:
        report("CIPHER", node, f"{cipher}; use AES-GCM or ChaCha20-Poly1305 (authenticated encryption)", 327)
        verdict(line, "CIPHER", "vuln")


def _weak_cipher(qual: str, info: CallInfo) -> str:
    """What is broken about this cipher construction, or "" (`modes.ECB()`, `DES.new(k, DES.MODE_ECB)`)."""
    parts = qual.split(".")
    if len(parts) >= 2 and parts[-2] == "modes" and parts[-1] == "ECB" and "cryptography" in qual:
        return "ECB mode encrypts equal blocks to equal ciphertext and leaks the data's patterns"
    if len(parts) >= 2 and parts[-2] == "algorithms" and parts[-1] in _BROKEN_CIPHERS and "cryptography" in qual:
        return f"{parts[-1]} is a broken or 64-bit-block cipher"
    if parts[0] in ("Crypto", "Cryptodome") and parts[-1] == "new" and len(parts) >= 2:
        if parts[-2] in _BROKEN_CIPHERS:
            return f"{parts[-2]} is a broken or 64-bit-block cipher"
        mode = info.node.args[1] if len(info.node.args) > 1 else None
        if isinstance(mode, ast.Attribute) and mode.attr == "MODE_ECB":
            return "ECB mode encrypts equal blocks to equal ciphertext and leaks the data's patterns"
    return ""
