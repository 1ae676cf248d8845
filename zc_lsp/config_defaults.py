"""Where the shipped defaults come from: default.yaml parsed, or a JSON copy of an earlier parse.

PyYAML in every idle server was ~0.9 MB (issue 15). The first start parses default.yaml and keeps the
result as JSON in the user's cache folder, named by a hash of the YAML's text; later starts read that
copy, so default.yaml stays the one source and an edited file is parsed again. A copy that is damaged,
not a mapping, or larger than its YAML could parse to is reported and replaced.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def defaults_cache_path(text: str) -> Path:
    """Where the parsed defaults are kept, named by a hash of default.yaml's text (never stale)."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "zombiecoder", f"defaults-{digest}.json")


def shipped_defaults(path: Path) -> dict[str, Any]:
    """The YAML at `path` parsed, or the JSON copy of an earlier parse of the same text."""
    text = path.read_text(encoding="utf-8")
    cache = defaults_cache_path(text)
    if cache.is_file():
        try:
            size = cache.stat().st_size
            if size > 4 * len(text):  # not our copy (a parse is smaller than its YAML): never read unbounded
                raise ValueError(f"{size:,} bytes")
            data = json.loads(cache.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            data = exc
        if isinstance(data, dict):
            return data
        why = f"{type(data).__name__}: {data}" if isinstance(data, Exception) else f"a {type(data).__name__}, not a mapping"
        log.warning("parsed defaults in %s unusable (%s); parsing %s", cache, why, path.name)
    from zc_lsp import config_yaml

    data = config_yaml.parse_shipped(text)
    assert isinstance(data, dict)
    _write_defaults_cache(cache, data)
    return data


def _write_defaults_cache(cache: Path, data: dict[str, Any]) -> None:
    body = json.dumps(data)
    if json.loads(body) != data:  # a value JSON would change (a number as a key): keep parsing the YAML
        log.info("the defaults do not survive JSON unchanged; not caching them")
        return
    tmp = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
    try:  # whole or absent, also with two servers starting at once
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(body, encoding="utf-8")
        os.replace(tmp, cache)
    except OSError as exc:
        log.info("could not cache the parsed defaults in %s: %s", cache, exc)
        if cache.parent.is_dir():  # else nothing was written
            tmp.unlink(missing_ok=True)
