"""Issue 13.4: `zc review` output that tools understand (JSON with CWE, SARIF 2.1.0, GitHub annotations),
stable finding ids, and parse failures said on stderr and in every format."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from tests.unit.security_engine.config_apps import make_vulnerable
from zc_lsp.agents.engines.batch_review import review_files
from zc_lsp.agents.engines.ruff_engine import RuffOptions
from zc_lsp.cli.report_formats import (
    FINGERPRINT_KEY,
    escape_data,
    escape_property,
    github_annotations,
    sarif_report,
)

pytestmark = pytest.mark.timeout(180)
SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
PY312_ONLY = 'def greet(user):\n    return f"hello {user["name"]}"\n'  # same quotes nested: 3.12 syntax


def zc_review(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(root.parent / "data"), "XDG_CONFIG_HOME": str(root.parent / "config"),
           "OLLAMA_HOST": "http://127.0.0.1:9"}
    return subprocess.run([sys.executable, "-m", "zc_lsp.cli", "review", str(root), *args], cwd=root.parent,
                          env=env, capture_output=True, text=True, timeout=170)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_vulnerable(tmp_path_factory.mktemp("formats") / "shop")
    (root / "broken.yaml").write_text("db:\n  password: [unclosed\n")
    (root / "greet.py").write_text(PY312_ONLY)
    return root


@pytest.fixture(scope="module")
def as_json(shop: Path) -> tuple[dict, subprocess.CompletedProcess[str]]:
    out = zc_review(shop, "--format", "json", "--bandit")  # bandit is opt-in for `zc review`
    assert out.returncode == 1, out.stderr
    return json.loads(out.stdout), out


def _validate(log: dict) -> None:
    schema = json.loads(SCHEMA.read_text())
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_json_rows_carry_cwe_and_a_stable_id(as_json: tuple[dict, subprocess.CompletedProcess[str]]) -> None:
    report, _ = as_json
    rows = report["findings"]
    conf = [r for r in rows if r["code"].startswith("ZC-CONF-")]
    assert {r["path"].rsplit("/", 1)[-1] for r in conf} >= {"config.yaml", "settings.toml", ".env", "search.html"}
    assert all(re.fullmatch(r"CWE-\d+", r["cwe"]) for r in conf)
    assert all(re.fullmatch(r"[0-9a-f]{32}", r["id"]) for r in rows)
    assert len({r["id"] for r in rows}) == len(rows)


def test_parse_failures_are_on_stderr_and_in_the_json(as_json: tuple[dict, subprocess.CompletedProcess[str]]) -> None:
    report, out = as_json
    failures = {(Path(f["path"]).name, f["engine"]) for f in report["parse_failures"]}
    assert ("broken.yaml", "config") in failures
    assert re.search(r"broken\.yaml:3: config could not parse this file \(not valid YAML", out.stderr)
    if sys.version_info < (3, 12):  # bandit parses with the running Python: 3.12 syntax fails under 3.11
        assert ("greet.py", "bandit") in failures
        assert "greet.py: bandit could not parse" in out.stderr


def test_sarif_validates_and_has_what_github_code_scanning_reads(shop: Path) -> None:
    out = zc_review(shop, "--format", "sarif")
    assert out.returncode == 1, out.stderr
    log = json.loads(out.stdout)
    _validate(log)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-schema-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "ZombieCoder" and driver["version"]
    rules = driver["rules"]
    assert len({r["id"] for r in rules}) == len(rules)
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == shop.resolve().as_uri() + "/"
    for result in run["results"]:
        rule = rules[result["ruleIndex"]]
        assert rule["id"] == result["ruleId"]
        artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%" and not artifact["uri"].startswith("/") and "\\" not in artifact["uri"]
        assert re.fullmatch(r"[0-9a-f]{32}", result["partialFingerprints"][FINGERPRINT_KEY])
        assert result["level"] in ("error", "warning", "note")
    by_id = {r["id"]: r for r in rules}
    secret = by_id["ZC-CONF-SECRET"]
    assert "security" in secret["properties"]["tags"] and "external/cwe/cwe-798" in secret["properties"]["tags"]
    assert 0.0 < float(secret["properties"]["security-severity"]) <= 10.0
    assert secret["defaultConfiguration"]["level"] == "error" and secret["fullDescription"]["text"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert {"config.yaml", ".env", "templates/search.html", "app.py"} <= uris
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any(n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "broken.yaml" for n in notes)


def test_sarif_carries_a_taint_path_as_related_locations(tmp_path: Path) -> None:
    row = {"path": str(tmp_path / "app" / "views.py"), "line": 9, "column": 5, "end_line": 9, "end_column": 30,
           "code": "ZC-TAINT-SQL", "severity": "error", "message": "SQL built from request data", "engine": "taint",
           "url": None, "cwe": "CWE-89", "id": "0" * 32,
           "related": [{"line": 3, "col": 4, "end_line": 3, "end_col": 20, "note": "request.args['q'] read here"},
                       {"line": 6, "col": 4, "end_line": 6, "end_col": 30, "note": "joined into the query"}]}
    log = sarif_report([row], [], tmp_path, ["bandit failed: a reason"])
    _validate(log)
    assert log["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"] == "bandit failed: a reason"
    (result,) = log["runs"][0]["results"]
    related = result["relatedLocations"]
    assert [r["physicalLocation"]["region"]["startLine"] for r in related] == [4, 7]
    assert related[0]["message"]["text"] == "request.args['q'] read here"
    assert "external/cwe/cwe-89" in log["runs"][0]["tool"]["driver"]["rules"][0]["properties"]["tags"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app/views.py"


def test_workflow_command_escaping_follows_the_runner() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"
    assert escape_data("%0A") == "%250A"  # `%` first, or a literal "%0A" would turn into a line break


def _unescape(value: str) -> str:
    """What the Actions runner does to a property, for the round trip."""
    return value.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def test_github_annotations_round_trip_awkward_paths_and_messages(tmp_path: Path) -> None:
    row = {"path": str(tmp_path / "dir,with:odd" / "a%b.py"), "line": 3, "column": 2, "end_line": 3, "end_column": 9,
           "code": "ZC-CONF-DEBUG", "severity": "warning", "message": "debug on\n100% sure: yes, really",
           "engine": "settings", "cwe": "CWE-489"}
    (line,) = github_annotations([row], [], tmp_path)
    m = re.fullmatch(r"::warning (?P<props>[^:]*)::(?P<msg>.*)", line)
    assert m is not None and "\n" not in line
    props = dict(p.split("=", 1) for p in m.group("props").split(","))
    assert _unescape(props["file"]) == "dir,with:odd/a%b.py"
    assert (props["line"], props["col"], props["endLine"], props["endColumn"]) == ("3", "2", "3", "9")
    assert _unescape(props["title"]) == "ZC-CONF-DEBUG (CWE-489)"
    assert _unescape(m.group("msg")).startswith("debug on\n100% sure: yes, really")


def test_github_format_prints_one_command_per_finding_and_failure(shop: Path,
                                                                  as_json: tuple[dict, subprocess.CompletedProcess[str]]) -> None:
    out = zc_review(shop, "--format", "github", "--bandit")
    lines = out.stdout.splitlines()
    report, _ = as_json
    assert len(lines) == len(report["findings"]) + len(report["parse_failures"])
    assert all(re.match(r"::(error|warning|notice) file=", line) for line in lines)
    assert any(line.startswith("::error file=config.yaml,line=4,") for line in lines)


def _ids(root: Path, names: list[str]) -> dict[tuple[str, str], list[tuple[int, str]]]:
    files = {root / n: (root / n).read_text() for n in names}
    reviews, errors = asyncio.run(review_files(files, RuffOptions(root=root, select=("S",)), bandit=False, secrets=True))
    assert errors == []
    out: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for path, review in reviews.items():
        for f in review.findings:
            out.setdefault((path.name, f.code), []).append((f.span.start_line, f.data["id"]))
    return out


def test_ids_survive_lines_added_above_and_tell_twins_apart(tmp_path: Path) -> None:
    root = make_vulnerable(tmp_path / "shop")
    config = root / "config.yaml"
    config.write_text(config.read_text() + "backup:\n  password: \"Sup3r-S3cret!\"\n")  # a twin line, same text
    names = ["config.yaml", "flask_settings.py", "app.py"]
    before = _ids(root, names)
    for name in names:
        (root / name).write_text("# a header comment\n\n\n" + (root / name).read_text())
    after = _ids(root, names)
    assert before.keys() == after.keys()
    for key in before:
        assert [i for _, i in before[key]] == [i for _, i in after[key]], key
        assert [line + 3 for line, _ in before[key]] == [line for line, _ in after[key]], key
    twins = [i for _, i in after[("config.yaml", "ZC-CONF-SECRET")]]
    assert len(twins) == 2 and twins[0] != twins[1]
