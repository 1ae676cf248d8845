"""Containers the engine reads by constant key: lists, dicts, configparser, deques, buffers.

`values.append(x); values.pop(0); y = values[1]` picks a known element, so a tainted item that is
never read stays quiet; a method that puts its argument into the receiver (`write`, `put`, `add`)
makes the receiver carry it.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from zc_lsp.agents.engines.taint.exprs import Env
from zc_lsp.agents.engines.taint.model import CLEAN, UNKNOWN, Val, branch_merge, combine, const, container
from zc_lsp.agents.engines.taint.sinks import CallInfo

# Methods that put their argument into the receiver (a buffer, a queue, a set): what is read back carries it.
# fmt: off
MUTATORS = frozenset({"append", "add", "extend", "insert", "update", "write", "writelines", "appendleft", "extendleft",
                      "put", "put_nowait", "push"})
# fmt: on


def container_method(c: CallInfo, env: Env) -> Val | None:
    """List/dict/config updates that change the receiver variable, and reads by constant key."""
    func = c.node.func
    assert isinstance(func, ast.Attribute)
    owner = func.value
    key = (
        owner.id
        if isinstance(owner, ast.Name)
        else (
            f"{owner.value.id}.{owner.attr}"
            if isinstance(owner, ast.Attribute) and isinstance(owner.value, ast.Name)
            else None
        )
    )
    recv = c.recv
    assert recv is not None
    m, args = c.method, c.args
    if m == "setFeature" and recv.kind == "sax" and len(args) == 2 and key:
        feature = ast.unparse(c.node.args[0])
        if "external" in feature and args[1].has_const() and args[1].const():
            env[key] = replace(recv, kind="sax-unsafe")
        return CLEAN
    if recv.kind == "config" and key:
        if m == "set" and len(args) == 3 and args[0].has_const() and args[1].has_const():
            k = (args[0].const(), args[1].const())
            keys = [(kk, v) for kk, v in recv.keys or () if kk != k] + [(k, args[2])]
            env[key] = replace(container(keys=keys, kind="config"), opaque=True)
            return CLEAN
        if m in ("get", "getint", "getboolean") and len(args) >= 2 and args[0].has_const() and args[1].has_const():
            found = recv.key((args[0].const(), args[1].const()))
            return found if found is not None else UNKNOWN
        return None
    if recv.kind == "list" and recv.items is not None and key:
        items = list(recv.items)
        if m == "append" and len(args) == 1:
            env[key] = container([*items, args[0]], kind="list")
            return CLEAN
        if m == "extend" and len(args) == 1 and args[0].items is not None:
            env[key] = container([*items, *args[0].items], kind="list")
            return CLEAN
        if m == "insert" and len(args) == 2 and args[0].has_const() and isinstance(args[0].const(), int):
            items.insert(args[0].const(), args[1])
            env[key] = container(items, kind="list")
            return CLEAN
        if m == "appendleft" and len(args) == 1:
            env[key] = container([args[0], *items], kind="list")
            return CLEAN
        if m in ("pop", "popleft") and items:
            index = 0 if m == "popleft" else args[0].const() if args and args[0].has_const() else None if args else -1
            if isinstance(index, int) and -len(items) <= index < len(items):
                popped = items.pop(index)
                env[key] = container(items, kind="list")
                return popped
        if m == "remove" and len(args) == 1:
            for i, item in enumerate(items):
                if item is args[0] or (item.has_const() and args[0].has_const() and item.const() == args[0].const()):
                    del items[i]
                    env[key] = container(items, kind="list")
                    return CLEAN
        if m in ("append", "extend", "insert", "remove", "pop", "appendleft", "popleft"):
            env[key] = replace(combine(recv, *args), kind="list")
            return combine(recv) if m.startswith("pop") else CLEAN
    if recv.kind == "dict" and m == "get" and args and not args[0].has_const() and not recv.taints:
        # A trusted mapping read with an untrusted key: one of its own values, or the default.
        values = [v for _k, v in recv.keys or ()] + (args[1:2] or [const(None)])  # .get(k) may be None
        if recv.keys is None or not values:
            return Val(opaque=recv.opaque)
        out = values[0]
        for value in values[1:]:
            out = branch_merge(out, value)
        return out
    if recv.kind == "dict" and key:
        if m in ("get", "pop", "setdefault") and args and args[0].has_const():
            found = recv.key(args[0].const())
            if m == "setdefault" and found is None and len(args) == 2:
                env[key] = container(keys=[*(recv.keys or ()), (args[0].const(), args[1])], kind="dict")
                return args[1]
            if found is not None:
                return found
            if recv.keys is not None and not recv.opaque:
                return args[1] if len(args) > 1 else CLEAN
        if m == "update" and recv.keys is not None and len(args) == 1 and args[0].keys is not None:
            merged = dict(recv.keys)
            merged.update(dict(args[0].keys))
            env[key] = container(keys=list(merged.items()), kind="dict")
            return CLEAN
        if m == "update":
            env[key] = replace(combine(recv, *c.args, *c.kwargs.values()), kind="dict")
            return CLEAN
    if m in MUTATORS and key and (args or c.kwargs):  # buf.write(x); buf.getvalue() carries x
        env[key] = replace(combine(recv, *args, *c.kwargs.values()), kind=recv.kind)
        return CLEAN
    return None
