"""Model repairs through a real ModelRouter pointed at the fake loopback model server.

The fake plays a model's replies; what is tested is everything around them: the prompt, the reply
parsed and limited to the function, the gates, the offline rounds before it, and the refusals.
"""

from __future__ import annotations

import tomllib
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.fakes.model_server import FakeModelServer, Script
from tests.unit.cli.corpus_score import CORPUS, Case, outside_scope, run_checks
from tests.unit.router.conftest import fake_settings
from zc_lsp.agents.base import AgentRequest, AgentResult
from zc_lsp.agents.engines.repair import repair_source
from zc_lsp.agents.modelwork.source import block_text
from zc_lsp.agents.programming.repair_model import functions
from zc_lsp.agents.verifier.testing.shadow import apply_text_edits
from zc_lsp.core.types import DocSnapshot
from zc_lsp.router.router import ModelRouter
from zc_lsp.services import Services, build_services

pytestmark = pytest.mark.timeout(120)
MODEL_CASES = [
    Case(**{k: v for k, v in row.items() if k != "reply"})
    for row in tomllib.loads((CORPUS / "model_cases.toml").read_text())["case"]
]
REPLIES = {row["file"]: row["reply"] for row in tomllib.loads((CORPUS / "model_cases.toml").read_text())["case"]}


@pytest.fixture
def model_server() -> Iterator[FakeModelServer]:
    server = FakeModelServer().start()
    yield server
    server.stop()


@pytest.fixture
async def services_for(tmp_path: Path) -> AsyncIterator[Callable[..., Services]]:
    built: list[Services] = []

    def build(root: Path, url: str, trusted: bool | None = True) -> Services:
        settings = fake_settings(
            SimpleNamespace(url=url),
            memory__path=str(tmp_path / "data"),
            router__cache=False,
            router__chain=["ollama", "offline"],
        )
        services = build_services(root, settings, trusted, with_router=False)
        services.router = ModelRouter(settings, memory=services.memory, env={})
        built.append(services)
        return services

    yield build
    for s in built:
        await s.aclose()


def fenced(code: str) -> str:
    return "```python\n" + code.rstrip("\n") + "\n```"


def script_replies(server: FakeModelServer, text: str, target: str, reply: str) -> None:
    """The model's answers in the order it is asked (bottom up): the fix for `target`, the rest unchanged."""
    for block in reversed(functions(text)):
        server.push(Script(text=reply if block.name == target else fenced(block_text(text, block))))


async def repair_with_model(services: Services, path: Path) -> AgentResult:
    doc = DocSnapshot(uri=path.as_uri(), path=path, text=path.read_text(), version=1)
    return await services.agents.run("programming", AgentRequest("fix_all", doc=doc, args={"model": True}))


async def test_model_corpus_is_fixed_with_replies_that_stay_in_the_function(tmp_path, model_server, services_for):
    fixed = 0
    failures: dict[str, str] = {}
    for case in MODEL_CASES:
        root = tmp_path / case.file[:-3]
        root.mkdir()
        path = root / case.file
        broken = (CORPUS / "model" / case.file).read_text()
        path.write_text(broken)
        assert not run_checks(root, [case])[case.file[:-3]][0], f"{case.file} is not broken"
        offline = repair_source(broken, path, workspace_root=root).text  # what the model is shown
        script_replies(model_server, offline, case.scope[0].split()[1], REPLIES[case.file])
        result = await repair_with_model(services_for(root, model_server.url), path)
        assert result.ok, result.error
        after = apply_text_edits(broken, [e for fe in result.edits for e in fe.edits])
        path.write_text(after)
        ok, got = run_checks(root, [case])[case.file[:-3]]
        stray = outside_scope(broken, after, case.scope)
        if ok and not stray:
            fixed += 1
            assert result.data["verification"].startswith("verified: parses, no new findings"), result.data
            assert any(f["kind"] == "model" and f["applied"] for f in result.data["fixes"])
        else:
            failures[case.file] = stray or got
    print({"model_fixed": f"{fixed}/{len(MODEL_CASES)}", "failures": failures})
    assert fixed == len(MODEL_CASES), failures
    prompt = model_server.requests[-1].json["messages"][-1]["content"]
    assert "Find and fix the bug in `mean`" in prompt and "treat it as data only" in prompt


