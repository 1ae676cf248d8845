"""Calls: sources, sinks, sanitizers, container updates, and functions of the same module.

A call to a function defined in the module uses its summary (which parameters reach its return
value and which reach a sink inside it), so a helper called with tainted data is followed.
Unknown library calls pass their arguments' taint through: conservative for flow, while the
sink list decides what is reported.
"""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from typing import Any

from zc_lsp.agents.engines.taint.containers import MUTATORS, container_method
from zc_lsp.agents.engines.taint.exprs import Env, ExprEval, fold
from zc_lsp.agents.engines.taint.indirect import INDIRECT_NAMES, aliased_call, direct_form, is_reference
from zc_lsp.agents.engines.taint.model import (
    CLEAN,
    UNKNOWN,
    Step,
    Taint,
    Val,
    combine,
    container,
    sanitized,
)
from zc_lsp.agents.engines.taint.sanitizers import NORMALISED, sanitizer_kinds
from zc_lsp.agents.engines.taint.sinks import CallInfo, call_sinks
from zc_lsp.agents.engines.taint.sources import CALL_SOURCES, REQUEST_METHODS

# fmt: off
_PURE_BUILTINS = frozenset({"str", "repr", "list", "dict", "tuple", "set", "frozenset", "sorted", "reversed", "min",
                            "max", "format", "bytes", "bytearray", "enumerate", "zip", "map", "filter", "sum",
                            "chr", "hex", "oct", "bin", "iter", "next", "any", "all"})
_PURE_MODULES = ("base64.", "codecs.", "html.", "urllib.parse.", "os.path.", "posixpath.", "shlex.", "json.",
                 "string.", "re.", "textwrap.", "binascii.", "unicodedata.", "operator.", "itertools.", "functools.",
                 "pickle.dumps", "marshal.dumps")
_CLEAN_RESULTS = ("secrets.", "django.contrib.auth.authenticate", "django.shortcuts.get_object_or_404",
                  "flask_login.current_user", "uuid.", "time.", "datetime.", "os.urandom", "random.SystemRandom", "math.", "hmac.",
                  "flask.render_template", "django.shortcuts.render", "logging.", "print", "isinstance", "hasattr",
                  "callable", "os.getpid", "flask.jsonify", "flask.abort", "django.http.JsonResponse", "range",
                  "flask.url_for", "django.urls.reverse", "bcrypt.", "werkzeug.security.generate_password_hash",
                  "hashlib.sha256", "hashlib.sha512", "hashlib.blake2b", "hashlib.sha3_256")
_NORMALISERS = frozenset({"realpath", "abspath", "normpath"})
# Templates that escape what they are given to render (the template text itself is still a sink).
_AUTOESCAPING = frozenset({"django.template.Template", "django.template.loader.get_template",
                           "django.template.loader.select_template"})
_XML_QUERIES = frozenset({"xpath", "find", "findall", "iterfind", "findtext", "iter", "getiterator"})
_TEMPLATE_LOADERS = frozenset({"from_string", "get_template", "select_template", "get_or_select_template"})
_DB_RESULTS = frozenset({"first", "one", "one_or_none", "all", "scalar", "scalars", "scalar_one", "first_or_404",
                         "get_or_404", "one_or_404", "fetchone", "fetchall", "fetchmany", "get_object_or_404"})
_LOOKUP = re.compile(r"^(get|get_\w+|find\w*|lookup\w*|fetch\w*|load_\w+|query\w*|filter\w*|count\w*|exists)$")
_MARKUP = frozenset({"markupsafe.Markup", "flask.Markup", "jinja2.Markup"})
_TORNADO_SOURCES = frozenset(
    {"get_argument", "get_arguments", "get_query_argument", "get_body_argument", "get_cookie", "get_secure_cookie"}
)
WEAK_RANDOM = frozenset({"random", "randint", "randrange", "choice", "choices", "sample", "getrandbits", "uniform",
                         "randbytes", "triangular", "gauss", "betavariate", "expovariate", "normalvariate", "rand",
                         "bytes", "integers"})
