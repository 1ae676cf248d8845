"""The user's own answer to "trust this workspace?", kept in user-level state, never in the workspace.

Why here: a cloned repository must not be able to grant itself trust, so the answer lives in the
user's data folder (XDG_DATA_HOME / platformdirs), keyed by the workspace's resolved path. A file
that cannot be read counts as "no answer" (the user is asked again), never as trust.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import time
from pathlib import Path

import platformdirs

log = logging.getLogger(__name__)
_lock = threading.Lock()


def trust_file() -> Path:
    return platformdirs.user_data_path("zombiecoder", appauthor=False) / "trust.json"


def _key(root: Path) -> str:
    return str(root.resolve())


def _read(path: Path) -> dict[str, dict[str, object]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("trust answers in %s are unreadable (%s): every workspace counts as not yet answered", path, exc)
        return {}
    return data if isinstance(data, dict) else {}


def stored_trust(root: Path) -> bool | None:
    """True/False if the user answered for `root`, else None."""
    with _lock:
        entry = _read(trust_file()).get(_key(root))
    value = entry.get("trusted") if isinstance(entry, dict) else None
    return value if isinstance(value, bool) else None


def remember_trust(root: Path, trusted: bool) -> None:
    """Record the user's answer for `root` (atomically: a crash leaves the old file or the new one)."""
    path = trust_file()
    with _lock:
        data = _read(path)
        data[_key(root)] = {"trusted": trusted, "at": time.time()}
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".trust-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out, indent=1, sort_keys=True)
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
