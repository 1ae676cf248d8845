from markupsafe import Markup, escape
from flask import Flask, request
app = Flask(__name__)

@app.get("/b")
def b():
    return Markup("<b>{}</b>").format(request.args.get("t", ""))
