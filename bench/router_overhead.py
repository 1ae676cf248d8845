"""Router overhead against a direct client call, on the same loopback fake model server.

Targets (issue 7): router overhead p50 <= 2 ms per call; the first streamed token reaches the
caller within 5 ms of the direct client seeing it.

    python bench/router_overhead.py [--calls 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakes.model_server import FakeModelServer, Script  # noqa: E402
from tests.unit.router.conftest import fake_settings  # noqa: E402
from zc_lsp.router.base import ModelRequest  # noqa: E402
from zc_lsp.router.router import ModelRouter  # noqa: E402

PROMPT = "def add(a, b):\n    '''Add two numbers.'''\n    ...\n" * 20  # ~1.2 kB of code, like a real selection


async def run(calls: int) -> dict[str, float]:
    import openai

    server = FakeModelServer().start()
    server.default = Script(chunks=["def ", "add(a, b):", " return a + b"])
    settings = fake_settings(server, router__chain=["openai", "offline"], router__cache=False)
    router = ModelRouter(settings, env={})
    direct = openai.AsyncOpenAI(api_key="sk-local", base_url=server.url + "/v1", max_retries=0)
    messages = [{"role": "user", "content": PROMPT}]
    req = ModelRequest(role="programming", prompt=PROMPT, cache=False)

    async def direct_call() -> None:
        await direct.chat.completions.create(model="fake-small", messages=messages, max_tokens=1024,
                                             temperature=0.2)

    async def router_call() -> None:
        await router.complete(req)

    async def direct_first() -> float:
        start = time.perf_counter()
        stream = await direct.chat.completions.create(model="fake-small", messages=messages, stream=True,
                                                      max_tokens=1024, temperature=0.2)
        first = 0.0
        async for chunk in stream:
            if not first and chunk.choices and chunk.choices[0].delta.content:
                first = time.perf_counter() - start
        return first

    async def router_first() -> float:
        start = time.perf_counter()
        first: list[float] = []
        await router.complete(req, on_token=lambda _t: first or first.append(time.perf_counter() - start))
        return first[0]

    for _ in range(20):  # warm up connections, imports, caches
        await direct_call()
        await router_call()
    d_times, r_times, d_first, r_first = [], [], [], []
    for _ in range(calls):  # interleaved so drift on a shared machine hits both alike
        t = time.perf_counter()
        await direct_call()
        d_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        await router_call()
        r_times.append(time.perf_counter() - t)
        d_first.append(await direct_first())
        r_first.append(await router_first())
    await router.aclose()
    await direct.close()
    server.stop()
    ms = 1000.0
    return {
        "calls": calls,
        "direct_p50_ms": round(statistics.median(d_times) * ms, 3),
        "router_p50_ms": round(statistics.median(r_times) * ms, 3),
        "overhead_p50_ms": round((statistics.median(r_times) - statistics.median(d_times)) * ms, 3),
        "direct_first_token_p50_ms": round(statistics.median(d_first) * ms, 3),
        "router_first_token_p50_ms": round(statistics.median(r_first) * ms, 3),
        "first_token_passthrough_p50_ms": round((statistics.median(r_first) - statistics.median(d_first)) * ms, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    result = asyncio.run(run(args.calls))
    result["targets_met"] = result["overhead_p50_ms"] <= 2.0 and result["first_token_passthrough_p50_ms"] <= 5.0
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
