# expect: CWE-79
from flask import Flask, render_template, request
from markupsafe import Markup

app = Flask(__name__)


@app.post("/comment")
def comment():
    body = request.form["body"]
    return render_template("comment.html", body=Markup(f"<b>{body}</b>"))
