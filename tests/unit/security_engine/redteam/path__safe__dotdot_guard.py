# expect: safe
from flask import Flask, abort, request, send_file

app = Flask(__name__)


@app.route("/asset")
def asset():
    name = request.args.get("name", "")
    if ".." in name or name.startswith("/"):
        abort(400)
    return send_file("/srv/assets/" + name)
