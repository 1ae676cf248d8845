"""Offline docstrings: Args/Returns/Raises read from the AST, laid out in google, numpy or sphinx style.

The descriptions are plain placeholders derived from names; the structure (names, types,
defaults, raised exceptions) is exact, which is the tedious part a user would otherwise type.
The edit goes right after the signature's colon, so multi-line signatures, decorators,
one-line bodies and nested definitions all keep valid indentation.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize

from zc_lsp.agents.conversational.explain import Param, enclosing, own_nodes, parameters, raised, selected_lines, short
from zc_lsp.core.types import Span, TextEdit

STYLES = ("google", "numpy", "sphinx")
INDENT_UNIT = "    "


class DocstringError(ValueError):
    """Why no docstring could be added (the agent shows it to the user)."""


def words(name: str) -> str:
    """`get_user_id` / `getUserId` / `HTTPServer` -> "get user id" / "http server"."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", name.strip("_"))
    return " ".join(part for part in re.split(r"[_\s]+", spaced) if part).lower()


def summary_line(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> str:
    name = node.name
    if isinstance(node, ast.ClassDef):
        return f"{words(name).capitalize() or name}."
    if name == "__init__":
        return "Initialize the instance."
    if name.startswith("__") and name.endswith("__"):
        return f"Implement the `{name}` protocol method."
    text = words(name)
    first, _, rest = text.partition(" ")
    if first in ("is", "has", "can", "should") and rest:
        return f"Return True if {'it ' + first + ' ' if first != 'is' else ''}{rest}."
    return f"{text.capitalize() or name}."


def _is_method(node: ast.AST, parents: list) -> bool:
    if not parents or not isinstance(parents[-1], ast.ClassDef):
        return False
    decorators = {short(d) for d in getattr(node, "decorator_list", [])}
    return "staticmethod" not in decorators


def _raise_reason(node: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> str:
    for child in own_nodes(node):
        exc = getattr(child, "exc", None)
        if isinstance(child, ast.Raise) and isinstance(exc, ast.Call) and short(exc.func) == name and exc.args:
            first = exc.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value.strip():
                return f"If {first.value.strip().rstrip('.')}."
    return "If the operation cannot be completed."


def _google_type(p: Param) -> str:
    parts = [p.annotation] if p.annotation else []
    if p.default is not None:
        parts.append("optional")
    return f" ({', '.join(parts)})" if parts else ""


def _sections(node: ast.FunctionDef | ast.AsyncFunctionDef, params: list[Param], style: str) -> list[str]:
    nodes = own_nodes(node)
    is_gen = any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in nodes)
    ret = node.returns
    ret_type = (
        ret.value
        if isinstance(ret, ast.Constant) and isinstance(ret.value, str)
        else (short(ret) if ret is not None else None)
    )  # "-> 'Account'" documents as Account
    has_value = any(
        isinstance(n, ast.Return)
        and n.value is not None
        and not (isinstance(n.value, ast.Constant) and n.value.value is None)
        for n in nodes
    )
    returns = (ret_type not in ("None", "NoReturn")) and (ret_type is not None or has_value or is_gen)
    ret_word = "Yields" if is_gen else "Returns"
    ret_text = "The values produced." if is_gen else "The result."
    excs = [e for e in raised(node) if e != "(re-raise)"]
    out: list[str] = []

    def label(p: Param) -> str:
        return {"*args": f"*{p.name}", "**kwargs": f"**{p.name}"}.get(p.kind, p.name)

    def desc(p: Param) -> str:
        base = {"*args": "Extra positional arguments.", "**kwargs": "Extra keyword arguments."}.get(
            p.kind, f"The {words(p.name) or p.name}."
        )
        return base + (f" Defaults to {p.default}." if p.default is not None else "")

    if style == "google":
        if params:
            out += ["Args:"] + [f"{INDENT_UNIT}{label(p)}{_google_type(p)}: {desc(p)}" for p in params]
        if returns:
            out += ["", f"{ret_word}:", f"{INDENT_UNIT}{ret_type + ': ' if ret_type else ''}{ret_text}"]
        if excs:
            out += ["", "Raises:"] + [f"{INDENT_UNIT}{e}: {_raise_reason(node, e)}" for e in excs]
    elif style == "numpy":
        if params:
            out += ["Parameters", "----------"]
            for p in params:
                kind = (p.annotation or "") + (", optional" if p.default is not None else "")
                out += [f"{label(p)}{' : ' + kind.lstrip(', ') if kind else ''}", f"{INDENT_UNIT}{desc(p)}"]
        if returns:
            out += ["", ret_word, "-" * len(ret_word), ret_type or "object", f"{INDENT_UNIT}{ret_text}"]
        if excs:
            out += ["", "Raises", "------"]
            for e in excs:
                out += [e, f"{INDENT_UNIT}{_raise_reason(node, e)}"]
    else:
        for p in params:
            out.append(f":param {p.name}: {desc(p)}")
            if p.annotation:
                out.append(f":type {p.name}: {p.annotation}")
        if returns:
            out.append(f":{'yields' if is_gen else 'returns'}: {ret_text}")
            if ret_type:
                out.append(f":rtype: {ret_type}")
        out += [f":raises {e}: {_raise_reason(node, e)}" for e in excs]
    return out[1:] if out and out[0] == "" else out


def build_docstring(
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, parents: list, style: str, indent: str
) -> str:
    """The docstring statement, each line indented by `indent`, without a trailing newline."""
    if style not in STYLES:
        raise DocstringError(f"unknown docstring style {style!r}; use one of {', '.join(STYLES)}")
    body = [summary_line(node)]
    if not isinstance(node, ast.ClassDef):
        params = parameters(node.args)
        if _is_method(node, parents) and params and params[0].kind in ("positional", "positional-only"):
            params = params[1:]  # self / cls
        sections = _sections(node, params, style)
        if sections:
            body += ["", *sections]
    text = "\n".join(body).replace('"""', '\\"\\"\\"')
    prefix = "r" if "\\" in text else ""
    lines = text.split("\n")
    if len(lines) == 1:
        return f'{indent}{prefix}"""{lines[0]}"""'
    rendered = [f'{indent}{prefix}"""{lines[0]}'] + [f"{indent}{line}" if line else "" for line in lines[1:]]
    return "\n".join([*rendered, f'{indent}"""'])


def _header_colon(lines: list[str], def_line: int) -> tuple[int, int]:
    """0-based (line, column) of the colon ending the def/class header that starts on `def_line`."""
    source = "".join(lines[def_line:])
    depth = 0
    seen_keyword = False
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.NAME and tok.string in ("def", "class") and not seen_keyword:
                seen_keyword = True
            elif tok.type == tokenize.OP and seen_keyword:
                if tok.string in "([{":
                    depth += 1
                elif tok.string in ")]}":
                    depth -= 1
                elif tok.string == ":" and depth == 0:
                    return def_line + tok.start[0] - 1, tok.start[1]
    except (tokenize.TokenError, IndentationError) as exc:
        raise DocstringError(f"cannot read the signature: {exc}") from exc
    raise DocstringError("cannot find the end of the signature")


def docstring_edit(text: str, span: Span | None, style: str) -> tuple[TextEdit, str]:
    """The edit adding a docstring to the def/class at `span`, and that definition's name."""
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        raise DocstringError(f"the file does not parse (line {exc.lineno}: {exc.msg})") from exc
    first, last = selected_lines(span) or (1, 1)
    node, parents = enclosing(tree, first, last)
    if node is None:
        raise DocstringError(f"there is no function or class at line {first}")
    if ast.get_docstring(node, clean=False) is not None:
        raise DocstringError(f"`{node.name}` is already documented")
    lines = text.splitlines(keepends=True)
    colon_line, colon_col = _header_colon(lines, node.lineno - 1)
    body = node.body[0]
    body_line = body.lineno - 1
    if body_line > colon_line:
        raw = lines[body_line]
        indent = raw[: len(raw) - len(raw.lstrip())]
        doc = build_docstring(node, parents, style, indent)
        return TextEdit(Span(colon_line + 1, 0, colon_line + 1, 0), doc + "\n"), node.name
    # one-line body (`def f(): return 1`): split it onto its own line below the docstring
    def_raw = lines[node.lineno - 1]
    indent = def_raw[: len(def_raw) - len(def_raw.lstrip())] + INDENT_UNIT
    body_col = len(lines[body_line].encode("utf-8")[: body.col_offset].decode("utf-8", errors="replace"))
    doc = build_docstring(node, parents, style, indent)
    return TextEdit(Span(colon_line, colon_col + 1, body_line, body_col), f"\n{doc}\n{indent}"), node.name
