"""Model-powered agent actions through a real ModelRouter pointed at the fake loopback model server."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests.fakes.model_server import FakeModelServer, Script
from tests.unit.router.conftest import dead_url, fake_settings
from zc_lsp.agents.base import AgentContext, AgentRequest, AgentResult
from zc_lsp.agents.best_practices.agent import BestPracticesAgent
from zc_lsp.agents.conversational.agent import ConversationalAgent
from zc_lsp.agents.ops.agent import OpsAgent
from zc_lsp.agents.programming.agent import ProgrammingAgent
from zc_lsp.agents.verifier.agent import VerifierAgent
from zc_lsp.core.types import DocSnapshot, Span
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
def model_server() -> Iterator[FakeModelServer]:
    server = FakeModelServer().start()
    yield server
    server.stop()


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
    """A context as the runner builds it, with `call` going through the services' runner."""

    async def call(other: str, request: AgentRequest) -> AgentResult:
        return await services.agents.run(other, request)

    return AgentContext(
        workspace_root=services.workspace_root,
        settings=services.settings,
        memory=services.memory_for(agent),
        router=services.router,
        trusted=True,
        call=call,
        **kw,
    )


def doc(root: Path, name: str = "calc.py", text: str | None = None) -> DocSnapshot:
    path = root / name
    return DocSnapshot(uri=path.as_uri(), path=path, text=path.read_text() if text is None else text, version=1)


def apply(text: str, edits: list[Any]) -> str:
    from zc_lsp.agents.verifier.testing.shadow import apply_text_edits

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


async def test_generate_inserts_new_code_at_the_cursor(workspace, model_server, services_for):
    services = services_for(workspace, model_server.url)
    model_server.push(Script(text=fenced('''
        def negate(a: int) -> int:
            return -a
    ''')))
    d = doc(workspace)
    result = await ProgrammingAgent().handle(
        AgentRequest("generate", doc=d, span=Span(5, 0, 5, 0), args={"instruction": "a function negating a number"}),
        ctx_for(services, "programming"))
    assert result.ok, result.error
    new = apply(d.text, result.edits[0].edits)
    assert "def negate(a: int) -> int:\n    return -a\n" in new
    assert new.index("def add") < new.index("def negate") < new.index("def divide")
    assert "a function negating a number" in model_server.requests[-1].body.decode()


# ---- Best Practices ------------------------------------------------------------------------

REVIEW_REPLY = """Here you go:
```json
[{"line": 10, "severity": "error", "code": "Missing Zero Check", "message": "divide does not guard b == 0."},
 {"line": 999, "severity": "weird", "code": "far-away", "message": "Clamped to the last line."},
 {"line": "x", "message": "no line"},
 {"line": 3, "severity": "info"},
 "not an object"]
```"""


async def test_model_review_adds_ai_findings_cached_by_content_hash(workspace, model_server, services_for):
    services = services_for(workspace, model_server.url)
    model_server.push(Script(text=REVIEW_REPLY))
    agent = BestPracticesAgent()
    d = doc(workspace)
    result = await agent.handle(AgentRequest("review", doc=d, args={"model": True}), ctx_for(services, "best_practices"))
    assert result.ok
    ai = [f for f in result.findings if f.source == "zombiecoder/ai"]
    assert [(f.code, f.severity, f.span.start_line) for f in ai] == [
        ("AI-missing-zero-check", "error", 9), ("AI-far-away", "warning", len(CALC.splitlines()) - 1)]
    assert all(f.engine == "model" for f in ai)
    assert result.provider == "ollama" and result.data["model_review"]["dropped"] == 3
    assert "ollama/fake-small" in result.data["provenance"]
    sent = len(model_server.requests)

    # Unchanged file, even with a fresh agent (memory survives): not re-sent, labelled cached.
    again = await BestPracticesAgent().handle(AgentRequest("review", doc=d, args={"model": True}),
                                              ctx_for(services, "best_practices"))
    assert len(model_server.requests) == sent
    assert again.cached and len([f for f in again.findings if f.source == "zombiecoder/ai"]) == 2
    stored = services.memory.agent("best_practices").recent(5, kind="ai_review")
    assert stored and stored[0].metadata["sha256"]


async def test_model_review_with_malformed_json_adds_nothing_and_says_so(workspace, model_server, services_for):
    services = services_for(workspace, model_server.url)
    model_server.push(Script(text="I think the code is fine, mostly {not json"))
    result = await BestPracticesAgent().handle(AgentRequest("review", doc=doc(workspace), args={"model": True}),
                                               ctx_for(services, "best_practices"))
    assert result.ok
    assert not [f for f in result.findings if f.source == "zombiecoder/ai"]
    assert "did not reply with a JSON list" in result.summary