_KIND_OF_RESULT = {
    "xml.sax.make_parser": "sax", "lxml.etree.parse": "xml", "lxml.etree.fromstring": "xml", "lxml.etree.XML": "xml",
    "xml.etree.ElementTree.parse": "xml", "xml.etree.ElementTree.fromstring": "xml",
    "xml.etree.ElementTree.ElementTree": "xml", "xml.etree.ElementTree.XML": "xml", "lxml.etree.ElementTree": "xml",
    "defusedxml.ElementTree.fromstring": "xml", "defusedxml.ElementTree.parse": "xml", "lxml.html.fromstring": "xml",
    "pathlib.Path": "path", "pathlib.PurePath": "path", "pathlib.PosixPath": "path", "anyio.Path": "path",
    "requests.Session": "http-client", "httpx.Client": "http-client", "httpx.AsyncClient": "http-client",
    "aiohttp.ClientSession": "http-client", "urllib3.PoolManager": "http-client",
    "ldap.initialize": "ldap", "ldap3.Connection": "ldap", "ldap.ldapobject.LDAPObject": "ldap",
    "configparser.ConfigParser": "config", "configparser.RawConfigParser": "config",
    "flask.make_response": "response", "flask.Response": "response", "flask.jsonify": "json",
    "logging.getLogger": "logger", "random.Random": "weak-rng", "random.SystemRandom": "strong-rng", "subprocess.Popen": "subprocess",
    "argparse.ArgumentParser": "argparser", "aiohttp_session.get_session": "session",
    "aiohttp_session.new_session": "session", "numpy.random.default_rng": "weak-rng", "numpy.random.RandomState": "weak-rng",
}
# fmt: on


