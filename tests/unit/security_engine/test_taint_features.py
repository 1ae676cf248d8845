"""Propagation, sanitizers, guards, folding and rules of the taint engine, one behaviour per case."""

from __future__ import annotations

import textwrap

import pytest

from zc_lsp.agents.engines.parse_failure import ParseFailure
from zc_lsp.agents.engines.taint import scan_taint, taint_review
from zc_lsp.agents.engines.taint.precision import dedupe, quiet_pattern_findings
from zc_lsp.core.types import Finding, Span

FLASK = "from flask import Flask, request\napp = Flask(__name__)\n"


def codes(body: str, header: str = FLASK) -> set[str]:
    report = scan_taint(header + textwrap.dedent(body), "case.py")
    assert report.problem is None, report.problem
    return {f.code for f in report.findings}


FLOWS = {
    "import alias of subprocess.run": """
        from subprocess import run as r
        @app.route("/a")
        def a():
            r(request.args["c"], shell=True)
    """,
    "module alias": """
        import os as o
        @app.route("/a")
        def a():
            o.system("ls " + request.form["d"])
    """,
    "tuple unpacking and augmented assignment": """
        import os
        @app.route("/a")
        def a():
            x, y = "ls ", request.args["d"]
            x += y
            os.system(x)
    """,
    "%-formatting and str methods": """
        import os
        @app.route("/a")
        def a():
            os.system("ls %s" % request.args["d"].strip().lower())
    """,
    ".format and .join": """
        import os
        @app.route("/a")
        def a():
            parts = ["ls", "{}".format(request.args["d"])]
            os.system(" ".join(parts))
    """,
    "comprehension": """
        import os
        @app.route("/a")
        def a():
            names = [n.strip() for n in request.args.getlist("n")]
            os.system("rm " + names[0])
    """,
    "helper return summary": """
        import os
        def wrap(v):
            return "echo " + v
        @app.route("/a")
        def a():
            os.system(wrap(request.args["v"]))
    """,
    "helper with the sink inside": """
        import os
        def run(cmd):
            os.system(cmd)
        @app.route("/a")
        def a():
            run(request.args["v"])
    """,
    "method of a module class": """
        import os
        class Runner:
            def go(self, cmd):
                os.system(cmd)
        @app.route("/a")
        def a():
            Runner().go(request.args["v"])
    """,
    "dict with a constant key": """
        import os
        @app.route("/a")
        def a():
            d = {"safe": "ls"}
            d["user"] = request.args["v"]
            os.system(d["user"])
    """,
    "argparse options": """
        import argparse, os
        opts = argparse.ArgumentParser().parse_args()
        os.system("ping " + opts.host)
    """,
    "tornado handler argument": """
        import os
        import tornado.web
        class H(tornado.web.RequestHandler):
            def get(self):
                os.system("dig " + self.get_argument("d"))
    """,
    "request handed to a helper": """
        import os
        def arg(req, name):
            return req.args.get(name)
        @app.route("/a")
        def a():
            os.system("ls " + arg(request, "d"))
    """,
    "closure over the handler's variable": """
        import os
        @app.route("/a")
        def a():
            param = request.args["x"]
            def helper():
                return "ls " + param
            os.system(helper())
    """,
    "environment of the child process": """
        import subprocess
        @app.route("/a")
        def a():
            subprocess.run(["sh", "-c", "echo $NAME"], env={"NAME": request.args["n"]})
    """,
    "sys.argv": """
        import os, sys
        os.system("ls " + sys.argv[1])
    """,
    "environment": """
        import os, subprocess
        subprocess.call(os.getenv("CMD"), shell=True)
    """,
}


@pytest.mark.parametrize("body", FLOWS.values(), ids=list(FLOWS))
def test_untrusted_data_is_followed_to_the_sink(body):
    assert "ZC-TAINT-CMD" in codes(body)


SAFE = {
    "shlex.quote": """
        import os, shlex
        @app.route("/a")
        def a():
            os.system("ls " + shlex.quote(request.args["d"]))
    """,
    "int()": """
        import os
        @app.route("/a")
        def a():
            os.system("kill %d" % int(request.args["pid"]))
    """,
    "allow-list guard with early return": """
        import os
        @app.route("/a")
        def a():
            d = request.args["d"]
            if d not in ("tmp", "var"):
                return "no"
            os.system("ls " + d)
    """,
    "regex fullmatch guard that raises": """
        import os, re
        @app.route("/a")
        def a():
            d = request.args["d"]
            if not re.fullmatch(r"[a-z]+", d):
                raise ValueError(d)
            os.system("ls " + d)
    """,
    "if False": """
        import os
        @app.route("/a")
        def a():
            if False:
                os.system(request.args["d"])
    """,
    "condition on a module constant": """
        import os
        LEGACY = 0
        @app.route("/a")
        def a():
            if LEGACY and request.args:
                os.system(request.args["d"])
    """,
    "overwritten by a constant": """
        import os
        @app.route("/a")
        def a():
            d = request.args["d"]
            d = "tmp"
            os.system("ls " + d)
    """,
    "other key of the same dict": """
        import os
        @app.route("/a")
        def a():
            d = {"safe": "ls"}
            d["user"] = request.args["v"]
            os.system(d["safe"])
    """,
    "list item removed before use": """
        import os
        @app.route("/a")
        def a():
            xs = ["ls"]
            xs.append(request.args["v"])
            xs.pop()
            os.system(" ".join(xs))
    """,
    "helper that ignores its argument": """
        import os
        def fixed(v):
            return "ls /tmp"
        @app.route("/a")
        def a():
            os.system(fixed(request.args["v"]))
    """,
}


