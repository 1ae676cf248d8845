"""The layering rule of zc_lsp, checked on the source with `ast`, and the module size budget.

Layers, lowest first (docs/architecture.md draws the same picture). A module may import its own
layer and the layers below it, never a layer above:

    0  core/                                   plain types, cancellation, workspace, redaction, sandbox
    1  config.py, config_defaults.py, config_rules.py, config_yaml.py   typed settings
    2  router/ | memory/                       peers: neither imports the other
    3  agents/                                 the agents and their engines (plug-ins)
    4  background/                             scheduler, batch queue, tuner, auto-fix, alerts, status hub
    5  services.py                             builds the host the runner and background need
    6  front ends: handlers/, server.py, app.py, protocol.py, transport.py, jsonrpc_limits.py,
       __main__.py, cli/, dashboard/

`core/` imports nothing of zc_lsp outside core (not even the package root). The package root
`zc_lsp/__init__.py` holds only `__version__` and counts as layer 0 for everyone else.

Every import counts: module level, inside functions (deferred for start-up time) and inside
`if TYPE_CHECKING:` blocks. A type-only import is still knowledge of the higher layer: it makes the
lower layer impossible to read, type-check or reuse without the higher one, and it is how import
circles hide. `importlib.import_module("zc_lsp....")` with a literal name counts too.
When this test fails, move the code to the layer it belongs to; do not add an exception here.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "zc_lsp"

# First path component under zc_lsp/ (module or package name) -> layer.
LAYERS: dict[str, int] = {
    "": 0,  # the package root: __version__ only
    "core": 0,
    "config": 1,
    "config_defaults": 1,
    "config_rules": 1,
    "config_yaml": 1,
    "router": 2,
    "memory": 2,
    "agents": 3,
    "background": 4,
    "services": 5,
    "handlers": 6,
    "server": 6,
    "app": 6,
    "protocol": 6,
    "transport": 6,
    "jsonrpc_limits": 6,
    "__main__": 6,
    "cli": 6,
    "dashboard": 6,
}
# Packages of one layer that must not import each other.
ISOLATED_PEERS = {frozenset({"router", "memory"})}

MAX_LINES = 400
# Modules allowed over MAX_LINES, each with the reason it stays whole. An entry that is no longer
# over the limit fails the test too, so the list cannot go stale.
LONG_MODULES: dict[str, str] = {}


@dataclass(frozen=True)
class Edge:
    source: str  # module path relative to zc_lsp/, e.g. "handlers/commands.py"
    target: str  # imported dotted name, e.g. "zc_lsp.services"
    line: int
    type_only: bool


def component(dotted: str) -> str:
    """'zc_lsp.handlers.commands' -> 'handlers'; 'zc_lsp' -> ''."""
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 else ""


def source_component(rel: Path) -> str:
    first = rel.parts[0]
    return first[:-3] if first.endswith(".py") else first


def _module_name(rel: Path) -> str:
    parts = ["zc_lsp", *rel.with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(source: str, rel: Path) -> list[Edge]:
    """Every zc_lsp import in one module, wherever it sits (functions, TYPE_CHECKING, try blocks)."""
    tree = ast.parse(source)
    here = _module_name(rel)
    is_package = rel.name == "__init__.py"
    type_only_lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                for inner in ast.walk(child):
                    if hasattr(inner, "lineno"):
                        type_only_lines.add(inner.lineno)
    found: list[Edge] = []

    def add(target: str, line: int) -> None:
        if target == "zc_lsp" or target.startswith("zc_lsp."):
            found.append(Edge(str(rel), target, line, line in type_only_lines))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".") if is_package else here.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module == "zc_lsp":  # `from zc_lsp import config_yaml` imports a module of that layer
                for alias in node.names:
                    add("zc_lsp" if alias.name == "__version__" else f"zc_lsp.{alias.name}", node.lineno)
            else:
                add(module, node.lineno)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            add(node.args[0].value, node.lineno)
    return found


def all_edges() -> list[Edge]:
    edges: list[Edge] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        edges.extend(imports_of(path.read_text(encoding="utf-8"), rel))
    return edges


def violation(edge: Edge) -> str | None:
    src = source_component(Path(edge.source))
    dst = component(edge.target)
    if src not in LAYERS:
        return f"{edge.source}: top-level module {src!r} has no layer; add it to LAYERS and docs/architecture.md"
    if dst not in LAYERS:
        return f"{edge.source}:{edge.line} imports {edge.target}, which has no layer"
    kind = " (TYPE_CHECKING)" if edge.type_only else ""
    if src == "core" and dst != "core":
        return f"{edge.source}:{edge.line} core/ imports {edge.target}{kind}: core imports nothing else of zc_lsp"
    if LAYERS[dst] > LAYERS[src]:
        return (
            f"{edge.source}:{edge.line} imports {edge.target}{kind}: layer {LAYERS[src]} ({src}) "
            f"reaches up to layer {LAYERS[dst]} ({dst})"
        )
    if src != dst and frozenset({src, dst}) in ISOLATED_PEERS:
        return f"{edge.source}:{edge.line} imports {edge.target}{kind}: {src}/ and {dst}/ are peers and stay apart"
    return None


def test_no_module_imports_a_higher_layer() -> None:
    problems = [v for e in all_edges() if (v := violation(e))]
    assert problems == [], "layering rule broken (see this test's docstring):\n" + "\n".join(problems)


def test_every_top_level_module_has_a_layer() -> None:
    modules = {p.stem for p in PACKAGE.glob("*.py") if p.name != "__init__.py"}
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert sorted((modules | packages) - set(LAYERS)) == []


def test_the_import_scan_sees_deferred_and_type_only_imports() -> None:
    """The rule is only as good as the parser: imports in functions, TYPE_CHECKING and relative ones."""
    source = (
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from zc_lsp.services import Services\n"
        "def later():\n"
        "    import zc_lsp.handlers.commands\n"
        "    from ..background import batch\n"
        "    from zc_lsp import config_yaml\n"
        "    importlib.import_module('zc_lsp.cli')\n"
    )
    edges = imports_of(source, Path("agents/example.py"))
    assert [(e.target, e.type_only) for e in edges] == [
        ("zc_lsp.services", True),
        ("zc_lsp.handlers.commands", False),
        ("zc_lsp.background", False),
        ("zc_lsp.config_yaml", False),
        ("zc_lsp.cli", False),
    ]
    assert [component(e.target) for e in edges if violation(e)] == ["services", "handlers", "background", "cli"]
    assert violation(Edge("core/types.py", "zc_lsp.config", 1, False)) is not None
    assert violation(Edge("memory/tasks.py", "zc_lsp.router.base", 1, False)) is not None
    assert violation(Edge("router/router.py", "zc_lsp.core.redact", 1, False)) is None


def test_modules_over_the_size_budget_have_a_reason() -> None:
    sizes = {
        str(p.relative_to(PACKAGE)): len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.rglob("*.py")
    }
    over = {name: n for name, n in sizes.items() if n > MAX_LINES}
    unexplained = sorted(f"{name} ({n} lines)" for name, n in over.items() if name not in LONG_MODULES)
    stale = sorted(name for name in LONG_MODULES if name not in over)
    assert unexplained == [], f"over {MAX_LINES} lines, split them or give a reason in LONG_MODULES: {unexplained}"
    assert stale == [], f"LONG_MODULES names modules within the budget (or gone), remove them: {stale}"
