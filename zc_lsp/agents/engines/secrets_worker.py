"""The secret scan of many files in a second process, so a batch review uses a second core.

detect-secrets and the taint engine are pure Python: threads of one process take turns on the GIL,
so on a 64-file project the secret scan (~0.8 s) and the taint engine (~0.7 s) added up. One helper
process for all files (like the one ruff process) scans the secrets while this process runs the
taint and config engines. Small batches stay in process: the helper's start-up (~0.15 s) would cost
more than it saves. Run as `python -P -m zc_lsp.agents.engines.secrets_worker` (`-P`: no module of
the current folder is importable, so a reviewed project can never shadow one of ours).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from zc_lsp.agents.engines.proc import ToolError, run_process
from zc_lsp.agents.engines.review_cache import decode_finding, encode_finding
from zc_lsp.agents.engines.secrets_engine import batch_session, scan_secrets
from zc_lsp.core.types import Finding

MIN_BYTES = 200_000  # below this the helper's start-up costs more than the second core gives back


def worth_a_process(texts: list[str]) -> bool:
    return (os.cpu_count() or 1) > 1 and sum(len(t) for t in texts) >= MIN_BYTES


async def scan_secrets_in_helper(files: list[tuple[str, str]], timeout_s: float) -> list[list[Finding]]:
    """scan_secrets(text, name) for each (name, text), in one helper process; ToolError if it fails."""
    payload = json.dumps({"files": files}).encode("utf-8", "surrogatepass")
    args = [sys.executable, "-P", "-m", __name__]
    res = await run_process(args, stdin=payload, cwd=Path(__file__).parent, timeout_s=timeout_s)
    if res.returncode != 0:
        detail = res.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ToolError(f"secret scan helper failed: {' '.join(detail[-2:]) or res.returncode}")
    try:
        rows = json.loads(res.stdout.decode("utf-8"))
        found = [[decode_finding(r) for r in per_file] for per_file in rows]
    except (ValueError, KeyError, TypeError) as exc:
        raise ToolError(f"secret scan helper printed unexpected output: {exc}") from exc
    if len(found) != len(files):
        raise ToolError(f"secret scan helper answered for {len(found)} of {len(files)} files")
    return found


def main() -> None:
    data = json.loads(sys.stdin.buffer.read().decode("utf-8", "surrogatepass"))
    with batch_session():
        out = [[encode_finding(f) for f in scan_secrets(text, name)] for name, text in data["files"]]
    sys.stdout.write(json.dumps(out))


if __name__ == "__main__":
    main()
