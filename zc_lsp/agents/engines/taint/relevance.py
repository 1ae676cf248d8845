"""Which functions a module without any source of untrusted data still needs analysed.

Without a source (no web framework, no `input()`, `sys.argv`, environment, argparse or `random`)
no taint finding is possible; the analysis is then only for rule checks and for "proved safe"
verdicts at sinks. A function whose text names no sink or rule call cannot contribute either, so
it gets a neutral summary instead of an analysis: on a 6,400-line library module that is most of
the time saved. Modules with a source are always analysed in full.
"""

from __future__ import annotations

import ast
import re

# Text that means untrusted data may enter (besides web frameworks, found through the imports).
_SOURCE_TEXT = re.compile(
    r"\binput\s*\(|\bargv\b|\benviron\b|\bgetenv\b|\bstdin\b|\bparse_(known_)?args\b|\bget_(query_|body_)?argument"
)
_SOURCE_MODULES = frozenset({"random", "argparse", "click", "typer", "tornado", "ldap", "ldap3"})
# Names of every call a sink, sanitizer-verdict or rule check looks at (a superset is fine).
# fmt: off
_CALL_NAMES = frozenset(
    re.findall(
        r"\w+",
        "system popen run call check_call check_output Popen getoutput getstatusoutput eval compile open execute "
        "executemany executescript exec_driver_sql mogrify raw extra text loads load unsafe_load load_all "
        "decode redirect Markup mark_safe format_html render_template_string make_response urlopen urlretrieve "
        "Request get post put patch delete head request stream fromstring parse parseString iterparse XML XMLID "
        "XMLParser xpath XPath ETXPath select find findall iterfind findtext search search_s search_st "
        "search_ext search_ext_s paged_search md5 sha sha1 md4 md2 new MD5 SHA1 SHA set_cookie set_signed_cookie "
        "remove unlink rmdir listdir scandir makedirs mkdir rmtree copy copyfile move rename send_file "
        "send_from_directory exists isfile isdir getsize stat access chmod fetch fetchrow fetchval execute_sql "
        "query write finish Path PurePath Template from_string read_text read_bytes write_text write_bytes touch "
        "iterdir getline ZipFile read_csv read_sql read_sql_query read_pickle RawSQL Connection initialize "
        "create_connection HTTPConnection HTTPSConnection Unpickler feed setFeature set_data make_parser "
        "create_subprocess_shell create_subprocess_exec spawn FileIO FileResponse HttpResponse Response "
        "HTMLResponse RedirectResponse HttpResponseRedirect HttpResponsePermanentRedirect HTTPFound HTTPSeeOther "
        "HTTPMovedPermanently HTTPTemporaryRedirect HTTPPermanentRedirect ElementTree ECB fchmod lchmod Cipher "
        "Client AsyncClient ClientSession PoolManager Session send"
    )
)
# fmt: on
_RELEVANT_CALL = re.compile(
    r"\b(" + "|".join(sorted(set(_CALL_NAMES), key=len, reverse=True)) + r"|exec\w*|spawn\w*)\s*\("
    r"|\.(?:verify_mode|check_hostname|verify)\s*="  # TLS checks switched off by assignment
)


def has_sources(text: str, import_roots: set[str], frameworks: set[str]) -> bool:
    """Whether untrusted data can enter this module at all."""
    return bool(frameworks or import_roots & _SOURCE_MODULES or _SOURCE_TEXT.search(text))


def aliases_of_interest(imports: dict[str, str]) -> re.Pattern[str] | None:
    """Local names bound to interesting functions (`from hashlib import md5 as digest`)."""
    names = [local for local, qual in imports.items() if qual.rsplit(".", 1)[-1] in _CALL_NAMES]
    return re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\s*\(") if names else None


# Answers by (function text, alias pattern): the regex is most of a lean module's analysis (~13 ms of
# ~27 on a 6,400-line module), and an edited module is analysed again with most functions unchanged.
_RELEVANT_CACHE: dict[tuple[str, str | None], bool] = {}
_RELEVANT_CACHE_MAX = 20_000


def is_relevant(fn: ast.FunctionDef | ast.AsyncFunctionDef, lines: list[str], aliases: re.Pattern[str] | None) -> bool:
    """Whether the function's text calls anything a sink or a rule check looks at."""
    body = "\n".join(lines[fn.lineno - 1 : fn.end_lineno or fn.lineno])
    key = (body, aliases.pattern if aliases is not None else None)
    known = _RELEVANT_CACHE.get(key)
    if known is None:
        known = bool(_RELEVANT_CALL.search(body) or (aliases is not None and aliases.search(body)))
        if len(_RELEVANT_CACHE) >= _RELEVANT_CACHE_MAX:
            _RELEVANT_CACHE.clear()  # rare; a dict clear is atomic, reviews run in several threads
        _RELEVANT_CACHE[key] = known
    return known
