"""One finding per problem across engines, and pattern rules quieted where the taint engine knows better.

ruff's `S` rules and bandit match patterns: `cursor.execute(f"...")` is flagged whether the
f-string holds user data or only `?` placeholders. Where the taint engine analysed the same line
for the same kind of problem it has a verdict: "vuln" (its own finding, with the data path, is
the more specific one) or "safe" (proved: constants, sanitized, parameterised). Either way the
pattern finding goes. Without a verdict (the engine saw nothing it could judge) it stays.
Order of preference for the same problem: taint > ruff S > bandit.
"""

from __future__ import annotations

from zc_lsp.core.types import Finding

# ruff S rule / bandit test -> the taint engine's kind for the same problem.
# fmt: off
_PATTERN_KINDS: dict[str, str] = {
    "608": "SQL", "610": "SQL", "611": "SQL",
    "602": "CMD", "603": "CMD", "604": "CMD", "605": "CMD", "606": "CMD", "607": "CMD", "609": "CMD",
    "307": "CODE", "102": "CODE",
    "301": "DESER", "302": "DESER", "506": "DESER", "403": "DESER", "404": "CMD",
    "405": "XXE", "406": "XXE", "407": "XXE", "408": "XXE", "409": "XXE", "411": "XXE",
    "303": "HASH", "324": "HASH",
    "311": "RAND",
    "313": "XXE", "314": "XXE", "315": "XXE", "316": "XXE", "317": "XXE", "318": "XXE", "319": "XXE", "320": "XXE",
    "410": "XXE",
    "308": "XSS", "701": "XSS", "703": "XSS", "704": "XSS",
    "310": "SSRF",
    "501": "TLS", "323": "TLS", "201": "DEBUG", "103": "PERMS", "304": "CIPHER", "305": "CIPHER",
    "113": "TIMEOUT",
}
# fmt: on
# ruff S rules whose problem has no taint kind, with bandit's CWE for the same test.
# fmt: off
_OTHER_CWES = {
    "105": 259, "106": 259, "107": 259, "108": 377, "104": 605, "501": 295, "113": 400, "103": 732, "306": 377,
    "413": 327, "323": 295,
    "110": 703, "112": 703, "101": 703, "202": 22, "321": 319, "312": 319, "505": 326, "502": 327,
    "503": 327, "504": 327, "507": 295, "508": 319, "509": 319, "601": 78, "612": 94, "702": 79, "704": 79,
}
# fmt: on
# A yaml.load verdict covers ruff/bandit's yaml rule too.
_ALSO = {"DESER": ("YAML",), "XSS": (), "SQL": ()}


def pattern_kind(finding: Finding) -> str | None:
    """The taint kind a ruff S / bandit finding is about, or None when it has no taint twin."""
    code = finding.code
    if finding.engine == "ruff" and code.startswith("S") and code[1:].isdigit():
        return _PATTERN_KINDS.get(code[1:])
    if finding.engine == "bandit" and code.startswith("B") and code[1:].isdigit():
        return _PATTERN_KINDS.get(code[1:])
    return None


def quiet_pattern_findings(
    findings: list[Finding], verdicts: dict[tuple[int, str], str], analysed: bool = True
) -> tuple[list[Finding], int]:
    """Drop ruff/bandit findings on lines the taint engine judged for the same kind; (kept, dropped).

    `analysed`: the taint engine read the file; if it could not, nothing is quieted.
    """
    kept: list[Finding] = []
    dropped = 0
    for finding in findings:
        kind = pattern_kind(finding)
        if kind is not None and analysed and _judged(finding, kind, verdicts):
            dropped += 1
            continue
        if finding.code in _SECRET_RULES and analysed and (finding.span.start_line, "SECRET") in verdicts:
            # PASSWORD_FIELD = "password": the engine saw the value name a thing, not hide a secret
            dropped += 1
            continue
        _add_cwe(finding, kind)
        kept.append(finding)
    return kept, dropped


# Import blacklists ("import pickle", "import subprocess"): the import is not the problem; where the
# module is used, the taint engine judged the call itself.
_IMPORT_RULES = frozenset({"403", "404", "405", "406", "407", "408", "409", "410", "411"})


def _add_cwe(finding: Finding, kind: str | None) -> None:
    """ruff's S findings carry no CWE; give them bandit's, so JSON and SARIF can say what they are."""
    if finding.engine == "ruff" and finding.code == "PLE2502" and not finding.data.get("cwe"):
        finding.data["cwe"] = 451  # bidirectional control characters: code that reads unlike it runs (Trojan Source)
        return
    if finding.engine != "ruff" or finding.data.get("cwe") or not finding.code.startswith("S"):
        return
    from zc_lsp.agents.engines.taint.model import KINDS

    cwe = KINDS[kind][1] if kind is not None else _OTHER_CWES.get(finding.code[1:])
    if cwe is not None:
        finding.data["cwe"] = cwe


def _judged(finding: Finding, kind: str, verdicts: dict[tuple[int, str], str]) -> bool:
    if finding.code[1:] in _IMPORT_RULES:
        return True
    lines = range(finding.span.start_line, max(finding.span.end_line, finding.span.start_line) + 1)
    kinds = (kind, "*", *_ALSO.get(kind, ()))
    return any((line, k) in verdicts for line in lines for k in kinds)


def dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per (line, problem): the most specific engine wins (taint > ruff > bandit > others)."""
    best: dict[tuple[int, str], Finding] = {}
    out: list[Finding] = []
    # A pattern rule firing where the query/command is built, on a line of a taint finding's path,
    # is the same problem as the taint finding at the sink.
    on_paths = {
        (step.get("line"), str(f.data.get("kind")))
        for f in findings
        if f.engine == "taint"
        for step in f.data.get("related") or ()
        if isinstance(step, dict)
    }
    for finding in findings:
        problem = _problem(finding)
        if finding.engine in ("ruff", "bandit") and (finding.span.start_line, problem) in on_paths:
            continue
        if problem is None:
            out.append(finding)
            continue
        key = (finding.span.start_line, problem)
        old = best.get(key)
        if old is None or _rank(finding, problem) < _rank(old, problem):
            best[key] = finding
    return out + list(best.values())


_RANK = {"taint": 0, "ruff": 1, "bandit": 2}
# ruff/bandit's hard-coded password rules: the secret scan's finding on that line is the same problem.
_SECRET_RULES = frozenset({"S105", "S106", "S107", "B105", "B106", "B107"})


def _rank(finding: Finding, problem: str) -> int:
    """Most specific first: the taint engine, then ruff, then bandit; for secrets, the secret scan."""
    if problem == "SECRET" and finding.engine == "secrets":
        return -1
    return _RANK.get(finding.engine, 3)


def _problem(finding: Finding) -> str | None:
    """What a finding is about, comparable across engines (bandit's CWE for eval is 78, ours 95)."""
    if finding.engine == "taint":
        return str(finding.data.get("kind") or finding.code)
    if finding.engine == "secrets" or (finding.engine in ("ruff", "bandit") and finding.code in _SECRET_RULES):
        return "SECRET"  # S105 (CWE-259) beside the scan's CWE-798 on one line: one hard-coded secret
    kind = pattern_kind(finding)
    if kind is not None:
        return kind
    cwe = finding.data.get("cwe")
    return f"CWE-{cwe}" if cwe else None
