"""Secret scan and settings checks of many files in a second process: a batch review on two cores.

detect-secrets and the taint engine are pure Python: threads of one process take turns on the GIL,
so on a 64-file project the secret scan (~0.8 s) and the taint engine (~0.7 s) added up. One helper
process for all Python files (like the one ruff process) runs the secret scan and the settings checks
(~0.13 s) while this process runs the taint engine and the config engine on config files. Small
batches stay in process: the helper's start-up (~0.15 s) would cost more than it saves. Run as `python -P -m zc_lsp.agents.engines.secrets_worker` (`-P`: no module of
the current folder is importable, so a reviewed project can never shadow one of ours).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from zc_lsp.agents.engines.config_scan import scan_python_settings
from zc_lsp.agents.engines.proc import ToolError, run_process
from zc_lsp.agents.engines.review_cache import decode_finding, encode_finding
from zc_lsp.agents.engines.secrets_engine import batch_session, scan_secrets
from zc_lsp.core.types import Finding

MIN_BYTES = 200_000  # below this the helper's start-up costs more than the second core gives back


def worth_a_process(texts: list[str]) -> bool:
    return (os.cpu_count() or 1) > 1 and sum(len(t) for t in texts) >= MIN_BYTES


@dataclass
class HelperResult:
    """One file's answer: the secret findings (None when not asked), the settings checks and why
    the settings checks could not parse it ((reason, 1-based line) pairs)."""

    secrets: list[Finding] | None
    settings: list[Finding]
    unparsable: list[tuple[str, int | None]]


async def scan_in_helper(files: list[tuple[str, str]], *, secrets: bool, timeout_s: float) -> list[HelperResult]:
    """The secret scan (if `secrets`) and the settings checks of each (name, text) of Python files,
    in one helper process; ToolError if it fails."""
    payload = json.dumps({"files": files, "secrets": secrets}).encode("utf-8", "surrogatepass")
    args = [sys.executable, "-P", "-m", __name__]
    res = await run_process(args, stdin=payload, cwd=Path(__file__).parent, timeout_s=timeout_s)
    if res.returncode != 0:
        detail = res.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ToolError(f"scan helper failed: {' '.join(detail[-2:]) or res.returncode}")
    try:
        found = [
            HelperResult(
                None if row["secrets"] is None else [decode_finding(r) for r in row["secrets"]],
                [decode_finding(r) for r in row["settings"]],
                [(str(reason), line) for reason, line in row["unparsable"]],
            )
            for row in json.loads(res.stdout.decode("utf-8"))
        ]
    except (ValueError, KeyError, TypeError) as exc:
        raise ToolError(f"scan helper printed unexpected output: {exc}") from exc
    if len(found) != len(files):
        raise ToolError(f"scan helper answered for {len(found)} of {len(files)} files")
    return found


def main() -> None:
    data = json.loads(sys.stdin.buffer.read().decode("utf-8", "surrogatepass"))
    out = []
    with batch_session():
        for name, text in data["files"]:
            settings, bad = scan_python_settings(text, name)
            found = [encode_finding(f) for f in scan_secrets(text, name)] if data["secrets"] else None
            out.append(
                {
                    "secrets": found,
                    "settings": [encode_finding(f) for f in settings],
                    "unparsable": [[b.reason, b.line] for b in bad],
                }
            )
    sys.stdout.write(json.dumps(out))


if __name__ == "__main__":
    main()
