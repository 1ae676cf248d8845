# expect: safe
from flask import Flask, request
from markupsafe import escape

app = Flask(__name__)


@app.route("/tag")
def tag():
    label = request.args.get("label", "")
    return "<span class='tag'>" + str(escape(label)) + "</span>"