async def test_model_review_offline_keeps_offline_findings_with_a_note(workspace, services_for):
    services = services_for(workspace, None)
    (workspace / "bad.py").write_text("import os\n")
    result = await BestPracticesAgent().handle(
        AgentRequest("review", doc=doc(workspace, "bad.py"), args={"model": True}), ctx_for(services, "best_practices"))
    assert result.ok and result.provider == "offline"
    assert any(f.code == "F401" for f in result.findings)
    assert "No model answered (ollama: cannot connect" in result.summary


# ---- Verifier ------------------------------------------------------------------------------

GOOD_TESTS = fenced('''
    from calc import add


    def test_add_small():
        assert add(1, 2) == 3


    def test_add_negative():
        assert add(-1, -2) == -3
''')
BAD_TESTS = fenced('''
    from calc import add


    def test_add_wrong():
        assert add(1, 2) == 4
''')


async def test_generated_tests_that_pass_are_kept(workspace, model_server, services_for):
    services = services_for(workspace, model_server.url)
    model_server.push(Script(text=GOOD_TESTS))
    result = await VerifierAgent().handle(AgentRequest("generate_tests", doc=doc(workspace), span=Span(4, 0, 4, 0)),
                                          ctx_for(services, "verifier"))
    assert result.ok, result.error
    edit = result.edits[0]
    assert edit.create and edit.path == workspace / "tests" / "test_calc_generated.py"
    assert "def test_add_small" in edit.edits[0].new_text
    assert result.data["passed"] == 2 and result.provider == "ollama"
    assert not edit.path.exists()  # nothing is written to the real tree; the edit is offered
    assert "`add`" in model_server.requests[-1].body.decode()


async def test_generated_tests_that_fail_are_not_kept(workspace, model_server, services_for):
    services = services_for(workspace, model_server.url)
    model_server.push(Script(text=BAD_TESTS))
    result = await VerifierAgent().handle(AgentRequest("generate_tests", doc=doc(workspace), span=Span(4, 0, 4, 0)),
                                          ctx_for(services, "verifier"))
    assert not result.ok and not result.edits
    assert "not kept" in result.error and "test_add_wrong" in result.error and "assert 3 == 4" in result.error


async def test_generate_tests_offline_falls_back_to_a_skeleton(workspace, services_for):
    services = services_for(workspace, None)
    (workspace / "shapes.py").write_text("def area(w: float, h: float) -> float:\n    return w * h\n")
    result = await VerifierAgent().handle(
        AgentRequest("generate_tests", doc=doc(workspace, "shapes.py"), span=Span(1, 0, 1, 0)),
        ctx_for(services, "verifier"))
    assert result.ok, result.error
    assert result.provider == "offline" and result.summary.startswith("No model answered")
    assert "def test_area" in result.edits[0].edits[-1].new_text


# ---- Conversational ------------------------------------------------------------------------


async def test_explain_streams_the_model_explanation(workspace, model_server, services_for):
    services = services_for(workspace, model_server.url)
    model_server.push(Script(text="`divide` is a stub that still raises.", chunk_delay_s=0.01))
    tokens: list[str] = []
    result = await ConversationalAgent().handle(
        AgentRequest("explain", doc=doc(workspace), span=Span(8, 0, 8, 0)),
        ctx_for(services, "conversational", on_token=tokens.append))
    assert result.ok and result.summary == "`divide` is a stub that still raises."
    assert len(tokens) > 1 and "".join(tokens) == result.summary
    assert (result.provider, result.model) == ("ollama", "fake-small")
    assert model_server.requests[-1].json["stream"] is True


async def test_explain_offline_says_why_and_keeps_the_ast_summary(workspace, services_for):
    services = services_for(workspace, None)
    result = await ConversationalAgent().handle(
        AgentRequest("explain", doc=doc(workspace), span=Span(8, 0, 8, 0)), ctx_for(services, "conversational"))
    assert result.ok and result.provider == "offline"
    assert "No model answered (ollama" in result.summary and "divide" in result.summary


