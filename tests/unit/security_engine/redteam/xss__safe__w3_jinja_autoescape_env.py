# expect: safe
from jinja2 import DictLoader, Environment, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

TEMPLATES = {
    "profile.html": """<!doctype html>
<h1>{{ user.display_name }}</h1>
<p class="bio">{{ user.bio }}</p>
<p>Website: <a href="{{ user.website }}">{{ user.website }}</a></p>
""",
}

env = Environment(loader=DictLoader(TEMPLATES), autoescape=select_autoescape(["html", "xml"]))


async def preview_profile(request: Request) -> HTMLResponse:
    form = await request.form()
    website = form.get("website", "")
    if not website.startswith(("https://", "http://")):
        website = ""
    user = {
        "display_name": form.get("display_name", ""),
        "bio": form.get("bio", ""),
        "website": website,
    }
    tpl = env.get_template("profile.html")
    return HTMLResponse(tpl.render(user=user))


app = Starlette(routes=[Route("/profile/preview", preview_profile, methods=["POST"])])
