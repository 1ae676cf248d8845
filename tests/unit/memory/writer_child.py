"""Writer process for the crash test: prints each id only after its transaction has committed."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from zc_lsp.memory.agent import AgentMemory


def main() -> None:
    path, round_no, limit = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    store = AgentMemory(path, "crash")
    if store.degraded:
        print(f"DEGRADED {store.degraded}", flush=True)
        sys.exit(3)
    rng = random.Random(round_no)
    written = 0
    while written < limit:
        batch = rng.choice([1, 1, 4, 8, 16])  # single writes and batched transactions
        ids = store.remember_many(
            [("note", f"round {round_no} item {written + j} " + "z" * rng.randint(0, 300),
              {"round": round_no}, None) for j in range(batch)])
        sys.stdout.write("".join(f"{i}\n" for i in ids))  # acknowledged: committed with FULL sync
        sys.stdout.flush()
        written += batch
    print("DONE", flush=True)


if __name__ == "__main__":
    main()
