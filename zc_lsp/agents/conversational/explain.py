"""Offline explanations built from the code itself with `ast`: what the Conversational agent says
when no model answers. Facts only (signature, parameters, returns, raises, calls, control flow),
plus the first line of pydoc for standard-library names the code uses. Workspace code is never
imported; standard-library modules are, except the few with import-time side effects.
"""

from __future__ import annotations

import ast
import io
import keyword
import logging
import textwrap
import tokenize
from dataclasses import dataclass
from pathlib import Path

from zc_lsp.agents.conversational.stdlib_docs import stdlib_notes
from zc_lsp.core.types import Span

log = logging.getLogger(__name__)
Def = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
NO_DESCEND = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)



@dataclass
class Param:
    name: str
    kind: str  # positional-only | positional | *args | keyword-only | **kwargs
    annotation: str | None
    default: str | None


def short(node: ast.AST | None, limit: int = 80) -> str:
    if node is None:
        return ""
    text = ast.unparse(node).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return f"{dotted(node.func)}()"
    return short(node, 40)


def own_nodes(node: Def) -> list[ast.AST]:
    """Nodes of the body, not descending into nested functions, classes and lambdas."""
    out: list[ast.AST] = []
    stack: list[ast.AST] = list(reversed(node.body))
    while stack:
        current = stack.pop()
        out.append(current)
        if not isinstance(current, NO_DESCEND):
            stack.extend(reversed(list(ast.iter_child_nodes(current))))
    return out


def parameters(args: ast.arguments) -> list[Param]:
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    params = [
        Param(
            a.arg,
            "positional-only" if i < len(args.posonlyargs) else "positional",
            short(a.annotation) or None,
            short(d) if d is not None else None,
        )
        for i, (a, d) in enumerate(zip(positional, defaults, strict=True))
    ]
    if args.vararg:
        params.append(Param(args.vararg.arg, "*args", short(args.vararg.annotation) or None, None))
    for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        params.append(Param(a.arg, "keyword-only", short(a.annotation) or None, short(d) if d else None))
    if args.kwarg:
        params.append(Param(args.kwarg.arg, "**kwargs", short(args.kwarg.annotation) or None, None))
    return params


def signature(node: Def) -> str:
    if isinstance(node, ast.ClassDef):
        bases = [short(b) for b in node.bases] + [short(k) for k in node.keywords]
        return f"class {node.name}" + (f"({', '.join(bases)})" if bases else "")
    prefix = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
    returns = f" -> {short(node.returns)}" if node.returns is not None else ""
    return f"{prefix} {node.name}({short(node.args, 200)}){returns}"


def complexity(node: Def) -> tuple[int, int, int]:
    """(cyclomatic complexity, branches, loops) of the node's own code."""
    score, branches, loops = 1, 0, 0
    for child in own_nodes(node):
        if isinstance(child, (ast.If, ast.IfExp, ast.match_case)):
            score, branches = score + 1, branches + 1
        elif isinstance(child, (ast.For, ast.AsyncFor, ast.While)):
            score, loops = score + 1, loops + 1
        elif isinstance(child, ast.comprehension):
            score, loops = score + 1 + len(child.ifs), loops + 1
        elif isinstance(child, ast.ExceptHandler):
            score += 1
        elif isinstance(child, ast.BoolOp):
            score += len(child.values) - 1
    return score, branches, loops


def rating(score: int) -> str:
    return "simple" if score <= 5 else "moderate" if score <= 10 else "complex" if score <= 20 else "very complex"


def raised(node: Def) -> list[str]:
    names: dict[str, None] = {}
    for child in own_nodes(node):
        if isinstance(child, ast.Raise):
            exc = child.exc
            if exc is None:
                names["(re-raise)"] = None
            else:
                names[dotted(exc.func if isinstance(exc, ast.Call) else exc)] = None
    return list(names)


def calls(node: Def) -> list[str]:
    """Names called by the node's own code; `raise X(...)` is listed under raises, not here."""
    nodes = own_nodes(node)
    raised_calls = {id(n.exc) for n in nodes if isinstance(n, ast.Raise)}
    names: dict[str, None] = {}
    for child in nodes:
        if isinstance(child, ast.Call) and id(child) not in raised_calls:
            names[dotted(child.func)] = None
    return list(names)


def enclosing(tree: ast.Module, first: int, last: int) -> tuple[Def | None, list[Def]]:
    """Innermost def/class whose lines (decorators included) contain first..last (1-based), with its parents."""
    best: Def | None = None
    chain: list[Def] = []

    def visit(node: ast.AST, trail: list[Def]) -> None:
        nonlocal best, chain
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                top = min([child.lineno, *[d.lineno for d in child.decorator_list]])
                if top <= first and (child.end_lineno or child.lineno) >= last:
                    best, chain = child, trail
                    visit(child, [*trail, child])
            elif isinstance(child, (ast.stmt, ast.ExceptHandler, ast.match_case)):
                visit(child, trail)  # defs inside if/try/with/match bodies

    visit(tree, [])
    return best, chain