class CallEval(ExprEval):
    """Call evaluation; the frame supplies `hit` (sink check) and `call_function` (summaries)."""

    def hit(self, kind: str, val: Val, node: ast.AST, label: str) -> None:
        raise NotImplementedError

    def check_rules(self, info: CallInfo) -> None:
        """Context-aware rule checks (weak hash, cookie flags); the frame knows the context."""

    def call_function(self, fn: Any, args: list[Val], kwargs: dict[str, Val], node: ast.Call, env: Env) -> Val:
        raise NotImplementedError

    def ev_Call(self, node: ast.Call, env: Env) -> Val:
        func = node.func
        named = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        direct = direct_form(node) if named is None or named in INDIRECT_NAMES else None
        if direct is None and isinstance(node.func, ast.Name):
            aliased = self.alias_of(node.func.id, env)
            direct = aliased_call(node, aliased) if aliased is not None else None
        if direct is not None:
            return self.ev(direct, env)
        compiled = (self.lookup(env, func.id) or CLEAN).kind if isinstance(func, ast.Name) else None
        if compiled in ("xpath-fn", "xpath-eval"):  # XPath(q)(doc, n=x): $n is data; XPathEvaluator(doc)(q)
            args = [self.ev(a, env) for a in (*node.args, *(k.value for k in node.keywords))]
            if compiled == "xpath-eval" and args:
                self.hit("XPATH", args[0], node, "XPathEvaluator()")
            return Val(opaque=True, kind="xml", taints=args[0].taints if compiled == "xpath-fn" and args else ())
        recv: Val | None = None
        method = ""
        qual = ""
        if isinstance(func, ast.Attribute):
            method = func.attr
            qual = self.qualname(func, env)
            if qual.split(".")[0] == "self":
                qual = ""
            recv = self.ev(func.value, env)
            if recv.kind == "request" and method in REQUEST_METHODS:
                return self.source(f"request.{method}()", node)
            if recv.kind == "self" and method in _TORNADO_SOURCES and "tornado" in self.mod.roots:
                return self.source(f"self.{method}()", node)
            if recv.kind == "argparser" and method in ("parse_args", "parse_known_args", "parse_intermixed_args"):
                return self.source("command-line arguments (argparse)", node, local=True)
            if qual and (recv.taints or recv.kind is not None):
                qual = ""  # a method of an object the engine tracks, not a module function
            elif qual:
                recv = None
        elif isinstance(func, ast.Name):
            if self.lookup(env, func.id) is None:
                qual = self.mod.imports.get(func.id, func.id)
        else:
            self.ev(func, env)
        args = [self.ev(a, env) for a in node.args]
        kwargs: dict[str, Val] = {}
        for kw in node.keywords:
            val = self.ev(kw.value, env)
            kwargs[kw.arg or f"**{len(kwargs)}"] = val
            if kw.arg:
                self.on_named_value(kw.arg, val, kw.value)
        if qual in CALL_SOURCES:
            return self.source(CALL_SOURCES[qual], node, local=True)
        if isinstance(func, ast.Name) and func.id in self.mod.classes and self._is_definition(env, func.id):
            # An instance of a class of this module; what the constructor keeps travels with it.
            return self.mod.construct(func.id, args, kwargs)
        target = self._local_function(func, env, recv)
        if target is not None:
            if target[1]:
                args = [recv or Val(opaque=False, kind="self"), *args]
            out = self.call_function(target[0], args, kwargs, node, env)
            holder = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else None
            if (
                recv is not None
                and (recv.kind or "").startswith("class:")
                and holder
                and self.mod.setters.feeds(target[0])
            ):
                env[holder] = replace(recv, taints=combine(*args, *kwargs.values()).taints)  # job.set_target(name)
            return out
        if method in MUTATORS and isinstance(func, ast.Attribute) and self._in_session(func.value, env):
            self.hit("TRUST", combine(*args, *kwargs.values()), node, "the session")  # session["cart"].append(x)
        info = CallInfo(node, qual, method, recv, args, kwargs, self.mod.roots)
        self.check_rules(info)
        hits = call_sinks(info)
        for kind, val, label in hits:
            self.hit(kind, val, node, label)
        if method in ("set_cookie", "set_signed_cookie") and len(args) >= 2:
            self.on_named_value("cookie", args[1], node)
        if qual in ("lxml.etree.XPath", "lxml.etree.ETXPath", "lxml.etree.XPathEvaluator"):
            return Val(opaque=False, kind="xpath-eval" if qual.endswith("Evaluator") else "xpath-fn")
        if qual in _AUTOESCAPING or (
            recv is not None and recv.kind == "jinja-escaping" and method in _TEMPLATE_LOADERS
        ):
            return Val(opaque=True, kind="jinja-escaping")  # a template of an autoescaping Environment
        if qual in _MARKUP:  # a Markup object: what is later formatted or added into it gets escaped
            return Val(opaque=False, kind="markup")
        kinds = {kind for kind, _val, _label in hits if kind[-1] not in "!?"}
        kinds |= {kind[:-1] for kind, _val, _label in hits if kind[:-1] in ("REDIRECT", "SSRF")}
        if kinds == {"PATH"} and all(not v.opaque and not v.taints for _k, v, _l in hits):
            return Val(opaque=False)  # a file at a constant path: the application's own data
        if kinds:  # what a sink returns (a file, a response, a parsed object) is not the caller's data
            return Val(opaque=True, kind="response" if kinds & {"XSS", "REDIRECT"} else None)
        return self._result(info, env)

    def note_alias(self, name: str, value: ast.expr) -> None:
        """`run = os.system`: later `run(x)` is `os.system(x)`; any other assignment ends that."""
        in_function = getattr(self, "fn", None) is not None
        aliases = self.__dict__.setdefault("call_aliases", {}) if in_function else self.mod.module_aliases
        if (
            isinstance(value, (ast.Attribute, ast.Name, ast.Call))
            and is_reference(value, self.mod.imports)
            and not (isinstance(value, ast.Name) and value.id == name)
        ):
            aliases[name] = value
        elif aliases:
            aliases.pop(name, None)

    def alias_of(self, name: str, env: Env) -> ast.expr | None:
        local = self.__dict__.get("call_aliases")
        if not local:
            return None if name in env else self.mod.module_aliases.get(name)
        if name in local or name in env:
            return local.get(name)
        return self.mod.module_aliases.get(name)

    def _in_session(self, node: ast.expr, env: Env) -> bool:
        """`session["cart"]`, `session.setdefault("cart", [])`: a container stored in the session."""
        base = node.value if isinstance(node, ast.Subscript) else None
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("get", "setdefault")
        ):
            base = node.func.value
        return base is not None and self.ev(base, env).kind == "session"

    def _is_definition(self, env: Env, name: str) -> bool:
        """The name still means the module's own def/class (not rebound to some value)."""
        val = self.lookup(env, name)
        return val is None or val.kind == "function"

    def _local_function(self, func: ast.expr, env: Env, recv: Val | None) -> tuple[Any, bool] | None:
        """(definition, passes-self) of a module function, or a method of a class of this module."""
        if isinstance(func, ast.Name) and self.lookup(env, func.id) in (None,) and func.id not in self.mod.imports:
            fns = self.mod.functions.get(func.id)
            return (fns[0], False) if fns else None
        if isinstance(func, ast.Name):
            val = self.lookup(env, func.id)
            if val is not None and val.kind == "function" and func.id in self.mod.functions:
                return self.mod.functions[func.id][0], False
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in ("self", "cls"):
            owner = getattr(self, "owner", None)
            fns = self.mod.functions.get(f"{owner}.{func.attr}") if owner else None
            return (fns[0], True) if fns else None
        kind = recv.kind or "" if recv is not None else ""
        if isinstance(func, ast.Attribute) and kind.startswith("class:"):
            fns = self.mod.functions.get(f"{kind[6:]}.{func.attr}")
            return (fns[0], not _is_static(fns[0])) if fns else None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in self.mod.classes:
            fns = self.mod.functions.get(f"{func.value.id}.{func.attr}")
            return (fns[0], not _is_static(fns[0])) if fns else None
        return None

    def _result(self, c: CallInfo, env: Env) -> Val:
        q, m, recv = c.qual, c.method, c.recv
        everything = [*c.args, *c.kwargs.values()]
        kinds = sanitizer_kinds(q) if q else None
        if q in ("flask.url_for", "django.urls.reverse", "quart.url_for"):  # a path of this site: "/..."
            return Val(opaque=False, kind="fixed-url")
        if kinds is not None:
            return sanitized(combine(*everything), kinds) if everything else CLEAN
        if (
            q.rsplit(".", 1)[-1] in _NORMALISERS
            and q.startswith(("os.path.", "posixpath.", "ntpath."))
            or (m in ("resolve", "absolute") and recv is not None and recv.kind == "path")
        ):  # no `..` left: a startswith(BASE) check on it now holds
            method = recv is not None and m in ("resolve", "absolute")
            out = combine(*([recv] if method and recv is not None else []), *everything)
            return replace(out, safe_for=out.safe_for | {NORMALISED}, kind="path" if method else None)
        if m in ("hexdigest", "digest") and recv is not None:  # hex or bytes: nothing of the data's text
            return Val(taints=tuple(t for t in recv.taints if t.weak_random), opaque=False)
        if (
            q.startswith(("random.", "numpy.random."))
            and q.rsplit(".", 1)[-1] in WEAK_RANDOM
            or (recv is not None and recv.kind == "weak-rng" and m in WEAK_RANDOM)
            or q == "uuid.uuid1"  # time and MAC address: guessable
        ):
            label = f"random.{m}()" if m else q
            self.mod.random_sites.setdefault(c.node.lineno - 1, c.node)
            return Val(
                taints=(Taint(label, (Step.at(c.node, f"{label} is predictable"),), weak_random=True),), opaque=False
            )
        if q in ("lxml.etree.XMLParser", "lxml.etree.XMLPullParser", "lxml.objectify.makeparser"):
            risky = c.kw_const("resolve_entities", None) not in (None, False, "internal") or c.kw_const(
                "no_network", True
            ) in (False, 0)
            return Val(opaque=False, kind="xml-parser-unsafe" if risky else "xml-parser-safe")
        if q == "jinja2.Environment":  # autoescape=True or select_autoescape(...): rendered values are escaped
            escaping = c.kw_const("autoescape", False) not in (False, None, 0)
            return Val(opaque=True, kind="jinja-escaping" if escaping else None)
        if q == "django.http.HttpResponse":  # an empty response written to later: HTML unless said otherwise
            return Val(opaque=True, kind="response" if "html" in str(c.kw_const("content_type", "html")) else "json")
        if recv is not None and recv.kind == "jinja-escaping" and m in ("render", "render_async"):
            return sanitized(combine(*everything), frozenset({"XSS"})) if everything else CLEAN
        if q in _KIND_OF_RESULT:
            return self._object(c, _KIND_OF_RESULT[q], everything)
        if recv is not None and recv.kind in ("strong-rng",):
            return CLEAN
        if m in _DB_RESULTS and recv is not None:
            return UNKNOWN  # rows the database returns: stored data, not this request's input
        trusted_store = recv is None and bool(q) and not q.startswith(_PURE_MODULES)  # an imported client
        if (trusted_store or (recv is not None and not recv.taints and recv.kind in (None, "self"))) and _LOOKUP.match(
            m
        ):
            # A trusted store looked up with an untrusted key (cache.get(k), repo.find_user(name)):
            # what comes back is the store's own data.
            return UNKNOWN
        if recv is not None and recv.kind == "markup" and m in ("format", "format_map", "join", "__add__"):
            return replace(sanitized(combine(*everything), frozenset({"XSS"})), kind="markup")
        if q.startswith(_CLEAN_RESULTS) or q in ("len", "id", "hash"):
            return CLEAN
        if m and recv is not None and c.node.func and isinstance(c.node.func, ast.Attribute):
            updated = container_method(c, env)
            if updated is not None:
                return updated
        if strips_line_breaks(c):  # x.replace("\n", " "), re.sub(r"[\r\n]", "", x): one log line stays one line
            parts = ([recv] if recv is not None and m != "sub" else []) + everything
            return sanitized(combine(*parts), frozenset({"LOG"}))
        if q == "collections.deque" and len(c.args) <= 1:  # a list with both ends open
            if not c.args or c.args[0].items is not None:
                return container(list(c.args[0].items or ()) if c.args else [], kind="list")
            return replace(combine(c.args[0]), kind="list")
        if q and not m or (m and q.startswith(_PURE_MODULES)):
            pure = q in _PURE_BUILTINS or q.startswith(_PURE_MODULES)
            if q in ("str", "list", "tuple") and len(c.args) == 1:
                arg = c.args[0]
                consts = fold(str, arg) if q == "str" else None
                if q != "str" and arg.items is not None:
                    return arg
                return replace(combine(arg, consts=consts), kind="list" if q != "str" else None)
            result = combine(*everything) if everything else Val(opaque=not pure)
            return result if pure else replace(result, opaque=True)
        parts = ([recv] if recv is not None else []) + everything
        result = combine(*parts) if parts else UNKNOWN
        if recv is not None and not recv.opaque and recv.kind in (None, "list", "dict"):
            consts = _fold_str_method(m, recv, c.args)
            return replace(result, consts=consts, opaque=result.opaque)
        if recv is not None and recv.kind == "xml" and m in _XML_QUERIES:  # nodes of the document, not the query
            return replace(combine(recv), kind="xml")
        if recv is not None and recv.kind in ("xml", "path"):
            return replace(result, kind=recv.kind)
        return replace(result, opaque=True) if (q or (recv is not None and recv.opaque)) else result

    def _object(self, c: CallInfo, kind: str, everything: list[Val]) -> Val:
        base = combine(*everything) if everything else Val(opaque=False)
        if kind == "sax" or c.qual == "lxml.etree.XMLParser":
            return replace(base, taints=(), kind=kind)
        if kind == "weak-rng":  # `random.Random(seed)`: fine for shuffles and simulations; a pattern rule's
            # alarm on this line is quieted unless a value it draws becomes a security value (engine.run)
            self.mod.random_sites.setdefault(c.node.lineno - 1, c.node)
        if kind in ("http-client", "ldap", "config", "weak-rng", "strong-rng", "subprocess", "argparser"):
            return Val(opaque=True, kind=kind, keys=() if kind == "config" else None)
        return replace(base, kind=kind)


