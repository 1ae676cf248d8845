"""`zc review --format sarif|github`: the findings as code-scanning tools read them.

SARIF 2.1.0 as GitHub code scanning documents it: one run, rules with CWE tags and a
`security-severity`, results with a `%SRCROOT%`-relative location, our stable id under
`partialFingerprints`, source-to-sink steps as `relatedLocations`, and files an engine could not
parse as `toolExecutionNotifications`. `github` prints workflow commands (`::error file=...::`),
escaped the way the Actions runner unescapes them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from zc_lsp import __version__

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "zombiecoderFindingId/v1"
_LEVEL = {"error": "error", "warning": "warning", "info": "note", "hint": "note"}
_SECURITY_SEVERITY = {"error": "8.0", "warning": "5.5", "info": "3.0", "hint": "2.0"}


def information_uri() -> str | None:
    """The project's home page from the installed package's metadata; None when it declares none."""
    from importlib import metadata

    try:
        meta = metadata.metadata("zombiecoder")
    except metadata.PackageNotFoundError:
        return None
    for entry in meta.get_all("Project-URL") or []:
        url = entry.split(",", 1)[-1].strip()
        if url.startswith(("https://", "http://")):
            return url
    homes = [h for h in meta.get_all("Home-page") or [] if h.startswith(("https://", "http://"))]
    return homes[0] if homes else None


def _relative(path: str, root: Path) -> str:
    """Forward-slash path relative to the root (as GitHub matches it to the checkout), else absolute."""
    p = Path(path)
    try:
        return p.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return p.as_posix()


def _cwe_number(row: dict[str, Any]) -> int | None:
    cwe = row.get("cwe")
    if isinstance(cwe, str) and cwe.upper().startswith("CWE-") and cwe[4:].isdigit():
        return int(cwe[4:])
    return cwe if isinstance(cwe, int) else None


def _is_security(row: dict[str, Any]) -> bool:
    code = str(row.get("code", ""))
    return _cwe_number(row) is not None or code.startswith(("S", "ZC-")) or row.get("engine") in ("bandit", "secrets")


def _rule(row: dict[str, Any], rules_meta: dict[str, Any]) -> dict[str, Any]:
    code = str(row["code"])
    meta = rules_meta.get(code)
    rule: dict[str, Any] = {
        "id": code,
        "name": meta.name if meta else code.replace("-", "_"),
        "shortDescription": {"text": meta.summary if meta else str(row["message"]).split(". ")[0][:200]},
        "defaultConfiguration": {"level": _LEVEL.get(str(row["severity"]), "warning")},
    }
    if meta:
        rule["fullDescription"] = {"text": meta.advice}
    if row.get("url"):
        rule["helpUri"] = row["url"]
    tags = [str(row.get("engine") or "zombiecoder")]
    properties: dict[str, Any] = {"tags": tags}
    if _is_security(row):
        tags.insert(0, "security")
        properties["security-severity"] = _SECURITY_SEVERITY.get(str(row["severity"]), "5.0")
    if (cwe := _cwe_number(row)) is not None:
        tags.append(f"external/cwe/cwe-{cwe}")
    rule["properties"] = properties
    return rule


def _region(row: dict[str, Any]) -> dict[str, int]:
    """SARIF regions are 1-based; endColumn is one past the last character, as our spans are."""
    region = {"startLine": int(row["line"]), "startColumn": int(row["column"])}
    end_line, end_column = row.get("end_line"), row.get("end_column")
    if isinstance(end_line, int) and isinstance(end_column, int):
        if end_column == 1 and end_line > region["startLine"]:  # a span that ends at the start of a line
            region["endLine"] = end_line - 1
        else:
            region["endLine"], region["endColumn"] = end_line, max(end_column, 1)
    return region


def _location(uri: str, region: dict[str, int], message: str | None = None, index: int | None = None) -> dict[str, Any]:
    loc: dict[str, Any] = {
        "physicalLocation": {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"}, "region": region}
    }
    if index is not None:
        loc["id"] = index
    if message:
        loc["message"] = {"text": message}
    return loc


def _related(row: dict[str, Any], uri: str) -> list[dict[str, Any]]:
    """Taint paths and other related spots (`related`: 0-based line/col dicts with a note)."""
    out = []
    for n, step in enumerate(row.get("related") or []):
        if not isinstance(step, dict):
            continue
        line = int(step.get("line", step.get("start_line")) or 0) + 1
        col = int(step.get("col", step.get("start_char")) or 0) + 1
        region = {"startLine": line, "startColumn": col}
        end_line, end_col = step.get("end_line"), step.get("end_col", step.get("end_char"))
        if isinstance(end_line, int) and isinstance(end_col, int) and (end_line + 1, end_col + 1) >= (line, col):
            region["endLine"], region["endColumn"] = end_line + 1, end_col + 1
        note = str(step.get("note") or step.get("message") or f"step {n + 1}")
        out.append(_location(str(step.get("uri") or uri), region, note, n))
    return out


def sarif_report(
    rows: list[dict[str, Any]], failures: list[dict[str, Any]], root: Path, problems: list[str] | None = None
) -> dict[str, Any]:
    """The whole SARIF log for one `zc review`; `problems`: files skipped and engines that could not run."""
    from zc_lsp.agents.engines.config_scan.rules import RULES

    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    results = []
    for row in rows:
        code = str(row["code"])
        if code not in index:
            index[code] = len(rules)
            rules.append(_rule(row, RULES))
        uri = _relative(str(row["path"]), root)
        result: dict[str, Any] = {
            "ruleId": code,
            "ruleIndex": index[code],
            "level": _LEVEL.get(str(row["severity"]), "warning"),
            "message": {"text": str(row["message"])},
            "locations": [_location(uri, _region(row))],
        }
        if row.get("id"):
            result["partialFingerprints"] = {FINGERPRINT_KEY: str(row["id"])}
        if related := _related(row, uri):
            result["relatedLocations"] = related
        results.append(result)
    notifications = []
    for failure in failures:
        note: dict[str, Any] = {
            "level": "warning",
            "message": {"text": f"{failure['engine']} could not parse this file: {failure['reason']}"},
            "descriptor": {"id": "ZC-PARSE"},
            "locations": [
                _location(_relative(str(failure["path"]), root), {"startLine": int(failure.get("line") or 1)})
            ],
            "properties": {"engine": failure["engine"]},
        }
        notifications.append(note)
    notifications += [{"level": "warning", "message": {"text": problem}} for problem in problems or []]
    root_uri = root.resolve().as_uri().rstrip("/") + "/"
    driver: dict[str, Any] = {"name": "ZombieCoder", "version": __version__, "semanticVersion": __version__}
    if (home := information_uri()) is not None:
        driver["informationUri"] = home
    driver["rules"] = rules
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "originalUriBaseIds": {"%SRCROOT%": {"uri": root_uri}},
                "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


# -- GitHub workflow commands -------------------------------------------------------------------
def escape_data(text: str) -> str:
    """The message part: `%`, CR and LF are percent-encoded (`%` first, or it would be encoded twice)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: as data, plus `:` and `,`, which separate the command's properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


