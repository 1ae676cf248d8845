"""Checks on single statements that the frame (flow.py) asks as it walks a function body.

- `tls_off`: an attribute assignment that switches TLS certificate checks off.
- `names_no_secret`: a secret-sounding name given a value that only names a thing (S105 quieted).
- `table_lookup`: `if TABLE.get(k) is None: abort()`, an allow-list check on `k`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from zc_lsp.agents.engines.secret_values import named_by_itself, not_a_value
from zc_lsp.agents.engines.taint.model import Val

SECRET_NAME = re.compile(r"(?i)passw|pwd|secret|token|api_?key|credential|auth")
TLS_SWITCHES = frozenset({"verify_mode", "check_hostname", "verify"})
TLS_OFF_MESSAGE = (
    "`.{attr}` switches off TLS certificate checks: anyone on the path can impersonate the server; "
    "keep the default context"
)


def tls_off(attr: str, val: Val, node: ast.stmt) -> bool:
    """`ctx.verify_mode = ssl.CERT_NONE`, `ctx.check_hostname = False`, `session.verify = False`."""
    if attr not in TLS_SWITCHES:
        return False
    if attr == "verify_mode":
        value = getattr(node, "value", None)
        return (isinstance(value, ast.Attribute) and value.attr == "CERT_NONE") or (
            isinstance(value, ast.Name) and value.id == "CERT_NONE"
        )
    return val.has_const() and val.const() is False


def names_no_secret(node: ast.Assign | ast.AnnAssign) -> bool:
    """`PASSWORD_FIELD = "password"`, `TOKEN_HEADER = "X-Auth-Token"`: a secret-sounding name given a
    value that names a thing (or a placeholder) hard-codes no secret."""
    value = node.value
    if not isinstance(value, ast.Constant) or not isinstance(value.value, str):
        return False
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    for target in targets:
        name = target.id if isinstance(target, ast.Name) else target.attr if isinstance(target, ast.Attribute) else ""
        if SECRET_NAME.search(name) and (named_by_itself(name, value.value) or not_a_value(value.value)):
            return True
    return False


def table_lookup(
    test: ast.expr, lookups: dict[str, ast.Call], evaluate: Callable[[ast.expr], Val]
) -> tuple[ast.expr, bool] | None:
    """`if TABLE.get(k) is None: abort()` (or `v = TABLE.get(k)` first, kept in `lookups`): on the
    branch where the lookup found something, k is one of the constant table's keys, an allow-list
    check. Returns (k, whether the test is true when k was found), or None."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Is, ast.IsNot))):
        return None
    left, right = test.left, test.comparators[0]
    if not (isinstance(right, ast.Constant) and right.value is None):
        return None
    call = lookups.get(left.id) if isinstance(left, ast.Name) else left
    if not (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "get"
        and len(call.args) == 1
        and not call.keywords
    ):
        return None
    table = evaluate(call.func.value)
    if table.taints or table.keys is None:
        return None
    return call.args[0], isinstance(test.ops[0], ast.IsNot)
