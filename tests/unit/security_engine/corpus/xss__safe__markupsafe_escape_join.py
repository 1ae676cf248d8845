from flask import Flask, request
from markupsafe import escape

app = Flask(__name__)


@app.route("/tags")
def tags():
    items = request.args.getlist("tag")
    cells = "".join(f"<li>{escape(t)}</li>" for t in items)
    return "<ul>" + cells + "</ul>"
