# expect: CWE-89
import sqlite3

from flask import Flask, request

app = Flask(__name__)


@app.route("/count")
def count():
    table = getattr(request, "args").get("table", "users")
    cur = sqlite3.connect("app.db").cursor()
    getattr(cur, "execute")("SELECT COUNT(*) FROM " + table)
    return {"n": cur.fetchone()[0]}
