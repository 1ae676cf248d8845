"""What to do about each kind of leaked secret: where to revoke it and how to keep it out of code."""

from __future__ import annotations

from zc_lsp.agents.engines.secrets_engine import LABELS

_ROTATE = {
    "AWS": (
        "In the AWS console open IAM -> Users -> *Security credentials*, create a new access key, "
        "switch your deployments to it, then deactivate and delete the leaked one. Check CloudTrail "
        "for calls made with the old key id while it was exposed."
    ),
    "GITHUB": (
        "Revoke the token under GitHub *Settings -> Developer settings -> Personal access tokens* "
        "(or the app's settings for `ghs_`/`ghu_` tokens) and review the account's security log. "
        "GitHub also revokes tokens it finds in public repositories automatically."
    ),
    "SLACK": (
        "Regenerate the token (or delete and recreate the incoming webhook) in the app's page at "
        "api.slack.com/apps; the old one keeps working until you do."
    ),
    "OPENAI": (
        "Delete the key on the OpenAI platform's *API keys* page, create a new one, and check the "
        "usage page for spending you do not recognise."
    ),
    "ANTHROPIC": (
        "Disable and delete the key in the Anthropic Console under *API keys*, create a new one, "
        "and review usage for the period it was exposed."
    ),
    "JWT": (
        "A JWT is valid until it expires whoever holds it. Revoke the session it belongs to, and "
        "if it is long-lived or the signing key may be exposed too, rotate the signing key (which "
        "invalidates every token it signed)."
    ),
    "PRIVATE-KEY": (
        "Generate a new key pair, install the new public key wherever the old one was trusted "
        "(servers' `authorized_keys`, deploy keys, TLS certificates: have the certificate revoked "
        "and reissued), then remove the old public key everywhere."
    ),
    "KEYWORD": ("Change the password or secret at the service it belongs to; treat the old value as public."),
    "HIGH-ENTROPY": (
        "This random-looking value is assigned to a secret-sounding name. If it is a real "
        "credential, revoke it at the service that issued it and issue a new one."
    ),
}
_GENERIC_ROTATE = "Revoke or change this credential at the service that issued it, then issue a new one."


def explain_secret(kind: str) -> str:
    """Markdown: what was found, why it matters, and the concrete steps to recover."""
    label = LABELS.get(kind, kind.replace("-", " ").lower())
    return f"""## What it means

The source contains a hard-coded {label}. ZombieCoder never shows the value itself: the
finding marks where it is.

## Why it matters

Anything committed is copied to every clone, backup, CI log and package built from the code, and
stays in version control history after the line is deleted. Automated scanners harvest public
repositories for keys within minutes. Treat the secret as leaked, not merely misplaced.

## How to fix

1. **Rotate it.** {_ROTATE.get(kind, _GENERIC_ROTATE)}
2. **Load it at run time instead**, for example `os.environ["MY_SERVICE_TOKEN"]`, from a
   `.env` file kept out of version control (`.gitignore`), or from a secret manager (AWS Secrets
   Manager, Vault, the OS keyring).
3. **Remove it from history** if it was committed: `git filter-repo --replace-text` or the BFG
   Repo-Cleaner, then force-push and ask collaborators to re-clone. Rotation (step 1) is still
   needed: history rewrites do not reach existing copies.
4. **Keep it from coming back**: run `detect-secrets` as a pre-commit hook. If this value is a
   test fixture and not a secret, mark the line with `# pragma: allowlist secret`.
"""
