"""Where untrusted data does harm, per CWE: which argument of which call is the dangerous one.

`call_sinks` looks at one call (callee resolved through imports, receiver and arguments already
evaluated) and names the values that must not be tainted, with the sink kind. Whether the call
really is dangerous can depend on its other arguments (`shell=True`, a parser that resolves
entities, a `text/html` content type), so those are decided here too.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field, replace

from zc_lsp.agents.engines.taint.model import Val

SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "cmd", "cmd.exe", "powershell", "pwsh", "/bin/sh", "/bin/bash"})


@dataclass
class CallInfo:
    """A call as the sinks see it."""

    node: ast.Call
    qual: str  # resolved callee ("subprocess.run"), or "" when unknown
    method: str  # attribute name for method calls ("execute"), else ""
    recv: Val | None
    args: list[Val]
    kwargs: dict[str, Val]
    roots: set[str] = field(default_factory=set)  # top-level modules the file imports

    def arg(self, pos: int | None, *names: str) -> Val | None:
        if pos is not None and pos < len(self.args):
            return self.args[pos]
        for name in names:
            if name in self.kwargs:
                return self.kwargs[name]
        return None

    def kw_const(self, name: str, default: object = None) -> object:
        for kw in self.node.keywords:
            if kw.arg == name:
                if isinstance(kw.value, ast.Constant):
                    return kw.value.value
                if isinstance(kw.value, ast.Attribute):
                    return kw.value.attr
                if isinstance(kw.value, ast.Name):
                    return kw.value.id
                return "<expr>"
        return default


Hit = tuple[str, Val, str]  # (kind, value, what the sink is)

# fmt: off
_CMD_STRING = {"os.system": 0, "os.popen": 0, "os.popen2": 0, "os.popen3": 0, "commands.getoutput": 0,
               "commands.getstatusoutput": 0, "subprocess.getoutput": 0, "subprocess.getstatusoutput": 0,
               "asyncio.create_subprocess_shell": 0, "pty.spawn": 0, "platform.popen": 0}
_SUBPROCESS = frozenset({"subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
                         "subprocess.Popen", "asyncio.create_subprocess_exec"})
_CODE = {"eval": 0, "exec": 0, "compile": 0, "builtins.eval": 0, "builtins.exec": 0, "execfile": 0}
_PATH = {"open": 0, "io.open": 0, "codecs.open": 0, "os.open": 0, "os.remove": 0, "os.unlink": 0, "os.rmdir": 0,
         "os.listdir": 0, "os.makedirs": 0, "os.mkdir": 0, "shutil.rmtree": 0, "shutil.copy": 0, "shutil.copyfile": 0,
         "shutil.move": 0, "os.rename": 0, "flask.send_file": 0, "flask.send_from_directory": 0,
         "fastapi.responses.FileResponse": 0, "starlette.responses.FileResponse": 0, "aiohttp.web.FileResponse": 0,
         "django.http.FileResponse": 0, "tarfile.open": 0, "zipfile.ZipFile": 0, "os.scandir": 0,
         "aiofiles.open": 0, "numpy.load": 0, "pandas.read_csv": 0, "linecache.getline": 0, "os.path.exists": 0, "os.path.isfile": 0,
         "os.path.isdir": 0, "os.path.getsize": 0, "os.stat": 0, "os.access": 0, "os.chmod": 0, "io.FileIO": 0}
_REDIRECT = {f"{m}.{n}" for m, n in [("flask", "redirect"), ("werkzeug.utils", "redirect"), ("quart", "redirect"),
                                      ("django.shortcuts", "redirect"), ("django.http", "HttpResponseRedirect"),
                                      ("django.http", "HttpResponsePermanentRedirect"), ("bottle", "redirect"),
                                      ("starlette.responses", "RedirectResponse"),
                                      ("fastapi.responses", "RedirectResponse")]}
_AIOHTTP_REDIRECT = {"HTTPFound", "HTTPSeeOther", "HTTPMovedPermanently", "HTTPTemporaryRedirect",
                     "HTTPPermanentRedirect", "HTTPMultipleChoices"}
_XSS_ALWAYS = {"markupsafe.Markup", "flask.Markup", "jinja2.Markup", "flask.render_template_string",
               "jinja2.Template", "django.utils.safestring.mark_safe", "django.utils.html.format_html",
               "starlette.responses.HTMLResponse", "fastapi.responses.HTMLResponse", "django.template.Template",
               "quart.render_template_string", "jinja2.Environment.from_string", "mako.template.Template"}
_XSS_RESPONSES = {"django.http.HttpResponse", "flask.make_response", "flask.Response", "werkzeug.wrappers.Response",
                  "werkzeug.Response", "starlette.responses.Response", "fastapi.Response", "fastapi.responses.Response",
                  "quart.make_response", "bottle.HTTPResponse"}
_DESER = {"pickle.loads": 0, "pickle.load": 0, "_pickle.loads": 0, "cPickle.loads": 0, "dill.loads": 0,
          "marshal.loads": 0, "marshal.load": 0, "shelve.open": 0, "jsonpickle.decode": 0, "pandas.read_pickle": 0,
          "yaml.unsafe_load": 0, "yaml.unsafe_load_all": 0, "torch.load": 0, "joblib.load": 0, "pickle.Unpickler": 0,
          "cloudpickle.loads": 0}
_LOGGER_NAME = re.compile(r"(?i)^_*(?:log|logger|audit|audit_?log|\w*_logger|\w*_log)$")
_SAFE_YAML_LOADERS = {"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"}
_SSRF = {"urllib.request.urlopen": 0, "urllib.request.Request": 0, "urllib.urlopen": 0, "urllib2.urlopen": 0,
         "http.client.HTTPConnection": 0, "http.client.HTTPSConnection": 0, "socket.create_connection": 0,
         "urllib.request.urlretrieve": 0,
         "aiohttp.request": 1, "httpx.request": 1, "requests.request": 1}
_HTTP_VERBS = {"get", "post", "put", "delete", "head", "patch", "options", "request", "stream", "urlopen"}
_LXML_PARSE = {"lxml.etree.fromstring", "lxml.etree.XML", "lxml.etree.parse", "lxml.etree.XMLID",
               "lxml.objectify.fromstring", "lxml.objectify.parse", "lxml.etree.iterparse", "lxml.etree.XMLDTDID"}
_SAX_PARSE = {"xml.dom.minidom.parse", "xml.dom.minidom.parseString", "xml.dom.pulldom.parse",
              "xml.dom.pulldom.parseString", "xml.sax.parse", "xml.sax.parseString"}
_STDLIB_XML = {"xml.sax.make_parser", "xml.dom.pulldom.parse", "xml.dom.minidom.parse"}
_XPATH = {"lxml.etree.XPath", "lxml.etree.ETXPath", "elementpath.select", "lxml.etree.XPathEvaluator"}
_SQL_DRIVERS = frozenset({"asyncpg", "aiosqlite", "databases", "peewee", "aiomysql", "aiopg", "psycopg"})
_TEMPLATE_SOURCES = {"flask.render_template_string", "quart.render_template_string", "jinja2.Template",
                     "django.template.Template", "jinja2.Environment.from_string", "mako.template.Template"}
# Methods only path objects have (pathlib, zipfile.Path, anyio.Path): `store.locate(name).read_bytes()`
# reads a file wherever the path was built.
_PATH_ONLY_METHODS = frozenset({"read_text", "read_bytes", "write_text", "write_bytes"})
_LOG_METHODS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"}
_LDAP_METHODS = {"search", "search_s", "search_st", "search_ext", "search_ext_s", "paged_search"}
# fmt: on


def call_sinks(c: CallInfo) -> list[Hit]:
    """The values of this call that reach a sink, each with its kind."""
    q, m = c.qual, c.method
    hits: list[Hit] = []
    add = hits.append
    if q in _CMD_STRING:
        _maybe(add, "CMD", c.arg(_CMD_STRING[q], "cmd", "command"), q)
    elif q in _SUBPROCESS or q.startswith(("os.exec", "os.spawn", "os.posix_spawn")):
        _subprocess(c, add)
    elif q in _CODE:
        _maybe(add, "CODE", c.arg(0, "source", "object"), q)
    elif q in _PATH:
        pos = 0
        _maybe(add, "PATH", c.arg(pos, "file", "path", "filename", "path_or_file", "directory", "name"), q)
        if q in ("shutil.copy", "shutil.copyfile", "shutil.move", "os.rename"):
            _maybe(add, "PATH", c.arg(1, "dst"), q)
    elif q in _REDIRECT or (q.startswith("aiohttp.web.") and q.rsplit(".", 1)[-1] in _AIOHTTP_REDIRECT):
        _maybe(add, "REDIRECT", c.arg(0, "location", "url", "to", "redirect_to"), q)
    elif q in _XSS_ALWAYS:
        _maybe(add, "XSS", c.arg(0, "source", "content", "s", "text", "format_string"), q)
        if q in _TEMPLATE_SOURCES:  # the data is template code: {{ ... }} runs on the server
            _maybe(add, "SSTI", c.arg(0, "source", "source", "text"), q)
    elif q in _XSS_RESPONSES:
        body = c.arg(0, "content", "response", "body")
        if body is not None and (body.kind in ("json", "response") or (body.kind in ("dict", "list") and "flask" in q)):
            # make_response(jsonify(...)): a response already built, not HTML text; Flask serialises a dict
            # or list to JSON (`application/json`) itself
            add(("XSS!", body, q))
        elif _html_content(c, "mimetype", "content_type", "media_type"):
            _maybe(add, "XSS", body, q)
    elif q == "aiohttp.web.Response":
        if _html_content(c, "content_type", default=""):
            _maybe(add, "XSS", c.arg(None, "text", "body"), q)
    elif q in _DESER:
        _maybe(add, "DESER", c.arg(0, "data", "file", "filename", "stream", "f", "s"), q)
    elif q in ("yaml.load", "yaml.load_all"):
        if str(c.kw_const("Loader", "")) not in _SAFE_YAML_LOADERS and not _second_is_safe_loader(c):
            _maybe(add, "DESER", c.arg(0, "stream"), q)
    elif q in _SSRF:
        _maybe(add, "SSRF", c.arg(_SSRF[q], "url", "host", "address"), q)
    elif q.split(".")[0] in ("requests", "httpx", "urllib3") and q.rsplit(".", 1)[-1] in _HTTP_VERBS:
        _maybe(add, "SSRF", c.arg(0, "url"), q)
    elif q in _LXML_PARSE:
        parser = c.arg(1, "parser")
        if parser is None or parser.kind != "xml-parser-safe":
            _maybe(add, "XXE", c.arg(0, "text", "source", "xml"), q)
        else:
            _maybe(add, "XXE!", parser, q)
    elif q in _SAX_PARSE:
        parser = c.arg(1, "parser")
        if parser is not None and parser.kind == "sax-unsafe":
            _maybe(add, "XXE", c.arg(0, "file", "string", "source"), q)
        else:  # the standard library resolves no external entities unless told to
            _maybe(add, "XXE!", parser or c.arg(0) or Val(), q)
    elif q.startswith(("xml.etree.", "xml.dom.expatbuilder", "xml.sax.expatreader")) or q in _STDLIB_XML:
        _maybe(add, "XXE!", Val(), q)
    elif q in _XPATH:
        _maybe(add, "XPATH", c.arg(0, "path"), q)
    elif q in (
        "sqlalchemy.text",
        "sqlalchemy.sql.text",
        "django.db.models.expressions.RawSQL",
        "django.db.models.RawSQL",
        "pandas.read_sql",
        "pandas.read_sql_query",
    ):
        _maybe(add, "SQL", c.arg(0, "text", "sql"), q)
    if m:
        _method_sinks(c, add)
    return hits


def _method_sinks(c: CallInfo, add: object) -> None:
    m, recv = c.method, c.recv
    kind = recv.kind if recv is not None else None
    if m in ("execute", "executemany", "executescript", "raw", "exec_driver_sql", "mogrify") and kind != "cursor-safe":
        if m == "execute" and kind in ("subprocess", "xml"):
            return
        _maybe(add, "SQL", c.arg(0, "sql", "query", "raw_query", "statement", "operation"), f".{m}()")
    elif m in ("fetch", "fetchrow", "fetchval", "execute_sql", "query") and c.roots & _SQL_DRIVERS:
        _maybe(add, "SQL", c.arg(0, "query", "sql"), f".{m}()")
    elif m in ("write", "finish") and kind == "self" and "tornado" in c.roots:
        _maybe(add, "XSS", c.arg(0, "chunk"), f"self.{m}()")
    elif m == "redirect" and kind == "self" and "tornado" in c.roots:
        _maybe(add, "REDIRECT", c.arg(0, "url"), "self.redirect()")
    elif m in ("update", "setdefault", "__setitem__") and kind == "session":
        for val in (*c.args, *c.kwargs.values()):
            _maybe(add, "TRUST", val, f"session.{m}()")
    elif m == "extra":
        for name in ("where", "select", "tables", "order_by"):
            _maybe(add, "SQL", c.kwargs.get(name), ".extra()")
    elif m == "from_string" and recv is not None and not recv.taints:  # a jinja2 Environment's template
        _maybe(add, "XSS", c.arg(0, "source"), ".from_string()")
        _maybe(add, "SSTI", c.arg(0, "source"), ".from_string()")
    elif m == "xpath":
        _maybe(add, "XPATH", c.arg(0, "_path", "path"), ".xpath()")
    elif m in ("find", "findall", "iterfind", "findtext") and kind == "xml":
        _maybe(add, "XPATH", c.arg(0, "path", "match"), f".{m}()")
    elif m in _LDAP_METHODS and (kind == "ldap" or c.roots & {"ldap", "ldap3"}) and not _is_module(c, "re"):
        for pos, val in enumerate(c.args):
            if pos != 1 or m != "search_s":
                _maybe(add, "LDAP", val, f".{m}()")
        for name in ("search_filter", "filterstr", "search_base", "base"):
            _maybe(add, "LDAP", c.kwargs.get(name), f".{m}()")
    elif m == "parse" and kind == "sax-unsafe":
        _maybe(add, "XXE", c.arg(0, "source"), ".parse()")
    elif m in ("parse", "feed") and kind in ("sax", "xml-parser-safe"):
        _maybe(add, "XXE!", recv, f".{m}()")
    elif m in ("feed", "parse") and kind == "xml-parser-unsafe":
        _maybe(add, "XXE", c.arg(0, "data", "source"), f".{m}()")
    elif m in (
        "open",
        "read_text",
        "read_bytes",
        "write_text",
        "write_bytes",
        "unlink",
        "rmdir",
        "iterdir",
        "exists",
        "is_file",
        "stat",
        "touch",
        "mkdir",
    ) and (kind == "path" or (m in _PATH_ONLY_METHODS and kind is None)):
        _maybe(add, "PATH", recv, f"Path.{m}()")
    elif m in _HTTP_VERBS and kind == "http-client":
        _maybe(add, "SSRF", c.arg(0, "url"), f".{m}()")
    elif m in _LOG_METHODS and (kind == "logger" or _logger_like(c)):
        for val in (*c.args, c.kwargs.get("msg")):
            _maybe(add, "LOG", val, f"log.{m}()")
    elif m in ("set_data",) and kind == "response":
        _maybe(add, "XSS", c.arg(0), ".set_data()")
    elif m in ("write", "writelines") and kind == "response":  # Django's HttpResponse().write(html)
        _maybe(add, "XSS", c.arg(0), ".write()")


def _logger_like(c: CallInfo) -> bool:
    """`logging.info(...)`, `logger.warning(...)`, `app.logger.error(...)`, `self.log.info(...)`."""
    if c.qual.startswith("logging."):
        return True
    owner = c.node.func.value if isinstance(c.node.func, ast.Attribute) else None
    name = owner.attr if isinstance(owner, ast.Attribute) else owner.id if isinstance(owner, ast.Name) else ""
    return bool(_LOGGER_NAME.search(name))


def _is_module(c: CallInfo, name: str) -> bool:
    func = c.node.func
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == name


def _maybe(add: object, kind: str, val: Val | None, label: str) -> None:
    if val is None or not callable(add):
        return
    if kind in ("SSRF", "REDIRECT") and val.kind == "fixed-url":
        add((kind + "!", val, label))  # the data only fills in the path of a URL whose host is fixed
        return
    add((kind, val, label))


def _second_is_safe_loader(c: CallInfo) -> bool:
    if len(c.node.args) < 2:
        return False
    loader = c.node.args[1]
    name = loader.attr if isinstance(loader, ast.Attribute) else loader.id if isinstance(loader, ast.Name) else ""
    return name in _SAFE_YAML_LOADERS


def _html_content(c: CallInfo, *names: str, default: str = "text/html") -> bool:
    """Whether a response is served as HTML (the default for most frameworks)."""
    for name in names:
        value = c.kw_const(name)
        if value is not None:
            return "html" in str(value).lower() or value == "<expr>"
    if len(c.node.args) >= 3 and isinstance(c.node.args[2], ast.Constant):
        return "html" in str(c.node.args[2].value)
    headers = c.kwargs.get("headers")
    if headers is not None and headers.keys is not None:
        for key, val in headers.keys:
            if str(key).lower() == "content-type" and val.has_const():
                return "html" in str(val.const())
    return "html" in default


def _subprocess(c: CallInfo, add: object) -> None:
    if c.qual.startswith(("os.exec", "os.spawn", "os.posix_spawn")):
        program = c.arg(1 if c.qual.startswith("os.spawn") else 0)
        _maybe(add, "CMD", program, c.qual)
        argv = c.args[2] if c.qual.startswith("os.spawn") and len(c.args) > 2 else c.arg(1)
        if argv is not None and _shell_argv(argv):
            _maybe(add, "CMD", argv, c.qual)
        return
    argv = c.arg(0, "args")
    if argv is None:
        return
    # Untrusted environment variables (LD_PRELOAD, PATH, BASH_ENV...) steer the child too.
    env = c.kwargs.get("env")
    if env is not None:  # passing the process's own environment on is no injection
        outside = tuple(t for t in env.taints if "environ" not in t.source)
        _maybe(add, "CMD", replace(env, taints=outside), f"{c.qual}(env=...)")
    shell = c.kw_const("shell", False)
    if shell not in (False, None, 0):
        _maybe(add, "CMD", argv, f"{c.qual}(shell=True)")
        return
    if argv.items is None:
        if argv.kind != "list":
            _maybe(add, "CMD", argv, c.qual)  # a string without a shell is the program itself
        else:
            _maybe(add, "CMD?", argv, c.qual)  # an argv list of unknown shape: judged only when proven safe
        return
    if argv.items:
        _maybe(add, "CMD", argv.items[0], f"{c.qual} (program name)")
        if _shell_argv(argv):
            _maybe(add, "CMD", argv, f"{c.qual} (shell -c)")


def _shell_argv(argv: Val) -> bool:
    if not argv.items:
        return False
    first = argv.items[0]
    return first.consts is not None and any(str(v).rsplit("/", 1)[-1] in SHELLS for v in first.consts)


def plain_content_type(node: ast.expr) -> bool:
    """A headers dict literal that sets a non-HTML Content-Type."""
    if not isinstance(node, ast.Dict):
        return False
    for key, value in zip(node.keys, node.values, strict=True):
        if isinstance(key, ast.Constant) and str(key.value).lower() == "content-type":
            return isinstance(value, ast.Constant) and "html" not in str(value.value).lower()
    return False
