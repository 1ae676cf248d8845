"""A corpus of realistic secrets in varied syntax, quoting, position and file type.

Values are generated from a fixed seed (nothing real is committed). Each case is the text a file
or a chat message would hold, the secret bytes that must never leave the machine, and a file name.
"""

from __future__ import annotations

import base64
import json
import random
import string
from dataclasses import dataclass

ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
RNG = random.Random(20261202)


def rnd(n: int, alphabet: str = ALNUM) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(n))


def pw(n: int = 12) -> str:
    """A human-ish password: letters, a digit, a symbol."""
    return rnd(n - 2, string.ascii_letters) + RNG.choice(string.digits) + RNG.choice("!#%^*_+")


@dataclass(frozen=True)
class Case:
    kind: str
    text: str
    secret: str
    filename: str = "snippet.txt"


def _pem(kind: str, lines: int = 8) -> str:
    body = "\n".join(rnd(64, ALNUM + "+/") for _ in range(lines))
    return f"-----BEGIN {kind}-----\n{body}\n{rnd(20, ALNUM + '+/')}==\n-----END {kind}-----"


def _jwt() -> str:
    def part(d: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part({'sub': rnd(8), 'exp': 9})}.{rnd(43)}"


def build() -> list[Case]:
    c: list[Case] = []
    add = c.append
    # Token formats
    v = "glrt-" + rnd(20, ALNUM + "_-")
    add(Case("gitlab-runner", f'sudo gitlab-runner register --token "{v}" --url https://gitlab.com', v, "setup.sh"))
    v = "GR1348941" + rnd(20)
    add(Case("gitlab-runner-registration", f"registration_token = {v}", v, "config.toml"))
    v = "glpat-" + rnd(20)
    add(Case("gitlab-pat", f"curl --header 'PRIVATE-TOKEN: {v}' https://gitlab.example.com/api/v4/projects", v))
    v = "gldt-" + rnd(20)
    add(Case("gitlab-deploy", f"  deploy: {{ user: gitlab+deploy-token-1, pass: {v} }}", v, "ci.yml"))
    v = "whsec_" + rnd(32)
    add(Case("stripe-webhook", f"endpoint_secret = '{v}'", v, "webhooks.py"))
    v = "sk_live_" + rnd(24)
    add(Case("stripe-live", f"stripe.api_key = {json.dumps(v)}", v, "billing.py"))
    v = "rk_test_" + rnd(24)
    add(Case("stripe-restricted", f"const stripe = require('stripe')('{v}');", v, "pay.js"))
    v = "SG." + rnd(22, ALNUM + "_-") + "." + rnd(43, ALNUM + "_-")
    add(Case("sendgrid", f"SENDGRID={v}", v, ".env.example"))
    v = "key-" + rnd(32, HEX)
    add(Case("mailgun", f'requests.post(url, auth=("api", "{v}"), data=msg)', v, "mail.py"))
    v = "pypi-AgEIcHlwaS5vcmc" + rnd(60, ALNUM + "_-")
    add(Case("pypi", f"[pypi]\n  username = __token__\n  password = {v}\n", v, "pypirc.ini"))
    v = "hvs." + rnd(24)
    add(Case("vault-hvs", f"export VAULT_TOKEN={v}", v, "env.sh"))
    v = "s." + rnd(24)
    add(Case("vault-legacy", f"vault login {v}", v, "notes.md"))
    v = "dapi" + rnd(32, HEX)
    add(Case("databricks", f'host = "https://x.cloud.databricks.com"\ntoken = "{v}"', v, "databrickscfg"))
    v = "dop_v1_" + rnd(64, HEX)
    add(Case("digitalocean", f'provider "digitalocean" {{\n  token = "{v}"\n}}', v, "main.tf"))
    v = "shpat_" + rnd(32, HEX)
    add(Case("shopify-pat", f"session = shopify.Session(shop, '2024-01', {v!r})", v, "shop.py"))
    v = "shpss_" + rnd(32, HEX)
    add(Case("shopify-shared", f"SHOPIFY_SHARED_SECRET: {v}", v, "app.yaml"))
    v = "M" + rnd(23) + "." + rnd(6, ALNUM + "_-") + "." + rnd(27, ALNUM + "_-")
    add(Case("discord-bot", f"client.run('{v}')", v, "bot.py"))
    v = f"{RNG.randint(10**8, 10**9)}:AA{rnd(33, ALNUM + '_-')}"
    add(Case("telegram-bot", f"bot = telebot.TeleBot({v!r})", v, "tg.py"))
    v = "SK" + rnd(32, HEX)
    add(Case("twilio-sk", f"client = Client({v!r}, api_secret, account_sid)", v, "sms.py"))
    v = "AC" + rnd(32, HEX)
    add(Case("twilio-ac", f"TWILIO_ACCOUNT_SID = {v}", v, "settings.ini"))
    v = rnd(32, HEX)
    add(Case("twilio-auth-token", f'twilio_auth_token: "{v}"', v, "secrets.yaml"))
    v = f"{rnd(8, HEX)}-{rnd(4, HEX)}-{rnd(4, HEX)}-{rnd(4, HEX)}-{rnd(12, HEX)}"
    add(Case("heroku-uuid", f"heroku config:set --app demo API={v}", v, "deploy.sh"))
    v = f"{rnd(8, HEX)}-{rnd(4, HEX)}-{rnd(4, HEX)}-{rnd(4, HEX)}-{rnd(12, HEX)}"
    add(Case("heroku-env", f"HEROKU_API_KEY={v}", v, ".envrc"))
    v = rnd(86, ALNUM + "+/") + "=="
    add(Case("azure-conn", f"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={v};EndpointSuffix=core.windows.net",
             v, "local.settings.json"))
    v = rnd(3) + "8Q~" + rnd(34, ALNUM + "_~.-")
    add(Case("azure-client-secret", f'AZURE_CLIENT_SECRET="{v}"', v, "azure.env"))
    v = rnd(40, HEX)
    add(Case("gcp-key-id", json.dumps({"type": "service_account", "project_id": "demo", "private_key_id": v}), v, "sa.json"))
    pem = _pem("PRIVATE KEY", 10)
    add(Case("gcp-service-account-json", json.dumps({"type": "service_account", "private_key": pem + "\n"}, indent=2),
             pem.split("\n")[3], "key.json"))
    key = _pem("OPENSSH PRIVATE KEY", 6)
    add(Case("openssh", f"Here is my key, why does ssh fail?\n{key}\n", key.split("\n")[2], "chat"))
    key = _pem("RSA PRIVATE KEY", 12)
    add(Case("pem-rsa", f'KEY = """{key}"""', key.split("\n")[5], "keys.py"))
    key = _pem("EC PRIVATE KEY", 3)
    add(Case("pem-ec-yaml", "tls:\n  key: |\n    " + key.replace("\n", "\n    "), key.split("\n")[2], "values.yaml"))
    v = "AKIA" + rnd(16, string.ascii_uppercase + string.digits)
    add(Case("aws-key-id", f"aws_access_key_id={v}", v, "credentials"))
    v = rnd(40, ALNUM + "/+")
    add(Case("aws-secret", f"aws_secret_access_key = {v}", v, "credentials"))
    v = "ghp_" + rnd(36)
    add(Case("github-in-url", f"git remote add origin https://{v}@github.com/acme/app.git", v, "chat"))
    v = "xoxb-" + rnd(12, string.digits) + "-" + rnd(13, string.digits) + "-" + rnd(24)
    add(Case("slack-bot", f'SLACK = {{"bot_token": "{v}"}}', v, "slack.py"))
    v = "sk-proj-" + rnd(48, ALNUM + "_-")
    add(Case("openai", f"OpenAI(api_key={v!r})", v, "llm.py"))
    v = "sk-ant-api03-" + rnd(80, ALNUM + "_-")
    add(Case("anthropic", f'ANTHROPIC_API_KEY="{v}"', v, ".env"))
    v = "AIza" + rnd(35, ALNUM + "_-")
    add(Case("google-api", f"<meta name=maps-key content={v}>", v, "index.html"))
    v = "hf_" + rnd(34)
    add(Case("huggingface", f"huggingface-cli login --token {v}", v, "README.md"))
    v = "npm_" + rnd(36)
    add(Case("npm", f"//registry.npmjs.org/:_authToken={v}", v, "npmrc"))
    v = _jwt()
    add(Case("jwt", f"Authorization: Bearer {v}", v, "request.http"))
    # Credentials in URLs of any scheme
    for scheme, user in (("redis", ""), ("amqp", "guest"), ("postgresql", "app"), ("mysql", "root"),
                         ("mongodb+srv", "admin"), ("rediss", "default"), ("ftp", "deploy")):
        v = pw(14)
        add(Case(f"url-{scheme}", f'BROKER_URL = "{scheme}://{user}:{v}@db.internal:1234/0"', v, "settings.py"))
    v = pw(10)
    add(Case("url-in-yaml", f"database:\n  url: postgres://svc:{v}@10.0.0.5/prod?sslmode=require", v, "db.yaml"))
    # Values assigned to secret-like names in many syntaxes
    v = pw(16)
    add(Case("py-dict", f"DATABASES = {{'default': {{'USER': 'app', 'PASSWORD': '{v}', 'HOST': 'db'}}}}", v, "settings.py"))
    v = pw(11)
    add(Case("py-kwargs", f"conn = psycopg2.connect(host='db', user='app', password='{v}')", v, "db.py"))
    v = pw(13)
    add(Case("py-kwargs-double", f'smtp.login("mailer@example.com", password="{v}")', v, "mail.py"))
    v = "django-insecure-" + rnd(50, ALNUM + "!@#%^&*(-_=+)")
    add(Case("django-secret-key", f"SECRET_KEY = '{v}'", v, "settings.py"))
    v = rnd(50, ALNUM + "!@#%^&*-_=+")
    add(Case("django-secret-key-plain", f'SECRET_KEY = "{v}"', v, "settings.py"))
    v = pw(12)
    add(Case("yaml", f"smtp:\n  host: mail\n  password: {v}\n", v, "config.yml"))
    v = pw(12)
    add(Case("yaml-quoted", f"  db_pass: '{v}'", v, "docker-compose.yml"))
    v = rnd(10, string.ascii_lowercase)
    add(Case("env-plain-word", f"DB_PASSWORD={v}", v, ".env"))
    v = pw(15)
    add(Case("json", json.dumps({"name": "svc", "client_secret": v}), v, "config.json"))
    v = pw(12)
    add(Case("toml", f'[tool.db]\npassword = "{v}"', v, "pyproject.toml"))
    v = pw(12)
    add(Case("ini", f"[database]\nuser = app\npasswd = {v}", v, "app.ini"))
    v = rnd(32)
    add(Case("shell-export", f"export API_TOKEN='{v}'", v, "profile.sh"))
    v = pw(12)
    add(Case("xml", f"<connection><user>sa</user><password>{v}</password></connection>", v, "web.config"))
    v = pw(12)
    add(Case("dotnet-conn", f'"Default": "Server=db;Database=app;User Id=sa;Password={v};"', v, "appsettings.json"))
    v = pw(12)
    add(Case("go-const", f'const dbPassword = "{v}"', v, "main.go"))
    v = pw(12)
    add(Case("js-object", f"const cfg = {{ user: 'x', secret: `{v}` }};", v, "cfg.js"))
    v = pw(12)
    add(Case("cli-flag", f"mytool --password {v} --host db", v, "run.sh"))
    v = pw(12)
    add(Case("curl-u", f"curl -u admin:{v} https://jenkins.local/api/json", v, "notes.md"))
    v = pw(12)
    add(Case("curl-user", f"curl --user 'ci-bot:{v}' -X POST https://nexus/upload", v, "ci.sh"))
    user_pw = f"robot:{pw(14)}"
    auth = base64.b64encode(user_pw.encode()).decode()
    add(Case("docker-auth", json.dumps({"auths": {"registry.example.com": {"auth": auth}}}, indent=2), auth, "config.json"))
    v = pw(12)
    add(Case("comment-password", f"# admin password is {v} (rotate monthly)\nconnect()", v, "admin.py"))
    v = pw(10)
    add(Case("comment-js", f"// TODO remove: pw: {v}\nlogin(user)", v, "login.ts"))
    v = pw(12)
    add(Case("chat-paste", f"my password is {v} and login still fails, can you look?", v, "chat"))
    v = pw(12)
    add(Case("chat-paste-colon", f"here is the db password: {v}", v, "chat"))
    # High entropy, base64 of a secret, concatenation
    v = rnd(40)
    add(Case("high-entropy-quoted", f'SIGNING = "{v}"', v, "sign.py"))
    v = rnd(48, ALNUM)
    add(Case("high-entropy-bare", f"value {v} end", v, "data.txt"))
    inner = "sk_live_" + rnd(24)
    v = base64.b64encode(inner.encode()).decode()
    add(Case("base64-wrapped", f"blob = '{v}'", v, "cfg.py"))
    inner = f"password={pw(12)}"
    v = base64.b64encode(inner.encode()).decode()
    add(Case("base64-assignment", f"data: {v}", v, "secret.yaml"))
    tail = rnd(24)
    add(Case("concat-plus", f'key = "sk_live_" + "{tail}"', tail, "pay.py"))
    a, b = "ghp_" + rnd(16), rnd(20)
    add(Case("concat-implicit", f'TOKEN = ("{a}"\n         "{b}")', b, "gh.py"))
    a, b = rnd(14), rnd(14)
    add(Case("concat-named", f'api_key = "{a}" + "{b}"', a, "x.py"))
    v = pw(12)
    add(Case("mysql-p", f"mysql -u root -p{v} app < dump.sql", v, "restore.sh"))
    v = pw(12)
    add(Case("sshpass", f"sshpass -p '{v}' ssh deploy@host", v, "deploy.sh"))
    v = rnd(40, ALNUM)
    add(Case("netrc", f"machine api.example.com login bot password {v}", v, "netrc"))
    v = pw(14)
    add(Case("powershell", f'$env:DB_PASSWORD = "{v}"', v, "setup.ps1"))
    # Passphrases (words with spaces) and literal fallbacks of secret lookups
    v = " ".join(rnd(RNG.randint(4, 8), string.ascii_lowercase) for _ in range(4))
    add(Case("passphrase", f'MASTER_PASSWORD = "{v}"', v, "vault.py"))
    v = " ".join(rnd(5, string.ascii_lowercase) for _ in range(3)) + f" {RNG.randint(10, 99)}"
    add(Case("passphrase-yaml", f"backup:\n  passphrase: '{v}'\n", v, "backup.yml"))
    v = pw(14)
    add(Case("env-default", f'DB_PASSWORD = os.environ.get("DB_PASSWORD", "{v}")', v, "settings.py"))
    v = "sk_" + rnd(20)
    add(Case("getenv-default-kw", f"key = os.getenv('STRIPE_API_KEY', default='{v}')", v, "billing.py"))
    v = rnd(18)
    add(Case("config-get-default", f'token = config.get("auth_token", "{v}")', v, "client.py"))
    return c


CORPUS: list[Case] = build()
