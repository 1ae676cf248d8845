"""Inline completion: what the language server adds on top of the model's own time to first token.

The fake loopback model server (tests/fakes/model_server.py) answers every FIM request after a fixed
delay. Each round times (a) the same FIM request made directly with `ollama.AsyncClient.generate`
(the model's time to first token as a client sees it) and (b) a `textDocument/inlineCompletion`
round trip to `python -m zc_lsp` over stdio, on a document changed each round so the cache never
answers. Overhead = (b) - (a), paired per round; the debounce is 0 here (it is a deliberate wait).
Target (issue 16): overhead median <= 5 ms.

    python bench/inline_overhead.py [--rounds 60] [--delay-ms 50]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig  # noqa: E402

from tests.e2e.conftest import SERVER, SERVER_ENV, init_params  # noqa: E402
from tests.fakes.model_server import FakeModelServer, Script  # noqa: E402

MODULE = "import math\n\n\ndef area(r: float) -> float:\n    return math.pi * r * r\n\n\ndef add(a, b):\n    "


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def run(rounds: int, delay_s: float) -> dict[str, float]:
    import ollama

    server = FakeModelServer().start()
    server.default = Script(text="return a + b", delay_s=delay_s)
    root = Path(tempfile.mkdtemp(prefix="zc-inline-bench-"))
    (root / ".zombiecoder.yaml").write_text(
        "background:\n  enabled: false\ndiagnostics:\n  on_open: false\n  on_change: false\n"
        "completion:\n  debounce_ms: 0\nproviders:\n  ollama:\n    models: {default: fake-small}\n"
        "router:\n  chain: [ollama, offline]\n  cache: false\n"
    )
    path = root / "calc.py"
    path.write_text(MODULE)
    client = await ClientServerConfig(server_command=SERVER, server_env=SERVER_ENV).start()
    direct = ollama.AsyncClient(host=server.url)
    try:
        await client.initialize_session(init_params(root, options={"providers": {"ollama": {"host": server.url}}}))
        uri = path.as_uri()
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=MODULE)))
        lsp_ms: list[float] = []
        direct_ms: list[float] = []
        floor_ms: list[float] = []
        for n in range(rounds + 5):  # the first rounds warm up (SDK import, agent build, connections)
            text = f"# round {n}\n" + MODULE
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=n + 2),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
            lines = text.split("\n")
            position = types.Position(line=len(lines) - 1, character=len(lines[-1]))
            start = time.perf_counter()
            await direct.generate(model="fake-small", prompt=text, suffix="\n", stream=False)
            direct_time = (time.perf_counter() - start) * 1000
            start = time.perf_counter()
            found = await client.text_document_inline_completion_async(types.InlineCompletionParams(
                text_document=types.TextDocumentIdentifier(uri=uri), position=position,
                context=types.InlineCompletionContext(trigger_kind=types.InlineCompletionTriggerKind.Invoked)))
            lsp_time = (time.perf_counter() - start) * 1000
            start = time.perf_counter()  # the same request for a document that is not open: JSON-RPC alone
            await client.text_document_inline_completion_async(types.InlineCompletionParams(
                text_document=types.TextDocumentIdentifier(uri=uri + ".closed"), position=position,
                context=types.InlineCompletionContext(trigger_kind=types.InlineCompletionTriggerKind.Invoked)))
            floor_time = (time.perf_counter() - start) * 1000
            items = found.items if isinstance(found, types.InlineCompletionList) else found
            if not items:
                raise SystemExit(f"round {n}: no suggestion came back; the benchmark measures nothing")
            if n >= 5:
                direct_ms.append(direct_time)
                lsp_ms.append(lsp_time)
                floor_ms.append(floor_time)
        await client.shutdown_session()
    finally:
        await client.stop()
        server.stop()
    overhead = [b - a for a, b in zip(direct_ms, lsp_ms, strict=True)]
    return {
        "rounds": rounds,
        "model_delay_ms": delay_s * 1000,
        "direct_ttft_p50_ms": round(statistics.median(direct_ms), 2),
        "lsp_round_trip_p50_ms": round(statistics.median(lsp_ms), 2),
        "overhead_p50_ms": round(statistics.median(overhead), 2),
        "overhead_p95_ms": round(pct(overhead, 0.95), 2),
        "json_rpc_round_trip_p50_ms": round(statistics.median(floor_ms), 2),  # of the overhead: stdio + pygls
        "target_p50_ms": 5.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--delay-ms", type=float, default=50.0)
    args = parser.parse_args()
    result = asyncio.run(run(args.rounds, args.delay_ms / 1000))
    print(json.dumps(result, indent=2))
    print(f"server overhead over the model's time to first token: median {result['overhead_p50_ms']} ms, "
          f"p95 {result['overhead_p95_ms']} ms (target median <= 5 ms)")


if __name__ == "__main__":
    main()
