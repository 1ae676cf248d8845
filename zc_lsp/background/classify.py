"""Error classification for auto-fix: from a message and a code to one of a few kinds.

Rules are plain patterns over the texts ruff, pyright/mypy, pytest and Python itself produce;
the first rule that matches wins, ordered from the most specific (syntax) to the broadest.
"""

from __future__ import annotations

import re

KINDS = ("syntax_error", "missing_import", "missing_dependency", "autofixable_lint", "type_error",
         "failing_test", "config_error")
SAFE_KINDS = frozenset({"autofixable_lint", "missing_import"})

SYNTAX_CODES = {"E999", "syntax-error", "invalid-syntax", "SyntaxError", "IndentationError",
                "TabError"}
SYNTAX = re.compile(
    r"SyntaxError|IndentationError|TabError|invalid syntax|unexpected indent|unindent does not"
    r"|expected ['\"]?[:)\]}]|was never closed|unterminated (string|triple)|unexpected EOF"
    r"|Expected an? (expression|statement|indented block)|unmatched ['\"]?[)\]}]"
    r"|Simple statements must be separated|invalid character|Unparenthesized", re.I)
DEPENDENCY = re.compile(
    r"No module named ['\"]?(?P<a>[\w.]+)|Import ['\"](?P<b>[\w.]+)['\"] could not be resolved"
    r"|Cannot find implementation or library stub for module named ['\"](?P<c>[\w.]+)"
    r"|unresolved import ['\"]?(?P<d>[\w.]+)|Library stubs not installed for ['\"](?P<e>[\w.]+)",
    re.I)
DEPENDENCY_CODES = {"reportMissingImports", "import-not-found", "import-untyped",
                    "ModuleNotFoundError", "ImportError"}
UNDEFINED = re.compile(
    r"[Uu]ndefined name [`'\"](?P<a>\w+)|name ['\"](?P<b>\w+)['\"] is not defined"
    r"|['\"](?P<c>\w+)['\"] is not defined|Name ['\"](?P<d>\w+)['\"] is not defined")
UNDEFINED_CODES = {"F821", "reportUndefinedVariable", "name-defined", "NameError"}
TEST = re.compile(r"AssertionError|\bassert\b|FAILED\b|test failed|Failed: |pytest", re.I)
CONFIG = re.compile(
    r"\.zombiecoder\.yaml|config\.yaml|is not a setting|not valid YAML|configuration|"
    r"settings? .*(invalid|unknown)|YAMLError", re.I)
TYPE = re.compile(
    r"Incompatible (types|return)|has no attribute|is not assignable|Argument of type"
    r"|Argument \d+ to|TypeError|Unsupported operand|not callable|Too (many|few) (positional )?"
    r"arguments|Missing (positional )?argument|Cannot access (attribute|member)|is not a known "
    r"attribute|Expected type|Object of type .* is not|Incompatible default|unexpected keyword", re.I)
TYPE_CODES = {"arg-type", "attr-defined", "assignment", "return-value", "call-arg", "union-attr",
              "operator", "index", "reportAttributeAccessIssue", "reportArgumentType",
              "reportCallIssue", "reportReturnType", "reportOptionalMemberAccess",
              "reportGeneralTypeIssues", "reportAssignmentType"}
# ruff rules whose fix ruff applies on its own (`ruff check --fix`, safe fixes)
FIXABLE_RUFF = re.compile(r"^(F401|F541|F632|F811|E711|E712|E713|E714|E703|E731|W29[123]|W605"
                          r"|I00[12]|UP\d{3}|SIM(1(0[1-9]|1[0-9])|2\d\d)|C4\d\d|RUF100|PIE\d{3})$")


def _first(match: re.Match[str] | None) -> str | None:
    if match is None:
        return None
    return next((v for v in match.groupdict().values() if v), None)


def classify(message: str, code: str | None = None, source: str | None = None,
             *, fixable: bool = False) -> tuple[str | None, str | None]:
    """(kind, detail) for one error; kind is None when no rule matches."""
    code = code or ""
    source = (source or "").lower()
    if code in SYNTAX_CODES or SYNTAX.search(message):
        return "syntax_error", None
    dep = _first(DEPENDENCY.search(message))
    if dep or code in DEPENDENCY_CODES:
        return "missing_dependency", dep
    if fixable or (source in ("ruff", "") and FIXABLE_RUFF.match(code)):
        return "autofixable_lint", code or None
    name = _first(UNDEFINED.search(message))
    if name and (code in UNDEFINED_CODES or code == "" or source in ("ruff", "pyflakes", "python")):
        return "missing_import", name
    if source == "pytest" or TEST.search(message):
        return "failing_test", None
    if CONFIG.search(message) or source == "config":
        return "config_error", None
    if code in TYPE_CODES or TYPE.search(message):
        return "type_error", None
    return None, None


def classify_exception(exc: BaseException) -> tuple[str, str | None]:
    """The server's own exceptions: the type says more than the text."""
    if isinstance(exc, SyntaxError):
        return "syntax_error", None
    if isinstance(exc, ModuleNotFoundError):
        return "missing_dependency", exc.name
    if isinstance(exc, NameError):
        return "missing_import", getattr(exc, "name", None)
    if isinstance(exc, AssertionError):
        return "failing_test", None
    if type(exc).__name__ in ("YAMLError", "ConfigIssue", "ScannerError", "ParserError"):
        return "config_error", None
    if isinstance(exc, (TypeError, AttributeError)):
        return "type_error", None
    kind, detail = classify(f"{type(exc).__name__}: {exc}", type(exc).__name__, "python")
    return kind or "type_error", detail