def selected_lines(span: Span | None) -> tuple[int, int] | None:
    """1-based inclusive line range of a span (an end at column 0 of a later line excludes that line)."""
    if span is None:
        return None
    last = span.end_line if span.end_char > 0 or span.end_line == span.start_line else span.end_line - 1
    return span.start_line + 1, max(last + 1, span.start_line + 1)


def _doc_block(node: Def) -> str:
    doc = ast.get_docstring(node)
    if not doc:
        return "_No docstring._"
    paragraph = doc.split("\n\n")[0].strip()
    return "\n".join("> " + line for line in paragraph.splitlines())


def explain_function(node: ast.FunctionDef | ast.AsyncFunctionDef, parents: list[Def], tree: ast.Module) -> str:
    owner = next((p for p in reversed(parents) if isinstance(p, ast.ClassDef)), None)
    is_method = owner is not None and parents and parents[-1] is owner
    what = (
        f"method `{node.name}` of class `{owner.name}`"
        if is_method and owner
        else (f"{'nested ' if parents else ''}function `{node.name}`")
    )
    kind = ("async " if isinstance(node, ast.AsyncFunctionDef) else "") + what
    out = [f"### `{signature(node)}`", f"_{kind}, lines {node.lineno}-{node.end_lineno}_", "", _doc_block(node), ""]
    if node.decorator_list:
        out.append("**Decorators:** " + ", ".join(f"`@{short(d)}`" for d in node.decorator_list))
    params = parameters(node.args)
    if is_method and params and params[0].name in ("self", "cls") and params[0].kind != "keyword-only":
        out.append(
            f"_The first parameter `{params[0].name}` is the {'class' if params[0].name == 'cls' else 'instance'}._"
        )
        params = params[1:]
    if params:
        out += ["", "**Parameters**", "", "| name | kind | annotation | default |", "|---|---|---|---|"]
        out += [
            f"| `{p.name}` | {p.kind} | {f'`{p.annotation}`' if p.annotation else '-'} | "
            f"{f'`{p.default}`' if p.default else '-'} |"
            for p in params
        ]
    else:
        out.append("**Parameters:** none")
    nodes = own_nodes(node)
    returns = list(dict.fromkeys(short(r.value, 60) for r in nodes if isinstance(r, ast.Return) and r.value))
    gen = any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in nodes)
    ret = [f"annotation `{short(node.returns)}`"] if node.returns is not None else ["no annotation"]
    ret.append("return values: " + ", ".join(f"`{r}`" for r in returns[:6]) if returns else "returns `None` implicitly")
    out += ["", "**Returns:** " + "; ".join(ret) + ("; it is a generator (yields)" if gen else "")]
    exc = raised(node)
    out.append("**Raises:** " + (", ".join(f"`{e}`" for e in exc) if exc else "nothing directly"))
    called = calls(node)
    out.append("**Calls:** " + (", ".join(f"`{c}`" for c in called[:25]) if called else "nothing"))
    awaits = sum(isinstance(n, ast.Await) for n in nodes)
    score, branches, loops = complexity(node)
    flow = f"{branches} branch{'es' if branches != 1 else ''}, {loops} loop{'s' if loops != 1 else ''}"
    out.append(
        f"**Control flow:** {flow}{f', {awaits} await(s)' if awaits else ''}; cyclomatic complexity "
        f"{score} ({rating(score)})"
    )
    nested = [n for n in nodes if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    if nested:
        out.append("**Nested definitions:** " + ", ".join(f"`{signature(n)}`" for n in nested))
    notes = stdlib_notes(tree, called + [n.id for n in nodes if isinstance(n, ast.Name)])
    if notes:
        out += ["", "**Standard library used:**", *notes]
    return "\n".join(out)


def explain_class(node: ast.ClassDef, tree: ast.Module) -> str:
    out = [
        f"### `{signature(node)}`",
        f"_class `{node.name}`, lines {node.lineno}-{node.end_lineno}_",
        "",
        _doc_block(node),
        "",
    ]
    if node.decorator_list:
        out.append("**Decorators:** " + ", ".join(f"`@{short(d)}`" for d in node.decorator_list))
    out.append("**Bases:** " + (", ".join(f"`{short(b)}`" for b in node.bases) if node.bases else "none (object)"))
    attrs = [short(t) for s in node.body if isinstance(s, ast.Assign) for t in s.targets]
    attrs += [f"{short(s.target)}: {short(s.annotation)}" for s in node.body if isinstance(s, ast.AnnAssign)]
    if attrs:
        out.append("**Class attributes:** " + ", ".join(f"`{a}`" for a in attrs))
    methods = [s for s in node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if methods:
        out += ["", "**Methods**", "", "| method | complexity | summary |", "|---|---|---|"]
        for m in methods:
            doc = (ast.get_docstring(m) or "").strip().splitlines()
            out.append(f"| `{signature(m)}` | {complexity(m)[0]} | {doc[0] if doc else '-'} |")
    total = sum(complexity(m)[0] for m in methods)
    out.append(f"\n**Size:** {len(methods)} method(s), total cyclomatic complexity {total}")
    return "\n".join(out)


def _describe_stmt(stmt: ast.stmt) -> str:
    if isinstance(stmt, ast.Import):
        return "import " + ", ".join(a.name for a in stmt.names)
    if isinstance(stmt, ast.ImportFrom):
        return f"from {'.' * stmt.level}{stmt.module or ''} import " + ", ".join(a.name for a in stmt.names)
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return f"definition `{signature(stmt)}`"
    if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        return "assignment to " + ", ".join(f"`{short(t, 40)}`" for t in targets)
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        return f"call `{dotted(stmt.value.func)}(...)`"
    if isinstance(stmt, (ast.If, ast.While)):
        return f"{type(stmt).__name__.lower()} `{short(stmt.test, 60)}`"
    if isinstance(stmt, (ast.For, ast.AsyncFor)):
        return f"for loop over `{short(stmt.iter, 60)}`"
    return type(stmt).__name__.lower() + " statement"


def explain_statements(stmts: list[ast.stmt], first: int, last: int) -> str:
    if not stmts:
        return f"Lines {first}-{last} hold no statements (blank lines or comments)."
    out = [f"### Lines {first}-{last}: {len(stmts)} statement(s) at module level", ""]
    out += [f"- line {s.lineno}: {_describe_stmt(s)}" for s in stmts[:40]]
    if len(stmts) > 40:
        out.append(f"- ... and {len(stmts) - 40} more")
    return "\n".join(out)


def explain_tokens(text: str, error: SyntaxError) -> str:
    """For code that does not parse: what tokenize can still tell, and where the error is."""
    names: dict[str, None] = {}
    keywords: dict[str, None] = {}
    strings = numbers = 0
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.NAME:
                (keywords if keyword.iskeyword(tok.string) else names)[tok.string] = None
            elif tok.type == tokenize.STRING:
                strings += 1
            elif tok.type == tokenize.NUMBER:
                numbers += 1
    except (tokenize.TokenError, IndentationError, SyntaxError) as exc:
        log.debug("tokenize stopped: %s", exc)
    where = f"line {error.lineno}, column {error.offset}" if error.lineno else "unknown position"
    out = [f"**This code does not parse** ({where}: {error.msg}), so only its tokens can be described.", ""]
    out.append("**Keywords:** " + (", ".join(f"`{k}`" for k in keywords) or "none"))
    out.append("**Names:** " + (", ".join(f"`{n}`" for n in list(names)[:30]) or "none"))
    out.append(f"**Literals:** {strings} string(s), {numbers} number(s)")
    return "\n".join(out)


def explain_source(text: str, span: Span | None = None, path: Path | None = None) -> tuple[str, str | None]:
    """Markdown explanation of the code at `span` (the whole module if None), and the symbol explained."""
    try:
        tree = ast.parse(text, filename=str(path or "<document>"))
    except SyntaxError as exc:
        lines = selected_lines(span)
        if lines is None:
            return explain_tokens(text, exc), None
        snippet = "\n".join(text.splitlines()[lines[0] - 1 : lines[1]])
        # blank lines in front keep the line numbers those of the file
        padded = "\n" * (lines[0] - 1) + textwrap.dedent(snippet)
        try:
            ast.parse(padded)
        except SyntaxError:
            return explain_tokens(snippet, exc), None
        body, name = explain_source(padded, span)
        where = f"line {exc.lineno}, column {exc.offset}"
        note = f"_Note: the file does not parse ({where}: {exc.msg}); the selection alone does._\n\n"
        return note + body, name
    lines = selected_lines(span)
    if lines is None:
        return explain_statements(tree.body, 1, max(len(text.splitlines()), 1)), None
    first, last = lines
    node, parents = enclosing(tree, first, last)
    if node is None:
        stmts = [s for s in tree.body if (s.end_lineno or s.lineno) >= first and s.lineno <= last]
        defs = [s for s in stmts if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
        if len(stmts) == 1 and defs:
            node, parents = defs[0], []
        else:
            return explain_statements(stmts, first, last), None
    if isinstance(node, ast.ClassDef):
        return explain_class(node, tree), node.name
    return explain_function(node, parents, tree), node.name
