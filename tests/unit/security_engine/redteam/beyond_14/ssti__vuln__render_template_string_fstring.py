# expect: CWE-94
import os
from datetime import datetime

from flask import Flask, render_template_string, request

app = Flask(__name__)
app.secret_key = os.environ.get("GREETER_SECRET_KEY")

LAYOUT_HEAD = "<!doctype html><html><head><title>{{ title }}</title></head><body>"
LAYOUT_FOOT = "<footer>{{ year }}</footer></body></html>"


def greeting_for(name: str) -> str:
    hour = datetime.now().hour
    part = "morning" if hour < 12 else "afternoon" if hour < 18 else "evening"
    return f"Good {part}, {name}!"


@app.route("/welcome")
def welcome():
    visitor = request.args.get("name", "guest")
    message = greeting_for(visitor)
    page = LAYOUT_HEAD + f"<h1>{message}</h1><p>Thanks for stopping by.</p>" + LAYOUT_FOOT
    return render_template_string(page, title="Welcome", year=datetime.now().year)


@app.route("/about")
def about():
    return render_template_string(LAYOUT_HEAD + "<p>About us</p>" + LAYOUT_FOOT, title="About", year=datetime.now().year)
