# expect: safe
from flask import Flask, request
from markupsafe import Markup, escape

app = Flask(__name__)

@app.get("/hello")
def hello():
    name = request.args.get("name", "world")
    return Markup("<h1>Hello %s</h1>") % escape(name)