@pytest.mark.parametrize("body", SAFE.values(), ids=list(SAFE))
def test_sanitized_guarded_or_dead_flows_are_quiet(body):
    assert "ZC-TAINT-CMD" not in codes(body)


def test_sanitizers_protect_only_their_own_sink():
    found = codes("""
        import html, sqlite3
        @app.route("/a")
        def a():
            q = html.escape(request.args["q"])
            sqlite3.connect("x").execute("SELECT * FROM t WHERE a = '" + q + "'")
            return "<p>" + q + "</p>"
    """)
    assert "ZC-TAINT-SQL" in found and "ZC-TAINT-XSS" not in found


def test_route_parameters_typed_int_are_not_sources():
    found = codes(
        """
        import os
        from fastapi import FastAPI
        api = FastAPI()
        @api.get("/k/{pid}")
        def k(pid: int, sig: str):
            os.system(f"kill -{sig} {pid}")
    """,
        header="",
    )
    assert found == {"ZC-TAINT-CMD"}
    quiet = codes(
        """
        import os
        from fastapi import FastAPI
        api = FastAPI()
        @api.get("/k/{pid}")
        def k(pid: int):
            os.system(f"kill {pid}")
    """,
        header="",
    )
    assert quiet == set()


def test_context_decides_weak_hash_and_random():
    assert (
        codes(
            """
        import hashlib, random
        def etag(body):
            return hashlib.md5(body).hexdigest()
        def shard(k):
            return hashlib.sha1(k, usedforsecurity=False).digest()
        def shuffle_tiles(tiles):
            random.shuffle(tiles)
            return random.choice(tiles)
    """,
            header="",
        )
        == set()
    )
    assert codes(
        """
        import hashlib, random
        def store_password(pw):
            return hashlib.md5(pw.encode()).hexdigest()
        def new_session_id():
            sid = random.getrandbits(64)
            return sid
    """,
        header="",
    ) == {"ZC-SEC-WEAK-HASH", "ZC-SEC-WEAK-RANDOM"}


def test_pep701_nested_quotes_are_parsed_with_the_right_columns():
    text = FLASK + 'import os\n@app.route("/a")\ndef a():\n    os.system(f"ls {request.args["d"]}")\n'
    report = scan_taint(text, "case.py")
    assert report.problem is None
    (finding,) = report.findings
    assert finding.span.start_line == 5 and finding.span.start_char == 4


def test_unparseable_file_is_a_reported_failure():
    failures: list[ParseFailure] = []
    report = taint_review("def f(:\n", "bad.py", failures)
    assert report.findings == [] and report.problem
    assert failures and failures[0].engine == "taint" and failures[0].path == "bad.py" and failures[0].line == 1


def _pattern(code: str, engine: str, line: int) -> Finding:
    return Finding(span=Span(line, 0, line, 10), severity="warning", code=code, message=code, engine=engine)


def test_pattern_rules_are_quiet_only_on_lines_the_taint_engine_judged():
    found = [_pattern("S608", "ruff", 3), _pattern("S608", "ruff", 7), _pattern("S105", "ruff", 3)]
    kept, dropped = quiet_pattern_findings(found, {(3, "SQL"): "safe"})
    assert dropped == 1 and [(f.code, f.span.start_line) for f in kept] == [("S608", 7), ("S105", 3)]


def test_one_finding_per_problem_the_most_specific_engine_wins():
    taint = _pattern("ZC-TAINT-CODE", "taint", 4)
    taint.data.update({"kind": "CODE", "cwe": 95})
    bandit = _pattern("B307", "bandit", 4)
    bandit.data["cwe"] = 78
    ruff = _pattern("S307", "ruff", 4)
    other = _pattern("S105", "ruff", 4)
    assert {f.code for f in dedupe([bandit, ruff, taint, other])} == {"ZC-TAINT-CODE", "S105"}
    assert {f.code for f in dedupe([bandit, ruff])} == {"S307"}


