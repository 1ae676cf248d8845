# expect: CWE-79
import os

from flask import Flask, render_template_string, request
from markupsafe import Markup

app = Flask(__name__)
app.secret_key = os.environ.get("BOARD_SECRET_KEY")

PAGE = """<!doctype html>
<title>Board</title>
<h1>Notice board</h1>
{{ banner }}
<ul>{% for n in notes %}<li>{{ n }}</li>{% endfor %}</ul>
"""

NOTES = ["Kitchen cleaning on Friday", "New coffee machine arrives Monday"]


def render_banner(title: str, tone: str = "info") -> Markup:
    html = '<div class="banner banner-{}"><strong>{}</strong></div>'.format(tone, title)
    return Markup(html)


@app.get("/")
def board():
    headline = request.args.get("headline", "Welcome")
    tone = "warning" if request.args.get("urgent") else "info"
    banner = render_banner(headline, tone)
    return render_template_string(PAGE, banner=banner, notes=NOTES)


@app.post("/notes")
def add_note():
    text = request.form.get("text", "").strip()
    if text:
        NOTES.append(text)
    return {"count": len(NOTES)}
