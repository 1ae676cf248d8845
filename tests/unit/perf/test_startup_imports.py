"""What the server imports before it answers `initialize`: nothing the reply does not need.

Every module here costs start-up time and idle memory (issue 15); they load after the reply
instead: the handler modules in the loader's thread (`handlers/loader.py`), the services in theirs,
the engines in the review that needs them. The real server is started on stdio and the modules
present when it writes its first reply are recorded. This checks module names, not timings.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from zc_lsp.__main__ import make_parser, parse_args

# Built after the initialize reply or on first use; never on the path to the reply.
DEFERRED = [
    "pathspec",
    "detect_secrets",
    "requests",
    "sqlite3",
    "sqlite_utils",
    "apscheduler",
    "openai",
    "anthropic",
    "ollama",
    "httpx",
    "rich",
    "numpy",
    "bandit",
    "psutil",
    "yaml",  # the settings are read in the loader's thread
    "importlib.metadata",  # the agents' entry points are read from the dist-info folders
    "email",  # importlib.metadata's
    "argparse",  # only for a command line that is not the editor's
    "zc_lsp.config",
    "zc_lsp.config_yaml",
    "zc_lsp.services",
    "zc_lsp.router.router",
    "zc_lsp.memory.workspace",
    "zc_lsp.background.service",
    "zc_lsp.core.procs",
    "zc_lsp.agents.runner",
    "zc_lsp.agents.engines",
    "zc_lsp.agents.best_practices.agent",
    "zc_lsp.agents.programming.agent",
    "zc_lsp.agents.verifier.agent",
    "zc_lsp.agents.conversational.agent",
    "zc_lsp.agents.conversational.slash",
    "zc_lsp.agents.ops.agent",
]
# Every handler module but these is declared in handlers/table.py and loaded after the reply.
BEFORE_THE_REPLY = {"capabilities", "convert", "lifecycle", "loader", "session", "table", "text_sync"}

PROBE = """
import json, sys
from pygls import io_
write, out = io_.StdoutWriter.write, sys.argv[1]
def first_write(self, data):
    if out:
        with open(out, "w") as f:
            json.dump(sorted(sys.modules), f)
    globals()["out"] = None
    return write(self, data)
io_.StdoutWriter.write = first_write
from zc_lsp.__main__ import main
sys.argv = ["zc-lsp"]
main()
"""


def initialize_frame(root: Path) -> bytes:
    body = json.dumps(
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "processId": None,
                "rootUri": root.as_uri(),
                "capabilities": {},
                "initializationOptions": {"trust": {"trusted": True}},
            },
        }
    ).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def first_reply(stdout: bytes) -> dict:
    header, _, rest = stdout.partition(b"\r\n\r\n")
    length = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
    return json.loads(rest[:length])


def test_the_path_to_the_initialize_reply_imports_no_deferred_module(tmp_path: Path) -> None:
    seen_file = tmp_path / "modules.json"
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(seen_file)],
        input=initialize_frame(tmp_path),
        capture_output=True,
        timeout=120,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    reply = first_reply(out.stdout)
    seen = json.loads(seen_file.read_text())
    loaded = [name for name in DEFERRED for m in seen if m == name or m.startswith(name + ".")]
    assert sorted(set(loaded)) == []
    handlers = {m.rsplit(".", 1)[1] for m in seen if m.startswith("zc_lsp.handlers.")}
    assert handlers == BEFORE_THE_REPLY
    caps = reply["result"]["capabilities"]
    assert "zc.generate" in caps["executeCommandProvider"]["commands"]  # the entry-point scan found the specs
    assert caps["codeActionProvider"]["resolveProvider"] is True  # declared, not registered by its module yet


def test_the_editors_command_line_is_read_as_argparse_would() -> None:
    for argv in ([], ["--stdio"]):
        assert vars(parse_args(argv)) == vars(make_parser().parse_args(argv))
    assert parse_args(["--log-level", "DEBUG"]).log_level == "DEBUG"  # anything else goes through argparse
