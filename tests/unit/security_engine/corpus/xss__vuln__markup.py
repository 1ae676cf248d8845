from flask import Flask, render_template, request
from markupsafe import Markup

app = Flask(__name__)


@app.route("/bio")
def bio():
    text = request.form.get("bio", "")
    return render_template("bio.html", bio=Markup("<p>" + text + "</p>"))
