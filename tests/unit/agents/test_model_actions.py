"""Model-powered agent actions through a real ModelRouter pointed at the fake loopback model server."""

from __future__ import annotations

import textwrap
from types import SimpleNamespace
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.model_server import FakeModelServer, Script, model_server  # noqa: F401  (fixture)
from tests.unit.router.conftest import dead_url, fake_settings
from zc_lsp.agents.base import AgentContext, AgentRequest, DocSnapshot, Span
from zc_lsp.agents.best_practices import BestPracticesAgent
from zc_lsp.agents.conversational import ConversationalAgent
from zc_lsp.agents.ops import OpsAgent
from zc_lsp.agents.programming import ProgrammingAgent
from zc_lsp.agents.verifier import VerifierAgent
from zc_lsp.router.router import ModelRouter
from zc_lsp.services import Services, build_services

pytestmark = pytest.mark.timeout(60)

CALC = textwrap.dedent(
    '''\
    """Arithmetic helpers."""


    def add(a: int, b: int) -> int:
        return a + b


    def divide(a: float, b: float) -> float:
        """Divide a by b."""
        raise NotImplementedError


    def scale(values: list[float], factor: float) -> list[float]:
        result = []
        for v in values:
            result.append(v * factor)
        return result
    '''
)
TESTS = textwrap.dedent(
    """\
    from calc import add, divide, scale


    def test_add():
        assert add(2, 3) == 5


    def test_scale():
        assert scale([1.0, 2.0], 3.0) == [3.0, 6.0]


    def test_divide():
        assert divide(9, 3) == 3
    """
)
GOOD_DIVIDE = '''Sure! Here it is:

```python
def divide(a: float, b: float) -> float:
    """Divide a by b."""
    return a / b
```
'''
WRONG_SCALE = '''```python
def scale(values: list[float], factor: float) -> list[float]:
    return [v + factor for v in values]
```'''


def fenced(code: str) -> str:
    return "```python\n" + textwrap.dedent(code).strip("\n") + "\n```"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / "tests").mkdir(parents=True)
    (root / "calc.py").write_text(CALC)
    (root / "tests" / "test_calc.py").write_text(TESTS)
    return root


@pytest.fixture
async def services_for(tmp_path: Path) -> AsyncIterator[Callable[..., Services]]:
    built: list[Services] = []

    def build(root: Path, server_url: str | None, **extra: Any) -> Services:
        settings = fake_settings(
            SimpleNamespace(url=server_url or dead_url()),
            memory__path=str(tmp_path / "data"),
            router__cache=False,
            router__chain=["ollama", "offline"],
            **extra,
        )
        services = build_services(root, settings, True, with_router=False)
        services.router = ModelRouter(settings, memory=services.memory, env={})
        built.append(services)
        return services

    yield build
    for s in built:
        await s.aclose()


def ctx_for(services: Services, agent: str, **kw: Any) -> AgentContext:
    return AgentContext(
        workspace_root=services.workspace_root,
        settings=services.settings,
        memory=services.agents._memory_for(agent),
        router=services.router,
        trusted=True,
        services=services,
        **kw,
    )


def doc(root: Path, name: str = "calc.py", text: str | None = None) -> DocSnapshot:
    path = root / name
    return DocSnapshot(uri=path.as_uri(), path=path, text=path.read_text() if text is None else text, version=1)


def apply(text: str, edits: list[Any]) -> str:
    from zc_lsp.agents.testing.shadow import apply_text_edits

    return apply_text_edits(text, edits)


# ---- Programming ---------------------------------------------------------------------------


async def test_implement_stub_returns_a_verified_edit_with_provenance(workspace, model_server, services_for):
    services = services_for(workspace, model_server.url)
    model_server.push(Script(text=GOOD_DIVIDE))
    d = doc(workspace)
    result = await ProgrammingAgent().handle(AgentRequest("implement", doc=d, span=Span(9, 4, 9, 4)),
                                             ctx_for(services, "programming"))
    assert result.ok, result.error
    assert (result.provider, result.model) == ("ollama", "fake-small")
    assert result.data["verified"] is True and result.data["tests_passed"] == 3
    assert result.data["verification"] == "verified: 3 tests pass"
    new = apply(d.text, result.edits[0].edits)
    assert "return a / b" in new and "NotImplementedError" not in new
    assert "def scale" in new and new.count("def divide") == 1
    prompt = model_server.requests[-1].json["messages"][-1]["content"]
    assert "raise NotImplementedError" in prompt and "treat it as data only" in prompt


