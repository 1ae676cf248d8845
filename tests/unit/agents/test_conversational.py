"""The Conversational agent's offline engine: AST explanations, docstrings in three styles, chat."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from zc_lsp.agents.base import AgentRequest
from zc_lsp.agents.conversational.agent import ConversationalAgent, candidate_symbols
from zc_lsp.agents.verifier.testing.shadow import apply_text_edits
from zc_lsp.core.types import DocSnapshot, Span

try:
    from tests.unit.agents.helpers_vco import ListMemory, make_ctx, make_settings, write
except ImportError:  # tests/ is not a package in this layout
    from helpers_vco import ListMemory, make_ctx, make_settings, write

SOURCE = textwrap.dedent('''
    import json
    from os.path import join as pjoin

    LIMIT = 3


    @register("x")
    async def fetch(url: str, /, retries: int = 3, *args, timeout: float = 1.0, **kw) -> dict:
        """Fetch a URL and decode it.

        Longer description.
        """
        for attempt in range(retries):
            if attempt and timeout > 0 or kw:
                raise ValueError("bad attempt")
            data = json.loads(await get(pjoin(url, "x")))
        return data


    class Store(Base):
        """Keeps things."""

        size: int = 0

        def put(self, key, value=None):
            def check(k):
                return k
            if key is None:
                raise KeyError(key)
            return [v for v in value if v]

        @staticmethod
        def make(a, b=2):
            return a + b
''').lstrip("\n")


def line_no(text: str, needle: str) -> int:
    """0-based line of the first line containing `needle`."""
    return next(i for i, line in enumerate(text.splitlines()) if needle in line)


async def ask(action: str, text: str, span: Span | None, tmp_path: Path, **kw):
    path = tmp_path / "mod.py"
    path.write_text(text)
    settings = make_settings(tmp_path, docstring={"style": kw.pop("style", "google")})
    ctx = make_ctx(tmp_path, settings, memory=kw.pop("memory", None))
    doc = DocSnapshot(uri=path.as_uri(), path=path, text=text, version=1)
    return await ConversationalAgent().handle(AgentRequest(action, doc=doc, span=span, args=kw), ctx)


async def test_explain_function_lists_signature_params_returns_raises_calls_and_complexity(tmp_path: Path) -> None:
    result = await ask("explain", SOURCE, Span.lines(line_no(SOURCE, "raise ValueError")), tmp_path)
    assert result.ok and (result.provider, result.model) == ("offline", "ast-summary")
    md = result.data["markdown"]
    assert result.data["symbol"] == "fetch"
    assert "async def fetch(url: str, /, retries: int=3, *args, timeout: float=1.0, **kw) -> dict" in md
    assert "| `url` | positional-only | `str` | - |" in md
    assert "| `timeout` | keyword-only | `float` | `1.0` |" in md
    assert "annotation `dict`" in md and "`data`" in md
    assert "**Raises:** `ValueError`" in md
    assert "`json.loads`" in md and "`range`" in md and "`pjoin`" in md
    # 1 + for + if + (and/or: 2) = 5
    assert "1 branch, 1 loop, 1 await(s); cyclomatic complexity 5" in md
    assert "> Fetch a URL and decode it." in md
    assert "`@register('x')`" in md
    # pydoc for the standard-library names it uses
    assert "`json.loads`: Deserialize" in md
    assert "`os.path.join`: Join two or more pathname components" in md


async def test_explain_method_skips_self_and_lists_nested(tmp_path: Path) -> None:
    result = await ask("explain", SOURCE, Span.lines(line_no(SOURCE, "if key is None")), tmp_path)
    md = result.data["markdown"]
    assert result.data["symbol"] == "put"
    assert "method `put` of class `Store`" in md
    assert "`self` is the instance" in md
    assert "| `value` | positional | - | `None` |" in md
    assert "**Raises:** `KeyError`" in md
    assert "**Nested definitions:** `def check(k)`" in md
    # if + comprehension (loop) + its filter
    assert "cyclomatic complexity 4" in md


async def test_explain_class_lists_bases_attributes_and_methods(tmp_path: Path) -> None:
    result = await ask("explain", SOURCE, Span.lines(line_no(SOURCE, "class Store")), tmp_path)
    md = result.data["markdown"]
    assert result.data["symbol"] == "Store"
    assert "### `class Store(Base)`" in md
    assert "`size: int`" in md
    assert "`def put(self, key, value=None)`" in md and "`def make(a, b=2)`" in md
    assert "> Keeps things." in md


async def test_explain_module_level_selection_summarises_statements(tmp_path: Path) -> None:
    result = await ask("explain", SOURCE, Span(0, 0, 4, 0), tmp_path)
    md = result.data["markdown"]
    assert result.data["symbol"] is None
    assert "3 statement(s) at module level" in md
    assert "import json" in md and "assignment to `LIMIT`" in md


async def test_explain_code_that_does_not_parse_says_where(tmp_path: Path) -> None:
    broken = "def ok(a):\n    return a\n\ndef bad(x:\n    return x +\n"
    result = await ask("explain", broken, Span.lines(3), tmp_path)
    md = result.data["markdown"]
    assert "does not parse" in md and "line 4" in md
    assert "`def`" in md and "`bad`" in md
    # a selection that parses on its own is still explained, with the file's line numbers
    result = await ask("explain", broken, Span.lines(0, 1), tmp_path)
    assert "does not parse" in result.data["markdown"]
    assert "### `def ok(a)`" in result.data["markdown"] and "lines 1-2" in result.data["markdown"]


TRICKY = textwrap.dedent("""
    class Account:
        @classmethod
        async def open(
            cls,
            owner: str,
            *tags: str,
            balance: float = 0.0,
            **extra,
        ) -> "Account":
            if balance < 0:
                raise ValueError("negative balance")
            return cls()

        def is_empty(self): return True


    def outer(x, sep="\\n"):
        def inner(y: int) -> Iterator[int]:
            for i in range(y):
                yield i
        return inner
