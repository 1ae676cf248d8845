"""bandit as an engine: security findings on a temp copy of the (possibly unsaved) text.

bandit overlaps ruff's `S` rules (ruff S602 is bandit B602); the same issue on the same line is
reported once, by ruff, whose findings carry fixes and docs links.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from zc_lsp.agents.engines.lines import split_lines
from zc_lsp.agents.engines.parse_failure import ParseFailure
from zc_lsp.agents.engines.proc import ToolError, run_process
from zc_lsp.core.types import Finding, Severity, Span

log = logging.getLogger(__name__)
_SEVERITY: dict[str, Severity] = {"HIGH": "error", "MEDIUM": "warning", "LOW": "warning"}
_BANDIT_CODE = re.compile(r"^B\d{3}$")


def _char_col(line: str, byte_col: int) -> int:
    """bandit reports ast offsets, which are UTF-8 byte offsets; spans count characters."""
    return len(line.encode("utf-8")[:byte_col].decode("utf-8", "ignore"))


def finding_from_bandit(item: dict[str, Any], lines: list[str]) -> Finding:
    start = max(int(item.get("line_number", 1)) - 1, 0)
    line = lines[start] if start < len(lines) else ""
    col = _char_col(line, int(item.get("col_offset") or 0))
    end_col = item.get("end_col_offset")
    end = _char_col(line, int(end_col)) if end_col else len(line)
    if end <= col:
        end = len(line)
    code = str(item.get("test_id", "B000"))
    confidence = str(item.get("issue_confidence", "")).lower()
    message = str(item.get("issue_text", "")).rstrip(".")
    return Finding(
        span=Span(start, col, start, end),
        severity=_SEVERITY.get(str(item.get("issue_severity", "")).upper(), "warning"),
        code=code,
        message=f"{message} (bandit: {item.get('test_name', '')}, confidence {confidence})",
        url=item.get("more_info"),
        engine="bandit",
        data={
            "lines": item.get("line_range") or [start + 1],
            "cwe": (item.get("issue_cwe") or {}).get("id"),
        },
    )


async def bandit_scan(
    text: str,
    filename: str,
    timeout_s: float = 60.0,
    skip: tuple[str, ...] = (),
    failures: list[ParseFailure] | None = None,
) -> list[Finding]:
    """Run bandit on a temp copy of `text` (so unsaved edits are what gets checked).

    `skip`: bandit test ids not to run (diagnostics.bandit_skip), e.g. B404 "import subprocess".
    `failures` receives the files bandit could not parse (3.12 syntax under 3.11): never silent.
    """
    with tempfile.TemporaryDirectory(prefix="zc-bandit-") as tmp:
        path = Path(tmp) / (Path(filename).name or "snapshot.py")
        path.write_text(text, encoding="utf-8")
        args = [sys.executable, "-P", "-m", "bandit", "-f", "json", "-q", str(path)]  # -P: not from cwd
        if skip:
            args[-1:-1] = ["-s", ",".join(skip)]
        res = await run_process(args, cwd=Path(tmp), timeout_s=timeout_s)
    # bandit: 0 clean, 1 issues found; anything else is a crash or bad arguments.
    if res.returncode not in (0, 1):
        detail = res.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ToolError(f"bandit failed: {' '.join(detail[-2:]) or res.returncode}")
    try:
        data = json.loads(res.stdout.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ToolError(f"bandit printed output that is not JSON: {exc}") from exc
    for err in data.get("errors") or []:
        log.info("bandit could not check %s: %s", filename, err.get("reason"))
        if failures is not None:
            failures.append(ParseFailure(filename, "bandit", bandit_reason(err)))
    lines = split_lines(text)
    return [finding_from_bandit(item, lines) for item in data.get("results") or []]


def bandit_reason(err: dict[str, Any]) -> str:
    """bandit's own words for a file it skipped, plus the usual cause when it is a syntax error."""
    reason = str(err.get("reason") or "unknown error")
    if "syntax error" in reason.lower() and sys.version_info < (3, 12):
        reason += (
            f" (bandit parses with this Python, {sys.version_info.major}.{sys.version_info.minor}; newer syntax fails)"
        )
    return reason


def drop_ruff_duplicates(
    bandit: list[Finding], ruff: list[Finding], ruff_ignore: tuple[str, ...] = ()
) -> list[Finding]:
    """Drop bandit findings ruff already reported (S602 == B602 on a shared line).

    Also drops those whose ruff twin the user ignored on purpose (ignoring S101 means asserts
    are fine, whichever tool would complain).
    """
    ruff_lines = {(f.code, line) for f in ruff for line in range(f.span.start_line, f.span.end_line + 1)}
    ignored = {c for c in ruff_ignore if c.startswith("S")}
    kept = []
    for f in bandit:
        twin = "S" + f.code[1:]
        if twin in ignored or "S" in ignored:
            continue
        lines = [int(n) - 1 for n in f.data.get("lines", [f.span.start_line + 1])]
        if any((twin, line) in ruff_lines for line in lines):
            continue
        kept.append(f)
    return kept


def bandit_rule_doc(code: str) -> str | None:
    """bandit's own description of a test: the plugin's docstring or the blacklist entry.

    Blocking (imports bandit's plugin manager): call it through asyncio.to_thread.
    """
    if not _BANDIT_CODE.match(code):
        return None
    from bandit.core import extension_loader

    manager = extension_loader.MANAGER
    plugin = manager.plugins_by_id.get(code)
    if plugin is not None:
        doc = (plugin.plugin.__doc__ or "").strip()
        body = _dedent_doc(doc)
        if body.startswith(f"**{code}"):
            return f"{body}\n\n(bandit test `{plugin.name}`)"
        return f"**{code}: {plugin.name}** (bandit)\n\n{body}".strip()
    entry = manager.blacklist_by_id.get(code)
    if entry is not None:
        names = ", ".join(f"`{q}`" for q in entry.get("qualnames", [])[:12])
        return (
            f"**{code}: {entry.get('name')}** (bandit blacklist, CWE-{entry.get('cwe')})\n\n"
            f"{entry.get('message', '')}\n\nIt flags uses of: {names}."
        )
    return None


def _dedent_doc(doc: str) -> str:
    import textwrap

    first, _, rest = doc.partition("\n")
    text = first.strip() + "\n" + textwrap.dedent(rest)
    # Keep the prose: bandit's docstrings end in RST example output and config blocks.
    cut = re.search(
        r"^\s*(See also:|\.\. seealso::|:Example:|\*\*Config Options:\*\*|\.\. code-block::)",
        text,
        re.M,
    )
    return (text[: cut.start()] if cut else text).strip()
