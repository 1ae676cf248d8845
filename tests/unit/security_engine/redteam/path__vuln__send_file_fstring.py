# expect: CWE-22
from flask import Flask, request, send_file

app = Flask(__name__)


@app.route("/report")
def report():
    name = request.args["name"]
    return send_file(f"/srv/reports/{name}")
