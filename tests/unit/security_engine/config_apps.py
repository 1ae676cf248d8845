"""Two small web projects for the config-engine tests: one with known flaws, one with look-alikes.

`VULNERABLE` lists every flaw the engines must report as (file, code, line text marker). The safe
project holds the same shapes done right (autoescape on, debug from the environment, placeholders
such as `changeme`, `${DB_PASSWORD}` and `os.environ[...]`), and must produce no ZC-CONF finding.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

VULN_FILES = {
    "app.py": '''\
        import aiohttp_jinja2
        import jinja2
        from aiohttp import web
        from aiohttp_session import get_session, setup
        from aiohttp_session.cookie_storage import EncryptedCookieStorage

        SECRET = b"0" * 32


        async def login(request):
            form = await request.post()
            session = await get_session(request)
            session["user_id"] = form["user"]  # fixation: the pre-login session id is kept
            raise web.HTTPFound("/")


        def make_app():
            app = web.Application(debug=True)
            aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader("templates"), autoescape=False)
            setup(app, EncryptedCookieStorage(SECRET, httponly=False, secure=False))
            app.router.add_post("/login", login)
            return app
        ''',
    "flask_settings.py": '''\
        SECRET_KEY = "dev"
        DEBUG = True
        WTF_CSRF_ENABLED = False
        SESSION_COOKIE_SECURE = False
        SESSION_COOKIE_HTTPONLY = False
        ALLOWED_HOSTS = ["*"]
        ''',
    "views.py": '''\
        from django.contrib.auth import authenticate
        from django.views.decorators.csrf import csrf_exempt


        @csrf_exempt
        def sign_in(request):
            user = authenticate(request, username=request.POST["user"], password=request.POST["password"])
            if user is not None:
                request.session["user_id"] = user.pk
        ''',
    "config.yaml": '''\
        database:
          host: db.internal
          user: shop
          password: "Sup3r-S3cret!"
        app:
          debug: true
        session:
          cookie:
            secure: false
        ''',
    "settings.toml": '''\
        [server]
        allowed_hosts = "*"

        [database]
        url = "postgresql://shop:hunter22x@db.internal/shop"
        ''',
    "deploy.ini": '''\
        [mail]
        smtp_password = Mailp4ss-9911
        ''',
    "secrets.json": '''\
        {"stripe": {"api_key": "sk_live_51HxAbCdEfGhIjKlMnOpQrStUv"}, "csrf_enabled": false}
        ''',
    ".env": '''\
        DB_PASSWORD=pr0d-Passw0rd-42
        FLASK_DEBUG=1
        ''',
    "templates/search.html": '''\
        <h1>Results</h1>
        <p>You searched for {{ request.query.q | safe }}</p>
        {% autoescape false %}{{ bio }}{% endautoescape %}
        ''',
    "templates/django_page.html": '''\
        {% autoescape off %}
        {{ request.GET.name }}
        {% endautoescape %}
        ''',
}

# (file, code, a piece of the flagged line)
VULNERABLE = [
    ("app.py", "ZC-CONF-SESSION-FIXATION", 'session["user_id"]'),
    ("app.py", "ZC-CONF-DEBUG", "web.Application(debug=True)"),
    ("app.py", "ZC-CONF-AUTOESCAPE", "autoescape=False"),
    ("app.py", "ZC-CONF-COOKIE-HTTPONLY", "httponly=False"),
    ("app.py", "ZC-CONF-COOKIE-SECURE", "secure=False"),
    ("flask_settings.py", "ZC-CONF-DEBUG", "DEBUG = True"),
    ("flask_settings.py", "ZC-CONF-CSRF", "WTF_CSRF_ENABLED"),
    ("flask_settings.py", "ZC-CONF-COOKIE-SECURE", "SESSION_COOKIE_SECURE"),
    ("flask_settings.py", "ZC-CONF-COOKIE-HTTPONLY", "SESSION_COOKIE_HTTPONLY"),
    ("flask_settings.py", "ZC-CONF-HOSTS", "ALLOWED_HOSTS"),
    ("views.py", "ZC-CONF-CSRF", "@csrf_exempt"),
    ("views.py", "ZC-CONF-SESSION-FIXATION", 'request.session["user_id"] = user.pk'),
    ("config.yaml", "ZC-CONF-SECRET", "password:"),
    ("config.yaml", "ZC-CONF-DEBUG", "debug: true"),
    ("config.yaml", "ZC-CONF-COOKIE-SECURE", "secure: false"),
    ("settings.toml", "ZC-CONF-HOSTS", "allowed_hosts"),
    ("settings.toml", "ZC-CONF-DSN", "postgresql://"),
    ("deploy.ini", "ZC-CONF-SECRET", "smtp_password"),
    ("secrets.json", "ZC-SECRET-STRIPE-ACCESS-KEY", "sk_live_"),  # a vendor token: the secret engine names it
    ("secrets.json", "ZC-CONF-CSRF", "csrf_enabled"),
    (".env", "ZC-CONF-SECRET", "DB_PASSWORD"),
    (".env", "ZC-CONF-DEBUG", "FLASK_DEBUG"),
    ("templates/search.html", "ZC-CONF-SAFE-FILTER", "request.query.q | safe"),
    ("templates/search.html", "ZC-CONF-AUTOESCAPE", "{% autoescape false %}"),
    ("templates/django_page.html", "ZC-CONF-AUTOESCAPE", "{% autoescape off %}"),
]

SAFE_FILES = {
    "app.py": '''\
        import os

        import aiohttp_jinja2
        import jinja2
        from aiohttp import web
        from aiohttp_session import get_session, new_session, setup
        from aiohttp_session.cookie_storage import EncryptedCookieStorage


        async def login(request):
            form = await request.post()
            session = await new_session(request)
            session["user_id"] = form["user"]
            raise web.HTTPFound("/")


        async def profile(request):
            session = await get_session(request)
            return web.json_response({"user": session.get("user_id")})


        def make_app():
            app = web.Application(debug=os.environ.get("APP_DEBUG") == "1")
            aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader("templates"), autoescape=True)
            setup(app, EncryptedCookieStorage(os.environ["SESSION_KEY"].encode(), httponly=True, secure=True))
            return app
        ''',
    "views.py": '''\
        from django.contrib.auth import authenticate, login


        def sign_in(request):
            user = authenticate(request, username=request.POST["user"], password=request.POST["password"])
            if user is not None:
                login(request, user)  # cycles the session key
                request.session["user_id"] = user.pk


        def update_profile(request):
            request.session["username"] = request.POST["name"]  # not a login: the session id was issued at login


        def log_out(request):
            request.session["user_id"] = None
        ''',
    "settings.py": '''\
        import os

        SECRET_KEY = os.environ["SECRET_KEY"]
        DEBUG = os.environ.get("DEBUG", "") == "1"
        ALLOWED_HOSTS = ["shop.example.com"]
        SESSION_COOKIE_SECURE = True
        SESSION_COOKIE_HTTPONLY = True
        CSRF_COOKIE_SECURE = True
        MIDDLEWARE = [
            "django.middleware.security.SecurityMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
        ]
        ''',
    "config/dev_settings.py": '''\
        DEBUG = True  # a development settings module may debug
        ''',
    "config.yaml": '''\
        database:
          host: db.internal
          user: shop
          password: ${DB_PASSWORD}
          password_file: /run/secrets/db_password
          url: postgresql://shop:${DB_PASSWORD}@db.internal/shop
        admin:
          password: changeme
        api:
          token: !ENV ${API_TOKEN}
          auth: basic
        app:
          debug: false
        logging:
          level: debug
        session:
          cookie:
            secure: true
            httponly: true
        ''',
    "config.dev.yaml": '''\
        app:
          debug: true
        ''',
    "settings.toml": '''\
        [server]
        allowed_hosts = "shop.example.com"
        [database]
        password = "<your-password>"
        ''',
    "deploy.ini": '''\
        [mail]
        smtp_password = %(SMTP_PASSWORD)s
        smtp_user = mailer
        ''',
    "pyproject.toml": '''\
        [tool.something]
        debug = true
        ''',
    "package.json": '''\
        {"name": "shop", "scripts": {"build": "vite build"}}
        ''',
    ".env.example": '''\
        DB_PASSWORD=changeme
        API_KEY=your-api-key-here
        DEBUG=1
        ''',
    "templates/search.html": '''\
        <p>You searched for {{ request.query.q }}</p>
        <div>{{ article.body_html | safe }}</div>
        {# {% autoescape off %} is not used here #}
        ''',
}


def write(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'shop'\n")
    for rel, body in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(body))
    return root


def make_vulnerable(root: Path) -> Path:
    return write(root, VULN_FILES)


def make_safe(root: Path) -> Path:
    return write(root, SAFE_FILES)


def line_of(root: Path, rel: str, marker: str) -> int:
    """1-based line of the first line of `rel` holding `marker`."""
    for no, line in enumerate((root / rel).read_text().splitlines(), 1):
        if marker in line:
            return no
    raise AssertionError(f"{marker!r} not in {rel}")