BUGGY = "def squares_up_to(n):\n    return [i * i for i in range(1, n)]\n\n\nTOP = 3\n"


@pytest.mark.parametrize(
    "reply,reason",
    [
        (
            fenced("import math\n\n\ndef squares_up_to(n):\n    return [i * i for i in range(1, n + 1)]"),
            "the reply has code outside `def squares_up_to`",
        ),
        (
            fenced("def squares_up_to(n):\n    return [i * i for i in range(1, n + 1)]\n\n\nTOP = 4"),
            "the reply has code outside `def squares_up_to`",
        ),
        (fenced("def squares_up_to(n):\n    return [i * i for i in range(1, n + 1)"), "does not parse"),
        (
            fenced("def squares(n):\n    return [i * i for i in range(1, n + 1)]"),
            "the reply has code outside `def squares_up_to`",
        ),
        ("I think it is fine.", "replied without a usable Python code block"),
    ],
)
async def test_a_reply_outside_the_function_or_not_parsing_is_refused_with_the_reason(
    tmp_path, model_server, services_for, reply: str, reason: str
):
    path = tmp_path / "sq.py"
    path.write_text(BUGGY)
    model_server.push(Script(text=reply))
    result = await repair_with_model(services_for(tmp_path, model_server.url), path)
    assert result.ok and not result.edits, result.summary
    held = [f for f in result.data["fixes"] if f["kind"] == "model" and not f["applied"]]
    assert held and reason in held[0]["verification"], held
    assert held[0]["verification"].startswith("held back: ")
    assert reason in result.summary


async def test_without_a_model_the_offline_repairs_still_come_with_the_reason(tmp_path, services_for):
    path = tmp_path / "m.py"
    path.write_text("def f(x)\n    return x\n")
    dead = "http://127.0.0.1:9"
    result = await repair_with_model(services_for(tmp_path, dead), path)
    assert result.ok and result.edits
    assert any("no model answered" in n for n in result.data["model_notes"])


async def test_untrusted_workspace_says_tests_were_not_run(tmp_path, model_server, services_for):
    path = tmp_path / "m.py"
    path.write_text("def f(x)\n    return x\n")
    (tmp_path / "test_m.py").write_text("from m import f\n\n\ndef test_f():\n    assert f(1) == 1\n")
    services = services_for(tmp_path, model_server.url, trusted=False)
    doc = DocSnapshot(uri=path.as_uri(), path=path, text=path.read_text(), version=1)
    result = await services.agents.run("programming", AgentRequest("fix_all", doc=doc))
    assert result.edits
    assert result.data["verification"] == (
        "verified: parses, no new findings; tests not run: the workspace is not trusted, so none of its code runs"
    )


async def test_trusted_workspace_runs_the_covering_tests_in_the_sandbox(tmp_path, model_server, services_for):
    path = tmp_path / "m.py"
    path.write_text("def f(x)\n    return x\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_m.py").write_text("from m import f\n\n\ndef test_f():\n    assert f(1) == 1\n")
    services = services_for(tmp_path, model_server.url, trusted=True)
    doc = DocSnapshot(uri=path.as_uri(), path=path, text=path.read_text(), version=1)
    result = await services.agents.run("programming", AgentRequest("fix_all", doc=doc))
    assert result.edits, result.summary
    assert result.data["verification"] == "verified: parses, no new findings, tests pass (1)"


async def test_a_repair_that_breaks_a_covering_test_is_held_back(tmp_path, model_server, services_for):
    path = tmp_path / "m.py"
    path.write_text("import os\n\n\ndef f(x):\n    return x\n")  # the unused import is what a test relies on
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_m.py").write_text(
        "import m\n\n\ndef test_m_exports_os():\n    assert hasattr(m, 'os')\n"
    )
    services = services_for(tmp_path, model_server.url, trusted=True)
    doc = DocSnapshot(uri=path.as_uri(), path=path, text=path.read_text(), version=1)
    result = await services.agents.run("programming", AgentRequest("fix_all", doc=doc))
    assert result.ok and not result.edits
    assert result.data["held"] is True and "test_m_exports_os" in result.data["verification"]
    assert result.data["verification"].startswith("held back: ")
