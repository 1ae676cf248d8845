"""Property-based fuzz over lsprotocol request types and odd JSON-RPC shapes, against one live server.

Each example sends a burst of messages with fresh ids; the server must answer every id exactly once
and still answer a final request. Bounded examples keep CI well under a minute.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types

from .conftest import make_workspace
from .test_bad_input import RawClient

pytestmark = pytest.mark.timeout(120)

REQUEST_METHODS = sorted(
    method
    for method, (params, *_rest) in types.METHOD_TO_TYPES.items()
    if method.startswith(("textDocument/", "workspace/", "codeAction/", "inlayHint/", "completionItem/"))
    and hasattr(params, "__attrs_attrs__") and any(f.name == "id" for f in params.__attrs_attrs__)
    and method not in {types.WORKSPACE_APPLY_EDIT, types.WORKSPACE_CONFIGURATION}
)

scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**63), 2**63), st.floats(allow_nan=False),
                    st.text(max_size=20), st.just("file:///nope.py"))
json_values = st.recursive(scalars, lambda kids: st.one_of(st.lists(kids, max_size=4),
                                                           st.dictionaries(st.text(max_size=8), kids, max_size=4)),
                           max_leaves=20)
lsp_like = st.fixed_dictionaries({}, optional={
    "textDocument": st.one_of(st.fixed_dictionaries({"uri": st.one_of(st.just("file:///nope.py"), scalars)}), json_values),
    "position": st.one_of(st.fixed_dictionaries({"line": scalars, "character": scalars}), json_values),
    "range": json_values, "context": json_values, "command": st.one_of(st.sampled_from(["zc.status", "zc.explain",
                                                                                        "zc.review", "zc.nope"]), scalars),
    "arguments": st.one_of(st.lists(json_values, max_size=4), json_values),
    "jsonrpc": st.just("2.0"), "id": scalars, "method": st.text(max_size=10),
})


def deep(depth: int) -> str:
    return '{"jsonrpc": "2.0", "x": ' * depth + "1" + "}" * depth


# Every command the server advertises is fuzzed, but for those that wait on the user or change the
# user's state: runTests asks before running an untrusted workspace's code (this raw client does not
# answer), memory.wipe asks for confirmation, and speak runs a real speech engine (slow, not protocol).
NOT_FUZZED = {"zc.runTests", "zc.memory.wipe", "zc.speak", "zc.generateTests"}
COMMANDS: list[str] = ["zc.status", "zc.explain", "zc.nope"]  # replaced by the advertised list at start


@st.composite
def message(draw: Any, msg_id: int) -> tuple[bytes, bool]:
    """(body, expects a reply with id `msg_id`)."""
    kind = draw(st.sampled_from(["lsp", "lsp", "command", "shape", "deep", "batch"]))
    if kind == "lsp":
        method = draw(st.sampled_from(REQUEST_METHODS))
        params = draw(st.one_of(lsp_like, json_values))
        return json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}).encode(), True
    if kind == "command":
        params = {"command": draw(st.sampled_from(COMMANDS)), "arguments": draw(st.lists(json_values, max_size=4))}
        return json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": "workspace/executeCommand", "params": params}).encode(), True
    if kind == "deep":
        depth = draw(st.sampled_from([65, 200, 1500, 3000]))
        return (f'{{"jsonrpc": "2.0", "id": {msg_id}, "method": "textDocument/hover", "params": {deep(depth)}}}').encode(), True
    if kind == "batch":
        items = [{"jsonrpc": "2.0", "id": msg_id, "method": "shutdown"}] + draw(st.lists(json_values, max_size=3))
        return json.dumps(items).encode(), True
    shape = draw(st.sampled_from(["version", "no_method", "string_id", "null_id", "bad_json", "scalar"]))
    base: dict[str, Any] = {"jsonrpc": "2.0", "id": msg_id, "method": "workspace/executeCommand",
                            "params": {"command": "zc.status", "arguments": []}}
    if shape == "version":
        base["jsonrpc"] = draw(st.one_of(st.just("1.0"), scalars.filter(lambda v: v != "2.0")))
    elif shape == "no_method":
        del base["method"]
    elif shape == "string_id":
        base["id"] = f"s{msg_id}"
        return json.dumps(base).encode(), False  # answered under its string id (checked by count below)
    elif shape == "null_id":
        base["id"] = None
        return json.dumps(base).encode(), False
    elif shape == "bad_json":
        return b'{"jsonrpc": "2.0", "id": ' + str(msg_id).encode() + b", oops", False
    else:
        return json.dumps(draw(scalars)).encode(), False
    return json.dumps(base).encode(), True


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    client = RawClient(make_workspace(Path(tmp_path_factory.mktemp("fuzz")) / "ws"))
    advertised = client.init_result["capabilities"]["executeCommandProvider"]["commands"]
    assert "zc.chat" in advertised and "zc.applyEdit" in advertised, advertised
    COMMANDS[:] = sorted(set(advertised) - NOT_FUZZED) + ["zc.nope"]
    yield client
    client.close()


def collect(raw: RawClient, wanted: set[int], timeout: float = 30) -> list[dict[str, Any]]:
    """Replies (batch arrays flattened) until every id in `wanted` is seen, then a short grace for duplicates."""
    out: list[dict[str, Any]] = []
    missing = set(wanted)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            got = raw.inbox.get(timeout=0.05 if not missing else 0.2)
        except Exception:
            if not missing:
                return out
            continue
        for item in got if isinstance(got, list) else [got]:
            if "method" in item:
                continue  # a server notification or request
            out.append(item)
            missing.discard(item.get("id"))
    raise AssertionError(f"no reply to {sorted(missing)}: {out}")


COUNTER = iter(range(10_000, 10**9, 100))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_id_is_answered_exactly_once_and_the_server_lives(server: RawClient, data: st.DataObject) -> None:
    base = next(COUNTER)
    burst = data.draw(st.integers(1, 6))
    expected: list[int] = []
    for i in range(burst):
        body, answered = data.draw(message(base + i))
        server.raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        if answered:
            expected.append(base + i)
    final = base + 99
    server.request(final, "workspace/executeCommand", {"command": "zc.status", "arguments": []})
    replies = collect(server, {*expected, final})
    ids = [r.get("id") for r in replies if isinstance(r.get("id"), int) and base <= r["id"] < base + 100]
    for msg_id in expected:
        assert ids.count(msg_id) == 1, (msg_id, replies)
    assert len(ids) == len(set(ids)), replies
    for r in replies:
        if "error" in r:
            assert r["error"]["code"] != -32603, r  # the client's mistake is never an InternalError
    assert server.proc.poll() is None


BAD_ARGUMENTS: list[list[Any]] = [
    [], [None], [123], [-1], ["x"], [True], [{}], [[1, 2]], [{"uri": 5}], [{"message": 7, "uri": []}],
    ["file:///nope.py", "bad"], ["file:///nope.py", {"start": "x"}], [{"id": "abc"}], [{"template": 5}],
    ["file:///nope.py", 10**12], [None, None, None, None, None, None], [{"command": "zc.status"}],
]


def test_every_command_answers_bad_arguments_without_an_internal_error(server: RawClient) -> None:
    """Each advertised command, each odd shape: a result or InvalidParams-like error, never -32603."""
    msg_id = 900_000
    sent: dict[int, tuple[str, list[Any]]] = {}
    for command in COMMANDS:
        for args in BAD_ARGUMENTS:
            msg_id += 1
            sent[msg_id] = (command, args)
            server.request(msg_id, "workspace/executeCommand", {"command": command, "arguments": args})
    replies = collect(server, set(sent), timeout=120)
    internal = [(sent[r["id"]], r["error"]["message"][:160]) for r in replies
                if r.get("id") in sent and "error" in r and r["error"]["code"] == -32603]
    assert internal == [], internal
    assert server.proc.poll() is None
