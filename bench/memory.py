"""Memory benchmark: acknowledged writes/s (single, batched) and recall p50 at 100,000 items.

Every write counted here has returned, i.e. committed with WAL + synchronous=FULL.
Run: python bench/memory.py [--items 100000] [--single 2000] [--batch 100]
Targets (issue 3): >= 1,000 acknowledged writes/s batched; recall p50 <= 5 ms at 100,000 items.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from zc_lsp.memory import AgentMemory

WORDS = [f"w{i:04d}" for i in range(5000)] + [
    "parse", "json", "file", "error", "test", "import", "async", "class", "return", "cache",
    "memory", "router", "agent", "review", "fix", "refactor", "docstring", "pathlib", "sqlite",
]


def _sentence(rng: random.Random, n: int = 24) -> str:
    # Zipf-like: a few words are common, most are rare, as in real notes and chat.
    return " ".join(WORDS[min(int(rng.paretovariate(1.1)) - 1, len(WORDS) - 1)] if rng.random() < 0.5
                    else rng.choice(WORDS) for _ in range(n))


def bench(items: int, single: int, batch: int, queries: int) -> dict[str, float]:
    rng = random.Random(42)
    with tempfile.TemporaryDirectory(prefix="zc-bench-") as tmp:
        store = AgentMemory(Path(tmp) / "memory.db", "bench")
        t0 = time.perf_counter()
        for _ in range(single):
            store.remember("note", _sentence(rng))
        single_rate = single / (time.perf_counter() - t0)

        todo = items - single
        t0 = time.perf_counter()
        while todo > 0:
            n = min(batch, todo)
            store.remember_many([("note", _sentence(rng), {"i": todo}, None) for _ in range(n)])
            todo -= n
        batched_rate = (items - single) / (time.perf_counter() - t0)
        store.compact()

        latencies = []
        for _ in range(queries):
            query = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 3)))
            t0 = time.perf_counter()
            store.recall(query, k=5)
            latencies.append((time.perf_counter() - t0) * 1000)
        common = []
        for _ in range(queries // 4):
            t0 = time.perf_counter()
            store.recall("parse json file error", k=5)
            common.append((time.perf_counter() - t0) * 1000)
        count = store.count()
        size_mb = store.path.stat().st_size / 1e6
        store.close()
    latencies.sort()
    return {
        "items": count,
        "db_mb": round(size_mb, 1),
        "writes_per_s_single": round(single_rate),
        "writes_per_s_batched": round(batched_rate),
        "batch_size": batch,
        "recall_p50_ms": round(statistics.median(latencies), 3),
        "recall_p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 3),
        "recall_common_terms_p50_ms": round(statistics.median(common), 3),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--single", type=int, default=2_000, help="single-row transactions timed")
    ap.add_argument("--batch", type=int, default=100, help="rows per batched transaction")
    ap.add_argument("--queries", type=int, default=400)
    args = ap.parse_args(argv)
    result = bench(args.items, args.single, args.batch, args.queries)
    for key, value in result.items():
        print(f"{key:28} {value}")
    ok = result["writes_per_s_batched"] >= 1000 and result["recall_p50_ms"] <= 5
    print("targets met" if ok else "TARGETS MISSED (>= 1000 writes/s batched, recall p50 <= 5 ms)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