async def test_chat_sends_history_and_code_and_records_the_turns(workspace, model_server, services_for):
    services = services_for(workspace, model_server.url)
    ctx = ctx_for(services, "conversational")
    agent = ConversationalAgent()
    model_server.push(Script(text="It adds two numbers."), Script(text="Yes, it divides."))
    first = await agent.handle(AgentRequest("chat", args={"message": "what does add do?"}), ctx)
    assert first.ok and first.provenance == "ollama/fake-small"
    assert "return a + b" in model_server.requests[-1].body.decode()  # the named function's code
    second = await agent.handle(
        AgentRequest("chat", doc=doc(workspace), span=Span(7, 0, 10, 0), args={"message": "and this one?"}), ctx)
    assert second.summary == "Yes, it divides." and second.data["history_used"]
    body = model_server.requests[-1].body.decode()
    assert "what does add do?" in body and "It adds two numbers." in body and "NotImplementedError" in body
    turns = services.memory.agent("conversational").recent(5, kind="chat")
    assert len(turns) == 2 and turns[0].metadata["provider"] == "ollama"


# ---- Ops -----------------------------------------------------------------------------------


async def test_probe_reports_latency_per_configured_model(workspace, model_server, services_for):
    services = services_for(workspace, model_server.url, providers__ollama__models={"default": "fake-small",
                                                                                     "ops": "fake-large"})
    result = await OpsAgent().handle(AgentRequest("probe"), ctx_for(services, "ops"))
    assert result.ok
    ollama = [r for r in result.data["probes"] if r["provider"] == "ollama"]
    assert {r["model"] for r in ollama} == {"fake-small", "fake-large"} and all(r["ok"] for r in ollama)
    assert "| ollama | fake-small | ok |" in result.summary and result.data["fastest"]["provider"] == "ollama"


async def test_doctor_lists_the_models_each_provider_reports(workspace, model_server, services_for):
    services = services_for(workspace, model_server.url)
    result = await OpsAgent().handle(AgentRequest("doctor"), ctx_for(services, "ops"))
    check = next(c for c in result.data["checks"] if c["name"] == "providers")
    assert "ollama: 2 model(s): fake-large, fake-small" in check["detail"]


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng (Debian package espeak-ng)")
async def test_speak_reads_out_the_model_explanation(workspace, model_server, services_for):
    services = services_for(workspace, model_server.url, speech__engine="espeak")
    model_server.push(Script(text="Add returns the sum."))
    result = await ConversationalAgent().handle(
        AgentRequest("speak", doc=doc(workspace), span=Span(3, 0, 3, 0)), ctx_for(services, "conversational"))
    assert result.ok, result.error
    assert result.data["engine"] == "espeak-ng" and Path(result.data["audio_path"]).stat().st_size > 1000
    assert "explanation by ollama/fake-small" in result.summary


# ---- Sensitive files never become context, whatever action asks -------------------------------

SENSITIVE_ACTIONS = [
    ("conversational", "explain", {}),
    ("conversational", "chat", {"message": "what does this do?"}),
    ("verifier", "generate_tests", {}),
    ("programming", "implement", {}),
    ("programming", "refactor", {}),
    ("programming", "fix", {"code": "F821"}),
    ("programming", "generate", {"instruction": "add logging"}),
    ("programming", "inline_complete", {"line": 5, "character": 4}),
    ("best_practices", "review", {"model": True}),
]


@pytest.mark.parametrize(("agent", "action", "args"), SENSITIVE_ACTIONS, ids=lambda v: v if isinstance(v, str) else "")
async def test_no_model_action_sends_a_sensitive_file(workspace, model_server, services_for, agent, action, args):
    secret_dir = workspace / "secrets"
    secret_dir.mkdir()
    (secret_dir / "vault_client.py").write_text(CALC.replace("def add", "VAULT = 'hunter2-vault'\n\n\ndef add"))
    (workspace / ".zombiecoderignore").write_text("private_*.py\n")
    (workspace / "private_keys.py").write_text(CALC)
    services = services_for(workspace, model_server.url)
    for name in ("secrets/vault_client.py", "private_keys.py"):
        model_server.push(Script(text="A plain answer."))  # no code in it: history must not look like a leak
        target = doc(workspace, name)
        request = AgentRequest(action, doc=target, span=Span(9, 0, 11, 0), args=dict(args))
        await services.agents.run(agent, request)
        sent = model_server.all_bytes()
        # A chat question may still go out, without the file; nothing of the file itself may.
        for piece in (b"hunter2-vault", b"raise ZeroDivisionError", b"def divide"):
            assert piece not in sent, (agent, action, name, piece)
        model_server.reset()
