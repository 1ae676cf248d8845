# expect: CWE-79
from flask import Flask, request
from jinja2 import Template

app = Flask(__name__)


@app.route("/t")
def t():
    name = request.args.get("name", "")
    return Template("<p>Hello " + name + "</p>").render()