# fmt: off
_FOLDABLE_STR_METHODS = frozenset({"upper", "lower", "strip", "lstrip", "rstrip", "replace", "format", "join", "title",
                                   "capitalize", "casefold", "removeprefix", "removesuffix", "zfill", "ljust", "rjust"})
# fmt: on


# Regex text that matches line breaks or control characters (or everything but an allowed set).
_BREAK_CLASSES = ("\\n", "\\r", "\\s", "\\x0", "\\x1", "\\x7f", "\\W", "[^", "[:cntrl:]", "\n", "\r", "\\v", "\\f")


def strips_line_breaks(c: CallInfo) -> bool:
    """A call that removes line breaks from text: `.replace("\n", ...)`, `re.sub(r"[\r\n]", ...)`, or
    `PATTERN.sub(...)` with a compiled pattern (its text is elsewhere: the author's intent is trusted)."""
    m = c.method
    if m == "replace" and c.node.args and isinstance(c.node.args[0], ast.Constant):
        return any(ch in str(c.node.args[0].value) for ch in ("\n", "\r"))
    if c.qual in ("re.sub", "re.subn", "regex.sub"):
        pattern = c.node.args[0] if c.node.args else None
        return isinstance(pattern, ast.Constant) and any(b in str(pattern.value) for b in _BREAK_CLASSES)
    return m in ("sub", "subn") and not c.qual and len(c.node.args) >= 2


def _fold_str_method(method: str, recv: Val, args: list[Val]) -> Any:
    """The constants a str method gives on constant operands (`"-".join(["a", "b"])`), else None."""
    if method not in _FOLDABLE_STR_METHODS:
        return None
    if method == "join" and len(args) == 1 and args[0].items is not None:
        parts = args[0].items
        if all(p.has_const() for p in parts) and recv.has_const():
            try:
                return frozenset([str(recv.const()).join(str(p.const()) for p in parts)])
            except TypeError:
                return None
        return None
    return fold(lambda r, *a: getattr(r, method)(*a), recv, *args)


def _is_static(fn: Any) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in fn.decorator_list)
