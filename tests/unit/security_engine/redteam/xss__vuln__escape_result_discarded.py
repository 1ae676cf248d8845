# expect: CWE-79
import html

from flask import Flask, request

app = Flask(__name__)


@app.route("/shout")
def shout():
    word = request.args.get("w", "")
    html.escape(word)
    return "<h2>" + word.upper() + "!</h2>"
