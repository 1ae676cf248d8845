"""What a taint-engine finding means and how to fix it: the text `explain_finding` shows."""

from __future__ import annotations

from zc_lsp.agents.engines.taint.model import KINDS

# kind -> (why it matters, how to fix)
_ADVICE: dict[str, tuple[str, str]] = {
    "SQL": (
        "The database runs whatever the string says; a quote in the data ends the literal and the rest becomes SQL.",
        'Keep the SQL constant and pass values separately: `cur.execute("... WHERE id = ?", '
        "(value,))`. Table or column names come from an allow-list, never from the request.",
    ),
    "CMD": (
        "A shell treats `;`, `|`, `$()` and backticks in the data as commands.",
        'Pass an argument list without `shell=True` (`subprocess.run(["ping", "-c", "1", host])`), or '
        "quote each value with `shlex.quote`; never let the data choose the program.",
    ),
    "CODE": (
        "`eval`/`exec` run the data as Python with the server's rights.",
        "Parse data with `json.loads` or `ast.literal_eval`; map names to functions with a dict.",
    ),
    "PATH": (
        "`../` in the data walks out of the intended folder.",
        "Take `os.path.basename` / `secure_filename`, or resolve with `os.path.realpath` and check the "
        "result `startswith` the base folder; Flask's `send_from_directory` does this for you.",
    ),
    "REDIRECT": (
        "An attacker's link through your site sends users to their page, with your domain as cover.",
        "Redirect to `url_for(...)` targets, to an allow-list, or check the URL with "
        "`url_has_allowed_host_and_scheme` (relative paths only).",
    ),
    "XSS": (
        "HTML built from data lets the data add scripts to your page.",
        "Render templates with autoescaping, or `html.escape`/`markupsafe.escape` each value; never wrap "
        "data in `Markup`/`mark_safe` or pass it to `render_template_string`.",
    ),
    "XXE": (
        "A parser that resolves external entities reads local files or URLs named in the document.",
        "Use `defusedxml`, or `lxml.etree.XMLParser(resolve_entities=False, no_network=True)`; leave "
        "`feature_external_ges` off for xml.sax.",
    ),
    "XPATH": (
        "Quotes in the data change the XPath expression, as in SQL injection.",
        'Use XPath variables: `tree.xpath("//user[@name=$name]", name=value)`.',
    ),
    "LDAP": (
        "`*`, `(`, `)` in the data rewrite the LDAP filter.",
        "Escape each value with `ldap3.utils.conv.escape_filter_chars` / `ldap.filter.escape_filter_chars`.",
    ),
    "DESER": (
        "Unpickling (or yaml with a full loader) runs code chosen by whoever wrote the bytes.",
        "Use JSON or `yaml.safe_load` for data from outside; sign anything you must unpickle.",
    ),
    "TRUST": (
        "Data from the request stored in the session is later trusted as if the server had set it.",
        "Validate the value (allow-list, type conversion) before it enters the session.",
    ),
    "SSRF": (
        "The server fetches a URL the client chose: internal services and cloud metadata included.",
        "Allow-list hosts (check `urlparse(url).hostname`), or build the URL from a fixed base and an id.",
    ),
    "COOKIE": (
        "A cookie without `Secure` travels over plain HTTP; without `HttpOnly` scripts can read it.",
        "Pass `secure=True, httponly=True` (and `samesite`) to `set_cookie`, or set them from config.",
    ),
    "HASH": (
        "MD5 and SHA-1 collide and are fast to brute-force: wrong for passwords, tokens and signatures.",
        "Passwords: bcrypt/argon2/scrypt or `hashlib.pbkdf2_hmac`; other security uses: SHA-256. For a "
        "checksum or cache key pass `usedforsecurity=False`.",
    ),
    "RAND": (
        "`random` is a predictable generator: its next outputs follow from a few observed ones.",
        "Use `secrets.token_urlsafe`, `secrets.randbelow` or `random.SystemRandom()` for security values.",
    ),
    "YAML": (
        "`yaml.load` with a non-safe loader can build arbitrary Python objects.",
        "Use `yaml.safe_load`, or `Loader=yaml.SafeLoader`.",
    ),
}


def explain_taint(code: str) -> str | None:
    """Markdown for a `ZC-TAINT-*` / `ZC-SEC-*` code, or None when the code is not the engine's."""
    for kind, (known, cwe, _severity, what) in KINDS.items():
        if known == code:
            why, fix = _ADVICE[kind]
            link = f"https://cwe.mitre.org/data/definitions/{cwe}.html"
            flow = (
                "\n\nThe related locations show the path the data took from its source to this line."
                if code.startswith("ZC-TAINT-")
                else ""
            )
            return (
                f"**{what}** ([CWE-{cwe}]({link})), found by ZombieCoder's taint engine.{flow}\n\n"
                f"## Why it matters\n\n{why}\n\n## How to fix\n\n{fix}"
            )
    return None