_COMMAND = {"error": "error", "warning": "warning", "info": "notice", "hint": "notice"}


def github_annotations(rows: list[dict[str, Any]], failures: list[dict[str, Any]], root: Path) -> list[str]:
    """One `::error|warning|notice ...::message` line per finding and per file that did not parse."""
    lines = []
    for row in rows:
        region = _region(row)
        props = {"file": _relative(str(row["path"]), root), "line": str(region["startLine"])}
        props["col"] = str(region["startColumn"])
        if "endLine" in region:
            props["endLine"] = str(region["endLine"])
        if "endColumn" in region:
            props["endColumn"] = str(region["endColumn"])
        props["title"] = f"{row['code']}" + (f" ({row['cwe']})" if row.get("cwe") else "")
        message = f"{row['message']} [{row.get('engine') or 'zombiecoder'}]"
        lines.append(_workflow_command(_COMMAND.get(str(row["severity"]), "warning"), props, message))
    for failure in failures:
        props = {"file": _relative(str(failure["path"]), root), "title": f"{failure['engine']} could not parse"}
        if failure.get("line"):
            props["line"] = str(failure["line"])
        lines.append(_workflow_command("warning", props, f"{failure['reason']}; its checks did not run on this file"))
    return lines


def _workflow_command(command: str, props: dict[str, str], message: str) -> str:
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in props.items())
    return f"::{command} {joined}::{escape_data(message)}"