def test_flask_tuple_return_is_an_html_response():
    assert codes("""
        @app.route("/a")
        def a():
            return f"<p>{request.path} not found</p>", 404
    """) == {"ZC-TAINT-XSS"}


def test_module_level_cache_filled_elsewhere_is_not_proven_safe():
    report = scan_taint(
        "import pickle\nCACHE = {}\ndef put(k, o):\n    CACHE[k] = pickle.dumps(o)\n"
        "def get(k):\n    return pickle.loads(CACHE[k])\n",
        "cache.py",
    )
    assert report.findings == [] and (5, "DESER") not in report.verdicts


def test_deeply_nested_loops_stay_cheap_and_an_internal_error_is_reported(monkeypatch):
    nested = "def f(xs):\n" + "".join("    " * (i + 1) + f"for a{i} in xs:\n" for i in range(14))
    assert scan_taint(nested + "    " * 15 + "y = a0\n", "deep.py").problem is None

    from zc_lsp.agents.engines.taint import engine

    def broken(self):
        raise KeyError("boom")

    monkeypatch.setattr(engine.ModuleAnalysis, "run", broken)
    failures: list[ParseFailure] = []
    report = taint_review("x = 1\n", "any.py", failures)
    assert report.problem and "KeyError" in report.problem
    assert failures and failures[0].engine == "taint"


def test_a_module_without_sources_still_gets_its_rule_checks_and_verdicts():
    report = scan_taint(
        "import yaml, hashlib, subprocess\n"
        "def pad(s):\n    return s.ljust(8)\n"
        "def read_config(stream):\n    return yaml.load(stream, Loader=yaml.Loader)\n"
        "def store_password(pw):\n    return hashlib.md5(pw).hexdigest()\n"
        "def status():\n    return subprocess.run(['git', 'status'])\n",
        "lib.py",
    )
    assert {f.code for f in report.findings} == {"ZC-SEC-YAML-LOAD", "ZC-SEC-WEAK-HASH"}
    assert report.verdicts.get((8, "CMD")) == "safe"  # constant argv: ruff's S603/S607 stay quiet


def test_kept_ruff_findings_get_bandits_cwe():
    kept, _ = quiet_pattern_findings([_pattern("S608", "ruff", 2), _pattern("S105", "ruff", 3)], {})
    assert [f.data.get("cwe") for f in kept] == [89, 259]


def test_data_in_the_path_of_a_fixed_host_url_is_no_ssrf_or_open_redirect():
    found = codes("""
        import requests
        from flask import redirect
        @app.route("/u/<uid>")
        def u(uid):
            requests.get(f"https://api.example.com/users/{uid}", timeout=3)
            requests.get("https://api.example.com/u/" + uid + "?v=1", timeout=3)
            return redirect("/profile/" + uid)
    """)
    assert found == set()
    assert codes("""
        import requests
        @app.route("/u/<host>")
        def u(host):
            requests.get(f"https://{host}/status", timeout=3)
    """) == {"ZC-TAINT-SSRF"}


def test_rows_from_the_database_are_not_request_data():
    assert (
        codes("""
        from flask import session
        @app.post("/login")
        def login():
            user = User.query.filter_by(name=request.form["name"]).first()
            session["user_id"] = user.id
            return "ok"
    """)
        == set()
    )


def test_an_unchanged_text_is_analysed_once_and_callers_get_their_own_copies(monkeypatch):
    text = FLASK + 'import os\n@app.route("/a")\ndef a():\n    os.system(request.args["c"])\n'
    first = taint_review(text, "cached.py", [])
    first.findings[0].data["id"] = "mutated by a caller"
    from zc_lsp.agents.engines import taint

    def no_second_analysis(*args, **kwargs):
        raise AssertionError("analysed again")

    monkeypatch.setattr(taint, "scan_taint", no_second_analysis)
    again = taint_review(text, "cached.py", [])
    assert [f.code for f in again.findings] == ["ZC-TAINT-CMD"] and "id" not in again.findings[0].data
    failures: list[ParseFailure] = []
    with pytest.raises(AssertionError):
        taint_review(text + "\n# edited\n", "cached.py", failures)


def test_a_trusted_store_looked_up_with_an_untrusted_key_returns_its_own_data():
    assert (
        codes("""
        from .extensions import cache
        @app.route("/p")
        def p():
            page = cache.get(request.args["slug"])
            return "<article>" + page + "</article>"
    """)
        == set()
    )


def test_pep701_backslash_inside_a_field_is_parsed_too():
    text = (
        FLASK
        + "import os\n@app.route('/a')\ndef a():\n    os.system(f\"ls {'\\n'.join(request.args.getlist('d'))}\")\n"
    )
    report = scan_taint(text, "case.py")
    assert report.problem is None and [f.code for f in report.findings] == ["ZC-TAINT-CMD"]
