# expect: CWE-94
import smtplib
from email.message import EmailMessage

import jinja2
from aiohttp import web

SMTP_HOST = "localhost"
FROM_ADDR = "noreply@example.org"


class Renderer:
    def __init__(self):
        self.env = jinja2.Environment(autoescape=True)

    def render(self, source: str, **ctx) -> str:
        return self.env.from_string(source).render(**ctx)


renderer = Renderer()


async def _read_template(request: web.Request) -> tuple[str, str]:
    data = await request.json()
    return data.get("subject", "Notification"), data["body_template"]


async def preview_email(request: web.Request) -> web.Response:
    subject, body_template = await _read_template(request)
    ctx = {"first_name": "Ada", "plan": "Pro", "renewal": "2025-01-01"}
    html = renderer.render(body_template, **ctx)
    return web.json_response({"subject": subject, "html": html})


async def send_test(request: web.Request) -> web.Response:
    data = await request.json()
    msg = EmailMessage()
    msg["Subject"] = "Test"
    msg["From"] = FROM_ADDR
    msg["To"] = data["to"]
    msg.set_content("This is a test message.")
    with smtplib.SMTP(SMTP_HOST) as smtp:
        smtp.send_message(msg)
    return web.json_response({"sent": True})


app = web.Application()
app.router.add_post("/templates/preview", preview_email)
app.router.add_post("/templates/test", send_test)
