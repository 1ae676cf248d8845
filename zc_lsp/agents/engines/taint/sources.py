"""Where untrusted data enters: web request objects, route parameters, the process environment.

Names are resolved through the module's imports first (`from flask import request as rq`,
`import os as o`), so an alias is the same source as the original.
"""

from __future__ import annotations

import ast
import re

# fmt: off
# Attributes of a request object (Flask/Werkzeug, Django, Starlette/FastAPI, aiohttp) that hold client data.
REQUEST_ATTRS = frozenset({
    "args", "form", "values", "json", "cookies", "headers", "files", "data", "stream", "GET", "POST",
    "REQUEST", "COOKIES", "FILES", "META", "body", "query_params", "path_params", "match_info", "query",
    "query_string", "path", "full_path", "url", "base_url", "referrer", "user_agent", "content", "rel_url",
    "raw_path", "path_info", "environ", "authorization", "view_args", "host", "remote_addr", "url_root",
    "forms", "params", "arguments", "body_arguments", "query_arguments",
})
# Methods of a request object whose result is client data (some are coroutines in aiohttp/Starlette).
REQUEST_METHODS = frozenset({
    "get_json", "get_data", "json", "text", "post", "form", "body", "read", "multipart", "stream",
    "get_full_path", "build_absolute_uri", "get_host", "getlist", "get", "content",
})
# Qualified names (after import resolution) that are request objects.
REQUEST_OBJECTS = frozenset({
    "flask.request", "quart.request", "bottle.request", "werkzeug.local.request", "sanic.request",
})
# Annotations that mark a handler parameter as the request object.
REQUEST_TYPES = re.compile(r"(^|\.)(Request|HttpRequest|BaseRequest|WSGIRequest|ASGIRequest)$")
# Annotations whose values are converted (and so validated) before the handler runs.
SAFE_PARAM_TYPES = frozenset({"int", "float", "bool", "UUID", "uuid.UUID", "datetime", "date", "Decimal", "IntEnum"})
ROUTE_DECORATORS = frozenset({
    "route", "get", "post", "put", "delete", "patch", "api_route", "websocket", "head", "options", "view",
    "add_url_rule", "api_view", "require_http_methods", "require_GET", "require_POST", "csrf_exempt",
})
# Calls whose result is untrusted data wherever they appear.
CALL_SOURCES = {
    "input": "input()",
    "raw_input": "input()",
    "os.getenv": "an environment variable (os.getenv)",
    "os.environ.get": "an environment variable (os.environ)",
    "sys.stdin.read": "standard input",
    "sys.stdin.readline": "standard input",
}
ATTR_SOURCES = {
    "sys.argv": "command-line arguments (sys.argv)",
    "os.environ": "the environment (os.environ)",
    "sys.stdin": "standard input",
}
# fmt: on
_FLASK_PARAM = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
_BRACE_PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")


def route_path(decorator: ast.expr) -> str | None:
    """The URL rule of a route decorator (`@app.route("/u/<name>")`), if it is a constant."""
    if isinstance(decorator, ast.Call) and decorator.args and isinstance(decorator.args[0], ast.Constant):
        value = decorator.args[0].value
        return value if isinstance(value, str) else None
    return None


def decorator_name(decorator: ast.expr) -> str:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Name):
        return target.id
    return ""


def is_route_handler(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(decorator_name(d) in ROUTE_DECORATORS for d in fn.decorator_list)


def annotation_text(node: ast.expr | None) -> str:
    return ast.unparse(node) if node is not None else ""


def wsgi_environ(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """The `environ` parameter of a plain WSGI application, `app(environ, start_response)`."""
    names = [a.arg for a in (*fn.args.posonlyargs, *fn.args.args)]
    names = names[1:] if names and names[0] == "self" else names
    return names[0] if len(names) >= 2 and names[1] == "start_response" else None


def wsgi_serves_html(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether `start_response` is not called with a constant non-HTML Content-Type only."""
    for node in ast.walk(fn):
        if isinstance(node, ast.Tuple) and len(node.elts) == 2 and isinstance(node.elts[0], ast.Constant):
            name, value = node.elts[0], node.elts[1]
            if str(name.value).lower() == "content-type" and isinstance(value, ast.Constant):
                return "html" in str(value.value).lower()
    return True


def tainted_params(fn: ast.FunctionDef | ast.AsyncFunctionDef, framework: set[str]) -> tuple[set[str], set[str]]:
    """(request-object parameters, parameters holding client data) of a web handler."""
    environ = wsgi_environ(fn)
    if environ is not None:
        return set(), {environ}  # the whole CGI-style dict: query string, headers, body stream
    params = [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]
    requests = {a.arg for a in params if REQUEST_TYPES.search(annotation_text(a.annotation))}
    names = [a.arg for a in params]
    if names and names[0] in ("self", "cls"):
        names = names[1:]
    if names and names[0] in ("request", "req") and not any(a.annotation for a in params if a.arg == names[0]):
        requests.add(names[0])
    routed = is_route_handler(fn)
    class_view = fn.name in {"get", "post", "put", "patch", "delete"} and bool(requests)
    if not (routed or class_view or (requests and framework & {"django", "aiohttp", "starlette", "fastapi"})):
        # A helper handed the request (`def page_arg(request): ...`) reads client data from it too.
        return (requests if framework else set()), set()
    data: set[str] = set()
    safe_types = {a.arg for a in params if annotation_text(a.annotation) in SAFE_PARAM_TYPES}
    defaults = _defaults(fn)
    rules = [p for p in (route_path(d) for d in fn.decorator_list) if p]
    for rule in rules:
        for converter, name in _FLASK_PARAM.findall(rule):
            if converter not in ("int", "float", "uuid"):
                data.add(name)
        for name, converter in _BRACE_PARAM.findall(rule):
            if converter not in ("int", "float", "uuid"):
                data.add(name)
    fastapi_like = bool(framework & {"fastapi", "starlette"})
    for name in names:
        if name in requests or name in safe_types or name in ("self", "cls"):
            continue
        default = defaults.get(name)
        if default is not None and decorator_name(default) in ("Depends", "Security", "BackgroundTasks"):
            continue
        if fastapi_like and routed:
            data.add(name)
        elif "django" in framework and requests and not rules:
            data.add(name)  # URLconf captures
    data -= safe_types | requests
    return requests, data


def _defaults(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, ast.expr]:
    positional = [*fn.args.posonlyargs, *fn.args.args]
    out: dict[str, ast.expr] = {}
    for arg, default in zip(positional[len(positional) - len(fn.args.defaults) :], fn.args.defaults, strict=True):
        out[arg.arg] = default
    for arg, kw_default in zip(fn.args.kwonlyargs, fn.args.kw_defaults, strict=True):
        if kw_default is not None:
            out[arg.arg] = kw_default
    return out


def frameworks(imports: dict[str, str]) -> set[str]:
    """Which web frameworks the module imports: decides what a handler's parameters mean."""
    roots = {q.split(".")[0] for q in imports.values()}
    return roots & {"flask", "django", "fastapi", "starlette", "aiohttp", "quart", "bottle", "sanic", "werkzeug"}
