"""Issue 13.3: secrets and insecure settings beyond `.py`, found with their CWE; look-alikes stay quiet."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.security_engine.config_apps import VULNERABLE, line_of, make_safe, make_vulnerable
from zc_lsp.agents.engines.config_scan import RULES, config_kind, is_config_file, scan_config, scan_python_settings
from zc_lsp.core.types import Finding


def _scan_tree(root: Path) -> tuple[set[tuple[str, str, int]], list[Finding], list[str]]:
    """(file, code, 1-based line) for every finding under `root`, the findings, and parse failures."""
    hits: set[tuple[str, str, int]] = set()
    findings: list[Finding] = []
    failures: list[str] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        text = path.read_text()
        if path.suffix == ".py":
            found, bad = scan_python_settings(text, path.name)
        elif is_config_file(path.name):
            found, bad = scan_config(text, rel)
        else:
            continue
        findings += found
        failures += [f"{rel}: {b.reason}" for b in bad]
        hits |= {(rel, f.code, f.span.start_line + 1) for f in found}
    return hits, findings, failures


def test_every_known_flaw_of_the_vulnerable_app_is_found_on_its_line(tmp_path: Path) -> None:
    root = make_vulnerable(tmp_path / "shop")
    hits, findings, failures = _scan_tree(root)
    expected = {(rel, code, line_of(root, rel, marker)) for rel, code, marker in VULNERABLE}
    assert expected - hits == set()
    assert hits - expected == set()  # nothing else: no duplicates, no noise
    assert failures == []
    for f in findings:
        assert f.data["cwe"] in (79, 183, 352, 384, 489, 614, 798, 1004), f


def test_the_safe_look_alikes_produce_no_finding(tmp_path: Path) -> None:
    hits, _, failures = _scan_tree(make_safe(tmp_path / "shop"))
    assert hits == set()
    assert failures == []


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("config.yaml", "db:\n  password: changeme\n"),
        ("config.yaml", "db:\n  password: ${DB_PASSWORD}\n"),
        ("config.yaml", "db:\n  password: !ENV ${DB_PASSWORD}\n"),
        ("config.yaml", "db:\n  password: '{{ vault_db_password }}'\n"),
        ("settings.toml", 'password = "os.environ[\'DB_PASSWORD\']"\n'),
        (".env", "DB_PASSWORD=\nAPI_KEY=<your-api-key>\n"),
        ("app.ini", "[db]\npassword = %(DB_PASSWORD)s\n"),
        ("config.json", '{"db": {"password_env": "DB_PASSWORD", "token_url": "https://auth.example.com/token"}}'),
        ("config.yaml", "api:\n  auth: basic\n  sort_key: name\n"),
        ("locales/de.json", '{"login": {"password": "Passwort", "token": "Zugangstoken"}}'),
    ],
)
def test_placeholders_and_names_about_secrets_are_not_secrets(name: str, text: str) -> None:
    found, failures = scan_config(text, name)
    assert found == [] and failures == []


@pytest.mark.parametrize(
    ("name", "text", "code", "line"),
    [
        ("config.yaml", "db:\n  user: app\n  password: hunter2-Prod\n", "ZC-CONF-SECRET", 3),
        ("config.yml", "DATABASE_URL: postgres://app:Pr0dPass@db/app\n", "ZC-CONF-DSN", 1),
        ("pyproject-like.toml", "[db]\n\n[db.primary]\npassword = 'r3al-Pass'\n", "ZC-CONF-SECRET", 4),
        ("app.cfg", "[DEFAULT]\nx = 1\n[auth]\nclient_secret = c1ient-S3cret-value\n", "ZC-CONF-SECRET", 4),
        ("conf.json", '{\n  "db": {\n    "password": "j50n-Pass!"\n  }\n}\n', "ZC-CONF-SECRET", 3),
        ("prod.env", "export REDIS_URL=redis://:s3cretpw@cache:6379/0\n", "ZC-CONF-DSN", 1),
        ("config.yaml", "django:\n  ALLOWED_HOSTS: ['example.com', '*']\n", "ZC-CONF-HOSTS", 2),
        ("config.yaml", "flask:\n  SESSION_COOKIE_HTTPONLY: 'false'\n", "ZC-CONF-COOKIE-HTTPONLY", 2),
        ("docker-compose.yml", "services:\n  web:\n    environment:\n      - API_KEY=${API_KEY}\n"
         "      - DB_PASSWORD=c0mpose-Secret\n", "ZC-CONF-SECRET", 5),
    ],
)
def test_each_format_reports_the_line_of_the_setting(name: str, text: str, code: str, line: int) -> None:
    found, failures = scan_config(text, name)
    assert failures == []
    assert [(f.code, f.span.start_line + 1) for f in found] == [(code, line)]
    assert found[0].data["cwe"] == RULES[code].cwe


def test_the_dsn_finding_marks_the_password_only() -> None:
    text = "db:\n  url: 'postgresql://shop:hunter22x@db/shop'\n"
    (found,), _ = scan_config(text, "config.yaml")
    line = text.splitlines()[found.span.start_line]
    assert line[found.span.start_char : found.span.end_char] == "hunter22x"


def test_secret_messages_never_contain_the_secret() -> None:
    found, _ = scan_config("db:\n  password: Sup3r-S3cret!\n", "config.yaml")
    assert found and all("Sup3r-S3cret!" not in f.message for f in found)


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("broken.yaml", "db:\n  password: [unclosed\nother: 1\n", 3),
        ("broken.toml", "[db]\npassword = \n", 2),
        ("broken.json", '{"db": {"password": "x",}}', 1),
        ("broken.ini", "password = outside any section\n", 1),
    ],
)
def test_a_file_its_parser_rejects_is_a_parse_failure_with_a_line(name: str, text: str, line: int) -> None:
    found, failures = scan_config(text, name)
    assert found == []
    assert len(failures) == 1 and failures[0].line == line and "not valid" in failures[0].reason


def test_a_bad_env_line_is_reported_and_the_rest_still_scanned() -> None:
    found, failures = scan_config("this is not an assignment\nDB_PASSWORD=pr0d-Passw0rd\n", ".env")
    assert [f.code for f in found] == ["ZC-CONF-SECRET"]
    assert [f.line for f in failures] == [1]


def test_python_that_this_python_cannot_parse_is_a_parse_failure() -> None:
    found, failures = scan_python_settings("DEBUG = True\ndef broken(:\n", "settings.py")
    assert found == [] and failures and failures[0].line == 2


def test_jsonc_files_with_comments_parse() -> None:
    found, failures = scan_config('{\n  // comment\n  "compilerOptions": {"strict": true}\n}\n', "tsconfig.json")
    assert found == [] and failures == []


def test_templates_are_recognised_by_name_and_language_id() -> None:
    assert config_kind("templates/page.html") == "template"
    assert config_kind("untitled-1", "jinja-html") == "template"
    assert config_kind(".env.production") == "env" and config_kind("prod.env") == "env"
    assert config_kind("package-lock.json") is None and config_kind("main.py") is None


def test_safe_filter_on_other_data_and_autoescape_on_stay_quiet() -> None:
    text = "{% autoescape true %}{{ request.args.q }}{% endautoescape %}\n{{ html_body|safe }}\n"
    assert scan_config(text, "page.html") == ([], [])


def test_csrf_switches_by_any_name_but_not_its_cookie_or_header_settings() -> None:
    text = (
        "csrf_check: false\nverify_csrf: no\ncsrf_exempt: true\n"  # three switches off
        "csrf_cookie_httponly: false\ncsrf_header_name: X-CSRF\ncsrf_exempt_views: false\n"  # details, not switches
    )
    found, _ = scan_config(text, "app.yaml")
    assert [(f.code, f.span.start_line) for f in found] == [("ZC-CONF-CSRF", 0), ("ZC-CONF-CSRF", 1), ("ZC-CONF-CSRF", 2)]


def test_debug_constant_counts_in_web_app_modules_only() -> None:
    app = "from aiohttp import web\nimport aiohttp_debugtoolbar\nDEBUG = True\naiohttp_debugtoolbar.setup(app)\n"
    found, _ = scan_python_settings(app, "server.py")
    assert [(f.code, f.span.start_line) for f in found] == [("ZC-CONF-DEBUG", 2), ("ZC-CONF-DEBUG", 3)]
    assert scan_python_settings("DEBUG = True\nprint(DEBUG)\n", "script.py") == ([], [])  # a script's own flag


def test_every_rule_explains_itself_with_its_cwe_and_how_to_suppress() -> None:
    from zc_lsp.agents.engines.config_scan.rules import explain_rule

    for code, rule in RULES.items():
        text = explain_rule(code)
        assert text is not None and f"CWE-{rule.cwe}" in text and f"zc: ignore[{code}]" in text
    assert explain_rule("ZC-CONF-NOPE") is None


def test_a_vendor_key_in_a_template_script_is_found_but_not_an_sri_hash() -> None:
    text = (
        '<script src="x.js" integrity="sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC"></script>\n'
        '<script>window.STRIPE_KEY = "sk_live_51HxAbCdEfGhIjKlMnOpQrStUv";</script>\n'
    )
    found, _ = scan_config(text, "templates/pay.html")
    assert [(f.code, f.span.start_line) for f in found] == [("ZC-SECRET-STRIPE-ACCESS-KEY", 1)]


@pytest.mark.parametrize("name", ["a.json", "a.toml", "a.ini", "a.yaml", ".env"])
def test_a_byte_order_mark_is_not_a_parse_error(name: str) -> None:
    body = {
        "a.json": '{"password": "Pr0d-pass!"}',
        "a.toml": 'password = "Pr0d-pass!"\n',
        "a.ini": "[db]\npassword = Pr0d-pass!\n",
        "a.yaml": "password: Pr0d-pass!\n",
        ".env": "PASSWORD=Pr0d-pass!\n",
    }[name]
    text = "\ufeff" + body
    found, failures = scan_config(text, name)
    assert failures == []
    (secret,) = [f for f in found if f.code == "ZC-CONF-SECRET"]
    line = text.split("\n")[secret.span.start_line]
    assert "Pr0d-pass!" in line[secret.span.start_char : secret.span.end_char]
