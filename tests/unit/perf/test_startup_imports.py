"""What the server imports before it can answer `initialize`: nothing the reply does not need.

Every module here costs start-up time and idle memory (issue 15); they load on first use instead,
in the services' thread or in the review that needs them. This checks module names, not timings.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
    "zc_lsp.agents.engines.config_scan",
    "zc_lsp.agents.engines.secrets_engine",
    "zc_lsp.agents.best_practices.agent",
    "zc_lsp.agents.programming.agent",
    "zc_lsp.agents.verifier.agent",
    "zc_lsp.agents.conversational.agent",
    "zc_lsp.agents.ops.agent",
    "zc_lsp.memory.workspace",
    "zc_lsp.router.router",
    "zc_lsp.background.service",
    "zc_lsp.services",
    "psutil",
]

PROBE = """
import json, sys
from pathlib import Path
from zc_lsp.app import create_server
from zc_lsp.config import load_settings
server = create_server()
load_settings(Path(sys.argv[1]), {"trust": {"trusted": True}})
print(json.dumps({"modules": sorted(sys.modules), "agents": server.registry.names()}))
"""


def test_the_path_to_the_initialize_reply_imports_no_deferred_module(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path)], capture_output=True, text=True, timeout=120, check=True
    )
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    loaded = [name for name in DEFERRED for m in seen["modules"] if m == name or m.startswith(name + ".")]
    assert sorted(set(loaded)) == []
    assert {"best_practices", "programming"} <= set(seen["agents"])  # the entry-point scan found the specs
