# expect: CWE-94
from flask import Flask, request
from mako.template import Template

app = Flask(__name__)


@app.post("/preview")
def preview():
    body = request.form.get("template", "")
    return Template(body).render(user="guest")
