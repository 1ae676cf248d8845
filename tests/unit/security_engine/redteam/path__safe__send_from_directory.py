# expect: safe
from flask import Flask, request, send_from_directory

app = Flask(__name__)


@app.route("/dl")
def dl():
    return send_from_directory("/srv/public", request.args.get("f", "index.html"))
