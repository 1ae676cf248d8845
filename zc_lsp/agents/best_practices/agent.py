"""Best Practices agent, offline engines: ruff (security rules included), the taint engine, bandit, secrets.

Actions: `review` (findings for one document snapshot; with args {"model": true} a model adds
findings, see `zc_lsp.agents.best_practices.model_review`), `review_files` (many saved files at once, see
`zc_lsp.agents.best_practices.review_files`) and `explain_finding` (the rule's own documentation).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from collections import OrderedDict
from collections.abc import Awaitable
from typing import Any

from zc_lsp.agents.base import AgentContext, AgentRequest, AgentResult
from zc_lsp.agents.best_practices.config_review import finish, is_config_document, review_config_document, settings_scan
from zc_lsp.agents.best_practices.model_review import ModelReview, model_review
from zc_lsp.agents.engines.bandit_engine import bandit_rule_doc, bandit_scan, drop_ruff_duplicates
from zc_lsp.agents.engines.documents import (
    doc_name,
    refusal,
    remember,
    ruff_options,
    stdin_filename,
)
from zc_lsp.agents.engines.parse_failure import PARSE_CODE, ParseFailure, explain_parse_failure
from zc_lsp.agents.engines.proc import ToolError, gather_settled, spawn_first, with_cancel_token
from zc_lsp.agents.engines.ruff_engine import SYNTAX_CODE, may_be_test_file, ruff_check, ruff_rule_doc
from zc_lsp.agents.engines.secret_docs import explain_secret
from zc_lsp.agents.engines.secrets_engine import scan_secrets
from zc_lsp.agents.engines.taint import TaintReport, taint_is_quick, taint_review
from zc_lsp.agents.engines.taint.precision import dedupe, quiet_pattern_findings
from zc_lsp.core.types import DocSnapshot, Finding

log = logging.getLogger(__name__)
_MEMORY_SEEN_CAP = 256
# Up to this size a full taint analysis takes a few ms: the editor's first pass runs it whatever the edit.
QUICK_TAINT_CHARS = 30_000


class BestPracticesAgent:
    """Reviews code the way a careful colleague would, without a model: lint, security, secrets."""

    name = "best_practices"

    def __init__(self) -> None:
        # uri -> hash of the last recorded result: a review on every keystroke must not flood memory.
        self._recorded: OrderedDict[str, str] = OrderedDict()
        # sha256 of reviewed content -> stored model review; memory keeps it across restarts.
        self._model_reviews: dict[str, dict[str, Any]] = {}

    def actions(self) -> list[str]:
        return ["review", "review_files", "explain_finding"]

    async def handle(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
        if request.action == "review":
            return await self._review(request, ctx)
        if request.action == "explain_finding":
            return await self._explain(request, ctx)
        if request.action == "review_files":
            from zc_lsp.agents.best_practices.review_files import review_many

            return await review_many(self.name, request, ctx)
        return AgentResult.failure(
            self.name,
            request.action,
            f"Best Practices has no action `{request.action}`; it offers {', '.join(self.actions())}.",
        )

    async def _review(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
        doc = request.doc
        if doc is not None and is_config_document(doc):  # YAML, TOML, JSON, INI, .env, templates
            return await review_config_document(self.name, doc, ctx)
        reason = refusal(doc, ctx)
        if reason is not None or doc is None:
            return AgentResult.failure(self.name, "review", reason or "No document was given.")
        use_bandit = bool(request.args.get("bandit", False))
        # The editor's first pass asks for the taint engine only when it is quick ("quick": a small or
        # cached text, or an edit the incremental analysis moves); otherwise the result says it was
        # deferred and the editor's second pass asks for it (tens of ms of Python on a large module).
        taint_arg = request.args.get("taint", True)
        use_taint = bool(taint_arg)
        deferred = False
        use_secrets = bool(request.args.get("secrets", ctx.settings.diagnostics.secrets))
        opts = ruff_options(ctx)
        filename = stdin_filename(doc, ctx.workspace_root)
        findings: list[Finding] = []
        counts: dict[str, int] = {}
        errors: list[str] = []

        ctx.cancel.check("before the engines started")
        running = ["ruff"] + (["taint"] if use_taint else []) + (["bandit"] if use_bandit else [])
        running += ["secrets"] if use_secrets else []
        running.append("settings")
        failures: list[ParseFailure] = []  # files an engine could not parse: said, never skipped silently
        ctx.progress(f"running {', '.join(running)}", 5)

        async def engine(name: str, coro: Awaitable[list[Finding]]) -> list[Finding] | None:
            try:
                return await coro
            except ToolError as exc:
                errors.append(str(exc))
                return None
            finally:
                ctx.progress(f"{name} done", None)

        # The engines are independent: ruff and bandit are subprocesses, the Python engines (taint,
        # secrets, settings) share one thread, so they overlap and the review takes as long as the
        # slowest. One thread, not three: they only take turns on the GIL, and each hand-off cost.
        # Cancelling this task cancels them all (and kills the subprocesses).
        taint = TaintReport()

        def taint_run() -> TaintReport | None:
            quick = taint_arg != "quick" or len(doc.text) <= QUICK_TAINT_CHARS
            if not quick and not taint_is_quick(doc.text, filename.name, doc.uri):
                return None
            stop = lambda: ctx.cancel.cancelled  # noqa: E731 - polled from the worker thread
            return taint_review(doc.text, filename.name, failures, stop, doc_key=doc.uri)

        def in_process() -> dict[str, list[Finding]]:
            nonlocal taint, deferred
            out: dict[str, list[Finding]] = {}
            if use_secrets:
                out["secrets"] = scan_secrets(doc.text, filename.name, True, doc.uri)
            out["settings"] = settings_scan(doc, failures)
            if use_taint:  # last: when it is a full analysis, the others are not held behind it
                report = taint_run()
                deferred = report is None
                if report is not None:
                    taint = report
                out["taint"] = taint.findings
            return out

        # ruff's process is started before the Python engines' thread: started while Python threads
        # hold the GIL in turns, asyncio's child set-up took ~10 ms in the server instead of ~1.
        ruff_started = asyncio.Event()
        warm_for = doc.uri if request.args.get("warm") else None  # the editor's: a ruff may wait for the next change
        ruff_job = asyncio.ensure_future(engine("ruff", ruff_check(doc.text, filename, opts, ruff_started, warm_for)))
        try:
            await spawn_first(ruff_job, ruff_started)
        except BaseException:
            ruff_job.cancel()
            await asyncio.wait({ruff_job})  # its child is killed and reaped
            raise
        jobs: list[Awaitable[Any]] = [ruff_job, asyncio.to_thread(in_process)]
        if use_bandit:
            skip = tuple(ctx.settings.get("diagnostics.bandit_skip") or ())
            jobs.append(engine("bandit", bandit_scan(doc.text, filename.name, opts.timeout_s, skip, failures)))
        settled = await with_cancel_token(gather_settled(*jobs), ctx.cancel, "review")
        ctx.progress("engines done", None)
        by_name: dict[str, list[Finding] | None] = {"ruff": settled[0], **settled[1]}
        if use_bandit:
            by_name["bandit"] = settled[2]
        results = {name: by_name[name] for name in running if name in by_name}
        ruff_findings = results["ruff"]
        if deferred:
            del results["taint"]
        for name, found in results.items():
            if found is None:
                continue
            if name == "bandit":
                ignored = opts.ignore + (opts.test_ignore if may_be_test_file(filename) else ())
                found = drop_ruff_duplicates(found, ruff_findings or [], ignored)
            if name in ("ruff", "bandit"):  # pattern rules stay quiet where the taint engine judged the line
                found, _quieted = quiet_pattern_findings(found, taint.verdicts, taint.problem is None)
            counts[name] = len(found)
            findings += found
        findings = dedupe(findings)

        engines = "+".join(counts) or "none"
        review = None
        if request.args.get("model"):
            review = await model_review(ctx, doc, _relative(doc, ctx), self._model_reviews)
            if review.provider:
                counts["model"] = len(review.findings)
                findings += review.findings
        findings = finish(findings, doc, ctx, failures)  # suppressions, parse failures, stable ids
        findings.sort(key=lambda f: (f.span.start_line, f.span.start_char, f.code))
        ctx.progress("review done", 100)
        summary = _summary(doc_name(doc), counts, findings, errors)
        await self._record(ctx, doc.uri, doc_name(doc), counts, findings)
        result = AgentResult(
            ok=bool(counts),
            agent=self.name,
            action="review",
            summary=summary,
            data={
                "counts": counts,
                "errors": errors,
                "syntax_error": _has_syntax_error(findings),
                "parse_failures": [f.as_row() for f in failures],
                "taint_deferred": deferred,
            },
            findings=findings,
            provider="offline",
            model=engines,
            error="; ".join(errors) if not counts else None,
        )
        if review is not None:
            _add_model_review(result, review, engines)
        return result

    async def _record(
        self, ctx: AgentContext, uri: str, name: str, counts: dict[str, int], findings: list[Finding]
    ) -> None:
        codes = sorted({f.code for f in findings})
        digest = hashlib.sha1(repr((counts, codes)).encode(), usedforsecurity=False).hexdigest()
        if self._recorded.get(uri) == digest:
            return
        self._recorded[uri] = digest
        self._recorded.move_to_end(uri)
        while len(self._recorded) > _MEMORY_SEEN_CAP:
            self._recorded.popitem(last=False)
        total = sum(counts.values())
        content = f"review of {name}: {total} findings ({', '.join(codes[:20]) or 'clean'})"
        await remember(ctx, "review", content, {"counts": counts, "codes": codes}, uri)

    async def _explain(self, request: AgentRequest, ctx: AgentContext) -> AgentResult:
        code = str(request.args.get("code") or "").strip()
        message = str(request.args.get("message") or "").strip()
        if not code:
            return AgentResult.failure(self.name, "explain_finding", "No finding code was given.")
        ctx.progress(f"looking up {code}", None)
        engine, body = await _rule_documentation(code, message)
        if body is None:
            return AgentResult.failure(
                self.name,
                "explain_finding",
                f"`{code}` is not a rule ruff, bandit or ZombieCoder's secret scanner knows.",
            )
        heading = f"# `{code}`" + (f": {message}" if message else "")
        markdown = f"{heading}\n\n{body.strip()}\n"
        return AgentResult(
            ok=True,
            agent=self.name,
            action="explain_finding",
            summary=markdown,
            data={"code": code, "markdown": markdown, "engine": engine},
            provider="offline",
            model=engine,
        )


def _relative(doc: DocSnapshot, ctx: AgentContext) -> str:
    if doc.path is None:
        return doc.uri
    try:
        return doc.path.resolve().relative_to(ctx.workspace_root.resolve()).as_posix()
    except ValueError:
        return doc.path.name


def _add_model_review(result: AgentResult, review: ModelReview, engines: str) -> None:
    """Provenance of both halves: the offline engines and the model (or why there was none)."""
    result.data["model_review"] = {
        "findings": len(review.findings),
        "provider": review.provider,
        "model": review.model,
        "cached": review.cached,
        "note": review.note,
        "dropped": review.dropped,
    }
    if review.provider:
        result.provider, result.model, result.cached = review.provider, review.model, review.cached
        result.data["provenance"] = f"offline/{engines} + {review.provenance}"
        result.summary += f"\n\n**Model review** ({review.provenance}): {len(review.findings)} finding(s)."
    else:
        result.data["provenance"] = f"offline/{engines}"
    if review.note:
        result.summary += f"\n\n{review.note}"


async def _rule_documentation(code: str, message: str) -> tuple[str, str | None]:
    """(engine, markdown) from the tool that owns the rule; the docs are the tools' own."""
    if code.startswith("ZC-SECRET-"):
        return "secrets", explain_secret(code.removeprefix("ZC-SECRET-"))
    if code.startswith(("ZC-TAINT-", "ZC-SEC-")):
        from zc_lsp.agents.engines.taint.docs import explain_taint

        return "taint", explain_taint(code)
    if code.startswith("ZC-CONF-"):
        from zc_lsp.agents.engines.config_scan.rules import explain_rule

        return "config", explain_rule(code)
    if code == PARSE_CODE:
        return "zombiecoder", explain_parse_failure(message or "An engine could not parse this file.")
    if code == SYNTAX_CODE:
        return "ruff", _syntax_help(message)
    if re.fullmatch(r"B\d{3}", code):
        bandit_doc = await asyncio.to_thread(bandit_rule_doc, code)
        twin = await ruff_rule_doc("S" + code[1:])
        if bandit_doc is None and twin is None:
            return "bandit", None
        parts = [bandit_doc or f"bandit test {code}."]
        if twin:
            parts.append(
                f"## How to fix\n\nruff checks the same thing as `S{code[1:]}`; its documentation:\n\n"
                + _demote_headings(twin)
            )
        return "bandit", "\n\n".join(parts)
    doc = await ruff_rule_doc(code)
    return "ruff", _demote_headings(doc, 1) if doc else None


