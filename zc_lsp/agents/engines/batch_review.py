"""Reviewing many saved files at once: one ruff and one bandit process for all of them.

Per-document review (the editor's unsaved buffers) starts a ruff and a bandit process per file;
for a folder that is mostly interpreter start-up (~0.25 s a file for bandit). Here both tools get
the whole list (in chunks, so command lines stay short), and their results are split per file.
Same engines, same options, same de-duplication as the per-document review; the taint engine
runs in process per file and its verdicts quiet ruff/bandit where it judged a line.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from zc_lsp.agents.engines.bandit_engine import bandit_reason, drop_ruff_duplicates, finding_from_bandit
from zc_lsp.agents.engines.config_scan import ENGINE_VERSION as CONFIG_VERSION
from zc_lsp.agents.engines.config_scan import is_config_file, scan_config, scan_python_settings
from zc_lsp.agents.engines.finding_ids import assign_ids
from zc_lsp.agents.engines.lines import split_lines
from zc_lsp.agents.engines.parse_failure import ParseFailure, still_unsaid
from zc_lsp.agents.engines.proc import ToolError, gather_settled, run_process
from zc_lsp.agents.engines.review_cache import ReviewCache, file_key, fingerprint, ruff_config_state, storable_rows
from zc_lsp.agents.engines.ruff_engine import (
    RuffOptions,
    check_returncode,
    finding_from_ruff,
    may_be_test_file,
    parse_json,
    ruff_command,
    ruff_env,
    rule_args,
    user_ruff_config,
)
from zc_lsp.agents.engines.secrets_engine import ENGINE_VERSION as SECRETS_VERSION
from zc_lsp.agents.engines.secrets_engine import scan_secrets
from zc_lsp.agents.engines.secrets_worker import HelperResult, scan_in_helper, worth_a_process
from zc_lsp.agents.engines.suppress import drop_suppressed
from zc_lsp.agents.engines.taint import ENGINE_VERSION as TAINT_VERSION
from zc_lsp.agents.engines.taint import taint_review
from zc_lsp.agents.engines.taint.precision import dedupe, quiet_pattern_findings
from zc_lsp.core.types import Finding
from zc_lsp.core.workspace import relative_to_root

log = logging.getLogger(__name__)
CHUNK = 200  # files per tool invocation
# Python 3.11's ast.parse in two threads at once can fail ("AST constructor recursion depth
# mismatch": the depth counter is per interpreter). The engines are GIL-bound, so taking turns is free.
_AST_LOCK = threading.Lock()


@dataclass
class FileReview:
    path: Path
    text: str
    findings: list[Finding] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    failures: list[ParseFailure] = field(default_factory=list)  # engines that could not parse it


def _no_progress(message: str, pct: int | None = None) -> None:
    return None


def _chunks(items: list[Path]) -> list[list[Path]]:
    return [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]


Tick = Callable[[str, int], None]  # (engine, files done): progress over the chunks


async def _ruff_all(paths: list[Path], opts: RuffOptions, tick: Tick) -> dict[Path, list[Finding]]:
    found: dict[Path, list[Finding]] = {}
    done = 0
    for chunk in _chunks(paths):
        args = [*ruff_command(), "check", "--no-cache", *rule_args(opts), *map(str, chunk)]
        res = await run_process(args, cwd=opts.root, timeout_s=opts.timeout_s, env=ruff_env())
        check_returncode(res.returncode, res.stderr, "check")
        for item in parse_json(res.stdout, "check"):
            found.setdefault(Path(item["filename"]).resolve(), []).append(finding_from_ruff(item))
        done += len(chunk)
        tick("ruff", done)
    return found


async def _bandit_all(
    files: dict[Path, FileReview], root: Path, timeout_s: float, skip: tuple[str, ...], tick: Tick
) -> dict[Path, list[Finding]]:
    found: dict[Path, list[Finding]] = {}
    done = 0
    for chunk in _chunks(list(files)):
        args = [sys.executable, "-P", "-m", "bandit", "-f", "json", "-q"]  # -P: nothing imported from cwd
        if skip:
            args += ["-s", ",".join(skip)]
        res = await run_process([*args, *map(str, chunk)], cwd=root, timeout_s=timeout_s * 4)
        if res.returncode not in (0, 1):
            detail = res.stderr.decode("utf-8", "replace").strip().splitlines()
            raise ToolError(f"bandit failed: {' '.join(detail[-2:]) or res.returncode}")
        try:
            data = json.loads(res.stdout.decode("utf-8") or "{}")
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ToolError(f"bandit printed output that is not JSON: {exc}") from exc
        for item in data.get("results") or []:
            path = (root / item.get("filename", "")).resolve()
            review = files.get(path)
            if review is not None:
                found.setdefault(path, []).append(finding_from_bandit(item, split_lines(review.text)))
        for err in data.get("errors") or []:
            review = files.get((root / err.get("filename", "")).resolve())
            if review is not None:
                review.failures.append(ParseFailure(str(review.path), "bandit", bandit_reason(err)))
        done += len(chunk)
        tick("bandit", done)
    return found


def is_config_path(path: Path) -> bool:
    """A file for the config engine (YAML, TOML, JSON, INI, .env, templates), not for ruff and bandit."""
    return path.suffix not in (".py", ".pyi") and is_config_file(path.name)


def _local_scan(review: FileReview) -> list[Finding]:
    """The config engine on a config file, the settings checks on a Python file; parse failures kept."""
    if is_config_path(review.path):
        found, bad = scan_config(review.text, str(review.path))
        engine = "config"
    else:
        found, bad = scan_python_settings(review.text, review.path.name)
        engine = "settings"
    review.failures += [ParseFailure(str(review.path), engine, b.reason, b.line) for b in bad]
    return found


def _local_scan_locked(review: FileReview) -> list[Finding]:
    with _AST_LOCK:
        return _local_scan(review)


async def review_files(
    files: dict[Path, str],
    opts: RuffOptions,
    *,
    bandit: bool,
    secrets: bool,
    bandit_skip: tuple[str, ...] = (),
    progress: Callable[[str, int | None], None] = _no_progress,
    cache: ReviewCache | None = None,
    settings_state: str = "",
) -> tuple[dict[Path, FileReview], list[str]]:
    """Findings per file (each tagged with data["path"]) and the engines' problems, said plainly.

    With a `cache`, files whose bytes and review inputs are unchanged come from it and only the rest
    go to the engines; `settings_state` is the settings that decide findings, as one string.
    """
    resolved = {path.resolve(): text for path, text in files.items()}
    if cache is None or cache.store is None:
        uncached, problems = await review_uncached(
            resolved, opts, bandit=bandit, secrets=secrets, bandit_skip=bandit_skip, progress=progress
        )
        return uncached, problems + ([cache.problem] if cache is not None and cache.problem else [])
    options = [repr(opts), rule_args(opts), bandit, secrets, bandit_skip, settings_state]
    print_ = await asyncio.to_thread(_fingerprint, list(resolved), options)
    keys = {path: file_key(path, text, print_) for path, text in resolved.items()}
    hits = await asyncio.to_thread(cache.get, list(keys.values()))
    reviews: dict[Path, FileReview] = {}
    for path, text in resolved.items():
        hit = hits.get(keys[path])
        if hit is not None:
            reviews[path] = FileReview(path, text, hit.findings, hit.counts)
    missing = {path: text for path, text in resolved.items() if path not in reviews}
    errors: list[str] = []
    if missing:
        fresh, errors = await review_uncached(
            missing, opts, bandit=bandit, secrets=secrets, bandit_skip=bandit_skip, progress=progress
        )
        reviews.update(fresh)
        if not errors:  # an engine that failed leaves every file's findings short: store none of them
            await asyncio.to_thread(_store, cache, fresh, keys)
    else:
        progress(f"{len(reviews)} files unchanged since the last review", 100)
    if cache.problem:
        errors.append(cache.problem)
    return {path: reviews[path] for path in resolved}, errors


def _fingerprint(paths: list[Path], options: list[object]) -> str:
    return fingerprint(
        engine_versions={"taint": TAINT_VERSION, "config": CONFIG_VERSION, "secrets": SECRETS_VERSION},
        options=options,
        config_state=ruff_config_state(paths, user_ruff_config()),
    )


def _store(cache: ReviewCache, fresh: dict[Path, FileReview], keys: dict[Path, str]) -> None:
    """Files an engine could not parse are not stored: their findings are not the whole story."""
    kept = [p for p, r in fresh.items() if not r.failures]
    payloads = storable_rows([(fresh[p].text, fresh[p].findings, fresh[p].counts) for p in kept])
    cache.put([(keys[p], str(p), payload) for p, payload in zip(kept, payloads, strict=True) if payload is not None])


async def review_uncached(
    files: dict[Path, str],
    opts: RuffOptions,
    *,
    bandit: bool,
    secrets: bool,
    bandit_skip: tuple[str, ...] = (),
    progress: Callable[[str, int | None], None] = _no_progress,
) -> tuple[dict[Path, FileReview], list[str]]:
    """Every engine over every file (the seam tests count engine runs through)."""
    reviews = {path.resolve(): FileReview(path.resolve(), text) for path, text in files.items()}
    errors: list[str] = []
    paths = [p for p in reviews if not is_config_path(p)]  # Python: ruff, bandit, secrets
    python_reviews = {p: reviews[p] for p in paths}

    async def engine(name: str, coro: object) -> dict[Path, list[Finding]] | None:
        try:
            result: dict[Path, list[Finding]] = await coro  # type: ignore[misc]
            return result
        except ToolError as exc:
            errors.append(str(exc))
            return None
        finally:
            progress(f"{name} done", None)

    items = [(path.name, review.text) for path, review in python_reviews.items()]
    helper = (
        asyncio.ensure_future(scan_in_helper(items, secrets=secrets, timeout_s=opts.timeout_s))
        if worth_a_process([text for _, text in items])
        else None
    )
    helper_failed: list[str] = []

    async def helped() -> dict[Path, HelperResult] | None:
        """The helper's answers per Python file; None without a helper or when it failed (then the
        scans run here, and the failure is logged once)."""
        if helper is None:
            return None
        try:
            return dict(zip(python_reviews, await helper, strict=True))
        except ToolError as exc:
            if not helper_failed:
                helper_failed.append(str(exc))
                log.warning("%s; scanning secrets and settings in this process", exc)
            return None

    async def secrets_all() -> dict[Path, list[Finding]]:
        found: dict[Path, list[Finding]] = {}
        answers = await helped()
        if answers is not None:
            tick("secrets", len(answers))
            return {path: answer.secrets or [] for path, answer in answers.items()}
        for n, (path, review) in enumerate(python_reviews.items(), 1):
            found[path] = await asyncio.to_thread(scan_secrets, review.text, path.name)
            if n % 20 == 0 or n == len(python_reviews):
                tick("secrets", n)
        return found

    verdicts: dict[Path, dict[tuple[int, str], str]] = {}

    def taint_one(path: Path, review: FileReview) -> list[Finding]:
        with _AST_LOCK:
            report = taint_review(review.text, str(path), review.failures)
        if report.problem is None:
            verdicts[path] = report.verdicts
        return report.findings

    async def taint_all() -> dict[Path, list[Finding]]:
        found: dict[Path, list[Finding]] = {}
        for n, (path, review) in enumerate(python_reviews.items(), 1):
            found[path] = await asyncio.to_thread(taint_one, path, review)
            if n % 20 == 0 or n == len(python_reviews):
                tick("taint", n)
        return found

    async def local_all() -> dict[Path, list[Finding]]:
        found: dict[Path, list[Finding]] = {}
        answers: dict[Path, HelperResult] | None = None
        config_first = [p for p in reviews if p not in python_reviews] + list(python_reviews)
        for n, path in enumerate(config_first, 1):
            review = reviews[path]
            if path in python_reviews and answers is None:
                answers = await helped() or {}
            answer = (answers or {}).get(path)
            if answer is not None:  # the helper ran the settings checks
                found[path] = answer.settings
                review.failures += [ParseFailure(str(path), "settings", why, line) for why, line in answer.unparsable]
            else:
                found[path] = await asyncio.to_thread(_local_scan_locked, review)
            if n % 20 == 0 or n == len(reviews):
                tick("config", n)
        return found

    names = ["ruff", "taint"] + (["bandit"] if bandit else []) + (["secrets"] if secrets else []) + ["config"]
    totals = {name: len(reviews) if name == "config" else len(paths) for name in names}
    done: dict[str, int] = dict.fromkeys(names, 0)

    def tick(name: str, n: int) -> None:
        """One figure for all engines: the share of (engine, file) pairs finished."""
        done[name] = n
        progress(
            f"{', '.join(f'{k} {v}/{totals[k]}' for k, v in done.items())}",
            int(100 * sum(done.values()) / max(sum(totals.values()), 1)),
        )

    jobs = [engine("ruff", _ruff_all(paths, opts, tick)), engine("taint", taint_all())]
    if bandit:
        jobs.append(engine("bandit", _bandit_all(python_reviews, opts.root, opts.timeout_s, bandit_skip, tick)))
    if secrets:
        jobs.append(engine("secrets", secrets_all()))
    jobs.append(engine("config", local_all()))
    try:
        results = dict(zip(names, await gather_settled(*jobs), strict=True))
    finally:
        if helper is not None and not helper.done():
            helper.cancel()  # cancelled review: run_process kills the helper
    for path, review in reviews.items():
        ruff_findings = (results.get("ruff") or {}).get(path, [])
        for name, per_file in results.items():
            if per_file is None or (name != "config" and path not in python_reviews):
                continue
            found = per_file.get(path, [])
            if name == "bandit":
                ignored = opts.ignore + (opts.test_ignore if may_be_test_file(path) else ())
                found = drop_ruff_duplicates(found, ruff_findings, ignored)
            if name in ("ruff", "bandit"):  # pattern rules stay quiet where the taint engine judged the line
                found, _quieted = quiet_pattern_findings(found, verdicts.get(path, {}), path in verdicts)
            found = drop_suppressed(found, review.text)
            label = name if name != "config" or is_config_path(path) else "settings"
            review.counts[label] = review.counts.get(label, 0) + len(found)
            review.findings += found
        review.findings = dedupe(review.findings)
        review.failures = still_unsaid(review.failures, review.findings)
        for finding in review.findings:
            finding.data["path"] = str(path)
        assign_ids(review.findings, review.text, relative_to_root(opts.root, path) or path.name)
        review.findings.sort(key=lambda f: (f.span.start_line, f.span.start_char, f.code))
    return reviews, errors
