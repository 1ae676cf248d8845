"""Known token formats: each rule is a regex plus literal triggers.

A rule runs only when one of its triggers occurs in the text (a C-speed substring test), which
keeps an ordinary prompt cheap. Formats follow gitleaks' public rule list and the vendors' docs;
the group named "s" (when present) is the secret, otherwise the whole match.
"""

from __future__ import annotations

import re

Rule = tuple[tuple[str, ...], re.Pattern[str]]

_B64 = r"A-Za-z0-9+/"
_URLSAFE = r"A-Za-z0-9_\-"


def _r(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags)


TOKEN_RULES: list[Rule] = [
    # Key blocks across lines, also inside JSON strings with literal "\n" (GCP service accounts).
    (("PRIVATE KEY",), _r(
        r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?:.|\n)*?(?:-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\Z)")),
    (("PuTTY-User-Key-File",), _r(r"PuTTY-User-Key-File-\d:(?:.|\n)*?Private-MAC: *[0-9a-f]+")),
    # OpenAI / Anthropic
    (("sk-ant-",), _r(r"\bsk-ant-[A-Za-z0-9_\-]{20,}")),
    (("sk-",), _r(r"\bsk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_\-]{20,}")),
    # Stripe keys and webhook secrets
    (("k_live_", "k_test_"), _r(r"\b[rsp]k_(?:live|test)_[A-Za-z0-9]{10,}")),
    (("whsec_",), _r(r"\bwhsec_[A-Za-z0-9+/=]{20,}")),
    # AWS
    (("AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA", "A3T"),
     _r(r"\b(?:A3T[A-Z0-9]|AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b")),
    (("aws_secret", "AWS_SECRET", "aws-secret"), _r(r"(?i)aws.{0,20}?['\"=:\s]\s*(?P<s>[A-Za-z0-9/+=]{40})\b")),
    # Google
    (("AIza",), _r(r"\bAIza[0-9A-Za-z_\-]{35}")),
    (("GOCSPX-",), _r(r"\bGOCSPX-[A-Za-z0-9_\-]{28}")),
    (("ya29.",), _r(r"\bya29\.[0-9A-Za-z_\-]{20,}")),
    (("private_key_id",), _r(r"private_key_id[\"']?\s*[:=]\s*[\"']?(?P<s>[a-f0-9]{32,64})")),
    # GitHub
    (("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), _r(r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}")),
    (("github_pat_",), _r(r"\bgithub_pat_[A-Za-z0-9_]{22,}")),
    # GitLab: PAT, pipeline trigger, runner (registration and auth), deploy, feed, OAuth, SCIM, CI job...
    (("glpat-", "glptt-", "glrt-", "gldt-", "glft-", "glsoat-", "glimt-", "glagent-", "glcbt-", "gloas-",
      "glffct-", "glrtr-", "glwt-", "glj-"),
     _r(r"\bgl(?:pat|ptt|rt|dt|ft|soat|imt|agent|cbt|oas|ffct|rtr|wt|j)-[A-Za-z0-9_\-.]{20,}")),
    (("GR1348941",), _r(r"\bGR1348941[A-Za-z0-9_\-]{20,}")),
    # Slack
    (("xox",), _r(r"\bxox[abposre]-[A-Za-z0-9\-]{10,}")),
    (("xapp-",), _r(r"\bxapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+")),
    (("hooks.slack.com",), _r(r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_\-]+")),
    (("discord.com/api/webhooks", "discordapp.com/api/webhooks"),
     _r(r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d+/[A-Za-z0-9_\-]+")),
    # Hugging Face, npm, PyPI
    (("hf_",), _r(r"\bhf_[A-Za-z0-9]{30,}")),
    (("npm_",), _r(r"\bnpm_[A-Za-z0-9]{36}\b")),
    (("pypi-",), _r(r"\bpypi-[A-Za-z0-9_\-]{50,}")),
    # SendGrid, Mailgun, Mailchimp, Postmark-ish
    (("SG.",), _r(r"\bSG\.[A-Za-z0-9_\-]{16,32}\.[A-Za-z0-9_\-]{16,64}")),
    (("key-",), _r(r"\bkey-[0-9a-zA-Z]{32}\b")),
    (("-us", "-eu"), _r(r"\b[0-9a-f]{32}-(?:us|eu)\d{1,2}\b")),
    # HashiCorp Vault and Terraform Cloud
    (("hvs.", "hvb.", "hvr."), _r(r"\bhv[sbr]\.[A-Za-z0-9_\-]{20,}")),
    (("s.",), _r(r"(?<![\w.])s\.[A-Za-z0-9]{24}\b")),
    (("atlasv1",), _r(r"\b[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_\-=]{60,}")),
    # Databricks, DigitalOcean, Shopify, Linear, Doppler, Pulumi, Grafana, New Relic, Sentry, Atlassian
    (("dapi",), _r(r"\bdapi[a-f0-9]{32}(?:-\d)?\b")),
    (("dop_v1_", "doo_v1_", "dor_v1_"), _r(r"\bdo[opr]_v1_[a-f0-9]{64}\b")),
    (("shpat_", "shpss_", "shpca_", "shppa_"), _r(r"\bshp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}\b")),
    (("lin_api_",), _r(r"\blin_api_[A-Za-z0-9]{40}\b")),
    (("dp.pt.", "dp.st.", "dp.ct.", "dp.sa."), _r(r"\bdp\.(?:pt|st|ct|sa)\.[A-Za-z0-9]{40,}")),
    (("pul-",), _r(r"\bpul-[a-f0-9]{40}\b")),
    (("glc_", "glsa_"), _r(r"\b(?:glc_[A-Za-z0-9+/]{32,}={0,2}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})")),
    (("NRAK-",), _r(r"\bNRAK-[A-Z0-9]{27}\b")),
    (("sntrys_", "sntryu_"), _r(r"\bsntry[su]_[A-Za-z0-9+/=_]{40,}")),
    (("ATATT",), _r(r"\bATATT[A-Za-z0-9_\-=]{20,}")),
    (("figd_",), _r(r"\bfigd_[A-Za-z0-9_\-]{40}")),
    (("dckr_pat_",), _r(r"\bdckr_pat_[A-Za-z0-9_\-]{27,}")),
    (("EAA",), _r(r"\bEAA[A-Za-z0-9]{100,}")),
    # Discord and Telegram bot tokens
    ((".",), _r(r"\b[MNO][A-Za-z\d_\-]{23,25}\.[A-Za-z\d_\-]{6}\.[A-Za-z\d_\-]{27,38}\b")),
    ((":AA",), _r(r"\b\d{8,10}:AA[A-Za-z0-9_\-]{33}\b")),
    # Twilio API key SID / account SID (with its auth token nearby caught by the keyword rules)
    (("SK", "AC"), _r(r"\b(?:SK|AC)[0-9a-fA-F]{32}\b")),
    # Heroku: a UUID on a line that mentions heroku, and the new HRKU- format
    (("heroku", "HEROKU", "Heroku"),
     _r(r"(?i)heroku.{0,60}?\b(?P<s>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b")),
    (("HRKU-",), _r(r"\bHRKU-[A-Za-z0-9_\-]{20,}")),
    # Azure storage connection strings, SAS signatures, AD client secrets
    (("AccountKey=", "SharedAccessKey=", "SharedSecretValue="),
     _r(r"(?:AccountKey|SharedAccessKey|SharedSecretValue)=(?P<s>[A-Za-z0-9+/=]{20,})")),
    (("sig=",), _r(r"[?&]sig=(?P<s>[A-Za-z0-9%+/=]{20,})")),
    (("Q~",), _r(r"\b[A-Za-z0-9_~.\-]{3}\dQ~[A-Za-z0-9_~.\-]{31,34}")),
    # JWTs and HTTP auth headers
    (("eyJ",), _r(r"\beyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{5,}")),
    (("earer", "asic", "oken", "EARER", "ASIC", "OKEN"),
     _r(r"(?i)\b(?:Bearer|Basic|Token)\s+(?P<s>(?=[A-Za-z\-._~+/]*[0-9+/=_])[A-Za-z0-9\-._~+/]{12,}=*)")),
    (("Private-Token", "PRIVATE-TOKEN", "X-Api-Key", "x-api-key", "X-API-KEY", "api-key:", "Api-Key:"),
     _r(r"(?i)\b(?:private-token|x-api-key|api-key)\s*:\s*(?P<s>[A-Za-z0-9\-._~+/=]{10,})")),
    # Credentials in a URL of any scheme, empty user allowed: redis://:pw@host, mongodb+srv://u:p@h
    (("://",), _r(r"\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s:/@'\"<>]*:(?P<s>[^\s@/'\"<>]{3,})@")),
    # A token as the only userinfo: https://ghp_xxx@github.com, https://x-oauth:@...
    (("://",), _r(r"\b[a-zA-Z][a-zA-Z0-9+.\-]*://(?P<s>[A-Za-z0-9_\-]{20,})@")),
    # curl -u user:pw, --user user:pw, sshpass -p pw, mysql -pPW
    (("-u", "--user", "-p"),
     _r(r"(?:\s|^)(?:-u|--user|--proxy-user)\s*[\"']?[^\s:\"']*:(?P<s>[^\s\"']{3,})")),
    (("sshpass",), _r(r"sshpass\s+-p\s*[\"']?(?P<s>[^\s\"']{3,})")),
    (("mysql", "mysqldump", "mariadb"), _r(r"\b(?:mysql|mysqldump|mariadb)\b[^\n]*?\s-p(?P<s>[^\s\"']{3,})")),
]


def run_rules(text: str, found: set[str]) -> None:
    """Add every rule match in `text` to `found`."""
    for triggers, pattern in TOKEN_RULES:
        if not any(t in text for t in triggers):
            continue
        for m in pattern.finditer(text):
            value = m.group("s") if "s" in pattern.groupindex and m.group("s") else m.group(0)
            found.add(value)
