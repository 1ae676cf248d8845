"""Jinja2 and Django templates: autoescape switched off, and request data marked safe.

Templates are not parsed: Jinja2's parser rejects Django's tags and the other way round, and a
template with a syntax error still renders what it can. The two patterns checked here are
single tags, found by a tokenising regex that skips `{# comments #}`.
"""

from __future__ import annotations

import re

from zc_lsp.agents.engines.config_scan.rules import make_finding
from zc_lsp.core.types import Finding, Span

ENGINE = "config"
_TAG = re.compile(r"\{#.*?#\}|\{%-?\s*(?P<tag>.*?)\s*-?%\}|\{\{-?\s*(?P<expr>.*?)\s*-?\}\}", re.S)
_AUTOESCAPE_OFF = re.compile(r"^autoescape\s+(?:off|false|False)$")
_SAFE = re.compile(r"\|\s*safe\b")
# request.args / request.GET.q / request.query['x'] / request.match_info.name / request.POST.get(...)
_REQUEST = re.compile(
    r"\brequest\s*\.\s*(?:args|form|values|json|cookies|headers|files|data|query|query_string|match_info|rel_url"
    r"|GET|POST|COOKIES|META|FILES|body|path_params|query_params|url|path|full_path)\b"
)


def _span(text: str, start: int, end: int, starts: list[int]) -> Span:
    def pos(offset: int) -> tuple[int, int]:
        lo, hi = 0, len(starts) - 1
        while lo < hi:  # last line start <= offset
            mid = (lo + hi + 1) // 2
            if starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo, offset - starts[lo]

    (sl, sc), (el, ec) = pos(start), pos(end)
    return Span(sl, sc, el, ec)


def scan_template(text: str) -> list[Finding]:
    """Findings in one Jinja2/Django template (also fine on plain HTML: it has no such tags)."""
    if "{%" not in text and "{{" not in text:
        return []
    starts = [0, *(m.end() for m in re.finditer(r"\r\n|\n|\r", text))]  # line ends as LSP counts them
    found: list[Finding] = []
    for m in _TAG.finditer(text):
        tag, expr = m.group("tag"), m.group("expr")
        if tag is not None and _AUTOESCAPE_OFF.match(tag):
            found.append(
                make_finding(
                    "ZC-CONF-AUTOESCAPE",
                    _span(text, m.start(), m.end(), starts),
                    f"`{{% {tag} %}}` renders everything in the block unescaped.",
                    ENGINE,
                )
            )
        elif expr is not None and _SAFE.search(expr) and _REQUEST.search(expr):
            found.append(
                make_finding(
                    "ZC-CONF-SAFE-FILTER",
                    _span(text, m.start(), m.end(), starts),
                    "Request data goes through `|safe` into the page (XSS).",
                    ENGINE,
                )
            )
    return found