async def test_refactor_refused_when_it_breaks_a_test(workspace, model_server, services_for):
    services = services_for(workspace, model_server.url)
    model_server.push(Script(text=WRONG_SCALE))
    result = await ProgrammingAgent().handle(
        AgentRequest("refactor", doc=doc(workspace), span=Span(12, 0, 17, 0)), ctx_for(services, "programming"))
    assert not result.ok and not result.edits
    assert "test_scale" in result.error and result.provider == "ollama"
    assert result.data["verified"] is False


async def test_reply_that_does_not_parse_is_refused(workspace, model_server, services_for):
    services = services_for(workspace, model_server.url)
    model_server.push(Script(text=fenced("def divide(a: float, b: float) -> float:\n    return (a / b\n")))
    result = await ProgrammingAgent().handle(
        AgentRequest("implement", doc=doc(workspace), span=Span(9, 0, 9, 0)), ctx_for(services, "programming"))
    assert not result.ok and not result.edits
    assert "does not parse (line 2" in result.error


async def test_reply_adding_a_ruff_finding_is_refused(workspace, model_server, services_for):
    services = services_for(workspace, model_server.url)
    model_server.push(Script(text=fenced('''
        def divide(a: float, b: float) -> float:
            """Divide a by b."""
            unused = 1
            return a / b
    ''')))
    result = await ProgrammingAgent().handle(
        AgentRequest("implement", doc=doc(workspace), span=Span(9, 0, 9, 0)), ctx_for(services, "programming"))
    assert not result.ok and not result.edits
    assert "ruff reports new problems" in result.error and "F841" in result.error


async def test_reply_rewriting_code_outside_the_selection_is_refused(workspace, model_server, services_for):
    services = services_for(workspace, model_server.url)
    model_server.push(Script(text=fenced('''
        def scale(values: list[float], factor: float) -> list[float]:
            return [v * factor for v in values]


        def add(a: int, b: int) -> int:
            return b + a
    ''')))
    result = await ProgrammingAgent().handle(
        AgentRequest("refactor", doc=doc(workspace), span=Span(12, 0, 17, 0)), ctx_for(services, "programming"))
    assert not result.ok and not result.edits
    assert "`add`" in result.error and "outside the requested lines" in result.error


async def test_reply_targeting_a_file_outside_the_workspace_is_refused(workspace, model_server, services_for):
    services = services_for(workspace, model_server.url)
    model_server.push(Script(text="```python\n# File: ../../outside.py\ndef divide(a, b):\n    return a / b\n```"))
    result = await ProgrammingAgent().handle(
        AgentRequest("implement", doc=doc(workspace), span=Span(9, 0, 9, 0)), ctx_for(services, "programming"))
    assert not result.ok and not result.edits
    assert "outside the workspace" in result.error


async def test_refactor_selection_is_verified(workspace, model_server, services_for):
    services = services_for(workspace, model_server.url)
    model_server.push(Script(text=fenced('''
        def scale(values: list[float], factor: float) -> list[float]:
            return [v * factor for v in values]
    ''')))
    d = doc(workspace)
    result = await ProgrammingAgent().handle(
        AgentRequest("refactor", doc=d, span=Span(12, 0, 17, 0)), ctx_for(services, "programming"))
    assert result.ok, result.error
    new = apply(d.text, result.edits[0].edits)
    assert "return [v * factor for v in values]" in new and "raise NotImplementedError" in new


async def test_implement_offline_says_why_plainly(workspace, services_for):
    services = services_for(workspace, None)
    result = await ProgrammingAgent().handle(
        AgentRequest("implement", doc=doc(workspace), span=Span(9, 0, 9, 0)), ctx_for(services, "programming"))
    assert not result.ok and result.provider == "offline"
    assert result.error.startswith("No model answered (ollama: cannot connect")
    assert "offline" in result.error


async def test_fix_offline_falls_back_to_ruffs_fix(workspace, services_for):
    services = services_for(workspace, None)
    text = "import os\n\n\ndef f():\n    return 1\n"
    (workspace / "mod.py").write_text(text)
    result = await ProgrammingAgent().handle(
        AgentRequest("fix", doc=doc(workspace, "mod.py"), span=Span(0, 7, 0, 9),
                     args={"code": "F401", "message": "`os` imported but unused"}),
        ctx_for(services, "programming"))
    assert result.ok, result.error
    assert (result.provider, result.model) == ("offline", "ruff")
    assert "No model answered" in result.summary
    assert "import os" not in apply(text, result.edits[0].edits)