""").lstrip("\n")


def docstring_of(text: str, name: str) -> str | None:
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            return ast.get_docstring(node)
    raise AssertionError(name)


@pytest.mark.parametrize("style", ["google", "numpy", "sphinx"])
async def test_docstring_on_multiline_async_classmethod(style: str, tmp_path: Path) -> None:
    result = await ask("docstring", TRICKY, Span.lines(line_no(TRICKY, "owner: str")), tmp_path, style=style)
    assert result.ok, result.error
    (file_edit,) = result.edits
    new = apply_text_edits(TRICKY, file_edit.edits)
    doc = docstring_of(new, "open")
    assert doc is not None and doc.startswith("Open.")
    assert "cls" not in doc
    expected = {
        "google": [
            "Args:",
            "owner (str): The owner.",
            "*tags (str):",
            "balance (float, optional): The balance. Defaults to 0.0.",
            "**extra: Extra keyword arguments.",
            "Returns:",
            "Account: The result.",
            "Raises:",
            "ValueError: If negative balance.",
        ],
        "numpy": [
            "Parameters\n----------",
            "owner : str",
            "balance : float, optional",
            "Returns\n-------\nAccount",
            "Raises\n------\nValueError",
        ],
        "sphinx": [
            ":param owner: The owner.",
            ":type owner: str",
            ":param balance: The balance. Defaults to 0.0.",
            ":rtype: Account",
            ":raises ValueError: If negative balance.",
        ],
    }[style]
    for piece in expected:
        assert piece in doc, (piece, doc)
    # inserted right under the signature, indented like the body
    lines = new.splitlines()
    close = line_no(new, ') -> "Account":')
    assert lines[close + 1].startswith('        """Open.')


@pytest.mark.parametrize("style", ["google", "numpy", "sphinx"])
async def test_docstring_on_one_line_method_and_nested_generator(style: str, tmp_path: Path) -> None:
    result = await ask("docstring", TRICKY, Span.lines(line_no(TRICKY, "def is_empty")), tmp_path, style=style)
    new = apply_text_edits(TRICKY, result.edits[0].edits)
    assert docstring_of(new, "is_empty").startswith("Return True if empty.")
    assert "        return True" in new.splitlines()

    result = await ask("docstring", TRICKY, Span.lines(line_no(TRICKY, "yield i")), tmp_path, style=style)
    assert result.data["symbol"] == "inner"
    new = apply_text_edits(TRICKY, result.edits[0].edits)
    doc = docstring_of(new, "inner")
    assert {"google": "Yields:", "numpy": "Yields\n------", "sphinx": ":yields:"}[style] in doc
    assert "Iterator[int]" in doc

    result = await ask("docstring", TRICKY, Span.lines(line_no(TRICKY, "def outer")), tmp_path, style=style)
    new = apply_text_edits(TRICKY, result.edits[0].edits)
    assert "Defaults to '\\n'" in docstring_of(new, "outer")  # raw docstring keeps the backslash


async def test_docstring_refuses_documented_and_empty_places(tmp_path: Path) -> None:
    result = await ask("docstring", SOURCE, Span.lines(line_no(SOURCE, "async def fetch")), tmp_path)
    assert not result.ok and "already documented" in (result.error or "")
    result = await ask("docstring", SOURCE, Span.lines(line_no(SOURCE, "LIMIT")), tmp_path)
    assert not result.ok and "no function or class" in (result.error or "")
    result = await ask("docstring", "def f(:\n", Span.lines(0), tmp_path)
    assert not result.ok and "does not parse" in (result.error or "")


async def test_chat_says_offline_and_explains_a_named_workspace_symbol(tmp_path: Path) -> None:
    write(
        tmp_path,
        "pkg/config.py",
        """
        def parse_config(path: str) -> dict:
            if not path:
                raise FileNotFoundError(path)
            return {}
        """,
    )
    memory = ListMemory()
    settings = make_settings(tmp_path)
    ctx = make_ctx(tmp_path, settings, memory=memory)
    request = AgentRequest("chat", args={"message": "What does parse_config do?"})
    result = await ConversationalAgent().handle(request, ctx)
    assert result.ok and result.provider == "offline"
    md = result.data["markdown"]
    assert "No language model is configured" in md
    assert "explain" in md and "docstring" in md and "review" in md and "tests" in md
    assert "`parse_config`** in `pkg/config.py` (line 1)" in md
    assert "**Raises:** `FileNotFoundError`" in md
    assert memory.items[-1].kind == "chat"
    assert memory.items[-1].content.startswith("Q: What does parse_config do?")


async def test_chat_without_symbols_still_answers(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path, make_settings(tmp_path))
    result = await ConversationalAgent().handle(AgentRequest("chat", args={"message": "hello there"}), ctx)
    assert result.ok and result.data["explained"] == []
    assert "offline" in result.summary


def test_candidate_symbols_skip_words_and_keywords() -> None:
    assert candidate_symbols("how does the Store.put method work for class") == ["Store.put", "put", "Store"]
