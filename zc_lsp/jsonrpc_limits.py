"""Bounds on what a client may send: nesting depth and number of values in params.

The C JSON decoder recurses, so a body nested thousands deep raises RecursionError before any
check can run; such a body is re-read by a flat tokenizer that cuts every value below the limit,
so the message (its id, its method) is still known and gets its error reply.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 64  # params deeper than this are refused (LSP's own types nest < 10 deep)
MAX_VALUES = 1_000_000  # values (objects, arrays, scalars) in one message's params
MAX_INIT_OPTIONS_BYTES = 1024 * 1024
_PRUNE_DEPTH = MAX_DEPTH + 4  # deeper than any allowed params, so the check below still refuses it
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]|[^\[\]{}"]+', re.S)


class TooBig(ValueError):
    """Params beyond the depth or size bound: the client's mistake, so InvalidParams."""


def bounded_loads(body: bytes) -> Any:
    """json.loads that never raises RecursionError: too-deep values are cut (then refused by check_limits)."""
    try:
        return json.loads(body)
    except RecursionError:
        return json.loads(_prune(body.decode("utf-8")))


def _prune(text: str) -> str:
    out: list[str] = []
    depth = 0
    cut_at = 0  # depth at which the current cut started; 0 = not cutting
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if cut_at:
                continue
            if depth > _PRUNE_DEPTH:
                cut_at = depth
                out.append("[]")
                continue
        elif token in ("]", "}"):
            depth -= 1
            if cut_at:
                if depth < cut_at:
                    cut_at = 0
                continue
        elif cut_at:
            continue
        out.append(token)
    return "".join(out)


def check_limits(value: Any, max_depth: int = MAX_DEPTH, max_values: int = MAX_VALUES) -> None:
    """Raise TooBig if `value` nests deeper than max_depth or holds more than max_values values."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    count = 0
    while stack:
        item, depth = stack.pop()
        count += 1
        if count > max_values:
            raise TooBig(f"more than {max_values} values")
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > max_depth:
            raise TooBig(f"nested deeper than {max_depth} levels")
        stack.extend((child, depth + 1) for child in children)
