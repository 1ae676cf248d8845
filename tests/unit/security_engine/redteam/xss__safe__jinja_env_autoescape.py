# expect: safe
from flask import Flask, request
from jinja2 import Environment

app = Flask(__name__)
env = Environment(autoescape=True)
PAGE = env.from_string("<p>Hello {{ name }}</p>")


@app.route("/t")
def t():
    return PAGE.render(name=request.args.get("name", ""))
