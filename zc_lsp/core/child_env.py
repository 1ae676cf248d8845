"""Environments for child processes: the user's credentials never reach code of the workspace.

Every child that runs workspace or model code (the sandbox, the user's own trusted test runs, the
doctor's interpreter check) gets its environment through `scrub_env`: names that usually hold API
keys, tokens or cloud logins are dropped, with the key variables the config names, and any value
that is a URL with a password in it. Stdlib only, like the sandbox that uses it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

_SECRET_WORDS = re.compile(
    r"KEY|TOKEN|SECRET|PASSW|(^|_)PASS($|_)|PASSPHRASE|CREDENTIAL|PRIVATE|AUTH|COOKIE|SESSION|SIGNATURE|_DSN$|^DSN$|_PAT$",
    re.IGNORECASE,
)
_SECRET_PREFIXES = tuple(
    [
        "AWS_",
        "AZURE_",
        "ARM_",
        "GOOGLE_",
        "GCP_",
        "GCLOUD_",
        "CLOUDSDK_",
        "OPENAI_",
        "ANTHROPIC_",
        "MISTRAL_",
        "COHERE_",
        "GROQ_",
        "HF_",
        "HUGGING",
        "GITHUB_",
        "GH_",
        "GITLAB_",
        "CI_JOB_",
        "NPM_",
        "PYPI_",
        "TWINE_",
        "DOCKER_",
        "VAULT_",
        "KUBE",
        "DIGITALOCEAN_",
        "HEROKU_",
        "STRIPE_",
        "SLACK_",
        "DISCORD_",
        "TELEGRAM_",
        "TWILIO_",
        "SENDGRID_",
        "MAILGUN_",
        "DATABRICKS_",
        "SHOPIFY_",
        "SENTRY_",
        "CLOUDFLARE_",
        "OLLAMA_",
    ]
)
_SECRET_NAMES = frozenset(
    [
        "SSH_AUTH_SOCK",
        "GPG_AGENT_INFO",
        "DATABASE_URL",
        "REDIS_URL",
        "MONGODB_URI",
        "AMQP_URL",
        "NETRC",
        "PGPASS",
        "MYSQL_PWD",
    ]
)
_URL_WITH_PASSWORD = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]*:[^/\s@]+@", re.IGNORECASE)

def is_secret_name(name: str) -> bool:
    """True for variable names that usually carry credentials (API keys, tokens, cloud logins)."""
    upper = name.upper()
    return upper in _SECRET_NAMES or upper.startswith(_SECRET_PREFIXES) or bool(_SECRET_WORDS.search(upper))


def scrub_env(env: Mapping[str, str], also: Iterable[str] = ()) -> dict[str, str]:
    """`env` without credentials: secret-like names, the names in `also`, and URLs with passwords."""
    extra = {name.upper() for name in also if name}
    return {
        name: value
        for name, value in env.items()
        if not is_secret_name(name) and name.upper() not in extra and not _URL_WITH_PASSWORD.search(value)
    }
