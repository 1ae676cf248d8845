# expect: CWE-79
from flask import Flask, request
from markupsafe import Markup

app = Flask(__name__)

@app.get("/hello")
def hello():
    name = request.args.get("name", "world")
    return Markup("<h1>Hello {}</h1>".format(name)) if False else Markup(f"<h1>Hello {name}</h1>")