def _demote_headings(markdown: str, levels: int = 2) -> str:
    """Nest another document's headings under ours (`#` -> `###` by default)."""
    return re.sub(r"^(#+) ", lambda m: "#" * (len(m.group(1)) + levels) + " ", markdown, flags=re.M)


def _syntax_help(message: str) -> str:
    return (
        "## What it means\n\nPython cannot parse this file"
        + (f": {message.removeprefix('Syntax error: ')}" if message else "")
        + ".\n\n## Why it matters\n\nNothing in the file can run or be imported, and every other "
        "check stops at the first error, so other findings may be hiding behind it.\n\n"
        "## How to fix\n\nLook at the marked position and just before it: an unclosed bracket or "
        "string, a missing `:` after `def`/`if`/`for`, or inconsistent indentation are the usual "
        "causes. Fix the first syntax error first; later ones are often consequences of it."
    )


def _has_syntax_error(findings: list[Finding]) -> bool:
    return any(f.code == SYNTAX_CODE for f in findings)


def _summary(name: str, counts: dict[str, int], findings: list[Finding], errors: list[str]) -> str:
    total = sum(counts.values())
    lines = [f"**Review of {name}**: {total} finding{'s' if total != 1 else ''}", ""]
    if counts:
        lines += ["| engine | findings |", "|---|---|"]
        lines += [f"| {engine} | {n} |" for engine, n in counts.items()]
    fixable = sum(1 for f in findings if f.fix)
    if fixable:
        lines += ["", f"{fixable} can be fixed automatically (quick fix or *Fix all*)."]
    if _has_syntax_error(findings):
        lines += ["", "The file has a syntax error; findings after it may be missing."]
    for error in errors:
        lines += ["", f"Could not run: {error}"]
    return "\n".join(lines)
