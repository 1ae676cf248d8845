"""Read pytest's JUnit XML into a summary, and find the line each failure belongs to.

pytest's default `xunit2` XML carries no file or line for a failure, so the traceback text inside
the <failure>/<error> element is parsed: the last frame inside the workspace is the failing line
(an assert in a test maps to the test line, an exception raised in code maps to the code line).
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET  # noqa: S405 - we parse pytest's own report, written by our own run
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# "tests/test_x.py:12: AssertionError" (long/short tracebacks) and 'File "/x.py", line 12' (native).
_FRAME_POSIX = re.compile(r"^(?P<path>[^\s:][^:\n]*\.py):(?P<line>\d+):", re.M)
_FRAME_NATIVE = re.compile(r'File "(?P<path>[^"\n]+\.py)", line (?P<line>\d+)')
_VENDORED = frozenset({"site-packages", "dist-packages", ".venv", "venv", "_pytest", "pluggy"})
_GENERIC_MESSAGES = {"", "collection failure", "failed on setup with", "failed on teardown with"}
MAX_MESSAGE = 500


@dataclass
class TestFailure:
    __test__ = False  # not a pytest test class despite its name

    test: str
    file: str | None  # absolute path inside the workspace, or None when it cannot be placed
    line: int | None  # 1-based
    message: str
    kind: str = "failure"  # failure | error

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class JUnitSummary:
    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    duration: float = 0.0
    failures: list[TestFailure] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.errors + self.skipped

    def as_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "failed": self.failed,
            "errors": self.errors,
            "skipped": self.skipped,
            "duration": round(self.duration, 3),
            "failures": [f.as_dict() for f in self.failures],
        }


def _resolve_frame(raw: str, root: Path) -> Path | None:
    candidate = Path(raw)
    if not candidate.is_absolute():
        candidate = root / candidate
    try:
        resolved = candidate.resolve()
        resolved.relative_to(root)
    except (ValueError, OSError):
        return None
    if _VENDORED.intersection(resolved.parts) or not resolved.is_file():
        return None
    return resolved


def failing_location(traceback: str, root: Path) -> tuple[Path, int] | None:
    """The last traceback frame that lies inside the workspace (not in a venv or pytest itself)."""
    frames = [(m.start(), m.group("path"), int(m.group("line"))) for m in _FRAME_POSIX.finditer(traceback)]
    frames += [(m.start(), m.group("path"), int(m.group("line"))) for m in _FRAME_NATIVE.finditer(traceback)]
    frames.sort()
    for _, raw, line in reversed(frames):
        resolved = _resolve_frame(raw, root)
        if resolved is not None and line > 0:
            return resolved, line
    return None


def _message(element: ET.Element) -> str:
    message = (element.get("message") or "").strip()
    text = element.text or ""
    if message.lower() in _GENERIC_MESSAGES or message.lower().startswith("failed on "):
        # pytest puts the real reason on the traceback's last "E   ..." line
        e_lines = [ln[1:].strip() for ln in text.splitlines() if ln.startswith("E ")]
        if e_lines:
            message = e_lines[-1]
    first = next((ln.strip() for ln in message.splitlines() if ln.strip()), "")
    if not first:
        first = next((ln.strip() for ln in reversed(text.splitlines()) if ln.strip()), "test failed")
    return first[:MAX_MESSAGE]


def _test_file(classname: str, root: Path) -> tuple[Path | None, list[str]]:
    """Split "tests.test_x.TestA" into (root/tests/test_x.py, ["TestA"]) by looking at the disk."""
    parts = [p for p in classname.split(".") if p]
    for cut in range(len(parts), 0, -1):
        candidate = root.joinpath(*parts[:cut]).with_suffix(".py")
        if candidate.is_file():
            return candidate, parts[cut:]
    return None, parts


def _test_id(case: ET.Element, root: Path) -> tuple[str, Path | None]:
    name = case.get("name") or "?"
    classname = case.get("classname") or ""
    file_attr = case.get("file")  # only with junit_family=xunit1
    test_file, classes = _test_file(classname, root)
    if file_attr:
        test_file = (root / file_attr).resolve()
    if test_file is None:
        return (f"{classname}::{name}" if classname else name), None
    try:
        rel = test_file.resolve().relative_to(root).as_posix()
    except ValueError:
        rel = str(test_file)
    return "::".join([rel, *classes, name]), test_file


def parse_junit(xml_text: str, root: Path) -> JUnitSummary | None:
    """Summarise a JUnit report; None when it is not a readable report."""
    root = root.resolve()
    try:
        tree = ET.fromstring(xml_text)  # noqa: S314 - local file from our own pytest run
    except ET.ParseError as exc:
        log.warning("unreadable JUnit XML: %s", exc)
        return None
    summary = JUnitSummary()
    suites = [tree] if tree.tag == "testsuite" else tree.findall("testsuite")
    for suite in suites:
        try:
            summary.duration += float(suite.get("time") or 0.0)
        except ValueError:
            log.debug("bad time attribute %r", suite.get("time"))
    for case in tree.iter("testcase"):
        test, test_file = _test_id(case, root)
        problem = case.find("failure")
        kind = "failure"
        if problem is None:
            problem = case.find("error")
            kind = "error"
        if problem is None:
            if case.find("skipped") is not None:
                summary.skipped += 1
            else:
                summary.passed += 1
            continue
        if kind == "failure":
            summary.failed += 1
        else:
            summary.errors += 1
        location = failing_location(problem.text or "", root)
        if location is None and test_file is not None:
            line_attr = case.get("line")
            location = (test_file, int(line_attr) + 1 if line_attr and line_attr.isdigit() else 1)
        summary.failures.append(
            TestFailure(
                test=test,
                file=str(location[0]) if location else None,
                line=location[1] if location else None,
                message=_message(problem),
                kind=kind,
            )
        )
    return summary
