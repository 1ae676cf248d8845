# expect: CWE-89
import sqlite3

from flask import Flask, request

app = Flask(__name__)


@app.route("/m")
def m():
    param = request.headers.get("X-Name", "")
    mapping = {}
    mapping["keyA"] = "a-value"
    mapping["keyB"] = param
    bar = mapping["keyB"]
    rows = sqlite3.connect("a.db").execute("SELECT * FROM t WHERE n='" + bar + "'").fetchall()
    return {"rows": rows}
